#include "ceilings/plateau.h"

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
    return merged;
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
    auto consider = [&](std::optional<size_t>& slot, size_t i) {
        auto points = [&](size_t k) { return p[k].last - p[k].first; };
        if (!slot || points(i) > points(*slot)) slot = i;
    };
    for (size_t i = 0; i < p.size(); ++i) {
        double middle = std::sqrt(p[i].min_bytes * p[i].max_bytes);
        if (cap.l1 > 0 && middle <= cap.l1) consider(l.l1, i);
        else if (cap.l2 > 0 && middle <= cap.l2) { if (cap.l1 > 0) consider(l.l2, i); }
        else if (cap.l3 > 0 && middle <= cap.l3) { if (cap.l2 > 0) consider(l.l3, i); }
        else if (p[i].min_bytes > std::max({cap.l1, cap.l2, cap.l3})) consider(l.dram, i);
    }
    return l;
}

} // namespace rafter::ceilings
