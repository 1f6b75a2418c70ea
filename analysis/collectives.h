#pragma once
// Collectives on a roofline of their own (docs/collectives.md).
//
// Every NCCL/RCCL kernel of a trace becomes a call with a kind (all_reduce, ...), a group size, a
// message size in the nccl-tests convention, and from its kernel time the algorithm and bus
// bandwidth (algbw = size / time, busbw = algbw x the nccl-tests factor of model/scaling/comm.h).
// Its ceiling is the link it crossed: NVLink (or Infinity Fabric, else PCIe) per GPU when the group
// lies in one node; across nodes the NICs of the group's ranks in a node together (ring-family
// collectives), each rank's own NIC for the off-node part of an all_to_all. The call's link bound
// is bus bytes / ceiling, its efficiency busbw / ceiling, never above 1.
//
// What the call is comes from, in order: the trace's own collective record on the kernel
// (Kineto's "Collective name", message sizes, dtype, group size, process-group ranks); else the
// c10d op that launched it (c10d::allreduce_, c10d::_allgather_base_, ... with input shapes);
// else the kernel name (ncclDevKernel_AllReduce_...). Each field says where it came from.
// A DDP gradient-bucket allreduce records no shapes (a TensorList); its size is the sum of the
// gradients DDP's reducer scaled into the bucket (torch::distributed::reducer::mul_out) since the
// previous allreduce on the same thread.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/op_attribution.h"
#include "analysis/roofline_formulas.h"
#include "model/machines/machine.h"
#include "model/scaling/comm.h"
#include "traces/trace.h"

namespace rafter {

struct CollectiveOptions {
    // GPUs per node, to tell whether a group crosses nodes (ranks are placed node-major, as
    // torchrun and Slurm do). 0: the default of 8 (DGX/HGX nodes).
    int gpus_per_node = 0;
};
inline constexpr int kDefaultGpusPerNode = 8;

enum class LinkKind : uint8_t { none, nvlink, pcie, nic };
const char* to_string(LinkKind l);  // "nvlink", "pcie", "nic"; "none"

struct CollectiveCall {
    uint32_t trace = 0;     // index into the traces
    size_t kernel_row = 0;  // the kernel it ran as
    std::optional<Collective> kind;  // nullopt: not known (reason says why)
    std::string kind_from;           // "trace", "op c10d::allreduce_", "kernel name"
    int ranks = 0;                   // group size; 0 when unknown
    std::string ranks_from;          // "trace", "process-group ranks", "world size"
    int nodes = 0;                   // nodes the group spans; 0 when unknown
    std::optional<double> size_bytes;  // nccl-tests message size
    std::string size_from;           // "trace", "op input shapes", "DDP bucket (...)"
    std::optional<double> time_s;    // kernel time
    std::optional<double> bus_bytes;  // size x bus factor
    std::optional<double> algbw, busbw;  // bytes/s
    LinkKind link = LinkKind::none;
    std::optional<double> link_bandwidth;  // the busbw ceiling, bytes/s (one direction)
    std::optional<double> link_time_s;     // bus_bytes / link_bandwidth: the least time
    std::optional<double> efficiency;      // link_time_s / time_s, in (0, 1]
    std::string reason;                    // why efficiency is missing ("" when present)
};

struct CollectiveCalls {
    std::vector<CollectiveCall> calls;
    // Per trace, per kernel row: the index into `calls`, or kNone.
    static constexpr uint32_t kNone = UINT32_MAX;
    std::vector<std::vector<uint32_t>> call_of_kernel;
    int gpus_per_node = kDefaultGpusPerNode;
};

// The collectives of the traces. `attributions` (one per trace, or empty) link kernels to the c10d
// ops that launched them; without them only the trace's records and kernel names are used.
CollectiveCalls find_collectives(const std::vector<Trace>& traces, const Machine& machine,
                                 const CollectiveOptions& options,
                                 const std::vector<OpAttribution>& attributions);

// The same, attributing the kernels of traces that record framework ops first.
CollectiveCalls find_collectives(const std::vector<Trace>& traces, const Machine& machine,
                                 const CollectiveOptions& options);

// Whether a kernel row belongs in a collective group: it ran as a collective, and when it was
// launched before the profile the trace itself recorded what it was (its kernel name alone may
// mislabel it: NCCL 2.1x runs every collective of a fused launch as ncclKernel_SendRecv_*).
bool in_collective_group(const CollectiveCalls& calls, size_t trace, size_t row, bool prelaunched);

// The roofline group of a call: kind, message-size bucket (powers of 16 from 64 KiB, as
// nccl-tests sweeps) and group size, e.g. "nccl all_reduce 1-16 MiB x16";
// "nccl all_reduce size unknown x16"; "nccl collective (kind unknown)".
std::string collective_group_name(const CollectiveCall& c);

// The running sums of one roofline group of collectives (roofline.cpp, op_roofline.cpp).
struct CollectiveSums {
    uint64_t calls = 0, sized = 0, linked = 0;
    double message = 0, bus = 0, link_time = 0;
    std::optional<Collective> kind;
    int ranks = 0;               // -1 once calls disagree
    LinkKind link = LinkKind::none;
    bool mixed_link = false;
    std::optional<double> link_bandwidth;
    std::string reason;          // the first call's reason for a missing efficiency

    void add(const CollectiveCall& c);
    // Writes the collective fields of g (before finalize_group); `reason` is for after it, when
    // the group has no efficiency.
    void store(GroupMetrics& g) const;
};

// A collective's name as traces and c10d ops spell it ("allreduce", "_allgather_base",
// "c10d::alltoall_base_", "reduce_scatter_tensor", "send") to a kind; nullopt when unknown.
std::optional<Collective> collective_from_trace_name(std::string_view name);

} // namespace rafter
