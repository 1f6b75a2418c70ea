#pragma once
// A progress bar with rate and ETA on stderr for long work. It draws only when stderr is a
// terminal, only after the work has run for `delay_s` (short jobs stay silent), at most ten times
// a second, and never when disabled (--quiet). Cheap to update from hot loops.
#include <chrono>
#include <cstdint>
#include <string>

namespace rafter {

class Progress {
public:
    // total: units of work expected (bytes, events); 0 when unknown (no ETA then).
    Progress(std::string label, uint64_t total, std::string unit, bool enabled, double delay_s = 2.0);
    ~Progress();
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;

    void update(uint64_t done) {
        done_ = done;
        if (active_ && ++calls_ % 1024 == 0) maybe_draw();
    }
    void finish();  // clears the line if anything was drawn

    // Whether the bar would draw on this process's stderr (a terminal) at all.
    static bool stderr_is_terminal();
    // The text of one frame, for tests: "import  45% [#########.........] 120 MB/s ETA 3 s".
    static std::string format_frame(const std::string& label, uint64_t done, uint64_t total,
                                    const std::string& unit, double elapsed_s, int width = 60);

private:
    void maybe_draw();
    std::string label_, unit_;
    uint64_t total_ = 0, done_ = 0, calls_ = 0;
    bool active_ = false, drawn_ = false;
    double delay_s_;
    std::chrono::steady_clock::time_point start_, last_draw_;
};

} // namespace rafter
