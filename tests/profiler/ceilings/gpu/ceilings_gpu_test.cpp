// rafter ceilings --gpu without a GPU: the driver probe's reason (exit 4), usage errors (exit 2),
// the path past the probe with a stand-in driver, the CUDA module's exports (loaded, never run),
// and the conversion of the module's results into a machine file and the summary.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <filesystem>
#include <set>
#include <sstream>

#include "profiler/ceilings/gpu/abi.h"
#include "profiler/ceilings/gpu/gpu_ceilings.h"
#include "profiler/ceilings/gpu/gpu_module.h"
#include "model/machines/machine.h"
#include "profiler/cupti/device_probe.h"
#include "test_support.h"

using namespace rafter;
using rafter::test::run_rafter;

namespace {

// Sets an environment variable for the rafter processes a test case starts.
struct ScopedEnv {
    std::string name;
    ScopedEnv(const char* n, const std::string& value) : name(n) { setenv(n, value.c_str(), 1); }
    ~ScopedEnv() { unsetenv(name.c_str()); }
};

bool has(const std::string& s, const std::string& what) { return s.find(what) != std::string::npos; }

void set_how(RafterGpuFigure& f, double value, const char* how) {
    f.value = value;
    std::snprintf(f.how, sizeof f.how, "%s", how);
}

// What the module would report on an H100 SXM, with two figures it could not measure.
ceilings::GpuCeilings synthetic_h100() {
    ceilings::GpuCeilings c;
    RafterGpuCeilings& r = c.raw;
    std::snprintf(r.device_name, sizeof r.device_name, "NVIDIA H100 80GB HBM3");
    r.cc_major = 9;
    r.cc_minor = 0;
    r.sm_count = 132;
    r.driver_version = 12080;
    r.runtime_version = 13000;
    r.total_memory_bytes = 85.0e9;
    r.l2_bytes = 52428800;
    r.seconds = 9.5;
    set_how(r.figures[RAFTER_GPU_HBM], 3.015e12, "triad hbm test text");
    set_how(r.figures[RAFTER_GPU_L2], 7.5e12, "triad l2 test text");
    set_how(r.figures[RAFTER_GPU_SHARED], 30.1e12, "shared test text");
    set_how(r.figures[RAFTER_GPU_FP64], 30.0e12, "fp64 test text");
    set_how(r.figures[RAFTER_GPU_FP32], 60.21e12, "fp32 test text");
    set_how(r.figures[RAFTER_GPU_FP16], 110e12, "fp16 test text");
    set_how(r.figures[RAFTER_GPU_BF16], 0, "not measured: bf16 test reason");
    set_how(r.figures[RAFTER_GPU_TENSOR_FP16], 600e12, "wmma fp16 test text");
    set_how(r.figures[RAFTER_GPU_TENSOR_BF16], 590e12, "wmma bf16 test text");
    set_how(r.figures[RAFTER_GPU_TENSOR_TF32], 300e12, "wmma tf32 test text");
    set_how(r.figures[RAFTER_GPU_TENSOR_FP64], 50e12, "wmma fp64 test text");
    set_how(r.figures[RAFTER_GPU_TENSOR_INT8], 0, "");  // no value and no reason
    set_how(r.figures[RAFTER_GPU_LAUNCH], 2.5e-6, "launch test text");
    return c;
}

std::string source_of(const Machine& m, const std::string& key) {
    for (const auto& [k, v] : m.sources)
        if (k == key) return v;
    return "<absent>";
}

} // namespace

TEST_CASE("--gpu without a CUDA driver exits 4 with the probe's reason and writes nothing") {
    auto dir = rafter::test::scratch_dir("ceilings-gpu-nodriver");
    {
        // A driver path that cannot exist gives the no-driver path on any machine, GPU or not.
        ScopedEnv env("RAFTER_CUDA_DRIVER_LIBRARY", "/nonexistent/libcuda.so.1");
        auto r = run_rafter("ceilings --gpu --quick -o " + dir + "/g.json", dir);
        CHECK(r.exit_code == 4);
        CHECK_MESSAGE(has(r.err, "no CUDA device: the NVIDIA driver library /nonexistent/libcuda.so.1 could not be loaded"), r.err);
        CHECK(!std::filesystem::exists(dir + "/g.json"));
    }
    if (!cupti::probe_cuda_driver().ok) {  // this machine as it is (the development VM has no driver)
        auto r = run_rafter("ceilings --gpu -o " + dir + "/g.json", dir);
        CHECK(r.exit_code == 4);
        CHECK_MESSAGE(has(r.err, "no CUDA device: "), r.err);
        CHECK(!std::filesystem::exists(dir + "/g.json"));
    }
}

TEST_CASE("--gpu usage errors exit 2 before any device is probed") {
    auto dir = rafter::test::scratch_dir("ceilings-gpu-usage");
    ScopedEnv env("RAFTER_CUDA_DRIVER_LIBRARY", "/nonexistent/libcuda.so.1");  // would give 4, not 2
    for (const char* args : {"ceilings --cpu --gpu", "ceilings --gpu --threads 2", "ceilings --gpu --max-bytes 1e9",
                             "ceilings --gpu --device=-1", "ceilings --cpu --device 1"}) {
        auto r = run_rafter(args, dir);
        CHECK_MESSAGE(r.exit_code == 2, args << ": " << r.err);
    }
    auto help = run_rafter("ceilings --help", dir);
    CHECK(help.exit_code == 0);
    CHECK(has(help.out, "rafter ceilings --gpu [-o machine.json] [--quick] [--device N] [--name NAME]"));
}

TEST_CASE("past the probe (stand-in driver): a missing device, then the module's own failure or its absence") {
    if (cupti::probe_cuda_driver().ok) {
        // With a real GPU the module would run the real suite; ceilings_gpu_device covers that.
        MESSAGE("a CUDA device is present: the stand-in driver case is left to machines without one");
        return;
    }
    auto dir = rafter::test::scratch_dir("ceilings-gpu-fake");
    ScopedEnv env("RAFTER_CUDA_DRIVER_LIBRARY", RAFTER_FAKE_CUDA_DRIVER);
    auto missing = run_rafter("ceilings --gpu --device 3", dir);
    CHECK(missing.exit_code == 4);
    CHECK_MESSAGE(has(missing.err, "no CUDA device 3: the driver reports 1 device(s)"), missing.err);

    auto r = run_rafter("ceilings --gpu --quick -o " + dir + "/g.json", dir);
    if (RAFTER_GPU_CEILINGS_MODULE_BUILT) {
        // The module loads; its CUDA runtime finds no usable driver and the suite says so.
        CHECK(r.exit_code == 1);
        CHECK_MESSAGE(has(r.err, "the CUDA microbenchmarks failed on device 0: cudaGetDeviceCount failed: "), r.err);
    } else {
        CHECK(r.exit_code == 6);
        CHECK_MESSAGE(has(r.err, "the CUDA microbenchmarks are not part of this build"), r.err);
    }
    CHECK(!std::filesystem::exists(dir + "/g.json"));
}

TEST_CASE("the CUDA module loads and exports only its entry point, which refuses a foreign struct") {
    if (!ceilings::gpu_module_built()) {
        MESSAGE("module not built here: " << ceilings::gpu_module_build_reason());
        return;
    }
    std::string path = ceilings::find_gpu_module();
    REQUIRE_MESSAGE(!path.empty(), "librafter_gpu_ceilings.so not found");
    CHECK(std::filesystem::path(path).filename() == "librafter_gpu_ceilings.so");
    void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    REQUIRE_MESSAGE(h, dlerror());
    auto run = reinterpret_cast<RafterGpuCeilingsRunFn>(dlsym(h, RAFTER_GPU_CEILINGS_ENTRY));
    REQUIRE(reinterpret_cast<void*>(run) != nullptr);
    // cudart is linked statically and hidden (exports.map): the entry point is the only symbol the
    // module defines for others, no functions, weak template instances or data besides it.
    std::set<std::string> exported;
    if (FILE* p = popen(("nm -D --defined-only '" + path + "' 2>/dev/null").c_str(), "r")) {
        char line[4096];
        while (std::fgets(line, sizeof line, p)) {
            std::istringstream fields(line);
            std::string addr, type, name;
            if (fields >> addr >> type >> name) exported.insert(name);
        }
        pclose(p);
    }
    CHECK(exported == std::set<std::string>{RAFTER_GPU_CEILINGS_ENTRY});
    // Both refusals happen before any CUDA call; the struct is left as it was.
    CHECK(run(0, 1, nullptr) == 2);
    RafterGpuCeilings r{};
    r.abi_version = RAFTER_GPU_CEILINGS_ABI_VERSION + 1;
    r.struct_size = sizeof r;
    std::snprintf(r.device_name, sizeof r.device_name, "untouched");
    CHECK(run(0, 1, &r) == 3);
    CHECK(std::string(r.device_name) == "untouched");
    r.abi_version = RAFTER_GPU_CEILINGS_ABI_VERSION;
    r.struct_size = sizeof r - 8;
    CHECK(run(0, 1, &r) == 3);
    CHECK(std::string(r.device_name) == "untouched");
}

TEST_CASE("the module's results become a machine file: measured figures, reasons for the missing ones") {
    ceilings::GpuCeilings c = synthetic_h100();
    Machine m = ceilings::gpu_ceilings_machine(c, "my-h100");
    CHECK(m.name == "my-h100");
    CHECK(m.kind == "gpu");
    CHECK(m.arch == "hopper");
    CHECK(has(m.description, "NVIDIA H100 80GB HBM3, 132 SMs"));
    CHECK(has(m.description, "compute capability 9.0, driver 12.8, CUDA runtime 13.0"));
    CHECK(m.device_names == std::vector<std::string>{"NVIDIA H100 80GB HBM3"});
    CHECK(m.bw(MemLevel::dram) == 3.015e12);
    CHECK(m.bw(MemLevel::l2) == 7.5e12);
    CHECK(m.bw(MemLevel::l1) == 30.1e12);
    CHECK(m.peak(FlopKind::fp64) == 30.0e12);
    CHECK(m.peak(FlopKind::fp32) == 60.21e12);
    CHECK(m.peak(FlopKind::fp16) == 110e12);
    CHECK(!m.peak(FlopKind::bf16));
    // Hopper: WMMA figures stay below what cuBLAS reaches through wgmma, so the data sheet's are
    // written (h100-sxm.json), and the source says what WMMA measured.
    Machine sheet = *match_machine_for_device("NVIDIA H100 80GB HBM3");
    CHECK(m.peak(FlopKind::tensor_fp16) == sheet.peak(FlopKind::tensor_fp16));
    CHECK(m.peak(FlopKind::tensor) == sheet.peak(FlopKind::tensor_fp16));
    CHECK(m.peak(FlopKind::tensor_bf16) == sheet.peak(FlopKind::tensor_bf16));
    CHECK(m.peak(FlopKind::tensor_tf32) == sheet.peak(FlopKind::tensor_tf32));
    CHECK(m.peak(FlopKind::tensor_fp64) == sheet.peak(FlopKind::tensor_fp64));
    CHECK(has(source_of(m, "peaks_flops.tensor_fp16"), "data sheet (h100-sxm): WMMA (mma.sync) measured 600 T"));
    CHECK(has(source_of(m, "peaks_flops.tensor_fp16"), "Measured by: "));
    CHECK(!m.peak(FlopKind::tensor_int8));
    CHECK(!m.peak(FlopKind::tensor_fp8));
    CHECK(m.launch_latency_s == 2.5e-6);
    CHECK(source_of(m, "bandwidths.dram") == "triad hbm test text");
    CHECK(source_of(m, "peaks_flops.bf16") == "not measured: bf16 test reason");
    CHECK(source_of(m, "peaks_flops.tensor_int8") == "not measured: the module gave no figure and no reason");
    CHECK(has(source_of(m, "peaks_flops.tensor_fp8"), "not measured: "));
    CHECK(source_of(m, "launch_latency_s") == "launch test text");

    // The written file is what rafter's machine loader and `rafter machines --show` accept.
    auto dir = rafter::test::scratch_dir("ceilings-gpu-machine");
    std::string json = machine_to_json(m);
    CHECK(parse_machine_json(json, "mem") == m);
    {
        std::FILE* f = std::fopen((dir + "/m.json").c_str(), "w");
        REQUIRE(f);
        std::fputs(json.c_str(), f);
        std::fclose(f);
    }
    auto show = run_rafter("machines --show " + dir + "/m.json", dir);
    CHECK(show.exit_code == 0);
    CHECK(has(show.out, "\"name\": \"my-h100\""));
    CHECK(has(show.out, "bf16 test reason"));
}

TEST_CASE("a measured figure above the data sheet's peak is not written, and the file says why") {
    // What an H200 gave on 2026-12-04: shared-memory loads at 118 TB/s, 3.5x the 33.4 TB/s that
    // 128 bytes per clock per SM allow. The loop's loads were merged by the assembler.
    ceilings::GpuCeilings c = synthetic_h100();
    c.raw.figures[RAFTER_GPU_SHARED].value = 118.3e12;
    Machine m = ceilings::gpu_ceilings_machine(c, "h100-with-a-broken-benchmark");
    CHECK(!m.bw(MemLevel::l1));
    CHECK(has(source_of(m, "bandwidths.l1"), "not written: measured 118 TB/s, 354% of the data sheet's peak 33.5 TB/s"));
    std::ostringstream out;
    ceilings::print_gpu_summary(out, c);
    CHECK_MESSAGE(has(out.str(), "L1/shared: not written: measured 118 TB/s"), out.str());
}

TEST_CASE("the summary puts each figure next to the matching built-in data sheet") {
    ceilings::GpuCeilings c = synthetic_h100();
    std::ostringstream out;
    ceilings::print_gpu_summary(out, c);
    std::string s = out.str();
    CHECK(has(s, "data sheet: built-in machine h100-sxm"));
    // h100-sxm.json: dram 3.35e12 (3.015/3.35 = 90%), fp32 66.9e12 (60.21/66.9 = 90%),
    // tensor_fp16 989.4e12 (600/989.4 = 60.6% -> 61%); L2 has no data-sheet figure.
    auto row = [&](const std::string& label) {
        auto p = s.find("\n" + label + " ");
        return p == std::string::npos ? std::string() : s.substr(p + 1, s.find('\n', p + 1) - p - 1);
    };
    CHECK_MESSAGE(has(row("HBM (dram)"), " 90% "), s);
    CHECK_MESSAGE(has(row("fp32"), " 90% "), s);
    CHECK_MESSAGE(has(row("tensor_fp16"), " 61% "), s);
    CHECK_MESSAGE(has(row("L2"), " - "), s);
    CHECK(has(s, "bf16: not measured: bf16 test reason"));

    std::snprintf(c.raw.device_name, sizeof c.raw.device_name, "Some Future GPU");
    std::ostringstream other;
    ceilings::print_gpu_summary(other, c);
    CHECK(has(other.str(), "(no built-in machine matches \"Some Future GPU\": no data-sheet column)"));
}
