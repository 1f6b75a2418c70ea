#pragma once
// Label placement for scatter charts: each label is tried at candidate positions around its
// marker (nearest ring first, then farther rings that get a leader line) and takes the first
// one that stays inside the bounds and overlaps no placed label and no obstacle (markers, roof
// labels, legends). Greedy in request order, so pass the most important labels first. A label
// with no free position is left out (placed = false) rather than drawn on top of another.
#include <cstddef>
#include <string_view>
#include <vector>

namespace rafter {

struct Box {
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // x0 <= x1, y0 <= y1 (screen coordinates)
    double width() const { return x1 - x0; }
    double height() const { return y1 - y0; }
    bool overlaps(const Box& o, double pad = 0) const;
    bool inside(const Box& outer) const;
};

// Width of `text` in pixels at `font_size`, from DejaVu Sans advance widths: the widest of the
// fonts in the chart font stack, so a label measured here also fits in Helvetica, Arial, Roboto
// or Segoe UI. Non-ASCII characters count as a digit's width.
double text_width(std::string_view text, double font_size, bool bold = false);

struct Circle {
    double x = 0, y = 0, r = 0;
};
bool overlaps(const Box& b, const Circle& c, double pad = 0);

struct LabelRequest {
    double x = 0, y = 0;    // marker centre
    double radius = 0;      // marker extent around the centre
    double width = 0, height = 0;  // label box size (text plus padding)
};

struct LabelPlacement {
    bool placed = false;
    Box box;
    bool leader = false;  // far from the marker: draw a line from (lx, ly) to the box
    double lx = 0, ly = 0;  // point on the marker's edge where the leader starts
    double bx = 0, by = 0;  // point on the box's edge where the leader ends
};

struct LabelLayoutOptions {
    double gap = 3;           // between a marker's edge and the nearest ring
    double pad = 2;           // minimum clearance between boxes
    double leader_after = 8;  // distances beyond the first ring get a leader line
    int rings = 6;            // how far out candidates go
};

// `markers` are every marker drawn (labeled or not); `obstacles` other things to keep clear of.
std::vector<LabelPlacement> place_labels(const std::vector<LabelRequest>& requests,
                                         const std::vector<Circle>& markers,
                                         const std::vector<Box>& obstacles, const Box& bounds,
                                         const LabelLayoutOptions& options = {});

} // namespace rafter
