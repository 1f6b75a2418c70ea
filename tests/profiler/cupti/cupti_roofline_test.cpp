// A trace shaped like the profiler's own output (time mode and counters mode, with the metadata the
// backend sets) goes through the native format into `rafter roofline`: the plumbing from the
// CUPTI backend to the report, checked without a GPU. The numbers are ours; what is checked is
// that they arrive unchanged and with their provenance.
#include <doctest/doctest.h>

#include <cstring>
#include <simdjson.h>

#include "core/atomic_file.h"
#include "profiler/cupti/activity_convert.h"
#include "profiler/gpu/launch_join.h"
#include "profiler/cupti/metric_plan.h"
#include "test_support.h"
#include "traces/native_format.h"

using namespace rafter;
using namespace rafter::cupti;
using namespace rafter::profiler;

namespace {

Trace timed_trace() {
    Trace t;
    t.meta.source_format = "cupti";
    t.meta.host = "gpu-node";
    t.meta.rank = 0;
    t.meta.devices.push_back({0, "NVIDIA H100 80GB HBM3", 9, 0, 85'520'809'984ULL, 132});
    t.meta.machine_hint = "NVIDIA H100 80GB HBM3";
    ActivityConverter c(t, ConvertOptions{});
    for (uint32_t i = 0; i < 2; ++i) {
        CUpti_ActivityKernel10 k;
        std::memset(&k, 0, sizeof k);
        k.kind = CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL;
        k.name = "_Z5triadPfPKfS1_fm";
        k.start = 1'000'000 + i * 1'000'000;
        k.end = k.start + 500'000;  // 0.5 ms each
        k.correlationId = 10 + i;
        k.gridX = 1024; k.gridY = 1; k.gridZ = 1;
        k.blockX = 256; k.blockY = 1; k.blockZ = 1;
        c.add_kernel(k);
    }
    c.finish();
    return t;
}

Trace counted_trace() {
    Trace t;
    t.meta.source_format = "cupti";
    t.meta.host = "gpu-node";
    t.meta.rank = 0;
    std::vector<std::string> bases;
    for (const auto& m : simt_flop_metrics()) bases.push_back(m.substr(0, m.find('.')));
    for (const auto& m : byte_metrics()) bases.push_back(m.substr(0, m.find('.')));
    bases.push_back("gpu__time_duration");
    MetricPlan plan = plan_roofline_metrics("GH100", bases, std::nullopt);
    for (uint64_t i = 1; i <= 2; ++i) {
        std::vector<double> v(plan.metrics.size(), 0.0);
        for (size_t m = 0; m < plan.metrics.size(); ++m) {
            if (plan.metrics[m] == "sm__sass_thread_inst_executed_op_ffma_pred_on.sum") v[m] = 134217728;  // one FMA per element
            if (plan.metrics[m] == "dram__bytes.sum") v[m] = 1610612736;                                   // 3 x 2^27 x 4
            if (plan.metrics[m] == "lts__t_bytes.sum") v[m] = 1610612736;
            if (plan.metrics[m] == "l1tex__t_bytes.sum") v[m] = 1610612736;
            if (plan.metrics[m] == "gpu__time_duration.sum") v[m] = 600'000;
        }
        KernelCounters kc = interpret_counters(plan, v);
        KernelRow row;
        row.name = t.strings.intern("triad(float*, float const*, float const*, float, unsigned long)");
        row.device = 0;
        row.launch_id = i;
        row.flops = kc.flops;
        row.bytes = kc.bytes;
        row.duration_s = kc.duration_s.value;
        row.duration_prov = kc.duration_s.prov;
        t.kernels.append(row);
    }
    return t;
}

} // namespace

TEST_CASE("a joined profiler trace reaches rafter roofline with its numbers and provenance") {
    auto dir = test::scratch_dir("cupti-roofline");
    Trace t = timed_trace();
    auto st = join_counters_into_time(t, counted_trace());
    REQUIRE(st.matched == 2);
    // The profiler's output directory holds only traces; run_rafter keeps its logs beside it.
    ensure_directory(dir + "/profile");
    save_native_trace(t, dir + "/profile/gpu-node-pid1-rank0.rafter");
    auto r = test::run_rafter("roofline '" + dir + "/profile' --format json --quiet", dir);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    // One group: 2 launches, 1 ms, 2 x 2^28 fp32 FLOPs (derived), 2 x 1.5 GiB DRAM (measured).
    simdjson::dom::parser parser;
    simdjson::dom::element doc = parser.parse(r.out);
    CHECK(std::string_view(doc["schema"]) == "rafter.roofline/2");
    CHECK(std::string_view(doc["machine"]["name"]) == "h100-sxm");  // chosen from the device name
    simdjson::dom::array groups = doc["groups"];
    REQUIRE(groups.size() == 1);
    simdjson::dom::element g = groups.at(0);
    CHECK(std::string_view(g["name"]) == "triad(float*, float const*, float const*, float, unsigned long)");
    CHECK(int64_t(g["launches"]) == 2);
    CHECK(double(g["time_s"]) == doctest::Approx(1e-3));  // the undisturbed timing, not replay's 1.2 ms
    CHECK(double(g["flops"]["fp32"]) == 536870912.0);
    CHECK(double(g["bytes"]["dram"]) == 3221225472.0);
    CHECK(std::string_view(g["provenance"]["flops"]) == "derived");
}
