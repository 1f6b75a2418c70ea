#include "profiler/cupti/activity_tracer.h"

#include <atomic>
#include <cstdlib>
#include <cupti.h>

#include "core/error.h"
#include "profiler/cupti/host_planner.h"
#include "profiler/cupti/subscriber.h"

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
    // Kernel launches the driver reported as successful (our own callback count), and graph
    // launches (each runs an unknown number of kernels): what the kernel records must cover.
    std::atomic<uint64_t> launches{0};
    std::atomic<uint64_t> graph_launches{0};
};
TracerState g_state;

constexpr size_t kAlign = 8;  // CUPTI requires 8-byte aligned buffers

// aligned_alloc needs a size that is a multiple of the alignment.
size_t round_to_alignment(size_t bytes) { return (bytes + kAlign - 1) / kAlign * kAlign; }

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

// Counts successful kernel launches (at the driver call's exit) for the completeness check.
void CUPTIAPI on_callback(void*, CUpti_CallbackDomain domain, CUpti_CallbackId cbid, const void* data) {
    if (domain != CUPTI_CB_DOMAIN_DRIVER_API) return;
    auto cb = static_cast<const CUpti_CallbackData*>(data);
    if (cb->callbackSite != CUPTI_API_EXIT) return;
    const CUresult* rc = static_cast<const CUresult*>(cb->functionReturnValue);
    if (rc && *rc != CUDA_SUCCESS) return;
    if (is_kernel_launch_cbid(cbid)) g_state.launches.fetch_add(1, std::memory_order_relaxed);
    else if (is_graph_launch_cbid(cbid)) g_state.graph_launches.fetch_add(1, std::memory_order_relaxed);
}

struct Kind {
    CUpti_ActivityKind kind;
    const char* name;
    bool api, nvtx;
    const char* without;  // what the trace lacks when CUPTI refuses this kind
};
// Kernel records are the point of time mode; the rest enrich the trace and may be refused (an
// older driver, a virtualized GPU, another tool) without losing the kernels.
const Kind kRequired = {CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL, "CONCURRENT_KERNEL", false, false, ""};
const Kind kOptional[] = {
    {CUPTI_ACTIVITY_KIND_MEMCPY, "MEMCPY", false, false, "host/device copies"},
    {CUPTI_ACTIVITY_KIND_MEMCPY2, "MEMCPY2", false, false, "peer-to-peer copies"},
    {CUPTI_ACTIVITY_KIND_MEMSET, "MEMSET", false, false, "memsets"},
    {CUPTI_ACTIVITY_KIND_EXTERNAL_CORRELATION, "EXTERNAL_CORRELATION", false, false,
     "annotation ids on kernels (rafter_annotate scopes)"},
    {CUPTI_ACTIVITY_KIND_RUNTIME, "RUNTIME", true, false, "CUDA runtime calls"},
    {CUPTI_ACTIVITY_KIND_DRIVER, "DRIVER", true, false, "CUDA driver calls"},
    {CUPTI_ACTIVITY_KIND_MARKER, "MARKER", false, true, "NVTX ranges"},
};

} // namespace

void ActivityTracer::start(const TracerOptions& o, ActivityConverter& converter, std::mutex& mutex, Trace& trace) {
    g_state.buffer_bytes = round_to_alignment(o.buffer_bytes >= 64 * 1024 ? o.buffer_bytes : 64 * 1024);
    g_state.converter = &converter;
    g_state.mutex = &mutex;
    g_state.trace = &trace;
    g_state.launches = 0;
    g_state.graph_launches = 0;
    // Holding the subscriber slot names us to a tool that starts later, and our launch count
    // tells at the end whether someone took the activity buffers or disabled kernel records.
    Subscription sub = subscribe_as_rafter(on_callback, nullptr);
    if (sub.ok() && enable_launch_callbacks(sub.handle) == CUPTI_SUCCESS) {
        subscriber_ = sub.handle;
    } else {
        if (sub.ok()) cuptiUnsubscribe(sub.handle);
        trace.diagnostics.add(Severity::warning, "cupti.not_subscribed",
                              (sub.ok() ? std::string("CUPTI refused launch callbacks")
                                        : describe_refusal(sub)) +
                                  "; kernel tracing goes on, but Rafter cannot check that every launch was "
                                  "recorded, and the other tool may take the activity buffers");
    }
    if (auto r = cuptiActivityRegisterCallbacks(buffer_requested, buffer_completed); r != CUPTI_SUCCESS)
        throw Error(ExitCode::failure, "cuptiActivityRegisterCallbacks failed: " + cupti_result_text(r));
    if (auto r = cuptiActivityEnable(kRequired.kind); r != CUPTI_SUCCESS)
        throw Error(ExitCode::failure, "cuptiActivityEnable(CONCURRENT_KERNEL) failed: " + cupti_result_text(r));
    for (const auto& k : kOptional) {
        if ((k.api && !o.api) || (k.nvtx && !o.nvtx)) continue;
        if (auto r = cuptiActivityEnable(k.kind); r != CUPTI_SUCCESS)
            trace.diagnostics.add(Severity::warning, "cupti.kind_unavailable",
                                  std::string("CUPTI refused activity kind ") + k.name + " (" + cupti_result_text(r) +
                                      "); the trace has no " + k.without);
    }
    // We start inside cuInit, after the driver emitted its device records: EnableAndDump asks for
    // them again. A refusal is not an error (the backend then asks the driver for names and SMs).
    cuptiActivityEnableAndDump(CUPTI_ACTIVITY_KIND_DEVICE);
    running_ = true;
}

void ActivityTracer::flush() {
    cuptiActivityFlushAll(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED);
}

void ActivityTracer::stop() {
    if (!running_) return;
    running_ = false;
    cuptiActivityDisable(kRequired.kind);
    for (const auto& k : kOptional) cuptiActivityDisable(k.kind);
    cuptiActivityDisable(CUPTI_ACTIVITY_KIND_DEVICE);
    const bool counted = subscriber_ != nullptr;
    if (subscriber_) {
        cuptiUnsubscribe(subscriber_);
        subscriber_ = nullptr;
    }
    flush();
    std::lock_guard<std::mutex> lock(*g_state.mutex);
    if (g_state.trace && counted) {
        g_state.trace->diagnostics.add(
            Severity::info, "cupti.launches_counted",
            "time mode: " + std::to_string(g_state.launches.load()) + " kernel launches and " +
                std::to_string(g_state.graph_launches.load()) + " graph launches seen by the driver callbacks, " +
                std::to_string(g_state.trace->kernels.size()) + " kernel records");
        const uint64_t kernels = g_state.trace->kernels.size();
        const uint64_t launched = g_state.launches.load();
        if (kernels < launched)
            g_state.trace->diagnostics.add(
                Severity::error, "cupti.kernels_missing",
                std::to_string(launched - kernels) + " of " + std::to_string(launched) +
                    " kernel launches have no kernel record: another CUPTI client took the activity buffers or "
                    "turned kernel tracing off (see docs/profiling-gpu.md, 'Rafter and torch.profiler')",
                launched - kernels);
    }
    g_state.converter = nullptr;  // late buffers are freed without being read
    g_state.trace = nullptr;
}

uint64_t ActivityTracer::launches() const { return g_state.launches.load(); }

uint64_t ActivityTracer::records() const { return g_state.records.load(); }
uint64_t ActivityTracer::dropped() const { return g_state.dropped.load(); }

} // namespace rafter::cupti
