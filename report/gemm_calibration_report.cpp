#include "report/gemm_calibration_report.h"

#include <cmath>

#include "core/text.h"
#include "report/text_columns.h"

namespace rafter {

namespace {

std::string shape_text(const GemmPoint& p) {
    std::string s = si_format(p.m, 4) + " x " + si_format(p.n, 4) + " x " + si_format(p.k, 4);
    if (p.batch != 1) s = si_format(p.batch, 4) + " x (" + s + ")";
    return s;
}

} // namespace

void write_gemm_calibration_table(std::ostream& out, const GemmCalibration& c) {
    out << "GEMM model fitted to the profile's GEMMs on " << (c.machine.empty() ? "an unnamed machine" : c.machine)
        << " (time = overhead + 2BMNK / (peak x share x wave fill); " << c.base.sms << " SMs, " << c.base.tile_m << "x"
        << c.base.tile_n << " tiles, split-K slices >= " << c.base.split_k_min_depth << " deep)\n";
    if (c.entries.empty()) out << "no GEMM calls with recorded shapes and kernels in the inputs\n";
    for (const GemmCalibrationEntry& e : c.entries) {
        out << "\n" << to_string(e.kind) << ": " << e.calls << " calls";
        if (e.peak_flops) out << ", peak " << si_unit(*e.peak_flops, "FLOP/s");
        if (!e.fit) {
            out << ": not fitted: " << e.why_not << "\n";
            continue;
        }
        const GemmFit& f = *e.fit;
        out << "\n  max_fraction " << format_percent(f.max_fraction) << " of peak, overhead " << format_seconds(f.overhead_s)
            << " per call; " << f.shapes.size() << " shapes (" << f.calls << " calls), " << f.memory_bound_shapes
            << " of them memory-bound at that share\n"
            << "  |error| median " << format_percent(f.median_abs_error) << ", max " << format_percent(f.max_abs_error)
            << "; leave-one-out median " << format_percent(f.loo_median_abs_error) << "; FLOPs per call "
            << si_format(f.min_flops) << " to " << si_format(f.max_flops) << "\n";
        if (f.other_loo_median_abs_error >= 0)
            out << "  " << (f.sms > 0 ? "with" : "without") << " wave quantization (leave-one-out median "
                << format_percent(f.loo_median_abs_error) << " vs " << format_percent(f.other_loo_median_abs_error)
                << (f.sms > 0 ? " without" : " with") << ")\n";
        out << "\n";
        std::vector<std::vector<std::string>> rows;
        rows.push_back({"shape (M x N x K)", "calls", "measured", "model", "error", "held out", "bound", "share of peak"});
        auto signed_pct = [](double v) { return (v >= 0 ? "+" : "-") + format_percent(std::abs(v)); };
        for (const GemmFitShape& s : f.shapes) {
            const double flops = 2 * s.point.batch * s.point.m * s.point.n * s.point.k;
            const double t = s.point.time_s;
            rows.push_back({shape_text(s.point), std::to_string(s.calls), format_seconds(t), format_seconds(s.model_s),
                            signed_pct(s.model_s / t - 1), signed_pct(s.loo_model_s / t - 1),
                            s.memory_bound ? "memory" : "compute", format_percent(flops / (t * s.point.peak_flops))});
        }
        print_columns(out, rows, 1);
    }
    if (c.calls_without_time) out << "\n" << c.calls_without_time << " GEMM calls left out: a kernel without a time\n";
}

void write_gemm_calibration_json(JsonWriter& w, const GemmCalibration& c, const std::vector<std::string>& inputs) {
    w.begin_object();
    w.field("schema", "rafter.gemm_calibration/1");
    w.key("inputs").begin_array();
    for (const std::string& f : inputs) w.value(f);
    w.end_array();
    w.field("machine", c.machine);
    w.field("calls_without_time", c.calls_without_time);
    w.key("fits").begin_array();
    for (const GemmCalibrationEntry& e : c.entries) {
        w.begin_object();
        w.field("precision", to_string(e.kind));
        w.field("calls", static_cast<uint64_t>(e.calls));
        w.field("peak_flops", e.peak_flops);
        w.key("gemm");
        if (e.fit) {
            const GemmFit& f = *e.fit;
            w.begin_object();
            w.field("max_fraction", f.max_fraction);
            w.field("overhead_s", f.overhead_s);
            w.field("sms", f.sms);
            w.field("tile_m", c.base.tile_m);
            w.field("tile_n", c.base.tile_n);
            w.end_object();
            w.key("reason").null();
            w.field("shapes_fitted", static_cast<uint64_t>(f.shapes.size()));
            w.field("memory_bound_shapes", static_cast<uint64_t>(f.memory_bound_shapes));
            w.field("calls_fitted", static_cast<uint64_t>(f.calls));
            w.field("median_abs_error", f.median_abs_error);
            w.field("max_abs_error", f.max_abs_error);
            w.field("loo_median_abs_error", f.loo_median_abs_error);
            w.field("min_flops", f.min_flops);
            w.field("max_flops", f.max_flops);
            w.key("shapes").begin_array();
            for (const GemmFitShape& s : f.shapes) {
                w.begin_object();
                w.field("batch", s.point.batch);
                w.field("m", s.point.m);
                w.field("n", s.point.n);
                w.field("k", s.point.k);
                w.field("calls", static_cast<uint64_t>(s.calls));
                w.field("measured_s", s.point.time_s);
                w.field("memory_bound", s.memory_bound);
                w.field("model_s", s.model_s);
                w.field("loo_model_s", s.loo_model_s);
                w.end_object();
            }
            w.end_array();
        } else {
            w.null();
            w.field("reason", e.why_not);
        }
        w.end_object();
    }
    w.end_array();
    w.end_object();
}

} // namespace rafter
