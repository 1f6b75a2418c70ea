// The scaling chart: one efficiency marker and one step-time stack per GPU count, measured points
// and the fit when the scenario has them, and no NaN or infinity in the markup.
#include <doctest/doctest.h>

#include <string>

#include "model/scaling/scaling_run.h"
#include "model/scaling/scenario.h"
#include "plots/scaling_svg.h"

using namespace rafter;

namespace {

size_t count(const std::string& s, const std::string& what) {
    size_t n = 0;
    for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
    return n;
}

const char* kScenario = R"({
  "schema": "rafter.scenario/1", "name": "chart test",
  "workload": {"parameters": 3e8, "batch_per_gpu": 32, "forward_s": 0.05, "backward_s": 0.1,
               "optimizer_s": 0.005},
  "system": {"topology": {"gpus_per_node": 8, "intra_node": {"bandwidth": 1e11, "latency": 2e-6},
                          "nics_per_node": 1, "inter_node": {"bandwidth": 1.25e10, "latency": 1e-5}}},
  "scaling": {"gpus": [1, 8, 64, 512]},
  "measurements": [{"gpus": 8, "step_time_s": 0.17}, {"gpus": 64, "step_time_s": 0.2},
                   {"gpus": 512, "step_time_s": 0.26}]
})";

} // namespace

TEST_CASE("scaling chart") {
    ScalingResult r = run_scaling(parse_scenario_json(kScenario, "chart.json"), {});
    REQUIRE(r.points.size() == 4);
    std::string svg = render_scaling_svg(r);
    CHECK(svg.rfind("<?xml", 0) == 0);
    CHECK(svg.find("</svg>") != std::string::npos);
    CHECK(count(svg, "<g") == count(svg, "</g>"));
    CHECK(svg.find("nan") == std::string::npos);
    CHECK(svg.find("inf\"") == std::string::npos);
    // One efficiency marker per GPU count (circles with a tooltip naming the count).
    CHECK(count(svg, "GPUs: efficiency") == 4);
    // Compute bars at every count; exposed communication from 8 GPUs on.
    CHECK(count(svg, ": compute + optimizer") == 4);
    CHECK(count(svg, ": exposed communication") == 3);
    CHECK(count(svg, "measured step") == 6);  // 3 in the efficiency panel, 3 in the bars
    CHECK(svg.find("empirical fit") != std::string::npos);
    CHECK(svg.find("I/O not modeled") != std::string::npos);
    CHECK(svg.find("chart test") != std::string::npos);
}
