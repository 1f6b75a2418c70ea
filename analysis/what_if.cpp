#include "analysis/what_if.h"

#include <algorithm>
#include <cstdio>
#include <iomanip>

#include "analysis/kernel_names.h"
#include "core/text.h"
#include "core/diagnostics_json.h"

namespace rafter {

namespace {

const char* bound_name(Bound b) { return b == Bound::unknown ? "-" : to_string(b); }

std::string speedup_text(const std::optional<double>& s) {
    if (!s) return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2fx", *s);
    return buf;
}

} // namespace

WhatIfReport project_what_if(const RooflineReport& report, const Machine& target) {
    WhatIfReport out;
    out.from_machine = report.machine.name;
    out.to_machine = target.name;

    double total = 0, proj_new = 0, proj_old = 0;
    bool all_timed = true, all_projected = true, any_projected = false;
    size_t unprojectable = 0;
    for (const GroupMetrics& g : report.groups) {
        WhatIfGroup w;
        w.name = g.name;
        w.time_s = g.time_s;
        w.bound = g.bound;
        w.bound_time_s = g.bound_time_s;
        w.efficiency = g.efficiency;
        GroupMetrics on_target = g;  // same sums, the target's ceilings and launch floor
        on_target.floor_time_s.reset();
        if (target.kernel_floor_s) on_target.floor_time_s = static_cast<double>(g.launches) * *target.kernel_floor_s;
        finalize_group(on_target, target, &out.diagnostics);
        w.target_bound = on_target.bound;
        w.target_bound_time_s = on_target.bound_time_s;
        if (g.time_s) total += *g.time_s;
        else all_timed = false;
        if (g.time_s && g.bound_time_s && *g.bound_time_s > 0 && on_target.bound_time_s && g.efficiency &&
            *g.efficiency > 0) {
            w.predicted_time_s = *on_target.bound_time_s / *g.efficiency;
            if (*w.predicted_time_s > 0) w.speedup = *g.time_s / *w.predicted_time_s;
            proj_new += *w.predicted_time_s;
            proj_old += *g.time_s;
            any_projected = true;
        } else if (g.time_s) {
            all_projected = false;
            ++unprojectable;
        }
        out.groups.push_back(std::move(w));
    }
    if (all_timed && !report.groups.empty()) out.total_time_s = total;
    if (any_projected) {
        out.projected_time_s = proj_new;
        out.projected_measured_s = proj_old;
        if (total > 0) out.coverage = proj_old / total;
    }
    if (any_projected && all_projected && all_timed) {
        out.predicted_total_s = proj_new;
        if (proj_new > 0) out.speedup = total / proj_new;
    }
    if (unprojectable)
        out.diagnostics.add(Severity::warning, "what_if.unprojected",
                            "groups without a roofline bound on both machines (missing FLOPs, bytes or a peak) "
                            "cannot be projected; the total speed-up covers only the projected groups",
                            unprojectable);
    return out;
}

void write_what_if_table(std::ostream& out, const WhatIfReport& r, size_t top) {
    out << "What-if: " << r.from_machine << " -> " << r.to_machine
        << " (each group keeps its measured roofline efficiency)\n";
    std::vector<std::vector<std::string>> rows = {
        {"group", "time", "bound", "efficiency", "bound on " + r.to_machine, "predicted", "speed-up"}};
    size_t n = top == 0 ? r.groups.size() : std::min(top, r.groups.size());
    for (size_t i = 0; i < n; ++i) {
        const auto& g = r.groups[i];
        char eff[32] = "-";
        if (g.efficiency) std::snprintf(eff, sizeof eff, "%.1f%%", *g.efficiency * 100);
        rows.push_back({shorten_kernel_name(g.name, 48), g.time_s ? format_seconds(*g.time_s) : "-",
                        bound_name(g.bound), eff, bound_name(g.target_bound),
                        g.predicted_time_s ? format_seconds(*g.predicted_time_s) : "-", speedup_text(g.speedup)});
    }
    std::vector<size_t> width(rows[0].size(), 0);
    for (const auto& row : rows)
        for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
    for (const auto& row : rows) {
        for (size_t c = 0; c < row.size(); ++c) {
            if (c) out << "  ";
            if (c == 0) out << std::left;
            else out << std::right;
            out << std::setw(static_cast<int>(width[c])) << row[c];
        }
        out << std::left << '\n';
    }
    if (r.groups.size() > n) out << "(" << r.groups.size() - n << " more groups)\n";
    if (r.predicted_total_s) {
        out << "Total: " << format_seconds(*r.total_time_s) << " -> " << format_seconds(*r.predicted_total_s)
            << ", speed-up " << speedup_text(r.speedup) << '\n';
    } else if (r.projected_time_s) {
        char cov[32];
        std::snprintf(cov, sizeof cov, "%.1f%%", r.coverage * 100);
        out << "Total: not predicted (some groups cannot be projected); the projected groups (" << cov
            << " of the time): " << format_seconds(*r.projected_measured_s) << " -> "
            << format_seconds(*r.projected_time_s) << ", speed-up "
            << speedup_text(*r.projected_measured_s / *r.projected_time_s) << '\n';
    } else {
        out << "Total: no group could be projected\n";
    }
}

void write_what_if_json(JsonWriter& w, const WhatIfReport& r) {
    auto bound = [&](Bound b) {
        if (b == Bound::unknown) w.null();
        else w.value(to_string(b));
    };
    w.begin_object();
    w.field("schema", "rafter.what_if/1");
    w.field("from_machine", r.from_machine);
    w.field("to_machine", r.to_machine);
    w.key("totals").begin_object();
    w.field("time_s", r.total_time_s);
    w.field("predicted_time_s", r.predicted_total_s);
    w.field("speedup", r.speedup);
    w.field("projected_measured_s", r.projected_measured_s);
    w.field("projected_time_s", r.projected_time_s);
    w.field("coverage", r.coverage);
    w.end_object();
    w.key("groups").begin_array();
    for (const auto& g : r.groups) {
        w.begin_object();
        w.field("name", g.name);
        w.field("time_s", g.time_s);
        w.key("bound");
        bound(g.bound);
        w.field("bound_time_s", g.bound_time_s);
        w.field("efficiency", g.efficiency);
        w.key("target_bound");
        bound(g.target_bound);
        w.field("target_bound_time_s", g.target_bound_time_s);
        w.field("predicted_time_s", g.predicted_time_s);
        w.field("speedup", g.speedup);
        w.end_object();
    }
    w.end_array();
    w.key("diagnostics");
    write_diagnostics_array(w, r.diagnostics);
    w.end_object();
}

} // namespace rafter
