#include "profiler/ceilings/cpu_kernels.h"

#include <immintrin.h>

namespace rafter::ceilings {

const char* to_string(Isa isa) {
    switch (isa) {
    case Isa::avx512: return "avx512";
    case Isa::avx2: return "avx2";
    default: return "scalar";
    }
}

Isa detect_isa() {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return Isa::avx512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Isa::avx2;
    return Isa::scalar;
}

double fma_flops_per_iter(Isa isa, bool fp64) {
    int lanes = isa == Isa::avx512 ? 8 : isa == Isa::avx2 ? 4 : 1;
    if (!fp64) lanes *= 2;
    return 2.0 * kFmaChains * lanes;
}

namespace {

__attribute__((target("avx512f"))) void triad_avx512(double* a, const double* b, const double* c, size_t n, double s) {
    __m512d vs = _mm512_set1_pd(s);
    for (size_t i = 0; i < n; i += 16) {
        __m512d x0 = _mm512_fmadd_pd(vs, _mm512_load_pd(c + i), _mm512_load_pd(b + i));
        __m512d x1 = _mm512_fmadd_pd(vs, _mm512_load_pd(c + i + 8), _mm512_load_pd(b + i + 8));
        _mm512_store_pd(a + i, x0);
        _mm512_store_pd(a + i + 8, x1);
    }
}

__attribute__((target("avx2,fma"))) void triad_avx2(double* a, const double* b, const double* c, size_t n, double s) {
    __m256d vs = _mm256_set1_pd(s);
    for (size_t i = 0; i < n; i += 16)
        for (size_t k = 0; k < 16; k += 4)
            _mm256_store_pd(a + i + k, _mm256_fmadd_pd(vs, _mm256_load_pd(c + i + k), _mm256_load_pd(b + i + k)));
}

void triad_scalar(double* a, const double* b, const double* c, size_t n, double s) {
    for (size_t i = 0; i < n; ++i) a[i] = b[i] + s * c[i];
}

// Each chain is acc = acc * m + k: dependent within a chain, independent across chains, so
// kFmaChains chains keep every FMA pipe busy (latency 4-5 cycles x 2 pipes needs >= 10).
// m < 1 keeps values bounded and normal. The chain loop is unrolled so that the accumulators
// live in registers: left rolled, GCC -O2 keeps acc[] in memory and a load and a store per FMA
// halve the measured peak.
__attribute__((target("avx512f"))) double fma_avx512_fp64(uint64_t iters) {
    __m512d acc[kFmaChains];
    for (int j = 0; j < kFmaChains; ++j) acc[j] = _mm512_set1_pd(1.0 + j * 1e-3);
    const __m512d m = _mm512_set1_pd(0.999999), k = _mm512_set1_pd(1e-6);
    for (uint64_t i = 0; i < iters; ++i)
#pragma GCC unroll 16
        for (int j = 0; j < kFmaChains; ++j) acc[j] = _mm512_fmadd_pd(acc[j], m, k);
    __m512d sum = acc[0];
    for (int j = 1; j < kFmaChains; ++j) sum = _mm512_add_pd(sum, acc[j]);
    // Store and add instead of _mm512_reduce_add_pd: GCC 12's version trips -Wuninitialized.
    alignas(64) double lanes[8];
    _mm512_store_pd(lanes, sum);
    double total = 0;
    for (double v : lanes) total += v;
    return total;
}

__attribute__((target("avx512f"))) double fma_avx512_fp32(uint64_t iters) {
    __m512 acc[kFmaChains];
    for (int j = 0; j < kFmaChains; ++j) acc[j] = _mm512_set1_ps(1.0f + j * 1e-3f);
    const __m512 m = _mm512_set1_ps(0.9999f), k = _mm512_set1_ps(1e-4f);
    for (uint64_t i = 0; i < iters; ++i)
#pragma GCC unroll 16
        for (int j = 0; j < kFmaChains; ++j) acc[j] = _mm512_fmadd_ps(acc[j], m, k);
    __m512 sum = acc[0];
    for (int j = 1; j < kFmaChains; ++j) sum = _mm512_add_ps(sum, acc[j]);
    alignas(64) float lanes[16];
    _mm512_store_ps(lanes, sum);
    double total = 0;
    for (float v : lanes) total += v;
    return total;
}

__attribute__((target("avx2,fma"))) double fma_avx2_fp64(uint64_t iters) {
    __m256d acc[kFmaChains];
    for (int j = 0; j < kFmaChains; ++j) acc[j] = _mm256_set1_pd(1.0 + j * 1e-3);
    const __m256d m = _mm256_set1_pd(0.999999), k = _mm256_set1_pd(1e-6);
    for (uint64_t i = 0; i < iters; ++i)
#pragma GCC unroll 16
        for (int j = 0; j < kFmaChains; ++j) acc[j] = _mm256_fmadd_pd(acc[j], m, k);
    double out[4];
    __m256d sum = acc[0];
    for (int j = 1; j < kFmaChains; ++j) sum = _mm256_add_pd(sum, acc[j]);
    _mm256_storeu_pd(out, sum);
    return out[0] + out[1] + out[2] + out[3];
}

__attribute__((target("avx2,fma"))) double fma_avx2_fp32(uint64_t iters) {
    __m256 acc[kFmaChains];
    for (int j = 0; j < kFmaChains; ++j) acc[j] = _mm256_set1_ps(1.0f + j * 1e-3f);
    const __m256 m = _mm256_set1_ps(0.9999f), k = _mm256_set1_ps(1e-4f);
    for (uint64_t i = 0; i < iters; ++i)
#pragma GCC unroll 16
        for (int j = 0; j < kFmaChains; ++j) acc[j] = _mm256_fmadd_ps(acc[j], m, k);
    float out[8];
    __m256 sum = acc[0];
    for (int j = 1; j < kFmaChains; ++j) sum = _mm256_add_ps(sum, acc[j]);
    _mm256_storeu_ps(out, sum);
    double r = 0;
    for (float f : out) r += f;
    return r;
}

template <class T>
double fma_scalar(uint64_t iters) {
    T acc[kFmaChains];
    for (int j = 0; j < kFmaChains; ++j) acc[j] = T(1) + T(j) * T(1e-3);
    const T m = T(0.9999), k = T(1e-4);
    for (uint64_t i = 0; i < iters; ++i)
#pragma GCC unroll 16
        for (int j = 0; j < kFmaChains; ++j) acc[j] = acc[j] * m + k;
    double r = 0;
    for (T a : acc) r += static_cast<double>(a);
    return r;
}

} // namespace

void triad(double* a, const double* b, const double* c, size_t n, double s, Isa isa) {
    switch (isa) {
    case Isa::avx512: triad_avx512(a, b, c, n, s); break;
    case Isa::avx2: triad_avx2(a, b, c, n, s); break;
    default: triad_scalar(a, b, c, n, s); break;
    }
}

double fma_loop_fp64(uint64_t iters, Isa isa) {
    switch (isa) {
    case Isa::avx512: return fma_avx512_fp64(iters);
    case Isa::avx2: return fma_avx2_fp64(iters);
    default: return fma_scalar<double>(iters);
    }
}

double fma_loop_fp32(uint64_t iters, Isa isa) {
    switch (isa) {
    case Isa::avx512: return fma_avx512_fp32(iters);
    case Isa::avx2: return fma_avx2_fp32(iters);
    default: return fma_scalar<float>(iters);
    }
}

} // namespace rafter::ceilings
