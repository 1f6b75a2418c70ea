#include "analysis/diff.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "analysis/analytic_costs.h"
#include "analysis/roofline.h"
#include "core/error.h"

namespace rafter {

const char* to_string(DiffStatus s) {
    switch (s) {
    case DiffStatus::both: return "both";
    case DiffStatus::added: return "new";
    case DiffStatus::removed: return "vanished";
    }
    return "both";
}

namespace {

std::optional<double> scaled(std::optional<double> v, double divisor) {
    if (!v) return std::nullopt;
    return *v / divisor;
}

} // namespace

DiffReport diff_rooflines(const RooflineReport& a, const RooflineReport& b, uint64_t steps_a, uint64_t steps_b,
                          bool per_step) {
    DiffReport out;
    out.inputs_a = a.inputs;
    out.inputs_b = b.inputs;
    out.group_by = a.group_by;
    out.machine_a = a.machine.name;
    out.machine_b = b.machine.name;
    out.per_step = per_step && steps_a > 0 && steps_b > 0;
    out.steps_a = steps_a;
    out.steps_b = steps_b;
    const double da = out.per_step ? static_cast<double>(steps_a) : 1.0;
    const double db = out.per_step ? static_cast<double>(steps_b) : 1.0;
    out.total_a = scaled(a.totals.time_s, da);
    out.total_b = scaled(b.totals.time_s, db);
    if (out.total_a && out.total_b) out.total_delta_s = *out.total_b - *out.total_a;

    std::unordered_map<std::string, size_t> row_of;
    auto row_for = [&](const std::string& name) -> DiffRow& {
        auto [it, added] = row_of.emplace(name, out.rows.size());
        if (added) {
            out.rows.emplace_back();
            out.rows.back().name = name;
        }
        return out.rows[it->second];
    };
    for (const GroupMetrics& g : a.groups) {
        DiffRow& r = row_for(g.name);
        r.time_a = scaled(g.time_s, da);
        r.launches_a += g.launches;
        r.flops_a = scaled(g.flops_total, da);
        r.efficiency_a = g.efficiency;
        r.status = DiffStatus::removed;
    }
    for (const GroupMetrics& g : b.groups) {
        bool in_a = row_of.count(g.name) > 0;
        DiffRow& r = row_for(g.name);
        r.time_b = scaled(g.time_s, db);
        r.launches_b += g.launches;
        r.flops_b = scaled(g.flops_total, db);
        r.efficiency_b = g.efficiency;
        r.status = in_a ? DiffStatus::both : DiffStatus::added;
    }
    for (DiffRow& r : out.rows) {
        bool has_a = r.status != DiffStatus::added, has_b = r.status != DiffStatus::removed;
        if ((has_a && !r.time_a) || (has_b && !r.time_b)) continue;  // a present side without a time
        r.delta_s = r.time_b.value_or(0) - r.time_a.value_or(0);
        if (r.time_a && r.time_b && *r.time_a > 0 && *r.time_b > 0) r.ratio = *r.time_b / *r.time_a;
        (*r.delta_s > 0 ? out.increase_s : out.decrease_s) += *r.delta_s;
    }
    std::stable_sort(out.rows.begin(), out.rows.end(), [](const DiffRow& x, const DiffRow& y) {
        if (x.delta_s.has_value() != y.delta_s.has_value()) return x.delta_s.has_value();
        if (!x.delta_s) return false;
        return std::abs(*x.delta_s) > std::abs(*y.delta_s);
    });

    out.diagnostics.merge(a.diagnostics);
    out.diagnostics.merge(b.diagnostics);
    size_t unknown = 0;
    for (const DiffRow& r : out.rows) unknown += !r.delta_s;
    if (unknown)
        out.diagnostics.add(Severity::warning, "diff.unknown_time",
                            std::to_string(unknown) + " groups have no kernel time in one of the runs: no change is "
                                                      "computed for them (listed last)");
    if (!out.per_step && steps_a != steps_b && steps_a && steps_b)
        out.diagnostics.add(Severity::warning, "diff.steps_differ",
                            "run A has " + std::to_string(steps_a) + " profiler steps and run B " + std::to_string(steps_b) +
                                ": totals are not comparable; --per-step divides each run by its steps");
    return out;
}

namespace {

// The steps of one rank: the ranks of a run record the same steps.
uint64_t steps_of(const std::vector<Trace>& traces) {
    uint64_t most = 0;
    for (const Trace& t : traces) most = std::max<uint64_t>(most, t.steps.size());
    return most;
}

} // namespace

DiffReport diff_runs(DiffRun& a, DiffRun& b, const DiffRunsOptions& o) {
    const bool chosen = !o.group_by;
    GroupBy group_by = o.group_by ? *o.group_by : default_group_by(a.traces);
    if (chosen && default_group_by(b.traces) != group_by) group_by = GroupBy::kernel;  // the grouping both have
    const uint64_t steps_a = steps_of(a.traces), steps_b = steps_of(b.traces);
    if (o.per_step && (!steps_a || !steps_b))
        throw Error(ExitCode::bad_input, "per-step comparison: the run has no profiler steps (ProfilerStep#N ranges)",
                    SourcePosition{steps_a ? b.input : a.input, PositionKind::none, 0});
    auto analyze = [&](DiffRun& run) {
        if (!is_op_grouping(group_by)) apply_analytic_costs_to_traces(run.traces);
        RooflineOptions ro;
        ro.group_by = group_by;
        ro.group_by_chosen = chosen;
        ro.no_machine_reason = run.no_machine_reason;
        ro.module_depth = o.module_depth;
        RooflineReport r = analyze_roofline(run.traces, run.machine, ro);
        r.inputs = {run.input};
        r.diagnostics.merge(run.machine_diagnostics);
        return r;
    };
    RooflineReport ra = analyze(a);
    RooflineReport rb = analyze(b);
    return diff_rooflines(ra, rb, steps_a, steps_b, o.per_step);
}

} // namespace rafter
