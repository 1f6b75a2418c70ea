// Properties of the roofline bound on every bundled real input (tests/data/real/kineto and the
// DeepCAM Nsight Compute exports), for every grouping and every built-in GPU machine: efficiency
// never exceeds 1, the launch floor never exceeds the measured time, and every group without a
// bound or an efficiency says why. Running each trace against every machine (not only the one it
// was recorded on) exercises ceilings far from the truth, where an unsound definition would show.
#include <doctest/doctest.h>

#include <filesystem>

#include "analysis/roofline.h"
#include "test_support.h"
#include "traces/arch.h"
#include "traces/importer.h"

using namespace rafter;

namespace {

void check_report(const RooflineReport& r, const std::string& what) {
    INFO(what);
    REQUIRE_FALSE(r.groups.empty());
    for (const GroupMetrics& g : r.groups) {
        INFO("group " << g.name);
        if (g.efficiency) {
            CHECK(*g.efficiency > 0);
            CHECK(*g.efficiency <= 1.0 + 1e-12);
            REQUIRE(g.bound_time_s);
            REQUIRE(g.time_s);
            CHECK(*g.bound_time_s <= *g.time_s * (1 + 1e-9));
            CHECK(g.reason.empty());
        } else {
            CHECK_FALSE(g.reason.empty());
        }
        if (g.floor_time_s && g.time_s) CHECK(*g.floor_time_s <= *g.time_s * (1 + 1e-12));
        if (g.bound == Bound::launch_floor) CHECK(g.bound_time_s == g.floor_time_s);
    }
}

std::vector<Machine> gpu_machines() {
    std::vector<Machine> out;
    for (const Machine& m : builtin_machines())
        if (m.kind == "gpu") out.push_back(m);
    REQUIRE(out.size() >= 5);
    return out;
}

} // namespace

TEST_CASE("efficiency <= 1 and a reason for every unexplained group, on every bundled Kineto trace") {
    const auto machines = gpu_machines();
    int traces_checked = 0;
    for (const auto& entry : std::filesystem::directory_iterator(test::real_data("kineto"))) {
        std::string path = entry.path().string();
        if (path.size() < 8 || path.substr(path.size() - 8) != ".json.gz") continue;
        auto traces = load_traces({path}, ImportOptions{});
        ++traces_checked;
        for (const Machine& m : machines) {
            for (GroupBy by : {GroupBy::kernel, GroupBy::base, GroupBy::op, GroupBy::op_shape}) {
                RooflineOptions o;
                o.group_by = by;
                check_report(analyze_roofline(traces, m, o),
                             entry.path().filename().string() + " on " + m.name + " by " + to_string(by));
            }
        }
    }
    CHECK(traces_checked == 9);  // the eight of tests/data/real/README.md plus the MI300X trace
}

TEST_CASE("efficiency <= 1 on the DeepCAM Nsight Compute exports, on every machine") {
    for (const Machine& m : gpu_machines()) {
        if (!find_arch(m.arch)) continue;  // Nsight Compute counters exist only for NVIDIA architectures
        ImportOptions io;
        io.arch = m.arch;
        auto traces = load_traces({test::source_dir() + "/examples/ncu/deepcam-v100-fw"}, io);
        for (GroupBy by : {GroupBy::kernel, GroupBy::base}) {
            RooflineOptions o;
            o.group_by = by;
            check_report(analyze_roofline(traces, m, o), "deepcam on " + m.name + " by " + to_string(by));
        }
    }
}
