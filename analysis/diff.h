#pragma once
// Two runs compared group by group (HTA's TraceDiff, on Rafter's roofline groups): the time,
// launches, FLOPs and efficiency of each op or kernel group in run A and run B, the groups that
// are new in B or vanished from A, sorted by the size of the change. docs/diff.md.
#include <optional>
#include <string>
#include <vector>

#include "analysis/roofline_formulas.h"
#include "model/machines/machine.h"
#include "traces/trace.h"
#include "core/diagnostics.h"

namespace rafter {

enum class DiffStatus { both, added, removed };  // "both", "new" (only in B), "vanished" (only in A)
const char* to_string(DiffStatus s);

struct DiffRow {
    std::string name;
    DiffStatus status = DiffStatus::both;
    std::optional<double> time_a, time_b;  // seconds (per step with per-step normalization)
    uint64_t launches_a = 0, launches_b = 0;
    std::optional<double> flops_a, flops_b;
    std::optional<double> efficiency_a, efficiency_b;
    // time_b - time_a, a missing side counting 0 for new and vanished groups; nullopt when a
    // present side has no time. ratio: time_b / time_a when both are positive.
    std::optional<double> delta_s, ratio;
};

struct DiffReport {
    std::vector<std::string> inputs_a, inputs_b;
    GroupBy group_by = GroupBy::kernel;
    std::string machine_a, machine_b;           // names; empty when none
    bool per_step = false;
    uint64_t steps_a = 0, steps_b = 0;          // the divisors when per_step
    std::optional<double> total_a, total_b;     // the runs' kernel time (per step when per_step)
    std::optional<double> total_delta_s;
    double increase_s = 0, decrease_s = 0;      // sums of the positive and negative deltas
    std::vector<DiffRow> rows;                  // largest |delta| first; unknown deltas last
    Diagnostics diagnostics;
};

// steps_a/b: the runs' profiler steps (0: none). per_step divides times and FLOPs by them (both
// must be non-zero then); otherwise differing step counts are a warning diagnostic.
DiffReport diff_rooflines(const RooflineReport& a, const RooflineReport& b, uint64_t steps_a = 0,
                          uint64_t steps_b = 0, bool per_step = false);

// One side of a comparison: its traces (analytic costs are added to them), the machine its
// bounds use (an empty Machine for none) and the input as the user named it.
struct DiffRun {
    std::vector<Trace> traces;
    Machine machine;
    std::string no_machine_reason;
    Diagnostics machine_diagnostics;
    std::string input;
};

struct DiffRunsOptions {
    std::optional<GroupBy> group_by;  // nullopt: op when both runs record ops, else kernel
    bool per_step = false;            // throws rafter::Error when a run has no profiler steps
    int module_depth = 0;
};

// Both runs grouped the same way and compared (`rafter diff`, rafter.diff in Python).
DiffReport diff_runs(DiffRun& a, DiffRun& b, const DiffRunsOptions& options);

} // namespace rafter
