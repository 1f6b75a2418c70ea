#include "profiler/papi/papi_backend.h"

#include <mutex>

#ifdef RAFTER_HAVE_PAPI
#include <papi.h>
#include <pthread.h>
#endif

namespace rafter::papi {

std::string unusable_reason(const std::vector<ComponentInfo>& components) {
    for (const auto& c : components) {
        if (c.name != "perf_event") continue;
        if (c.disabled)
            return "PAPI component perf_event is disabled: " +
                   (c.disabled_reason.empty() ? std::string("(no reason given)") : c.disabled_reason);
        if (c.counters <= 0) return "PAPI reports 0 hardware counters for component perf_event";
        return {};
    }
    return "PAPI has no perf_event component (no CPU counters)";
}

#ifdef RAFTER_HAVE_PAPI

namespace {

unsigned long thread_id() { return static_cast<unsigned long>(pthread_self()); }

ProbeResult do_probe() {
    ProbeResult r;
    int ret = PAPI_library_init(PAPI_VER_CURRENT);
    if (ret != PAPI_VER_CURRENT) {
        r.reason = std::string("PAPI_library_init failed: ") + (ret > 0 ? "version mismatch" : PAPI_strerror(ret));
        return r;
    }
    int ncomp = PAPI_num_components();
    for (int cid = 0; cid < ncomp; ++cid) {
        const PAPI_component_info_t* info = PAPI_get_component_info(cid);
        if (!info) continue;
        ComponentInfo c{info->name, info->disabled != 0, info->disabled_reason, info->num_cntrs};
        r.components.push_back(c);
        if (c.name == "perf_event") r.hardware_counters = c.counters;
    }
    if (const PAPI_hw_info_t* hw = PAPI_get_hardware_info()) r.vendor = vendor_from_cpuid(hw->vendor_string);
    else r.vendor = "generic";
    r.reason = unusable_reason(r.components);
    if (!r.reason.empty()) return r;

    EventSpec spec = builtin_event_spec(r.vendor);
    // Plain names are asked one by one; globs need the list of native events of the enabled
    // uncore components, enumerated with their umasks.
    std::vector<std::string> available;
    bool globs = false;
    for (const auto& g : spec.groups)
        for (const auto& t : g.terms) {
            if (t.event.find('*') != std::string::npos) { globs = true; continue; }
            if (PAPI_query_named_event(t.event.c_str()) == PAPI_OK) available.push_back(t.event);
        }
    if (globs) {
        for (int cid = 0; cid < ncomp; ++cid) {
            const PAPI_component_info_t* info = PAPI_get_component_info(cid);
            if (!info || info->disabled || std::string(info->name).find("uncore") == std::string::npos) continue;
            int code = 0 | PAPI_NATIVE_MASK;
            if (PAPI_enum_cmp_event(&code, PAPI_ENUM_FIRST, cid) != PAPI_OK) continue;
            do {
                char name[PAPI_MAX_STR_LEN];
                if (PAPI_event_code_to_name(code, name) == PAPI_OK) available.push_back(name);
                int um = code;
                if (PAPI_enum_cmp_event(&um, PAPI_NTV_ENUM_UMASKS, cid) == PAPI_OK) {
                    do {
                        if (PAPI_event_code_to_name(um, name) == PAPI_OK) available.push_back(name);
                    } while (PAPI_enum_cmp_event(&um, PAPI_NTV_ENUM_UMASKS, cid) == PAPI_OK);
                }
            } while (PAPI_enum_cmp_event(&code, PAPI_ENUM_EVENTS, cid) == PAPI_OK);
        }
    }
    r.plan = select_events(spec, available);
    if (r.plan.events.empty()) {
        r.reason = "none of the " + spec.vendor + " PAPI events for FLOPs or bytes exist on this machine";
        return r;
    }
    if (int t = PAPI_thread_init(thread_id); t != PAPI_OK) {
        r.reason = std::string("PAPI_thread_init failed: ") + PAPI_strerror(t);
        return r;
    }
    r.usable = true;
    return r;
}

} // namespace

const ProbeResult& probe() {
    static std::once_flag once;
    static ProbeResult result;
    std::call_once(once, [] { result = do_probe(); });
    return result;
}

bool ThreadCounters::start(const EventPlan& plan, std::string& error) {
    PAPI_register_thread();
    int es = PAPI_NULL;
    if (int e = PAPI_create_eventset(&es); e != PAPI_OK) {
        error = std::string("PAPI_create_eventset: ") + PAPI_strerror(e);
        return false;
    }
    for (const auto& ev : plan.events)
        if (int e = PAPI_add_named_event(es, ev.c_str()); e != PAPI_OK) {
            error = "PAPI_add_named_event(" + ev + "): " + PAPI_strerror(e);
            PAPI_cleanup_eventset(es);
            PAPI_destroy_eventset(&es);
            return false;
        }
    if (int e = PAPI_start(es); e != PAPI_OK) {
        error = std::string("PAPI_start: ") + PAPI_strerror(e);
        PAPI_cleanup_eventset(es);
        PAPI_destroy_eventset(&es);
        return false;
    }
    eventset_ = es;
    n_ = plan.events.size();
    return true;
}

bool ThreadCounters::read(long long* out) { return eventset_ >= 0 && PAPI_read(eventset_, out) == PAPI_OK; }

#else  // built without PAPI

const ProbeResult& probe() {
    static const ProbeResult result = [] {
        ProbeResult r;
        r.reason = "Rafter was built without PAPI (RAFTER_WITH_PAPI=OFF or libpapi not found)";
        return r;
    }();
    return result;
}

bool ThreadCounters::start(const EventPlan&, std::string& error) {
    error = "built without PAPI";
    return false;
}
bool ThreadCounters::read(long long*) { return false; }

#endif

} // namespace rafter::papi
