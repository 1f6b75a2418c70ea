#pragma once
// What Nsight Compute metrics mean to Rafter, as one table (ncu_metrics.cpp), and the one place
// where a launch's counters become the Trace's time, FLOPs and bytes (docs/architecture.md,
// "Formulas").
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/metric_kinds.h"
#include "traces/arch.h"
#include "traces/importers/ncu/ncu_units.h"
#include "traces/trace.h"

namespace rafter {

enum class NcuRole : uint8_t {
    time,          // kernel duration
    cycles,        // elapsed SM cycles (averaged over SMs)
    cycle_rate,    // SM cycles per second
    bytes,         // bytes moved at `level`
    dram_read,     // DRAM bytes read (with dram_write, when dram__bytes.sum is absent)
    dram_write,
    simt_add,      // thread-level FP instructions of precision `kind` (fp64/fp32/fp16)
    simt_mul,
    simt_fma,
    tensor_inst,   // tensor pipe warp instructions (times ArchInfo::tensor_flops_per_inst)
    tensor_ops,    // tensor FLOPs counted by the chip, source precision `kind`
};

struct NcuMetric {
    std::string name;      // as ncu prints it, e.g. "dram__bytes.sum"
    std::string section;   // non-empty: a details-page display name valid only in this section
    NcuRole role;
    Quantity quantity;     // what its unit must be
    FlopKind kind = FlopKind::count;   // simt_*: fp64/fp32/fp16; tensor_ops: tensor_fp16, ...
    MemLevel level = MemLevel::count;  // bytes
    // Among metrics of the same role (and kind/level): the lowest rank present is used.
    // Aliases: 0 = preferred name, 1 = fallback. tensor_ops: which partition of the work the
    // metric belongs to (0 = total, 1 = by destination type, 2 = by sparsity, 3 = by both), so
    // that the metrics summed never overlap.
    uint8_t rank = 0;
};

// The table, built once. Indices into it identify metrics everywhere else.
const std::vector<NcuMetric>& ncu_metrics();
// Index of a metric name in ncu_metrics(), or -1 when Rafter does not use it.
int find_ncu_metric(std::string_view name);

// Counts of what could not be derived, for the trace's diagnostics.
struct NcuDerivationNotes {
    uint64_t time_missing = 0;        // launches without any time metric
    uint64_t tensor_unknown = 0;      // launches whose tensor instructions had no FLOPs factor
    std::string tensor_unknown_reason;
    uint64_t flops_incomplete = 0;    // launches with some but not all of add/mul/fma
    std::string flops_incomplete_example;
};

// Fills row.duration_s/duration_prov, row.flops and row.bytes from one launch's values.
// `values[i]` is the SI value of metric i of ncu_metrics(), NaN when the launch lacks it.
// `arch` (may be null) turns tensor instructions into FLOPs.
void derive_ncu_kernel(const std::vector<double>& values, const ArchInfo* arch, KernelRow& row,
                       NcuDerivationNotes& notes);

} // namespace rafter
