#pragma once
// The CLI's side of load_analysis_inputs (analysis/analysis_inputs.h): prints its machine notes
// to stderr unless --quiet, and turns "no machine" into a usage error where one is required.
#include <optional>
#include <string>
#include <vector>

#include "analysis/analysis_inputs.h"

namespace rafter::cli {

using LoadedInputs = AnalysisInputs;
using rafter::machine_or_none;

// machine_arg: the --machine value, if given. Prints the mismatch warning and the no-machine note
// to stderr unless quiet (the import's progress bar is off then too).
LoadedInputs load_inputs(const std::vector<std::string>& inputs, const std::optional<std::string>& machine_arg,
                         bool quiet, int jobs = 0);

// The machine, or a usage error saying why it could not be detected and how to name one (for
// what needs ceilings whatever the inputs: --what-if).
const Machine& require_machine(const LoadedInputs& loaded);

} // namespace rafter::cli
