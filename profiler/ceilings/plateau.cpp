#include "profiler/ceilings/plateau.h"

#include <algorithm>
#include <cmath>

namespace rafter::ceilings {

namespace {

double median_of(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

bool within(const std::vector<SweepPoint>& s, size_t first, size_t last, double tol, double* med) {
    std::vector<double> bw;
    for (size_t i = first; i <= last; ++i) bw.push_back(s[i].bandwidth);
    double m = median_of(bw);
    *med = m;
    for (double b : bw)
        if (std::abs(b - m) > tol * m) return false;
    return true;
}

// A level's bandwidth: the median of the plateau's three best points. Within a level the
// smallest working sets pay the loop's per-call overhead and the largest start to spill into
// the next level, so the plateau's own median sits below what the level sustains (it moved by
// 30% with where a noisy sweep drew the plateau's edges); one outlier still cannot set it.
double top_bandwidth(const std::vector<SweepPoint>& s, size_t first, size_t last) {
    std::vector<double> bw;
    for (size_t i = first; i <= last; ++i) bw.push_back(s[i].bandwidth);
    std::sort(bw.rbegin(), bw.rend());
    bw.resize(std::min<size_t>(bw.size(), 3));
    return median_of(bw);
}

} // namespace

std::vector<Plateau> find_plateaus(const std::vector<SweepPoint>& sweep, double tolerance, size_t min_points) {
    std::vector<Plateau> out;
    if (min_points < 2) min_points = 2;
    size_t i = 0;
    while (i + min_points <= sweep.size()) {
        double med = 0;
        if (!within(sweep, i, i + min_points - 1, tolerance, &med)) {
            ++i;
            continue;
        }
        size_t last = i + min_points - 1;
        while (last + 1 < sweep.size()) {
            double m2 = 0;
            if (!within(sweep, i, last + 1, tolerance, &m2)) break;
            ++last;
            med = m2;
        }
        out.push_back({i, last, med, sweep[i].bytes, sweep[last].bytes});
        i = last + 1;
    }
    // Merge neighbours that are the same level split by one noisy point.
    std::vector<Plateau> merged;
    for (const auto& p : out) {
        if (!merged.empty() && std::abs(p.bandwidth - merged.back().bandwidth) <= tolerance * merged.back().bandwidth) {
            Plateau& q = merged.back();
            q.last = p.last;
            q.max_bytes = p.max_bytes;
            std::vector<double> bw;
            for (size_t k = q.first; k <= q.last; ++k) bw.push_back(sweep[k].bandwidth);
            q.bandwidth = median_of(bw);
        } else {
            merged.push_back(p);
        }
    }
    for (auto& p : merged) p.bandwidth = top_bandwidth(sweep, p.first, p.last);
    return merged;
}

std::vector<Plateau> find_plateaus_split(const std::vector<SweepPoint>& sweep, double split_bytes, double tolerance,
                                         size_t min_points) {
    auto split = std::find_if(sweep.begin(), sweep.end(), [&](const SweepPoint& p) { return p.bytes >= split_bytes; });
    if (split_bytes <= 0 || split == sweep.begin() || split == sweep.end()) return find_plateaus(sweep, tolerance, min_points);
    std::vector<SweepPoint> below(sweep.begin(), split), beyond(split, sweep.end());
    std::vector<Plateau> out = find_plateaus(below, tolerance, min_points);
    size_t offset = below.size();
    for (Plateau p : find_plateaus(beyond, tolerance, min_points)) {
        p.first += offset;
        p.last += offset;
        out.push_back(p);
    }
    return out;
}

double beyond_caches_bytes(const CacheCapacity& c) {
    return 2 * (std::max(c.l1, 0.0) + std::max(c.l2, 0.0) + std::max(c.l3, 0.0));
}

namespace {

LevelPlateaus assign_by_order(const std::vector<Plateau>& p) {
    LevelPlateaus l;
    if (p.size() >= 1) l.l1 = 0;
    if (p.size() >= 2) l.l2 = 1;
    if (p.size() >= 3) l.dram = p.size() - 1;
    if (p.size() >= 4) l.l3 = 2;
    return l;
}

} // namespace

LevelPlateaus assign_levels(const std::vector<Plateau>& p, const CacheCapacity& cap) {
    if (cap.l1 <= 0 && cap.l2 <= 0 && cap.l3 <= 0) return assign_by_order(p);
    LevelPlateaus l;
    // Several plateaus in one level's range: the fastest is the level's. The others are the small
    // working sets that still pay the loop's per-call overhead (the L1 ramp was cut in two and
    // "most points" flipped the L1 figure by 10% between runs), or the level's slower edge.
    auto consider = [&](std::optional<size_t>& slot, size_t i) {
        if (!slot || p[i].bandwidth > p[*slot].bandwidth) slot = i;
    };
    double largest = std::max({cap.l1, cap.l2, cap.l3}), beyond = beyond_caches_bytes(cap);
    for (size_t i = 0; i < p.size(); ++i) {
        double middle = std::sqrt(p[i].min_bytes * p[i].max_bytes);
        if (p[i].min_bytes > largest && p[i].max_bytes >= beyond) l.dram = i;  // the last one wins
        else if (cap.l1 > 0 && middle <= cap.l1) consider(l.l1, i);
        else if (cap.l2 > 0 && middle <= cap.l2) { if (cap.l1 > 0) consider(l.l2, i); }
        else if (cap.l3 > 0 && middle <= cap.l3) { if (cap.l2 > 0) consider(l.l3, i); }
    }
    return l;
}

void use_tail_for_dram(std::vector<Plateau>& plateaus, const LevelPlateaus& levels, const std::vector<SweepPoint>& sweep) {
    if (!levels.dram || *levels.dram >= plateaus.size()) return;
    Plateau& p = plateaus[*levels.dram];
    if (p.last >= sweep.size() || p.first > p.last) return;
    std::vector<double> bw;
    for (size_t i = p.last + 1; i-- > p.first && bw.size() < 3;) bw.push_back(sweep[i].bandwidth);
    p.bandwidth = median_of(bw);
}

} // namespace rafter::ceilings
