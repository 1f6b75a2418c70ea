#pragma once
// Logarithmic axes: range selection from data, mapping to pixels and tick generation with
// SI-prefixed labels ("100 G", "1 T", "10 µs"). Shared by every log-scaled chart.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rafter {

// Maps [lo, hi] (both > 0) onto [px_lo, px_hi] logarithmically. px_hi may be smaller than
// px_lo (a y axis grows upwards on screen).
struct LogScale {
    double lo = 1, hi = 10;
    double px_lo = 0, px_hi = 1;

    double to_px(double v) const;       // v must be > 0; values outside extrapolate
    double from_px(double px) const;
    bool contains(double v) const { return v >= lo * (1 - 1e-12) && v <= hi * (1 + 1e-12); }
    double px_per_decade() const;       // signed
};

// Range covering [min_v, max_v] (both > 0) with `pad_decades` added on each side; a zero-width
// range is widened to one decade around the value. Ends are snapped outward to 1, 2 or 5 times a
// power of ten so that the axis ends on a round number.
struct LogRange {
    double lo, hi;
};
std::optional<LogRange> log_range(double min_v, double max_v, double pad_decades = 0.1);

enum class TickFormat {
    si,       // "10 m", "1", "100 G"  (unit goes into the axis title)
    decimal,  // "0.01", "1", "1000"; falls back to si outside 1e-3..1e4
    seconds,  // "10 µs", "1 ms", "1 s"
};

struct Tick {
    double value;
    std::string label;  // empty for unlabeled (minor) ticks
    bool major;         // at a power of ten
};

// Ticks for [lo, hi]: every power of ten inside is a major tick. When more than `max_labels`
// decades are inside, only every k-th one is labeled (k = smallest of 1, 2, 3, 5, 10... that
// fits). Minor ticks at 2..9 times each power of ten are added when the range spans at most 6
// decades. When fewer than two powers of ten fall inside, 2x and 5x ticks are labeled too so the
// axis always has at least two labels.
std::vector<Tick> log_ticks(double lo, double hi, TickFormat format, int max_labels = 10);

// One tick label for v (used by log_ticks; exposed for tests and legends).
std::string tick_label(double v, TickFormat format);

// si_unit (core/text.h) with the micro sign instead of "u": (2e-5, "s") -> "20 µs".
std::string chart_unit(double v, std::string_view unit, int significant = 3);

} // namespace rafter
