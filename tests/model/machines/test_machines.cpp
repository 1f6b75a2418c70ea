// Machine ceilings: built-in files, the machine-file parser and writer, ERT import, lookup by
// name and by CUDA device name, and the `rafter machines` command.
// Expected figures are typed here from the vendor documents named next to them, independently
// of the JSON files under model/machines/data/.
#include <doctest/doctest.h>

#include <algorithm>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "model/machines/machine.h"
#include "test_support.h"
#include "traces/input_file.h"

using namespace rafter;

namespace {

Machine builtin(const char* name) {
    auto m = find_builtin_machine(name);
    REQUIRE_MESSAGE(m.has_value(), "no built-in machine ", name);
    return *m;
}

double peak(const Machine& m, FlopKind k) {
    auto p = m.peak(k);
    REQUIRE_MESSAGE(p.has_value(), m.name, " has no ", to_string(k), " peak");
    return *p;
}

double bw(const Machine& m, MemLevel l) {
    auto b = m.bw(l);
    REQUIRE_MESSAGE(b.has_value(), m.name, " has no ", to_string(l), " bandwidth");
    return *b;
}

bool has_source(const Machine& m, const std::string& field) {
    for (const auto& [k, v] : m.sources)
        if (k == field && !v.empty()) return true;
    return false;
}

// The message of the rafter::Error thrown by f (empty when none was thrown).
template <class F> std::string error_of(F f, ExitCode* code = nullptr) {
    try {
        f();
    } catch (const Error& e) {
        if (code) *code = e.code();
        return e.what();
    }
    return "";
}


// The GPU name PyTorch's profiler recorded in a Kineto trace's deviceProperties.
std::string device_name_in_trace(const std::string& path) {
    std::string text = read_file(path);
    size_t props = text.find("\"deviceProperties\"");
    REQUIRE(props != std::string::npos);
    size_t key = text.find("\"name\"", props);
    size_t open = text.find('"', text.find(':', key));
    size_t close = text.find('"', open + 1);
    return text.substr(open + 1, close - open - 1);
}

} // namespace

TEST_CASE("every built-in machine parses and has the required fields, positive figures and sources") {
    const auto& all = builtin_machines();
    REQUIRE(all.size() >= 7);
    for (const auto& m : all) {
        CAPTURE(m.name);
        CHECK(!m.name.empty());
        CHECK((m.kind == "gpu" || m.kind == "cpu"));
        CHECK(!m.arch.empty());
        CHECK(!m.description.empty());
        CHECK(!m.source.empty());
        CHECK(!m.device_names.empty());
        CHECK(find_builtin_machine(m.name) == m);
        // Every figure that is given is positive and finite and says where it comes from.
        for (size_t k = 0; k < kFlopKinds; ++k) {
            if (!m.peak_flops[k]) continue;
            CHECK(*m.peak_flops[k] > 0);
            CHECK(std::isfinite(*m.peak_flops[k]));
            CHECK_MESSAGE(has_source(m, std::string("peaks_flops.") + to_string(static_cast<FlopKind>(k))),
                          "no source for peaks_flops.", to_string(static_cast<FlopKind>(k)));
        }
        for (size_t l = 0; l < kMemLevels; ++l) {
            if (!m.bandwidth[l]) continue;
            CHECK(*m.bandwidth[l] > 0);
            CHECK_MESSAGE(has_source(m, std::string("bandwidths.") + to_string(static_cast<MemLevel>(l))),
                          "no source for bandwidths.", to_string(static_cast<MemLevel>(l)));
        }
        if (m.launch_latency_s) CHECK(has_source(m, "launch_latency_s"));
        // The figures every roofline needs are present; the others present or null with a source
        // that says why (no published figure), never silently absent.
        CHECK(m.peak(FlopKind::fp64).has_value());
        CHECK(m.peak(FlopKind::fp32).has_value());
        CHECK(m.bw(MemLevel::dram).has_value());
        if (!m.bw(MemLevel::l1)) CHECK(has_source(m, "bandwidths.l1"));
        if (m.kind == "gpu") {
            CHECK(m.peak(FlopKind::tensor_fp16).has_value());
            if (!m.peak(FlopKind::fp16)) CHECK(has_source(m, "peaks_flops.fp16"));
            if (!m.launch_latency_s) CHECK(has_source(m, "launch_latency_s"));
            // Links are given or explained (absent, or depends on the server).
            if (!m.bw(MemLevel::nvlink)) CHECK(has_source(m, "bandwidths.nvlink"));
            if (!m.bw(MemLevel::pcie)) CHECK(has_source(m, "bandwidths.pcie"));
            CHECK(has_source(m, "nic_bandwidth"));
            if (m.nic_bandwidth) CHECK(*m.nic_bandwidth > 0);
            if (m.bw(MemLevel::nvlink) && m.nic_bandwidth) CHECK(bw(m, MemLevel::nvlink) > *m.nic_bandwidth);
            // Ceilings are ordered: L1 above DRAM; vector FP64 at most FP32.
            if (m.bw(MemLevel::l1)) CHECK(bw(m, MemLevel::l1) > bw(m, MemLevel::dram));
            CHECK(peak(m, FlopKind::fp64) <= peak(m, FlopKind::fp32));
        }
    }
}

TEST_CASE("V100 SXM2 matches the NVIDIA Tesla V100 data sheet (2018)") {
    const auto& m = builtin("v100-sxm2");
    CHECK(m.arch == "volta");
    CHECK(peak(m, FlopKind::fp64) == 7.8e12);
    CHECK(peak(m, FlopKind::fp32) == 15.7e12);
    CHECK(peak(m, FlopKind::tensor_fp16) == 125e12);
    CHECK(peak(m, FlopKind::fp16) == 2 * 15.7e12);  // half2: twice the FP32 rate on cc 7.0
    CHECK(bw(m, MemLevel::dram) == 900e9);
    // Derived: 80 SMs x 128 B/clk x 1.53 GHz; L2 2048 B/clk x 1.53 GHz.
    CHECK(bw(m, MemLevel::l1) == doctest::Approx(80 * 128 * 1.53e9).epsilon(1e-12));
    CHECK(bw(m, MemLevel::l2) == doctest::Approx(2048 * 1.53e9).epsilon(1e-12));
    // Volta has no BF16, TF32, FP8 or INT8 tensor cores: unknown, never 0.
    CHECK_FALSE(m.peak(FlopKind::tensor_bf16).has_value());
    CHECK_FALSE(m.peak(FlopKind::tensor_tf32).has_value());
    CHECK_FALSE(m.peak(FlopKind::tensor_fp8).has_value());
}

TEST_CASE("A100 SXM4 matches the NVIDIA A100 data sheet and whitepaper (dense tensor figures)") {
    for (const char* name : {"a100-sxm4-40gb", "a100-sxm4-80gb"}) {
        const auto& m = builtin(name);
        CAPTURE(name);
        CHECK(m.arch == "ampere");
        CHECK(peak(m, FlopKind::fp64) == 9.7e12);
        CHECK(peak(m, FlopKind::tensor_fp64) == 19.5e12);
        CHECK(peak(m, FlopKind::fp32) == 19.5e12);
        CHECK(peak(m, FlopKind::tensor_tf32) == 156e12);
        CHECK(peak(m, FlopKind::tensor_fp16) == 312e12);
        CHECK(peak(m, FlopKind::tensor_bf16) == 312e12);
        CHECK(peak(m, FlopKind::tensor_int8) == 624e12);
        CHECK(peak(m, FlopKind::fp16) == 78e12);
        CHECK(peak(m, FlopKind::bf16) == 39e12);
        CHECK(bw(m, MemLevel::l1) == doctest::Approx(108 * 128 * 1.41e9).epsilon(1e-12));
        CHECK(bw(m, MemLevel::l2) == doctest::Approx(5120 * 1.41e9).epsilon(1e-12));
        CHECK_FALSE(m.peak(FlopKind::tensor_fp8).has_value());
    }
    CHECK(bw(builtin("a100-sxm4-40gb"), MemLevel::dram) == 1555e9);
    CHECK(bw(builtin("a100-sxm4-80gb"), MemLevel::dram) == 2039e9);
}

TEST_CASE("H100 and H200 match the H100 whitepaper (2022) and the H100/H200 data sheets") {
    const auto& sxm = builtin("h100-sxm");
    CHECK(sxm.arch == "hopper");
    CHECK(peak(sxm, FlopKind::fp64) == 33.5e12);
    CHECK(peak(sxm, FlopKind::tensor_fp64) == 66.9e12);
    CHECK(peak(sxm, FlopKind::fp32) == 66.9e12);
    CHECK(peak(sxm, FlopKind::fp16) == 133.8e12);
    CHECK(peak(sxm, FlopKind::bf16) == 133.8e12);
    CHECK(peak(sxm, FlopKind::tensor_tf32) == 494.7e12);
    CHECK(peak(sxm, FlopKind::tensor_fp16) == 989.4e12);
    CHECK(peak(sxm, FlopKind::tensor_bf16) == 989.4e12);
    CHECK(peak(sxm, FlopKind::tensor_fp8) == 1978.9e12);
    CHECK(peak(sxm, FlopKind::tensor_int8) == 1978.9e12);
    CHECK(bw(sxm, MemLevel::dram) == 3.35e12);
    // The data sheet rounds: FP64 34, FP64 tensor / FP32 67 TFLOPS; tensor figures are given with
    // 2:4 sparsity (989 / 1979 / 3958 TFLOPS), twice the dense peaks.
    CHECK(peak(sxm, FlopKind::fp64) == doctest::Approx(34e12).epsilon(0.02));
    CHECK(peak(sxm, FlopKind::fp32) == doctest::Approx(67e12).epsilon(0.005));
    CHECK(2 * peak(sxm, FlopKind::tensor_tf32) == doctest::Approx(989e12).epsilon(0.001));
    CHECK(2 * peak(sxm, FlopKind::tensor_fp16) == doctest::Approx(1979e12).epsilon(0.001));
    CHECK(2 * peak(sxm, FlopKind::tensor_fp8) == doctest::Approx(3958e12).epsilon(0.001));
    // L1 derived: 132 SMs x 128 B/clk x 1.98 GHz. L2 has no vendor figure: unknown, not guessed.
    CHECK(bw(sxm, MemLevel::l1) == doctest::Approx(132 * 128 * 1.98e9).epsilon(1e-12));
    CHECK_FALSE(sxm.bw(MemLevel::l2).has_value());
    CHECK(has_source(sxm, "bandwidths.l2"));  // the reason it is unknown

    const auto& pcie = builtin("h100-pcie");
    CHECK(peak(pcie, FlopKind::fp64) == 25.6e12);
    CHECK(peak(pcie, FlopKind::tensor_fp64) == 51.2e12);
    CHECK(peak(pcie, FlopKind::fp32) == 51.2e12);
    CHECK(peak(pcie, FlopKind::tensor_tf32) == 378e12);
    CHECK(peak(pcie, FlopKind::tensor_fp16) == 756e12);
    CHECK(peak(pcie, FlopKind::tensor_bf16) == 756e12);
    CHECK(peak(pcie, FlopKind::tensor_fp8) == 1513e12);
    CHECK(bw(pcie, MemLevel::dram) == 2.0e12);
    CHECK(bw(pcie, MemLevel::l1) == doctest::Approx(114 * 128 * 1.755e9).epsilon(1e-12));

    const auto& h200 = builtin("h200-sxm");
    CHECK(bw(h200, MemLevel::dram) == 4.8e12);
    CHECK(h200.peak_flops == sxm.peak_flops);  // same GH100 compute as the H100 SXM5
}

TEST_CASE("the issue's list of GPUs is built in, with data-sheet peaks and derived figures that agree") {
    for (const char* name : {"a100-sxm4-40gb", "a100-sxm4-80gb", "h100-sxm", "h100-pcie", "h200-sxm", "gh200",
                             "b200", "l40s", "l4", "a10", "rtx6000-ada", "v100-sxm2", "mi210", "mi250x", "mi300x"})
        CHECK_MESSAGE(find_builtin_machine(name).has_value(), name);
    // NVIDIA SMs move 128 L1 bytes per clock and do 2 FP32 FLOP per lane: with 128 FP32 lanes per
    // SM (Hopper, GA102, Ada) a derived L1 is half the FP32 peak, with 64 (Volta, GA100) equal to
    // it (to the data sheet's rounding), whatever the SM count and clock.
    for (const char* name : {"h100-sxm", "gh200", "l40s", "l4", "a10", "rtx6000-ada"}) {
        const auto& m = builtin(name);
        CAPTURE(m.name);
        CHECK(bw(m, MemLevel::l1) == doctest::Approx(peak(m, FlopKind::fp32) / 2).epsilon(0.003));
    }
    for (const char* name : {"v100-sxm2", "a100-sxm4-80gb"})
        CHECK(bw(builtin(name), MemLevel::l1) == doctest::Approx(peak(builtin(name), FlopKind::fp32)).epsilon(0.003));
    // Ada and GA102 run FP64 at 1/64 of FP32 (CUDA guide throughput table, cc 8.6 / 8.9).
    for (const char* name : {"l40s", "l4", "rtx6000-ada", "a10"})
        CHECK(peak(builtin(name), FlopKind::fp64) == doctest::Approx(peak(builtin(name), FlopKind::fp32) / 64).epsilon(0.003));
    CHECK(peak(builtin("l40s"), FlopKind::fp32) == 91.6e12);
    CHECK(peak(builtin("l40s"), FlopKind::tensor_fp16) == 362.05e12);
    CHECK(bw(builtin("l40s"), MemLevel::dram) == 864e9);
    CHECK(peak(builtin("l4"), FlopKind::tensor_fp8) == 242.5e12);
    CHECK(bw(builtin("l4"), MemLevel::dram) == 300e9);
    CHECK(peak(builtin("a10"), FlopKind::tensor_fp16) == 125e12);
    CHECK_FALSE(builtin("a10").peak(FlopKind::tensor_fp8).has_value());  // no FP8 on Ampere
    CHECK(peak(builtin("b200"), FlopKind::tensor_bf16) == 2250e12);
    CHECK(bw(builtin("b200"), MemLevel::nvlink) == 900e9);
    // GH200's GPU is the H100 SXM5's; only memory and links differ.
    CHECK(builtin("gh200").peak_flops == builtin("h100-sxm").peak_flops);
    CHECK(bw(builtin("gh200-144gb"), MemLevel::dram) == 4.9e12);
    // MI250X is described per GCD: half the OAM's data-sheet 47.9 / 95.7 / 383 TFLOPS, 3.2768 TB/s.
    const auto& gcd = builtin("mi250x");
    CHECK(2 * peak(gcd, FlopKind::fp64) == doctest::Approx(47.9e12).epsilon(1e-9));
    CHECK(2 * peak(gcd, FlopKind::tensor_fp64) == doctest::Approx(95.7e12).epsilon(1e-9));
    CHECK(2 * peak(gcd, FlopKind::tensor_fp16) == doctest::Approx(383e12).epsilon(1e-9));
    CHECK(2 * bw(gcd, MemLevel::dram) == doctest::Approx(3.2768e12).epsilon(1e-9));
    // CDNA peaks follow from CUs x 64 lanes x 2 FLOP x 1.7 GHz.
    CHECK(peak(builtin("mi210"), FlopKind::fp64) == doctest::Approx(104 * 64 * 2 * 1.7e9).epsilon(0.003));
    CHECK(peak(gcd, FlopKind::fp64) == doctest::Approx(110 * 64 * 2 * 1.7e9).epsilon(0.003));
    // Per direction: NVLink 4 is 900 GB/s both ways.
    CHECK(bw(builtin("h100-sxm"), MemLevel::nvlink) == 450e9);
    CHECK(*builtin("h100-sxm").nic_bandwidth == 50e9);
}

TEST_CASE("the EPYC 7763 figures follow from cores x clock x FLOPs per cycle") {
    const auto& m = builtin("epyc-7763");
    CHECK(m.kind == "cpu");
    // 64 cores, 2.45 GHz base, two 256-bit FMA pipes: 16 FP64 / 32 FP32 FLOP per cycle.
    CHECK(peak(m, FlopKind::fp64) == doctest::Approx(64 * 2.45e9 * 16).epsilon(1e-12));
    CHECK(peak(m, FlopKind::fp32) == doctest::Approx(64 * 2.45e9 * 32).epsilon(1e-12));
    CHECK(bw(m, MemLevel::dram) == doctest::Approx(8 * 3200e6 * 8).epsilon(1e-12));  // 8 x DDR4-3200
    CHECK_FALSE(m.launch_latency_s.has_value());
    CHECK_FALSE(m.peak(FlopKind::tensor_fp16).has_value());
}

TEST_CASE("every built-in machine round-trips through machine_to_json and parse_machine_json") {
    for (const auto& m : builtin_machines()) {
        CAPTURE(m.name);
        std::string json = machine_to_json(m);
        Machine back = parse_machine_json(json, "roundtrip.json");
        CHECK(back == m);
        CHECK(machine_to_json(back) == json);
    }
}

TEST_CASE("ERT import of the Titan K20X roofline.json gives the measured ceilings exactly") {
    std::string path = test::real_data("ert/titan-k20x-roofline.json");
    Machine m = parse_ert_json(rafter::test::slurp(path), path);
    // The file's README: L1 559.14 GB/s, DRAM 160.66 GB/s, 1225.48 GFLOP/s.
    CHECK(bw(m, MemLevel::l1) == 559.14e9);
    CHECK(bw(m, MemLevel::dram) == 160.66e9);
    CHECK(peak(m, FlopKind::fp64) == 1225.48e9);
    CHECK_FALSE(m.bw(MemLevel::l2).has_value());  // not measured in this run
    CHECK_FALSE(m.peak(FlopKind::fp32).has_value());
    CHECK(m.kind == "gpu");  // ERT_GPU "True"
    CHECK(m.name == "titan.ccs.ornl.gov.02");  // ERT_RESULTS "Results.titan.ccs.ornl.gov.02"
    CHECK(m.source == "ERT roofline.json: " + path);
    CHECK(has_source(m, "peaks_flops.fp64"));
    CHECK(has_source(m, "bandwidths.l1"));
    // load_machine recognises the file by content and gives the same machine.
    CHECK(load_machine(path) == m);
    // An imported machine is a machine like any other: it round-trips.
    CHECK(parse_machine_json(machine_to_json(m), "rt.json") == m);
}

TEST_CASE("ERT import handles precision labels, HBM and unknown levels") {
    const char* json = R"({"empirical": {
        "gbytes": {"data": [["L1", 10000.5], ["L2", 4000], ["HBM", 1500], ["L3", 99]]},
        "gflops": {"data": [["FP32 GFLOPs", 19000], ["FP64 GFLOPs", 9500.25], ["FP16 GFLOPs", 1e21]]},
        "metadata": {"ERT_VERSION": "1.2.0", "CONFIG": {"ERT_GPU": [false]}}}})";
    Machine m = parse_ert_json(json, "hbm.json");
    CHECK(bw(m, MemLevel::l1) == 10000.5e9);
    CHECK(bw(m, MemLevel::l2) == 4000e9);
    CHECK(bw(m, MemLevel::dram) == 1500e9);
    CHECK(peak(m, FlopKind::fp32) == 19000e9);
    CHECK(peak(m, FlopKind::fp64) == 9500.25e9);
    CHECK(peak(m, FlopKind::fp16) == doctest::Approx(1e30));  // a number written with an exponent
    CHECK(m.kind == "cpu");
    CHECK(m.name == "hbm.json");
    CHECK(m.source.find("L3") != std::string::npos);  // named as not imported
}

TEST_CASE("bad machine files are rejected with errors naming the file and the field") {
    struct Case {
        const char* json;
        const char* field;
    };
    const Case cases[] = {
        {R"({"name": "x", "bandwidths": {"dram": -5e9}})", "bandwidths.dram"},
        {R"({"name": "x", "bandwidths": {"l2": 0}})", "bandwidths.l2"},
        {R"({"name": "x", "peaks_flops": {"fp32": "19.5e12"}})", "peaks_flops.fp32"},
        {R"({"name": "x", "peaks_flops": {"fp33": 1e12}})", "peaks_flops.fp33"},
        {R"({"name": "x", "peaks_flops": {"fp32": 1e12, "fp32": 2e12}})", "peaks_flops.fp32"},
        {R"({"name": "x", "bandwidth": {"dram": 1e12}})", "bandwidth"},
        {R"({"name": "x", "bandwidths": {"hbm": 1e12}})", "bandwidths.hbm"},
        {R"({"name": "x", "kind": "tpu"})", "kind"},
        {R"({"name": "x", "launch_latency_s": -1})", "launch_latency_s"},
        {R"({"name": "x", "sources": {"peaks_flops.fp99": "a book"}})", "sources.peaks_flops.fp99"},
        {R"({"name": "x", "schema": "rafter.machine/9"})", "schema"},
        {R"({"name": 5})", "name"},
        {R"({"kind": "gpu", "peaks_flops": {"fp32": 1e12}})", "name"},
        {R"({"name": "x", "device_names": ["ok", 3]})", "device_names[1]"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.json);
        ExitCode code = ExitCode::ok;
        std::string msg = error_of([&] { parse_machine_json(c.json, "bad.json"); }, &code);
        CHECK(code == ExitCode::bad_input);
        CHECK(msg.find("bad.json") != std::string::npos);
        CHECK(msg.find(std::string("'") + c.field + "'") != std::string::npos);
    }
    // In a real multi-line file the error names the field's line.
    std::string whole = machine_to_json(builtin("h100-sxm"));
    std::string bad = whole;
    bad.replace(bad.find("\"dram\": 3350000000000"), std::string("\"dram\": 3350000000000").size(), "\"dram\": -1");
    const auto dram_line = 1 + std::count(whole.begin(), whole.begin() + static_cast<long>(whole.find("\"dram\": 3350000000000")), '\n');
    const std::string got = error_of([&] { parse_machine_json(bad, "h.json"); });
    CAPTURE(got);
    CHECK(got.find("h.json:" + std::to_string(dram_line) + ": field 'bandwidths.dram'") == 0);
    // Truncated JSON: a real machine file cut in half names the file.
    std::string msg = error_of([&] { parse_machine_json(whole.substr(0, whole.size() / 2), "cut.json"); });
    CHECK(msg.find("cut.json") != std::string::npos);
    CHECK(msg.find("not valid JSON") != std::string::npos);
    // null means unknown and is accepted.
    Machine m = parse_machine_json(R"({"name": "n", "bandwidths": {"l2": null}, "peaks_flops": {"fp64": null}})", "n.json");
    CHECK_FALSE(m.bw(MemLevel::l2).has_value());
    CHECK_FALSE(m.peak(FlopKind::fp64).has_value());
}

TEST_CASE("bad ERT files are rejected naming the file and what is missing") {
    struct Case {
        const char* json;
        const char* what;
    };
    const Case cases[] = {
        {R"({"spec": {}})", "'empirical'"},
        {R"({"empirical": {"gflops": {"data": [["GFLOPs", 1]]}}})", "'empirical.gbytes.data'"},
        {R"({"empirical": {"gbytes": {"data": [["DRAM", 1]]}}})", "'empirical.gflops.data'"},
        {R"({"empirical": {"gbytes": {"data": [["DRAM"]]}, "gflops": {"data": [["GFLOPs", 1]]}}})",
         "'empirical.gbytes.data[0]'"},
        {R"({"empirical": {"gbytes": {"data": [["DRAM", -1]]}, "gflops": {"data": [["GFLOPs", 1]]}}})",
         "'empirical.gbytes.data[0]'"},
        {R"({"empirical": {"gbytes": {"data": []}, "gflops": {"data": [["GFLOPs", 1]]}}})",
         "'empirical.gbytes.data' is empty"},
        {R"({"empirical": {"gbytes": {"data": [["L3", 5]]}, "gflops": {"data": [["GFLOPs", 1]]}}})",
         "no L1, L2, DRAM or HBM"},
        {R"({"empirical": )", "not valid JSON"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.json);
        std::string msg = error_of([&] { parse_ert_json(c.json, "roofline.json"); });
        CHECK(msg.find("roofline.json") != std::string::npos);
        CHECK(msg.find(c.what) != std::string::npos);
    }
}

TEST_CASE("load_machine: built-in names case-insensitively, files by content, unknown names listed") {
    CHECK(load_machine("H100-SXM").name == "h100-sxm");
    ExitCode code = ExitCode::ok;
    std::string msg = error_of([] { load_machine("no-such-gpu"); }, &code);
    CHECK(code == ExitCode::usage);
    CHECK(msg.find("no-such-gpu") != std::string::npos);
    for (const auto& m : builtin_machines()) CHECK(msg.find(m.name) != std::string::npos);

    std::string dir = test::scratch_dir("machines");
    // A user's own machine file, written by machine_to_json, loads back equal.
    Machine mine = builtin("a100-sxm4-40gb");
    mine.name = "my-a100";
    mine.bandwidth[static_cast<size_t>(MemLevel::dram)] = 1.3e12;  // measured on my node
    std::string path = dir + "/my-a100.json";
    std::ofstream(path) << machine_to_json(mine);
    CHECK(load_machine(path) == mine);
    // A bad file on disk: the error names its path and the field.
    std::string bad = dir + "/bad.json";
    std::ofstream(bad) << R"({"name": "b", "bandwidths": {"dram": "fast"}})";
    msg = error_of([&] { load_machine(bad); }, &code);
    CHECK(code == ExitCode::bad_input);
    CHECK(msg.find(bad) != std::string::npos);
    CHECK(msg.find("'bandwidths.dram'") != std::string::npos);
}

TEST_CASE("match_machine_for_device picks the machine from CUDA device names") {
    CHECK(match_machine_for_device("NVIDIA H100 PCIe")->name == "h100-pcie");
    CHECK(match_machine_for_device("Tesla V100-SXM2-16GB")->name == "v100-sxm2");
    CHECK(match_machine_for_device("Tesla V100-SXM2-32GB")->name == "v100-sxm2");
    CHECK(match_machine_for_device("NVIDIA A100-SXM4-40GB")->name == "a100-sxm4-40gb");
    CHECK(match_machine_for_device("nvidia h200")->name == "h200-sxm");
    // The H200 NVL has lower peaks: the anchored "H200$" must not take it.
    CHECK_FALSE(match_machine_for_device("NVIDIA H200 NVL").has_value());
    CHECK_FALSE(match_machine_for_device("NVIDIA GeForce RTX 4090").has_value());
    // Names that contain each other: anchors and the longest match keep them apart.
    CHECK(match_machine_for_device("NVIDIA A10")->name == "a10");
    CHECK_FALSE(match_machine_for_device("NVIDIA A10G").has_value());  // AWS part, other peaks
    CHECK(match_machine_for_device("NVIDIA A100-SXM4-80GB")->name == "a100-sxm4-80gb");
    CHECK(match_machine_for_device("NVIDIA L4")->name == "l4");
    CHECK(match_machine_for_device("NVIDIA L40S")->name == "l40s");
    CHECK_FALSE(match_machine_for_device("NVIDIA L40").has_value());
    CHECK(match_machine_for_device("NVIDIA GH200 480GB")->name == "gh200");
    CHECK(match_machine_for_device("NVIDIA GH200")->name == "gh200");  // not h200-sxm's "H200$"
    CHECK(match_machine_for_device("NVIDIA GH200 144G HBM3e")->name == "gh200-144gb");
    CHECK(match_machine_for_device("NVIDIA RTX 6000 Ada Generation")->name == "rtx6000-ada");
    CHECK(match_machine_for_device("AMD Instinct MI250X/MI250")->name == "mi250x");
    CHECK(match_machine_for_device("AMD Instinct MI210")->name == "mi210");
    CHECK_FALSE(match_machine_for_device("").has_value());
    // Device names recorded by PyTorch's profiler in real traces.
    std::string h100 = device_name_in_trace(test::real_data("kineto/h100-bert-small-infer.json.gz"));
    CHECK(h100 == "NVIDIA H100 80GB HBM3");
    CHECK(match_machine_for_device(h100)->name == "h100-sxm");
    std::string a100 = device_name_in_trace(test::real_data("kineto/a100-alexnet-1gpu.json.gz"));
    CHECK(a100 == "NVIDIA A100-PG509-200");
    CHECK(match_machine_for_device(a100)->name == "a100-sxm4-40gb");
    std::string mi300 = device_name_in_trace(test::real_data("kineto/mi300x-bert-small-infer.json.gz"));
    CHECK(match_machine_for_device(mi300)->name == "mi300x");
}

TEST_CASE("rafter machines lists the built-in machines and shows one in full") {
    std::string dir = test::scratch_dir("cli-machines");
    auto r = test::run_rafter("machines", dir);
    CHECK(r.exit_code == 0);
    for (const auto& m : builtin_machines()) CHECK(r.out.find(m.name) != std::string::npos);
    CHECK(r.out.find("989 T") != std::string::npos);  // H100 SXM dense FP16 tensor peak
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) CHECK(line.size() <= 100);

    r = test::run_rafter("machines --show h100-sxm", dir);
    CHECK(r.exit_code == 0);
    CHECK(parse_machine_json(r.out, "stdout") == builtin("h100-sxm"));

    r = test::run_rafter("machines --format json", dir);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("\"schema\": \"rafter.machines/1\"") != std::string::npos);

    r = test::run_rafter("machines --show nonexistent", dir);
    CHECK(r.exit_code != 0);
    CHECK(r.err.find("h100-sxm") != std::string::npos);  // the error lists the built-in names

    r = test::run_rafter("machines --format xml", dir);
    CHECK(r.exit_code == static_cast<int>(ExitCode::usage));

    r = test::run_rafter("machines --help", dir);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("--show") != std::string::npos);

    r = test::run_rafter("machines --show '" + test::real_data("ert/titan-k20x-roofline.json") + "'", dir);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("\"l1\": 559140000000") != std::string::npos);
}
