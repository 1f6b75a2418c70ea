#include "cli/load_inputs.h"

#include <iostream>

#include "core/error.h"

namespace rafter::cli {

LoadedInputs load_inputs(const std::vector<std::string>& inputs, const std::optional<std::string>& machine_arg,
                         bool quiet, int jobs) {
    ImportOptions import;
    import.quiet = quiet;
    import.jobs = jobs;
    LoadedInputs out = load_analysis_inputs(inputs, machine_arg, import);
    if (!quiet)
        for (const Diagnostic& d : out.machine_diagnostics.entries())
            std::cerr << "rafter: " << (d.severity == Severity::warning ? "warning: " : "") << d.message << "\n";
    return out;
}

const Machine& require_machine(const LoadedInputs& loaded) {
    if (!loaded.machine)
        throw_usage_error("cannot tell which machine the inputs come from: " + loaded.why_no_machine +
                          "; pass --machine NAME (see 'rafter machines') or --machine FILE");
    return *loaded.machine;
}

} // namespace rafter::cli
