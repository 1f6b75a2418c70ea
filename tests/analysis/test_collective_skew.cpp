// Collective arrival skew across ranks, against hand-computed values on built traces, and on the
// real two-rank sampled trace.
#include <doctest/doctest.h>

#include "analysis/breakdown.h"
#include "analysis/collective_skew.h"
#include "synthetic_trace.h"
#include "test_support.h"
#include "traces/importer.h"

using namespace rafter;

namespace {

constexpr const char* kAllReduce = "ncclDevKernel_AllReduce_Sum_f32_RING_LL(ncclDevKernelArgsStorage<4096ul>)";

// Four all-reduces ending at 10, 20, 30, 40 ms on a common clock; the rank starts each one
// `late_us` before its end. `clock_shift_ns` moves the whole trace on its own clock (what clock
// alignment must undo).
Trace rank_trace(int32_t rank, int64_t late_us, int64_t clock_shift_ns) {
    test::TraceBuilder b;
    b.t.meta.rank = rank;
    for (int i = 1; i <= 4; ++i) {
        int64_t end = i * 10'000'000 + clock_shift_ns;
        b.kernel("sgemm", end - 3'000'000, end - 2'000'000);
        b.kernel(kAllReduce, end - late_us * 1000, end);
    }
    return b.t;
}

} // namespace

TEST_CASE("the last rank to start a collective is the one the others wait for") {
    // Rank 0 starts 100 us before the end, rank 1 80 us, rank 2 30 us: rank 2 arrives last.
    std::vector<Trace> traces;
    traces.push_back(rank_trace(0, 100, 0));
    traces.push_back(rank_trace(1, 80, 5'000'000));   // its clock runs 5 ms ahead
    traces.push_back(rank_trace(2, 30, -2'000'000));  // and this one 2 ms behind
    ClockAlignment a = align_clocks(traces);
    REQUIRE(a.method[1] == "collectives");
    REQUIRE(a.method[2] == "collectives");
    CollectiveSkew k = collective_skew(traces, a, {0, 1, 2});
    CHECK(k.instances == 4);
    CHECK(k.max_skew_s == doctest::Approx(70e-6));
    CHECK(k.median_skew_s == doctest::Approx(70e-6));
    CHECK(k.total_skew_s == doctest::Approx(280e-6));
    REQUIRE(k.ranks.size() == 3);
    CHECK(k.ranks[0].instances == 4);
    CHECK(k.ranks[0].wait_s == doctest::Approx(4 * 70e-6));  // 100 - 30 us, four times
    CHECK(k.ranks[1].wait_s == doctest::Approx(4 * 50e-6));  // 80 - 30 us
    CHECK(k.ranks[2].wait_s == doctest::Approx(0));
    CHECK(k.ranks[2].last_arrivals == 4);
    CHECK(k.ranks[0].last_arrivals == 0);
    REQUIRE(k.worst.size() == 4);
    CHECK(k.worst[0].last_rank == 2);
    CHECK(k.worst[0].ranks == 3);
    CHECK(k.unaligned.empty());
}

TEST_CASE("a rank whose clock cannot be aligned is left out, not guessed") {
    std::vector<Trace> traces;
    traces.push_back(rank_trace(0, 100, 0));
    traces.push_back(rank_trace(1, 80, 0));
    test::TraceBuilder lone;  // no communication kernels
    lone.t.meta.rank = 2;
    lone.kernel("sgemm", 1000, 2000);
    traces.push_back(lone.t);
    BreakdownReport r = analyze_breakdown(traces);
    REQUIRE(r.collective_skew);
    CHECK(r.collective_skew->instances == 4);
    CHECK(r.collective_skew->unaligned == std::vector<int32_t>{2});
    CHECK(r.collective_skew->ranks[2].instances == 0);
    CHECK(r.collective_skew->ranks[1].last_arrivals == 4);
    CHECK(r.collective_skew->ranks[0].wait_s == doctest::Approx(4 * 20e-6));
}

TEST_CASE("one rank has no skew to report") {
    std::vector<Trace> traces;
    traces.push_back(rank_trace(0, 100, 0));
    CHECK_FALSE(analyze_breakdown(traces).collective_skew.has_value());
}

TEST_CASE("the real two-rank sampled trace: rank 1 arrives last") {
    const std::string dir = std::string(RAFTER_REAL_DATA_DIR) + "/kineto/";
    std::vector<Trace> traces =
        load_traces({dir + "sampled-128rank-rank0.json.gz", dir + "sampled-128rank-rank1.json.gz"}, ImportOptions{});
    BreakdownReport r = analyze_breakdown(traces);
    REQUIRE(r.collective_skew);
    const CollectiveSkew& k = *r.collective_skew;
    CHECK(k.instances == 3);
    CHECK(k.ranks[1].last_arrivals == 3);
    CHECK(k.ranks[1].wait_s == 0);
    // Rank 0's wait is the sum of the skews when rank 1 is always last.
    CHECK(k.ranks[0].wait_s == doctest::Approx(k.total_skew_s));
    CHECK(k.max_skew_s > 0.02);  // 22.4 ms: one all-reduce where rank 1 came very late
}
