#pragma once
// Label placement for scatter charts. Each label is tried at candidate positions around its
// marker (rings of growing distance, twenty directions; beyond the first ring a leader line joins
// label and marker) and around the item's alternative markers. Hard rules: a label stays inside
// the bounds and overlaps no placed label, no obstacle box and no marker, and its leader crosses
// no placed label. Among the candidates that obey them, the cheapest wins: distance (ring),
// direction preference, lines the box sits on (roofs, box edges: "soft lines") and markers the
// leader crosses. Greedy in request order, so pass the most important labels first. A label
// with no legal position is left out (placed = false), never drawn on top of another.
#include <cstddef>
#include <string_view>
#include <vector>

#include "plots/svg_writer.h"

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

// Clips the segment a-b to the box (Liang-Barsky); false when no part of it is inside.
bool clip_segment(const Box& box, Point& a, Point& b);
bool segment_crosses_box(Point a, Point b, const Box& box);

// A line drawn on the chart that labels should rather not cover (cost, not a hard rule).
struct SoftLine {
    Point a, b;
    double penalty = 1;
};

// A text of width w and height h written along the segment a-b (rotated to its angle, baseline
// `offset` px above the line), placed at the first position, stepping from a (or from b when
// from_end), whose bounding box stays inside bounds and clear of obstacles and markers; failing
// markers, the first clear of obstacles. placed = false when the segment is too short.
struct LineLabel {
    bool placed = false;
    double x = 0, y = 0;     // text anchor (start of the baseline)
    double angle_deg = 0;    // rotation about (x, y)
    Box box;                 // axis-aligned bounds of the rotated text
};
LineLabel place_along_line(Point a, Point b, double w, double h, const std::vector<Circle>& markers,
                           const std::vector<Box>& obstacles, const Box& bounds, bool from_end,
                           double offset = 4, double step = 10);

struct LabelRequest {
    double x = 0, y = 0;    // marker centre
    double radius = 0;      // marker extent around the centre
    double width = 0, height = 0;  // label box size (text plus padding)
    // Other markers of the same item (e.g. its L1 and L2 markers) the label may attach to when
    // the main one is crowded.
    std::vector<Circle> alternatives;
};

struct LabelPlacement {
    bool placed = false;
    size_t anchor = 0;    // 0 = the main anchor, k = alternatives[k - 1]
    Box box;
    bool leader = false;  // far from the marker: draw a line from (lx, ly) to the box
    double lx = 0, ly = 0;  // point on the marker's edge where the leader starts
    double bx = 0, by = 0;  // point on the box's edge where the leader ends
    double cost = 0;
};

struct LabelLayoutOptions {
    double gap = 3;            // between a marker's edge and the nearest ring
    double pad = 2;            // minimum clearance between boxes
    double leader_after = 8;   // distances beyond the first ring get a leader line
    int rings = 10;            // how far out candidates go
    double ring_cost = 0.5;     // per ring outwards...
    double ring_cost2 = 0.08;   // ...plus this times ring squared: long leaders are hard to follow
    double crossing_cost = 0.5; // per marker a leader crosses
    double max_soft_cost = 1.5; // cap on the soft-line penalties of one candidate
};

// `markers` are every marker drawn (labeled or not); `obstacles` other things to keep clear of.
std::vector<LabelPlacement> place_labels(const std::vector<LabelRequest>& requests,
                                         const std::vector<Circle>& markers,
                                         const std::vector<Box>& obstacles, const Box& bounds,
                                         const std::vector<SoftLine>& soft_lines = {},
                                         const LabelLayoutOptions& options = {});

} // namespace rafter
