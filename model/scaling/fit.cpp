#include "model/scaling/fit.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include <Eigen/Dense>

#include "core/error.h"

namespace rafter {

namespace {

[[noreturn]] void bad(const std::string& message) { throw Error(ExitCode::bad_input, message); }

// Weighted least squares of y ~ sum_k c_k f_k(x) with weights w (rows scaled by w).
Eigen::VectorXd solve_weighted(const Eigen::MatrixXd& a, const Eigen::VectorXd& b) {
    return a.colPivHouseholderQr().solve(b);
}

struct Affine {
    double c0, c1;
};

// Relative-error fit with both coefficients free, then clamped: a negative coefficient is set to
// zero and the other refitted alone.
Affine affine_relative(const std::vector<double>& x, const std::vector<double>& y) {
    const Eigen::Index n = static_cast<Eigen::Index>(x.size());
    Eigen::MatrixXd a(n, 2);
    Eigen::VectorXd b = Eigen::VectorXd::Ones(n);
    for (Eigen::Index k = 0; k < n; ++k) {
        a(k, 0) = 1.0 / y[k];
        a(k, 1) = x[k] / y[k];
    }
    Eigen::VectorXd c = solve_weighted(a, b);
    Affine out{c(0), c(1)};
    if (out.c0 < 0 || out.c1 < 0) {
        // One-coefficient fits: min sum((c a_k - 1)^2) -> c = sum(a_k) / sum(a_k^2).
        auto single = [&](int col) {
            double num = 0, den = 0;
            for (Eigen::Index k = 0; k < n; ++k) {
                num += a(k, col);
                den += a(k, col) * a(k, col);
            }
            return den > 0 ? num / den : 0.0;
        };
        Affine only_lat{single(0), 0}, only_bw{0, single(1)};
        auto err = [&](const Affine& f) {
            double e = 0;
            for (Eigen::Index k = 0; k < n; ++k) {
                double r = (f.c0 + f.c1 * x[k] - y[k]) / y[k];
                e += r * r;
            }
            return e;
        };
        out = err(only_lat) < err(only_bw) ? only_lat : only_bw;
    }
    return out;
}

double term_value(double p, double i, int j) {
    double v = std::pow(p, i);
    if (j > 0) v *= std::pow(std::log2(p), j);
    return v;
}

// Ordinary least squares of t ~ c0 + c1 * g(p) on the rows in `use`.
bool fit_two(const std::vector<double>& p, const std::vector<double>& t, const std::vector<size_t>& use,
             double i, int j, bool constant, double& c0, double& c1) {
    const Eigen::Index n = static_cast<Eigen::Index>(use.size());
    if (constant) {
        double s = 0;
        for (size_t k : use) s += t[k];
        c0 = s / n;
        c1 = 0;
        return true;
    }
    Eigen::MatrixXd a(n, 2);
    Eigen::VectorXd b(n);
    for (Eigen::Index r = 0; r < n; ++r) {
        a(r, 0) = 1;
        a(r, 1) = term_value(p[use[r]], i, j);
        b(r) = t[use[r]];
    }
    // A column of zeros (log2(1) = 0 at every point) or two equal columns cannot be fitted.
    Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(a);
    if (qr.rank() < 2) return false;
    Eigen::VectorXd c = qr.solve(b);
    c0 = c(0);
    c1 = c(1);
    return std::isfinite(c0) && std::isfinite(c1);
}

} // namespace

AffineFit fit_affine(const std::vector<double>& x, const std::vector<double>& y) {
    if (x.size() != y.size()) bad("fit_affine: x and y differ in length");
    if (x.size() < 2) bad("an alpha-beta fit needs at least 2 measurements (got " + std::to_string(x.size()) + ")");
    for (double v : y)
        if (!(v > 0) || !std::isfinite(v)) bad("an alpha-beta fit needs positive times");
    Affine f = affine_relative(x, y);
    AffineFit out;
    out.c0 = f.c0;
    out.c1 = f.c1;
    out.points = x.size();
    double s = 0;
    for (size_t k = 0; k < x.size(); ++k) {
        double r = (f.c0 + f.c1 * x[k] - y[k]) / y[k];
        s += r * r;
        out.max_rel_error = std::max(out.max_rel_error, std::fabs(r));
    }
    out.rms_rel_error = std::sqrt(s / x.size());
    return out;
}

double PmnfModel::eval(double p) const { return constant ? c0 : c0 + c1 * term_value(p, i, j); }

std::string exponent_text(double e) {
    static const int dens[] = {1, 2, 3, 4};
    for (int d : dens) {
        double n = e * d;
        if (std::fabs(n - std::round(n)) < 1e-9) {
            long ni = std::lround(n);
            if (d == 1) return std::to_string(ni);
            return std::to_string(ni) + "/" + std::to_string(d);
        }
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", e);
    return buf;
}

std::string PmnfModel::formula() const {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.4g", c0);
    std::string s = buf;
    if (constant) return s;
    std::snprintf(buf, sizeof buf, "%.4g", std::fabs(c1));
    s += c1 < 0 ? " - " : " + ";
    s += buf;
    if (i != 0) s += " * p^(" + exponent_text(i) + ")";
    if (j == 1) s += " * log2(p)";
    else if (j > 1) s += " * log2(p)^" + std::to_string(j);
    return s;
}

PmnfFit fit_pmnf(const std::vector<double>& p, const std::vector<double>& t, const PmnfOptions& options) {
    if (p.size() != t.size()) bad("fit: GPU counts and times differ in length");
    std::set<double> distinct;
    for (size_t k = 0; k < p.size(); ++k) {
        if (!(p[k] >= 1) || !std::isfinite(p[k])) bad("fit: GPU counts must be >= 1");
        if (!(t[k] > 0) || !std::isfinite(t[k])) bad("fit: step times must be > 0");
        distinct.insert(p[k]);
    }
    if (distinct.size() < 3)
        bad("an empirical fit needs measurements at 3 or more GPU counts (got " +
            std::to_string(distinct.size()) + ")");

    const size_t n = p.size();
    std::vector<size_t> all(n);
    for (size_t k = 0; k < n; ++k) all[k] = k;

    std::vector<PmnfModel> hyps;
    auto consider = [&](double i, int j, bool constant) {
        PmnfModel m;
        m.i = i;
        m.j = j;
        m.constant = constant;
        if (!fit_two(p, t, all, i, j, constant, m.c0, m.c1)) return;
        double mean = 0;
        for (double v : t) mean += v;
        mean /= n;
        double tss = 0;
        for (size_t k = 0; k < n; ++k) {
            double f = m.eval(p[k]);
            m.rss += (f - t[k]) * (f - t[k]);
            m.smape += 2 * std::fabs(f - t[k]) / (std::fabs(f) + std::fabs(t[k]));
            tss += (t[k] - mean) * (t[k] - mean);
        }
        m.smape /= n;
        double params = constant ? 1 : 2;
        m.adj_r2 = tss > 0 && n > params ? 1 - (m.rss / (n - params)) / (tss / (n - 1)) : 1;
        // Leave-one-out: fit without point k, predict it.
        double loo = 0;
        for (size_t k = 0; k < n; ++k) {
            std::vector<size_t> rest;
            for (size_t q = 0; q < n; ++q)
                if (q != k) rest.push_back(q);
            double a0 = 0, a1 = 0;
            if (!fit_two(p, t, rest, i, j, constant, a0, a1)) return;  // not identifiable without k
            PmnfModel h = m;
            h.c0 = a0;
            h.c1 = a1;
            loo += std::fabs(h.eval(p[k]) - t[k]) / t[k];
        }
        m.loo_error = loo / n;
        hyps.push_back(m);
    };
    consider(0, 0, true);
    for (double i : options.exponents)
        for (int j : options.log_exponents) {
            if (i == 0 && j == 0) continue;  // the constant hypothesis above
            consider(i, j, false);
        }
    if (hyps.empty()) bad("no hypothesis of the normal form could be fitted to the measurements");
    // Ties (within 1e-12) go to the simpler hypothesis: constant, then smaller |i|, then smaller j.
    std::stable_sort(hyps.begin(), hyps.end(), [](const PmnfModel& a, const PmnfModel& b) {
        if (std::fabs(a.loo_error - b.loo_error) > 1e-12) return a.loo_error < b.loo_error;
        if (a.constant != b.constant) return a.constant;
        if (std::fabs(a.i) != std::fabs(b.i)) return std::fabs(a.i) < std::fabs(b.i);
        return a.j < b.j;
    });
    PmnfFit out;
    out.best = hyps.front();
    out.hypotheses = std::move(hyps);
    return out;
}

} // namespace rafter
