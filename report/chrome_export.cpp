#include "report/chrome_export.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>
#include <string>
#include <unordered_map>

#include "analysis/clock_align.h"
#include "analysis/roofline.h"
#include "core/json_writer.h"

namespace rafter {

namespace {

// Microseconds with nanosecond resolution, as Kineto writes them.
void write_us(JsonWriter& w, const char* key, int64_t ns) {
    w.key(key).value(static_cast<double>(ns) / 1000.0);
}

bool timed(int64_t start, int64_t end) { return !(start == 0 && end == 0) && end >= start; }

const char* category(CpuEventKind k) {
    switch (k) {
    case CpuEventKind::op: return "cpu_op";
    case CpuEventKind::runtime: return "cuda_runtime";
    case CpuEventKind::driver: return "cuda_driver";
    case CpuEventKind::python: return "python_function";
    case CpuEventKind::sync: return "cuda_sync";
    case CpuEventKind::other: return "cpu_op";
    }
    return "cpu_op";
}

const char* copy_name(CopyKind k) {
    switch (k) {
    case CopyKind::memcpy_htod: return "Memcpy HtoD";
    case CopyKind::memcpy_dtoh: return "Memcpy DtoH";
    case CopyKind::memcpy_dtod: return "Memcpy DtoD";
    case CopyKind::memcpy_htoh: return "Memcpy HtoH";
    case CopyKind::memcpy_peer: return "Memcpy PtoP";
    case CopyKind::memcpy_other: return "Memcpy";
    case CopyKind::memset: return "Memset";
    }
    return "Memcpy";
}

void dim3(JsonWriter& w, const char* key, Dim3 d) {
    if (d.x == 0) return;
    w.key(key).begin_array().value(uint64_t{d.x}).value(uint64_t{d.y}).value(uint64_t{d.z}).end_array();
}

void value_or_null(JsonWriter& w, const char* key, const Value& v) {
    w.key(key);
    if (v.prov == Provenance::missing) w.null();
    else w.value(v.value);
}

struct Track {
    int64_t pid, tid;
    bool operator<(const Track& o) const { return pid != o.pid ? pid < o.pid : tid < o.tid; }
};

} // namespace

ChromeExportStats write_chrome_trace(const std::vector<Trace>& traces, std::ostream& out,
                                     const ChromeExportOptions& options) {
    ChromeExportStats stats;
    Machine no_machine;
    const Machine& machine = options.machine ? *options.machine : no_machine;

    // Common clock across ranks (collective matching, as `rafter breakdown`), then shifted so
    // that the earliest event is at 0 (smaller numbers, same as Kineto's relative timestamps).
    ClockAlignment align = align_clocks(traces);
    auto offset = [&](size_t t) {
        int64_t o = traces[t].meta.base_time_ns;
        if (t < align.offset_ns.size()) o += align.offset_ns[t];
        return o;
    };
    int64_t origin = std::numeric_limits<int64_t>::max();
    for (size_t t = 0; t < traces.size(); ++t) {
        const Trace& tr = traces[t];
        auto see = [&](int64_t s, int64_t e) { if (timed(s, e)) origin = std::min(origin, s + offset(t)); };
        for (size_t i = 0; i < tr.kernels.size(); ++i) see(tr.kernels.start_ns[i], tr.kernels.end_ns[i]);
        for (const auto& c : tr.copies) see(c.start_ns, c.end_ns);
        for (const auto& c : tr.cpu_ops) see(c.start_ns, c.end_ns);
    }
    if (origin == std::numeric_limits<int64_t>::max()) origin = 0;

    JsonWriter w(out, false);
    w.begin_object();
    w.key("traceEvents").begin_array();
    std::set<Track> streams, threads;
    std::vector<std::pair<int64_t, std::string>> processes;
    for (size_t t = 0; t < traces.size(); ++t) {
        const Trace& tr = traces[t];
        const KernelTable& k = tr.kernels;
        int64_t pid = tr.meta.rank >= 0 ? tr.meta.rank : static_cast<int64_t>(t);
        std::string pname = tr.meta.rank >= 0 ? "rank " + std::to_string(tr.meta.rank) : "trace " + std::to_string(t);
        if (!tr.meta.source_files.empty()) pname += " (" + tr.meta.source_files.front() + ")";
        processes.push_back({pid, pname});
        int64_t base = offset(t) - origin;
        int64_t synthetic_ns = 0;  // running clock for kernels without timestamps
        // Launch -> GPU work arrows, as Kineto writes them (cat "ac2g"): a flow start on the runtime
        // call that launched the work (same correlation id) and a flow end bound to the kernel or
        // copy. Ids are unique across traces: the trace index above the 40-bit correlation id.
        struct Launch {
            int64_t ts, tid;
        };
        std::unordered_map<uint64_t, Launch> launches;
        for (const auto& c : tr.cpu_ops)
            if (c.correlation && (c.kind == CpuEventKind::runtime || c.kind == CpuEventKind::driver) &&
                timed(c.start_ns, c.end_ns))
                launches.emplace(c.correlation, Launch{c.start_ns + base, c.tid});
        auto flow = [&](uint64_t correlation, int64_t gpu_tid, int64_t gpu_ts) {
            auto it = correlation ? launches.find(correlation) : launches.end();
            if (it == launches.end()) return;
            const uint64_t id = (static_cast<uint64_t>(t) << 40) | (correlation & ((uint64_t{1} << 40) - 1));
            w.begin_object().field("ph", "s").field("cat", "ac2g").field("name", "ac2g").field("id", id);
            w.field("pid", pid).field("tid", it->second.tid);
            write_us(w, "ts", it->second.ts);
            w.end_object();
            w.begin_object().field("ph", "f").field("bp", "e").field("cat", "ac2g").field("name", "ac2g").field("id", id);
            w.field("pid", pid).field("tid", gpu_tid);
            write_us(w, "ts", gpu_ts);
            w.end_object();
            ++stats.flows;
        };
        for (size_t i = 0; i < k.size(); ++i) {
            bool has_ts = timed(k.start_ns[i], k.end_ns[i]);
            Value dur = kernel_time(k, i);
            int64_t start, len;
            if (has_ts) {
                start = k.start_ns[i] + base;
                len = k.end_ns[i] - k.start_ns[i];
            } else {
                start = synthetic_ns;
                len = dur.prov == Provenance::missing ? 0 : static_cast<int64_t>(std::llround(dur.value * 1e9));
                synthetic_ns += len;
                ++stats.synthetic_kernels;
            }
            int64_t tid = k.stream[i];
            streams.insert({pid, tid});
            // The row's roofline figures, through the same code path as a one-row group.
            GroupSums sums(machine.kernel_floor_s);
            sums.add_kernel(k, i);
            GroupMetrics g;
            store_sums(sums, g);
            finalize_group(g, machine);

            w.begin_object();
            w.field("ph", "X").field("cat", "kernel").field("name", tr.strings.get(k.name[i]));
            w.field("pid", pid).field("tid", tid);
            write_us(w, "ts", start);
            write_us(w, "dur", len);
            w.key("args").begin_object();
            w.field("device", int64_t{k.device[i]}).field("stream", int64_t{k.stream[i]});
            if (k.correlation[i]) w.field("correlation", k.correlation[i]);
            if (k.external_id[i]) w.field("External id", k.external_id[i]);
            dim3(w, "grid", k.grid[i]);
            dim3(w, "block", k.block[i]);
            if (k.launches[i] != 1) w.field("launches", uint64_t{k.launches[i]});
            if (!has_ts) w.field("synthetic_ts", true);
            w.field("flops", g.flops_total);
            w.key("flops_provenance");
            if (g.flops_prov == Provenance::missing) w.null(); else w.value(to_string(g.flops_prov));
            value_or_null(w, "bytes_dram", g.bytes[static_cast<size_t>(MemLevel::dram)]);
            value_or_null(w, "bytes_l2", g.bytes[static_cast<size_t>(MemLevel::l2)]);
            value_or_null(w, "bytes_l1", g.bytes[static_cast<size_t>(MemLevel::l1)]);
            w.field("arithmetic_intensity", g.ai[static_cast<size_t>(MemLevel::dram)]);
            w.key("bound");
            if (g.bound == Bound::unknown) w.null(); else w.value(to_string(g.bound));
            w.field("efficiency", g.efficiency);
            w.end_object();
            w.end_object();
            if (has_ts) flow(k.correlation[i], tid, start);
            ++stats.kernels;
        }
        for (const auto& c : tr.copies) {
            if (!timed(c.start_ns, c.end_ns)) continue;
            streams.insert({pid, c.stream});
            w.begin_object();
            w.field("ph", "X").field("cat", c.kind == CopyKind::memset ? "gpu_memset" : "gpu_memcpy")
                .field("name", copy_name(c.kind)).field("pid", pid).field("tid", int64_t{c.stream});
            write_us(w, "ts", c.start_ns + base);
            write_us(w, "dur", c.end_ns - c.start_ns);
            w.key("args").begin_object().field("device", int64_t{c.device}).field("stream", int64_t{c.stream})
                .field("bytes", c.bytes);
            if (c.correlation) w.field("correlation", c.correlation);
            w.end_object().end_object();
            flow(c.correlation, int64_t{c.stream}, c.start_ns + base);
            ++stats.copies;
        }
        for (const auto& c : tr.cpu_ops) {
            if (!timed(c.start_ns, c.end_ns)) continue;
            threads.insert({pid, c.tid});
            w.begin_object();
            w.field("ph", "X").field("cat", category(c.kind)).field("name", tr.strings.get(c.name))
                .field("pid", pid).field("tid", c.tid);
            write_us(w, "ts", c.start_ns + base);
            write_us(w, "dur", c.end_ns - c.start_ns);
            w.key("args").begin_object();
            if (c.external_id) w.field("External id", c.external_id);
            if (c.correlation) w.field("correlation", c.correlation);
            if (c.input_dims != kNoString) w.field("Input Dims", tr.strings.get(c.input_dims));
            if (c.input_types != kNoString) w.field("Input type", tr.strings.get(c.input_types));
            if (c.sequence_number >= 0) w.field("Sequence number", c.sequence_number);
            w.end_object().end_object();
            ++stats.cpu_ops;
        }
        for (const auto& r : tr.regions) {
            if (!timed(r.start_ns, r.end_ns)) continue;
            bool gpu = r.kind == RegionKind::gpu_user;
            int64_t tid = r.tid;
            (gpu ? streams : threads).insert({pid, tid});
            w.begin_object();
            w.field("ph", "X").field("cat", gpu ? "gpu_user_annotation" : "user_annotation")
                .field("name", tr.strings.get(r.name)).field("pid", pid).field("tid", tid);
            write_us(w, "ts", r.start_ns + base);
            write_us(w, "dur", r.end_ns - r.start_ns);
            w.end_object();
            ++stats.regions;
        }
        auto first_thread = threads.lower_bound({pid, std::numeric_limits<int64_t>::min()});
        int64_t step_tid = first_thread != threads.end() && first_thread->pid == pid ? first_thread->tid : 0;
        for (const auto& s : tr.steps) {
            if (!timed(s.start_ns, s.end_ns)) continue;
            w.begin_object();
            w.field("ph", "X").field("cat", "user_annotation").field("name", tr.strings.get(s.name))
                .field("pid", pid).field("tid", step_tid);
            write_us(w, "ts", s.start_ns + base);
            write_us(w, "dur", s.end_ns - s.start_ns);
            w.end_object();
            ++stats.steps;
        }
    }
    // Metadata: names and order of processes (ranks) and threads (CPU threads first, then streams).
    for (const auto& [pid, name] : processes) {
        w.begin_object().field("ph", "M").field("name", "process_name").field("pid", pid).field("tid", int64_t{0})
            .key("args").begin_object().field("name", name).end_object().end_object();
        w.begin_object().field("ph", "M").field("name", "process_sort_index").field("pid", pid).field("tid", int64_t{0})
            .key("args").begin_object().field("sort_index", pid).end_object().end_object();
    }
    for (const auto& tr : threads)
        w.begin_object().field("ph", "M").field("name", "thread_name").field("pid", tr.pid).field("tid", tr.tid)
            .key("args").begin_object().field("name", "thread " + std::to_string(tr.tid)).end_object().end_object();
    for (const auto& s : streams)
        w.begin_object().field("ph", "M").field("name", "thread_name").field("pid", s.pid).field("tid", s.tid)
            .key("args").begin_object().field("name", "stream " + std::to_string(s.tid)).end_object().end_object();
    w.end_array();
    // Kineto's top-level device and rank fields, so that the file re-imports with its machine
    // (detect_machine) and, for a single rank, its rank. Devices of all traces, once per id.
    w.key("deviceProperties").begin_array();
    std::set<int32_t> seen;
    for (const auto& tr : traces)
        for (const auto& d : tr.meta.devices) {
            if (!seen.insert(d.id).second) continue;
            w.begin_object().field("id", int64_t{d.id}).field("name", d.name).field("computeMajor", int64_t{d.cc_major})
                .field("computeMinor", int64_t{d.cc_minor}).field("totalGlobalMem", d.total_memory)
                .field("numSms", int64_t{d.sm_count}).end_object();
        }
    w.end_array();
    if (traces.size() == 1 && traces[0].meta.rank >= 0) {
        w.key("distributedInfo").begin_object().field("rank", int64_t{traces[0].meta.rank});
        if (traces[0].meta.world_size > 0) w.field("world_size", int64_t{traces[0].meta.world_size});
        w.end_object();
    }
    w.field("displayTimeUnit", "ns");
    w.key("otherData").begin_object().field("generator", options.generator);
    if (options.machine) w.field("machine", machine.name);
    w.end_object();
    w.end_object();
    out << '\n';
    stats.processes = processes.size();
    return stats;
}

} // namespace rafter
