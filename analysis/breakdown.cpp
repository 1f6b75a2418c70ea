#include "analysis/breakdown.h"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "analysis/op_attribution.h"
#include "analysis/roofline.h"

namespace rafter {

namespace {

void add_category(std::array<CategoryTime, kKernelCategories>& cats, KernelCategory c, double secs) {
    CategoryTime& ct = cats[static_cast<size_t>(c)];
    ct.time_s += secs;
    ct.count += 1;
}

// GPU time, kernels and distinct calls per op name.
class OpTotals {
public:
    void add(StringId name, uint32_t call, double secs) {
        Acc& a = by_name_[name];
        a.time += secs;
        a.kernels += 1;
        if (a.calls.empty() || a.calls.back() != call) a.calls.push_back(call);
    }
    // The `n` ops with the most GPU time (0 = all), largest first.
    std::vector<OpTime> top(const Trace& trace, size_t n) {
        std::vector<OpTime> out;
        for (auto& [name, a] : by_name_) {
            std::sort(a.calls.begin(), a.calls.end());
            auto calls = static_cast<uint64_t>(std::unique(a.calls.begin(), a.calls.end()) - a.calls.begin());
            out.push_back({std::string(trace.strings.get(name)), a.time, calls, a.kernels});
        }
        std::sort(out.begin(), out.end(), [](const OpTime& a, const OpTime& b) {
            return a.time_s != b.time_s ? a.time_s > b.time_s : a.op < b.op;
        });
        if (n && out.size() > n) out.resize(n);
        return out;
    }

private:
    struct Acc {
        double time = 0;
        uint64_t kernels = 0;
        std::vector<uint32_t> calls;
    };
    std::unordered_map<StringId, Acc> by_name_;
};

constexpr uint8_t bit(ActivityClass c) { return static_cast<uint8_t>(1u << static_cast<unsigned>(c)); }

double seconds(int64_t ns) { return static_cast<double>(ns) * 1e-9; }

double median_of(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    size_t n = v.size();
    if (n == 0) return 0;
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

} // namespace

ActivityTimeline::ActivityTimeline(std::vector<Interval> intervals) {
    struct Event {
        int64_t t;
        int delta;
        ActivityClass cls;
    };
    std::vector<Event> events;
    events.reserve(intervals.size() * 2);
    for (const Interval& iv : intervals) {
        if (iv.end_ns <= iv.start_ns) continue;  // empty or inverted: no time
        events.push_back({iv.start_ns, +1, iv.cls});
        events.push_back({iv.end_ns, -1, iv.cls});
    }
    std::vector<Interval>().swap(intervals);  // not needed any more: lower the peak memory
    std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) { return a.t < b.t; });
    std::array<int64_t, 4> active{};
    size_t i = 0;
    while (i < events.size()) {
        int64_t t = events[i].t;
        // Apply every event at t before looking at the state after t.
        for (; i < events.size() && events[i].t == t; ++i)
            active[static_cast<size_t>(events[i].cls)] += events[i].delta;
        if (i == events.size()) break;
        uint8_t mask = 0;
        for (size_t c = 0; c < active.size(); ++c)
            if (active[c] > 0) mask = static_cast<uint8_t>(mask | (1u << c));
        int64_t next = events[i].t;
        if (mask == 0 || next <= t) continue;
        if (!segments_.empty() && segments_.back().end == t && segments_.back().mask == mask)
            segments_.back().end = next;
        else
            segments_.push_back({t, next, mask});
    }
}

ActivityTimes ActivityTimeline::window(int64_t start_ns, int64_t end_ns) const {
    ActivityTimes r;
    if (end_ns <= start_ns) return r;
    r.wall_s = seconds(end_ns - start_ns);
    // First segment that ends after the window start.
    auto it = std::upper_bound(segments_.begin(), segments_.end(), start_ns,
                               [](int64_t v, const Segment& s) { return v < s.end; });
    int64_t busy = 0, compute = 0, comm = 0, exposed = 0, memcpy = 0, memset = 0;
    int64_t x_compute = 0, x_comm = 0, x_memcpy = 0, x_memset = 0;
    for (; it != segments_.end() && it->start < end_ns; ++it) {
        int64_t d = std::min(it->end, end_ns) - std::max(it->start, start_ns);
        if (d <= 0) continue;
        uint8_t m = it->mask;
        busy += d;
        bool c = m & bit(ActivityClass::compute), n = m & bit(ActivityClass::comm);
        bool cp = m & bit(ActivityClass::memcpy), ms = m & bit(ActivityClass::memset);
        if (c) compute += d;
        if (n) comm += d;
        if (n && !c) exposed += d;
        if (cp) memcpy += d;
        if (ms) memset += d;
        if (c) x_compute += d;
        else if (n) x_comm += d;
        else if (cp) x_memcpy += d;
        else x_memset += d;
    }
    r.busy_s = seconds(busy);
    r.idle_s = seconds(end_ns - start_ns - busy);
    r.compute_s = seconds(compute);
    r.comm_s = seconds(comm);
    r.exposed_comm_s = seconds(exposed);
    r.memcpy_s = seconds(memcpy);
    r.memset_s = seconds(memset);
    r.excl_compute_s = seconds(x_compute);
    r.excl_comm_s = seconds(x_comm);
    r.excl_memcpy_s = seconds(x_memcpy);
    r.excl_memset_s = seconds(x_memset);
    return r;
}

std::vector<Interval> activity_intervals(const Trace& trace, uint64_t* untimed) {
    std::vector<Interval> out;
    const KernelTable& k = trace.kernels;
    out.reserve(k.size() + trace.copies.size());
    std::vector<bool> linked(k.size(), false);
    for (const CollectiveRow& c : trace.collectives)
        if (c.kernel_row < k.size()) linked[c.kernel_row] = true;
    // Classify each distinct name once.
    std::vector<int8_t> comm_of_name(trace.strings.size(), -1);
    uint64_t missing = 0;
    for (size_t row = 0; row < k.size(); ++row) {
        if ((k.start_ns[row] == 0 && k.end_ns[row] == 0) || k.end_ns[row] < k.start_ns[row]) {
            ++missing;
            continue;
        }
        int8_t& c = comm_of_name[k.name[row]];
        if (c < 0) c = is_communication_kernel(trace.strings.get(k.name[row])) ? 1 : 0;
        bool comm = c == 1 || linked[row];
        out.push_back({k.start_ns[row], k.end_ns[row], comm ? ActivityClass::comm : ActivityClass::compute});
    }
    for (const CopyRow& c : trace.copies) {
        if ((c.start_ns == 0 && c.end_ns == 0) || c.end_ns < c.start_ns) {
            ++missing;
            continue;
        }
        out.push_back({c.start_ns, c.end_ns, c.kind == CopyKind::memset ? ActivityClass::memset : ActivityClass::memcpy});
    }
    if (untimed) *untimed = missing;
    return out;
}

namespace {

RankBreakdown rank_breakdown(const Trace& trace, size_t index, const BreakdownOptions& options, Diagnostics& diags) {
    RankBreakdown r;
    r.rank = trace.meta.rank >= 0 ? trace.meta.rank : static_cast<int32_t>(index);
    if (!trace.meta.source_files.empty()) r.source = trace.meta.source_files.front();

    {
        // Scoped: the timeline is freed before the attribution below builds its indexes.
        ActivityTimeline timeline(activity_intervals(trace, &r.untimed));
        IdleTimeline idle(trace);
        if (r.untimed)
            diags.add(Severity::warning, "breakdown.untimed",
                      "kernels or copies without timestamps are left out of the time breakdown", r.untimed);
        if (!timeline.empty()) {
            r.start_ns = timeline.first_ns();
            r.end_ns = timeline.last_ns();
            r.totals = timeline.window(r.start_ns, r.end_ns);
            r.idle = idle.window(r.start_ns, r.end_ns);
            r.launch = idle.launches(r.start_ns, r.end_ns + 1);
        }
        // Steps on the rank's clock, in time order.
        for (const StepRow& s : trace.steps) {
            StepBreakdown st;
            st.name = std::string(trace.strings.get(s.name));
            st.start_ns = s.start_ns;
            st.end_ns = s.end_ns;
            st.duration_s = seconds(s.end_ns - s.start_ns);
            st.times = timeline.window(s.start_ns, s.end_ns);
            st.idle = idle.window(s.start_ns, s.end_ns);
            st.launch = idle.launches(s.start_ns, s.end_ns);
            r.steps.push_back(std::move(st));
        }
    }
    std::sort(r.steps.begin(), r.steps.end(),
              [](const StepBreakdown& a, const StepBreakdown& b) { return a.start_ns < b.start_ns; });
    if (!r.steps.empty()) {
        double sum = 0;
        for (const auto& s : r.steps) sum += s.duration_s;
        r.mean_step_s = sum / static_cast<double>(r.steps.size());
    }

    // Kernel time by category, and by op: for the rank, and for the step each kernel starts in.
    const KernelTable& k = trace.kernels;
    std::vector<bool> linked(k.size(), false);
    for (const CollectiveRow& c : trace.collectives)
        if (c.kernel_row < k.size()) linked[c.kernel_row] = true;
    std::vector<int8_t> cat_of_name(trace.strings.size(), -1);
    OpAttribution attr = attribute_ops(trace);
    for (size_t c = 0; c < kKernelCategories; ++c) {
        r.categories[c].category = static_cast<KernelCategory>(c);
        for (auto& st : r.steps) st.categories[c].category = static_cast<KernelCategory>(c);
    }
    OpTotals rank_ops;
    std::vector<OpTotals> step_ops(r.steps.size());
    // The step whose window holds an activity's start (steps are sorted by start); none for
    // activities without timestamps (start = end = 0, as activity_intervals treats them).
    auto step_of = [&](int64_t start, int64_t end) -> StepBreakdown* {
        if ((start == 0 && end == 0) || end < start || r.steps.empty()) return nullptr;
        auto it = std::upper_bound(r.steps.begin(), r.steps.end(), start,
                                   [](int64_t t, const StepBreakdown& s) { return t < s.start_ns; });
        if (it == r.steps.begin()) return nullptr;
        --it;
        return start < it->end_ns ? &*it : nullptr;
    };
    for (size_t row = 0; row < k.size(); ++row) {
        int8_t& c = cat_of_name[k.name[row]];
        if (c < 0) c = static_cast<int8_t>(classify_kernel(trace.strings.get(k.name[row])));
        KernelCategory cat = linked[row] ? KernelCategory::communication : static_cast<KernelCategory>(c);
        Value t = kernel_time(k, row);
        double secs = t.has() ? t.value : 0;
        StepBreakdown* step = step_of(k.start_ns[row], k.end_ns[row]);
        add_category(r.categories, cat, secs);
        if (step) add_category(step->categories, cat, secs);
        ++r.kernels;
        if (cat == KernelCategory::communication) ++r.comm_kernels;
        uint32_t op = attr.kernel_op[row];
        if (op == OpAttribution::kNone) {
            ++r.unattributed_kernels;
            r.unattributed_time_s += secs;
            continue;
        }
        rank_ops.add(trace.cpu_ops[op].name, op, secs);
        if (step) step_ops[static_cast<size_t>(step - r.steps.data())].add(trace.cpu_ops[op].name, op, secs);
    }
    for (const CopyRow& c : trace.copies) {
        bool ms = c.kind == CopyKind::memset;
        KernelCategory cat = ms ? KernelCategory::memset : KernelCategory::memcpy;
        double secs = c.end_ns >= c.start_ns ? seconds(c.end_ns - c.start_ns) : 0;
        add_category(r.categories, cat, secs);
        if (StepBreakdown* step = step_of(c.start_ns, c.end_ns))
            add_category(step->categories, cat, secs);
        if (ms) ++r.memsets;
        else ++r.memcpys;
    }
    r.top_ops = rank_ops.top(trace, options.top_ops);
    for (size_t i = 0; i < r.steps.size(); ++i) r.steps[i].top_ops = step_ops[i].top(trace, options.top_ops);
    add_attribution_diagnostics(attr, diags);
    return r;
}

} // namespace

BreakdownReport analyze_breakdown(const std::vector<Trace>& traces, const BreakdownOptions& options) {
    BreakdownReport rep;
    rep.straggler_threshold = options.straggler_threshold;
    rep.alignment = align_clocks(traces);
    for (size_t i = 0; i < traces.size(); ++i) {
        const Trace& t = traces[i];
        rep.diagnostics.merge(t.diagnostics);
        for (const auto& f : t.meta.source_files) rep.inputs.push_back(f);
        RankBreakdown r = rank_breakdown(t, i, options, rep.diagnostics);
        r.clock_offset_ns = rep.alignment.offset_ns[i];
        rep.ranks.push_back(std::move(r));
    }
    if (traces.size() > 1)
        for (size_t i = 0; i < traces.size(); ++i)
            if (rep.alignment.method[i] == "recorded clocks")
                rep.diagnostics.add(Severity::warning, "breakdown.clock_unaligned",
                                    "ranks without communication kernels matching the reference rank's; "
                                    "their recorded clocks are used as they are");

    if (traces.size() > 1) {
        std::vector<int32_t> rank_of;
        for (const RankBreakdown& r : rep.ranks) rank_of.push_back(r.rank);
        rep.collective_skew = collective_skew(traces, rep.alignment, rank_of);
    }

    // Step start times on the common clock, from the earliest aligned time of any rank.
    int64_t origin = INT64_MAX;
    auto common = [&](size_t i, int64_t t) { return t + traces[i].meta.base_time_ns + rep.ranks[i].clock_offset_ns; };
    for (size_t i = 0; i < rep.ranks.size(); ++i) {
        const RankBreakdown& r = rep.ranks[i];
        if (r.end_ns > r.start_ns) origin = std::min(origin, common(i, r.start_ns));
        for (const auto& s : r.steps) origin = std::min(origin, common(i, s.start_ns));
    }
    for (size_t i = 0; i < rep.ranks.size(); ++i)
        for (auto& s : rep.ranks[i].steps) s.start_s = seconds(common(i, s.start_ns) - origin);

    // Keep the per-rank order by rank id (inputs may come in any order).
    std::vector<size_t> order(rep.ranks.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return rep.ranks[a].rank < rep.ranks[b].rank; });
    std::vector<RankBreakdown> sorted;
    for (size_t i : order) sorted.push_back(std::move(rep.ranks[i]));
    rep.ranks = std::move(sorted);
    // load_traces already says which files (import.duplicate_rank); traces built otherwise get this.
    bool said = false;
    for (const auto& t : traces) said = said || t.diagnostics.count("import.duplicate_rank") > 0;
    for (size_t i = 1; i < rep.ranks.size() && !said; ++i)
        if (rep.ranks[i].rank == rep.ranks[i - 1].rank)
            rep.diagnostics.add(Severity::warning, "breakdown.duplicate_rank",
                                "several inputs claim the same rank; they are listed separately");

    // Step spread and stragglers: steps of the same name across ranks.
    if (rep.ranks.size() > 1) {
        std::map<std::string, std::vector<std::pair<size_t, double>>> by_name;
        std::vector<std::string> order_names;
        for (size_t i = 0; i < rep.ranks.size(); ++i)
            for (const auto& s : rep.ranks[i].steps) {
                auto& v = by_name[s.name];
                if (v.empty()) order_names.push_back(s.name);
                v.push_back({i, s.duration_s});
            }
        for (const auto& name : order_names) {
            const auto& v = by_name[name];
            if (v.size() < 2) continue;
            StepSpread sp;
            sp.name = name;
            sp.ranks = v.size();
            std::vector<double> d;
            for (const auto& [i, dur] : v) d.push_back(dur);
            sp.median_s = median_of(d);
            sp.min_s = *std::min_element(d.begin(), d.end());
            sp.max_s = *std::max_element(d.begin(), d.end());
            sp.spread = sp.median_s > 0 ? (sp.max_s - sp.min_s) / sp.median_s : 0;
            for (const auto& [i, dur] : v) {
                if (dur > (1 + options.straggler_threshold) * sp.median_s) {
                    sp.stragglers.push_back(rep.ranks[i].rank);
                    for (auto& s : rep.ranks[i].steps)
                        if (s.name == name) s.straggler = true;
                }
            }
            rep.steps.push_back(std::move(sp));
        }
        std::vector<double> means;
        for (const auto& r : rep.ranks)
            if (r.mean_step_s) means.push_back(*r.mean_step_s);
        if (means.size() > 1) {
            rep.median_mean_step_s = median_of(means);
            for (auto& r : rep.ranks)
                if (r.mean_step_s && *r.mean_step_s > (1 + options.straggler_threshold) * *rep.median_mean_step_s)
                    r.straggler = true;
        }
    }
    bool any_steps = false;
    for (const auto& r : rep.ranks) any_steps |= !r.steps.empty();
    if (!any_steps && !rep.ranks.empty())
        rep.diagnostics.add(Severity::info, "breakdown.no_steps",
                            "the inputs mark no steps (ProfilerStep#N); only whole-run totals are reported");
    return rep;
}

} // namespace rafter
