// Attribution, op roofline and breakdown on the real Kineto traces in tests/data/real/kineto,
// through the Kineto importer. Every expected number comes from tests/analysis/check_breakdown.py,
// which recomputes it from the JSON with Python's json module and its own code (run it to
// re-derive them), or from the TraceLens reference CSV beside the bert trace.
#include <doctest/doctest.h>

#include <fstream>

#include "analysis/analytic_costs.h"
#include "analysis/breakdown.h"
#include "analysis/launch_window.h"
#include "analysis/op_attribution.h"
#include "analysis/op_roofline.h"
#include "test_support.h"
#include "traces/importer.h"

using namespace rafter;

namespace {

Trace load_one(const std::string& rel) {
    auto traces = load_traces({test::real_data("kineto/" + rel)}, ImportOptions{});
    REQUIRE(traces.size() == 1);
    return std::move(traces[0]);
}

Machine h100() {
    auto m = find_builtin_machine("h100-sxm");
    REQUIRE(m);
    return *m;
}

struct Expected {
    const char* file;
    uint64_t kernels, memcpy, memset, nccl, steps, attributed, no_launch, outside_op;
    double span, busy, idle, compute, comm, exposed, memcpy_s, memset_s;
};

// From check_breakdown.py (counts; attribution; whole-span breakdown in seconds).
const Expected kExpected[] = {
    {"a100-80gb-16rank-rank0.json.gz", 6080, 1390, 277, 80, 5, 5285, 705, 90,
     1.231461, 0.438424, 0.793037, 0.210998, 0.187870, 0.185317, 0.047219, 0.000492},
    {"a100-alexnet-1gpu.json.gz", 79, 16, 3, 0, 0, 79, 0, 0,
     12.920244, 0.066141, 12.854103, 0.010630, 0, 0, 0.055503, 0.000008},
    {"a100-nccl-2rank-rank0.json.gz", 2700, 960, 114, 21, 3, 2700, 0, 0,
     0.660551005, 0.157500014, 0.503050991, 0.115655847, 0.046876493, 0.039559468, 0.002262781, 0.000390717},
    {"h100-bert-small-infer.json.gz", 60, 1, 0, 0, 1, 60, 0, 0,
     0.003907825, 0.000309437, 0.003598388, 0.000307197, 0, 0, 0.000002240, 0},
    {"h100-qwen1.5-0.5b-infer.json.gz", 1465, 1, 241, 0, 1, 1029, 436, 0,
     0.049652832, 0.045647300, 0.004005532, 0.045432698, 0, 0, 0.000002368, 0.000212234},
    {"h100-vit-image-infer.json.gz", 154, 0, 2, 0, 1, 154, 0, 0,
     0.007559844, 0.001225310, 0.006334534, 0.001220926, 0, 0, 0, 0.000004384},
    {"sampled-128rank-rank0.json.gz", 1154, 40, 10, 10, 2, 1138, 0, 16,
     1.222847, 0.547656, 0.675191, 0.210320, 0.396199, 0.336983, 0.001297, 0.000028},
    {"sampled-128rank-rank1.json.gz", 1104, 40, 10, 10, 2, 1088, 0, 16,
     1.231186, 0.580050, 0.651136, 0.271973, 0.379053, 0.303523, 0.016473, 0.000031},
};

// check_breakdown.py computes in integer nanoseconds and prints 9 decimals of a second.
void close(double got, double want) {
    INFO(got << " vs " << want);
    CHECK(std::abs(got - want) <= 1.5e-9);
}

} // namespace

TEST_CASE("real traces: counts, attribution and whole-run breakdown") {
    for (const Expected& e : kExpected) {
        INFO(e.file);
        Trace t = load_one(e.file);
        OpAttribution a = attribute_ops(t);
        CHECK(t.kernels.size() == e.kernels);
        CHECK(a.kernels_attributed == e.attributed);
        CHECK(a.kernels_no_launch == e.no_launch);
        CHECK(a.kernels_outside_op == e.outside_op);
        BreakdownReport r = analyze_breakdown({t});
        REQUIRE(r.ranks.size() == 1);
        const RankBreakdown& rb = r.ranks[0];
        CHECK(rb.kernels == e.kernels);
        CHECK(rb.memcpys == e.memcpy);
        CHECK(rb.memsets == e.memset);
        CHECK(rb.comm_kernels == e.nccl);
        CHECK(rb.steps.size() == e.steps);
        CHECK(rb.unattributed_kernels == e.no_launch + e.outside_op);
        CHECK(rb.untimed == 0);
        close(rb.totals.wall_s, e.span);
        close(rb.totals.busy_s, e.busy);
        close(rb.totals.idle_s, e.idle);
        close(rb.totals.compute_s, e.compute);
        close(rb.totals.comm_s, e.comm);
        close(rb.totals.exposed_comm_s, e.exposed);
        close(rb.totals.memcpy_s, e.memcpy_s);
        close(rb.totals.memset_s, e.memset_s);
    }
}

TEST_CASE("real traces: per-step breakdown and top ops") {
    Trace t = load_one("a100-nccl-2rank-rank0.json.gz");
    BreakdownReport r = analyze_breakdown({t});
    const RankBreakdown& rb = r.ranks[0];
    REQUIRE(rb.steps.size() == 3);
    // check_breakdown.py: ProfilerStep#4 dur 0.222442191 busy 0.049438921 compute 0.038506406
    // comm 0.011989021 exposed 0.010163762; #6 busy 0.058332167 exposed 0.018856097.
    CHECK(rb.steps[0].name == "ProfilerStep#4");
    close(rb.steps[0].duration_s, 0.222442191);
    close(rb.steps[0].times.busy_s, 0.049438921);
    close(rb.steps[0].times.compute_s, 0.038506406);
    close(rb.steps[0].times.comm_s, 0.011989021);
    close(rb.steps[0].times.exposed_comm_s, 0.010163762);
    CHECK(rb.steps[2].name == "ProfilerStep#6");
    close(rb.steps[2].times.busy_s, 0.058332167);
    close(rb.steps[2].times.exposed_comm_s, 0.018856097);
    // Per step (kernels starting in the step's window), check_breakdown.py: 900 kernels each,
    // 7 NCCL kernels of 0.011989021 s (#4) and 0.022587443 s (#6); top op of #4
    // aten::convolution_backward 0.012982671 s, of #6 record_param_comms 0.022587443 s.
    for (const auto& st : rb.steps) {
        uint64_t kernels = 0;
        for (const auto& c : st.categories)
            if (c.category != KernelCategory::memcpy && c.category != KernelCategory::memset) kernels += c.count;
        CHECK(kernels == 900);
        CHECK(st.categories[static_cast<size_t>(KernelCategory::communication)].count == 7);
    }
    close(rb.steps[0].categories[static_cast<size_t>(KernelCategory::communication)].time_s, 0.011989021);
    close(rb.steps[2].categories[static_cast<size_t>(KernelCategory::communication)].time_s, 0.022587443);
    REQUIRE(!rb.steps[0].top_ops.empty());
    CHECK(rb.steps[0].top_ops[0].op == "aten::convolution_backward");
    close(rb.steps[0].top_ops[0].time_s, 0.012982671);
    REQUIRE(!rb.steps[2].top_ops.empty());
    CHECK(rb.steps[2].top_ops[0].op == "record_param_comms");
    close(rb.steps[2].top_ops[0].time_s, 0.022587443);
    // Top ops: record_param_comms 0.046876493 s (21 calls: the NCCL kernels are launched inside
    // it), aten::convolution_backward 0.039138352 s (159 calls).
    REQUIRE(rb.top_ops.size() >= 2);
    CHECK(rb.top_ops[0].op == "record_param_comms");
    close(rb.top_ops[0].time_s, 0.046876493);
    CHECK(rb.top_ops[0].calls == 21);
    CHECK(rb.top_ops[1].op == "aten::convolution_backward");
    close(rb.top_ops[1].time_s, 0.039138352);
    CHECK(rb.top_ops[1].calls == 159);
}

TEST_CASE("bert: GEMM FLOPs and bytes per shape equal the TraceLens reference (end to end)") {
    std::vector<Trace> traces = {load_one("h100-bert-small-infer.json.gz")};
    RooflineOptions opt;
    opt.group_by = GroupBy::op_shape;
    RooflineReport r = analyze_op_roofline(traces, h100(), opt);

    // Reference rows: Input Dims, GFLOPS, Data Moved (MiB), Kernel Time sum (us), name_count.
    struct Ref {
        const char* dims;
        double gflops, mib, kernel_us;
        uint64_t count;
    };
    const Ref refs[] = {
        {"[[512], [141, 512], [512, 512], [], []]", 0.0739968, 0.7763671875, 98.718017578125, 17},
        {"[[30522], [141, 512], [512, 30522], [], []]", 4.41119205, 38.211021423339844, 41.280029296875, 1},
        {"[[512], [141, 2048], [2048, 512], [], []]", 0.295770624, 2.689453125, 33.089111328125, 4},
        {"[[2048], [141, 512], [512, 2048], [], []]", 0.2959872, 2.6923828125, 24.510986328125, 4},
    };
    for (const Ref& ref : refs) {
        INFO(std::string(ref.dims));
        const GroupMetrics* g = nullptr;
        for (const auto& x : r.groups)
            if (x.op == "aten::addmm" && x.input_dims == ref.dims) g = &x;
        REQUIRE(g);
        CHECK(g->invocations == ref.count);
        CHECK(g->launches == ref.count);
        double flops = g->flops[static_cast<size_t>(FlopKind::tensor_bf16)].value / static_cast<double>(ref.count);
        double bytes = g->bytes[static_cast<size_t>(MemLevel::dram)].value / static_cast<double>(ref.count);
        CHECK(std::abs(flops - ref.gflops * 1e9) <= 1e-3 * ref.gflops * 1e9);
        CHECK(std::abs(bytes - ref.mib * 1048576) <= 1e-3 * ref.mib * 1048576);
        CHECK(flops == doctest::Approx(ref.gflops * 1e9).epsilon(1e-12));
        CHECK(bytes == doctest::Approx(ref.mib * 1048576).epsilon(1e-12));
        REQUIRE(g->time_s);
        // TraceLens sums float32 microseconds (33.089111 for 33.089): equal to about 1e-5.
        CHECK(*g->time_s * 1e6 == doctest::Approx(ref.kernel_us).epsilon(1e-5));
        CHECK(g->flops_prov == Provenance::analytic);
    }

    // By op: check_breakdown.py sums the same rule over the 26 calls: 8,036,168,946 FLOPs,
    // 76,479,576 bytes, 197.598 us.
    opt.group_by = GroupBy::op;
    RooflineReport byop = analyze_op_roofline(traces, h100(), opt);
    const GroupMetrics* addmm = nullptr;
    for (const auto& x : byop.groups)
        if (x.op == "aten::addmm") addmm = &x;
    REQUIRE(addmm);
    CHECK(addmm->invocations == 26);
    CHECK(addmm->flops[static_cast<size_t>(FlopKind::tensor_bf16)].value == 8036168946.0);
    CHECK(addmm->bytes[static_cast<size_t>(MemLevel::dram)].value == 76479576.0);
    close(*addmm->time_s, 0.000197598);
    CHECK(byop.groups.front().op == "aten::addmm");  // the largest GPU time
    // Every kernel of the bert trace is linked to an op: no unattributed group.
    for (const auto& x : byop.groups) CHECK(x.name != kUnattributedGroup);
}

TEST_CASE("sampled 128-rank job: ranks 0 and 1 aligned by their NCCL kernels") {
    std::vector<Trace> traces = {load_one("sampled-128rank-rank1.json.gz"), load_one("sampled-128rank-rank0.json.gz")};
    BreakdownReport r = analyze_breakdown(traces);
    // The reference is the rank-0 file even when given second.
    CHECK(r.alignment.reference == 1);
    // check_breakdown.py: offset 23,500 ns from 2 agreeing NCCL kernels (shift 0, MAD 31,500 ns);
    // the other 8 pairs do not correspond (the profiles recorded different collectives).
    CHECK(r.alignment.method[0] == "collectives");
    CHECK(r.alignment.offset_ns[0] == 23500);
    CHECK(r.alignment.matched[0] == 2);
    CHECK(r.alignment.spread_ns[0] == 31500);
    REQUIRE(r.ranks.size() == 2);
    CHECK(r.ranks[0].rank == 0);
    CHECK(r.ranks[1].rank == 1);
    // Step spread: ProfilerStep#551 607.312 / 607.904 ms, #552 622.928 / 630.639 ms.
    REQUIRE(r.steps.size() == 2);
    CHECK(r.steps[1].name == "ProfilerStep#552");
    CHECK(r.steps[1].median_s == doctest::Approx((0.622928 + 0.630639) / 2));
    CHECK(r.steps[1].stragglers.empty());  // 1.2% apart: within 5%
}

TEST_CASE("qwen: without the work launched before the profile, span and busy equal TraceLens's") {
    // 436 kernels and 73 memsets/memcpys of the Qwen trace have correlation ids below the first
    // cudaLaunchKernel's (Python's json module: 509 events, all with ids < 682747). Dropping
    // them, span and busy time of the GPU events are TraceLens's own figures for this trace,
    // 34.892 ms total and 31.905 ms busy (json module: 34.8924189453 ms, 31.9054831543 ms from
    // float microseconds; 31.905473 ms with each ts and dur rounded to whole ns, as the importer
    // stores them).
    Trace t = load_one("h100-qwen1.5-0.5b-infer.json.gz");
    PrelaunchedRows pre = find_prelaunched(t);
    CHECK(pre.kernel_count == 436);
    CHECK(pre.copy_count == 73);
    std::vector<Trace> traces = {std::move(t)};
    CHECK(exclude_prelaunched(traces) == 509);
    BreakdownReport r = analyze_breakdown(traces);
    const RankBreakdown& rb = r.ranks[0];
    CHECK(rb.kernels == 1029);
    CHECK(std::abs(rb.totals.wall_s - 0.0348924189453) <= 2e-9);
    CHECK(std::abs(rb.totals.busy_s - 0.031905473) <= 1.5e-9);
    CHECK(rb.unattributed_kernels == 0);
}

TEST_CASE("inherited kernel costs add up to the analytic costs of the ops that launched them") {
    for (const char* file : {"h100-bert-small-infer.json.gz", "h100-qwen1.5-0.5b-infer.json.gz",
                             "h100-vit-image-infer.json.gz", "a100-80gb-16rank-rank0.json.gz"}) {
        INFO(file);
        Trace t = load_one(file);
        OpAttribution a = attribute_ops(t);
        // Expected: each costed op call with at least one kernel, once.
        KernelsByOp kernels_of(a);
        OpCostTable costs(t);
        double want_flops = 0, want_bytes = 0;
        uint64_t costed_kernels = 0;
        for (size_t op = 0; op < kernels_of.ops(); ++op) {
            if (kernels_of.of(op).empty() || !costs.cost(op)) continue;
            want_flops += costs.cost(op)->flops;
            want_bytes += costs.cost(op)->bytes;
            costed_kernels += kernels_of.of(op).size();
        }
        ApplyAnalyticResult res = apply_analytic_costs(t, a);
        CHECK(res.kernels_costed == costed_kernels);
        double got_flops = 0, got_bytes = 0;
        for (size_t row = 0; row < t.kernels.size(); ++row) {
            for (size_t k = 0; k < kFlopKinds; ++k)
                if (Value v = t.kernels.flops[k].get(row); v.has()) got_flops += v.value;
            if (Value v = t.kernels.get_bytes(row, MemLevel::dram); v.has()) got_bytes += v.value;
        }
        CHECK(want_flops > 0);
        CHECK(got_flops == doctest::Approx(want_flops).epsilon(1e-12));
        CHECK(got_bytes == doctest::Approx(want_bytes).epsilon(1e-12));
    }
}
