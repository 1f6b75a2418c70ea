#pragma once
// Fitting the GEMM model (gemm_model.h) to measured GEMMs: the share of peak (max_fraction) and
// the fixed per-call overhead (overhead_s) that best reproduce measured times.
//
// Each distinct shape counts once, at the median of its measured times. Its model time is the
// model's own, t0 + max(a c, mem), with c = 2 B M N K / (peak x wave_fill) (the ideal compute
// time), mem = bytes / (DRAM x memory_fraction), a = 1/max_fraction and t0 = overhead_s. The fit
// minimises the squared relative errors sum ((t0 + max(a c_i, mem_i)) / t_i - 1)^2 over
// a in [1, 1000] (no share above peak) and t0 >= 0: t0 in closed form for each a, a by a log grid
// refined by golden-section search. Shapes that are memory-bound at the fitted share inform the
// overhead only; when every shape is memory-bound at any share there is no fit.
//
// Wave quantization (sms > 0) is a hypothesis about how the library tiles a GEMM; it does not hold
// for every library and shape. The fit is made with and without it and keeps the one whose
// leave-one-out error (each shape predicted by a fit to the others) is smaller, as the Extra-P
// fit of the scaling model chooses its hypothesis. Numbers in, numbers out.
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "model/scaling/gemm_model.h"

namespace rafter {

struct GemmPoint {
    double batch = 1, m = 0, n = 0, k = 0;
    double bytes = 0;       // the call's ideal DRAM traffic (inputs and output once)
    double peak_flops = 0;  // peak of the precision the GEMM ran in
    double time_s = 0;      // measured GPU time of one call
};

struct GemmFitShape {
    GemmPoint point;        // the shape, with the median measured time
    size_t calls = 0;       // measured calls of this shape
    bool memory_bound = false;  // at the fitted share, the memory term is the larger
    double model_s = 0;     // the fitted model's time
    double loo_model_s = 0; // the model fitted without this shape (leave-one-out)
};

struct GemmFit {
    double max_fraction = 0;
    double overhead_s = 0;
    int sms = 0;                      // the base's SM count when wave quantization was kept, else 0
    double other_loo_median_abs_error = -1;  // the hypothesis not kept (-1: only one was tried)
    size_t calls = 0;                 // measured calls of all shapes
    size_t memory_bound_shapes = 0;   // memory-bound at the fitted share
    double median_abs_error = 0;      // |model / measured - 1| over the fitted shapes
    double max_abs_error = 0;
    double loo_median_abs_error = 0;  // the same, each shape predicted by a fit without it
    double min_flops = 0, max_flops = 0;  // FLOPs per call of the fitted shapes
    std::vector<GemmFitShape> shapes;     // every shape, fitted or memory-bound, by FLOPs
};

inline constexpr size_t kGemmFitMinShapes = 3;

// `base` gives the wave quantization (sms, tiles) and the memory-bound test (dram_bandwidth,
// memory_fraction); its peak_flops is not used (each point has its own). nullopt with *why when
// fewer than kGemmFitMinShapes distinct shapes have a time, or all are memory-bound.
std::optional<GemmFit> fit_gemm_model(std::span<const GemmPoint> points, const GemmModel& base, std::string* why);

} // namespace rafter
