#pragma once
// The import step shared by the commands that analyse traces against a machine (roofline,
// report, export): the machine is loaded first because its architecture tells the importers how
// to count tensor FLOPs; without --machine it is detected from the inputs' device metadata. With
// --machine, the detected machine is still compared with it: a disagreement is a warning.
#include <optional>
#include <string>
#include <vector>

#include "core/diagnostics.h"
#include "model/machines/machine.h"
#include "traces/trace.h"

namespace rafter::cli {

struct LoadedInputs {
    std::vector<Trace> traces;
    std::optional<Machine> machine;  // given, or detected; nullopt when neither
    std::string why_no_machine;      // detect_machine's reason when machine is nullopt
    // "machine.mismatch" (warning) when --machine disagrees with the inputs' devices,
    // "machine.none" (info) when there is no machine; merged into the command's report.
    Diagnostics machine_diagnostics;
};

// machine_arg: the --machine value, if given (built-in name, machine file or ERT roofline.json).
// Prints the mismatch warning and the no-machine note to stderr unless quiet.
LoadedInputs load_inputs(const std::vector<std::string>& inputs, const std::optional<std::string>& machine_arg,
                         bool quiet);

// The machine, or a usage error saying why it could not be detected and how to name one (for
// what needs ceilings whatever the inputs: --what-if).
const Machine& require_machine(const LoadedInputs& loaded);

// The machine, or the empty Machine that analyze_roofline reads as "none" (FLOPs, bytes, time
// and rates without bounds).
Machine machine_or_none(const LoadedInputs& loaded);

} // namespace rafter::cli
