// Normalization, softmax and embedding families.
// Per-element FLOPs (counting the arithmetic of the textbook algorithm once per element):
//   layer/group/batch norm (training): statistics 4 (mean: add; variance: sub, mul, add),
//     normalization 2 (sub mean, mul rstd), + 1 each for the weight and the bias;
//   batch norm in eval mode: normalization 2 + affine; RMS norm: 3 (square, add, mul rstd) + affine;
//   backward norms: 2x their forward per-element FLOPs;
//   softmax / log_softmax: 5 (max, sub, exp, sum, div or log-sub); their backward: 4.
// Embedding and index_select do no arithmetic; they read the gathered rows (not the whole table)
// and the indices and write the output: bytes = indices + 2 * output.
// Bytes otherwise: every tensor input + every output at its dtype size; saved statistics
// (mean/rstd, one float per row) are not counted.
#include "model/ops/op_internal.h"

namespace rafter::opcost {

namespace {

bool present(const OpInput* in) { return is_tensor(in) && !shape_of(in).empty(); }

double affine(const OpInput* w, const OpInput* b) { return (present(w) ? 1.0 : 0.0) + (present(b) ? 1.0 : 0.0); }

} // namespace

std::optional<OpCost> norm_cost(const OpCall& call, int variant, std::string* why) {
    const OpInput* x = arg(call, 0);
    if (!is_tensor(x)) return fail(why, call.name + ": input shape not recorded");
    OpCost cost;
    cost.family = OpFamily::norm;
    cost.flop_kind = vector_kind(x->type);
    const OpInput* w = nullptr;
    const OpInput* b = nullptr;
    std::vector<const OpInput*> extra;  // running statistics
    double base = 6;
    switch (variant) {
    case norm_layer: w = arg(call, 2); b = arg(call, 3); break;
    case norm_rms: w = arg(call, 2); base = 3; break;
    case norm_rms_fb: w = arg(call, 1); b = arg(call, 2); base = 3; break;
    case norm_batch:
    case norm_batch_eval: {
        w = arg(call, 1);
        b = arg(call, 2);
        extra = {arg(call, 3), arg(call, 4)};
        bool training = true;
        if (variant == norm_batch_eval) training = false;
        else if (auto t = concrete_bool(call, 5)) training = *t;
        else assume(cost, "training flag not recorded: training");
        base = training ? 6 : 2;
        break;
    }
    case norm_group: w = arg(call, 2); b = arg(call, 3); break;
    case norm_group_native: w = arg(call, 1); b = arg(call, 2); break;
    default: return fail(why, call.name + ": unknown norm variant");
    }
    double elems = static_cast<double>(numel(shape_of(x)));
    cost.flops = elems * (base + affine(w, b));
    cost.bytes = 2 * tensor_bytes(x) + (present(w) ? tensor_bytes(w) : 0) + (present(b) ? tensor_bytes(b) : 0);
    for (const OpInput* e : extra)
        if (present(e)) cost.bytes += tensor_bytes(e);
    return cost;
}

std::optional<OpCost> norm_backward_cost(const OpCall& call, int variant, std::string* why) {
    // The data tensors (grad_output and input) are the first two arguments in every layout.
    const OpInput* g = arg(call, 0);
    const OpInput* x = arg(call, 1);
    if (!is_tensor(g) || !is_tensor(x)) return fail(why, call.name + ": gradient or input shape not recorded");
    const OpInput* w = nullptr;
    bool bias = false;
    double base = 6;
    switch (variant) {
    case normb_layer: w = arg(call, 5); bias = present(arg(call, 6)); break;
    case normb_batch: w = arg(call, 2); bias = present(w); break;
    case normb_group: w = arg(call, 4); bias = present(w); break;
    case normb_rms: w = arg(call, 4); base = 3; break;
    default: return fail(why, call.name + ": unknown norm backward variant");
    }
    OpCost cost;
    cost.family = OpFamily::norm;
    cost.backward = true;
    cost.flop_kind = vector_kind(x->type);
    double elems = static_cast<double>(std::max(numel(shape_of(g)), numel(shape_of(x))));
    cost.flops = 2 * elems * (base + (present(w) ? 1.0 : 0.0) + (bias ? 1.0 : 0.0));
    // Inputs: every tensor argument (grad, input, statistics, weight, bias); outputs: grad_input,
    // grad_weight and grad_bias.
    for (const OpInput& in : call.inputs)
        if (is_tensor(&in)) cost.bytes += tensor_bytes(&in);
    cost.bytes += tensor_bytes(x);
    if (present(w)) cost.bytes += tensor_bytes(w) * (bias ? 2 : 1);
    return cost;
}

std::optional<OpCost> softmax_cost(const OpCall& call, int variant, std::string* why) {
    const OpInput* x = arg(call, 0);
    if (!is_tensor(x)) return fail(why, call.name + ": input shape not recorded");
    OpCost cost;
    cost.family = OpFamily::softmax;
    cost.flop_kind = vector_kind(x->type);
    double elems = static_cast<double>(numel(shape_of(x)));
    double out_size = elem_size(x);
    if (variant == softmax_public) {
        if (auto dt = concrete_dtype(call, 2); dt && dtype_size(*dt)) out_size = *dtype_size(*dt);
    } else if (variant == softmax_internal) {
        if (concrete_bool(call, 2).value_or(false)) out_size = 4;  // half_to_float
    }
    if (variant == softmax_backward) {
        cost.backward = true;
        const OpInput* y = arg(call, 1);
        if (auto dt = concrete_dtype(call, 3); dt && dtype_size(*dt)) out_size = *dtype_size(*dt);
        cost.flops = 4 * elems;
        cost.bytes = tensor_bytes(x) + tensor_bytes(y) + elems * out_size;
        return cost;
    }
    cost.flops = 5 * elems;
    cost.bytes = tensor_bytes(x) + elems * out_size;
    return cost;
}

std::optional<OpCost> embedding_cost(const OpCall& call, int variant, std::string* why) {
    OpCost cost;
    cost.family = variant == emb_index_select ? OpFamily::copy : OpFamily::embedding;
    cost.flops = 0;
    switch (variant) {
    case emb_embedding: {
        const OpInput* w = arg(call, 0);
        const OpInput* idx = arg(call, 1);
        if (!is_tensor(w) || !is_tensor(idx)) return fail(why, call.name + ": weight or index shape not recorded");
        const Shape& ws = shape_of(w);
        if (ws.empty()) return fail(why, call.name + ": weight has no rows");
        double row = static_cast<double>(numel(ws)) / static_cast<double>(std::max<int64_t>(ws[0], 1));
        double out = static_cast<double>(numel(shape_of(idx))) * row * elem_size(w);
        cost.flop_kind = vector_kind(w->type);
        cost.bytes = tensor_bytes(idx) + 2 * out;
        return cost;
    }
    case emb_index_select: {
        const OpInput* self = arg(call, 0);
        const OpInput* idx = arg(call, 2);
        if (!is_tensor(self) || !is_tensor(idx)) return fail(why, call.name + ": self or index shape not recorded");
        Shape out = shape_of(self);
        size_t dim = 0;
        if (auto d = concrete_ints(call, 1); d && d->size() == 1) {
            auto r = resolve_dim((*d)[0], out.size());
            if (!r) return fail(why, call.name + ": dim out of range");
            dim = *r;
        } else {
            assume(cost, "dim not recorded: 0");
        }
        if (out.empty()) return fail(why, call.name + ": 0-d self");
        out[dim] = numel(shape_of(idx));
        cost.flop_kind = vector_kind(self->type);
        cost.bytes = tensor_bytes(idx) + 2 * static_cast<double>(numel(out)) * elem_size(self);
        return cost;
    }
    case emb_dense_backward: {
        const OpInput* g = arg(call, 0);
        const OpInput* idx = arg(call, 1);
        if (!is_tensor(g) || !is_tensor(idx)) return fail(why, call.name + ": gradient or index shape not recorded");
        cost.backward = true;
        cost.flop_kind = vector_kind(g->type);
        const Shape& gs = shape_of(g);
        double elems = static_cast<double>(numel(gs));
        cost.flops = elems;  // one add per gradient element into its row
        double row = gs.empty() ? 1.0 : static_cast<double>(gs.back());
        double table = elems;
        if (auto nw = concrete_ints(call, 2); nw && nw->size() == 1) table = static_cast<double>((*nw)[0]) * row;
        else assume(cost, "num_weights not recorded: only the touched rows counted as written");
        cost.bytes = tensor_bytes(g) + tensor_bytes(idx) + table * elem_size(g);
        return cost;
    }
    default: return fail(why, call.name + ": unknown embedding variant");
    }
}

} // namespace rafter::opcost
