#include "analysis/collectives.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>
#include <unordered_map>

#include "analysis/breakdown.h"
#include "analysis/roofline_formulas.h"
#include "model/ops/op_costs.h"

namespace rafter {

const char* to_string(LinkKind l) {
    switch (l) {
    case LinkKind::nvlink: return "nvlink";
    case LinkKind::pcie: return "pcie";
    case LinkKind::nic: return "nic";
    case LinkKind::none: break;
    }
    return "none";
}

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool strip_suffix(std::string& s, std::string_view suffix) {
    if (s.size() <= suffix.size() || s.compare(s.size() - suffix.size(), suffix.size(), suffix) != 0) return false;
    s.resize(s.size() - suffix.size());
    return true;
}

// Bytes per element of a dtype as Kineto's collective records spell it ("Float", "BFloat16",
// "Long", "Byte") or as op input types do ("float", "c10::BFloat16").
std::optional<double> element_bytes(std::string_view dtype) {
    if (auto s = dtype_size(dtype)) return s;
    static const std::pair<const char*, double> names[] = {
        {"float", 4}, {"double", 8}, {"half", 2}, {"bfloat16", 2}, {"long", 8}, {"int", 4},
        {"short", 2}, {"byte", 1}, {"char", 1}, {"bool", 1}, {"complexfloat", 8}, {"complexdouble", 16},
        {"float8_e4m3fn", 1}, {"float8_e5m2", 1}, {"float8_e4m3fnuz", 1}, {"float8_e5m2fnuz", 1},
    };
    const std::string l = lower(dtype);
    for (const auto& [n, b] : names)
        if (l == n) return b;
    return std::nullopt;
}

// "ncclDevKernel_AllReduce_Sum_f32_RING_LL(...)" -> all_reduce; "Generic" and others -> nullopt.
std::optional<Collective> kind_from_kernel_name(std::string_view name) {
    for (std::string_view prefix : {"ncclDevKernel_", "ncclKernel_"}) {
        size_t at = name.find(prefix);
        if (at == std::string_view::npos) continue;
        std::string_view rest = name.substr(at + prefix.size());
        rest = rest.substr(0, rest.find_first_of("_("));
        return collective_from_trace_name(rest);
    }
    return std::nullopt;
}

struct OpSizeRule {
    const char* op;   // c10d op name
    int arg;          // the positional input whose size is the message size
};
// The tensor that is the nccl-tests message: all_gather's output, reduce_scatter's and
// all_to_all's input (the send buffer), the buffer itself otherwise.
constexpr OpSizeRule kOpSizeRules[] = {
    {"c10d::_allgather_base_", 0},     {"c10d::allgather_into_tensor_coalesced_", 0},
    {"c10d::_reduce_scatter_base_", 1}, {"c10d::reduce_scatter_tensor_coalesced_", 1},
    {"c10d::alltoall_base_", 1},       {"c10d::allreduce_", 0},
    {"c10d::allreduce_coalesced_", 0}, {"c10d::broadcast_", 0},
    {"c10d::send", 0},                 {"c10d::recv_", 0},
};

// Bytes of one op input: a tensor, or a tensor list with recorded shapes.
std::optional<double> input_bytes(const OpInput& in) {
    auto elem = element_bytes(in.type);
    if (!elem || in.shapes.empty()) return std::nullopt;
    double total = 0;
    for (const Shape& s : in.shapes) {
        double n = 1;
        for (int64_t d : s) n *= static_cast<double>(d);
        total += n;
    }
    return total * *elem;
}

bool is_c10d_op(std::string_view name) {
    return name.rfind("c10d::", 0) == 0 || name.rfind("nccl:", 0) == 0;
}

// DDP gradient buckets: per c10d::allreduce_ op row, the bytes that DDP's reducer scaled into
// buckets (torch::distributed::reducer::mul_out, one call per gradient) since the previous
// allreduce on the same thread. Empty when the trace has no such ops.
std::unordered_map<size_t, double> ddp_bucket_bytes(const Trace& t) {
    std::unordered_map<size_t, double> out;
    auto mul_out = t.strings.find("torch::distributed::reducer::mul_out");
    auto allreduce = t.strings.find("c10d::allreduce_");
    if (!mul_out || !allreduce) return out;
    std::vector<size_t> rows;
    for (size_t i = 0; i < t.cpu_ops.size(); ++i)
        if (t.cpu_ops[i].name == *mul_out || t.cpu_ops[i].name == *allreduce) rows.push_back(i);
    std::stable_sort(rows.begin(), rows.end(), [&](size_t a, size_t b) {
        const CpuOpRow &x = t.cpu_ops[a], &y = t.cpu_ops[b];
        return x.tid != y.tid ? x.tid < y.tid : x.start_ns < y.start_ns;
    });
    int64_t tid = 0;
    double pending = 0;
    bool valid = false;  // every mul_out since the last allreduce had a size
    size_t seen = 0;
    for (size_t i : rows) {
        const CpuOpRow& op = t.cpu_ops[i];
        if (op.tid != tid) tid = op.tid, pending = 0, seen = 0, valid = true;
        if (op.name == *mul_out) {
            auto call = parse_op_call("mul_out", t.strings.get(op.input_dims), t.strings.get(op.input_types), "");
            std::optional<double> b;
            if (call && !call->inputs.empty()) b = input_bytes(call->inputs[0]);
            if (b) pending += *b;
            else valid = false;
            ++seen;
            continue;
        }
        if (seen > 0 && valid) out[i] = pending;
        pending = 0, seen = 0, valid = true;
    }
    return out;
}

// Ranks listed in "[0, 1, 2]"; empty when not such a list.
std::vector<int> parse_rank_list(std::string_view s) {
    std::vector<int> out;
    size_t i = s.find('[');
    if (i == std::string_view::npos) return out;
    for (++i; i < s.size();) {
        while (i < s.size() && (s[i] == ' ' || s[i] == ',')) ++i;
        if (i >= s.size() || s[i] == ']') break;
        if (!std::isdigit(static_cast<unsigned char>(s[i]))) return {};
        long v = 0;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) v = v * 10 + (s[i++] - '0');
        out.push_back(static_cast<int>(v));
    }
    return out;
}

const char* size_bucket(double bytes) {
    static const std::pair<double, const char*> buckets[] = {
        {64.0 * 1024, "<64 KiB"}, {1024.0 * 1024, "64 KiB-1 MiB"}, {16.0 * 1024 * 1024, "1-16 MiB"},
        {256.0 * 1024 * 1024, "16-256 MiB"}, {4.0 * 1024 * 1024 * 1024, "256 MiB-4 GiB"},
    };
    for (const auto& [edge, name] : buckets)
        if (bytes < edge) return name;
    return ">=4 GiB";
}

// The least time a collective spanning `nodes` nodes needs on its links (docs/collectives.md).
// Ring-family collectives (all_reduce, all_gather, reduce_scatter, broadcast) move each rank's bus
// bytes through every node boundary they cross; a node's rings leave it through all of its local
// ranks' NICs together, so the node's NICs bound the bus bandwidth at local x NIC, and the hops
// inside the node at the inner link. An all_to_all sends each rank's (ranks - local) / ranks of the
// message through its own NIC and (local - 1) / ranks over the inner link. A send/recv crosses one
// NIC.
double cross_node_time(Collective kind, int ranks, int nodes, double size, double nic,
                       std::optional<double> inner, double bus_bytes) {
    int local = (ranks + nodes - 1) / nodes;
    switch (kind) {
    case Collective::all_to_all: {
        double off = size * double(ranks - local) / ranks / nic;
        double in = inner ? size * double(local - 1) / ranks / *inner : 0.0;
        return std::max(off, in);
    }
    case Collective::send_recv: return size / nic;
    default: {
        double t = bus_bytes / (nic * local);
        if (inner && local > 1) t = std::max(t, bus_bytes / *inner);
        return t;
    }
    }
}

// Fills the derived fields of a call: bus bytes, bandwidths, link, bound and efficiency.
void finish_call(CollectiveCall& c, const Machine& m, int gpus_per_node) {
    auto fail = [&](std::string why) {
        if (c.reason.empty()) c.reason = std::move(why);
    };
    if (!c.kind) return fail("collective kind unknown (no record, c10d op or kernel name says it)");
    if (c.ranks <= 0) return fail("group size unknown (the trace records neither the group nor the world size)");
    if (c.ranks == 1) return fail("a group of one rank moves no data");
    if (!c.size_bytes) return fail("message size not recorded");
    c.bus_bytes = *c.size_bytes * busbw_factor(*c.kind, c.ranks);
    if (c.time_s && *c.time_s > 0) {
        c.algbw = *c.size_bytes / *c.time_s;
        c.busbw = *c.bus_bytes / *c.time_s;
    }
    if (c.nodes <= 0)
        return fail("which nodes the group spans is unknown (no process-group ranks; --gpus-per-node " +
                    std::to_string(gpus_per_node) + ")");
    if (m.name.empty()) return fail(kNoMachineReason);
    // The link inside a node: NVLink (Infinity Fabric), else the host's PCIe.
    LinkKind inner = m.bw(MemLevel::nvlink) ? LinkKind::nvlink : LinkKind::pcie;
    std::optional<double> inner_bw = m.bw(inner == LinkKind::nvlink ? MemLevel::nvlink : MemLevel::pcie);
    if (c.nodes == 1) {
        if (!inner_bw) return fail("machine '" + m.name + "' has no NVLink or PCIe bandwidth");
        c.link = inner;
        c.link_bandwidth = inner_bw;
        c.link_time_s = *c.bus_bytes / *inner_bw;
    } else {
        if (!m.nic_bandwidth) return fail("machine '" + m.name + "' has no NIC bandwidth");
        c.link = LinkKind::nic;
        c.link_time_s = cross_node_time(*c.kind, c.ranks, c.nodes, *c.size_bytes, *m.nic_bandwidth,
                                        inner_bw, *c.bus_bytes);
        c.link_bandwidth = *c.bus_bytes / *c.link_time_s;
    }
    if (!c.time_s || *c.time_s <= 0) return fail("kernel time unknown");
    double eff = *c.link_time_s / *c.time_s;
    if (eff > 1 + 1e-9)
        return fail(std::string("bus bandwidth above the ") + to_string(c.link) +
                    " ceiling: in-network reduction (NVLS, SHARP), fewer ranks per node than assumed (--gpus-per-node), or a wrong size");
    c.efficiency = eff;
}

} // namespace

std::optional<Collective> collective_from_trace_name(std::string_view name) {
    std::string s = lower(name);
    for (std::string_view p : {"c10d::", "nccl:"})
        if (s.rfind(p, 0) == 0) s.erase(0, p.size());
    while (!s.empty() && s.front() == '_') s.erase(0, 1);
    while (!s.empty() && s.back() == '_') s.pop_back();
    for (std::string_view suffix : {"_coalesced", "_into_tensor", "_tensor", "_base", "_single", "_v"})
        strip_suffix(s, suffix);
    if (s == "send" || s == "recv" || s == "recv_any_source" || s == "sendrecv") return Collective::send_recv;
    if (s == "reducescatter") s = "reduce_scatter";
    if (s == "alltoallv") s = "alltoall";
    return collective_from_string(s);
}

std::string collective_group_name(const CollectiveCall& c) {
    if (!c.kind) return "nccl collective (kind unknown)";
    std::string s = std::string("nccl ") + to_string(*c.kind) + " ";
    s += c.size_bytes ? size_bucket(*c.size_bytes) : "size unknown";
    if (c.ranks > 0) s += " x" + std::to_string(c.ranks);
    return s;
}

void CollectiveSums::add(const CollectiveCall& c) {
    if (calls == 0) {
        kind = c.kind;
        ranks = c.ranks;
        link = c.link;
        link_bandwidth = c.link_bandwidth;
    } else {
        if (ranks != c.ranks) ranks = -1;
        if (link != c.link || link_bandwidth != c.link_bandwidth) mixed_link = true;
    }
    ++calls;
    if (c.size_bytes && c.bus_bytes) ++sized, message += *c.size_bytes, bus += *c.bus_bytes;
    if (c.link_time_s) ++linked, link_time += *c.link_time_s;
    if (reason.empty() && !c.reason.empty() && !c.efficiency) reason = c.reason;
}

void CollectiveSums::store(GroupMetrics& g) const {
    g.collective = kind ? to_string(*kind) : "unknown";
    g.collective_ranks = ranks > 0 ? ranks : 0;
    g.link = !mixed_link && link != LinkKind::none ? to_string(link) : "";
    g.link_bandwidth = mixed_link ? std::nullopt : link_bandwidth;
    g.message_bytes.reset(), g.bus_bytes.reset(), g.link_time_s.reset();
    if (calls > 0 && sized == calls) g.message_bytes = message, g.bus_bytes = bus;
    if (calls > 0 && linked == calls) g.link_time_s = link_time;
}

CollectiveCalls find_collectives(const std::vector<Trace>& traces, const Machine& machine,
                                 const CollectiveOptions& options,
                                 const std::vector<OpAttribution>& attributions) {
    CollectiveCalls out;
    out.gpus_per_node = options.gpus_per_node > 0 ? options.gpus_per_node : kDefaultGpusPerNode;
    const int gpn = out.gpus_per_node;
    out.call_of_kernel.resize(traces.size());
    for (size_t t = 0; t < traces.size(); ++t) {
        const Trace& tr = traces[t];
        const KernelTable& k = tr.kernels;
        out.call_of_kernel[t].assign(k.size(), CollectiveCalls::kNone);
        std::vector<uint32_t> record_of(k.size(), UINT32_MAX);
        for (size_t i = 0; i < tr.collectives.size(); ++i)
            if (tr.collectives[i].kernel_row < k.size()) record_of[tr.collectives[i].kernel_row] = static_cast<uint32_t>(i);
        const OpAttribution* attr = t < attributions.size() ? &attributions[t] : nullptr;
        std::unordered_map<size_t, double> buckets;
        bool buckets_done = false;
        std::vector<int8_t> comm_name(tr.strings.size(), -1);

        for (size_t row = 0; row < k.size(); ++row) {
            int8_t& is_comm = comm_name[k.name[row]];
            if (is_comm < 0) is_comm = is_communication_kernel(tr.strings.get(k.name[row])) ? 1 : 0;
            if (!is_comm && record_of[row] == UINT32_MAX) continue;
            CollectiveCall c;
            c.trace = static_cast<uint32_t>(t);
            c.kernel_row = row;
            Value kt = kernel_time(k, row);
            if (kt.has()) c.time_s = kt.value;
            std::vector<int> pg_ranks;

            if (record_of[row] != UINT32_MAX) {
                const CollectiveRow& r = tr.collectives[record_of[row]];
                std::string_view name = tr.strings.get(r.name);
                c.kind = collective_from_trace_name(name);
                if (c.kind) c.kind_from = "trace";
                if (r.group_size > 0) c.ranks = r.group_size, c.ranks_from = "trace";
                pg_ranks = parse_rank_list(tr.strings.get(r.process_group_ranks));
                if (c.ranks == 0 && !pg_ranks.empty())
                    c.ranks = static_cast<int>(pg_ranks.size()), c.ranks_from = "process-group ranks";
                auto elem = element_bytes(tr.strings.get(r.dtype));
                const std::string lname = lower(name);
                // nccl-tests sizes: all_gather's output, a receive's output, the input otherwise.
                const bool use_out = (c.kind == Collective::all_gather) || lname == "recv" ||
                                     lname.rfind("recv_", 0) == 0;
                const uint64_t elems = use_out ? r.out_elems : r.in_elems;
                if (c.kind && elem && elems > 0) c.size_bytes = static_cast<double>(elems) * *elem, c.size_from = "trace";
            }
            // The c10d op that launched it: kind and sizes from its name and input shapes.
            if (attr && (!c.kind || !c.size_bytes) && row < attr->kernel_op.size()) {
                for (uint32_t op = attr->kernel_op[row]; op != OpAttribution::kNone; op = attr->parent[op]) {
                    std::string_view opname = tr.strings.get(tr.cpu_ops[op].name);
                    if (!is_c10d_op(opname)) continue;
                    auto kind = collective_from_trace_name(opname);
                    if (!kind) break;
                    if (!c.kind) c.kind = kind, c.kind_from = "op " + std::string(opname);
                    if (*c.kind != *kind) break;  // the record and the op disagree: trust the record
                    if (c.size_bytes) break;
                    for (const OpSizeRule& rule : kOpSizeRules) {
                        if (opname != rule.op) continue;
                        const CpuOpRow& o = tr.cpu_ops[op];
                        auto call = parse_op_call(opname, tr.strings.get(o.input_dims), tr.strings.get(o.input_types), "");
                        if (call && static_cast<size_t>(rule.arg) < call->inputs.size())
                            if (auto b = input_bytes(call->inputs[rule.arg])) c.size_bytes = b, c.size_from = "op input shapes";
                        break;
                    }
                    if (!c.size_bytes && *kind == Collective::all_reduce && opname == "c10d::allreduce_") {
                        if (!buckets_done) buckets = ddp_bucket_bytes(tr), buckets_done = true;
                        auto it = buckets.find(op);
                        if (it != buckets.end() && it->second > 0) {
                            c.size_bytes = it->second;
                            c.size_from = "DDP bucket (the gradients reducer::mul_out scaled since the previous allreduce)";
                        }
                    }
                    break;
                }
            }
            if (!c.kind) {
                c.kind = kind_from_kernel_name(tr.strings.get(k.name[row]));
                if (c.kind) c.kind_from = "kernel name";
            }
            if (c.ranks == 0 && tr.meta.world_size > 0)
                c.ranks = tr.meta.world_size, c.ranks_from = "world size (the default process group assumed)";
            // Nodes: from the ranks' placement when listed, else a whole-world group packs nodes.
            if (!pg_ranks.empty()) {
                std::set<int> nodes;
                for (int r : pg_ranks) nodes.insert(r / gpn);
                c.nodes = static_cast<int>(nodes.size());
            } else if (c.ranks > 0 && (c.ranks == tr.meta.world_size || (tr.meta.world_size > 0 && tr.meta.world_size <= gpn))) {
                c.nodes = (c.ranks + gpn - 1) / gpn;
            }
            finish_call(c, machine, gpn);
            out.call_of_kernel[t][row] = static_cast<uint32_t>(out.calls.size());
            out.calls.push_back(std::move(c));
        }
    }
    return out;
}

} // namespace rafter

namespace rafter {

CollectiveCalls find_collectives(const std::vector<Trace>& traces, const Machine& machine,
                                 const CollectiveOptions& options) {
    std::vector<OpAttribution> attrs;
    attrs.reserve(traces.size());
    for (const Trace& t : traces) attrs.push_back(t.cpu_ops.empty() ? OpAttribution{} : attribute_ops(t));
    return find_collectives(traces, machine, options, attrs);
}

bool in_collective_group(const CollectiveCalls& calls, size_t trace, size_t row, bool prelaunched) {
    if (trace >= calls.call_of_kernel.size() || row >= calls.call_of_kernel[trace].size()) return false;
    const uint32_t ci = calls.call_of_kernel[trace][row];
    if (ci == CollectiveCalls::kNone) return false;
    return !prelaunched || calls.calls[ci].kind_from == "trace";
}

} // namespace rafter
