// The GEMM calls a profile measured (analysis/gemm_samples.h) against TraceLens' GEMM report of
// the same trace (tests/data/real/kineto/h100-bert-small-infer.gemm-reference.csv): the same
// shapes, call counts and median kernel times; and the calibration built on them.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <tuple>

#include "analysis/analytic_costs.h"
#include "analysis/gemm_samples.h"
#include "test_support.h"
#include "traces/importer.h"

using namespace rafter;

TEST_CASE("measured GEMMs of the bert trace match TraceLens' report: shapes, calls, median times") {
    auto traces = load_traces({test::real_data("kineto/h100-bert-small-infer.json.gz")}, ImportOptions{});
    GemmSamples s = measured_gemms(traces);
    CHECK(s.calls_without_time == 0);
    // Our side: calls and times per (M, N, K).
    std::map<std::tuple<double, double, double>, std::vector<double>> ours;
    for (const GemmSample& g : s.samples) {
        CHECK(g.kind == FlopKind::tensor_bf16);
        CHECK(g.shape.batch == 1);
        ours[{g.shape.m, g.shape.n, g.shape.k}].push_back(g.time_s);
    }
    std::ifstream in(test::real_data("kineto/h100-bert-small-infer.gemm-reference.csv"));
    REQUIRE(in.good());
    std::string line;
    std::getline(in, line);
    auto header = test::split_csv_line(line);
    auto col = [&](const std::string& name) {
        auto it = std::find(header.begin(), header.end(), name);
        REQUIRE_MESSAGE(it != header.end(), name);
        return static_cast<size_t>(it - header.begin());
    };
    const size_t cm = col("param: M"), cn = col("param: N"), ck = col("param: K"), ccount = col("name_count"),
                 cmed = col("Kernel Time (µs)_median");
    size_t rows = 0;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        auto f = test::split_csv_line(line);
        auto key = std::make_tuple(std::stod(f[cm]), std::stod(f[cn]), std::stod(f[ck]));
        INFO(f[cm] << "x" << f[cn] << "x" << f[ck]);
        REQUIRE(ours.count(key) == 1);
        auto times = ours[key];
        CHECK(times.size() == std::stoul(f[ccount]));
        std::sort(times.begin(), times.end());
        const size_t h = times.size() / 2;
        const double median = times.size() % 2 ? times[h] : (times[h - 1] + times[h]) / 2;
        // TraceLens' medians carry the rounding of its float timestamps (8.224609375 us for our
        // 8.2245 us, from the trace's integer-nanosecond durations): agree to 5e-5 relative.
        CHECK(median * 1e6 == doctest::Approx(std::stod(f[cmed])).epsilon(5e-5));
        ++rows;
    }
    CHECK(rows == 4);
    CHECK(ours.size() == 4);
}

TEST_CASE("calibration of the qwen trace: one bf16 fit, picked for 2-byte GEMMs, never for 4-byte ones") {
    auto traces = load_traces({test::real_data("kineto/h100-qwen1.5-0.5b-infer.json.gz")}, ImportOptions{});
    auto machine = find_builtin_machine("h100-sxm");
    REQUIRE(machine);
    GemmCalibration c = calibrate_gemm(traces, *machine);
    CHECK(c.machine == "h100-sxm");
    CHECK(c.base.sms == 132);
    REQUIRE(c.entries.size() == 2);
    CHECK(c.entries[0].kind == FlopKind::tensor_bf16);
    CHECK(c.entries[0].calls == 168);
    REQUIRE(c.entries[0].fit);
    const GemmFit& f = *c.entries[0].fit;
    CHECK(f.shapes.size() == 3);
    CHECK(f.max_fraction > 0);
    CHECK(f.max_fraction <= 1);
    // The measured share of the largest shape (8944 x 2816 x 1024: 62% of peak) bounds the fitted
    // share from below: the model adds an overhead, never speed.
    CHECK(f.max_fraction >= 0.6);
    CHECK(c.entries[1].kind == FlopKind::fp32);
    CHECK_FALSE(c.entries[1].fit);
    CHECK(c.entries[1].why_not.find("found 1") != std::string::npos);
    CHECK(calibration_for_dtype(c, 2) == &c.entries[0]);
    CHECK(calibration_for_dtype(c, 4) == nullptr);
}

TEST_CASE("float GEMMs that ran TF32 tensor-core kernels count as TF32; SIMT sgemm stays fp32") {
    CHECK(is_tf32_tensor_kernel("void cutlass::Kernel<cutlass_80_tensorop_s1688gemm_256x128_32x3_nn_align1>(...)"));
    CHECK(is_tf32_tensor_kernel("sm80_xmma_gemm_f32f32_tf32f32_f32_nn_n_tilesize128x128x16_stage4_warpsize2x2x1"));
    CHECK_FALSE(is_tf32_tensor_kernel("ampere_sgemm_128x64_nn"));
    CHECK_FALSE(is_tf32_tensor_kernel("void cutlass::Kernel2<cutlass_80_tensorop_bf16_s16816gemm_bf16_256x128_64x3_tn_align2>"));

    // The 16-rank A100 trace: 25 float aten::mm calls; 20 ran cutlass s1688 (TF32) kernels, the 5
    // of [4096, 64] x [64, 2798] an ampere_sgemm (SIMT fp32).
    auto traces = load_traces({test::real_data("kineto/a100-80gb-16rank-rank0.json.gz")}, ImportOptions{});
    GemmSamples s = measured_gemms(traces);
    size_t tf32 = 0, fp32 = 0;
    for (const GemmSample& g : s.samples) {
        if (g.kind == FlopKind::tensor_tf32) ++tf32;
        if (g.kind == FlopKind::fp32) {
            ++fp32;
            CHECK(g.shape.m == 4096);
            CHECK(g.shape.n == 2798);
            CHECK(g.shape.k == 64);
        }
    }
    CHECK(tf32 == 20);
    CHECK(fp32 == 5);
}
