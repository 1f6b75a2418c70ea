#pragma once
// Time of a GEMM and of a memory-bound op on one GPU, for the transformer compute model.
//
// A GEMM of M x N x K (batch B) is cut into output tiles of tile_m x tile_n, run in waves of one
// tile per SM (NVIDIA, "Matrix Multiplication Background User's Guide", tile and wave
// quantization). Its time is the larger of
//     compute: 2 B M N K / (peak x max_fraction x wave_fill)
//     memory:  dtype x B (MK + KN + MN) / (dram x memory_fraction)
// where wave_fill = tiles / (waves x SMs) is the share of the last wave's SMs that have work,
// averaged over the waves (when the output has fewer tiles than SMs, K is split into slices of at
// least split_k_min_depth so that up to one slice per SM runs: cuBLAS's split-K, whose
// splitKreduce kernels PyTorch profiles show), and max_fraction the share of peak a large, well-shaped GEMM reaches.
// Memory-bound ops (LayerNorm, dropout, softmax, GeLU) take bytes / (dram x memory_fraction).
#include <optional>
#include <string>
#include <string_view>

namespace rafter {

struct GemmModel {
    double peak_flops = 0;          // FLOP/s of the precision the GEMMs run in (tensor bf16/fp16)
    double max_fraction = 0;        // share of peak reached by large GEMMs, in (0, 1]
    double dram_bandwidth = 0;      // bytes/s
    double memory_fraction = 0.85;  // share of DRAM bandwidth reached by streaming ops
    int sms = 0;                    // streaming multiprocessors (0: no wave quantization)
    int tile_m = 256, tile_n = 128; // the output tile of one thread block
    int split_k_min_depth = 256;    // the shallowest K slice of a split-K GEMM
    double overhead_s = 0;          // fixed seconds per GEMM call
    std::string source;             // where max_fraction (and overhead_s) come from
    std::string machine;            // the built-in machine the peaks come from, if any
    bool given_in_scenario = false; // max_fraction set by the scenario itself (a fit must not replace it)

    // Seconds for `batch` independent GEMMs of m x n x k with `dtype_bytes` elements (one call).
    double gemm_s(double m, double n, double k, double batch = 1, double dtype_bytes = 2) const;
    // The compute part alone at max_fraction 1: 2 B M N K / (peak x wave_fill).
    double ideal_compute_s(double m, double n, double k, double batch = 1) const;
    // Thread blocks of the GEMM: output tiles times K slices.
    double blocks(double m, double n, double k, double batch = 1) const;
    // Seconds for an op that moves `bytes` through DRAM.
    double memory_s(double bytes) const;
    // wave_fill of `tiles` tiles (1 without SM count).
    double wave_fill(double tiles) const;
};

// Built-in GEMM figures of a machine (by built-in machine name): SM count and max_fraction with
// where it comes from. nullopt for machines without a figure (the scenario then gives
// system.gemm.max_fraction itself).
struct GemmDefaults {
    int sms = 0;
    double max_fraction = 0;
    const char* source = "";
};
std::optional<GemmDefaults> builtin_gemm_defaults(std::string_view machine);

// Throws rafter::Error(bad_input) naming `origin` when a field is out of range.
void validate_gemm_model(const GemmModel& g, const std::string& origin = {});

} // namespace rafter
