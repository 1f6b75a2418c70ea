#include "profiler/ceilings/cpu_ceilings.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "profiler/ceilings/thread_team.h"
#include "core/error.h"
#include "core/json_writer.h"
#include "core/text.h"

namespace rafter::ceilings {

namespace {

struct AlignedFree {
    void operator()(double* p) const { std::free(p); }
};
using Array = std::unique_ptr<double[], AlignedFree>;

Array alloc_doubles(size_t n) {
    size_t bytes = ((n * sizeof(double) + 63) / 64) * 64;
    auto* p = static_cast<double*>(std::aligned_alloc(64, bytes ? bytes : 64));
    if (!p) throw Error(ExitCode::failure, "out of memory allocating " + std::to_string(bytes) + " bytes for the bandwidth sweep");
    return Array(p);
}

// Each member's three triad arrays, first touched by the member itself (its own NUMA node).
struct TriadArrays {
    std::vector<Array> a, b, c;
    size_t elems = 0;  // per member
};

void allocate(ThreadTeam& team, TriadArrays& arr, size_t elems) {
    int n = team.size();
    arr.a.resize(static_cast<size_t>(n));
    arr.b.resize(static_cast<size_t>(n));
    arr.c.resize(static_cast<size_t>(n));
    arr.elems = elems;
    std::vector<std::string> errors(static_cast<size_t>(n));
    team.run([&](int m) {
        auto i = static_cast<size_t>(m);
        try {
            arr.a[i] = alloc_doubles(elems);
            arr.b[i] = alloc_doubles(elems);
            arr.c[i] = alloc_doubles(elems);
            for (size_t k = 0; k < elems; ++k) {
                arr.a[i][k] = 0;
                arr.b[i][k] = 1.0;
                arr.c[i][k] = 2.0;
            }
        } catch (const std::exception& e) {
            errors[i] = e.what();
        }
    });
    for (const auto& e : errors)
        if (!e.empty()) throw Error(ExitCode::failure, e);
}

// Best bandwidth of `trials` rounds of the triad on `n` elements per member; each round repeats
// the kernel so that it lasts at least `min_seconds`.
double triad_point(ThreadTeam& team, TriadArrays& arr, size_t n, Isa isa, int trials, double min_seconds,
                   std::vector<double>* samples) {
    auto round = [&](uint64_t reps) {
        return team.run([&](int m) {
            auto i = static_cast<size_t>(m);
            for (uint64_t r = 0; r < reps; ++r) triad(arr.a[i].get(), arr.b[i].get(), arr.c[i].get(), n, 3.0, isa);
        });
    };
    // Grow the repetitions until one round lasts min_seconds (these rounds also warm the caches).
    // Scaling from a single call is not enough: for an L1-sized set one call takes tens of ns
    // and the team's start and finish microseconds, so the round came out ~100x too short and
    // the synchronisation cost a third of the L1 bandwidth.
    uint64_t reps = 1;
    for (double t = round(reps); t < min_seconds && reps < (1ull << 40);) {
        double grow = std::clamp(1.2 * min_seconds / std::max(t, 1e-9), 2.0, 100.0);
        reps = static_cast<uint64_t>(std::ceil(static_cast<double>(reps) * grow));
        t = round(reps);
    }
    double bytes = 24.0 * static_cast<double>(n) * team.size();
    std::vector<double> bw;
    for (int t = 0; t < trials; ++t) bw.push_back(bytes * static_cast<double>(reps) / round(reps));
    if (samples) *samples = bw;
    // The best trial, as ERT reports: interference (other processes, interrupts) only slows a
    // trial down, so the fastest one is closest to what the hardware sustains.
    return *std::max_element(bw.begin(), bw.end());
}

double fma_peak(ThreadTeam& team, Isa isa, bool fp64, int active, double seconds, int trials) {
    // Calibrate the iteration count on one member, then time all active members together.
    volatile double sink = 0;
    uint64_t iters = 1u << 16;
    for (;;) {
        auto t0 = std::chrono::steady_clock::now();
        sink = sink + (fp64 ? fma_loop_fp64(iters, isa) : fma_loop_fp32(iters, isa));
        double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (t >= seconds * 0.25 || iters >= (1ull << 40)) {
            iters = static_cast<uint64_t>(static_cast<double>(iters) * seconds / std::max(t, 1e-9));
            break;
        }
        iters *= 4;
    }
    std::vector<double> sinks(static_cast<size_t>(team.size()));
    std::vector<double> rates;
    for (int t = 0; t < trials; ++t) {
        double secs = team.run([&](int m) {
            if (m >= active) return;
            sinks[static_cast<size_t>(m)] += fp64 ? fma_loop_fp64(iters, isa) : fma_loop_fp32(iters, isa);
        });
        rates.push_back(fma_flops_per_iter(isa, fp64) * static_cast<double>(iters) * active / secs);
    }
    for (double s : sinks) sink = sink + s;
    return *std::max_element(rates.begin(), rates.end());  // best trial, as for bandwidth
}

double cache_size(int name) {
    long v = ::sysconf(name);
    return v > 0 ? static_cast<double>(v) : 0;
}

int resolve_threads(int t) {
    if (t > 0) return t;
    unsigned hc = std::thread::hardware_concurrency();
    return hc ? static_cast<int>(hc) : 1;
}

std::string cpu_model_name() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("model name", 0) == 0) {
            auto colon = line.find(':');
            if (colon != std::string::npos) return std::string(trim(std::string_view(line).substr(colon + 1)));
        }
    return "unknown CPU";
}

} // namespace

double measure_fma_peak(Isa isa, bool fp64, int threads, double seconds_per_trial, int trials) {
    ThreadTeam team(resolve_threads(threads));
    return fma_peak(team, isa, fp64, team.size(), seconds_per_trial, trials);
}

double measure_triad_bandwidth(Isa isa, double working_set_bytes, int threads, int trials) {
    ThreadTeam team(resolve_threads(threads));
    size_t n = static_cast<size_t>(working_set_bytes / (24.0 * team.size())) / 16 * 16;
    if (n < 16) n = 16;
    TriadArrays arr;
    allocate(team, arr, n);
    return triad_point(team, arr, n, isa, trials, 0.002, nullptr);
}

// L1 and L2 are per core, so the threads' working set sees their sum; L3 is shared.
static CacheCapacity capacity(const CpuCeilings& c) {
    return {c.l1_bytes * c.threads, c.l2_bytes * c.threads, c.l3_bytes};
}

CacheCapacity os_cache_capacity(int threads) {
    CpuCeilings c;
    c.threads = resolve_threads(threads);
    c.l1_bytes = cache_size(_SC_LEVEL1_DCACHE_SIZE);
    c.l2_bytes = cache_size(_SC_LEVEL2_CACHE_SIZE);
    c.l3_bytes = cache_size(_SC_LEVEL3_CACHE_SIZE);
    return capacity(c);
}

// The default sweep reaches six times the caches' total (DRAM's plateau starts at twice the
// caches, and it needs six or more points there to stay a plateau on a noisy machine: with four,
// one run in nine found none) and at least 1 GiB; above 1 GiB it asks for no more than a quarter
// of the physical memory.
static double default_max_bytes(const CacheCapacity& cap, bool quick) {
    if (quick) return 256.0 * 1024 * 1024;
    double want = std::max(1024.0 * 1024 * 1024, 3 * beyond_caches_bytes(cap));
    long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
    if (pages > 0 && page > 0) want = std::min(want, std::max(1024.0 * 1024 * 1024, 0.25 * pages * page));
    return want;
}

CpuCeilings measure_cpu_ceilings(const CpuCeilingOptions& o) {
    auto t_start = std::chrono::steady_clock::now();
    CpuCeilings c;
    c.isa = detect_isa();
    c.threads = resolve_threads(o.threads);
    c.l1_bytes = cache_size(_SC_LEVEL1_DCACHE_SIZE);
    c.l2_bytes = cache_size(_SC_LEVEL2_CACHE_SIZE);
    c.l3_bytes = cache_size(_SC_LEVEL3_CACHE_SIZE);
    int trials = o.trials > 0 ? o.trials : (o.quick ? 3 : 5);
    double max_bytes = o.max_bytes > 0 ? o.max_bytes : default_max_bytes(capacity(c), o.quick);
    double step = o.quick ? std::sqrt(2.0) : std::pow(2.0, 0.25);
    double min_seconds = o.quick ? 0.001 : 0.004;

    ThreadTeam team(c.threads);
    c.pinned = team.pinned();
    TriadArrays arr;
    // At least one 16-element block per thread, so that a tiny --max-bytes on many threads still
    // gives one sweep point instead of none.
    size_t max_elems = std::max<size_t>(16, static_cast<size_t>(max_bytes / (24.0 * c.threads)) / 16 * 16);
    allocate(team, arr, max_elems);
    std::vector<size_t> sizes;  // elements per thread
    for (double per_thread = 8192; per_thread <= max_bytes / c.threads * 1.0001; per_thread *= step) {
        size_t n = std::min(max_elems, std::max<size_t>(16, static_cast<size_t>(per_thread / 24.0) / 16 * 16));
        if (sizes.empty() || n != sizes.back()) sizes.push_back(n);
    }
    if (sizes.empty()) sizes.push_back(max_elems);  // max_bytes below 8 KiB per thread
    // Bring the cores to their working clock before the first point (it read low otherwise).
    for (auto t0 = std::chrono::steady_clock::now();
         std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < (o.quick ? 0.02 : 0.1);)
        triad_point(team, arr, sizes.front(), c.isa, 1, 0.005, nullptr);
    // One trial per point per pass over the whole sweep, rather than all trials of a point in a
    // row: a burst of interference from other processes then spoils one trial of several
    // neighbouring points instead of every trial of one point.
    c.sweep.resize(sizes.size());
    for (int pass = 0; pass < trials; ++pass)
        for (size_t i = 0; i < sizes.size(); ++i) {
            std::vector<double> one;
            triad_point(team, arr, sizes[i], c.isa, 1, min_seconds, &one);
            c.sweep[i].bytes = 24.0 * static_cast<double>(sizes[i]) * c.threads;
            c.sweep[i].trials.push_back(one.front());
        }
    // The best trial, as ERT reports: interference only slows a trial down.
    for (auto& s : c.sweep) s.bandwidth = *std::max_element(s.trials.begin(), s.trials.end());
    arr = {};

    std::vector<SweepPoint> pts;
    for (const auto& s : c.sweep) pts.push_back({s.bytes, s.bandwidth});
    c.plateaus = find_plateaus_split(pts, beyond_caches_bytes(capacity(c)), 0.10, 3);
    c.levels = assign_levels(c.plateaus, capacity(c));
    use_tail_for_dram(c.plateaus, c.levels, pts);

    double fma_seconds = o.quick ? 0.02 : 0.05;
    c.fp64.one_thread = fma_peak(team, c.isa, true, 1, fma_seconds, trials);
    c.fp64.all_threads = fma_peak(team, c.isa, true, c.threads, fma_seconds, trials);
    c.fp32.one_thread = fma_peak(team, c.isa, false, 1, fma_seconds, trials);
    c.fp32.all_threads = fma_peak(team, c.isa, false, c.threads, fma_seconds, trials);
    c.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
    return c;
}

Machine ceilings_machine(const CpuCeilings& c, const std::string& name, const CpuMachineWording& words) {
    Machine m;
    m.name = name;
    m.kind = "cpu";
    m.description = cpu_model_name() + ", " + std::to_string(c.threads) + " threads";
    m.source = words.source;
    std::string isa = to_string(c.isa);
    std::string thr = std::to_string(c.threads) + " threads" + (c.pinned ? " pinned" : "");
    m.peak_flops[static_cast<size_t>(FlopKind::fp64)] = c.fp64.all_threads;
    m.peak_flops[static_cast<size_t>(FlopKind::fp32)] = c.fp32.all_threads;
    m.sources.emplace_back("peaks_flops.fp64", "FMA loop (" + isa + ", " + std::to_string(kFmaChains) +
                                                   " chains), " + thr + ", best of trials; one thread: " +
                                                   si_format(c.fp64.one_thread) + "FLOP/s");
    m.sources.emplace_back("peaks_flops.fp32", "FMA loop (" + isa + ", " + std::to_string(kFmaChains) +
                                                   " chains), " + thr + ", best of trials; one thread: " +
                                                   si_format(c.fp32.one_thread) + "FLOP/s");
    CacheCapacity cap = capacity(c);
    double swept = c.sweep.empty() ? 0 : c.sweep.back().bytes;
    auto points_beyond = [&](double bytes) {
        return std::count_if(c.sweep.begin(), c.sweep.end(), [&](const SweepSample& p) { return p.bytes >= bytes; });
    };
    auto level = [&](MemLevel lvl, const char* key, std::optional<size_t> idx, double upto) {
        if (idx) {
            const Plateau& p = c.plateaus[*idx];
            m.bandwidth[static_cast<size_t>(lvl)] = p.bandwidth;
            m.sources.emplace_back(key, "triad plateau " + si_format(p.min_bytes) + "B-" + si_format(p.max_bytes) +
                                            "B working set (" + std::to_string(p.last - p.first + 1) +
                                            " points; best trial per point, median of the plateau's " +
                                            (lvl == MemLevel::dram ? "3 largest working sets), " : "3 best points), ") +
                                            thr);
        } else if (lvl == MemLevel::dram && points_beyond(upto) < 3) {
            m.sources.emplace_back(key, "not measured: " + std::to_string(points_beyond(upto)) +
                                            " sweep points lie beyond twice the caches' total (" + si_format(upto) +
                                            "B; the largest working set was " + si_format(swept) +
                                            "B) and a DRAM plateau needs 3" +
                                            (words.longer_sweep_hint.empty() ? "" : "; " + words.longer_sweep_hint));
        } else {
            m.sources.emplace_back(key, std::string("not measured: no stable plateau (3 points within 10%) in the ") +
                                            "working-set range of this level" +
                                            (upto > 0 ? " (up to " + si_format(upto) + "B)" : std::string()) +
                                            "; the machine was probably busy: measure again");
        }
    };
    level(MemLevel::l1, "bandwidths.l1", c.levels.l1, cap.l1);
    level(MemLevel::l2, "bandwidths.l2", c.levels.l2, cap.l2);
    level(MemLevel::dram, "bandwidths.dram", c.levels.dram, beyond_caches_bytes(cap));
    return m;
}

void write_sweep_json(std::ostream& out, const CpuCeilings& c) {
    JsonWriter w(out);
    w.begin_object();
    w.field("schema", "rafter.ceilings_sweep/1");
    w.field("kernel", "triad a=b+s*c, 24 bytes per element");
    w.field("isa", to_string(c.isa));
    w.field("threads", c.threads);
    w.field("pinned", c.pinned);
    auto opt = [](double v) { return v > 0 ? std::optional<double>(v) : std::nullopt; };
    w.key("cache_bytes").begin_object();
    w.field("l1", opt(c.l1_bytes)).field("l2", opt(c.l2_bytes)).field("l3", opt(c.l3_bytes));
    w.end_object();
    w.key("peaks_flops").begin_object();
    w.field("fp64_one_thread", c.fp64.one_thread).field("fp64_all_threads", c.fp64.all_threads);
    w.field("fp32_one_thread", c.fp32.one_thread).field("fp32_all_threads", c.fp32.all_threads);
    w.end_object();
    w.key("plateaus").begin_array();
    for (size_t i = 0; i < c.plateaus.size(); ++i) {
        const Plateau& p = c.plateaus[i];
        const char* lvl = c.levels.l1 == i ? "l1" : c.levels.l2 == i ? "l2" : c.levels.l3 == i ? "l3"
                          : c.levels.dram == i ? "dram" : "unassigned";
        w.begin_object();
        w.field("level", lvl).field("bandwidth", p.bandwidth).field("min_bytes", p.min_bytes).field("max_bytes", p.max_bytes);
        w.end_object();
    }
    w.end_array();
    w.key("sweep").begin_array();
    for (const auto& s : c.sweep) {
        w.begin_object();
        w.field("bytes", s.bytes).field("bandwidth", s.bandwidth);
        w.key("trials").begin_array();
        for (double t : s.trials) w.value(t);
        w.end_array();
        w.end_object();
    }
    w.end_array();
    w.field("seconds", c.seconds);
    w.end_object();
    out << '\n';
}

} // namespace rafter::ceilings
