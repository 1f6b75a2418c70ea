#pragma once
// Bandwidth vs working-set size for `rafter ceilings --cpu`: the sweep as a log-log line with
// each detected plateau drawn as a horizontal segment, the cache levels and DRAM labelled.
// Plain data in, so that the chart knows nothing of how the sweep was measured.
#include <string>
#include <vector>

namespace rafter {

struct SweepChart {
    std::string title;
    struct Point {
        double bytes = 0;      // working set
        double bandwidth = 0;  // bytes/s
    };
    std::vector<Point> sweep;  // ascending working sets
    struct Plateau {
        double bandwidth = 0, min_bytes = 0, max_bytes = 0;
        std::string level;  // "L1", "L2", "L3", "DRAM", or empty for a plateau that is no level
    };
    std::vector<Plateau> plateaus;
};

std::string sweep_svg(const SweepChart& chart);

} // namespace rafter
