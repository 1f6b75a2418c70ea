#include "cli/load_inputs.h"

#include "analysis/roofline.h"
#include "core/error.h"
#include "traces/importer.h"

namespace rafter::cli {

LoadedInputs load_inputs(const std::vector<std::string>& inputs, const std::optional<std::string>& machine_arg,
                         bool quiet) {
    LoadedInputs out;
    ImportOptions import;
    import.quiet = quiet;
    if (machine_arg) {
        out.machine = load_machine(*machine_arg);
        import.arch = out.machine->arch;
    }
    out.traces = load_traces(inputs, import);
    if (!out.machine) out.machine = detect_machine(out.traces, &out.why_no_machine);
    return out;
}

const Machine& require_machine(const LoadedInputs& loaded) {
    if (!loaded.machine)
        throw_usage_error("cannot tell which machine the inputs come from: " + loaded.why_no_machine +
                          "; pass --machine NAME (see 'rafter machines') or --machine FILE");
    return *loaded.machine;
}

} // namespace rafter::cli
