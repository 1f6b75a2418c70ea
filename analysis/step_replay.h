#pragma once
// Each measured training step with its collectives replaced by the communication model
// (`rafter scale SCENARIO --profile TRACE...`, docs/scaling.md "Steps of a profile").
//
// A step keeps its measured compute; each collective kernel in it (start in the step) gets the
// model's time for its kind, message size and group (analysis/collectives.h) on the scenario's
// topology. The compute that ran alongside the collective in the trace is taken to hide it again,
// so its exposed time is max(0, time - compute overlapped), measured and predicted alike, and
//     predicted step = measured step - measured exposed + predicted exposed.
// Collectives whose kind, size or group is unknown keep their measured time (counted).
#include <cstdint>
#include <string>
#include <vector>

#include "model/machines/machine.h"
#include "model/scaling/comm.h"
#include "traces/trace.h"

namespace rafter {

struct ReplayOptions {
    Topology topology;
    AlgorithmMask algorithms = kNcclAlgorithms;
};

struct ReplayedStep {
    int32_t rank = -1;
    std::string step;                     // "ProfilerStep#4"
    double measured_step_s = 0;
    double measured_comm_s = 0;           // sum of the collectives' kernel times
    double measured_exposed_s = 0;        // sum over collectives of max(0, time - compute overlapped)
    double predicted_comm_s = 0;          // the model's times (measured for the unmodeled ones)
    double predicted_exposed_s = 0;
    double predicted_step_s = 0;
    uint64_t collectives = 0, unmodeled = 0;
    std::string unmodeled_reason;         // the first one's
};

struct ReplayReport {
    std::vector<ReplayedStep> steps;
    uint64_t collectives = 0, unmodeled = 0;
    // Over the steps: mean of |predicted - measured| / measured for the step time; the exposed
    // communication summed over steps, measured and predicted.
    double mean_abs_step_error = 0;
    double measured_exposed_s = 0, predicted_exposed_s = 0;
};

// Steps are the traces' ProfilerStep ranges (analysis/breakdown.h); traces without steps give none.
ReplayReport replay_steps(const std::vector<Trace>& traces, const Machine& machine, const ReplayOptions& options);

} // namespace rafter
