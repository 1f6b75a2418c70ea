#pragma once
// `--mode both`: the program runs once for time (activity tracing, undisturbed) and once for
// counters (kernel replay). Their kernels are paired per device in launch order, checking that
// the names agree, and the counters' FLOPs and bytes are copied onto the timed kernels.
#include <cstddef>

#include "traces/trace.h"

namespace rafter::profiler {

struct JoinStats {
    size_t matched = 0;
    size_t name_mismatches = 0;  // places where the two runs disagreed (each resynchronized)
    size_t only_time = 0;        // timed launches without counters
    size_t only_counters = 0;    // counted launches without a timed partner
};

// Launch order: the time trace's kernels by correlation id (CUDA numbers API calls in order), the
// counters trace's by launch id. Where names disagree, the join looks up to `window` launches
// ahead in either run for the next agreeing pair and skips what lies between. Matched kernels get
// the counters' FLOPs and bytes (with their provenance); their time stays the undisturbed one.
// Disagreements are recorded in time's diagnostics ("profile.join_*"); counters' diagnostics are
// merged in.
JoinStats join_counters_into_time(Trace& time, const Trace& counters, size_t window = 32);

// `--mode both`: pairs each process's time and counters traces (by host and rank; a single
// unranked process per host pairs with its counterpart), joins them, writes the joined traces
// into `out_dir` and returns their paths. Pairing problems go to `notes`.
std::vector<std::string> join_runs(const std::vector<std::string>& time_traces,
                                   const std::vector<std::string>& counter_traces, const std::string& out_dir,
                                   std::vector<std::string>& notes);

} // namespace rafter::profiler
