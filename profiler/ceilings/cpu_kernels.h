#pragma once
// Measurement kernels for CPU ceilings: a STREAM-style triad for bandwidth and many independent
// FMA chains for peak FLOP/s. The vector ISA is chosen at run time (__builtin_cpu_supports) and
// each variant is compiled with its own target attribute, so one binary serves every x86 CPU.
#include <cstddef>
#include <cstdint>

namespace rafter::ceilings {

enum class Isa { scalar, avx2, avx512 };
const char* to_string(Isa isa);
Isa detect_isa();

// a[i] = b[i] + s * c[i] for i < n (n a multiple of 16; arrays 64-byte aligned). 24 bytes per
// element by STREAM's convention (write-allocate traffic not counted).
void triad(double* a, const double* b, const double* c, size_t n, double s, Isa isa);

// `iters` rounds of kFmaChains independent FMA chains on full vectors; returns a value that
// depends on every chain (so nothing is optimized away). FLOPs done: iters * fma_flops_per_iter.
constexpr int kFmaChains = 16;
double fma_loop_fp64(uint64_t iters, Isa isa);
double fma_loop_fp32(uint64_t iters, Isa isa);
double fma_flops_per_iter(Isa isa, bool fp64);

} // namespace rafter::ceilings
