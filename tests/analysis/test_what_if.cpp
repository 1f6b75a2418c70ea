// What-if projection of roofline groups onto another machine, against hand-computed values.
#include <doctest/doctest.h>

#include <sstream>

#include "analysis/what_if.h"

using namespace rafter;

namespace {

Machine machine(const char* name, double fp32, double dram) {
    Machine m;
    m.name = name;
    m.kind = "gpu";
    m.peak_flops[static_cast<size_t>(FlopKind::fp32)] = fp32;
    m.bandwidth[static_cast<size_t>(MemLevel::dram)] = dram;
    m.launch_latency_s = 4e-6;
    m.kernel_floor_s = 4e-6;
    return m;
}

GroupMetrics group(const char* name, double time, std::optional<double> flops, double dram) {
    GroupMetrics g;
    g.name = name;
    g.launches = 1;
    g.time_s = time;
    g.time_prov = Provenance::measured;
    if (flops) g.flops[static_cast<size_t>(FlopKind::fp32)] = Value::measured(*flops);
    g.bytes[static_cast<size_t>(MemLevel::dram)] = Value::measured(dram);
    return g;
}

RooflineReport report() {
    RooflineReport r;
    r.machine = machine("A", 10e12, 1e12);
    r.groups = {group("gemm", 2e-3, 1e10, 1e8), group("copy", 1.25e-3, 1e8, 1e9)};
    for (auto& g : r.groups) finalize_group(g, r.machine);
    return r;
}

} // namespace

TEST_CASE("what-if keeps each group's efficiency") {
    RooflineReport r = report();
    REQUIRE(r.groups[0].efficiency);
    CHECK(*r.groups[0].efficiency == doctest::Approx(0.5));   // 1 ms bound / 2 ms
    CHECK(*r.groups[1].efficiency == doctest::Approx(0.8));   // 1 ms bound / 1.25 ms
    WhatIfReport w = project_what_if(r, machine("B", 20e12, 1.5e12));
    // Compute-bound: bound 0.5 ms on B, / 0.5 = 1 ms, 2x. Memory-bound: 0.667 ms / 0.8, 1.5x.
    CHECK(w.groups[0].target_bound == Bound::compute);
    CHECK(*w.groups[0].predicted_time_s == doctest::Approx(1e-3));
    CHECK(*w.groups[0].speedup == doctest::Approx(2.0));
    CHECK(w.groups[1].target_bound == Bound::dram);
    CHECK(*w.groups[1].predicted_time_s == doctest::Approx(1e-3 / 1.5 / 0.8));
    CHECK(*w.groups[1].speedup == doctest::Approx(1.5));
    REQUIRE(w.predicted_total_s);
    CHECK(*w.predicted_total_s == doctest::Approx(1e-3 + 1e-3 / 1.2));
    CHECK(*w.speedup == doctest::Approx(3.25e-3 / (1e-3 + 1e-3 / 1.2)));
    CHECK(w.coverage == doctest::Approx(1.0));

    std::ostringstream t;
    write_what_if_table(t, w);
    CHECK(t.str().find("A -> B") != std::string::npos);
    CHECK(t.str().find("2.00x") != std::string::npos);
    std::ostringstream j;
    JsonWriter jw(j);
    write_what_if_json(jw, w);
    CHECK(j.str().find("\"schema\": \"rafter.what_if/1\"") != std::string::npos);
    CHECK(j.str().find("\"target_bound\": \"dram\"") != std::string::npos);
}

TEST_CASE("a bound change follows the new bound; unprojectable groups are not summed") {
    RooflineReport r = report();
    // Much more compute, half the bandwidth: the GEMM becomes memory-bound (1e8 B / 0.5 TB/s =
    // 0.2 ms > 1e10 / 100 TFLOP/s = 0.1 ms) and keeps its 50% efficiency against that bound.
    WhatIfReport w = project_what_if(r, machine("C", 100e12, 0.5e12));
    CHECK(w.groups[0].target_bound == Bound::dram);  // 0.2 ms memory > 0.1 ms compute
    CHECK(*w.groups[0].predicted_time_s == doctest::Approx(0.2e-3 / 0.5));

    r.groups.push_back(group("no-flops", 1e-3, std::nullopt, 1e6));
    finalize_group(r.groups.back(), r.machine);
    WhatIfReport p = project_what_if(r, machine("B", 20e12, 1.5e12));
    CHECK_FALSE(p.groups[2].predicted_time_s);
    CHECK_FALSE(p.predicted_total_s);  // a partial sum is not the whole
    REQUIRE(p.projected_time_s);
    CHECK(p.coverage == doctest::Approx(3.25 / 4.25));
    CHECK(p.diagnostics.count("what_if.unprojected") == 1);

    // A target without an fp32 peak cannot bound the FLOPs.
    Machine none = machine("D", 1, 1e12);
    none.peak_flops[static_cast<size_t>(FlopKind::fp32)].reset();
    WhatIfReport q = project_what_if(report(), none);
    CHECK_FALSE(q.groups[0].predicted_time_s);
}
