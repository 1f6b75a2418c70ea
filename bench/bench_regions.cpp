// Region begin/end overhead (profiler/annotate.h) on one core: median ns per begin/end pair with
// a running session (no counters on machines without them), next to baselines measured in the
// same run: an empty loop, a bare steady_clock::now() pair, and begin/end outside a session.
// With usable PAPI counters the pair is measured again with counters on.
#if defined(__x86_64__)
#include <x86intrin.h>
#endif

#include <chrono>
#include <cstdio>
#include <vector>

#include "bench/bench_util.h"
#include "profiler/annotate.h"
#include "profiler/papi/papi_backend.h"
#include "profiler/regions/recorder.h"

using namespace rafter::bench;

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kPairs = 200000;
constexpr int kReps = 9;  // odd: the median is one of the runs

template <class F>
double ns_per_iter(F&& body, bool session, bool counters = false) {
    std::vector<double> reps;
    for (int r = 0; r < kReps; ++r) {
        if (session) rafter::regions::start({.counters = counters});
        auto t0 = Clock::now();
        for (int i = 0; i < kPairs; ++i) body(i);
        auto t1 = Clock::now();
        if (session) {
            rafter::Trace t = rafter::regions::stop();
            if (t.regions.size() != static_cast<size_t>(kPairs) && t.regions.size() != 0)
                std::printf("  (unexpected: %zu regions recorded)\n", t.regions.size());
        }
        reps.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count() / kPairs);
    }
    return median(reps);
}

} // namespace

int main() {
    volatile long sink = 0;
    double empty = ns_per_iter([&](int i) { sink = sink + i; }, false);
    double now_pair = ns_per_iter([&](int) {
        auto a = Clock::now();
        auto b = Clock::now();
        sink = sink + (b - a).count();
    }, false);
#if defined(__x86_64__)
    // The regions' own clock read (the invariant TSC): the floor under any begin/end pair.
    double tsc_pair = ns_per_iter([&](int) {
        auto a = __rdtsc();
        auto b = __rdtsc();
        sink = sink + static_cast<long>(b - a);
    }, false);
#endif
    double off = ns_per_iter([](int) {
        rafter_region_begin("bench");
        rafter_region_end("bench");
    }, false);
    double on = ns_per_iter([](int) {
        rafter_region_begin("bench");
        rafter_region_end("bench");
    }, true, false);
    double raii = ns_per_iter([](int) { rafter::Region r("bench"); }, true, false);

    std::printf("region begin/end overhead, one thread, %d pairs x %d reps (median)\n", kPairs, kReps);
    std::printf("  baseline empty loop              %7.2f ns/iter\n", empty);
    std::printf("  baseline steady_clock::now pair  %7.2f ns/pair\n", now_pair);
#if defined(__x86_64__)
    std::printf("  baseline rdtsc pair              %7.2f ns/pair (the regions' clock)\n", tsc_pair);
#endif
    std::printf("  begin/end, no session            %7.2f ns/pair\n", off);
    std::printf("  begin/end, session, no counters  %7.2f ns/pair\n", on);
    std::printf("  rafter::Region RAII, session     %7.2f ns/pair\n", raii);
    const auto& probe = rafter::papi::probe();
    if (probe.usable) {
        double papi = ns_per_iter([](int) {
            rafter_region_begin("bench");
            rafter_region_end("bench");
        }, true, true);
        std::printf("  begin/end, session, PAPI (%zu events) %7.2f ns/pair\n", probe.plan.events.size(), papi);
    } else {
        std::printf("  with PAPI counters: not measured (%s)\n", probe.reason.c_str());
    }
    std::printf("  records/s (session, no counters) %7.1f M/s\n", 1e3 / on);
    std::printf("peak RSS %ld KiB\n", resource_usage().ru_maxrss);
    return 0;
}
