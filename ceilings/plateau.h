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

// Which plateau is which level, by order: the first is L1, the second L2, the last DRAM when
// there are at least three, the third L3 when there are four or more. DRAM also needs a working
// set larger than `l2_total_bytes` (all cores' L2 together; 0 = unknown) so that a sweep that
// never left the caches reports no DRAM figure.
struct LevelPlateaus {
    std::optional<size_t> l1, l2, l3, dram;  // indices into the plateau list
};
LevelPlateaus assign_levels(const std::vector<Plateau>& plateaus, double l2_total_bytes);

} // namespace rafter::ceilings
