#pragma once
// One profiling session in this process: time mode (activity tracing) or counters mode (range
// profiler), assembled into one Trace with the process's identity. Used by the injection library
// (profiler/inject) and, through the C interface in backend_abi.h, by the embedding session API.
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "profiler/cupti/activity_tracer.h"
#include "profiler/cupti/metric_plan.h"
#include "profiler/gpu/profile_mode.h"
#include "profiler/cupti/range_profiler.h"

namespace rafter::cupti {

using profiler::ProfileMode;

struct BackendOptions {
    ProfileMode mode = ProfileMode::time;  // time or counters (both = two runs, see profile_runner.h)
    TracerOptions tracer;
    size_t ranges_per_batch = 64;
    std::vector<std::string> metrics;  // counters: replaces the plan's metrics when not empty
    // Check for a device first (dlopen libcuda, cuInit, count). False inside the driver's call of
    // InitializeInjection: cuInit is running then, and a context will prove the device exists.
    bool probe_driver = true;
    std::function<void(const std::string&)> log;
};

class Backend {
public:
    static Backend& instance();

    // Throws Error(no_device, "no CUDA device: <reason>") when probing finds none, Error(failure)
    // when CUPTI refuses, Error(failure) when a session already runs.
    void start(const BackendOptions& options);
    // Flushes and finishes the trace. Idempotent.
    void stop();
    bool running() const { return running_.load(); }

    // After stop(): the session's trace, and whether it saw any CUDA work at all.
    const Trace& trace() const { return trace_; }
    bool saw_cuda_work() const;

    // Annotation scopes (see backend_abi.h).
    void annotation_push(const char* name);
    void annotation_pop();
    uint64_t current_external_id() const;

    // In a child made by fork(): CUPTI state is not inherited usefully; never flush or write.
    void forget_after_fork() { running_ = false; }

private:
    void finish_metadata();

    std::mutex mutex_;  // guards trace_ and the converter while a session runs
    std::atomic<bool> running_{false};
    BackendOptions opt_;
    Trace trace_;
    std::unique_ptr<ActivityConverter> converter_;
    std::unique_ptr<ActivityTracer> tracer_;
    std::unique_ptr<RangeProfiler> ranges_;
    int64_t origin_ns_ = 0;
    std::atomic<uint64_t> next_annotation_{0};
};

} // namespace rafter::cupti
