#include "ceilings/gpu/gpu_module.h"

#include <cstdlib>
#include <dlfcn.h>
#include <filesystem>
#include <mutex>
#include <unistd.h>

#include "core/error.h"

namespace rafter::ceilings {

namespace fs = std::filesystem;

namespace {

constexpr const char* kModuleName = "librafter_gpu_ceilings.so";

std::string exe_dir() {
    char buf[4096];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return {};
    buf[n] = '\0';
    return fs::path(buf).parent_path().string();
}

} // namespace

bool gpu_module_built() {
#ifdef RAFTER_HAVE_GPU_CEILINGS
    return true;
#else
    return false;
#endif
}

std::string gpu_module_build_reason() {
    if (gpu_module_built()) return {};
    return "the CUDA microbenchmarks are not part of this build (configure found no nvcc, it is a sanitizer build, "
           "or -DRAFTER_WITH_GPU_CEILINGS=OFF); rebuild with the CUDA toolkit";
}

std::vector<std::string> gpu_module_candidates() {
    std::vector<std::string> c;
    if (const char* env = std::getenv("RAFTER_GPU_CEILINGS_LIBRARY"); env && *env) c.emplace_back(env);
    if (auto dir = exe_dir(); !dir.empty()) {
        c.push_back((fs::path(dir) / kModuleName).string());
#ifdef RAFTER_INSTALL_LIBDIR
        c.push_back((fs::path(dir) / ".." / RAFTER_INSTALL_LIBDIR / kModuleName).lexically_normal().string());
#endif
    }
#ifdef RAFTER_GPU_CEILINGS_BUILD_PATH
    c.emplace_back(RAFTER_GPU_CEILINGS_BUILD_PATH);
#endif
    return c;
}

std::string find_gpu_module() {
    for (const auto& p : gpu_module_candidates()) {
        std::error_code ec;
        if (fs::is_regular_file(p, ec)) return fs::absolute(p, ec).lexically_normal().string();
    }
    return {};
}

const GpuModule& load_gpu_module() {
    static std::mutex mutex;
    static GpuModule module;
    std::lock_guard<std::mutex> lock(mutex);
    if (module.run) return module;
    // An explicitly named module is tried even in a build without one (a module built elsewhere).
    const char* env = std::getenv("RAFTER_GPU_CEILINGS_LIBRARY");
    if (!gpu_module_built() && !(env && *env)) throw Error(ExitCode::not_available, gpu_module_build_reason());
    std::string path = find_gpu_module();
    if (path.empty()) {
        std::string tried;
        for (const auto& p : gpu_module_candidates()) tried += (tried.empty() ? "" : ", ") + p;
        throw Error(ExitCode::not_available, std::string(kModuleName) + " (Rafter's CUDA microbenchmarks) was not found; looked in: " +
                                                 tried + "; set RAFTER_GPU_CEILINGS_LIBRARY to its path");
    }
    void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char* err = dlerror();
        throw Error(ExitCode::not_available, "cannot load " + path + ": " + (err ? err : "unknown dlopen error"));
    }
    auto run = reinterpret_cast<RafterGpuCeilingsRunFn>(dlsym(h, RAFTER_GPU_CEILINGS_ENTRY));
    if (!run) throw Error(ExitCode::not_available, path + " does not export " RAFTER_GPU_CEILINGS_ENTRY "; it is not Rafter's CUDA ceilings module");
    module.path = path;
    module.run = run;
    return module;
}

} // namespace rafter::ceilings
