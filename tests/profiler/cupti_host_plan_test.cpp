// Host-side metric planning with the real CUPTI host API (no GPU needed, only a chip name).
#include <doctest/doctest.h>

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
