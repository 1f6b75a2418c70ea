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
    double bandwidth = 0;        // median over its points
    double min_bytes = 0, max_bytes = 0;
};

// Maximal runs of at least `min_points` points (sorted by bytes) that all lie within
// `tolerance` (relative) of the run's median; adjacent runs whose medians are within the
// tolerance of each other are merged.
std::vector<Plateau> find_plateaus(const std::vector<SweepPoint>& sweep, double tolerance = 0.10,
                                   size_t min_points = 3);

// Total cache capacity the sweep's threads see at each level, in bytes (0 = unknown): L1 and L2
// are private (per-core size times threads), L3 is shared (its size as the OS reports it).
struct CacheCapacity {
    double l1 = 0, l2 = 0, l3 = 0;
};

// Which plateau is which level. With known capacities a plateau belongs to the level whose range
// holds the geometric middle of its working sets: L1 up to l1, L2 up to l2, L3 up to l3, DRAM
// beyond the last known cache; where several plateaus fall in one level the one with the most
// points wins, and a level with none is left empty (the sweep was too noisy there, or never got
// there). Only when no capacity is known does order decide: first L1, second L2, last DRAM when
// there are at least three, third L3 when there are four or more.
struct LevelPlateaus {
    std::optional<size_t> l1, l2, l3, dram;  // indices into the plateau list
};
LevelPlateaus assign_levels(const std::vector<Plateau>& plateaus, const CacheCapacity& capacity);

} // namespace rafter::ceilings
