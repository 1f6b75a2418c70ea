#include "profiler/cupti/range_profiler.h"

#include <cuda.h>
#include <cupti.h>  // includes the driver API parameter structs (generated_cuda_meta.h)
#include <cupti_profiler_target.h>
#include <cupti_range_profiler.h>
#include <cupti_target.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <dlfcn.h>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/error.h"
#include "profiler/cupti/activity_convert.h"
#include "profiler/cupti/cupti_params.h"
#include "profiler/cupti/device_probe.h"
#include "profiler/cupti/host_planner.h"
#include "profiler/cupti/range_align.h"
#include "profiler/cupti/subscriber.h"

namespace rafter::cupti {

namespace {

struct PendingLaunch {
    StringId name = kNoString;
    std::string mangled;  // as the driver named it: what CUPTI names the kernel's range after
    uint32_t correlation = 0;
    uint64_t external_id = 0;
    uint64_t ordinal = 0;
    int32_t stream = -1;
    Dim3 grid, block;
};

struct ContextState {
    CUcontext ctx = nullptr;
    uint32_t device = 0;
    bool broken = false;       // setup or a batch failed: this context is no longer profiled
    bool running = false;      // range profiler started
    MetricPlan plan;
    std::unique_ptr<HostSession> host;  // evaluation needs the chip's host object
    std::vector<uint8_t> availability, config, counter_data;
    CUpti_RangeProfiler_Object* obj = nullptr;
    std::vector<PendingLaunch> pending;
};

// Launch shape and stream from the driver call's parameters.
void read_launch_params(CUpti_CallbackId cbid, const void* params, PendingLaunch& l, CUstream& stream) {
    switch (cbid) {
    case CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel:
    case CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel_ptsz: {
        auto p = static_cast<const cuLaunchKernel_params*>(params);
        l.grid = {p->gridDimX, p->gridDimY, p->gridDimZ};
        l.block = {p->blockDimX, p->blockDimY, p->blockDimZ};
        stream = p->hStream;
        break;
    }
    case CUPTI_DRIVER_TRACE_CBID_cuLaunchCooperativeKernel:
    case CUPTI_DRIVER_TRACE_CBID_cuLaunchCooperativeKernel_ptsz: {
        auto p = static_cast<const cuLaunchCooperativeKernel_params*>(params);
        l.grid = {p->gridDimX, p->gridDimY, p->gridDimZ};
        l.block = {p->blockDimX, p->blockDimY, p->blockDimZ};
        stream = p->hStream;
        break;
    }
    case CUPTI_DRIVER_TRACE_CBID_cuLaunchKernelEx:
    case CUPTI_DRIVER_TRACE_CBID_cuLaunchKernelEx_ptsz: {
        auto p = static_cast<const cuLaunchKernelEx_params*>(params);
        if (p->config) {
            l.grid = {p->config->gridDimX, p->config->gridDimY, p->config->gridDimZ};
            l.block = {p->config->blockDimX, p->config->blockDimY, p->config->blockDimZ};
            stream = p->config->hStream;
        }
        break;
    }
    default: break;
    }
}

void check(CUptiResult r, const char* what) {
    if (r != CUPTI_SUCCESS) throw Error(ExitCode::failure, std::string(what) + " failed: " + cupti_result_text(r));
}

// Range profiler calls act on a context that should be current on the calling thread. At a
// kernel launch it is; at exit or inside cuCtxDestroy it may not be, so make it current for the
// duration (driver entry points found in the already-loaded driver; Rafter never links it).
class CurrentContext {
public:
    explicit CurrentContext(CUcontext ctx) {
        const Driver& d = driver();
        if (d.push && d.pop && d.push(ctx) == CUDA_SUCCESS) pushed_ = true;
    }
    ~CurrentContext() {
        if (!pushed_) return;
        CUcontext popped = nullptr;
        driver().pop(&popped);
    }
    CurrentContext(const CurrentContext&) = delete;
    CurrentContext& operator=(const CurrentContext&) = delete;

private:
    struct Driver {
        CUresult (*push)(CUcontext) = nullptr;
        CUresult (*pop)(CUcontext*) = nullptr;
    };
    static const Driver& driver() {
        static const Driver d = [] {
            Driver r;
            if (void* lib = dlopen(cuda_driver_library().c_str(), RTLD_NOW | RTLD_NOLOAD)) {
                r.push = reinterpret_cast<CUresult (*)(CUcontext)>(dlsym(lib, "cuCtxPushCurrent_v2"));
                r.pop = reinterpret_cast<CUresult (*)(CUcontext*)>(dlsym(lib, "cuCtxPopCurrent_v2"));
            }
            return r;
        }();
        return d;
    }
    bool pushed_ = false;
};

} // namespace

struct RangeProfiler::Impl {
    RangeProfilerOptions opt;
    Trace* trace = nullptr;
    std::mutex* mutex = nullptr;
    CUpti_SubscriberHandle subscriber = nullptr;
    bool profiler_initialized = false;
    // Set first thing in stop(): a launch on another thread after that must not set a context up
    // again while CUPTI is being torn down.
    std::atomic<bool> stopping{false};
    uint64_t launches = 0;
    bool logged_range_names = false;
    bool checked_collection = false;
    // Progress for long runs: kernel replay can take seconds per kernel when a program holds a lot
    // of device memory (CUPTI saves and restores it around every pass).
    uint64_t batches = 0, profiled = 0;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    bool logged_restart = false;
    std::unordered_map<CUcontext, ContextState> contexts;
    std::unordered_set<std::string> logged_chips;
    std::unordered_map<std::string, StringId> names;  // mangled -> interned demangled

    void log(const std::string& s) const {
        if (opt.log) opt.log(s);
    }
    void diag(Severity sev, const std::string& code, const std::string& msg, uint64_t n = 1) {
        trace->diagnostics.add(sev, code, msg, n);
    }

    StringId name_of(const char* mangled) {
        std::string key = mangled ? mangled : "";
        auto it = names.find(key);
        if (it != names.end()) return it->second;
        StringId id = trace->strings.intern(mangled ? demangle(mangled) : std::string("<unnamed kernel>"));
        names.emplace(std::move(key), id);
        return id;
    }

    void configure(ContextState& s) {
        auto size = RAFTER_CUPTI_PARAMS(CUpti_RangeProfiler_GetCounterDataSize_Params);
        std::vector<const char*> metrics;
        for (const auto& m : s.plan.metrics) metrics.push_back(m.c_str());
        size.pRangeProfilerObject = s.obj;
        size.pMetricNames = metrics.data();
        size.numMetrics = metrics.size();
        size.maxNumOfRanges = opt.ranges_per_batch;
        size.maxNumRangeTreeNodes = static_cast<uint32_t>(opt.ranges_per_batch);
        check(cuptiRangeProfilerGetCounterDataSize(&size), "cuptiRangeProfilerGetCounterDataSize");
        s.counter_data.assign(size.counterDataSize, 0);
        configure_and_start(s);
    }

    // Fresh counter data image, configuration, start: the state after setup and after each batch.
    // After a batch CUPTI may refuse a second SetConfig on the same profiler object; then the
    // object is disabled and enabled afresh (what a new session would do) and configured again.
    void restart(ContextState& s) {
        try {
            configure_and_start(s);
        } catch (const Error& first) {
            if (s.obj == nullptr) throw;
            disable(s);
            auto enable = RAFTER_CUPTI_PARAMS(CUpti_RangeProfiler_Enable_Params);
            enable.ctx = s.ctx;
            check(cuptiRangeProfilerEnable(&enable), "cuptiRangeProfilerEnable (batch restart)");
            s.obj = enable.pRangeProfilerObject;
            configure_and_start(s);
            if (!logged_restart) {
                logged_restart = true;
                log("batch restart: " + first.message() + "; profiler re-enabled for each batch");
            }
        }
    }

    void configure_and_start(ContextState& s) {
        auto init = RAFTER_CUPTI_PARAMS(CUpti_RangeProfiler_CounterDataImage_Initialize_Params);
        init.pRangeProfilerObject = s.obj;
        init.counterDataSize = s.counter_data.size();
        init.pCounterData = s.counter_data.data();
        check(cuptiRangeProfilerCounterDataImageInitialize(&init), "cuptiRangeProfilerCounterDataImageInitialize");
        auto set = RAFTER_CUPTI_PARAMS(CUpti_RangeProfiler_SetConfig_Params);
        set.pRangeProfilerObject = s.obj;
        set.configSize = s.config.size();
        set.pConfig = s.config.data();
        set.counterDataImageSize = s.counter_data.size();
        set.pCounterDataImage = s.counter_data.data();
        set.range = CUPTI_AutoRange;
        set.replayMode = CUPTI_KernelReplay;
        set.maxRangesPerPass = opt.ranges_per_batch;
        set.numNestingLevels = 1;
        set.minNestingLevel = 1;
        set.passIndex = 0;
        set.targetNestingLevel = 1;
        check(cuptiRangeProfilerSetConfig(&set), "cuptiRangeProfilerSetConfig");
        auto start = RAFTER_CUPTI_PARAMS(CUpti_RangeProfiler_Start_Params);
        start.pRangeProfilerObject = s.obj;
        check(cuptiRangeProfilerStart(&start), "cuptiRangeProfilerStart");
        s.running = true;
    }

    void setup(ContextState& s) {
        if (!profiler_initialized) {
            auto p = RAFTER_CUPTI_PARAMS(CUpti_Profiler_Initialize_Params);
            check(cuptiProfilerInitialize(&p), "cuptiProfilerInitialize");
            profiler_initialized = true;
        }
        check(cuptiGetDeviceId(s.ctx, &s.device), "cuptiGetDeviceId");
        // Only now, with a context on a real device, is cuptiDeviceGetChipName safe.
        auto chip = RAFTER_CUPTI_PARAMS(CUpti_Device_GetChipName_Params);
        chip.deviceIndex = s.device;
        check(cuptiDeviceGetChipName(&chip), "cuptiDeviceGetChipName");
        const std::string chip_name = chip.pChipName ? chip.pChipName : "";

        auto avail = RAFTER_CUPTI_PARAMS(CUpti_Profiler_GetCounterAvailability_Params);
        avail.ctx = s.ctx;
        check(cuptiProfilerGetCounterAvailability(&avail), "cuptiProfilerGetCounterAvailability");
        s.availability.assign(avail.counterAvailabilityImageSize, 0);
        avail.pCounterAvailabilityImage = s.availability.data();
        check(cuptiProfilerGetCounterAvailability(&avail), "cuptiProfilerGetCounterAvailability");

        // The plan is made on the host before the first kernel runs: metric choice for this chip,
        // config image and pass count (the same computation as `rafter profile --list-metrics`).
        s.host = std::make_unique<HostSession>(chip_name, s.availability.data());
        s.plan = plan_roofline_metrics(chip_name, s.host->base_metrics(), arch_for_chip(chip_name));
        if (!opt.metrics.empty()) {
            s.plan.metrics = opt.metrics;  // an expert's list: unknown names fail below, naming the metric
            s.plan.notes.push_back("metric list from RAFTER_PROFILE_METRICS, not the roofline plan");
        }
        s.config = s.host->config_image(s.plan.metrics);  // the same host object evaluates later
        s.plan.passes = passes_for_config(s.config);
        if (logged_chips.insert(chip_name).second) {
            log("counters on " + chip_name + ": " + std::to_string(s.plan.metrics.size()) + " metrics, " +
                std::to_string(s.plan.passes) + " replay passes per kernel, tensor FLOPs from " +
                to_string(s.plan.tensor_method));
            for (const auto& n : s.plan.notes) log("  note: " + n);
            diag(Severity::info, "cupti.counters_plan",
                 "counters from kernel replay on " + chip_name + ": " + std::to_string(s.plan.passes) +
                     " passes per kernel; tensor FLOPs from " + to_string(s.plan.tensor_method));
        }

        auto enable = RAFTER_CUPTI_PARAMS(CUpti_RangeProfiler_Enable_Params);
        enable.ctx = s.ctx;
        check(cuptiRangeProfilerEnable(&enable), "cuptiRangeProfilerEnable");
        s.obj = enable.pRangeProfilerObject;
        configure(s);
    }

    // Stops, decodes and evaluates the batch, appending one kernel row per range.
    void decode_batch(ContextState& s) {
        if (!s.running) return;
        s.running = false;
        auto stop = RAFTER_CUPTI_PARAMS(CUpti_RangeProfiler_Stop_Params);
        stop.pRangeProfilerObject = s.obj;
        check(cuptiRangeProfilerStop(&stop), "cuptiRangeProfilerStop");
        // Kernel replay submits every pass of a kernel before the launch returns; anything else
        // means some counters of this batch were never collected.
        if (!stop.isAllPassSubmitted)
            diag(Severity::warning, "cupti.passes_incomplete",
                 "CUPTI reported a batch with replay passes not submitted; its counters may be partial");
        auto decode = RAFTER_CUPTI_PARAMS(CUpti_RangeProfiler_DecodeData_Params);
        decode.pRangeProfilerObject = s.obj;
        check(cuptiRangeProfilerDecodeData(&decode), "cuptiRangeProfilerDecodeData");
        if (decode.numOfRangeDropped > 0)
            diag(Severity::warning, "cupti.ranges_dropped",
                 "the range profiler dropped kernels; their counters are missing", decode.numOfRangeDropped);
        auto info = RAFTER_CUPTI_PARAMS(CUpti_RangeProfiler_GetCounterDataInfo_Params);
        info.pCounterDataImage = s.counter_data.data();
        info.counterDataImageSize = s.counter_data.size();
        check(cuptiRangeProfilerGetCounterDataInfo(&info), "cuptiRangeProfilerGetCounterDataInfo");
        const size_t ranges = info.numTotalRanges;
        std::vector<std::string> range_names(ranges), mangled, demangled;
        for (size_t i = 0; i < ranges; ++i) {
            auto ri = RAFTER_CUPTI_PARAMS(CUpti_RangeProfiler_CounterData_GetRangeInfo_Params);
            ri.pCounterDataImage = s.counter_data.data();
            ri.counterDataImageSize = s.counter_data.size();
            ri.rangeIndex = i;
            ri.rangeDelimiter = "/";
            if (cuptiRangeProfilerCounterDataGetRangeInfo(&ri) == CUPTI_SUCCESS && ri.rangeName)
                range_names[i] = ri.rangeName;
        }
        for (const auto& l : s.pending) {
            mangled.push_back(l.mangled);
            demangled.emplace_back(trace->strings.get(l.name));
        }
        if (!logged_range_names && ranges > 0) {
            logged_range_names = true;
            log("first range name: '" + range_names[0] + "' (launch: '" + (mangled.empty() ? "" : mangled[0]) + "')");
        }
        RangeAlignment align = align_ranges(range_names, mangled, demangled);
        if (align.by_order && ranges != s.pending.size())
            diag(Severity::warning, "cupti.range_count_mismatch",
                 "a batch had " + std::to_string(s.pending.size()) + " kernel launches but " +
                     std::to_string(ranges) +
                     " profiled ranges, and CUPTI's range names do not name the kernels; counters were matched "
                     "to launches in order and may belong to neighbouring kernels");
        if (!align.by_order && align.unmatched_ranges > 0)
            diag(Severity::warning, "cupti.range_unmatched",
                 "profiled ranges of kernels Rafter did not see launched (stream capture, another launch "
                 "path); their counters are left out",
                 align.unmatched_ranges);
        if (!align.by_order && align.unprofiled_launches > 0)
            diag(Severity::warning, "cupti.launch_unprofiled",
                 "kernel launches without a profiled range; their counters are missing",
                 align.unprofiled_launches);
        std::vector<KernelRow> rows(s.pending.size());
        for (size_t j = 0; j < s.pending.size(); ++j) {
            KernelRow& row = rows[j];  // launched but not profiled: the row stays, its numbers are missing
            row.name = s.pending[j].name;
            row.device = static_cast<int32_t>(s.device);
            row.stream = s.pending[j].stream;
            row.grid = s.pending[j].grid;
            row.block = s.pending[j].block;
            row.correlation = s.pending[j].correlation;
            row.external_id = s.pending[j].external_id;
            row.launch_id = s.pending[j].ordinal;
        }
        for (size_t i = 0; i < ranges; ++i) {
            if (align.launch_of_range[i] < 0) continue;
            KernelRow& row = rows[static_cast<size_t>(align.launch_of_range[i])];
            std::vector<double> values;
            try {
                values = s.host->evaluate(s.counter_data, i, s.plan.metrics);
            } catch (const Error& e) {
                values.assign(s.plan.metrics.size(), std::nan(""));
                diag(Severity::warning, "cupti.evaluate_failed", e.message());
            }
            if (!checked_collection) {
                checked_collection = true;
                report_uncollected(s, values);
            }
            KernelCounters k = interpret_counters(s.plan, values);
            row.flops = k.flops;
            row.bytes = k.bytes;
            if (k.duration_s.has()) {
                row.duration_s = k.duration_s.value;
                row.duration_prov = k.duration_s.prov;
            }
        }
        for (const KernelRow& row : rows) trace->kernels.append(row);
        profiled += ranges;
        ++batches;
        if ((batches & (batches - 1)) == 0) {  // batches 1, 2, 4, 8, ...
            const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            char line[160];
            std::snprintf(line, sizeof line, "counters: %llu kernels profiled in %.1f s (%.1f kernels/s)",
                          static_cast<unsigned long long>(profiled), secs, secs > 0 ? profiled / secs : 0.0);
            log(line);
        }
        s.pending.clear();
    }

    // CUPTI gives NaN for a metric it scheduled but did not collect. Say which, once, so that a
    // FLOP kind or memory level shown as missing has its reason in the trace.
    void report_uncollected(const ContextState& s, const std::vector<double>& values) {
        std::string names, all;
        size_t n = 0;
        for (size_t i = 0; i < values.size() && i < s.plan.metrics.size(); ++i) {
            char v[64];
            std::snprintf(v, sizeof v, "=%.17g", values[i]);
            all += (i ? " " : "") + s.plan.metrics[i] + v;
            if (!std::isfinite(values[i]) || values[i] < 0) names += (n++ ? ", " : "") + s.plan.metrics[i];
        }
        log("first kernel's metric values: " + all);
        if (n == 0) return;
        log("metrics without values for the first kernel: " + names);
        diag(Severity::warning, "cupti.metrics_not_collected",
             "CUPTI returned no value for " + std::to_string(n) + " of " + std::to_string(s.plan.metrics.size()) +
                 " metrics (" + names + "); the FLOPs and bytes they feed are missing",
             n);
    }

    void disable(ContextState& s) {
        if (s.obj) {
            auto d = RAFTER_CUPTI_PARAMS(CUpti_RangeProfiler_Disable_Params);
            d.pRangeProfilerObject = s.obj;
            cuptiRangeProfilerDisable(&d);
            s.obj = nullptr;
        }
    }

    void fail_context(ContextState& s, const std::string& why) {
        s.broken = true;
        diag(Severity::error, "cupti.counters_disabled",
             "counter collection stopped for a CUDA context: " + why);
        log("counters disabled for a context: " + why);
        try {
            if (s.running) {
                auto stop = RAFTER_CUPTI_PARAMS(CUpti_RangeProfiler_Stop_Params);
                stop.pRangeProfilerObject = s.obj;
                cuptiRangeProfilerStop(&stop);
                s.running = false;
            }
        } catch (...) {
        }
        disable(s);
        s.pending.clear();
    }

    void on_launch(const CUpti_CallbackData* cb, CUpti_CallbackId cbid) {
        std::lock_guard<std::mutex> lock(*mutex);
        if (stopping.load()) return;
        auto it = contexts.find(cb->context);
        if (cb->callbackSite == CUPTI_API_EXIT) {
            // A launch that failed produced no range: forget it so rows stay aligned.
            const CUresult* rc = static_cast<const CUresult*>(cb->functionReturnValue);
            if (rc && *rc != CUDA_SUCCESS && it != contexts.end()) {
                auto& p = it->second.pending;
                for (size_t i = p.size(); i-- > 0;)
                    if (p[i].correlation == cb->correlationId) {
                        p.erase(p.begin() + static_cast<std::ptrdiff_t>(i));
                        break;
                    }
            }
            return;
        }
        if (it == contexts.end()) {
            it = contexts.emplace(cb->context, ContextState{}).first;
            it->second.ctx = cb->context;
            try {
                setup(it->second);
            } catch (const Error& e) {
                fail_context(it->second, e.message());
            }
        }
        ContextState& s = it->second;
        if (s.broken) return;
        try {
            if (s.pending.size() >= opt.ranges_per_batch) {
                decode_batch(s);
                restart(s);
            }
        } catch (const Error& e) {
            fail_context(s, e.message());
            return;
        }
        PendingLaunch l;
        l.name = name_of(cb->symbolName);
        if (cb->symbolName) l.mangled = cb->symbolName;
        l.correlation = cb->correlationId;
        l.external_id = opt.current_external_id ? opt.current_external_id() : 0;
        l.ordinal = ++launches;
        CUstream stream = nullptr;
        read_launch_params(cbid, cb->functionParams, l, stream);
        uint32_t sid = 0;
        const uint8_t per_thread = (cbid == CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel_ptsz ||
                                    cbid == CUPTI_DRIVER_TRACE_CBID_cuLaunchKernelEx_ptsz ||
                                    cbid == CUPTI_DRIVER_TRACE_CBID_cuLaunchCooperativeKernel_ptsz) ? 1 : 0;
        if (cuptiGetStreamIdEx(s.ctx, stream, per_thread, &sid) == CUPTI_SUCCESS) l.stream = static_cast<int32_t>(sid);
        s.pending.push_back(l);
    }

    void finish_context(CUcontext ctx) {
        std::lock_guard<std::mutex> lock(*mutex);
        auto it = contexts.find(ctx);
        if (it == contexts.end()) return;
        finish(it->second);
        contexts.erase(it);
    }

    void finish(ContextState& s) {
        if (s.broken) return;
        CurrentContext current(s.ctx);
        try {
            decode_batch(s);
        } catch (const Error& e) {
            fail_context(s, e.message());
            return;
        }
        disable(s);
    }
};

namespace {

void CUPTIAPI on_callback(void* user, CUpti_CallbackDomain domain, CUpti_CallbackId cbid, const void* data) {
    auto* impl = static_cast<RangeProfiler::Impl*>(user);
    if (domain == CUPTI_CB_DOMAIN_DRIVER_API) {
        if (is_kernel_launch_cbid(cbid)) {
            impl->on_launch(static_cast<const CUpti_CallbackData*>(data), cbid);
        } else if (is_graph_launch_cbid(cbid) &&
                   static_cast<const CUpti_CallbackData*>(data)->callbackSite == CUPTI_API_ENTER) {
            std::lock_guard<std::mutex> lock(*impl->mutex);
            impl->diag(Severity::warning, "cupti.graph_launch",
                       "kernels launched through CUDA graphs are not profiled per kernel in counters mode");
        }
    } else if (domain == CUPTI_CB_DOMAIN_RESOURCE && cbid == CUPTI_CBID_RESOURCE_CONTEXT_DESTROY_STARTING) {
        // Decode before the context (and its profiler object) goes away.
        impl->finish_context(static_cast<const CUpti_ResourceData*>(data)->context);
    }
}

} // namespace

RangeProfiler::RangeProfiler() : impl_(std::make_unique<Impl>()) {}
RangeProfiler::~RangeProfiler() = default;

void RangeProfiler::start(const RangeProfilerOptions& options, Trace& trace, std::mutex& mutex) {
    impl_->opt = options;
    if (impl_->opt.ranges_per_batch == 0) impl_->opt.ranges_per_batch = 64;
    impl_->trace = &trace;
    impl_->mutex = &mutex;
    impl_->stopping = false;
    impl_->started = std::chrono::steady_clock::now();
    Subscription sub = subscribe_as_rafter(on_callback, impl_.get());
    if (!sub.ok()) throw Error(ExitCode::failure, "counters mode needs CUPTI's callbacks, but " + describe_refusal(sub));
    impl_->subscriber = sub.handle;
    check(enable_launch_callbacks(impl_->subscriber), "cuptiEnableCallback(kernel launches)");
    check(cuptiEnableCallback(1, impl_->subscriber, CUPTI_CB_DOMAIN_RESOURCE, CUPTI_CBID_RESOURCE_CONTEXT_DESTROY_STARTING),
          "cuptiEnableCallback(context destroy)");
}

void RangeProfiler::stop() {
    if (!impl_->subscriber) return;
    impl_->stopping = true;
    {
        std::lock_guard<std::mutex> lock(*impl_->mutex);
        for (auto& [ctx, s] : impl_->contexts) impl_->finish(s);
        impl_->contexts.clear();
    }
    cuptiUnsubscribe(impl_->subscriber);
    impl_->subscriber = nullptr;
    if (impl_->profiler_initialized) {
        auto p = RAFTER_CUPTI_PARAMS(CUpti_Profiler_DeInitialize_Params);
        cuptiProfilerDeInitialize(&p);
        impl_->profiler_initialized = false;
    }
}

} // namespace rafter::cupti
