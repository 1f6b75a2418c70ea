#pragma once
// Running an external program from a test (xmllint, rsvg-convert) and capturing its output.
#include <string>

namespace rafter::test {

struct CommandResult {
    int status = -1;  // pclose() status; 0 = success
    std::string output;  // stdout and stderr together
};

bool have_program(const std::string& name);
// Runs `command` through the shell with stderr folded into stdout.
CommandResult run_command(const std::string& command);

} // namespace rafter::test
