#pragma once
// Helpers shared by the CUDA microbenchmarks (nvcc only): error checks, event timing with a
// calibrated repetition count and best-of-N trials, and filling a figure slot of the ABI struct.
#include <cuda_runtime.h>

#include <functional>
#include <stdexcept>
#include <string>

#include "profiler/ceilings/gpu/abi.h"

namespace rafter::gpu_ceilings {

struct CudaError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Throws CudaError naming the call and the CUDA error.
void check(cudaError_t e, const char* what);

struct Settings {
    int trials = 10;           // timed trials per figure; the best one counts
    double min_trial_s = 0.05; // each trial repeats the kernel's work until it lasts this long
};
Settings settings_for(bool quick);

struct DeviceFacts {
    int id = 0;
    int sm_count = 0;
    int cc_major = 0, cc_minor = 0;
    int max_threads_per_sm = 0;
    double l2_bytes = 0;
    size_t free_bytes = 0;
};

struct Timing {
    double seconds = 0;  // best trial
    long long reps = 0;  // repetitions (passes or loop iterations) per trial
    int trials = 0;
};

// `launch(reps)` enqueues one measurement whose work grows linearly with reps. The count is
// calibrated until one launch lasts at least settings.min_trial_s, then the fastest of
// settings.trials launches is kept: interference (clock ramps, other work) only slows a trial.
Timing best_of(const std::function<void(long long)>& launch, const Settings& settings);

// Blocks of `threads` threads that fill every SM once (occupancy API), for `kernel`.
template <class Kernel> int blocks_filling_device(Kernel kernel, int threads, const DeviceFacts& d, size_t shared = 0) {
    int per_sm = 0;
    check(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, kernel, threads, shared), "cudaOccupancyMaxActiveBlocksPerMultiprocessor");
    if (per_sm < 1) throw CudaError("the kernel cannot run with " + std::to_string(threads) + " threads per block");
    return per_sm * d.sm_count;
}

void set_figure(RafterGpuFigure& f, double value, const std::string& how);
void fail_figure(RafterGpuFigure& f, const std::string& why);
// Runs `body`; a CudaError or other exception leaves the figure unmeasured with the reason.
void measure_into(RafterGpuFigure& f, const char* what, const std::function<void()>& body);

std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
// "1.07 GB", "50.3 MB": decimal units as in the machine files.
std::string bytes_text(double bytes);

// Each benchmark family, filling its slots of `out`.
void measure_bandwidths(const DeviceFacts& d, const Settings& s, RafterGpuCeilings& out);
void measure_fma_peaks(const DeviceFacts& d, const Settings& s, RafterGpuCeilings& out);
void measure_tensor_peaks(const DeviceFacts& d, const Settings& s, RafterGpuCeilings& out);
void measure_launch(const Settings& s, RafterGpuCeilings& out);

} // namespace rafter::gpu_ceilings
