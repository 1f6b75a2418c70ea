// End-to-end: `rafter import` writes the native format, one file per rank for several traces,
// and fails cleanly (exit code, file and position in the message, no output left) on bad input.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>

#include "test_support.h"
#include "test_util.h"
#include "traces/native_format.h"

using namespace rafter;
namespace fs = std::filesystem;

TEST_CASE("rafter import --help") {
    auto dir = test::scratch_dir("import-help");
    auto r = test::run_rafter("import --help", dir);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("usage: rafter import") != std::string::npos);
    CHECK(r.out.find("--output") != std::string::npos);
    auto none = test::run_rafter("import", dir);
    CHECK(none.exit_code == 2);
    auto no_out = test::run_rafter("import x.json", dir);
    CHECK(no_out.exit_code == 2);
    CHECK(no_out.err.find("-o FILE") != std::string::npos);
}

TEST_CASE("rafter import writes one trace to a file and several to a directory") {
    auto dir = test::scratch_dir("import-ok");
    std::string bert = test::real_data("kineto/h100-bert-small-infer.json.gz");
    auto r = test::run_rafter("import '" + bert + "' -o '" + dir + "/bert.rafter'", dir);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("60 kernels") != std::string::npos);
    Trace t = read_native_trace(dir + "/bert.rafter");
    CHECK(t.meta.source_format == "kineto");
    CHECK(t.kernels.size() == 60);
    CHECK(t.cpu_ops.size() == 479 + 110 + 22 + 84);  // ops, runtime, driver, nn.Module calls
    CHECK(t.steps.size() == 1);

    auto m = test::run_rafter("import '" + test::real_data("kineto/sampled-128rank-rank0.json.gz") + "' '" +
                                  test::real_data("kineto/sampled-128rank-rank1.json.gz") + "' -o '" + dir + "/ranks'",
                              dir);
    REQUIRE(m.exit_code == 0);
    CHECK(m.out.find("rank 1 of 128") != std::string::npos);
    Trace r0 = read_native_trace(dir + "/ranks/rank0.rafter");
    Trace r1 = read_native_trace(dir + "/ranks/rank1.rafter");
    CHECK(r0.kernels.size() == 1154);
    CHECK(r1.kernels.size() == 1104);
    CHECK(r1.meta.rank == 1);
}

TEST_CASE("rafter import on bad input: exit code 3, position in the message, no output file") {
    auto dir = test::scratch_dir("import-bad");
    std::string gz = test::slurp(test::real_data("kineto/a100-alexnet-1gpu.json.gz"));
    test::spit(dir + "/cut.json.gz", gz.substr(0, gz.size() - 100));
    auto r = test::run_rafter("import '" + dir + "/cut.json.gz' -o '" + dir + "/out.rafter'", dir);
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("cut.json.gz: byte ") != std::string::npos);
    CHECK(r.err.find("truncated gzip") != std::string::npos);
    CHECK_FALSE(fs::exists(dir + "/out.rafter"));

    test::spit(dir + "/types.json", R"({"traceEvents": [{"ph":"X","cat":"kernel","name":"k","ts":"abc","dur":1}]})");
    auto t = test::run_rafter("import '" + dir + "/types.json' -o '" + dir + "/out.rafter'", dir);
    CHECK(t.exit_code == 3);
    CHECK(t.err.find("types.json: event 0") != std::string::npos);
    CHECK_FALSE(fs::exists(dir + "/out.rafter"));
}

TEST_CASE("rafter import --machine takes an architecture, a built-in machine or a machine file") {
    // The bundled DeepCAM ncu export has no CC column: tensor instructions become FLOPs only when
    // the architecture is known (Volta: 512 FLOPs per HMMA.884 instruction, traces/data/arch).
    auto dir = test::scratch_dir("import-machine");
    std::string in = "'" + test::source_dir() + "/examples/ncu/deepcam-v100-fw'";
    auto tensor_fp16 = [&](const std::string& file) {
        Trace t = read_native_trace(file);
        CHECK(t.kernels.size() == 797);
        double sum = 0;
        size_t with = 0;
        for (size_t r = 0; r < t.kernels.size(); ++r) {
            Value v = t.kernels.flops[static_cast<size_t>(FlopKind::tensor_fp16)].get(r);
            if (v.has()) sum += v.value, ++with;
        }
        return std::pair{with, sum};
    };
    std::string machine_file = test::source_dir() + "/model/machines/data/v100-sxm2.json";
    std::pair<size_t, double> first;
    for (const std::string& m : std::vector<std::string>{"volta", "v100-sxm2", machine_file}) {
        auto r = test::run_rafter("import " + in + " --machine '" + m + "' -o '" + dir + "/out.rafter'", dir);
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
        CHECK((r.out + r.err).find("tensor_flops_unknown_arch") == std::string::npos);
        auto got = tensor_fp16(dir + "/out.rafter");
        CHECK(got.first > 0);
        if (m == "volta") first = got;
        else CHECK(got == first);  // the same architecture whichever way it was named
    }
    // Without it the tensor FLOPs are missing, with a warning that says why.
    auto r = test::run_rafter("import " + in + " -o '" + dir + "/none.rafter'", dir);
    REQUIRE(r.exit_code == 0);
    CHECK((r.out + r.err).find("ncu.tensor_flops_unknown_arch") != std::string::npos);
    CHECK(tensor_fp16(dir + "/none.rafter").first == 0);
    // The 79 launches with tensor instructions (sm__inst_executed_pipe_tensor.sum > 0 in the CSV,
    // counted with Python's csv module) keep no FLOP kind at all, so that no total over them
    // counts their tensor work as 0; the other 718 keep their SIMT FLOPs.
    Trace none = read_native_trace(dir + "/none.rafter");
    size_t without = 0;
    for (size_t row = 0; row < none.kernels.size(); ++row) {
        bool any = false;
        for (size_t k = 0; k < kFlopKinds; ++k) any |= none.kernels.flops[k].get(row).has();
        without += !any;
    }
    CHECK(without == 79);
    // An unknown name is an error that says what was expected.
    auto bad = test::run_rafter("import " + in + " --machine no-such-gpu -o '" + dir + "/bad.rafter'", dir);
    CHECK(bad.exit_code != 0);
    CHECK(!std::filesystem::exists(dir + "/bad.rafter"));
}

TEST_CASE("'-' reads standard input and a FIFO without a writer does not hang") {
    std::string dir = test::scratch_dir("import-stdin");
    std::string bert = test::real_data("kineto/h100-bert-small-infer.json.gz");
    // Through a pipe: the same report as from the file.
    std::string cmd = "cat '" + bert + "' | '" + test::rafter_exe() + "' roofline - -f json >'" + dir +
                      "/pipe.json' 2>'" + dir + "/pipe.err'";
    REQUIRE(std::system(cmd.c_str()) == 0);
    auto file = test::run_rafter("roofline '" + bert + "' -f json", dir);
    REQUIRE(file.exit_code == 0);
    std::string piped = test::slurp(dir + "/pipe.json");
    CHECK(piped.find("\"(stdin)\"") != std::string::npos);  // the input is named (stdin)
    auto from = [](const std::string& s) { return s.substr(s.find("\"groups\"")); };
    CHECK(from(piped) == from(file.out));
    // An empty standard input and a FIFO nobody writes to: "empty file", exit 3, at once.
    auto empty = test::run_rafter("roofline -", dir);
    CHECK(empty.exit_code == 3);
    CHECK(empty.err.find("(stdin): empty file") != std::string::npos);
    std::string fifo = dir + "/fifo";
    std::filesystem::remove(fifo);
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    auto f = test::run_rafter("roofline '" + fifo + "'", dir);
    CHECK(f.exit_code == 3);
    CHECK(f.err.find("empty file") != std::string::npos);
    // No temporary copy is left behind.
    const char* tmp = std::getenv("TMPDIR");
    for (const auto& e : std::filesystem::directory_iterator(tmp && *tmp ? tmp : "/tmp"))
        CHECK(e.path().filename().string().rfind("rafter-input-", 0) != 0);
}
