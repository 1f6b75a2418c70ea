#include "profiler/cupti/host_planner.h"

#include <algorithm>
#include <cupti.h>
#include <cupti_profiler_host.h>

#include "core/error.h"
#include "profiler/cupti/cupti_params.h"
#include "traces/arch.h"

namespace rafter::cupti {

std::string cupti_result_text(int result) {
    const char* s = nullptr;
    if (cuptiGetResultString(static_cast<CUptiResult>(result), &s) == CUPTI_SUCCESS && s) return s;
    return "CUPTI error " + std::to_string(result);
}

std::string host_api_unavailable_reason() {
#if defined(__SANITIZE_ADDRESS__)
    return "the CUPTI host API is unavailable in AddressSanitizer builds (libcupti loads "
           "libnvperf_host.so with RTLD_DEEPBIND, which AddressSanitizer refuses)";
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    return "the CUPTI host API is unavailable in AddressSanitizer builds (libcupti loads "
           "libnvperf_host.so with RTLD_DEEPBIND, which AddressSanitizer refuses)";
#else
    return {};
#endif
#else
    return {};
#endif
}

namespace {

void require_host_api() {
    auto why = host_api_unavailable_reason();
    if (!why.empty()) throw Error(ExitCode::not_available, why);
}

[[noreturn]] void fail(const std::string& what, CUptiResult r) {
    throw Error(ExitCode::not_available, what + ": " + cupti_result_text(r));
}

} // namespace

std::vector<std::string> supported_chips() {
    require_host_api();
    auto p = RAFTER_CUPTI_PARAMS(CUpti_Profiler_Host_GetSupportedChips_Params);
    if (auto r = cuptiProfilerHostGetSupportedChips(&p); r != CUPTI_SUCCESS)
        fail("cuptiProfilerHostGetSupportedChips failed", r);
    std::vector<std::string> chips;
    for (size_t i = 0; i < p.numChips; ++i) chips.emplace_back(p.ppChipNames[i]);
    return chips;
}

HostSession::HostSession(std::string_view chip, const uint8_t* counter_availability) : chip_(chip) {
    require_host_api();
    auto p = RAFTER_CUPTI_PARAMS(CUpti_Profiler_Host_Initialize_Params);
    p.profilerType = CUPTI_PROFILER_TYPE_RANGE_PROFILER;
    p.pChipName = chip_.c_str();
    p.pCounterAvailabilityImage = counter_availability;
    if (auto r = cuptiProfilerHostInitialize(&p); r != CUPTI_SUCCESS)
        fail("CUPTI does not know the chip '" + chip_ + "' (cuptiProfilerHostInitialize)", r);
    obj_ = p.pHostObject;
}

HostSession::~HostSession() {
    if (!obj_) return;
    auto p = RAFTER_CUPTI_PARAMS(CUpti_Profiler_Host_Deinitialize_Params);
    p.pHostObject = obj_;
    cuptiProfilerHostDeinitialize(&p);
}

std::vector<std::string> HostSession::base_metrics() const {
    auto p = RAFTER_CUPTI_PARAMS(CUpti_Profiler_Host_GetBaseMetrics_Params);
    p.pHostObject = obj_;
    p.metricType = CUPTI_METRIC_TYPE_COUNTER;
    if (auto r = cuptiProfilerHostGetBaseMetrics(&p); r != CUPTI_SUCCESS)
        fail("cuptiProfilerHostGetBaseMetrics failed for " + chip_, r);
    std::vector<std::string> names;
    names.reserve(p.numMetrics);
    for (size_t i = 0; i < p.numMetrics; ++i) names.emplace_back(p.ppMetricNames[i]);
    std::sort(names.begin(), names.end());
    return names;
}

bool HostSession::is_valid_metric(const std::string& metric) const {
    auto p = RAFTER_CUPTI_PARAMS(CUpti_Profiler_Host_GetMetricProperties_Params);
    p.pHostObject = obj_;
    p.pMetricName = metric.c_str();
    return cuptiProfilerHostGetMetricProperties(&p) == CUPTI_SUCCESS;
}

std::vector<uint8_t> HostSession::config_image(const std::vector<std::string>& metrics) {
    for (const auto& m : metrics)
        if (!is_valid_metric(m))
            throw Error(ExitCode::not_available, "metric '" + m + "' is not available on " + chip_);
    std::vector<const char*> names;
    for (const auto& m : metrics) names.push_back(m.c_str());
    auto add = RAFTER_CUPTI_PARAMS(CUpti_Profiler_Host_ConfigAddMetrics_Params);
    add.pHostObject = obj_;
    add.ppMetricNames = names.data();
    add.numMetrics = names.size();
    if (auto r = cuptiProfilerHostConfigAddMetrics(&add); r != CUPTI_SUCCESS)
        fail("cuptiProfilerHostConfigAddMetrics failed for " + chip_, r);
    auto size = RAFTER_CUPTI_PARAMS(CUpti_Profiler_Host_GetConfigImageSize_Params);
    size.pHostObject = obj_;
    if (auto r = cuptiProfilerHostGetConfigImageSize(&size); r != CUPTI_SUCCESS)
        fail("cuptiProfilerHostGetConfigImageSize failed", r);
    std::vector<uint8_t> image(size.configImageSize);
    auto get = RAFTER_CUPTI_PARAMS(CUpti_Profiler_Host_GetConfigImage_Params);
    get.pHostObject = obj_;
    get.configImageSize = image.size();
    get.pConfigImage = image.data();
    if (auto r = cuptiProfilerHostGetConfigImage(&get); r != CUPTI_SUCCESS)
        fail("cuptiProfilerHostGetConfigImage failed", r);
    return image;
}

std::vector<double> HostSession::evaluate(const std::vector<uint8_t>& counter_data, size_t range,
                                          const std::vector<std::string>& metrics) const {
    std::vector<const char*> names;
    for (const auto& m : metrics) names.push_back(m.c_str());
    std::vector<double> values(metrics.size(), 0.0);
    auto p = RAFTER_CUPTI_PARAMS(CUpti_Profiler_Host_EvaluateToGpuValues_Params);
    p.pHostObject = obj_;
    p.pCounterDataImage = counter_data.data();
    p.counterDataImageSize = counter_data.size();
    p.rangeIndex = range;
    p.ppMetricNames = names.data();
    p.numMetrics = names.size();
    p.pMetricValues = values.data();
    if (auto r = cuptiProfilerHostEvaluateToGpuValues(&p); r != CUPTI_SUCCESS)
        fail("cuptiProfilerHostEvaluateToGpuValues failed for range " + std::to_string(range), r);
    return values;
}

size_t passes_for_config(const std::vector<uint8_t>& config_image) {
    require_host_api();
    std::vector<uint8_t> copy = config_image;  // the API takes a non-const pointer
    auto p = RAFTER_CUPTI_PARAMS(CUpti_Profiler_Host_GetNumOfPasses_Params);
    p.configImageSize = copy.size();
    p.pConfigImage = copy.data();
    if (auto r = cuptiProfilerHostGetNumOfPasses(&p); r != CUPTI_SUCCESS)
        fail("cuptiProfilerHostGetNumOfPasses failed", r);
    return p.numOfPasses;
}

MetricPlan plan_for_chip(std::string_view chip, const uint8_t* counter_availability) {
    HostSession host(chip, counter_availability);
    MetricPlan plan = plan_roofline_metrics(chip, host.base_metrics(), arch_for_chip(chip));
    plan.passes = passes_for_config(host.config_image(plan.metrics));
    return plan;
}

} // namespace rafter::cupti
