#include "analysis/profile_for_scaling.h"

#include <sstream>

#include "analysis/gemm_samples.h"
#include "analysis/roofline.h"
#include "core/error.h"
#include "core/text.h"

namespace rafter {

namespace {

// The GEMM model of a transformer scenario fitted to the profile's measured GEMMs (the first
// source in docs/scaling.md's order), unless the scenario sets max_fraction itself or the profile
// ran on another machine. Says why in `notes` when it is not used, and returns why (empty when
// applied).
std::string apply_gemm_fit(Scenario& scenario, const std::vector<Trace>& traces, const std::optional<Machine>& machine,
                                const std::string& first, Diagnostics& notes) {
    GemmModel& g = scenario.workload.gemm;
    auto note = [&](const std::string& why) {
        notes.add(Severity::warning, "profile.gemm_fit_unused", "profile: the GEMM model keeps " + g.source + ": " + why);
        return why;
    };
    if (!machine) return note("no machine detected in the profile (its device metadata names no known GPU)");
    if (g.given_in_scenario) return note("the scenario sets system.gemm.max_fraction");
    if (!g.machine.empty() && g.machine != machine->name)
        return note("the profile ran on " + machine->name + ", the scenario models " + g.machine);
    GemmCalibration c = calibrate_gemm(traces, *machine);
    const double dtype = scenario.workload.transformer->dtype_bytes;
    const GemmCalibrationEntry* e = calibration_for_dtype(c, dtype);
    if (!e) {
        if (c.entries.empty()) return note("the profile has no GEMM calls with recorded shapes (record_shapes=True)");
        std::string why = std::string("no fit for the scenario's ") + (dtype <= 2 ? "16-bit" : "32-bit") + " GEMMs (";
        for (size_t i = 0; i < c.entries.size(); ++i)
            why += (i ? "; " : "") + std::string(to_string(c.entries[i].kind)) + ": " +
                   (c.entries[i].fit ? "fitted" : c.entries[i].why_not);
        return note(why + ")");
    }
    const GemmFit& f = *e->fit;
    g.max_fraction = f.max_fraction;
    g.overhead_s = f.overhead_s;
    g.sms = f.sms;
    std::ostringstream src;
    src << "fitted to " << f.shapes.size() << " " << to_string(e->kind) << " GEMM shapes (" << f.calls << " calls) of "
        << first << " on " << machine->name << ", overhead " << format_seconds(f.overhead_s) << "/call, median |error| "
        << format_percent(f.median_abs_error) << ", leave-one-out " << format_percent(f.loo_median_abs_error);
    g.source = src.str();
    // The scenario's largest GEMM (the MLP's, one micro-batch, no tensor parallelism) against the
    // profile's: a share fitted on small GEMMs is extrapolated to large ones.
    const TransformerTraining& t = *scenario.workload.transformer;
    const double b = scenario.workload.micro_batch > 0 ? scenario.workload.micro_batch : 1;
    const double largest = 2 * b * t.shape.sequence * t.shape.hidden * t.shape.ffn_hidden;
    if (largest > 10 * f.max_flops)
        notes.add(Severity::warning, "profile.gemm_extrapolated",
                  "profile: the scenario's GEMMs reach " + si_format(largest) + " FLOPs, " +
                      si_format(largest / f.max_flops, 2) + "x the largest GEMM of the profile (" +
                      si_format(f.max_flops) + "): the fitted share of peak is extrapolated");
    return {};
}

} // namespace

ProfileForScaling apply_profile(Scenario& scenario, const std::vector<Trace>& traces, const std::string& origin) {
    ProfileForScaling out;
    const std::optional<Machine> machine = detect_machine(traces);
    std::string unused = "the scenario is not in the transformer form";
    if (scenario.workload.transformer) unused = apply_gemm_fit(scenario, traces, machine, origin, out.notes);
    out.gemm_fit_used = unused.empty();
    const std::string no_fit = scenario.workload.transformer ? "; GEMM fit: " + unused : "";
    ReplayOptions rp;
    rp.topology = scenario.system.topology;
    rp.algorithms = scenario.options.dp_algorithms;
    ReplayReport replay = replay_steps(traces, machine.value_or(Machine{}), rp);
    const SourcePosition where{origin, PositionKind::none, 0};
    if (!replay.steps.empty() && replay.collectives > 0) {
        out.replay = std::move(replay);
    } else if (!out.gemm_fit_used) {
        throw Error(ExitCode::bad_input,
                    replay.steps.empty()
                        ? "profile: the traces have no steps (ProfilerStep#N ranges) to replay" + no_fit
                        : "profile: the traces' steps hold no collective kernels: nothing to replay" + no_fit,
                    where);
    } else {
        out.notes.add(Severity::info, "profile.no_replay",
                      "the profile's steps hold no collective kernels (or it has no steps): its GEMMs set the compute "
                      "model, no step was replayed");
    }
    return out;
}

} // namespace rafter
