#include "analysis/findings.h"

#include <algorithm>
#include <cstdio>

#include "analysis/analytic_costs.h"
#include "analysis/display_names.h"
#include "analysis/roofline.h"
#include "core/text.h"

namespace rafter {

namespace {

std::string pct(double f) { return format_percent(f); }
std::string secs(double s) { return format_seconds(s); }

bool name_has(const std::string& name, std::initializer_list<const char*> words) {
    std::string n = to_lower(name);
    for (const char* w : words)
        if (n.find(w) != std::string::npos) return true;
    return false;
}

bool is_gemm(const GroupMetrics& g) {
    return name_has(g.name, {"gemm", "aten::mm", "aten::addmm", "aten::bmm", "aten::matmul", "aten::linear",
                             "aten::baddbmm", "cutlass", "cublas", "xmma", "sm80_", "sm90_"}) &&
           g.collective.empty();
}

bool is_elementwise(const GroupMetrics& g) {
    return g.collective.empty() && !is_gemm(g) &&
           name_has(g.name, {"elementwise", "aten::add", "aten::mul", "aten::sub", "aten::div", "gelu", "relu", "silu",
                             "sigmoid", "tanh", "dropout", "layer_norm", "batch_norm", "softmax", "aten::copy_",
                             "aten::to", "reduce_kernel", "vectorized"});
}

bool memory_bound(Bound b) { return b == Bound::dram || b == Bound::l2 || b == Bound::l1; }

// A group's name short enough for a sentence (kernel names run to hundreds of characters).
std::string short_name(const RooflineReport& r, const std::string& name) {
    return fit_display_name(name, has_kernel_names(r.group_by), 48, CharMeasure());
}

// The average rank: its span and the sums over ranks divided by their count.
struct RankMeans {
    double span_s = 0, host_launch_s = 0, sync_s = 0, exposed_comm_s = 0, comm_s = 0;
    uint64_t short_kernels = 0, kernels = 0;
    std::optional<double> median_launch_s, median_kernel_s;
    size_t ranks = 0;
};

RankMeans means(const BreakdownReport& b) {
    RankMeans m;
    for (const RankBreakdown& r : b.ranks) {
        if (r.totals.wall_s <= 0) continue;
        ++m.ranks;
        m.span_s += r.totals.wall_s;
        m.host_launch_s += r.idle.host_launch_s;
        m.sync_s += r.idle.sync_s;
        m.exposed_comm_s += r.totals.exposed_comm_s;
        m.comm_s += r.totals.comm_s;
        m.short_kernels += r.launch.shorter_than_launch;
        m.kernels += r.launch.kernels;
        if (!m.median_launch_s) m.median_launch_s = r.launch.median_launch_s;
        if (!m.median_kernel_s) m.median_kernel_s = r.launch.median_kernel_s;
    }
    if (m.ranks) {
        double n = static_cast<double>(m.ranks);
        m.span_s /= n, m.host_launch_s /= n, m.sync_s /= n, m.exposed_comm_s /= n, m.comm_s /= n;
    }
    return m;
}

Finding make(const char* rule, std::string title, std::string advice, std::string bound, double gain, double span) {
    Finding f;
    f.rule = rule;
    f.title = std::move(title);
    f.advice = std::move(advice);
    f.gain_bound = std::move(bound);
    f.gain_s = gain;
    if (span > 0) f.gain_share = gain / span;
    return f;
}

void breakdown_rules(const BreakdownReport& b, const FindingRules& rules, std::vector<Finding>& out) {
    RankMeans m = means(b);
    if (!m.ranks || m.span_s <= 0) return;
    const double share_launch = m.host_launch_s / m.span_s;
    if (share_launch >= rules.host_launch_share) {
        Finding f = make("host_launch_bound",
                         "the GPU waits for the CPU to launch work " + pct(share_launch) + " of the time",
                         "launch less from Python: capture the step in a CUDA graph (torch.cuda.graphs, or "
                         "torch.compile(mode=\"reduce-overhead\")), fuse small ops (torch.compile), raise the batch "
                         "size so that kernels outlast their launches",
                         "the idle time with nothing queued on the GPU", m.host_launch_s, m.span_s);
        f.evidence.push_back({"idle waiting for launches (per rank)", secs(m.host_launch_s)});
        if (m.median_launch_s) f.evidence.push_back({"median launch call (CPU)", secs(*m.median_launch_s)});
        if (m.median_kernel_s) f.evidence.push_back({"median kernel (GPU)", secs(*m.median_kernel_s)});
        f.evidence.push_back({"kernels shorter than their launch call",
                              std::to_string(m.short_kernels) + " of " + std::to_string(m.kernels)});
        out.push_back(std::move(f));
    }
    const double share_sync = m.sync_s / m.span_s;
    if (share_sync >= rules.sync_share) {
        Finding f = make("sync_waits", "the GPU idles in host synchronizations " + pct(share_sync) + " of the time",
                         "remove synchronizations from the step: .item(), .cpu(), printing tensors, "
                         "torch.cuda.synchronize(), non_blocking=False copies; keep values on the GPU or read them "
                         "every N steps",
                         "the idle time while the CPU was blocked in a synchronization", m.sync_s, m.span_s);
        f.evidence.push_back({"idle in synchronizations (per rank)", secs(m.sync_s)});
        out.push_back(std::move(f));
    }
    const double share_comm = m.exposed_comm_s / m.span_s;
    if (share_comm >= rules.exposed_comm_share) {
        Finding f = make("exposed_communication",
                         "communication not overlapped with compute takes " + pct(share_comm) + " of the time",
                         "overlap communication with compute: DDP bucket_cap_mb (smaller buckets start earlier), "
                         "gradient_as_bucket_view, FSDP forward/backward prefetch; check the collectives' busbw "
                         "against the link ('rafter roofline' groups them)",
                         "the communication time with no compute kernel running", m.exposed_comm_s, m.span_s);
        f.evidence.push_back({"exposed communication (per rank)", secs(m.exposed_comm_s)});
        f.evidence.push_back({"all communication (per rank)", secs(m.comm_s)});
        out.push_back(std::move(f));
    }
    // A rank the others keep waiting for in collectives.
    if (b.collective_skew && b.collective_skew->instances >= rules.straggler_min_instances) {
        const CollectiveSkew& k = *b.collective_skew;
        for (const RankWait& r : k.ranks) {
            double last = static_cast<double>(r.last_arrivals) / static_cast<double>(k.instances);
            if (last < rules.straggler_last_share) continue;
            double others = 0;
            size_t n = 0;
            for (const RankWait& o : k.ranks)
                if (o.rank != r.rank && o.instances) others += o.wait_s, ++n;
            if (!n) continue;
            double wait = others / static_cast<double>(n);
            if (wait / m.span_s < rules.straggler_wait_share) continue;
            Finding f = make("straggler", "rank " + std::to_string(r.rank) + " arrives last in " + pct(last) +
                                              " of the collectives; the other ranks wait for it",
                             "find what rank " + std::to_string(r.rank) +
                                 " does before its collectives: more data or a slower data loader, a slower GPU or "
                                 "host (thermal, clocks), uneven pipeline stages, extra logging or checkpointing",
                             "the other ranks' mean wait in collectives", wait, m.span_s);
            f.evidence.push_back({"collectives where it arrived last",
                                  std::to_string(r.last_arrivals) + " of " + std::to_string(k.instances)});
            f.evidence.push_back({"others' mean wait", secs(wait)});
            f.evidence.push_back({"largest arrival skew", secs(k.max_skew_s)});
            out.push_back(std::move(f));
        }
    }
}

// Roofline groups sum over ranks: gains are divided by the rank count to be per rank, like the
// breakdown's. Shares are of the rank's GPU span when known, else of its kernel time.
void roofline_rules(const RooflineReport& r, double span, double ranks, const FindingRules& rules,
                    std::vector<Finding>& out) {
    if (!r.totals.time_s || *r.totals.time_s <= 0) return;
    const double total = *r.totals.time_s;
    const double base = span > 0 ? span : total / ranks;
    // GEMMs far below their roofline bound.
    for (const GroupMetrics& g : r.groups) {
        if (!g.time_s || !g.efficiency || !g.bound_time_s || !is_gemm(g)) continue;
        double share = *g.time_s / total;
        if (share < rules.gemm_min_share || *g.efficiency >= rules.gemm_efficiency) continue;
        if (g.bound == Bound::launch_floor) continue;  // too small to be a shape problem
        Finding f = make("low_efficiency_gemm",
                         short_name(r, g.name) + " reaches " + pct(*g.efficiency) + " of its " + to_string(g.bound) +
                             " bound",
                         "check the GEMM shapes and precision: dimensions that are multiples of 8 (FP16/BF16) or 16 "
                         "(FP8/INT8), and of 64 or 128 for full tiles; tensor-core precision (BF16/FP16, or TF32 via "
                         "torch.backends.cuda.matmul.allow_tf32); batch small GEMMs (bmm, grouped GEMM)",
                         "the group's time above its roofline bound", (*g.time_s - *g.bound_time_s) / ranks, base);
        f.evidence.push_back({"time", secs(*g.time_s) + " (" + pct(share) + " of kernel time)"});
        f.evidence.push_back({"bound time", secs(*g.bound_time_s)});
        if (!g.input_dims.empty()) f.evidence.push_back({"input shapes", g.input_dims});
        if (!g.input_types.empty()) f.evidence.push_back({"input types", g.input_types});
        f.evidence.push_back({"launches", std::to_string(g.launches)});
        out.push_back(std::move(f));
    }
    // Any other large group far from its bound (a kernel with poor access patterns, a slow library
    // path): the largest headroom of the run is worth a look even without a specific recipe.
    for (const GroupMetrics& g : r.groups) {
        if (!g.time_s || !g.efficiency || !g.bound_time_s || is_gemm(g) || is_elementwise(g) || !g.collective.empty())
            continue;  // GEMMs and elementwise chains have their own rules: no gain counted twice
        double share = *g.time_s / total;
        if (share < rules.group_min_share || *g.efficiency >= rules.group_efficiency) continue;
        if (g.bound == Bound::launch_floor) continue;
        Finding f = make("far_from_bound",
                         short_name(r, g.name) + " takes " + pct(share) + " of kernel time at " + pct(*g.efficiency) +
                             " of its " + to_string(g.bound) + " bound",
                         "look at this kernel with Nsight Compute: memory access pattern (uncoalesced or strided "
                         "accesses, for example NCHW against channels_last), occupancy, and whether another "
                         "implementation or memory layout of the op exists",
                         "the group's time above its roofline bound", (*g.time_s - *g.bound_time_s) / ranks, base);
        f.evidence.push_back({"time", secs(*g.time_s)});
        f.evidence.push_back({"bound time", secs(*g.bound_time_s)});
        f.evidence.push_back({"launches", std::to_string(g.launches)});
        out.push_back(std::move(f));
    }
    // Memory-bound elementwise chains: fusion candidates.
    double time = 0, above = 0;
    std::vector<std::string> names;
    for (const GroupMetrics& g : r.groups) {
        if (!g.time_s || !is_elementwise(g) || !memory_bound(g.bound)) continue;
        time += *g.time_s;
        if (g.bound_time_s) above += *g.time_s - *g.bound_time_s;
        if (names.size() < 3) names.push_back(short_name(r, g.name));
    }
    if (time / total >= rules.elementwise_share) {
        std::string list;
        for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
        Finding f = make("memory_bound_elementwise",
                         "memory-bound elementwise and normalization ops take " + pct(time / total) + " of kernel time",
                         "fuse them: torch.compile fuses chains of elementwise ops and normalizations into one kernel "
                         "that reads and writes each tensor once; fused optimizers (foreach/fused=True)",
                         "their time above the roofline bound (fusion can save more: it removes the bytes themselves)",
                         above / ranks, base);
        f.evidence.push_back({"time of these groups", secs(time)});
        f.evidence.push_back({"largest", list});
        out.push_back(std::move(f));
    }
    // Many small collectives far from the link's bandwidth.
    double small_time = 0, small_above = 0;
    uint64_t calls = 0;
    for (const GroupMetrics& g : r.groups) {
        if (g.collective.empty() || !g.time_s || !g.message_bytes || !g.launches) continue;
        if (*g.message_bytes / static_cast<double>(g.launches) >= rules.small_message_bytes) continue;
        small_time += *g.time_s;
        calls += g.launches;
        if (g.link_time_s) small_above += std::max(0.0, *g.time_s - *g.link_time_s);
    }
    if (small_time / total >= rules.small_collectives_share && calls) {
        Finding f = make("small_collectives",
                         std::to_string(calls) + " collectives of less than " +
                             si_unit(rules.small_message_bytes, "B") + " each take " + pct(small_time / total) +
                             " of kernel time",
                         "send fewer, larger messages: larger DDP buckets (bucket_cap_mb), coalesced collectives "
                         "(torch.distributed all_reduce_coalesced / FSDP flat parameters); small messages pay the "
                         "latency, not the bandwidth",
                         "their time above the link's bandwidth time", small_above / ranks, base);
        f.evidence.push_back({"time", secs(small_time)});
        f.evidence.push_back({"calls", std::to_string(calls)});
        out.push_back(std::move(f));
    }
}

} // namespace

std::vector<Finding> findings_of(std::vector<Trace>& traces, const Machine& machine,
                                 const std::string& no_machine_reason, Diagnostics* diagnostics) {
    BreakdownReport breakdown = analyze_breakdown(traces);
    bool timed = false;
    for (const RankBreakdown& r : breakdown.ranks) timed = timed || r.totals.wall_s > 0;
    RooflineOptions ro;
    ro.group_by = default_group_by(traces);
    ro.group_by_chosen = true;
    ro.no_machine_reason = no_machine_reason;
    if (!is_op_grouping(ro.group_by)) apply_analytic_costs_to_traces(traces);
    RooflineReport roofline = analyze_roofline(traces, machine, ro);
    if (diagnostics) diagnostics->merge(roofline.diagnostics);
    return find_issues(&roofline, timed ? &breakdown : nullptr, traces.size());
}

std::vector<Finding> find_issues(const RooflineReport* roofline, const BreakdownReport* breakdown, size_t ranks,
                                 const FindingRules& rules) {
    std::vector<Finding> out;
    double span = 0;
    if (breakdown) {
        span = means(*breakdown).span_s;
        breakdown_rules(*breakdown, rules, out);
    }
    if (roofline) roofline_rules(*roofline, span, static_cast<double>(std::max<size_t>(1, ranks)), rules, out);
    std::stable_sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) { return a.gain_s > b.gain_s; });
    return out;
}

} // namespace rafter
