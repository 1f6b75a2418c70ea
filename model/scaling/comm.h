#pragma once
// Alpha-beta cost models of collectives over a two-tier topology (GPUs in a node, nodes on a
// network). This header and comm.cpp are the one source of the formulas in docs/architecture.md
// ("Formulas") and docs/scaling.md; everything else (step-time models, calibration, the
// validation) calls them.
//
// For a fixed group every cost is affine in the message size n:
//     t(n) = latency_s + n * per_byte_s
// so a collective over a group is a handful of (latency, per-byte) pairs, one per algorithm, and
// the NCCL-like choice is the cheapest pair at n. Evaluating a curve costs a few multiply-adds,
// which is what makes sweeps over millions of configurations cheap.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rafter {

enum class Collective : uint8_t {
    all_reduce, reduce_scatter, all_gather, broadcast, all_to_all, send_recv, count
};
const char* to_string(Collective c);  // "all_reduce", ...
// Accepts "all_reduce", "allreduce", "all-reduce" (any case) and the same forms of the others;
// "sendrecv"/"send_recv"/"p2p". nullopt when unknown.
std::optional<Collective> collective_from_string(std::string_view s);

enum class CommAlgorithm : uint8_t {
    none,                // a group of one rank: nothing to do
    ring,                // ring (pipelined chain for broadcast)
    tree,                // NCCL's double binary tree: chain inside a node, binary trees across nodes
    recursive_doubling,  // lg(p) steps exchanging the whole message
    halving_doubling,    // recursive halving reduce-scatter + recursive doubling all-gather
    hierarchical,        // intra-node reduce-scatter, inter-node collective on n/g, intra all-gather
    in_network,          // reduction in the switch (NVLink SHARP, InfiniBand SHARP)
    direct,              // pairwise exchange (all-to-all) and point-to-point (send/recv)
    count
};
const char* to_string(CommAlgorithm a);  // "ring", "tree", ... "none"
std::optional<CommAlgorithm> comm_algorithm_from_string(std::string_view s);

// A set of algorithms to choose from.
using AlgorithmMask = uint32_t;
constexpr AlgorithmMask algorithm_bit(CommAlgorithm a) { return AlgorithmMask{1} << static_cast<unsigned>(a); }
constexpr AlgorithmMask kAllAlgorithms = 0xffffffffu;
// What NCCL implements: ring, (double binary) tree, in-network (CollNet / NVLS); all-to-all and
// send/recv are always direct.
constexpr AlgorithmMask kNcclAlgorithms = algorithm_bit(CommAlgorithm::ring) |
                                          algorithm_bit(CommAlgorithm::tree) |
                                          algorithm_bit(CommAlgorithm::in_network) |
                                          algorithm_bit(CommAlgorithm::direct);
// "nccl" -> kNcclAlgorithms, "auto"/"all" -> kAllAlgorithms, an algorithm name -> that one.
std::optional<AlgorithmMask> algorithm_mask_from_string(std::string_view s);
std::string describe_mask(AlgorithmMask m);  // "nccl", "all" or the algorithm's name(s)

// One tier of links. alpha = latency per hop, beta = 1 / (bandwidth * efficiency), with the
// tier's own efficiency when it has one, else the topology's link_efficiency.
struct LinkTier {
    double bandwidth = 0;  // bytes/s in one direction: intra = per GPU into the node's fabric,
                           // inter = per NIC
    double latency = 0;    // seconds per hop (alpha)
    double efficiency = 0; // achievable fraction of this tier's bandwidth; 0: link_efficiency
    bool in_network_reduction = false;  // the switch can reduce (NVLink SHARP / IB SHARP)
};

struct Topology {
    int gpus_per_node = 1;
    LinkTier intra;
    int nics_per_node = 1;
    LinkTier inter;
    // Achievable fraction of the line rates above (protocol overhead). 1 when the bandwidths are
    // already effective ones (e.g. fitted by `rafter calibrate comm`).
    double link_efficiency = 1.0;
};

// Throws rafter::Error(bad_input) naming the field ("topology.intra.bandwidth must be > 0 ...")
// and `origin` (a file name, or empty) when a value is zero, negative or not finite.
void validate_topology(const Topology& t, const std::string& origin = {});

// Who takes part in one collective. Ranks are placed node-major: ranks_per_node consecutive ranks
// share a node, so the group spans ranks / ranks_per_node nodes. `concurrent` groups per node run
// the same collective at the same time and share the node's NICs (e.g. the 8 data-parallel groups
// of a node when tensor parallelism is 8).
struct CommGroup {
    int ranks = 1;
    int ranks_per_node = 1;
    int concurrent = 1;
};
// The group of `ranks` GPUs filling whole nodes: ranks_per_node = min(ranks, gpus_per_node).
CommGroup packed_group(int ranks, const Topology& t);
// Throws rafter::Error(bad_input) when the group does not fit the topology (ranks not divisible
// by ranks_per_node, more ranks per node than GPUs, ...).
void validate_group(const CommGroup& g, const Topology& t);

// The cost of one algorithm for one collective and group. For hierarchical, `inner` is the
// algorithm of the inter-node step.
struct CostTerm {
    CommAlgorithm algorithm = CommAlgorithm::none;
    CommAlgorithm inner = CommAlgorithm::none;
    double latency_s = 0;
    double per_byte_s = 0;
    double time(double bytes) const { return latency_s + bytes * per_byte_s; }
};

// Message size n per collective follows nccl-tests: all_reduce and broadcast: the buffer;
// reduce_scatter: the input of one rank (n/p comes out); all_gather: the output of one rank
// (n/p goes in); all_to_all: the send buffer of one rank (n/p to each peer); send_recv: the bytes
// sent. nullopt when the algorithm does not implement the collective or cannot run on the group
// (in_network without switch support, hierarchical within one node, ...). For hierarchical the
// inter-node algorithm is the cheapest one for large messages unless `inner` is given.
std::optional<CostTerm> collective_cost(Collective c, CommAlgorithm a, const CommGroup& g,
                                        const Topology& t,
                                        std::optional<CommAlgorithm> inner = std::nullopt);

// Every applicable algorithm of `mask` for a collective on a group (hierarchical once per inner
// algorithm; its inner step may use any algorithm). All-to-all and send/recv always use direct.
// A group of one rank gives one zero term.
struct CommCurve {
    Collective collective = Collective::all_reduce;
    int ranks = 1;
    std::vector<CostTerm> terms;

    const CostTerm& best(double bytes) const;  // the cheapest at this size (NCCL-like choice)
    // Inline: the sweeps call this millions of times.
    double time(double bytes) const {
        double t = terms[0].time(bytes);
        for (size_t i = 1; i < terms.size(); ++i) {
            double u = terms[i].time(bytes);
            if (u < t) t = u;
        }
        return t;
    }
};
// Throws rafter::Error(bad_input) when no algorithm of the mask applies (e.g. tree alone for
// all_gather).
CommCurve comm_curve(Collective c, const CommGroup& g, const Topology& t,
                     AlgorithmMask mask = kAllAlgorithms);

// The curve of `mask`, or NCCL's own choice when no algorithm of the mask can run on the group
// (hierarchical within one node); `note`, when empty, then says so. Throws as comm_curve when
// NCCL's choice cannot run either.
CommCurve comm_curve_or_nccl(Collective c, const CommGroup& g, const Topology& t, AlgorithmMask mask,
                             std::string* note);

// nccl-tests conversions (PERFORMANCE.md): algbw = n / t; busbw = algbw * factor with
// all_reduce 2(p-1)/p, reduce_scatter/all_gather/all_to_all (p-1)/p, broadcast/send_recv 1.
double busbw_factor(Collective c, int ranks);
double algbw(double bytes, double seconds);
double busbw(Collective c, int ranks, double bytes, double seconds);

// ceil(log2(x)) for x >= 1 (0 for x = 1).
int ceil_log2(int64_t x);

} // namespace rafter
