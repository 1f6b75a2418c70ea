// Tensor-core peaks with WMMA (mma.h): each warp keeps its A and B fragments in registers and runs
// kAccs independent accumulators through mma_sync, every SM filled to its occupancy limit.
// FLOPs = 2*M*N*K per mma_sync per warp. WMMA compiles to mma.sync; on Hopper the full tensor
// peak needs wgmma (asynchronous warpgroup MMA), which WMMA does not use, so there the figure is
// the ceiling of mma.sync code, below the data sheet.
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <mma.h>

#include <vector>

#include "profiler/ceilings/gpu/bench_util.cuh"

namespace rafter::gpu_ceilings {

namespace {

using namespace nvcuda;

constexpr int kThreads = 256;
constexpr int kAccs = 4;

// Storage is what load_matrix_sync reads (float for tf32); Elem the fragment type.
template <class Elem, class Storage, class Acc, int M, int N, int K>
__device__ __forceinline__ void wmma_loop(long long iters, const Storage* a_src, const Storage* b_src, Acc* out) {
    wmma::fragment<wmma::matrix_a, M, N, K, Elem, wmma::row_major> a;
    wmma::fragment<wmma::matrix_b, M, N, K, Elem, wmma::col_major> b;
    wmma::fragment<wmma::accumulator, M, N, K, Acc> c[kAccs];
    wmma::load_matrix_sync(a, a_src, K);
    wmma::load_matrix_sync(b, b_src, K);
#pragma unroll
    for (int j = 0; j < kAccs; ++j) wmma::fill_fragment(c[j], Acc(0));
    for (long long i = 0; i < iters; ++i) {
#pragma unroll
        for (int j = 0; j < kAccs; ++j) wmma::mma_sync(c[j], a, b, c[j]);
    }
#pragma unroll
    for (int j = 1; j < kAccs; ++j)
        for (int e = 0; e < c[0].num_elements; ++e) c[0].x[e] += c[j].x[e];
    size_t warp = (static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x) / 32;
    wmma::store_matrix_sync(out + warp * M * N, c[0], N, wmma::mem_row_major);
}

__global__ void wmma_fp16_kernel(long long iters, const __half* a, const __half* b, float* out) {
    wmma_loop<__half, __half, float, 16, 16, 16>(iters, a, b, out);
}
__global__ void wmma_int8_kernel(long long iters, const signed char* a, const signed char* b, int* out) {
#if !defined(__CUDA_ARCH__) || __CUDA_ARCH__ >= 720
    wmma_loop<signed char, signed char, int, 16, 16, 16>(iters, a, b, out);
#endif
}
__global__ void wmma_bf16_kernel(long long iters, const __nv_bfloat16* a, const __nv_bfloat16* b, float* out) {
#if !defined(__CUDA_ARCH__) || __CUDA_ARCH__ >= 800
    wmma_loop<__nv_bfloat16, __nv_bfloat16, float, 16, 16, 16>(iters, a, b, out);
#endif
}
__global__ void wmma_tf32_kernel(long long iters, const float* a, const float* b, float* out) {
#if !defined(__CUDA_ARCH__) || __CUDA_ARCH__ >= 800
    wmma_loop<wmma::precision::tf32, float, float, 16, 16, 8>(iters, a, b, out);
#endif
}
__global__ void wmma_fp64_kernel(long long iters, const double* a, const double* b, double* out) {
#if !defined(__CUDA_ARCH__) || __CUDA_ARCH__ >= 800
    wmma_loop<double, double, double, 8, 8, 4>(iters, a, b, out);
#endif
}

template <class T> struct DeviceArray {
    T* p = nullptr;
    explicit DeviceArray(size_t n) { check(cudaMalloc(&p, n * sizeof(T)), "cudaMalloc"); }
    DeviceArray(const std::vector<T>& host) : DeviceArray(host.size()) {
        check(cudaMemcpy(p, host.data(), host.size() * sizeof(T), cudaMemcpyHostToDevice), "cudaMemcpy");
    }
    ~DeviceArray() { cudaFree(p); }
    DeviceArray(const DeviceArray&) = delete;
    DeviceArray& operator=(const DeviceArray&) = delete;
};

// Small non-zero inputs (power, and so clocks, depend on the data: zeros would flatter the peak).
template <class Storage, class Convert> std::vector<Storage> matrix(int elems, Convert convert) {
    std::vector<Storage> v(static_cast<size_t>(elems));
    for (int i = 0; i < elems; ++i) v[static_cast<size_t>(i)] = convert(0.01f * static_cast<float>(1 + i % 7));
    return v;
}

template <class Storage, class Acc, class Kernel, class Convert>
void measure_wmma(const DeviceFacts& d, const Settings& s, RafterGpuFigure& f, Kernel kernel, Convert convert, int m,
                  int n, int k, const char* what) {
    int blocks = blocks_filling_device(kernel, kThreads, d);
    DeviceArray<Storage> a(matrix<Storage>(m * k, convert)), b(matrix<Storage>(k * n, convert));
    DeviceArray<Acc> out(static_cast<size_t>(blocks) * (kThreads / 32) * m * n);
    Timing t = best_of([&](long long iters) { kernel<<<blocks, kThreads>>>(iters, a.p, b.p, out.p); }, s);
    double per_mma = 2.0 * m * n * k;
    double flops = static_cast<double>(blocks) * (kThreads / 32) * kAccs * per_mma * static_cast<double>(t.reps);
    set_figure(f, flops / t.seconds,
               format("WMMA %s m%dn%dk%d mma_sync loop (mma.sync%s), %d independent accumulators per warp, %d blocks x "
                      "%d threads (%d per SM, %d SMs), %lld iterations per trial, best of %d trials timed with "
                      "cudaEvents; 2*M*N*K = %g per mma_sync; clocks not locked",
                      what, m, n, k, d.cc_major >= 9 ? ", not wgmma: below the Hopper data-sheet peak" : "", kAccs,
                      blocks, kThreads, blocks / d.sm_count, d.sm_count, t.reps, t.trials, per_mma));
}

void needs_sm80(const DeviceFacts& d, RafterGpuFigure& f, const char* what) {
    fail_figure(f, format("%s tensor cores need compute capability 8.0; this device is %d.%d", what, d.cc_major,
                          d.cc_minor));
}

} // namespace

void measure_tensor_peaks(const DeviceFacts& d, const Settings& s, RafterGpuCeilings& out) {
    measure_into(out.figures[RAFTER_GPU_TENSOR_FP16], "WMMA fp16", [&] {
        measure_wmma<__half, float>(d, s, out.figures[RAFTER_GPU_TENSOR_FP16], wmma_fp16_kernel,
                                    [](float v) { return __float2half(v); }, 16, 16, 16, "fp16 x fp16 + fp32");
    });
    measure_into(out.figures[RAFTER_GPU_TENSOR_INT8], "WMMA int8", [&] {
        measure_wmma<signed char, int>(d, s, out.figures[RAFTER_GPU_TENSOR_INT8], wmma_int8_kernel,
                                       [](float v) { return static_cast<signed char>(v * 100); }, 16, 16, 16,
                                       "s8 x s8 + s32");
    });
    if (d.cc_major < 8) {
        needs_sm80(d, out.figures[RAFTER_GPU_TENSOR_BF16], "bf16");
        needs_sm80(d, out.figures[RAFTER_GPU_TENSOR_TF32], "tf32");
        needs_sm80(d, out.figures[RAFTER_GPU_TENSOR_FP64], "fp64");
        return;
    }
    measure_into(out.figures[RAFTER_GPU_TENSOR_BF16], "WMMA bf16", [&] {
        measure_wmma<__nv_bfloat16, float>(d, s, out.figures[RAFTER_GPU_TENSOR_BF16], wmma_bf16_kernel,
                                           [](float v) { return __float2bfloat16(v); }, 16, 16, 16,
                                           "bf16 x bf16 + fp32");
    });
    measure_into(out.figures[RAFTER_GPU_TENSOR_TF32], "WMMA tf32", [&] {
        measure_wmma<float, float>(d, s, out.figures[RAFTER_GPU_TENSOR_TF32], wmma_tf32_kernel,
                                   [](float v) { return v; }, 16, 16, 8, "tf32 x tf32 + fp32");
    });
    measure_into(out.figures[RAFTER_GPU_TENSOR_FP64], "WMMA fp64", [&] {
        measure_wmma<double, double>(d, s, out.figures[RAFTER_GPU_TENSOR_FP64], wmma_fp64_kernel,
                                     [](float v) { return static_cast<double>(v); }, 8, 8, 4, "fp64 x fp64 + fp64");
    });
}

} // namespace rafter::gpu_ceilings
