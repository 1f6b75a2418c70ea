#include "plots/log_axis.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/text.h"

namespace rafter {

double LogScale::to_px(double v) const {
    double t = (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
    return px_lo + t * (px_hi - px_lo);
}

double LogScale::from_px(double px) const {
    double t = (px - px_lo) / (px_hi - px_lo);
    return std::pow(10.0, std::log10(lo) + t * (std::log10(hi) - std::log10(lo)));
}

double LogScale::px_per_decade() const { return (px_hi - px_lo) / (std::log10(hi) - std::log10(lo)); }

// Largest 1/2/5 x 10^k <= v, or smallest >= v.
static double round_125(double v, bool up) {
    double e = std::floor(std::log10(v));
    double base = std::pow(10.0, e);
    static const double steps[] = {1, 2, 5, 10};
    if (up) {
        for (double s : steps)
            if (s * base >= v * (1 - 1e-9)) return s * base;
        return 10 * base;
    }
    for (int i = 3; i >= 0; --i)
        if (steps[i] * base <= v * (1 + 1e-9)) return steps[i] * base;
    return base;
}

std::optional<LogRange> log_range(double min_v, double max_v, double pad_decades) {
    if (!(min_v > 0) || !(max_v > 0) || !std::isfinite(min_v) || !std::isfinite(max_v))
        return std::nullopt;
    if (min_v > max_v) std::swap(min_v, max_v);
    double llo = std::log10(min_v) - pad_decades, lhi = std::log10(max_v) + pad_decades;
    if (lhi - llo < 1.0) {
        double mid = (llo + lhi) / 2;
        llo = mid - 0.5;
        lhi = mid + 0.5;
    }
    return LogRange{round_125(std::pow(10.0, llo), false), round_125(std::pow(10.0, lhi), true)};
}

// si_format writes "u" for micro; charts can show the real sign.
static std::string micro(std::string s) {
    auto p = s.find(" u");
    if (p != std::string::npos) s.replace(p + 1, 1, "\xC2\xB5");
    return s;
}

std::string chart_unit(double v, std::string_view unit, int significant) {
    return micro(si_unit(v, unit, significant));
}

std::string tick_label(double v, TickFormat format) {
    switch (format) {
    case TickFormat::decimal:
        if (v >= 1e-3 && v < 1e4) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%.6g", v);
            return buf;
        }
        return micro(si_format(v, 3));
    case TickFormat::seconds: return chart_unit(v, "s");
    case TickFormat::si: break;
    }
    return micro(si_format(v, 3));
}

std::vector<Tick> log_ticks(double lo, double hi, TickFormat format, int max_labels) {
    std::vector<Tick> ticks;
    if (!(lo > 0) || !(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi)) return ticks;
    const double eps = 1e-9;
    int e_lo = static_cast<int>(std::ceil(std::log10(lo) - eps));
    int e_hi = static_cast<int>(std::floor(std::log10(hi) + eps));
    int decades = e_hi - e_lo + 1;  // powers of ten inside
    int every = 1;
    if (max_labels < 1) max_labels = 1;
    for (int k : {1, 2, 3, 5, 10, 20, 50, 100}) {
        every = k;
        if ((decades + k - 1) / k <= max_labels) break;
    }
    bool minors = std::log10(hi) - std::log10(lo) <= 6.0 + eps;
    bool label_125 = decades < 2;
    auto inside = [&](double v) { return v >= lo * (1 - eps) && v <= hi * (1 + eps); };
    for (int e = e_lo - 1; e <= e_hi; ++e) {
        double base = std::pow(10.0, e);
        if (e >= e_lo && inside(base)) {
            // Label every k-th decade, aligned on multiples of k so labels look regular.
            bool labeled = ((e % every) + every) % every == 0;
            ticks.push_back({base, labeled ? tick_label(base, format) : "", true});
        }
        if (!minors) continue;
        for (int m = 2; m <= 9; ++m) {
            double v = m * base;
            if (!inside(v)) continue;
            bool labeled = label_125 && (m == 2 || m == 5);
            ticks.push_back({v, labeled ? tick_label(v, format) : "", false});
        }
    }
    std::sort(ticks.begin(), ticks.end(), [](const Tick& a, const Tick& b) { return a.value < b.value; });
    return ticks;
}

} // namespace rafter
