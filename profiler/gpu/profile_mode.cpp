#include "profiler/gpu/profile_mode.h"

namespace rafter::profiler {

const char* to_string(ProfileMode m) {
    switch (m) {
    case ProfileMode::time: return "time";
    case ProfileMode::counters: return "counters";
    case ProfileMode::both: return "both";
    }
    return "time";
}

std::optional<ProfileMode> profile_mode_from_string(std::string_view s) {
    if (s == "time") return ProfileMode::time;
    if (s == "counters") return ProfileMode::counters;
    if (s == "both") return ProfileMode::both;
    return std::nullopt;
}

} // namespace rafter::profiler
