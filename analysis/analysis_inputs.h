#pragma once
// The import step shared by everything that analyses traces against a machine (the roofline,
// report and export commands, the Python API): the machine is loaded first because its
// architecture tells the importers how to count tensor FLOPs; without a machine argument it is
// detected from the inputs' device metadata. With one, the detected machine is still compared
// with it: a disagreement is a warning diagnostic. Nothing is printed: callers decide.
#include <optional>
#include <string>
#include <vector>

#include "core/diagnostics.h"
#include "model/machines/machine.h"
#include "traces/importer.h"
#include "traces/trace.h"

namespace rafter {

struct AnalysisInputs {
    std::vector<Trace> traces;
    std::optional<Machine> machine;  // given, or detected; nullopt when neither
    std::string why_no_machine;      // detect_machine's reason when machine is nullopt
    // "machine.mismatch" (warning) when the given machine disagrees with the inputs' devices,
    // "machine.none" (info) when there is no machine; merged into the analysis' report.
    Diagnostics machine_diagnostics;
};

// machine_arg: a built-in name, a machine file or an ERT roofline.json. import.arch is set from
// the machine when one is given.
AnalysisInputs load_analysis_inputs(const std::vector<std::string>& inputs, const std::optional<std::string>& machine_arg,
                                    ImportOptions import = {});

// The machine, or the empty Machine that analyze_roofline reads as "none" (FLOPs, bytes, time
// and rates without bounds).
Machine machine_or_none(const AnalysisInputs& loaded);

} // namespace rafter
