#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <map>

#include "analysis/roofline.h"
#include "model/machines/machine.h"
#include "profiler/annotate.h"
#include "profiler/regions/recorder.h"
#include "test_support.h"
#include "traces/native_format.h"

namespace {

void spin_for_us(int us) {
    auto end = std::chrono::steady_clock::now() + std::chrono::microseconds(us);
    while (std::chrono::steady_clock::now() < end) {
    }
}

} // namespace

TEST_CASE("regions go into a native trace that reads back and groups by region") {
    auto dir = rafter::test::scratch_dir("regions-trace");
    std::string path = dir + "/regions.rafter";
    REQUIRE(rafter_regions_start() == 0);
    for (int i = 0; i < 3; ++i) {
        rafter::Region step("step");
        {
            rafter::Region load("load");
            spin_for_us(300);
        }
        {
            rafter::Region compute("compute");
            spin_for_us(600);
        }
    }
    REQUIRE(rafter_regions_stop_write(path.c_str()) == 0);

    rafter::Trace t = rafter::read_native_trace(path);
    REQUIRE(t.regions.size() == 9);
    std::map<std::string, int> count;
    std::map<std::string, int64_t> total_ns;
    for (const auto& r : t.regions) {
        CHECK(r.kind == rafter::RegionKind::region);
        std::string n(t.strings.get(r.name));
        count[n] += 1;
        total_ns[n] += r.end_ns - r.start_ns;
        CHECK(r.depth == (n == "step" ? 0 : 1));
    }
    CHECK(count["step"] == 3);
    CHECK(count["load"] == 3);
    CHECK(count["compute"] == 3);
    CHECK(t.diagnostics.count("regions.counters_missing") == 1);

    // The library's roofline over regions: one group per name, time = sum of durations.
    rafter::RooflineOptions opt;
    opt.group_by = rafter::GroupBy::region;
    auto report = rafter::analyze_roofline({t}, rafter::load_machine("epyc-7763"), opt);
    REQUIRE(report.groups.size() == 3);
    for (const auto& g : report.groups) {
        CHECK(g.invocations == 3);
        REQUIRE(g.time_s);
        CHECK(*g.time_s == doctest::Approx(total_ns[g.name] * 1e-9));
        CHECK(!g.flops_total);
        CHECK(g.flops_prov == rafter::Provenance::missing);
    }

    // And the command line, end to end.
    auto r = rafter::test::run_rafter("roofline " + path + " --machine epyc-7763 --group-by region --format json", dir);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.out.find("\"name\": \"compute\"") != std::string::npos);
    CHECK(r.out.find("\"name\": \"load\"") != std::string::npos);
    CHECK(r.out.find("regions.counters_missing") != std::string::npos);
}

TEST_CASE("writing to an impossible path fails cleanly and leaves nothing") {
    REQUIRE(rafter_regions_start() == 0);
    { rafter::Region r("x"); }
    CHECK(rafter_regions_stop_write("/nonexistent-dir/sub/out.rafter") == -1);
    CHECK(!std::filesystem::exists("/nonexistent-dir/sub/out.rafter"));
    CHECK(!rafter::regions::running());
}
