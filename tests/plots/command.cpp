#include "command.h"

#include <cstdio>
#include <cstdlib>

namespace rafter::test {

bool have_program(const std::string& name) {
    return std::system(("command -v " + name + " >/dev/null 2>&1").c_str()) == 0;
}

CommandResult run_command(const std::string& command) {
    CommandResult r;
    FILE* p = popen((command + " 2>&1").c_str(), "r");
    if (!p) {
        r.output = "could not run: " + command;
        return r;
    }
    char buf[512];
    while (size_t n = fread(buf, 1, sizeof buf, p)) r.output.append(buf, n);
    r.status = pclose(p);
    return r;
}

} // namespace rafter::test
