// Per-launch overhead of `rafter profile --mode time`: the same program launches N empty kernels,
// once uninstrumented (the baseline, measured in the same run) and once under the profiler, each
// several times; medians of the per-launch wall time are compared. The kernel comes from PTX
// loaded through the driver (dlopen'd libcuda), so this builds and runs without nvcc; on a
// machine without a CUDA device it says why and exits 4.
//
//   bench_launch_overhead [--launches N] [--reps R]     the benchmark
//   bench_launch_overhead --inner N                     one timed run (what the benchmark spawns)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <filesystem>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "bench/bench_util.h"
#include "core/error.h"
#include "profiler/cupti/device_probe.h"
#include "traces/native_format.h"

namespace fs = std::filesystem;
using namespace rafter::bench;

namespace {

// An empty kernel; PTX for sm_70 runs (JIT-compiled by the driver) on every later GPU.
const char* kPtx = R"(
.version 7.0
.target sm_70
.address_size 64
.visible .entry empty_kernel()
{
    ret;
}
)";

using CUresult = int;
using CUdevice = int;
using CUcontext = void*;
using CUmodule = void*;
using CUfunction = void*;
using CUstream = void*;

template <class F> F sym(void* lib, const char* name) {
    auto f = reinterpret_cast<F>(dlsym(lib, name));
    if (!f) {
        std::fprintf(stderr, "bench_launch_overhead: %s not found in the driver\n", name);
        std::exit(1);
    }
    return f;
}

#define CU_CHECK(call)                                                                  \
    do {                                                                                \
        CUresult rc_ = (call);                                                          \
        if (rc_ != 0) {                                                                 \
            std::fprintf(stderr, "bench_launch_overhead: %s failed: %d\n", #call, rc_); \
            return 1;                                                                   \
        }                                                                               \
    } while (0)

// Launches `n` empty kernels and prints the wall time per launch (ns), launch loop + final sync.
int inner(long n) {
    void* lib = dlopen(rafter::cupti::cuda_driver_library().c_str(), RTLD_NOW);
    if (!lib) {
        std::fprintf(stderr, "bench_launch_overhead: %s\n", dlerror());
        return 4;
    }
    auto cuInit = sym<CUresult (*)(unsigned)>(lib, "cuInit");
    auto cuDeviceGet = sym<CUresult (*)(CUdevice*, int)>(lib, "cuDeviceGet");
    auto cuCtxCreate = sym<CUresult (*)(CUcontext*, unsigned, CUdevice)>(lib, "cuCtxCreate_v2");
    auto cuModuleLoadData = sym<CUresult (*)(CUmodule*, const void*)>(lib, "cuModuleLoadData");
    auto cuModuleGetFunction = sym<CUresult (*)(CUfunction*, CUmodule, const char*)>(lib, "cuModuleGetFunction");
    auto cuLaunchKernel = sym<CUresult (*)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned,
                                           unsigned, CUstream, void**, void**)>(lib, "cuLaunchKernel");
    auto cuCtxSynchronize = sym<CUresult (*)()>(lib, "cuCtxSynchronize");
    auto cuCtxDestroy = sym<CUresult (*)(CUcontext)>(lib, "cuCtxDestroy_v2");
    CU_CHECK(cuInit(0));
    CUdevice dev = 0;
    CU_CHECK(cuDeviceGet(&dev, 0));
    CUcontext ctx = nullptr;
    CU_CHECK(cuCtxCreate(&ctx, 0, dev));
    CUmodule mod = nullptr;
    CU_CHECK(cuModuleLoadData(&mod, kPtx));
    CUfunction fn = nullptr;
    CU_CHECK(cuModuleGetFunction(&fn, mod, "empty_kernel"));
    for (int i = 0; i < 100; ++i) CU_CHECK(cuLaunchKernel(fn, 1, 1, 1, 1, 1, 1, 0, nullptr, nullptr, nullptr));
    CU_CHECK(cuCtxSynchronize());  // warm-up, not timed
    auto t0 = std::chrono::steady_clock::now();
    for (long i = 0; i < n; ++i) CU_CHECK(cuLaunchKernel(fn, 1, 1, 1, 1, 1, 1, 0, nullptr, nullptr, nullptr));
    CU_CHECK(cuCtxSynchronize());
    auto t1 = std::chrono::steady_clock::now();
    double ns = std::chrono::duration<double, std::nano>(t1 - t0).count() / static_cast<double>(n);
    std::printf("ns_per_launch=%.3f launches=%ld\n", ns, n + 100);
    CU_CHECK(cuCtxDestroy(ctx));
    return 0;
}

// Runs a shell command, returns the ns_per_launch it printed (or a negative value).
double run_and_parse(const std::string& cmd) {
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return -1;
    char line[512];
    double ns = -1;
    while (std::fgets(line, sizeof line, p))
        if (std::strncmp(line, "ns_per_launch=", 14) == 0) ns = std::atof(line + 14);
    int status = pclose(p);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return -1;
    return ns;
}

} // namespace

int main(int argc, char** argv) {
    long launches = 100000;
    int reps = 5;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--inner" && i + 1 < argc) return inner(std::atol(argv[i + 1]));
        if (a == "--launches" && i + 1 < argc) launches = std::atol(argv[++i]);
        else if (a == "--reps" && i + 1 < argc) reps = std::atoi(argv[++i]);
        else {
            std::fprintf(stderr, "usage: bench_launch_overhead [--launches N] [--reps R]\n");
            return 2;
        }
    }
    if (launches <= 0 || reps <= 0) {
        std::fprintf(stderr, "bench_launch_overhead: --launches and --reps must be positive\n");
        return 2;
    }
    rafter::cupti::DriverProbe probe = rafter::cupti::probe_cuda_driver();
    if (!probe.ok) {
        std::fprintf(stderr, "bench_launch_overhead: no CUDA device: %s\n", probe.reason.c_str());
        return static_cast<int>(rafter::ExitCode::no_device);
    }
    const std::string self = self_exe();
    const std::string rafter = (fs::path(self).parent_path() / ".." / "rafter").lexically_normal().string();
    const std::string out = (fs::temp_directory_path() / ("rafter-launch-bench-" + std::to_string(getpid()))).string();
    std::printf("device 0: %s, driver %s, %ld empty-kernel launches, %d repetitions\n", probe.devices[0].name.c_str(),
                rafter::cupti::format_driver_version(probe.driver_version).c_str(), launches, reps);

    std::vector<double> base, profiled, no_api;
    size_t kernels_in_trace = 0;
    for (int r = 0; r < reps; ++r) {
        double b = run_and_parse("'" + self + "' --inner " + std::to_string(launches));
        fs::remove_all(out);
        double p = run_and_parse("'" + rafter + "' profile --quiet --mode time -o '" + out + "' -- '" + self +
                                 "' --inner " + std::to_string(launches) + " 2>/dev/null");
        fs::remove_all(out);
        // Without runtime/driver API records: what kernel records alone cost.
        double q = run_and_parse("'" + rafter + "' profile --quiet --mode time --no-api -o '" + out + "' -- '" + self +
                                 "' --inner " + std::to_string(launches) + " 2>/dev/null");
        if (b < 0 || p < 0 || q < 0) {
            std::fprintf(stderr, "bench_launch_overhead: a run failed (baseline %.1f, profiled %.1f, --no-api %.1f)\n",
                         b, p, q);
            return 1;
        }
        base.push_back(b);
        profiled.push_back(p);
        no_api.push_back(q);
        kernels_in_trace = 0;
        for (const auto& e : fs::directory_iterator(out))
            if (e.path().extension() == ".rafter") kernels_in_trace += rafter::read_native_trace(e.path().string()).kernels.size();
    }
    fs::remove_all(out);
    const rusage ru = resource_usage(RUSAGE_CHILDREN);
    const double mb = median(base), mp = median(profiled);
    std::printf("baseline (uninstrumented): %.1f ns per launch (median of %d)\n", mb, reps);
    std::printf("rafter profile --mode time: %.1f ns per launch (median of %d)\n", mp, reps);
    std::printf("rafter profile --mode time --no-api: %.1f ns per launch (median of %d)\n", median(no_api), reps);
    std::printf("overhead: %.1f ns per launch (%.2fx); throughput %.0f vs %.0f launches/s\n", mp - mb, mp / mb,
                1e9 / mp, 1e9 / mb);
    std::printf("kernels in the last trace: %zu (expected %ld)\n", kernels_in_trace, launches + 100);
    std::printf("peak RSS of the profiled program: %ld KiB\n", ru.ru_maxrss);
    return kernels_in_trace == static_cast<size_t>(launches + 100) ? 0 : 1;
}
