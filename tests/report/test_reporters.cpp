// Reporters: the JSON contract (parsed back with simdjson), RFC 4180 CSV, and the table layout.
#include <doctest/doctest.h>
#include <simdjson.h>

#include <sstream>

#include "report/report_csv.h"
#include "report/report_format.h"
#include "report/report_json.h"
#include "report/report_table.h"
#include "analysis/synthetic.h"

using namespace rafter;
using namespace rafter::test;
using doctest::Approx;

namespace {

// gemm: compute-bound (800 us of 1 ms); "odd, \"name\"": no DRAM bytes -> AI/bound missing.
RooflineReport sample_report() {
    Trace t;
    add_kernel(t, {.name = "void ns::gemm<float, 4>(float*, int)", .time_s = 1e-3, .fp32 = 8e9, .l1 = 1e9,
                   .l2 = 2e8, .dram = 1e8});
    add_kernel(t, {.name = "odd, \"name\"", .time_s = 5e-4, .fp32 = 1e6, .l2 = 1e6});
    for (int i = 0; i < 30; ++i)
        add_kernel(t, {.name = "k" + std::to_string(i), .time_s = 1e-6 * (i + 1), .fp32 = 1e3, .dram = 1e3});
    return analyze_roofline({t}, test_machine(), {});
}

// Splits CSV text into rows of fields (RFC 4180: quoted fields, doubled quotes, CRLF).
std::vector<std::vector<std::string>> parse_csv(const std::string& s) {
    std::vector<std::vector<std::string>> rows(1);
    std::string field;
    bool quoted = false;
    for (size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (quoted) {
            if (c == '"' && i + 1 < s.size() && s[i + 1] == '"') field += '"', ++i;
            else if (c == '"') quoted = false;
            else field += c;
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            rows.back().push_back(field), field.clear();
        } else if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') {
            rows.back().push_back(field), field.clear();
            rows.emplace_back();
            ++i;
        } else {
            field += c;
        }
    }
    if (rows.back().empty()) rows.pop_back();
    return rows;
}

} // namespace

TEST_CASE("JSON report follows the rafter.roofline/2 contract; missing is null, never 0") {
    auto report = sample_report();
    std::ostringstream out;
    JsonReporter().write(report, out);
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    std::string text = out.str();
    REQUIRE(parser.parse(text).get(doc) == simdjson::SUCCESS);
    CHECK(std::string_view(doc["schema"]) == "rafter.roofline/2");
    CHECK(std::string_view(doc["group_by"]) == "kernel");
    CHECK(double(doc["kernel_floor_s"]) == 4e-6);
    CHECK(double(doc["machine"]["kernel_floor_s"]) == 4e-6);
    CHECK(std::string_view(doc["machine"]["name"]) == "test-gpu");
    CHECK(double(doc["machine"]["peaks_flops"]["fp32"]) == 10e12);
    CHECK(doc["machine"]["peaks_flops"]["fp64"].is_null());
    CHECK(double(doc["machine"]["bandwidths"]["dram"]) == 1e12);
    CHECK(uint64_t(doc["totals"]["launches"]) == 32);
    // 1 ms + 0.5 ms + (1+...+30) us = 1.965 ms
    CHECK(double(doc["totals"]["time_s"]) == Approx(1.965e-3));
    CHECK(doc["totals"]["bytes"]["dram"].is_null());  // "odd" has none while others do

    simdjson::dom::array groups = doc["groups"];
    CHECK(groups.size() == 32);
    simdjson::dom::element g0 = groups.at(0);
    CHECK(std::string_view(g0["name"]) == "void ns::gemm<float, 4>(float*, int)");
    CHECK(uint64_t(g0["rank"]) == 1);
    CHECK(uint64_t(g0["launches"]) == 1);
    CHECK(double(g0["time_s"]) == 1e-3);
    CHECK(double(g0["flops"]["fp32"]) == 8e9);
    CHECK(double(g0["flops"]["total"]) == 8e9);
    CHECK(g0["flops"]["fp64"].is_null());
    CHECK(double(g0["ai"]["dram"]) == Approx(80.0));
    CHECK(double(g0["flop_rate"]) == Approx(8e12));
    CHECK(std::string_view(g0["bound"]) == "compute");
    CHECK(double(g0["bound_time_s"]) == Approx(8e-4));
    CHECK(double(g0["efficiency"]) == Approx(0.8));
    CHECK(std::string_view(g0["provenance"]["flops"]) == "measured");
    CHECK(std::string_view(g0["provenance"]["bytes_by_level"]["pcie"]) == "missing");

    simdjson::dom::element g1 = groups.at(1);
    CHECK(std::string_view(g1["name"]) == "odd, \"name\"");
    CHECK(g1["bytes"]["dram"].is_null());
    CHECK(g1["ai"]["dram"].is_null());
    CHECK(double(g1["ai"]["l2"]) == Approx(1.0));
    // L2 1e6/4e12 and compute 1e6/1e13 are below the one launch's 4 us floor: launch-floor
    // bound, and 500 us spent where 4 us was the least possible is 0.8% efficient.
    CHECK(std::string_view(g1["bound"]) == "launch_floor");
    CHECK(double(g1["floor_time_s"]) == Approx(4e-6));
    CHECK(double(g1["bound_time_s"]) == Approx(4e-6));
    CHECK(double(g1["efficiency"]) == Approx(0.008));
    CHECK(g1["reason"].is_null());
    CHECK(g0["reason"].is_null());

    bool found = false;
    for (simdjson::dom::element d : doc["diagnostics"].get_array()) {
        if (std::string_view(d["code"]) == "roofline.peak_fallback.tensor") found = true;
    }
    CHECK_FALSE(found);  // no tensor FLOPs here
}

TEST_CASE("JSON writes null bound and diagnostics with counts") {
    Trace t;
    add_kernel(t, {.name = "k", .time_s = 1e-3});  // no FLOPs, no bytes
    auto r = analyze_roofline({t}, test_machine(), {});
    std::ostringstream out;
    JsonReporter().write(r, out);
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    std::string text = out.str();
    REQUIRE(parser.parse(text).get(doc) == simdjson::SUCCESS);
    simdjson::dom::element g = doc["groups"].at(0);
    CHECK(g["bound"].is_null());
    CHECK(g["bound_time_s"].is_null());
    CHECK(g["efficiency"].is_null());
    CHECK(g["flops"]["total"].is_null());
    CHECK(std::string_view(g["reason"]).find("no FLOP or byte counts") != std::string_view::npos);
    CHECK(std::string_view(g["provenance"]["flops"]) == "missing");
    simdjson::dom::element d = doc["diagnostics"].at(0);
    CHECK(std::string_view(d["code"]) == "roofline.no_bound");
    CHECK(std::string_view(d["severity"]) == "info");
    CHECK(uint64_t(d["count"]) == 1);
}

TEST_CASE("CSV: one row per group, RFC 4180 quoting, SI numbers, empty fields for missing") {
    auto report = sample_report();
    std::ostringstream out;
    CsvReporter().write(report, out);
    std::string text = out.str();
    CHECK(text.find("\r\n") != std::string::npos);
    auto rows = parse_csv(text);
    REQUIRE(rows.size() == 33);  // header + 32 groups
    const auto& h = rows[0];
    for (const auto& r : rows) CHECK(r.size() == h.size());
    auto col = [&](const std::string& name) {
        for (size_t i = 0; i < h.size(); ++i)
            if (h[i] == name) return i;
        FAIL("no column " << name);
        return size_t(0);
    };
    CHECK(rows[1][col("name")] == "void ns::gemm<float, 4>(float*, int)");
    CHECK(std::stod(rows[1][col("time_s")]) == 1e-3);
    CHECK(std::stod(rows[1][col("flops_fp32")]) == 8e9);
    CHECK(std::stod(rows[1][col("ai_dram")]) == Approx(80.0));
    CHECK(std::stod(rows[1][col("dram_bytes_rate")]) == Approx(1e11));  // 1e8 B / 1 ms
    CHECK(rows[1][col("bound")] == "compute");
    CHECK(rows[1][col("flops_fp64")].empty());
    CHECK(rows[2][col("name")] == "odd, \"name\"");
    CHECK(rows[2][col("bytes_dram")].empty());
    CHECK(rows[2][col("ai_dram")].empty());
    CHECK(rows[2][col("op")].empty());
    CHECK(text.find("\"odd, \"\"name\"\"\"") != std::string::npos);
    CHECK(csv_field("plain") == "plain");
    CHECK(csv_field("a\nb") == "\"a\nb\"");
    CHECK(csv_field(std::string_view("k\0x\x01", 4)) == "\"k?x?\"");  // NUL and control bytes
}

TEST_CASE("table fits 100 columns, shows top N, '-' for missing, machine and totals in the header") {
    auto report = sample_report();
    std::ostringstream out;
    TableReporter(ReporterOptions{.top = 5, .width = 100, .more_rows_hint = ""}).write(report, out);
    std::string text = out.str();
    std::istringstream lines(text);
    std::string line;
    size_t rows = 0;
    while (std::getline(lines, line)) {
        CHECK(line.size() <= 100);
        if (line.size() > 3 && line[2] >= '0' && line[2] <= '9' && line[3] == ' ') ++rows;
    }
    CHECK(rows == 5);
    CHECK(text.find("machine test-gpu") != std::string::npos);
    CHECK(text.find("32 groups, 32 launches") != std::string::npos);
    CHECK(text.find("ns::gemm<float, 4>") != std::string::npos);
    CHECK(text.find("compute") != std::string::npos);
    CHECK(text.find("80.0%") != std::string::npos);  // gemm efficiency
    CHECK(text.find("(5 of 32 groups shown)\n") != std::string::npos);  // no hint: the caller gave none
    CHECK(text.find("roofline.partial_value") == std::string::npos);  // nothing partial here
    // The odd group has no DRAM bytes: its AI column shows '-'.
    std::string odd_line = text.substr(text.find("odd, \"name\""));
    odd_line = odd_line.substr(0, odd_line.find('\n'));
    CHECK(odd_line.find(" - ") != std::string::npos);

    // The caller's hint on how to see the rest (the CLI names its options) follows the count.
    std::ostringstream hinted;
    make_reporter(ReportFormat::table, {.top = 5, .width = 100, .more_rows_hint = "ask for more"})
        ->write(report, hinted);
    CHECK(hinted.str().find("(5 of 32 groups shown; ask for more)\n") != std::string::npos);

    std::ostringstream all;
    make_reporter(ReportFormat::table, {.top = 0, .width = 100, .more_rows_hint = "ask for more"})->write(report, all);
    CHECK(all.str().find("groups shown") == std::string::npos);
}

TEST_CASE("table wraps a summary whose word is wider than the table: the word whole on its own line") {
    // Regression: a name longer than the width after a continuation indent made the wrapper loop
    // forever (the 16-rank A100 trace's torch::autograd::CppNode<...> op).
    auto report = sample_report();
    const std::string word = "torch::autograd::CppNode<" + std::string(120, 'x') + ">";
    report.groups[1].efficiency.reset();
    report.groups[1].reason = "no cost model for " + word;
    std::ostringstream out;
    TableReporter(ReporterOptions{.top = 5, .width = 100, .more_rows_hint = ""}).write(report, out);
    const std::string text = out.str();
    REQUIRE(text.size() < 20000);
    const size_t at = text.find(word);
    REQUIRE(at != std::string::npos);
    CHECK(text.substr(at - 3, 3) == "\n  ");  // on a continuation line of its own
    CHECK(text.find("\n \n") == std::string::npos);  // no blank continuation lines
}

TEST_CASE("report formats parse") {
    CHECK(report_format_from_string("json") == ReportFormat::json);
    CHECK(report_format_from_string("csv") == ReportFormat::csv);
    CHECK(report_format_from_string("table") == ReportFormat::table);
    CHECK_FALSE(report_format_from_string("xml").has_value());
}
