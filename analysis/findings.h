#pragma once
// What to fix first: a small rule engine over the analyses (roofline groups, the GPU-time
// breakdown with idle causes, collectives and arrival skew). Each rule is a check with a
// threshold, a message saying what to try, the evidence (numbers and the groups concerned) and an
// expected gain bounded by what the analyses measured (idle time, exposed communication, time
// above the roofline bound, the others' wait). Findings are ranked by that gain. docs/findings.md.
#include <optional>
#include <string>
#include <vector>

#include "analysis/breakdown.h"
#include "analysis/roofline_formulas.h"

namespace rafter {

struct Finding {
    std::string rule;       // "host_launch_bound", ...
    std::string title;      // one line: what was found
    std::string advice;     // what to try
    std::string gain_bound; // what bounds the gain ("idle time waiting for launches", ...)
    double gain_s = 0;      // at most this much GPU time saved, per rank (summed over its steps)
    std::optional<double> gain_share;  // gain_s / the rank's GPU span
    std::vector<std::pair<std::string, std::string>> evidence;  // label -> value, for people
};

// The thresholds of the rules, documented in docs/findings.md (one table).
struct FindingRules {
    double host_launch_share = 0.20;     // idle waiting for launches / span
    double sync_share = 0.05;            // idle in synchronizations / span
    double exposed_comm_share = 0.10;    // communication not overlapped / span
    double gemm_min_share = 0.05;        // a GEMM group's share of kernel time
    double gemm_efficiency = 0.50;       // ... below this efficiency
    double group_min_share = 0.10;       // any other group's share of kernel time
    double group_efficiency = 0.25;      // ... below this efficiency
    double elementwise_share = 0.10;     // memory-bound elementwise groups together
    double small_message_bytes = 1 << 20;  // collectives below this message size per call
    double small_collectives_share = 0.05;
    double straggler_last_share = 0.5;   // a rank last in at least this share of collectives
    uint64_t straggler_min_instances = 4;
    double straggler_wait_share = 0.02;  // the others' mean wait / span
};

// roofline and breakdown may be null (an input without timestamps has no breakdown); ranks: the
// traces the roofline summed over. Findings sorted by gain, largest first.
std::vector<Finding> find_issues(const RooflineReport* roofline, const BreakdownReport* breakdown, size_t ranks,
                                 const FindingRules& rules = {});

// The roofline (default grouping, analytic costs added to the traces) and the breakdown of the
// traces, then find_issues: what `rafter findings` and rafter.findings() run. Diagnostics of the
// analyses go to *diagnostics when given.
std::vector<Finding> findings_of(std::vector<Trace>& traces, const Machine& machine,
                                 const std::string& no_machine_reason, Diagnostics* diagnostics = nullptr);

} // namespace rafter
