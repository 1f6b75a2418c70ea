#pragma once
// Helpers shared by tests: paths to fixtures and running the rafter executable.
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace rafter::test {

inline std::string source_dir() { return RAFTER_SOURCE_DIR; }
inline std::string rafter_exe() { return RAFTER_EXE; }

// Path of a real-world fixture under tests/data/real (provenance in its README). These files
// are part of the repository, so a missing one is a broken checkout, not a reason to skip:
// the exception fails the calling test case and names the file.
inline std::string real_data(const std::string& rel) {
    std::string path = std::string(RAFTER_REAL_DATA_DIR) + "/" + rel;
    if (!std::filesystem::exists(path))
        throw std::runtime_error("missing test fixture " + path +
                                 " (see tests/data/real/README.md)");
    return path;
}

// A fresh, empty directory under the test's working directory.
inline std::string scratch_dir(const std::string& name) {
    auto p = std::filesystem::current_path() / ("scratch-" + name);
    std::filesystem::remove_all(p);
    std::filesystem::create_directories(p);
    return p.string();
}

struct RunResult {
    int exit_code = -1;
    std::string out, err;
};

// A whole file as a string ("" when it cannot be read).
std::string slurp(const std::string& path);

// Runs `rafter ARGS` through the shell, capturing stdout and stderr.
RunResult run_rafter(const std::string& args, const std::string& scratch);

} // namespace rafter::test
