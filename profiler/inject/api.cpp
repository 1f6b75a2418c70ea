// The C interface of librafter_inject.so (profiler/gpu/backend_abi.h), used by Rafter's own
// processes through dlopen: the embedding session API and `rafter profile --list-metrics`.
#include <algorithm>
#include <cstring>
#include <cupti.h>
#include <dlfcn.h>
#include <sstream>
#include <string>

#include "core/error.h"
#include "profiler/cupti/backend.h"
#include "profiler/gpu/backend_abi.h"
#include "profiler/cupti/host_planner.h"
#include "profiler/inject/inject_log.h"
#include "traces/native_format.h"

#define RAFTER_EXPORT extern "C" __attribute__((visibility("default")))

using namespace rafter;
using namespace rafter::cupti;

namespace {

void set_error(char* error, size_t size, const std::string& message) {
    if (!error || size == 0) return;
    size_t n = std::min(size - 1, message.size());
    std::memcpy(error, message.data(), n);
    error[n] = '\0';
}

template <class F> int guarded(char* error, size_t size, F&& f) {
    try {
        f();
        return 0;
    } catch (const Error& e) {
        set_error(error, size, e.what());
        return static_cast<int>(e.code());
    } catch (const std::exception& e) {
        set_error(error, size, e.what());
        return static_cast<int>(ExitCode::failure);
    }
}

int api_start(const RafterGpuBackendOptions* o, char* error, size_t size) {
    return guarded(error, size, [&] {
        if (!o || o->struct_size < sizeof(RafterGpuBackendOptions))
            throw Error(ExitCode::failure, "RafterGpuBackendOptions of an unknown version");
        BackendOptions b;
        if (o->mode > 1) throw Error(ExitCode::usage, "mode must be 0 (time) or 1 (counters)");
        b.mode = o->mode == 1 ? ProfileMode::counters : ProfileMode::time;
        b.tracer.api = o->trace_api != 0;
        if (o->buffer_bytes) b.tracer.buffer_bytes = o->buffer_bytes;
        if (o->ranges_per_batch) b.ranges_per_batch = o->ranges_per_batch;
        b.probe_driver = true;
        b.log = inject_log;
        Backend::instance().start(b);
    });
}

int api_stop(char* error, size_t size) {
    return guarded(error, size, [] { Backend::instance().stop(); });
}

int api_write_trace(RafterGpuBackendSink sink, void* ctx, char* error, size_t size) {
    return guarded(error, size, [&] {
        Backend& b = Backend::instance();
        if (b.running()) throw Error(ExitCode::failure, "the profiling session is still running; stop it first");
        std::ostringstream out;
        write_native_trace(b.trace(), out);
        const std::string bytes = out.str();
        sink(ctx, bytes.data(), bytes.size());
    });
}

int api_plan(const char* chip, RafterGpuBackendSink sink, void* ctx, char* error, size_t size) {
    return guarded(error, size, [&] {
        const std::string name = chip ? chip : "";
        auto chips = supported_chips();
        if (std::find(chips.begin(), chips.end(), name) == chips.end()) {
            std::string known;
            for (const auto& c : chips) known += (known.empty() ? "" : " ") + c;
            throw Error(ExitCode::usage, "unknown chip '" + name + "'; CUPTI " + std::to_string(CUPTI_API_VERSION) +
                                             " knows: " + known);
        }
        MetricPlan p = plan_for_chip(name);
        std::string text = "chip " + p.chip + "\npasses " + std::to_string(p.passes) + "\ntensor_method " +
                           to_string(p.tensor_method) + "\n";
        for (const auto& m : p.metrics) text += "metric " + m + "\n";
        for (const auto& n : p.notes) text += "note " + n + "\n";
        sink(ctx, text.data(), text.size());
    });
}

const char* api_cupti_library_path() {
    static const std::string path = [] {
        Dl_info info{};
        if (dladdr(reinterpret_cast<void*>(&cuptiGetVersion), &info) && info.dli_fname) return std::string(info.dli_fname);
        return std::string();
    }();
    return path.c_str();
}

void api_annotation_push(const char* name) { Backend::instance().annotation_push(name); }
void api_annotation_pop() { Backend::instance().annotation_pop(); }

const RafterGpuBackendApi kApi = {
    RAFTER_GPU_BACKEND_ABI_VERSION, sizeof(RafterGpuBackendApi), api_start, api_stop, api_write_trace, api_plan,
    api_cupti_library_path, api_annotation_push, api_annotation_pop,
};

} // namespace

RAFTER_EXPORT const RafterGpuBackendApi* rafter_gpu_backend_api(void) { return &kApi; }
