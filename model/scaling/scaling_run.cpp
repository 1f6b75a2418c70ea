#include "model/scaling/scaling_run.h"

#include <algorithm>
#include <map>

#include "core/error.h"

namespace rafter {

ScalingResult run_scaling(const Scenario& s, const ScalingRunOptions& options) {
    ScalingResult res;
    res.scenario = s;
    res.searched = options.search;
    res.single_gpu_throughput = single_gpu_throughput(s.workload);

    std::vector<int> counts = options.gpus.empty() ? default_gpu_counts(s) : options.gpus;
    std::map<int, double> measured;
    for (const auto& m : s.measurements) measured[m.gpus] = m.step_time_s;  // last one wins
    for (const auto& [g, t] : measured) {
        (void)t;
        counts.push_back(g);
    }
    std::sort(counts.begin(), counts.end());
    counts.erase(std::unique(counts.begin(), counts.end()), counts.end());

    if (measured.size() >= 3) {
        std::vector<double> p, t;
        for (const auto& [g, v] : measured) {
            p.push_back(g);
            t.push_back(v);
        }
        res.fit = fit_pmnf(p, t);
    } else if (!measured.empty()) {
        res.fit_note = "an empirical fit needs measurements at 3 or more GPU counts";
    } else {
        res.fit_note = "no measurements in the scenario";
    }

    for (int g : counts) {
        if (g < 1) throw Error(ExitCode::usage, "GPU counts must be >= 1 (got " + std::to_string(g) + ")");
        double batch = global_batch_for(s, g);
        ScalingPoint pt;
        bool done = false;
        if (options.search) {
            LayoutSearchOptions so = s.search;
            so.own = s.layout;
            LayoutSearchResult sr = search_layouts(s.workload, s.system, g, batch, s.options, so);
            if (!sr.best.empty()) {
                pt.step = sr.best.front();
                done = true;
            } else {
                res.diagnostics.add(Severity::warning, "scale.search_no_layout",
                                    "no layout fits in GPU memory at " + std::to_string(g) +
                                        " GPUs; the scenario's layout is shown");
            }
            if (g == counts.back() || res.search_gpus == 0) {
                res.search_gpus = g;
                res.search = std::move(sr);
            }
        }
        if (!done) {
            pt.step = predict_step(s.workload, s.system, s.layout, g, batch, s.options);
            if (!pt.step.fits_memory)
                res.diagnostics.add(Severity::warning, "scale.exceeds_memory",
                                    "the layout needs more than system.gpu_memory_bytes per GPU");
        }
        if (auto it = measured.find(g); it != measured.end()) pt.measured_step_s = it->second;
        if (res.fit) pt.fit_step_s = res.fit->best.eval(g);
        res.points.push_back(std::move(pt));
    }
    // Efficiency relative to the smallest GPU count whose layout fits in memory (per-GPU
    // throughput ratio), so a point never beats its own reference by rounding.
    const ScalingPoint* ref = nullptr;
    for (const auto& p : res.points)
        if (p.step.fits_memory) {
            ref = &p;
            break;
        }
    if (ref) {
        double per_gpu = ref->step.throughput / ref->step.gpus;
        res.reference_gpus = ref->step.gpus;
        auto relative = [&](StepPrediction& p) {
            double e = p.throughput / p.gpus / per_gpu;
            if (e > 1 && e < 1 + 1e-9) e = 1;
            p.efficiency = e;
        };
        for (auto& p : res.points) relative(p.step);
        if (res.search) {
            for (auto& p : res.search->best) relative(p);
            if (res.search->own) relative(*res.search->own);
        }
    }
    for (const auto& p : res.points)
        if (!p.step.algorithm_fallback.empty()) {
            res.diagnostics.add(Severity::warning, "scale.algorithm_fallback",
                                "at " + std::to_string(p.step.gpus) + " GPUs " + p.step.algorithm_fallback);
        }
    if (!s.workload.data || !s.system.io)
        res.diagnostics.add(Severity::info, "scale.io_not_modeled",
                            "no workload.data / system.io in the scenario: exposed I/O is not modeled (null in JSON, - in tables)");
    return res;
}

} // namespace rafter
