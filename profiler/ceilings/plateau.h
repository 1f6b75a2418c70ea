#pragma once
// Plateau detection on a bandwidth-vs-working-set curve (ERT style): runs of consecutive sweep
// points whose bandwidth stays within a tolerance of the run's median are the cache levels and
// DRAM; the drops between them are the capacity transitions.
#include <cstddef>
#include <optional>
#include <vector>

namespace rafter::ceilings {

struct SweepPoint {
    double bytes = 0;      // working set (all threads together)
    double bandwidth = 0;  // bytes/s
};

struct Plateau {
    size_t first = 0, last = 0;  // indices into the sweep, inclusive
    double bandwidth = 0;        // median of its three best points (the level's sustained peak)
    double min_bytes = 0, max_bytes = 0;
};

// Maximal runs of at least `min_points` points (sorted by bytes) that all lie within
// `tolerance` (relative) of the run's median; adjacent runs whose medians are within the
// tolerance of each other are merged. Each run's bandwidth is then the median of its three
// best points.
std::vector<Plateau> find_plateaus(const std::vector<SweepPoint>& sweep, double tolerance = 0.10,
                                   size_t min_points = 3);

// Total cache capacity the sweep's threads see at each level, in bytes (0 = unknown): L1 and L2
// are private (per-core size times threads), L3 is shared (its size as the OS reports it).
struct CacheCapacity {
    double l1 = 0, l2 = 0, l3 = 0;
};

// Working sets from this size on cannot be served by the caches: twice their total (exclusive
// victim caches such as AMD's L3 add to L2 rather than holding a copy). 0 when none is known.
double beyond_caches_bytes(const CacheCapacity& capacity);

// find_plateaus on the points below `split_bytes` and on those from it on, separately, so that
// no plateau straddles the split (0 = no split). Used at beyond_caches_bytes: a flat run that
// starts inside a cache the OS over-reports (VMs report a whole socket's L3) and reaches far
// beyond it would otherwise hide the DRAM plateau.
std::vector<Plateau> find_plateaus_split(const std::vector<SweepPoint>& sweep, double split_bytes,
                                         double tolerance = 0.10, size_t min_points = 3);

// Which plateau is which level. With known capacities a plateau belongs to the level whose range
// holds the geometric middle of its working sets: L1 up to l1, L2 up to l2, L3 up to l3; where
// several plateaus fall in one level the fastest wins. DRAM is the last plateau
// that starts beyond the largest cache and reaches beyond_caches_bytes (twice the caches' total).
// A level with none is left empty (the sweep was too noisy there, or never got there). Only when no capacity is known does order decide: first L1, second L2, last DRAM when
// there are at least three, third L3 when there are four or more.
struct LevelPlateaus {
    std::optional<size_t> l1, l2, l3, dram;  // indices into the plateau list
};
LevelPlateaus assign_levels(const std::vector<Plateau>& plateaus, const CacheCapacity& capacity);

// DRAM's figure is the median of its plateau's three largest working sets, not of its best
// points: beyond the caches there is no per-call overhead to avoid, while bandwidth still sinks
// slowly with size (fewer leftover cache hits, more TLB misses) toward what large data sees,
// the figure STREAM reports with its arrays far beyond the caches.
void use_tail_for_dram(std::vector<Plateau>& plateaus, const LevelPlateaus& levels,
                       const std::vector<SweepPoint>& sweep);

} // namespace rafter::ceilings
