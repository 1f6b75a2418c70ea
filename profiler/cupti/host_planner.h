#pragma once
// Host side of the CUPTI profiler (cupti_profiler_host.h): which chips and metrics exist, how
// many replay passes a metric set needs, and turning a counter data image into metric values.
// None of this needs a GPU, only a chip name ("GV100", "GA100", "GH100", ...), so passes are known
// before the program runs and the planning is tested on machines without a GPU.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "profiler/cupti/metric_plan.h"

struct CUpti_Profiler_Host_Object;

namespace rafter::cupti {

// Why the host API cannot be used in this build, or "" when it can. AddressSanitizer builds
// cannot: libcupti loads libnvperf_host.so with RTLD_DEEPBIND, which ASan refuses (it aborts the
// process), so we refuse first and say why.
std::string host_api_unavailable_reason();

std::vector<std::string> supported_chips();

// One initialized host object for a chip (cuptiProfilerHostInitialize); throws rafter::Error
// (not_available) naming the chip and CUPTI's message when the chip is unknown.
class HostSession {
public:
    explicit HostSession(std::string_view chip, const uint8_t* counter_availability = nullptr);
    ~HostSession();
    HostSession(const HostSession&) = delete;
    HostSession& operator=(const HostSession&) = delete;

    const std::string& chip() const { return chip_; }
    // Counter base metric names the chip supports (no rollup suffix), sorted.
    std::vector<std::string> base_metrics() const;
    // Whether CUPTI accepts `metric` (with its rollup, e.g. "dram__bytes.sum") on this chip.
    bool is_valid_metric(const std::string& metric) const;
    // Builds the config image for `metrics` (once per session: CUPTI accumulates added metrics);
    // throws naming the first metric the chip does not have.
    std::vector<uint8_t> config_image(const std::vector<std::string>& metrics);
    // Evaluates `metrics` for one range of a decoded counter data image.
    std::vector<double> evaluate(const std::vector<uint8_t>& counter_data, size_t range,
                                 const std::vector<std::string>& metrics) const;

private:
    std::string chip_;
    CUpti_Profiler_Host_Object* obj_ = nullptr;
};

// Replay passes a config image needs (cuptiProfilerHostGetNumOfPasses).
size_t passes_for_config(const std::vector<uint8_t>& config_image);

// The roofline plan for a chip with its pass count: metrics chosen from the chip's own metric
// list (metric_plan.h) and the per-architecture table for the chip (traces/arch.h).
MetricPlan plan_for_chip(std::string_view chip, const uint8_t* counter_availability = nullptr);

// CUPTI's text for a result code.
std::string cupti_result_text(int result);

} // namespace rafter::cupti
