#pragma once
// The region recorder behind profiler/annotate.h: a session collects the regions every thread
// recorded between start() and stop() into a Trace (RegionRow kind region, with depth and tid),
// so `rafter roofline TRACE --group-by region` reports them.
//
// Each thread appends to its own buffer, registered once under a mutex; begin/end take no lock.
// stop() reads those buffers, so annotated threads must not be inside begin/end while it runs
// (call it after joining or quiescing workers, as with LIKWID's marker API).
#include <string>

#include "traces/trace.h"

namespace rafter::regions {

struct SessionOptions {
    bool counters = true;  // count FLOPs/bytes with PAPI when the machine allows it
};

// Starts a session. Throws rafter::Error(failure) when one is already running.
void start(const SessionOptions& options = {});
bool running();
// Ends the session and returns its regions, sorted by start time. Regions still open are
// dropped and counted in a diagnostic. Times are steady-clock ns; meta.base_time_ns maps them to
// the epoch. Without counters, FLOPs and bytes are missing and a diagnostic gives PAPI's reason.
Trace stop();
// Why counters are off in the current (or last) session; empty when they are on.
std::string counters_reason();

} // namespace rafter::regions
