// Counters mode pairs CUPTI's profiled ranges with the launches Rafter saw by kernel name, so that
// one range Rafter did not see (or one launch CUPTI did not profile) cannot shift every later
// kernel's counters onto its neighbour.
#include <doctest/doctest.h>

#include "profiler/cupti/range_align.h"

using namespace rafter::cupti;

namespace {

struct Launches {
    std::vector<std::string> mangled, demangled;
    void add(const std::string& m, const std::string& d) {
        mangled.push_back(m);
        demangled.push_back(d);
    }
};

Launches abc() {
    Launches l;
    l.add("_Z1av", "a()");
    l.add("_Z1bv", "b()");
    l.add("_Z1cv", "c()");
    return l;
}

} // namespace

TEST_CASE("a range names its kernel mangled, demangled, or without its parameter list") {
    CHECK(range_names_kernel("_Z5triadPfPKfS1_f", "_Z5triadPfPKfS1_f", "triad(float*, float const*, float const*, float)"));
    CHECK(range_names_kernel("triad(float*, float const*, float const*, float)", "_Z5triadPfPKfS1_f",
                             "triad(float*, float const*, float const*, float)"));
    CHECK(range_names_kernel("triad", "_Z5triadPfPKfS1_f", "triad(float*, float const*, float const*, float)"));
    CHECK_FALSE(range_names_kernel("fill", "_Z5triadPfPKfS1_f", "triad(float*, float const*, float const*, float)"));
    CHECK_FALSE(range_names_kernel("", "", ""));
}

TEST_CASE("ranges and launches that agree pair one to one") {
    Launches l = abc();
    RangeAlignment a = align_ranges({"_Z1av", "_Z1bv", "_Z1cv"}, l.mangled, l.demangled);
    CHECK_FALSE(a.by_order);
    CHECK(a.launch_of_range == std::vector<long>{0, 1, 2});
    CHECK(a.unmatched_ranges == 0);
    CHECK(a.unprofiled_launches == 0);
}

TEST_CASE("a range of a kernel Rafter did not see is left out instead of shifting the rest") {
    Launches l = abc();
    // CUPTI profiled x() (launched by a path without our callback) between a and b.
    RangeAlignment a = align_ranges({"_Z1av", "_Z1xv", "_Z1bv", "_Z1cv"}, l.mangled, l.demangled);
    CHECK(a.launch_of_range == std::vector<long>{0, -1, 1, 2});
    CHECK(a.unmatched_ranges == 1);
    CHECK(a.unprofiled_launches == 0);
}

TEST_CASE("a launch without a range keeps missing counters and the next range finds its own launch") {
    Launches l = abc();
    RangeAlignment a = align_ranges({"_Z1av", "_Z1cv"}, l.mangled, l.demangled);
    CHECK(a.launch_of_range == std::vector<long>{0, 2});
    CHECK(a.unprofiled_launches == 1);
    CHECK(a.unmatched_ranges == 0);
}

TEST_CASE("repeated kernels pair in order") {
    Launches l;
    for (int i = 0; i < 3; ++i) l.add("_Z1kv", "k()");
    RangeAlignment a = align_ranges({"k", "k"}, l.mangled, l.demangled);
    CHECK(a.launch_of_range == std::vector<long>{0, 1});
    CHECK(a.unprofiled_launches == 1);
}

TEST_CASE("names that name no launch fall back to order, and say so") {
    Launches l = abc();
    RangeAlignment a = align_ranges({"0", "1", "2", "3"}, l.mangled, l.demangled);
    CHECK(a.by_order);
    CHECK(a.launch_of_range == std::vector<long>{0, 1, 2, -1});
    CHECK(a.unmatched_ranges == 1);
    RangeAlignment e = align_ranges({"", ""}, l.mangled, l.demangled);
    CHECK(e.by_order);
    CHECK(e.launch_of_range == std::vector<long>{0, 1});
    CHECK(e.unprofiled_launches == 1);
}
