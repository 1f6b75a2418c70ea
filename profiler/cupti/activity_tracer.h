#pragma once
// Time mode: CUPTI Activity API tracing of kernels (CONCURRENT_KERNEL, which does not serialize
// them as KIND_KERNEL would), copies, memsets, runtime and driver calls, NVTX ranges and external
// correlation ids. CUPTI fills buffers we hand it and gives them back on its own thread; each
// record is converted into the trace at once and the buffer is freed. Records CUPTI had to drop
// (buffers exhausted) are counted into the trace's diagnostics.
#include <cstddef>
#include <cstdint>
#include <cupti.h>
#include <mutex>

#include "profiler/cupti/activity_convert.h"

namespace rafter::cupti {

struct TracerOptions {
    size_t buffer_bytes = 8u << 20;
    bool api = true;   // runtime and driver API records (CPU side of each launch, for correlation)
    bool nvtx = true;  // NVTX ranges (needs NVTX_INJECTION64_PATH=<libcupti> in the program's env)
};

// One tracer per process: CUPTI's buffer callbacks carry no user pointer.
class ActivityTracer {
public:
    // Takes CUPTI's subscriber slot (to count launches), registers the buffer callbacks and enables
    // the activity kinds. Records are added to `converter` while holding `mutex`. Throws
    // rafter::Error naming the CUPTI call that failed when kernel tracing itself is refused; any
    // other refusal becomes a diagnostic in `trace`.
    void start(const TracerOptions& options, ActivityConverter& converter, std::mutex& mutex, Trace& trace);
    // Hands back every buffer, including those with records still incomplete (use at the end).
    void flush();
    // Disables the kinds and flushes. Safe to call twice.
    void stop();

    uint64_t records() const;
    uint64_t dropped() const;
    uint64_t launches() const;  // successful kernel launches seen by our callback

private:
    bool running_ = false;
    CUpti_SubscriberHandle subscriber_ = nullptr;
};

} // namespace rafter::cupti
