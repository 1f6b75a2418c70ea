#pragma once
// Synthetic but realistic roofline reports for chart tests and for rendering the examples in
// docs/images: a V100-like machine and kernel groups spanning AI 0.01..1000, finalized by the
// analysis' own finalize_group / finalize_report so every derived field follows the real formulas.
#include <cstddef>
#include <string>

#include "analysis/roofline.h"

namespace rafter::test {

// V100 SXM2 ceilings (data sheet): fp64 7.8 T, fp32 15.7 T, fp16 31.4 T, tensor 125 T FLOP/s;
// DRAM 900 GB/s, L2 3.13 TB/s, L1 15.67 TB/s; 4 us launch latency.
Machine v100_machine();

// `groups` kernel groups with names like real cuDNN/PyTorch kernels, time shares falling off
// like a real profile (a few big GEMMs/convolutions, a long tail of elementwise kernels).
// Deterministic for a given seed.
RooflineReport synthetic_report(size_t groups, unsigned seed = 1);

// One hand-made group: FLOPs of one kind, bytes per level (negative = missing), time, launches.
GroupMetrics make_group(const std::string& name, FlopKind kind, double flops, double l1, double l2,
                        double dram, double time_s, uint64_t launches);

// A report from hand-made groups, finalized (totals, shares, order).
RooflineReport make_report(const Machine& m, std::vector<GroupMetrics> groups);

// Three groups none of which can be plotted: one without FLOPs (missing), one with zero FLOPs,
// one without bytes at any level; V100 machine.
RooflineReport unplottable_report();

} // namespace rafter::test
