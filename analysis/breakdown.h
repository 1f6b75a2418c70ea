#pragma once
// Where the GPU time of a run goes, per rank and per step (docs/breakdown.md).
//
// For a window (a rank's GPU activity span, or one step) every instant is classified by which
// kinds of GPU activity run then, on any stream of the rank:
//   busy        = union of all kernel, memcpy and memset intervals; idle = window - busy;
//   compute     = union of non-communication kernels;
//   comm        = union of communication kernels (NCCL/RCCL by name, or linked to a collective);
//   exposed     = comm time during which no compute kernel runs on any stream;
//   memcpy, memset = unions of the copies of each kind.
// These are unions per class, so they overlap and do not add up to busy; `exclusive` splits
// busy without overlap in the priority compute > comm > memcpy > memset (its comm part equals
// the exposed communication).
// Kernel time by category (GEMM, conv, attention, ...) is the plain sum of kernel durations,
// classified by kernel-name patterns (a data table in breakdown_categories.cpp).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/clock_align.h"
#include "analysis/collective_skew.h"
#include "analysis/idle.h"
#include "core/diagnostics.h"
#include "traces/trace.h"

namespace rafter {

inline constexpr const char* kBreakdownSchema = "rafter.breakdown/1";

enum class KernelCategory : uint8_t {
    gemm, conv, attention, elementwise, reduction, norm, communication, memcpy, memset, other, count
};
constexpr size_t kKernelCategories = static_cast<size_t>(KernelCategory::count);
const char* to_string(KernelCategory c);
// Classifies a kernel by its (demangled) name; never returns memcpy/memset.
KernelCategory classify_kernel(std::string_view name);
bool is_communication_kernel(std::string_view name);

// GPU activity classes for the interval sweep.
enum class ActivityClass : uint8_t { compute, comm, memcpy, memset };
struct Interval {
    int64_t start_ns = 0, end_ns = 0;
    ActivityClass cls = ActivityClass::compute;
};

struct ActivityTimes {
    double wall_s = 0, busy_s = 0, idle_s = 0;
    double compute_s = 0, comm_s = 0, exposed_comm_s = 0, memcpy_s = 0, memset_s = 0;
    // Busy time split without overlap: compute > comm > memcpy > memset.
    double excl_compute_s = 0, excl_comm_s = 0, excl_memcpy_s = 0, excl_memset_s = 0;
};

// The sweep over a set of intervals, queried for any window.
class ActivityTimeline {
public:
    explicit ActivityTimeline(std::vector<Interval> intervals);
    ActivityTimes window(int64_t start_ns, int64_t end_ns) const;
    bool empty() const { return segments_.empty(); }
    int64_t first_ns() const { return segments_.empty() ? 0 : segments_.front().start; }
    int64_t last_ns() const { return segments_.empty() ? 0 : segments_.back().end; }

private:
    struct Segment {
        int64_t start, end;
        uint8_t mask;  // bit per ActivityClass
    };
    std::vector<Segment> segments_;  // sorted, disjoint, non-empty masks
};

struct CategoryTime {
    KernelCategory category = KernelCategory::other;
    double time_s = 0;
    uint64_t count = 0;
};

struct OpTime {
    std::string op;
    double time_s = 0;
    uint64_t calls = 0, kernels = 0;
};

struct StepBreakdown {
    std::string name;
    int64_t start_ns = 0, end_ns = 0;  // on the rank's own clock
    double start_s = 0;                // on the common clock, from the earliest aligned time
    double duration_s = 0;
    ActivityTimes times;
    IdleSplit idle;                    // times.idle_s split by cause (analysis/idle.h)
    LaunchStats launch;                // kernels starting in the step
    bool straggler = false;            // slower than (1 + threshold) * the median over ranks
    // Kernels, copies and ops of this step: those whose GPU start lies in [start_ns, end_ns), the
    // same window as `times`.
    std::array<CategoryTime, kKernelCategories> categories{};
    std::vector<OpTime> top_ops;
};

struct RankBreakdown {
    int32_t rank = -1;
    std::string source;
    int64_t start_ns = 0, end_ns = 0;   // GPU activity span on the rank's clock
    ActivityTimes totals;               // over that span (wall_s = total_s)
    IdleSplit idle;                     // totals.idle_s split by cause
    LaunchStats launch;
    std::vector<StepBreakdown> steps;
    std::array<CategoryTime, kKernelCategories> categories{};
    std::vector<OpTime> top_ops;
    uint64_t kernels = 0, comm_kernels = 0, memcpys = 0, memsets = 0;
    uint64_t untimed = 0;               // kernels/copies without timestamps, left out
    uint64_t unattributed_kernels = 0;
    double unattributed_time_s = 0;
    int64_t clock_offset_ns = 0;
    std::optional<double> mean_step_s;
    bool straggler = false;
};

struct StepSpread {
    std::string name;
    size_t ranks = 0;
    double median_s = 0, min_s = 0, max_s = 0;
    double spread = 0;                  // (max - min) / median
    std::vector<int32_t> stragglers;    // ranks slower than (1 + threshold) * median
};

struct BreakdownOptions {
    size_t top_ops = 10;
    double straggler_threshold = 0.05;
};

struct BreakdownReport {
    std::vector<std::string> inputs;
    std::vector<RankBreakdown> ranks;   // ordered by rank
    std::vector<StepSpread> steps;      // steps found on more than one rank
    std::optional<double> median_mean_step_s;
    ClockAlignment alignment;
    std::optional<CollectiveSkew> collective_skew;  // with two ranks or more: who the others wait for
    double straggler_threshold = 0.05;
    Diagnostics diagnostics;
};

// One trace per rank (or a single trace). Clocks are aligned with align_clocks().
BreakdownReport analyze_breakdown(const std::vector<Trace>& traces, const BreakdownOptions& options = {});

// The GPU activity intervals of a trace: kernels (compute or comm) and copies, with timestamps.
std::vector<Interval> activity_intervals(const Trace& trace, uint64_t* untimed = nullptr);

} // namespace rafter
