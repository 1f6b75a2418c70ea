// Why the GPU is idle (analysis/idle.h): a hand-built trace with one gap of each cause, and the
// real Kineto traces against tests/analysis/check_idle.py, which recomputes the split from the
// JSON with Python's json module. The split always adds up to the breakdown's idle time.
#include <doctest/doctest.h>

#include "analysis/breakdown.h"
#include "analysis/idle.h"
#include "synthetic_trace.h"
#include "test_support.h"
#include "traces/importer.h"

using namespace rafter;

namespace {

constexpr int64_t us = 1000;

void sync_call(test::TraceBuilder& b, const char* name, int64_t start, int64_t end) {
    CpuOpRow r;
    r.kind = CpuEventKind::runtime;
    r.name = b.t.strings.intern(name);
    r.pid = 100;
    r.tid = 1;
    r.start_ns = start;
    r.end_ns = end;
    b.t.cpu_ops.push_back(r);
}

// One gap of each kind, times in us:
//   A [0,10) launched [-5,-2]; B [30,40) launched [20,25]: gap [10,30) host_launch (the launch
//   returned after the GPU went idle);
//   C [60,70) launched [52,55], cudaDeviceSynchronize [35,41]: gap [40,60) sync (the launching
//   thread was blocked in the sync when the GPU went idle at 40);
//   D [100,110) launched [65,68]: gap [70,100) other, queued (launched before the gap, and longer
//   than the GPU's own dispatch gap);
//   E [120,130) without a launch: gap [110,120) other;
//   F [140,141) launched [131,135]: gap [130,140) host_launch; F ran 1 us, its launch call 4 us.
Trace four_gaps() {
    test::TraceBuilder b;
    b.launch(-5 * us, -2 * us, 1);
    b.kernel("A", 0, 10 * us, 1);
    b.launch(20 * us, 25 * us, 2);
    b.kernel("B", 30 * us, 40 * us, 2);
    sync_call(b, "cudaDeviceSynchronize", 35 * us, 41 * us);
    b.launch(52 * us, 55 * us, 3);
    b.kernel("C", 60 * us, 70 * us, 3);
    b.launch(65 * us, 68 * us, 4);
    b.kernel("D", 100 * us, 110 * us, 4);
    b.kernel("E", 120 * us, 130 * us, 0);
    b.launch(131 * us, 135 * us, 6);
    b.kernel("F", 140 * us, 141 * us, 6);
    return std::move(b.t);
}

void close(double got, double want) { CHECK(got == doctest::Approx(want).epsilon(1e-12)); }

} // namespace

TEST_CASE("idle split: one gap of each cause, clipped to any window") {
    Trace t = four_gaps();
    IdleTimeline idle(t);
    IdleSplit s = idle.window(0, 141 * us);
    close(s.host_launch_s, 30e-6);
    close(s.sync_s, 20e-6);
    close(s.other_s, 40e-6);
    close(s.other_queued_s, 30e-6);
    CHECK(s.host_launch_gaps == 2);
    CHECK(s.sync_gaps == 1);
    CHECK(s.other_gaps == 2);
    // A window cutting the sync gap and running past the last kernel: the tail is other.
    s = idle.window(50 * us, 200 * us);
    close(s.sync_s, 10e-6);
    close(s.host_launch_s, 10e-6);
    close(s.other_s, 30e-6 + 10e-6 + 59e-6);
    close(s.other_queued_s, 30e-6);

    // The breakdown carries the split; it sums to its idle time.
    BreakdownReport r = analyze_breakdown({t});
    const RankBreakdown& rb = r.ranks[0];
    close(rb.totals.idle_s, 90e-6);
    close(rb.idle.total_s(), rb.totals.idle_s);

    // Launch statistics: A-D and F have launch calls (3, 5, 3, 3, 4 us), E none.
    LaunchStats l = idle.launches(0, 141 * us);
    CHECK(l.kernels == 5);
    CHECK(l.unlinked == 1);
    close(*l.median_launch_s, 3e-6);
    close(*l.median_kernel_s, 10e-6);
    // Delays (kernel start - launch start): 5, 10, 8, 35, 9 us; nearest-rank median 9, p90 35.
    close(*l.median_delay_s, 9e-6);
    close(*l.p90_delay_s, 35e-6);
    CHECK(l.shorter_than_launch == 1);  // F
    close(l.shorter_than_launch_s, 1e-6);
}

TEST_CASE("idle split: a sync that returned before the GPU went idle does not count") {
    test::TraceBuilder b;
    b.launch(0, 1 * us, 1);
    b.kernel("A", 2 * us, 10 * us, 1);
    sync_call(b, "cudaStreamSynchronize", 3 * us, 5 * us);  // returned 5 us before the GPU went idle
    b.launch(20 * us, 22 * us, 2);
    b.kernel("B", 30 * us, 40 * us, 2);
    IdleTimeline idle(b.t);
    IdleSplit s = idle.window(2 * us, 40 * us);
    close(s.host_launch_s, 20e-6);
    CHECK(s.sync_s == 0);
    // C queued behind B (launched [23,24]) starting 3 us after B ends: the GPU's own gap.
    b.launch(23 * us, 24 * us, 3);
    b.kernel("C", 43 * us, 50 * us, 3);
    IdleTimeline with_c(b.t);
    s = with_c.window(2 * us, 50 * us);
    close(s.kernel_gap_s, 3e-6);
    CHECK(s.kernel_gap_gaps == 1);
    close(s.total_s(), 23e-6);
    CHECK(is_synchronizing_call("cudaEventSynchronize"));
    CHECK(is_synchronizing_call("cudaMemcpy"));
    CHECK_FALSE(is_synchronizing_call("cudaMemcpyAsync"));
    CHECK_FALSE(is_synchronizing_call("cudaLaunchKernel"));
}

TEST_CASE("idle split on real traces: sums to the idle time per rank and step, matches check_idle.py") {
    struct Expected {
        const char* file;
        int64_t idle, host, sync, kernel_gap, other;  // ns, from check_idle.py
    };
    const Expected expected[] = {
        {"a100-80gb-16rank-rank0.json.gz", 793037000, 10453000, 3704000, 20453000, 758427000},
        {"a100-nccl-2rank-rank0.json.gz", 503050991, 501849852, 0, 1189171, 11968},
        {"h100-bert-small-infer.json.gz", 3598388, 3444533, 153855, 0, 0},
        {"h100-qwen1.5-0.5b-infer.json.gz", 4005532, 1106239, 439070, 1732580, 727643},
        {"h100-vit-image-infer.json.gz", 6334534, 6326247, 0, 8287, 0},
    };
    for (const auto& e : expected) {
        CAPTURE(e.file);
        auto traces = load_traces({test::real_data(std::string("kineto/") + e.file)}, ImportOptions{});
        REQUIRE(traces.size() == 1);
        BreakdownReport r = analyze_breakdown(traces);
        const RankBreakdown& rb = r.ranks[0];
        CHECK(rb.totals.idle_s == doctest::Approx(e.idle * 1e-9).epsilon(1e-9));
        CHECK(rb.idle.host_launch_s == doctest::Approx(e.host * 1e-9).epsilon(1e-9));
        CHECK(rb.idle.sync_s == doctest::Approx(e.sync * 1e-9).epsilon(1e-9));
        CHECK(rb.idle.kernel_gap_s == doctest::Approx(e.kernel_gap * 1e-9).epsilon(1e-9));
        CHECK(rb.idle.other_s == doctest::Approx(e.other * 1e-9).epsilon(1e-9));
        CHECK(rb.idle.total_s() == doctest::Approx(rb.totals.idle_s).epsilon(1e-12));
        for (const StepBreakdown& s : rb.steps) {
            CAPTURE(s.name);
            CHECK(s.idle.total_s() == doctest::Approx(s.times.idle_s).epsilon(1e-12));
        }
    }
}
