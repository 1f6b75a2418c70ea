// The pieces under the ncu importer: the CSV tokenizer, unit scaling, the metric table and the
// per-architecture tables.
#include <doctest/doctest.h>

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "core/error.h"
#include "traces/arch.h"
#include "traces/importers/ncu/csv_tokenizer.h"
#include "traces/importers/ncu/ncu_metrics.h"
#include "traces/importers/ncu/ncu_units.h"

using namespace rafter;

namespace {
std::vector<std::vector<std::string>> tokenize(std::string text) {
    CsvTokenizer tok(text.data(), text.size(), "mem.csv");
    std::vector<std::vector<std::string>> out;
    std::vector<std::string_view> fields;
    while (!tok.at_end()) {
        tok.next_record(fields);
        out.emplace_back(fields.begin(), fields.end());
    }
    return out;
}
} // namespace

TEST_CASE("tokenizer: RFC-4180 quoting, doubled quotes, embedded newlines, CRLF, empty fields") {
    auto r = tokenize("a,\"b,c\",\"say \"\"hi\"\"\"\r\n\"multi\nline\",,x\n\"\",\"end\"");
    REQUIRE(r.size() == 3);
    CHECK(r[0] == std::vector<std::string>{"a", "b,c", "say \"hi\""});
    CHECK(r[1] == std::vector<std::string>{"multi\nline", "", "x"});
    CHECK(r[2] == std::vector<std::string>{"", "end"});
}

TEST_CASE("tokenizer: line numbers count newlines inside quoted fields") {
    std::string text = "\"a\nb\",1\nx,2\n";
    CsvTokenizer tok(text.data(), text.size(), "mem.csv");
    std::vector<std::string_view> f;
    CHECK(tok.next_record(f) == 1);
    CHECK(tok.next_record(f) == 3);
    CHECK(tok.at_end());
}

TEST_CASE("tokenizer: an unterminated quote or text after a closing quote is an error with the line") {
    for (auto [text, line] : {std::pair<std::string, uint64_t>{"a,b\n\"x,\"y\n", 2}, {"a\nb\n\"open,\n\n", 3}}) {
        try {
            tokenize(text);
            FAIL("accepted: " << text);
        } catch (const Error& e) {
            CHECK(e.where().file == "mem.csv");
            CHECK(e.where().value == line);
        }
    }
}

TEST_CASE("NUL detection gives the line") {
    std::string s = "a\nb\nc";
    s += '\0';
    CHECK(find_nul(s) == 5);
    CHECK(line_of_offset(s, find_nul(s)) == 3);
    CHECK(find_nul("plain") == std::string_view::npos);
}

TEST_CASE("units scale to SI") {
    auto scale = [](std::string_view u) { return parse_ncu_unit(u).value().scale(); };
    CHECK(scale("byte") == 1);
    CHECK(scale("Kbyte") == 1e3);
    CHECK(scale("Mbyte") == 1e6);
    CHECK(scale("Gbyte") == 1e9);
    CHECK(scale("Tbyte") == 1e12);
    CHECK(scale("KB") == 1e3);
    CHECK(scale("GB") == 1e9);
    CHECK(scale("Kibyte") == 1024);
    CHECK(scale("MiB") == 1048576);
    CHECK(scale("nsecond") == 1e-9);
    CHECK(scale("usecond") == 1e-6);
    CHECK(scale("msecond") == 1e-3);
    CHECK(scale("second") == 1);
    CHECK(scale("us") == 1e-6);
    CHECK(scale("ghz") == 1e9);
    CHECK(scale("MHz") == 1e6);
    CHECK(scale("cycle/nsecond") == 1e9);
    CHECK(scale("Gbyte/second") == 1e9);
    CHECK(parse_ncu_unit("%")->to_si(55.0) == 0.55);
    CHECK(parse_ncu_unit("usecond")->to_si(12.5) == 12.5e-6);
    CHECK(scale("") == 1);
    CHECK(unit_fits(*parse_ncu_unit("cycle/second"), Quantity::frequency));
    CHECK(unit_fits(*parse_ncu_unit("hz"), Quantity::frequency));
    CHECK(unit_fits(*parse_ncu_unit("inst"), Quantity::count));
    CHECK(unit_fits(*parse_ncu_unit(""), Quantity::count));
    CHECK(unit_fits(*parse_ncu_unit("cycle"), Quantity::cycles));
    CHECK_FALSE(unit_fits(*parse_ncu_unit("byte/second"), Quantity::bytes));
    CHECK_FALSE(unit_fits(*parse_ncu_unit("nsecond"), Quantity::bytes));
    CHECK_FALSE(parse_ncu_unit("furlong").has_value());
    CHECK_FALSE(parse_ncu_unit("hz/second").has_value());
    CHECK_FALSE(parse_ncu_unit("byte/").has_value());
}

TEST_CASE("metric table: names are unique and the roofline metrics are known") {
    std::set<std::string> names;
    for (const auto& m : ncu_metrics()) CHECK(names.insert(m.name).second);
    for (const char* n : {"gpu__time_duration.sum", "sm__cycles_elapsed.avg", "sm__cycles_elapsed.avg.per_second",
                          "l1tex__t_bytes.sum", "lts__t_bytes.sum", "dram__bytes.sum", "dram__bytes_read.sum",
                          "sm__inst_executed_pipe_tensor.sum", "sm__sass_thread_inst_executed_op_hfma_pred_on.sum",
                          "smsp__sass_thread_inst_executed_op_dadd_pred_on.sum",
                          "sm__ops_path_tensor_src_tf32_dst_fp32.sum", "sm__ops_path_tensor_src_fp8_sparsity_off.sum"})
        CHECK_MESSAGE(find_ncu_metric(n) >= 0, n);
    CHECK(find_ncu_metric("sm__throughput.avg.pct_of_peak_sustained_elapsed") == -1);
}

TEST_CASE("derivation: aliases prefer sm__ over smsp__, tensor partitions never double count") {
    std::vector<double> v(ncu_metrics().size(), NAN);
    auto set = [&](const char* name, double x) { v[static_cast<size_t>(find_ncu_metric(name))] = x; };
    set("sm__sass_thread_inst_executed_op_ffma_pred_on.sum", 10);
    set("sm__sass_thread_inst_executed_op_fadd_pred_on.sum", 1);
    set("sm__sass_thread_inst_executed_op_fmul_pred_on.sum", 2);
    set("smsp__sass_thread_inst_executed_op_ffma_pred_on.sum", 999);
    // Total and per-destination metrics of the same work: the total wins.
    set("sm__ops_path_tensor_src_bf16.sum", 100);
    set("sm__ops_path_tensor_src_bf16_dst_fp32.sum", 60);
    set("sm__ops_path_tensor_src_bf16_dst_fp32_sparsity_off.sum", 60);
    set("sm__inst_executed_pipe_tensor.sum", 7);
    set("gpu__time_duration.sum", 3e-6);
    KernelRow row;
    NcuDerivationNotes notes;
    auto volta = find_arch("volta");
    derive_ncu_kernel(v, &*volta, row, notes);
    CHECK(row.flops[static_cast<size_t>(FlopKind::fp32)].value == 1 + 2 + 2 * 10);
    CHECK(row.flops[static_cast<size_t>(FlopKind::tensor_bf16)].value == 100);
    // Measured tensor ops beat the instruction estimate.
    CHECK_FALSE(row.flops[static_cast<size_t>(FlopKind::tensor_fp16)].has());
    CHECK(row.duration_s == 3e-6);
    CHECK(row.duration_prov == Provenance::measured);
    CHECK(notes.time_missing == 0);
}

TEST_CASE("architecture tables: CC mapping and FLOPs per tensor instruction") {
    CHECK(builtin_archs().size() == 6);
    auto volta = find_arch("volta");
    REQUIRE(volta);
    CHECK(volta->tensor_flops_per_inst.value() == 512);
    CHECK(volta->tensor_kind == "tensor_fp16");
    CHECK(volta->cc_major == 7);
    CHECK(volta->cc_minors == std::vector<int>{0, 2});
    CHECK_FALSE(volta->source.empty());
    for (auto [major, minor, name] : {std::tuple{7, 0, "volta"}, {7, 2, "volta"}, {7, 5, "turing"}, {8, 0, "ampere"},
                                      {8, 6, "ampere"}, {8, 7, "ampere"}, {8, 9, "ada"}, {9, 0, "hopper"},
                                      {10, 0, "blackwell"}, {10, 3, "blackwell"}, {12, 0, "blackwell"}, {12, 1, "blackwell"}}) {
        auto a = arch_for_cc(major, minor);
        REQUIRE_MESSAGE(a, major << "." << minor);
        CHECK(a->name == name);
    }
    CHECK_FALSE(arch_for_cc(6, 0));
    CHECK_FALSE(arch_for_cc(8, 8));
    for (const char* n : {"turing", "ampere", "ada", "hopper", "blackwell"}) {
        auto a = find_arch(n);
        REQUIRE(a);
        CHECK_FALSE(a->tensor_flops_per_inst.has_value());
        CHECK(a->source.find("sm__ops_path_tensor") != std::string::npos);
    }
    CHECK_FALSE(find_arch("kepler"));
}
