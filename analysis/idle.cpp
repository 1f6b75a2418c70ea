#include "analysis/idle.h"

#include <algorithm>
#include <climits>
#include <map>
#include <unordered_map>

namespace rafter {

const char* to_string(IdleCause c) {
    switch (c) {
    case IdleCause::host_launch: return "host_launch";
    case IdleCause::sync: return "sync";
    case IdleCause::kernel_gap: return "kernel_gap";
    case IdleCause::other: return "other";
    }
    return "other";
}

bool is_synchronizing_call(std::string_view name) {
    if (name.find("Synchronize") != std::string_view::npos) return true;
    // Blocking copies (not the *Async forms): they return once the copy, and all work queued
    // before it on the legacy stream, is done.
    for (std::string_view s : {"cudaMemcpy", "hipMemcpy", "cuMemcpyDtoH_v2", "cuMemcpyHtoD_v2", "cuMemcpyDtoH",
                               "cuMemcpyHtoD"})
        if (name == s) return true;
    return false;
}

namespace {

struct Activity {
    int64_t start, end;
    uint64_t correlation;
};

bool timed(int64_t start, int64_t end) { return !(start == 0 && end == 0) && end >= start; }

double seconds(int64_t ns) { return static_cast<double>(ns) * 1e-9; }

std::optional<double> percentile(std::vector<int64_t>& v, double q) {
    if (v.empty()) return std::nullopt;
    size_t i = static_cast<size_t>(q * static_cast<double>(v.size() - 1) + 0.5);
    std::nth_element(v.begin(), v.begin() + static_cast<long>(i), v.end());
    return seconds(v[i]);
}

} // namespace

IdleTimeline::IdleTimeline(const Trace& trace) {
    // The same activity set as the breakdown's busy time (activity_intervals): timed kernels,
    // copies and memsets.
    std::vector<Activity> acts;
    const KernelTable& k = trace.kernels;
    acts.reserve(k.size() + trace.copies.size());
    for (size_t r = 0; r < k.size(); ++r)
        if (timed(k.start_ns[r], k.end_ns[r])) acts.push_back({k.start_ns[r], k.end_ns[r], k.correlation[r]});
    for (const CopyRow& c : trace.copies)
        if (timed(c.start_ns, c.end_ns)) acts.push_back({c.start_ns, c.end_ns, c.correlation});
    std::sort(acts.begin(), acts.end(), [](const Activity& a, const Activity& b) { return a.start < b.start; });

    // Launch calls by correlation id; synchronizing calls per thread, by start.
    std::unordered_map<uint64_t, const CpuOpRow*> launch_of;
    std::map<std::pair<int64_t, int64_t>, std::vector<std::pair<int64_t, int64_t>>> syncs;
    std::unordered_map<StringId, bool> sync_name;
    for (const CpuOpRow& op : trace.cpu_ops) {
        if (op.kind != CpuEventKind::runtime && op.kind != CpuEventKind::driver) continue;
        if (op.correlation) launch_of.emplace(op.correlation, &op);
        auto [it, fresh] = sync_name.emplace(op.name, false);
        if (fresh) it->second = is_synchronizing_call(trace.strings.get(op.name));
        if (it->second) syncs[{op.pid, op.tid}].push_back({op.start_ns, op.end_ns});
    }
    for (auto& [thread, v] : syncs) std::sort(v.begin(), v.end());
    auto launch = [&](const Activity& a) -> const CpuOpRow* {
        if (!a.correlation) return nullptr;
        auto it = launch_of.find(a.correlation);
        return it == launch_of.end() ? nullptr : it->second;
    };
    auto blocked_in_sync = [&](const CpuOpRow& l, int64_t at) {
        auto it = syncs.find({l.pid, l.tid});
        if (it == syncs.end()) return false;
        const auto& v = it->second;
        // The last sync starting by `at`; syncs on one thread do not overlap.
        auto s = std::upper_bound(v.begin(), v.end(), std::make_pair(at, INT64_MAX));
        if (s == v.begin()) return false;
        --s;
        return s->second + kSyncToleranceNs >= at;
    };

    // The activity ending a gap: of those starting at b, the one launched last (the one the GPU
    // waited for).
    auto gap = [&](int64_t a, int64_t b, size_t first, size_t last) -> Gap {
        const CpuOpRow* l = nullptr;
        for (size_t i = first; i < last; ++i)
            if (const CpuOpRow* c = launch(acts[i]); c && (!l || c->end_ns > l->end_ns)) l = c;
        if (!l) return {a, b, IdleCause::other, false};
        if (l->end_ns < a) return {a, b, b - a < kKernelGapNs ? IdleCause::kernel_gap : IdleCause::other, true};
        if (a != INT64_MIN && blocked_in_sync(*l, a)) return {a, b, IdleCause::sync, false};
        return {a, b, IdleCause::host_launch, false};
    };

    int64_t busy_end = INT64_MIN;
    for (size_t i = 0; i < acts.size();) {
        size_t j = i;
        while (j < acts.size() && acts[j].start == acts[i].start) ++j;
        if (acts[i].start > busy_end) gaps_.push_back(gap(busy_end, acts[i].start, i, j));
        for (size_t x = i; x < j; ++x) busy_end = std::max(busy_end, acts[x].end);
        i = j;
    }
    gaps_.push_back({busy_end, INT64_MAX, IdleCause::other, false});

    // Launch statistics: kernels only (copies are launched by memcpy calls, counted as idle
    // causes above but not as kernel launches).
    for (size_t r = 0; r < k.size(); ++r) {
        if (!timed(k.start_ns[r], k.end_ns[r])) continue;
        const CpuOpRow* l = launch({k.start_ns[r], k.end_ns[r], k.correlation[r]});
        Launch x{k.start_ns[r], -1, 0, k.end_ns[r] - k.start_ns[r]};
        if (l) x.launch_ns = l->end_ns - l->start_ns, x.delay_ns = k.start_ns[r] - l->start_ns;
        kernels_.push_back(x);
    }
    std::sort(kernels_.begin(), kernels_.end(),
              [](const Launch& a, const Launch& b) { return a.kernel_start < b.kernel_start; });
}

IdleSplit IdleTimeline::window(int64_t start_ns, int64_t end_ns) const {
    IdleSplit s;
    if (end_ns <= start_ns) return s;
    auto it = std::upper_bound(gaps_.begin(), gaps_.end(), start_ns,
                               [](int64_t v, const Gap& g) { return v < g.end; });
    int64_t host = 0, sync = 0, kgap = 0, other = 0, queued = 0;
    for (; it != gaps_.end() && it->start < end_ns; ++it) {
        int64_t d = std::min(it->end, end_ns) - std::max(it->start, start_ns);
        if (d <= 0) continue;
        switch (it->cause) {
        case IdleCause::host_launch: host += d, ++s.host_launch_gaps; break;
        case IdleCause::sync: sync += d, ++s.sync_gaps; break;
        case IdleCause::kernel_gap: kgap += d, ++s.kernel_gap_gaps; break;
        case IdleCause::other:
            other += d, ++s.other_gaps;
            if (it->queued) queued += d;
            break;
        }
    }
    s.host_launch_s = seconds(host), s.sync_s = seconds(sync), s.other_s = seconds(other);
    s.other_queued_s = seconds(queued);
    s.kernel_gap_s = seconds(kgap);
    return s;
}

LaunchStats IdleTimeline::launches(int64_t start_ns, int64_t end_ns) const {
    LaunchStats s;
    auto lo = std::lower_bound(kernels_.begin(), kernels_.end(), start_ns,
                               [](const Launch& l, int64_t v) { return l.kernel_start < v; });
    std::vector<int64_t> launch, kernel, delay;
    for (auto it = lo; it != kernels_.end() && it->kernel_start < end_ns; ++it) {
        if (it->launch_ns < 0) {
            ++s.unlinked;
            continue;
        }
        ++s.kernels;
        launch.push_back(it->launch_ns);
        kernel.push_back(it->kernel_ns);
        delay.push_back(it->delay_ns);
        if (it->kernel_ns < it->launch_ns) ++s.shorter_than_launch, s.shorter_than_launch_s += seconds(it->kernel_ns);
    }
    s.median_launch_s = percentile(launch, 0.5);
    s.median_kernel_s = percentile(kernel, 0.5);
    s.median_delay_s = percentile(delay, 0.5);
    s.p90_delay_s = percentile(delay, 0.9);
    return s;
}

} // namespace rafter
