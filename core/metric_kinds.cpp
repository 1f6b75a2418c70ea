#include "core/metric_kinds.h"

namespace rafter {

const char* to_string(Provenance p) {
    switch (p) {
    case Provenance::missing: return "missing";
    case Provenance::measured: return "measured";
    case Provenance::derived: return "derived";
    case Provenance::analytic: return "analytic";
    }
    return "missing";
}

std::optional<Provenance> provenance_from_string(std::string_view s) {
    for (auto p : {Provenance::missing, Provenance::measured, Provenance::derived, Provenance::analytic})
        if (s == to_string(p)) return p;
    return std::nullopt;
}

static const char* const kFlopKindNames[kFlopKinds] = {
    "fp64", "fp32", "fp16", "bf16", "tf32", "fp8", "int8",
    "tensor", "tensor_fp64", "tensor_fp16", "tensor_bf16", "tensor_tf32", "tensor_fp8", "tensor_int8"};

const char* to_string(FlopKind k) { return kFlopKindNames[static_cast<size_t>(k)]; }

std::optional<FlopKind> flop_kind_from_string(std::string_view s) {
    for (size_t i = 0; i < kFlopKinds; ++i)
        if (s == kFlopKindNames[i]) return static_cast<FlopKind>(i);
    return std::nullopt;
}

bool is_tensor(FlopKind k) { return k >= FlopKind::tensor && k < FlopKind::count; }

static const char* const kMemLevelNames[kMemLevels] = {"l1", "l2", "dram", "pcie", "nvlink"};

const char* to_string(MemLevel l) { return kMemLevelNames[static_cast<size_t>(l)]; }

std::optional<MemLevel> mem_level_from_string(std::string_view s) {
    for (size_t i = 0; i < kMemLevels; ++i)
        if (s == kMemLevelNames[i]) return static_cast<MemLevel>(i);
    return std::nullopt;
}

} // namespace rafter
