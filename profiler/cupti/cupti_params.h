#pragma once
// CUPTI's parameter structs start with structSize and must otherwise be zero. Value-initialize
// them here instead of `T p{SIZE}` (which -Wextra flags as missing initializers).
#include <cstddef>

namespace rafter::cupti {

template <class T> T make_params(size_t struct_size) {
    T p{};
    p.structSize = struct_size;
    return p;
}

} // namespace rafter::cupti

// RAFTER_CUPTI_PARAMS(CUpti_Profiler_Host_Initialize_Params) -> zeroed struct with its size set.
#define RAFTER_CUPTI_PARAMS(T) ::rafter::cupti::make_params<T>(T##_STRUCT_SIZE)
