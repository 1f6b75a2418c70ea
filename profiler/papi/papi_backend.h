#pragma once
// The PAPI backend for region counters (a self-contained unit, like a Caliper service): it probes
// PAPI once per process, picks events with select_events() and, when it cannot count, disables
// itself once and keeps PAPI's own reason so traces can say why FLOPs and bytes are missing.
#include <string>
#include <vector>

#include "profiler/papi/event_select.h"

namespace rafter::papi {

struct ComponentInfo {
    std::string name;
    bool disabled = false;
    std::string disabled_reason;
    int counters = 0;
};

struct ProbeResult {
    bool usable = false;
    std::string reason;                    // why not usable (PAPI's words where it gave any)
    std::string vendor;                    // "intel", "amd", "generic"
    std::vector<ComponentInfo> components;
    int hardware_counters = 0;             // of the perf_event (CPU) component
    EventPlan plan;                        // events to count when usable
};

// Probes once (thread-safe); later calls return the first result. Built without PAPI, the
// result says so.
const ProbeResult& probe();

// Why a probe result is not usable, from the component table alone (pure; tested with the
// no-counter case of this machine): perf_event disabled -> its reason; 0 counters -> that.
// Empty when the CPU component can count.
std::string unusable_reason(const std::vector<ComponentInfo>& components);

// One thread's running event set. start() registers the thread with PAPI and starts counting
// the plan's events; on failure it returns false and `error` says why.
class ThreadCounters {
public:
    bool start(const EventPlan& plan, std::string& error);
    // Reads the current counts into out[0..n) (n = plan.events.size()); false on failure.
    bool read(long long* out);
    size_t size() const { return n_; }

private:
    int eventset_ = -1;
    size_t n_ = 0;
};

} // namespace rafter::papi
