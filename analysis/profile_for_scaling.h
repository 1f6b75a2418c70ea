#pragma once
// What a measured profile gives a scaling scenario (`rafter scale --profile`, rafter.scale(profile=)):
//  - for a transformer scenario, the GEMM model fitted to the profile's measured GEMMs
//    (gemm_samples.h), replacing the built-in share of peak, unless the scenario sets its own or the
//    profile ran on another machine or in another precision (a warning says which);
//  - when its steps hold collectives, each step replayed with the communication model on the
//    scenario's topology (step_replay.h).
// Call before run_scaling: the GEMM fit changes the scenario.
#include <optional>
#include <string>
#include <vector>

#include "analysis/step_replay.h"
#include "core/diagnostics.h"
#include "model/scaling/scenario.h"
#include "traces/trace.h"

namespace rafter {

struct ProfileForScaling {
    std::optional<ReplayReport> replay;  // nullopt when nothing could be replayed
    bool gemm_fit_used = false;
    Diagnostics notes;                   // why a part was not used; merge into the result's diagnostics
};

// Throws Error(bad_input) naming `origin` when the profile gives neither a GEMM fit nor a replay.
ProfileForScaling apply_profile(Scenario& scenario, const std::vector<Trace>& traces, const std::string& origin);

} // namespace rafter
