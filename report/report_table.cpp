#include "report/report_table.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "analysis/display_names.h"
#include "core/text.h"

namespace rafter {
namespace {

const char* kDash = "-";

std::string clip(const std::string& s, size_t w) {
    if (s.size() <= w) return s;
    if (w <= 3) return s.substr(0, w);
    return s.substr(0, w - 3) + "...";
}
// Cells are clipped to their column so that a long value never shifts the columns after it.
std::string pad_left(const std::string& s, size_t w) {
    std::string c = clip(s, w);
    return std::string(w - c.size(), ' ') + c;
}
std::string pad_right(const std::string& s, size_t w) {
    std::string c = clip(s, w);
    return c + std::string(w - c.size(), ' ');
}

std::string percent(std::optional<double> fraction) {
    return fraction ? format_percent(*fraction) : kDash;
}

std::string si_or_dash(std::optional<double> v) { return v ? si_format(*v) : kDash; }

// Arithmetic intensity as a plain number (FLOP/byte): "0.684", "181", "1024".
std::string intensity(std::optional<double> v) {
    if (!v) return kDash;
    char buf[32];
    if (*v != 0 && *v < 0.001) std::snprintf(buf, sizeof buf, "%.1e", *v);
    else if (*v < 1000) std::snprintf(buf, sizeof buf, "%.3g", *v);
    else std::snprintf(buf, sizeof buf, "%.0f", *v);
    return buf;
}

// Short names for the rows shown, told apart as everywhere else (analysis/display_names.h).
std::vector<std::string> row_names(const RooflineReport& r, size_t shown, size_t width) {
    std::vector<std::string> full;
    for (size_t i = 0; i < shown; ++i) full.push_back(r.groups[i].name);
    return distinct_display_names(full, has_kernel_names(r.group_by), static_cast<double>(width), CharMeasure());
}

// Column widths; the name column takes what is left of the table width.
constexpr size_t kRank = 3, kLaunches = 8, kTime = 8, kShare = 6, kRate = 7, kAi = 7, kBound = 12, kEff = 6;
constexpr size_t kFixed = kRank + kLaunches + kTime + kShare + kRate + kAi + kBound + kEff + 8;  // + separators

const char* name_header(GroupBy g) {
    switch (g) {
    case GroupBy::kernel: return "kernel";
    case GroupBy::base: return "kernel (base name)";
    case GroupBy::op: return "op";
    case GroupBy::op_shape: return "op (input shapes)";
    case GroupBy::region: return "region";
    case GroupBy::module: return "module";
    }
    return "kernel";
}

std::string machine_line(const RooflineReport& r) {
    const Machine& m = r.machine;
    if (m.name.empty())
        return "machine: none (" + (r.no_machine_reason.empty() ? std::string("none given") : r.no_machine_reason) +
               "): FLOPs, bytes, time and rates only; bound and efficiency need a machine's ceilings";
    std::string s = "machine " + m.name;
    if (!m.description.empty()) s += " (" + m.description + ")";
    std::string peaks;
    for (size_t k = 0; k < kFlopKinds; ++k) {
        if (!m.peak_flops[k]) continue;
        if (!peaks.empty()) peaks += ", ";
        peaks += std::string(to_string(static_cast<FlopKind>(k))) + " " + si_unit(*m.peak_flops[k], "FLOP/s");
    }
    std::string bws;
    for (MemLevel l : {MemLevel::dram, MemLevel::l2, MemLevel::l1}) {
        if (!m.bw(l)) continue;
        if (!bws.empty()) bws += ", ";
        bws += std::string(to_string(l)) + " " + si_unit(*m.bw(l), "B/s");
    }
    return s + "\npeaks: " + (peaks.empty() ? "none known" : peaks) + "\nbandwidths: " +
           (bws.empty() ? "none known" : bws) + "; kernel floor " +
           (r.kernel_floor_s ? format_seconds(*r.kernel_floor_s) : std::string("unknown"));
}

std::string totals_line(const RooflineReport& r) {
    const RooflineTotals& t = r.totals;
    std::string s = "total: " + std::to_string(r.groups.size()) + " groups, " + std::to_string(t.launches) +
                    " launches";
    if (r.group_by == GroupBy::region) s += ", " + std::to_string(t.invocations) + " calls";
    s += ", time " + (t.time_s ? format_seconds(*t.time_s) : std::string(kDash));
    // A missing total with some groups known: their sum as a lower bound and the time it covers.
    auto partial = [&](const KnownSum& k, const char* unit) {
        std::string cover = t.time_s && *t.time_s > 0 ? format_percent(k.time_s / *t.time_s) + " of time" : "part";
        return ">=" + si_unit(k.sum, unit) + " (groups with " + cover + ")";
    };
    const KnownSum kf = known_flops(r), kb = known_bytes(r, MemLevel::dram);
    s += ", ";
    if (t.flops_total) s += si_unit(*t.flops_total, "FLOP");
    else s += kf.groups ? "FLOPs " + partial(kf, "FLOP") : std::string("FLOPs -");
    const Value& dram = t.bytes[static_cast<size_t>(MemLevel::dram)];
    s += ", DRAM ";
    if (dram.has()) s += si_unit(dram.value, "B");
    else s += kb.groups ? partial(kb, "B") : std::string(kDash);
    if (t.flops_total && t.time_s && *t.time_s > 0) s += ", " + si_unit(*t.flops_total / *t.time_s, "FLOP/s");
    return s;
}

// Wraps a long line at spaces so that it fits the table width.
void write_wrapped(std::ostream& out, const std::string& text, size_t width) {
    size_t start = 0;
    while (start < text.size()) {
        size_t nl = text.find('\n', start);
        std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
        start = nl == std::string::npos ? text.size() : nl + 1;
        // Continuation lines start with two spaces: a break must come after them, and a word
        // longer than the width goes whole on its own line (cutting it would garble a name).
        const size_t indent = 2;
        while (line.size() > width) {
            size_t cut = line.rfind(' ', width);
            if (cut == std::string::npos || cut <= indent) cut = line.find(' ', width);
            if (cut == std::string::npos) break;
            out << line.substr(0, cut) << '\n';
            line = "  " + std::string(trim(line.substr(cut)));
            if (line.size() == indent) line.clear();
        }
        out << line << '\n';
    }
}

// How much of the time has a bound and an efficiency, and why the rest has none, by share of time.
void write_explained(std::ostream& out, const RooflineReport& r, size_t width) {
    ExplainedTime e = explained_time(r);
    if (!e.total_s || *e.total_s <= 0) return;
    const double total = *e.total_s;
    std::string s = "explained: " + format_percent(e.explained_s / total) + " of the time has a bound and an efficiency";
    for (const auto& [reason, t] : e.unexplained) s += "; " + format_percent(t / total) + " " + reason;
    out << '\n';
    write_wrapped(out, s, width);
}


} // namespace

void TableReporter::write(const RooflineReport& r, std::ostream& out) const {
    size_t width = options_.width < kFixed + 12 ? kFixed + 12 : options_.width;
    size_t name_w = width - kFixed;

    write_wrapped(out, machine_line(r), width);
    write_wrapped(out, totals_line(r), width);
    if (r.group_by_chosen)
        write_wrapped(out, std::string("grouped by ") + to_string(r.group_by) +
                               (r.group_by == GroupBy::op ? " (the inputs record framework ops)" : "") +
                               "; --group-by kernel, base, op, op-shape or module to change",
                      width);
    out << '\n';

    bool calls = r.group_by == GroupBy::region;
    std::string header = pad_left("#", kRank) + ' ' + pad_right(name_header(r.group_by), name_w) + ' ' +
                         pad_left(calls ? "calls" : "launches", kLaunches) + ' ' + pad_left("time", kTime) + ' ' +
                         pad_left("time%", kShare) + ' ' + pad_left("FLOP/s", kRate) + ' ' +
                         pad_left("AI dram", kAi) + ' ' + pad_right("bound", kBound) + ' ' + pad_left("eff", kEff);
    out << header << '\n';

    size_t shown = options_.top == 0 ? r.groups.size() : std::min(options_.top, r.groups.size());
    std::vector<std::string> names = row_names(r, shown, name_w);
    for (size_t i = 0; i < shown; ++i) {
        const GroupMetrics& g = r.groups[i];
        const std::string& name = names[i];
        uint64_t count = calls ? g.invocations : g.launches;
        std::string line = pad_left(std::to_string(i + 1), kRank) + ' ' + pad_right(name, name_w) + ' ' +
                           pad_left(std::to_string(count), kLaunches) + ' ' +
                           pad_left(g.time_s ? format_seconds(*g.time_s) : kDash, kTime) + ' ' +
                           pad_left(percent(g.time_share), kShare) + ' ' +
                           pad_left(si_or_dash(g.flop_rate), kRate) + ' ' +
                           pad_left(intensity(g.ai[static_cast<size_t>(MemLevel::dram)]), kAi) + ' ' +
                           pad_right(g.bound == Bound::unknown ? kDash : to_string(g.bound), kBound) + ' ' +
                           pad_left(percent(g.efficiency), kEff);
        out << line << '\n';
    }
    if (shown < r.groups.size())
        out << "(" << shown << " of " << r.groups.size() << " groups shown"
            << (options_.more_rows_hint.empty() ? "" : "; " + options_.more_rows_hint) << ")\n";
    if (r.groups.empty()) out << "(no groups)\n";
    write_explained(out, r, width);

    bool first = true;
    for (const Diagnostic& d : r.diagnostics.entries()) {
        if (d.severity == Severity::info) continue;
        if (first) out << '\n';
        first = false;
        write_wrapped(out, std::string(to_string(d.severity)) + ": " + d.code + " (" + std::to_string(d.count) +
                               "): " + d.message, width);
    }
}

} // namespace rafter
