#pragma once
// Choosing PAPI events for region counters, as a pure function over the names of the events a
// machine offers, so the choice is testable with saved papi_native_avail output. The candidate
// event sets are data (profiler/papi/data/<vendor>.txt, compiled in), not literals in code.
#include <string>
#include <string_view>
#include <vector>

#include "core/metric_kinds.h"

namespace rafter::papi {

struct EventTerm {
    std::string event;   // may contain '*' (matches any run of characters) in a spec
    double weight = 1;   // value = sum over terms of weight * count
};

// One way of measuring a target ("flops.fp64", "bytes.dram").
struct EventGroup {
    std::string target;
    std::string name;
    Provenance prov = Provenance::measured;
    std::vector<EventTerm> terms;
};

struct EventSpec {
    std::string vendor;
    std::vector<EventGroup> groups;  // per target, in order of preference
};

// Parses the data file format (see data/intel.txt). Throws rafter::Error(bad_input) naming
// `origin` and the line.
EventSpec parse_event_spec(std::string_view text, const std::string& origin);
// The compiled-in spec for "intel", "amd" or "generic" (anything else gives "generic").
EventSpec builtin_event_spec(std::string_view vendor);
// "intel", "amd" or "generic" from a /proc/cpuinfo vendor_id ("GenuineIntel", "AuthenticAMD").
std::string vendor_from_cpuid(std::string_view vendor_id);

// Event names in papi_native_avail output: "EVENT" and "EVENT:UMASK" for each umask, with the
// component prefix when printed ("skx_unc_imc0::UNC_M_CAS_COUNT:RD").
std::vector<std::string> parse_native_avail(std::string_view text);

// '*' matches any run of characters; everything else literally (case-sensitive).
bool glob_match(std::string_view pattern, std::string_view name);

struct SelectedMetric {
    std::string target;
    std::string group;
    Provenance prov = Provenance::measured;
    std::vector<EventTerm> terms;  // globs expanded to available names
};

struct EventPlan {
    std::vector<SelectedMetric> metrics;       // one per target that some group covers
    std::vector<std::string> events;           // distinct events to add, in first-use order
    std::vector<std::string> missing_targets;  // targets no group could cover
};

// For each target, the first group whose every term resolves: a plain name must be in
// `available`, a glob must match at least one available name (it expands to all matches).
EventPlan select_events(const EventSpec& spec, const std::vector<std::string>& available);

} // namespace rafter::papi
