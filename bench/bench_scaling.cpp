// Scaling-model throughput: data-parallel step-time evaluations per second (the sweep's hot path:
// dp_step_time with a pre-built all-reduce curve, O(1) per configuration) next to two baselines
// measured in the same run: the same model written naively (the bucket schedule as a loop with a
// non-inlined cost call per bucket) and a memory-bound loop reading one double per configuration.
// Also the full predict_step (validation, group construction, curve building) per configuration,
// and the layout search over a 4096-GPU system. Medians of --reps runs; peak RSS at the end.
//
//   bench_scaling [--reps N] [--seconds S]
//
// Single-threaded; for one-core figures run it under `taskset -c 0`.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "model/scaling/comm.h"
#include "model/scaling/scaling.h"

using namespace rafter;
using namespace rafter::bench;

namespace {

Topology dgx_like() {
    Topology t;
    t.gpus_per_node = 8;
    t.intra = {300e9, 3.4e-6, false};
    t.nics_per_node = 8;
    t.inter = {25e9, 9.6e-6, false};
    t.link_efficiency = 0.8;
    return t;
}

struct Config {
    double forward_s, backward_s, optimizer_s, grad_bytes, bucket_bytes;
    int curve;  // index of the GPU count's all-reduce curve
};

// The naive implementation: the bucket schedule as an explicit loop, each bucket's time from a
// call the compiler may not inline.
__attribute__((noinline)) double bucket_time(const CommCurve& c, double bytes) { return c.time(bytes); }

__attribute__((noinline)) double naive_dp_step(const Config& k, const CommCurve& c) {
    double end = 0, done = 0;
    while (done < k.grad_bytes) {
        double size = std::min(k.bucket_bytes, k.grad_bytes - done);
        done += size;
        double ready = k.backward_s * done / k.grad_bytes;
        end = std::max(end, ready) + bucket_time(c, size);
    }
    return k.forward_s + std::max(k.backward_s, end) + k.optimizer_s;
}

template <class F> double time_loop(double seconds, size_t n_configs, F f, double& rate) {
    double sink = 0;
    uint64_t evals = 0;
    double t0 = now_s(), t = t0;
    do {
        sink += f();
        evals += n_configs;
        t = now_s();
    } while (t - t0 < seconds);
    rate = evals / (t - t0);
    return sink;
}

} // namespace

int main(int argc, char** argv) {
    int reps = 5;
    double seconds = 0.3;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--reps") && i + 1 < argc) reps = std::max(1, std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--seconds") && i + 1 < argc) seconds = std::atof(argv[++i]);
        else {
            std::fprintf(stderr, "usage: bench_scaling [--reps N] [--seconds S]\n");
            return 2;
        }
    }

    // The sweep: 13 GPU counts (1..4096) x 24 model sizes (10M..10B parameters) x 5 bucket sizes
    // x 4 compute times = 6240 configurations, each evaluated with the NCCL-like choice.
    Topology topo = dgx_like();
    std::vector<int> gpus;
    std::vector<CommCurve> curves;
    for (int g = 1; g <= 4096; g *= 2) {
        gpus.push_back(g);
        curves.push_back(comm_curve(Collective::all_reduce, packed_group(g, topo), topo, kNcclAlgorithms));
    }
    std::vector<Config> configs;
    for (size_t c = 0; c < curves.size(); ++c)
        for (int m = 0; m < 24; ++m)
            for (double bucket : {1e6, 4e6, 25.0 * 1024 * 1024, 64.0 * 1024 * 1024, 256e6})
                for (double step : {0.05, 0.1, 0.3, 1.0}) {
                    double params = 1e7 * std::pow(10.0, m / 8.0);
                    configs.push_back({step / 3, 2 * step / 3, step / 50, params * 2, bucket, static_cast<int>(c)});
                }
    std::vector<double> memory(configs.size());
    for (size_t i = 0; i < memory.size(); ++i) memory[i] = configs[i].grad_bytes * 1e-9;

    // Correctness: the fast and the naive model agree on every configuration.
    double max_rel = 0;
    for (const auto& k : configs) {
        double a = dp_step_time(k.forward_s, k.backward_s, k.optimizer_s, k.grad_bytes, k.bucket_bytes, curves[k.curve]);
        double b = naive_dp_step(k, curves[k.curve]);
        max_rel = std::max(max_rel, std::fabs(a - b) / b);
    }

    std::vector<double> fast, naive, mem, full;
    double sink = 0;
    TrainingWorkload w;
    w.parameters = 1e9;
    w.grad_bytes = 2;
    w.param_bytes = 2;
    w.batch_per_gpu = 32;
    w.forward_s = 0.1;
    w.backward_s = 0.2;
    w.optimizer_s = 0.01;
    SystemSpec sys{topo, std::nullopt, std::nullopt};
    for (int r = 0; r < reps; ++r) {
        double rate = 0;
        sink += time_loop(seconds, configs.size(), [&] {
            double s = 0;
            for (const auto& k : configs)
                s += dp_step_time(k.forward_s, k.backward_s, k.optimizer_s, k.grad_bytes, k.bucket_bytes, curves[k.curve]);
            return s;
        }, rate);
        fast.push_back(rate);
        sink += time_loop(seconds, configs.size(), [&] {
            double s = 0;
            for (const auto& k : configs) s += naive_dp_step(k, curves[k.curve]);
            return s;
        }, rate);
        naive.push_back(rate);
        sink += time_loop(seconds, memory.size(), [&] {
            double s = 0;
            for (double v : memory) s += v;
            return s;
        }, rate);
        mem.push_back(rate);
        // predict_step: what a caller without pre-built curves pays (13 GPU counts per call).
        sink += time_loop(seconds, gpus.size(), [&] {
            double s = 0;
            for (int g : gpus) s += predict_step(w, sys, ParallelLayout{}, g, 32.0 * g).step_s;
            return s;
        }, rate);
        full.push_back(rate);
    }

    // Layout search: a 13B transformer on 4096 GPUs (512 DGX-like nodes).
    TrainingWorkload big;
    big.parameters = 13e9;
    big.grad_bytes = 2;
    big.param_bytes = 2;
    big.batch_per_gpu = 8;
    big.forward_s = 1.05;
    big.backward_s = 2.1;
    big.optimizer_s = 0.12;
    big.layers = 40;
    big.hidden_size = 5120;
    big.sequence_length = 2048;
    big.activation_memory_per_sample = 6e9;
    SystemSpec bigsys{topo, std::nullopt, 80e9};
    LayoutSearchOptions so;
    so.zero_stages = {0, 1, 2, 3};
    so.top = 5;
    std::vector<double> search_s;
    LayoutSearchResult res;
    for (int r = 0; r < reps; ++r) {
        double t0 = now_s();
        res = search_layouts(big, bigsys, 4096, 8192, ScalingOptions{}, so);
        search_s.push_back(now_s() - t0);
    }

    // The same search with the transformer compute model (GPT 13B shape, full recompute): each
    // layout evaluates the per-layer GEMMs and memory-bound ops for its tensor-parallel degree.
    TrainingWorkload tr = big;
    tr.activation_memory_per_sample.reset();
    TransformerTraining tt;
    tt.shape = {40, 5120, 40, 2048, 51200, 4 * 5120};
    tt.recompute = Recompute::full;
    tr.transformer = tt;
    tr.parameters = transformer_parameters(tt.shape);
    tr.gemm.peak_flops = 312e12;
    tr.gemm.max_fraction = 0.9;
    tr.gemm.dram_bandwidth = 2.039e12;
    tr.gemm.sms = 108;
    std::vector<double> tsearch_s, tfull;
    LayoutSearchResult tres;
    ParallelLayout tl;
    tl.tp = 8;
    tl.pp = 4;
    for (int r = 0; r < reps; ++r) {
        double t0 = now_s();
        tres = search_layouts(tr, bigsys, 4096, 8192, ScalingOptions{}, so);
        tsearch_s.push_back(now_s() - t0);
        double rate = 0;
        sink += time_loop(seconds, 1, [&] { return predict_step(tr, bigsys, tl, 4096, 8192).step_s; }, rate);
        tfull.push_back(rate);
    }

    std::printf("bench_scaling: %zu DP configurations (13 GPU counts x 24 model sizes x 5 buckets x 4 step times), "
                "%d reps of %.2f s, medians\n", configs.size(), reps, seconds);
    std::printf("  fast vs naive model: max relative difference %.2e\n", max_rel);
    std::printf("  dp_step_time (closed form, pre-built curve):  %.3g configurations/s  (%.1f ns each)\n",
                median(fast), 1e9 / median(fast));
    std::printf("  baseline, naive bucket loop (noinline):       %.3g configurations/s  (%.1f ns each)\n",
                median(naive), 1e9 / median(naive));
    std::printf("  baseline, memory-bound loop (1 double each):  %.3g elements/s        (%.2f ns each)\n",
                median(mem), 1e9 / median(mem));
    std::printf("  predict_step (validation + curve per call):   %.3g configurations/s  (%.2f us each)\n",
                median(full), 1e6 / median(full));
    std::printf("  layout search, 13B model on 4096 GPUs: %.3f ms median (%llu layouts evaluated, %llu over memory, "
                "%.0f layouts/s); best %s, step %.3f s\n",
                median(search_s) * 1e3, static_cast<unsigned long long>(res.evaluated),
                static_cast<unsigned long long>(res.rejected_memory), res.evaluated / median(search_s),
                res.best.empty() ? "-" : describe(res.best.front().layout).c_str(),
                res.best.empty() ? 0.0 : res.best.front().step_s);
    std::printf("  transformer form, predict_step (tp8 pp4, 4096 GPUs): %.3g predictions/s  (%.2f us each)\n",
                median(tfull), 1e6 / median(tfull));
    std::printf("  layout search, transformer form, 13B shape on 4096 GPUs: %.3f ms median (%llu layouts, %.0f layouts/s; "
                "%.1fx the measured form's time); best %s, step %.3f s\n",
                median(tsearch_s) * 1e3, static_cast<unsigned long long>(tres.evaluated),
                tres.evaluated / median(tsearch_s), median(tsearch_s) / median(search_s),
                tres.best.empty() ? "-" : describe(tres.best.front().layout).c_str(),
                tres.best.empty() ? 0.0 : tres.best.front().step_s);
    std::printf("  peak RSS %.1f MB  (checksum %.6g)\n", peak_rss_mb(resource_usage()), sink);
    return 0;
}
