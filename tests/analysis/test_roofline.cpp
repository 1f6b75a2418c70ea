// Roofline formulas on synthetic traces; every expected value is worked out by hand in the
// comment next to it from the round ceilings of test_machine() (synthetic.h).
#include <doctest/doctest.h>

#include "analysis/roofline.h"
#include "core/error.h"
#include "synthetic.h"

using namespace rafter;
using namespace rafter::test;
using doctest::Approx;

namespace {

RooflineReport run(const Trace& t, GroupBy by = GroupBy::kernel, const Machine& m = test_machine()) {
    RooflineOptions o;
    o.group_by = by;
    return analyze_roofline({t}, m, o);
}

const GroupMetrics& group(const RooflineReport& r, const std::string& name) {
    for (const auto& g : r.groups)
        if (g.name == name) return g;
    FAIL("no group " << name);
    return r.groups.front();
}

constexpr size_t kDram = static_cast<size_t>(MemLevel::dram);
constexpr size_t kL2 = static_cast<size_t>(MemLevel::l2);
constexpr size_t kL1 = static_cast<size_t>(MemLevel::l1);

} // namespace

TEST_CASE("compute-bound kernel: bound time, efficiency, AI per level, FLOP rate") {
    Trace t;
    // compute 8e9/10e12 = 800 us; dram 1e8/1e12 = 100 us; l2 2e8/4e12 = 50 us; l1 1e9/10e12 = 100 us.
    add_kernel(t, {.name = "gemm", .time_s = 1e-3, .fp32 = 8e9, .l1 = 1e9, .l2 = 2e8, .dram = 1e8});
    auto r = run(t);
    REQUIRE(r.groups.size() == 1);
    const auto& g = r.groups[0];
    CHECK(g.launches == 1);
    CHECK(*g.time_s == Approx(1e-3));
    CHECK(*g.flops_total == Approx(8e9));
    CHECK(g.bound == Bound::compute);
    CHECK(*g.bound_time_s == Approx(8e-4));
    CHECK(*g.efficiency == Approx(0.8));
    CHECK(*g.ai[kDram] == Approx(80.0));  // 8e9 / 1e8
    CHECK(*g.ai[kL2] == Approx(40.0));    // 8e9 / 2e8
    CHECK(*g.ai[kL1] == Approx(8.0));     // 8e9 / 1e9
    CHECK(*g.flop_rate == Approx(8e12));  // 8e9 / 1e-3
    CHECK(g.flops_prov == Provenance::measured);
    CHECK(g.bytes_prov == Provenance::measured);
    CHECK(g.time_prov == Provenance::measured);
    CHECK(*g.time_share == Approx(1.0));
}

TEST_CASE("memory-bound kernels: DRAM, L2 and L1 each win in turn") {
    Trace t;
    // dram: 5e8/1e12 = 500 us > compute 1e9/1e13 = 100 us; time 1 ms -> efficiency 0.5.
    add_kernel(t, {.name = "stream", .time_s = 1e-3, .fp32 = 1e9, .l1 = 1e8, .l2 = 1e8, .dram = 5e8});
    // l2: 4e9/4e12 = 1 ms > dram 1e8/1e12 = 100 us; time 2 ms -> 0.5.
    add_kernel(t, {.name = "l2k", .time_s = 2e-3, .fp32 = 1e8, .l1 = 1e9, .l2 = 4e9, .dram = 1e8});
    // l1: 2e10/1e13 = 2 ms > l2 1e9/4e12 = 250 us; time 4 ms -> 0.5.
    add_kernel(t, {.name = "l1k", .time_s = 4e-3, .fp32 = 1e8, .l1 = 2e10, .l2 = 1e9, .dram = 1e8});
    auto r = run(t);
    CHECK(group(r, "stream").bound == Bound::dram);
    CHECK(*group(r, "stream").bound_time_s == Approx(5e-4));
    CHECK(*group(r, "stream").efficiency == Approx(0.5));
    CHECK(group(r, "l2k").bound == Bound::l2);
    CHECK(*group(r, "l2k").bound_time_s == Approx(1e-3));
    CHECK(group(r, "l1k").bound == Bound::l1);
    CHECK(*group(r, "l1k").bound_time_s == Approx(2e-3));
    CHECK(*group(r, "l1k").efficiency == Approx(0.5));
    // Sorted by time, largest first; shares of the 7 ms total.
    CHECK(r.groups[0].name == "l1k");
    CHECK(r.groups[1].name == "l2k");
    CHECK(r.groups[2].name == "stream");
    CHECK(*r.groups[0].time_share == Approx(4.0 / 7.0));
    CHECK(*r.totals.time_s == Approx(7e-3));
    CHECK(*r.totals.flops_total == Approx(1.2e9));
    CHECK(r.totals.bytes[kDram].value == Approx(7e8));
    CHECK(r.totals.launches == 3);
}

TEST_CASE("launch-floor bound: many tiny launches") {
    Trace t;
    // Floor 100 x 4 us = 400 us; compute 1e5/1e13 and bytes 1e5/1e12 = 0.1 us are far below.
    for (int i = 0; i < 100; ++i)
        add_kernel(t, {.name = "tiny", .time_s = 5e-6, .fp32 = 1e3, .l1 = 1e3, .l2 = 1e3, .dram = 1e3});
    auto r = run(t);
    const auto& g = r.groups.at(0);
    CHECK(g.launches == 100);
    CHECK(*g.time_s == Approx(5e-4));
    CHECK(g.bound == Bound::launch_floor);
    CHECK(std::string(to_string(g.bound)) == "launch_floor");
    CHECK(*g.floor_time_s == Approx(4e-4));
    CHECK(*g.bound_time_s == Approx(4e-4));
    CHECK(*g.efficiency == Approx(0.8));
    CHECK(g.reason.empty());
    CHECK(g.kernel_rows.size() == 100);
}

TEST_CASE("a kernel faster than the floor counts at its own time: efficiency never above 1") {
    Trace t;
    // 2 us kernels under a 4 us floor: the floor is each kernel's own time, efficiency exactly 1.
    for (int i = 0; i < 10; ++i) add_kernel(t, {.name = "fast", .time_s = 2e-6, .fp32 = 1e3, .dram = 1e3});
    auto r = run(t);
    const auto& g = r.groups.at(0);
    CHECK(g.bound == Bound::launch_floor);
    CHECK(g.below_floor == 10);
    CHECK(*g.floor_time_s == Approx(2e-5));
    CHECK(*g.efficiency == Approx(1.0));
    CHECK(*g.efficiency <= 1.0);
    CHECK(r.diagnostics.count("roofline.below_kernel_floor") == 1);
}

TEST_CASE("aggregated rows count their launches in the launch floor") {
    Trace t;
    // One row standing for 50 launches: floor 50 x 4 us = 200 us > dram 1e6/1e12 = 1 us.
    add_kernel(t, {.name = "agg", .time_s = 3e-4, .fp32 = 1e6, .dram = 1e6, .launches = 50});
    auto r = run(t);
    CHECK(r.groups[0].launches == 50);
    CHECK(r.groups[0].bound == Bound::launch_floor);
    CHECK(*r.groups[0].bound_time_s == Approx(2e-4));
    CHECK(r.totals.launches == 50);
}

TEST_CASE("a machine without a kernel floor has no launch bound; the group says why") {
    Trace t;
    add_kernel(t, {.name = "agg", .time_s = 3e-4, .launches = 50});  // no counts at all
    Machine m = test_machine();
    m.kernel_floor_s.reset();
    auto r = analyze_roofline({t}, m, {});
    CHECK_FALSE(r.kernel_floor_s);
    CHECK_FALSE(r.groups[0].floor_time_s);
    CHECK(r.groups[0].bound == Bound::unknown);
    CHECK_FALSE(r.groups[0].efficiency);
    CHECK(r.groups[0].reason.find("no FLOP or byte counts") != std::string::npos);
    CHECK(r.groups[0].reason.find("no kernel floor") != std::string::npos);
}

TEST_CASE("without counts the floor bounds only groups near it") {
    Trace t;
    for (int i = 0; i < 10; ++i) add_kernel(t, {.name = "short", .time_s = 5e-6});  // 4 us floor: 80 %
    for (int i = 0; i < 10; ++i) add_kernel(t, {.name = "long", .time_s = 1e-3});   // 4 us floor: 0.4 %
    auto r = run(t);
    CHECK(group(r, "short").bound == Bound::launch_floor);
    CHECK(*group(r, "short").efficiency == Approx(0.8));
    CHECK(group(r, "long").bound == Bound::unknown);
    CHECK_FALSE(group(r, "long").efficiency);
    CHECK(group(r, "long").reason.find("well above the launch floor") != std::string::npos);
}

TEST_CASE("work the ceilings cannot do in the measured time gives no efficiency, and says why") {
    Trace t;
    // 1e12 DRAM bytes at 1e12 B/s need 1 s; measured 1 ms: a bandwidth or a count is wrong.
    add_kernel(t, {.name = "impossible", .time_s = 1e-3, .fp32 = 1e3, .dram = 1e12});
    auto r = run(t);
    const auto& g = r.groups[0];
    CHECK(g.bound == Bound::dram);
    CHECK(*g.bound_time_s == Approx(1.0));
    CHECK_FALSE(g.efficiency);
    CHECK(g.reason.find("measured time is shorter than the dram bound") != std::string::npos);
    CHECK(r.diagnostics.count("roofline.ceiling_exceeded") == 1);
}

TEST_CASE("compute time sums over kinds; unsplit tensor work uses the tensor_fp16 peak") {
    Trace t;
    // fp32 1e10/1e13 = 1 ms, tensor 5e10/1e14 (tensor_fp16 fallback) = 0.5 ms -> 1.5 ms.
    add_kernel(t, {.name = "mixed", .time_s = 3e-3, .fp32 = 1e10, .tensor = 5e10, .dram = 1e8});
    auto r = run(t);
    const auto& g = r.groups[0];
    CHECK(*g.flops_total == Approx(6e10));
    CHECK(g.bound == Bound::compute);
    CHECK(*g.bound_time_s == Approx(1.5e-3));
    CHECK(*g.efficiency == Approx(0.5));
    CHECK(r.diagnostics.count("roofline.peak_fallback.tensor") == 1);
    FlopKind used = FlopKind::count;
    CHECK(*peak_for_kind(test_machine(), FlopKind::tensor, &used) == 100e12);
    CHECK(used == FlopKind::tensor_fp16);
    CHECK(*peak_for_kind(test_machine(), FlopKind::fp32, &used) == 10e12);
    CHECK(used == FlopKind::fp32);
    CHECK_FALSE(peak_for_kind(test_machine(), FlopKind::fp8).has_value());
}

TEST_CASE("FLOPs of a kind without any peak leave the bound time missing") {
    Trace t;
    add_kernel(t, {.name = "dp", .time_s = 1e-3, .fp64 = 1e9, .dram = 1e8});
    auto r = run(t);
    const auto& g = r.groups[0];
    CHECK(*g.flops_total == Approx(1e9));  // the FLOPs themselves are known
    CHECK(*g.ai[kDram] == Approx(10.0));
    CHECK_FALSE(g.bound_time_s.has_value());
    CHECK(g.bound == Bound::unknown);
    CHECK_FALSE(g.efficiency.has_value());
    CHECK(r.diagnostics.count("roofline.no_peak.fp64") == 1);
    // Zero FLOPs of that kind need no peak.
    Trace z;
    add_kernel(z, {.name = "dp0", .time_s = 1e-3, .fp64 = 0, .dram = 1e8});
    auto rz = run(z);
    CHECK(rz.groups[0].bound == Bound::dram);
    CHECK(*rz.groups[0].bound_time_s == Approx(1e-4));
}

TEST_CASE("a level without a machine bandwidth is left out of the bound time") {
    Trace t;
    add_kernel(t, {.name = "k", .time_s = 1e-3, .fp32 = 1e9, .l1 = 1e12, .dram = 2e8});
    Machine m = test_machine();
    m.bandwidth[kL1].reset();
    auto r = run(t, GroupBy::kernel, m);
    CHECK(r.groups[0].bound == Bound::dram);  // 2e8/1e12 = 200 us > compute 100 us
    CHECK(*r.groups[0].bound_time_s == Approx(2e-4));
    CHECK(r.diagnostics.count("roofline.no_bandwidth.l1") == 1);
}

TEST_CASE("provenance: the weakest of the contributing launches") {
    Trace t;
    add_kernel(t, {.name = "k", .time_s = 1e-3, .fp32 = 1e9, .dram = 1e8, .prov = Provenance::measured});
    add_kernel(t, {.name = "k", .time_s = 1e-3, .fp32 = 1e9, .dram = 1e8, .prov = Provenance::derived});
    add_kernel(t, {.name = "a", .time_s = 1e-3, .fp32 = 1e9, .dram = 1e8, .prov = Provenance::derived});
    add_kernel(t, {.name = "a", .time_s = 1e-3, .fp32 = 1e9, .dram = 1e8, .prov = Provenance::analytic});
    auto r = run(t);
    CHECK(group(r, "k").flops_prov == Provenance::derived);
    CHECK(group(r, "k").bytes_prov == Provenance::derived);
    CHECK(group(r, "k").flops[static_cast<size_t>(FlopKind::fp32)].prov == Provenance::derived);
    CHECK(group(r, "a").flops_prov == Provenance::analytic);
    CHECK(group(r, "a").time_prov == Provenance::measured);  // durations were all measured
    CHECK(r.totals.flops[static_cast<size_t>(FlopKind::fp32)].prov == Provenance::analytic);
    CHECK(weaker(Provenance::measured, Provenance::derived) == Provenance::derived);
    CHECK(weaker(Provenance::analytic, Provenance::measured) == Provenance::analytic);
    CHECK(weaker(Provenance::measured, Provenance::missing) == Provenance::missing);
}

TEST_CASE("a value some launches lack is missing for the group, never a partial sum") {
    Trace t;
    add_kernel(t, {.name = "k", .time_s = 1e-3, .fp32 = 1e9, .l2 = 3e8, .dram = 1e8});
    add_kernel(t, {.name = "k", .time_s = 1e-3, .fp32 = 1e9, .l2 = 3e8});  // no DRAM bytes
    add_kernel(t, {.name = "ok", .time_s = 1e-3, .fp32 = 1e9, .l2 = 3e8, .dram = 2e8});
    auto r = run(t);
    const auto& k = group(r, "k");
    CHECK_FALSE(k.bytes[kDram].has());
    CHECK(k.partial_bytes[kDram]);
    CHECK_FALSE(k.ai[kDram].has_value());
    CHECK(*k.ai[kL2] == Approx(2e9 / 6e8));  // complete levels keep their values
    CHECK_FALSE(k.bound_time_s.has_value());  // the DRAM term is unknown
    CHECK_FALSE(k.efficiency.has_value());
    CHECK(*k.flops_total == Approx(2e9));
    CHECK(r.diagnostics.count("roofline.partial_value") == 1);  // one group affected
    CHECK_FALSE(r.totals.bytes[kDram].has());                   // total DRAM is missing too
    CHECK(r.totals.bytes[kL2].value == Approx(9e8));
    CHECK(group(r, "ok").bound == Bound::dram);  // 2e8/1e12 = 200 us > compute 100 us
}

TEST_CASE("partial FLOPs of one kind make the group's FLOP total missing") {
    Trace t;
    add_kernel(t, {.name = "k", .time_s = 1e-3, .fp32 = 1e9, .tensor = 1e9, .dram = 1e8});
    add_kernel(t, {.name = "k", .time_s = 1e-3, .fp32 = 1e9, .dram = 1e8});
    auto r = run(t);
    const auto& g = r.groups[0];
    CHECK(g.flops[static_cast<size_t>(FlopKind::fp32)].value == Approx(2e9));
    CHECK_FALSE(g.flops[static_cast<size_t>(FlopKind::tensor)].has());
    CHECK_FALSE(g.flops_total.has_value());
    CHECK(g.flops_prov == Provenance::missing);
    CHECK_FALSE(g.ai[kDram].has_value());
    CHECK_FALSE(g.flop_rate.has_value());
    CHECK_FALSE(r.totals.flops_total.has_value());
}

TEST_CASE("time: duration, else end - start, else missing") {
    Trace t;
    KernelRow a;
    a.name = t.strings.intern("ts");
    a.start_ns = 1000;
    a.end_ns = 11000;  // 10 us measured from timestamps
    t.kernels.append(a);
    KernelRow b;
    b.name = t.strings.intern("none");  // neither duration nor timestamps
    t.kernels.append(b);
    KernelRow c;
    c.name = t.strings.intern("dur");
    c.start_ns = 1000;
    c.end_ns = 9000;
    c.duration_s = 5e-6;  // duration wins over timestamps when its provenance is known
    c.duration_prov = Provenance::derived;
    t.kernels.append(c);
    CHECK(kernel_time(t.kernels, 0).value == Approx(10e-6));
    CHECK(kernel_time(t.kernels, 0).prov == Provenance::measured);
    CHECK_FALSE(kernel_time(t.kernels, 1).has());
    CHECK(kernel_time(t.kernels, 2).value == Approx(5e-6));
    CHECK(kernel_time(t.kernels, 2).prov == Provenance::derived);
    auto r = run(t);
    CHECK(*group(r, "ts").time_s == Approx(10e-6));
    CHECK_FALSE(group(r, "none").time_s.has_value());
    CHECK_FALSE(group(r, "none").time_share.has_value());
    CHECK(r.groups.back().name == "none");  // unknown time sorts last
    CHECK_FALSE(r.totals.time_s.has_value());  // one launch without time: no total
    // Without FLOPs and bytes a kernel well above the 4 us launch floor has no bound, and the
    // report says so; the floor alone (4 of 10 us) does not explain it.
    CHECK(group(r, "ts").bound == Bound::unknown);
    CHECK_FALSE(group(r, "ts").efficiency.has_value());
    CHECK_FALSE(group(r, "ts").reason.empty());
    CHECK(r.diagnostics.count("roofline.no_bound") == 3);
}

TEST_CASE("base-name grouping merges template instances and argument lists") {
    Trace t;
    add_kernel(t, {.name = "void at::native::foo<float, 4>(int)", .time_s = 1e-3, .fp32 = 1e9, .dram = 1e8});
    add_kernel(t, {.name = "void at::native::foo<double, 2>(long, int)", .time_s = 2e-3, .fp32 = 3e9, .dram = 2e8});
    add_kernel(t, {.name = "void at::native::bar<float>(int)", .time_s = 1e-3, .fp32 = 1e9, .dram = 1e8});
    auto by_kernel = run(t, GroupBy::kernel);
    CHECK(by_kernel.groups.size() == 3);
    auto r = run(t, GroupBy::base);
    REQUIRE(r.groups.size() == 2);
    const auto& foo = group(r, "at::native::foo");
    CHECK(foo.launches == 2);
    CHECK(*foo.time_s == Approx(3e-3));
    CHECK(*foo.flops_total == Approx(4e9));
    CHECK(*foo.ai[kDram] == Approx(4e9 / 3e8));
    CHECK(foo.kernel_rows == std::vector<size_t>{0, 1});
}

TEST_CASE("several traces are grouped together; diagnostics and inputs are merged") {
    Trace a, b;
    a.meta.source_files = {"rank0.json"};
    b.meta.source_files = {"rank1.json"};
    a.diagnostics.add(Severity::warning, "importer.thing", "something", 2);
    add_kernel(a, {.name = "k", .time_s = 1e-3, .fp32 = 1e9, .dram = 1e8});
    add_kernel(b, {.name = "k", .time_s = 2e-3, .fp32 = 1e9, .dram = 1e8});
    auto r = analyze_roofline({a, b}, test_machine(), {});
    REQUIRE(r.groups.size() == 1);
    CHECK(*r.groups[0].time_s == Approx(3e-3));
    CHECK(r.groups[0].kernel_traces == std::vector<uint32_t>{0, 1});
    CHECK(r.inputs == std::vector<std::string>{"rank0.json", "rank1.json"});
    CHECK(r.diagnostics.count("importer.thing") == 2);
}

TEST_CASE("region grouping uses region FLOPs, bytes and wall time") {
    Trace t;
    RegionRow r1;
    r1.kind = RegionKind::region;
    r1.name = t.strings.intern("solve");
    r1.start_ns = 0;
    r1.end_ns = 2'000'000;  // 2 ms
    r1.flops[static_cast<size_t>(FlopKind::fp64)] = Value::measured(1e9);
    r1.bytes[kDram] = Value::measured(1e9);
    RegionRow r2 = r1;
    r2.start_ns = 5'000'000;
    r2.end_ns = 6'000'000;  // 1 ms
    t.regions = {r1, r2};
    Machine m = test_machine();
    m.peak_flops[static_cast<size_t>(FlopKind::fp64)] = 1e12;
    auto r = run(t, GroupBy::region, m);
    REQUIRE(r.groups.size() == 1);
    const auto& g = r.groups[0];
    CHECK(g.invocations == 2);
    CHECK(g.launches == 0);
    CHECK(*g.time_s == Approx(3e-3));
    // compute 2e9/1e12 = 2 ms = dram 2e9/1e12 = 2 ms: a tie goes to compute; efficiency 2/3.
    CHECK(g.bound == Bound::compute);
    CHECK(*g.bound_time_s == Approx(2e-3));
    CHECK(*g.efficiency == Approx(2.0 / 3.0));
    CHECK(*g.ai[kDram] == Approx(1.0));
    CHECK(r.totals.invocations == 2);
}

TEST_CASE("empty input gives an empty report with a diagnostic") {
    Trace t;
    auto r = run(t);
    CHECK(r.groups.empty());
    CHECK(r.diagnostics.count("roofline.no_groups") == 1);
    CHECK(r.totals.launches == 0);
    CHECK_FALSE(r.totals.time_s.has_value());
    CHECK_FALSE(r.totals.flops_total.has_value());
}

TEST_CASE("group_by and bound names round-trip") {
    for (GroupBy g : {GroupBy::kernel, GroupBy::base, GroupBy::op, GroupBy::op_shape, GroupBy::region})
        CHECK(group_by_from_string(to_string(g)) == g);
    CHECK(group_by_from_string("op_shape") == GroupBy::op_shape);
    CHECK_FALSE(group_by_from_string("kernels").has_value());
    CHECK(std::string(to_string(Bound::dram)) == "dram");
}

TEST_CASE("known_flops and known_bytes sum the groups that have the figure and the time they hold") {
    RooflineReport r;
    GroupMetrics a, b, c;
    a.time_s = 1e-3;
    a.flops_total = 1e9;
    a.bytes[static_cast<size_t>(MemLevel::dram)] = Value::analytic(4e6);
    b.time_s = 2e-3;  // no FLOPs, no bytes: e.g. an op without a cost model
    c.time_s = 1e-3;
    c.flops_total = 3e9;
    r.groups = {a, b, c};
    KnownSum f = known_flops(r);
    CHECK(f.sum == 4e9);
    CHECK(f.time_s == doctest::Approx(2e-3));
    CHECK(f.groups == 2);
    CHECK(f.missing == 1);
    KnownSum d = known_bytes(r, MemLevel::dram);
    CHECK(d.sum == 4e6);
    CHECK(d.time_s == doctest::Approx(1e-3));
    CHECK(d.groups == 1);
    CHECK(d.missing == 2);
}
