// Steps of a measured trace replayed with the communication model (analysis/step_replay.h), on the
// 2-rank A100 trace (NCCL all-reduce and broadcast inside one node): the measured side is
// recomputed here from the kernel table and the step ranges, the predicted side from the ring
// formulas written out by hand (docs/scaling.md, "Collectives").
#include <doctest/doctest.h>

#include <cmath>

#include "analysis/breakdown.h"
#include "analysis/collectives.h"
#include "analysis/step_replay.h"
#include "test_support.h"
#include "traces/importer.h"

using namespace rafter;

TEST_CASE("replay of the 2-rank A100 trace: measured comm from the kernels, predicted from the ring formulas") {
    auto traces = load_traces({test::real_data("kineto/a100-nccl-2rank-rank0.json.gz")}, ImportOptions{});
    REQUIRE(traces.size() == 1);
    ReplayOptions o;
    o.topology.gpus_per_node = 8;
    o.topology.intra = {300e9, 3.4e-6, false};
    o.topology.nics_per_node = 0;
    o.topology.link_efficiency = 0.8;
    o.algorithms = algorithm_bit(CommAlgorithm::ring);
    Machine m;
    ReplayReport r = replay_steps(traces, m, o);
    REQUIRE(r.steps.size() == 3);
    CHECK(r.steps[0].step == "ProfilerStep#4");
    CHECK(r.unmodeled == 0);

    BreakdownReport b = analyze_breakdown(traces);
    CollectiveOptions co;
    co.gpus_per_node = 8;
    CollectiveCalls calls = find_collectives(traces, m, co);
    const Trace& t = traces[0];
    const double beta = 1 / (0.8 * 300e9), alpha = 3.4e-6;
    double exposed_sum = 0;
    for (size_t si = 0; si < 3; ++si) {
        const StepBreakdown& s = b.ranks[0].steps[si];
        const ReplayedStep& rs = r.steps[si];
        double measured = 0, predicted = 0;
        uint64_t n = 0;
        for (size_t i = 0; i < t.kernels.size(); ++i) {
            uint32_t c = calls.call_of_kernel[0][i];
            if (c == CollectiveCalls::kNone) continue;
            if (t.kernels.start_ns[i] < s.start_ns || t.kernels.start_ns[i] >= s.end_ns) continue;
            ++n;
            measured += (t.kernels.end_ns[i] - t.kernels.start_ns[i]) * 1e-9;
            const CollectiveCall& call = calls.calls[c];
            REQUIRE(call.kind);
            REQUIRE(call.size_bytes);
            CHECK(call.ranks == 2);
            // Ring on 2 ranks in one node: all-reduce 2 alpha + n beta (2(p-1)/p = 1), broadcast alpha + n beta.
            if (*call.kind == Collective::all_reduce) predicted += 2 * alpha + *call.size_bytes * beta;
            else if (*call.kind == Collective::broadcast) predicted += alpha + *call.size_bytes * beta;
            else FAIL("unexpected collective kind");
        }
        CHECK(rs.collectives == n);
        CHECK(rs.measured_step_s == doctest::Approx(s.duration_s));
        CHECK(rs.measured_comm_s == doctest::Approx(measured));
        CHECK(rs.predicted_comm_s == doctest::Approx(predicted));
        CHECK(rs.measured_exposed_s <= rs.measured_comm_s + 1e-12);
        CHECK(rs.predicted_exposed_s <= rs.predicted_comm_s + 1e-12);
        CHECK(rs.predicted_step_s == doctest::Approx(rs.measured_step_s - rs.measured_exposed_s + rs.predicted_exposed_s));
        exposed_sum += rs.measured_exposed_s;
    }
    CHECK(r.measured_exposed_s == doctest::Approx(exposed_sum));
    double err = 0;
    for (const auto& s : r.steps) err += std::fabs(s.predicted_step_s - s.measured_step_s) / s.measured_step_s / 3;
    CHECK(r.mean_abs_step_error == doctest::Approx(err));
}

TEST_CASE("replay: collectives without a size keep their measured time and are counted") {
    // The 16-rank trace: its first step holds kernels launched before the profile whose size the
    // trace does not record.
    auto traces = load_traces({test::real_data("kineto/a100-80gb-16rank-rank0.json.gz")}, ImportOptions{});
    ReplayOptions o;
    o.topology.gpus_per_node = 8;
    o.topology.intra = {300e9, 3.4e-6, false};
    o.topology.nics_per_node = 8;
    o.topology.inter = {25e9, 9.6e-6, false};
    o.topology.link_efficiency = 0.8;
    ReplayReport r = replay_steps(traces, Machine{}, o);
    REQUIRE(r.steps.size() == 5);
    CHECK(r.unmodeled == 5);
    CHECK(r.steps[0].unmodeled == 5);
    CHECK(r.steps[0].unmodeled_reason == "message size unknown");
    for (size_t i = 1; i < r.steps.size(); ++i) CHECK(r.steps[i].unmodeled == 0);
}
