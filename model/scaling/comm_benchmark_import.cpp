#include "model/scaling/comm_benchmark_import.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "core/error.h"
#include "core/text.h"

namespace rafter {

namespace {

std::vector<std::string_view> tokens(std::string_view s) {
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
        size_t b = i;
        while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) ++i;
        if (i > b) out.push_back(s.substr(b, i - b));
    }
    return out;
}

// Calls f(line, 1-based number) for every line.
template <class F> void for_lines(std::string_view text, F f) {
    uint64_t n = 0;
    size_t pos = 0;
    while (pos <= text.size()) {
        size_t e = text.find('\n', pos);
        if (e == std::string_view::npos) e = text.size();
        std::string_view line = text.substr(pos, e - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        f(line, ++n);
        if (e == text.size()) break;
        pos = e + 1;
    }
}

std::optional<Collective> collective_in_name(std::string_view name) {
    std::string n = to_lower(name);
    struct Key {
        const char* text;
        Collective c;
    };
    static const Key keys[] = {{"all_reduce", Collective::all_reduce}, {"allreduce", Collective::all_reduce},
                               {"reduce_scatter", Collective::reduce_scatter}, {"reducescatter", Collective::reduce_scatter},
                               {"all_gather", Collective::all_gather}, {"allgather", Collective::all_gather},
                               {"alltoall", Collective::all_to_all}, {"all_to_all", Collective::all_to_all},
                               {"broadcast", Collective::broadcast}, {"bcast", Collective::broadcast},
                               {"sendrecv", Collective::send_recv}, {"osu_latency", Collective::send_recv}};
    for (const auto& k : keys)
        if (n.find(k.text) != std::string::npos) return k.c;
    return std::nullopt;
}

[[noreturn]] void bad_line(const std::string& origin, uint64_t line, const std::string& msg) {
    throw_input_error(origin, PositionKind::line, line, msg);
}

std::string fmt(const char* f, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, f, v);
    return buf;
}

} // namespace

bool looks_like_nccl_tests(std::string_view text) {
    std::string_view head = text.substr(0, 16384);
    return head.find("algbw") != std::string_view::npos && head.find("busbw") != std::string_view::npos;
}

bool looks_like_osu(std::string_view text) {
    return text.substr(0, 4096).find("# OSU ") != std::string_view::npos;
}

CommMeasurement parse_nccl_tests(std::string_view text, const std::string& origin,
                                 std::optional<Collective> collective, bool in_place) {
    CommMeasurement m;
    m.origin = origin;
    m.tool = "nccl-tests";
    std::optional<Collective> said;
    std::set<std::string> hosts;
    int rank_lines = 0;
    std::vector<std::string> columns;
    size_t size_col = 0, time_col = 0;
    bool have_header = false;

    for_lines(text, [&](std::string_view line, uint64_t no) {
        std::string_view t = trim(line);
        if (t.empty()) return;
        if (t[0] == '#') {
            std::string_view body = t.substr(1);
            auto tk = tokens(body);
            if (auto p = body.find("Collective test starting:"); p != std::string_view::npos)
                said = collective_in_name(body.substr(p));
            // "#  Rank  0 Group  0 Pid 1234 on host device 0 [...] NVIDIA A100"
            if (tk.size() >= 2 && tk[0] == "Rank") {
                ++rank_lines;
                for (size_t i = 0; i + 1 < tk.size(); ++i)
                    if (tk[i] == "on") {
                        hosts.insert(std::string(tk[i + 1]));
                        break;
                    }
            }
            bool is_header = false;
            for (auto x : tk) is_header = is_header || x == "busbw";
            if (is_header && std::find(tk.begin(), tk.end(), "size") != tk.end()) {
                columns.assign(tk.begin(), tk.end());
                std::vector<size_t> times;
                for (size_t i = 0; i < columns.size(); ++i) {
                    if (columns[i] == "size") size_col = i;
                    if (columns[i] == "time") times.push_back(i);
                }
                if (times.empty()) bad_line(origin, no, "nccl-tests header without a time column");
                time_col = in_place && times.size() > 1 ? times[1] : times[0];
                have_header = true;
            }
            return;
        }
        if (!have_header) return;  // text before the table (NCCL INFO lines, ...)
        auto tk = tokens(t);
        if (tk.empty()) return;
        auto size = parse_number(tk[0]);
        if (!size) {
            // Not a data row ("NCCL INFO ..." interleaved), unless it is shaped like one: as many
            // fields as the header with a data type in the third, a row whose size was damaged.
            static const std::set<std::string_view> dtypes = {"float", "half", "bfloat16", "double", "int8", "uint8",
                                                              "int32", "uint32", "int64", "uint64", "fp8_e4m3", "fp8_e5m2"};
            if (tk.size() + 1 >= columns.size() && tk.size() > 2 && dtypes.count(tk[2]))
                bad_line(origin, no, "size '" + std::string(tk[0]) + "' is not a byte count");
            return;
        }
        if (tk.size() <= std::max(size_col, time_col))
            bad_line(origin, no, "nccl-tests row has " + std::to_string(tk.size()) + " columns, the header " +
                                     std::to_string(columns.size()));
        auto sz = parse_number(tk[size_col]);
        auto us = parse_number(tk[time_col]);
        if (!sz || *sz < 0) bad_line(origin, no, "size '" + std::string(tk[size_col]) + "' is not a byte count");
        if (!us || !std::isfinite(*us))
            bad_line(origin, no, "time '" + std::string(tk[time_col]) + "' is not a number of microseconds");
        if (*sz <= 0) return;  // an empty message measures nothing
        if (*us <= 0)
            bad_line(origin, no, "time " + std::string(tk[time_col]) + " us for " + std::string(tk[size_col]) +
                                     " bytes: a transfer takes time (corrupt or edited table?)");
        m.samples.push_back({*sz, *us * 1e-6});
    });
    if (!have_header)
        throw Error(ExitCode::bad_input, "no nccl-tests result table (header with size/time/algbw/busbw)",
                    SourcePosition{origin, PositionKind::none, 0});
    if (m.samples.empty())
        throw Error(ExitCode::bad_input, "the nccl-tests table has no rows", SourcePosition{origin, PositionKind::none, 0});
    m.collective = collective ? collective : said ? said : collective_in_name(origin);
    m.ranks = rank_lines;  // one "# Rank" line per rank
    m.nodes = static_cast<int>(hosts.size());
    return m;
}

CommMeasurement parse_osu(std::string_view text, const std::string& origin,
                          std::optional<Collective> collective, std::optional<int> ranks,
                          std::optional<int> nodes) {
    CommMeasurement m;
    m.origin = origin;
    m.tool = "osu";
    std::optional<Collective> said;
    bool table = false, bandwidth_test = false;
    for_lines(text, [&](std::string_view line, uint64_t no) {
        std::string_view t = trim(line);
        if (t.empty()) return;
        if (t[0] == '#') {
            std::string s = to_lower(t);
            if (s.find("# osu") == 0) {
                auto p = s.find("latency test");
                if (s.find("bandwidth test") != std::string::npos) bandwidth_test = true;
                std::string title = s.substr(0, p == std::string::npos ? s.size() : p);
                if (title.find("all-to-all") != std::string::npos || title.find("alltoall") != std::string::npos)
                    said = Collective::all_to_all;
                else if (auto c = collective_in_name(title)) said = c;
                else if (p != std::string::npos) said = Collective::send_recv;  // osu_latency
            }
            if (s.find("size") != std::string::npos && s.find("latency") != std::string::npos) table = true;
            return;
        }
        if (!table) return;
        auto tk = tokens(t);
        if (tk.size() < 2) bad_line(origin, no, "OSU row needs a size and a latency");
        auto sz = parse_number(tk[0]);
        auto us = parse_number(tk[1]);
        if (!sz || !us || !std::isfinite(*us)) bad_line(origin, no, "OSU row is not '<size> <latency us>'");
        if (*sz <= 0) return;  // an empty message measures nothing
        if (*us <= 0)
            bad_line(origin, no, "latency " + std::string(tk[1]) + " us for " + std::string(tk[0]) +
                                     " bytes: a transfer takes time (corrupt or edited table?)");
        m.samples.push_back({*sz, *us * 1e-6});
    });
    if (bandwidth_test)
        throw Error(ExitCode::bad_input, "OSU bandwidth tests are not supported; use a latency test (osu_latency, osu_allreduce, ...)",
                    SourcePosition{origin, PositionKind::none, 0});
    if (!table || m.samples.empty())
        throw Error(ExitCode::bad_input, "no OSU latency table ('# Size  Avg Latency(us)')",
                    SourcePosition{origin, PositionKind::none, 0});
    m.collective = collective ? collective : said ? said : collective_in_name(origin);
    if (m.collective == Collective::send_recv) m.ranks = 2;
    else if (ranks) m.ranks = *ranks;
    m.nodes = nodes.value_or(0);
    return m;
}

CommFit fit_comm(const CommMeasurement& m, double min_bytes, double max_bytes) {
    if (!m.collective)
        throw Error(ExitCode::bad_input, "the collective this benchmark measured is unknown",
                    SourcePosition{m.origin, PositionKind::none, 0});
    if (m.ranks < 1)
        throw Error(ExitCode::bad_input, "the number of ranks this benchmark ran on is unknown",
                    SourcePosition{m.origin, PositionKind::none, 0});
    const Collective collective = *m.collective;
    CommFit f;
    f.measurement = m;
    f.measurement.samples.clear();
    std::vector<double> x, y;
    for (const auto& s : m.samples) {
        if (s.bytes < min_bytes || (max_bytes > 0 && s.bytes > max_bytes)) continue;
        f.measurement.samples.push_back(s);
        x.push_back(s.bytes);
        y.push_back(s.time_s);
        f.peak_busbw = std::max(f.peak_busbw, busbw(collective, std::max(2, m.ranks), s.bytes, s.time_s));
    }
    if (x.size() < 2)
        throw Error(ExitCode::bad_input, "fewer than 2 message sizes in the fitted range",
                    SourcePosition{m.origin, PositionKind::none, 0});
    f.fit = fit_affine(x, y);
    f.tier = m.nodes > 1 ? "inter" : "intra";
    // Invert the ring / chain / pairwise formulas of comm.cpp: t = steps * alpha + n * factor * beta.
    double p = std::max(2, m.ranks);
    double steps = 1, factor = 1;
    switch (collective) {
    case Collective::all_reduce: steps = 2 * (p - 1); factor = 2 * (p - 1) / p; break;
    case Collective::reduce_scatter:
    case Collective::all_gather:
    case Collective::all_to_all: steps = p - 1; factor = (p - 1) / p; break;
    case Collective::broadcast: steps = p - 1; factor = 1; break;
    default: steps = 1; factor = 1; break;
    }
    f.alpha_s = f.fit.c0 / steps;
    double beta = f.fit.c1 / factor;
    f.bandwidth = beta > 0 ? 1 / beta : INFINITY;
    return f;
}

void write_comm_fit_table(std::ostream& out, const std::vector<CommFit>& fits) {
    out << "file  collective  ranks  nodes  tier  points  alpha/hop  bandwidth  peak busbw  residual rms/max\n";
    for (const auto& f : fits) {
        const auto& m = f.measurement;
        out << m.origin << "  " << to_string(*m.collective) << "  " << m.ranks << "  "
            << (m.nodes > 0 ? std::to_string(m.nodes) : std::string("-")) << "  " << f.tier << "  "
            << f.fit.points << "  " << format_seconds(f.alpha_s) << "  "
            << (std::isfinite(f.bandwidth) ? si_unit(f.bandwidth, "B/s") : std::string("-")) << "  "
            << si_unit(f.peak_busbw, "B/s") << "  " << fmt("%.1f%%", f.fit.rms_rel_error * 100) << "/"
            << fmt("%.1f%%", f.fit.max_rel_error * 100) << '\n';
    }
}

void write_comm_calibration_json(JsonWriter& w, const std::vector<CommFit>& fits, int nics_per_node) {
    w.begin_object();
    w.field("schema", "rafter.comm_calibration/1");
    w.key("fits").begin_array();
    const CommFit* best[2] = {nullptr, nullptr};  // intra, inter: prefer all-reduce, then most points
    for (const auto& f : fits) {
        const auto& m = f.measurement;
        w.begin_object();
        w.field("source", m.origin);
        w.field("tool", m.tool);
        w.field("collective", to_string(*m.collective));
        w.field("ranks", m.ranks);
        w.key("nodes");
        if (m.nodes > 0) w.value(m.nodes);
        else w.null();
        w.field("tier", f.tier);
        w.field("points", static_cast<uint64_t>(f.fit.points));
        w.field("min_bytes", m.samples.front().bytes);
        w.field("max_bytes", m.samples.back().bytes);
        w.field("latency_s", f.fit.c0);
        w.field("seconds_per_byte", f.fit.c1);
        w.field("alpha_s", f.alpha_s);
        w.field("bandwidth", f.bandwidth);
        w.field("peak_busbw", f.peak_busbw);
        w.field("rms_rel_residual", f.fit.rms_rel_error);
        w.field("max_rel_residual", f.fit.max_rel_error);
        w.end_object();
        const CommFit*& slot = best[f.tier == "inter" ? 1 : 0];
        auto rank = [](const CommFit* c) {
            return std::make_pair(c->measurement.collective == Collective::all_reduce ? 1 : 0, c->fit.points);
        };
        if (!slot || rank(&f) > rank(slot)) slot = &f;
    }
    w.end_array();
    w.key("topology").begin_object();
    w.key("intra_node");
    if (best[0] && std::isfinite(best[0]->bandwidth)) {
        w.begin_object();
        w.field("bandwidth", best[0]->bandwidth);
        w.field("latency", best[0]->alpha_s);
        w.end_object();
    } else {
        w.null();
    }
    w.field("nics_per_node", nics_per_node);
    w.key("inter_node");
    if (best[1] && std::isfinite(best[1]->bandwidth)) {
        w.begin_object();
        w.field("bandwidth", best[1]->bandwidth / std::max(1, nics_per_node));
        w.field("latency", best[1]->alpha_s);
        w.end_object();
    } else {
        w.null();
    }
    w.field("link_efficiency", 1.0);
    w.end_object();
    w.end_object();
}

} // namespace rafter
