// Host-side metric planning with the real CUPTI host API (no GPU needed, only a chip name).
#include <doctest/doctest.h>

#include <map>

#include <algorithm>

#include "core/error.h"
#include "profiler/cupti/host_planner.h"

using namespace rafter;
using namespace rafter::cupti;

namespace {

bool host_api_usable() {
    auto why = host_api_unavailable_reason();
    if (!why.empty()) MESSAGE("SKIPPED: " << why);
    return why.empty();
}

std::vector<std::string> tensor_names(const MetricPlan& p) {
    std::vector<std::string> v;
    for (const auto& t : p.tensor_ops) v.push_back(t.metric + "=" + to_string(t.kind));
    return v;
}

} // namespace

TEST_CASE("CUPTI host API knows the three datacenter chips") {
    if (!host_api_usable()) return;
    auto chips = supported_chips();
    for (const char* c : {"GV100", "GA100", "GH100"})
        CHECK(std::find(chips.begin(), chips.end(), c) != chips.end());
}

TEST_CASE("roofline metric plans per chip: valid metrics, tensor metrics, pass counts") {
    if (!host_api_usable()) return;
    struct Expect {
        const char* chip;
        std::vector<std::string> tensor;
        size_t passes;
    };
    // Tensor metrics: the chips' own metric lists (cuptiProfilerHostGetBaseMetrics) have
    // sm__ops_path_tensor_src_* on all three; GH100 no longer splits fp16 by destination.
    // Passes: what cuptiProfilerHostGetNumOfPasses reports for these sets with CUPTI 13.0.
    const std::vector<Expect> expects = {
        {"GV100",
         {"sm__ops_path_tensor_src_fp16_dst_fp16.sum=tensor_fp16",
          "sm__ops_path_tensor_src_fp16_dst_fp32.sum=tensor_fp16"},
         3},
        {"GA100",
         {"sm__ops_path_tensor_src_bf16_dst_fp32.sum=tensor_bf16",
          "sm__ops_path_tensor_src_fp16_dst_fp16.sum=tensor_fp16",
          "sm__ops_path_tensor_src_fp16_dst_fp32.sum=tensor_fp16",
          "sm__ops_path_tensor_src_fp64.sum=tensor_fp64",
          "sm__ops_path_tensor_src_int8.sum=tensor_int8",
          "sm__ops_path_tensor_src_tf32_dst_fp32.sum=tensor_tf32"},
         7},
        {"GH100",
         {"sm__ops_path_tensor_src_bf16_dst_fp32.sum=tensor_bf16",
          "sm__ops_path_tensor_src_fp16.sum=tensor_fp16",
          "sm__ops_path_tensor_src_fp64.sum=tensor_fp64",
          "sm__ops_path_tensor_src_fp8.sum=tensor_fp8",
          "sm__ops_path_tensor_src_int8.sum=tensor_int8",
          "sm__ops_path_tensor_src_tf32_dst_fp32.sum=tensor_tf32"},
         7},
    };
    for (const auto& e : expects) {
        CAPTURE(e.chip);
        MetricPlan plan = plan_for_chip(e.chip);
        MESSAGE(e.chip << ": " << plan.metrics.size() << " metrics, " << plan.passes << " passes");
        CHECK(plan.tensor_method == TensorMethod::ops_path);
        CHECK(tensor_names(plan) == e.tensor);
        // 9 SIMT + 3 bytes + time + tensor ops + the tensor instruction count.
        CHECK(plan.metrics.size() == 9 + 3 + 1 + e.tensor.size() + 1);
        CHECK(plan.notes.empty());
        HostSession host(e.chip);
        for (const auto& m : plan.metrics) {
            CAPTURE(m);
            CHECK(host.is_valid_metric(m));
        }
        CHECK(plan.passes == e.passes);
        // Sanity of the count: at least the passes of the set without tensor metrics (SIMT,
        // bytes, time need 2 on these chips: the sass_ counters take their own pass) and at most
        // that plus one pass per tensor metric.
        std::vector<std::string> no_tensor;
        for (const auto& m : plan.metrics)
            if (m.find("ops_path") == std::string::npos) no_tensor.push_back(m);
        HostSession host2(e.chip);
        size_t base = passes_for_config(host2.config_image(no_tensor));
        CHECK(base == 2);
        CHECK(plan.passes >= base);
        CHECK(plan.passes <= base + 2 * e.tensor.size());
    }
}

TEST_CASE("an unknown chip is refused with CUPTI's reason") {
    if (!host_api_usable()) return;
    try {
        plan_for_chip("GX999");
        FAIL("expected an error");
    } catch (const Error& e) {
        CHECK(e.code() == ExitCode::not_available);
        CHECK(std::string(e.what()).find("GX999") != std::string::npos);
    }
}

TEST_CASE("a metric the chip lacks is named in the error") {
    if (!host_api_usable()) return;
    HostSession host("GV100");
    CHECK_FALSE(host.is_valid_metric("sm__ops_path_tensor_src_fp8.sum"));  // Volta has no FP8
    try {
        host.config_image({"dram__bytes.sum", "sm__ops_path_tensor_src_fp8.sum"});
        FAIL("expected an error");
    } catch (const Error& e) {
        CHECK(std::string(e.what()).find("sm__ops_path_tensor_src_fp8.sum") != std::string::npos);
        CHECK(std::string(e.what()).find("GV100") != std::string::npos);
    }
}

TEST_CASE("every metric of a chip's plan feeds a FLOP kind, a memory level or the time") {
    if (!host_api_unavailable_reason().empty()) return;
    for (const char* chip : {"GA100", "GH100"}) {
        CAPTURE(chip);
        MetricPlan plan = plan_for_chip(chip);
        std::vector<double> values(plan.metrics.size(), 1000.0);
        KernelCounters k = interpret_counters(plan, values);
        CHECK(k.flops[static_cast<size_t>(FlopKind::fp64)].has());
        CHECK(k.flops[static_cast<size_t>(FlopKind::fp32)].has());
        CHECK(k.flops[static_cast<size_t>(FlopKind::fp16)].has());
        CHECK(k.bytes[static_cast<size_t>(MemLevel::l1)].has());
        CHECK(k.bytes[static_cast<size_t>(MemLevel::l2)].has());
        CHECK(k.bytes[static_cast<size_t>(MemLevel::dram)].has());
        CHECK(k.duration_s.has());
    }
}

// The values CUPTI 13.0 returned on an H200 (driver 580.159.04, 2026-12-04) for the first kernel
// of a cuBLAS SGEMM 2048^3 (cutlass_80_simt_sgemm_256x128_8x4_nn_align1), in plan order.
TEST_CASE("the GH100 plan turns an H200 SGEMM's counter values into 2MNK FLOPs and its bytes") {
    if (!host_api_unavailable_reason().empty()) return;
    MetricPlan plan = plan_for_chip("GH100");
    const std::map<std::string, double> measured = {
        {"sm__sass_thread_inst_executed_op_fmul_pred_on.sum", 4194304},
        {"sm__sass_thread_inst_executed_op_ffma_pred_on.sum", 8589934592},
        {"l1tex__t_bytes.sum", 419430400},
        {"lts__t_bytes.sum", 419793344},
        {"dram__bytes.sum", 46629120},
        {"gpu__time_duration.sum", 340032}};
    std::vector<double> values;
    for (const auto& m : plan.metrics) values.push_back(measured.count(m) ? measured.at(m) : 0.0);
    KernelCounters k = interpret_counters(plan, values);
    REQUIRE(k.flops[static_cast<size_t>(FlopKind::fp32)].has());
    // 2 * 2048^3 = 17179869184 FMA FLOPs, plus the epilogue's 2048^2 multiplies by alpha.
    CHECK(k.flops[static_cast<size_t>(FlopKind::fp32)].value == 2.0 * 8589934592 + 4194304);
    CHECK(k.bytes[static_cast<size_t>(MemLevel::l1)].value == 419430400);
    CHECK(k.bytes[static_cast<size_t>(MemLevel::l2)].value == 419793344);
    CHECK(k.bytes[static_cast<size_t>(MemLevel::dram)].value == 46629120);
    CHECK(k.duration_s.value == doctest::Approx(340032e-9));
}
