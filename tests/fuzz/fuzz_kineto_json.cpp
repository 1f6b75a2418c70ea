// libFuzzer target: the Kineto importer on arbitrary bytes (plain or gzip). It must either
// build a Trace or throw rafter::Error; anything else (a crash, a sanitizer report, another
// exception) is a bug. Build and run: tests/fuzz/run_fuzz.sh.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/error.h"
#include "traces/importers/kineto/kineto_importer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    rafter::ImportOptions options;
    options.include_python_events = size % 2 == 1;  // exercise both paths
    try {
        rafter::Trace t = rafter::read_kineto_bytes(bytes, "fuzz.json", options);
        (void)t;
    } catch (const rafter::Error&) {
    }
    return 0;
}
