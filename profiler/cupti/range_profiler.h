#pragma once
// Counters mode: the CUPTI Range Profiler with one auto range per kernel and kernel replay (CUPTI
// runs each kernel as many times as the metric set needs passes, saving and restoring memory in
// between). Kernels are profiled in batches: at the launch that would overflow the counter data
// image, the batch is decoded, evaluated on the host and turned into kernel rows, and profiling
// restarts. Everything per context is set up at the context's first kernel launch, when a device
// certainly exists (chip name, counter availability, metric plan, pass count).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "traces/trace.h"

namespace rafter::cupti {

struct RangeProfilerOptions {
    size_t ranges_per_batch = 64;
    std::vector<std::string> metrics;  // replaces the plan's metrics when not empty
    // The external id (annotation scope) of the launching thread, for kernel rows; may be empty.
    std::function<uint64_t()> current_external_id;
    // One line per event worth telling the user (plan per chip, disabled contexts).
    std::function<void(const std::string&)> log;
};

class RangeProfiler {
public:
    RangeProfiler();
    ~RangeProfiler();
    // Subscribes to driver launch and context callbacks. Rows are appended to `trace` while
    // holding `mutex`. Throws rafter::Error when CUPTI refuses the subscription (another tool,
    // e.g. the PyTorch profiler, already holds CUPTI's single subscriber slot).
    void start(const RangeProfilerOptions& options, Trace& trace, std::mutex& mutex);
    // Decodes the last batch of every context, disables profiling and unsubscribes.
    void stop();

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

} // namespace rafter::cupti
