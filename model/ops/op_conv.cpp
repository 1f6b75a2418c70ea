// Convolution family: conv1d/2d/3d, conv_transpose*, convolution, _convolution,
// cudnn_convolution(_transpose), miopen/mkldnn_convolution, convolution_backward.
//
// Forward FLOPs = 2 * N * Cout * prod(out spatial) * (Cin/groups) * prod(kernel), where the
// weight [Cout, Cin/groups, k...] already holds Cin/groups, so groups never need to be known for
// the FLOPs; a bias adds N * Cout * prod(out spatial). Transposed: the weight is
// [Cin, Cout/groups, k...] and every input element scatters into Cout/groups * prod(kernel)
// outputs: 2 * N * Cin * prod(in spatial) * (Cout/groups) * prod(kernel).
// Output size: floor((in + 2p - d(k-1) - 1) / s) + 1; transposed (in-1)s - 2p + d(k-1) + op + 1.
// Stride, padding, dilation and output_padding come from Concrete Inputs; when the trace has
// none, stride 1, padding 0, dilation 1 are assumed and the cost says so (OpCost::assumed).
// Bytes: input + weight + bias + output at the input's dtype size.
#include "model/ops/op_internal.h"

namespace rafter::opcost {

namespace {

constexpr int kNone = -1;

struct ConvLayout {
    int input, weight, bias, stride, padding, dilation, transposed, output_padding, groups;
    bool always_transposed;
};

const ConvLayout& layout(int variant) {
    static const ConvLayout layouts[] = {
        /* conv_nd */              {0, 1, 2, 3, 4, 5, kNone, kNone, 6, false},
        /* conv_transpose_nd */    {0, 1, 2, 3, 4, 7, kNone, 5, 6, true},
        /* conv_convolution */     {0, 1, 2, 3, 4, 5, 6, 7, 8, false},
        /* conv_cudnn */           {0, 1, kNone, 3, 2, 4, kNone, kNone, 5, false},
        /* conv_cudnn_transpose */ {0, 1, kNone, 4, 2, 5, kNone, 3, 6, true},
        /* conv_padding_first */   {0, 1, 2, 4, 3, 5, kNone, kNone, 6, false},
        /* conv_fused */           {0, 1, 2, 3, 4, 5, kNone, kNone, 6, false},
    };
    return layouts[variant];
}

struct ConvParams {
    std::vector<int64_t> stride, padding, dilation, output_padding;
    bool transposed = false;
    bool same_padding = false;  // padding="same": output spatial = input spatial
};

// A per-dimension parameter: "[2, 2]" or "2" (broadcast to every spatial dim).
bool spatial_param(const OpCall& call, int index, size_t dims, int64_t fallback,
                   std::vector<int64_t>& out, bool& assumed) {
    out.assign(dims, fallback);
    if (index == kNone) return true;
    auto v = concrete_ints(call, static_cast<size_t>(index));
    if (!v || v->empty()) {
        assumed = true;
        return true;
    }
    if (v->size() == 1) {
        out.assign(dims, (*v)[0]);
        return true;
    }
    if (v->size() != dims) return false;
    out = *v;
    return true;
}

std::optional<ConvParams> read_params(const OpCall& call, const ConvLayout& l, size_t dims, OpCost& cost,
                                      std::string* why) {
    ConvParams p;
    p.transposed = l.always_transposed;
    if (l.transposed != kNone) {
        if (auto t = concrete_bool(call, static_cast<size_t>(l.transposed))) p.transposed = *t;
    }
    bool assumed = false;
    if (l.padding != kNone) {
        const OpInput* pad = arg(call, static_cast<size_t>(l.padding));
        std::string_view text = pad ? std::string_view(pad->concrete) : std::string_view();
        if (text.find("same") != std::string_view::npos) p.same_padding = true;
    }
    bool ok = spatial_param(call, l.stride, dims, 1, p.stride, assumed) &&
              (p.same_padding || spatial_param(call, l.padding, dims, 0, p.padding, assumed)) &&
              spatial_param(call, l.dilation, dims, 1, p.dilation, assumed) &&
              spatial_param(call, l.output_padding, dims, 0, p.output_padding, assumed);
    if (!ok) return fail(why, call.name + ": stride/padding/dilation do not match the kernel rank");
    if (p.same_padding) p.padding.assign(dims, 0);
    if (assumed)
        assume(cost, call.has_concrete ? "some of stride/padding/dilation not recorded: stride 1, padding 0, dilation 1"
                                       : "no Concrete Inputs: stride 1, padding 0, dilation 1");
    return p;
}

// Shapes split into batch, channels and spatial dims. Unbatched inputs (rank = weight rank - 1)
// count as a batch of one.
struct ConvShapes {
    int64_t n = 1, c = 0;
    Shape spatial;
};

std::optional<ConvShapes> split(const Shape& s, size_t weight_rank) {
    ConvShapes out;
    if (s.size() == weight_rank) {
        out.n = s[0];
        out.c = s[1];
        out.spatial.assign(s.begin() + 2, s.end());
    } else if (s.size() + 1 == weight_rank) {
        out.c = s[0];
        out.spatial.assign(s.begin() + 1, s.end());
    } else {
        return std::nullopt;
    }
    return out;
}

double prod_d(const Shape& s) { return static_cast<double>(numel(s)); }

} // namespace

std::optional<OpCost> conv_cost(const OpCall& call, int variant, std::string* why) {
    const ConvLayout& l = layout(variant);
    const OpInput* x = arg(call, static_cast<size_t>(l.input));
    const OpInput* w = arg(call, static_cast<size_t>(l.weight));
    if (!is_tensor(x) || !is_tensor(w)) return fail(why, call.name + ": input or weight shape not recorded");
    const Shape& ws = shape_of(w);
    if (ws.size() < 3) return fail(why, call.name + ": weight must have a channel and kernel dims");
    auto in = split(shape_of(x), ws.size());
    if (!in) return fail(why, call.name + ": input rank does not match the weight");
    size_t dims = ws.size() - 2;
    Shape kernel(ws.begin() + 2, ws.end());

    OpCost cost;
    cost.family = OpFamily::conv;
    cost.flop_kind = matrix_kind(x->type, true);
    auto p = read_params(call, l, dims, cost, why);
    if (!p) return std::nullopt;

    // groups matter only for a transposed conv's output channels (and its bias).
    int64_t groups = 1;
    if (l.groups != kNone) {
        if (auto g = concrete_ints(call, static_cast<size_t>(l.groups)); g && g->size() == 1 && (*g)[0] > 0)
            groups = (*g)[0];
        else if (p->transposed)
            assume(cost, "groups not recorded: 1");
    }

    Shape out_spatial(dims);
    for (size_t i = 0; i < dims; ++i) {
        int64_t i_sz = in->spatial[i], k = kernel[i];
        int64_t s = p->stride[i], pad = p->padding[i], d = p->dilation[i];
        if (s <= 0) return fail(why, call.name + ": stride must be positive");
        if (p->transposed)
            out_spatial[i] = (i_sz - 1) * s - 2 * pad + d * (k - 1) + p->output_padding[i] + 1;
        else if (p->same_padding)
            out_spatial[i] = i_sz;
        else
            out_spatial[i] = (i_sz + 2 * pad - d * (k - 1) - 1) / s + 1;
        if (out_spatial[i] <= 0) return fail(why, call.name + ": output size is not positive");
    }
    int64_t cout = p->transposed ? ws[1] * groups : ws[0];
    double n = static_cast<double>(in->n);
    double out_elems = n * static_cast<double>(cout) * prod_d(out_spatial);
    double per_out = 2.0 * static_cast<double>(ws[1]) * prod_d(kernel);
    if (p->transposed)
        cost.flops = n * static_cast<double>(in->c) * prod_d(in->spatial) * per_out;
    else
        cost.flops = out_elems * per_out;

    const OpInput* b = l.bias == kNone ? nullptr : arg(call, static_cast<size_t>(l.bias));
    bool bias = is_tensor(b) && !shape_of(b).empty();
    if (bias) cost.flops += out_elems;
    cost.bytes = tensor_bytes(x) + tensor_bytes(w) + (bias ? tensor_bytes(b) : 0) + out_elems * elem_size(x);
    return cost;
}

// convolution_backward(grad_output, input, weight, bias_sizes, stride, padding, dilation,
// transposed, output_padding, groups, output_mask). grad_output gives the output shape, so no
// stride/padding is needed: grad_input and grad_weight each cost the forward's FLOPs (2x forward
// together), grad_bias sums grad_output. output_mask (when recorded) drops gradients not asked for.
std::optional<OpCost> conv_backward_cost(const OpCall& call, int, std::string* why) {
    const OpInput* gy = arg(call, 0);
    const OpInput* x = arg(call, 1);
    const OpInput* w = arg(call, 2);
    if (!is_tensor(gy) || !is_tensor(x) || !is_tensor(w))
        return fail(why, call.name + ": grad_output, input or weight shape not recorded");
    const Shape& ws = shape_of(w);
    if (ws.size() < 3) return fail(why, call.name + ": weight must have a channel and kernel dims");
    auto in = split(shape_of(x), ws.size());
    auto out = split(shape_of(gy), ws.size());
    if (!in || !out) return fail(why, call.name + ": input rank does not match the weight");
    Shape kernel(ws.begin() + 2, ws.end());
    bool transposed = concrete_bool(call, 7).value_or(false);

    OpCost cost;
    cost.family = OpFamily::conv;
    cost.backward = true;
    cost.flop_kind = matrix_kind(x->type, true);
    double per = 2.0 * static_cast<double>(ws[1]) * prod_d(kernel);
    double fwd = transposed ? static_cast<double>(in->n) * static_cast<double>(in->c) * prod_d(in->spatial) * per
                            : static_cast<double>(out->n) * static_cast<double>(out->c) * prod_d(out->spatial) * per;

    std::vector<bool> mask = {true, true, false};
    if (auto bs = concrete_ints(call, 3); bs && !bs->empty() && (*bs)[0] > 0) mask[2] = true;
    std::vector<bool> parsed;
    if (const OpInput* m = arg(call, 10)) {
        std::string_view t = m->concrete;
        for (size_t pos = 0; pos < t.size(); ++pos) {
            if (t.compare(pos, 4, "True") == 0) parsed.push_back(true);
            else if (t.compare(pos, 5, "False") == 0) parsed.push_back(false);
        }
    }
    if (parsed.size() == 3) mask = parsed;
    else if (!call.has_concrete) assume(cost, "no Concrete Inputs: grad_input and grad_weight, no grad_bias");
    double gy_elems = prod_d(shape_of(gy));
    cost.flops = (mask[0] ? fwd : 0) + (mask[1] ? fwd : 0) + (mask[2] ? gy_elems : 0);
    double es = elem_size(x);
    cost.bytes = tensor_bytes(gy) + tensor_bytes(x) + tensor_bytes(w) + (mask[0] ? tensor_bytes(x) : 0) +
                 (mask[1] ? tensor_bytes(w) : 0) + (mask[2] ? static_cast<double>(out->c) * es : 0);
    return cost;
}

} // namespace rafter::opcost
