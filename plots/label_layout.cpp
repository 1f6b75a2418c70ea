#include "plots/label_layout.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <utility>

namespace rafter {

bool Box::overlaps(const Box& o, double pad) const {
    return x0 < o.x1 + pad && o.x0 < x1 + pad && y0 < o.y1 + pad && o.y0 < y1 + pad;
}

bool overlaps(const Box& b, const Circle& c, double pad) {
    double nx = std::clamp(c.x, b.x0, b.x1), ny = std::clamp(c.y, b.y0, b.y1);
    return std::hypot(nx - c.x, ny - c.y) < c.r + pad;
}

bool clip_segment(const Box& box, Point& a, Point& b) {
    double t0 = 0, t1 = 1, dx = b.x - a.x, dy = b.y - a.y;
    const double p[4] = {-dx, dx, -dy, dy};
    const double q[4] = {a.x - box.x0, box.x1 - a.x, a.y - box.y0, box.y1 - a.y};
    for (int i = 0; i < 4; ++i) {
        if (p[i] == 0) {
            if (q[i] < 0) return false;
            continue;
        }
        double t = q[i] / p[i];
        if (p[i] < 0) t0 = std::max(t0, t);
        else t1 = std::min(t1, t);
        if (t0 > t1) return false;
    }
    Point na{a.x + t0 * dx, a.y + t0 * dy}, nb{a.x + t1 * dx, a.y + t1 * dy};
    a = na;
    b = nb;
    return true;
}

bool segment_crosses_box(Point a, Point b, const Box& box) { return clip_segment(box, a, b); }

bool Box::inside(const Box& outer) const {
    return x0 >= outer.x0 && y0 >= outer.y0 && x1 <= outer.x1 && y1 <= outer.y1;
}

// DejaVu Sans (Book and Bold) advance widths for ASCII 32..126 in 1/1000 em, read from the font
// files' hmtx tables.
static const short kBook[95] = {
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636,
    636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632,
    575, 775, 752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685,
    611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579,
    278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838};
static const short kBold[95] = {
    348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696, 696,
    696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734, 830, 683,
    683, 821, 837, 372, 372, 775, 637, 995, 837, 850, 733, 850, 770, 720, 682, 812, 774, 1103, 771,
    724, 725, 457, 365, 457, 838, 500, 500, 675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665,
    343, 1042, 712, 687, 716, 716, 493, 595, 478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838};

double text_width(std::string_view text, double font_size, bool bold) {
    const short* w = bold ? kBold : kBook;
    double units = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c >= 32 && c < 127) units += w[c - 32];
        else if (c >= 0xC0 || c < 0x80) units += w['0' - 32];  // one per UTF-8 lead byte
    }
    return units / 1000.0 * font_size;
}

LineLabel place_along_line(Point a, Point b, double w, double h, const std::vector<Circle>& markers,
                           const std::vector<Box>& obstacles, const Box& bounds, bool from_end,
                           double offset, double step) {
    LineLabel best;
    if (from_end) std::swap(a, b);
    double len = std::hypot(b.x - a.x, b.y - a.y);
    if (!std::isfinite(len) || len < w + 2 * step) return best;
    double ux = (b.x - a.x) / len, uy = (b.y - a.y) / len;
    // The text always reads left to right.
    double dx = ux, dy = uy;
    if (dx < 0) { dx = -dx; dy = -dy; }
    const double angle = std::atan2(dy, dx);
    const double nx = std::sin(angle), ny = -std::cos(angle);  // "up" from the baseline
    for (double t = step; t + w + step <= len; t += step) {
        // The text's left end: at distance t from a, or w further when walking leftwards.
        double px = a.x + ux * t, py = a.y + uy * t;
        if (ux < 0 || (ux == 0 && uy > 0)) {
            px -= dx * w;
            py -= dy * w;
        }
        double x = px + nx * offset, y = py + ny * offset;
        double ex = x + dx * w, ey = y + dy * w;  // baseline end
        double tx = nx * h, ty = ny * h;          // text height direction
        Box bx{std::min({x, ex, x + tx, ex + tx}), std::min({y, ey, y + ty, ey + ty}),
               std::max({x, ex, x + tx, ex + tx}), std::max({y, ey, y + ty, ey + ty})};
        if (!bx.inside(bounds)) continue;
        if (std::any_of(obstacles.begin(), obstacles.end(), [&](const Box& o) { return o.overlaps(bx, 1); })) continue;
        LineLabel cand{true, x, y, angle * 180 / 3.14159265358979323846, bx};
        if (!best.placed) best = cand;
        if (std::none_of(markers.begin(), markers.end(), [&](const Circle& m) { return overlaps(bx, m, 1); }))
            return cand;
    }
    return best;
}

namespace {

// Candidate directions, preferred first: right, upper right, lower right, above, below, left...
struct Dir {
    double dx, dy;
};
const Dir kDirs[] = {{1, 0},  {1, -1},  {1, 1},  {0, -1}, {0, 1},  {-1, 0},  {-1, -1}, {-1, 1},
                     {2, -1}, {2, 1},   {-2, -1}, {-2, 1}, {1, -2}, {1, 2},   {-1, -2}, {-1, 2},
                     {4, -1}, {4, 1},   {-4, -1}, {-4, 1}};

// Box of size (w, h) whose side or corner facing the anchor is `dist` away from it along `d`.
Box box_at(double x, double y, double dist, Dir d, double w, double h) {
    double len = std::hypot(d.dx, d.dy);
    double ux = d.dx / len, uy = d.dy / len;
    double px = x + ux * dist, py = y + uy * dist;  // attachment point
    Box b;
    // Horizontal: to the right of px, left of it, or centred.
    if (ux > 0.2) b.x0 = px;
    else if (ux < -0.2) b.x0 = px - w;
    else b.x0 = px - w / 2;
    if (uy > 0.2) b.y0 = py;
    else if (uy < -0.2) b.y0 = py - h;
    else b.y0 = py - h / 2;
    b.x1 = b.x0 + w;
    b.y1 = b.y0 + h;
    return b;
}

// Nearest point of box b to (x, y).
void nearest_on_box(const Box& b, double x, double y, double& bx, double& by) {
    bx = std::clamp(x, b.x0, b.x1);
    by = std::clamp(y, b.y0, b.y1);
}

bool segment_hits_circle(double x0, double y0, double x1, double y1, const Circle& c) {
    double dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? std::clamp(((c.x - x0) * dx + (c.y - y0) * dy) / len2, 0.0, 1.0) : 0;
    return std::hypot(x0 + t * dx - c.x, y0 + t * dy - c.y) < c.r;
}

} // namespace

std::vector<LabelPlacement> place_labels(const std::vector<LabelRequest>& requests,
                                         const std::vector<Circle>& markers,
                                         const std::vector<Box>& obstacles, const Box& bounds,
                                         const std::vector<SoftLine>& soft_lines,
                                         const LabelLayoutOptions& opt) {
    std::vector<LabelPlacement> out(requests.size());
    std::vector<Box> placed;
    std::vector<std::pair<Point, Point>> leaders;  // of the labels placed so far
    for (size_t i = 0; i < requests.size(); ++i) {
        const auto& req = requests[i];
        std::vector<Circle> anchors{{req.x, req.y, req.radius}};
        anchors.insert(anchors.end(), req.alternatives.begin(), req.alternatives.end());
        LabelPlacement best;
        best.cost = INFINITY;
        for (int ring = 0; ring < opt.rings; ++ring) {
            // No candidate of this ring or farther can beat what we have.
            const double ring_cost = ring * opt.ring_cost + ring * ring * opt.ring_cost2;
            if (ring_cost >= best.cost) break;
            for (size_t ai = 0; ai < anchors.size(); ++ai) {
                const Circle& r = anchors[ai];
                if (!std::isfinite(r.x) || !std::isfinite(r.y)) continue;
                // Rings grow by about a label height so that stacked labels find room.
                double dist = r.r + opt.gap + ring * (req.height + 4 + ring * 2);
                for (size_t di = 0; di < std::size(kDirs); ++di) {
                    // An alternative anchor costs a little more than the main one.
                    double cost = ring_cost + static_cast<double>(di) * 0.05 + (ai ? 0.3 : 0);
                    if (cost >= best.cost) continue;
                    Box b = box_at(r.x, r.y, dist, kDirs[di], req.width, req.height);
                    if (!b.inside(bounds)) continue;
                    bool clash = false;
                    for (size_t k = 0; k < placed.size() && !clash; ++k) clash = b.overlaps(placed[k], opt.pad);
                    for (size_t k = 0; k < obstacles.size() && !clash; ++k) clash = b.overlaps(obstacles[k], opt.pad);
                    for (size_t k = 0; k < markers.size() && !clash; ++k) clash = overlaps(b, markers[k], opt.pad);
                    for (size_t k = 0; k < leaders.size() && !clash; ++k)
                        clash = segment_crosses_box(leaders[k].first, leaders[k].second, b);
                    if (clash) continue;
                    double soft = 0;
                    for (const auto& s : soft_lines)
                        if (segment_crosses_box(s.a, s.b, b)) soft += s.penalty;
                    cost += std::min(soft, opt.max_soft_cost);
                    if (cost >= best.cost) continue;
                    LabelPlacement lp;
                    lp.placed = true;
                    lp.anchor = ai;
                    lp.box = b;
                    nearest_on_box(b, r.x, r.y, lp.bx, lp.by);
                    double dx = lp.bx - r.x, dy = lp.by - r.y, len = std::hypot(dx, dy);
                    lp.leader = len > r.r + opt.leader_after;
                    if (lp.leader) {
                        lp.lx = r.x + dx / len * r.r;
                        lp.ly = r.y + dy / len * r.r;
                        // A leader that crosses another label would be misread as pointing there.
                        for (size_t k = 0; k < placed.size() && !clash; ++k)
                            clash = segment_crosses_box({lp.lx, lp.ly}, {lp.bx, lp.by}, placed[k]);
                        if (clash) continue;
                        for (const auto& m : markers)
                            if ((m.x != r.x || m.y != r.y) && segment_hits_circle(lp.lx, lp.ly, lp.bx, lp.by, m))
                                cost += opt.crossing_cost;
                        if (cost >= best.cost) continue;
                    }
                    lp.cost = cost;
                    best = lp;
                }
            }
        }
        if (best.placed) {
            out[i] = best;
            placed.push_back(best.box);
            if (best.leader) leaders.push_back({{best.lx, best.ly}, {best.bx, best.by}});
        }
    }
    return out;
}

} // namespace rafter
