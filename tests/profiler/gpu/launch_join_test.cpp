// --mode both: joining a counters run onto a timed run by launch order and kernel name, and
// pairing the per-process traces of the two runs.
#include <doctest/doctest.h>

#include <filesystem>

#include "profiler/gpu/launch_join.h"
#include "cli/profile_runner.h"
#include "test_support.h"
#include "traces/native_format.h"

using namespace rafter;
using namespace rafter::cupti;
using namespace rafter::profiler;
namespace fs = std::filesystem;

namespace {

void add_timed(Trace& t, const std::string& name, uint64_t correlation, int32_t device = 0) {
    KernelRow k;
    k.name = t.strings.intern(name);
    k.device = device;
    k.correlation = correlation;
    k.start_ns = static_cast<int64_t>(correlation) * 1000;
    k.end_ns = k.start_ns + 500;
    k.duration_s = 500e-9;
    k.duration_prov = Provenance::measured;
    t.kernels.append(k);
}

void add_counted(Trace& t, const std::string& name, uint64_t launch_id, double flops, int32_t device = 0) {
    KernelRow k;
    k.name = t.strings.intern(name);
    k.device = device;
    k.launch_id = launch_id;
    k.flops[static_cast<size_t>(FlopKind::fp32)] = Value::derived(flops);
    k.bytes[static_cast<size_t>(MemLevel::dram)] = Value::measured(flops * 4);
    k.duration_s = 9e-6;  // replayed: not to be copied
    k.duration_prov = Provenance::measured;
    t.kernels.append(k);
}

Value fp32_of(const Trace& t, const std::string& name) {
    for (size_t i = 0; i < t.kernels.size(); ++i)
        if (t.strings.get(t.kernels.name[i]) == name) return t.kernels.get_flops(i, FlopKind::fp32);
    return {};
}

} // namespace

TEST_CASE("identical runs join one to one, in launch order rather than row order") {
    Trace time, counters;
    add_timed(time, "C", 12);  // rows out of order: the join sorts by correlation id
    add_timed(time, "A", 10);
    add_timed(time, "B", 11);
    add_timed(time, "A", 13);
    add_counted(counters, "A", 1, 100);
    add_counted(counters, "B", 2, 200);
    add_counted(counters, "C", 3, 300);
    add_counted(counters, "A", 4, 400);
    auto st = join_counters_into_time(time, counters);
    CHECK(st.matched == 4);
    CHECK(st.name_mismatches == 0);
    CHECK(st.only_time == 0);
    CHECK(st.only_counters == 0);
    CHECK(time.kernels.get_flops(0, FlopKind::fp32).value == 300);  // C
    CHECK(time.kernels.get_flops(1, FlopKind::fp32).value == 100);  // first A
    CHECK(time.kernels.get_flops(3, FlopKind::fp32).value == 400);  // second A
    CHECK(time.kernels.get_flops(1, FlopKind::fp32).prov == Provenance::derived);
    CHECK(time.kernels.get_bytes(2, MemLevel::dram).value == 800);
    CHECK(time.kernels.duration_s[0] == doctest::Approx(500e-9));  // timing stays the undisturbed one
    CHECK(time.diagnostics.count("profile.joined") == 4);
    CHECK(time.diagnostics.find("profile.join_name_mismatch") == nullptr);
}

TEST_CASE("an extra launch in either run is skipped and reported; the rest still joins") {
    Trace time, counters;
    for (auto [n, c] : std::vector<std::pair<const char*, uint64_t>>{{"A", 1}, {"B", 2}, {"X", 3}, {"C", 4}, {"D", 5}})
        add_timed(time, n, c);
    add_counted(counters, "A", 1, 1);
    add_counted(counters, "Y", 2, 99);
    add_counted(counters, "B", 3, 2);
    add_counted(counters, "C", 4, 3);
    add_counted(counters, "D", 5, 4);
    auto st = join_counters_into_time(time, counters);
    CHECK(st.matched == 4);
    CHECK(st.name_mismatches == 2);  // at Y and at X
    CHECK(st.only_time == 1);        // X
    CHECK(st.only_counters == 1);    // Y
    CHECK(fp32_of(time, "B").value == 2);
    CHECK(fp32_of(time, "D").value == 4);
    CHECK_FALSE(fp32_of(time, "X").has());  // missing, not 0
    CHECK(time.diagnostics.count("profile.join_name_mismatch") == 2);
    CHECK(time.diagnostics.count("profile.join_unmatched_time") == 1);
    CHECK(time.diagnostics.count("profile.join_unmatched_counters") == 1);
}

TEST_CASE("devices are joined separately; counters' diagnostics are carried over") {
    Trace time, counters;
    add_timed(time, "A", 1, 0);
    add_timed(time, "A", 2, 1);
    add_timed(time, "B", 3, 1);
    add_counted(counters, "A", 1, 10, 1);
    add_counted(counters, "B", 2, 20, 1);
    counters.diagnostics.add(Severity::warning, "cupti.ranges_dropped", "dropped", 3);
    auto st = join_counters_into_time(time, counters);
    CHECK(st.matched == 2);
    CHECK(st.only_time == 1);  // device 0 had no counted run
    CHECK_FALSE(time.kernels.get_flops(0, FlopKind::fp32).has());
    CHECK(time.kernels.get_flops(1, FlopKind::fp32).value == 10);
    CHECK(time.diagnostics.count("cupti.ranges_dropped") == 3);
}

TEST_CASE("runs are paired per host and rank, written to the output directory") {
    auto dir = test::scratch_dir("join-runs");
    fs::create_directories(dir + "/time");
    fs::create_directories(dir + "/counters");
    auto make = [](int rank, bool counted, double flops) {
        Trace t;
        t.meta.source_format = "cupti";
        t.meta.host = "node1";
        t.meta.rank = rank;
        if (counted) add_counted(t, "gemm", 1, flops);
        else add_timed(t, "gemm", 7);
        return t;
    };
    std::vector<std::string> times, counts;
    for (int r : {0, 1}) {
        times.push_back(dir + "/time/node1-pid" + std::to_string(100 + r) + "-rank" + std::to_string(r) + ".rafter");
        save_native_trace(make(r, false, 0), times.back());
        counts.push_back(dir + "/counters/node1-pid" + std::to_string(200 + r) + "-rank" + std::to_string(r) + ".rafter");
        save_native_trace(make(r, true, 1000.0 * (r + 1)), counts.back());
    }
    std::vector<std::string> notes;
    auto joined = join_runs(times, {counts[1], counts[0]}, dir, notes);
    REQUIRE(joined.size() == 2);
    CHECK(joined[0] == dir + "/node1-pid100-rank0.rafter");  // named after the timed process
    Trace t0 = read_native_trace(joined[0]);
    Trace t1 = read_native_trace(joined[1]);
    CHECK(t0.kernels.get_flops(0, FlopKind::fp32).value == 1000);
    CHECK(t1.kernels.get_flops(0, FlopKind::fp32).value == 2000);
    CHECK(t0.kernels.duration_s[0] == doctest::Approx(500e-9));
    REQUIRE(notes.size() == 2);
    CHECK(notes[0] == "node1/rank0: 1 launches joined");
}

TEST_CASE("unranked processes pair only when each run has exactly one per host") {
    auto dir = test::scratch_dir("join-unranked");
    auto save = [&](const std::string& name, bool counted, int64_t pid) {
        Trace t;
        t.meta.host = "ws";
        t.meta.pid = pid;
        if (counted) add_counted(t, "k", 1, 5);
        else add_timed(t, "k", 1);
        save_native_trace(t, dir + "/" + name);
        return dir + "/" + name;
    };
    std::vector<std::string> notes;
    auto one = join_runs({save("a.rafter", false, 1)}, {save("b.rafter", true, 2)}, dir + "/", notes);
    CHECK(one.size() == 1);
    notes.clear();
    auto two = join_runs({save("c.rafter", false, 3), save("d.rafter", false, 4)},
                         {save("e.rafter", true, 5), save("f.rafter", true, 6)}, dir, notes);
    CHECK(two.empty());
    REQUIRE(notes.size() == 1);
    CHECK(notes[0] == "cannot pair 2 timed and 2 counted processes of ws (no rank to tell them apart); they are left unjoined");
}
