#include <doctest/doctest.h>

#include <cmath>

#include "profiler/ceilings/plateau.h"

using namespace rafter::ceilings;

namespace {

// A synthetic cache curve: flat levels with smooth (log-linear) transitions between them and a
// deterministic +-3% ripple, like a real sweep.
std::vector<SweepPoint> staircase(const std::vector<std::pair<double, double>>& levels /* (capacity, bw) */,
                                  double dram_bw) {
    std::vector<SweepPoint> s;
    int k = 0;
    for (double bytes = 8192; bytes <= 1024.0 * 1024 * 1024; bytes *= std::pow(2.0, 0.25), ++k) {
        double bw = dram_bw;
        for (size_t i = 0; i < levels.size(); ++i) {
            double cap = levels[i].first;
            if (bytes <= cap) {
                bw = levels[i].second;
                break;
            }
            double next = i + 1 < levels.size() ? levels[i + 1].second : dram_bw;
            if (bytes <= cap * 2) {  // transition over one doubling
                double f = std::log2(bytes / cap);
                bw = std::exp((1 - f) * std::log(levels[i].second) + f * std::log(next));
                break;
            }
        }
        s.push_back({bytes, bw * (1 + 0.03 * std::sin(k * 1.7))});
    }
    return s;
}

} // namespace

TEST_CASE("three cache levels and DRAM are found with their bandwidths") {
    auto s = staircase({{64e3, 400e9}, {2e6, 150e9}, {64e6, 80e9}}, 20e9);
    auto p = find_plateaus(s);
    REQUIRE(p.size() == 4);
    CHECK(p[0].bandwidth == doctest::Approx(400e9).epsilon(0.03));
    CHECK(p[1].bandwidth == doctest::Approx(150e9).epsilon(0.03));
    CHECK(p[2].bandwidth == doctest::Approx(80e9).epsilon(0.03));
    CHECK(p[3].bandwidth == doctest::Approx(20e9).epsilon(0.03));
    CHECK(p[0].max_bytes < 64e3 * 1.1);  // a point just past the capacity may still be within 10%
    CHECK(p[1].min_bytes > 64e3);
    CHECK(p[3].min_bytes > 64e6);
    auto l = assign_levels(p, CacheCapacity{64e3, 2e6, 64e6});
    CHECK(l.l1 == 0u);
    CHECK(l.l2 == 1u);
    CHECK(l.l3 == 2u);
    CHECK(l.dram == 3u);
}

TEST_CASE("two caches and DRAM; a sweep that never leaves the caches has no DRAM") {
    auto s = staircase({{48e3, 300e9}, {1e6, 120e9}}, 25e9);
    auto p = find_plateaus(s);
    REQUIRE(p.size() == 3);
    auto l = assign_levels(p, CacheCapacity{48e3, 1e6, 0});
    CHECK(l.l1 == 0u);
    CHECK(l.l2 == 1u);
    CHECK(!l.l3);
    CHECK(l.dram == 2u);
    CHECK(p[2].bandwidth == doctest::Approx(25e9).epsilon(0.03));

    // The last plateau starts below the cores' total L2: not DRAM.
    std::vector<Plateau> small = {{0, 3, 300e9, 8e3, 32e3}, {4, 8, 120e9, 64e3, 512e3}, {9, 12, 60e9, 700e3, 1.5e6}};
    auto l2 = assign_levels(small, CacheCapacity{48e3, 2e6, 0});
    CHECK(!l2.dram);
}

TEST_CASE("levels follow the cache capacities, not the order of the plateaus") {
    // A noisy sweep (as measured on a busy 2-thread VM: 96 KiB L1, 2 MiB L2, 508 MiB L3): the L1
    // range gave no plateau, so the first plateau is L2's and must not be called L1; the two in
    // L3's range compete (the faster wins); nothing starts beyond L3, so there is no DRAM figure.
    CacheCapacity cap{96e3, 2e6, 508e6};
    std::vector<Plateau> p = {{0, 4, 327e9, 128e3, 512e3}, {5, 7, 200e9, 2.9e6, 5.8e6}, {8, 14, 170e9, 8e6, 32e6}};
    auto l = assign_levels(p, cap);
    CHECK(!l.l1);
    CHECK(l.l2 == 0u);
    CHECK(l.l3 == 1u);
    CHECK(!l.dram);
    // Beyond L3 but short of twice the caches' total (1.02 GB here): not yet DRAM.
    p.push_back({15, 17, 75e9, 600e6, 1e9});
    CHECK(!assign_levels(p, cap).dram);
    // A plateau from beyond L3 to beyond twice the caches is DRAM; the last such one wins; one
    // straddling L1 and L2 goes where its middle is.
    p.push_back({18, 21, 66e9, 1.1e9, 2e9});
    p.insert(p.begin(), Plateau{0, 3, 560e9, 16e3, 64e3});
    l = assign_levels(p, cap);
    CHECK(l.l1 == 0u);
    CHECK(l.l2 == 1u);
    CHECK(l.dram == 5u);
    // Unknown capacities: order decides (first L1, second L2, last DRAM).
    auto o = assign_levels(p, CacheCapacity{});
    CHECK(o.l1 == 0u);
    CHECK(o.l2 == 1u);
    CHECK(o.l3 == 2u);
    CHECK(o.dram == 5u);
}

TEST_CASE("of two plateaus in one level the faster is the level's, however many points each has") {
    // As measured here: the L1 ramp of small working sets (the loop's per-call overhead) is a
    // plateau of its own beside the full-speed one; likewise L2 has a slower and a faster part.
    CacheCapacity cap{96e3, 2e6, 508e6};
    std::vector<Plateau> p = {{0, 5, 850e9, 16e3, 26e3},     {6, 9, 1000e9, 32e3, 90e3},
                              {10, 21, 330e9, 152e3, 608e3}, {22, 25, 390e9, 724e3, 1.45e6}};
    auto l = assign_levels(p, cap);
    CHECK(l.l1 == 1u);
    CHECK(l.l2 == 3u);
}

TEST_CASE("a flat run across twice the caches is split there, so DRAM gets a plateau of its own") {
    // As on a VM that reports its socket's 508 MiB L3: bandwidth is flat (within 10%) from 300 MB
    // to 2 GB, so unsplit it is one plateau that starts inside the reported L3 and is not DRAM.
    CacheCapacity cap{96e3, 2e6, 508e6};
    double beyond = beyond_caches_bytes(cap);
    CHECK(beyond == doctest::Approx(2 * (96e3 + 2e6 + 508e6)));
    std::vector<SweepPoint> s;
    int k = 0;
    for (double b = 300e6; b <= 2.2e9; b *= std::pow(2.0, 0.25), ++k) s.push_back({b, 70e9 * (1 - 0.01 * k)});
    auto whole = find_plateaus(s);
    REQUIRE(whole.size() == 1);
    CHECK(!assign_levels(whole, cap).dram);
    auto split = find_plateaus_split(s, beyond);
    REQUIRE(split.size() == 2);
    CHECK(split[0].max_bytes < beyond);
    CHECK(split[1].min_bytes >= beyond);
    CHECK(split[1].first == split[0].last + 1);  // indices stay those of the whole sweep
    CHECK(split[1].max_bytes == s.back().bytes);
    auto l = assign_levels(split, cap);
    REQUIRE(l.dram);
    CHECK(*l.dram == 1u);
    // Its bandwidth is the median of the points beyond the split only; for DRAM, of the three
    // largest working sets (the sweep sinks slowly with size).
    CHECK(split[1].bandwidth < split[0].bandwidth);
    use_tail_for_dram(split, l, s);
    size_t n = s.size();
    CHECK(split[1].bandwidth == doctest::Approx(s[n - 2].bandwidth));
    CHECK(split[1].bandwidth < s[split[1].first].bandwidth);
    // Other levels keep theirs: the median of the three best points.
    CHECK(split[0].bandwidth == doctest::Approx(s[1].bandwidth));
    // No split point, or one outside the sweep: the same as find_plateaus.
    CHECK(find_plateaus_split(s, 0).size() == 1);
    CHECK(find_plateaus_split(s, 1e12).size() == 1);
}

TEST_CASE("a single noisy outlier splits nothing; steep noise gives no plateau") {
    std::vector<SweepPoint> s;
    for (int i = 0; i < 10; ++i) s.push_back({1e4 * (i + 1), i == 5 ? 130e9 : 100e9});
    auto p = find_plateaus(s);
    REQUIRE(p.size() == 1);
    CHECK(p[0].first == 0);
    CHECK(p[0].last == 9);
    CHECK(p[0].bandwidth == doctest::Approx(100e9));

    std::vector<SweepPoint> ramp;
    for (int i = 0; i < 10; ++i) ramp.push_back({1e4 * (i + 1), 100e9 * std::pow(1.25, i)});
    CHECK(find_plateaus(ramp).empty());
    CHECK(find_plateaus({}).empty());
}
