#include "report/html/build_report.h"

#include "analysis/analytic_costs.h"
#include "analysis/breakdown.h"
#include "analysis/findings.h"
#include "analysis/module_scopes.h"
#include "report/html/html_report.h"

namespace rafter {

namespace {
constexpr size_t kLayersMaxRows = 16;
}

std::string build_html_report(std::vector<Trace>& traces, const Machine& machine, const ReportBuildOptions& o) {
    const bool chosen = !o.group_by;  // "chosen" by Rafter, not by the user
    const GroupBy group_by = o.group_by ? *o.group_by : default_group_by(traces);
    apply_analytic_costs_to_traces(traces);
    RooflineOptions ropts;
    ropts.group_by = group_by;
    ropts.group_by_chosen = chosen;
    ropts.no_machine_reason = o.no_machine_reason;
    ropts.gpus_per_node = o.gpus_per_node;
    if (group_by == GroupBy::module) ropts.module_depth = o.layers_depth;
    RooflineReport report = analyze_roofline(traces, machine, ropts);
    if (chosen && group_by != GroupBy::kernel) {
        ropts.group_by = GroupBy::kernel;
        RooflineReport by_kernel = analyze_roofline(traces, machine, ropts);
        if (by_kernel.totals.time_s && report.totals.time_s &&
            explained_time(by_kernel).share().value_or(0) > explained_time(report).share().value_or(0) + 0.005)
            report = std::move(by_kernel);
    }
    if (report.inputs.empty()) report.inputs = o.inputs;
    report.diagnostics.merge(o.machine_diagnostics);
    std::optional<RooflineReport> modules;
    if (report.group_by != GroupBy::module && has_module_scopes(traces)) {
        RooflineOptions mo = ropts;
        mo.group_by = GroupBy::module;
        mo.group_by_chosen = false;
        mo.module_depth = o.layers_depth;
        modules = analyze_roofline(traces, machine, mo);
        if (o.layers_depth == 0 && modules->groups.size() > kLayersMaxRows) {
            std::vector<std::string> names;
            for (const auto& g : modules->groups) names.push_back(g.name);
            mo.module_depth = depth_for_at_most(names, kLayersMaxRows);
            modules = analyze_roofline(traces, machine, mo);
        }
    }
    BreakdownReport breakdown = analyze_breakdown(traces);
    bool timed = false;
    for (const RankBreakdown& rb : breakdown.ranks) timed = timed || rb.totals.wall_s > 0;
    std::vector<Finding> findings = find_issues(&report, timed ? &breakdown : nullptr, traces.size());

    HtmlReportInputs in;
    in.roofline = &report;
    in.breakdown = &breakdown;
    if (modules) in.modules = &*modules;
    in.scaling = o.scaling;
    in.findings = &findings;
    in.title = o.title;
    in.command_line = o.command_line;
    return render_html_report(in);
}

} // namespace rafter
