// End-to-end: `rafter scale` and `rafter calibrate` through the executable (exit codes, outputs,
// error messages naming the field or line).
#include <doctest/doctest.h>

#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "test_support.h"

using namespace rafter::test;
namespace fs = std::filesystem;

namespace {

std::string example(const std::string& name) { return "'" + source_dir() + "/examples/scenarios/" + name + "'"; }
std::string fixture(const std::string& name) { return "'" + source_dir() + "/tests/data/scaling/" + name + "'"; }

void write(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

const char* kScenario = R"({
  "schema": "rafter.scenario/1",
  "workload": {"parameters": 1e8, "batch_per_gpu": 32, "forward_s": 0.1, "backward_s": 0.2},
  "system": {"topology": {"gpus_per_node": 8, "intra_node": {"bandwidth": 1e11}, "nics_per_node": 1,
                          "inter_node": {"bandwidth": 1e10, "latency": 1e-5}}}
})";

std::string replaced(std::string s, const std::string& from, const std::string& to) {
    auto pos = s.find(from);
    REQUIRE(pos != std::string::npos);
    return s.replace(pos, from.size(), to);
}

} // namespace

TEST_CASE("rafter scale writes a table, JSON, CSV and SVG") {
    std::string dir = scratch_dir("cli-scale");
    auto help = run_rafter("scale --help", dir);
    CHECK(help.exit_code == 0);
    CHECK(help.out.find("usage: rafter scale SCENARIO") != std::string::npos);

    auto r = run_rafter("scale " + example("resnet50-dgx-a100.json") + " -o '" + dir + "/out'", dir);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("efficiency") != std::string::npos);
    CHECK(r.out.find("Empirical fit") != std::string::npos);
    std::string json = slurp(dir + "/out/scaling.json");
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    REQUIRE_FALSE(parser.parse(json).get(doc));
    CHECK(std::string_view(doc["schema"].get_string().value()) == "rafter.scaling/2");
    auto points = doc["points"].get_array().value();
    CHECK(points.size() == 9);
    for (auto p : points) {
        double step = p["step_time_s"].get_double().value();
        double parts = p["compute_s"].get_double().value() + p["bubble_s"].get_double().value() +
                       p["optimizer_s"].get_double().value() + p["exposed_comm_s"].get_double().value() +
                       p["exposed_io_s"].get_double().value();
        CHECK(step == doctest::Approx(parts));
        CHECK(p["efficiency"].get_double().value() <= 1.0 + 1e-12);
    }
    CHECK(slurp(dir + "/out/scaling.svg").rfind("<?xml", 0) == 0);
    CHECK(slurp(dir + "/out/scaling.csv").rfind("gpus,tp,pp,dp", 0) == 0);

    auto j = run_rafter("scale " + example("gpt-13b-h100.json") + " --search --gpus 512,4096 --format json", dir);
    CHECK(j.exit_code == 0);
    REQUIRE_FALSE(parser.parse(j.out).get(doc));
    CHECK(doc["search"]["gpus"].get_int64().value() == 4096);
    CHECK(doc["search"]["layouts"].get_array().value().size() == 5);
    CHECK(doc["fit"].is_null());

    // The transformer form: TFLOP/s per GPU, MFU and HFU from the compute model's FLOPs; the
    // search ranks the scenario's own layout.
    auto t = run_rafter("scale " + example("gpt-175b-a100.json"), dir);
    CHECK(t.exit_code == 0);
    CHECK(t.out.find("MFU") != std::string::npos);
    CHECK(t.out.find("relative to 64 GPU(s)") != std::string::npos);
    auto tj = run_rafter("scale " + example("gpt-175b-a100.json") + " --search --gpus 64,512 --format json", dir);
    REQUIRE(tj.exit_code == 0);
    REQUIRE_FALSE(parser.parse(tj.out).get(doc));
    CHECK(doc["efficiency_reference_gpus"].get_int64().value() == 64);
    simdjson::dom::array tpoints;
    REQUIRE_FALSE(doc["points"].get_array().get(tpoints));
    for (auto p : tpoints) {
        double gpus = static_cast<double>(p["gpus"].get_int64().value());
        double step = p["step_time_s"].get_double().value();
        double flops = p["model_flops"].get_double().value();
        CHECK(p["mfu"].get_double().value() == doctest::Approx(flops / (gpus * 312e12 * step)));
        CHECK(p["tflops_per_gpu"].get_double().value() == doctest::Approx(flops / gpus / step / 1e12));
        CHECK(p["hfu"].get_double().value() >= p["mfu"].get_double().value());
        CHECK(p["memory_per_gpu_bytes"].get_double().value() > 0);
        CHECK(p["efficiency"].get_double().value() <= 1.0);
    }
    simdjson::dom::element own;
    REQUIRE_FALSE(doc.at_pointer("/search/own").get(own));
    CHECK(own.at_pointer("/layout/tp").get_int64().value() == 8);
    CHECK(own.at_pointer("/rank").get_int64().value() >= 1);
    // The measured form has no FLOPs: null, not 0.
    REQUIRE_FALSE(parser.parse(j.out).get(doc));
    simdjson::dom::element mfu;
    REQUIRE_FALSE(doc.at_pointer("/points/0/mfu").get(mfu));
    CHECK(mfu.is_null());

    // --profile: the 2-rank trace's three steps replayed; a trace without collectives is an error.
    auto pr = run_rafter("scale " + example("resnet50-dgx-a100.json") + " --gpus 8 --format json --profile '" +
                             real_data("kineto/a100-nccl-2rank-rank0.json.gz") + "'",
                         dir);
    REQUIRE(pr.exit_code == 0);
    REQUIRE_FALSE(parser.parse(pr.out).get(doc));
    simdjson::dom::array psteps;
    REQUIRE_FALSE(doc.at_pointer("/profile/steps").get(psteps));
    CHECK(psteps.size() == 3);
    auto none = run_rafter("scale " + example("resnet50-dgx-a100.json") + " --profile '" +
                               real_data("kineto/h100-bert-small-infer.json.gz") + "'",
                           dir);
    CHECK(none.exit_code == 3);
    CHECK(none.err.find("no collective kernels") != std::string::npos);

    auto csv = run_rafter("scale " + example("resnet50-dgx-a100.json") + " --gpus 8:64 --format csv", dir);
    CHECK(csv.exit_code == 0);
    // Header, 8/16/32/64 from --gpus, and 256 and 1024 where the scenario has measurements.
    CHECK(std::count(csv.out.begin(), csv.out.end(), '\n') == 1 + 6);
    CHECK(csv.out.find("\n1024,1,1,1024,") != std::string::npos);
}

TEST_CASE("rafter scale --validate") {
    std::string dir = scratch_dir("cli-validate");
    auto r = run_rafter("scale --validate", dir);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("Horovod VGG-16, 128 GPUs") != std::string::npos);
    CHECK(r.out.find("FAIL") == std::string::npos);
}

TEST_CASE("rafter scale bad input: clear errors, non-zero exit, nothing written") {
    std::string dir = scratch_dir("cli-scale-bad");
    write(dir + "/missing.json", replaced(kScenario, "\"parameters\": 1e8, ", ""));
    auto r = run_rafter("scale '" + dir + "/missing.json' -o '" + dir + "/out'", dir);
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("missing.json:3: missing required field workload.parameters") != std::string::npos);
    CHECK_FALSE(fs::exists(dir + "/out/scaling.json"));

    write(dir + "/zero.json", replaced(kScenario, "\"bandwidth\": 1e10", "\"bandwidth\": 0"));
    r = run_rafter("scale '" + dir + "/zero.json'", dir);
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("system.topology.inter_node.bandwidth must be > 0 (got 0)") != std::string::npos);

    write(dir + "/ok.json", kScenario);
    r = run_rafter("scale '" + dir + "/ok.json' --gpus 12", dir);
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("GPU count 12 does not fill whole nodes of 8 GPUs") != std::string::npos);
    r = run_rafter("scale " + example("gpt-13b-h100.json") + " --gpus 48", dir);
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("GPU count 48 is not divisible by tp x pp = 8 x 4") != std::string::npos);
    r = run_rafter("scale '" + dir + "/ok.json' --gpus 8,x", dir);
    CHECK(r.exit_code == 2);
    write(dir + "/alg.json", replaced(kScenario, "\"system\"", "\"parallel\": {\"algorithm\": \"butterfly\"}, \"system\""));
    r = run_rafter("scale '" + dir + "/alg.json'", dir);
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("parallel.algorithm: unknown algorithm 'butterfly'") != std::string::npos);
    r = run_rafter("scale '" + dir + "/nope.json'", dir);
    CHECK(r.exit_code == 3);
}

TEST_CASE("rafter calibrate comm and io") {
    std::string dir = scratch_dir("cli-calibrate");
    auto r = run_rafter("calibrate comm " + fixture("all_reduce_perf-8gpu.txt") + " " +
                            fixture("all_gather_perf-2node.txt") + " --nics-per-node 8 -o '" + dir + "/comm.json'",
                        dir);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("all_reduce") != std::string::npos);
    CHECK(r.out.find("230 GB/s") != std::string::npos);
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    std::string cj = slurp(dir + "/comm.json");
    REQUIRE_FALSE(parser.parse(cj).get(doc));
    double intra = doc["topology"]["intra_node"]["bandwidth"].get_double().value();
    CHECK(intra == doctest::Approx(230e9).epsilon(0.005));
    double inter = doc["topology"]["inter_node"]["bandwidth"].get_double().value();
    CHECK(inter == doctest::Approx(90e9 / 8).epsilon(0.005));

    r = run_rafter("calibrate comm " + fixture("osu_allreduce-4rank.txt") + " --ranks 4 --format json", dir);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("\"tool\": \"osu\"") != std::string::npos);
    r = run_rafter("calibrate comm " + fixture("osu_allreduce-4rank.txt"), dir);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("pass --ranks") != std::string::npos);
    // An nccl-tests output that does not say its collective, in a file whose name does not either.
    write(dir + "/mystery.txt", slurp(source_dir() + "/tests/data/scaling/all_gather_perf-2node.txt"));
    r = run_rafter("calibrate comm '" + dir + "/mystery.txt'", dir);
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("mystery.txt: cannot tell which collective this nccl-tests output measured; pass --collective") !=
          std::string::npos);
    r = run_rafter("calibrate comm " + fixture("all_reduce_perf-bad.txt"), dir);
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("all_reduce_perf-bad.txt:9: time 'abc'") != std::string::npos);
    r = run_rafter("calibrate comm --collective allscatter " + fixture("all_reduce_perf-8gpu.txt"), dir);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("unknown collective 'allscatter'") != std::string::npos);

    r = run_rafter("calibrate io --from-fio " + fixture("fio-read.json") + " --format json", dir);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("\"seq_read_bw\": 2147483648") != std::string::npos);
    fs::create_directories(dir + "/probe");
    r = run_rafter("calibrate io '" + dir + "/probe' --size 8M --seconds 2 -o '" + dir + "/io.json'", dir);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("sequential read") != std::string::npos);
    CHECK(fs::is_empty(dir + "/probe"));
    CHECK(slurp(dir + "/io.json").find("rafter.io_profile/1") != std::string::npos);
    r = run_rafter("calibrate", dir);
    CHECK(r.exit_code == 2);
}

TEST_CASE("rafter calibrate gemm and scale --profile: the GEMM model fitted to a profile") {
    std::string dir = scratch_dir("cli-gemm-fit");
    const std::string qwen = "'" + real_data("kineto/h100-qwen1.5-0.5b-infer.json.gz") + "'";
    auto r = run_rafter("calibrate gemm " + qwen + " -o '" + dir + "/gemm.json'", dir);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("tensor_bf16: 168 calls") != std::string::npos);
    CHECK(r.out.find("8.944 k x 2.816 k x 1.024 k") != std::string::npos);
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    std::string gj = slurp(dir + "/gemm.json");
    REQUIRE_FALSE(parser.parse(gj).get(doc));
    CHECK(std::string_view(doc["schema"].get_string().value()) == "rafter.gemm_calibration/1");
    CHECK(std::string_view(doc["machine"].get_string().value()) == "h100-sxm");
    simdjson::dom::element fit;
    REQUIRE_FALSE(doc.at_pointer("/fits/0").get(fit));
    CHECK(std::string_view(fit["precision"].get_string().value()) == "tensor_bf16");
    const double share = fit["gemm"]["max_fraction"].get_double().value();
    const double overhead = fit["gemm"]["overhead_s"].get_double().value();
    CHECK(share > 0);
    CHECK(share <= 1);
    CHECK(overhead >= 0);
    // The median error is the median over the listed shapes of |model / measured - 1|.
    std::vector<double> errs;
    simdjson::dom::array shapes;
    REQUIRE_FALSE(fit["shapes"].get_array().get(shapes));
    for (auto sh : shapes)
        errs.push_back(std::abs(sh["model_s"].get_double().value() / sh["measured_s"].get_double().value() - 1));
    REQUIRE(errs.size() == 3);
    std::sort(errs.begin(), errs.end());
    CHECK(fit["median_abs_error"].get_double().value() == doctest::Approx(errs[1]));
    // The fp32 GEMM (one shape) is listed with its reason, not fitted.
    simdjson::dom::element fp32;
    REQUIRE_FALSE(doc.at_pointer("/fits/1").get(fp32));
    CHECK(fp32["gemm"].is_null());
    CHECK(std::string(fp32["reason"].get_string().value()).find("found 1") != std::string::npos);

    // A trace without framework ops has no GEMM calls to fit: an error, not an empty success.
    auto none = run_rafter("calibrate gemm '" + real_data("ncu/gene-v100-details.csv") + "' --machine v100-sxm2", dir);
    CHECK(none.exit_code == 3);
    CHECK(none.err.find("no GEMM calls") != std::string::npos);

    // scale --profile on a transformer scenario: the fit replaces the built-in share, the same
    // values as calibrate's; the profile has no collectives, so nothing is replayed (said so).
    auto s = run_rafter("scale " + example("qwen-0.5b-h100.json") + " --format json --profile " + qwen, dir);
    REQUIRE(s.exit_code == 0);
    REQUIRE_FALSE(parser.parse(s.out).get(doc));
    simdjson::dom::element g;
    REQUIRE_FALSE(doc.at_pointer("/scenario/system/gemm").get(g));
    CHECK(g["max_fraction"].get_double().value() == share);
    CHECK(g["overhead_s"].get_double().value() == overhead);
    CHECK(std::string(g["source"].get_string().value()).find("fitted to 3 tensor_bf16 GEMM shapes (168 calls)") !=
          std::string::npos);
    CHECK(doc["profile"].is_null());
    CHECK(s.out.find("profile.no_replay") != std::string::npos);
    const double with_profile = doc.at_pointer("/points/0/step_time_s").get_double().value();
    auto plain = run_rafter("scale " + example("qwen-0.5b-h100.json") + " --format json", dir);
    REQUIRE(plain.exit_code == 0);
    REQUIRE_FALSE(parser.parse(plain.out).get(doc));
    CHECK(doc.at_pointer("/scenario/system/gemm/max_fraction").get_double().value() == 0.78);
    CHECK(doc.at_pointer("/points/0/step_time_s").get_double().value() != with_profile);

    // A scenario that sets its share keeps it, and says why the profile's fit is not used; with
    // nothing to replay either, that is an error naming both.
    write(dir + "/own.json", replaced(slurp(source_dir() + "/examples/scenarios/qwen-0.5b-h100.json"),
                                      "\"machine\": \"h100-sxm\",", "\"machine\": \"h100-sxm\", \"gemm\": {\"max_fraction\": 0.5},"));
    auto own = run_rafter("scale '" + dir + "/own.json' --profile " + qwen, dir);
    CHECK(own.exit_code == 3);
    CHECK(own.err.find("no collective kernels: nothing to replay; GEMM fit: the scenario sets system.gemm.max_fraction") !=
          std::string::npos);
    // A profile from another machine: its steps are replayed, its GEMMs are not used.
    auto other = run_rafter("scale " + example("qwen-0.5b-h100.json") + " --gpus 16 --profile '" +
                                real_data("kineto/a100-80gb-16rank-rank0.json.gz") + "'",
                            dir);
    CHECK(other.exit_code == 0);
    CHECK(other.out.find("the profile ran on a100-sxm4-80gb, the scenario models h100-sxm") != std::string::npos);
    CHECK(other.out.find("Mean |step error|") != std::string::npos);
    // Same machine, other precision: the A100 trace's GEMMs are TF32 (and fp32), the scenario's bf16.
    auto a100 = run_rafter("scale " + example("gpt-175b-a100.json") + " --gpus 64 --profile '" +
                               real_data("kineto/a100-80gb-16rank-rank0.json.gz") + "'",
                           dir);
    CHECK(a100.exit_code == 0);
    CHECK(a100.out.find("no fit for the scenario's 16-bit GEMMs (tensor_tf32: fitted") != std::string::npos);
}
