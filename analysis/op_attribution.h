#pragma once
// Which framework op launched each kernel and copy.
//
// Rule (docs/breakdown.md, "Attribution"): a kernel is charged to exactly one op, the INNERMOST
// cpu op (CpuEventKind::op) enclosing the runtime call that launched it, on that call's thread.
// That is the op whose External id Kineto stamps on the kernel, and TraceLens' "leaf op": for
// aten::linear > aten::addmm the kernel goes to aten::addmm, for aten::conv2d > aten::convolution
// > aten::_convolution > aten::cudnn_convolution to aten::cudnn_convolution. Enclosing ops are
// never charged again, so nested ops are counted once.
//
// Links, in order: (1) the kernel's correlation id -> the runtime/driver call with that id ->
// the innermost op on its thread containing the call's midpoint; (2) that call's External id
// when it names an op; (3) the kernel's own External id when it names an op and is not simply a
// copy of the correlation id (older Kineto versions write the correlation id there, which must
// not be read as an op id). Kernels with no link (CUDA graph replays, kernels whose launch fell
// outside the profiled CPU window, launches outside any op) are kept and counted as unattributed.
#include <cstdint>
#include <span>
#include <vector>

#include "core/diagnostics.h"
#include "traces/trace.h"

namespace rafter {

struct OpAttribution {
    static constexpr uint32_t kNone = UINT32_MAX;
    enum class Link : uint8_t { none, correlation, runtime_external_id, external_id };

    std::vector<uint32_t> kernel_op;  // per kernel row: the cpu_ops row charged, or kNone
    std::vector<Link> kernel_link;    // how it was found
    std::vector<uint32_t> copy_op;    // per copy row (memcpy/memset)
    std::vector<uint32_t> parent;     // per cpu_ops row: the enclosing op (kind op), or kNone

    uint64_t kernels_attributed = 0;
    uint64_t kernels_unattributed = 0;
    uint64_t kernels_no_launch = 0;      // unattributed: no runtime call with their correlation id
    uint64_t kernels_outside_op = 0;     // unattributed: launched outside any op
    uint64_t kernels_via_correlation = 0, kernels_via_runtime_external_id = 0, kernels_via_external_id = 0;
    uint64_t copies_attributed = 0, copies_unattributed = 0;
};

OpAttribution attribute_ops(const Trace& trace);

// The kernel rows of each op call, in row order, as one compact index (4 bytes per op and per
// kernel: traces have millions of ops, most without kernels).
class KernelsByOp {
public:
    explicit KernelsByOp(const OpAttribution& a);
    size_t ops() const { return offsets_.empty() ? 0 : offsets_.size() - 1; }
    std::span<const uint32_t> of(size_t op) const {
        return {rows_.data() + offsets_[op], rows_.data() + offsets_[op + 1]};
    }

private:
    std::vector<uint32_t> offsets_, rows_;
};

// Adds the attribution counts to a diagnostics table ("ops.unattributed_kernels", ...).
void add_attribution_diagnostics(const OpAttribution& a, Diagnostics& diags);

} // namespace rafter
