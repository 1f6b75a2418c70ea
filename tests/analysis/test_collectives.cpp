// Collectives on their own roofline (analysis/collectives.h, docs/collectives.md): names to kinds,
// size buckets, and on the real 2-rank and 16-rank A100 traces each call's message size, bus
// bandwidth, link ceiling and efficiency against a hand computation from the trace's numbers
// (sizes and durations read from the JSON with Python's json module; see the comments).
#include <doctest/doctest.h>

#include <cmath>

#include "analysis/collectives.h"
#include "test_support.h"
#include "traces/importer.h"

using namespace rafter;

namespace {

std::vector<Trace> load_one(const std::string& rel) {
    auto traces = load_traces({test::real_data("kineto/" + rel)}, ImportOptions{});
    REQUIRE(traces.size() == 1);
    return traces;
}

Machine a100() {
    auto m = find_builtin_machine("a100-sxm4-80gb");
    REQUIRE(m);
    return *m;
}

// The call of `kind` whose kernel ran `dur_us` microseconds (the trace's "dur").
const CollectiveCall& call_with(const CollectiveCalls& calls, Collective kind, double dur_us) {
    const CollectiveCall* found = nullptr;
    for (const auto& c : calls.calls)
        if (c.kind == kind && c.time_s && std::abs(*c.time_s - dur_us * 1e-6) < 1e-9) {
            REQUIRE(found == nullptr);  // unique
            found = &c;
        }
    REQUIRE(found != nullptr);
    return *found;
}

void close(std::optional<double> got, double want) {
    REQUIRE(got.has_value());
    CHECK(*got == doctest::Approx(want).epsilon(1e-9));
}

} // namespace

TEST_CASE("collective names from traces and c10d ops") {
    CHECK(collective_from_trace_name("allreduce") == Collective::all_reduce);
    CHECK(collective_from_trace_name("c10d::allreduce_") == Collective::all_reduce);
    CHECK(collective_from_trace_name("_allgather_base") == Collective::all_gather);
    CHECK(collective_from_trace_name("c10d::_allgather_base_") == Collective::all_gather);
    CHECK(collective_from_trace_name("c10d::_reduce_scatter_base_") == Collective::reduce_scatter);
    CHECK(collective_from_trace_name("reduce_scatter_tensor") == Collective::reduce_scatter);
    CHECK(collective_from_trace_name("c10d::alltoall_base_") == Collective::all_to_all);
    CHECK(collective_from_trace_name("broadcast") == Collective::broadcast);
    CHECK(collective_from_trace_name("send") == Collective::send_recv);
    CHECK(collective_from_trace_name("recv") == Collective::send_recv);
    CHECK_FALSE(collective_from_trace_name("barrier").has_value());
    CHECK_FALSE(collective_from_trace_name("aten::mm").has_value());
}

TEST_CASE("collective group names: kind, size bucket, group size") {
    CollectiveCall c;
    c.kind = Collective::all_reduce;
    c.ranks = 16;
    c.size_bytes = 1333065848;
    CHECK(collective_group_name(c) == "nccl all_reduce 256 MiB-4 GiB x16");
    c.size_bytes = 64.0 * 1024 - 1;
    CHECK(collective_group_name(c) == "nccl all_reduce <64 KiB x16");
    c.size_bytes = 64.0 * 1024;  // bucket edges belong to the bucket above
    CHECK(collective_group_name(c) == "nccl all_reduce 64 KiB-1 MiB x16");
    c.size_bytes = 4.0 * 1024 * 1024 * 1024;
    CHECK(collective_group_name(c) == "nccl all_reduce >=4 GiB x16");
    c.size_bytes.reset();
    CHECK(collective_group_name(c) == "nccl all_reduce size unknown x16");
    c.kind.reset();
    CHECK(collective_group_name(c) == "nccl collective (kind unknown)");
}

TEST_CASE("2-rank trace: every NCCL kernel from the trace's records, NVLink ceiling") {
    auto traces = load_one("a100-nccl-2rank-rank0.json.gz");
    CollectiveCalls calls = find_collectives(traces, a100(), CollectiveOptions{});
    // 21 NCCL kernels, each with "Collective name", "In msg nelems", dtype and "Group size".
    REQUIRE(calls.calls.size() == 21);
    for (const auto& c : calls.calls) {
        CHECK(c.kind_from == "trace");
        CHECK(c.ranks == 2);
        CHECK(c.nodes == 1);
        CHECK(c.link == LinkKind::nvlink);
    }
    // The first ncclKernel_AllReduce_RING_LL_Sum_float of step 4: dur 2636.669 us,
    // "In msg nelems": 6637568, dtype Float. nccl-tests: algbw = S / t, busbw = algbw x 2(n-1)/n
    // = algbw for n = 2; ceiling NVLink 300 GB/s per direction (A100 SXM4).
    const CollectiveCall& c = call_with(calls, Collective::all_reduce, 2636.669);
    const double size = 6637568.0 * 4, t = 2636.669e-6;
    close(c.size_bytes, size);
    CHECK(c.size_from == "trace");
    close(c.algbw, size / t);
    close(c.busbw, size / t);
    close(c.link_bandwidth, 300e9);
    close(c.link_time_s, size / 300e9);
    close(c.efficiency, size / 300e9 / t);  // 3.36%
    // A broadcast of 53120 Float in 30.975 us: busbw factor 1.
    const CollectiveCall& b = call_with(calls, Collective::broadcast, 30.975);
    close(b.busbw, 53120.0 * 4 / 30.975e-6);
}

TEST_CASE("16-rank trace: sizes from c10d ops and DDP buckets, NIC ceilings across two nodes") {
    auto traces = load_one("a100-80gb-16rank-rank0.json.gz");
    const Machine m = a100();
    CollectiveCalls calls = find_collectives(traces, m, CollectiveOptions{});  // 8 GPUs per node
    CHECK(calls.gpus_per_node == 8);

    // DDP's second bucket: c10d::allreduce_ records a TensorList (no shapes); the
    // torch::distributed::reducer::mul_out inputs on its thread since the previous allreduce sum to
    // 333,266,462 floats (same in all five steps). Kernel dur 25230 us. 16 ranks on 2 nodes of 8:
    // the node's 8 NICs (25 GB/s each) carry every rank's bus bytes, ceiling 200 GB/s.
    {
        const CollectiveCall& c = call_with(calls, Collective::all_reduce, 25230);
        const double size = 333266462.0 * 4, t = 25230e-6, bus = size * 2 * 15 / 16;
        close(c.size_bytes, size);
        CHECK(c.size_from.find("DDP bucket") == 0);
        CHECK(c.ranks == 16);
        CHECK(c.nodes == 2);
        CHECK(c.link == LinkKind::nic);
        close(c.algbw, size / t);
        close(c.busbw, bus / t);  // 99.1 GB/s
        close(c.link_bandwidth, 8 * 25e9);
        close(c.efficiency, bus / 200e9 / t);  // 49.5%
    }
    // c10d::alltoall_base_ with Input Dims [[3145728], [2883584]] (output, input), float; kernel
    // dur 447 us. Each rank sends 8/16 of its input off-node through its own 25 GB/s NIC and 7/16
    // over NVLink; busbw factor (n-1)/n.
    {
        const CollectiveCall& c = call_with(calls, Collective::all_to_all, 447);
        const double size = 2883584.0 * 4, t = 447e-6;
        close(c.size_bytes, size);
        CHECK(c.size_from == "op input shapes");
        close(c.busbw, size * 15 / 16 / t);
        const double link_time = std::max(size * 8 / 16 / 25e9, size * 7 / 16 / 300e9);
        close(c.link_time_s, link_time);
        close(c.link_bandwidth, size * 15 / 16 / link_time);  // 46.9 GB/s
        close(c.efficiency, link_time / t);
    }
    // With 16 GPUs per node the same bucket stays in one node: NVLink ceiling.
    CollectiveCalls one_node = find_collectives(traces, m, CollectiveOptions{16});
    const CollectiveCall& c = call_with(one_node, Collective::all_reduce, 25230);
    CHECK(c.nodes == 1);
    CHECK(c.link == LinkKind::nvlink);
    close(c.efficiency, 333266462.0 * 4 * 2 * 15 / 16 / 300e9 / 25230e-6);
    // Prelaunched NCCL kernels (5 before the first step's ops) have no op and a kernel name that
    // says SendRecv for every collective: kind "send_recv" from the name, never counted as the
    // c10d op they really were.
    for (const auto& call : calls.calls)
        if (call.kind_from == "kernel name") CHECK(!in_collective_group(calls, call.trace, call.kernel_row, true));
}
