#pragma once
// `rafter profile -- COMMAND ARGS...`: checks that profiling can work here (CUPTI in this build, a
// CUDA device), runs the command with the injection library in its environment, and collects the
// per-process traces it wrote. `--mode both` runs the command twice (time, then counters) and joins
// the two traces of each process.
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "profiler/cupti/device_probe.h"
#include "profiler/gpu/launch_join.h"
#include "profiler/gpu/profile_mode.h"

namespace rafter::cli {

using cupti::DriverProbe;
using profiler::ProfileMode;

struct ProfileRequest {
    ProfileMode mode = ProfileMode::time;
    std::string out_dir = "rafter-profile";
    std::vector<std::string> command;  // program and arguments, run through PATH
    uint32_t ranges_per_batch = 64;
    bool trace_api = true;
    uint32_t buffer_mb = 8;
    bool quiet = false;  // no log lines from the injected library
};

struct RunResult {
    ProfileMode mode = ProfileMode::time;
    int exit_status = 0;   // the program's exit status; 128 + signal when killed
    std::vector<std::string> traces;  // files this run wrote, sorted
};

struct ProfileResult {
    std::vector<RunResult> runs;
    std::vector<std::string> traces;  // the final traces (joined ones for --mode both)
    int exit_status = 0;              // the first failing run's status, else 0
    std::vector<std::string> notes;   // join summaries, pairing problems
};

// Throws Error(not_available) when this build has no CUPTI or the backend library is missing, and
// Error(no_device, "no CUDA device: <reason>") when the driver finds no GPU. Returns the probe.
DriverProbe check_profiling_possible();

// Runs the request (after check_profiling_possible). Progress lines go to `log`.
ProfileResult run_profile(const ProfileRequest& request, std::ostream& log);

// The host-side metric plan for a chip, as text lines (backend_abi.h: plan). No GPU needed.
std::string metric_plan_text(const std::string& chip);

} // namespace rafter::cli
