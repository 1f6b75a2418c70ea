#pragma once
// How a GPU is profiled, whatever the vendor: timing (activity tracing) and counters (kernel
// replay) are separate runs because replay distorts time; `both` runs the program twice.
#include <optional>
#include <string_view>

namespace rafter::profiler {

enum class ProfileMode { time, counters, both };
const char* to_string(ProfileMode m);
std::optional<ProfileMode> profile_mode_from_string(std::string_view s);

} // namespace rafter::profiler
