// GEMM family: mm, addmm, bmm, baddbmm, matmul, linear, _scaled_mm.
// FLOPs 2*M*N*K per matrix product (+ M*N when an addend/bias is added), times the batch.
// Bytes: A + B (+ the addend as recorded) + C[M,N], each at its dtype size; the output takes the
// dtype of A (the profiler does not record output dtypes). This is TraceLens' GEMM rule, which
// the h100-bert reference CSV checks to the byte.
#include "model/ops/op_internal.h"

namespace rafter::opcost {

namespace {

struct Gemm {
    double batch = 1, m = 0, n = 0, k = 0;
    bool bias = false;
    double bias_bytes = 0;
};

OpCost make_cost(const Gemm& g, const OpInput* a, const OpInput* b, double out_elem_size) {
    OpCost c;
    c.family = OpFamily::gemm;
    c.gemm = GemmShape{g.batch, g.m, g.n, g.k};
    c.flops = g.batch * gemm_flops(g.m, g.n, g.k, g.bias);
    c.flop_kind = matrix_kind(a->type, false);
    // The operands as recorded (a broadcast operand of matmul is counted once), the output per batch.
    c.bytes = tensor_bytes(a) + tensor_bytes(b) + g.batch * g.m * g.n * out_elem_size + g.bias_bytes;
    return c;
}

std::optional<OpCost> two_d(const OpCall& call, size_t ai, size_t bi, const OpInput* bias, std::string* why) {
    const OpInput* a = arg(call, ai);
    const OpInput* b = arg(call, bi);
    if (!is_tensor(a) || !is_tensor(b)) return fail(why, call.name + ": matrix shapes or dtypes not recorded");
    const Shape& as = shape_of(a);
    const Shape& bs = shape_of(b);
    if (as.size() != 2 || bs.size() != 2) return fail(why, call.name + ": expects 2-D matrices");
    if (as[1] != bs[0]) return fail(why, call.name + ": inner dimensions differ");
    Gemm g;
    g.m = static_cast<double>(as[0]);
    g.k = static_cast<double>(as[1]);
    g.n = static_cast<double>(bs[1]);
    if (bias) {
        g.bias = true;
        g.bias_bytes = tensor_bytes(bias);
    }
    return make_cost(g, a, b, elem_size(a));
}

std::optional<OpCost> batched(const OpCall& call, size_t ai, size_t bi, const OpInput* bias, std::string* why) {
    const OpInput* a = arg(call, ai);
    const OpInput* b = arg(call, bi);
    if (!is_tensor(a) || !is_tensor(b)) return fail(why, call.name + ": matrix shapes or dtypes not recorded");
    const Shape& as = shape_of(a);
    const Shape& bs = shape_of(b);
    if (as.size() != 3 || bs.size() != 3) return fail(why, call.name + ": expects 3-D batches of matrices");
    if (as[0] != bs[0] || as[2] != bs[1]) return fail(why, call.name + ": batch or inner dimensions differ");
    Gemm g;
    g.batch = static_cast<double>(as[0]);
    g.m = static_cast<double>(as[1]);
    g.k = static_cast<double>(as[2]);
    g.n = static_cast<double>(bs[2]);
    if (bias) {
        g.bias = true;
        g.bias_bytes = tensor_bytes(bias);
    }
    return make_cost(g, a, b, elem_size(a));
}

// torch.matmul's rank rules: 1-D operands are promoted (and the added dim removed), leading
// dimensions broadcast as a batch.
std::optional<OpCost> matmul(const OpCall& call, std::string* why) {
    const OpInput* a = arg(call, 0);
    const OpInput* b = arg(call, 1);
    if (!is_tensor(a) || !is_tensor(b)) return fail(why, call.name + ": shapes or dtypes not recorded");
    Shape as = shape_of(a), bs = shape_of(b);
    if (as.empty() || bs.empty()) return fail(why, call.name + ": 0-d operands");
    if (as.size() == 1) as.insert(as.begin(), 1);
    if (bs.size() == 1) bs.push_back(1);
    if (as[as.size() - 1] != bs[bs.size() - 2]) return fail(why, call.name + ": inner dimensions differ");
    Gemm g;
    g.k = static_cast<double>(as.back());
    g.n = static_cast<double>(bs.back());
    if (bs.size() == 2) {
        // [..., M, K] x [K, N]: the leading dims fold into M.
        g.m = static_cast<double>(numel(as)) / g.k;
    } else {
        Shape ab(as.begin(), as.end() - 2), bb(bs.begin(), bs.end() - 2);
        auto batch = broadcast({&ab, &bb});
        if (!batch) return fail(why, call.name + ": batch dimensions do not broadcast");
        g.batch = static_cast<double>(numel(*batch));
        g.m = static_cast<double>(as[as.size() - 2]);
    }
    return make_cost(g, a, b, elem_size(a));
}

// linear(input[..., K], weight[N, K], bias[N]?) = input W^T + b.
std::optional<OpCost> linear(const OpCall& call, std::string* why) {
    const OpInput* x = arg(call, 0);
    const OpInput* w = arg(call, 1);
    const OpInput* b = arg(call, 2);
    if (!is_tensor(x) || !is_tensor(w)) return fail(why, call.name + ": shapes or dtypes not recorded");
    const Shape& xs = shape_of(x);
    const Shape& ws = shape_of(w);
    if (xs.empty() || ws.size() != 2 || xs.back() != ws[1])
        return fail(why, call.name + ": input and weight shapes do not match");
    Gemm g;
    g.k = static_cast<double>(ws[1]);
    g.n = static_cast<double>(ws[0]);
    g.m = static_cast<double>(numel(xs)) / g.k;
    if (is_tensor(b) && !shape_of(b).empty()) {
        g.bias = true;
        g.bias_bytes = tensor_bytes(b);
    }
    return make_cost(g, x, w, elem_size(x));
}

// _scaled_mm(A, B, scale_a, scale_b, bias?, scale_result?, out_dtype?, use_fast_accum): an fp8
// GEMM. The output dtype comes from Concrete Inputs when recorded; otherwise it is assumed to be
// 2 bytes for 1-byte inputs (bf16/fp16 output, the common use) and A's dtype otherwise.
std::optional<OpCost> scaled_mm(const OpCall& call, std::string* why) {
    const OpInput* bias = arg(call, 4);
    auto c = two_d(call, 0, 1, is_tensor(bias) && !shape_of(bias).empty() ? bias : nullptr, why);
    if (!c) return c;
    const OpInput* a = arg(call, 0);
    const Shape& as = shape_of(a);
    const Shape& bs = shape_of(arg(call, 1));
    double mn = static_cast<double>(as[0]) * static_cast<double>(bs[1]);
    double out_size = elem_size(a);
    if (auto dt = concrete_dtype(call, 6); dt && dtype_size(*dt)) {
        out_size = *dtype_size(*dt);
    } else if (elem_size(a) == 1) {
        out_size = 2;
        assume(*c, "output dtype not recorded: 2 bytes per element");
    }
    c->bytes += mn * (out_size - elem_size(a)) + tensor_bytes(arg(call, 2)) + tensor_bytes(arg(call, 3));
    return c;
}

} // namespace

std::optional<OpCost> gemm_cost(const OpCall& call, int variant, std::string* why) {
    switch (variant) {
    case gemm_mm: return two_d(call, 0, 1, nullptr, why);
    case gemm_addmm: {
        const OpInput* c = arg(call, 0);
        if (!is_tensor(c)) return fail(why, call.name + ": addend shape or dtype not recorded");
        return two_d(call, 1, 2, c, why);
    }
    case gemm_bmm: return batched(call, 0, 1, nullptr, why);
    case gemm_baddbmm: {
        const OpInput* c = arg(call, 0);
        if (!is_tensor(c)) return fail(why, call.name + ": addend shape or dtype not recorded");
        return batched(call, 1, 2, c, why);
    }
    case gemm_matmul: return matmul(call, why);
    case gemm_linear: return linear(call, why);
    case gemm_scaled_mm: return scaled_mm(call, why);
    default: return fail(why, call.name + ": unknown GEMM variant");
    }
}

} // namespace rafter::opcost
