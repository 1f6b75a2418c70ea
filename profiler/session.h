#pragma once
// Embedding Rafter's GPU profiler in a program: start a session, run GPU work, stop, then take or
// write the trace. The vendor's backend module (profiler/gpu/backend_abi.h; for NVIDIA GPUs the
// CUPTI backend, librafter_inject.so) is loaded on first use, so a program linking rafter::rafter
// needs no GPU libraries until it profiles.
//
//   rafter::profiler::GpuSession s;
//   s.start({.mode = rafter::profiler::ProfileMode::counters});
//   run_model_step();
//   s.stop();
//   s.write("step.rafter");             // or: rafter::Trace t = s.trace();
//
// One session per process at a time (the vendor's profiling interface is process-wide). A program already running under
// `rafter profile` is profiled by the injected backend; starting a session there fails.
#include <cstddef>
#include <cstdint>
#include <string>

#include "profiler/gpu/profile_mode.h"
#include "traces/trace.h"

namespace rafter::profiler {

struct GpuSessionOptions {
    ProfileMode mode = ProfileMode::time;  // time or counters
    size_t ranges_per_batch = 64;   // counters: kernels decoded per batch
    bool trace_api = true;          // time: runtime/driver API records
    size_t buffer_bytes = 8u << 20; // time: CUPTI activity buffer size
};

class GpuSession {
public:
    GpuSession() = default;
    ~GpuSession();  // stops a running session
    GpuSession(const GpuSession&) = delete;
    GpuSession& operator=(const GpuSession&) = delete;

    // Throws Error(not_available) without CUPTI in this build or without the backend library,
    // Error(no_device, "no CUDA device: <reason>") without a GPU, Error(failure) if CUPTI refuses.
    void start(const GpuSessionOptions& options = {});
    void stop();
    bool running() const { return running_; }

    // After stop(): the recorded trace (source_format "cupti").
    Trace trace() const;
    // After stop(): writes it as a native Rafter trace (atomically).
    void write(const std::string& path) const;

private:
    bool running_ = false;
    bool stopped_ = false;
};

// Hooks for annotation APIs (profiler/annotate.h): while a GPU session or the injected profiler
// runs, kernels launched by this thread between push and pop carry the scope's id as external id,
// and the scope is recorded as a CPU op with that id. Cheap no-ops when no profiler is loaded.
void gpu_annotation_push(const char* name) noexcept;
void gpu_annotation_pop() noexcept;

} // namespace rafter::profiler
