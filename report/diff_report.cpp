#include "report/diff_report.h"

#include <cmath>
#include <cstdio>

#include "analysis/display_names.h"
#include "core/diagnostics_json.h"
#include "core/json_writer.h"
#include "core/text.h"
#include "core/version.h"
#include "report/report_csv.h"

namespace rafter {

namespace {

std::string seconds(std::optional<double> s) { return s ? format_seconds(*s) : "-"; }

std::string signed_seconds(std::optional<double> s) {
    if (!s) return "-";
    if (*s == 0) return "0";
    return (*s > 0 ? "+" : "-") + format_seconds(std::abs(*s));
}

std::string ratio_text(const DiffRow& r) {
    if (r.status == DiffStatus::added) return "new";
    if (r.status == DiffStatus::removed) return "vanished";
    if (!r.ratio) return "-";
    char b[32];
    std::snprintf(b, sizeof b, "%.2fx", *r.ratio);
    return b;
}

std::string percent(std::optional<double> f) { return f ? format_percent(*f) : "-"; }

std::string join(const std::vector<std::string>& items, const char* sep) {
    std::string s;
    for (const auto& x : items) s += (s.empty() ? "" : sep) + x;
    return s;
}

void write_table(const DiffReport& d, std::ostream& out, size_t top) {
    const char* unit = d.per_step ? " per step" : "";
    out << "A: " << join(d.inputs_a, ", ") << (d.machine_a.empty() ? "" : " (" + d.machine_a + ")") << '\n'
        << "B: " << join(d.inputs_b, ", ") << (d.machine_b.empty() ? "" : " (" + d.machine_b + ")") << '\n';
    if (d.per_step) out << "per step: A " << d.steps_a << " steps, B " << d.steps_b << " steps\n";
    out << "kernel time" << unit << ": A " << seconds(d.total_a) << ", B " << seconds(d.total_b) << ", change "
        << signed_seconds(d.total_delta_s) << " (groups slower by " << format_seconds(d.increase_s)
        << ", faster by " << format_seconds(std::abs(d.decrease_s)) << "); grouped by " << to_string(d.group_by)
        << "\n\n";
    char line[512];
    std::snprintf(line, sizeof line, "%3s %-44s %10s %10s %11s %9s %9s %7s %7s\n", "#", "group", "time A", "time B",
                  "change", "B/A", "launch A", "eff A", "eff B");
    out << line;
    size_t shown = top ? std::min(top, d.rows.size()) : d.rows.size();
    std::vector<std::string> full;
    for (size_t i = 0; i < shown; ++i) full.push_back(d.rows[i].name);
    // Short names told apart as in every other table (analysis/display_names.h).
    std::vector<std::string> names = distinct_display_names(full, has_kernel_names(d.group_by), 44, CharMeasure());
    for (size_t i = 0; i < shown; ++i) {
        const DiffRow& r = d.rows[i];
        std::snprintf(line, sizeof line, "%3zu %-44s %10s %10s %11s %9s %9llu %7s %7s\n", i + 1,
                      names[i].c_str(), seconds(r.time_a).c_str(), seconds(r.time_b).c_str(),
                      signed_seconds(r.delta_s).c_str(), ratio_text(r).c_str(),
                      static_cast<unsigned long long>(r.launches_a), percent(r.efficiency_a).c_str(),
                      percent(r.efficiency_b).c_str());
        out << line;
    }
    if (shown < d.rows.size())
        out << "(" << shown << " of " << d.rows.size() << " groups shown; --top 0 shows all, --format csv or json "
            << "lists every group)\n";
    for (const Diagnostic& e : d.diagnostics.entries())
        if (e.severity != Severity::info && e.code.rfind("diff.", 0) == 0) out << "warning: " << e.message << '\n';
}

void write_csv(const DiffReport& d, std::ostream& out) {
    out << "rank,group,status,time_a_s,time_b_s,delta_s,ratio,launches_a,launches_b,flops_a,flops_b,efficiency_a,"
           "efficiency_b\n";
    auto num = [](std::optional<double> v) {
        if (!v) return std::string();
        char b[40];
        std::snprintf(b, sizeof b, "%.9g", *v);
        return std::string(b);
    };
    for (size_t i = 0; i < d.rows.size(); ++i) {
        const DiffRow& r = d.rows[i];
        out << i + 1 << ',' << csv_field(r.name) << ',' << to_string(r.status) << ',' << num(r.time_a) << ','
            << num(r.time_b) << ',' << num(r.delta_s) << ',' << num(r.ratio) << ',' << r.launches_a << ','
            << r.launches_b << ',' << num(r.flops_a) << ',' << num(r.flops_b) << ',' << num(r.efficiency_a) << ','
            << num(r.efficiency_b) << '\n';
    }
}

void write_json(const DiffReport& d, std::ostream& out) {
    JsonWriter w(out);
    w.begin_object();
    w.field("schema", kDiffSchema);
    w.field("generator", std::string("rafter ") + version_string());
    w.field("group_by", to_string(d.group_by));
    w.field("normalization", d.per_step ? "per_step" : "total");
    for (int side = 0; side < 2; ++side) {
        w.key(side ? "b" : "a").begin_object();
        w.key("inputs").begin_array();
        for (const auto& in : side ? d.inputs_b : d.inputs_a) w.value(in);
        w.end_array();
        const std::string& m = side ? d.machine_b : d.machine_a;
        w.key("machine");
        if (m.empty()) w.null();
        else w.value(m);
        w.field("steps", side ? d.steps_b : d.steps_a);
        w.field("time_s", side ? d.total_b : d.total_a);
        w.end_object();
    }
    w.field("delta_s", d.total_delta_s);
    w.field("increase_s", d.increase_s);
    w.field("decrease_s", d.decrease_s);
    w.key("groups").begin_array();
    for (size_t i = 0; i < d.rows.size(); ++i) {
        const DiffRow& r = d.rows[i];
        w.begin_object();
        w.field("rank", static_cast<uint64_t>(i + 1));
        w.field("name", r.name);
        w.field("status", to_string(r.status));
        w.field("time_a_s", r.time_a);
        w.field("time_b_s", r.time_b);
        w.field("delta_s", r.delta_s);
        w.field("ratio", r.ratio);
        w.field("launches_a", r.launches_a);
        w.field("launches_b", r.launches_b);
        w.field("flops_a", r.flops_a);
        w.field("flops_b", r.flops_b);
        w.field("efficiency_a", r.efficiency_a);
        w.field("efficiency_b", r.efficiency_b);
        w.end_object();
    }
    w.end_array();
    w.key("diagnostics");
    write_diagnostics_array(w, d.diagnostics);
    w.end_object();
    out << '\n';
}

} // namespace

void write_diff(const DiffReport& d, ReportFormat format, std::ostream& out, size_t top) {
    switch (format) {
    case ReportFormat::table: write_table(d, out, top); break;
    case ReportFormat::csv: write_csv(d, out); break;
    case ReportFormat::json: write_json(d, out); break;
    }
}

} // namespace rafter
