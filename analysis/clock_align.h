#pragma once
// Per-rank clock offsets from matching collectives.
//
// A collective completes on all its ranks at nearly the same instant (no rank can leave an
// all-reduce before the last one has contributed), so the END times of the k-th matching
// communication kernel on two ranks are two readings of one instant on two clocks. For each rank
// the offset to the reference rank is the median, over matched collectives, of
// end_ref[k] - end_rank[k]; the median absolute deviation around it is reported as the spread
// (a quality figure: large means the matching or the premise failed).
// Matching: communication kernels (by name, or linked to a CollectiveRow) keyed by collective
// type parsed from the kernel name (AllReduce, SendRecv, ...) plus the process group when the
// trace links one; the k-th kernel of a key on one rank is paired with the (k+s)-th on the
// reference, for index shifts |s| <= 8 (profile windows rarely start on the same collective).
// The offset is a consensus: among all pair differences, the value that the most pairs agree
// with to within 100 us (one shift per key, so each collective counts once; ties prefer the
// smaller offset), then the median of those agreeing pairs. Pairs that do not correspond (one
// rank's profile recorded a collective the other's did not, sampled or filtered traces) are
// thereby left out instead of dragging a plain k-th-to-k-th median away. At least two agreeing
// pairs are required.
// Before matching, each trace's times are put on its absolute clock with meta.base_time_ns.
// Without enough matching collectives the recorded clocks are trusted (offset 0) and the method
// says so; subtracting first timestamps is never used, since profiles start at different moments.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "traces/trace.h"

namespace rafter {

struct ClockAlignment {
    size_t reference = 0;                 // index of the reference trace
    std::vector<int64_t> offset_ns;       // per trace: add to (time + base_time_ns) for the common clock
    std::vector<uint64_t> matched;        // collectives matched with the reference
    std::vector<int64_t> spread_ns;       // median absolute deviation of the per-collective offsets
    std::vector<int32_t> shift;           // k-index shift used (median over keys)
    std::vector<std::string> method;      // "reference", "collectives", "recorded clocks"
};

ClockAlignment align_clocks(const std::vector<Trace>& traces);

// A trace's communication kernels keyed for matching across ranks (collective type from the
// kernel name, "@" process group when linked), each key's calls in start order, with start and
// end on the trace's absolute clock (+ meta.base_time_ns; not yet corrected by an offset).
struct CommKernelSpan {
    int64_t start_ns = 0, end_ns = 0;
};
std::map<std::string, std::vector<CommKernelSpan>> comm_kernel_spans(const Trace& t);

// "ncclKernel_AllReduce_RING_LL_Sum_float(...)" -> "AllReduce"; "ncclDevKernel_SendRecv(...)"
// -> "SendRecv"; other names -> the name up to its first '(' or '<'.
std::string collective_type_from_kernel(std::string_view name);

} // namespace rafter
