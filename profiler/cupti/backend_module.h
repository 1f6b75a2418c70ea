#pragma once
// Finding and loading librafter_inject.so, the CUPTI backend (backend_abi.h). Rafter loads it
// with dlopen so that the rafter command and embedding programs start without CUDA libraries;
// only profiling needs them.
#include <string>
#include <vector>

#include "profiler/cupti/backend_abi.h"

namespace rafter::cupti {

// Whether this build includes the CUPTI profiler (configure found CUDA with CUPTI and
// RAFTER_WITH_CUPTI was on).
bool cupti_built();
// The reason profiling is unavailable in this build ("" when cupti_built()).
std::string cupti_build_reason();

// Where the injection library is looked for, in order: $RAFTER_INJECT_LIBRARY, next to the
// running executable, <exe>/../<libdir>/, then the build tree it was built in.
std::vector<std::string> inject_library_candidates();
// The first candidate that exists, or "".
std::string find_inject_library();

struct BackendModule {
    std::string path;
    const RafterCuptiApi* api = nullptr;
};
// Loads the module once per process. Throws Error(not_available) saying what is missing.
const BackendModule& load_backend_module();
// The module's interface when it is already loaded in this process (by the CUDA driver through
// CUDA_INJECTION64_PATH, or by load_backend_module), else nullptr. Never loads anything.
const RafterCuptiApi* loaded_backend_api();

} // namespace rafter::cupti
