// One cuBLAS GEMM of known shape, for checking measured FLOPs against 2*M*N*K.
//   gemm sgemm|hgemm|bf16 M N K
// sgemm: FP32 on the SIMT pipes (pedantic math: no TF32 tensor cores), counted as fp32 FLOPs.
// hgemm / bf16: FP16 / BF16 inputs with FP32 accumulation on tensor cores.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cublas_v2.h>
#include <cuda_runtime.h>

#define CUDA_CHECK(call)                                                              \
    do {                                                                              \
        cudaError_t e_ = (call);                                                      \
        if (e_ != cudaSuccess) {                                                      \
            std::fprintf(stderr, "gemm: %s: %s\n", #call, cudaGetErrorString(e_));    \
            return 1;                                                                 \
        }                                                                             \
    } while (0)
#define BLAS_CHECK(call)                                                              \
    do {                                                                              \
        cublasStatus_t s_ = (call);                                                   \
        if (s_ != CUBLAS_STATUS_SUCCESS) {                                            \
            std::fprintf(stderr, "gemm: %s: status %d\n", #call, static_cast<int>(s_)); \
            return 1;                                                                 \
        }                                                                             \
    } while (0)

int main(int argc, char** argv) {
    if (argc != 5) {
        std::fprintf(stderr, "usage: gemm sgemm|hgemm|bf16 M N K\n");
        return 2;
    }
    const char* kind = argv[1];
    const int m = std::atoi(argv[2]), n = std::atoi(argv[3]), k = std::atoi(argv[4]);
    const bool fp32 = std::strcmp(kind, "sgemm") == 0;
    const bool half = std::strcmp(kind, "hgemm") == 0;
    const bool bf16 = std::strcmp(kind, "bf16") == 0;
    if (!(fp32 || half || bf16) || m <= 0 || n <= 0 || k <= 0) {
        std::fprintf(stderr, "usage: gemm sgemm|hgemm|bf16 M N K\n");
        return 2;
    }
    const size_t elem = fp32 ? 4 : 2;
    void *a, *b, *c;
    CUDA_CHECK(cudaMalloc(&a, elem * m * k));
    CUDA_CHECK(cudaMalloc(&b, elem * k * n));
    CUDA_CHECK(cudaMalloc(&c, elem * m * n));
    // Zeros: the instruction counts of a GEMM do not depend on the values.
    CUDA_CHECK(cudaMemset(a, 0, elem * m * k));
    CUDA_CHECK(cudaMemset(b, 0, elem * k * n));
    cublasHandle_t h;
    BLAS_CHECK(cublasCreate(&h));
    const float alpha = 1.0f, beta = 0.0f;
    if (fp32) {
        BLAS_CHECK(cublasSetMathMode(h, CUBLAS_PEDANTIC_MATH));
        BLAS_CHECK(cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, m, n, k, &alpha, static_cast<const float*>(a), m,
                               static_cast<const float*>(b), k, &beta, static_cast<float*>(c), m));
    } else {
        const cudaDataType t = half ? CUDA_R_16F : CUDA_R_16BF;
        BLAS_CHECK(cublasGemmEx(h, CUBLAS_OP_N, CUBLAS_OP_N, m, n, k, &alpha, a, t, m, b, t, k, &beta, c, t, m,
                                CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
    }
    CUDA_CHECK(cudaDeviceSynchronize());
    BLAS_CHECK(cublasDestroy(h));
    std::printf("gemm %s m=%d n=%d k=%d flops=%.0f\n", kind, m, n, k, 2.0 * m * n * k);
    cudaFree(a);
    cudaFree(b);
    cudaFree(c);
    return 0;
}
