#include "model/scaling/gemm_model.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace rafter {

namespace {
constexpr double kA100MaxFraction = 0.905;  // docs/validation/scaling.md, "Transformer step time"
} // namespace

double GemmModel::wave_fill(double tiles) const {
    if (sms <= 0 || tiles <= 0) return 1;
    double waves = std::ceil(tiles / sms);
    return tiles / (waves * sms);
}

double GemmModel::blocks(double m, double n, double k, double batch) const {
    double tiles = batch * std::ceil(m / tile_m) * std::ceil(n / tile_n);
    if (sms <= 0 || tiles >= sms) return tiles;
    double split = std::min(std::floor(sms / tiles), std::floor(k / split_k_min_depth));
    return tiles * std::max(1.0, split);
}

double GemmModel::ideal_compute_s(double m, double n, double k, double batch) const {
    if (m <= 0 || n <= 0 || k <= 0 || batch <= 0) return 0;
    return 2 * batch * m * n * k / (peak_flops * wave_fill(blocks(m, n, k, batch)));
}

double GemmModel::gemm_s(double m, double n, double k, double batch, double dtype_bytes) const {
    if (m <= 0 || n <= 0 || k <= 0 || batch <= 0) return 0;
    double compute = ideal_compute_s(m, n, k, batch) / max_fraction;
    double memory = memory_s(dtype_bytes * batch * (m * k + k * n + m * n));
    return overhead_s + std::max(compute, memory);
}

double GemmModel::memory_s(double bytes) const { return bytes <= 0 ? 0 : bytes / (dram_bandwidth * memory_fraction); }

std::optional<GemmDefaults> builtin_gemm_defaults(std::string_view machine) {
    // Fitted once to one published step time and frozen before the other rows were compared
    // (docs/validation/scaling.md, "Transformer step time").
    static const char* kA100 =
        "fitted to one row, GPT 22B TP8 full recompute 1.42 s, of Korthikanti et al. 2022 Table 5; the other "
        "rows are held out (docs/validation/scaling.md)";
    // PyTorch 8192^3 bf16 matmuls on an H200, medians of 10 CUDA-event timings: 766.9 and 780.3
    // TFLOP/s of 989.4 (docs/validation/gpu-ceilings.md, 2026-12-04).
    static const char* kH200 = "measured: PyTorch 8192^3 bf16 matmul on an H200, 767-780 of 989 TFLOP/s "
                               "(docs/validation/gpu-ceilings.md, 2026-12-04)";
    static const char* kH100 = "as h200-sxm (same GH100 die, SM count and clocks; an 8192^3 GEMM does not feel "
                               "the H200's extra bandwidth); not measured on an H100";
    struct Entry {
        const char* name;
        GemmDefaults d;
    };
    static const Entry kTable[] = {
        {"a100-sxm4-80gb", {108, kA100MaxFraction, kA100}},
        {"a100-sxm4-40gb", {108, kA100MaxFraction, kA100}},
        {"h200-sxm", {132, 0.78, kH200}},
        {"h100-sxm", {132, 0.78, kH100}},
    };
    for (const auto& e : kTable)
        if (machine == e.name) return e.d;
    return std::nullopt;
}

void validate_gemm_model(const GemmModel& g, const std::string& origin) {
    auto bad = [&](const std::string& what) {
        throw Error(ExitCode::bad_input, what, SourcePosition{origin, PositionKind::none, 0});
    };
    if (!(std::isfinite(g.peak_flops) && g.peak_flops > 0)) bad("the GEMM peak FLOP/s must be > 0");
    if (!(g.max_fraction > 0 && g.max_fraction <= 1)) bad("gemm.max_fraction must be in (0, 1]");
    if (!(std::isfinite(g.dram_bandwidth) && g.dram_bandwidth > 0)) bad("the DRAM bandwidth must be > 0");
    if (!(g.memory_fraction > 0 && g.memory_fraction <= 1)) bad("gemm.memory_fraction must be in (0, 1]");
    if (g.sms < 0) bad("gemm.sms must be >= 0");
    if (!(std::isfinite(g.overhead_s) && g.overhead_s >= 0 && g.overhead_s < 1)) bad("gemm.overhead_s must be in [0, 1) seconds");
    if (g.tile_m < 1 || g.tile_n < 1) bad("gemm.tile sizes must be >= 1");
    if (g.split_k_min_depth < 1) bad("gemm.split_k_min_depth must be >= 1");
}

} // namespace rafter
