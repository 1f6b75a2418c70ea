#include "plots/palette.h"

#include <cmath>
#include <numbers>
#include <vector>

namespace rafter {

std::string_view series_color(size_t i) {
    static const std::string_view colors[kSeriesColors] = {
        "#0072B2",  // blue
        "#D55E00",  // vermillion
        "#009E73",  // bluish green
        "#E69F00",  // orange
        "#CC79A7",  // reddish purple
        "#56B4E9",  // sky blue
        "#000000",  // black
        "#F0E442",  // yellow
    };
    return colors[i % kSeriesColors];
}

// Equal-area sizes: square side s = r*sqrt(pi); equilateral triangle side a = r*sqrt(4*pi/sqrt(3));
// diamond = square rotated by 45 degrees.
double marker_extent(MarkerShape shape, double r) {
    const double pi = std::numbers::pi;
    switch (shape) {
    case MarkerShape::circle: return r;
    case MarkerShape::square: return r * std::sqrt(pi) / 2;
    case MarkerShape::triangle: return r * std::sqrt(4 * pi / std::sqrt(3.0)) / std::sqrt(3.0);  // apex
    case MarkerShape::diamond: return r * std::sqrt(pi) / std::sqrt(2.0);
    }
    return r;
}

void draw_marker(SvgWriter& svg, MarkerShape shape, double x, double y, double r, Attrs style,
                 std::string_view title) {
    const double pi = std::numbers::pi;
    switch (shape) {
    case MarkerShape::circle:
        style.num("cx", x).num("cy", y).num("r", r);
        svg.element("circle", style, title);
        return;
    case MarkerShape::square: {
        double s = r * std::sqrt(pi);
        style.num("x", x - s / 2).num("y", y - s / 2).num("width", s).num("height", s);
        svg.element("rect", style, title);
        return;
    }
    case MarkerShape::triangle: {
        // Centroid at (x, y): apex 2/3 of the height above it.
        double a = r * std::sqrt(4 * pi / std::sqrt(3.0));
        double h = a * std::sqrt(3.0) / 2;
        std::vector<Point> pts = {{x, y - 2 * h / 3}, {x + a / 2, y + h / 3}, {x - a / 2, y + h / 3}};
        style.points("points", pts);
        svg.element("polygon", style, title);
        return;
    }
    case MarkerShape::diamond: {
        double d = marker_extent(MarkerShape::diamond, r);
        std::vector<Point> pts = {{x, y - d}, {x + d, y}, {x, y + d}, {x - d, y}};
        style.points("points", pts);
        svg.element("polygon", style, title);
        return;
    }
    }
}

} // namespace rafter
