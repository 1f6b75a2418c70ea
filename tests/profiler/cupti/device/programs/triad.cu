// STREAM-style triad a = b + s * c over N floats. Each launch must move 3 * N * 4 bytes through
// DRAM (two arrays read, one written; full sectors, so no read-for-ownership) as long as the
// arrays are much larger than L2.  usage: triad [N] [REPS]
#include <cstdio>
#include <cstdlib>
#include <cuda_runtime.h>

__global__ void fill(float* x, float v, size_t n) {
    for (size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<size_t>(gridDim.x) * blockDim.x)
        x[i] = v;
}

__global__ void triad(float* a, const float* b, const float* c, float s, size_t n) {
    for (size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<size_t>(gridDim.x) * blockDim.x)
        a[i] = b[i] + s * c[i];
}

#define CHECK(call)                                                                      \
    do {                                                                                 \
        cudaError_t e_ = (call);                                                         \
        if (e_ != cudaSuccess) {                                                         \
            std::fprintf(stderr, "triad: %s: %s\n", #call, cudaGetErrorString(e_));      \
            return 1;                                                                    \
        }                                                                                \
    } while (0)

int main(int argc, char** argv) {
    size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : (size_t{1} << 27);
    int reps = argc > 2 ? std::atoi(argv[2]) : 1;
    float *a, *b, *c;
    CHECK(cudaMalloc(&a, n * sizeof(float)));
    CHECK(cudaMalloc(&b, n * sizeof(float)));
    CHECK(cudaMalloc(&c, n * sizeof(float)));
    const int threads = 256;
    const int blocks = 1024;
    fill<<<blocks, threads>>>(b, 1.0f, n);
    fill<<<blocks, threads>>>(c, 2.0f, n);
    fill<<<blocks, threads>>>(a, 0.0f, n);
    for (int r = 0; r < reps; ++r) triad<<<blocks, threads>>>(a, b, c, 3.0f, n);
    CHECK(cudaGetLastError());
    CHECK(cudaDeviceSynchronize());
    float first = 0;
    CHECK(cudaMemcpy(&first, a, sizeof first, cudaMemcpyDeviceToHost));
    if (first != 7.0f) {
        std::fprintf(stderr, "triad: wrong result %g\n", first);
        return 1;
    }
    std::printf("triad n=%zu reps=%d bytes_per_launch=%zu\n", n, reps, 3 * n * sizeof(float));
    cudaFree(a);
    cudaFree(b);
    cudaFree(c);
    return 0;
}
