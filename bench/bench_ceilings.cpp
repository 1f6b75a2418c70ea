// `rafter ceilings --cpu` checked against independent measurements made in the same run:
//  - DRAM: the ceilings' DRAM plateau vs a plain STREAM triad (separate code: a C++ loop the
//    compiler vectorizes,
//    own threads pinned one per CPU as OMP_PROC_BIND would, arrays as large as the ceilings'
//    DRAM range, best of 10 as STREAM reports, and the median), 10 trials just before and 10 just
//    after each run.
//  - fp64 peak: vs a separately written FMA-throughput loop (GCC vector extensions, 12 chains,
//    pinned threads), and the FLOP per cycle per core it implies at the nominal clock.
//  - stability: three full runs, spread of each figure; wall time and peak RSS.
#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_util.h"
#include "profiler/ceilings/cpu_ceilings.h"

using namespace rafter::ceilings;
using namespace rafter::bench;

namespace {

struct BestMedian {  // best and median of repeated trials
    double best = 0, med = 0;
};

// Unpinned, the two threads of a 2-CPU VM often share one CPU for a while: STREAM read 20-34
// GB/s there against 43-58 pinned in the same minute.
void pin_self(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

template <class F>
void run_pinned(int threads, F&& f) {
    std::vector<std::thread> ts;
    for (int t = 0; t < threads; ++t) ts.emplace_back([&f, t] { pin_self(t); f(t); });
    for (auto& th : ts) th.join();
}

// STREAM triad as in stream.c: a[j] = b[j] + scalar * c[j], 24 bytes per element. Like stream.c's
// static arrays, they are allocated and first touched once, before the ceilings runs: allocated
// afresh after each run (right after the sweep freed its 2 GB) STREAM read 31-55 GB/s from one
// run to the next, while the same loop on long-lived arrays read a steady 59.
struct StreamArrays {
    int threads = 1;
    size_t per = 0;  // elements per thread and array
    std::vector<double*> a, b, c;
    StreamArrays(int t, size_t n) : threads(t), per(n / t), a(t), b(t), c(t) {
        run_pinned(threads, [&](int i) {
            a[i] = static_cast<double*>(std::aligned_alloc(64, per * 8));
            b[i] = static_cast<double*>(std::aligned_alloc(64, per * 8));
            c[i] = static_cast<double*>(std::aligned_alloc(64, per * 8));
            for (size_t j = 0; j < per; ++j) a[i][j] = 1.0, b[i][j] = 2.0, c[i][j] = 0.0;
        });
    }
    ~StreamArrays() {
        for (int i = 0; i < threads; ++i) std::free(a[i]), std::free(b[i]), std::free(c[i]);
    }
};

// stream.c is built with -O3 -march=native: a vectorized loop. GCC 12's -O2 leaves this loop
// scalar, which read about 10% below the vectorized one on the same arrays.
__attribute__((target_clones("avx512f", "avx2", "default"), optimize("O3"))) void stream_kernel(
    double* __restrict x, const double* __restrict y, const double* __restrict z, size_t n) {
    for (size_t j = 0; j < n; ++j) x[j] = y[j] + 3.0 * z[j];
}

BestMedian stream_triad(StreamArrays& arr) {
    std::vector<double> rates;
    for (int k = 0; k < 10; ++k) {
        double t0 = now_s();
        run_pinned(arr.threads, [&](int t) { stream_kernel(arr.a[t], arr.b[t], arr.c[t], arr.per); });
        double s = now_s() - t0;
        rates.push_back(24.0 * static_cast<double>(arr.per) * arr.threads / s);
    }
    return {*std::max_element(rates.begin(), rates.end()), median(rates)};
}

typedef double v8d __attribute__((vector_size(64)));
typedef double v4d __attribute__((vector_size(32)));

// fp-contract=fast: with -std=c++20 GCC does not contract a*m + k into an FMA by itself.
__attribute__((target("avx512f,fma"), optimize("fp-contract=fast"))) double fma_ext512(long iters) {
    v8d acc[12];
    for (int j = 0; j < 12; ++j) acc[j] = v8d{} + (1.0 + j);
    v8d m = v8d{} + 0.999999, k = v8d{} + 1e-6;
    // Unrolled so that the twelve accumulators live in registers: without it GCC -O2 keeps acc[] in
    // memory and the loop is bound by a load and a store per FMA, reading half the peak.
    for (long i = 0; i < iters; ++i)
#pragma GCC unroll 12
        for (int j = 0; j < 12; ++j) acc[j] = acc[j] * m + k;
    double s = 0;
    for (int j = 0; j < 12; ++j)
        for (int l = 0; l < 8; ++l) s += acc[j][l];
    return s;
}

__attribute__((target("avx2,fma"), optimize("fp-contract=fast"))) double fma_ext256(long iters) {
    v4d acc[12];
    for (int j = 0; j < 12; ++j) acc[j] = v4d{} + (1.0 + j);
    v4d m = v4d{} + 0.999999, k = v4d{} + 1e-6;
    for (long i = 0; i < iters; ++i)
#pragma GCC unroll 12
        for (int j = 0; j < 12; ++j) acc[j] = acc[j] * m + k;
    double s = 0;
    for (int j = 0; j < 12; ++j)
        for (int l = 0; l < 4; ++l) s += acc[j][l];
    return s;
}

// fp64 FLOP/s of the independent loop on `threads` threads: best of 5 (the statistic the
// ceilings report) and the median.
BestMedian independent_fma(Isa isa, int threads) {
    int lanes = isa == Isa::avx512 ? 8 : 4;
    const long iters = 20000000;
    std::vector<double> rates;
    volatile double sink = 0;
    for (int r = 0; r < 5; ++r) {
        std::vector<double> out(threads);
        double t0 = now_s();
        std::vector<std::thread> ts;
        run_pinned(threads, [&](int t) { out[t] = isa == Isa::avx512 ? fma_ext512(iters) : fma_ext256(iters); });
        double s = now_s() - t0;
        for (double o : out) sink = sink + o;
        rates.push_back(2.0 * 12 * lanes * static_cast<double>(iters) * threads / s);
    }
    return {*std::max_element(rates.begin(), rates.end()), median(rates)};
}

double nominal_mhz() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("cpu MHz", 0) == 0) return std::atof(line.substr(line.find(':') + 1).c_str());
    return 0;
}

double spread(const std::vector<double>& v) {
    auto [lo, hi] = std::minmax_element(v.begin(), v.end());
    return *lo > 0 ? (*hi - *lo) / median(v) * 100 : 0;
}

} // namespace

int main() {
    int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    std::vector<double> dram, l1, l2, fp64, fp64_1t, fp32, secs, stream_best, stream_med;
    // STREAM's arrays lie inside the ceilings' DRAM range (from twice the caches the OS reports
    // to six times; some VMs report a whole socket's L3): 3 x the caches, at least 1 GiB in all.
    CacheCapacity cap = os_cache_capacity(threads);
    double stream_bytes = std::max(1024.0 * 1024 * 1024, 1.5 * beyond_caches_bytes(cap));
    std::printf("caches (all threads): L1 %.0f KiB, L2 %.0f KiB, L3 %.0f KiB; STREAM working set %.0f MiB\n",
                cap.l1 / 1024, cap.l2 / 1024, cap.l3 / 1024, stream_bytes / 1048576);
    StreamArrays stream_arrays(threads, static_cast<size_t>(stream_bytes / 24));
    // Each run's STREAM figure takes 10 trials just before and 10 just after it (20 in all),
    // since the ceilings' best-of-5 passes span the whole run: one burst of 10 fell on a slow
    // moment in one run of three, reading 45.8 against 56-59 in the others.
    BestMedian before = stream_triad(stream_arrays);
    for (int run = 0; run < 3; ++run) {
        CpuCeilings c = measure_cpu_ceilings(CpuCeilingOptions{});
        auto bw = [&](std::optional<size_t> i) { return i ? c.plateaus[*i].bandwidth : NAN; };
        l1.push_back(bw(c.levels.l1));
        l2.push_back(bw(c.levels.l2));
        dram.push_back(bw(c.levels.dram));
        fp64.push_back(c.fp64.all_threads);
        fp64_1t.push_back(c.fp64.one_thread);
        fp32.push_back(c.fp32.all_threads);
        secs.push_back(c.seconds);
        BestMedian after = stream_triad(stream_arrays);
        BestMedian st{std::max(before.best, after.best), 0.5 * (before.med + after.med)};
        before = after;
        stream_best.push_back(st.best);
        stream_med.push_back(st.med);
        std::printf("run %d: %.2f s, isa %s, %zu plateaus: L1 %.1f GB/s, L2 %.1f GB/s, DRAM %.1f GB/s "
                    "(STREAM just before and after: best %.1f, median %.1f); fp64 %.1f GFLOP/s (1 thread %.1f), "
                    "fp32 %.1f GFLOP/s\n",
                    run + 1, c.seconds, to_string(c.isa), c.plateaus.size(), l1.back() / 1e9, l2.back() / 1e9,
                    dram.back() / 1e9, st.best / 1e9, st.med / 1e9, fp64.back() / 1e9, fp64_1t.back() / 1e9,
                    fp32.back() / 1e9);
        if (run == 0)
            for (const auto& p : c.plateaus)
                std::printf("   plateau %.0f KiB - %.0f KiB: %.1f GB/s\n", p.min_bytes / 1024, p.max_bytes / 1024,
                            p.bandwidth / 1e9);
    }
    std::printf("\nmedians of 3 runs (spread max-min / median):\n");
    std::printf("  L1   %8.1f GB/s (%.1f%%)\n", median(l1) / 1e9, spread(l1));
    std::printf("  L2   %8.1f GB/s (%.1f%%)\n", median(l2) / 1e9, spread(l2));
    std::printf("  DRAM %8.1f GB/s (%.1f%%)\n", median(dram) / 1e9, spread(dram));
    std::printf("  fp64 %8.1f GFLOP/s all threads (%.1f%%), %.1f one thread (%.1f%%)\n", median(fp64) / 1e9,
                spread(fp64), median(fp64_1t) / 1e9, spread(fp64_1t));
    std::printf("  fp32 %8.1f GFLOP/s (%.1f%%)\n", median(fp32) / 1e9, spread(fp32));
    std::printf("  wall %8.2f s per run (median)\n", median(secs));

    std::printf("\nindependent STREAM triad (%d pinned threads, %.0f MiB), 10 trials before and 10 after each run"
                ": best %.1f GB/s "
                "(spread %.1f%%), median of its trials %.1f GB/s\n",
                threads, stream_bytes / 1048576, median(stream_best) / 1e9, spread(stream_best),
                median(stream_med) / 1e9);
    std::vector<double> ratio;
    for (size_t i = 0; i < dram.size(); ++i) ratio.push_back(dram[i] / stream_best[i]);
    std::printf("  ceilings DRAM / STREAM best = %.3f (medians), per run %.3f %.3f %.3f (median %.3f); "
                "/ STREAM median = %.3f\n",
                median(dram) / median(stream_best), ratio[0], ratio[1], ratio[2], median(ratio),
                median(dram) / median(stream_med));
    Isa isa = detect_isa();
    if (isa != Isa::scalar) {
        BestMedian fma = independent_fma(isa, threads);
        double ind = fma.best, mhz = nominal_mhz();
        std::printf("independent FMA loop (vector extensions, 12 chains, %d pinned threads): best %.1f GFLOP/s, "
                    "median %.1f\n", threads, ind / 1e9, fma.med / 1e9);
        std::printf("  ceilings fp64 / independent best = %.3f, / median = %.3f\n", median(fp64) / ind,
                    median(fp64) / fma.med);
        if (mhz > 0)
            std::printf("  implied fp64 FLOP per cycle per core at the nominal %.0f MHz: ceilings %.1f, independent "
                        "%.1f (above the core's width means the cores run above nominal)\n",
                        mhz, median(fp64) / (mhz * 1e6 * threads), ind / (mhz * 1e6 * threads));
    }
    std::printf("peak RSS %ld KiB\n", resource_usage().ru_maxrss);
    return 0;
}
