#include "analysis/gemm_samples.h"

#include <algorithm>

#include "analysis/analytic_costs.h"
#include "analysis/op_attribution.h"
#include "analysis/roofline_formulas.h"

namespace rafter {

GemmSamples measured_gemms(const std::vector<Trace>& traces) {
    GemmSamples out;
    for (const Trace& tr : traces) {
        const OpAttribution attr = attribute_ops(tr);
        const KernelsByOp kernels_of(attr);
        OpCostTable costs(tr);
        for (size_t op = 0; op < kernels_of.ops(); ++op) {
            auto rows = kernels_of.of(op);
            if (rows.empty()) continue;
            const auto cost = with_kernel_precision(costs.cost(op), tr, rows);
            if (!cost || !cost->gemm) continue;
            double time = 0;
            bool timed = true;
            for (uint32_t r : rows) {
                Value t = kernel_time(tr.kernels, r);
                if (!t.has()) timed = false;
                time += t.value;
            }
            if (!timed) {
                ++out.calls_without_time;
                continue;
            }
            out.samples.push_back({*cost->gemm, cost->bytes, cost->flop_kind, time, std::string(tr.strings.get(tr.cpu_ops[op].name))});
        }
    }
    return out;
}

std::vector<GemmPoint> gemm_points(const std::vector<GemmSample>& samples, const Machine& machine,
                                   const std::vector<FlopKind>& kinds) {
    std::vector<GemmPoint> out;
    for (const GemmSample& s : samples) {
        if (std::find(kinds.begin(), kinds.end(), s.kind) == kinds.end()) continue;
        auto peak = machine.peak(s.kind);
        if (!peak) continue;
        out.push_back({s.shape.batch, s.shape.m, s.shape.n, s.shape.k, s.bytes, *peak, s.time_s});
    }
    return out;
}

GemmCalibration calibrate_gemm(const std::vector<Trace>& traces, const Machine& machine) {
    GemmCalibration c;
    c.machine = machine.name;
    if (auto d = builtin_gemm_defaults(machine.name)) c.base.sms = d->sms;
    if (auto bw = machine.bw(MemLevel::dram)) c.base.dram_bandwidth = *bw;
    GemmSamples s = measured_gemms(traces);
    c.calls_without_time = s.calls_without_time;
    std::vector<FlopKind> kinds;
    for (const GemmSample& g : s.samples)
        if (std::find(kinds.begin(), kinds.end(), g.kind) == kinds.end()) kinds.push_back(g.kind);
    for (FlopKind k : kinds) {
        GemmCalibrationEntry e;
        e.kind = k;
        e.peak_flops = machine.peak(k);
        e.calls = static_cast<size_t>(std::count_if(s.samples.begin(), s.samples.end(), [&](const GemmSample& g) { return g.kind == k; }));
        if (!e.peak_flops) e.why_not = std::string("the machine has no ") + to_string(k) + " peak";
        else if (!(c.base.dram_bandwidth > 0)) e.why_not = "the machine has no DRAM bandwidth (to tell memory-bound GEMMs)";
        else {
            std::vector<GemmPoint> pts = gemm_points(s.samples, machine, {k});
            e.fit = fit_gemm_model(pts, c.base, &e.why_not);
        }
        c.entries.push_back(std::move(e));
    }
    std::stable_sort(c.entries.begin(), c.entries.end(),
                     [](const GemmCalibrationEntry& a, const GemmCalibrationEntry& b) { return a.calls > b.calls; });
    return c;
}

const GemmCalibrationEntry* calibration_for_dtype(const GemmCalibration& c, double dtype_bytes) {
    std::vector<FlopKind> kinds = dtype_bytes <= 2 ? std::vector<FlopKind>{FlopKind::tensor_bf16, FlopKind::tensor_fp16}
                                                   : std::vector<FlopKind>{FlopKind::tensor_tf32, FlopKind::fp32};
    for (const GemmCalibrationEntry& e : c.entries)  // most calls first
        if (e.fit && std::find(kinds.begin(), kinds.end(), e.kind) != kinds.end()) return &e;
    return nullptr;
}

} // namespace rafter
