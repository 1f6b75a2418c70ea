#pragma once
// A small SVG 1.1 text writer: elements with escaped attributes, numbers with bounded precision.
// Charts never hand it NaN or infinity on purpose; if one slips through it writes 0 instead and
// counts it, so the output stays valid and tests can assert the count is zero.
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rafter {

// Escapes &, <, >, " and ' for XML text and attribute values; drops control characters that
// XML 1.0 forbids (they can appear in mangled kernel names).
std::string xml_escape(std::string_view s);

// Coordinates with at most two decimals and no trailing zeros: 12.5, 3, -0.25.
std::string svg_number(double v);

struct Point {
    double x = 0, y = 0;
};

// Attributes a caller attaches to a chart element so that a page embedding the chart can find it
// and link it (e.g. id="point-3" data-group="3"). Only an id and data-* attributes: they can't
// clash with the attributes the chart draws with, and the chart looks the same with or without.
struct ElementAttrs {
    std::string id;  // empty: none
    // Written as data-NAME="VALUE". NAME: lower-case letters, digits, '-', '_' or '.' (what an
    // XML name and the HTML dataset allow); any other name is left out so the SVG stays valid.
    std::vector<std::pair<std::string, std::string>> data;
};

// Attribute list builder: Attrs().add("fill", "#fff").num("x", 3.5).
class Attrs {
public:
    Attrs& add(std::string_view name, std::string_view value);
    Attrs& num(std::string_view name, double value);
    Attrs& points(std::string_view name, const std::vector<Point>& pts);
    Attrs& extra(const ElementAttrs& e);  // the id, then the data-* attributes, in order
    const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }
    size_t nonfinite() const { return nonfinite_; }

private:
    std::vector<std::pair<std::string, std::string>> items_;
    size_t nonfinite_ = 0;
};

// "x1,y1 x2,y2 ..." for points/polyline attributes.
std::string svg_points(const std::vector<Point>& pts, size_t* nonfinite = nullptr);

class SvgWriter {
public:
    // Writes the XML declaration and the <svg> root with a viewBox and a white background.
    SvgWriter(double width, double height, std::string_view font_family);

    // An element without children, or (when title is non-empty) with one <title> child: the
    // tooltip browsers show on hover.
    void element(std::string_view name, const Attrs& attrs, std::string_view title = {});
    void text(std::string_view content, const Attrs& attrs);
    void open(std::string_view name, const Attrs& attrs = {});
    void close();                             // closes the innermost open element
    void title(std::string_view content);     // <title> for the innermost open element
    void comment(std::string_view content);
    void raw(std::string_view xml);           // trusted markup (e.g. <defs> content)

    // Closes all open elements and the root; returns the document.
    std::string finish();
    size_t nonfinite_count() const { return nonfinite_; }

private:
    void write_attrs(const Attrs& attrs);
    void indent();

    std::string out_;
    std::vector<std::string> open_;
    size_t nonfinite_ = 0;
};

} // namespace rafter
