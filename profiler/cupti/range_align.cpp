#include "profiler/cupti/range_align.h"

namespace rafter::cupti {

namespace {

std::string without_parameters(const std::string& name) {
    auto paren = name.find('(');
    return paren == std::string::npos ? name : name.substr(0, paren);
}

} // namespace

bool range_names_kernel(const std::string& range, const std::string& mangled, const std::string& demangled) {
    if (range.empty()) return false;
    if (range == mangled || range == demangled) return true;
    return without_parameters(range) == without_parameters(demangled);
}

RangeAlignment align_ranges(const std::vector<std::string>& ranges, const std::vector<std::string>& mangled,
                            const std::vector<std::string>& demangled) {
    RangeAlignment a;
    const size_t launches = mangled.size();
    a.launch_of_range.assign(ranges.size(), -1);
    // Names are usable when at least one range names some launch.
    bool usable = false;
    for (size_t i = 0; i < ranges.size() && !usable; ++i)
        for (size_t j = 0; j < launches && !usable; ++j) usable = range_names_kernel(ranges[i], mangled[j], demangled[j]);
    if (!usable) {
        a.by_order = true;
        for (size_t i = 0; i < ranges.size() && i < launches; ++i) a.launch_of_range[i] = static_cast<long>(i);
        a.unmatched_ranges = ranges.size() > launches ? ranges.size() - launches : 0;
        a.unprofiled_launches = launches > ranges.size() ? launches - ranges.size() : 0;
        return a;
    }
    // Greedy in order: each range takes the next launch of its name; launches skipped over were
    // not profiled. A range whose name no later launch has belongs to a kernel we did not see.
    size_t next = 0;
    std::vector<bool> used(launches, false);
    for (size_t i = 0; i < ranges.size(); ++i) {
        size_t j = next;
        while (j < launches && !range_names_kernel(ranges[i], mangled[j], demangled[j])) ++j;
        if (j == launches) {
            ++a.unmatched_ranges;
            continue;
        }
        a.launch_of_range[i] = static_cast<long>(j);
        used[j] = true;
        next = j + 1;
    }
    for (bool u : used) a.unprofiled_launches += u ? 0 : 1;
    return a;
}

} // namespace rafter::cupti
