#pragma once
// Chrome-trace JSON (the Trace Event Format that Perfetto UI and chrome://tracing open) of any
// imported traces: one process per rank, one thread per GPU stream or CPU thread, complete
// events ("ph":"X", ts/dur in microseconds) using Kineto's categories and argument names so that
// the file also re-imports as a Kineto trace. Kernel events carry their roofline figures (FLOPs,
// bytes, arithmetic intensity, bound) computed with the same formulas as analyze_roofline; a
// figure that is not known is null. See docs/export.md.
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "model/machines/machine.h"
#include "traces/trace.h"

namespace rafter {

struct ChromeExportOptions {
    const Machine* machine = nullptr;  // for bound and efficiency; null: those are null
    std::string generator = "rafter";  // otherData.generator: what wrote the file (the CLI names its command)
};

struct ChromeExportStats {
    uint64_t kernels = 0, copies = 0, cpu_ops = 0, regions = 0, steps = 0;
    uint64_t synthetic_kernels = 0;  // kernels without timestamps, laid out back to back
    uint64_t flows = 0;              // launch -> kernel/copy arrows (one "s" and one "f" event each)
    uint64_t processes = 0;
};

// Writes the JSON document to `out`. Traces without timestamps (Nsight Compute exports) get a
// synthetic timeline: their kernels back to back in row order, marked "synthetic_ts": true.
ChromeExportStats write_chrome_trace(const std::vector<Trace>& traces, std::ostream& out,
                                     const ChromeExportOptions& options = {});

} // namespace rafter
