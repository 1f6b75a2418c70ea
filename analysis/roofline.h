#pragma once
// Roofline analysis: per-group (kernel name, base name, framework op, region) metrics against a
// machine's ceilings. The data and formulas are in roofline_formulas.h; this groups the traces'
// kernels (or hands framework-op groupings to op_roofline.h) and detects the machine.
#include <optional>
#include <string>
#include <vector>

#include "analysis/roofline_formulas.h"
#include "model/machines/machine.h"
#include "traces/trace.h"

namespace rafter {

RooflineReport analyze_roofline(const std::vector<Trace>& traces, const Machine& machine,
                                const RooflineOptions& options);

// The grouping that explains most of such inputs: by framework op when some trace records ops
// (PyTorch profiler traces: ops carry the shapes that give analytic costs), else by kernel
// (counter exports and CUPTI traces carry measured FLOPs and bytes per kernel).
GroupBy default_group_by(const std::vector<Trace>& traces);

// The built-in machine the traces were recorded on, from their metadata (machine_hint, then
// device names, via match_machine_for_device). nullopt when nothing matches or the traces name
// different machines; `why` then says what was found, for the error message.
std::optional<Machine> detect_machine(const std::vector<Trace>& traces, std::string* why = nullptr);

} // namespace rafter
