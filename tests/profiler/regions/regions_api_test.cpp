#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <thread>
#include <vector>

#include "profiler/annotate.h"
#include "profiler/papi/papi_backend.h"
#include "profiler/regions/recorder.h"

void annotated_with_macros_on();
void annotated_with_macros_off();

namespace {

std::string name_of(const rafter::Trace& t, const rafter::RegionRow& r) { return std::string(t.strings.get(r.name)); }

void spin_for_us(int us) {
    auto end = std::chrono::steady_clock::now() + std::chrono::microseconds(us);
    while (std::chrono::steady_clock::now() < end) {
    }
}

} // namespace

TEST_CASE("nested regions get depth, containment and their own names") {
    rafter::regions::start();
    rafter_region_begin("outer");
    spin_for_us(50);
    {
        rafter::Region mid("middle");
        rafter_region_begin("inner");
        spin_for_us(200);
        rafter_region_end("inner");
    }
    rafter_region_end("outer");
    rafter::Trace t = rafter::regions::stop();

    REQUIRE(t.regions.size() == 3);
    // Sorted by start: outer, middle, inner.
    CHECK(name_of(t, t.regions[0]) == "outer");
    CHECK(name_of(t, t.regions[1]) == "middle");
    CHECK(name_of(t, t.regions[2]) == "inner");
    CHECK(t.regions[0].depth == 0);
    CHECK(t.regions[1].depth == 1);
    CHECK(t.regions[2].depth == 2);
    for (size_t i = 1; i < 3; ++i) {
        CHECK(t.regions[i].start_ns >= t.regions[i - 1].start_ns);
        CHECK(t.regions[i].end_ns <= t.regions[i - 1].end_ns);
    }
    CHECK(t.regions[2].end_ns - t.regions[2].start_ns >= 200000);  // spun 200 us
    CHECK(t.regions[0].end_ns - t.regions[0].start_ns >= 250000);
    for (const auto& r : t.regions) {
        CHECK(r.kind == rafter::RegionKind::region);
        CHECK(r.tid == t.regions[0].tid);
        CHECK(r.tid > 0);
    }
    CHECK(t.meta.base_time_ns > 0);
}

TEST_CASE("begin/end outside a session record nothing; sessions do not leak into each other") {
    rafter_region_begin("before");
    rafter_region_end("before");
    rafter::regions::start();
    rafter_region_begin("left_open");
    rafter::Trace t1 = rafter::regions::stop();
    CHECK(t1.regions.empty());
    CHECK(t1.diagnostics.count("regions.unclosed") == 1);

    rafter::regions::start();
    rafter_region_begin("a");
    rafter_region_end("a");
    rafter::Trace t2 = rafter::regions::stop();
    REQUIRE(t2.regions.size() == 1);
    CHECK(name_of(t2, t2.regions[0]) == "a");
    CHECK(t2.regions[0].depth == 0);  // the open region of the last session is gone
    CHECK(t2.diagnostics.count("regions.unclosed") == 0);
}

TEST_CASE("mismatched and unmatched ends are counted, not fatal") {
    rafter::regions::start();
    rafter_region_end("nothing_open");
    rafter_region_begin("x");
    rafter_region_end("y");
    rafter::Trace t = rafter::regions::stop();
    REQUIRE(t.regions.size() == 1);
    CHECK(name_of(t, t.regions[0]) == "x");
    CHECK(t.diagnostics.count("regions.unmatched_end") == 1);
    CHECK(t.diagnostics.count("regions.mismatched_end") == 1);
}

TEST_CASE("a second start while running is refused") {
    rafter::regions::start();
    CHECK_THROWS(rafter::regions::start());
    CHECK(rafter_regions_start() == -1);
    rafter::regions::stop();
    CHECK_THROWS(rafter::regions::stop());
}

TEST_CASE("threads record into their own buffers; every region is kept with its thread id") {
    constexpr int kThreads = 4, kPerThread = 1000;
    rafter::regions::start();
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i)
        threads.emplace_back([] {
            for (int k = 0; k < kPerThread; ++k) {
                rafter::Region outer("thread_outer");
                rafter::Region inner("thread_inner");
            }
        });
    for (auto& th : threads) th.join();
    rafter::Trace t = rafter::regions::stop();
    REQUIRE(t.regions.size() == 2u * kThreads * kPerThread);
    std::map<int64_t, int> per_tid;
    int inner = 0;
    for (const auto& r : t.regions) {
        per_tid[r.tid] += 1;
        if (name_of(t, r) == "thread_inner") {
            ++inner;
            CHECK(r.depth == 1);
        } else {
            CHECK(r.depth == 0);
        }
    }
    CHECK(inner == kThreads * kPerThread);
    CHECK(per_tid.size() == kThreads);
    for (const auto& [tid, n] : per_tid) CHECK(n == 2 * kPerThread);
    CHECK(t.diagnostics.count("regions.mismatched_end") == 0);
}

TEST_CASE("macros record only when RAFTER_ENABLE_ANNOTATIONS is defined") {
    rafter::regions::start();
    annotated_with_macros_off();
    annotated_with_macros_on();
    rafter::Trace t = rafter::regions::stop();
    std::set<std::string> names;
    for (const auto& r : t.regions) names.insert(name_of(t, r));
    CHECK(names == std::set<std::string>{"macro_c", "macro_scope"});
}

TEST_CASE("no counters: time is kept, FLOPs and bytes are missing with PAPI's reason") {
    const auto& probe = rafter::papi::probe();
    if (probe.usable) {
        MESSAGE("this machine has usable PAPI counters; the no-counter path is not exercised here");
        return;
    }
    // The reason is PAPI's own: on this machine the perf_event component is disabled.
    CHECK(!probe.reason.empty());
    bool saw_perf_event = false;
    for (const auto& c : probe.components)
        if (c.name == "perf_event") {
            saw_perf_event = true;
            if (c.disabled) CHECK(probe.reason.find(c.disabled_reason) != std::string::npos);
        }
    if (saw_perf_event) CHECK(probe.reason == rafter::papi::unusable_reason(probe.components));
    MESSAGE("PAPI reason: " << probe.reason);

    rafter::regions::start();
    { rafter::Region r("timed"); spin_for_us(100); }
    rafter::Trace t = rafter::regions::stop();
    REQUIRE(t.regions.size() == 1);
    CHECK(t.regions[0].end_ns - t.regions[0].start_ns >= 100000);
    for (const auto& v : t.regions[0].flops) CHECK(!v.has());
    for (const auto& v : t.regions[0].bytes) CHECK(!v.has());
    const rafter::Diagnostic* d = t.diagnostics.find("regions.counters_missing");
    REQUIRE(d != nullptr);
    CHECK(d->message.find(probe.reason) != std::string::npos);
    CHECK(rafter::regions::counters_reason() == probe.reason);
}

TEST_CASE("unusable_reason reads the component table") {
    using rafter::papi::ComponentInfo;
    CHECK(rafter::papi::unusable_reason({{"perf_event", true, "Insufficient permissions for perf_event", 0}}) ==
          "PAPI component perf_event is disabled: Insufficient permissions for perf_event");
    CHECK(rafter::papi::unusable_reason({{"perf_event", false, "", 0}}) ==
          "PAPI reports 0 hardware counters for component perf_event");
    CHECK(rafter::papi::unusable_reason({{"perf_event", false, "", 6}, {"perf_event_uncore", true, "x", 0}}).empty());
    CHECK(rafter::papi::unusable_reason({{"sysdetect", false, "", 0}}).find("no perf_event") != std::string::npos);
}

TEST_CASE("region times are steady_clock nanoseconds whichever clock the hot path reads") {
    // With an invariant TSC the recorder stores raw ticks and maps them onto steady_clock at
    // stop(); the mapping must place regions where steady_clock saw them (within a few us).
    using namespace std::chrono;
    auto ns = [] { return duration_cast<nanoseconds>(steady_clock::now().time_since_epoch()).count(); };
    rafter::regions::start();
    spin_for_us(1000);
    int64_t before = ns();
    rafter_region_begin("timed");
    std::this_thread::sleep_for(milliseconds(20));
    rafter_region_end("timed");
    int64_t after = ns();
    spin_for_us(1000);
    rafter::Trace t = rafter::regions::stop();
    REQUIRE(t.regions.size() == 1);
    const auto& r = t.regions[0];
    const int64_t slack = 50000;  // 50 us: the two clocks are read at slightly different instants
    CHECK(r.start_ns >= before - slack);
    CHECK(r.end_ns <= after + slack);
    CHECK(r.end_ns - r.start_ns >= 20000000 - slack);
    CHECK(r.end_ns - r.start_ns <= after - before + slack);
}
