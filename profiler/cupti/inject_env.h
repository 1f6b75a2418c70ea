#pragma once
// The environment `rafter profile` hands to the program it runs, read back by the injection
// library inside that program. One definition of the variable names for both sides.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "profiler/gpu/profile_mode.h"
#include "profiler/gpu/run_identity.h"

namespace rafter::cupti {

using profiler::EnvLookup;
using profiler::ProfileMode;

inline constexpr const char* kEnvInjection = "CUDA_INJECTION64_PATH";  // read by the CUDA driver
inline constexpr const char* kEnvNvtxInjection = "NVTX_INJECTION64_PATH";  // NVTX -> CUPTI
inline constexpr const char* kEnvMode = "RAFTER_PROFILE_MODE";         // time | counters
inline constexpr const char* kEnvDir = "RAFTER_PROFILE_DIR";           // where traces go
inline constexpr const char* kEnvBatch = "RAFTER_PROFILE_BATCH";       // kernels per counter batch
inline constexpr const char* kEnvApi = "RAFTER_PROFILE_API";           // 0: no runtime/driver records
inline constexpr const char* kEnvBufferMb = "RAFTER_PROFILE_BUFFER_MB";
inline constexpr const char* kEnvQuiet = "RAFTER_PROFILE_QUIET";       // 1: no log lines
// Counters mode, for experts: a comma-separated metric list replacing the roofline plan's (names
// as `rafter profile --list-metrics` prints them); fewer metrics need fewer replay passes.
inline constexpr const char* kEnvMetrics = "RAFTER_PROFILE_METRICS";

struct InjectConfig {
    ProfileMode mode = ProfileMode::time;
    std::string dir = ".";
    uint32_t ranges_per_batch = 64;
    bool trace_api = true;
    uint32_t buffer_mb = 8;
    bool quiet = false;
    std::vector<std::string> metrics;  // empty: the plan's
};

// Variables to set for the program (the injection paths are added by the runner).
std::vector<std::pair<std::string, std::string>> inject_environment(const InjectConfig& c);

// Reads the configuration; values that do not parse keep their defaults and are reported in
// `problems` (the injection library logs them instead of failing the user's program).
InjectConfig read_inject_config(const EnvLookup& env, std::vector<std::string>* problems = nullptr);

} // namespace rafter::cupti
