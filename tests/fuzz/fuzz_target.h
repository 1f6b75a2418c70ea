#pragma once
// The contract of every fuzz target: a reader given arbitrary bytes either returns or throws
// rafter::Error; any other exception, a crash or a sanitizer report is a bug. FUZZ_TARGET(body)
// defines LLVMFuzzerTestOneInput with `bytes` (std::string_view) in scope.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/error.h"

#define FUZZ_TARGET(body)                                                                   \
    extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {               \
        std::string_view bytes(reinterpret_cast<const char*>(data), size);                   \
        try {                                                                                 \
            body;                                                                             \
        } catch (const rafter::Error&) {                                                      \
        }                                                                                     \
        return 0;                                                                             \
    }
