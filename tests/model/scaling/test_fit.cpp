// Empirical fits: the Extra-P normal form recovers the hypothesis that generated the data, and
// the alpha-beta fit recovers latency and bandwidth.
#include <doctest/doctest.h>

#include <cmath>

#include "core/error.h"
#include "model/scaling/fit.h"

using namespace rafter;

TEST_CASE("PMNF fit selects the generating hypothesis") {
    std::vector<double> p, t;
    for (double g = 2; g <= 512; g *= 2) {
        p.push_back(g);
        t.push_back(0.5 + 0.01 * std::pow(g, 1.5) * std::log2(g));
    }
    PmnfFit f = fit_pmnf(p, t);
    CHECK(f.best.i == doctest::Approx(1.5));
    CHECK(f.best.j == 1);
    CHECK(f.best.c0 == doctest::Approx(0.5));
    CHECK(f.best.c1 == doctest::Approx(0.01));
    CHECK(f.best.loo_error < 1e-9);
    CHECK(f.best.formula() == "0.5 + 0.01 * p^(3/2) * log2(p)");
    CHECK(f.best.eval(1024) == doctest::Approx(0.5 + 0.01 * std::pow(1024, 1.5) * 10));
}

TEST_CASE("PMNF fit of strong scaling and of noisy data") {
    std::vector<double> p = {1, 2, 4, 8, 16, 32}, t;
    for (double g : p) t.push_back(0.2 + 12.0 / g);
    PmnfFit f = fit_pmnf(p, t);
    CHECK(f.best.i == doctest::Approx(-1));
    CHECK(f.best.j == 0);
    CHECK(f.best.c0 == doctest::Approx(0.2));
    // Weak scaling with +-1% alternating noise around c0 + c1 log2(p): still log2(p).
    std::vector<double> q = {8, 16, 32, 64, 128, 256, 512}, u;
    for (size_t k = 0; k < q.size(); ++k) u.push_back((0.3 + 0.004 * std::log2(q[k])) * (k % 2 ? 1.01 : 0.99));
    PmnfFit g = fit_pmnf(q, u);
    CHECK(g.best.j >= 0);
    CHECK(g.best.eval(1024) == doctest::Approx(0.3 + 0.004 * 10).epsilon(0.05));
    // Constant data: the constant hypothesis wins.
    PmnfFit c = fit_pmnf({2, 4, 8, 16}, {1, 1, 1, 1});
    CHECK(c.best.constant);
    CHECK(c.best.c0 == doctest::Approx(1));
}

TEST_CASE("PMNF fit needs three GPU counts") {
    CHECK_THROWS_WITH_AS(fit_pmnf({2, 4}, {1, 2}), doctest::Contains("3 or more GPU counts"), Error);
    CHECK_THROWS_AS(fit_pmnf({2, 4, 8}, {1, -2, 3}), Error);
}

TEST_CASE("alpha-beta fit with relative weights") {
    std::vector<double> n, t;
    for (double b = 8; b <= 8e9; b *= 4) {
        n.push_back(b);
        t.push_back(5e-6 + b / 1e10);
    }
    AffineFit f = fit_affine(n, t);
    CHECK(f.c0 == doctest::Approx(5e-6));
    CHECK(f.c1 == doctest::Approx(1e-10));
    CHECK(f.rms_rel_error < 1e-9);
    // A pure bandwidth curve: the latency is clamped at 0, not negative.
    std::vector<double> y;
    for (double b : n) y.push_back(b / 1e10 * (b < 1e3 ? 1.5 : 1.0));
    AffineFit g = fit_affine(n, y);
    CHECK(g.c0 >= 0);
    CHECK(g.c1 > 0);
    CHECK_THROWS_AS(fit_affine({1}, {1}), Error);
}

TEST_CASE("exponent text") {
    CHECK(exponent_text(1.5) == "3/2");
    CHECK(exponent_text(1.0 / 3) == "1/3");
    CHECK(exponent_text(-1) == "-1");
    CHECK(exponent_text(2) == "2");
}
