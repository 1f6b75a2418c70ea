#pragma once
// Finding and loading librafter_gpu_ceilings.so, the CUDA microbenchmarks (abi.h). Loaded with
// dlopen so that rafter starts without CUDA libraries; only `rafter ceilings --gpu` needs them.
#include <string>
#include <vector>

#include "profiler/ceilings/gpu/abi.h"

namespace rafter::ceilings {

// Whether this build includes the module (configure found nvcc, RAFTER_WITH_GPU_CEILINGS was on
// and it is not a sanitizer build), and if not, why.
bool gpu_module_built();
std::string gpu_module_build_reason();

// Where the module is looked for, in order: $RAFTER_GPU_CEILINGS_LIBRARY, next to the running
// executable, <exe>/../<libdir>/, then the build tree it was built in.
std::vector<std::string> gpu_module_candidates();
// The first candidate that exists, or "".
std::string find_gpu_module();

struct GpuModule {
    std::string path;
    RafterGpuCeilingsRunFn run = nullptr;
};
// Loads the module once per process. Throws Error(not_available) saying what is missing.
const GpuModule& load_gpu_module();

} // namespace rafter::ceilings
