#include "profiler/cupti/metric_plan.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_set>

#include "core/text.h"
#include "traces/counter_formulas.h"

namespace rafter::cupti {

const char* to_string(TensorMethod m) {
    switch (m) {
    case TensorMethod::ops_path: return "ops_path";
    case TensorMethod::inst_x_table: return "inst_x_table";
    case TensorMethod::none: return "none";
    }
    return "none";
}

// Both lists are never destroyed: the injection library decodes the last counter batch in an
// atexit handler, which runs after the destructors of statics first used later than its
// registration. Destroyed lists made every name longer than std::string's inline buffer unreadable
// (on an H200, counters mode lost fp32 FLOPs and L1/L2 bytes and kept only dram__bytes.sum).
const std::vector<std::string>& simt_flop_metrics() {
    static const auto* m = [] {
        auto* v = new std::vector<std::string>;
        for (const char* p : {"d", "f", "h"})
            for (const char* op : {"add", "mul", "fma"})
                v->push_back(std::string("sm__sass_thread_inst_executed_op_") + p + op + "_pred_on.sum");
        return v;
    }();
    return *m;
}

const std::vector<std::string>& byte_metrics() {
    static const auto* m = new std::vector<std::string>{"l1tex__t_bytes.sum", "lts__t_bytes.sum", "dram__bytes.sum"};
    return *m;
}

std::optional<FlopKind> tensor_kind_for_source(std::string_view src) {
    if (src == "fp16") return FlopKind::tensor_fp16;
    if (src == "bf16") return FlopKind::tensor_bf16;
    if (src == "tf32") return FlopKind::tensor_tf32;
    if (src == "fp8") return FlopKind::tensor_fp8;
    if (src == "fp64") return FlopKind::tensor_fp64;
    if (src == "int8") return FlopKind::tensor_int8;
    return std::nullopt;
}

namespace {

std::string_view base_of(std::string_view metric) {
    auto dot = metric.find('.');
    return dot == std::string_view::npos ? metric : metric.substr(0, dot);
}

// "sm__ops_path_tensor_src_fp16_dst_fp32" -> {"fp16", "fp32"}; {"fp8", ""} without a
// destination. Per-instruction variants ("_op_hmma_") and sparsity splits are not top-level
// counts and are rejected, so a kernel's work is counted once.
std::optional<std::pair<std::string, std::string>> parse_ops_path(std::string_view base) {
    constexpr std::string_view prefix = "sm__ops_path_tensor_src_";
    if (!starts_with(base, prefix)) return std::nullopt;
    std::string_view rest = base.substr(prefix.size());
    if (rest.find("sparsity") != std::string_view::npos) return std::nullopt;
    std::string src(rest), dst;
    if (auto p = rest.find("_dst_"); p != std::string_view::npos) {
        src = std::string(rest.substr(0, p));
        dst = std::string(rest.substr(p + 5));
    }
    if (src.empty() || src.find('_') != std::string::npos || dst.find('_') != std::string::npos)
        return std::nullopt;
    return std::make_pair(src, dst);
}

} // namespace

std::optional<ArchInfo> arch_for_chip(std::string_view chip) {
    for (const auto& a : builtin_archs())
        for (const auto& c : a.chips)
            if (c == chip) return a;
    return std::nullopt;
}

MetricPlan plan_roofline_metrics(std::string_view chip, const std::vector<std::string>& base_metrics,
                                 const std::optional<ArchInfo>& arch) {
    MetricPlan plan;
    plan.chip = std::string(chip);
    std::unordered_set<std::string_view> have(base_metrics.begin(), base_metrics.end());
    auto add_if_present = [&](const std::string& m) {
        if (have.count(base_of(m))) {
            plan.metrics.push_back(m);
            return true;
        }
        plan.notes.push_back(std::string(base_of(m)) + " is not available on " + plan.chip);
        return false;
    };
    for (const auto& m : simt_flop_metrics()) add_if_present(m);
    for (const auto& m : byte_metrics()) add_if_present(m);
    if (!add_if_present(kTimeMetric)) {
        // docs/architecture.md, "Formulas": time from cycles when gpu__time_duration is absent.
        add_if_present("sm__cycles_elapsed.avg");
        add_if_present("sm__cycles_elapsed.avg.per_second");
    }

    // Tensor work per source precision. std::map keeps the order stable across runs.
    std::map<std::string, std::vector<std::string>> with_dst;
    std::map<std::string, std::string> without_dst;
    for (const auto& b : base_metrics) {
        auto parsed = parse_ops_path(b);
        if (!parsed) continue;
        if (!tensor_kind_for_source(parsed->first)) continue;  // int4/int1: not FLOPs
        if (parsed->second.empty()) without_dst[parsed->first] = b;
        else with_dst[parsed->first].push_back(b);
    }
    std::map<std::string, std::vector<std::string>> chosen;
    for (auto& [src, v] : with_dst) chosen[src] = v;
    for (auto& [src, b] : without_dst) chosen[src] = {b};  // the undivided count wins
    for (auto& [src, v] : chosen) {
        std::sort(v.begin(), v.end());
        for (const auto& b : v) {
            plan.tensor_ops.push_back({b + ".sum", *tensor_kind_for_source(src)});
            plan.metrics.push_back(b + ".sum");
        }
    }
    const bool have_inst = have.count(base_of(kTensorInstMetric)) > 0;
    if (!plan.tensor_ops.empty()) {
        plan.tensor_method = TensorMethod::ops_path;
    } else if (have_inst && arch && arch->tensor_flops_per_inst) {
        plan.tensor_method = TensorMethod::inst_x_table;
        plan.tensor_flops_per_inst = arch->tensor_flops_per_inst;
        plan.table_tensor_kind = flop_kind_from_string(arch->tensor_kind).value_or(FlopKind::tensor);
    } else {
        plan.notes.push_back("tensor-core FLOPs will be missing: " + plan.chip +
                             " has no sm__ops_path_tensor_src_* metrics and " +
                             (arch ? "architecture '" + arch->name + "' has no FLOPs-per-instruction factor"
                                   : std::string("its architecture is not in the table")));
    }
    // The instruction count is collected whenever the chip has it: it is the fallback above and a
    // cross-check of ops_path (a kernel with tensor instructions but no ops is suspicious).
    if (have_inst) plan.metrics.push_back(kTensorInstMetric);
    return plan;
}

KernelCounters interpret_counters(const MetricPlan& plan, const std::vector<double>& values) {
    KernelCounters k;
    auto value_of = [&](std::string_view metric) -> std::optional<double> {
        for (size_t i = 0; i < plan.metrics.size() && i < values.size(); ++i)
            if (plan.metrics[i] == metric) {
                if (std::isnan(values[i])) return std::nullopt;
                return values[i];
            }
        return std::nullopt;
    };
    const auto& simt = simt_flop_metrics();
    const FlopKind simt_kinds[3] = {FlopKind::fp64, FlopKind::fp32, FlopKind::fp16};
    for (size_t p = 0; p < 3; ++p) {
        k.flops[static_cast<size_t>(simt_kinds[p])] =
            simt_flops(value_of(simt[p * 3]), value_of(simt[p * 3 + 1]), value_of(simt[p * 3 + 2]));
    }
    const MemLevel levels[3] = {MemLevel::l1, MemLevel::l2, MemLevel::dram};
    for (size_t i = 0; i < 3; ++i)
        if (auto b = value_of(byte_metrics()[i])) k.bytes[static_cast<size_t>(levels[i])] = Value::measured(*b);
    if (auto t = value_of(kTimeMetric)) {
        k.duration_s = Value::measured(*t * 1e-9);  // gpu__time_duration is in ns
    } else {
        auto cycles = value_of("sm__cycles_elapsed.avg");
        auto rate = value_of("sm__cycles_elapsed.avg.per_second");
        if (cycles && rate && *rate > 0) k.duration_s = Value::derived(*cycles / *rate);
    }
    if (plan.tensor_method == TensorMethod::ops_path) {
        // Sum per kind; a kind is missing if any of its metrics is.
        std::array<std::optional<double>, kFlopKinds> sums{};
        std::array<bool, kFlopKinds> broken{};
        for (const auto& t : plan.tensor_ops) {
            size_t i = static_cast<size_t>(t.kind);
            auto v = value_of(t.metric);
            if (!v) broken[i] = true;
            else sums[i] = sums[i].value_or(0) + *v;
        }
        for (size_t i = 0; i < kFlopKinds; ++i)
            if (sums[i] && !broken[i]) k.flops[i] = Value::measured(*sums[i]);
    } else if (auto n = value_of(kTensorInstMetric)) {
        // No per-precision counts: instructions x the architecture's factor, when it has one.
        auto t = tensor_flops_from_instructions(*n, plan.tensor_method == TensorMethod::inst_x_table
                                                        ? plan.tensor_flops_per_inst
                                                        : std::nullopt);
        if (t.unknown_size) clear_all_flops(k.flops);
        else k.flops[static_cast<size_t>(plan.table_tensor_kind)] = t.flops;
    }
    return k;
}

} // namespace rafter::cupti
