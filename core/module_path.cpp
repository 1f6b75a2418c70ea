#include "core/module_path.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

namespace rafter {

namespace fs = std::filesystem;

std::string executable_dir() {
    char buf[4096];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return {};
    buf[n] = '\0';
    return fs::path(buf).parent_path().string();
}

std::vector<std::string> module_candidates(const char* env_var, const std::string& file_name,
                                           const std::string& install_libdir, const std::string& build_path) {
    std::vector<std::string> c;
    if (const char* env = std::getenv(env_var); env && *env) c.emplace_back(env);
    if (auto dir = executable_dir(); !dir.empty()) {
        c.push_back((fs::path(dir) / file_name).string());
        if (!install_libdir.empty())
            c.push_back((fs::path(dir) / ".." / install_libdir / file_name).lexically_normal().string());
    }
    if (!build_path.empty()) c.push_back(build_path);
    return c;
}

std::string first_existing_file(const std::vector<std::string>& candidates) {
    for (const auto& p : candidates) {
        std::error_code ec;
        if (fs::is_regular_file(p, ec)) return fs::absolute(p, ec).lexically_normal().string();
    }
    return {};
}

std::string join_paths(const std::vector<std::string>& paths) {
    std::string out;
    for (const auto& p : paths) out += (out.empty() ? "" : ", ") + p;
    return out;
}

} // namespace rafter
