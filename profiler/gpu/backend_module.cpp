#include "profiler/gpu/backend_module.h"

#include <cstdlib>
#include <dlfcn.h>
#include <filesystem>
#include <mutex>
#include <unistd.h>

#include "core/error.h"
#include "core/module_path.h"

namespace rafter::profiler {

namespace fs = std::filesystem;

namespace {

constexpr const char* kModuleName = "librafter_inject.so";

const RafterGpuBackendApi* api_of(void* handle) {
    auto fn = reinterpret_cast<RafterGpuBackendApiFn>(dlsym(handle, RAFTER_GPU_BACKEND_API_SYMBOL));
    if (!fn) return nullptr;
    const RafterGpuBackendApi* api = fn();
    if (!api || api->abi_version != RAFTER_GPU_BACKEND_ABI_VERSION || api->struct_size < sizeof(RafterGpuBackendApi))
        return nullptr;
    return api;
}

} // namespace

bool gpu_backend_built() {
#ifdef RAFTER_HAVE_CUPTI
    return true;
#else
    return false;
#endif
}

std::string gpu_backend_build_reason() {
    if (gpu_backend_built()) return {};
    return "this rafter was built without the CUPTI profiler (no CUDA toolkit with CUPTI was found "
           "at configure time, or -DRAFTER_WITH_CUPTI=OFF); rebuild with the CUDA toolkit to profile GPUs";
}

std::vector<std::string> backend_library_candidates() {
    std::string libdir, build;
#ifdef RAFTER_INSTALL_LIBDIR
    libdir = RAFTER_INSTALL_LIBDIR;
#endif
#ifdef RAFTER_INJECT_BUILD_PATH
    build = RAFTER_INJECT_BUILD_PATH;
#endif
    return module_candidates("RAFTER_INJECT_LIBRARY", kModuleName, libdir, build);
}

std::string find_backend_library() { return first_existing_file(backend_library_candidates()); }

const BackendModule& load_backend_module() {
    static std::mutex mutex;
    static BackendModule module;
    std::lock_guard<std::mutex> lock(mutex);
    if (module.api) return module;
    if (!gpu_backend_built()) throw Error(ExitCode::not_available, gpu_backend_build_reason());
    std::string path = find_backend_library();
    if (path.empty()) {
        std::string tried = join_paths(backend_library_candidates());
        throw Error(ExitCode::not_available, std::string(kModuleName) + " (Rafter's CUPTI backend) was not found; looked in: " + tried +
                                                 "; set RAFTER_INJECT_LIBRARY to its path");
    }
    void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char* err = dlerror();
        throw Error(ExitCode::not_available, "cannot load " + path + ": " + (err ? err : "unknown dlopen error"));
    }
    const RafterGpuBackendApi* api = api_of(h);
    if (!api) throw Error(ExitCode::not_available, path + " is not a compatible Rafter CUPTI backend (ABI version " +
                                                       std::to_string(RAFTER_GPU_BACKEND_ABI_VERSION) + " expected)");
    module.path = path;
    module.api = api;
    return module;
}

const RafterGpuBackendApi* loaded_backend_api() {
    if (!gpu_backend_built()) return nullptr;
    std::vector<std::string> paths;
    if (const char* inj = std::getenv("CUDA_INJECTION64_PATH"); inj && *inj) paths.emplace_back(inj);
    if (auto p = find_backend_library(); !p.empty()) paths.push_back(p);
    for (const auto& p : paths) {
        void* h = dlopen(p.c_str(), RTLD_NOW | RTLD_NOLOAD);
        if (!h) continue;
        const RafterGpuBackendApi* api = api_of(h);
        dlclose(h);  // drops the reference NOLOAD added; the library stays loaded
        if (api) return api;
    }
    return nullptr;
}

} // namespace rafter::profiler
