#pragma once
// Empirical fits with Eigen least squares:
//  - fit_affine: t = c0 + c1 * x, weighted so that every point counts by its relative error (the
//    alpha-beta calibration: message sizes span nine decades).
//  - fit_pmnf: Extra-P's performance-model normal form for one parameter,
//    t(p) = c0 + c1 * p^i * log2(p)^j, one hypothesis per (i, j), chosen by leave-one-out
//    cross-validation (Calotoiu et al., SC'13; Extra-P).
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace rafter {

struct AffineFit {
    double c0 = 0, c1 = 0;      // intercept and slope
    double rms_rel_error = 0;   // sqrt(mean(((fit - y) / y)^2))
    double max_rel_error = 0;
    size_t points = 0;
};
// Minimizes sum(((c0 + c1 x - y) / y)^2) subject to c0, c1 >= 0 (a negative latency or
// bandwidth term is refitted with that term at 0). Throws rafter::Error with fewer than 2 points
// or non-positive y.
AffineFit fit_affine(const std::vector<double>& x, const std::vector<double>& y);

struct PmnfModel {
    double c0 = 0, c1 = 0;
    double i = 0;               // exponent of p
    int j = 0;                  // exponent of log2(p)
    bool constant = false;      // t = c0 (the hypothesis without a p term)
    double rss = 0;             // residual sum of squares on all points
    double smape = 0;           // symmetric mean absolute percentage error on all points, 0..2
    double loo_error = 0;       // mean relative error of leave-one-out predictions
    double adj_r2 = 0;

    double eval(double p) const;
    std::string formula() const;  // "0.21 + 3.1e-05 * p^(3/2) * log2(p)"
};

struct PmnfOptions {
    // Exponents of p tried (Extra-P's default set plus negative ones, for strong scaling where
    // time falls with p).
    std::vector<double> exponents = {-1.0,     -2.0 / 3, -1.0 / 2, -1.0 / 3, -1.0 / 4, 0.0,
                                     1.0 / 4,  1.0 / 3,  1.0 / 2,  2.0 / 3,  3.0 / 4,  1.0,
                                     5.0 / 4,  4.0 / 3,  3.0 / 2,  5.0 / 3,  7.0 / 4,  2.0,
                                     9.0 / 4,  7.0 / 3,  5.0 / 2,  8.0 / 3,  11.0 / 4, 3.0};
    std::vector<int> log_exponents = {0, 1, 2};
};

struct PmnfFit {
    PmnfModel best;
    std::vector<PmnfModel> hypotheses;  // all, best first (by leave-one-out error)
};
// Needs at least 3 points with distinct p >= 1 and t > 0; throws rafter::Error otherwise.
PmnfFit fit_pmnf(const std::vector<double>& p, const std::vector<double>& t,
                 const PmnfOptions& options = {});

// "3/2" for 1.5, "1/3" for 0.333..., "-1" for -1 (the exponent set above).
std::string exponent_text(double e);

} // namespace rafter
