#include "model/scaling/gemm_fit.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

namespace rafter {

namespace {

// One shape's terms of the model: time = t0 + max(a c, mem), measured t.
struct Term {
    double c = 0, mem = 0, t = 0;
};

// For a given a, the t0 >= 0 minimising sum ((t0 + max(a c_i, mem_i)) / t_i - 1)^2, and that sum.
// `skip` leaves one term out (leave-one-out), SIZE_MAX none.
std::pair<double, double> best_overhead(const std::vector<Term>& terms, double a, size_t skip) {
    double num = 0, den = 0;
    for (size_t i = 0; i < terms.size(); ++i) {
        if (i == skip) continue;
        const Term& x = terms[i];
        const double u = 1 / x.t;
        num += u * (1 - u * std::max(a * x.c, x.mem));
        den += u * u;
    }
    const double t0 = std::max(0.0, num / den);
    double sse = 0;
    for (size_t i = 0; i < terms.size(); ++i) {
        if (i == skip) continue;
        const Term& x = terms[i];
        const double r = (t0 + std::max(a * x.c, x.mem)) / x.t - 1;
        sse += r * r;
    }
    return {t0, sse};
}

// The (t0, a) with a in [1, kMaxA] (share of peak 0.1% to 100%): a log grid, then golden-section
// search around the best grid point. The objective is piecewise smooth in a.
constexpr double kMaxA = 1000;
std::pair<double, double> solve(const std::vector<Term>& terms, size_t skip = SIZE_MAX) {
    constexpr int kGrid = 240;
    const double step = std::log(kMaxA) / kGrid;
    int best = 0;
    double best_sse = INFINITY;
    for (int i = 0; i <= kGrid; ++i) {
        double sse = best_overhead(terms, std::exp(i * step), skip).second;
        if (sse < best_sse) best_sse = sse, best = i;
    }
    double lo = std::exp(std::max(0, best - 1) * step), hi = std::exp(std::min(kGrid, best + 1) * step);
    const double g = (std::sqrt(5.0) - 1) / 2;
    double x1 = hi - g * (hi - lo), x2 = lo + g * (hi - lo);
    double f1 = best_overhead(terms, x1, skip).second, f2 = best_overhead(terms, x2, skip).second;
    for (int it = 0; it < 60; ++it) {
        if (f1 <= f2) hi = x2, x2 = x1, f2 = f1, x1 = hi - g * (hi - lo), f1 = best_overhead(terms, x1, skip).second;
        else lo = x1, x1 = x2, f1 = f2, x2 = lo + g * (hi - lo), f2 = best_overhead(terms, x2, skip).second;
    }
    double a = (lo + hi) / 2;
    // The grid's end points are candidates too (the optimum may sit on a bound).
    for (double cand : {1.0, std::exp(best * step)})
        if (best_overhead(terms, cand, skip).second < best_overhead(terms, a, skip).second) a = cand;
    return {best_overhead(terms, a, skip).first, a};
}

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    size_t h = v.size() / 2;
    return v.size() % 2 ? v[h] : (v[h - 1] + v[h]) / 2;
}

std::optional<GemmFit> fit_once(std::span<const GemmPoint> points, const GemmModel& base, std::string* why) {
    // Distinct shapes, each at its median measured time.
    std::map<std::tuple<double, double, double, double, double>, std::vector<const GemmPoint*>> by_shape;
    for (const GemmPoint& p : points) {
        if (!(p.time_s > 0) || !(p.peak_flops > 0) || !(p.m > 0 && p.n > 0 && p.k > 0 && p.batch > 0)) continue;
        by_shape[{p.batch, p.m, p.n, p.k, p.peak_flops}].push_back(&p);
    }
    GemmFit fit;
    std::vector<Term> terms;
    for (auto& [key, calls] : by_shape) {
        std::vector<double> times;
        for (const GemmPoint* p : calls) times.push_back(p->time_s);
        GemmFitShape s;
        s.point = *calls.front();
        s.point.time_s = median(times);
        s.calls = calls.size();
        GemmModel g = base;
        g.peak_flops = s.point.peak_flops;
        terms.push_back({g.ideal_compute_s(s.point.m, s.point.n, s.point.k, s.point.batch), g.memory_s(s.point.bytes),
                         s.point.time_s});
        fit.shapes.push_back(s);
    }
    if (terms.size() < kGemmFitMinShapes) {
        if (why)
            *why = "needs at least " + std::to_string(kGemmFitMinShapes) +
                   " distinct GEMM shapes with a measured time, found " + std::to_string(terms.size());
        return std::nullopt;
    }
    auto [t0, a] = solve(terms);
    size_t compute_bound = 0;
    for (const Term& x : terms) compute_bound += a * x.c >= x.mem;
    if (compute_bound == 0) {
        if (why)
            *why = "all " + std::to_string(terms.size()) +
                   " GEMM shapes are memory-bound in the model at any share of peak: their times say nothing about it";
        return std::nullopt;
    }
    fit.overhead_s = t0;
    fit.max_fraction = 1 / a;
    fit.sms = base.sms;
    std::vector<double> err, loo_err;
    fit.min_flops = INFINITY;
    for (size_t i = 0; i < terms.size(); ++i) {
        GemmFitShape& s = fit.shapes[i];
        const Term& x = terms[i];
        s.memory_bound = a * x.c < x.mem;
        if (s.memory_bound) ++fit.memory_bound_shapes;
        s.model_s = t0 + std::max(a * x.c, x.mem);
        err.push_back(std::abs(s.model_s / x.t - 1));
        auto [lt0, la] = solve(terms, i);
        s.loo_model_s = lt0 + std::max(la * x.c, x.mem);
        loo_err.push_back(std::abs(s.loo_model_s / x.t - 1));
        fit.calls += s.calls;
        const double flops = 2 * s.point.batch * s.point.m * s.point.n * s.point.k;
        fit.min_flops = std::min(fit.min_flops, flops);
        fit.max_flops = std::max(fit.max_flops, flops);
    }
    fit.median_abs_error = median(err);
    fit.max_abs_error = *std::max_element(err.begin(), err.end());
    fit.loo_median_abs_error = median(loo_err);
    std::vector<size_t> order(fit.shapes.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    auto flops_of = [&](size_t i) {
        const GemmPoint& p = fit.shapes[i].point;
        return p.batch * p.m * p.n * p.k;
    };
    std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) { return flops_of(x) < flops_of(y); });
    std::vector<GemmFitShape> sorted;
    for (size_t i : order) sorted.push_back(fit.shapes[i]);
    fit.shapes = std::move(sorted);
    return fit;
}

} // namespace

std::optional<GemmFit> fit_gemm_model(std::span<const GemmPoint> points, const GemmModel& base, std::string* why) {
    std::optional<GemmFit> waves = fit_once(points, base, why);
    if (base.sms <= 0 || !waves) return waves;
    GemmModel flat = base;
    flat.sms = 0;
    std::optional<GemmFit> plain = fit_once(points, flat, nullptr);
    if (!plain) return waves;
    // Ties keep wave quantization (the documented default).
    GemmFit& kept = plain->loo_median_abs_error < waves->loo_median_abs_error ? *plain : *waves;
    const GemmFit& other = &kept == &*plain ? *waves : *plain;
    kept.other_loo_median_abs_error = other.loo_median_abs_error;
    return kept;
}

} // namespace rafter
