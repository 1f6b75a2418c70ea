// ImportProgress on its own: importers report through it, and a lone importer (a fuzz target,
// tests/fuzz/run_fuzz.sh) links it without the registry of every format.
#include "core/progress.h"
#include "traces/importer.h"

namespace rafter {

void ImportProgress::report(uint64_t group_bytes) const {
    if (bar) bar->update(base + group_bytes);
}

} // namespace rafter
