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

// The built-in machine the traces were recorded on, from their metadata (machine_hint, then
// device names, via match_machine_for_device). nullopt when nothing matches or the traces name
// different machines; `why` then says what was found, for the error message.
std::optional<Machine> detect_machine(const std::vector<Trace>& traces, std::string* why = nullptr);

} // namespace rafter
