#include "profiler/session.h"

#include <atomic>

#include "core/error.h"
#include "profiler/gpu/backend_module.h"
#include "traces/native_format.h"

namespace rafter::profiler {

namespace {

void check(int rc, const char* error) {
    if (rc != 0) throw Error(static_cast<ExitCode>(rc), error[0] ? error : "the CUPTI backend failed");
}

const RafterGpuBackendApi& api() { return *profiler::load_backend_module().api; }

} // namespace

GpuSession::~GpuSession() {
    if (!running_) return;
    char error[512] = {};
    api().stop(error, sizeof error);
}

void GpuSession::start(const GpuSessionOptions& o) {
    if (running_) throw Error(ExitCode::failure, "this GPU session is already running");
    if (o.mode == profiler::ProfileMode::both)
        throw Error(ExitCode::usage, "a GPU session runs in time or counters mode; 'both' needs two runs");
    RafterGpuBackendOptions opt{};
    opt.struct_size = sizeof opt;
    opt.mode = o.mode == profiler::ProfileMode::counters ? 1 : 0;
    opt.ranges_per_batch = static_cast<uint32_t>(o.ranges_per_batch);
    opt.trace_api = o.trace_api ? 1 : 0;
    opt.buffer_bytes = o.buffer_bytes;
    char error[1024] = {};
    check(api().start(&opt, error, sizeof error), error);
    running_ = true;
    stopped_ = false;
}

void GpuSession::stop() {
    if (!running_) return;
    running_ = false;
    char error[1024] = {};
    check(api().stop(error, sizeof error), error);
    stopped_ = true;
}

Trace GpuSession::trace() const {
    if (!stopped_) throw Error(ExitCode::failure, "the GPU session has not been stopped; stop() it first");
    std::string bytes;
    char error[1024] = {};
    auto sink = [](void* ctx, const char* data, size_t n) { static_cast<std::string*>(ctx)->append(data, n); };
    check(api().write_trace(sink, &bytes, error, sizeof error), error);
    return read_native_trace_bytes(bytes, "GPU session trace");
}

void GpuSession::write(const std::string& path) const { save_native_trace(trace(), path); }

namespace {

// Looked up once a backend is loaded; until then retried now and then, because the driver loads
// the injection library only when the program initializes CUDA.
// The misses are counted per thread with a growing interval (1, 2, 4, ... up to 65536 calls), so
// that region annotations, which call this on every begin, stay cheap in programs that never
// load the backend (no shared atomic on the hot path, one library lookup per 65536 regions).
std::atomic<const RafterGpuBackendApi*> g_hook_api{nullptr};

const RafterGpuBackendApi* hook_api() {
    if (auto* a = g_hook_api.load(std::memory_order_acquire)) return a;
    thread_local uint32_t countdown = 0, interval = 1;
    if (countdown-- != 0) return nullptr;
    if (interval < 65536) interval *= 2;
    countdown = interval - 1;
    const RafterGpuBackendApi* a = profiler::loaded_backend_api();
    if (a) g_hook_api.store(a, std::memory_order_release);
    return a;
}

} // namespace

void gpu_annotation_push(const char* name) noexcept {
    if (auto* a = hook_api()) a->annotation_push(name);
}

void gpu_annotation_pop() noexcept {
    if (auto* a = g_hook_api.load(std::memory_order_acquire)) a->annotation_pop();
}

} // namespace rafter::profiler
