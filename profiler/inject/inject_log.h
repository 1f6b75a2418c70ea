#pragma once
// One-line messages from the injection library to the profiled program's stderr, prefixed
// "rafter[<pid>]: " so that they stand out in a training log. Each distinct message is printed
// once; RAFTER_PROFILE_QUIET=1 silences them.
#include <string>

namespace rafter::cupti {

void inject_log(const std::string& message);
void set_inject_log_quiet(bool quiet);

} // namespace rafter::cupti
