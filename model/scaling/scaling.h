#pragma once
// Step time of a training step at scale: data parallelism with gradient buckets overlapped with
// the backward pass, tensor parallelism (per-layer all-reduces), pipeline parallelism (bubble
// (p-1)/m), ZeRO-1/2/3 and FSDP communication, and the data loader's exposed time. Formulas in
// docs/architecture.md ("Formulas") and docs/scaling.md; this file and scaling.cpp are their one
// source.
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/scaling/comm.h"
#include "model/scaling/gemm_model.h"
#include "model/scaling/io.h"
#include "model/scaling/transformer.h"

namespace rafter {

// The model and its measured single-GPU step.
struct TrainingWorkload {
    double parameters = 0;      // parameter count
    double grad_bytes = 4;      // bytes per gradient element (grad dtype)
    double param_bytes = 4;     // bytes per parameter element (all-gathered by ZeRO/FSDP)
    double batch_per_gpu = 0;   // samples per GPU per step at which the times below were measured
    double forward_s = 0, backward_s = 0, optimizer_s = 0;  // one GPU, whole model, that batch
    double bucket_bytes = 25.0 * 1024 * 1024;  // PyTorch DDP bucket_cap_mb default (25 MiB)
    // Transformer shape, needed for tensor parallelism (activation all-reduces) and pipeline
    // parallelism (activations sent between stages).
    int layers = 0;
    double hidden_size = 0;
    double sequence_length = 1;
    double activation_bytes = 2;  // bytes per activation element
    // Memory per GPU (layout search only).
    double optimizer_state_bytes_per_param = 12;  // Adam with fp32 master weights: 4 + 4 + 4
    std::optional<double> activation_memory_per_sample;  // bytes kept for backward, whole model
    std::optional<IoWorkload> data;
    // The transformer form: forward and backward per micro-batch come from the compute model
    // (transformer.h) for each layout instead of forward_s/backward_s, which are then unused.
    std::optional<TransformerTraining> transformer;
    GemmModel gemm;            // the GPU's GEMM and memory speeds (transformer form)
    double micro_batch = 0;    // sequences per micro-batch (transformer form; 0: from the layout)
    // Optimizer traffic per parameter (transformer form): Adam with fp32 master weights reads the
    // 16-bit gradient (2), reads and writes master weight, m and v (3 x 8) and writes the 16-bit
    // weight (2).
    double optimizer_bytes_per_param = 28;
};

struct SystemSpec {
    Topology topology;
    std::optional<IoSystem> io;
    std::optional<double> gpu_memory_bytes;
};

// How the GPUs are split. dp is derived: gpus / (tp * pp). Ranks are placed tensor-parallel
// innermost, then data-parallel, then pipeline stages (Megatron-LM's order).
struct ParallelLayout {
    int tp = 1, pp = 1, dp = 1;
    int micro_batches = 1;  // per step per data-parallel replica (gradient accumulation / PP)
    int zero = 0;           // 0: DDP all-reduce; 1, 2: ZeRO-1/2 (reduce-scatter + all-gather);
                            // 3: ZeRO-3 / FSDP full shard
    int virtual_stages = 1; // interleaved 1F1B: model chunks per pipeline stage (Narayanan et al. 2021)
};
std::string describe(const ParallelLayout& l);  // "tp2 pp4 dp16 m8 zero1"

// Which algorithms the collectives may use; the cheapest per message is taken (like NCCL's
// tuner). Default: NCCL's own (ring, tree, in-network).
struct ScalingOptions {
    AlgorithmMask dp_algorithms = kNcclAlgorithms;
    AlgorithmMask tp_algorithms = kNcclAlgorithms;
    // Gradient reduction overlapped with the backward pass, bucket by bucket (DDP, ZeRO's
    // reduce-scatter, FSDP's prefetch); false: it runs after the backward pass, all exposed.
    bool overlap_gradient_comm = true;
    // Share of the tensor-parallel communication hidden behind the GEMMs it feeds (Megatron-LM's
    // TP communication overlap, collective matmul), in [0, 1]; at most the compute hides it.
    double tp_comm_overlap = 0;
};

struct StepPrediction {
    int gpus = 1;
    ParallelLayout layout;
    double global_batch = 0;   // samples per step, all GPUs
    double micro_batch = 0;    // samples per micro-batch per replica
    double step_s = 0;         // compute + bubble + exposed comm + optimizer + exposed I/O
    double compute_s = 0;      // forward + backward of this GPU's share
    double bubble_s = 0;       // pipeline fill and drain
    double optimizer_s = 0;
    double tp_comm_s = 0;      // all tensor-parallel communication
    double exposed_tp_comm_s = 0;  // on the critical path: tp_comm_s less what tp_comm_overlap hides
    double pp_comm_s = 0;      // on the critical path
    double dp_comm_s = 0;      // all data-parallel communication issued (hidden or not)
    double exposed_dp_comm_s = 0;
    double exposed_comm_s = 0;  // exposed tp + pp + exposed dp (incl. ZeRO all-gathers)
    double io_loader_s = 0;
    double exposed_io_s = 0;
    std::string io_limiter;     // empty when I/O is not modeled
    double throughput = 0;      // samples/s
    double efficiency = 0;      // throughput / (gpus x single-GPU throughput)
    CommAlgorithm dp_algorithm = CommAlgorithm::none;  // chosen for a full bucket
    int buckets = 0;
    std::optional<double> memory_bytes;  // per GPU; nullopt when activation memory is unknown
    bool fits_memory = true;
    double recompute_s = 0;     // forward work run again in the backward pass (transformer form)
    // FLOPs per step, all GPUs (transformer form): model FLOPs (3x forward) and what the
    // hardware runs (plus recompute); per GPU per second; utilisation of the GEMM peak.
    std::optional<double> model_flops, hardware_flops;
    std::optional<double> tflops_per_gpu, hardware_tflops_per_gpu;  // FLOP/s (model, hardware)
    std::optional<double> mfu, hfu;
    // Set when the requested algorithm could not run on a group (hierarchical inside one node)
    // and NCCL's own choice was used instead.
    std::string algorithm_fallback;
};

// Gradient buckets during the backward window: bucket k (equal sizes, the last holds the rest)
// is ready when its share of the gradient bytes has been produced, at a uniform rate over the
// window, in reverse layer order; its collective starts at max(ready, previous end).
struct BucketOverlap {
    double end_s = 0;   // end of the last collective, from the start of the window
    double comm_s = 0;  // sum of the collectives' times
    int buckets = 0;
};
// O(1): the equal-size buckets have a closed form (end_k = d + (k-1) max(a, d) + a with d the
// ready interval and a one bucket's time).
inline BucketOverlap bucket_overlap(double grad_bytes, double bucket_bytes, double window_s,
                                    const CommCurve& curve) {
    BucketOverlap o;
    if (grad_bytes <= 0) return o;
    double c = bucket_bytes < grad_bytes ? bucket_bytes : grad_bytes;
    double k = std::ceil(grad_bytes / c * (1 - 1e-12));
    if (k < 1) k = 1;
    double rest = grad_bytes - (k - 1) * c;
    double a = curve.time(c), ar = curve.time(rest);
    o.buckets = static_cast<int>(k);
    o.comm_s = (k - 1) * a + ar;
    if (k == 1) {
        o.end_s = window_s + ar;
        return o;
    }
    double d = window_s * c / grad_bytes;
    double end_prev = d + (k - 2) * (a > d ? a : d) + a;
    o.end_s = (window_s > end_prev ? window_s : end_prev) + ar;
    return o;
}

// The data-parallel step without tensor/pipeline parallelism (the sweep's hot path):
// forward + max(backward, last all-reduce end) + optimizer, with `curve` the all-reduce over the
// data-parallel group.
inline double dp_step_time(double forward_s, double backward_s, double optimizer_s,
                           double grad_bytes, double bucket_bytes, const CommCurve& curve) {
    BucketOverlap o = bucket_overlap(grad_bytes, bucket_bytes, backward_s, curve);
    double tail = o.end_s > backward_s ? o.end_s : backward_s;
    return forward_s + tail + optimizer_s;
}

// Checks the workload's required fields; throws rafter::Error naming the field.
void validate_workload(const TrainingWorkload& w, const std::string& origin = {});

// One step on `gpus` GPUs with `global_batch` samples per step. Throws rafter::Error when the
// layout does not divide the GPU count, a field the layout needs is missing, and so on.
StepPrediction predict_step(const TrainingWorkload& w, const SystemSpec& sys, const ParallelLayout& layout, int gpus,
                           double global_batch, const ScalingOptions& opt = {});

// Samples per second of one GPU at the measured batch: the efficiency reference.
double single_gpu_throughput(const TrainingWorkload& w);

struct LayoutSearchOptions {
    int max_tp = 0;                  // 0: up to gpus_per_node
    std::vector<int> zero_stages = {0};
    int top = 5;
    int max_micro_batches = 0;       // 0: no limit
    std::optional<ParallelLayout> own;  // the user's layout, ranked among the others
};
struct LayoutSearchResult {
    std::vector<StepPrediction> best;  // fastest first, only layouts that fit in memory
    uint64_t evaluated = 0;
    uint64_t rejected_memory = 0;
    std::optional<StepPrediction> own;  // the user's layout at this GPU count
    uint64_t own_rank = 0;              // 1 + layouts that fit and are faster; 0: own not given or invalid
    std::string own_error;              // why the user's layout cannot run here
};
// Tries every (tp, pp, micro-batch size, ZeRO stage) that divides the GPU count and the batch.
LayoutSearchResult search_layouts(const TrainingWorkload& w, const SystemSpec& sys, int gpus, double global_batch,
                            const ScalingOptions& opt, const LayoutSearchOptions& so);

} // namespace rafter
