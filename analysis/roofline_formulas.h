#pragma once
// The roofline's data and formulas, in one place (docs/roofline.md, docs/architecture.md
// "Formulas"): what a group holds, how contributions are summed (a value is present only when
// every contribution had it), the machine peak used per FLOP kind, and the derived fields (AI per
// level, FLOP rate, bound, efficiency). Every grouping (roofline.cpp by kernel, base name or region;
// op_roofline.cpp by framework op) fills GroupSums, then calls finalize_group and finalize_report.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostics.h"
#include "core/metric_kinds.h"
#include "model/machines/machine.h"
#include "traces/trace.h"

namespace rafter {


enum class GroupBy { kernel, base, op, op_shape, region, module };
const char* to_string(GroupBy g);  // "kernel", "base", "op", "op-shape", "region", "module"
std::optional<GroupBy> group_by_from_string(std::string_view s);  // also accepts "op_shape"
// Whether group names are kernel names (C++ signatures that display names shorten).
inline bool has_kernel_names(GroupBy g) { return g == GroupBy::kernel || g == GroupBy::base; }
// Whether groups are made of framework-op calls (analysis/op_roofline.h): by op, op and shapes,
// or the module the ops ran in.
inline bool is_op_grouping(GroupBy g) { return g == GroupBy::op || g == GroupBy::op_shape || g == GroupBy::module; }

// What limits a group: the largest of its compute time, its memory time per level, and its
// launch floor (each kernel takes at least the machine's kernel_floor_s on the GPU).
// `link`: a collective's bus bytes over the link it crossed (analysis/collectives.h).
enum class Bound { compute, dram, l2, l1, launch_floor, link, unknown };
const char* to_string(Bound b);  // "launch_floor"; "unknown" for Bound::unknown (JSON writes null)

struct RooflineOptions {
    GroupBy group_by = GroupBy::kernel;
    bool group_by_chosen = false;  // group_by came from default_group_by, not from the user
    // Why no machine was given or detected, when the analysis runs against no machine (a Machine
    // with an empty name, which has no ceilings): FLOPs, bytes, time and rates are still reported.
    std::string no_machine_reason;
    // GPUs per node, to tell which collectives cross nodes (analysis/collectives.h); 0: 8.
    int gpus_per_node = 0;
    // --group-by module: the first `module_depth` levels of each op's module path (0: all).
    int module_depth = 0;
};

// The reason every group carries when the analysis has no machine: bounds need ceilings.
inline constexpr const char* kNoMachineReason = "no machine: bound and efficiency need its ceilings";

struct GroupMetrics {
    std::string name;          // kernel name, base name, op name or region name
    // Framework-op groups only (docs/architecture.md, "JSON contracts").
    std::string op, input_dims, input_types;
    uint64_t invocations = 0;  // op calls or region instances; 0 for kernel groups

    uint64_t launches = 0;     // kernel launches, plus the memsets/copies of op groups
    uint64_t copies = 0;       // memsets and copies among the launches (op groups only)
    std::optional<double> time_s;              // summed kernel time; nullopt when unknown
    std::array<Value, kFlopKinds> flops{};     // summed per kind, with the weakest provenance
    std::array<Value, kMemLevels> bytes{};
    std::optional<double> flops_total;         // sum over kinds with a value; nullopt when none
    std::array<std::optional<double>, kMemLevels> ai{};  // flops_total / bytes at that level
    std::optional<double> flop_rate;           // flops_total / time_s
    Bound bound = Bound::unknown;
    std::optional<double> bound_time_s;        // max(compute, memory per level, launch floor)
    std::optional<double> efficiency;          // bound_time_s / time_s, never above 1
    // The launch floor: the sum over kernels of min(kernel time, machine.kernel_floor_s); nullopt
    // without a floor or a kernel time. `below_floor` counts kernels faster than the floor.
    std::optional<double> floor_time_s;
    uint64_t below_floor = 0;
    std::string reason;                        // why bound/efficiency are missing ("" when present)
    Provenance flops_prov = Provenance::missing, bytes_prov = Provenance::missing,
               time_prov = Provenance::missing;
    std::optional<double> time_share;          // time_s / totals.time_s, 0..1; nullopt when unknown
    // Rows of the traces, for drill-down: kernel_rows[i] is a row of traces[kernel_traces[i]]
    // (region rows for GroupBy::region).
    std::vector<size_t> kernel_rows;
    std::vector<uint32_t> kernel_traces;

    // Collective groups only (analysis/collectives.h, docs/collectives.md): NCCL/RCCL kernels of
    // one kind, message-size bucket and group size. Sums over the calls, each missing when any
    // call lacks it. finalize_group takes link_time_s as the group's link bound.
    std::string collective;                 // "all_reduce", ...; empty for other groups
    int collective_ranks = 0;               // group size when all calls share one, else 0
    std::string link;                       // "nvlink", "pcie" or "nic" when all calls share one
    std::optional<double> link_bandwidth;   // the busbw ceiling on that link, bytes/s (one direction)
    std::optional<double> message_bytes;    // summed nccl-tests message sizes
    std::optional<double> bus_bytes;        // summed message x nccl-tests bus factor
    std::optional<double> link_time_s;      // summed bus bytes / link ceiling of each call
    std::optional<double> algbw, busbw;     // message_bytes / time_s, bus_bytes / time_s

    // Set when some contributions of the group had a value and others had none. The value is then
    // missing (a partial sum is never presented as the whole) and so is everything computed from
    // it; finalize_group counts such groups in the diagnostics.
    bool partial_time = false;
    std::array<bool, kFlopKinds> partial_flops{};
    std::array<bool, kMemLevels> partial_bytes{};
};

struct RooflineTotals {
    std::optional<double> time_s;
    Provenance time_prov = Provenance::missing;
    uint64_t launches = 0;
    uint64_t invocations = 0;
    std::array<Value, kFlopKinds> flops{};
    std::optional<double> flops_total;
    std::array<Value, kMemLevels> bytes{};
};

struct RooflineReport {
    Machine machine;  // empty name: none given or detected (no_machine_reason says why)
    std::string no_machine_reason;
    GroupBy group_by = GroupBy::kernel;
    bool group_by_chosen = false;  // as in RooflineOptions: reports say the grouping was chosen
    int module_depth = 0;          // as in RooflineOptions (GroupBy::module)
    std::vector<std::string> inputs;
    RooflineTotals totals;
    std::vector<GroupMetrics> groups;  // sorted by time, largest first (unknown time last)
    Diagnostics diagnostics;           // the traces' diagnostics plus the analysis' own
    std::optional<double> kernel_floor_s;  // the machine's, when it has one
};

// How much of a report's time has a bound and an efficiency, and why the rest has none.
struct ExplainedTime {
    std::optional<double> total_s;  // totals.time_s
    double explained_s = 0;         // time of the groups with an efficiency
    std::vector<std::pair<std::string, double>> unexplained;  // reason -> time, largest first
    std::optional<double> share() const {
        if (!total_s || *total_s <= 0) return std::nullopt;
        return explained_s / *total_s;
    }
};
ExplainedTime explained_time(const RooflineReport& r);

// A per-group figure summed over the groups that have it: what a summary can show when some
// groups lack the figure and the report's total is therefore missing. Never the total itself:
// the output must say it covers `time_s` of the time (a lower bound on the whole).
struct KnownSum {
    double sum = 0;
    double time_s = 0;   // time of the groups that have the figure
    size_t groups = 0;   // groups that have it
    size_t missing = 0;  // groups that do not
};
KnownSum known_flops(const RooflineReport& r);
KnownSum known_bytes(const RooflineReport& r, MemLevel level);

// A sum of Values over the contributions of a group, remembering how many had a value and the
// weakest provenance among them (measured > derived > analytic).
struct ValueSum {
    double sum = 0;
    uint64_t have = 0;
    Provenance weakest = Provenance::missing;
    void add(Value v);
};

// The running sums of one group. `items` counts contributions (kernel rows, op calls, regions).
struct GroupSums {
    explicit GroupSums(std::optional<double> kernel_floor_s = std::nullopt) : floor_s(kernel_floor_s) {}
    std::optional<double> floor_s;  // the machine's kernel floor, for the launch-floor sum
    uint64_t items = 0;
    uint64_t launches = 0;
    ValueSum time;
    std::array<ValueSum, kFlopKinds> flops;
    std::array<ValueSum, kMemLevels> bytes;
    ValueSum floor_time;      // sum of min(kernel time, floor) over kernels
    uint64_t floor_kernels = 0, below_floor = 0;

    // One kernel row: its launches, kernel_time(), FLOPs and bytes, and its launch floor.
    void add_kernel(const KernelTable& kernels, size_t row);
    // One kernel row's share of the launch floor: min(its time, launches x floor). add_kernel
    // does this; contributions made with add_item call it for each of their kernel rows.
    void add_floor(Value kernel_time, uint64_t launches = 1);
    // Any other contribution (op call with analytic values, region): counts as one item.
    void add_item(uint64_t launches, Value time, const std::array<Value, kFlopKinds>& flops,
                  const std::array<Value, kMemLevels>& bytes);
};

// The weaker of two provenances; missing when either is missing.
Provenance weaker(Provenance a, Provenance b);

// A kernel row's time: duration_s when its provenance is not missing, else end - start when the
// timestamps are known (measured), else missing.
Value kernel_time(const KernelTable& kernels, size_t row);

// Writes the sums into g (launches, time_s, flops, bytes, partial flags). A value is present only
// when every item had it; when some had it and others not it is missing and marked partial.
void store_sums(const GroupSums& sums, GroupMetrics& g);

// The machine peak used for FLOPs of kind k, following the documented fallbacks (tensor ->
// tensor_fp16, tensor_bf16 -> tensor_fp16, tensor_fp64 -> fp64, tensor_int8 -> tensor_fp8,
// bf16 -> fp16, tf32 -> fp32). `used` tells which kind's peak was taken.
std::optional<double> peak_for_kind(const Machine& m, FlopKind k, FlopKind* used = nullptr);

// Computes the derived fields of a group from its sums: flops_total, provenances, AI per level,
// FLOP rate, bound time and bound, efficiency, and the reason when they are missing. The launch
// floor is g.floor_time_s (summed by the grouping; what-if sets its projection). Without FLOP and
// byte counts the floor alone bounds a group only when it is at least half its time. A bound time
// above the measured time means a ceiling or a count is wrong:
// the efficiency is then missing with that reason, never above 1. Adds diagnostics (peak
// fallbacks, kinds without a peak, levels without a bandwidth, partial values) to `diags`.
void finalize_group(GroupMetrics& g, const Machine& machine, Diagnostics* diags = nullptr);

// Totals over the groups (same rule: a value is present only when every group has it), time
// shares, and the order (time descending, unknown last, then name). Call after finalize_group.
void finalize_report(RooflineReport& report);

} // namespace rafter
