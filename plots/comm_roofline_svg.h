#pragma once
// The communication roofline (docs/collectives.md): bus bandwidth of each collective group against
// its message size per call, log-log, with the link ceilings as horizontal lines. Plain data in:
// the chart knows nothing of traces or groups.
#include <string>
#include <vector>

namespace rafter {

struct CommRooflineChart {
    std::string title;
    struct Point {
        std::string label;       // "nccl all_reduce 256 MiB-4 GiB x16"
        std::string kind;        // "all_reduce", ...: one colour per kind
        double message_bytes = 0;  // per call
        double busbw = 0;          // bytes/s
        double time_share = 0;     // of the GPU time: the marker's area
    };
    std::vector<Point> points;
    struct Ceiling {
        std::string label;  // "NIC x8 (2 nodes)", "NVLink"
        double bandwidth = 0;
    };
    std::vector<Ceiling> ceilings;
};

std::string comm_roofline_svg(const CommRooflineChart& chart);

} // namespace rafter
