#include "profiler/cupti/activity_tracer.h"

#include <atomic>
#include <cstdlib>
#include <cupti.h>

#include "core/error.h"
#include "profiler/cupti/host_planner.h"

namespace rafter::cupti {

namespace {

// State reached from CUPTI's C callbacks.
struct TracerState {
    size_t buffer_bytes = 8u << 20;
    ActivityConverter* converter = nullptr;
    std::mutex* mutex = nullptr;
    Trace* trace = nullptr;
    std::atomic<uint64_t> records{0};
    std::atomic<uint64_t> dropped{0};
    std::atomic<uint64_t> buffers{0};
};
TracerState g_state;

constexpr size_t kAlign = 8;  // CUPTI requires 8-byte aligned buffers

void CUPTIAPI buffer_requested(uint8_t** buffer, size_t* size, size_t* max_records) {
    *size = g_state.buffer_bytes;
    *buffer = static_cast<uint8_t*>(std::aligned_alloc(kAlign, g_state.buffer_bytes));
    *max_records = 0;  // as many as fit
    if (*buffer) g_state.buffers.fetch_add(1, std::memory_order_relaxed);
    else *size = 0;    // CUPTI then drops records and counts them
}

void CUPTIAPI buffer_completed(CUcontext ctx, uint32_t stream, uint8_t* buffer, size_t, size_t valid) {
    size_t dropped = 0;
    if (cuptiActivityGetNumDroppedRecords(ctx, stream, &dropped) != CUPTI_SUCCESS) dropped = 0;
    if (std::mutex* mu = g_state.mutex) {
        std::lock_guard<std::mutex> lock(*mu);
        if (g_state.converter && buffer && valid > 0) {
            CUpti_Activity* record = nullptr;
            uint64_t n = 0;
            while (cuptiActivityGetNextRecord(buffer, valid, &record) == CUPTI_SUCCESS) {
                g_state.converter->add(record);
                ++n;
            }
            g_state.records.fetch_add(n, std::memory_order_relaxed);
        }
        if (dropped > 0) {
            g_state.dropped.fetch_add(dropped, std::memory_order_relaxed);
            if (g_state.trace)
                g_state.trace->diagnostics.add(Severity::warning, "cupti.dropped_records",
                                               "CUPTI dropped activity records because its buffers were full; "
                                               "the trace misses that many kernels/copies/API calls",
                                               dropped);
        }
    }
    std::free(buffer);
}

void enable(CUpti_ActivityKind kind, const char* what) {
    if (auto r = cuptiActivityEnable(kind); r != CUPTI_SUCCESS)
        throw Error(ExitCode::failure, std::string("cuptiActivityEnable(") + what + ") failed: " + cupti_result_text(r));
}

struct Kind {
    CUpti_ActivityKind kind;
    const char* name;
    bool api, nvtx;
};
const Kind kKinds[] = {
    {CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL, "CONCURRENT_KERNEL", false, false},
    {CUPTI_ACTIVITY_KIND_MEMCPY, "MEMCPY", false, false},
    {CUPTI_ACTIVITY_KIND_MEMCPY2, "MEMCPY2", false, false},
    {CUPTI_ACTIVITY_KIND_MEMSET, "MEMSET", false, false},
    {CUPTI_ACTIVITY_KIND_EXTERNAL_CORRELATION, "EXTERNAL_CORRELATION", false, false},
    {CUPTI_ACTIVITY_KIND_RUNTIME, "RUNTIME", true, false},
    {CUPTI_ACTIVITY_KIND_DRIVER, "DRIVER", true, false},
    {CUPTI_ACTIVITY_KIND_MARKER, "MARKER", false, true},
};

} // namespace

void ActivityTracer::start(const TracerOptions& o, ActivityConverter& converter, std::mutex& mutex, Trace& trace) {
    g_state.buffer_bytes = o.buffer_bytes >= 64 * 1024 ? o.buffer_bytes : 64 * 1024;
    g_state.converter = &converter;
    g_state.mutex = &mutex;
    g_state.trace = &trace;
    if (auto r = cuptiActivityRegisterCallbacks(buffer_requested, buffer_completed); r != CUPTI_SUCCESS)
        throw Error(ExitCode::failure, "cuptiActivityRegisterCallbacks failed: " + cupti_result_text(r));
    for (const auto& k : kKinds) {
        if ((k.api && !o.api) || (k.nvtx && !o.nvtx)) continue;
        enable(k.kind, k.name);
    }
    // Device records give names and SM counts; not every driver emits them after cuInit, so a
    // refusal is not an error (the backend falls back to the driver's own device queries).
    cuptiActivityEnable(CUPTI_ACTIVITY_KIND_DEVICE);
    running_ = true;
}

void ActivityTracer::flush() {
    cuptiActivityFlushAll(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED);
}

void ActivityTracer::stop() {
    if (!running_) return;
    running_ = false;
    for (const auto& k : kKinds) cuptiActivityDisable(k.kind);
    cuptiActivityDisable(CUPTI_ACTIVITY_KIND_DEVICE);
    flush();
    std::lock_guard<std::mutex> lock(*g_state.mutex);
    g_state.converter = nullptr;  // late buffers are freed without being read
    g_state.trace = nullptr;
}

uint64_t ActivityTracer::records() const { return g_state.records.load(); }
uint64_t ActivityTracer::dropped() const { return g_state.dropped.load(); }

} // namespace rafter::cupti
