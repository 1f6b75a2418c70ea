// Attention family: scaled_dot_product_attention and its flash / memory-efficient / cuDNN
// implementations, forward and backward.
// Forward FLOPs: S = Q K^T is 2*BH*Nq*Nkv*d and O = P V is 2*BH*Nq*Nkv*dv, so 4*B*H*Nq*Nkv*d
// when d == dv; causal masking halves it (the masked half of S is skipped by the kernels); the
// softmax's few FLOPs per score are not counted. Backward: dV = P^T dO, dP = dO V^T, dQ = dS K,
// dK = dS^T Q plus the recomputation of S = Q K^T: five products of the forward's size, so 2.5x
// the forward. Bytes: Q, K, V, mask/bias when given, O (and dO, dQ, dK, dV for the backward) at
// their dtype sizes; the softmax statistics (B*H*Nq floats) are not counted.
#include "model/ops/op_internal.h"

namespace rafter::opcost {

namespace {

constexpr int kNone = -1;

struct AttnLayout {
    int grad, q, k, v, out, bias, causal;
    bool causal_is_mask_type;  // _efficient_attention_*: custom_mask_type != 0 means causal
    bool bnhd;                 // [B, N, H, d] layout of the flash/efficient internals
    int cu_seqlens;            // a tensor here means variable-length batches
    bool backward;
};

const AttnLayout& layout(int variant) {
    static const AttnLayout layouts[] = {
        /* attn_sdpa */               {kNone, 0, 1, 2, kNone, 3, 5, false, false, kNone, false},
        /* attn_sdpa_flash */         {kNone, 0, 1, 2, kNone, kNone, 4, false, false, kNone, false},
        /* attn_sdpa_efficient */     {kNone, 0, 1, 2, kNone, 3, 6, false, false, kNone, false},
        /* attn_sdpa_cudnn */         {kNone, 0, 1, 2, kNone, 3, 6, false, false, kNone, false},
        /* attn_flash_fwd */          {kNone, 0, 1, 2, kNone, kNone, 8, false, true, 3, false},
        /* attn_efficient_fwd */      {kNone, 0, 1, 2, kNone, 3, 9, true, true, 4, false},
        /* attn_sdpa_flash_bwd */     {0, 1, 2, 3, 4, kNone, 11, false, false, kNone, true},
        /* attn_flash_bwd */          {0, 1, 2, 3, 4, kNone, 11, false, true, 6, true},
        /* attn_sdpa_efficient_bwd */ {0, 1, 2, 3, 5, 4, 11, false, false, kNone, true},
        /* attn_efficient_bwd */      {0, 1, 2, 3, 5, 4, 14, true, true, 6, true},
    };
    return layouts[variant];
}

struct Dims {
    double bh = 0, n = 0, d = 0;  // batch*heads, sequence length, head dim
};

std::optional<Dims> dims_of(const Shape& s, bool bnhd) {
    Dims out;
    if (bnhd) {
        if (s.size() != 4) return std::nullopt;
        out.bh = static_cast<double>(s[0]) * static_cast<double>(s[2]);
        out.n = static_cast<double>(s[1]);
        out.d = static_cast<double>(s[3]);
    } else {
        if (s.size() < 2) return std::nullopt;
        out.n = static_cast<double>(s[s.size() - 2]);
        out.d = static_cast<double>(s.back());
        out.bh = out.n * out.d > 0 ? static_cast<double>(numel(s)) / (out.n * out.d) : 0;
    }
    return out;
}

const OpInput* opt_arg(const OpCall& call, int i) { return i == kNone ? nullptr : arg(call, static_cast<size_t>(i)); }

} // namespace

std::optional<OpCost> attention_cost(const OpCall& call, int variant, std::string* why) {
    const AttnLayout& l = layout(variant);
    const OpInput* q = opt_arg(call, l.q);
    const OpInput* k = opt_arg(call, l.k);
    const OpInput* v = opt_arg(call, l.v);
    if (!is_tensor(q) || !is_tensor(k) || !is_tensor(v)) return fail(why, call.name + ": q/k/v shapes not recorded");
    if (is_tensor(opt_arg(call, l.cu_seqlens)))
        return fail(why, call.name + ": variable-length batch (per-sequence lengths are not recorded)");
    auto qd = dims_of(shape_of(q), l.bnhd);
    auto kd = dims_of(shape_of(k), l.bnhd);
    auto vd = dims_of(shape_of(v), l.bnhd);
    if (!qd || !kd || !vd) return fail(why, call.name + ": unexpected q/k/v ranks");
    if (qd->d != kd->d || kd->n != vd->n) return fail(why, call.name + ": q/k/v shapes do not match");

    OpCost cost;
    cost.family = OpFamily::attention;
    cost.backward = l.backward;
    cost.flop_kind = matrix_kind(q->type, false);

    const OpInput* bias = opt_arg(call, l.bias);
    bool has_bias = is_tensor(bias) && !shape_of(bias).empty();
    bool causal = false;
    if (l.causal != kNone) {
        if (l.causal_is_mask_type) {
            auto t = concrete_ints(call, static_cast<size_t>(l.causal));
            if (t && t->size() == 1) causal = (*t)[0] != 0;
            else assume(cost, "mask type not recorded: not causal");
        } else if (auto c = concrete_bool(call, static_cast<size_t>(l.causal))) {
            causal = *c;
        } else {
            assume(cost, "is_causal not recorded: not causal");
        }
    }
    double fwd = 2.0 * qd->bh * qd->n * kd->n * (qd->d + vd->d);
    if (causal && !has_bias) fwd *= 0.5;
    cost.flops = l.backward ? 2.5 * fwd : fwd;

    double es = elem_size(q);
    double out_bytes = qd->bh * qd->n * vd->d * es;
    double in_bytes = tensor_bytes(q) + tensor_bytes(k) + tensor_bytes(v) + (has_bias ? tensor_bytes(bias) : 0);
    if (l.backward) {
        const OpInput* g = opt_arg(call, l.grad);
        const OpInput* o = opt_arg(call, l.out);
        double go = is_tensor(g) ? tensor_bytes(g) : out_bytes;
        double oo = is_tensor(o) ? tensor_bytes(o) : out_bytes;
        // reads dO, Q, K, V, O (and bias); writes dQ, dK, dV.
        cost.bytes = go + oo + in_bytes + tensor_bytes(q) + tensor_bytes(k) + tensor_bytes(v);
    } else {
        cost.bytes = in_bytes + out_bytes;
    }
    return cost;
}

} // namespace rafter::opcost
