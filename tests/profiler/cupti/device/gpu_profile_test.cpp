// GPU validation of the profiler: real programs through `rafter profile`, measured values checked
// against what the programs must do. Every case prints "SKIPPED: <reason>" and returns when it
// cannot run here (ctest then reports it as skipped). Timing is printed, never asserted.
#include <doctest/doctest.h>

#include <simdjson.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

#include "profiler/gpu/backend_module.h"
#include "profiler/cupti/device_probe.h"
#include "test_support.h"
#include "traces/native_format.h"

using namespace rafter;
namespace fs = std::filesystem;

namespace {

std::string gpu_unavailable_reason(const char* program = nullptr, const char* what = nullptr) {
#if defined(__SANITIZE_ADDRESS__)
    return "sanitizer build: its injection library is instrumented and cannot be loaded into "
           "uninstrumented CUDA programs; run the gpu tests from a normal build";
#endif
    if (!profiler::gpu_backend_built()) return profiler::gpu_backend_build_reason();
    cupti::DriverProbe p = cupti::probe_cuda_driver();
    if (!p.ok) return "no CUDA device: " + p.reason;
    if (program && !*program) return std::string(what) + " was not built here";
    return {};
}

#define REQUIRE_GPU(program, what)                                   \
    do {                                                             \
        std::string why_ = gpu_unavailable_reason(program, what);    \
        if (!why_.empty()) {                                         \
            std::cout << "SKIPPED: " << why_ << std::endl;           \
            return;                                                  \
        }                                                            \
    } while (0)

void print_device() {
    cupti::DriverProbe p = cupti::probe_cuda_driver();
    std::cout << "device 0: " << p.devices[0].name << " (cc " << p.devices[0].cc_major << "." << p.devices[0].cc_minor
              << "), driver " << cupti::format_driver_version(p.driver_version) << std::endl;
}

// Runs `rafter profile ARGS -- COMMAND` and returns the traces it wrote.
std::vector<Trace> profile(const std::string& name, const std::string& mode, const std::string& command,
                           const std::string& options = "") {
    auto scratch = test::scratch_dir(name);
    auto r = test::run_rafter("profile --mode " + mode + " " + options + " -o '" + scratch + "/out' -- " + command,
                              scratch);
    INFO("rafter profile stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    std::vector<Trace> traces;
    for (const auto& e : fs::directory_iterator(scratch + "/out"))
        if (e.path().extension() == ".rafter") traces.push_back(read_native_trace(e.path().string()));
    REQUIRE(traces.size() == 1);
    return traces;
}

double sum_flops(const Trace& t, FlopKind k, const std::string& name_prefix = "") {
    double s = 0;
    for (size_t i = 0; i < t.kernels.size(); ++i) {
        if (!name_prefix.empty() && t.strings.get(t.kernels.name[i]).rfind(name_prefix, 0) != 0) continue;
        if (auto v = t.kernels.get_flops(i, k); v.has()) s += v.value;
    }
    return s;
}

double sum_bytes(const Trace& t, MemLevel l, const std::string& name_prefix) {
    double s = 0;
    for (size_t i = 0; i < t.kernels.size(); ++i) {
        if (t.strings.get(t.kernels.name[i]).rfind(name_prefix, 0) != 0) continue;
        if (auto v = t.kernels.get_bytes(i, l); v.has()) s += v.value;
    }
    return s;
}

void check_gemm(const char* kind, FlopKind flop_kind) {
    REQUIRE_GPU(RAFTER_GPU_GEMM, "the cuBLAS GEMM program");
    print_device();
    const double m = 4096, n = 4096, k = 4096, expected = 2 * m * n * k;
    auto traces = profile(std::string("gemm-") + kind, "counters",
                          std::string("'") + RAFTER_GPU_GEMM + "' " + kind + " 4096 4096 4096");
    const Trace& t = traces[0];
    REQUIRE(t.kernels.size() >= 1);
    const double measured = sum_flops(t, flop_kind);
    std::cout << kind << " 4096^3: " << t.kernels.size() << " kernel(s), measured " << to_string(flop_kind) << " FLOPs "
              << measured << ", expected 2MNK = " << expected << " (" << 100 * (measured / expected - 1) << " %)"
              << std::endl;
    CHECK(std::fabs(measured / expected - 1) < 0.02);
}

} // namespace

TEST_CASE("sgemm") { check_gemm("sgemm", FlopKind::fp32); }
TEST_CASE("hgemm") { check_gemm("hgemm", FlopKind::tensor_fp16); }
TEST_CASE("bf16gemm") { check_gemm("bf16", FlopKind::tensor_bf16); }

TEST_CASE("triad") {
    REQUIRE_GPU(RAFTER_GPU_TRIAD, "the triad program (needs nvcc)");
    print_device();
    const double n = double(1u << 27), reps = 3, expected = 3 * n * 4 * reps;
    auto traces = profile("triad", "counters", std::string("'") + RAFTER_GPU_TRIAD + "' 134217728 3");
    const double dram = sum_bytes(traces[0], MemLevel::dram, "triad(");
    std::cout << "triad over 2^27 floats x 3 launches: DRAM bytes " << dram << ", expected " << expected << " ("
              << 100 * (dram / expected - 1) << " %)" << std::endl;
    CHECK(std::fabs(dram / expected - 1) < 0.05);
}

// The batch restart path: with --batch 2, eight kernels are four batches (three restarts). Every
// triad launch must get the same DRAM bytes as with one batch, and no row may lack counters.
TEST_CASE("triad_batches") {
    REQUIRE_GPU(RAFTER_GPU_TRIAD, "the triad program (needs nvcc)");
    print_device();
    const std::string cmd = std::string("'") + RAFTER_GPU_TRIAD + "' 134217728 5";
    auto one = profile("triad-batch64", "counters", cmd);
    auto two = profile("triad-batch2", "counters", cmd, "--batch 2");
    const Trace& a = one[0];
    const Trace& b = two[0];
    REQUIRE(a.kernels.size() == 8);  // 3 fills + 5 triads
    REQUIRE(b.kernels.size() == 8);
    for (size_t i = 0; i < 8; ++i) {
        CHECK(a.strings.get(a.kernels.name[i]) == b.strings.get(b.kernels.name[i]));
        auto da = a.kernels.get_bytes(i, MemLevel::dram), db = b.kernels.get_bytes(i, MemLevel::dram);
        REQUIRE(da.has());
        REQUIRE(db.has());
        std::cout << "kernel " << i << " " << a.strings.get(a.kernels.name[i]) << ": DRAM bytes batch 64 " << da.value
                  << ", batch 2 " << db.value << std::endl;
        CHECK(std::fabs(db.value / da.value - 1) < 0.05);
    }
    CHECK(b.diagnostics.count("cupti.counters_disabled") == 0);
    CHECK(b.diagnostics.count("cupti.range_unmatched") == 0);
    CHECK(b.diagnostics.count("cupti.launch_unprofiled") == 0);
    CHECK(b.diagnostics.count("cupti.range_count_mismatch") == 0);
}

TEST_CASE("launch_overhead") {
    REQUIRE_GPU(RAFTER_GPU_LAUNCHER, "bench_launch_overhead (RAFTER_BUILD_BENCH=OFF)");
    print_device();
    const std::string launcher = RAFTER_GPU_LAUNCHER;
    // The uninstrumented run, for the figure printed below.
    FILE* p = popen(("'" + launcher + "' --inner 100000").c_str(), "r");
    REQUIRE(p != nullptr);
    char line[256] = {};
    std::string baseline;
    while (std::fgets(line, sizeof line, p)) baseline += line;
    pclose(p);
    auto scratch = test::scratch_dir("launch-overhead");
    auto r = test::run_rafter("profile --mode time -o '" + scratch + "/out' -- '" + launcher + "' --inner 100000", scratch);
    REQUIRE(r.exit_code == 0);
    std::vector<Trace> traces;
    for (const auto& e : fs::directory_iterator(scratch + "/out")) traces.push_back(read_native_trace(e.path().string()));
    REQUIRE(traces.size() == 1);
    const Trace& t = traces[0];
    size_t empty = 0;
    for (size_t i = 0; i < t.kernels.size(); ++i) empty += t.strings.get(t.kernels.name[i]) == "empty_kernel";
    CHECK(empty == 100100);  // 100 warm-up launches + 100000 timed ones: none lost
    CHECK(t.diagnostics.count("cupti.dropped_records") == 0);
    CHECK(t.diagnostics.count("cupti.kernels_missing") == 0);
    std::cout << "uninstrumented: " << baseline << "under rafter profile --mode time: " << r.out << std::endl;
}

TEST_CASE("roofline_end_to_end") {
    REQUIRE_GPU(RAFTER_GPU_TRIAD, "the triad program (needs nvcc)");
    print_device();
    auto scratch = test::scratch_dir("e2e");
    auto prof = test::run_rafter("profile --mode both -o '" + scratch + "/out' -- '" + std::string(RAFTER_GPU_TRIAD) +
                                     "' 134217728 2",
                                 scratch);
    INFO("profile stderr: " << prof.err);
    REQUIRE(prof.exit_code == 0);
    CHECK(prof.err.find("launches joined") != std::string::npos);
    // Run from the scratch folder: run_rafter keeps its stdout/stderr files in the working folder,
    // which must not be the trace folder roofline reads.
    auto roof = test::run_rafter("roofline '" + scratch + "/out' --format json --quiet", scratch);
    if (roof.exit_code != 0 && roof.err.find("machine") != std::string::npos) {
        // A GPU without built-in ceilings: the plumbing is what is checked here, not the roof.
        std::cout << "note: no built-in machine for this GPU (" << roof.err << "); using h100-sxm ceilings" << std::endl;
        roof = test::run_rafter("roofline '" + scratch + "/out' --machine h100-sxm --format json --quiet", scratch);
    }
    INFO("roofline stderr: " << roof.err);
    REQUIRE(roof.exit_code == 0);
    simdjson::dom::parser parser;
    simdjson::dom::element doc = parser.parse(roof.out);
    CHECK(std::string_view(doc["schema"]) == "rafter.roofline/2");
    bool found = false;
    for (simdjson::dom::element g : doc["groups"].get_array()) {
        std::string_view name = g["name"];
        if (name.rfind("triad(", 0) != 0) continue;
        found = true;
        CHECK(int64_t(g["launches"]) == 2);
        double dram = g["bytes"]["dram"];
        double time = g["time_s"];
        CHECK(std::fabs(dram / (2 * 3 * 4.0 * (1u << 27)) - 1) < 0.05);
        CHECK(time > 0);
        std::cout << "roofline group " << name << ": " << dram << " DRAM bytes in " << time << " s" << std::endl;
    }
    CHECK(found);
}
