// `rafter report`: chart point <-> row linking, the HTML content for real inputs (values counted
// independently with Python over the ncu CSV: 797 kernel rows, 45 distinct kernel names, 21.8 GB
// DRAM), self-containment, the CLI's exit codes and atomic output. The browser behaviour is
// tested by report_browser (browser_test.sh).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "analysis/breakdown.h"
#include "analysis/roofline.h"
#include "model/machines/machine.h"
#include "plots/svg_writer.h"
#include "report/html/html_report.h"
#include "test_support.h"
#include "traces/importer.h"

using namespace rafter;
using namespace rafter::test;
namespace fs = std::filesystem;

namespace {

size_t count(const std::string& s, const std::string& what) {
    size_t n = 0;
    for (size_t p = 0; (p = s.find(what, p)) != std::string::npos; p += what.size()) ++n;
    return n;
}

std::string deepcam() { return source_dir() + "/examples/ncu/deepcam-v100-fw"; }

} // namespace

TEST_CASE("HTML report of the deepcam ncu exports: rows, linked chart points, no network") {
    ImportOptions io;
    Machine m = load_machine("v100-sxm2");
    io.arch = m.arch;
    auto traces = load_traces({deepcam()}, io);
    REQUIRE(traces.size() == 1);
    CHECK(traces[0].kernels.size() == 797);
    RooflineReport r = analyze_roofline(traces, m, {});
    REQUIRE(r.groups.size() == 45);
    BreakdownReport b = analyze_breakdown(traces);
    CHECK_FALSE(breakdown_has_data(b));  // ncu exports have no timestamps

    HtmlReportInputs in;
    in.roofline = &r;
    in.breakdown = &b;
    std::string html = render_html_report(in);
    // 45 rows in the group table + the 8 largest in the summary table.
    CHECK(count(html, "<tr data-group=") == 45 + 8);
    // Every plotted group of both charts is linked to a row.
    size_t groups_drawn = count(html, "<g class=\"group\"");
    CHECK(groups_drawn > 45);
    CHECK(count(html, "<g class=\"group\" data-group=") == groups_drawn);
    // ... the row of its own group: the mark's tooltip starts with that group's name.
    std::regex mark(R"re(<g class="group" data-group="(\d+)"[^>]*>\s*<title>([^\n<]*))re");
    size_t checked = 0;
    for (std::sregex_iterator it(html.begin(), html.end(), mark), end; it != end; ++it, ++checked) {
        size_t i = std::stoul((*it)[1]);
        REQUIRE(i < r.groups.size());
        CHECK((*it)[2] == xml_escape(r.groups[i].name));
    }
    CHECK(checked == groups_drawn);
    // The DRAM total, as Python summed it: 21,827,093,984 bytes -> "21.8 GB".
    CHECK(html.find("21.8 GB") != std::string::npos);
    CHECK(html.find("v100-sxm2") != std::string::npos);
    // Sections present only with data.
    CHECK(html.find("id=\"breakdown\"") == std::string::npos);
    CHECK(html.find("id=\"scaling\"") == std::string::npos);
    CHECK(html.find("id=\"diagnostics\"") != std::string::npos);
    // Self-contained: no external scripts, styles, fonts or images.
    std::regex external(R"re((src|href)\s*=\s*"(https?:)?//)re");
    CHECK_FALSE(std::regex_search(html, external));
    CHECK(html.find("@import") == std::string::npos);
    CHECK(html.find("url(") == std::string::npos);
    // Kernel names are escaped, never raw markup.
    CHECK(html.find("elementwise_kernel<512") == std::string::npos);
    CHECK(html.find("elementwise_kernel&lt;512") != std::string::npos);
}

TEST_CASE("HTML report of a Kineto trace has the GPU time per rank") {
    auto traces = load_traces({real_data("kineto/h100-bert-small-infer.json.gz")}, {});
    // 60 "kernel" events in the file (Python json count).
    REQUIRE(traces[0].kernels.size() == 60);
    auto m = detect_machine(traces);
    REQUIRE(m);
    RooflineOptions ro;
    ro.group_by = GroupBy::op;
    RooflineReport r = analyze_roofline(traces, *m, ro);
    BreakdownReport b = analyze_breakdown(traces);
    REQUIRE(breakdown_has_data(b));
    HtmlReportInputs in;
    in.roofline = &r;
    in.breakdown = &b;
    std::string html = render_html_report(in);
    CHECK(html.find("id=\"breakdown\"") != std::string::npos);
    CHECK(count(html, "<tr data-group=") == r.groups.size() + std::min<size_t>(8, r.groups.size()));
}

TEST_CASE("HTML report of a multi-node training trace: collectives section and why the GPU is idle") {
    auto traces = load_traces({real_data("kineto/a100-80gb-16rank-rank0.json.gz")}, {});
    auto m = find_builtin_machine("a100-sxm4-80gb");
    REQUIRE(m);
    RooflineOptions ro;
    ro.group_by = GroupBy::op;
    RooflineReport r = analyze_roofline(traces, *m, ro);
    BreakdownReport b = analyze_breakdown(traces);
    HtmlReportInputs in;
    in.roofline = &r;
    in.breakdown = &b;
    std::string html = render_html_report(in);
    size_t collective_groups = 0;
    for (const auto& g : r.groups) collective_groups += !g.collective.empty();
    CHECK(collective_groups == 7);  // 3 all_to_all, 2 all_reduce, all_gather, reduce_scatter buckets
    REQUIRE(html.find("id=\"collectives\"") != std::string::npos);
    size_t sec = html.find("id=\"collectives\"");
    std::string section = html.substr(sec, html.find("</section>", sec) - sec);
    CHECK(count(section, "<tr><td class=\"name\">") == collective_groups);
    // The communication roofline: one marker per group with a size, and the two NIC ceilings
    // (ring-family 8 x 25 GB/s, all_to_all 25 GB/s x 15/8).
    CHECK(count(section, "<circle") >= collective_groups);
    CHECK(section.find("200 GB/s") != std::string::npos);
    CHECK(section.find("46.9 GB/s") != std::string::npos);
    CHECK(section.find("50.8%") != std::string::npos);  // the DDP bucket all_reduce
    CHECK(html.find("id=\"idle\"") != std::string::npos);
    CHECK(html.find("between queued kernels") != std::string::npos);
}

TEST_CASE("rafter report CLI: help, usage errors, bad input leaves no file, success writes one file") {
    auto s = scratch_dir("report-cli");
    auto h = run_rafter("report --help", s);
    CHECK(h.exit_code == 0);
    CHECK(h.out.find("usage: rafter report INPUT...") != std::string::npos);

    auto no_out = run_rafter("report '" + deepcam() + "' --machine v100-sxm2", s);
    CHECK(no_out.exit_code == 2);
    CHECK(no_out.err.find("-o") != std::string::npos);

    std::string bad = s + "/bad.csv";
    std::ofstream(bad) << "\"ID\",\"Kernel Name\"\n\"x\n";
    auto b = run_rafter("report '" + bad + "' --machine v100-sxm2 -o '" + s + "/bad.html'", s);
    CHECK(b.exit_code != 0);
    CHECK(b.exit_code != 2);
    CHECK_FALSE(fs::exists(s + "/bad.html"));
    for (const auto& e : fs::directory_iterator(s)) CHECK(e.path().extension() != ".tmp");

    auto ok = run_rafter("report '" + deepcam() + "' --machine v100-sxm2 -q -o '" + s + "/r.html'", s);
    CHECK(ok.exit_code == 0);
    CHECK(ok.err.empty());
    std::string html = slurp(s + "/r.html");
    CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
    CHECK(html.find("</html>") != std::string::npos);
}

TEST_CASE("HTML report's Layers section: the module roofline at a given depth, one row per module") {
    auto traces = load_traces({real_data("kineto/h100-bert-small-infer.json.gz")}, {});
    auto m = detect_machine(traces);
    REQUIRE(m);
    RooflineOptions ro;
    ro.group_by = GroupBy::op;
    RooflineReport r = analyze_roofline(traces, *m, ro);
    ro.group_by = GroupBy::module;
    ro.module_depth = 4;
    RooflineReport layers = analyze_roofline(traces, *m, ro);
    HtmlReportInputs in;
    in.roofline = &r;
    in.modules = &layers;
    std::string html = render_html_report(in);
    REQUIRE(html.find("id=\"modules\"") != std::string::npos);
    size_t sec = html.find("id=\"modules\"");
    std::string section = html.substr(sec, html.find("</section>", sec) - sec);
    CHECK(count(section, "<tr data-group=\"m") == layers.groups.size());
    CHECK(section.find("data-group=\"m0\"") != std::string::npos);  // chart points link to the rows
    for (int layer = 0; layer < 4; ++layer)
        CHECK(section.find("<td class=\"name\">BertLMHeadModel_0/BertModel_0/BertEncoder_0/BertLayer_" +
                           std::to_string(layer) +
                           "</td>") != std::string::npos);
    CHECK(section.find("--group-by module --depth 4") != std::string::npos);
    CHECK(html.find("<a href=\"#modules\">Layers</a>") != std::string::npos);
    // Without module rows there is no section.
    in.modules = nullptr;
    CHECK(render_html_report(in).find("id=\"modules\"") == std::string::npos);
}
