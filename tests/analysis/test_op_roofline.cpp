// `--group-by op|op-shape` on a hand-built trace, and analytic costs applied to kernels.
#include <doctest/doctest.h>

#include "analysis/analytic_costs.h"
#include "analysis/launch_window.h"
#include "analysis/op_roofline.h"
#include "analysis/roofline.h"
#include "synthetic_trace.h"

using namespace rafter;
using rafter::test::TraceBuilder;

namespace {

const std::string kTypes = R"(["c10::BFloat16", "c10::BFloat16", "c10::BFloat16", "Scalar", "Scalar"])";
const std::string kConcrete = R"(["", "", "", "1", "1"])";

// Three addmm calls (two of one shape, one of another with two kernels), an op without a cost
// model and a kernel without any op. Times in ns.
Trace make_trace() {
    TraceBuilder b;
    b.op("aten::addmm", 0, 100, 1, "[[512], [141, 512], [512, 512], [], []]", kTypes, kConcrete);
    b.launch(10, 20, 1);
    b.kernel("gemm_a", 1000, 11000, 1);
    // Same shape, written without spaces: must land in the same op-shape group.
    b.op("aten::addmm", 200, 300, 2, "[[512],[141,512],[512,512],[],[]]", kTypes, kConcrete);
    b.launch(210, 220, 2);
    b.kernel("gemm_a", 20000, 30000, 2);
    b.op("aten::addmm", 400, 500, 3, "[[2048], [141, 512], [512, 2048], [], []]", kTypes, kConcrete);
    b.launch(410, 420, 3);
    b.launch(430, 440, 4);
    b.kernel("gemm_b", 40000, 45000, 3);
    b.kernel("gemm_b_reduce", 45000, 60000, 4);
    b.op("aten::foo", 600, 700, 4, "[[10]]", R"(["float"])");
    b.launch(610, 620, 5);
    b.kernel("foo_kernel", 60000, 62000, 5);
    b.kernel("graph_replay", 70000, 77000);
    b.t.meta.source_files = {"synthetic.json"};
    return b.t;
}

Machine test_machine() {
    Machine m;
    m.name = "test";
    m.peak_flops[static_cast<size_t>(FlopKind::tensor_bf16)] = 1e15;
    m.bandwidth[static_cast<size_t>(MemLevel::dram)] = 2e12;
    m.launch_latency_s = 1e-7;
    m.kernel_floor_s = 1e-7;
    return m;
}

const GroupMetrics* find(const RooflineReport& r, const std::string& name) {
    for (const auto& g : r.groups)
        if (g.name == name) return &g;
    return nullptr;
}

} // namespace

TEST_CASE("group by op: time from kernels, FLOPs/bytes analytic, unattributed kept") {
    std::vector<Trace> traces = {make_trace()};
    RooflineOptions opt;
    opt.group_by = GroupBy::op;
    RooflineReport r = analyze_op_roofline(traces, test_machine(), opt);
    REQUIRE(r.groups.size() == 3);

    const GroupMetrics* addmm = find(r, "aten::addmm");
    REQUIRE(addmm);
    CHECK(addmm->op == "aten::addmm");
    CHECK(addmm->invocations == 3);
    CHECK(addmm->launches == 4);
    REQUIRE(addmm->time_s);
    CHECK(*addmm->time_s == doctest::Approx(40e-6).epsilon(1e-12));
    // FLOPs: 2 * (2*141*512*512 + 141*512) + (2*141*2048*512 + 141*2048)
    //      = 2 * 73,996,800 + 295,987,200 = 443,980,800 (tensor_bf16, analytic).
    const Value& f = addmm->flops[static_cast<size_t>(FlopKind::tensor_bf16)];
    CHECK(f.prov == Provenance::analytic);
    CHECK(f.value == 443980800.0);
    // Bytes: 2 * 814,080 + (141*512 + 512*2048 + 141*2048 + 2048) * 2 = 1,628,160 + 2,823,168.
    const Value& d = addmm->bytes[static_cast<size_t>(MemLevel::dram)];
    CHECK(d.prov == Provenance::analytic);
    CHECK(d.value == 4451328.0);
    CHECK(addmm->flops_prov == Provenance::analytic);
    // Bound: compute 443,980,800/1e15 = 0.444 us, DRAM 4,451,328/2e12 = 2.2257 us, launches 4*0.1 us:
    // DRAM-bound, efficiency 2.225664e-6 / 40e-6 = 0.0556416.
    CHECK(addmm->bound == Bound::dram);
    REQUIRE(addmm->bound_time_s);
    CHECK(*addmm->bound_time_s == doctest::Approx(2.225664e-6).epsilon(1e-12));
    REQUIRE(addmm->efficiency);
    CHECK(*addmm->efficiency == doctest::Approx(0.0556416).epsilon(1e-9));
    REQUIRE(addmm->ai[static_cast<size_t>(MemLevel::dram)]);
    CHECK(*addmm->ai[static_cast<size_t>(MemLevel::dram)] == doctest::Approx(443980800.0 / 4451328.0));

    const GroupMetrics* foo = find(r, "aten::foo");
    REQUIRE(foo);
    CHECK(foo->invocations == 1);
    CHECK_FALSE(foo->flops_total);
    CHECK(*foo->time_s == doctest::Approx(2e-6));
    const GroupMetrics* un = find(r, kUnattributedGroup);
    REQUIRE(un);
    CHECK(un->launches == 1);
    CHECK(un->invocations == 0);
    CHECK(*un->time_s == doctest::Approx(7e-6));

    // Totals cover every kernel; FLOPs total is missing because some groups have none.
    CHECK(r.totals.launches == 6);
    CHECK(*r.totals.time_s == doctest::Approx(49e-6));
    CHECK_FALSE(r.totals.flops_total);
    CHECK(r.diagnostics.count("ops.no_cost_model") == 1);
    CHECK(r.diagnostics.count("ops.unattributed_kernels.no_launch") == 1);
    // Sorted by time: addmm first.
    CHECK(r.groups.front().name == "aten::addmm");
}

TEST_CASE("group by op-shape: one group per (op, dims, types), canonical text") {
    std::vector<Trace> traces = {make_trace()};
    RooflineOptions opt;
    opt.group_by = GroupBy::op_shape;
    RooflineReport r = analyze_op_roofline(traces, test_machine(), opt);
    REQUIRE(r.groups.size() == 4);
    const GroupMetrics* a = find(r, "aten::addmm [[512], [141, 512], [512, 512], [], []]");
    const GroupMetrics* b = find(r, "aten::addmm [[2048], [141, 512], [512, 2048], [], []]");
    REQUIRE(a);
    REQUIRE(b);
    CHECK(a->input_dims == "[[512], [141, 512], [512, 512], [], []]");
    CHECK(a->input_types == kTypes);
    CHECK(a->invocations == 2);
    CHECK(a->launches == 2);
    CHECK(a->flops[static_cast<size_t>(FlopKind::tensor_bf16)].value == 2 * 73996800.0);
    CHECK(a->bytes[static_cast<size_t>(MemLevel::dram)].value == 2 * 814080.0);
    CHECK(b->invocations == 1);
    CHECK(b->launches == 2);
    CHECK(b->flops[static_cast<size_t>(FlopKind::tensor_bf16)].value == 295987200.0);
    CHECK(*b->time_s == doctest::Approx(20e-6));
    CHECK(a->kernel_rows.size() == 2);
}

TEST_CASE("analytic costs on kernels: split by time share, counters kept") {
    Trace t = make_trace();
    // Kernel 0 has measured FLOPs from counters: they stay.
    t.kernels.set_flops(0, FlopKind::fp32, Value::measured(123));
    OpAttribution attr = attribute_ops(t);
    ApplyAnalyticResult res = apply_analytic_costs(t, attr);
    CHECK(res.kernels_costed == 3);
    CHECK(res.kernels_kept_counters == 1);
    CHECK(res.coverage.calls_costed == 3);
    CHECK(res.coverage.calls_no_model == 1);
    CHECK(t.kernels.get_flops(0, FlopKind::fp32).value == 123);
    CHECK(t.kernels.get_flops(0, FlopKind::fp32).prov == Provenance::measured);
    CHECK_FALSE(t.kernels.get_flops(0, FlopKind::tensor_bf16).has());
    // Its DRAM bytes had no counter value: analytic.
    CHECK(t.kernels.get_bytes(0, MemLevel::dram).value == 814080.0);
    // The second shape: 5 us and 15 us kernels get 1/4 and 3/4 of 295,987,200 FLOPs and
    // 2,823,168 bytes.
    CHECK(t.kernels.get_flops(2, FlopKind::tensor_bf16).value == doctest::Approx(73996800.0));
    CHECK(t.kernels.get_flops(3, FlopKind::tensor_bf16).value == doctest::Approx(221990400.0));
    CHECK(t.kernels.get_bytes(2, MemLevel::dram).value == doctest::Approx(705792.0));
    CHECK(t.kernels.get_bytes(3, MemLevel::dram).value == doctest::Approx(2117376.0));
    CHECK(t.kernels.get_flops(3, FlopKind::tensor_bf16).prov == Provenance::analytic);
    // No op, no cost.
    CHECK_FALSE(t.kernels.get_flops(4, FlopKind::fp32).has());
    CHECK_FALSE(t.kernels.get_bytes(5, MemLevel::dram).has());
    CHECK(t.diagnostics.count("ops.no_cost_model") == 1);
}

TEST_CASE("memsets and copies an op launched count in that op's time and launches") {
    // An addmm whose cuBLAS call first clears a workspace (memset, 1 us) and then runs the GEMM
    // (10 us); a memcpy launched outside any op goes to (unattributed).
    TraceBuilder b;
    b.op("aten::addmm", 0, 100, 1, "[[512], [141, 512], [512, 512], [], []]", kTypes, kConcrete);
    b.launch(10, 20, 1);
    b.launch(30, 40, 2);
    b.copy(CopyKind::memset, 1000, 2000, 7, 1);
    b.kernel("gemm_a", 2000, 12000, 2);
    b.launch(200, 210, 3);
    b.copy(CopyKind::memcpy_dtoh, 20000, 23000, 7, 3);
    std::vector<Trace> traces = {b.t};
    RooflineOptions opt;
    opt.group_by = GroupBy::op;
    RooflineReport r = analyze_op_roofline(traces, test_machine(), opt);
    const GroupMetrics* addmm = find(r, "aten::addmm");
    REQUIRE(addmm);
    CHECK(addmm->invocations == 1);
    CHECK(addmm->launches == 2);  // the kernel and the memset
    CHECK(addmm->copies == 1);
    CHECK(*addmm->time_s == doctest::Approx(11e-6).epsilon(1e-12));
    // The op's cost is unchanged: 2*141*512*512 + 141*512 FLOPs, efficiency over 11 us.
    CHECK(addmm->flops[static_cast<size_t>(FlopKind::tensor_bf16)].value == 73996800.0);
    CHECK(*addmm->floor_time_s == doctest::Approx(2e-7));  // two launches at the 0.1 us floor
    const GroupMetrics* un = find(r, kUnattributedGroup);
    REQUIRE(un);
    CHECK(*un->time_s == doctest::Approx(3e-6));
    CHECK(un->reason == "launched outside any framework op: no analytic cost");
    CHECK(*r.totals.time_s == doctest::Approx(14e-6));
}

TEST_CASE("kernels and copies launched before the profile form their own group, or are excluded") {
    // Correlation ids 1-2 have no runtime call and precede the first recorded one (5): launched
    // before the profile. Id 9 has no runtime call but follows id 5: not known to be earlier.
    TraceBuilder b;
    b.kernel("gemm_a", 0, 4000, 1);
    b.copy(CopyKind::memset, 4000, 5000, 7, 2);
    b.op("aten::addmm", 100, 200, 5, "[[512], [141, 512], [512, 512], [], []]", kTypes, kConcrete);
    b.launch(110, 120, 5);
    b.kernel("gemm_a", 6000, 16000, 5);
    b.kernel("graph_replay", 20000, 21000, 9);
    PrelaunchedRows pre = find_prelaunched(b.t);
    CHECK(pre.kernel_count == 1);
    CHECK(pre.copy_count == 1);
    CHECK(pre.kernels == std::vector<bool>{true, false, false});

    for (GroupBy by : {GroupBy::op, GroupBy::kernel}) {
        std::vector<Trace> traces = {b.t};
        if (by == GroupBy::kernel) apply_analytic_costs_to_traces(traces);
        RooflineOptions opt;
        opt.group_by = by;
        RooflineReport r = analyze_roofline(traces, test_machine(), opt);
        const GroupMetrics* p = find(r, kPrelaunchedGroup);
        REQUIRE(p);
        CHECK(*p->time_s == doctest::Approx(by == GroupBy::op ? 5e-6 : 4e-6));  // kernel grouping has no copies
        CHECK(p->reason == kPrelaunchedReason);
        // The GEMM launched in the profile keeps its name and its op's cost.
        const GroupMetrics* g = find(r, by == GroupBy::op ? "aten::addmm" : "gemm_a");
        REQUIRE(g);
        CHECK(g->launches == 1);
        CHECK(g->flops_total == 73996800.0);
    }

    std::vector<Trace> traces = {b.t};
    CHECK(exclude_prelaunched(traces) == 2);
    CHECK(traces[0].kernels.size() == 2);
    CHECK(traces[0].copies.empty());
    CHECK(traces[0].diagnostics.count("trace.prelaunched_excluded") == 2);
    RooflineOptions opt;
    opt.group_by = GroupBy::op;
    RooflineReport r = analyze_roofline(traces, test_machine(), opt);
    CHECK_FALSE(find(r, kPrelaunchedGroup));
    CHECK(*r.totals.time_s == doctest::Approx(11e-6));
}

TEST_CASE("default grouping: by op when the traces record framework ops, else by kernel") {
    std::vector<Trace> with_ops = {make_trace()};
    CHECK(default_group_by(with_ops) == GroupBy::op);
    TraceBuilder b;
    b.kernel("k", 0, 1000);
    std::vector<Trace> kernels_only = {b.t};
    CHECK(default_group_by(kernels_only) == GroupBy::kernel);
}
