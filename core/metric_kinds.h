#pragma once
// The vocabulary shared by traces, models and reports: provenance of a number, FLOP kinds and
// memory levels. Names here are the JSON keys of the report contract (docs/architecture.md,
// "JSON contracts").
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace rafter {

// Where a number came from. Missing is never silently zero.
enum class Provenance : uint8_t { missing = 0, measured, derived, analytic };
const char* to_string(Provenance p);
std::optional<Provenance> provenance_from_string(std::string_view s);

// A number with its provenance. value is meaningful only when prov != missing.
struct Value {
    double value = 0;
    Provenance prov = Provenance::missing;
    bool has() const { return prov != Provenance::missing; }
    static Value measured(double v) { return {v, Provenance::measured}; }
    static Value derived(double v) { return {v, Provenance::derived}; }
    static Value analytic(double v) { return {v, Provenance::analytic}; }
};

// FLOPs by kind. `tensor` is tensor-core work whose precision the source could not split;
// tensor work of known precision is counted under tensor_fp16 etc. Non-tensor kinds are the
// SIMT pipes (e.g. fp32 = FADD + FMUL + 2*FFMA). Kinds never overlap, so total = sum.
enum class FlopKind : uint8_t {
    fp64, fp32, fp16, bf16, tf32, fp8, int8,
    tensor, tensor_fp64, tensor_fp16, tensor_bf16, tensor_tf32, tensor_fp8, tensor_int8,
    count
};
constexpr size_t kFlopKinds = static_cast<size_t>(FlopKind::count);
const char* to_string(FlopKind k);
std::optional<FlopKind> flop_kind_from_string(std::string_view s);
bool is_tensor(FlopKind k);

// Bytes by memory level. pcie/nvlink are for copies and communication.
enum class MemLevel : uint8_t { l1, l2, dram, pcie, nvlink, count };
constexpr size_t kMemLevels = static_cast<size_t>(MemLevel::count);
const char* to_string(MemLevel l);
std::optional<MemLevel> mem_level_from_string(std::string_view s);

} // namespace rafter
