#include "model/scaling/transformer.h"

#include "core/text.h"

namespace rafter {

namespace {

double ffn(const TransformerShape& m) { return m.ffn_hidden > 0 ? m.ffn_hidden : 4 * m.hidden; }

// The attention core of one layer's forward for one micro-batch on one of t GPUs: the scores
// GEMM, softmax, dropout and the product with V (what selective recompute runs again).
struct AttentionCore {
    double gemm_s = 0, memory_s = 0;
};
AttentionCore attention_core(const TransformerTraining& w, double b, int t, const GemmModel& g) {
    const TransformerShape& m = w.shape;
    double d = w.dtype_bytes, s = m.sequence, a = m.heads, hd = m.hidden / m.heads;
    double head_batch = b * a / t;
    AttentionCore c;
    c.gemm_s = g.gemm_s(s, s, hd, head_batch, d) + g.gemm_s(s, hd, s, head_batch, d);
    // Fused scale-mask-softmax reads and writes the scores (2d per element); dropout reads and
    // writes them and writes a 1-byte mask (2d + 1).
    c.memory_s = g.memory_s(head_batch * s * s * (4 * d + 1));
    return c;
}

} // namespace

const char* to_string(Recompute r) {
    switch (r) {
    case Recompute::none: return "none";
    case Recompute::selective: return "selective";
    case Recompute::full: return "full";
    }
    return "none";
}

std::optional<Recompute> recompute_from_string(std::string_view s) {
    std::string v = to_lower(trim(s));
    if (v == "none" || v == "off") return Recompute::none;
    if (v == "selective") return Recompute::selective;
    if (v == "full") return Recompute::full;
    return std::nullopt;
}

double transformer_parameters(const TransformerShape& m) {
    double h = m.hidden, f = ffn(m);
    return m.layers * (4 * h * h + 2 * h * f + 9 * h + f) + m.vocab * h + m.sequence * h;
}

double layer_forward_flops(const TransformerShape& m) {
    double h = m.hidden, s = m.sequence, f = ffn(m);
    return 2 * s * (3 * h * h + h * h + 2 * h * f) + 4 * s * s * h;
}

double logits_forward_flops(const TransformerShape& m) { return 2 * m.sequence * m.hidden * m.vocab; }

double model_flops_per_sample(const TransformerShape& m) {
    return 3 * (m.layers * layer_forward_flops(m) + logits_forward_flops(m));
}

double hardware_flops_per_sample(const TransformerShape& m, Recompute r) {
    double extra = 0;
    if (r == Recompute::full) extra = m.layers * layer_forward_flops(m);
    else if (r == Recompute::selective) extra = m.layers * 4 * m.sequence * m.sequence * m.hidden;
    return model_flops_per_sample(m) + extra;
}

LayerTime transformer_layer_time(const TransformerTraining& w, double b, int t, const GemmModel& g) {
    const TransformerShape& m = w.shape;
    double d = w.dtype_bytes, h = m.hidden, f = ffn(m), tokens = b * m.sequence;
    LayerTime out;
    double gemms = g.gemm_s(tokens, 3 * h / t, h, 1, d)  // QKV
                   + g.gemm_s(tokens, h, h / t, 1, d)    // output projection
                   + g.gemm_s(tokens, f / t, h, 1, d)    // MLP up
                   + g.gemm_s(tokens, h, f / t, 1, d);   // MLP down
    AttentionCore core = attention_core(w, b, t, g);
    // Per token-hidden element: two LayerNorms (read + write, 2d each) and two bias-dropout-add
    // (read output and residual, write result, write a 1-byte mask: 3d + 1 each); split over
    // the tensor-parallel ranks only with sequence parallelism. GeLU reads and writes its f/t.
    double hidden_elements = tokens * h / (w.sequence_parallel ? t : 1);
    double memory = g.memory_s(hidden_elements * (10 * d + 2) + tokens * f / t * 2 * d);
    out.gemm_forward_s = gemms + core.gemm_s;
    out.memory_forward_s = memory + core.memory_s;
    out.forward_s = out.gemm_forward_s + out.memory_forward_s;
    // Backward: the gradients of inputs and of weights, each a GEMM of the forward's FLOPs;
    // the memory-bound ops read the saved input and the incoming gradient and write one.
    out.backward_s = 2 * out.forward_s;
    if (w.recompute == Recompute::full) out.recompute_s = out.forward_s;
    else if (w.recompute == Recompute::selective) out.recompute_s = core.gemm_s + core.memory_s;
    if (t > 1) {
        out.tp_forward_collectives = 2;
        out.tp_backward_collectives = 2;
        out.tp_recompute_collectives = w.recompute == Recompute::full ? 2 : 0;
        out.tp_message_bytes = tokens * h * d;
    }
    return out;
}

LogitsTime transformer_logits_time(const TransformerTraining& w, double b, int t, const GemmModel& g) {
    const TransformerShape& m = w.shape;
    double tokens = b * m.sequence, d = w.dtype_bytes;
    LogitsTime out;
    // Vocabulary-parallel output GEMM and cross-entropy in fp32 (read the logits, write fp32).
    double ce = g.memory_s(tokens * m.vocab / t * (d + 4));
    out.forward_s = g.gemm_s(tokens, m.vocab / t, m.hidden, 1, d) + ce;
    out.backward_s = 2 * out.forward_s;
    return out;
}

double layer_activation_bytes(const TransformerTraining& w, double b, int t) {
    const TransformerShape& m = w.shape;
    double sbh = m.sequence * b * m.hidden;
    if (w.recompute == Recompute::full) return 2 * sbh;
    double attention = w.recompute == Recompute::selective ? 0 : 5 * m.heads * m.sequence / (m.hidden * t);
    double rest = w.sequence_parallel ? 34.0 / t : 10 + 24.0 / t;
    return sbh * (rest + attention);
}

} // namespace rafter
