// Pointwise, reduction and copy families.
// Pointwise: FLOPs = (FLOPs per element) * output elements, where the output shape is the
// broadcast of the tensor inputs (the first input for in-place "op_" forms) and transcendental
// functions count as one FLOP (the op, not the instructions its implementation uses). Integer
// and bool computations count no FLOPs. The output dtype is the widest floating dtype of the
// dimensioned tensor inputs (PyTorch's promotion; 0-d tensors and Scalars do not promote), bool
// for comparisons.
// Reductions: FLOPs per input element (1; norms 2; var/std and logsumexp 3); the output size
// follows the reduced dims from Concrete Inputs (a full reduction when no dim is given).
// Copies and gathers: no FLOPs; bytes = what is read + what is written.
#include <algorithm>

#include "model/ops/op_internal.h"

namespace rafter::opcost {

namespace {

bool inplace(const OpCall& call) { return !call.name.empty() && call.name.back() == '_'; }

std::vector<const OpInput*> tensor_args(const OpCall& call) {
    std::vector<const OpInput*> out;
    for (const OpInput& in : call.inputs)
        if (is_tensor(&in)) out.push_back(&in);
    return out;
}

// PyTorch's type promotion, approximated with the recorded dtype names: dimensioned tensors
// decide; among them a floating dtype wins over integers, and the wider one wins.
std::string promoted_dtype(const std::vector<const OpInput*>& tensors) {
    std::vector<const OpInput*> cands;
    for (const OpInput* t : tensors)
        if (!shape_of(t).empty()) cands.push_back(t);
    if (cands.empty()) cands = tensors;
    const OpInput* best = cands.front();
    for (const OpInput* t : cands) {
        bool tf = is_floating_dtype(t->type), bf = is_floating_dtype(best->type);
        if ((tf && !bf) || (tf == bf && elem_size(t) > elem_size(best))) best = t;
    }
    return best->type;
}

double input_bytes(const std::vector<const OpInput*>& tensors) {
    double b = 0;
    for (const OpInput* t : tensors) b += tensor_bytes(t);
    return b;
}

} // namespace

std::optional<OpCost> pointwise_cost(const OpCall& call, int variant, std::string* why) {
    auto tensors = tensor_args(call);
    if (tensors.empty()) return fail(why, call.name + ": no tensor input shapes recorded");
    Shape out;
    std::string out_type;
    if (inplace(call)) {
        const OpInput* self = arg(call, 0);
        if (!is_tensor(self)) return fail(why, call.name + ": self shape not recorded");
        out = shape_of(self);
        out_type = self->type;
    } else {
        std::vector<const Shape*> shapes;
        for (const OpInput* t : tensors) shapes.push_back(&shape_of(t));
        auto b = broadcast(shapes);
        if (!b) return fail(why, call.name + ": input shapes do not broadcast");
        out = *b;
        out_type = variant == pw_backward ? tensors.front()->type : promoted_dtype(tensors);
    }
    std::string compute_type = promoted_dtype(tensors);
    if (variant == pw_compare && !inplace(call)) out_type = "bool";

    OpCost cost;
    cost.family = OpFamily::elementwise;
    cost.backward = variant == pw_backward;
    cost.flop_kind = vector_kind(compute_type);
    double elems = static_cast<double>(numel(out));
    double per = 1;
    switch (variant) {
    case pw_arith2: per = 2; break;
    case pw_select: per = 0; break;
    case pw_backward: per = 2; break;
    default: break;
    }
    cost.flops = is_floating_dtype(compute_type) ? per * elems : 0;
    cost.bytes = input_bytes(tensors) + elems * dtype_size(out_type).value_or(elem_size(tensors.front()));
    if (variant == pw_dropout) cost.bytes += elems;  // the bool mask
    return cost;
}

std::optional<OpCost> reduction_cost(const OpCall& call, int variant, std::string* why) {
    const OpInput* self = arg(call, 0);
    if (!is_tensor(self)) return fail(why, call.name + ": input shape not recorded");
    if (variant == red_maxmin && is_tensor(arg(call, 1)))
        return pointwise_cost(call, pw_arith1, why);  // max(a, b): elementwise

    OpCost cost;
    cost.family = OpFamily::reduction;
    cost.flop_kind = vector_kind(self->type);
    const Shape& in = shape_of(self);
    double in_elems = static_cast<double>(numel(in));

    size_t dim_index = 1;
    double per = 1;
    double out_size = elem_size(self);
    double index_size = 0;  // max/min.dim also return long indices
    std::optional<std::string> out_dtype;
    switch (variant) {
    case red_sum: out_dtype = concrete_dtype(call, 3); break;
    case red_maxmin: index_size = 8; break;
    case red_arg: out_size = 8; break;
    case red_bool: out_size = 1; break;
    case red_norm: dim_index = 2; per = 2; break;
    case red_vnorm: dim_index = 2; per = 2; out_dtype = concrete_dtype(call, 4); break;
    case red_var: per = 3; break;
    case red_logsumexp: per = 3; break;
    default: break;
    }
    if (out_dtype && dtype_size(*out_dtype)) out_size = *dtype_size(*out_dtype);

    double out_elems = 0;
    if (variant == red_scan) {
        out_elems = in_elems;
        if (auto dt = concrete_dtype(call, 2); dt && dtype_size(*dt)) out_size = *dtype_size(*dt);
    } else {
        const OpInput* dim = arg(call, dim_index);
        bool no_dim = !dim || dim->type.empty();  // None: a full reduction
        if (no_dim) {
            out_elems = 1;
        } else if (auto dims = concrete_ints(call, dim_index)) {
            out_elems = in_elems;
            if (dims->empty()) out_elems = 1;  // dim=[] reduces everything
            std::vector<size_t> seen;
            for (int64_t d : *dims) {
                auto r = resolve_dim(d, in.size());
                if (!r) return fail(why, call.name + ": dim out of range");
                if (std::find(seen.begin(), seen.end(), *r) != seen.end()) continue;
                seen.push_back(*r);
                if (!in.empty() && in[*r] > 0) out_elems /= static_cast<double>(in[*r]);
            }
        } else {
            assume(cost, "reduced dims not recorded: output not counted");
        }
    }
    cost.flops = is_floating_dtype(self->type) ? per * in_elems : 0;
    cost.bytes = tensor_bytes(self) + out_elems * (out_size + index_size);
    return cost;
}

std::optional<OpCost> copy_cost(const OpCall& call, int variant, std::string* why) {
    OpCost cost;
    cost.family = OpFamily::copy;
    cost.flops = 0;
    const OpInput* self = arg(call, 0);
    if (variant == copy_list) {
        if (self && self->list) return fail(why, call.name + ": the dtype of a TensorList is not recorded");
        return fail(why, call.name + ": tensor list shapes not recorded");
    }
    if (!is_tensor(self)) return fail(why, call.name + ": input shape not recorded");
    double self_elems = static_cast<double>(numel(shape_of(self)));
    cost.flop_kind = vector_kind(self->type);
    switch (variant) {
    case copy_inplace: {
        const OpInput* src = arg(call, 1);
        if (!is_tensor(src)) return fail(why, call.name + ": source shape not recorded");
        cost.bytes = tensor_bytes(src) + tensor_bytes(self);
        return cost;
    }
    case copy_same: cost.bytes = 2 * tensor_bytes(self); return cost;
    case copy_to: {
        double out_size = elem_size(self);
        auto dt = concrete_dtype(call, 1);
        if (!dt) dt = concrete_dtype(call, 2);
        if (dt && dtype_size(*dt)) out_size = *dtype_size(*dt);
        else if (!call.has_concrete) assume(cost, "target dtype not recorded: same as input");
        cost.bytes = tensor_bytes(self) + self_elems * out_size;
        return cost;
    }
    case copy_fill: {
        const OpInput* value = arg(call, 1);
        cost.bytes = tensor_bytes(self) + (is_tensor(value) ? tensor_bytes(value) : 0);
        return cost;
    }
    case copy_gather: {
        const OpInput* idx = arg(call, 2);
        if (!is_tensor(idx)) return fail(why, call.name + ": index shape not recorded");
        cost.bytes = tensor_bytes(idx) + 2 * static_cast<double>(numel(shape_of(idx))) * elem_size(self);
        return cost;
    }
    case copy_scatter: {
        const OpInput* idx = arg(call, 2);
        const OpInput* src = arg(call, 3);
        if (!is_tensor(idx)) return fail(why, call.name + ": index shape not recorded");
        double written = static_cast<double>(numel(shape_of(idx))) * elem_size(self);
        cost.bytes = tensor_bytes(idx) + (is_tensor(src) ? tensor_bytes(src) : 0) + written;
        if (!inplace(call)) cost.bytes += 2 * tensor_bytes(self);  // the functional form copies self first
        if (call.name.find("scatter_add") != std::string::npos && is_floating_dtype(self->type))
            cost.flops = static_cast<double>(numel(shape_of(idx)));
        return cost;
    }
    default: return fail(why, call.name + ": unknown copy variant");
    }
}

} // namespace rafter::opcost
