#include "core/progress.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "core/text.h"

namespace rafter {

namespace {
constexpr int kLineWidth = 79;  // one terminal line, leaving the last column free (no wrap)
}

Progress::Progress(std::string label, uint64_t total, std::string unit, bool enabled, double delay_s)
    : Progress(std::move(label), total, std::move(unit), enabled, delay_s, Env{}) {}

Progress::Progress(std::string label, uint64_t total, std::string unit, bool enabled, double delay_s, Env env)
    : label_(std::move(label)), unit_(std::move(unit)), total_(total),
      check_every_(env.check_every ? env.check_every : 1),
      active_(enabled && env.terminal.value_or(stderr_is_terminal())), delay_s_(delay_s),
      out_(env.out ? env.out : &std::cerr), clock_(std::move(env.clock)) {
    start_ = last_draw_ = now();
}

Progress::~Progress() { finish(); }

bool Progress::stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

double Progress::now() const {
    if (clock_) return clock_();
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string Progress::format_frame(const std::string& label, uint64_t done, uint64_t total,
                                   const std::string& unit, double elapsed_s, int width) {
    std::string out = label;
    double rate = elapsed_s > 0 ? static_cast<double>(done) / elapsed_s : 0;
    if (total > 0) {
        double frac = static_cast<double>(done) / static_cast<double>(total);
        if (frac > 1) frac = 1;
        char pct[16];
        std::snprintf(pct, sizeof pct, " %3d%% [", static_cast<int>(frac * 100));
        out += pct;
        int bar = width / 3;
        int filled = static_cast<int>(frac * bar);
        out += std::string(filled, '#') + std::string(bar - filled, '.') + "]";
    } else {
        out += " " + si_unit(static_cast<double>(done), unit);
    }
    out += " " + si_unit(rate, unit + "/s");
    if (total > 0 && rate > 0 && done < total) {
        double eta = static_cast<double>(total - done) / rate;
        out += " ETA " + format_seconds(eta);
    }
    return out;
}

void Progress::maybe_draw() {
    double t = now();
    double elapsed = t - start_;
    if (elapsed < delay_s_) return;
    if (drawn_ && t - last_draw_ < 0.1) return;
    last_draw_ = t;
    drawn_ = true;
    std::string frame = format_frame(label_, done_, total_, unit_, elapsed);
    if (frame.size() > kLineWidth) frame.resize(kLineWidth);
    frame.resize(kLineWidth, ' ');  // overwrite a longer previous frame
    *out_ << '\r' << frame << std::flush;
}

void Progress::finish() {
    if (drawn_) {
        *out_ << '\r' << std::string(kLineWidth, ' ') << '\r' << std::flush;
        drawn_ = false;
    }
    active_ = false;
}

} // namespace rafter
