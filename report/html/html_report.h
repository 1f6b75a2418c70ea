#pragma once
// `rafter report`: one self-contained HTML file (inline CSS, JS and SVG; no network) with the
// summary, both roofline charts linked to a sortable and filterable group table, collectives,
// the roofline per layer (module), the GPU-time breakdown per rank with why the GPU is idle,
// scaling curves and the diagnostics. Sections without data are left out.
// See docs/report.md.
#include <string>
#include <vector>

#include "analysis/breakdown.h"
#include "analysis/findings.h"
#include "analysis/roofline.h"
#include "model/scaling/scaling_run.h"

namespace rafter {

struct HtmlReportInputs {
    const RooflineReport* roofline = nullptr;     // required
    const BreakdownReport* breakdown = nullptr;   // optional: traces with timestamps
    const RooflineReport* modules = nullptr;      // optional: the same traces grouped by module
    const ScalingResult* scaling = nullptr;       // optional: --scenario
    const std::vector<Finding>* findings = nullptr;  // optional: shown first ("What to fix first")
    std::string title;                            // empty: "Rafter report: <machine>"
    std::string command_line;                     // shown in the footer
};

std::string render_html_report(const HtmlReportInputs& in);

// HTML text escaping (&, <, >, ", ').
std::string html_escape(const std::string& s);

// Whether a breakdown has anything to show (ranks with timed GPU activity).
bool breakdown_has_data(const BreakdownReport& b);

} // namespace rafter
