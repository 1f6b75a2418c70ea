// librafter_gpu_ceilings.so's entry point (abi.h): device facts, then every microbenchmark family.
// Only this symbol is exported; cudart is linked statically and stays hidden.
#include <chrono>
#include <cstdio>
#include <cstring>

#include "profiler/ceilings/gpu/bench_util.cuh"

namespace rafter::gpu_ceilings {

namespace {

__global__ void empty_kernel() {}

// Host cost of launching: `count` empty kernels enqueued back to back, then one synchronize;
// seconds per launch, best of trials. This is the launch throughput a stream of small kernels
// sees, the launch-latency ceiling of the time-based roofline.
void measure_launch_impl(const Settings& s, RafterGpuFigure& f) {
    const int count = s.trials > 3 ? 20000 : 2000;
    empty_kernel<<<1, 32>>>();
    check(cudaGetLastError(), "kernel launch");
    check(cudaDeviceSynchronize(), "empty kernel");
    double best = 0;
    for (int t = 0; t < s.trials; ++t) {
        auto t0 = std::chrono::steady_clock::now();
        for (int i = 0; i < count; ++i) empty_kernel<<<1, 32>>>();
        check(cudaGetLastError(), "kernel launch");
        check(cudaDeviceSynchronize(), "empty kernels");
        double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / count;
        if (t == 0 || secs < best) best = secs;
    }
    set_figure(f, best,
               format("%d empty kernels <<<1, 32>>> launched back to back on the default stream, then one "
                      "cudaDeviceSynchronize; wall time per launch, best of %d trials",
                      count, s.trials));
}

int attribute(cudaDeviceAttr a, int device) {
    int v = 0;
    return cudaDeviceGetAttribute(&v, a, device) == cudaSuccess ? v : 0;
}

void run_suite(int device, bool quick, RafterGpuCeilings& out) {
    int count = 0;
    check(cudaGetDeviceCount(&count), "cudaGetDeviceCount");
    if (device < 0 || device >= count)
        throw CudaError(format("device %d does not exist: the CUDA runtime sees %d device(s)", device, count));
    check(cudaSetDevice(device), "cudaSetDevice");
    cudaDeviceProp prop{};
    check(cudaGetDeviceProperties(&prop, device), "cudaGetDeviceProperties");
    std::snprintf(out.device_name, sizeof out.device_name, "%s", prop.name);
    out.cc_major = prop.major;
    out.cc_minor = prop.minor;
    out.sm_count = prop.multiProcessorCount;
    out.total_memory_bytes = static_cast<double>(prop.totalGlobalMem);
    out.l2_bytes = prop.l2CacheSize;
    out.shared_per_sm_bytes = static_cast<double>(prop.sharedMemPerMultiprocessor);
    out.sm_clock_khz = attribute(cudaDevAttrClockRate, device);
    out.mem_clock_khz = attribute(cudaDevAttrMemoryClockRate, device);
    out.mem_bus_bits = attribute(cudaDevAttrGlobalMemoryBusWidth, device);
    cudaRuntimeGetVersion(&out.runtime_version);
    cudaDriverGetVersion(&out.driver_version);

    DeviceFacts d;
    d.id = device;
    d.sm_count = prop.multiProcessorCount;
    d.cc_major = prop.major;
    d.cc_minor = prop.minor;
    d.max_threads_per_sm = prop.maxThreadsPerMultiProcessor;
    d.l2_bytes = prop.l2CacheSize;
    size_t total = 0;
    check(cudaMemGetInfo(&d.free_bytes, &total), "cudaMemGetInfo");

    Settings s = settings_for(quick);
    // Compute first: its calibration runs also bring the clocks up from idle.
    measure_fma_peaks(d, s, out);
    measure_tensor_peaks(d, s, out);
    measure_bandwidths(d, s, out);
    measure_into(out.figures[RAFTER_GPU_LAUNCH], "launch", [&] { measure_launch_impl(s, out.figures[RAFTER_GPU_LAUNCH]); });
}

} // namespace

} // namespace rafter::gpu_ceilings

extern "C" __attribute__((visibility("default"))) int rafter_gpu_ceilings_run(int device, int quick, RafterGpuCeilings* out) {
    if (!out) return 2;
    // A caller built against another layout must not have its memory written past its struct.
    if (out->abi_version != RAFTER_GPU_CEILINGS_ABI_VERSION || out->struct_size != sizeof(RafterGpuCeilings)) return 3;
    unsigned version = out->abi_version, size = out->struct_size;
    std::memset(out, 0, sizeof *out);
    out->abi_version = version;
    out->struct_size = size;
    auto t0 = std::chrono::steady_clock::now();
    try {
        rafter::gpu_ceilings::run_suite(device, quick != 0, *out);
    } catch (const std::exception& e) {
        std::snprintf(out->error, sizeof out->error, "%s", e.what());
        return 1;
    }
    out->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return 0;
}
