#include "model/scaling/comm.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdio>
#include <string>

#include "core/error.h"
#include "core/text.h"

namespace rafter {

namespace {

constexpr std::array<const char*, static_cast<size_t>(Collective::count)> kCollectiveNames = {
    "all_reduce", "reduce_scatter", "all_gather", "broadcast", "all_to_all", "send_recv"};
constexpr std::array<const char*, static_cast<size_t>(CommAlgorithm::count)> kAlgorithmNames = {
    "none", "ring", "tree", "recursive_doubling", "halving_doubling", "hierarchical", "in_network",
    "direct"};

// "All-Reduce" -> "allreduce": the spellings people use differ only in case and separators.
std::string squash(std::string_view s) {
    std::string out;
    for (char ch : to_lower(s))
        if (ch != '_' && ch != '-' && ch != ' ') out.push_back(ch);
    return out;
}

[[noreturn]] void bad(const std::string& origin, const std::string& message) {
    throw Error(ExitCode::bad_input, message, SourcePosition{origin, PositionKind::none, 0});
}

// The two tiers as seen by one group: per-hop latencies and seconds per byte on each tier.
struct Tiers {
    int p = 1;   // ranks
    int r = 1;   // ranks per node
    int N = 1;   // nodes spanned
    double ai = 0, ae = 0;     // alpha intra / inter
    double bi = 0;             // beta of a GPU's intra-node link
    double b_ring_e = 0;       // beta of a ring's node crossing (each node sends one chunk per
                               // ring step; the concurrent groups share the NICs)
    double b_pair_e = 0;       // beta when every rank of the node crosses at once

    // The slowest link a ring or chain crosses.
    double b_ring() const {
        if (N == 1) return bi;
        if (r == 1) return b_ring_e;
        return std::max(bi, b_ring_e);
    }
};

Tiers make_tiers(const CommGroup& g, const Topology& t) {
    Tiers x;
    x.p = g.ranks;
    x.r = g.ranks_per_node;
    x.N = g.ranks / g.ranks_per_node;
    const double ei = t.intra.efficiency > 0 ? t.intra.efficiency : t.link_efficiency;
    const double ee = t.inter.efficiency > 0 ? t.inter.efficiency : t.link_efficiency;
    x.ai = t.intra.latency;
    x.ae = t.inter.latency;
    x.bi = 1.0 / (ei * t.intra.bandwidth);
    if (x.N > 1) {
        double node_bw = ee * t.nics_per_node * t.inter.bandwidth;
        x.b_ring_e = g.concurrent / node_bw;
        x.b_pair_e = static_cast<double>(g.ranks_per_node) * g.concurrent / node_bw;
    }
    return x;
}

CostTerm term(CommAlgorithm a, double lat, double per_byte) {
    CostTerm c;
    c.algorithm = a;
    c.latency_s = lat;
    c.per_byte_s = per_byte;
    return c;
}

// Ring (pipelined chain for broadcast). Steps that cross a node boundary pay the inter latency,
// the others the intra latency (NCCL's tuning model splits ring latency the same way).
std::optional<CostTerm> ring_cost(Collective c, const Tiers& x) {
    double p = x.p, N = x.N;
    switch (c) {
    case Collective::all_reduce:
        return term(CommAlgorithm::ring, (2 * (p - 1) - 2 * (N - 1)) * x.ai + 2 * (N - 1) * x.ae,
                    2 * (p - 1) / p * x.b_ring());
    case Collective::reduce_scatter:
    case Collective::all_gather:
        return term(CommAlgorithm::ring, ((p - 1) - (N - 1)) * x.ai + (N - 1) * x.ae,
                    (p - 1) / p * x.b_ring());
    case Collective::broadcast:
        return term(CommAlgorithm::ring, ((p - 1) - (N - 1)) * x.ai + (N - 1) * x.ae, x.b_ring());
    default: return std::nullopt;
    }
}

// NCCL's double binary tree (all-reduce only): a chain inside each node, two binary trees across
// nodes each carrying half the data, pipelined, so every rank sends and receives about n in the
// reduce phase and n in the broadcast phase.
std::optional<CostTerm> tree_cost(Collective c, const Tiers& x) {
    if (c != Collective::all_reduce) return std::nullopt;
    return term(CommAlgorithm::tree, 2 * ((x.r - 1) * x.ai + ceil_log2(x.N) * x.ae), 2 * x.b_ring());
}

// Recursive doubling: lg(p) steps, each exchanging the whole message (lg(p)(a + n b),
// docs/architecture.md, "Formulas"). Node-major placement makes the first lg(r) partners local and
// the last lg(N) remote. Broadcast is the binomial tree, same cost.
std::optional<CostTerm> recursive_doubling_cost(Collective c, const Tiers& x) {
    if (c != Collective::all_reduce && c != Collective::broadcast) return std::nullopt;
    int li = ceil_log2(x.r), le = ceil_log2(x.N);
    return term(CommAlgorithm::recursive_doubling, li * x.ai + le * x.ae,
                li * x.bi + le * x.b_pair_e);
}

// Recursive halving (reduce-scatter) and recursive doubling (all-gather): lg(p) steps moving
// n(p-1)/p in total; of that, n(r-1)/p crosses intra-node links and n(p-r)/p the network.
// All-reduce (Rabenseifner) and broadcast (scatter + all-gather) are both halves.
std::optional<CostTerm> halving_doubling_cost(Collective c, const Tiers& x) {
    double p = x.p;
    int li = ceil_log2(x.r), le = ceil_log2(x.N);
    double lat = li * x.ai + le * x.ae;
    double pb = (x.r - 1) / p * x.bi + (p - x.r) / p * x.b_pair_e;
    switch (c) {
    case Collective::reduce_scatter:
    case Collective::all_gather: return term(CommAlgorithm::halving_doubling, lat, pb);
    case Collective::all_reduce:
    case Collective::broadcast: return term(CommAlgorithm::halving_doubling, 2 * lat, 2 * pb);
    default: return std::nullopt;
    }
}

// In-switch reduction (all-reduce only): each rank sends n once and receives n once.
std::optional<CostTerm> in_network_cost(Collective c, const Tiers& x, const Topology& t) {
    if (c != Collective::all_reduce) return std::nullopt;
    bool local = x.r > 1, remote = x.N > 1;
    if (local && !t.intra.in_network_reduction) return std::nullopt;
    if (remote && !t.inter.in_network_reduction) return std::nullopt;
    double lat = 2 * ((local ? x.ai : 0) + (remote ? x.ae : 0));
    double pb = std::max(local ? x.bi : 0.0, remote ? x.b_pair_e : 0.0);
    return term(CommAlgorithm::in_network, lat, pb);
}

// Pairwise exchange (all-to-all: p-1 sequential steps) and point-to-point.
std::optional<CostTerm> direct_cost(Collective c, const Tiers& x) {
    double p = x.p;
    if (c == Collective::all_to_all)
        return term(CommAlgorithm::direct, (x.r - 1) * x.ai + (p - x.r) * x.ae,
                    (x.r - 1) / p * x.bi + (p - x.r) / p * x.b_pair_e);
    if (c == Collective::send_recv) {
        if (x.p != 2) return std::nullopt;
        if (x.r == 2) return term(CommAlgorithm::direct, x.ai, x.bi);
        return term(CommAlgorithm::direct, x.ae, x.b_pair_e);
    }
    return std::nullopt;
}

std::optional<CostTerm> flat_cost(Collective c, CommAlgorithm a, const Tiers& x, const Topology& t) {
    switch (a) {
    case CommAlgorithm::ring: return ring_cost(c, x);
    case CommAlgorithm::tree: return tree_cost(c, x);
    case CommAlgorithm::recursive_doubling: return recursive_doubling_cost(c, x);
    case CommAlgorithm::halving_doubling: return halving_doubling_cost(c, x);
    case CommAlgorithm::in_network: return in_network_cost(c, x, t);
    case CommAlgorithm::direct: return direct_cost(c, x);
    default: return std::nullopt;
    }
}

constexpr std::array<CommAlgorithm, 5> kInnerCandidates = {
    CommAlgorithm::ring, CommAlgorithm::tree, CommAlgorithm::recursive_doubling,
    CommAlgorithm::halving_doubling, CommAlgorithm::in_network};

// Hierarchical: the node's r ranks first reduce-scatter over intra-node links (ring), then each
// rank runs the inter-node collective on its n/r shard with its peers on the other nodes (one
// rank per node, r*concurrent such groups sharing the NICs), then the node all-gathers.
std::optional<CostTerm> hierarchical_cost(Collective c, const CommGroup& g, const Topology& t,
                                          std::optional<CommAlgorithm> inner) {
    int r = g.ranks_per_node, N = g.ranks / g.ranks_per_node;
    if (r < 2 || N < 2 || c == Collective::all_to_all || c == Collective::send_recv)
        return std::nullopt;
    Tiers local = make_tiers(CommGroup{r, r, g.concurrent}, t);
    Tiers remote = make_tiers(CommGroup{N, 1, g.concurrent * r}, t);

    std::optional<CostTerm> in;
    if (inner) {
        in = flat_cost(c, *inner, remote, t);
    } else {
        // The inter-node step that is cheapest for large messages (least per-byte cost).
        for (CommAlgorithm a : kInnerCandidates) {
            auto cand = flat_cost(c, a, remote, t);
            if (cand && (!in || cand->per_byte_s < in->per_byte_s ||
                         (cand->per_byte_s == in->per_byte_s && cand->latency_s < in->latency_s)))
                in = cand;
        }
    }
    if (!in) return std::nullopt;
    CostTerm out = term(CommAlgorithm::hierarchical, 0, 0);
    out.inner = in->algorithm;
    auto intra_rs = *ring_cost(Collective::reduce_scatter, local);  // same cost as all-gather
    double shard = 1.0 / r;
    switch (c) {
    case Collective::all_reduce:
        out.latency_s = 2 * intra_rs.latency_s + in->latency_s;
        out.per_byte_s = 2 * intra_rs.per_byte_s + in->per_byte_s * shard;
        break;
    case Collective::reduce_scatter:
    case Collective::all_gather:
        out.latency_s = intra_rs.latency_s + in->latency_s;
        out.per_byte_s = intra_rs.per_byte_s + in->per_byte_s * shard;
        break;
    case Collective::broadcast: {
        auto intra_bc = *ring_cost(Collective::broadcast, local);
        out.latency_s = intra_bc.latency_s + in->latency_s;
        out.per_byte_s = intra_bc.per_byte_s + in->per_byte_s;
        break;
    }
    default: return std::nullopt;
    }
    return out;
}

bool positive(double v) { return std::isfinite(v) && v > 0; }
bool non_negative(double v) { return std::isfinite(v) && v >= 0; }

std::string num(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

} // namespace

const char* to_string(Collective c) {
    size_t i = static_cast<size_t>(c);
    return i < kCollectiveNames.size() ? kCollectiveNames[i] : "unknown";
}

std::optional<Collective> collective_from_string(std::string_view s) {
    std::string q = squash(s);
    for (size_t i = 0; i < kCollectiveNames.size(); ++i)
        if (q == squash(kCollectiveNames[i])) return static_cast<Collective>(i);
    if (q == "alltoall" || q == "a2a") return Collective::all_to_all;
    if (q == "p2p" || q == "sendrecv" || q == "send" || q == "recv") return Collective::send_recv;
    if (q == "bcast") return Collective::broadcast;
    return std::nullopt;
}

const char* to_string(CommAlgorithm a) {
    size_t i = static_cast<size_t>(a);
    return i < kAlgorithmNames.size() ? kAlgorithmNames[i] : "unknown";
}

std::optional<CommAlgorithm> comm_algorithm_from_string(std::string_view s) {
    std::string q = squash(s);
    for (size_t i = 0; i < kAlgorithmNames.size(); ++i)
        if (q == squash(kAlgorithmNames[i])) return static_cast<CommAlgorithm>(i);
    if (q == "doublebinarytree" || q == "dbt") return CommAlgorithm::tree;
    if (q == "rabenseifner") return CommAlgorithm::halving_doubling;
    if (q == "sharp" || q == "nvls" || q == "collnet") return CommAlgorithm::in_network;
    if (q == "pairwise" || q == "p2p") return CommAlgorithm::direct;
    return std::nullopt;
}

std::optional<AlgorithmMask> algorithm_mask_from_string(std::string_view s) {
    std::string q = squash(s);
    if (q == "nccl") return kNcclAlgorithms;
    if (q == "auto" || q == "all") return kAllAlgorithms;
    auto a = comm_algorithm_from_string(s);
    if (!a || *a == CommAlgorithm::none) return std::nullopt;
    return algorithm_bit(*a);
}

std::string describe_mask(AlgorithmMask m) {
    if (m == kAllAlgorithms) return "all";
    if (m == kNcclAlgorithms) return "nccl";
    std::string out;
    for (size_t i = 1; i < static_cast<size_t>(CommAlgorithm::count); ++i) {
        if (!(m & algorithm_bit(static_cast<CommAlgorithm>(i)))) continue;
        if (!out.empty()) out += "|";
        out += to_string(static_cast<CommAlgorithm>(i));
    }
    return out.empty() ? "no" : out;
}

void validate_topology(const Topology& t, const std::string& origin) {
    if (t.gpus_per_node < 1)
        bad(origin, "topology.gpus_per_node must be >= 1 (got " + std::to_string(t.gpus_per_node) + ")");
    if (t.nics_per_node < 0)
        bad(origin, "topology.nics_per_node must be >= 0 (got " + std::to_string(t.nics_per_node) + ")");
    if (!positive(t.intra.bandwidth))
        bad(origin, "topology.intra.bandwidth must be > 0 bytes/s (got " + num(t.intra.bandwidth) + ")");
    if (!non_negative(t.intra.latency))
        bad(origin, "topology.intra.latency must be >= 0 s (got " + num(t.intra.latency) + ")");
    // inter.bandwidth == 0 means "no network": allowed until a group spans nodes.
    if (!non_negative(t.inter.bandwidth))
        bad(origin, "topology.inter.bandwidth must be > 0 bytes/s (got " + num(t.inter.bandwidth) + ")");
    if (!non_negative(t.inter.latency))
        bad(origin, "topology.inter.latency must be >= 0 s (got " + num(t.inter.latency) + ")");
    if (!positive(t.link_efficiency) || t.link_efficiency > 1)
        bad(origin, "topology.link_efficiency must be in (0, 1] (got " + num(t.link_efficiency) + ")");
    if (!non_negative(t.intra.efficiency) || t.intra.efficiency > 1)
        bad(origin, "topology.intra_node.efficiency must be in (0, 1] (got " + num(t.intra.efficiency) + ")");
    if (!non_negative(t.inter.efficiency) || t.inter.efficiency > 1)
        bad(origin, "topology.inter_node.efficiency must be in (0, 1] (got " + num(t.inter.efficiency) + ")");
}

CommGroup packed_group(int ranks, const Topology& t) {
    CommGroup g;
    g.ranks = ranks;
    g.ranks_per_node = std::max(1, std::min(ranks, t.gpus_per_node));
    g.concurrent = 1;
    return g;
}

void validate_group(const CommGroup& g, const Topology& t) {
    if (g.ranks < 1) bad({}, "a communication group needs at least 1 rank (got " + std::to_string(g.ranks) + ")");
    if (g.ranks_per_node < 1 || g.concurrent < 1)
        bad({}, "ranks_per_node and concurrent must be >= 1");
    if (g.ranks % g.ranks_per_node != 0)
        bad({}, std::to_string(g.ranks) + " ranks are not divisible by " +
                    std::to_string(g.ranks_per_node) + " ranks per node");
    if (static_cast<int64_t>(g.ranks_per_node) * g.concurrent > t.gpus_per_node)
        bad({}, std::to_string(g.ranks_per_node) + " ranks per node x " + std::to_string(g.concurrent) +
                    " concurrent groups exceed topology.gpus_per_node = " + std::to_string(t.gpus_per_node));
    if (g.ranks > g.ranks_per_node) {
        if (!positive(t.inter.bandwidth))
            bad({}, "topology.inter.bandwidth must be > 0 for a group spanning " +
                        std::to_string(g.ranks / g.ranks_per_node) + " nodes");
        if (t.nics_per_node < 1)
            bad({}, "topology.nics_per_node must be >= 1 for a group spanning nodes");
    }
}

std::optional<CostTerm> collective_cost(Collective c, CommAlgorithm a, const CommGroup& g,
                                        const Topology& t, std::optional<CommAlgorithm> inner) {
    validate_group(g, t);
    if (g.ranks == 1) {
        if (a == CommAlgorithm::none) return term(CommAlgorithm::none, 0, 0);
        return std::nullopt;
    }
    if (a == CommAlgorithm::hierarchical) return hierarchical_cost(c, g, t, inner);
    return flat_cost(c, a, make_tiers(g, t), t);
}

const CostTerm& CommCurve::best(double bytes) const {
    size_t bi = 0;
    double bt = terms[0].time(bytes);
    for (size_t i = 1; i < terms.size(); ++i) {
        double ti = terms[i].time(bytes);
        if (ti < bt) {
            bt = ti;
            bi = i;
        }
    }
    return terms[bi];
}

CommCurve comm_curve(Collective c, const CommGroup& g, const Topology& t, AlgorithmMask mask) {
    validate_group(g, t);
    CommCurve curve;
    curve.collective = c;
    curve.ranks = g.ranks;
    if (g.ranks == 1) {
        curve.terms.push_back(term(CommAlgorithm::none, 0, 0));
        return curve;
    }
    Tiers x = make_tiers(g, t);
    if (c == Collective::all_to_all || c == Collective::send_recv) mask = algorithm_bit(CommAlgorithm::direct);
    for (size_t i = 1; i < static_cast<size_t>(CommAlgorithm::count); ++i) {
        auto a = static_cast<CommAlgorithm>(i);
        if (!(mask & algorithm_bit(a))) continue;
        if (a == CommAlgorithm::hierarchical) {
            for (CommAlgorithm in : kInnerCandidates)
                if (auto h = hierarchical_cost(c, g, t, in)) curve.terms.push_back(*h);
        } else if (auto f = flat_cost(c, a, x, t)) {
            curve.terms.push_back(*f);
        }
    }
    if (curve.terms.empty())
        bad({}, "no " + describe_mask(mask) + " algorithm implements " + to_string(c) + " on " +
                    std::to_string(g.ranks) +
                    " ranks (" + std::to_string(g.ranks_per_node) + " per node)");
    return curve;
}

CommCurve comm_curve_or_nccl(Collective c, const CommGroup& g, const Topology& t, AlgorithmMask mask,
                             std::string* note) {
    try {
        return comm_curve(c, g, t, mask);
    } catch (const Error&) {
        if (mask == kNcclAlgorithms) throw;
        if (note && note->empty())
            *note = describe_mask(mask) + " cannot run " + to_string(c) + " on a group of " + std::to_string(g.ranks) +
                    " GPUs on " + std::to_string(g.ranks / std::max(1, g.ranks_per_node)) +
                    " node(s); NCCL's choice (ring, tree) is used there";
        return comm_curve(c, g, t, kNcclAlgorithms);
    }
}

double busbw_factor(Collective c, int ranks) {
    double p = ranks;
    switch (c) {
    case Collective::all_reduce: return 2 * (p - 1) / p;
    case Collective::reduce_scatter:
    case Collective::all_gather:
    case Collective::all_to_all: return (p - 1) / p;
    case Collective::broadcast:
    case Collective::send_recv: return 1;
    default: return 1;
    }
}

double algbw(double bytes, double seconds) { return bytes / seconds; }

double busbw(Collective c, int ranks, double bytes, double seconds) {
    return algbw(bytes, seconds) * busbw_factor(c, ranks);
}

int ceil_log2(int64_t x) {
    if (x <= 1) return 0;
    return static_cast<int>(std::bit_width(static_cast<uint64_t>(x - 1)));
}

} // namespace rafter
