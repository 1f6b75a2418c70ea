// FMA peaks on the CUDA cores: fp64, fp32, fp16 (half2) and bf16 (bfloat162). Each thread runs
// kChains independent FMA chains (acc = acc*m + k), unrolled kUnroll times per loop iteration, with
// every SM filled to its occupancy limit, so that neither FMA latency nor loop overhead limits it.
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include "profiler/ceilings/gpu/bench_util.cuh"

namespace rafter::gpu_ceilings {

namespace {

constexpr int kThreads = 256;
constexpr int kChains = 8;
constexpr int kUnroll = 16;

__device__ __forceinline__ double fma_op(double a, double m, double k) { return fma(a, m, k); }
__device__ __forceinline__ float fma_op(float a, float m, float k) { return fmaf(a, m, k); }
__device__ __forceinline__ __half2 fma_op(__half2 a, __half2 m, __half2 k) { return __hfma2(a, m, k); }
__device__ __forceinline__ __nv_bfloat162 fma_op(__nv_bfloat162 a, __nv_bfloat162 m, __nv_bfloat162 k) {
#if !defined(__CUDA_ARCH__) || __CUDA_ARCH__ >= 800
    return __hfma2(a, m, k);
#else
    return a;  // never launched below sm_80 (the host checks the compute capability)
#endif
}

template <class T> __device__ __forceinline__ T add_op(T a, T b) { return a + b; }
template <> __device__ __forceinline__ __nv_bfloat162 add_op(__nv_bfloat162 a, __nv_bfloat162 b) {
#if !defined(__CUDA_ARCH__) || __CUDA_ARCH__ >= 800
    return __hadd2(a, b);
#else
    return a;
#endif
}

// `init` seeds the chains; m < 1 and k small keep the values finite for any iteration count.
template <class T> __global__ void fma_kernel(long long iters, T init, T m, T k, T* out) {
    T acc[kChains];
#pragma unroll
    for (int j = 0; j < kChains; ++j) acc[j] = init;
    for (long long i = 0; i < iters; ++i) {
#pragma unroll
        for (int u = 0; u < kUnroll; ++u) {
#pragma unroll
            for (int j = 0; j < kChains; ++j) acc[j] = fma_op(acc[j], m, k);
        }
    }
    T s = acc[0];
#pragma unroll
    for (int j = 1; j < kChains; ++j) s = add_op(s, acc[j]);
    out[static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x] = s;
}

template <class T>
void measure_fma(const DeviceFacts& d, const Settings& s, RafterGpuFigure& f, T init, T m, T k,
                 double flops_per_fma, const char* what) {
    int blocks = blocks_filling_device(fma_kernel<T>, kThreads, d);
    T* out = nullptr;
    check(cudaMalloc(&out, static_cast<size_t>(blocks) * kThreads * sizeof(T)), "cudaMalloc");
    Timing t;
    try {
        t = best_of([&](long long iters) { fma_kernel<T><<<blocks, kThreads>>>(iters, init, m, k, out); }, s);
    } catch (...) {
        cudaFree(out);
        throw;
    }
    cudaFree(out);
    double flops = static_cast<double>(blocks) * kThreads * kChains * kUnroll * flops_per_fma * static_cast<double>(t.reps);
    set_figure(f, flops / t.seconds,
               format("%s FMA loop, %d independent chains x %d unrolled per thread, %d blocks x %d threads (%d per SM, "
                      "%d SMs), %lld iterations per trial, best of %d trials timed with cudaEvents; %g FLOP per "
                      "instruction per thread; clocks not locked",
                      what, kChains, kUnroll, blocks, kThreads, blocks / d.sm_count, d.sm_count, t.reps, t.trials,
                      flops_per_fma));
}

} // namespace

void measure_fma_peaks(const DeviceFacts& d, const Settings& s, RafterGpuCeilings& out) {
    measure_into(out.figures[RAFTER_GPU_FP32], "fp32 FMA", [&] {
        measure_fma<float>(d, s, out.figures[RAFTER_GPU_FP32], 1.0f, 0.999f, 0.001f, 2.0, "fp32 fmaf");
    });
    measure_into(out.figures[RAFTER_GPU_FP64], "fp64 FMA", [&] {
        measure_fma<double>(d, s, out.figures[RAFTER_GPU_FP64], 1.0, 0.999, 0.001, 2.0, "fp64 fma");
    });
    measure_into(out.figures[RAFTER_GPU_FP16], "fp16 FMA", [&] {
        measure_fma<__half2>(d, s, out.figures[RAFTER_GPU_FP16], __floats2half2_rn(1.0f, 0.5f),
                             __floats2half2_rn(0.999f, 0.999f), __floats2half2_rn(0.001f, 0.001f), 4.0,
                             "fp16 __hfma2 (half2)");
    });
    if (d.cc_major < 8) {
        fail_figure(out.figures[RAFTER_GPU_BF16], format("bf16 arithmetic needs compute capability 8.0; this device is %d.%d",
                                                         d.cc_major, d.cc_minor));
    } else {
        measure_into(out.figures[RAFTER_GPU_BF16], "bf16 FMA", [&] {
            measure_fma<__nv_bfloat162>(d, s, out.figures[RAFTER_GPU_BF16], __floats2bfloat162_rn(1.0f, 0.5f),
                                        __floats2bfloat162_rn(0.999f, 0.999f), __floats2bfloat162_rn(0.001f, 0.001f),
                                        4.0, "bf16 __hfma2 (bfloat162)");
        });
    }
}

} // namespace rafter::gpu_ceilings
