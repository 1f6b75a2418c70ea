#pragma once
// `rafter ceilings --gpu`: runs the CUDA microbenchmarks of librafter_gpu_ceilings.so on one
// device and turns the results into a Rafter machine file (docs/ceilings.md, "GPU").
#include <optional>
#include <ostream>
#include <string>

#include "profiler/ceilings/gpu/abi.h"
#include "model/machines/machine.h"

namespace rafter::ceilings {

struct GpuCeilingOptions {
    int device = 0;
    bool quick = false;  // fewer, shorter trials
};

struct GpuCeilings {
    RafterGpuCeilings raw{};   // what the module measured, figure by figure
    std::string module_path;
    int device = 0;
};

// Probes the driver first (Error no_device, "no CUDA device: <reason>", before any CUDA call),
// then loads the module (Error not_available) and runs the suite (Error failure with the
// module's reason).
GpuCeilings measure_gpu_ceilings(const GpuCeilingOptions& options);

// The machine file: every measured figure with how it was measured under `sources`; a figure
// that could not be measured is null with the reason. `measured_by` names what ran the benchmarks
// in the caller's words (the CLI names its command); the source line and the fp8 note quote it.
Machine gpu_ceilings_machine(const GpuCeilings& c, const std::string& name,
                             const std::string& measured_by = "Rafter's GPU ceilings module");

// Measured figures next to the data sheet of the built-in machine matching the device name
// (when there is one), with the ratio.
void print_gpu_summary(std::ostream& out, const GpuCeilings& c);

} // namespace rafter::ceilings
