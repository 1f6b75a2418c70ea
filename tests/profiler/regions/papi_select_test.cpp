#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "profiler/papi/event_select.h"
#include "test_support.h"

using namespace rafter::papi;

namespace {

std::string fixture(const std::string& name) {
    std::ifstream in(rafter::test::source_dir() + "/tests/profiler/regions/data/" + name);
    REQUIRE(in.good());
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

const SelectedMetric* metric(const EventPlan& p, const std::string& target) {
    for (const auto& m : p.metrics)
        if (m.target == target) return &m;
    return nullptr;
}

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

} // namespace

TEST_CASE("papi_native_avail output gives events and event:umask names") {
    auto names = parse_native_avail(fixture("papi_native_avail_intel_skx.txt"));
    // Counted by hand in the fixture: 2 perf:: events, FP_ARITH_INST_RETIRED + 8 umasks,
    // LONGEST_LAT_CACHE + 2, imc0/imc1 CAS + 3 each, imc2 CAS + 2, imc0 CLOCKTICKS.
    CHECK(names.size() == 26);
    CHECK(has(names, "FP_ARITH_INST_RETIRED:512B_PACKED_DOUBLE"));
    CHECK(has(names, "LONGEST_LAT_CACHE:MISS"));
    CHECK(has(names, "skx_unc_imc1::UNC_M_CAS_COUNT:WR"));
    CHECK(has(names, "perf::PERF_COUNT_HW_CPU_CYCLES"));
    CHECK(!has(names, "Counts"));  // description lines are not events
    auto amd = parse_native_avail(fixture("papi_native_avail_amd_zen4.txt"));
    CHECK(amd.size() == 1 + 6 + 4);
    CHECK(has(amd, "RETIRED_SSE_AVX_FLOPS:ANY"));
}

TEST_CASE("Intel Skylake-SP: FP_ARITH with vector-width weights and IMC CAS bytes") {
    auto plan = select_events(builtin_event_spec("intel"), parse_native_avail(fixture("papi_native_avail_intel_skx.txt")));
    CHECK(plan.missing_targets.empty());
    const SelectedMetric* fp64 = metric(plan, "flops.fp64");
    REQUIRE(fp64);
    CHECK(fp64->group == "fp_arith_inst_retired");
    CHECK(fp64->prov == rafter::Provenance::measured);
    REQUIRE(fp64->terms.size() == 4);
    CHECK(fp64->terms[0].event == "FP_ARITH_INST_RETIRED:SCALAR_DOUBLE");
    CHECK(fp64->terms[0].weight == 1);
    CHECK(fp64->terms[3].event == "FP_ARITH_INST_RETIRED:512B_PACKED_DOUBLE");
    CHECK(fp64->terms[3].weight == 8);
    const SelectedMetric* fp32 = metric(plan, "flops.fp32");
    REQUIRE(fp32);
    CHECK(fp32->terms[3].weight == 16);
    const SelectedMetric* dram = metric(plan, "bytes.dram");
    REQUIRE(dram);
    CHECK(dram->group == "imc_cas_count");
    CHECK(dram->prov == rafter::Provenance::measured);
    // imc0, imc1, imc2 x RD, WR; 64 bytes per CAS.
    REQUIRE(dram->terms.size() == 6);
    for (const auto& t : dram->terms) CHECK(t.weight == 64);
    CHECK(dram->terms[0].event == "skx_unc_imc0::UNC_M_CAS_COUNT:RD");
    // 8 FP64 + 8 FP32 umasks... only distinct events: 8 FP_ARITH + 6 CAS.
    CHECK(plan.events.size() == 14);
}

TEST_CASE("Intel without uncore access falls back to LLC misses x 64 (derived)") {
    auto names = parse_native_avail(fixture("papi_native_avail_intel_skx.txt"));
    names.erase(std::remove_if(names.begin(), names.end(), [](const std::string& n) { return n.find("unc_imc") != std::string::npos; }),
                names.end());
    auto plan = select_events(builtin_event_spec("intel"), names);
    const SelectedMetric* dram = metric(plan, "bytes.dram");
    REQUIRE(dram);
    CHECK(dram->group == "llc_misses");
    CHECK(dram->prov == rafter::Provenance::derived);
    REQUIRE(dram->terms.size() == 1);
    CHECK(dram->terms[0].event == "LONGEST_LAT_CACHE:MISS");
    CHECK(dram->terms[0].weight == 64);
}

TEST_CASE("Intel AVX2-only core (no 512B umasks) uses the AVX2 group") {
    auto names = parse_native_avail(fixture("papi_native_avail_intel_skx.txt"));
    names.erase(std::remove_if(names.begin(), names.end(), [](const std::string& n) { return n.find("512B") != std::string::npos; }),
                names.end());
    auto plan = select_events(builtin_event_spec("intel"), names);
    REQUIRE(metric(plan, "flops.fp64"));
    CHECK(metric(plan, "flops.fp64")->group == "fp_arith_inst_retired_avx2");
    CHECK(metric(plan, "flops.fp64")->terms.size() == 3);
}

TEST_CASE("AMD Zen 4: RETIRED_SSE_AVX_FLOPS (derived, all precisions) and DRAM fills") {
    auto plan = select_events(builtin_event_spec("amd"), parse_native_avail(fixture("papi_native_avail_amd_zen4.txt")));
    const SelectedMetric* fp64 = metric(plan, "flops.fp64");
    REQUIRE(fp64);
    CHECK(fp64->group == "retired_sse_avx_flops");
    CHECK(fp64->prov == rafter::Provenance::derived);
    REQUIRE(fp64->terms.size() == 1);
    CHECK(fp64->terms[0].event == "RETIRED_SSE_AVX_FLOPS:ANY");
    const SelectedMetric* dram = metric(plan, "bytes.dram");
    REQUIRE(dram);
    CHECK(dram->group == "ls_dmnd_fills_dram");  // the fixture has no L3 PMU events
    CHECK(dram->terms.size() == 2);
    // fp32 needs PAPI_SP_OPS, which the native listing does not contain.
    CHECK(plan.missing_targets == std::vector<std::string>{"flops.fp32"});
}

TEST_CASE("presets are used where native events are absent; nothing available covers nothing") {
    auto plan = select_events(builtin_event_spec("generic"), {"PAPI_DP_OPS", "PAPI_SP_OPS"});
    REQUIRE(metric(plan, "flops.fp64"));
    CHECK(metric(plan, "flops.fp64")->terms[0].event == "PAPI_DP_OPS");
    CHECK(plan.missing_targets == std::vector<std::string>{"bytes.dram"});
    auto none = select_events(builtin_event_spec("intel"), {});
    CHECK(none.metrics.empty());
    CHECK(none.events.empty());
    CHECK(none.missing_targets.size() == 3);
}

TEST_CASE("vendor names and globs") {
    CHECK(vendor_from_cpuid("GenuineIntel") == "intel");
    CHECK(vendor_from_cpuid("AuthenticAMD") == "amd");
    CHECK(vendor_from_cpuid("HygonGenuine") == "generic");
    CHECK(glob_match("*_unc_imc*::UNC_M_CAS_COUNT:RD", "skx_unc_imc3::UNC_M_CAS_COUNT:RD"));
    CHECK(!glob_match("*_unc_imc*::UNC_M_CAS_COUNT:RD", "skx_unc_imc3::UNC_M_CAS_COUNT:WR"));
    CHECK(glob_match("a*", "a"));
    CHECK(!glob_match("a", "ab"));
}

TEST_CASE("bad event spec lines are reported with file and line") {
    try {
        parse_event_spec("group flops.fp64 x measured\nevent A 1\ngroup flops.fp99 y measured\n", "spec.txt");
        FAIL("expected an error");
    } catch (const rafter::Error& e) {
        CHECK(std::string(e.what()).find("spec.txt:3") != std::string::npos);
    }
    CHECK_THROWS_AS(parse_event_spec("event A 1\n", "s"), rafter::Error);
    CHECK_THROWS_AS(parse_event_spec("group bytes.dram x measured\nevent A -1\n", "s"), rafter::Error);
    CHECK_THROWS_AS(parse_event_spec("group bytes.dram x analytic\nevent A 1\n", "s"), rafter::Error);
}
