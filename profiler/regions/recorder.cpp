#include "profiler/regions/recorder.h"

#include <sys/syscall.h>
#include <unistd.h>
#if defined(__x86_64__)
#include <x86intrin.h>
#endif

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string_view>
#include <fstream>
#include <cstdlib>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

#include "core/error.h"
#include "profiler/annotate.h"
#include "profiler/papi/papi_backend.h"
#include "profiler/session.h"
#include "traces/native_format.h"

namespace rafter::regions {

namespace {

struct OpenRegion {
    const char* name;
    int64_t start;  // ticks (now_ticks)
};

struct Record {
    const char* name;
    int64_t start, end;  // ticks
    int32_t depth;
};

// One thread's buffer. Owned by the registry (never freed while the process runs), so a thread
// that exits leaves its records for stop() to collect.
struct ThreadBuffer {
    int64_t tid = 0;
    uint64_t generation = 0;
    std::vector<OpenRegion> open;
    std::vector<Record> done;
    // Counter values: begin snapshots of open regions, and per-record deltas (n per record).
    std::unique_ptr<papi::ThreadCounters> counters;
    std::vector<long long> open_counts, done_counts, scratch;
    uint64_t mismatched = 0, unmatched_end = 0, read_failures = 0;
    std::string counter_error;
};

std::atomic<bool> g_active{false};
std::atomic<uint64_t> g_generation{0};
std::mutex g_mutex;                                  // registry, session start/stop
std::vector<std::unique_ptr<ThreadBuffer>> g_buffers;
bool g_counters = false;                             // set under g_mutex before g_active
std::string g_counters_reason;
thread_local ThreadBuffer* t_buffer = nullptr;

inline int64_t steady_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// Region timestamps are raw ticks on the hot path: the invariant TSC where the CPU has one (one
// rdtsc instead of a clock_gettime call), else steady_clock nanoseconds. stop() maps ticks to
// steady_clock nanoseconds linearly between the session's start and stop readings of both clocks.
// RAFTER_REGION_CLOCK=steady forces steady_clock.
std::atomic<bool> g_tsc{false};       // set under g_mutex before g_active (release)
int64_t g_tick0 = 0, g_ns0 = 0;       // both clocks at start()

bool invariant_tsc() {
#if defined(__x86_64__) && defined(__linux__)
    if (const char* env = std::getenv("RAFTER_REGION_CLOCK"); env && std::string_view(env) == "steady") return false;
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string line;
    while (std::getline(cpuinfo, line)) {
        if (!line.starts_with("flags")) continue;
        return line.find(" constant_tsc") != std::string::npos && line.find(" nonstop_tsc") != std::string::npos;
    }
#endif
    return false;
}

inline int64_t now_ticks() {
#if defined(__x86_64__)
    if (g_tsc.load(std::memory_order_relaxed)) return static_cast<int64_t>(__rdtsc());
#endif
    return steady_ns();
}

struct TickToNs {
    int64_t tick0 = 0, ns0 = 0;
    double ns_per_tick = 1;
    int64_t operator()(int64_t tick) const {
        return ns0 + static_cast<int64_t>(std::llround(static_cast<double>(tick - tick0) * ns_per_tick));
    }
};

// First use in a session on this thread: register (once) and reset the buffer.
ThreadBuffer* attach(uint64_t generation) {
    ThreadBuffer* b = t_buffer;
    if (!b) {
        auto owned = std::make_unique<ThreadBuffer>();
        owned->tid = static_cast<int64_t>(::syscall(SYS_gettid));
        b = owned.get();
        std::lock_guard<std::mutex> lock(g_mutex);
        g_buffers.push_back(std::move(owned));
        t_buffer = b;
    }
    b->generation = generation;
    b->open.clear();
    b->done.clear();
    b->open_counts.clear();
    b->done_counts.clear();
    b->mismatched = b->unmatched_end = b->read_failures = 0;
    if (g_counters && !b->counters && b->counter_error.empty()) {
        auto c = std::make_unique<papi::ThreadCounters>();
        if (c->start(papi::probe().plan, b->counter_error)) {
            b->counters = std::move(c);
            b->scratch.resize(b->counters->size());
        }
    }
    return b;
}

inline ThreadBuffer* buffer() {
    uint64_t gen = g_generation.load(std::memory_order_acquire);
    ThreadBuffer* b = t_buffer;
    if (!b || b->generation != gen) [[unlikely]] b = attach(gen);
    return b;
}

// Adds weight * delta over the metric's events to the row.
void fill_counters(RegionRow& row, const papi::EventPlan& plan, const long long* deltas) {
    for (const auto& m : plan.metrics) {
        double sum = 0;
        for (const auto& t : m.terms) {
            size_t idx = static_cast<size_t>(
                std::find(plan.events.begin(), plan.events.end(), t.event) - plan.events.begin());
            sum += t.weight * static_cast<double>(deltas[idx]);
        }
        Value v{sum, m.prov};
        if (m.target.starts_with("flops.")) {
            if (auto k = flop_kind_from_string(std::string_view(m.target).substr(6)))
                row.flops[static_cast<size_t>(*k)] = v;
        } else if (auto l = mem_level_from_string(std::string_view(m.target).substr(6))) {
            row.bytes[static_cast<size_t>(*l)] = v;
        }
    }
}

} // namespace

void start(const SessionOptions& options) {
    std::lock_guard<std::mutex> lock(g_mutex);
    if (g_active.load()) throw Error(ExitCode::failure, "a region session is already running");
    if (options.counters) {
        const auto& p = papi::probe();
        g_counters = p.usable;
        g_counters_reason = p.usable ? "" : p.reason;
    } else {
        g_counters = false;
        g_counters_reason = "counters were turned off for this session";
    }
    static const bool tsc = invariant_tsc();
    g_tsc.store(tsc, std::memory_order_relaxed);
    g_ns0 = steady_ns();
    g_tick0 = now_ticks();
    g_generation.fetch_add(1, std::memory_order_acq_rel);
    g_active.store(true, std::memory_order_release);
}

bool running() { return g_active.load(); }

std::string counters_reason() {
    std::lock_guard<std::mutex> lock(g_mutex);
    return g_counters_reason;
}

Trace stop() {
    std::lock_guard<std::mutex> lock(g_mutex);
    if (!g_active.load()) throw Error(ExitCode::failure, "no region session is running");
    g_active.store(false, std::memory_order_release);
    uint64_t gen = g_generation.load();
    TickToNs to_ns{g_tick0, g_ns0, 1.0};
    if (g_tsc.load()) {
        int64_t tick1 = now_ticks(), ns1 = steady_ns();
        if (tick1 > g_tick0) to_ns.ns_per_tick = static_cast<double>(ns1 - g_ns0) / static_cast<double>(tick1 - g_tick0);
    }

    Trace t;
    t.meta.source_format = "rafter-regions";
    t.meta.pid = static_cast<int64_t>(::getpid());
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) == 0) t.meta.host = host;
    t.meta.base_time_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                              std::chrono::system_clock::now().time_since_epoch()).count() - steady_ns();

    const papi::EventPlan& plan = papi::probe().plan;
    uint64_t unclosed = 0, mismatched = 0, unmatched = 0, read_failures = 0;
    std::string counter_error;
    bool any_counters = false;
    for (const auto& b : g_buffers) {
        if (b->generation != gen) continue;
        unclosed += b->open.size();
        mismatched += b->mismatched;
        unmatched += b->unmatched_end;
        read_failures += b->read_failures;
        if (!b->counter_error.empty() && counter_error.empty()) counter_error = b->counter_error;
        size_t n = b->counters ? b->counters->size() : 0;
        for (size_t i = 0; i < b->done.size(); ++i) {
            const Record& r = b->done[i];
            RegionRow row;
            row.kind = RegionKind::region;
            row.name = t.strings.intern(r.name ? r.name : "");
            row.pid = t.meta.pid;
            row.tid = b->tid;
            row.start_ns = to_ns(r.start);
            row.end_ns = to_ns(r.end);
            row.depth = r.depth;
            if (n && b->done_counts.size() >= (i + 1) * n && b->done_counts[i * n] >= 0) {
                fill_counters(row, plan, &b->done_counts[i * n]);
                any_counters = true;
            }
            t.regions.push_back(row);
        }
        b->done.clear();
        b->done_counts.clear();
    }
    std::stable_sort(t.regions.begin(), t.regions.end(), [](const RegionRow& a, const RegionRow& b) {
        return a.start_ns != b.start_ns ? a.start_ns < b.start_ns : a.depth < b.depth;
    });

    if (!g_counters) {
        t.diagnostics.add(Severity::warning, "regions.counters_missing",
                          "FLOPs and bytes of regions are missing: " + g_counters_reason);
    } else {
        if (!any_counters && !counter_error.empty())
            t.diagnostics.add(Severity::warning, "regions.counters_missing",
                              "FLOPs and bytes of regions are missing: " + counter_error);
        for (const auto& target : plan.missing_targets)
            t.diagnostics.add(Severity::info, "regions.counter_target_missing",
                              "no PAPI event set for " + target + " on this machine; it is missing");
        for (const auto& m : plan.metrics)
            if (m.group == "retired_sse_avx_flops")
                t.diagnostics.add(Severity::info, "regions.flops_precision_unsplit",
                                  "AMD RETIRED_SSE_AVX_FLOPS counts every precision; the total is "
                                  "reported under fp64 (provenance derived)");
    }
    if (read_failures)
        t.diagnostics.add(Severity::warning, "regions.counter_read_failed",
                          "PAPI_read failed; those regions have no counter values", read_failures);
    if (unclosed)
        t.diagnostics.add(Severity::warning, "regions.unclosed",
                          "regions still open when the session stopped were dropped", unclosed);
    if (mismatched)
        t.diagnostics.add(Severity::warning, "regions.mismatched_end",
                          "region end named a different region than the innermost open one; the "
                          "innermost was closed", mismatched);
    if (unmatched)
        t.diagnostics.add(Severity::warning, "regions.unmatched_end",
                          "region end without a matching begin was ignored", unmatched);
    return t;
}

} // namespace rafter::regions

// The C entry points: the hot path. No lock, no allocation after the buffers have grown.
extern "C" void rafter_region_begin(const char* name) {
    using namespace rafter::regions;
    // Regions are also GPU annotations (the NVTX role): while the GPU profiler runs, kernels
    // launched inside carry the region as their op (profiler/session.h).
    rafter::profiler::gpu_annotation_push(name);
    if (!g_active.load(std::memory_order_acquire)) return;
    ThreadBuffer* b = buffer();
    if (b->counters) {
        size_t n = b->counters->size();
        size_t base = b->open_counts.size();
        b->open_counts.resize(base + n);
        if (!b->counters->read(&b->open_counts[base])) {
            b->open_counts[base] = -1;  // marks a failed read
            ++b->read_failures;
        }
    }
    b->open.push_back({name, now_ticks()});
}

extern "C" void rafter_region_end(const char* name) {
    using namespace rafter::regions;
    rafter::profiler::gpu_annotation_pop();
    if (!g_active.load(std::memory_order_acquire)) return;
    int64_t end = now_ticks();
    ThreadBuffer* b = buffer();
    if (b->open.empty()) {
        ++b->unmatched_end;
        return;
    }
    OpenRegion o = b->open.back();
    b->open.pop_back();
    if (o.name != name && (!o.name || !name || std::strcmp(o.name, name) != 0)) ++b->mismatched;
    b->done.push_back({o.name, o.start, end, static_cast<int32_t>(b->open.size())});
    if (b->counters) {
        size_t n = b->counters->size();
        size_t base = b->open_counts.size() - n;
        size_t out = b->done_counts.size();
        b->done_counts.resize(out + n);
        bool ok = b->open_counts[base] >= 0 && b->counters->read(b->scratch.data());
        for (size_t i = 0; i < n; ++i)
            b->done_counts[out + i] = ok ? b->scratch[i] - b->open_counts[base + i] : 0;
        if (!ok) {
            b->done_counts[out] = -1;
            ++b->read_failures;
        }
        b->open_counts.resize(base);
    }
}

extern "C" int rafter_regions_start(void) {
    try {
        rafter::regions::start();
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "rafter: %s\n", e.what());
        return -1;
    }
}

extern "C" int rafter_regions_stop_write(const char* path) {
    try {
        rafter::Trace t = rafter::regions::stop();
        if (path) t.meta.source_files.push_back(path);
        rafter::save_native_trace(t, path ? path : "");
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "rafter: %s\n", e.what());
        return -1;
    }
}
