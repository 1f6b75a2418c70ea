#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <sys/wait.h>

#include "test_support.h"

namespace rafter::test {

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

RunResult run_rafter(const std::string& args, const std::string& scratch) {
    std::string out = scratch + "/stdout.txt", err = scratch + "/stderr.txt";
    std::string cmd = "'" + rafter_exe() + "' " + args + " >'" + out + "' 2>'" + err + "' </dev/null";
    int status = std::system(cmd.c_str());
    RunResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
}

} // namespace rafter::test
