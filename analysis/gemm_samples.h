#pragma once
// The GEMM calls a profile measured: for each framework op call of the GEMM family (aten::mm,
// addmm, bmm, baddbmm, matmul, linear, _scaled_mm) with recorded shapes, its product's
// dimensions, precision, ideal bytes and GPU time (the sum of the kernels it launched). Calls
// with a kernel without a time, or without kernels, are left out and counted. These feed the
// GEMM model's fit (model/scaling/gemm_fit.h): `rafter calibrate gemm` and `rafter scale
// --profile` (docs/scaling.md, "GEMM efficiency from a profile").
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/metric_kinds.h"
#include "model/machines/machine.h"
#include "model/ops/op_costs.h"
#include "model/scaling/gemm_fit.h"
#include "traces/trace.h"

namespace rafter {

struct GemmSample {
    GemmShape shape;
    double bytes = 0;
    FlopKind kind = FlopKind::fp32;
    double time_s = 0;
    std::string op;  // "aten::addmm"
};

struct GemmSamples {
    std::vector<GemmSample> samples;
    uint64_t calls_without_time = 0;  // a kernel of the call has no duration
};

GemmSamples measured_gemms(const std::vector<Trace>& traces);

// The samples of the given precisions as fit points, each with its kind's peak on `machine`
// (samples of a kind the machine has no peak for are skipped).
std::vector<GemmPoint> gemm_points(const std::vector<GemmSample>& samples, const Machine& machine,
                                   const std::vector<FlopKind>& kinds);

// The GEMM model fitted to a profile's GEMMs, one fit per precision the profile ran GEMMs in.
struct GemmCalibrationEntry {
    FlopKind kind = FlopKind::fp32;
    std::optional<double> peak_flops;  // the machine's peak of that precision
    size_t calls = 0;                  // measured calls of that precision
    std::optional<GemmFit> fit;
    std::string why_not;               // when fit is nullopt
};

struct GemmCalibration {
    std::string machine;   // the machine's name
    GemmModel base;        // SM count and tile (builtin_gemm_defaults), DRAM bandwidth of the machine
    std::vector<GemmCalibrationEntry> entries;  // most calls first
    uint64_t calls_without_time = 0;
};

GemmCalibration calibrate_gemm(const std::vector<Trace>& traces, const Machine& machine);

// The entry for GEMMs with `dtype_bytes`-byte operands: tensor bf16 or fp16 for 2 bytes, tf32 or
// fp32 for 4 (the fitted one with the most calls); null when none was fitted.
const GemmCalibrationEntry* calibration_for_dtype(const GemmCalibration& c, double dtype_bytes);

} // namespace rafter
