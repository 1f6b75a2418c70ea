#pragma once
// Who makes the others wait in collectives. After clock alignment (clock_align.h) a collective
// instance ends at one instant on all its ranks, so the k-th all-reduce of a process group on
// each rank is the communication kernel whose aligned end falls within 100 us of the reference
// rank's. Its kernels START when each rank arrives: the last to start is the rank the others
// waited for, the arrival skew is last start - first start, and each rank's wait is last start -
// its own start (time inside the collective that is not communication). docs/breakdown.md.
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/clock_align.h"
#include "traces/trace.h"

namespace rafter {

struct CollectiveInstance {
    std::string key;        // "AllReduce@pg0": collective type, process group when known
    int64_t end_ns = 0;     // on the common (reference) clock
    size_t ranks = 0;       // ranks whose kernel of this instance was matched
    int32_t last_rank = -1; // the rank that arrived last
    double skew_s = 0;      // last arrival - first arrival
};

struct RankWait {
    int32_t rank = -1;
    uint64_t instances = 0;      // matched instances this rank took part in
    uint64_t last_arrivals = 0;  // instances where it arrived last (the others waited for it)
    double wait_s = 0;           // sum over instances of (last arrival - its arrival)
    double max_wait_s = 0;
};

struct CollectiveSkew {
    uint64_t instances = 0;               // matched on two ranks or more
    double total_skew_s = 0, median_skew_s = 0, max_skew_s = 0;
    std::vector<RankWait> ranks;          // one per trace, in trace order
    std::vector<CollectiveInstance> worst;  // largest skew first
    std::vector<int32_t> unaligned;       // ranks left out: their clocks could not be aligned
};

// rank_of[i]: the rank shown for trace i. worst: how many instances to keep.
CollectiveSkew collective_skew(const std::vector<Trace>& traces, const ClockAlignment& alignment,
                               const std::vector<int32_t>& rank_of, size_t worst = 10);

} // namespace rafter
