#include "profiler/cupti/inject_env.h"

#include "core/text.h"

namespace rafter::cupti {

using profiler::profile_mode_from_string;

std::vector<std::pair<std::string, std::string>> inject_environment(const InjectConfig& c) {
    return {{kEnvMode, to_string(c.mode)},
            {kEnvDir, c.dir},
            {kEnvBatch, std::to_string(c.ranges_per_batch)},
            {kEnvApi, c.trace_api ? "1" : "0"},
            {kEnvBufferMb, std::to_string(c.buffer_mb)},
            {kEnvQuiet, c.quiet ? "1" : "0"}};
}

namespace {

bool read_uint(const EnvLookup& env, const char* name, uint32_t lo, uint32_t hi, uint32_t& out,
               std::vector<std::string>* problems) {
    const char* v = env(name);
    if (!v || !*v) return false;
    auto d = parse_number(v);
    if (!d || *d < lo || *d > hi || *d != static_cast<double>(static_cast<uint32_t>(*d))) {
        if (problems)
            problems->push_back(std::string(name) + "='" + v + "' is not an integer in [" + std::to_string(lo) +
                                ", " + std::to_string(hi) + "]; using " + std::to_string(out));
        return false;
    }
    out = static_cast<uint32_t>(*d);
    return true;
}

bool read_flag(const EnvLookup& env, const char* name, bool& out) {
    const char* v = env(name);
    if (!v || !*v) return false;
    out = std::string(v) != "0";
    return true;
}

} // namespace

InjectConfig read_inject_config(const EnvLookup& env, std::vector<std::string>* problems) {
    InjectConfig c;
    if (const char* m = env(kEnvMode); m && *m) {
        auto mode = profile_mode_from_string(m);
        if (mode && *mode != ProfileMode::both) c.mode = *mode;
        else if (problems)
            problems->push_back(std::string(kEnvMode) + "='" + m + "' is not 'time' or 'counters'; using time");
    }
    if (const char* d = env(kEnvDir); d && *d) c.dir = d;
    read_uint(env, kEnvBatch, 1, 100000, c.ranges_per_batch, problems);
    read_uint(env, kEnvBufferMb, 1, 4096, c.buffer_mb, problems);
    read_flag(env, kEnvApi, c.trace_api);
    read_flag(env, kEnvQuiet, c.quiet);
    if (const char* m = env(kEnvMetrics); m && *m)
        for (auto name : split(m, ','))
            if (auto t = std::string(trim(name)); !t.empty()) c.metrics.push_back(t);
    return c;
}

} // namespace rafter::cupti
