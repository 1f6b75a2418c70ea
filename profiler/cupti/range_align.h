#pragma once
// Counters mode profiles one auto range per kernel, and CUPTI names each range after its kernel.
// Pairing ranges with the launches Rafter saw by position alone breaks at the first range Rafter
// did not see (stream capture, a launch path without a callback) or a launch CUPTI did not
// profile: every later kernel would get its neighbour's counters. Pairing by name finds those
// places; what cannot be paired is counted, never guessed. Pure: tested without a GPU.
#include <cstddef>
#include <string>
#include <vector>

namespace rafter::cupti {

struct RangeAlignment {
    // For each range, the index of its launch, or -1 when no launch of that name was left.
    std::vector<long> launch_of_range;
    size_t unmatched_ranges = 0;     // ranges of kernels Rafter did not see launched
    size_t unprofiled_launches = 0;  // launches with no range
    // True when CUPTI gave no usable names (empty, or none equal to a launch's name): ranges were
    // then paired with launches in order, which is only right if the counts agree.
    bool by_order = false;
};

// Whether a range name names the launched kernel: the mangled name, the demangled one, or the
// demangled one without its parameter list ("triad" for "triad(float*, ...)").
bool range_names_kernel(const std::string& range, const std::string& mangled, const std::string& demangled);

// `mangled` and `demangled` hold one entry per launch, in launch order.
RangeAlignment align_ranges(const std::vector<std::string>& range_names, const std::vector<std::string>& mangled,
                            const std::vector<std::string>& demangled);

} // namespace rafter::cupti
