#include "synthetic_reports.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace rafter::test {

Machine v100_machine() {
    Machine m;
    m.name = "v100-sxm2";
    m.kind = "gpu";
    m.arch = "volta";
    m.description = "NVIDIA Tesla V100 SXM2";
    auto set_peak = [&](FlopKind k, double v) { m.peak_flops[static_cast<size_t>(k)] = v; };
    set_peak(FlopKind::fp64, 7.8e12);
    set_peak(FlopKind::fp32, 15.7e12);
    set_peak(FlopKind::fp16, 31.4e12);
    set_peak(FlopKind::tensor, 125e12);
    set_peak(FlopKind::tensor_fp16, 125e12);
    m.bandwidth[static_cast<size_t>(MemLevel::dram)] = 900e9;
    m.bandwidth[static_cast<size_t>(MemLevel::l2)] = 3.13344e12;
    m.bandwidth[static_cast<size_t>(MemLevel::l1)] = 15.6672e12;
    m.launch_latency_s = 4e-6;
    m.kernel_floor_s = 3e-6;
    return m;
}

GroupMetrics make_group(const std::string& name, FlopKind kind, double flops, double l1, double l2,
                        double dram, double time_s, uint64_t launches) {
    GroupMetrics g;
    g.name = name;
    g.launches = launches;
    g.time_s = time_s;
    g.time_prov = Provenance::measured;
    if (flops >= 0) g.flops[static_cast<size_t>(kind)] = Value::measured(flops);
    const double bytes[3] = {l1, l2, dram};
    const MemLevel levels[3] = {MemLevel::l1, MemLevel::l2, MemLevel::dram};
    for (int i = 0; i < 3; ++i)
        if (bytes[i] >= 0) g.bytes[static_cast<size_t>(levels[i])] = Value::measured(bytes[i]);
    return g;
}

RooflineReport make_report(const Machine& m, std::vector<GroupMetrics> groups) {
    RooflineReport r;
    r.machine = m;
    r.kernel_floor_s = m.kernel_floor_s;
    r.groups = std::move(groups);
    for (auto& g : r.groups) {
        // Every launch at least the floor, none faster than the group's time allows.
        if (m.kernel_floor_s && g.launches > 0)
            g.floor_time_s = g.time_s ? std::min(*g.time_s, static_cast<double>(g.launches) * *m.kernel_floor_s)
                                      : static_cast<double>(g.launches) * *m.kernel_floor_s;
        finalize_group(g, m);
    }
    finalize_report(r);
    return r;
}

RooflineReport unplottable_report() {
    return make_report(v100_machine(),
                       {make_group("no_flops_kernel", FlopKind::fp32, -1, 1e6, 1e6, 1e6, 1e-3, 1),
                        make_group("zero_flops_copy", FlopKind::fp32, 0, 1e6, 1e6, 1e6, 1e-3, 1),
                        make_group("no_bytes_kernel", FlopKind::fp32, 1e9, -1, -1, -1, 1e-3, 1)});
}

RooflineReport synthetic_report(size_t n, unsigned seed) {
    Machine m = v100_machine();
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(0, 1);
    static const char* gemm_names[] = {
        "volta_h884gemm_256x128_ldg8_nn", "volta_fp16_s884cudnn_fp16_256x128_ldg8_relu_f2f_exp_small_nhwc_tn_v1",
        "void cutlass::Kernel<cutlass_70_tensorop_f16_s884gemm_f16_128x128_32x2_nt_align8>(Params)",
        "volta_h884gemm_64x64_ldg8_nn", "volta_fp16_s884cudnn_fp16_128x128_ldg8_dgrad_f2f_exp_interior_nhwc_nt_v1",
        "volta_sgemm_128x64_nt", "void cudnn::detail::implicit_convolve_sgemm<float, float, 128, 5, 5, 3, 3, 3, 1, true, false, true>(int, int, int, float const*, int, float*, float*, kernel_conv_params, int, float, float, int, float*, float*, int, int)",
        "volta_fp16_s884cudnn_fp16_256x64_ldg8_wgrad_idx_exp_interior_nhwc_nt_v1"};
    static const char* ew_names[] = {
        "void at::native::vectorized_elementwise_kernel<4, at::native::CUDAFunctor_add<c10::Half>, at::detail::Array<char*, 3> >(int, at::native::CUDAFunctor_add<c10::Half>, at::detail::Array<char*, 3>)",
        "void at::native::(anonymous namespace)::batch_norm_collect_statistics_kernel<at::native::(anonymous namespace)::InvStd, c10::Half, float, float, int>(at::GenericPackedTensorAccessor<c10::Half const, 3, at::RestrictPtrTraits, int>, float, float, at::GenericPackedTensorAccessor<float, 1, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<float, 1, at::RestrictPtrTraits, int>)",
        "void at::native::batch_norm_backward_kernel<c10::Half, float, float, int>(at::GenericPackedTensorAccessor<c10::Half const, 3, at::RestrictPtrTraits, int>)",
        "void at::native::reduce_kernel<512, 1, at::native::ReduceOp<float, at::native::MeanOps<float, float>, unsigned int, float, 4> >(at::native::ReduceOp<float, at::native::MeanOps<float, float>, unsigned int, float, 4>)",
        "void at::native::unrolled_elementwise_kernel<at::native::threshold_kernel_impl<c10::Half>, at::detail::Array<char*, 3> >(int)",
        "void nchwToNhwcKernel<__half, __half, float, true, false, (cudnnKernelDataType_t)0>(int, int, int, int, __half const*, __half*, float, float)",
        "void at::native::vectorized_elementwise_kernel<4, at::native::FillFunctor<c10::Half>, at::detail::Array<char*, 1> >(int)",
        "void cudnn::ops::scalePackedTensor_kernel<float, float>(cudnnTensor4dStruct, float*, float)",
        "void at::native::(anonymous namespace)::multi_tensor_apply_kernel<at::native::(anonymous namespace)::TensorListMetadata<4>, at::native::(anonymous namespace)::LambFunctor<float> >(int)",
        "void at::native::softmax_warp_forward<c10::Half, c10::Half, float, 10, false, false>(c10::Half*, c10::Half const*, int, int, int, bool const*, int, bool)",
        "void splitKreduce_kernel<32, 16, int, float, float, float, float, true, false, false>(cublasSplitKParams<float>, float const*, float const*, float*, float const*, float const*, float const*, float const*, float*, void*, long, float*, int*)",
        "void at::native::index_elementwise_kernel<128, 4, at::native::gpu_index_kernel<at::native::index_kernel_impl<at::native::OpaqueType<2> > >(int)"};
    std::vector<GroupMetrics> groups;
    const double total_time = 0.25;  // seconds
    for (size_t i = 0; i < n; ++i) {
        // Zipf-like time shares: the top few dominate.
        double t = total_time * 0.35 / std::pow(i + 1.0, 1.15) * (0.8 + 0.4 * u(rng));
        bool gemm = (i < 14 && i % 3 != 2) || u(rng) < 0.1;
        std::string name = gemm ? gemm_names[i % 8] : ew_names[i % 12];
        if (i >= 8) name += " #" + std::to_string(i);  // names stay unique
        FlopKind kind = gemm ? (i % 4 == 3 ? FlopKind::fp32 : FlopKind::tensor) : (u(rng) < 0.5 ? FlopKind::fp32 : FlopKind::fp16);
        // AI (DRAM): GEMMs 20..1000, elementwise 0.01..5, log-uniform.
        double lo = gemm ? std::log10(20.0) : -2, hi = gemm ? 3 : std::log10(5.0);
        double ai = std::pow(10.0, lo + (hi - lo) * u(rng));
        double peak = *peak_for_kind(m, kind);
        double eff = gemm ? 0.25 + 0.5 * u(rng) : 0.1 + 0.7 * u(rng);
        double rate = eff * std::min(peak, 900e9 * ai);
        double flops = rate * t;
        double dram = flops / ai;
        double l2 = dram * (1.3 + 3 * u(rng));
        double l1 = l2 * (1.1 + (gemm ? 6 : 1.5) * u(rng));
        auto launches = static_cast<uint64_t>(1 + std::floor(std::pow(10.0, 3.3 * u(rng))));
        // Launch overhead cannot exceed the measured time.
        launches = std::min<uint64_t>(launches, static_cast<uint64_t>(t / 6e-6) + 1);
        groups.push_back(make_group(name, kind, flops, l1, l2, dram, t, launches));
    }
    return make_report(m, std::move(groups));
}

} // namespace rafter::test
