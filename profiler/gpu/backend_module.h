#pragma once
// Finding and loading the GPU backend module (backend_abi.h): librafter_inject.so, the CUPTI
// backend, is the only one so far. Rafter loads it with dlopen so that the rafter command and
// embedding programs start without GPU libraries; only profiling needs them. A second vendor's
// backend would be a second candidate list here, chosen by the device the driver probe finds.
#include <string>
#include <vector>

#include "profiler/gpu/backend_abi.h"

namespace rafter::profiler {

// Whether this build includes a GPU backend: the CUPTI one, built when configure found CUDA with
// CUPTI and RAFTER_WITH_CUPTI was on.
bool gpu_backend_built();
// The reason profiling is unavailable in this build ("" when gpu_backend_built()).
std::string gpu_backend_build_reason();

// Where the backend module is looked for, in order: $RAFTER_INJECT_LIBRARY, next to the
// running executable, <exe>/../<libdir>/, then the build tree it was built in.
std::vector<std::string> backend_library_candidates();
// The first candidate that exists, or "".
std::string find_backend_library();

struct BackendModule {
    std::string path;
    const RafterGpuBackendApi* api = nullptr;
};
// Loads the module once per process. Throws Error(not_available) saying what is missing.
const BackendModule& load_backend_module();
// The module's interface when it is already loaded in this process (by the CUDA driver through
// CUDA_INJECTION64_PATH, or by load_backend_module), else nullptr. Never loads anything.
const RafterGpuBackendApi* loaded_backend_api();

} // namespace rafter::profiler
