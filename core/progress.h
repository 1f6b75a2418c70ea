#pragma once
// A progress bar with rate and ETA on stderr for long work. It draws only when stderr is a
// terminal, only after the work has run for `delay_s` (short jobs stay silent), at most ten times
// a second, and never when disabled (--quiet). Cheap to update from hot loops.
#include <chrono>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>

namespace rafter {

class Progress {
public:
    // Where and when the bar draws. The defaults are the real process (stderr, isatty, steady
    // clock); tests inject a stream, the terminal decision and a clock.
    struct Env {
        std::ostream* out = nullptr;         // nullptr: std::cerr
        std::optional<bool> terminal;        // unset: whether stderr is a terminal
        std::function<double()> clock;       // seconds from any origin; empty: steady_clock
        // update() calls between clock reads: per-event callers keep 1024 so the hot loop costs
        // a counter increment; per-chunk callers (one call per 256 KiB) use 1.
        uint64_t check_every = 1024;
    };

    // total: units of work expected (bytes, events); 0 when unknown (no ETA then).
    Progress(std::string label, uint64_t total, std::string unit, bool enabled, double delay_s = 2.0);
    Progress(std::string label, uint64_t total, std::string unit, bool enabled, double delay_s, Env env);
    ~Progress();
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;

    void update(uint64_t done) {
        done_ = done;
        if (active_ && ++calls_ % check_every_ == 0) maybe_draw();
    }
    void finish();  // clears the line if anything was drawn; later updates draw nothing

    bool active() const { return active_; }  // enabled and on a terminal, not yet finished
    bool drawn() const { return drawn_; }    // a frame is on the screen now

    // Whether the bar would draw on this process's stderr (a terminal) at all.
    static bool stderr_is_terminal();
    // The text of one frame, for tests: "import  45% [#########.........] 120 MB/s ETA 3 s".
    static std::string format_frame(const std::string& label, uint64_t done, uint64_t total,
                                    const std::string& unit, double elapsed_s, int width = 60);

private:
    double now() const;
    void maybe_draw();
    std::string label_, unit_;
    uint64_t total_ = 0, done_ = 0, calls_ = 0, check_every_ = 1024;
    bool active_ = false, drawn_ = false;
    double delay_s_;
    std::ostream* out_;
    std::function<double()> clock_;
    double start_ = 0, last_draw_ = 0;
};

} // namespace rafter
