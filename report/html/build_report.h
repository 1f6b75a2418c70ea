#pragma once
// The analyses behind `rafter report`, from imported traces to the HTML text: the roofline (by
// the chosen grouping, or by kernel when no grouping was asked for and that explains more of the
// time), the Layers view by module when the traces have module scopes, and the breakdown. The CLI
// and the Python API both call this, so that their reports are the same.
#include <optional>
#include <string>
#include <vector>

#include "analysis/roofline.h"
#include "core/diagnostics.h"
#include "model/scaling/scaling_run.h"
#include "traces/trace.h"

namespace rafter {

struct ReportBuildOptions {
    std::optional<GroupBy> group_by;  // nullopt: default_group_by, or by kernel when that explains more
    int gpus_per_node = 0;            // 0: the default (8)
    int layers_depth = 0;             // module depth of the Layers section; 0: deepest with at most 16 rows
    std::string no_machine_reason;
    Diagnostics machine_diagnostics;  // merged into the report's diagnostics
    std::vector<std::string> inputs;  // as the user named them, for the summary
    const ScalingResult* scaling = nullptr;  // scaling curves, when a scenario was given
    std::string title;                       // empty: from the machine
    std::string command_line;                // shown in the footer
};

// Adds analytic costs to the traces' kernels (so they are modified) and renders the report.
std::string build_html_report(std::vector<Trace>& traces, const Machine& machine, const ReportBuildOptions& options);

} // namespace rafter
