#include <doctest/doctest.h>

#include <cmath>
#include <sstream>

#include "core/diagnostics.h"
#include "core/error.h"
#include "core/json_syntax.h"
#include "core/json_writer.h"
#include "core/text.h"
#include "traces/trace.h"

using namespace rafter;

TEST_CASE("parse_number accepts thousands separators only between groups of three") {
    CHECK(parse_number("1,619,726,202.90").value() == doctest::Approx(1619726202.90));
    CHECK(parse_number("134,957,158,144").value() == 134957158144.0);
    CHECK(parse_number("0").value() == 0.0);
    CHECK(parse_number("-3.5e7").value() == -3.5e7);
    CHECK(parse_number(" 12 ").value() == 12.0);
    CHECK_FALSE(parse_number("1,2").has_value());
    CHECK_FALSE(parse_number("12,34,567").has_value());
    CHECK_FALSE(parse_number("abc").has_value());
    CHECK_FALSE(parse_number("").has_value());
    CHECK_FALSE(parse_number("n/a").has_value());
    CHECK_FALSE(parse_number("1.5x").has_value());
}

TEST_CASE("si_format picks the prefix and carries rounding") {
    CHECK(si_format(1.23e12) == "1.23 T");
    CHECK(si_format(999.96e9) == "1 T");
    CHECK(si_format(15.0) == "15");
    CHECK(si_format(2.5e-6) == "2.5 u");
    CHECK(format_seconds(1.5e-3) == "1.5 ms");
    CHECK(format_seconds(22.765) == "22.8 s");
}

TEST_CASE("format_percent never prints an SI prefix on a percentage") {
    CHECK(format_percent(0.643) == "64.3%");
    CHECK(format_percent(0.00552) == "0.55%");  // was "552 m%" in chart legends
    CHECK(format_percent(0.0000004) == "<0.01%");
    CHECK(format_percent(0) == "0%");
    CHECK(format_percent(1.294) == "129%");
    CHECK(format_percent(2e3) == "2e+05%");
}

TEST_CASE("JsonWriter writes nested objects, escapes, and null for missing numbers") {
    std::ostringstream out;
    JsonWriter w(out, false);
    w.begin_object();
    w.field("name", "a\"b\n");
    w.field("x", 1.5);
    w.field("missing", std::optional<double>{});
    w.field("nan", std::nan(""));
    w.key("list").begin_array().value(1).value(uint64_t{2}).end_array();
    w.end_object();
    CHECK(out.str() == R"({"name":"a\"b\n","x":1.5,"missing":null,"nan":null,"list":[1,2]})");
}

TEST_CASE("format_double round-trips") {
    for (double d : {0.1, 1.0 / 3.0, 2.0129e12, 14.915226, 1e-300}) {
        CHECK(std::strtod(format_double(d).c_str(), nullptr) == d);
    }
}

TEST_CASE("Diagnostics merge counts by code") {
    Diagnostics d;
    d.add(Severity::info, "x.unknown", "first", 2);
    d.add(Severity::warning, "x.unknown", "second");
    CHECK(d.count("x.unknown") == 3);
    CHECK(d.find("x.unknown")->severity == Severity::warning);
    CHECK(d.find("x.unknown")->message == "first");
    CHECK(d.count("other") == 0);
}

TEST_CASE("Error names the file and position") {
    Error e(ExitCode::bad_input, "bad number", {"a.csv", PositionKind::line, 12});
    CHECK(std::string(e.what()) == "a.csv:12: bad number");
    Error b(ExitCode::bad_input, "truncated", {"t.json.gz", PositionKind::byte_offset, 4096});
    CHECK(std::string(b.what()) == "t.json.gz: byte 4096: truncated");
}

TEST_CASE("StringPool interns once and survives growth and copies") {
    StringPool pool;
    CHECK(pool.get(kNoString).empty());
    StringId a = pool.intern("kernel_a");
    for (int i = 0; i < 10000; ++i) pool.intern("k" + std::to_string(i));
    CHECK(pool.intern("kernel_a") == a);
    StringPool copy = pool;
    CHECK(copy.find("k9999").has_value());
    CHECK(copy.get(a) == "kernel_a");
    StringPool moved = std::move(copy);
    CHECK(moved.intern("kernel_a") == a);
}

TEST_CASE("KernelTable allocates metric columns lazily and keeps missing distinct from zero") {
    KernelTable t;
    KernelRow r;
    r.name = 1;
    t.append(r);
    CHECK_FALSE(t.flops[static_cast<size_t>(FlopKind::fp32)].any());
    r.flops[static_cast<size_t>(FlopKind::fp32)] = Value::measured(0.0);
    t.append(r);
    t.append(KernelRow{});
    CHECK(t.size() == 3);
    CHECK_FALSE(t.get_flops(0, FlopKind::fp32).has());
    CHECK(t.get_flops(1, FlopKind::fp32).has());
    CHECK(t.get_flops(1, FlopKind::fp32).value == 0.0);
    CHECK_FALSE(t.get_flops(2, FlopKind::fp32).has());
    t.set_bytes(2, MemLevel::dram, Value::derived(64));
    CHECK(t.row(2).bytes[static_cast<size_t>(MemLevel::dram)].value == 64);
    CHECK(t.row(2).bytes[static_cast<size_t>(MemLevel::dram)].prov == Provenance::derived);
}

#include "core/progress.h"

TEST_CASE("Progress frames show percentage, rate and ETA; nothing draws without a terminal") {
    std::string f = Progress::format_frame("import", 50, 100, "B", 1.0, 60);
    CHECK(f.find(" 50% [") != std::string::npos);
    CHECK(f.find("50 B/s") != std::string::npos);
    CHECK(f.find("ETA 1 s") != std::string::npos);
    std::string u = Progress::format_frame("import", 2000, 0, "ev", 2.0, 60);
    CHECK(u.find("2 kev") != std::string::npos);
    CHECK(si_unit(2000, "B") == "2 kB");
    CHECK(si_unit(50, "B/s") == "50 B/s");
    CHECK(u.find("ETA") == std::string::npos);
    // ctest runs without a terminal on stderr: an enabled bar must stay inactive and silent.
    if (!Progress::stderr_is_terminal()) {
        Progress p("x", 10, "B", true, 0.0);
        for (uint64_t i = 0; i < 5000; ++i) p.update(i);
        p.finish();
    }
}

TEST_CASE("JsonWriter keeps valid UTF-8 and replaces bytes that are not by U+FFFD") {
    auto json = [](std::string_view s) {
        std::ostringstream o;
        JsonWriter w(o, false);
        w.value(s);
        return o.str();
    };
    CHECK(json("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80") == "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"");
    CHECK(json("a\xFF" "b") == "\"a\\ufffdb\"");
    CHECK(json("\xC3") == "\"\\ufffd\"");                  // truncated sequence
    CHECK(json("\xC0\xAF") == "\"\\ufffd\\ufffd\"");        // overlong '/'
    CHECK(json("\xED\xA0\x80") == "\"\\ufffd\\ufffd\\ufffd\"");  // UTF-16 surrogate
    CHECK(json("\xF4\x90\x80\x80").find("\\ufffd") == 1);    // above U+10FFFF
    CHECK(json(std::string_view("n\0ul", 4)) == "\"n\\u0000ul\"");
}

TEST_CASE("JSON syntax errors are located by line, column and byte") {
    CHECK_FALSE(find_json_syntax_error(R"({"a": [1, -2.5e3, true, null, "x\"\u00e9"], "b": {}})"));
    CHECK_FALSE(find_json_syntax_error(" [] "));
    auto e = find_json_syntax_error("{\n  \"a\": 1,,\n}");
    REQUIRE(e);
    CHECK(e->line == 2);
    CHECK(e->column == 10);
    CHECK(e->offset == 11);
    CHECK(e->what == "expected a key in double quotes");
    auto t = find_json_syntax_error("{\"a\": [1, 2");
    REQUIRE(t);
    CHECK(t->what.find("the text ends here") != std::string::npos);
    CHECK(find_json_syntax_error("[01]")->what == "expected ',' or ']'");
    CHECK(find_json_syntax_error("{\"a\": tru}")->what.find("invalid literal") == 0);
    CHECK(find_json_syntax_error("\"a\\q\"")->what == "invalid escape \\q");
    CHECK(find_json_syntax_error("[1] x")->what == "unexpected text after the top-level value");
    try {
        throw_json_syntax_error("{\n\n  \"k\" 1}", "s.json", "TAPE_ERROR");
    } catch (const Error& err) {
        CHECK(std::string(err.what()) == "s.json:3: column 7: not valid JSON: expected ':' after the key (byte 9)");
    }
}

TEST_CASE("a JSON path is located at the line of its key, or of its array element") {
    const char* text = R"({
  "schema": "x",
  "workload": {"a": 1,
    "b": {"c": [1,
      2, {"d": "\"}{[,"}]}},
  "scaling": {"gpus": [
    8, 16,
    32]},
  "k.dot": 1
})";
    CHECK(find_json_path_line(text, "schema") == 2u);
    CHECK(find_json_path_line(text, "workload") == 3u);
    CHECK(find_json_path_line(text, "workload.a") == 3u);
    CHECK(find_json_path_line(text, "workload.b") == 4u);
    CHECK(find_json_path_line(text, "workload.b.c") == 4u);
    CHECK(find_json_path_line(text, "workload.b.c[0]") == 4u);
    CHECK(find_json_path_line(text, "workload.b.c[1]") == 5u);
    // An escaped quote and brackets inside a string do not confuse the scan.
    CHECK(find_json_path_line(text, "workload.b.c[2].d") == 5u);
    CHECK(find_json_path_line(text, "scaling.gpus[0]") == 7u);
    CHECK(find_json_path_line(text, "scaling.gpus[2]") == 8u);
    // A key with a dot is found by its dotted spelling (a machine file's "sources.peaks_flops.fp32").
    CHECK(find_json_path_line(text, "k.dot") == 9u);
    // Absent paths.
    CHECK_FALSE(find_json_path_line(text, "scaling.gpus[3]"));
    CHECK_FALSE(find_json_path_line(text, "workload.z"));
    CHECK_FALSE(find_json_path_line(text, "a"));  // not the nested workload.a
    CHECK_FALSE(find_json_path_line("[]", "x"));
}

TEST_CASE("format_rate never uses the milli prefix") {
    CHECK(format_rate(8100) == si_format(8100));
    CHECK(format_rate(0.0814) == "0.0814");
    CHECK(format_rate(1) == si_format(1));
}
