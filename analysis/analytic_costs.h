#pragma once
// Analytic FLOPs and bytes for a trace's framework ops (model/ops/op_costs.h applied to cpu_ops rows)
// and their distribution onto kernels.
//
// One op call often launches several kernels (cuDNN's layout transforms around a convolution,
// split-K GEMM reductions, a memset before an atomic GEMM). The op's analytic cost belongs to the
// op; for kernel-level analysis it is split over the op's kernels in proportion to their GPU time
// (equal shares when no kernel has a time). The shares add up to the op's cost, so op and kernel
// totals agree, and every kernel of the op shows the op's arithmetic intensity. Kernels that
// already carry FLOPs or DRAM bytes from counters (measured/derived) keep them.
#include <array>
#include <optional>
#include <span>
#include <string_view>
#include <string>
#include <unordered_map>
#include <vector>

#include "analysis/op_attribution.h"
#include "core/diagnostics.h"
#include "model/ops/op_costs.h"
#include "traces/trace.h"

namespace rafter {

// The analytic cost of every cpu_ops row of one trace, computed once per distinct
// (name, Input Dims, Input type, Concrete Inputs) and shared by identical calls.
class OpCostTable {
public:
    explicit OpCostTable(const Trace& trace);
    // nullopt when the op has no model or its shapes are unusable; why() says which.
    const std::optional<OpCost>& cost(size_t op_row);
    const std::string& why(size_t op_row);
    // Canonical "Input Dims"/"Input type" text of an op row (empty when not recorded).
    std::string input_dims_text(size_t op_row) const;
    std::string input_types_text(size_t op_row) const;

private:
    struct Entry {
        std::optional<OpCost> cost;
        std::string why;
    };
    const Entry& entry(size_t op_row);
    const Trace& trace_;
    std::vector<int32_t> entry_of_row_;  // -1 = not computed yet
    std::vector<Entry> entries_;
    struct Key {
        StringId name, dims, types, concrete;
        bool operator==(const Key&) const = default;
    };
    struct KeyHash {
        size_t operator()(const Key& k) const;
    };
    std::unordered_map<Key, int32_t, KeyHash> index_;
};

// The FLOP and byte arrays of a cost, as report values with provenance analytic.
std::array<Value, kFlopKinds> analytic_flops(const OpCost& c);
std::array<Value, kMemLevels> analytic_bytes(const OpCost& c);

// Counts of what was (not) costed, for reports. Per op call (cpu_ops row with kernels).
// An op's cost with the precision its kernels show. PyTorch's allow_tf32 setting is not in the
// trace, so a float GEMM is costed as fp32; but cuBLAS and CUTLASS name their TF32 tensor-core
// kernels ("cutlass_80_tensorop_s1688gemm_*", "sm80_xmma_gemm_f32f32_tf32f32_*", "*_tf32*"),
// and a float GEMM that ran one of those did its FLOPs on TF32 tensor cores. Such a cost gets
// flop_kind tensor_tf32 (and *changed = true); any other cost is returned as it is.
std::optional<OpCost> with_kernel_precision(const std::optional<OpCost>& cost, const Trace& trace,
                                            std::span<const uint32_t> kernel_rows, bool* changed = nullptr);
// True for the kernel names above.
bool is_tf32_tensor_kernel(std::string_view kernel_name);

struct AnalyticCoverage {
    uint64_t calls_costed = 0;
    uint64_t calls_tf32 = 0;           // float GEMMs counted as TF32 from their kernels' names
    uint64_t calls_no_model = 0;       // op name without a model
    uint64_t calls_unusable = 0;       // model exists but shapes/dtypes missing or inconsistent
    uint64_t calls_assumed = 0;        // costed with an assumed parameter (OpCost::assumed)
    std::string first_no_model, first_unusable, first_assumed;  // one example message of each
    void count(const std::optional<OpCost>& c, const std::string& why, bool has_model);
    void add_diagnostics(Diagnostics& diags) const;
};

struct ApplyAnalyticResult {
    uint64_t kernels_costed = 0;          // kernels that received analytic values
    uint64_t kernels_kept_counters = 0;   // kernels whose measured/derived values were kept
    AnalyticCoverage coverage;
};

// Writes analytic FLOPs (at the op's FLOP kind) and DRAM bytes onto the kernels of every costed
// op call, split by GPU time share (see above). Adds the coverage to trace.diagnostics.
ApplyAnalyticResult apply_analytic_costs(Trace& trace, const OpAttribution& attribution);

// apply_analytic_costs on every trace that records framework ops (Kineto; not ncu or nsys, which
// have none), so that kernel-level roofline, report and export show FLOPs and bytes for trace
// input. Not for --group-by op|op-shape, which costs the ops itself.
void apply_analytic_costs_to_traces(std::vector<Trace>& traces);

} // namespace rafter
