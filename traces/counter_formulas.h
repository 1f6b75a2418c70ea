#pragma once
// Hardware counters to FLOPs: the one home of the formulas shared by the Nsight Compute importer
// (traces/importers/ncu/ncu_metrics.cpp) and the CUPTI profiler (profiler/cupti/metric_plan.cpp),
// so that an ncu export and a Rafter trace of the same kernel get the same numbers
// (docs/architecture.md, "Formulas").
#include <array>
#include <optional>

#include "core/metric_kinds.h"

namespace rafter {

// SIMT FLOPs from SASS thread-instruction counts of one precision: add + mul + 2 x fma (an FMA is
// two FLOPs). Missing unless all three counts are present: part of them would understate the work.
Value simt_flops(std::optional<double> add, std::optional<double> mul, std::optional<double> fma);

// Tensor-core FLOPs from the tensor-pipe instruction count, for chips without per-precision
// ops_path counts. No instructions: 0 (derived). A FLOPs-per-instruction factor for the
// architecture: instructions x factor (derived). Neither: the work is of unknown size.
struct TensorFromInstructions {
    Value flops;
    bool unknown_size = false;  // tensor work happened but cannot be converted
};
TensorFromInstructions tensor_flops_from_instructions(double instructions, std::optional<double> flops_per_instruction);

// A launch that did tensor work of unknown size has an unknown FLOP total: every kind is cleared,
// or a sum over kinds would count the tensor work as 0.
void clear_all_flops(std::array<Value, kFlopKinds>& flops);

} // namespace rafter
