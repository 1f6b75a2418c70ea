#pragma once
// What to collect with the CUPTI Range Profiler for a roofline, and how to turn the collected
// values into FLOPs and bytes (docs/architecture.md, "Formulas"). This file is pure: the metric
// names a chip supports come from the CUPTI host API (host_planner.h) and are passed in, so the
// choice and the formulas are testable without CUPTI or a GPU.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/metric_kinds.h"
#include "traces/arch.h"

namespace rafter::cupti {


// One tensor-core metric and the FLOP kind its work is counted under.
struct TensorOpsMetric {
    std::string metric;  // "sm__ops_path_tensor_src_fp16_dst_fp32.sum"
    FlopKind kind;       // FlopKind::tensor_fp16
};

enum class TensorMethod : uint8_t {
    ops_path,      // sm__ops_path_tensor_src_* counts math ops per source precision (measured)
    inst_x_table,  // sm__inst_executed_pipe_tensor.sum x FLOPs per instruction (derived)
    none,          // neither: tensor FLOPs stay missing
};
const char* to_string(TensorMethod m);

struct MetricPlan {
    std::string chip;                       // "GH100"
    std::vector<std::string> metrics;       // every metric to collect, in evaluation order
    std::vector<TensorOpsMetric> tensor_ops;
    TensorMethod tensor_method = TensorMethod::none;
    std::optional<double> tensor_flops_per_inst;  // for inst_x_table
    FlopKind table_tensor_kind = FlopKind::tensor;
    std::vector<std::string> notes;         // choices worth telling the user
    size_t passes = 0;                      // replay passes per kernel (host_planner fills it)
};

// The FLOP and byte metrics every plan collects (docs/architecture.md, "Formulas"). sass_ metrics
// are instruction counts per thread; each FMA counts as two FLOPs.
const std::vector<std::string>& simt_flop_metrics();   // 9 = {d,f,h} x {add,mul,fma}
const std::vector<std::string>& byte_metrics();        // l1tex, lts, dram
inline constexpr const char* kTimeMetric = "gpu__time_duration.sum";
inline constexpr const char* kTensorInstMetric = "sm__inst_executed_pipe_tensor.sum";

// The FLOP kind of a tensor source precision ("fp16" -> tensor_fp16); nullopt for int4/int1 and
// unknown types, which have no FLOP kind.
std::optional<FlopKind> tensor_kind_for_source(std::string_view src);

// The architecture table entry (traces/data/arch/*.json) listing `chip` ("GV100" -> volta).
std::optional<ArchInfo> arch_for_chip(std::string_view chip);

// Chooses the metrics for `chip`. `base_metrics` are the chip's counter base names as the host API
// lists them (no ".sum" suffix). Tensor work: the sm__ops_path_tensor_src_<type>[_dst_<type>]
// metrics when the chip has them (when both "src_fp16" and "src_fp16_dst_*" exist only the former,
// so nothing is counted twice), else the instruction count times `arch`'s FLOPs per instruction,
// else none. Metrics the chip lacks are left out and noted.
MetricPlan plan_roofline_metrics(std::string_view chip, const std::vector<std::string>& base_metrics,
                                 const std::optional<ArchInfo>& arch);

// Per-kernel results interpreted from evaluated metric values.
struct KernelCounters {
    std::array<Value, kFlopKinds> flops{};
    std::array<Value, kMemLevels> bytes{};
    Value duration_s;
};

// `values[i]` is the value of `plan.metrics[i]` (NaN when it could not be evaluated). SIMT FLOPs
// (add + mul + 2 fma) and table-based tensor FLOPs are `derived`; ops_path tensor FLOPs, bytes
// and time are `measured`. A kind whose metrics were not all evaluated stays missing.
KernelCounters interpret_counters(const MetricPlan& plan, const std::vector<double>& values);

} // namespace rafter::cupti
