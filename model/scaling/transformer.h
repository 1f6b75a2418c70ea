#pragma once
// The compute model of a GPT-style transformer (Megatron-LM layer: QKV projection, attention,
// output projection, two-layer MLP, two LayerNorms, dropouts): FLOPs from the shape, time of each
// GEMM from the machine's peak with a shape-dependent efficiency (gemm_model.h), time of the
// memory-bound ops from the bytes they move, activation memory per layer, for a tensor-parallel
// degree t, with or without sequence parallelism and activation recomputation. Formulas and
// sources: docs/scaling.md ("Transformer compute model"). Numbers in, numbers out.
#include <optional>
#include <string>
#include <string_view>

#include "model/scaling/gemm_model.h"

namespace rafter {

struct TransformerShape {
    int layers = 0;         // l
    double hidden = 0;      // h
    double heads = 0;       // a
    double sequence = 0;    // s
    double vocab = 0;       // V
    double ffn_hidden = 0;  // f (4h when not given)
};

enum class Recompute { none, selective, full };
const char* to_string(Recompute r);
std::optional<Recompute> recompute_from_string(std::string_view s);

struct TransformerTraining {
    TransformerShape shape;
    Recompute recompute = Recompute::none;
    bool sequence_parallel = false;
    double dtype_bytes = 2;  // activations and weights in the GEMMs (bf16/fp16)
};

// Parameters: per layer 4h^2 + 2hf (weights) + 9h + f (biases, two LayerNorms), the token
// embedding Vh (tied with the output layer) and the learned position embedding sh.
double transformer_parameters(const TransformerShape& m);

// Forward FLOPs of one layer for one sequence: the GEMMs 2s(3h^2 + h^2 + 2hf) and attention
// 4s^2h (scores and their product with V); Narayanan et al. 2021, eq. 3 with f = 4h gives
// 24sh^2 (1 + s/6h).
double layer_forward_flops(const TransformerShape& m);
// Forward FLOPs of the output layer (logits) for one sequence: 2shV.
double logits_forward_flops(const TransformerShape& m);
// Model FLOPs per sequence of a training step (forward + backward = 3x forward, no recompute):
// with f = 4h, 72 s l h^2 (1 + s/6h + V/12lh) (Narayanan et al. 2021).
double model_flops_per_sample(const TransformerShape& m);
// FLOPs the hardware runs per sequence: model FLOPs plus the recomputed forward: full recompute
// adds every layer's forward (96 s l h^2 (1 + s/6h + V/16lh) in all), selective adds the
// attention core 4s^2h per layer (Korthikanti et al. 2022).
double hardware_flops_per_sample(const TransformerShape& m, Recompute r);

// Time of one layer for one micro-batch of b sequences on one of t tensor-parallel GPUs.
struct LayerTime {
    double forward_s = 0;    // GEMMs + memory-bound ops, no communication
    double backward_s = 0;   // 2x the forward GEMM FLOPs, 2x the memory-bound bytes
    double recompute_s = 0;  // the forward work recomputed in the backward pass
    double gemm_forward_s = 0;
    double memory_forward_s = 0;
    // Tensor-parallel collectives per layer: each moves `tp_message_bytes` (b s h x dtype).
    // Without sequence parallelism they are all-reduces; with it, each all-reduce becomes a
    // reduce-scatter plus an all-gather of the same buffer.
    int tp_forward_collectives = 0;    // 2 (attention and MLP outputs)
    int tp_backward_collectives = 0;   // 2
    int tp_recompute_collectives = 0;  // 2 with full recompute (the forward runs again)
    double tp_message_bytes = 0;
};
LayerTime transformer_layer_time(const TransformerTraining& w, double micro_batch, int tp, const GemmModel& g);

// The output layer and cross-entropy on the last pipeline stage (never recomputed).
struct LogitsTime {
    double forward_s = 0, backward_s = 0;
};
LogitsTime transformer_logits_time(const TransformerTraining& w, double micro_batch, int tp, const GemmModel& g);

// Activation memory of one layer for one micro-batch, bytes (Korthikanti et al. 2022, Table 2
// with 16-bit activations): sbh (10 + 24/t + 5as/ht) without recompute or sequence parallelism;
// sbh (34/t + 5as/ht) with sequence parallelism; the 5as/ht term goes with selective recompute;
// full recompute keeps only the layer input, 2sbh (2sbh/t with sequence parallelism).
double layer_activation_bytes(const TransformerTraining& w, double micro_batch, int tp);

} // namespace rafter
