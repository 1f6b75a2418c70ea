#include "profiler/ceilings/gpu/bench_util.cuh"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstring>

namespace rafter::gpu_ceilings {

void check(cudaError_t e, const char* what) {
    if (e != cudaSuccess) throw CudaError(std::string(what) + " failed: " + cudaGetErrorName(e) + " (" + cudaGetErrorString(e) + ")");
}

Settings settings_for(bool quick) {
    Settings s;
    if (quick) {
        s.trials = 3;
        s.min_trial_s = 0.005;
    }
    return s;
}

namespace {

struct Events {
    cudaEvent_t start = nullptr, stop = nullptr;
    Events() {
        check(cudaEventCreate(&start), "cudaEventCreate");
        check(cudaEventCreate(&stop), "cudaEventCreate");
    }
    ~Events() {
        cudaEventDestroy(start);
        cudaEventDestroy(stop);
    }
    Events(const Events&) = delete;
    Events& operator=(const Events&) = delete;
};

double time_once(Events& ev, const std::function<void(long long)>& launch, long long reps) {
    check(cudaEventRecord(ev.start), "cudaEventRecord");
    launch(reps);
    check(cudaGetLastError(), "kernel launch");
    check(cudaEventRecord(ev.stop), "cudaEventRecord");
    check(cudaEventSynchronize(ev.stop), "kernel execution");
    float ms = 0;
    check(cudaEventElapsedTime(&ms, ev.start, ev.stop), "cudaEventElapsedTime");
    return ms * 1e-3;
}

} // namespace

Timing best_of(const std::function<void(long long)>& launch, const Settings& s) {
    Events ev;
    long long reps = 1;
    double t = time_once(ev, launch, reps);  // also loads the kernel (lazy module loading)
    // Grow the count until one launch lasts min_trial_s; growth is capped so that a first launch
    // made short by a cold clock cannot make the next one run for minutes.
    for (int guard = 0; t < s.min_trial_s && guard < 40; ++guard) {
        double factor = std::clamp(s.min_trial_s / std::max(t, 1e-7) * 1.1, 1.5, 1000.0);
        reps = static_cast<long long>(std::ceil(static_cast<double>(reps) * factor));
        t = time_once(ev, launch, reps);
    }
    Timing r;
    r.reps = reps;
    r.seconds = t;
    for (int i = 0; i < s.trials; ++i) r.seconds = std::min(r.seconds, time_once(ev, launch, reps));
    r.trials = s.trials;
    return r;
}

void set_figure(RafterGpuFigure& f, double value, const std::string& how) {
    if (!(value > 0) || !std::isfinite(value)) {
        fail_figure(f, "the measurement gave no positive finite value (" + how + ")");
        return;
    }
    f.value = value;
    std::snprintf(f.how, sizeof f.how, "%s", how.c_str());
}

void fail_figure(RafterGpuFigure& f, const std::string& why) {
    f.value = 0;
    std::snprintf(f.how, sizeof f.how, "not measured: %s", why.c_str());
}

void measure_into(RafterGpuFigure& f, const char* what, const std::function<void()>& body) {
    try {
        body();
    } catch (const std::exception& e) {
        fail_figure(f, std::string(what) + ": " + e.what());
    }
}

std::string format(const char* fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return buf;
}

std::string bytes_text(double b) {
    if (b >= 1e9) return format("%.3g GB", b / 1e9);
    if (b >= 1e6) return format("%.3g MB", b / 1e6);
    if (b >= 1e3) return format("%.3g kB", b / 1e3);
    return format("%.0f B", b);
}

} // namespace rafter::gpu_ceilings
