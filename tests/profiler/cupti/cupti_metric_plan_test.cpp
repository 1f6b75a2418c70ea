// Metric choice and counter formulas of the GPU profiler, with metric lists written by hand
// (the real per-chip lists are exercised by cupti_host_plan_test).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "profiler/cupti/metric_plan.h"
#include "profiler/gpu/profile_mode.h"

using namespace rafter;
using namespace rafter::cupti;
using namespace rafter::profiler;

namespace {

std::vector<std::string> common_bases() {
    std::vector<std::string> v;
    for (const auto& m : simt_flop_metrics()) v.push_back(m.substr(0, m.find('.')));
    for (const auto& m : byte_metrics()) v.push_back(m.substr(0, m.find('.')));
    v.push_back("gpu__time_duration");
    v.push_back("sm__inst_executed_pipe_tensor");
    return v;
}

double metric_value(const MetricPlan& p, const std::vector<double>& v, const std::string& m) {
    for (size_t i = 0; i < p.metrics.size(); ++i)
        if (p.metrics[i] == m) return v[i];
    return -1;
}

} // namespace

TEST_CASE("profile modes parse and print") {
    CHECK(profile_mode_from_string("time") == ProfileMode::time);
    CHECK(profile_mode_from_string("counters") == ProfileMode::counters);
    CHECK(profile_mode_from_string("both") == ProfileMode::both);
    CHECK_FALSE(profile_mode_from_string("Time"));
    CHECK(std::string(to_string(ProfileMode::counters)) == "counters");
}

TEST_CASE("ops_path metrics: undivided count wins, sparsity/op variants and int4/int1 are left out") {
    auto bases = common_bases();
    for (const char* b : {"sm__ops_path_tensor_src_fp16", "sm__ops_path_tensor_src_fp16_dst_fp32",
                          "sm__ops_path_tensor_src_bf16_dst_fp32", "sm__ops_path_tensor_src_bf16_dst_fp32_sparsity_on",
                          "sm__ops_path_tensor_op_hgmma_src_fp16", "sm__ops_path_tensor_src_int4",
                          "sm__ops_path_tensor_src_int1", "sm__ops_path_tensor_src_fp8"})
        bases.push_back(b);
    auto plan = plan_roofline_metrics("GXTEST", bases, std::nullopt);
    REQUIRE(plan.tensor_method == TensorMethod::ops_path);
    REQUIRE(plan.tensor_ops.size() == 3);
    CHECK(plan.tensor_ops[0].metric == "sm__ops_path_tensor_src_bf16_dst_fp32.sum");
    CHECK(plan.tensor_ops[0].kind == FlopKind::tensor_bf16);
    CHECK(plan.tensor_ops[1].metric == "sm__ops_path_tensor_src_fp16.sum");
    CHECK(plan.tensor_ops[1].kind == FlopKind::tensor_fp16);
    CHECK(plan.tensor_ops[2].metric == "sm__ops_path_tensor_src_fp8.sum");
    CHECK(plan.tensor_ops[2].kind == FlopKind::tensor_fp8);
    // 9 SIMT + 3 bytes + time + 3 tensor + instruction count.
    CHECK(plan.metrics.size() == 17);
    CHECK(plan.metrics.back() == "sm__inst_executed_pipe_tensor.sum");
}

TEST_CASE("without ops_path metrics the per-architecture table is used (Volta: 512 FLOPs per instruction)") {
    auto volta = find_arch("volta");
    REQUIRE(volta);
    REQUIRE(volta->tensor_flops_per_inst);
    auto plan = plan_roofline_metrics("GV100", common_bases(), volta);
    CHECK(plan.tensor_method == TensorMethod::inst_x_table);
    CHECK(*plan.tensor_flops_per_inst == 512);
    CHECK(plan.table_tensor_kind == FlopKind::tensor_fp16);

    std::vector<double> v(plan.metrics.size(), 0.0);
    v[plan.metrics.size() - 1] = 7;  // sm__inst_executed_pipe_tensor.sum
    auto k = interpret_counters(plan, v);
    CHECK(k.flops[static_cast<size_t>(FlopKind::tensor_fp16)].value == 3584);
    CHECK(k.flops[static_cast<size_t>(FlopKind::tensor_fp16)].prov == Provenance::derived);
}

TEST_CASE("no ops_path metrics and no factor: tensor FLOPs missing, with a note") {
    auto hopper = find_arch("hopper");
    REQUIRE(hopper);
    auto plan = plan_roofline_metrics("GH100", common_bases(), hopper);
    CHECK(plan.tensor_method == TensorMethod::none);
    REQUIRE(plan.notes.size() == 1);
    CHECK(plan.notes[0].find("tensor-core FLOPs will be missing") != std::string::npos);
    std::vector<double> v(plan.metrics.size(), 5.0);
    auto k = interpret_counters(plan, v);
    for (FlopKind t : {FlopKind::tensor, FlopKind::tensor_fp16, FlopKind::tensor_bf16})
        CHECK_FALSE(k.flops[static_cast<size_t>(t)].has());
    // Tensor work of unknown size makes the whole FLOP total unknown, as the ncu importer does
    // (traces/counter_formulas.h): the SIMT kinds are dropped too, never summed as if tensor were 0.
    CHECK_FALSE(k.flops[static_cast<size_t>(FlopKind::fp32)].has());
    // Without tensor instructions the tensor work is 0 and the SIMT FLOPs stand.
    for (size_t i = 0; i < plan.metrics.size(); ++i)
        if (plan.metrics[i] == kTensorInstMetric) v[i] = 0;
    auto none = interpret_counters(plan, v);
    CHECK(none.flops[static_cast<size_t>(FlopKind::tensor)].has());
    CHECK(none.flops[static_cast<size_t>(FlopKind::tensor)].value == 0);
    CHECK(none.flops[static_cast<size_t>(FlopKind::fp32)].value == 5.0 + 5.0 + 2 * 5.0);
}

TEST_CASE("a chip without gpu__time_duration gets time from cycles") {
    auto bases = common_bases();
    bases.erase(std::find(bases.begin(), bases.end(), "gpu__time_duration"));
    bases.push_back("sm__cycles_elapsed");
    auto plan = plan_roofline_metrics("GXTEST", bases, std::nullopt);
    CHECK(std::find(plan.metrics.begin(), plan.metrics.end(), "sm__cycles_elapsed.avg") != plan.metrics.end());
    std::vector<double> v(plan.metrics.size(), 0.0);
    for (size_t i = 0; i < plan.metrics.size(); ++i) {
        if (plan.metrics[i] == "sm__cycles_elapsed.avg") v[i] = 3.0e6;
        if (plan.metrics[i] == "sm__cycles_elapsed.avg.per_second") v[i] = 1.5e9;
    }
    auto k = interpret_counters(plan, v);
    CHECK(k.duration_s.prov == Provenance::derived);
    CHECK(k.duration_s.value == doctest::Approx(2e-3));
}

TEST_CASE("counter formulas: add + mul + 2 fma, bytes and time, tensor sums per kind") {
    auto bases = common_bases();
    bases.push_back("sm__ops_path_tensor_src_fp16_dst_fp16");
    bases.push_back("sm__ops_path_tensor_src_fp16_dst_fp32");
    auto plan = plan_roofline_metrics("GA100", bases, std::nullopt);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    std::vector<double> v(plan.metrics.size(), 0.0);
    auto set = [&](const std::string& m, double x) {
        for (size_t i = 0; i < plan.metrics.size(); ++i)
            if (plan.metrics[i] == m) v[i] = x;
    };
    set("sm__sass_thread_inst_executed_op_dadd_pred_on.sum", 10);
    set("sm__sass_thread_inst_executed_op_dmul_pred_on.sum", 20);
    set("sm__sass_thread_inst_executed_op_dfma_pred_on.sum", 30);
    set("sm__sass_thread_inst_executed_op_fadd_pred_on.sum", 1);
    set("sm__sass_thread_inst_executed_op_fmul_pred_on.sum", 2);
    set("sm__sass_thread_inst_executed_op_ffma_pred_on.sum", 3);
    set("sm__sass_thread_inst_executed_op_hfma_pred_on.sum", nan);  // not evaluated
    set("l1tex__t_bytes.sum", 4096);
    set("lts__t_bytes.sum", 2048);
    set("dram__bytes.sum", 1024);
    set("gpu__time_duration.sum", 1500);  // ns
    set("sm__ops_path_tensor_src_fp16_dst_fp16.sum", 100);
    set("sm__ops_path_tensor_src_fp16_dst_fp32.sum", 300);
    CHECK(metric_value(plan, v, "dram__bytes.sum") == 1024);

    auto k = interpret_counters(plan, v);
    auto f = [&](FlopKind kind) { return k.flops[static_cast<size_t>(kind)]; };
    CHECK(f(FlopKind::fp64).value == 90);  // 10 + 20 + 2*30
    CHECK(f(FlopKind::fp64).prov == Provenance::derived);
    CHECK(f(FlopKind::fp32).value == 9);   // 1 + 2 + 2*3
    CHECK_FALSE(f(FlopKind::fp16).has());  // one of its counters is missing: never 0
    CHECK(f(FlopKind::tensor_fp16).value == 400);
    CHECK(f(FlopKind::tensor_fp16).prov == Provenance::measured);
    CHECK_FALSE(f(FlopKind::tensor_bf16).has());
    CHECK(k.bytes[static_cast<size_t>(MemLevel::l1)].value == 4096);
    CHECK(k.bytes[static_cast<size_t>(MemLevel::l2)].value == 2048);
    CHECK(k.bytes[static_cast<size_t>(MemLevel::dram)].value == 1024);
    CHECK(k.bytes[static_cast<size_t>(MemLevel::dram)].prov == Provenance::measured);
    CHECK(k.duration_s.value == doctest::Approx(1.5e-6));
    CHECK(k.duration_s.prov == Provenance::measured);

    set("sm__ops_path_tensor_src_fp16_dst_fp32.sum", nan);
    auto k2 = interpret_counters(plan, v);
    CHECK_FALSE(k2.flops[static_cast<size_t>(FlopKind::tensor_fp16)].has());  // partial sums are not reported
}

TEST_CASE("chips map to their architecture table") {
    REQUIRE(arch_for_chip("GV100"));
    CHECK(arch_for_chip("GV100")->name == "volta");
    CHECK(arch_for_chip("GH100")->name == "hopper");
    CHECK(arch_for_chip("AD102")->name == "ada");
    CHECK_FALSE(arch_for_chip("GX999"));
}
