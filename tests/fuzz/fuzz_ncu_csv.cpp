// libFuzzer target: the Nsight Compute CSV importer (read from a file, as users run it). Build and
// run: tests/fuzz/run_fuzz.sh.
#include <unistd.h>

#include <fstream>
#include <string>

#include "fuzz_target.h"
#include "traces/importer.h"

namespace {
std::string scratch_file() { return "/tmp/rafter-fuzz-ncu-" + std::to_string(getpid()) + ".csv"; }
} // namespace

FUZZ_TARGET({
    static const std::string path = scratch_file();
    {
        std::ofstream f(path, std::ios::binary | std::ios::trunc);
        f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    }
    rafter::ImportOptions options;
    options.quiet = true;
    options.arch = bytes.size() % 2 ? "ampere" : "";  // with and without an architecture
    (void)rafter::find_importer("ncu-csv")->read({path}, options);
})
