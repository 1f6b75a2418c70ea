#pragma once
// Roofline grouped by framework op (`--group-by op`) or by op and input shapes (`op-shape`).
// Each kernel is charged to its op call (analysis/op_attribution.h); a group's time is the GPU
// time of its ops' kernels, `launches` their kernel count, `invocations` the op calls, and its
// FLOPs and DRAM bytes the analytic costs of those calls (model/ops/op_costs.h, provenance analytic).
// Kernels charged to no op form one group named "(unattributed)" with their own (usually
// missing) counters, so the totals still cover every kernel. Bound, efficiency and the totals
// come from finalize_group / finalize_report (analysis/roofline_formulas.h): one source of the formulas.
#include <vector>

#include "analysis/roofline_formulas.h"

namespace rafter {

// The name of the group that collects kernels without an op.
inline constexpr const char* kUnattributedGroup = "(unattributed)";

RooflineReport analyze_op_roofline(const std::vector<Trace>& traces, const Machine& machine,
                                   const RooflineOptions& options);

} // namespace rafter
