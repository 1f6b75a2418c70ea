#pragma once
// The trace model's tables as columns for pandas: each column is a NumPy array copied from the
// C++ vectors in one pass (no Python object per row), and each string column is a categorical
// (int32 codes into one list of distinct strings over all traces; -1 = missing).
#include <pybind11/pybind11.h>

#include <vector>

#include "traces/trace.h"

namespace rafter::python {

// A list of (name, array) and (name, codes, categories) tuples, in column order; rafter/_frames.py
// turns it into a DataFrame.
pybind11::list kernel_columns(const std::vector<Trace>& traces);
pybind11::list op_columns(const std::vector<Trace>& traces);
pybind11::list copy_columns(const std::vector<Trace>& traces);
pybind11::list collective_columns(const std::vector<Trace>& traces);
pybind11::list step_columns(const std::vector<Trace>& traces);
pybind11::list region_columns(const std::vector<Trace>& traces);

// The rank a trace's rows carry: the trace's own rank when it records one, else its position.
int32_t rank_of(const std::vector<Trace>& traces, size_t index);

} // namespace rafter::python
