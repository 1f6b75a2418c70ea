// Collective cost formulas against values computed by hand (docs/scaling.md gives the formulas).
// Topology used throughout: 8 GPUs per node, intra-node 100 GB/s and 2 us per hop, 4 NICs of
// 25 GB/s per node (100 GB/s per node) and 10 us per hop, link efficiency 1.
#include <doctest/doctest.h>

#include "core/error.h"
#include "model/scaling/comm.h"

using namespace rafter;

namespace {

Topology topo() {
    Topology t;
    t.gpus_per_node = 8;
    t.intra = {100e9, 2e-6, false};
    t.nics_per_node = 4;
    t.inter = {25e9, 10e-6, false};
    t.link_efficiency = 1.0;
    return t;
}

CostTerm cost(Collective c, CommAlgorithm a, CommGroup g, const Topology& t = topo()) {
    auto term = collective_cost(c, a, g, t);
    REQUIRE(term.has_value());
    return *term;
}

const CommGroup kNode{8, 8, 1};       // one full node
const CommGroup kTwoNodes{16, 8, 1};  // two full nodes

} // namespace

TEST_CASE("ring collectives within one node") {
    // all-reduce: 2(p-1) a + 2 n (p-1)/p b = 14 * 2us + 1.75 n / 100 GB/s
    auto ar = cost(Collective::all_reduce, CommAlgorithm::ring, kNode);
    CHECK(ar.latency_s == doctest::Approx(28e-6));
    CHECK(ar.per_byte_s == doctest::Approx(1.75e-11));
    CHECK(ar.time(1e9) == doctest::Approx(0.017528));
    // reduce-scatter and all-gather: (p-1) a + n (p-1)/p b
    for (Collective c : {Collective::reduce_scatter, Collective::all_gather}) {
        auto t = cost(c, CommAlgorithm::ring, kNode);
        CHECK(t.latency_s == doctest::Approx(14e-6));
        CHECK(t.time(1e9) == doctest::Approx(0.008764));
    }
    // broadcast (pipelined chain): (p-1) a + n b
    CHECK(cost(Collective::broadcast, CommAlgorithm::ring, kNode).time(1e9) == doctest::Approx(0.010014));
}

TEST_CASE("tree, recursive doubling and halving-doubling within one node") {
    // NCCL double binary tree inside a node is a chain: 2 (g-1) a + 2 n b
    auto tree = cost(Collective::all_reduce, CommAlgorithm::tree, kNode);
    CHECK(tree.latency_s == doctest::Approx(28e-6));
    CHECK(tree.per_byte_s == doctest::Approx(2e-11));
    // recursive doubling: lg(p) (a + n b) = 3 (2us + n / 100 GB/s)
    auto rd = cost(Collective::all_reduce, CommAlgorithm::recursive_doubling, kNode);
    CHECK(rd.time(1e9) == doctest::Approx(0.030006));
    CHECK(cost(Collective::broadcast, CommAlgorithm::recursive_doubling, kNode).time(1e6) ==
          doctest::Approx(3 * (2e-6 + 1e6 / 100e9)));
    // Rabenseifner: 2 lg(p) a + 2 n (p-1)/p b
    auto hd = cost(Collective::all_reduce, CommAlgorithm::halving_doubling, kNode);
    CHECK(hd.latency_s == doctest::Approx(12e-6));
    CHECK(hd.per_byte_s == doctest::Approx(1.75e-11));
    auto rs = cost(Collective::reduce_scatter, CommAlgorithm::halving_doubling, kNode);
    CHECK(rs.latency_s == doctest::Approx(6e-6));
    CHECK(rs.per_byte_s == doctest::Approx(0.875e-11));
}

TEST_CASE("collectives across two nodes") {
    // Ring: 28 intra steps at 2 us + 2 inter steps at 10 us; bottleneck max(intra 1e-11,
    // node crossing 1 / (4 x 25 GB/s) = 1e-11) per byte.
    auto ring = cost(Collective::all_reduce, CommAlgorithm::ring, kTwoNodes);
    CHECK(ring.latency_s == doctest::Approx(76e-6));
    CHECK(ring.per_byte_s == doctest::Approx(1.875e-11));
    // Tree: 2 ((g-1) a_i + lg(N) a_e) = 2 (14 + 10) us; 2 n max(b).
    auto tree = cost(Collective::all_reduce, CommAlgorithm::tree, kTwoNodes);
    CHECK(tree.latency_s == doctest::Approx(48e-6));
    CHECK(tree.per_byte_s == doctest::Approx(2e-11));
    // Recursive doubling: 3 local steps + 1 remote step where all 8 GPUs share 100 GB/s.
    auto rd = cost(Collective::all_reduce, CommAlgorithm::recursive_doubling, kTwoNodes);
    CHECK(rd.latency_s == doctest::Approx(16e-6));
    CHECK(rd.per_byte_s == doctest::Approx(3e-11 + 8e-11));
    // Halving-doubling: 2 (7/16 * 1e-11 + 8/16 * 8e-11) per byte.
    auto hd = cost(Collective::all_reduce, CommAlgorithm::halving_doubling, kTwoNodes);
    CHECK(hd.latency_s == doctest::Approx(32e-6));
    CHECK(hd.per_byte_s == doctest::Approx(8.875e-11));
    // Hierarchical with an inter-node ring: intra RS + AG (2 x (7 x 2us, 7/8 x 1e-11)) plus a
    // 2-node ring on n/8 with 8 groups sharing the node's 100 GB/s: 20 us + (n/8) x 8e-11.
    auto h = collective_cost(Collective::all_reduce, CommAlgorithm::hierarchical, kTwoNodes, topo(),
                             CommAlgorithm::ring);
    REQUIRE(h);
    CHECK(h->inner == CommAlgorithm::ring);
    CHECK(h->latency_s == doctest::Approx(48e-6));
    CHECK(h->per_byte_s == doctest::Approx(2.75e-11));
    // All-to-all, pairwise: 7 local steps, 8 remote steps.
    auto a2a = cost(Collective::all_to_all, CommAlgorithm::direct, kTwoNodes);
    CHECK(a2a.latency_s == doctest::Approx(94e-6));
    CHECK(a2a.per_byte_s == doctest::Approx(7.0 / 16 * 1e-11 + 8.0 / 16 * 8e-11));
}

TEST_CASE("send/recv and in-network reduction") {
    auto local = cost(Collective::send_recv, CommAlgorithm::direct, CommGroup{2, 2, 1});
    CHECK(local.time(1e6) == doctest::Approx(2e-6 + 1e6 / 100e9));
    auto remote = cost(Collective::send_recv, CommAlgorithm::direct, CommGroup{2, 1, 1});
    CHECK(remote.time(1e6) == doctest::Approx(10e-6 + 1e6 / 100e9));
    // 8 pairs crossing at once share the node's NICs.
    auto shared = cost(Collective::send_recv, CommAlgorithm::direct, CommGroup{2, 1, 8});
    CHECK(shared.per_byte_s == doctest::Approx(8e-11));

    CHECK_FALSE(collective_cost(Collective::all_reduce, CommAlgorithm::in_network, kNode, topo()));
    Topology t = topo();
    t.intra.in_network_reduction = true;
    auto nvls = cost(Collective::all_reduce, CommAlgorithm::in_network, kNode, t);
    CHECK(nvls.latency_s == doctest::Approx(4e-6));
    CHECK(nvls.per_byte_s == doctest::Approx(1e-11));
}

TEST_CASE("link efficiency scales every bandwidth") {
    Topology t = topo();
    t.link_efficiency = 0.8;
    auto ar = cost(Collective::all_reduce, CommAlgorithm::ring, kNode, t);
    CHECK(ar.per_byte_s == doctest::Approx(1.75e-11 / 0.8));
    CHECK(ar.latency_s == doctest::Approx(28e-6));
}

TEST_CASE("per-tier efficiency overrides the topology's for its tier only") {
    Topology t = topo();
    t.link_efficiency = 0.5;
    t.intra.efficiency = 0.9;  // NVLink reaches 90%, the network keeps 50%
    // One node: only the intra tier, at 0.9: 1.75e-11 / 0.9 per byte.
    auto ar = cost(Collective::all_reduce, CommAlgorithm::ring, kNode, t);
    CHECK(ar.per_byte_s == doctest::Approx(1.75e-11 / 0.9));
    // Two nodes: the ring's bottleneck is max(intra 1e-11 / 0.9, node crossing 1 / (0.5 x 100 GB/s)
    // = 2e-11) = 2e-11, times 2 (p-1)/p = 1.875.
    auto ring = cost(Collective::all_reduce, CommAlgorithm::ring, kTwoNodes, t);
    CHECK(ring.per_byte_s == doctest::Approx(1.875 * 2e-11));
    // The network's own efficiency replaces the topology's for the inter tier.
    t.inter.efficiency = 1.0;
    ring = cost(Collective::all_reduce, CommAlgorithm::ring, kTwoNodes, t);
    CHECK(ring.per_byte_s == doctest::Approx(1.875 * 1e-11 / 0.9));
    t.inter.efficiency = 1.5;
    CHECK_THROWS_WITH_AS(validate_topology(t, "s.json"), doctest::Contains("inter_node.efficiency must be in (0, 1]"),
                         Error);
}

TEST_CASE("algorithm choice per message size") {
    Topology t = topo();
    // One node, NCCL's algorithms: the ring wins for large messages (better bandwidth than the
    // chain-tree), and for tiny ones the two tie on latency.
    CommCurve nccl = comm_curve(Collective::all_reduce, kNode, t, kNcclAlgorithms);
    CHECK(nccl.best(1e9).algorithm == CommAlgorithm::ring);
    // Two nodes: tree 48 us + 2e-11 n, ring 76 us + 1.875e-11 n; they cross at
    // 28 us / 0.125e-11 = 22.4 MB.
    CommCurve two = comm_curve(Collective::all_reduce, kTwoNodes, t, kNcclAlgorithms);
    CHECK(two.best(22.0e6).algorithm == CommAlgorithm::tree);
    CHECK(two.best(22.8e6).algorithm == CommAlgorithm::ring);
    // Across 64 nodes (512 GPUs) the ring's 1022 steps cost 3 ms: the tree wins up to large sizes.
    CommCurve big = comm_curve(Collective::all_reduce, CommGroup{512, 8, 1}, t, kNcclAlgorithms);
    CHECK(big.best(1e9).algorithm == CommAlgorithm::tree);
    // Time is the minimum over terms.
    double tmin = 1e9;
    for (const auto& term : big.terms) tmin = std::min(tmin, term.time(4096));
    CHECK(big.time(4096) == doctest::Approx(tmin));
    // All algorithms: recursive doubling for tiny messages in one node.
    CommCurve all = comm_curve(Collective::all_reduce, kNode, t);
    CHECK(all.best(8).algorithm == CommAlgorithm::recursive_doubling);
    // One rank: nothing to do.
    CommCurve one = comm_curve(Collective::all_reduce, CommGroup{1, 1, 1}, t);
    CHECK(one.time(1e9) == 0);
    CHECK(one.best(1).algorithm == CommAlgorithm::none);
}

TEST_CASE("nccl-tests bus bandwidth factors") {
    CHECK(busbw_factor(Collective::all_reduce, 8) == doctest::Approx(1.75));
    CHECK(busbw_factor(Collective::reduce_scatter, 8) == doctest::Approx(0.875));
    CHECK(busbw_factor(Collective::all_gather, 4) == doctest::Approx(0.75));
    CHECK(busbw_factor(Collective::all_to_all, 16) == doctest::Approx(15.0 / 16));
    CHECK(busbw_factor(Collective::broadcast, 8) == 1);
    CHECK(busbw_factor(Collective::send_recv, 2) == 1);
    CHECK(algbw(1e9, 0.01) == doctest::Approx(1e11));
    // Large-message ring all-reduce: busbw tends to the link bandwidth.
    auto ar = cost(Collective::all_reduce, CommAlgorithm::ring, kNode);
    CHECK(busbw(Collective::all_reduce, 8, 8e9, ar.time(8e9)) == doctest::Approx(100e9).epsilon(0.001));
}

TEST_CASE("names and bad input") {
    CHECK(collective_from_string("AllReduce") == Collective::all_reduce);
    CHECK(collective_from_string("all-gather") == Collective::all_gather);
    CHECK(collective_from_string("alltoall") == Collective::all_to_all);
    CHECK_FALSE(collective_from_string("allscatter"));
    CHECK(comm_algorithm_from_string("double_binary_tree") == CommAlgorithm::tree);
    CHECK(algorithm_mask_from_string("nccl") == kNcclAlgorithms);
    CHECK_FALSE(algorithm_mask_from_string("butterfly"));
    CHECK(ceil_log2(1) == 0);
    CHECK(ceil_log2(8) == 3);
    CHECK(ceil_log2(9) == 4);

    Topology t = topo();
    t.intra.bandwidth = 0;
    CHECK_THROWS_WITH_AS(validate_topology(t, "x.json"),
                         doctest::Contains("topology.intra.bandwidth must be > 0"), Error);
    t = topo();
    t.inter.bandwidth = -5;
    CHECK_THROWS_WITH_AS(validate_topology(t), doctest::Contains("topology.inter.bandwidth"), Error);
    // Groups that do not fit the topology.
    CHECK_THROWS_WITH_AS(comm_curve(Collective::all_reduce, CommGroup{12, 8, 1}, topo()),
                         doctest::Contains("not divisible"), Error);
    CHECK_THROWS_AS(comm_curve(Collective::all_reduce, CommGroup{16, 8, 2}, topo()), Error);
    // An algorithm that does not implement the collective.
    CHECK_THROWS_WITH_AS(comm_curve(Collective::all_gather, kNode, topo(), algorithm_bit(CommAlgorithm::tree)),
                         doctest::Contains("no tree algorithm implements all_gather"), Error);
    // No network for a group spanning nodes.
    Topology single = topo();
    single.inter.bandwidth = 0;
    CHECK_THROWS_WITH_AS(comm_curve(Collective::all_reduce, kTwoNodes, single),
                         doctest::Contains("topology.inter.bandwidth must be > 0"), Error);
}
