#include "plots/label_layout.h"

#include <algorithm>
#include <cmath>

namespace rafter {

bool Box::overlaps(const Box& o, double pad) const {
    return x0 < o.x1 + pad && o.x0 < x1 + pad && y0 < o.y1 + pad && o.y0 < y1 + pad;
}

bool overlaps(const Box& b, const Circle& c, double pad) {
    double nx = std::clamp(c.x, b.x0, b.x1), ny = std::clamp(c.y, b.y0, b.y1);
    return std::hypot(nx - c.x, ny - c.y) < c.r + pad;
}

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

namespace {

// Candidate directions, preferred first: right, upper right, lower right, above, below, left...
struct Dir {
    double dx, dy;
};
const Dir kDirs[] = {{1, 0},  {1, -1}, {1, 1},  {0, -1}, {0, 1},   {-1, 0},
                     {-1, -1}, {-1, 1}, {2, -1}, {2, 1},  {-2, -1}, {-2, 1}};

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

bool segment_hits_box(double x0, double y0, double x1, double y1, const Box& b) {
    // Sampled test: leader lines are short, a few pixels of resolution is plenty.
    int n = std::max(4, static_cast<int>(std::hypot(x1 - x0, y1 - y0) / 2));
    for (int i = 1; i < n; ++i) {
        double t = static_cast<double>(i) / n;
        double x = x0 + (x1 - x0) * t, y = y0 + (y1 - y0) * t;
        if (x > b.x0 && x < b.x1 && y > b.y0 && y < b.y1) return true;
    }
    return false;
}

} // namespace

std::vector<LabelPlacement> place_labels(const std::vector<LabelRequest>& requests,
                                         const std::vector<Circle>& markers,
                                         const std::vector<Box>& obstacles, const Box& bounds,
                                         const LabelLayoutOptions& opt) {
    std::vector<LabelPlacement> out(requests.size());
    std::vector<Box> placed;
    for (size_t i = 0; i < requests.size(); ++i) {
        const auto& r = requests[i];
        if (!std::isfinite(r.x) || !std::isfinite(r.y)) continue;
        bool done = false;
        for (int ring = 0; ring < opt.rings && !done; ++ring) {
            // Rings grow by about a label height so that stacked labels find room.
            double dist = r.radius + opt.gap + ring * (r.height + 4 + ring * 2);
            for (const Dir& d : kDirs) {
                Box b = box_at(r.x, r.y, dist, d, r.width, r.height);
                if (!b.inside(bounds)) continue;
                bool clash = false;
                for (const auto& p : placed)
                    if (b.overlaps(p, opt.pad)) { clash = true; break; }
                if (clash) continue;
                for (const auto& o : obstacles)
                    if (b.overlaps(o, opt.pad)) { clash = true; break; }
                if (clash) continue;
                for (const auto& m : markers)
                    if (overlaps(b, m, opt.pad)) { clash = true; break; }
                if (clash) continue;
                LabelPlacement lp;
                lp.placed = true;
                lp.box = b;
                nearest_on_box(b, r.x, r.y, lp.bx, lp.by);
                double dx = lp.bx - r.x, dy = lp.by - r.y, len = std::hypot(dx, dy);
                lp.leader = len > r.radius + opt.leader_after;
                if (lp.leader) {
                    lp.lx = r.x + dx / len * r.radius;
                    lp.ly = r.y + dy / len * r.radius;
                    // A leader that crosses another label would be misread as pointing there.
                    for (const auto& p : placed)
                        if (segment_hits_box(lp.lx, lp.ly, lp.bx, lp.by, p)) { clash = true; break; }
                    if (clash) continue;
                }
                out[i] = lp;
                placed.push_back(b);
                done = true;
                break;
            }
        }
    }
    return out;
}

} // namespace rafter
