#pragma once
// GPU work launched before the CPU side of a profile began.
//
// A PyTorch profile often opens with kernels that the CPU launched before profiling started:
// they ran inside the window, so CUPTI recorded them, but their launching runtime call and op
// were not. CUPTI correlation ids grow with every API call, so such a kernel (or memcpy/memset)
// has a correlation id without a runtime call and below the smallest runtime call's id. They are
// real GPU time but belong to no op and have no cost; reports name them and
// `--exclude-unlaunched` drops them (so that span and busy time cover only profiled launches,
// matching HTA and TraceLens, which drop events without a launch).
#include <cstdint>
#include <vector>

#include "traces/trace.h"

namespace rafter {

inline constexpr const char* kPrelaunchedGroup = "(launched before the profile)";
inline constexpr const char* kPrelaunchedReason =
    "launched before the profile began: their launch and op were not recorded, so they have no cost";

struct PrelaunchedRows {
    std::vector<bool> kernels;  // per kernel row
    std::vector<bool> copies;   // per copy row
    uint64_t kernel_count = 0, copy_count = 0;
};

// Empty vectors (all false) when the trace records no runtime calls with correlation ids: then
// nothing can be said about launches.
PrelaunchedRows find_prelaunched(const Trace& trace);

// Removes the prelaunched kernels and copies from every trace (and collectives that ran as such
// kernels), adding the diagnostic `trace.prelaunched_excluded` with the count. Returns the number
// of rows removed.
uint64_t exclude_prelaunched(std::vector<Trace>& traces);

} // namespace rafter
