// The roofline charts: well-formed SVG, no NaN/inf, one tooltip per plotted group, points where
// their AI and FLOP rate say, degenerate inputs, and a rendering check with rsvg-convert.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>

#include "core/atomic_file.h"
#include "plots/roofline_svg.h"
#include "png_check.h"
#include "synthetic_reports.h"
#include "test_support.h"
#include "xml_check.h"

using namespace rafter;

namespace {

size_t count(const std::string& s, const std::string& what) {
    size_t n = 0;
    for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + what.size())) ++n;
    return n;
}

bool has_nonfinite(const std::string& svg) {
    static const std::regex bad(R"((^|[^A-Za-z])-?(nan|inf)([^A-Za-z]|$))", std::regex::icase);
    return std::regex_search(svg, bad);
}

void check_valid(const std::string& svg, const std::string& name) {
    INFO(name);
    CHECK(test::xml_wellformed_error(svg) == "");
    CHECK_FALSE(has_nonfinite(svg));
    auto path = test::scratch_dir("xmllint-" + name) + "/c.svg";
    write_file_atomically(path, svg);
    auto lint = test::xmllint_file(path);
    if (lint.rfind("skip:", 0) == 0) MESSAGE(lint);
    else CHECK(lint == "");
}

double attr(const std::string& element, const std::string& name) {
    std::regex re("\\b" + name + "=\"([-0-9.]+)\"");
    std::smatch m;
    REQUIRE(std::regex_search(element, m, re));
    return std::stod(m[1]);
}

// The element text of every `<tag ...>` in the data group (<g class="group">) whose tooltip
// starts with `title`.
std::vector<std::string> elements_of_group(const std::string& svg, const std::string& title, const std::string& tag) {
    std::vector<std::string> out;
    const std::string head = "<g class=\"group\"";
    for (size_t g = svg.find(head); g != std::string::npos; g = svg.find(head, g + 1)) {
        size_t t = svg.find("<title>", g);
        if (svg.compare(t + 7, title.size(), title) != 0) continue;
        size_t end = svg.find("</g>", t);
        for (size_t p = svg.find("<" + tag + " ", t); p != std::string::npos && p < end; p = svg.find("<" + tag + " ", p + 1))
            out.push_back(svg.substr(p, svg.find('>', p) - p + 1));
        break;
    }
    return out;
}

// x of the tick label `label` on the bottom axis (text-anchor middle puts x at the tick).
double tick_label_x(const std::string& svg, const std::string& label) {
    std::regex re("<text x=\"([-0-9.]+)\" y=\"[-0-9.]+\">" + label + "</text>");
    std::smatch m;
    REQUIRE(std::regex_search(svg, m, re));
    return std::stod(m[1]);
}

// y of the tick label `label` on the left axis.
double tick_label_y(const std::string& svg, const std::string& label) {
    std::regex re("<text x=\"[-0-9.]+\" y=\"([-0-9.]+)\">" + label + "</text>");
    std::smatch m;
    REQUIRE(std::regex_search(svg, m, re));
    return std::stod(m[1]);
}

// Groups the hierarchical chart can plot: FLOPs > 0, a FLOP rate, and an AI at some level.
size_t plottable_hier(const RooflineReport& r) {
    size_t n = 0;
    for (const auto& g : r.groups) {
        bool any_ai = false;
        for (auto l : {MemLevel::l1, MemLevel::l2, MemLevel::dram})
            any_ai |= g.ai[static_cast<size_t>(l)].has_value();
        if (g.flops_total && *g.flops_total > 0 && g.flop_rate && any_ai) ++n;
    }
    return n;
}

} // namespace

TEST_CASE("synthetic V100 report: both charts are valid, one tooltip group per plotted group") {
    auto r = test::synthetic_report(40, 1);
    REQUIRE(r.groups.size() == 40);
    REQUIRE(plottable_hier(r) == 40);
    auto h = render_hierarchical_roofline_svg(r);
    auto t = render_time_roofline_svg(r);
    check_valid(h, "hier");
    check_valid(t, "time");
    // Each plotted group is one <g class="group"> whose first child is its <title>.
    CHECK(count(h, "<g class=\"group\"") == 40);
    CHECK(count(t, "<g class=\"group\"") == 40);
    CHECK(count(h, "<g class=\"group\" fill=\"#0072B2\">\n   <title>") == 1);
    // Each group has one marker per level with bytes (3 here): 120 markers in the points layer.
    auto pts = h.substr(h.find("class=\"points\""), h.find("class=\"roof-labels\"") - h.find("class=\"points\""));
    CHECK(count(pts, "<circle ") + count(pts, "<rect ") + count(pts, "<polygon ") == 120);
    // Roof and ceiling labels with the machine's figures.
    CHECK(h.find(">DRAM 900 GB/s<") != std::string::npos);
    CHECK(h.find(">L2 3.13 TB/s<") != std::string::npos);
    CHECK(h.find(">Tensor 125 TFLOP/s<") != std::string::npos);
    CHECK(h.find(">FP32 15.7 TFLOP/s<") != std::string::npos);
    // Secondary axes of the time chart.
    CHECK(t.find("Byte-time = bytes / 900 GB/s") != std::string::npos);
    CHECK(t.find("FLOP-time = FLOPs / 125 TFLOP/s") != std::string::npos);
    // Eight labelled groups by default, each label a rect + text in the labels layer.
    auto labels = h.substr(h.find("class=\"labels\""));
    labels = labels.substr(0, labels.find("</g>"));
    CHECK(count(labels, "<text ") == 8);
}

TEST_CASE("hierarchical chart: a group at the ridge point sits on the roof corner") {
    auto m = test::v100_machine();
    // Group A: L1 AI exactly at the FP32 ridge of the L1 roof and FP32 peak rate:
    // FLOPs 15.7e9 in 1 ms; L1 bytes = FLOPs / (15.7e12 / 15.6672e12).
    double fa = 15.7e9, ridge = 15.7e12 / 15.6672e12;
    // Group B: AI 1 FLOP/B at every level, FLOP rate 100 GFLOP/s (1e8 FLOPs in 1 ms).
    auto r = test::make_report(m, {test::make_group("ridge_kernel", FlopKind::fp32, fa, fa / ridge, -1, -1, 1e-3, 1),
                                   test::make_group("ai_one_kernel", FlopKind::fp32, 1e8, 1e8, 1e8, 1e8, 1e-3, 1)});
    REQUIRE(r.groups[1].name == "ridge_kernel");  // equal times: ordered by name
    REQUIRE(r.groups[1].flop_rate.value() == doctest::Approx(15.7e12));
    auto svg = render_hierarchical_roofline_svg(r);
    check_valid(svg, "ridge");
    // The FP32 ceiling is the only one: it starts at the L1 ridge (x) at the FP32 peak (y).
    std::regex ceiling("<polyline points=\"([-0-9.]+),([-0-9.]+) ([-0-9.]+),([-0-9.]+)\" stroke-width=\"2.2\"><title>FP32 peak");
    std::smatch c;
    REQUIRE(std::regex_search(svg, c, ceiling));
    auto ridge_marker = elements_of_group(svg, "ridge_kernel", "circle");
    REQUIRE(ridge_marker.size() == 1);  // only L1 bytes: one circle
    CHECK(attr(ridge_marker[0], "cx") == doctest::Approx(std::stod(c[1])).epsilon(0.002));
    CHECK(attr(ridge_marker[0], "cy") == doctest::Approx(std::stod(c[2])).epsilon(0.002));
    // AI 1: the L1 circle lies exactly under the x tick labelled "1".
    auto one = elements_of_group(svg, "ai_one_kernel", "circle");
    REQUIRE(one.size() == 1);
    CHECK(attr(one[0], "cx") == doctest::Approx(tick_label_x(svg, "1")).epsilon(0.002));
    // 100 GFLOP/s is log10(15.7e12 / 1e11) = 2.196 decades below the FP32 ceiling; a decade on
    // the y axis is the distance between the "10 G" and "100 G" tick labels.
    double per_decade = tick_label_y(svg, "10 G") - tick_label_y(svg, "100 G");
    REQUIRE(per_decade > 0);
    CHECK((attr(one[0], "cy") - std::stod(c[2])) / per_decade == doctest::Approx(std::log10(15.7e12 / 1e11)).epsilon(0.003));
    // And along x: the ridge is log10(ridge) decades right of AI 1.
    double per_decade_x = tick_label_x(svg, "10") - tick_label_x(svg, "1");
    CHECK((attr(ridge_marker[0], "cx") - attr(one[0], "cx")) / per_decade_x ==
          doctest::Approx(std::log10(ridge)).epsilon(0.01));
}

TEST_CASE("time chart: point, time box and roof segment coordinates agree") {
    auto m = test::v100_machine();
    // Memory-bound group: 1 GB DRAM, 1 GFLOP (AI 1 < balance 139), 2 ms, 10 launches.
    // Its box right edge is at t*BW = 1.8 GB; the segment ends at (1.8 GB, 1.8 GFLOP).
    auto r = test::make_report(m, {test::make_group("membound", FlopKind::fp32, 1e9, 4e9, 2e9, 1e9, 2e-3, 10)});
    auto svg = render_time_roofline_svg(r);
    check_valid(svg, "time-coords");
    auto marker = elements_of_group(svg, "membound", "circle");
    REQUIRE(marker.size() == 1);
    double cx = attr(marker[0], "cx"), cy = attr(marker[0], "cy");
    CHECK(cx == doctest::Approx(tick_label_x(svg, "1 G")).epsilon(0.002));
    // The time box rect: its right edge at 1.8 GB; the segment from the point to that edge with
    // slope 1 decade per decade (AI constant).
    std::regex rect("<rect x=\"([-0-9.]+)\" y=\"([-0-9.]+)\" width=\"([-0-9.]+)\" height=\"([-0-9.]+)\" fill=\"#0072B2\" fill-opacity=\"0.02\"");
    std::smatch b;
    REQUIRE(std::regex_search(svg, b, rect));
    double box_right = std::stod(b[1]) + std::stod(b[3]);
    std::regex seg("<line x1=\"([-0-9.]+)\" y1=\"([-0-9.]+)\" x2=\"([-0-9.]+)\" y2=\"([-0-9.]+)\" stroke=\"#0072B2\" stroke-width=\"1.6\"/>");
    std::smatch s;
    REQUIRE(std::regex_search(svg, s, seg));
    CHECK(std::stod(s[1]) == doctest::Approx(cx).epsilon(0.002));
    CHECK(std::stod(s[2]) == doctest::Approx(cy).epsilon(0.002));
    CHECK(std::stod(s[3]) == doctest::Approx(box_right).epsilon(0.002));
    // Tick "1 G" and the box edge at 1.8 G: box_right - cx = log10(1.8) decades of x.
    // (The bottom axis is drawn before the left one, so its labels are found first.)
    double x_1g = tick_label_x(svg, "1 G"), x_100m = tick_label_x(svg, "100 M");
    CHECK(box_right - x_1g == doctest::Approx(std::log10(1.8) * (x_1g - x_100m)).epsilon(0.01));
    // Memory-bound: the segment rises as much as it runs (AI constant), in decades.
    CHECK(std::stod(s[2]) - std::stod(s[4]) > 0);
    // Launch ceiling: 10 x 4 us = 40 us -> 36 MB, dashed.
    CHECK(svg.find("launch floor of its 10 launches = 30 \xC2\xB5s") != std::string::npos);  // 10 x 3 us
}

TEST_CASE("degenerate inputs give valid SVGs with a message or notes") {
    auto m = test::v100_machine();
    RooflineReport empty;
    empty.machine = m;
    for (auto* f : {&render_hierarchical_roofline_svg, &render_time_roofline_svg}) {
        auto svg = (*f)(empty, {});
        check_valid(svg, "empty");
        CHECK(svg.find("No kernel groups in the report") != std::string::npos);
        CHECK(count(svg, "<g class=\"group\"") == 0);
    }
    auto missing = test::unplottable_report();
    auto h = render_hierarchical_roofline_svg(missing);
    check_valid(h, "missing-h");
    // Notes are wrapped to the chart width: check them piecewise.
    CHECK(h.find("3 groups not plotted: 1 without FLOPs (missing), 1 with zero FLOPs") != std::string::npos);
    CHECK(h.find("1 without bytes at L1, L2 or DRAM.") != std::string::npos);
    CHECK(h.find("No group has both FLOPs and bytes") != std::string::npos);
    auto t = render_time_roofline_svg(missing);
    check_valid(t, "missing-t");
    CHECK(t.find("3 groups not plotted: 1 without FLOPs (missing), 1 without DRAM bytes (missing)") != std::string::npos);
    CHECK(t.find("No group has both FLOPs and DRAM bytes") != std::string::npos);

    // A mix: some plotted, some skipped; the note counts only the skipped ones.
    auto mix = test::synthetic_report(12, 3);
    mix.groups.push_back(test::make_group("zero_dram", FlopKind::fp32, 1e9, 1e6, 1e6, 0, 1e-3, 1));
    finalize_group(mix.groups.back(), m);
    auto mt = render_time_roofline_svg(mix);
    check_valid(mt, "mix");
    CHECK(count(mt, "<g class=\"group\"") == 12);
    CHECK(mt.find("1 group not plotted: 1 with zero DRAM bytes") != std::string::npos);

    // A machine without bandwidths or peaks: points only, notes say why.
    auto bare = test::synthetic_report(10, 2);
    bare.machine = Machine{};
    auto bh = render_hierarchical_roofline_svg(bare);
    check_valid(bh, "bare-h");
    CHECK(bh.find("no memory bandwidths") != std::string::npos);
    CHECK(bh.find("has no peak for") != std::string::npos);
    CHECK(count(bh, "<g class=\"group\"") == 10);
    auto bt = render_time_roofline_svg(bare);
    check_valid(bt, "bare-t");
    CHECK(bt.find("no DRAM bandwidth") != std::string::npos);
    CHECK(bt.find("Byte-time") == std::string::npos);
    CHECK(count(bt, "<g class=\"group\"") == 10);

    // Tiny canvas and no labels: still valid.
    ChartOptions tiny;
    tiny.width = 10;
    tiny.height = 10;
    tiny.max_labels = 0;
    auto th = render_hierarchical_roofline_svg(test::synthetic_report(40, 5), tiny);
    check_valid(th, "tiny-h");
    // The legend does not fit 280 px: the rest is summarized in one line.
    CHECK(th.find("more legend entries") != std::string::npos);
    CHECK(th.find("width=\"360\" height=\"280\"") != std::string::npos);
    check_valid(render_time_roofline_svg(test::synthetic_report(40, 5), tiny), "tiny-t");
}

TEST_CASE("names with XML metacharacters are escaped") {
    auto m = test::v100_machine();
    auto r = test::make_report(m, {test::make_group("void k<float, 4>(int&, \"a\")", FlopKind::fp32, 1e9, 2e9, 2e9, 1e9, 1e-3, 1)});
    ChartOptions o;
    o.title = "A & B <test>";
    for (auto* f : {&render_hierarchical_roofline_svg, &render_time_roofline_svg}) {
        auto svg = (*f)(r, o);
        check_valid(svg, "escape");
        CHECK(svg.find("A &amp; B &lt;test&gt;") != std::string::npos);
        CHECK(svg.find("int&amp;, &quot;a&quot;") != std::string::npos);
    }
}

TEST_CASE("group_attrs: the caller's id and data-* on each group's mark, the rest unchanged") {
    auto r = test::synthetic_report(40, 1);
    ChartOptions o;
    o.group_attrs.resize(30);  // the last 10 groups get none
    for (size_t i = 0; i < o.group_attrs.size(); ++i)
        o.group_attrs[i] = {"m-" + std::to_string(i),
                            {{"group", std::to_string(i)}, {"Bad Name", "x"}, {"note", "a<b"}}};
    for (auto* f : {&render_hierarchical_roofline_svg, &render_time_roofline_svg}) {
        auto svg = (*f)(r, o);
        check_valid(svg, "group-attrs");
        CHECK(count(svg, "<g class=\"group\"") == 40);
        CHECK(count(svg, "<g class=\"group\" id=\"m-") == 30);
        CHECK(svg.find("Bad Name") == std::string::npos);  // not an allowed data-* name: left out
        // Each mark carries the attributes of its own group: its tooltip starts with that name.
        std::regex mark(R"re(<g class="group" id="m-(\d+)" data-group="(\d+)" )re"
                        R"re(data-note="a&lt;b" fill="[^"]+"[^>]*>\s*<title>([^\n<]*))re");
        size_t marks = 0;
        for (std::sregex_iterator it(svg.begin(), svg.end(), mark), end; it != end; ++it, ++marks) {
            size_t i = std::stoul((*it)[1]);
            CHECK((*it)[2] == std::to_string(i));
            CHECK((*it)[3] == xml_escape(r.groups[i].name));
        }
        CHECK(marks == 30);
        // Without those attributes the text is that of the chart drawn without them.
        std::regex extra(R"re( id="m-\d+" data-group="\d+" data-note="a&lt;b")re");
        CHECK(std::regex_replace(svg, extra, "") == (*f)(r, ChartOptions{}));
    }
}

TEST_CASE("rendered charts are not blank (rsvg-convert)") {
    auto dir = test::scratch_dir("render");
    auto r = test::synthetic_report(40, 1);
    for (auto [name, svg] : {std::pair{"hier", render_hierarchical_roofline_svg(r)},
                             std::pair{"time", render_time_roofline_svg(r)}}) {
        std::string svg_path = dir + "/" + name + ".svg", png_path = dir + "/" + name + ".png";
        write_file_atomically(svg_path, svg);
        auto err = test::render_png(svg_path, png_path, 700);
        if (err.rfind("skip:", 0) == 0) {
            MESSAGE(err);
            return;
        }
        REQUIRE(err == "");
        auto st = test::png_stats(png_path);
        REQUIRE(st.error == "");
        CHECK(st.width == 700);
        double area = static_cast<double>(st.width * st.height);
        // A chart inks a few percent of its area (frame, text, markers) and has colour (groups).
        CHECK(st.non_white > area * 0.03);
        CHECK(st.non_white < area * 0.6);
        CHECK(st.colored > area * 0.005);
    }
}

TEST_CASE("time chart with 60 groups: time boxes and labels for the top few, a point for each, no label on a marker") {
    auto r = test::synthetic_report(60, 7);
    REQUIRE(r.groups.size() == 60);
    size_t plottable = 0;
    for (const auto& g : r.groups) {
        const Value& b = g.bytes[static_cast<size_t>(MemLevel::dram)];
        if (g.flops_total && *g.flops_total > 0 && b.has() && b.value > 0) ++plottable;
    }
    REQUIRE(plottable >= 50);
    ChartOptions opt;
    auto svg = render_time_roofline_svg(r, opt);
    check_valid(svg, "time-60");
    // Time boxes only for the largest groups (at most max_labels), not 60 overlapping rectangles.
    size_t boxes = count(svg, "fill-opacity=\"0.02\"");
    CHECK(boxes >= 1);
    CHECK(boxes <= opt.max_labels);
    // Every plottable group is a marker; the markers are the circles of the points layer.
    size_t points_at = svg.find("<g class=\"points\"");
    size_t labels_at = svg.find("<g class=\"labels\"");
    REQUIRE(points_at != std::string::npos);
    REQUIRE(labels_at != std::string::npos);
    REQUIRE(labels_at > points_at);
    struct Mark { double x, y, r; };
    std::vector<Mark> marks;
    std::regex circle(R"re(<circle [^>]*cx="([-0-9.]+)" cy="([-0-9.]+)" r="([-0-9.]+)")re");
    std::string layer = svg.substr(points_at, labels_at - points_at);
    for (std::sregex_iterator it(layer.begin(), layer.end(), circle), end; it != end; ++it)
        marks.push_back({std::stod((*it)[1]), std::stod((*it)[2]), std::stod((*it)[3])});
    CHECK(marks.size() == plottable);
    // Labels: at most max_labels, each a box that covers no marker (the layout's hard rule).
    std::regex label(R"re(<rect x="([-0-9.]+)" y="([-0-9.]+)" width="([-0-9.]+)" height="([-0-9.]+)" rx="2")re");
    std::string labels = svg.substr(labels_at);
    size_t n_labels = 0;
    for (std::sregex_iterator it(labels.begin(), labels.end(), label), end; it != end; ++it) {
        ++n_labels;
        double x0 = std::stod((*it)[1]), y0 = std::stod((*it)[2]);
        double x1 = x0 + std::stod((*it)[3]), y1 = y0 + std::stod((*it)[4]);
        for (const auto& m : marks) {
            double dx = std::max({x0 - m.x, 0.0, m.x - x1}), dy = std::max({y0 - m.y, 0.0, m.y - y1});
            CAPTURE(m.x);
            CAPTURE(m.y);
            CHECK(dx * dx + dy * dy >= m.r * m.r * 0.999);
        }
    }
    CHECK(n_labels >= 4);
    CHECK(n_labels <= opt.max_labels);
}
