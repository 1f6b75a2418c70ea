// Scenario files: the examples parse, and bad input is an error naming the field.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "core/error.h"
#include "model/scaling/scenario.h"
#include "test_support.h"

using namespace rafter;

namespace {

const char* kMinimal = R"({
  "schema": "rafter.scenario/1",
  "workload": {"parameters": 1e8, "batch_per_gpu": 32, "forward_s": 0.1, "backward_s": 0.2},
  "system": {"topology": {"gpus_per_node": 8, "intra_node": {"bandwidth": 1e11}}}
})";

// kMinimal with one substring replaced.
std::string variant(const std::string& from, const std::string& to) {
    std::string s = kMinimal;
    auto pos = s.find(from);
    REQUIRE(pos != std::string::npos);
    s.replace(pos, from.size(), to);
    return s;
}

std::string error_of(const std::string& json) {
    try {
        parse_scenario_json(json, "s.json");
    } catch (const Error& e) {
        CHECK(e.code() == ExitCode::bad_input);
        return e.what();
    }
    return "(no error)";
}

} // namespace

TEST_CASE("the example scenarios parse") {
    Scenario r = parse_scenario_json(rafter::test::slurp(test::source_dir() + "/examples/scenarios/resnet50-dgx-a100.json"), "r.json");
    CHECK(r.workload.parameters == 25.6e6);
    CHECK(r.workload.grad_bytes == 4);
    CHECK(r.workload.bucket_bytes == 26214400);
    CHECK(r.system.topology.gpus_per_node == 8);
    CHECK(r.system.topology.inter.bandwidth == 25e9);
    CHECK(r.system.topology.link_efficiency == doctest::Approx(0.8));
    REQUIRE(r.workload.data);
    CHECK(r.workload.data->epochs == 90);
    REQUIRE(r.system.io);
    CHECK(r.system.io->filesystem_bw == 200e9);
    CHECK(r.gpus.size() == 9);
    CHECK(r.measurements.size() == 4);
    CHECK(r.options.dp_algorithms == kNcclAlgorithms);

    Scenario g = parse_scenario_json(rafter::test::slurp(test::source_dir() + "/examples/scenarios/gpt-13b-h100.json"), "g.json");
    CHECK(g.mode == ScalingMode::strong);
    CHECK(g.global_batch == 2048);
    CHECK(g.layout.tp == 8);
    CHECK(g.layout.pp == 4);
    CHECK(g.layout.zero == 1);
    CHECK(g.workload.grad_bytes == 2);
    CHECK(g.system.topology.intra.in_network_reduction);
    CHECK(g.search.zero_stages == std::vector<int>{0, 1, 3});
    CHECK(global_batch_for(g, 512) == 2048);
}

TEST_CASE("defaults of a minimal scenario") {
    Scenario s = parse_scenario_json(kMinimal, "m.json");
    CHECK(s.workload.optimizer_s == 0);
    CHECK(s.workload.bucket_bytes == 25.0 * 1024 * 1024);  // PyTorch DDP bucket_cap_mb = 25
    CHECK(s.mode == ScalingMode::weak);
    CHECK(global_batch_for(s, 16) == 16 * 32);
    CHECK(s.system.topology.inter.bandwidth == 0);
    CHECK(default_gpu_counts(s).front() == 1);
    CHECK(default_gpu_counts(s).back() == 1024);
}

TEST_CASE("scenario errors name the field and its line (the parent object's line when it is missing)") {
    CHECK(error_of(variant(R"("parameters": 1e8, )", "")) ==
          "s.json:3: missing required field workload.parameters");
    CHECK(error_of(variant(R"("bandwidth": 1e11)", R"("bandwidth": 0)")) ==
          "s.json:4: system.topology.intra_node.bandwidth must be > 0 (got 0)");
    CHECK(error_of(variant(R"("bandwidth": 1e11)", R"("bandwidth": -3)")) ==
          "s.json:4: system.topology.intra_node.bandwidth must be > 0 (got -3)");
    CHECK(error_of(variant(R"("forward_s": 0.1)", R"("forwrd_s": 0.1)")).find("unknown field workload.forwrd_s") != std::string::npos);
    CHECK(error_of(variant(R"("batch_per_gpu": 32)", R"("batch_per_gpu": "32")")) ==
          "s.json:3: workload.batch_per_gpu must be a number");
    CHECK(error_of(variant(R"("gpus_per_node": 8, )", "")) ==
          "s.json:4: missing required field system.topology.gpus_per_node");
    CHECK(error_of(variant(R"("schema": "rafter.scenario/1")", R"("schema": "rafter.scenario/9")")).find("rafter.scenario/1") != std::string::npos);
    CHECK(error_of(variant("}}}\n}", "}}}, \"parallel\": {\"algorithm\": \"butterfly\"}\n}")).find("parallel.algorithm: unknown algorithm 'butterfly'") != std::string::npos);
    CHECK(error_of(variant("}}}\n}", "}}}, \"scaling\": {\"mode\": \"strong\"}\n}")) ==
          "s.json: missing required field scaling.global_batch (scaling.mode is \"strong\")");
    CHECK(error_of(variant("}}}\n}", "}}}, \"parallel\": {\"tp\": 2}\n}")).find("workload.hidden_size") != std::string::npos);
    CHECK(error_of("{ not json") == "s.json:1: column 3: not valid JSON: expected a key in double quotes (byte 2)");
    CHECK(error_of(variant(R"("forward_s": 0.1)", R"("forward_s": 0.1, "grad_dtype": "fp12")")).find("workload.grad_dtype: unknown dtype 'fp12'") != std::string::npos);
}
