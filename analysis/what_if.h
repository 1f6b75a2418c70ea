#pragma once
// What-if on another machine: each kernel group of a roofline report is projected onto a target
// machine by its roofline bound, keeping the efficiency it reached on the measured machine:
//     efficiency = bound_time(measured machine) / measured time
//     t'         = bound_time(target machine) / efficiency = t * bound' / bound
// so a memory-bound group speeds up with the bandwidth ratio, a compute-bound one with the peak
// ratio, and a group whose bound changes follows the new bound. The bound times come from
// finalize_group (analysis/roofline.h), the one source of the roofline formulas. Groups without
// a bound (no FLOPs or bytes, or a peak the target lacks) cannot be projected and say so.
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "analysis/roofline.h"
#include "core/diagnostics.h"
#include "core/json_writer.h"
#include "model/machines/machine.h"

namespace rafter {

struct WhatIfGroup {
    std::string name;
    std::optional<double> time_s;              // measured
    Bound bound = Bound::unknown;              // on the measured machine
    std::optional<double> bound_time_s;
    std::optional<double> efficiency;
    Bound target_bound = Bound::unknown;
    std::optional<double> target_bound_time_s;
    std::optional<double> predicted_time_s;    // nullopt when it cannot be projected
    std::optional<double> speedup;             // time_s / predicted_time_s
};

struct WhatIfReport {
    std::string from_machine, to_machine;
    std::vector<WhatIfGroup> groups;           // in the report's order (time, largest first)
    std::optional<double> total_time_s;        // measured, all groups
    std::optional<double> projected_time_s;    // the groups that could be projected, their new time
    std::optional<double> projected_measured_s;  // ... and their measured time
    double coverage = 0;                       // projected_measured_s / total_time_s
    // Whole-report prediction, only when every group with a time could be projected (a partial
    // sum is never presented as the whole).
    std::optional<double> predicted_total_s;
    std::optional<double> speedup;
    Diagnostics diagnostics;
};

WhatIfReport project_what_if(const RooflineReport& report, const Machine& target);

// Table of the top `top` groups (0 = all) and the totals.
void write_what_if_table(std::ostream& out, const WhatIfReport& r, size_t top = 20);
// The what-if as a JSON object (schema "rafter.what_if/1"); missing values are null.
void write_what_if_json(JsonWriter& w, const WhatIfReport& r);

} // namespace rafter
