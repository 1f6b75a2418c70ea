// The op-name dispatch table and the helpers the families share. One line per op name: adding
// an op is adding a line here (and a variant in its family when its layout is new).
#include <algorithm>
#include <charconv>
#include <unordered_map>

#include "model/ops/op_internal.h"

namespace rafter {

using namespace opcost;

namespace {

struct Entry {
    CostFn fn;
    int variant;
};

// Names without the "aten::" prefix. In-place forms ("add_") and ".out" forms are found by
// stripping the suffix; they are listed here only when their arguments differ.
const std::unordered_map<std::string_view, Entry>& table() {
    static const std::unordered_map<std::string_view, Entry> t = {
        // GEMM
        {"mm", {gemm_cost, gemm_mm}}, {"addmm", {gemm_cost, gemm_addmm}},
        {"bmm", {gemm_cost, gemm_bmm}}, {"baddbmm", {gemm_cost, gemm_baddbmm}},
        {"matmul", {gemm_cost, gemm_matmul}}, {"linear", {gemm_cost, gemm_linear}},
        {"_scaled_mm", {gemm_cost, gemm_scaled_mm}},
        // Convolution
        {"conv1d", {conv_cost, conv_nd}}, {"conv2d", {conv_cost, conv_nd}}, {"conv3d", {conv_cost, conv_nd}},
        {"conv_transpose1d", {conv_cost, conv_transpose_nd}},
        {"conv_transpose2d", {conv_cost, conv_transpose_nd}},
        {"conv_transpose3d", {conv_cost, conv_transpose_nd}},
        {"convolution", {conv_cost, conv_convolution}}, {"_convolution", {conv_cost, conv_convolution}},
        {"cudnn_convolution", {conv_cost, conv_cudnn}},
        {"cudnn_convolution_transpose", {conv_cost, conv_cudnn_transpose}},
        {"miopen_convolution", {conv_cost, conv_padding_first}},
        {"mkldnn_convolution", {conv_cost, conv_padding_first}},
        {"cudnn_convolution_relu", {conv_cost, conv_fused}},
        {"convolution_backward", {conv_backward_cost, 0}},
        // Attention
        {"scaled_dot_product_attention", {attention_cost, attn_sdpa}},
        {"_scaled_dot_product_flash_attention", {attention_cost, attn_sdpa_flash}},
        {"_scaled_dot_product_efficient_attention", {attention_cost, attn_sdpa_efficient}},
        {"_scaled_dot_product_cudnn_attention", {attention_cost, attn_sdpa_cudnn}},
        {"_flash_attention_forward", {attention_cost, attn_flash_fwd}},
        {"_efficient_attention_forward", {attention_cost, attn_efficient_fwd}},
        {"_scaled_dot_product_flash_attention_backward", {attention_cost, attn_sdpa_flash_bwd}},
        {"_flash_attention_backward", {attention_cost, attn_flash_bwd}},
        {"_scaled_dot_product_efficient_attention_backward", {attention_cost, attn_sdpa_efficient_bwd}},
        {"_efficient_attention_backward", {attention_cost, attn_efficient_bwd}},
        // Normalization
        {"layer_norm", {norm_cost, norm_layer}}, {"native_layer_norm", {norm_cost, norm_layer}},
        {"rms_norm", {norm_cost, norm_rms}}, {"_fused_rms_norm", {norm_cost, norm_rms}},
        {"fb::rms_norm", {norm_cost, norm_rms_fb}},
        {"batch_norm", {norm_cost, norm_batch}}, {"native_batch_norm", {norm_cost, norm_batch}},
        {"_batch_norm_impl_index", {norm_cost, norm_batch}}, {"cudnn_batch_norm", {norm_cost, norm_batch}},
        {"miopen_batch_norm", {norm_cost, norm_batch}}, {"_native_batch_norm_legit", {norm_cost, norm_batch}},
        {"_native_batch_norm_legit_no_training", {norm_cost, norm_batch_eval}},
        {"group_norm", {norm_cost, norm_group}}, {"native_group_norm", {norm_cost, norm_group_native}},
        {"native_layer_norm_backward", {norm_backward_cost, normb_layer}},
        {"native_batch_norm_backward", {norm_backward_cost, normb_batch}},
        {"cudnn_batch_norm_backward", {norm_backward_cost, normb_batch}},
        {"miopen_batch_norm_backward", {norm_backward_cost, normb_batch}},
        {"native_group_norm_backward", {norm_backward_cost, normb_group}},
        {"_fused_rms_norm_backward", {norm_backward_cost, normb_rms}},
        // Softmax
        {"softmax", {softmax_cost, softmax_public}}, {"log_softmax", {softmax_cost, softmax_public}},
        {"_softmax", {softmax_cost, softmax_internal}}, {"_log_softmax", {softmax_cost, softmax_internal}},
        {"_softmax_backward_data", {softmax_cost, softmax_backward}},
        {"_log_softmax_backward_data", {softmax_cost, softmax_backward}},
        // Embedding and gathers
        {"embedding", {embedding_cost, emb_embedding}},
        {"index_select", {embedding_cost, emb_index_select}},
        {"embedding_dense_backward", {embedding_cost, emb_dense_backward}},
        // Pointwise: one FLOP per output element
        {"add", {pointwise_cost, pw_arith1}}, {"sub", {pointwise_cost, pw_arith1}},
        {"rsub", {pointwise_cost, pw_arith1}}, {"mul", {pointwise_cost, pw_arith1}},
        {"div", {pointwise_cost, pw_arith1}}, {"true_divide", {pointwise_cost, pw_arith1}},
        {"pow", {pointwise_cost, pw_arith1}}, {"maximum", {pointwise_cost, pw_arith1}},
        {"minimum", {pointwise_cost, pw_arith1}}, {"fmod", {pointwise_cost, pw_arith1}},
        {"remainder", {pointwise_cost, pw_arith1}}, {"neg", {pointwise_cost, pw_arith1}},
        {"abs", {pointwise_cost, pw_arith1}}, {"reciprocal", {pointwise_cost, pw_arith1}},
        {"square", {pointwise_cost, pw_arith1}}, {"sqrt", {pointwise_cost, pw_arith1}},
        {"rsqrt", {pointwise_cost, pw_arith1}}, {"exp", {pointwise_cost, pw_arith1}},
        {"exp2", {pointwise_cost, pw_arith1}}, {"expm1", {pointwise_cost, pw_arith1}},
        {"log", {pointwise_cost, pw_arith1}}, {"log2", {pointwise_cost, pw_arith1}},
        {"log10", {pointwise_cost, pw_arith1}}, {"log1p", {pointwise_cost, pw_arith1}},
        {"sin", {pointwise_cost, pw_arith1}}, {"cos", {pointwise_cost, pw_arith1}},
        {"tan", {pointwise_cost, pw_arith1}}, {"tanh", {pointwise_cost, pw_arith1}},
        {"sigmoid", {pointwise_cost, pw_arith1}}, {"erf", {pointwise_cost, pw_arith1}},
        {"erfc", {pointwise_cost, pw_arith1}}, {"relu", {pointwise_cost, pw_arith1}},
        {"gelu", {pointwise_cost, pw_arith1}}, {"silu", {pointwise_cost, pw_arith1}},
        {"mish", {pointwise_cost, pw_arith1}}, {"elu", {pointwise_cost, pw_arith1}},
        {"selu", {pointwise_cost, pw_arith1}}, {"leaky_relu", {pointwise_cost, pw_arith1}},
        {"hardswish", {pointwise_cost, pw_arith1}}, {"hardsigmoid", {pointwise_cost, pw_arith1}},
        {"hardtanh", {pointwise_cost, pw_arith1}}, {"softplus", {pointwise_cost, pw_arith1}},
        {"logit", {pointwise_cost, pw_arith1}}, {"clamp", {pointwise_cost, pw_arith1}},
        {"clamp_min", {pointwise_cost, pw_arith1}}, {"clamp_max", {pointwise_cost, pw_arith1}},
        {"threshold", {pointwise_cost, pw_arith1}}, {"sgn", {pointwise_cost, pw_arith1}},
        {"sign", {pointwise_cost, pw_arith1}}, {"floor", {pointwise_cost, pw_arith1}},
        {"ceil", {pointwise_cost, pw_arith1}}, {"round", {pointwise_cost, pw_arith1}},
        {"trunc", {pointwise_cost, pw_arith1}}, {"nan_to_num", {pointwise_cost, pw_arith1}},
        {"dropout", {pointwise_cost, pw_arith1}},
        {"addcmul", {pointwise_cost, pw_arith2}}, {"addcdiv", {pointwise_cost, pw_arith2}},
        {"lerp", {pointwise_cost, pw_arith2}},
        {"eq", {pointwise_cost, pw_compare}}, {"ne", {pointwise_cost, pw_compare}},
        {"lt", {pointwise_cost, pw_compare}}, {"le", {pointwise_cost, pw_compare}},
        {"gt", {pointwise_cost, pw_compare}}, {"ge", {pointwise_cost, pw_compare}},
        {"logical_and", {pointwise_cost, pw_compare}}, {"logical_or", {pointwise_cost, pw_compare}},
        {"logical_not", {pointwise_cost, pw_compare}}, {"logical_xor", {pointwise_cost, pw_compare}},
        {"isnan", {pointwise_cost, pw_compare}}, {"isinf", {pointwise_cost, pw_compare}},
        {"isfinite", {pointwise_cost, pw_compare}},
        {"where", {pointwise_cost, pw_select}}, {"masked_fill", {pointwise_cost, pw_select}},
        {"gelu_backward", {pointwise_cost, pw_backward}}, {"silu_backward", {pointwise_cost, pw_backward}},
        {"sigmoid_backward", {pointwise_cost, pw_backward}}, {"tanh_backward", {pointwise_cost, pw_backward}},
        {"threshold_backward", {pointwise_cost, pw_backward}}, {"hardtanh_backward", {pointwise_cost, pw_backward}},
        {"leaky_relu_backward", {pointwise_cost, pw_backward}}, {"elu_backward", {pointwise_cost, pw_backward}},
        {"softplus_backward", {pointwise_cost, pw_backward}}, {"hardswish_backward", {pointwise_cost, pw_backward}},
        {"mish_backward", {pointwise_cost, pw_backward}}, {"logit_backward", {pointwise_cost, pw_backward}},
        {"native_dropout_backward", {pointwise_cost, pw_backward}},
        {"native_dropout", {pointwise_cost, pw_dropout}},
        // Reductions
        {"sum", {reduction_cost, red_sum}}, {"mean", {reduction_cost, red_sum}},
        {"prod", {reduction_cost, red_sum}}, {"nansum", {reduction_cost, red_sum}},
        {"amax", {reduction_cost, red_amax}}, {"amin", {reduction_cost, red_amax}},
        {"max", {reduction_cost, red_maxmin}}, {"min", {reduction_cost, red_maxmin}},
        {"argmax", {reduction_cost, red_arg}}, {"argmin", {reduction_cost, red_arg}},
        {"all", {reduction_cost, red_bool}}, {"any", {reduction_cost, red_bool}},
        {"norm", {reduction_cost, red_norm}}, {"linalg_vector_norm", {reduction_cost, red_vnorm}},
        {"var", {reduction_cost, red_var}}, {"std", {reduction_cost, red_var}},
        {"logsumexp", {reduction_cost, red_logsumexp}},
        {"cumsum", {reduction_cost, red_scan}}, {"cumprod", {reduction_cost, red_scan}},
        // Copies and data movement (no FLOPs)
        {"copy_", {copy_cost, copy_inplace}}, {"clone", {copy_cost, copy_same}},
        {"contiguous", {copy_cost, copy_same}}, {"_to_copy", {copy_cost, copy_to}},
        {"to", {copy_cost, copy_to}}, {"fill_", {copy_cost, copy_fill}},
        {"zero_", {copy_cost, copy_fill}}, {"gather", {copy_cost, copy_gather}},
        {"scatter", {copy_cost, copy_scatter}}, {"scatter_add", {copy_cost, copy_scatter}},
        {"cat", {copy_cost, copy_list}}, {"stack", {copy_cost, copy_list}},
    };
    return t;
}

// "aten::add_" -> "add_"; "fb::rms_norm" keeps its namespace (it is listed with it).
std::string_view short_name(std::string_view name) {
    constexpr std::string_view aten = "aten::";
    if (name.substr(0, aten.size()) == aten) name.remove_prefix(aten.size());
    return name;
}

const Entry* lookup(std::string_view name) {
    const auto& t = table();
    std::string_view n = short_name(name);
    if (auto it = t.find(n); it != t.end()) return &it->second;
    // In-place variants ("add_") share the functional form's model.
    if (n.size() > 1 && n.back() == '_') {
        if (auto it = t.find(n.substr(0, n.size() - 1)); it != t.end()) return &it->second;
    }
    return nullptr;
}

} // namespace

const char* to_string(OpFamily f) {
    switch (f) {
    case OpFamily::gemm: return "gemm";
    case OpFamily::conv: return "conv";
    case OpFamily::attention: return "attention";
    case OpFamily::norm: return "norm";
    case OpFamily::softmax: return "softmax";
    case OpFamily::elementwise: return "elementwise";
    case OpFamily::reduction: return "reduction";
    case OpFamily::embedding: return "embedding";
    case OpFamily::copy: return "copy";
    }
    return "elementwise";
}

bool has_cost_model(std::string_view op_name) { return lookup(op_name) != nullptr; }

std::optional<OpCost> op_cost(const OpCall& call, std::string* why) {
    const Entry* e = lookup(call.name);
    if (!e) return fail(why, "no cost model for " + call.name);
    // In-place forms ("add_") share the functional model; families that care look at the
    // trailing '_' of the name (the output is then the first input).
    return e->fn(call, e->variant, why);
}

double gemm_flops(double m, double n, double k, bool bias) { return 2 * m * n * k + (bias ? m * n : 0); }

double gemm_backward_flops(double m, double n, double k, bool bias) {
    // dX[M,K] = dY[M,N] W^T[N,K] and dW[K,N] = X^T[K,M] dY[M,N]: two GEMMs of the forward's size.
    return gemm_flops(m, k, n, false) + gemm_flops(k, n, m, false) + (bias ? m * n : 0);
}

namespace opcost {

static std::string_view trim_quotes(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\'' || s.front() == '"')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\'' || s.back() == '"')) s.remove_suffix(1);
    return s;
}

std::optional<std::vector<int64_t>> concrete_ints(const OpCall& call, size_t i) {
    const OpInput* in = arg(call, i);
    if (!in) return std::nullopt;
    std::string_view s = trim_quotes(in->concrete);
    if (s.empty()) return std::nullopt;
    bool bracketed = s.front() == '[' || s.front() == '(';
    if (bracketed) {
        if (s.size() < 2) return std::nullopt;
        s = s.substr(1, s.size() - 2);
    }
    std::vector<int64_t> out;
    size_t pos = 0;
    while (pos < s.size()) {
        while (pos < s.size() && (s[pos] == ' ' || s[pos] == ',')) ++pos;
        if (pos >= s.size()) break;
        int64_t v = 0;
        auto [p, ec] = std::from_chars(s.data() + pos, s.data() + s.size(), v);
        if (ec != std::errc()) return std::nullopt;
        out.push_back(v);
        pos = static_cast<size_t>(p - s.data());
    }
    if (out.empty() && !bracketed) return std::nullopt;
    return out;
}

std::optional<bool> concrete_bool(const OpCall& call, size_t i) {
    const OpInput* in = arg(call, i);
    if (!in) return std::nullopt;
    std::string_view s = trim_quotes(in->concrete);
    if (s == "True" || s == "true" || s == "1") return true;
    if (s == "False" || s == "false" || s == "0") return false;
    return std::nullopt;
}

std::optional<double> concrete_number(const OpCall& call, size_t i) {
    const OpInput* in = arg(call, i);
    if (!in) return std::nullopt;
    std::string s(trim_quotes(in->concrete));
    if (s.empty()) return std::nullopt;
    char* end = nullptr;
    double v = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size()) return std::nullopt;
    return v;
}

std::optional<std::string> concrete_dtype(const OpCall& call, size_t i) {
    auto v = concrete_ints(call, i);
    if (!v || v->size() != 1) return std::nullopt;
    const OpInput* in = arg(call, i);
    if (in->concrete.find('[') != std::string::npos) return std::nullopt;
    return scalar_type_name(static_cast<int>((*v)[0]));
}

FlopKind matrix_kind(std::string_view dtype, bool conv) {
    if (dtype == "c10::BFloat16" || dtype == "BFloat16") return FlopKind::tensor_bf16;
    if (dtype == "c10::Half" || dtype == "Half") return FlopKind::tensor_fp16;
    if (dtype.find("Float8") != std::string_view::npos) return FlopKind::tensor_fp8;
    if (dtype == "signed char" || dtype == "c10::qint8") return FlopKind::tensor_int8;
    if (dtype == "double" || dtype == "Double") return FlopKind::fp64;
    if (conv && (dtype == "float" || dtype == "Float")) return FlopKind::tensor_tf32;
    return FlopKind::fp32;
}

FlopKind vector_kind(std::string_view dtype) {
    if (dtype == "double" || dtype == "Double" || dtype == "c10::complex<double>") return FlopKind::fp64;
    return FlopKind::fp32;
}

std::optional<Shape> broadcast(const std::vector<const Shape*>& shapes) {
    size_t rank = 0;
    for (const Shape* s : shapes) rank = std::max(rank, s->size());
    Shape out(rank, 1);
    for (const Shape* s : shapes) {
        size_t off = rank - s->size();
        for (size_t i = 0; i < s->size(); ++i) {
            int64_t d = (*s)[i];
            int64_t& o = out[off + i];
            if (d == o || d == 1) continue;
            if (o == 1) { o = d; continue; }
            return std::nullopt;
        }
    }
    return out;
}

std::optional<size_t> resolve_dim(int64_t dim, size_t rank) {
    int64_t r = static_cast<int64_t>(rank);
    if (dim < 0) dim += r;
    if (dim < 0 || dim >= std::max<int64_t>(r, 1)) return std::nullopt;
    return static_cast<size_t>(dim);
}

void assume(OpCost& cost, std::string_view what) {
    if (!cost.assumed.empty()) cost.assumed += "; ";
    cost.assumed += what;
}

} // namespace opcost

} // namespace rafter
