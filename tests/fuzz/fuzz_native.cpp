// libFuzzer target: Rafter's native trace format (checksummed sections).
#include "fuzz_target.h"
#include "traces/native_format.h"

FUZZ_TARGET({ (void)rafter::read_native_trace_bytes(bytes, "fuzz.rafter"); })
