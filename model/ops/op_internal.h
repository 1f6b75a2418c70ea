#pragma once
// Helpers shared by the op cost families (op_gemm.cpp, op_conv.cpp, ...). Not a public API.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/ops/op_costs.h"

namespace rafter::opcost {

// A family's cost function. `variant` selects the argument layout or per-element FLOPs of the
// op within its family (see the dispatch table in op_costs.cpp).
using CostFn = std::optional<OpCost> (*)(const OpCall& call, int variant, std::string* why);

std::optional<OpCost> gemm_cost(const OpCall& call, int variant, std::string* why);
std::optional<OpCost> conv_cost(const OpCall& call, int variant, std::string* why);
std::optional<OpCost> conv_backward_cost(const OpCall& call, int variant, std::string* why);
std::optional<OpCost> attention_cost(const OpCall& call, int variant, std::string* why);
std::optional<OpCost> norm_cost(const OpCall& call, int variant, std::string* why);
std::optional<OpCost> norm_backward_cost(const OpCall& call, int variant, std::string* why);
std::optional<OpCost> softmax_cost(const OpCall& call, int variant, std::string* why);
std::optional<OpCost> embedding_cost(const OpCall& call, int variant, std::string* why);
std::optional<OpCost> pointwise_cost(const OpCall& call, int variant, std::string* why);
std::optional<OpCost> reduction_cost(const OpCall& call, int variant, std::string* why);
std::optional<OpCost> copy_cost(const OpCall& call, int variant, std::string* why);

// Variants: the argument layout or per-element rule of an op within its family.
enum GemmVariant : int { gemm_mm, gemm_addmm, gemm_bmm, gemm_baddbmm, gemm_matmul, gemm_linear, gemm_scaled_mm };
enum ConvVariant : int {
    conv_nd,                 // conv1d/2d/3d(input, weight, bias, stride, padding, dilation, groups)
    conv_transpose_nd,       // conv_transposeNd(input, weight, bias, stride, padding, output_padding, groups, dilation)
    conv_convolution,        // convolution/_convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups)
    conv_cudnn,              // cudnn_convolution(input, weight, padding, stride, dilation, groups, ...)
    conv_cudnn_transpose,    // cudnn_convolution_transpose(input, weight, padding, output_padding, stride, dilation, groups, ...)
    conv_padding_first,      // miopen/mkldnn_convolution(input, weight, bias, padding, stride, dilation, groups, ...)
    conv_fused,              // cudnn_convolution_relu(input, weight, bias, stride, padding, dilation, groups)
};
enum AttentionVariant : int {
    attn_sdpa,               // scaled_dot_product_attention(q, k, v, attn_mask, dropout_p, is_causal, scale, enable_gqa)
    attn_sdpa_flash,         // _scaled_dot_product_flash_attention(q, k, v, dropout_p, is_causal, ...)
    attn_sdpa_efficient,     // _scaled_dot_product_efficient_attention(q, k, v, attn_bias, compute_lse, dropout_p, is_causal, ...)
    attn_sdpa_cudnn,         // _scaled_dot_product_cudnn_attention(q, k, v, attn_bias, compute_lse, dropout_p, is_causal, ...)
    attn_flash_fwd,          // _flash_attention_forward(q, k, v, cum_q, cum_k, max_q, max_k, dropout_p, is_causal, ...), [B, N, H, d]
    attn_efficient_fwd,      // _efficient_attention_forward(q, k, v, bias, cu_q, cu_k, max_q, max_k, dropout_p, custom_mask_type, ...), [B, N, H, d]
    attn_sdpa_flash_bwd,     // _scaled_dot_product_flash_attention_backward(grad_out, q, k, v, out, lse, cum_q, cum_k, max_q, max_k, dropout_p, is_causal, ...)
    attn_flash_bwd,          // _flash_attention_backward(grad_out, q, k, v, out, lse, cum_q, cum_k, max_q, max_k, dropout_p, is_causal, ...), [B, N, H, d]
    attn_sdpa_efficient_bwd, // _scaled_dot_product_efficient_attention_backward(grad_out, q, k, v, bias, out, lse, seed, offset, dropout_p, grad_input_mask, is_causal, ...)
    attn_efficient_bwd,      // _efficient_attention_backward(grad_out, q, k, v, bias, out, cu_q, cu_k, max_q, max_k, lse, dropout_p, seed, offset, custom_mask_type, ...), [B, N, H, d]
};
enum NormVariant : int {
    norm_layer,              // layer_norm / native_layer_norm(input, normalized_shape, weight, bias, eps)
    norm_rms,                // rms_norm / _fused_rms_norm(input, normalized_shape, weight, eps)
    norm_rms_fb,             // fb::rms_norm(input, weight, bias, ...)
    norm_batch,              // batch_norm / native_batch_norm / cudnn_batch_norm / ...(input, weight, bias, running_mean, running_var, training, ...)
    norm_batch_eval,         // _native_batch_norm_legit_no_training(input, weight, bias, running_mean, running_var, ...)
    norm_group,              // group_norm(input, num_groups, weight, bias, eps, ...)
    norm_group_native,       // native_group_norm(input, weight, bias, N, C, HxW, group, eps)
};
enum NormBackwardVariant : int {
    normb_layer,             // native_layer_norm_backward(grad_out, input, normalized_shape, mean, rstd, weight, bias, output_mask)
    normb_batch,             // native_batch_norm_backward(grad_out, input, weight, ...) / cudnn_batch_norm_backward(input, grad_out, weight, ...)
    normb_group,             // native_group_norm_backward(grad_out, input, mean, rstd, weight, N, C, HxW, group, output_mask)
    normb_rms,               // _fused_rms_norm_backward(grad_out, input, normalized_shape, rstd, weight, output_mask)
};
enum SoftmaxVariant : int { softmax_public, softmax_internal, softmax_backward };
enum EmbeddingVariant : int { emb_embedding, emb_index_select, emb_dense_backward };
enum PointwiseVariant : int {
    pw_arith1,     // one FLOP per output element (add, mul, gelu, exp, ...)
    pw_arith2,     // two per element (addcmul, addcdiv, lerp)
    pw_compare,    // bool output (eq, lt, logical_and, isnan, ...), one FLOP per element
    pw_select,     // no arithmetic (where, masked_fill)
    pw_backward,   // gradient of a unary op: two per element, output dtype of the gradient
    pw_dropout,    // native_dropout: one per element, outputs the result and a bool mask
};
enum ReductionVariant : int {
    red_sum,       // sum/mean/prod/nansum(self, dim, keepdim, dtype)
    red_amax,      // amax/amin/max.dim/min.dim(self, dim, keepdim); max/min.dim also return indices
    red_maxmin,    // max.dim/min.dim: values and long indices
    red_arg,       // argmax/argmin(self, dim, keepdim) -> long
    red_bool,      // all/any(self, dim, keepdim) -> bool
    red_norm,      // norm(self, p, dim, keepdim): square and add
    red_vnorm,     // linalg_vector_norm(self, ord, dim, keepdim, dtype)
    red_var,       // var/std(self, dim, correction, keepdim): three per element
    red_logsumexp, // logsumexp(self, dim, keepdim): three per element
    red_scan,      // cumsum/cumprod(self, dim, dtype): the output has the input's shape
};
enum CopyVariant : int {
    copy_inplace,  // copy_(self, src): read src, write self
    copy_same,     // clone/contiguous/...(self): read and write a tensor of the same type
    copy_to,       // _to_copy(self, dtype, ...) / to(self, dtype, ...): output dtype from Concrete Inputs
    copy_fill,     // fill_/zero_(self, ...): write only
    copy_gather,   // gather(self, dim, index): output has the index shape
    copy_scatter,  // scatter_/scatter_add_(self, dim, index, src)
    copy_list,     // cat/stack(tensors, dim)
};

// Records why no cost could be computed and returns nullopt.
inline std::nullopt_t fail(std::string* why, std::string message) {
    if (why) *why = std::move(message);
    return std::nullopt;
}

inline const OpInput* arg(const OpCall& call, size_t i) {
    return i < call.inputs.size() ? &call.inputs[i] : nullptr;
}

// A single tensor argument (not a list, not a scalar, dtype known).
inline bool is_tensor(const OpInput* in) {
    return in && !in->list && in->shapes.size() == 1 && dtype_size(in->type).has_value();
}
inline const Shape& shape_of(const OpInput* in) { return in->shapes[0]; }
inline double elem_size(const OpInput* in) { return *dtype_size(in->type); }
inline double tensor_bytes(const OpInput* in) {
    return is_tensor(in) ? static_cast<double>(numel(shape_of(in))) * elem_size(in) : 0.0;
}

// Concrete Inputs entries: "[16, 16]" or "16" as integers, "True"/"False", numbers.
std::optional<std::vector<int64_t>> concrete_ints(const OpCall& call, size_t i);
std::optional<bool> concrete_bool(const OpCall& call, size_t i);
std::optional<double> concrete_number(const OpCall& call, size_t i);
// The dtype named by a ScalarType code in Concrete Inputs ("6" -> "float"), if any.
std::optional<std::string> concrete_dtype(const OpCall& call, size_t i);

// FLOP kinds. Matrix work (GEMM, conv, attention) runs on tensor cores for reduced precisions;
// fp32 GEMMs count as fp32 (PyTorch's default allow_tf32=False for matmul) while fp32
// convolutions count as tf32 (cuDNN's default allow_tf32=True). Pointwise work is computed in
// fp32 for half/bf16 inputs (PyTorch's opmath type), fp64 for double.
FlopKind matrix_kind(std::string_view dtype, bool conv);
FlopKind vector_kind(std::string_view dtype);

// numpy-style broadcast of shapes; nullopt when they do not broadcast.
std::optional<Shape> broadcast(const std::vector<const Shape*>& shapes);

// Resolves a possibly negative dimension index against a rank.
std::optional<size_t> resolve_dim(int64_t dim, size_t rank);

// Appends a note to cost.assumed.
void assume(OpCost& cost, std::string_view what);

} // namespace rafter::opcost
