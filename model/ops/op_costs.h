#pragma once
// Analytic FLOPs and bytes of framework ops (PyTorch aten ops) from their input shapes and dtypes,
// as the profiler records them ("Input Dims", "Input type", "Concrete Inputs"). Pure functions of
// shapes: nothing here knows about traces. The rules are in docs/analytic-costs.md; in short:
//   GEMM 2*M*N*K (+ M*N when a bias/addend is added), batched GEMM times the batch;
//   conv 2*N*Cout*prod(out spatial)*(Cin/groups)*prod(kernel) (+ bias);
//   attention 2*B*H*Nq*Nkv*(d + dv) (= 4*B*H*Nq*Nkv*d), half when causal;
//   bytes = every tensor input + every output at its dtype size (the DRAM traffic of an ideal
//   kernel that touches each operand once), reported as bytes.dram with provenance analytic.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/metric_kinds.h"

namespace rafter {

using Shape = std::vector<int64_t>;

// One positional argument of an op call.
struct OpInput {
    std::vector<Shape> shapes;  // one shape for a tensor, several for a TensorList
    bool list = false;          // the dims entry was a list of shapes (TensorList)
    std::string type;           // "c10::BFloat16", "float", "Scalar", "ScalarList", "" (None) ...
    std::string concrete;       // the Concrete Inputs entry ("[16, 16]", "False", "0.125"), or ""
};

// An op call as recorded by the profiler.
struct OpCall {
    std::string name;             // "aten::addmm"
    std::vector<OpInput> inputs;  // positional arguments
    bool has_concrete = false;    // the trace recorded Concrete Inputs for this call
};

// Parses the profiler's JSON text of "Input Dims" (e.g. "[[64, 128], [128, 256], []]", nested
// lists for TensorList arguments). Returns nullopt when the text is not such a list.
std::optional<std::vector<std::vector<Shape>>> parse_input_dims(std::string_view json,
                                                                std::vector<bool>* is_list = nullptr);
// Parses a JSON list of strings ("Input type", "Concrete Inputs"). nullopt when malformed.
std::optional<std::vector<std::string>> parse_string_list(std::string_view json);
// Builds an OpCall from the three texts (types/concrete may be empty). nullopt when the dims or
// types text is malformed or the two lists differ in length.
std::optional<OpCall> parse_op_call(std::string_view name, std::string_view input_dims,
                                    std::string_view input_types, std::string_view concrete_inputs);

// Canonical spellings used as grouping keys and in reports: "[[141, 512], [512, 512], []]" and
// "[\"c10::BFloat16\", \"Scalar\"]" (Python-repr spacing, independent of the source's whitespace).
std::string format_input_dims(const std::vector<std::vector<Shape>>& dims, const std::vector<bool>& is_list);
std::string format_string_list(const std::vector<std::string>& items);

// Bytes per element of a profiler dtype name ("float" 4, "c10::Half" 2, "c10::BFloat16" 2,
// "long int" 8, "bool" 1, "c10::Float8_e4m3fn" 1, ...). nullopt for non-tensor types
// ("Scalar", "ScalarList", "TensorList", "") and unknown names.
std::optional<double> dtype_size(std::string_view type);
bool is_floating_dtype(std::string_view type);
// The dtype name of a c10::ScalarType code as printed in Concrete Inputs (6 -> "float").
std::optional<std::string> scalar_type_name(int code);

int64_t numel(const Shape& s);

// What an op family is, for reports and for choosing the FLOP kind.
enum class OpFamily : uint8_t {
    gemm, conv, attention, norm, softmax, elementwise, reduction, embedding, copy
};
const char* to_string(OpFamily f);

// The matrix product of a GEMM-family call: `batch` products of [m, k] x [k, n].
struct GemmShape {
    double batch = 1, m = 0, n = 0, k = 0;
};

struct OpCost {
    double flops = 0;
    FlopKind flop_kind = FlopKind::fp32;  // where the FLOPs count (tensor_bf16 for a bf16 GEMM ...)
    double bytes = 0;                     // inputs + outputs at their dtype sizes (bytes.dram)
    OpFamily family = OpFamily::elementwise;
    bool backward = false;                // a gradient op (convolution_backward, *_backward)
    std::optional<GemmShape> gemm;        // GEMM family: the product's dimensions
    // Parameters the trace did not record and the model assumed (e.g. conv stride 1, padding 0
    // when there are no Concrete Inputs). Empty when nothing was assumed.
    std::string assumed;
};

// The cost of one call, or nullopt with the reason in *why (no model for this op name, shapes
// missing or inconsistent, unknown dtype).
std::optional<OpCost> op_cost(const OpCall& call, std::string* why = nullptr);

// True when op_cost has a model for this op name (with or without the "aten::" prefix).
bool has_cost_model(std::string_view op_name);

// The GEMM rule, exposed for tests and other models: FLOPs of C[M,N] = A[M,K] B[K,N] (+ bias).
double gemm_flops(double m, double n, double k, bool bias);
// Backward of Y = X W (+ b): dX = dY W^T and dW = X^T dY (2x the forward GEMM) plus db = sum(dY).
double gemm_backward_flops(double m, double n, double k, bool bias);

} // namespace rafter
