#pragma once
// A scaling scenario ("rafter.scenario/1", docs/scaling.md): the workload, the system and the
// parallel layout whose step time `rafter scale` predicts against GPU count. Parsed from JSON
// text; the caller reads the file (model/ knows nothing of files).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_writer.h"
#include "model/scaling/scaling.h"

namespace rafter {

enum class ScalingMode { weak, strong };
const char* to_string(ScalingMode m);

// A measured step time at some scale (for the empirical fit and the comparison table).
struct StepMeasurement {
    int gpus = 0;
    double step_time_s = 0;
};

struct Scenario {
    std::string origin;       // the file it came from (error messages)
    std::string name, description;
    TrainingWorkload workload;
    SystemSpec system;
    ParallelLayout layout;            // dp is derived per GPU count
    ScalingOptions options;
    ScalingMode mode = ScalingMode::weak;
    std::vector<int> gpus;    // GPU counts to predict; empty: the default sweep
    std::optional<double> global_batch;  // strong scaling: samples per step at every scale
    LayoutSearchOptions search;
    std::vector<StepMeasurement> measurements;
};

// Throws rafter::Error(bad_input) naming `origin` and the field ("missing required field
// workload.parameters", "system.topology.intra_node.bandwidth must be > 0 (got 0)", "unknown
// field workload.paramters", ...).
Scenario parse_scenario_json(std::string_view json, const std::string& origin);

// Bytes per element of "fp32"/"float32", "fp16"/"half", "bf16", "fp8", "fp64"; nullopt if unknown.
std::optional<double> dtype_bytes(std::string_view dtype);

// Samples per step at `gpus` GPUs: batch_per_gpu * gpus (weak) or the fixed global batch (strong).
double global_batch_for(const Scenario& s, int gpus);
// The GPU counts to predict: s.gpus, or powers of two from tp*pp up to 1024 (strong scaling:
// while each replica still gets at least one sample).
std::vector<int> default_gpu_counts(const Scenario& s);

// The scenario as the "scenario" object of rafter.scaling/2 (inputs echoed, SI units).
void write_scenario_json(JsonWriter& w, const Scenario& s);

} // namespace rafter
