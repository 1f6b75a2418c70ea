#pragma once
// A scenario predicted over GPU counts (the `rafter scale` computation): one StepPrediction per
// count with the scenario's layout or, with search, the best layout found; measured step times
// and an Extra-P fit of them side by side with the analytic prediction.
#include <optional>
#include <string>
#include <vector>

#include "core/diagnostics.h"
#include "model/scaling/fit.h"
#include "model/scaling/scaling.h"
#include "model/scaling/scenario.h"

namespace rafter {

struct ScalingPoint {
    StepPrediction step;
    std::optional<double> measured_step_s;
    std::optional<double> fit_step_s;
};

struct ScalingRunOptions {
    std::vector<int> gpus;  // empty: the scenario's list or the default sweep
    bool search = false;    // best layout per GPU count instead of the scenario's layout
};

struct ScalingResult {
    Scenario scenario;
    bool searched = false;
    double single_gpu_throughput = 0;
    int reference_gpus = 0;             // the efficiency reference: smallest count that fits (0: none)
    std::vector<ScalingPoint> points;   // ascending GPU count
    std::optional<PmnfFit> fit;         // of the measurements, when there are 3 or more
    std::string fit_note;               // why there is no fit
    int search_gpus = 0;                // the count whose top layouts are listed
    std::optional<LayoutSearchResult> search; // top layouts at search_gpus
    Diagnostics diagnostics;
};

// Throws rafter::Error when a GPU count does not fit the layout or the topology.
ScalingResult run_scaling(const Scenario& s, const ScalingRunOptions& options);

} // namespace rafter
