#include "profiler/cupti/backend.h"

#include <algorithm>
#include <cupti.h>
#include <ctime>
#include <numeric>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

#include "core/error.h"
#include "profiler/cupti/device_probe.h"
#include "profiler/cupti/host_planner.h"
#include "profiler/gpu/run_identity.h"

namespace rafter::cupti {

namespace {

struct OpenAnnotation {
    uint64_t id;
    StringId name;
    int64_t start_ns;
    bool pushed;  // an external correlation id was pushed to CUPTI for it
};
thread_local std::vector<OpenAnnotation> t_annotations;

int64_t cupti_now() {
    uint64_t ts = 0;
    cuptiGetTimestamp(&ts);
    return static_cast<int64_t>(ts);
}

int64_t epoch_now_ns() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::string api_name(CUpti_ActivityKind kind, uint32_t cbid) {
    const char* name = nullptr;
    auto domain = kind == CUPTI_ACTIVITY_KIND_RUNTIME ? CUPTI_CB_DOMAIN_RUNTIME_API : CUPTI_CB_DOMAIN_DRIVER_API;
    if (cuptiGetCallbackName(domain, cbid, &name) == CUPTI_SUCCESS && name) return name;
    return {};
}

// Rows in time order, so that readers and people see launches as they ran.
void sort_kernels(KernelTable& k) {
    std::vector<size_t> order(k.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        if (k.start_ns[a] != k.start_ns[b]) return k.start_ns[a] < k.start_ns[b];
        return k.correlation[a] < k.correlation[b];
    });
    if (std::is_sorted(order.begin(), order.end())) return;
    KernelTable sorted;
    sorted.reserve(k.size());
    for (size_t i : order) sorted.append(k.row(i));
    k = std::move(sorted);
}

template <class Rows> void sort_by_start(Rows& rows) {
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.start_ns < b.start_ns; });
}

} // namespace

Backend& Backend::instance() {
    static Backend* b = new Backend;  // never destroyed: atexit handlers may still use it
    return *b;
}

void Backend::start(const BackendOptions& options) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (running_) throw Error(ExitCode::failure, "a GPU profiling session is already running in this process");
    if (options.mode == ProfileMode::both)
        throw Error(ExitCode::usage, "mode 'both' runs the program twice; a single session is time or counters");
    opt_ = options;
    trace_ = Trace{};
    if (opt_.probe_driver) {
        DriverProbe probe = probe_cuda_driver();
        if (!probe.ok) throw Error(ExitCode::no_device, "no CUDA device: " + probe.reason);
        trace_.meta.devices = probe.devices;
    }
    profiler::RunIdentity id = profiler::current_run_identity();
    trace_.meta.source_format = "cupti";
    trace_.meta.host = id.host;
    trace_.meta.pid = id.pid;
    trace_.meta.rank = id.rank;
    trace_.meta.world_size = id.world_size;
    origin_ns_ = cupti_now();
    trace_.meta.base_time_ns = epoch_now_ns();

    ConvertOptions conv;
    conv.origin_ns = origin_ns_;
    conv.api_name = api_name;
    converter_ = std::make_unique<ActivityConverter>(trace_, conv);
    if (opt_.mode == ProfileMode::time) {
        tracer_ = std::make_unique<ActivityTracer>();
        tracer_->start(opt_.tracer, *converter_, mutex_, trace_);
    } else {
        ranges_ = std::make_unique<RangeProfiler>();
        RangeProfilerOptions r;
        r.ranges_per_batch = opt_.ranges_per_batch;
        r.metrics = opt_.metrics;
        r.current_external_id = [this] { return current_external_id(); };
        r.log = opt_.log;
        ranges_->start(r, trace_, mutex_);
    }
    running_ = true;
}

void Backend::stop() {
    if (!running_.exchange(false)) return;
    // Outside the lock: flushing calls back into buffer_completed, which takes it.
    if (tracer_) tracer_->stop();
    if (ranges_) ranges_->stop();
    std::lock_guard<std::mutex> lock(mutex_);
    converter_->finish();
    if (!t_annotations.empty())
        trace_.diagnostics.add(Severity::warning, "cupti.annotation_unclosed",
                               "annotation scopes were still open when profiling stopped; they are left out",
                               t_annotations.size());
    finish_metadata();
}

void Backend::finish_metadata() {
    if (trace_.meta.devices.empty() && cuda_driver_already_loaded(cuda_driver_library())) {
        // The program initialized CUDA long ago, so querying the driver now is safe.
        DriverProbe probe = probe_cuda_driver();
        if (probe.ok) trace_.meta.devices = probe.devices;
    }
    if (trace_.meta.machine_hint.empty() && !trace_.meta.devices.empty())
        trace_.meta.machine_hint = trace_.meta.devices.front().name;
    if (opt_.mode == ProfileMode::time) {
        sort_kernels(trace_.kernels);
        sort_by_start(trace_.copies);
        sort_by_start(trace_.cpu_ops);
        sort_by_start(trace_.regions);
        trace_.diagnostics.add(Severity::info, "cupti.mode_time",
                               "time mode: kernel, copy and API times from CUPTI activity tracing; no counters");
    }
}

bool Backend::saw_cuda_work() const {
    return trace_.kernels.size() > 0 || !trace_.copies.empty() || !trace_.cpu_ops.empty();
}

void Backend::annotation_push(const char* name) {
    if (!running_) return;
    OpenAnnotation a;
    a.id = ++next_annotation_;
    a.pushed = opt_.mode == ProfileMode::time &&
               cuptiActivityPushExternalCorrelationId(CUPTI_EXTERNAL_CORRELATION_KIND_CUSTOM0, a.id) == CUPTI_SUCCESS;
    a.start_ns = cupti_now() - origin_ns_;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        a.name = trace_.strings.intern(name ? name : "");
    }
    t_annotations.push_back(a);
}

void Backend::annotation_pop() {
    if (t_annotations.empty()) return;
    OpenAnnotation a = t_annotations.back();
    t_annotations.pop_back();
    if (a.pushed) {
        uint64_t popped = 0;
        cuptiActivityPopExternalCorrelationId(CUPTI_EXTERNAL_CORRELATION_KIND_CUSTOM0, &popped);
    }
    if (!running_) return;
    CpuOpRow op;
    op.kind = CpuEventKind::op;
    op.name = a.name;
    op.pid = getpid();
    op.tid = static_cast<int64_t>(syscall(SYS_gettid));
    op.start_ns = a.start_ns;
    op.end_ns = cupti_now() - origin_ns_;
    op.external_id = a.id;
    std::lock_guard<std::mutex> lock(mutex_);
    trace_.cpu_ops.push_back(op);
}

uint64_t Backend::current_external_id() const {
    return t_annotations.empty() ? 0 : t_annotations.back().id;
}

} // namespace rafter::cupti
