// Unit tests for the reusable chart parts: SVG writer, log axes, label layout, text helpers.
#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include "plots/chart_frame.h"
#include "plots/comm_roofline_svg.h"
#include "plots/label_layout.h"
#include "plots/log_axis.h"
#include "plots/svg_writer.h"
#include "xml_check.h"

using namespace rafter;

static std::vector<std::string> labels_of(const std::vector<Tick>& ticks) {
    std::vector<std::string> out;
    for (const auto& t : ticks)
        if (!t.label.empty()) out.push_back(t.label);
    return out;
}

TEST_CASE("xml_escape and svg_number") {
    CHECK(xml_escape("a<b & \"c\" 'd'>") == "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;");
    CHECK(xml_escape(std::string("x\x01y\tz", 5)) == "xy\tz");  // control characters dropped
    CHECK(svg_number(12.5) == "12.5");
    CHECK(svg_number(3.0) == "3");
    CHECK(svg_number(-0.001) == "0");
    CHECK(svg_number(1.005e3) == "1005");
    CHECK(svg_number(0.126) == "0.13");
    CHECK(svg_number(-2.5) == "-2.5");
    CHECK(svg_number(NAN) == "0");
    CHECK(svg_number(INFINITY) == "0");
}

TEST_CASE("SvgWriter produces well-formed XML and counts non-finite numbers") {
    SvgWriter svg(100, 50, "sans-serif");
    svg.open("g", Attrs().add("class", "a&b"));
    svg.title("tip <1>");
    svg.element("circle", Attrs().num("cx", 1).num("cy", NAN).num("r", 2), "name & \"quoted\"");
    svg.text("x < y", Attrs().num("x", 1).num("y", 2));
    svg.comment("a -- b");
    svg.element("polyline", Attrs().points("points", {{0, 0}, {INFINITY, 1}}));
    std::string doc = svg.finish();
    CHECK(test::xml_wellformed_error(doc) == "");
    CHECK(svg.nonfinite_count() == 2);
    CHECK(doc.find("cy=\"0\"") != std::string::npos);
    CHECK(doc.find("<title>name &amp; &quot;quoted&quot;</title>") != std::string::npos);
    CHECK(doc.find("viewBox=\"0 0 100 50\"") != std::string::npos);
}

TEST_CASE("Attrs::extra writes the id and valid data-* names, escaped, in order") {
    ElementAttrs e{"a\"1",
                   {{"group", "3"}, {"", "x"}, {"Upper", "x"}, {"a b", "x"}, {"k-2_x.y", "<&>"}}};
    SvgWriter svg(10, 10, "sans-serif");
    svg.element("g", Attrs().add("class", "c").extra(e).add("fill", "#fff"));
    std::string doc = svg.finish();
    CHECK(test::xml_wellformed_error(doc) == "");
    CHECK(doc.find("<g class=\"c\" id=\"a&quot;1\" data-group=\"3\" data-k-2_x.y=\"&lt;&amp;&gt;\" "
                   "fill=\"#fff\"/>") != std::string::npos);
    CHECK(Attrs().extra({}).items().empty());
}

TEST_CASE("the XML checker rejects malformed documents") {
    CHECK(test::xml_wellformed_error("<a><b></a></b>") != "");
    CHECK(test::xml_wellformed_error("<a x=1/>") != "");
    CHECK(test::xml_wellformed_error("<a x=\"1\" x=\"2\"/>") != "");
    CHECK(test::xml_wellformed_error("<a>&nbsp;</a>") != "");
    CHECK(test::xml_wellformed_error("<a/><b/>") != "");
    CHECK(test::xml_wellformed_error("<a><!-- x -- y --></a>") != "");
    CHECK(test::xml_wellformed_error("<a>") != "");
    CHECK(test::xml_wellformed_error("<?xml version=\"1.0\"?>\n<a t=\"&amp;&#181;\">x &lt; y</a>\n") == "");
}

TEST_CASE("log_ticks: powers of ten with SI labels and minor ticks") {
    // 1e9..1e15 spans 6 decades: 7 labeled majors, minors at 2..9 x 10^k between them.
    auto t = log_ticks(1e9, 1e15, TickFormat::si);
    CHECK(labels_of(t) == std::vector<std::string>{"1 G", "10 G", "100 G", "1 T", "10 T", "100 T", "1 P"});
    CHECK(t.size() == 7 + 6 * 8);
    CHECK(t.front().value == doctest::Approx(1e9));
    CHECK(t[1].value == doctest::Approx(2e9));
    CHECK_FALSE(t[1].major);
    // More than 6 decades: no minors.
    auto wide = log_ticks(2e8, 5e15, TickFormat::si);
    CHECK(wide.size() == 7);
    CHECK(labels_of(wide) == std::vector<std::string>{"1 G", "10 G", "100 G", "1 T", "10 T", "100 T", "1 P"});
}

TEST_CASE("log_ticks: decimal intensity labels") {
    auto t = log_ticks(0.01, 1000, TickFormat::decimal);
    CHECK(labels_of(t) == std::vector<std::string>{"0.01", "0.1", "1", "10", "100", "1000"});
    CHECK(t.size() == 6 + 5 * 8);
    auto big = log_ticks(1e-5, 1e5, TickFormat::decimal, 20);
    CHECK(labels_of(big).front() == "10 \xC2\xB5");  // outside 1e-3..1e4: SI
    CHECK(labels_of(big).back() == "100 k");
}

TEST_CASE("log_ticks: thins labels when there are too many decades") {
    // 24 powers of ten (1e-3..1e20), at most 10 labels: every 3rd decade, aligned on 10^(3k).
    auto t = log_ticks(1e-3, 1e20, TickFormat::si, 10);
    CHECK(t.size() == 24);
    CHECK(labels_of(t) == std::vector<std::string>{"1 m", "1", "1 k", "1 M", "1 G", "1 T", "1 P", "1 E"});
}

TEST_CASE("log_ticks: a range with fewer than two powers of ten labels 2x and 5x") {
    auto t = log_ticks(3, 40, TickFormat::decimal);
    CHECK(labels_of(t) == std::vector<std::string>{"5", "10", "20"});
    std::vector<double> values;
    for (const auto& x : t) values.push_back(x.value);
    std::vector<double> expect{3, 4, 5, 6, 7, 8, 9, 10, 20, 30, 40};
    REQUIRE(values.size() == expect.size());
    for (size_t i = 0; i < values.size(); ++i) CHECK(values[i] == doctest::Approx(expect[i]));
    CHECK(log_ticks(0, 10, TickFormat::si).empty());
    CHECK(log_ticks(10, 10, TickFormat::si).empty());
    CHECK(log_ticks(NAN, 10, TickFormat::si).empty());
}

TEST_CASE("tick labels for seconds use the micro sign") {
    CHECK(tick_label(1e-5, TickFormat::seconds) == "10 \xC2\xB5s");
    CHECK(tick_label(1e-3, TickFormat::seconds) == "1 ms");
    CHECK(tick_label(1, TickFormat::seconds) == "1 s");
    CHECK(tick_label(1e-9, TickFormat::seconds) == "1 ns");
    CHECK(chart_unit(900e9, "B/s") == "900 GB/s");
    CHECK(chart_unit(15.7e12, "FLOP/s") == "15.7 TFLOP/s");
}

TEST_CASE("log_range pads and snaps to 1-2-5 steps") {
    auto r = log_range(1, 1000, 0).value();
    CHECK(r.lo == doctest::Approx(1));
    CHECK(r.hi == doctest::Approx(1000));
    // 10^(log10(1.5) - 0.1) = 1.19 -> 1; 10^(log10(700) + 0.1) = 881 -> 1000.
    auto p = log_range(1.5, 700, 0.1).value();
    CHECK(p.lo == doctest::Approx(1));
    CHECK(p.hi == doctest::Approx(1000));
    // 10^(log10(30) - 0.1) = 23.8 -> 20; 10^(log10(300)+0.1) = 377 -> 500.
    auto q = log_range(30, 300, 0.1).value();
    CHECK(q.lo == doctest::Approx(20));
    CHECK(q.hi == doctest::Approx(500));
    // A single value: one decade around it (10^(2 +- 0.5) = 31.6, 316 -> 20, 500).
    auto s = log_range(100, 100, 0).value();
    CHECK(s.lo == doctest::Approx(20));
    CHECK(s.hi == doctest::Approx(500));
    CHECK_FALSE(log_range(0, 10).has_value());
    CHECK_FALSE(log_range(-1, 10).has_value());
    CHECK_FALSE(log_range(1, INFINITY).has_value());
}

TEST_CASE("LogScale maps decades linearly, y axes upside down") {
    LogScale x{1, 1000, 100, 400};
    CHECK(x.to_px(1) == doctest::Approx(100));
    CHECK(x.to_px(10) == doctest::Approx(200));
    CHECK(x.to_px(std::sqrt(10.0)) == doctest::Approx(150));
    CHECK(x.from_px(300) == doctest::Approx(100));
    LogScale y{1e9, 1e12, 500, 200};
    CHECK(y.to_px(1e9) == doctest::Approx(500));
    CHECK(y.to_px(1e11) == doctest::Approx(300));
    CHECK(y.px_per_decade() == doctest::Approx(-100));
}

TEST_CASE("text_width uses DejaVu Sans advances") {
    // "0" is 636/1000 em, "i" 278/1000 em, "W" 989/1000 em.
    CHECK(text_width("0", 10) == doctest::Approx(6.36));
    CHECK(text_width("iW", 20) == doctest::Approx((278 + 989) / 1000.0 * 20));
    CHECK(text_width("\xC2\xB5", 10) == doctest::Approx(6.36));  // non-ASCII: one digit width
    CHECK(text_width("0", 10, true) == doctest::Approx(6.96));
}

TEST_CASE("fit_text and wrap_text respect widths") {
    std::string s = "a_very_long_kernel_name_that_does_not_fit";
    auto f = fit_text(s, 80, 12);
    CHECK(text_width(f, 12) <= 80);
    CHECK(f.size() < s.size());
    CHECK(f.substr(f.size() - 3) == "\xE2\x80\xA6");
    CHECK(fit_text("ok", 80, 12) == "ok");
    auto lines = wrap_text("one two three four five six seven eight nine ten", 60, 12);
    CHECK(lines.size() > 1);
    for (const auto& l : lines) CHECK(text_width(l, 12) <= 60);
}

TEST_CASE("segment_crosses_box") {
    Box b{10, 10, 20, 20};
    CHECK(segment_crosses_box({0, 15}, {30, 15}, b));
    CHECK(segment_crosses_box({12, 12}, {13, 13}, b));  // inside entirely
    CHECK_FALSE(segment_crosses_box({0, 0}, {30, 5}, b));
    CHECK_FALSE(segment_crosses_box({0, 30}, {30, 21}, b));
}

TEST_CASE("clip_segment keeps the part inside the box") {
    Box b{0, 0, 100, 100};
    Point a{-50, 50}, c{50, 50};
    REQUIRE(clip_segment(b, a, c));
    CHECK(a.x == doctest::Approx(0));
    CHECK(c.x == doctest::Approx(50));
    Point d{-10, -10}, e{-5, 200};
    CHECK_FALSE(clip_segment(b, d, e));
    Point f{-100, -100}, g{200, 200};
    REQUIRE(clip_segment(b, f, g));
    CHECK(f.x == doctest::Approx(0));
    CHECK(g.y == doctest::Approx(100));
}

TEST_CASE("a lone label goes to the right of its marker") {
    std::vector<LabelRequest> req{{200, 200, 5, 60, 14, {}}};
    auto p = place_labels(req, {{200, 200, 5}}, {}, Box{0, 0, 400, 400});
    REQUIRE(p[0].placed);
    CHECK(p[0].box.x0 == doctest::Approx(200 + 5 + 3));
    CHECK(p[0].box.y0 == doctest::Approx(200 - 7));
    CHECK_FALSE(p[0].leader);
    // At the right edge it flips to another side instead of leaving the bounds.
    std::vector<LabelRequest> edge{{395, 200, 3, 60, 14, {}}};
    auto q = place_labels(edge, {}, {}, Box{0, 0, 400, 400});
    REQUIRE(q[0].placed);
    CHECK(q[0].box.x1 <= 400);
    // A line through the preferred spot (a soft obstacle) sends the label to another side.
    std::vector<SoftLine> line{{{190, 200}, {300, 200}, 1.5}};
    auto s = place_labels(req, {{200, 200, 5}}, {}, Box{0, 0, 400, 400}, line);
    REQUIRE(s[0].placed);
    CHECK_FALSE(segment_crosses_box({190, 200}, {300, 200}, s[0].box));
    CHECK_FALSE(s[0].leader);
}

TEST_CASE("label layout property: crowded cases never overlap") {
    std::mt19937 rng(7);
    for (int trial = 0; trial < 40; ++trial) {
        std::uniform_real_distribution<double> ux(20, 580), uy(20, 380), ur(2, 14), uw(30, 150);
        Box bounds{0, 0, 600, 400};
        size_t n = 20 + trial * 2;
        std::vector<LabelRequest> req;
        std::vector<Circle> markers;
        for (size_t i = 0; i < n; ++i) {
            // Clusters: half the markers crowd a 100 px square.
            double x = i % 2 ? 250 + ux(rng) / 6 : ux(rng), y = i % 2 ? 150 + uy(rng) / 4 : uy(rng);
            double r = ur(rng);
            markers.push_back({x, y, r});
            req.push_back({x, y, r, uw(rng), 15, {}});
        }
        std::vector<Box> obstacles{{500, 10, 590, 40}};
        std::vector<SoftLine> lines{{{0, 400}, {600, 0}, 1.5}};
        auto pl = place_labels(req, markers, obstacles, bounds, lines);
        size_t placed = 0;
        for (size_t i = 0; i < pl.size(); ++i) {
            if (!pl[i].placed) continue;
            ++placed;
            CHECK(pl[i].box.inside(bounds));
            CHECK(pl[i].box.width() == doctest::Approx(req[i].width));
            CHECK_FALSE(pl[i].box.overlaps(obstacles[0]));
            for (const auto& m : markers) CHECK_FALSE(overlaps(pl[i].box, m));
            for (size_t j = 0; j < pl.size(); ++j) {
                if (j == i || !pl[j].placed) continue;
                CHECK_FALSE(pl[i].box.overlaps(pl[j].box));
                // No leader runs through another label.
                if (pl[i].leader) CHECK_FALSE(segment_crosses_box({pl[i].lx, pl[i].ly}, {pl[i].bx, pl[i].by}, pl[j].box));
            }
        }
        // Most labels find room even when crowded (the first always does).
        CHECK(pl[0].placed);
        CHECK(placed * 2 >= std::min<size_t>(n, 30));
    }
}

TEST_CASE("communication roofline: a marker per sized group, dashed ceilings, well-formed, empty message") {
    CommRooflineChart c;
    c.title = "Communication roofline";
    c.points.push_back({"nccl all_reduce 1-16 MiB x2", "all_reduce", 4e6, 2e10, 0.1});
    c.points.push_back({"nccl all_to_all <64 KiB x16", "all_to_all", 448, 2.5e6, 0.01});
    c.points.push_back({"nccl all_reduce size unknown x2", "all_reduce", 0, 0, 0.05});  // not plottable
    c.ceilings.push_back({"NVLink (all_reduce)", 300e9});
    std::string svg = comm_roofline_svg(c);
    CHECK(rafter::test::xml_wellformed_error(svg).empty());
    size_t markers = 0;
    for (size_t p = 0; (p = svg.find("<circle", p)) != std::string::npos; ++p) ++markers;
    CHECK(markers == 2 + 2);  // two points, two legend kinds
    CHECK(svg.find("stroke-dasharray=\"6 4\"") != std::string::npos);
    CHECK(svg.find("NVLink (all_reduce) 300 GB/s") != std::string::npos);
    c.points.resize(0);
    CHECK(comm_roofline_svg(c).find("No collectives") != std::string::npos);
}
