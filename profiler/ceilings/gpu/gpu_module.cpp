#include "profiler/ceilings/gpu/gpu_module.h"

#include <cstdlib>
#include <dlfcn.h>
#include <filesystem>
#include <mutex>
#include <unistd.h>

#include "core/error.h"
#include "core/module_path.h"

namespace rafter::ceilings {

namespace fs = std::filesystem;

namespace {

constexpr const char* kModuleName = "librafter_gpu_ceilings.so";

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
    std::string libdir, build;
#ifdef RAFTER_INSTALL_LIBDIR
    libdir = RAFTER_INSTALL_LIBDIR;
#endif
#ifdef RAFTER_GPU_CEILINGS_BUILD_PATH
    build = RAFTER_GPU_CEILINGS_BUILD_PATH;
#endif
    return module_candidates("RAFTER_GPU_CEILINGS_LIBRARY", kModuleName, libdir, build);
}

std::string find_gpu_module() { return first_existing_file(gpu_module_candidates()); }

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
        std::string tried = join_paths(gpu_module_candidates());
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
