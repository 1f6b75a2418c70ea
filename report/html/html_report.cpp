#include "report/html/html_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "analysis/display_names.h"
#include "core/text.h"
#include "plots/roofline_svg.h"
#include "plots/comm_roofline_svg.h"
#include "plots/scaling_svg.h"
#include "report/html/html_assets.h"

namespace rafter {

std::string html_escape(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

bool breakdown_has_data(const BreakdownReport& b) {
    for (const auto& r : b.ranks)
        if (r.totals.wall_s > 0) return true;
    return false;
}

namespace {

const char* kMissing = "<span class=\"missing\">-</span>";

std::string num_attr(std::optional<double> v) {
    if (!v || !std::isfinite(*v)) return "";
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.9g", *v);
    return buf;
}

std::string pct(double share) {
    char buf[32];
    std::snprintf(buf, sizeof buf, share >= 0.1 ? "%.1f%%" : "%.2f%%", share * 100);
    return buf;
}

// A numeric cell: data-v carries the value for sorting ("" = missing, sorted last).
std::string cell(std::optional<double> v, const std::string& shown) {
    return "<td data-v=\"" + num_attr(v) + "\">" + (v ? html_escape(shown) : std::string(kMissing)) + "</td>";
}
std::string unit_cell(std::optional<double> v, const char* unit) {
    return cell(v, v ? si_unit(*v, unit) : "");
}
std::string time_cell(std::optional<double> v) { return cell(v, v ? format_seconds(*v) : ""); }

// Arithmetic intensity as a plain number (0.684, 32.4, 1020): SI prefixes read badly here.
std::string ai_cell(std::optional<double> v) {
    if (!v) return cell(v, "");
    char buf[32];
    std::snprintf(buf, sizeof buf, *v >= 1000 ? "%.0f" : "%.3g", *v);
    return cell(v, buf);
}

std::optional<double> value_of(const Value& v) {
    if (v.prov == Provenance::missing) return std::nullopt;
    return v.value;
}

std::string card(const std::string& k, const std::string& v) {
    return "<div class=\"card\"><div class=\"k\">" + html_escape(k) + "</div><div class=\"v\">" + v + "</div></div>";
}

// Row names told apart by the rule the table and charts share (analysis/display_names.h).
std::vector<std::string> group_row_names(const RooflineReport& r, size_t n, size_t width) {
    std::vector<std::string> full;
    for (size_t i = 0; i < n; ++i) full.push_back(r.groups[i].name);
    return distinct_display_names(full, has_kernel_names(r.group_by), static_cast<double>(width), CharMeasure());
}

// The findings (analysis/findings.h) first: what to try, with its evidence and bounded gain.
void write_findings(std::ostream& o, const std::vector<Finding>& findings) {
    o << "<section id=\"findings\"><h2>What to fix first</h2>\n";
    if (findings.empty()) {
        o << "<p>No rule of docs/findings.md reached its threshold.</p></section>\n";
        return;
    }
    o << "<p class=\"sub\">Largest possible gain first; gains are per rank and bounded by what was measured.</p>\n<ol>";
    for (const Finding& f : findings) {
        o << "<li><b>" << html_escape(f.title) << "</b><br>gain: up to " << html_escape(format_seconds(f.gain_s));
        if (f.gain_share) o << " (" << html_escape(format_percent(*f.gain_share)) << ")";
        o << ", bounded by " << html_escape(f.gain_bound) << "<br>";
        for (const auto& [k, v] : f.evidence) o << html_escape(k) << ": " << html_escape(v) << "; ";
        o << "<br>try: " << html_escape(f.advice) << "</li>\n";
    }
    o << "</ol></section>\n";
}

void write_summary(std::ostream& o, const RooflineReport& r) {
    const auto& t = r.totals;
    const Machine& m = r.machine;
    o << "<section id=\"summary\"><h2>Summary</h2>\n<div class=\"cards\">";
    if (m.name.empty())
        o << card("machine", "none<div class=\"k\">" + html_escape(r.no_machine_reason) +
                                 "; no bound or efficiency without ceilings</div>");
    else
        o << card("machine", html_escape(m.name) + (m.description.empty() ? "" : "<div class=\"k\">" + html_escape(m.description) + "</div>"));
    o << card("GPU time (sum of kernels)", t.time_s ? html_escape(format_seconds(*t.time_s)) : kMissing);
    o << card("kernel launches", html_escape(std::to_string(t.launches)));
    // When some groups lack a figure the total is missing; the card then shows the sum over the
    // groups that have it, marked as a lower bound, with the share of time it covers.
    auto covered = [&](const KnownSum& k) {
        std::string share = t.time_s && *t.time_s > 0 ? pct(k.time_s / *t.time_s) : std::string("part");
        return "<div class=\"k\">groups holding " + share + " of the time; " +
               std::to_string(k.missing) + (k.missing == 1 ? " group has" : " groups have") + " none</div>";
    };
    const KnownSum kf = known_flops(r), kb = known_bytes(r, MemLevel::dram);
    if (t.flops_total) o << card("FLOPs", html_escape(si_unit(*t.flops_total, "FLOP")));
    else if (kf.groups) o << card("FLOPs", "\xE2\x89\xA5 " + html_escape(si_unit(kf.sum, "FLOP")) + covered(kf));
    else o << card("FLOPs", kMissing);
    auto dram = value_of(t.bytes[static_cast<size_t>(MemLevel::dram)]);
    if (dram) o << card("DRAM bytes", html_escape(si_unit(*dram, "B")));
    else if (kb.groups) o << card("DRAM bytes", "\xE2\x89\xA5 " + html_escape(si_unit(kb.sum, "B")) + covered(kb));
    else o << card("DRAM bytes", kMissing);
    if (t.flops_total && t.time_s && *t.time_s > 0)
        o << card("achieved FLOP rate", html_escape(si_unit(*t.flops_total / *t.time_s, "FLOP/s")));
    else if (kf.groups && kf.time_s > 0)
        o << card("achieved FLOP rate", html_escape(si_unit(kf.sum / kf.time_s, "FLOP/s")) + covered(kf));
    else o << card("achieved FLOP rate", kMissing);
    o << card("groups (by " + std::string(to_string(r.group_by)) + ")", std::to_string(r.groups.size()));
    o << "</div>\n";

    // The largest groups and how far each is from its bound.
    size_t n = std::min<size_t>(r.groups.size(), 8);
    if (n) {
        o << "<p>The largest " << n << " groups by time, and how far each is from the time its bound allows "
             "(efficiency = bound time / measured time; headroom = measured time - bound time):</p>\n";
        o << "<table class=\"top\"><thead><tr><th class=\"text\">#</th><th class=\"name\">group</th><th>time</th>"
             "<th>share</th><th class=\"text\">bound</th><th>efficiency</th><th>headroom</th></tr></thead><tbody>\n";
        const std::vector<std::string> names = group_row_names(r, n, 110);
        for (size_t i = 0; i < n; ++i) {
            const auto& g = r.groups[i];
            o << "<tr data-group=\"" << i << "\"><td class=\"text\">" << i + 1 << "</td><td class=\"name\" title=\""
              << html_escape(g.name) << "\">" << html_escape(names[i]) << "</td>" << time_cell(g.time_s)
              << cell(g.time_share, g.time_share ? pct(*g.time_share) : "")
              << "<td class=\"text\">" << (g.bound == Bound::unknown ? kMissing : to_string(g.bound)) << "</td>";
            if (g.efficiency) {
                double e = std::clamp(*g.efficiency, 0.0, 1.0);
                o << "<td data-v=\"" << num_attr(g.efficiency) << "\">" << pct(*g.efficiency)
                  << "<span class=\"effbar\"><span style=\"width:" << num_attr(e * 100) << "%\"></span></span></td>";
            } else {
                o << "<td data-v=\"\">" << kMissing << "</td>";
            }
            std::optional<double> head;
            if (g.time_s && g.bound_time_s) head = std::max(0.0, *g.time_s - *g.bound_time_s);
            o << time_cell(head) << "</tr>\n";
        }
        o << "</tbody></table>\n";
    }
    o << "</section>\n";
}

void write_charts(std::ostream& o, const RooflineReport& r) {
    // Each group's mark carries data-group="INDEX", as its table rows do: the script links the two.
    ChartOptions chart;
    chart.group_attrs.resize(r.groups.size());
    for (size_t i = 0; i < r.groups.size(); ++i)
        chart.group_attrs[i].data = {{"group", std::to_string(i)}};
    o << "<section id=\"roofline\"><h2>Roofline</h2>\n"
         "<p class=\"sub\">Hover a point for its figures; click a point to highlight its row in the group table "
         "(click a row to highlight its points).</p>\n<div class=\"charts\">\n";
    o << "<div class=\"chart\" id=\"chart-time\"><h3>Time-based roofline</h3>\n"
      << render_time_roofline_svg(r, chart) << "</div>\n";
    o << "<div class=\"chart\" id=\"chart-hier\"><h3>Hierarchical roofline</h3>\n"
      << render_hierarchical_roofline_svg(r, chart) << "</div>\n";
    o << "</div></section>\n";
}

void write_group_table(std::ostream& o, const RooflineReport& r) {
    o << "<section id=\"groups\"><h2>Groups</h2>\n"
         "<div class=\"controls\"><input id=\"filter\" type=\"search\" placeholder=\"filter rows (name, bound, ...)\">"
         " <span id=\"filter-count\" class=\"sub\"></span></div>\n"
         "<p class=\"sub\">Click a column header to sort; missing values ('-') sort last. AI = arithmetic intensity "
         "(FLOP per byte) at that memory level.</p>\n";
    o << "<table class=\"groups sortable\"><thead><tr>"
         "<th data-key=\"rank\">#</th><th class=\"name\" data-key=\"name\">group</th><th data-key=\"time\">time</th>"
         "<th data-key=\"share\">share</th><th data-key=\"launches\">launches</th><th data-key=\"flops\">FLOPs</th>"
         "<th data-key=\"dram\">DRAM bytes</th><th data-key=\"ai_dram\">AI DRAM</th><th data-key=\"ai_l2\">AI L2</th>"
         "<th data-key=\"rate\">FLOP rate</th><th class=\"text\" data-key=\"bound\">bound</th>"
         "<th data-key=\"eff\">efficiency</th><th class=\"text\" data-key=\"prov\">FLOPs from</th></tr></thead><tbody>\n";
    const std::vector<std::string> names = group_row_names(r, r.groups.size(), 110);
    for (size_t i = 0; i < r.groups.size(); ++i) {
        const auto& g = r.groups[i];
        auto dram = value_of(g.bytes[static_cast<size_t>(MemLevel::dram)]);
        std::string name = names[i];
        if (!g.input_dims.empty()) name += "  " + g.input_dims;
        o << "<tr data-group=\"" << i << "\"><td data-v=\"" << i + 1 << "\">" << i + 1 << "</td>"
          << "<td class=\"name\" title=\"" << html_escape(g.name) << "\">" << html_escape(name)
          << "</td>" << time_cell(g.time_s) << cell(g.time_share, g.time_share ? pct(*g.time_share) : "")
          << cell(static_cast<double>(g.launches), std::to_string(g.launches))
          << unit_cell(g.flops_total, "FLOP") << unit_cell(dram, "B")
          << ai_cell(g.ai[static_cast<size_t>(MemLevel::dram)]) << ai_cell(g.ai[static_cast<size_t>(MemLevel::l2)])
          << unit_cell(g.flop_rate, "FLOP/s")
          << "<td class=\"text\">" << (g.bound == Bound::unknown ? kMissing : to_string(g.bound)) << "</td>"
          << cell(g.efficiency, g.efficiency ? pct(*g.efficiency) : "")
          << "<td class=\"text\">" << (g.flops_prov == Provenance::missing ? kMissing : to_string(g.flops_prov))
          << "</td></tr>\n";
    }
    o << "</tbody></table></section>\n";
}

bool has_collectives(const RooflineReport& r) {
    for (const auto& g : r.groups)
        if (!g.collective.empty()) return true;
    return false;
}

// The link names as the docs spell them.
std::string link_title(const std::string& link) {
    if (link == "nvlink") return "NVLink";
    if (link == "pcie") return "PCIe";
    if (link == "nic") return "NIC";
    return link;
}

// Collectives on their own roofline (docs/collectives.md): the chart and one row per group.
void write_collectives(std::ostream& o, const RooflineReport& r) {
    CommRooflineChart chart;
    chart.title = "Communication roofline";
    std::vector<std::pair<std::pair<std::string, double>, std::string>> ceilings;  // (link, bw) -> kinds
    for (const auto& g : r.groups) {
        if (g.collective.empty()) continue;
        if (g.message_bytes && g.busbw && g.launches)
            chart.points.push_back({g.name, g.collective, *g.message_bytes / static_cast<double>(g.launches), *g.busbw,
                                    g.time_share.value_or(0)});
        if (g.link.empty() || !g.link_bandwidth) continue;
        auto key = std::make_pair(g.link, *g.link_bandwidth);
        auto it = std::find_if(ceilings.begin(), ceilings.end(), [&](const auto& c) { return c.first == key; });
        if (it == ceilings.end()) ceilings.push_back({key, g.collective});
        else if (it->second.find(g.collective) == std::string::npos) it->second += ", " + g.collective;
    }
    for (const auto& [key, kinds] : ceilings) chart.ceilings.push_back({link_title(key.first) + " (" + kinds + ")", key.second});

    o << "<section id=\"collectives\"><h2>Collectives</h2>\n"
         "<p class=\"sub\">NCCL/RCCL kernels by kind, message size and group size. algbw = message / time, busbw = "
         "algbw x the nccl-tests factor; efficiency = busbw / the ceiling of the links the call crossed (NVLink in a "
         "node; across nodes the node's NICs together, or each rank's NIC for all_to_all). See "
         "docs/collectives.md.</p>\n<div class=\"chart\" id=\"chart-comm\">"
      << comm_roofline_svg(chart) << "</div>\n";
    o << "<table class=\"collectives sortable\"><thead><tr><th class=\"name\">group</th><th>calls</th><th>time</th>"
         "<th>share</th><th>message per call</th><th>algbw</th><th>busbw</th><th class=\"text\">link</th>"
         "<th>ceiling</th><th>efficiency</th><th class=\"text\">why no efficiency</th></tr></thead><tbody>\n";
    for (const auto& g : r.groups) {
        if (g.collective.empty()) continue;
        std::optional<double> per_call;
        if (g.message_bytes && g.launches) per_call = *g.message_bytes / static_cast<double>(g.launches);
        o << "<tr><td class=\"name\">" << html_escape(g.name) << "</td>"
          << cell(static_cast<double>(g.launches), std::to_string(g.launches)) << time_cell(g.time_s)
          << cell(g.time_share, g.time_share ? pct(*g.time_share) : "") << unit_cell(per_call, "B")
          << unit_cell(g.algbw, "B/s") << unit_cell(g.busbw, "B/s") << "<td class=\"text\">"
          << (g.link.empty() ? kMissing : link_title(g.link)) << "</td>" << unit_cell(g.link_bandwidth, "B/s")
          << cell(g.efficiency, g.efficiency ? pct(*g.efficiency) : "") << "<td class=\"text msg\">"
          << html_escape(g.efficiency ? std::string() : g.reason) << "</td></tr>\n";
    }
    o << "</tbody></table></section>\n";
}

// The roofline per layer (module view, docs/roofline.md "Module view"): the time-based roofline
// of the module groups and their table.
void write_modules(std::ostream& o, const RooflineReport& m) {
    // Points and rows link as in the group table, with ids of their own ("m3").
    ChartOptions chart;
    chart.group_attrs.resize(m.groups.size());
    for (size_t i = 0; i < m.groups.size(); ++i) chart.group_attrs[i].data = {{"group", "m" + std::to_string(i)}};
    o << "<section id=\"modules\"><h2>Layers</h2>\n<p class=\"sub\">GPU time, FLOPs and bytes of each "
         "nn.Module or record_function scope"
      << (m.module_depth > 0 ? " (paths cut at depth " + std::to_string(m.module_depth) + ")" : std::string())
      << ", through the op -&gt; kernel links; backward ops join their forward module with [backward]; a module's "
         "ops without an analytic cost are a row of their own. As <code>rafter roofline --group-by module"
      << (m.module_depth > 0 ? " --depth " + std::to_string(m.module_depth) : std::string())
      << "</code>.</p>\n<div class=\"chart\" id=\"chart-modules\">" << render_time_roofline_svg(m, chart)
      << "</div>\n";
    o << "<table class=\"modules sortable\"><thead><tr><th class=\"name\">module</th><th>time</th><th>share</th>"
         "<th>launches</th><th>FLOPs</th><th>DRAM bytes</th><th>FLOP rate</th><th class=\"text\">bound</th>"
         "<th>efficiency</th><th class=\"text\">why no efficiency</th></tr></thead><tbody>\n";
    for (size_t i = 0; i < m.groups.size(); ++i) {
        const GroupMetrics& g = m.groups[i];
        auto dram = value_of(g.bytes[static_cast<size_t>(MemLevel::dram)]);
        o << "<tr data-group=\"m" << i << "\"><td class=\"name\">" << html_escape(g.name) << "</td>" << time_cell(g.time_s)
          << cell(g.time_share, g.time_share ? pct(*g.time_share) : "")
          << cell(static_cast<double>(g.launches), std::to_string(g.launches)) << unit_cell(g.flops_total, "FLOP")
          << unit_cell(dram, "B") << unit_cell(g.flop_rate, "FLOP/s") << "<td class=\"text\">"
          << (g.bound == Bound::unknown ? kMissing : to_string(g.bound)) << "</td>"
          << cell(g.efficiency, g.efficiency ? pct(*g.efficiency) : "") << "<td class=\"text msg\">"
          << html_escape(g.efficiency ? std::string() : g.reason) << "</td></tr>\n";
    }
    o << "</tbody></table></section>\n";
}

struct Slice {
    const char* name;
    const char* colour;
};
const Slice kSlices[] = {{"compute", "#0072B2"}, {"exposed comm", "#D55E00"}, {"memcpy", "#009E73"},
                         {"memset", "#CC79A7"}, {"idle", "#dddddd"}};

void write_breakdown(std::ostream& o, const BreakdownReport& b) {
    o << "<section id=\"breakdown\"><h2>GPU time per rank</h2>\n"
         "<p class=\"sub\">Busy time split without overlap (compute &gt; communication &gt; memcpy &gt; memset); "
         "communication is counted only where no compute kernel runs (exposed). See docs/breakdown.md.</p>\n"
         "<div class=\"legend\">";
    for (const auto& s : kSlices) o << "<span class=\"sw\" style=\"background:" << s.colour << "\"></span>" << s.name;
    o << "</div>\n<table class=\"breakdown sortable\"><thead><tr><th>rank</th><th>span</th><th>busy</th><th>idle</th>"
         "<th>compute</th><th>comm</th><th>exposed comm</th><th>memcpy</th><th>memset</th><th>kernels</th>"
         "<th>steps</th><th>mean step</th><th class=\"text\">split</th></tr></thead><tbody>\n";
    for (const auto& r : b.ranks) {
        const auto& t = r.totals;
        o << "<tr><td data-v=\"" << r.rank << "\">" << (r.rank < 0 ? std::string("-") : std::to_string(r.rank)) << "</td>"
          << time_cell(t.wall_s) << time_cell(t.busy_s) << time_cell(t.idle_s) << time_cell(t.compute_s)
          << time_cell(t.comm_s) << time_cell(t.exposed_comm_s) << time_cell(t.memcpy_s) << time_cell(t.memset_s)
          << cell(static_cast<double>(r.kernels), std::to_string(r.kernels))
          << cell(static_cast<double>(r.steps.size()), std::to_string(r.steps.size())) << time_cell(r.mean_step_s)
          << "<td class=\"text\"><div class=\"stack\">";
        double parts[] = {t.excl_compute_s, t.excl_comm_s, t.excl_memcpy_s, t.excl_memset_s, t.idle_s};
        for (size_t i = 0; i < 5; ++i) {
            if (t.wall_s <= 0 || parts[i] <= 0) continue;
            o << "<span style=\"width:" << num_attr(100 * parts[i] / t.wall_s) << "%;background:" << kSlices[i].colour
              << "\" title=\"" << kSlices[i].name << ": " << html_escape(format_seconds(parts[i])) << " ("
              << pct(parts[i] / t.wall_s) << ")\"></span>";
        }
        o << "</div></td></tr>\n";
    }
    o << "</tbody></table>\n";
    // Kernel time per category, per rank.
    o << "<h3>Kernel time by category</h3>\n<table class=\"categories sortable\"><thead><tr><th>rank</th>";
    for (size_t c = 0; c < kKernelCategories; ++c)
        o << "<th>" << to_string(static_cast<KernelCategory>(c)) << "</th>";
    o << "</tr></thead><tbody>\n";
    for (const auto& r : b.ranks) {
        o << "<tr><td data-v=\"" << r.rank << "\">" << r.rank << "</td>";
        for (const auto& c : r.categories) o << time_cell(c.count ? std::optional<double>(c.time_s) : std::nullopt);
        o << "</tr>\n";
    }
    o << "</tbody></table>\n";
    // Why the GPU is idle (analysis/idle.h): the split adds up to the idle time.
    o << "<h3 id=\"idle\">Why the GPU is idle</h3>\n<p class=\"sub\">Each idle gap is classified by the work "
         "that ends it: <b>host launch</b>, its launch call returned after the GPU went idle (the queue was empty); "
         "<b>sync</b>, as host launch while the launching thread was blocked in a synchronize call; <b>between "
         "queued kernels</b>, under 10 us before work already queued (the GPU's own dispatch gap); <b>other</b>, "
         "queued work waiting on a dependency the trace does not record, work launched before the profile, the "
         "span's end. Launch delay = kernel start - launch call start. See docs/breakdown.md.</p>\n"
         "<table class=\"idle sortable\"><thead><tr><th>rank</th><th>idle</th><th>idle share</th><th>host launch</th>"
         "<th>sync</th><th>between queued kernels</th><th>other</th><th>of which queued</th></tr></thead><tbody>\n";
    for (const auto& r : b.ranks) {
        const auto& t = r.totals;
        const auto& i = r.idle;
        auto part = [&](double v) {
            return cell(v, format_seconds(v) + (t.idle_s > 0 ? " (" + pct(v / t.idle_s) + ")" : std::string()));
        };
        o << "<tr><td data-v=\"" << r.rank << "\">" << r.rank << "</td>" << time_cell(t.idle_s)
          << cell(t.wall_s > 0 ? std::optional<double>(t.idle_s / t.wall_s) : std::nullopt,
                  t.wall_s > 0 ? pct(t.idle_s / t.wall_s) : "")
          << part(i.host_launch_s) << part(i.sync_s) << part(i.kernel_gap_s) << part(i.other_s)
          << time_cell(i.other_queued_s) << "</tr>\n";
    }
    o << "</tbody></table>\n<h3>Kernel launches</h3>\n<table class=\"launches sortable\"><thead><tr><th>rank</th>"
         "<th>kernels launched</th><th>median launch call</th><th>median kernel</th><th>median launch delay</th>"
         "<th>p90 launch delay</th><th>kernels shorter than their launch</th></tr></thead><tbody>\n";
    for (const auto& r : b.ranks) {
        o << "<tr><td data-v=\"" << r.rank << "\">" << r.rank << "</td>"
          << cell(static_cast<double>(r.launch.kernels), std::to_string(r.launch.kernels))
          << time_cell(r.launch.median_launch_s) << time_cell(r.launch.median_kernel_s)
          << time_cell(r.launch.median_delay_s) << time_cell(r.launch.p90_delay_s)
          << cell(static_cast<double>(r.launch.shorter_than_launch), std::to_string(r.launch.shorter_than_launch))
          << "</tr>\n";
    }
    o << "</tbody></table></section>\n";
}

void write_scaling(std::ostream& o, const ScalingResult& s) {
    o << "<section id=\"scaling\"><h2>Scaling</h2>\n<p class=\"sub\">Scenario: "
      << html_escape(s.scenario.name.empty() ? s.scenario.origin : s.scenario.name)
      << ". See docs/scaling.md.</p>\n<div class=\"chart\" id=\"chart-scaling\">" << render_scaling_svg(s)
      << "</div></section>\n";
}

void write_diagnostics(std::ostream& o, const Diagnostics& d) {
    o << "<section id=\"diagnostics\"><h2>Diagnostics</h2>\n";
    if (d.empty()) {
        o << "<p>None.</p></section>\n";
        return;
    }
    o << "<table class=\"diagnostics sortable\"><thead><tr><th class=\"text\">severity</th><th class=\"text\">code</th>"
         "<th>count</th><th class=\"text\">message</th></tr></thead><tbody>\n";
    for (const auto& e : d.entries())
        o << "<tr><td class=\"text sev-" << to_string(e.severity) << "\">" << to_string(e.severity)
          << "</td><td class=\"text\">" << html_escape(e.code) << "</td>"
          << cell(static_cast<double>(e.count), std::to_string(e.count)) << "<td class=\"text msg\">"
          << html_escape(e.message) << "</td></tr>\n";
    o << "</tbody></table></section>\n";
}

} // namespace

std::string render_html_report(const HtmlReportInputs& in) {
    const RooflineReport& r = *in.roofline;
    std::string title = !in.title.empty()         ? in.title
                        : r.machine.name.empty() ? std::string("Rafter report")
                                                 : "Rafter report: " + r.machine.name;
    bool breakdown = in.breakdown && breakdown_has_data(*in.breakdown);
    std::ostringstream o;
    o << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<meta name=\"generator\" content=\"rafter\">\n<title>"
      << html_escape(title) << "</title>\n<script>" << kReportErrorHarnessJs << "</script>\n<style>" << kReportCss
      << "</style>\n</head>\n<body>\n<header><h1>" << html_escape(title) << "</h1>\n<p class=\"sub\">"
      << r.inputs.size() << " input" << (r.inputs.size() == 1 ? "" : "s") << ": ";
    for (size_t i = 0; i < r.inputs.size() && i < 6; ++i) o << (i ? ", " : "") << html_escape(r.inputs[i]);
    if (r.inputs.size() > 6) o << ", ... (" << r.inputs.size() - 6 << " more)";
    o << "</p>\n<nav>" << (in.findings ? "<a href=\"#findings\">What to fix</a>" : "") << "<a href=\"#summary\">Summary</a><a href=\"#roofline\">Roofline</a><a href=\"#groups\">Groups</a>";
    bool collectives = has_collectives(r);
    if (collectives) o << "<a href=\"#collectives\">Collectives</a>";
    if (in.modules) o << "<a href=\"#modules\">Layers</a>";
    if (breakdown) o << "<a href=\"#breakdown\">GPU time per rank</a><a href=\"#idle\">Idle</a>";
    if (in.scaling) o << "<a href=\"#scaling\">Scaling</a>";
    o << "<a href=\"#diagnostics\">Diagnostics</a></nav></header>\n<main>\n";
    if (in.findings) write_findings(o, *in.findings);
    write_summary(o, r);
    write_charts(o, r);
    write_group_table(o, r);
    if (collectives) write_collectives(o, r);
    if (in.modules) write_modules(o, *in.modules);
    if (breakdown) write_breakdown(o, *in.breakdown);
    if (in.scaling) write_scaling(o, *in.scaling);
    Diagnostics diags = r.diagnostics;
    if (breakdown) diags.merge(in.breakdown->diagnostics);
    write_diagnostics(o, diags);
    o << "</main>\n<pre id=\"rafter-errors\"></pre>\n<pre id=\"selftest\"></pre>\n<footer>Generated by rafter";
    if (!in.command_line.empty()) o << ": <code>" << html_escape(in.command_line) << "</code>";
    std::string src = r.machine.name.empty() ? "no machine" : r.machine.source.empty() ? "-" : r.machine.source;
    if (src.back() != '.') src += '.';
    o << ". Machine figures: " << html_escape(src) << "</footer>\n<script>" << kReportJs << "</script>\n</body>\n</html>\n";
    return o.str();
}

} // namespace rafter
