// The GEMM model's split-K wave quantization and its fit to measured GEMMs
// (model/scaling/gemm_model.h, gemm_fit.h): times generated from known parameters are recovered,
// the share never exceeds peak, and the fit refuses what it cannot identify.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "model/scaling/gemm_fit.h"
#include "model/scaling/gemm_model.h"

using namespace rafter;

namespace {

GemmModel a100_waves() {
    GemmModel g;
    g.peak_flops = 312e12;
    g.dram_bandwidth = 2.039e12;
    g.memory_fraction = 0.85;
    g.sms = 108;
    return g;
}

// bf16 operands and output, once each: 2 (MK + KN + MN) per product.
GemmPoint point(double m, double n, double k, double time_s, double batch = 1) {
    return {batch, m, n, k, 2 * batch * (m * k + k * n + m * n), 312e12, time_s};
}

// Points whose times are the model's own at (fraction, overhead).
std::vector<GemmPoint> generated(const GemmModel& base, double fraction, double overhead) {
    GemmModel g = base;
    g.max_fraction = fraction;
    g.overhead_s = overhead;
    std::vector<GemmPoint> pts;
    const double shapes[][3] = {{4096, 4096, 4096}, {8192, 1024, 4096}, {2048, 6144, 1536},
                                {512, 512, 512},   {4096, 64, 2798},   {16384, 3072, 1024}};
    for (const auto& s : shapes) {
        GemmPoint p = point(s[0], s[1], s[2], 0);
        p.time_s = g.overhead_s + std::max(g.ideal_compute_s(s[0], s[1], s[2]) / fraction, g.memory_s(p.bytes));
        pts.push_back(p);
    }
    return pts;
}

} // namespace

TEST_CASE("split-K fills the SMs of GEMMs with fewer output tiles than SMs") {
    GemmModel g = a100_waves();
    // 4096 x 64 output in 256 x 128 tiles: 16 x 1 = 16 tiles; K = 2798 allows floor(2798/256) = 10
    // slices, 108 SMs floor(108/16) = 6: 96 blocks, one wave, wave_fill 96/108.
    CHECK(g.blocks(4096, 64, 2798) == 96.0);
    CHECK(g.ideal_compute_s(4096, 64, 2798) == doctest::Approx(2.0 * 4096 * 64 * 2798 / (312e12 * 96.0 / 108)));
    // A shallow K cannot be split: 4096 x 64 x 100 stays at 16 blocks.
    CHECK(g.blocks(4096, 64, 100) == 16.0);
    // 144 tiles (GPT-22B's QKV at TP8: 2048 x 2304) are more than the SMs: no split, two waves.
    CHECK(g.blocks(2048, 2304, 6144) == 144.0);
    CHECK(g.wave_fill(144) == doctest::Approx(144.0 / 216));
    // The overhead adds to every call.
    g.max_fraction = 0.5;
    const double t0 = g.gemm_s(8192, 8192, 8192);
    g.overhead_s = 5e-6;
    CHECK(g.gemm_s(8192, 8192, 8192) == doctest::Approx(t0 + 5e-6));
}

TEST_CASE("the fit recovers the share of peak and the overhead the times were made with") {
    for (double fraction : {0.9, 0.62, 0.3})
        for (double overhead : {0.0, 4e-6}) {
            auto pts = generated(a100_waves(), fraction, overhead);
            std::string why;
            auto fit = fit_gemm_model(pts, a100_waves(), &why);
            REQUIRE_MESSAGE(fit, why);
            INFO("fraction " << fraction << " overhead " << overhead);
            CHECK(fit->max_fraction == doctest::Approx(fraction).epsilon(1e-6));
            CHECK(fit->overhead_s == doctest::Approx(overhead).epsilon(1e-6));
            CHECK(fit->sms == 108);  // made with waves: the wave hypothesis is kept
            CHECK(fit->median_abs_error < 1e-6);
            CHECK(fit->loo_median_abs_error < 1e-6);
            CHECK(fit->shapes.size() == 6);
            CHECK(fit->calls == 6);
        }
}

TEST_CASE("the fit keeps the hypothesis that predicts held-out shapes better") {
    GemmModel flat = a100_waves();
    flat.sms = 0;
    auto pts = generated(flat, 0.7, 3e-6);  // made without wave quantization
    auto fit = fit_gemm_model(pts, a100_waves(), nullptr);
    REQUIRE(fit);
    CHECK(fit->sms == 0);
    CHECK(fit->max_fraction == doctest::Approx(0.7).epsilon(1e-6));
    CHECK(fit->other_loo_median_abs_error > fit->loo_median_abs_error);
}

TEST_CASE("repeated calls count once per shape, at their median time") {
    auto pts = generated(a100_waves(), 0.8, 2e-6);
    // Three more calls of the first shape: one fast, two slow; the median is the slow time.
    GemmPoint p = pts[0];
    const double t = p.time_s;
    p.time_s = 0.5 * t;
    pts.push_back(p);
    p.time_s = 3 * t;
    pts.push_back(p);
    pts.push_back(p);
    auto fit = fit_gemm_model(pts, a100_waves(), nullptr);
    REQUIRE(fit);
    CHECK(fit->calls == 9);
    CHECK(fit->shapes.size() == 6);
    bool found = false;
    for (const auto& s : fit->shapes)
        if (s.point.m == 4096 && s.point.n == 4096) {
            CHECK(s.calls == 4);
            CHECK(s.point.time_s == doctest::Approx((t + 3 * t) / 2));  // median of t, 0.5t, 3t, 3t
            found = true;
        }
    CHECK(found);
}

TEST_CASE("no share above peak: faster-than-peak times pin the share at 100%") {
    auto pts = generated(a100_waves(), 1.0, 0);
    for (auto& p : pts) p.time_s *= 0.8;  // impossible: 125% of peak
    auto fit = fit_gemm_model(pts, a100_waves(), nullptr);
    REQUIRE(fit);
    CHECK(fit->max_fraction <= 1.0);
    CHECK(fit->max_fraction == doctest::Approx(1.0));
    CHECK(fit->overhead_s >= 0);
}

TEST_CASE("the fit refuses too few shapes and GEMMs that are memory-bound at any share") {
    std::string why;
    auto pts = generated(a100_waves(), 0.8, 0);
    pts.resize(2);
    CHECK_FALSE(fit_gemm_model(pts, a100_waves(), &why));
    CHECK(why.find("at least 3 distinct GEMM shapes") != std::string::npos);
    CHECK(why.find("found 2") != std::string::npos);

    // Matrix-vector products (N = 1): 2 FLOPs per 2-byte weight, far below the ridge point, timed
    // at their memory time: no share of peak can be read from them.
    std::vector<GemmPoint> gemv;
    GemmModel g = a100_waves();
    for (double m : {4096.0, 8192.0, 16384.0, 32768.0}) {
        GemmPoint p = point(m, 1, 4096, 0);
        p.time_s = g.memory_s(p.bytes);
        gemv.push_back(p);
    }
    CHECK_FALSE(fit_gemm_model(gemv, a100_waves(), &why));
    CHECK(why.find("memory-bound") != std::string::npos);
}
