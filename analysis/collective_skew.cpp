#include "analysis/collective_skew.h"

#include <algorithm>
#include <cstdlib>
#include <map>

namespace rafter {

namespace {

constexpr int64_t kToleranceNs = 100000;  // as in clock_align.cpp: aligned ends within 100 us

struct Arrival {
    size_t trace;
    int64_t start_ns;
    int64_t distance;  // |aligned end - reference end|, to keep the closest of several candidates
};

} // namespace

CollectiveSkew collective_skew(const std::vector<Trace>& traces, const ClockAlignment& a,
                               const std::vector<int32_t>& rank_of, size_t worst) {
    CollectiveSkew out;
    const size_t n = traces.size();
    for (size_t i = 0; i < n; ++i) out.ranks.push_back({rank_of[i], 0, 0, 0, 0});
    if (n < 2 || a.offset_ns.size() != n) return out;

    const auto ref = comm_kernel_spans(traces[a.reference]);
    // Each key's reference calls by end time (with their index), for the nearest-end search.
    std::map<std::string, std::vector<std::pair<int64_t, size_t>>> ref_ends;
    for (const auto& [key, rc] : ref) {
        auto& ends = ref_ends[key];
        for (size_t j = 0; j < rc.size(); ++j) ends.push_back({rc[j].end_ns, j});
        std::sort(ends.begin(), ends.end());
    }
    // instance (key, index in the reference's calls) -> arrivals of the other ranks
    std::map<std::pair<std::string, size_t>, std::vector<Arrival>> matched;
    for (size_t i = 0; i < n; ++i) {
        if (i == a.reference) continue;
        if (a.method[i] != "collectives") {
            out.unaligned.push_back(rank_of[i]);
            continue;
        }
        for (const auto& [key, calls] : comm_kernel_spans(traces[i])) {
            auto it = ref_ends.find(key);
            if (it == ref_ends.end()) continue;
            const std::vector<std::pair<int64_t, size_t>>& ends = it->second;
            for (const CommKernelSpan& c : calls) {
                int64_t end = c.end_ns + a.offset_ns[i];
                auto pos = std::lower_bound(ends.begin(), ends.end(), std::make_pair(end, size_t{0}));
                size_t best = SIZE_MAX;
                int64_t best_d = kToleranceNs + 1;
                for (auto p = pos == ends.begin() ? pos : pos - 1; p != ends.end() && p <= pos; ++p) {
                    int64_t d = std::llabs(p->first - end);
                    if (d < best_d) best_d = d, best = p->second;
                }
                if (best == SIZE_MAX) continue;
                auto& arr = matched[{key, best}];
                auto same = std::find_if(arr.begin(), arr.end(), [&](const Arrival& x) { return x.trace == i; });
                if (same == arr.end()) arr.push_back({i, c.start_ns + a.offset_ns[i], best_d});
                else if (best_d < same->distance) *same = {i, c.start_ns + a.offset_ns[i], best_d};
            }
        }
    }

    std::vector<double> skews;
    std::vector<CollectiveInstance> instances;
    for (auto& [id, arrivals] : matched) {
        const CommKernelSpan& r = ref.at(id.first)[id.second];
        arrivals.push_back({a.reference, r.start_ns, 0});
        int64_t first = INT64_MAX, last = INT64_MIN;
        size_t last_trace = 0;
        for (const Arrival& x : arrivals) {
            first = std::min(first, x.start_ns);
            // Ties go to the lower trace index, so the result does not depend on match order.
            if (x.start_ns > last || (x.start_ns == last && x.trace < last_trace)) last = x.start_ns, last_trace = x.trace;
        }
        double skew = static_cast<double>(last - first) * 1e-9;
        for (const Arrival& x : arrivals) {
            RankWait& w = out.ranks[x.trace];
            double wait = static_cast<double>(last - x.start_ns) * 1e-9;
            ++w.instances;
            w.wait_s += wait;
            w.max_wait_s = std::max(w.max_wait_s, wait);
        }
        ++out.ranks[last_trace].last_arrivals;
        skews.push_back(skew);
        out.total_skew_s += skew;
        instances.push_back({id.first, r.end_ns, arrivals.size(), rank_of[last_trace], skew});
    }
    out.instances = instances.size();
    if (!skews.empty()) {
        std::sort(skews.begin(), skews.end());
        out.median_skew_s = skews.size() % 2 ? skews[skews.size() / 2]
                                             : (skews[skews.size() / 2 - 1] + skews[skews.size() / 2]) / 2;
        out.max_skew_s = skews.back();
    }
    std::stable_sort(instances.begin(), instances.end(),
                     [](const CollectiveInstance& x, const CollectiveInstance& y) { return x.skew_s > y.skew_s; });
    if (instances.size() > worst) instances.resize(worst);
    out.worst = std::move(instances);
    return out;
}

} // namespace rafter
