#pragma once
// Helpers shared by tests: paths to fixtures and running the rafter executable.
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

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

// The fields of one CSV line with double-quoted fields that may hold commas (TraceLens' reports
// carry Python-repr lists); quotes are dropped, "" escapes are not needed by those files.
inline std::vector<std::string> split_csv_line(const std::string& line) {
    std::vector<std::string> f;
    std::string cur;
    bool quoted = false;
    for (char ch : line) {
        if (ch == '"') quoted = !quoted;
        else if (ch == ',' && !quoted) f.push_back(std::move(cur)), cur.clear();
        else cur += ch;
    }
    f.push_back(cur);
    return f;
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
