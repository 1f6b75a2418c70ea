#include "core/progress.h"

#include <unistd.h>

#include <cstdio>

#include "core/text.h"

namespace rafter {

Progress::Progress(std::string label, uint64_t total, std::string unit, bool enabled, double delay_s)
    : label_(std::move(label)), unit_(std::move(unit)), total_(total),
      active_(enabled && stderr_is_terminal()), delay_s_(delay_s),
      start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

Progress::~Progress() { finish(); }

bool Progress::stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

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
    auto now = std::chrono::steady_clock::now();
    double elapsed = std::chrono::duration<double>(now - start_).count();
    if (elapsed < delay_s_) return;
    if (drawn_ && std::chrono::duration<double>(now - last_draw_).count() < 0.1) return;
    last_draw_ = now;
    drawn_ = true;
    std::string frame = format_frame(label_, done_, total_, unit_, elapsed);
    std::fprintf(stderr, "\r%-79s", frame.c_str());
    std::fflush(stderr);
}

void Progress::finish() {
    if (drawn_) {
        std::fprintf(stderr, "\r%79s\r", "");
        std::fflush(stderr);
        drawn_ = false;
    }
    active_ = false;
}

} // namespace rafter
