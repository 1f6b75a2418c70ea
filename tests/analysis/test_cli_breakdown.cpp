// `rafter breakdown` end to end on hand-built rank traces saved in the native format: output
// formats, -o DIR, help, and errors (exit codes, nothing written).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "core/json_writer.h"
#include "synthetic_trace.h"
#include "test_support.h"
#include "traces/native_format.h"

using namespace rafter;
using rafter::test::TraceBuilder;

namespace {

const char* kNccl = "ncclDevKernel_AllReduce_Sum_f32_RING_LL(ncclDevComm*, unsigned long, ncclWork*)";
const char* kGemm = "sm90_xmma_gemm_bf16bf16_bf16f32_f32_tn_n_tilesize64x64x64";

// Rank r's clock reads `skew` ns behind: three all-reduces end at 1, 2.5 and 4.2 ms true time.
Trace rank_trace(int32_t rank, int64_t skew) {
    TraceBuilder b;
    b.t.meta.rank = rank;
    b.t.meta.world_size = 2;
    b.t.meta.source_format = "rafter";
    for (int64_t end : {1000000, 2500000, 4200000}) {
        b.kernel(kNccl, end - 300000 - skew, end - skew, 0, 0, 13);
        b.kernel(kGemm, end - 200000 - skew, end - 100000 - skew, 0, 0, 7);
    }
    b.step("ProfilerStep#1", 500000 - skew, 4300000 - skew);
    return b.t;
}

std::string read(const std::string& path) {
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

} // namespace

TEST_CASE("rafter breakdown: formats, -o, help and errors") {
    std::string dir = test::scratch_dir("cli-breakdown");
    std::string ranks = dir + "/ranks";
    std::filesystem::create_directories(ranks);
    save_native_trace(rank_trace(0, 0), ranks + "/rank0.rtrace");
    save_native_trace(rank_trace(1, 7000), ranks + "/rank1.rtrace");

    auto help = test::run_rafter("breakdown --help", dir);
    CHECK(help.exit_code == 0);
    CHECK(help.out.find("usage: rafter breakdown") != std::string::npos);

    // A directory of rank files, JSON on stdout.
    auto js = test::run_rafter("breakdown '" + ranks + "' --format json", dir);
    INFO(js.err);
    REQUIRE(js.exit_code == 0);
    CHECK(js.out.find("\"schema\": \"rafter.breakdown/1\"") != std::string::npos);
    CHECK(js.out.find("\"rank\": 1") != std::string::npos);
    // Rank 1's offset: 7 us (its clock is 7,000 ns behind), from 3 matched collectives.
    CHECK(js.out.find("\"offset_s\": " + format_double(7000 * 1e-9)) != std::string::npos);
    CHECK(js.out.find("\"matched_collectives\": 3") != std::string::npos);

    // Table by default; CSV to a file with -o (stdout stays empty).
    auto table = test::run_rafter("breakdown '" + ranks + "/rank0.rtrace' '" + ranks + "/rank1.rtrace'", dir);
    CHECK(table.exit_code == 0);
    CHECK(table.out.find("GPU time breakdown (2 ranks)") != std::string::npos);
    auto csv = test::run_rafter("breakdown '" + ranks + "' --format csv -o '" + dir + "/out'", dir);
    CHECK(csv.exit_code == 0);
    CHECK(csv.out.empty());
    std::string written = read(dir + "/out/breakdown.csv");
    CHECK(written.rfind("rank,step,start_s,duration_s", 0) == 0);
    CHECK(written.find("1,ProfilerStep#1,") != std::string::npos);

    // Errors: a missing input is bad input (3) and writes nothing; bad options are usage (2).
    auto missing = test::run_rafter("breakdown '" + dir + "/nope.json' -o '" + dir + "/out2'", dir);
    CHECK(missing.exit_code == 3);
    CHECK(missing.err.find("nope.json") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir + "/out2/breakdown.txt"));
    CHECK(test::run_rafter("breakdown '" + ranks + "' --format xml", dir).exit_code == 2);
    CHECK(test::run_rafter("breakdown '" + ranks + "' --straggler-threshold abc", dir).exit_code == 2);
    CHECK(test::run_rafter("breakdown", dir).exit_code == 2);
}
