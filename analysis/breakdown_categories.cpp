// Kernel-name patterns -> categories: a data table, checked in order, first match wins. Patterns
// are matched case-insensitively as substrings of the demangled name. Order matters where names
// share words: convolution kernels are often "implicit_gemm", attention kernels run GEMMs, and
// communication must win over everything ("ncclKernel_..._Sum_..." would otherwise look like a
// reduction).
#include <cctype>
#include <string>

#include "analysis/breakdown.h"

namespace rafter {

namespace {

struct Pattern {
    std::string_view text;
    KernelCategory category;
};

constexpr Pattern kPatterns[] = {
    // Communication
    {"nccl", KernelCategory::communication},
    {"rccl", KernelCategory::communication},
    {"msccl", KernelCategory::communication},
    {"cross_device_reduce", KernelCategory::communication},
    {"all_reduce", KernelCategory::communication},
    {"allreduce", KernelCategory::communication},
    {"all_gather", KernelCategory::communication},
    {"allgather", KernelCategory::communication},
    {"reduce_scatter", KernelCategory::communication},
    {"alltoall", KernelCategory::communication},
    // Attention (before GEMM: flash kernels are GEMMs inside)
    {"flash", KernelCategory::attention},
    {"fmha", KernelCategory::attention},
    {"attention", KernelCategory::attention},
    {"attn", KernelCategory::attention},
    {"sdpa", KernelCategory::attention},
    // Convolution (before GEMM: implicit-GEMM convolutions)
    {"fprop", KernelCategory::conv},
    {"dgrad", KernelCategory::conv},
    {"wgrad", KernelCategory::conv},
    {"conv", KernelCategory::conv},
    {"winograd", KernelCategory::conv},
    {"implicit_gemm", KernelCategory::conv},
    {"implicit_convolve", KernelCategory::conv},
    {"igemm_", KernelCategory::conv},  // MIOpen's implicit-GEMM convolutions (igemm_fwd_gtcx2_...)
    {"nchwtonhwc", KernelCategory::conv},
    {"nhwctonchw", KernelCategory::conv},
    // Normalization (before reductions: they reduce)
    {"layer_norm", KernelCategory::norm},
    {"layernorm", KernelCategory::norm},
    {"batch_norm", KernelCategory::norm},
    {"batchnorm", KernelCategory::norm},
    {"bn_fw", KernelCategory::norm},
    {"bn_bw", KernelCategory::norm},
    {"group_norm", KernelCategory::norm},
    {"groupnorm", KernelCategory::norm},
    {"rms_norm", KernelCategory::norm},
    {"rmsnorm", KernelCategory::norm},
    {"instance_norm", KernelCategory::norm},
    // Embedding lookups are gathers; fbgemm_gpu's kernels are mostly not GEMMs despite the name
    {"embedding", KernelCategory::elementwise},
    {"fbgemm_gpu", KernelCategory::other},
    // GEMM
    {"gemm", KernelCategory::gemm},
    {"cutlass", KernelCategory::gemm},
    {"cublas", KernelCategory::gemm},
    {"xmma", KernelCategory::gemm},
    {"matmul", KernelCategory::gemm},
    {"gemv", KernelCategory::gemm},
    {"splitkreduce", KernelCategory::gemm},
    {"wmma", KernelCategory::gemm},
    {"cijk_", KernelCategory::gemm},  // AMD Tensile / hipBLASLt GEMMs (Cijk_Alik_Bljk_...)
    // Reductions (softmax is a row reduction)
    {"softmax", KernelCategory::reduction},
    {"reduce", KernelCategory::reduction},
    {"cub::", KernelCategory::reduction},
    {"cunn_classnll", KernelCategory::reduction},
    {"argmax", KernelCategory::reduction},
    {"cumsum", KernelCategory::reduction},
    {"scan", KernelCategory::reduction},
    {"norm_kernel", KernelCategory::reduction},
    // Elementwise, copies inside kernels, gathers
    {"elementwise", KernelCategory::elementwise},
    {"pointwise", KernelCategory::elementwise},
    {"vectorized", KernelCategory::elementwise},
    {"unrolled", KernelCategory::elementwise},
    {"copy", KernelCategory::elementwise},
    {"fill", KernelCategory::elementwise},
    {"catarray", KernelCategory::elementwise},
    {"index", KernelCategory::elementwise},
    {"gather", KernelCategory::elementwise},
    {"scatter", KernelCategory::elementwise},
    {"dropout", KernelCategory::elementwise},
    {"multi_tensor_apply", KernelCategory::elementwise},
    {"transpose", KernelCategory::elementwise},
    {"permute", KernelCategory::elementwise},
    {"triton_poi", KernelCategory::elementwise},
    {"triton_red", KernelCategory::reduction},
    {"triton_per", KernelCategory::reduction},
    {"max_pool", KernelCategory::elementwise},
    {"avg_pool", KernelCategory::elementwise},
    {"upsample", KernelCategory::elementwise},
    {"distribution", KernelCategory::elementwise},
};


} // namespace

const char* to_string(KernelCategory c) {
    switch (c) {
    case KernelCategory::gemm: return "gemm";
    case KernelCategory::conv: return "conv";
    case KernelCategory::attention: return "attention";
    case KernelCategory::elementwise: return "elementwise";
    case KernelCategory::reduction: return "reduction";
    case KernelCategory::norm: return "norm";
    case KernelCategory::communication: return "communication";
    case KernelCategory::memcpy: return "memcpy";
    case KernelCategory::memset: return "memset";
    case KernelCategory::other: return "other";
    case KernelCategory::count: break;
    }
    return "other";
}

KernelCategory classify_kernel(std::string_view name) {
    // Lower-case once, then plain substring searches (patterns are lower case).
    std::string lower(name);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const Pattern& p : kPatterns)
        if (lower.find(p.text) != std::string::npos) return p.category;
    return KernelCategory::other;
}

bool is_communication_kernel(std::string_view name) {
    return classify_kernel(name) == KernelCategory::communication;
}

} // namespace rafter
