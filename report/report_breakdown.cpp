#include "report/report_breakdown.h"

#include <cstdio>
#include <string>

#include "core/diagnostics_json.h"
#include "core/json_writer.h"
#include "core/text.h"

namespace rafter {

namespace {

void write_categories_and_ops(JsonWriter& w, const std::array<CategoryTime, kKernelCategories>& categories,
                              const std::vector<OpTime>& top_ops) {
    w.key("categories").begin_array();
    for (size_t i = 0; i < categories.size(); ++i) {
        w.begin_object();
        w.field("category", to_string(static_cast<KernelCategory>(i)));
        w.field("time_s", categories[i].time_s);
        w.field("count", categories[i].count);
        w.end_object();
    }
    w.end_array();
    w.key("top_ops").begin_array();
    for (const OpTime& o : top_ops) {
        w.begin_object();
        w.field("op", o.op);
        w.field("time_s", o.time_s);
        w.field("calls", o.calls);
        w.field("kernels", o.kernels);
        w.end_object();
    }
    w.end_array();
}

void idle_json(JsonWriter& w, const IdleSplit& i, const LaunchStats& l) {
    w.key("idle_causes").begin_object();
    w.field("host_launch_s", i.host_launch_s);
    w.field("sync_s", i.sync_s);
    w.field("kernel_gap_s", i.kernel_gap_s);
    w.field("other_s", i.other_s);
    w.field("other_queued_s", i.other_queued_s);
    w.field("host_launch_gaps", i.host_launch_gaps);
    w.field("sync_gaps", i.sync_gaps);
    w.field("kernel_gap_gaps", i.kernel_gap_gaps);
    w.field("other_gaps", i.other_gaps);
    w.end_object();
    w.key("launches").begin_object();
    w.field("kernels", l.kernels);
    w.field("unlinked", l.unlinked);
    w.field("median_launch_s", l.median_launch_s);
    w.field("median_kernel_s", l.median_kernel_s);
    w.field("median_delay_s", l.median_delay_s);
    w.field("p90_delay_s", l.p90_delay_s);
    w.field("shorter_than_launch", l.shorter_than_launch);
    w.field("shorter_than_launch_s", l.shorter_than_launch_s);
    w.end_object();
}

void times_json(JsonWriter& w, const ActivityTimes& t) {
    w.field("busy_s", t.busy_s);
    w.field("idle_s", t.idle_s);
    w.field("compute_s", t.compute_s);
    w.field("comm_s", t.comm_s);
    w.field("exposed_comm_s", t.exposed_comm_s);
    w.field("memcpy_s", t.memcpy_s);
    w.field("memset_s", t.memset_s);
    w.key("exclusive").begin_object();
    w.field("compute_s", t.excl_compute_s);
    w.field("comm_s", t.excl_comm_s);
    w.field("memcpy_s", t.excl_memcpy_s);
    w.field("memset_s", t.excl_memset_s);
    w.end_object();
}

std::string pct(double part, double whole) {
    if (whole <= 0) return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * part / whole);
    return buf;
}

std::string secs(double s) { return format_seconds(s); }

// One line on why the GPU is idle: the split and what the largest cause means.
void idle_line(std::ostream& out, const ActivityTimes& t, const IdleSplit& i) {
    out << "  idle " << secs(t.idle_s) << " (" << pct(t.idle_s, t.wall_s) << " of the span): host launch "
        << secs(i.host_launch_s) << " (" << pct(i.host_launch_s, t.idle_s) << "), sync " << secs(i.sync_s) << " ("
        << pct(i.sync_s, t.idle_s) << "), between queued kernels " << secs(i.kernel_gap_s) << " ("
        << pct(i.kernel_gap_s, t.idle_s) << "), other " << secs(i.other_s) << " (" << pct(i.other_s, t.idle_s) << "; "
        << secs(i.other_queued_s) << " with the next work already queued)\n";
    if (t.idle_s <= 0) return;
    // What the largest cause means, when it holds over a quarter of the idle time.
    const std::pair<double, const char*> causes[] = {
        {i.host_launch_s, "mostly host-launch bound: the GPU ran out of work before the CPU launched more (fewer, "
                          "larger kernels: CUDA graphs, torch.compile, larger batches)"},
        {i.sync_s, "mostly synchronization: the host waited for the GPU (cudaDeviceSynchronize, .item(), "
                   "blocking copies) and then had to launch again"},
        {i.kernel_gap_s, "mostly the GPU's own gaps between queued kernels (a few us each): the launch rate is "
                         "fine; fewer kernels (fusion, CUDA graphs) shorten it"},
        {i.other_queued_s, "mostly queued work waiting on a dependency the trace does not record (another "
                           "stream's event, a CUDA graph, a host callback, a peer rank): not the CPU's launch rate"},
    };
    const auto* top = &causes[0];
    for (const auto& c : causes)
        if (c.first > top->first) top = &c;
    if (top->first > 0.25 * t.idle_s) out << "    " << top->second << "\n";
}

void launch_line(std::ostream& out, const LaunchStats& l) {
    if (!l.kernels) return;
    out << "  launches: " << l.kernels << " kernels with a launch call; median launch call "
        << secs(l.median_launch_s.value_or(0)) << ", median kernel " << secs(l.median_kernel_s.value_or(0))
        << ", launch delay median " << secs(l.median_delay_s.value_or(0)) << " (p90 "
        << secs(l.p90_delay_s.value_or(0)) << "); " << l.shorter_than_launch
        << " kernels ran shorter than their launch call (" << secs(l.shorter_than_launch_s) << " of GPU time)\n";
    if (l.median_delay_s && *l.median_delay_s > 1e-3)
        out << "    the CPU runs ahead: a median kernel starts " << secs(*l.median_delay_s)
            << " after its launch call\n";
}


std::string pad(std::string s, size_t w, bool right = true) {
    if (s.size() >= w) return s;
    return right ? std::string(w - s.size(), ' ') + s : s + std::string(w - s.size(), ' ');
}

void row(std::ostream& out, const std::vector<std::string>& cells, const std::vector<size_t>& widths) {
    for (size_t i = 0; i < cells.size(); ++i) out << (i ? "  " : "") << pad(cells[i], widths[i], i != 0);
    out << '\n';
}

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) {
        if (c == '"') q += '"';
        q += c;
    }
    return q + '"';
}

} // namespace

void write_breakdown_json(const BreakdownReport& rep, std::ostream& out) {
    JsonWriter w(out);
    w.begin_object();
    w.field("schema", kBreakdownSchema);
    w.key("inputs").begin_array();
    for (const auto& f : rep.inputs) w.value(f);
    w.end_array();
    w.field("straggler_threshold", rep.straggler_threshold);
    w.key("clock_alignment").begin_object();
    w.field("method", "median offset of matching collective end times to the reference rank");
    w.key("ranks").begin_array();
    for (size_t i = 0; i < rep.alignment.offset_ns.size(); ++i) {
        w.begin_object();
        w.field("input", i);
        w.field("offset_s", static_cast<double>(rep.alignment.offset_ns[i]) * 1e-9);
        w.field("matched_collectives", rep.alignment.matched[i]);
        w.field("spread_s", static_cast<double>(rep.alignment.spread_ns[i]) * 1e-9);
        w.field("shift", rep.alignment.shift[i]);
        w.field("method", rep.alignment.method[i]);
        w.end_object();
    }
    w.end_array();
    w.end_object();

    w.key("ranks").begin_array();
    for (const RankBreakdown& r : rep.ranks) {
        w.begin_object();
        w.field("rank", r.rank);
        w.field("source", r.source);
        w.field("total_s", r.totals.wall_s);
        times_json(w, r.totals);
        idle_json(w, r.idle, r.launch);
        w.field("kernels", r.kernels);
        w.field("comm_kernels", r.comm_kernels);
        w.field("memcpys", r.memcpys);
        w.field("memsets", r.memsets);
        w.field("untimed", r.untimed);
        w.field("unattributed_kernels", r.unattributed_kernels);
        w.field("unattributed_time_s", r.unattributed_time_s);
        w.field("clock_offset_s", static_cast<double>(r.clock_offset_ns) * 1e-9);
        w.field("mean_step_s", r.mean_step_s);
        w.field("straggler", r.straggler);
        write_categories_and_ops(w, r.categories, r.top_ops);
        w.key("steps").begin_array();
        for (const StepBreakdown& s : r.steps) {
            w.begin_object();
            w.field("name", s.name);
            w.field("start_s", s.start_s);
            w.field("duration_s", s.duration_s);
            times_json(w, s.times);
            idle_json(w, s.idle, s.launch);
            w.field("straggler", s.straggler);
            write_categories_and_ops(w, s.categories, s.top_ops);
            w.end_object();
        }
        w.end_array();
        w.end_object();
    }
    w.end_array();

    w.key("steps").begin_array();
    for (const StepSpread& s : rep.steps) {
        w.begin_object();
        w.field("name", s.name);
        w.field("ranks", s.ranks);
        w.field("median_s", s.median_s);
        w.field("min_s", s.min_s);
        w.field("max_s", s.max_s);
        w.field("spread", s.spread);
        w.key("stragglers").begin_array();
        for (int32_t r : s.stragglers) w.value(r);
        w.end_array();
        w.end_object();
    }
    w.end_array();
    w.field("median_mean_step_s", rep.median_mean_step_s);
    w.key("collective_skew");
    if (!rep.collective_skew) {
        w.null();
    } else {
        const CollectiveSkew& k = *rep.collective_skew;
        w.begin_object();
        w.field("instances", k.instances);
        w.field("total_skew_s", k.total_skew_s);
        w.field("median_skew_s", k.median_skew_s);
        w.field("max_skew_s", k.max_skew_s);
        w.key("ranks").begin_array();
        for (const RankWait& r : k.ranks) {
            w.begin_object();
            w.field("rank", r.rank);
            w.field("instances", r.instances);
            w.field("last_arrivals", r.last_arrivals);
            w.field("wait_s", r.wait_s);
            w.field("max_wait_s", r.max_wait_s);
            w.end_object();
        }
        w.end_array();
        w.key("worst").begin_array();
        for (const CollectiveInstance& c : k.worst) {
            w.begin_object();
            w.field("collective", c.key);
            w.field("end_s", static_cast<double>(c.end_ns) * 1e-9);
            w.field("ranks", static_cast<uint64_t>(c.ranks));
            w.field("last_rank", c.last_rank);
            w.field("skew_s", c.skew_s);
            w.end_object();
        }
        w.end_array();
        w.key("unaligned_ranks").begin_array();
        for (int32_t r : k.unaligned) w.value(r);
        w.end_array();
        w.end_object();
    }

    w.key("diagnostics");
    write_diagnostics_array(w, rep.diagnostics);
    w.end_object();
    out << '\n';
}

void write_breakdown_csv(const BreakdownReport& rep, std::ostream& out) {
    out << "rank,step,start_s,duration_s,busy_s,idle_s,compute_s,comm_s,exposed_comm_s,memcpy_s,memset_s,"
           "straggler,idle_host_launch_s,idle_sync_s,idle_kernel_gap_s,idle_other_s\n";
    auto line = [&](int32_t rank, const std::string& step, std::optional<double> start, double dur,
                    const ActivityTimes& t, const IdleSplit& i, bool straggler) {
        out << rank << ',' << csv_field(step) << ',' << (start ? format_double(*start) : std::string()) << ','
            << format_double(dur) << ',' << format_double(t.busy_s) << ',' << format_double(t.idle_s) << ','
            << format_double(t.compute_s) << ',' << format_double(t.comm_s) << ',' << format_double(t.exposed_comm_s)
            << ',' << format_double(t.memcpy_s) << ',' << format_double(t.memset_s) << ','
            << (straggler ? "true" : "false") << ',' << format_double(i.host_launch_s) << ','
            << format_double(i.sync_s) << ',' << format_double(i.kernel_gap_s) << ',' << format_double(i.other_s)
            << '\n';
    };
    for (const RankBreakdown& r : rep.ranks) {
        line(r.rank, "", std::nullopt, r.totals.wall_s, r.totals, r.idle, r.straggler);
        for (const StepBreakdown& s : r.steps)
            line(r.rank, s.name, s.start_s, s.duration_s, s.times, s.idle, s.straggler);
    }
}

void write_breakdown_table(const BreakdownReport& rep, std::ostream& out, size_t max_steps) {
    out << "GPU time breakdown (" << rep.ranks.size() << (rep.ranks.size() == 1 ? " rank" : " ranks") << ")\n\n";
    std::vector<size_t> w = {6, 10, 10, 10, 10, 10, 10, 10, 10, 6, 10};
    row(out, {"rank", "total", "busy", "idle", "compute", "comm", "exp.comm", "memcpy", "memset", "steps", "mean step"}, w);
    for (const RankBreakdown& r : rep.ranks) {
        const ActivityTimes& t = r.totals;
        std::string mean = r.mean_step_s ? secs(*r.mean_step_s) : "-";
        if (r.straggler) mean += " *";
        row(out, {std::to_string(r.rank), secs(t.wall_s), secs(t.busy_s), secs(t.idle_s), secs(t.compute_s),
                  secs(t.comm_s), secs(t.exposed_comm_s), secs(t.memcpy_s), secs(t.memset_s),
                  std::to_string(r.steps.size()), mean},
            w);
    }
    out << "(unions per class over all streams; exp.comm = communication not overlapped by compute)\n";

    if (rep.ranks.size() > 1) {
        out << "\nClock alignment (offsets to input " << rep.alignment.reference
            << "'s clock, from matching communication kernels)\n";
        for (size_t i = 0; i < rep.alignment.offset_ns.size(); ++i)
            out << "  input " << i << ": " << rep.alignment.method[i] << ", offset "
                << secs(static_cast<double>(rep.alignment.offset_ns[i]) * 1e-9) << ", " << rep.alignment.matched[i]
                << " collectives, spread " << secs(static_cast<double>(rep.alignment.spread_ns[i]) * 1e-9) << '\n';
        if (!rep.steps.empty()) {
            out << "\nStep time across ranks (straggler: > " << pct(rep.straggler_threshold, 1)
                << " over the median)\n";
            std::vector<size_t> ws = {24, 6, 10, 10, 10, 8, 12};
            row(out, {"step", "ranks", "median", "min", "max", "spread", "stragglers"}, ws);
            for (const StepSpread& s : rep.steps) {
                std::string st;
                for (int32_t r : s.stragglers) st += (st.empty() ? "" : ",") + std::to_string(r);
                row(out, {s.name, std::to_string(s.ranks), secs(s.median_s), secs(s.min_s), secs(s.max_s),
                          pct(s.spread, 1), st.empty() ? "-" : st},
                    ws);
            }
        }
    }

    if (rep.collective_skew && rep.collective_skew->instances) {
        const CollectiveSkew& k = *rep.collective_skew;
        out << "\nCollective arrival skew (" << k.instances << " collectives matched across ranks; median skew "
            << secs(k.median_skew_s) << ", max " << secs(k.max_skew_s) << ")\n";
        std::vector<size_t> ws = {8, 11, 14, 12, 12};
        row(out, {"rank", "matched", "arrived last", "waited", "max wait"}, ws);
        for (const RankWait& r : k.ranks)
            row(out, {std::to_string(r.rank), std::to_string(r.instances), std::to_string(r.last_arrivals),
                      secs(r.wait_s), secs(r.max_wait_s)},
                ws);
    }

    for (const RankBreakdown& r : rep.ranks) {
        out << "\nRank " << r.rank << (r.source.empty() ? "" : " (" + r.source + ")") << ": " << r.kernels
            << " kernels (" << r.comm_kernels << " communication), " << r.memcpys << " memcpy, " << r.memsets
            << " memset, " << r.unattributed_kernels << " kernels without an op\n";
        if (!r.steps.empty()) {
            std::vector<size_t> ws = {22, 10, 10, 10, 10, 10, 10, 10};
            row(out, {"step", "start", "duration", "busy", "idle", "compute", "comm", "exp.comm"}, ws);
            size_t shown = 0;
            for (const StepBreakdown& s : r.steps) {
                if (max_steps && shown++ >= max_steps) {
                    out << "  ... " << r.steps.size() - max_steps << " more steps\n";
                    break;
                }
                const ActivityTimes& t = s.times;
                row(out, {s.name + (s.straggler ? " *" : ""), secs(s.start_s), secs(s.duration_s), secs(t.busy_s),
                          secs(t.idle_s), secs(t.compute_s), secs(t.comm_s), secs(t.exposed_comm_s)},
                    ws);
            }
        }
        idle_line(out, r.totals, r.idle);
        launch_line(out, r.launch);
        double ktotal = 0;
        for (const CategoryTime& c : r.categories) ktotal += c.time_s;
        out << "  kernel time by category:";
        for (const CategoryTime& c : r.categories)
            if (c.count) out << "  " << to_string(c.category) << " " << secs(c.time_s) << " (" << pct(c.time_s, ktotal) << ")";
        out << '\n';
        if (!r.top_ops.empty()) {
            std::vector<size_t> wo = {40, 10, 8, 8, 8};
            row(out, {"  top ops by GPU time", "time", "share", "calls", "kernels"}, wo);
            for (const OpTime& o : r.top_ops)
                row(out, {"  " + o.op, secs(o.time_s), pct(o.time_s, ktotal), std::to_string(o.calls),
                          std::to_string(o.kernels)},
                    wo);
        }
    }
    if (!rep.diagnostics.empty()) {
        out << "\nDiagnostics:\n";
        for (const Diagnostic& d : rep.diagnostics.entries())
            out << "  " << to_string(d.severity) << " " << d.code << " (" << d.count << "): " << d.message << '\n';
    }
}

void write_breakdown(const BreakdownReport& report, ReportFormat format, std::ostream& out) {
    switch (format) {
    case ReportFormat::table: write_breakdown_table(report, out); break;
    case ReportFormat::csv: write_breakdown_csv(report, out); break;
    case ReportFormat::json: write_breakdown_json(report, out); break;
    }
}

} // namespace rafter
