#include "report/scaling_report.h"

#include <cstdio>
#include <iomanip>
#include <sstream>
#include <string>
#include <vector>

#include "core/diagnostics_json.h"
#include "core/text.h"
#include "report/text_columns.h"

namespace rafter {

namespace {

bool io_modeled(const ScalingResult& r) { return r.scenario.workload.data && r.scenario.system.io; }

std::string pct(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%", v * 100);
    return buf;
}

std::string opt_seconds(const std::optional<double>& v) { return v ? format_seconds(*v) : "-"; }

bool transformer_form(const ScalingResult& r) { return r.scenario.workload.transformer.has_value(); }

std::string tflops(const std::optional<double>& v) {
    if (!v) return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", *v / 1e12);
    return buf;
}
std::string opt_pct(const std::optional<double>& v) { return v ? pct(*v) : "-"; }

std::string layout_text(const ParallelLayout& l) {
    std::string s = std::to_string(l.tp) + "/" + std::to_string(l.pp) + "/" + std::to_string(l.dp);
    if (l.micro_batches > 1) s += " m" + std::to_string(l.micro_batches);
    if (l.zero > 0) s += " z" + std::to_string(l.zero);
    return s;
}

void write_layout(JsonWriter& w, const ParallelLayout& l) {
    w.begin_object();
    w.field("tp", l.tp);
    w.field("pp", l.pp);
    w.field("dp", l.dp);
    w.field("micro_batches", l.micro_batches);
    w.field("zero", l.zero);
    w.field("virtual_stages", l.virtual_stages);
    w.end_object();
}

void write_step(JsonWriter& w, const StepPrediction& s, bool io) {
    w.field("gpus", s.gpus);
    w.field("step_time_s", s.step_s);
    w.field("efficiency", s.efficiency);
    w.field("throughput", s.throughput);
    w.field("compute_s", s.compute_s);
    w.field("exposed_comm_s", s.exposed_comm_s);
    auto io_field = [&](const char* key, auto v) {
        w.key(key);
        if (io) w.value(v);
        else w.null();
    };
    io_field("exposed_io_s", s.exposed_io_s);
    w.field("bubble_s", s.bubble_s);
    w.field("optimizer_s", s.optimizer_s);
    w.field("dp_comm_s", s.dp_comm_s);
    w.field("exposed_dp_comm_s", s.exposed_dp_comm_s);
    w.field("tp_comm_s", s.tp_comm_s);
    w.field("exposed_tp_comm_s", s.exposed_tp_comm_s);
    w.field("pp_comm_s", s.pp_comm_s);
    io_field("io_loader_s", s.io_loader_s);
    io_field("io_limiter", s.io_limiter);
    w.field("global_batch", s.global_batch);
    w.field("micro_batch", s.micro_batch);
    w.key("layout");
    write_layout(w, s.layout);
    w.field("dp_algorithm", to_string(s.dp_algorithm));
    w.field("buckets", s.buckets);
    w.field("memory_bytes", s.memory_bytes);
    w.field("memory_per_gpu_bytes", s.memory_bytes);
    w.field("fits_memory", s.fits_memory);
    w.field("recompute_s", s.recompute_s);
    w.field("model_flops", s.model_flops);
    w.field("hardware_flops", s.hardware_flops);
    w.field("tflops_per_gpu", s.tflops_per_gpu ? std::optional<double>(*s.tflops_per_gpu / 1e12) : std::nullopt);
    w.field("hardware_tflops_per_gpu",
            s.hardware_tflops_per_gpu ? std::optional<double>(*s.hardware_tflops_per_gpu / 1e12) : std::nullopt);
    w.field("mfu", s.mfu);
    w.field("hfu", s.hfu);
    w.key("algorithm_fallback");
    if (s.algorithm_fallback.empty()) w.null();
    else w.value(s.algorithm_fallback);
}

} // namespace

void write_replay_table(std::ostream& out, const ReplayReport& p) {
    out << "\nSteps of the profile, collectives replaced by the model (" << p.collectives << " collective kernels, "
        << p.unmodeled << " kept at their measured time):\n";
    std::vector<std::vector<std::string>> rows;
    rows.push_back({"rank", "step", "measured", "predicted", "error", "comm meas.", "comm pred.", "exposed meas.",
                    "exposed pred.", "collectives"});
    for (const auto& s : p.steps) {
        char err[32];
        std::snprintf(err, sizeof err, "%+.1f%%", 100 * (s.predicted_step_s - s.measured_step_s) / s.measured_step_s);
        rows.push_back({std::to_string(s.rank), s.step, format_seconds(s.measured_step_s),
                        format_seconds(s.predicted_step_s), err, format_seconds(s.measured_comm_s),
                        format_seconds(s.predicted_comm_s), format_seconds(s.measured_exposed_s),
                        format_seconds(s.predicted_exposed_s),
                        std::to_string(s.collectives) + (s.unmodeled ? " (" + std::to_string(s.unmodeled) + " kept)" : "")});
    }
    print_columns(out, rows);
    out << "Mean |step error| " << pct(p.mean_abs_step_error) << "; exposed communication over all steps: measured "
        << format_seconds(p.measured_exposed_s) << ", predicted " << format_seconds(p.predicted_exposed_s) << "\n";
    for (const auto& s : p.steps)
        if (!s.unmodeled_reason.empty()) {
            out << "Kept at measured time: " << s.unmodeled_reason << " (first case: rank " << s.rank << " " << s.step
                << ")\n";
            break;
        }
}

void write_scaling_table(std::ostream& out, const ScalingResult& r, const ReplayReport* profile) {
    bool io = io_modeled(r);
    bool have_measured = false, have_fit = r.fit.has_value();
    for (const auto& p : r.points) have_measured = have_measured || p.measured_step_s;
    const Scenario& s = r.scenario;
    bool tr = transformer_form(r);
    out << "Scenario: " << (s.name.empty() ? s.origin : s.name) << " (" << to_string(s.mode) << " scaling, "
        << si_format(s.workload.parameters) << " parameters, ";
    if (tr) {
        const TransformerTraining& t = *s.workload.transformer;
        out << "transformer " << t.shape.layers << " layers, hidden " << si_format(t.shape.hidden) << ", recompute "
            << to_string(t.recompute) << (t.sequence_parallel ? ", sequence parallel" : "") << "; GEMMs at "
            << pct(s.workload.gemm.max_fraction) << " of " << si_unit(s.workload.gemm.peak_flops, "FLOP/s")
            << " peak: " << s.workload.gemm.source << ")\n";
    } else {
        out << "single GPU " << format_rate(r.single_gpu_throughput) << " samples/s)\n";
    }
    if (r.reference_gpus > 0)
        out << "Efficiency: throughput per GPU relative to " << r.reference_gpus << " GPU(s), the smallest count that fits.\n";
    out << '\n';

    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> head = {"GPUs", "tp/pp/dp", "step", "compute", "bubble", "exp. comm",
                                     "exp. I/O", "samples/s", "efficiency", "DP algorithm"};
    if (tr) {
        head.push_back("TFLOP/s/GPU");
        head.push_back("MFU");
        head.push_back("HFU");
        head.push_back("memory/GPU");
    }
    if (have_measured) head.push_back("measured");
    if (have_fit) head.push_back("fit");
    rows.push_back(head);
    for (const auto& p : r.points) {
        const StepPrediction& b = p.step;
        std::vector<std::string> row = {
            std::to_string(b.gpus), layout_text(b.layout), format_seconds(b.step_s),
            format_seconds(b.compute_s), format_seconds(b.bubble_s), format_seconds(b.exposed_comm_s),
            io ? format_seconds(b.exposed_io_s) : "-", format_rate(b.throughput), pct(b.efficiency),
            b.layout.dp > 1 ? to_string(b.dp_algorithm) : "-"};
        if (tr) {
            row.push_back(tflops(b.tflops_per_gpu));
            row.push_back(opt_pct(b.mfu));
            row.push_back(opt_pct(b.hfu));
            row.push_back(b.memory_bytes ? si_unit(*b.memory_bytes, "B") : "-");
        }
        if (have_measured) row.push_back(opt_seconds(p.measured_step_s));
        if (have_fit) row.push_back(opt_seconds(p.fit_step_s));
        rows.push_back(row);
    }
    print_columns(out, rows);

    if (r.fit) {
        out << "\nEmpirical fit (Extra-P normal form, leave-one-out): t(p) = " << r.fit->best.formula()
            << "  (LOO error " << pct(r.fit->best.loo_error) << ", SMAPE " << pct(r.fit->best.smape / 2)
            << ")\n";
    } else if (!r.fit_note.empty() && !s.measurements.empty()) {
        out << "\nEmpirical fit: " << r.fit_note << '\n';
    }
    if (r.search) {
        out << "\nBest layouts at " << r.search_gpus << " GPUs (" << r.search->evaluated
            << " evaluated, " << r.search->rejected_memory << " rejected for memory):\n";
        std::vector<std::vector<std::string>> srows;
        srows.push_back({"rank", "tp/pp/dp", "micro-batch", "step", "samples/s", "efficiency", "bubble",
                         "exp. comm", "memory/GPU"});
        int rank = 1;
        for (const auto& b : r.search->best) {
            srows.push_back({std::to_string(rank++), layout_text(b.layout), si_format(b.micro_batch),
                             format_seconds(b.step_s), format_rate(b.throughput), pct(b.efficiency),
                             format_seconds(b.bubble_s), format_seconds(b.exposed_comm_s),
                             b.memory_bytes ? si_unit(*b.memory_bytes, "B") : "-"});
        }
        print_columns(out, srows);
        const LayoutSearchResult& sr = *r.search;
        if (sr.own && sr.own_rank > 0)
            out << "The scenario's layout " << layout_text(sr.own->layout) << ": " << format_seconds(sr.own->step_s)
                << (sr.own->fits_memory ? "" : " (does not fit in memory)") << ", rank " << sr.own_rank << " of "
                << (sr.evaluated - sr.rejected_memory) << " that fit.\n";
        else if (!sr.own_error.empty())
            out << "The scenario's layout cannot run at " << r.search_gpus << " GPUs: " << sr.own_error << '\n';
    }
    if (profile) write_replay_table(out, *profile);
    for (const auto& d : r.diagnostics.entries())
        out << "\n" << to_string(d.severity) << ": " << d.message;
    if (!r.diagnostics.empty()) out << '\n';
}

void write_scaling_csv(std::ostream& out, const ScalingResult& r) {
    bool io = io_modeled(r);
    out << "gpus,tp,pp,dp,micro_batches,zero,global_batch,step_time_s,compute_s,bubble_s,optimizer_s,"
           "exposed_comm_s,exposed_dp_comm_s,tp_comm_s,pp_comm_s,exposed_io_s,throughput,efficiency,"
           "dp_algorithm,buckets,measured_step_s,fit_step_s,virtual_stages,recompute_s,tflops_per_gpu,mfu,hfu,"
           "memory_per_gpu_bytes,exposed_tp_comm_s\n";
    auto num = [](double v) { return format_double(v); };
    auto opt = [&](const std::optional<double>& v) { return v ? num(*v) : std::string(); };
    for (const auto& p : r.points) {
        const StepPrediction& b = p.step;
        out << b.gpus << ',' << b.layout.tp << ',' << b.layout.pp << ',' << b.layout.dp << ','
            << b.layout.micro_batches << ',' << b.layout.zero << ',' << num(b.global_batch) << ','
            << num(b.step_s) << ',' << num(b.compute_s) << ',' << num(b.bubble_s) << ','
            << num(b.optimizer_s) << ',' << num(b.exposed_comm_s) << ',' << num(b.exposed_dp_comm_s)
            << ',' << num(b.tp_comm_s) << ',' << num(b.pp_comm_s) << ','
            << (io ? num(b.exposed_io_s) : std::string()) << ',' << num(b.throughput) << ','
            << num(b.efficiency) << ',' << to_string(b.dp_algorithm) << ',' << b.buckets << ','
            << opt(p.measured_step_s) << ',' << opt(p.fit_step_s) << ',' << b.layout.virtual_stages << ','
            << num(b.recompute_s) << ','
            << opt(b.tflops_per_gpu ? std::optional<double>(*b.tflops_per_gpu / 1e12) : std::nullopt) << ','
            << opt(b.mfu) << ',' << opt(b.hfu) << ',' << opt(b.memory_bytes) << ',' << num(b.exposed_tp_comm_s) << '\n';
    }
}

void write_scaling_json(JsonWriter& w, const ScalingResult& r, const ReplayReport* profile) {
    bool io = io_modeled(r);
    w.begin_object();
    w.field("schema", "rafter.scaling/2");
    w.key("scenario");
    write_scenario_json(w, r.scenario);
    w.field("single_gpu_throughput", r.single_gpu_throughput);
    w.field("efficiency_reference_gpus", r.reference_gpus > 0 ? std::optional<int>(r.reference_gpus) : std::nullopt);
    w.field("searched", r.searched);
    w.key("points").begin_array();
    for (const auto& p : r.points) {
        w.begin_object();
        write_step(w, p.step, io);
        w.field("measured_step_s", p.measured_step_s);
        w.field("fit_step_s", p.fit_step_s);
        w.end_object();
    }
    w.end_array();
    w.key("fit");
    if (r.fit) {
        const PmnfModel& m = r.fit->best;
        w.begin_object();
        w.field("formula", m.formula());
        w.field("c0", m.c0);
        w.field("c1", m.c1);
        w.field("p_exponent", m.constant ? 0.0 : m.i);
        w.field("log2_exponent", m.constant ? 0 : m.j);
        w.field("loo_error", m.loo_error);
        w.field("smape", m.smape);
        w.field("adj_r2", m.adj_r2);
        w.field("hypotheses", static_cast<uint64_t>(r.fit->hypotheses.size()));
        w.end_object();
    } else {
        w.null();
    }
    w.key("search");
    if (r.search) {
        w.begin_object();
        w.field("gpus", r.search_gpus);
        w.field("evaluated", r.search->evaluated);
        w.field("rejected_memory", r.search->rejected_memory);
        w.key("own");
        if (r.search->own) {
            w.begin_object();
            write_step(w, *r.search->own, io);
            w.field("rank", r.search->own_rank);
            w.end_object();
        } else {
            w.null();
        }
        w.key("layouts").begin_array();
        for (const auto& b : r.search->best) {
            w.begin_object();
            write_step(w, b, io);
            w.end_object();
        }
        w.end_array();
        w.end_object();
    } else {
        w.null();
    }
    w.key("profile");
    if (profile) {
        w.begin_object();
        w.field("collectives", profile->collectives);
        w.field("unmodeled", profile->unmodeled);
        w.field("mean_abs_step_error", profile->mean_abs_step_error);
        w.field("measured_exposed_comm_s", profile->measured_exposed_s);
        w.field("predicted_exposed_comm_s", profile->predicted_exposed_s);
        w.key("steps").begin_array();
        for (const auto& s : profile->steps) {
            w.begin_object();
            w.field("rank", s.rank);
            w.field("step", s.step);
            w.field("measured_step_s", s.measured_step_s);
            w.field("predicted_step_s", s.predicted_step_s);
            w.field("measured_comm_s", s.measured_comm_s);
            w.field("predicted_comm_s", s.predicted_comm_s);
            w.field("measured_exposed_comm_s", s.measured_exposed_s);
            w.field("predicted_exposed_comm_s", s.predicted_exposed_s);
            w.field("collectives", s.collectives);
            w.field("unmodeled", s.unmodeled);
            w.field("unmodeled_reason", s.unmodeled_reason);
            w.end_object();
        }
        w.end_array();
        w.end_object();
    } else {
        w.null();
    }
    w.key("diagnostics");
    write_diagnostics_array(w, r.diagnostics);
    w.end_object();
}

} // namespace rafter
