#pragma once
// `rafter diff` output: a table, CSV, or JSON (schema rafter.diff/1, docs/diff.md).
#include <cstddef>
#include <ostream>

#include "analysis/diff.h"
#include "report/report_format.h"

namespace rafter {

inline constexpr const char* kDiffSchema = "rafter.diff/1";

// top: table rows shown (0 = all); CSV and JSON list every group.
void write_diff(const DiffReport& d, ReportFormat format, std::ostream& out, size_t top = 20);

} // namespace rafter
