#include "analysis/step_replay.h"

#include <algorithm>
#include <cmath>

#include "analysis/breakdown.h"
#include "analysis/collectives.h"
#include "core/error.h"

namespace rafter {

namespace {

// The model's time for a call, or a reason why there is none.
struct Modeled {
    double time_s = 0;
    std::string reason;
};

Modeled model_time(const CollectiveCall& c, const ReplayOptions& o) {
    Modeled m;
    if (!c.kind) m.reason = "kind unknown";
    else if (!c.size_bytes) m.reason = "message size unknown";
    else if (c.ranks < 2 || c.nodes < 1) m.reason = "group size unknown";
    if (!m.reason.empty()) return m;
    CommGroup g;
    g.ranks = c.ranks;
    g.ranks_per_node = (c.ranks + c.nodes - 1) / c.nodes;
    if (g.ranks_per_node > o.topology.gpus_per_node || c.ranks % g.ranks_per_node != 0) {
        m.reason = "group of " + std::to_string(c.ranks) + " ranks on " + std::to_string(c.nodes) +
                   " nodes does not fit the scenario's topology";
        return m;
    }
    m.time_s = comm_curve_or_nccl(*c.kind, g, o.topology, o.algorithms, nullptr).time(*c.size_bytes);
    return m;
}

const RankBreakdown* rank_of(const BreakdownReport& b, const Trace& t, size_t index, size_t traces) {
    for (const auto& r : b.ranks)
        if (t.meta.rank >= 0 && r.rank == t.meta.rank) return &r;
    if (b.ranks.size() == traces) return &b.ranks[index];
    return nullptr;
}

} // namespace

ReplayReport replay_steps(const std::vector<Trace>& traces, const Machine& machine, const ReplayOptions& options) {
    ReplayReport out;
    BreakdownReport br = analyze_breakdown(traces);
    CollectiveOptions co;
    co.gpus_per_node = options.topology.gpus_per_node;
    CollectiveCalls calls = find_collectives(traces, machine, co);

    for (size_t ti = 0; ti < traces.size(); ++ti) {
        const Trace& t = traces[ti];
        const RankBreakdown* rb = rank_of(br, t, ti, traces.size());
        if (!rb || rb->steps.empty()) continue;
        const KernelTable& k = t.kernels;
        std::vector<Interval> compute;
        for (size_t i = 0; i < k.size(); ++i) {
            if (k.end_ns[i] <= k.start_ns[i]) continue;
            if (is_communication_kernel(t.strings.get(k.name[i]))) continue;
            compute.push_back({k.start_ns[i], k.end_ns[i], ActivityClass::compute});
        }
        ActivityTimeline timeline(std::move(compute));
        const auto& call_of = calls.call_of_kernel[ti];

        // One pass over the kernels: each collective goes to the step its start lies in (steps are
        // ordered and disjoint on the rank's clock).
        std::vector<ReplayedStep> steps(rb->steps.size());
        for (size_t si = 0; si < steps.size(); ++si) {
            steps[si].rank = rb->rank;
            steps[si].step = rb->steps[si].name;
            steps[si].measured_step_s = rb->steps[si].duration_s;
        }
        for (size_t i = 0; i < k.size() && i < call_of.size(); ++i) {
            if (call_of[i] == CollectiveCalls::kNone || k.end_ns[i] <= k.start_ns[i]) continue;
            auto after = std::upper_bound(rb->steps.begin(), rb->steps.end(), k.start_ns[i],
                                          [](int64_t at, const StepBreakdown& st) { return at < st.start_ns; });
            if (after == rb->steps.begin()) continue;
            size_t si = static_cast<size_t>(after - rb->steps.begin()) - 1;
            if (k.start_ns[i] >= rb->steps[si].end_ns) continue;
            ReplayedStep& r = steps[si];
            const CollectiveCall& c = calls.calls[call_of[i]];
            double measured = (k.end_ns[i] - k.start_ns[i]) * 1e-9;
            double hidden = timeline.window(k.start_ns[i], k.end_ns[i]).busy_s;
            Modeled m = model_time(c, options);
            double predicted = measured;
            if (m.reason.empty()) {
                predicted = m.time_s;
            } else {
                ++r.unmodeled;
                if (r.unmodeled_reason.empty()) r.unmodeled_reason = m.reason;
            }
            ++r.collectives;
            r.measured_comm_s += measured;
            r.predicted_comm_s += predicted;
            r.measured_exposed_s += std::max(0.0, measured - hidden);
            r.predicted_exposed_s += std::max(0.0, predicted - hidden);
        }
        for (auto& r : steps) {
            r.predicted_step_s = r.measured_step_s - r.measured_exposed_s + r.predicted_exposed_s;
            out.collectives += r.collectives;
            out.unmodeled += r.unmodeled;
            out.measured_exposed_s += r.measured_exposed_s;
            out.predicted_exposed_s += r.predicted_exposed_s;
            out.steps.push_back(std::move(r));
        }
    }
    double sum = 0;
    size_t n = 0;
    for (const auto& s : out.steps)
        if (s.measured_step_s > 0) {
            sum += std::fabs(s.predicted_step_s - s.measured_step_s) / s.measured_step_s;
            ++n;
        }
    if (n) out.mean_abs_step_error = sum / n;
    return out;
}

} // namespace rafter
