// Placeholder until this subcommand lands: it says so and exits with "not available".
#include "cli/commands.h"
#include "core/error.h"

namespace rafter::cli {

int cmd_roofline(const Args&) {
    throw Error(ExitCode::not_available, "'rafter roofline' is not available in this build yet");
}

} // namespace rafter::cli
