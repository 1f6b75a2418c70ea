#pragma once
// Why the GPU is idle, and what launching costs (docs/breakdown.md, "Idle time").
//
// The idle time of a rank (no kernel, copy or memset on any stream) is cut into gaps between the
// union of its GPU activity. Each gap [a, b) is classified once, by the activity that ends it
// (the one starting at b) and the CPU call that launched it (matched by correlation id):
//   host_launch: the launch call had not returned when the GPU ran out of work (L.end >= a): the
//                queue was empty and the GPU waited for the CPU to launch;
//   sync:        as host_launch, but the launching thread was blocked in a synchronizing call
//                (cudaDeviceSynchronize, cudaStreamSynchronize, cudaEventSynchronize, blocking
//                cudaMemcpy, their driver and HIP forms) when the GPU went idle: the host drained
//                the queue on purpose and the gap is the cost of that synchronization;
//   kernel_gap:  the next work was already launched and the gap is shorter than kKernelGapNs: the
//                GPU's own dispatch time between queued kernels (1-3 us on A100/H100);
//   other:       the next work was already launched (`queued`: it waited on a dependency the
//                trace does not record: another stream's event, a CUDA graph's ordering, a host
//                callback), or its launch was not recorded, and the time after the last activity.
// The four add up to the idle time of any window (a rank's span, a step), as HTA's idle-time
// breakdown does per stream; here per rank, over all streams.
#include <cstdint>
#include <optional>
#include <vector>

#include "traces/trace.h"

namespace rafter {

enum class IdleCause : uint8_t { host_launch, sync, kernel_gap, other };
const char* to_string(IdleCause c);  // "host_launch", "sync", "kernel_gap", "other"

struct IdleSplit {
    double host_launch_s = 0, sync_s = 0, kernel_gap_s = 0, other_s = 0;
    double other_queued_s = 0;  // the part of other_s whose next work was already launched
    uint64_t host_launch_gaps = 0, sync_gaps = 0, kernel_gap_gaps = 0, other_gaps = 0;  // overlapping the window
    double total_s() const { return host_launch_s + sync_s + kernel_gap_s + other_s; }
};

// Kernel launch statistics of the kernels starting in a window that have a recorded launch call.
struct LaunchStats {
    uint64_t kernels = 0;                   // kernels with a launch call
    uint64_t unlinked = 0;                  // kernels without one (launched before the profile, ...)
    std::optional<double> median_launch_s;  // CPU time in the launch call (cudaLaunchKernel, ...)
    std::optional<double> median_kernel_s;  // GPU time of the kernel
    std::optional<double> median_delay_s;   // kernel start - launch call start
    std::optional<double> p90_delay_s;
    // Kernels that ran shorter than their own launch call took on the CPU: the CPU cannot keep
    // the GPU busy with them, however early it starts.
    uint64_t shorter_than_launch = 0;
    double shorter_than_launch_s = 0;       // their GPU time
};

// Tolerance for "blocked in a sync call when the GPU went idle": the call's return may be
// recorded a little before the last kernel's end.
inline constexpr int64_t kSyncToleranceNs = 2000;
// Gaps before already-queued work shorter than this are the GPU's dispatch time between kernels.
inline constexpr int64_t kKernelGapNs = 10000;

class IdleTimeline {
public:
    explicit IdleTimeline(const Trace& trace);
    IdleSplit window(int64_t start_ns, int64_t end_ns) const;
    LaunchStats launches(int64_t start_ns, int64_t end_ns) const;

private:
    struct Gap {
        int64_t start, end;
        IdleCause cause;
        bool queued;  // other: the next work was launched before the gap began
    };
    std::vector<Gap> gaps_;  // sorted, disjoint; the first may start at INT64_MIN, the last end at INT64_MAX
    struct Launch {
        int64_t kernel_start;
        int64_t launch_ns, delay_ns, kernel_ns;  // launch_ns < 0: no launch call
    };
    std::vector<Launch> kernels_;  // sorted by kernel start
};

// Whether a CPU runtime or driver call blocks the calling thread until the GPU catches up.
bool is_synchronizing_call(std::string_view name);

} // namespace rafter
