#include "model/scaling/scaling.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "core/error.h"

namespace rafter {

namespace {

[[noreturn]] void bad(const std::string& origin, const std::string& message) {
    throw Error(ExitCode::bad_input, message, SourcePosition{origin, PositionKind::none, 0});
}

bool positive(double v) { return std::isfinite(v) && v > 0; }

std::string fmt(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

// ZeRO-3 / FSDP forward of one micro-batch: K equal units; the communication stream all-gathers
// unit k while unit k-1 computes, so the end is ag + uc + (K-1) max(ag, uc).
double fsdp_forward(int64_t units, double unit_compute, double ag) {
    return ag + unit_compute + static_cast<double>(units - 1) * std::max(ag, unit_compute);
}

// ZeRO-3 / FSDP backward of one micro-batch: units in reverse order; the communication stream
// prefetches the next unit's all-gather before reducing-scattering the unit just computed
// (FSDP's BACKWARD_PRE order). Returns when the last reduce-scatter ends.
double fsdp_backward(int64_t units, double unit_compute, double ag, double rs) {
    double comm = ag, compute = 0, gathered = ag;
    for (int64_t i = 0; i < units; ++i) {
        double next_gathered = gathered;
        if (i + 1 < units) {
            comm += ag;
            next_gathered = comm;
        }
        compute = std::max(compute, gathered) + unit_compute;
        comm = std::max(comm, compute) + rs;
        gathered = next_gathered;
    }
    return std::max(comm, compute);
}

// The data-parallel group of a layout: consecutive DP ranks are tp apart, so a node holds
// gpus_per_node / tp of them; the other groups on the node (one per TP rank and pipeline stage
// there) run their collectives at the same time and share the NICs.
CommGroup dp_group(const ParallelLayout& l, int gpus, const Topology& t) {
    int g = t.gpus_per_node;
    int per_node = l.tp >= g ? 1 : std::max(1, g / l.tp);
    int r = std::gcd(l.dp, std::min(l.dp, per_node));
    CommGroup grp;
    grp.ranks = l.dp;
    grp.ranks_per_node = std::max(1, r);
    int on_node = std::min(g, gpus);
    grp.concurrent = std::max(1, std::min(on_node / grp.ranks_per_node, l.tp * l.pp));
    return grp;
}

// Tensor-parallel ranks are consecutive: a group fills min(tp, gpus_per_node) GPUs of a node and
// the node's other GPUs run their own groups at the same time.
CommGroup tp_group(const ParallelLayout& l, int gpus, const Topology& t) {
    int g = t.gpus_per_node;
    CommGroup grp;
    grp.ranks = l.tp;
    grp.ranks_per_node = std::min(l.tp, g);
    grp.concurrent = std::max(1, std::min(g, gpus) / grp.ranks_per_node);
    return grp;
}

// Neighbouring pipeline stages are tp*dp ranks apart: on one node when the whole pipeline fits.
CommGroup pp_group(const ParallelLayout& l, const Topology& t) {
    int g = t.gpus_per_node;
    int stride = l.tp * l.dp;
    CommGroup grp;
    grp.ranks = 2;
    if (static_cast<int64_t>(stride) * l.pp <= g) {
        grp.ranks_per_node = 2;
        grp.concurrent = std::max(1, std::min(stride, g / 2));
    } else {
        grp.ranks_per_node = 1;
        grp.concurrent = std::max(1, std::min(stride, g));
    }
    return grp;
}

// What one micro-batch costs on a pipeline stage: compute (f, b on the slowest stage; mean_fb the
// average over stages, for the fill and drain), tensor-parallel communication on the critical
// path, and the pipeline sends of one micro-batch (forward activations and backward gradients).
struct StageCosts {
    double f = 0, b = 0, recompute = 0;
    double tp_f = 0, tp_b = 0, p2p = 0;
    double mean_fb = 0, mean_tp = 0;
};

// The measured form: the whole model's forward/backward, scaled to the micro-batch and split
// evenly over tp x pp; two activation all-reduces per layer forward and two backward.
StageCosts measured_stage_costs(const TrainingWorkload& w, const ParallelLayout& L, int gpus, double replica_batch,
                                double micro, const Topology& topo, const ScalingOptions& opt, std::string* note) {
    StageCosts c;
    const int shards = L.tp * L.pp, m = L.micro_batches;
    double scale = replica_batch / w.batch_per_gpu;
    c.f = w.forward_s * scale / shards / m;
    c.b = w.backward_s * scale / shards / m;
    double act = micro * w.sequence_length * w.hidden_size * w.activation_bytes;
    if (L.tp > 1) {
        CommCurve tp = comm_curve_or_nccl(Collective::all_reduce, tp_group(L, gpus, topo), topo, opt.tp_algorithms, note);
        double layers_per_stage = static_cast<double>(w.layers) / L.pp;
        c.tp_f = 2 * layers_per_stage * tp.time(act);
        c.tp_b = c.tp_f;
    }
    if (L.pp > 1) c.p2p = 2 * comm_curve(Collective::send_recv, pp_group(L, topo), topo).time(act);
    c.mean_fb = c.f + c.b;
    c.mean_tp = c.tp_f + c.tp_b;
    return c;
}

// The transformer form: per-layer times from the compute model for this tensor-parallel degree;
// each stage holds layers / pp layers (the slowest ceil of it), the last one also the output
// layer. Tensor-parallel collectives are all-reduces, or reduce-scatter + all-gather pairs with
// sequence parallelism. Pipeline sends carry b s h / t per rank (Megatron-LM's scatter/gather
// across the tensor-parallel ranks) followed by an all-gather inside the node, once per chunk
// with interleaving.
StageCosts transformer_stage_costs(const TrainingWorkload& w, const ParallelLayout& L, int gpus, double micro,
                                   const Topology& topo, const ScalingOptions& opt, std::string* note) {
    const TransformerTraining& tr = *w.transformer;
    StageCosts c;
    LayerTime lt = transformer_layer_time(tr, micro, L.tp, w.gemm);
    LogitsTime logits = transformer_logits_time(tr, micro, L.tp, w.gemm);
    double per_collective = 0;
    if (L.tp > 1) {
        CommGroup g = tp_group(L, gpus, topo);
        if (tr.sequence_parallel) {
            per_collective =
                comm_curve_or_nccl(Collective::reduce_scatter, g, topo, opt.tp_algorithms, note).time(lt.tp_message_bytes) +
                comm_curve_or_nccl(Collective::all_gather, g, topo, opt.tp_algorithms, note).time(lt.tp_message_bytes);
        } else {
            per_collective =
                comm_curve_or_nccl(Collective::all_reduce, g, topo, opt.tp_algorithms, note).time(lt.tp_message_bytes);
        }
    }
    const double layers = tr.shape.layers, pp = L.pp;
    const double slowest = std::ceil(layers / pp), mean = layers / pp;
    double layer_f = lt.forward_s, layer_b = lt.backward_s + lt.recompute_s;
    double tp_f = lt.tp_forward_collectives * per_collective;
    double tp_b = (lt.tp_backward_collectives + lt.tp_recompute_collectives) * per_collective;
    // The last stage: its layers plus the output layer (on the only stage when pp = 1).
    c.f = slowest * layer_f + logits.forward_s;
    c.b = slowest * layer_b + logits.backward_s;
    c.recompute = slowest * lt.recompute_s;
    c.tp_f = slowest * tp_f;
    c.tp_b = slowest * tp_b;
    c.mean_fb = mean * (layer_f + layer_b) + (logits.forward_s + logits.backward_s) / pp;
    c.mean_tp = mean * (tp_f + tp_b);
    if (L.pp > 1) {
        double act = micro * tr.shape.sequence * tr.shape.hidden * tr.dtype_bytes;
        double send = comm_curve(Collective::send_recv, pp_group(L, topo), topo).time(act / L.tp);
        if (L.tp > 1)
            send += comm_curve_or_nccl(Collective::all_gather, tp_group(L, gpus, topo), topo, opt.tp_algorithms, note)
                        .time(act);
        c.p2p = 2 * L.virtual_stages * send;
    }
    return c;
}

} // namespace

std::string describe(const ParallelLayout& l) {
    std::string s = "tp" + std::to_string(l.tp) + " pp" + std::to_string(l.pp) + " dp" +
                    std::to_string(l.dp) + " m" + std::to_string(l.micro_batches);
    if (l.zero > 0) s += l.zero == 3 ? " zero3/fsdp" : " zero" + std::to_string(l.zero);
    return s;
}

void validate_workload(const TrainingWorkload& w, const std::string& origin) {
    if (!positive(w.parameters)) bad(origin, "workload.parameters must be > 0 (got " + fmt(w.parameters) + ")");
    if (w.transformer) {
        const TransformerShape& m = w.transformer->shape;
        if (m.layers < 1 || !positive(m.hidden) || !positive(m.heads) || !positive(m.sequence) || !positive(m.vocab))
            bad(origin, "workload.model needs layers, hidden, heads, sequence and vocab > 0");
        validate_gemm_model(w.gemm, origin);
        if (!(w.micro_batch >= 0)) bad(origin, "workload.micro_batch must be > 0 (got " + fmt(w.micro_batch) + ")");
    } else {
        if (!positive(w.batch_per_gpu))
            bad(origin, "workload.batch_per_gpu must be > 0 (got " + fmt(w.batch_per_gpu) + ")");
        if (!positive(w.forward_s)) bad(origin, "workload.forward_s must be > 0 (got " + fmt(w.forward_s) + ")");
        if (!positive(w.backward_s)) bad(origin, "workload.backward_s must be > 0 (got " + fmt(w.backward_s) + ")");
    }
    if (!(std::isfinite(w.optimizer_s) && w.optimizer_s >= 0))
        bad(origin, "workload.optimizer_s must be >= 0 (got " + fmt(w.optimizer_s) + ")");
    if (!positive(w.grad_bytes) || !positive(w.param_bytes))
        bad(origin, "workload.grad_dtype/param_dtype must have a positive size");
    if (!positive(w.bucket_bytes)) bad(origin, "workload.bucket_bytes must be > 0 (got " + fmt(w.bucket_bytes) + ")");
}

double single_gpu_throughput(const TrainingWorkload& w) {
    if (w.transformer) {
        // One GPU holding the whole model (whether it fits or not): a micro-batch of the
        // scenario's size through every layer and the output layer, and one optimizer step.
        double b = w.micro_batch > 0 ? w.micro_batch : 1;
        LayerTime lt = transformer_layer_time(*w.transformer, b, 1, w.gemm);
        LogitsTime lg = transformer_logits_time(*w.transformer, b, 1, w.gemm);
        double step = w.transformer->shape.layers * (lt.forward_s + lt.backward_s + lt.recompute_s) + lg.forward_s +
                      lg.backward_s + w.gemm.memory_s(w.parameters * w.optimizer_bytes_per_param);
        return b / step;
    }
    return w.batch_per_gpu / (w.forward_s + w.backward_s + w.optimizer_s);
}

StepPrediction predict_step(const TrainingWorkload& w, const SystemSpec& sys, const ParallelLayout& layout, int gpus,
                           double global_batch, const ScalingOptions& opt) {
    const Topology& topo = sys.topology;
    ParallelLayout L = layout;
    if (gpus < 1) bad({}, "GPU count must be >= 1 (got " + std::to_string(gpus) + ")");
    if (L.tp < 1 || L.pp < 1 || L.micro_batches < 1)
        bad({}, "parallel.tp, parallel.pp and parallel.micro_batches must be >= 1");
    if (L.zero < 0 || L.zero > 3) bad({}, "parallel.zero must be 0, 1, 2 or 3 (got " + std::to_string(L.zero) + ")");
    int shards = L.tp * L.pp;
    if (gpus % shards != 0)
        bad({}, "GPU count " + std::to_string(gpus) + " is not divisible by tp x pp = " +
                    std::to_string(L.tp) + " x " + std::to_string(L.pp));
    L.dp = gpus / shards;
    if (gpus > topo.gpus_per_node && gpus % topo.gpus_per_node != 0)
        bad({}, "GPU count " + std::to_string(gpus) + " does not fill whole nodes of " +
                    std::to_string(topo.gpus_per_node) + " GPUs");
    if (L.tp > topo.gpus_per_node && L.tp % topo.gpus_per_node != 0)
        bad({}, "parallel.tp = " + std::to_string(L.tp) + " spans partial nodes of " +
                    std::to_string(topo.gpus_per_node) + " GPUs");
    if (L.tp > 1 && (w.layers < 1 || !positive(w.hidden_size)))
        bad({}, "workload.layers and workload.hidden_size are required when parallel.tp > 1");
    if (L.pp > 1 && !positive(w.hidden_size))
        bad({}, "workload.hidden_size is required when parallel.pp > 1");
    if (L.pp > 1 && w.layers > 0 && L.pp > w.layers)
        bad({}, "parallel.pp = " + std::to_string(L.pp) + " exceeds workload.layers = " + std::to_string(w.layers));
    if (L.zero == 3 && L.pp > 1) bad({}, "parallel.zero = 3 (FSDP) cannot be combined with pp > 1");

    double replica_batch = global_batch / L.dp;
    if (!(replica_batch >= 1))
        bad({}, "global batch " + fmt(global_batch) + " is smaller than the " + std::to_string(L.dp) +
                    " data-parallel replicas");
    if (w.transformer && w.micro_batch > 0) {
        double mb = replica_batch / w.micro_batch;
        if (mb < 1 - 1e-9 || std::fabs(mb - std::round(mb)) > 1e-9)
            bad({}, "the batch of each data-parallel replica (" + fmt(replica_batch) +
                        ") is not a multiple of workload.micro_batch (" + fmt(w.micro_batch) + ")");
        L.micro_batches = static_cast<int>(std::round(mb));
    }
    double micro = replica_batch / L.micro_batches;
    if (!(micro > 0)) bad({}, "micro-batch size must be > 0");
    if (L.virtual_stages > 1 && (L.pp < 2 || !w.transformer || w.layers % (L.pp * L.virtual_stages) != 0))
        bad({}, "parallel.virtual_stages = " + std::to_string(L.virtual_stages) +
                    " needs a transformer workload with pp > 1 and layers divisible by pp x virtual_stages");

    StepPrediction out;
    out.gpus = gpus;
    out.layout = L;
    out.global_batch = global_batch;
    out.micro_batch = micro;

    const int m = L.micro_batches, s = L.pp;
    const double v = L.virtual_stages;
    StageCosts c = w.transformer ? transformer_stage_costs(w, L, gpus, micro, topo, opt, &out.algorithm_fallback)
                                 : measured_stage_costs(w, L, gpus, replica_batch, micro, topo, opt,
                                                        &out.algorithm_fallback);
    const double f = c.f, b = c.b, tp_f = c.tp_f, tp_b = c.tp_b;

    // Pipeline (1F1B, interleaved with v chunks per stage): m micro-batches on the slowest stage,
    // plus the fill and drain of (s - 1) / v micro-batch slots of an average stage.
    double slot = f + b + tp_f + tp_b + c.p2p;
    double fill = (s - 1) / v;
    out.compute_s = m * (f + b);
    out.recompute_s = (m + fill) * c.recompute;
    out.bubble_s = fill * c.mean_fb;
    out.tp_comm_s = m * (tp_f + tp_b) + fill * c.mean_tp;
    out.pp_comm_s = (m + fill) * c.p2p;
    double pipe = m * slot + fill * (c.mean_fb + c.mean_tp + c.p2p);
    // TP communication hidden behind the compute it overlaps (never more than that compute).
    const double tp_hidden = std::min(opt.tp_comm_overlap * out.tp_comm_s, out.compute_s + out.bubble_s);
    out.exposed_tp_comm_s = out.tp_comm_s - tp_hidden;
    pipe -= tp_hidden;

    double shard_params = w.parameters / shards;
    double grad_bytes = shard_params * w.grad_bytes;
    double param_bytes = shard_params * w.param_bytes;
    if (w.transformer)
        out.optimizer_s = w.gemm.memory_s(shard_params * w.optimizer_bytes_per_param) / (L.zero >= 1 ? L.dp : 1);
    else
        out.optimizer_s = w.optimizer_s / shards / (L.zero >= 1 ? L.dp : 1);

    double exposed_dp = 0;
    if (L.dp > 1) {
        CommGroup dg = dp_group(L, gpus, topo);
        // The gradients of the last micro-batch's backward on this stage are the ones reduced
        // (earlier micro-batches accumulate locally).
        double window = b + tp_b;
        if (L.zero == 0) {
            CommCurve ar = comm_curve_or_nccl(Collective::all_reduce, dg, topo, opt.dp_algorithms, &out.algorithm_fallback);
            BucketOverlap o = bucket_overlap(grad_bytes, w.bucket_bytes, window, ar);
            exposed_dp = opt.overlap_gradient_comm ? std::max(0.0, o.end_s - window) : o.comm_s;
            out.dp_comm_s = o.comm_s;
            out.buckets = o.buckets;
            out.dp_algorithm = ar.best(std::min(w.bucket_bytes, grad_bytes)).algorithm;
        } else if (L.zero <= 2) {
            // ZeRO-1/2: bucketed reduce-scatter during backward, then the updated parameter
            // shards are all-gathered after the optimizer step (not overlapped).
            CommCurve rs = comm_curve_or_nccl(Collective::reduce_scatter, dg, topo, opt.dp_algorithms, &out.algorithm_fallback);
            CommCurve ag = comm_curve_or_nccl(Collective::all_gather, dg, topo, opt.dp_algorithms, &out.algorithm_fallback);
            BucketOverlap o = bucket_overlap(grad_bytes, w.bucket_bytes, window, rs);
            double gather = ag.time(param_bytes);
            exposed_dp = (opt.overlap_gradient_comm ? std::max(0.0, o.end_s - window) : o.comm_s) + gather;
            out.dp_comm_s = o.comm_s + gather;
            out.buckets = o.buckets;
            out.dp_algorithm = rs.best(std::min(w.bucket_bytes, grad_bytes)).algorithm;
        } else {
            // ZeRO-3 / FSDP: every micro-batch all-gathers each unit's parameters before its
            // forward and again before its backward, and reduce-scatters its gradients.
            CommCurve rs = comm_curve_or_nccl(Collective::reduce_scatter, dg, topo, opt.dp_algorithms, &out.algorithm_fallback);
            CommCurve ag = comm_curve_or_nccl(Collective::all_gather, dg, topo, opt.dp_algorithms, &out.algorithm_fallback);
            double unit_params = std::min(w.bucket_bytes, param_bytes);
            auto units = static_cast<int64_t>(std::ceil(param_bytes / unit_params * (1 - 1e-12)));
            units = std::max<int64_t>(1, units);
            double ag_t = ag.time(param_bytes / units), rs_t = rs.time(grad_bytes / units);
            double fwd = fsdp_forward(units, (f + tp_f) / units, ag_t);
            double bwd = fsdp_backward(units, (b + tp_b) / units, ag_t, rs_t);
            double hidden_free = (f + tp_f) + (b + tp_b);
            out.dp_comm_s = m * units * (2 * ag_t + rs_t);
            exposed_dp = opt.overlap_gradient_comm ? m * std::max(0.0, fwd + bwd - hidden_free) : out.dp_comm_s;
            out.buckets = static_cast<int>(units);
            out.dp_algorithm = ag.best(param_bytes / units).algorithm;
        }
    }
    out.exposed_dp_comm_s = exposed_dp;
    out.exposed_comm_s = out.exposed_tp_comm_s + out.pp_comm_s + exposed_dp;
    double step_no_io = pipe + exposed_dp + out.optimizer_s;

    if (w.data && sys.io) {
        int g = topo.gpus_per_node;
        int nodes = std::max(1, gpus / g);
        int on_node = std::min(g, gpus);
        IoStep io = predict_io(*w.data, *sys.io, nodes, on_node, global_batch / nodes, step_no_io);
        out.io_loader_s = io.loader_s;
        out.exposed_io_s = io.exposed_s;
        out.io_limiter = io.limiter;
    }
    out.step_s = step_no_io + out.exposed_io_s;
    out.throughput = global_batch / out.step_s;
    out.efficiency = out.throughput / (gpus * single_gpu_throughput(w));

    // Memory per GPU: parameters, gradients and optimizer states of this GPU's shard (divided
    // over the DP group by ZeRO stage 3, 2 and 1 respectively) plus the activations of the
    // micro-batches in flight (1F1B keeps up to s of them on the first stage).
    double mem = shard_params * (w.param_bytes / (L.zero >= 3 ? L.dp : 1) +
                                 w.grad_bytes / (L.zero >= 2 ? L.dp : 1) +
                                 w.optimizer_state_bytes_per_param / (L.zero >= 1 ? L.dp : 1));
    if (w.transformer) {
        // The first stage keeps the activations of min(m, s) micro-batches (1F1B); interleaving
        // adds a factor 1 + (s - 1) / (s v) (Korthikanti et al. 2022, sec. 4.2.3).
        double in_flight = s == 1 ? 1 : std::min(m, s) * (v > 1 ? 1 + (s - 1) / (s * v) : 1);
        double layers_per_stage = std::ceil(static_cast<double>(w.layers) / s);
        mem += layer_activation_bytes(*w.transformer, micro, L.tp) * layers_per_stage * in_flight;
        out.memory_bytes = mem;
        const TransformerShape& shape = w.transformer->shape;
        out.model_flops = global_batch * model_flops_per_sample(shape);
        out.hardware_flops = global_batch * hardware_flops_per_sample(shape, w.transformer->recompute);
        out.tflops_per_gpu = *out.model_flops / (gpus * out.step_s);
        out.hardware_tflops_per_gpu = *out.hardware_flops / (gpus * out.step_s);
        out.mfu = *out.tflops_per_gpu / w.gemm.peak_flops;
        out.hfu = *out.hardware_tflops_per_gpu / w.gemm.peak_flops;
    } else if (w.activation_memory_per_sample) {
        double in_flight = s == 1 ? 1 : std::min(m, s);
        mem += *w.activation_memory_per_sample / shards * micro * in_flight;
        out.memory_bytes = mem;
    }
    if (sys.gpu_memory_bytes) out.fits_memory = mem <= *sys.gpu_memory_bytes;
    return out;
}

namespace {

std::vector<int64_t> divisors(int64_t n) {
    std::vector<int64_t> d;
    for (int64_t i = 1; i * i <= n; ++i) {
        if (n % i) continue;
        d.push_back(i);
        if (i != n / i) d.push_back(n / i);
    }
    std::sort(d.begin(), d.end());
    return d;
}

} // namespace

LayoutSearchResult search_layouts(const TrainingWorkload& w, const SystemSpec& sys, int gpus, double global_batch,
                            const ScalingOptions& opt, const LayoutSearchOptions& so) {
    LayoutSearchResult res;
    const Topology& topo = sys.topology;
    // The transformer form's fixed micro-batch size would pin the micro-batch count: the search
    // varies it instead.
    TrainingWorkload ws = w;
    ws.micro_batch = 0;
    int max_tp = so.max_tp > 0 ? so.max_tp : topo.gpus_per_node;
    bool can_tp = w.layers > 0 && positive(w.hidden_size);
    bool can_pp = positive(w.hidden_size);
    double gb_int = std::round(global_batch);
    if (std::fabs(gb_int - global_batch) > 1e-9 || gb_int < 1)
        bad({}, "the layout search needs a whole global batch (got " + fmt(global_batch) + ")");
    auto GB = static_cast<int64_t>(gb_int);

    std::vector<StepPrediction> all;
    for (int tp = 1; tp <= std::min(max_tp, gpus); tp *= 2) {
        if (gpus % tp || (tp > 1 && !can_tp)) continue;
        if (tp > topo.gpus_per_node && tp % topo.gpus_per_node) continue;
        for (int64_t pp : divisors(gpus / tp)) {
            if (pp > 1 && !can_pp) break;
            if (w.layers > 0 && pp > w.layers) break;
            int64_t dp = gpus / tp / pp;
            if (GB % dp) continue;
            int64_t replica = GB / dp;
            for (int64_t micro : divisors(replica)) {
                int64_t m = replica / micro;
                if (so.max_micro_batches > 0 && m > so.max_micro_batches) continue;
                for (int zero : so.zero_stages) {
                    if (zero > 0 && dp == 1) continue;
                    if (zero == 3 && pp > 1) continue;
                    ParallelLayout l;
                    l.tp = tp;
                    l.pp = static_cast<int>(pp);
                    l.micro_batches = static_cast<int>(m);
                    l.zero = zero;
                    StepPrediction sb = predict_step(ws, sys, l, gpus, global_batch, opt);
                    ++res.evaluated;
                    if (!sb.fits_memory) {
                        ++res.rejected_memory;
                        continue;
                    }
                    all.push_back(std::move(sb));
                }
            }
        }
    }
    if (so.own) {
        try {
            res.own = predict_step(w, sys, *so.own, gpus, global_batch, opt);
            uint64_t faster = 0;
            for (const auto& p : all) faster += p.step_s < res.own->step_s;
            res.own_rank = faster + 1;
        } catch (const Error& e) {
            res.own_error = e.what();
        }
    }
    auto key = [](const StepPrediction& a) { return a.layout.tp * a.layout.pp; };
    std::sort(all.begin(), all.end(), [&](const StepPrediction& a, const StepPrediction& b) {
        if (a.step_s != b.step_s) return a.step_s < b.step_s;
        if (key(a) != key(b)) return key(a) < key(b);
        return a.layout.micro_batches < b.layout.micro_batches;
    });
    if (so.top > 0 && all.size() > static_cast<size_t>(so.top)) all.resize(so.top);
    res.best = std::move(all);
    return res;
}

} // namespace rafter
