// End-to-end tests of `rafter roofline`: exit codes, what is (not) written with -o, and that the
// JSON on stdout parses and carries the report contract. Values are checked in
// tests/analysis/test_roofline_golden.cpp; here a few are re-read from the JSON the CLI printed.
#include <doctest/doctest.h>
#include <simdjson.h>

#include <filesystem>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

#include "core/text.h"
#include "test_support.h"

using namespace rafter::test;
namespace fs = std::filesystem;

namespace {

std::string example(const std::string& rel) { return "'" + source_dir() + "/examples/" + rel + "'"; }

void write_file(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary);
    out << bytes;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace

TEST_CASE("roofline --help exits 0 and prints the usage") {
    auto s = scratch_dir("roofline-help");
    auto r = run_rafter("roofline --help", s);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("usage: rafter roofline INPUT...") != std::string::npos);
    CHECK(r.out.find("--group-by") != std::string::npos);
}

TEST_CASE("roofline usage errors exit 2 and write nothing") {
    auto s = scratch_dir("roofline-usage");
    std::string in = example("ncu/deepcam-v100-fw") + " --machine v100-sxm2 -o '" + s + "/out'";
    CHECK(run_rafter("roofline", s).exit_code == 2);                        // no input
    CHECK(run_rafter("roofline " + in + " --group-by kernels", s).exit_code == 2);
    CHECK(run_rafter("roofline " + in + " --top -1", s).exit_code == 2);
    CHECK(run_rafter("roofline " + in + " --top many", s).exit_code == 2);
    CHECK(run_rafter("roofline " + in + " --format xml", s).exit_code == 2);
    CHECK(run_rafter("roofline " + in + " --no-such-option", s).exit_code == 2);
    CHECK(run_rafter("roofline " + in + " --depth 2", s).exit_code == 2);  // --depth needs --group-by module
    CHECK(run_rafter("roofline " + in + " --group-by module --depth 0", s).exit_code == 2);
    CHECK(run_rafter("roofline " + in + " --gpus-per-node 8x", s).exit_code == 2);
    CHECK(run_rafter("roofline " + in + " --gpus-per-node 0", s).exit_code == 2);
    auto r = run_rafter("roofline " + in + " --group-by kernels", s);
    CHECK(r.err.find("--group-by") != std::string::npos);
    CHECK_FALSE(fs::exists(s + "/out"));
}

TEST_CASE("roofline --group-by module --depth: one row per BERT layer, JSON group_by module") {
    auto s = scratch_dir("cli-roofline-module");
    auto r = run_rafter("roofline '" + real_data("kineto/h100-bert-small-infer.json.gz") +
                            "' --group-by module --depth 4 -f json",
                        s);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("\"group_by\": \"module\"") != std::string::npos);
    for (int l = 0; l < 4; ++l)
        CHECK(r.out.find("\"name\": \"BertLMHeadModel_0/BertModel_0/BertEncoder_0/BertLayer_" + std::to_string(l) +
                         "\"") != std::string::npos);
    CHECK(r.out.find("BertAttention_0\"") == std::string::npos);  // cut at depth 4
}

TEST_CASE("roofline without a machine reports FLOPs, bytes and time, and bounds missing with the reason") {
    // DeepCAM's ncu export names no device: exit 0, every group has its counts and a reason.
    auto s = scratch_dir("roofline-nomachine");
    auto r = run_rafter("roofline " + example("ncu/deepcam-v100-fw") + " -o '" + s + "/out' -f json", s);
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.find("no machine (the inputs do not name their device)") != std::string::npos);
    CHECK(fs::exists(s + "/out/summary.json"));
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    REQUIRE(parser.parse(r.out).get(doc) == simdjson::SUCCESS);
    CHECK(doc["machine"].is_null());
    CHECK(std::string_view(doc["machine_missing_reason"]) == "the inputs do not name their device");
    size_t groups = 0, with_flops = 0;
    for (simdjson::dom::element g : doc["groups"].get_array()) {
        ++groups;
        CHECK(g["efficiency"].is_null());
        CHECK(g["bound"].is_null());
        CHECK(std::string_view(g["reason"]) == "no machine: bound and efficiency need its ceilings");
        if (!g["flops"]["total"].is_null() && double(g["flops"]["total"]) > 0) ++with_flops;
    }
    CHECK(groups > 0);
    CHECK(with_flops > 0);
    bool noted = false;
    for (simdjson::dom::element d : doc["diagnostics"].get_array())
        noted |= std::string_view(d["code"]) == "machine.none";
    CHECK(noted);
}

TEST_CASE("roofline warns when --machine disagrees with the trace's device") {
    auto s = scratch_dir("roofline-mismatch");
    std::string in = "'" + real_data("kineto/h100-bert-small-infer.json.gz") + "'";
    auto count_mismatch = [&](const std::string& machine) {
        auto r = run_rafter("roofline " + in + " --machine " + machine + " -f json", s);
        REQUIRE(r.exit_code == 0);
        simdjson::dom::parser parser;
        simdjson::dom::element doc;
        REQUIRE(parser.parse(r.out).get(doc) == simdjson::SUCCESS);
        int n = 0;
        for (simdjson::dom::element d : doc["diagnostics"].get_array())
            if (std::string_view(d["code"]) == "machine.mismatch") {
                ++n;
                CHECK(std::string_view(d["severity"]) == "warning");
            }
        CHECK((n > 0) == (r.err.find("warning: --machine " + machine + " but the inputs were recorded on "
                                     "'NVIDIA H100 80GB HBM3' (built-in machine h100-sxm)") != std::string::npos));
        return n;
    };
    CHECK(count_mismatch("v100-sxm2") == 1);
    CHECK(count_mismatch("h100-sxm") == 0);
}

TEST_CASE("roofline bad inputs exit 3 naming the file, and leave no summary.json") {
    auto s = scratch_dir("roofline-badinput");
    std::string out = " --machine v100-sxm2 -o '" + s + "/out'";
    auto missing = run_rafter("roofline '" + s + "/no-such.csv'" + out, s);
    CHECK(missing.exit_code == 3);
    CHECK(missing.err.find("no-such.csv") != std::string::npos);

    write_file(s + "/empty.csv", "");
    auto empty = run_rafter("roofline '" + s + "/empty.csv'" + out, s);
    CHECK(empty.exit_code == 3);
    CHECK(empty.err.find("empty.csv") != std::string::npos);

    std::string binary;
    for (int i = 0; i < 4096; ++i) binary.push_back(static_cast<char>((i * 131 + 7) % 256));
    write_file(s + "/binary.csv", binary);
    auto bin = run_rafter("roofline '" + s + "/binary.csv'" + out, s);
    CHECK(bin.exit_code == 3);
    CHECK(bin.err.find("binary.csv") != std::string::npos);

    // A real export cut in the middle of a quoted field on its last line.
    std::string gpp = read_file(source_dir() + "/examples/ncu/gpp-cc89-details.csv");
    REQUIRE(gpp.size() > 2000);
    write_file(s + "/truncated.csv", gpp.substr(0, gpp.size() - 40));
    auto cut = run_rafter("roofline '" + s + "/truncated.csv'" + out, s);
    CHECK(cut.exit_code == 3);
    CHECK(cut.err.find("truncated.csv") != std::string::npos);

    // A good input next to a bad one: still nothing written.
    auto mixed = run_rafter("roofline " + example("ncu/gpp-cc89-details.csv") + " '" + s + "/empty.csv'" + out, s);
    CHECK(mixed.exit_code == 3);
    CHECK_FALSE(fs::exists(s + "/out/summary.json"));
    CHECK_FALSE(fs::exists(s + "/out/kernels.csv"));
}

TEST_CASE("roofline --format json prints the rafter.roofline/2 report") {
    auto s = scratch_dir("roofline-json");
    auto r = run_rafter("roofline " + example("ncu/deepcam-v100-fw") + " --machine v100-sxm2 --format json", s);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("\"rafter.roofline/2\"") != std::string::npos);
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    REQUIRE(parser.parse(r.out).get(doc) == simdjson::SUCCESS);
    CHECK(std::string_view(doc["schema"]) == "rafter.roofline/2");
    CHECK(std::string_view(doc["machine"]["name"]) == "v100-sxm2");
    CHECK(uint64_t(doc["totals"]["launches"]) == 797);
    CHECK(simdjson::dom::array(doc["groups"]).size() == 45);
    CHECK(double(doc["totals"]["flops"]["total"]) == 1370374809861.0);  // see ncu_golden.py
    CHECK(doc["totals"]["flops"]["fp64"].is_null());  // not collected: null, not 0
}

TEST_CASE("roofline -o DIR writes summary.json, kernels.csv and the two charts") {
    auto s = scratch_dir("roofline-out");
    auto r = run_rafter("roofline " + example("ncu/deepcam-v100-fw") + " --machine v100-sxm2 --top 5 -o '" + s +
                            "/out'",
                        s);
    REQUIRE(r.exit_code == 0);
    for (const char* f : {"summary.json", "kernels.csv", "roofline.svg", "time-roofline.svg"})
        CHECK_MESSAGE(fs::file_size(s + "/out/" + f) > 100, f);
    // The table still goes to stdout: header, 5 rows, a note on the rest.
    CHECK(r.out.find("machine v100-sxm2") != std::string::npos);
    CHECK(r.out.find("(5 of 45 groups shown; --top 0 shows all, --format csv or json lists every group)") !=
          std::string::npos);
    // kernels.csv: header + 45 rows (CRLF).
    std::string csv = read_file(s + "/out/kernels.csv");
    size_t rows = 0;
    for (size_t p = csv.find("\r\n"); p != std::string::npos; p = csv.find("\r\n", p + 2)) ++rows;
    CHECK(rows == 46);
    CHECK(csv.rfind("rank,name,", 0) == 0);
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    std::string json = read_file(s + "/out/summary.json");
    REQUIRE(parser.parse(json).get(doc) == simdjson::SUCCESS);
    CHECK(uint64_t(doc["totals"]["launches"]) == 797);
    std::string svg = read_file(s + "/out/roofline.svg");
    CHECK(svg.find("<svg") != std::string::npos);
    // No temporary files are left behind.
    for (const auto& e : fs::directory_iterator(s + "/out"))
        CHECK(e.path().filename().string().find(".tmp-") == std::string::npos);

    // --quiet prints nothing; --format csv prints the CSV.
    auto q = run_rafter("roofline " + example("ncu/deepcam-v100-fw") + " --machine v100-sxm2 --quiet", s);
    CHECK(q.exit_code == 0);
    CHECK(q.out.empty());
    auto c = run_rafter("roofline " + example("ncu/deepcam-v100-fw") + " --machine v100-sxm2 --format csv -g base", s);
    CHECK(c.exit_code == 0);
    CHECK(c.out.find("at::native::legacy::elementwise_kernel,") != std::string::npos);
}

TEST_CASE("roofline with an unknown machine fails without writing") {
    auto s = scratch_dir("roofline-badmachine");
    auto r = run_rafter("roofline " + example("ncu/gpp-cc89-details.csv") + " --machine no-such-gpu -o '" + s + "/out'", s);
    CHECK(r.exit_code != 0);
    CHECK(r.err.find("no-such-gpu") != std::string::npos);
    CHECK_FALSE(fs::exists(s + "/out/summary.json"));
}

TEST_CASE("roofline picks the machine from a Kineto trace's device and groups by framework op") {
    auto s = scratch_dir("roofline-op");
    std::string in = "'" + real_data("kineto/h100-bert-small-infer.json.gz") + "'";
    auto r = run_rafter("roofline " + in + " --group-by op --format json", s);
    REQUIRE(r.exit_code == 0);
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    REQUIRE(parser.parse(r.out).get(doc) == simdjson::SUCCESS);
    CHECK(std::string_view(doc["machine"]["name"]) == "h100-sxm");  // "NVIDIA H100 80GB HBM3"
    CHECK(std::string_view(doc["group_by"]) == "op");
    // The trace's 60 kernels and its one memcpy (data README): op groups count the copies their
    // ops launched.
    CHECK(uint64_t(doc["totals"]["launches"]) == 61);
    uint64_t copies = 0;
    for (simdjson::dom::element g : doc["groups"].get_array()) {
        CHECK(g["op"].is_string());
        CHECK(g["invocations"].is_uint64());
        copies += uint64_t(g["copies"]);
    }
    CHECK(copies == 1);
    CHECK_FALSE(bool(doc["group_by_chosen"]));
    // aten::_local_scalar_dense has no FLOP count, so the total is missing (null), and the table's
    // total line gives the sum over the other ops as a lower bound with the time they cover.
    CHECK(doc["totals"]["flops"]["total"].is_null());
    double known = 0, known_time = 0, total_time = double(doc["totals"]["time_s"]);
    for (simdjson::dom::element g : doc["groups"].get_array())
        if (g["flops"]["total"].is_double()) {
            known += double(g["flops"]["total"]);
            known_time += double(g["time_s"]);
        }
    auto table = run_rafter("roofline " + in + " --group-by op", s);
    REQUIRE(table.exit_code == 0);
    CHECK(table.out.find("FLOPs >=" + rafter::si_unit(known, "FLOP") + " (groups with " +
                         rafter::format_percent(known_time / total_time) + " of time)") != std::string::npos);
    CHECK(rafter::format_percent(known_time / total_time) == "99.3%");
    // Without --group-by, a trace with framework ops is grouped by op, and the JSON says so.
    auto d = run_rafter("roofline " + in + " --format json", s);
    REQUIRE(d.exit_code == 0);
    REQUIRE(parser.parse(d.out).get(doc) == simdjson::SUCCESS);
    CHECK(std::string_view(doc["group_by"]) == "op");
    CHECK(bool(doc["group_by_chosen"]));
    // Kernel grouping of the same trace: no counters, so each kernel carries its op's analytic
    // cost. The largest group is the 17 launches of one cutlass kernel, each an aten::addmm of
    // M=141, N=512, K=512 with bias: 2MNK + MN FLOPs and (MK + KN + N + MN) bf16 elements moved,
    // as the TraceLens reference CSV beside the trace says (0.0739968 GFLOPs, 0.776 MiB).
    auto k = run_rafter("roofline " + in + " --group-by kernel --format json", s);
    REQUIRE(k.exit_code == 0);
    REQUIRE(parser.parse(k.out).get(doc) == simdjson::SUCCESS);
    simdjson::dom::element g0 = doc["groups"].at(0);
    CHECK(g0["time_s"].is_double());
    CHECK(uint64_t(g0["launches"]) == 17);
    const double M = 141, N = 512, K = 512;
    CHECK(double(g0["flops"]["tensor_bf16"]) == 17 * (2 * M * N * K + M * N));
    CHECK(double(g0["flops"]["total"]) == 17 * (2 * M * N * K + M * N));
    CHECK(double(g0["bytes"]["dram"]) == 17 * 2 * (M * K + K * N + N + M * N));
    CHECK(std::string_view(g0["provenance"]["flops"]) == "analytic");
    CHECK(std::string_view(g0["provenance"]["bytes"]) == "analytic");
    CHECK(g0["bound"].is_string());
    // Every group has a FLOP total, so the report's total is known (analytic) too.
    CHECK(doc["totals"]["flops"]["total"].is_double());
    CHECK(std::string_view(doc["totals"]["provenance"]["flops"]) == "analytic");
}

TEST_CASE("roofline --what-if projects each group onto another machine by its bound") {
    auto s = scratch_dir("roofline-what-if");
    std::string in = "'" + source_dir() + "/examples/ncu/deepcam-v100-fw'";
    auto r = run_rafter("roofline " + in + " --machine v100-sxm2 --what-if h100-sxm --format json -o '" + s + "/out'", s);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    REQUIRE(parser.parse(r.out).get(doc) == simdjson::SUCCESS);
    CHECK(std::string_view(doc["schema"]) == "rafter.what_if/1");
    CHECK(std::string_view(doc["to_machine"]) == "h100-sxm");
    // A group that stays DRAM-bound keeps its efficiency, so it speeds up by the DRAM bandwidth
    // ratio of the two machine files: 3.35 TB/s / 900 GB/s.
    size_t dram_dram = 0;
    for (simdjson::dom::element g : doc["groups"].get_array()) {
        if (g["bound"].is_null() || g["target_bound"].is_null()) continue;
        if (std::string_view(g["bound"]) == "dram" && std::string_view(g["target_bound"]) == "dram") {
            CHECK(double(g["speedup"]) == doctest::Approx(3350.0 / 900.0).epsilon(1e-9));
            ++dram_dram;
        }
    }
    CHECK(dram_dram > 0);
    // Every group of this ncu export has a bound on both machines, so the total is predicted
    // and equals the sum of the groups' predictions.
    double sum = 0;
    for (simdjson::dom::element g : doc["groups"].get_array()) sum += double(g["predicted_time_s"]);
    CHECK(double(doc["totals"]["predicted_time_s"]) == doctest::Approx(sum).epsilon(1e-12));
    CHECK(double(doc["totals"]["coverage"]) == 1.0);
    CHECK(std::filesystem::exists(s + "/out/what-if.json"));
    CHECK(std::filesystem::exists(s + "/out/summary.json"));
    // The table follows the roofline table; CSV is refused; a bad machine fails before the import.
    auto t = run_rafter("roofline " + in + " --machine v100-sxm2 --what-if h100-sxm --top 3", s);
    CHECK(t.exit_code == 0);
    CHECK(t.out.find("What-if: v100-sxm2 -> h100-sxm") != std::string::npos);
    CHECK(t.out.find("Total: ") != std::string::npos);
    CHECK(run_rafter("roofline " + in + " --what-if h100-sxm --format csv", s).exit_code == 2);
    auto bad = run_rafter("roofline " + in + " --what-if no-such-machine", s);
    CHECK(bad.exit_code != 0);
    CHECK(bad.err.find("no-such-machine") != std::string::npos);
}

TEST_CASE("inference traces: groups with a bound and an efficiency hold at least 90% of GPU time") {
    // Default grouping (by op). Qwen's profile opens with 509 kernels and copies launched before
    // it began (30% of GPU time, no op, no cost): named as such by default, left out with
    // --exclude-unlaunched. Every group without an efficiency says why.
    auto s = scratch_dir("roofline-explained");
    struct Case {
        const char* file;
        const char* extra;
    };
    for (Case c : {Case{"h100-bert-small-infer.json.gz", ""}, Case{"h100-vit-image-infer.json.gz", ""},
                   Case{"h100-qwen1.5-0.5b-infer.json.gz", " --exclude-unlaunched"},
                   Case{"mi300x-bert-small-infer.json.gz", ""}}) {
        INFO(c.file);
        auto r = run_rafter("roofline '" + real_data(std::string("kineto/") + c.file) + "' -f json" + c.extra, s);
        REQUIRE(r.exit_code == 0);
        simdjson::dom::parser parser;
        simdjson::dom::element doc;
        REQUIRE(parser.parse(r.out).get(doc) == simdjson::SUCCESS);
        CHECK(std::string_view(doc["group_by"]) == "op");
        // Detected from deviceProperties: "NVIDIA H100 80GB HBM3", "AMD Instinct MI300X VF".
        CHECK(std::string_view(doc["machine"]["name"]) == (c.file[0] == 'm' ? "mi300x" : "h100-sxm"));
        double explained = double(doc["totals"]["explained_time_s"]), total = double(doc["totals"]["time_s"]);
        CHECK(explained / total >= 0.9);
        for (simdjson::dom::element g : doc["groups"].get_array()) {
            CHECK(std::string_view(g["name"]) != "(launched before the profile)");
            if (g["efficiency"].is_null()) CHECK(g["reason"].is_string());
            else CHECK(double(g["efficiency"]) <= 1.0);
        }
    }
    auto q = run_rafter("roofline '" + real_data("kineto/h100-qwen1.5-0.5b-infer.json.gz") + "' -f json", s);
    REQUIRE(q.exit_code == 0);
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    REQUIRE(parser.parse(q.out).get(doc) == simdjson::SUCCESS);
    simdjson::dom::element g0 = doc["groups"].at(0);
    CHECK(std::string_view(g0["name"]) == "(launched before the profile)");
    CHECK(uint64_t(g0["launches"]) == 509);
    CHECK(std::string_view(g0["reason"]).find("launched before the profile began") == 0);
}

TEST_CASE("kernel rows that read alike are told apart in the table (Qwen's elementwise kernels)") {
    auto s = scratch_dir("roofline-names");
    auto r = run_rafter("roofline '" + real_data("kineto/h100-qwen1.5-0.5b-infer.json.gz") +
                            "' --group-by kernel --top 0",
                        s);
    REQUIRE(r.exit_code == 0);
    std::istringstream lines(r.out);
    std::set<std::string> names;
    size_t rows = 0;
    for (std::string line; std::getline(lines, line);) {
        size_t p = line.find_first_not_of(' ');
        if (p == std::string::npos || !std::isdigit(static_cast<unsigned char>(line[p]))) continue;
        size_t name_at = line.find(' ', p);
        if (name_at == std::string::npos || name_at > 4) continue;  // rank column, then the name
        size_t end = line.find("  ", name_at + 1);
        if (end == std::string::npos) continue;
        names.insert(line.substr(name_at + 1, end - name_at - 1));
        ++rows;
    }
    CHECK(rows == 27);  // every kernel group of the trace (--top 0)
    CHECK(names.size() == rows);
    CHECK(names.count("elem...rnel [BinaryFunctor<BFlo...]") == 1);
    CHECK(names.count("elem...rnel [BinaryFunctor<floa...]") == 1);
    CHECK(names.count("...CatArrayBatchedCopy #2") == 1);
}

TEST_CASE("two inputs that record the same rank are named in a warning") {
    auto s = scratch_dir("roofline-dup-rank");
    std::string in = "'" + real_data("kineto/a100-nccl-2rank-rank0.json.gz") + "'";
    auto r = run_rafter("roofline " + in + " " + in + " --top 1", s);
    REQUIRE(r.exit_code == 0);
    std::string all = r.out + r.err;
    CHECK(all.find("import.duplicate_rank") != std::string::npos);
    CHECK(all.find("both record rank 0") != std::string::npos);
}

TEST_CASE("roofline -o DIR: when one output cannot be replaced, the previous set stays whole") {
    auto s = scratch_dir("roofline-all-or-nothing");
    std::string in = "'" + real_data("kineto/h100-bert-small-infer.json.gz") + "'";
    REQUIRE(run_rafter("roofline " + in + " -o '" + s + "/out' --quiet", s).exit_code == 0);
    std::string old_summary = slurp(s + "/out/summary.json");
    // kernels.csv becomes a non-empty directory: it cannot be replaced by a file.
    fs::remove(s + "/out/kernels.csv");
    fs::create_directory(s + "/out/kernels.csv");
    std::ofstream(s + "/out/kernels.csv/keep") << "x";
    auto r = run_rafter("roofline " + in + " --group-by kernel -o '" + s + "/out' --quiet", s);
    CHECK(r.exit_code == 5);
    CHECK(r.err.find("kernels.csv") != std::string::npos);
    CHECK(slurp(s + "/out/summary.json") == old_summary);  // still the first run's (grouped by op)
    size_t n = 0;
    for (auto it = fs::directory_iterator(s + "/out"); it != fs::directory_iterator(); ++it) ++n;
    CHECK(n == 4);  // summary.json, kernels.csv/, roofline.svg, time-roofline.svg: no temporaries
}

TEST_CASE("summary JSON keeps the 10000 largest groups and sums the rest, saying so") {
    auto s = scratch_dir("roofline-many-groups");
    // 10003 distinct kernels; kernel i runs 10003 - i us, so the three shortest are the tail.
    std::string json = "{\"traceEvents\": [";
    const int n = 10003;
    for (int i = 0; i < n; ++i) {
        if (i) json += ",";
        json += "{\"ph\": \"X\", \"cat\": \"kernel\", \"name\": \"k" + std::to_string(i) +
                "\", \"pid\": 0, \"tid\": 7, \"ts\": " + std::to_string(i * 20000) + ", \"dur\": " + std::to_string(n - i) +
                ", \"args\": {\"device\": 0, \"stream\": 7}}";
    }
    json += "]}";
    std::ofstream(s + "/many.json") << json;
    auto r = run_rafter("roofline '" + s + "/many.json' -f json", s);
    REQUIRE(r.exit_code == 0);
    simdjson::dom::parser p;
    simdjson::dom::element doc;
    REQUIRE_FALSE(p.parse(r.out).get(doc));
    simdjson::dom::array groups;
    REQUIRE_FALSE(doc["groups"].get_array().get(groups));
    CHECK(groups.size() == 10000);
    simdjson::dom::element omitted;
    REQUIRE_FALSE(doc["groups_omitted"].get(omitted));
    CHECK(omitted["count"].get_uint64().value() == 3);
    CHECK(omitted["time_s"].get_double().value() == doctest::Approx(6e-6));  // 3 + 2 + 1 us
    bool said = false;
    for (auto d : doc["diagnostics"].get_array()) said = said || std::string_view(d["code"].get_string().value()) == "report.groups_omitted";
    CHECK(said);
}
