// --group-by module (analysis/module_scopes.h): paths from nested nn.Module scopes and annotations,
// depth, backward ops through their sequence numbers, uncosted ops in a row of their own; and on
// the real BERT trace the GPU time per layer against tests/analysis/check_modules.py, which sums
// the kernels whose launch call lies in each module's interval (Python json, no op attribution).
#include <doctest/doctest.h>

#include <map>

#include "analysis/module_scopes.h"
#include "analysis/roofline.h"
#include "synthetic_trace.h"
#include "test_support.h"
#include "traces/importer.h"

using namespace rafter;

namespace {

const char* kTypes = R"(["float", "float", "float", "Scalar", "Scalar"])";
const char* kConcrete = R"(["", "", "", "1", "1"])";

void scope(test::TraceBuilder& b, const std::string& name, int64_t start, int64_t end, int64_t tid = 1) {
    CpuOpRow r;
    r.kind = CpuEventKind::python;
    r.name = b.t.strings.intern("nn.Module: " + name);
    r.pid = 100;
    r.tid = tid;
    r.start_ns = start;
    r.end_ns = end;
    b.t.cpu_ops.push_back(r);
}

// Model_0 [0,1000) > Layer_0 [10,400) > Linear_0 [20,200); Layer_1 [500,900) > Linear_1 [510,700);
// an op at 950 in Model_0 only; an op at 2000 outside every module; a backward op on thread 2
// whose backward node carries Linear_1's forward sequence number.
Trace model() {
    test::TraceBuilder b;
    scope(b, "Model_0", 0, 1000);
    scope(b, "Layer_0", 10, 400);
    scope(b, "Linear_0", 20, 200);
    scope(b, "Layer_1", 500, 900);
    scope(b, "Linear_1", 510, 700);
    const char* dims = "[[512], [141, 512], [512, 512], [], []]";
    b.op("aten::addmm", 30, 100, 1, dims, kTypes, kConcrete);
    b.t.cpu_ops.back().sequence_number = 7;
    b.launch(40, 50, 1, 1);
    b.kernel("gemm", 1000, 1100, 1, 1);
    b.op("aten::foo", 300, 350, 2, "[[10]]", R"(["float"])");  // in Layer_0, no cost model
    b.launch(310, 320, 2, 2);
    b.kernel("foo", 1100, 1130, 2, 2);
    b.op("aten::addmm", 520, 600, 3, dims, kTypes, kConcrete);
    b.t.cpu_ops.back().sequence_number = 9;
    b.launch(530, 540, 3, 3);
    b.kernel("gemm", 1200, 1290, 3, 3);
    b.op("aten::addmm", 950, 990, 4, dims, kTypes, kConcrete);
    b.launch(960, 970, 4, 4);
    b.kernel("gemm", 1300, 1380, 4, 4);
    b.op("aten::addmm", 2000, 2050, 5, dims, kTypes, kConcrete);
    b.launch(2010, 2020, 5, 5);
    b.kernel("gemm", 2100, 2170, 5, 5);
    // Backward of Linear_1's addmm on autograd's thread.
    b.op("autograd::engine::evaluate_function: AddmmBackward0", 3000, 3200, 0, "", "", "", 2);
    b.t.cpu_ops.back().sequence_number = 9;
    b.op("aten::mm", 3010, 3100, 6, "[[141, 512], [512, 512]]", R"(["float", "float"])", "", 2);
    b.launch(3020, 3030, 6, 6, 2);
    b.kernel("gemm_bw", 3300, 3400, 6, 6);
    return std::move(b.t);
}

std::map<std::string, double> time_by_group(const RooflineReport& r) {
    std::map<std::string, double> m;
    for (const auto& g : r.groups) m[g.name] = g.time_s.value_or(-1);
    return m;
}

} // namespace

TEST_CASE("module paths: nesting, depth, backward, outside, uncosted") {
    Trace t = model();
    ModuleScopes s = find_module_scopes(t, attribute_ops(t));
    CHECK(s.module_events == 5);
    CHECK(s.backward_ops == 2);  // the backward node and the aten::mm in it

    RooflineOptions o;
    o.group_by = GroupBy::module;
    RooflineReport r = analyze_roofline({t}, Machine{}, o);
    auto m = time_by_group(r);
    CHECK(m.size() == 6);
    CHECK(m["Model_0/Layer_0/Linear_0"] == doctest::Approx(100e-9));
    CHECK(m["Model_0/Layer_0 (ops without a cost)"] == doctest::Approx(30e-9));
    CHECK(m["Model_0/Layer_1/Linear_1"] == doctest::Approx(90e-9));
    CHECK(m["Model_0"] == doctest::Approx(80e-9));
    CHECK(m["(outside any module)"] == doctest::Approx(70e-9));
    CHECK(m["Model_0/Layer_1/Linear_1 [backward]"] == doctest::Approx(100e-9));
    for (const auto& g : r.groups) {
        CAPTURE(g.name);
        CHECK(g.invocations == 1);
        if (g.name == "Model_0/Layer_0 (ops without a cost)") CHECK(g.reason.find("aten::foo") != std::string::npos);
        if (g.name == "Model_0/Layer_0/Linear_0") CHECK(*g.flops_total == doctest::Approx(2.0 * 141 * 512 * 512 + 141 * 512));
    }

    // Depth 2: the layers, their backward, the model's own ops.
    o.module_depth = 2;
    m = time_by_group(analyze_roofline({t}, Machine{}, o));
    CHECK(m["Model_0/Layer_0"] == doctest::Approx(100e-9));
    CHECK(m["Model_0/Layer_0 (ops without a cost)"] == doctest::Approx(30e-9));
    CHECK(m["Model_0/Layer_1"] == doctest::Approx(90e-9));
    CHECK(m["Model_0/Layer_1 [backward]"] == doctest::Approx(100e-9));

    CHECK(truncate_module_path("A/B/C/D", 2) == "A/B");
    CHECK(truncate_module_path("A/B/C/D", 1) == "A");
    CHECK(truncate_module_path("A/B", 5) == "A/B");
    CHECK(truncate_module_path("A/B/C [backward]", 2) == "A/B [backward]");
    CHECK(truncate_module_path("A/B/C", 0) == "A/B/C");

    // The report's automatic depth: the deepest with at most N groups.
    std::vector<std::string> names = {"M/L0/a", "M/L0/b", "M/L1/a", "M/L1/b [backward]", "M/L1 (ops without a cost)",
                                      "(outside any module)"};
    CHECK(depth_for_at_most(names, 6) == 3);  // 6 distinct at full depth (L1's uncosted row joins L1)
    CHECK(depth_for_at_most(names, 5) == 2);  // M/L0, M/L1, M/L1 [backward], outside
    CHECK(depth_for_at_most(names, 4) == 2);
    CHECK(depth_for_at_most(names, 3) == 1);  // M, M [backward], outside
    CHECK(depth_for_at_most(names, 1) == 1);  // never below the top level
}

TEST_CASE("module view of the real BERT trace: GPU time per layer as check_modules.py") {
    auto traces = load_traces({test::real_data("kineto/h100-bert-small-infer.json.gz")}, ImportOptions{});
    RooflineOptions o;
    o.group_by = GroupBy::module;
    o.module_depth = 4;
    RooflineReport r = analyze_roofline(traces, *find_builtin_machine("h100-sxm"), o);
    auto m = time_by_group(r);
    // check_modules.py: BertLayer_0..3 58845, 58431, 57601, 58305 ns in 12 activities each;
    // Linear_25 (the LM head decoder) 41280 ns.
    const std::string enc = "BertLMHeadModel_0/BertModel_0/BertEncoder_0/";
    CHECK(m[enc + "BertLayer_0"] == doctest::Approx(58845e-9).epsilon(1e-9));
    CHECK(m[enc + "BertLayer_1"] == doctest::Approx(58431e-9).epsilon(1e-9));
    CHECK(m[enc + "BertLayer_2"] == doctest::Approx(57601e-9).epsilon(1e-9));
    CHECK(m[enc + "BertLayer_3"] == doctest::Approx(58305e-9).epsilon(1e-9));
    CHECK(m["BertLMHeadModel_0/BertOnlyMLMHead_0/BertLMPredictionHead_0/Linear_25"] ==
          doctest::Approx(41280e-9).epsilon(1e-9));
    // Every GPU-second is in some row: the rows add up to the kernel time.
    double sum = 0;
    for (const auto& g : r.groups) sum += g.time_s.value_or(0);
    CHECK(sum == doctest::Approx(*r.totals.time_s).epsilon(1e-12));
}
