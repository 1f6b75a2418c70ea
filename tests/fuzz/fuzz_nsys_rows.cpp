// libFuzzer target: the nsys importer's row handling (column resolution and row conversion)
// on fuzzed column layouts and values. Must build rows or throw rafter::Error.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "nsys_rows_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    try {
        rafter::fuzz::run_nsys_rows(std::string_view(reinterpret_cast<const char*>(data), size));
    } catch (const rafter::Error&) {
    }
    return 0;
}
