#include "cli/load_inputs.h"

#include <iostream>

#include "analysis/roofline.h"
#include "core/error.h"
#include "traces/importer.h"

namespace rafter::cli {

namespace {

// The device names the traces report, for messages ("NVIDIA H100 80GB HBM3").
std::string device_names(const std::vector<Trace>& traces) {
    std::string s;
    for (const Trace& t : traces)
        for (const DeviceInfo& d : t.meta.devices) {
            if (d.name.empty() || s.find("'" + d.name + "'") != std::string::npos) continue;
            s += (s.empty() ? "'" : ", '") + d.name + "'";
        }
    return s;
}

// A given machine disagrees with the detected one when it is another built-in machine, or (a
// machine file or ERT measurement under its own name) when its architecture differs.
bool disagrees(const Machine& given, const Machine& detected, bool given_is_builtin) {
    if (given.name == detected.name) return false;
    if (given_is_builtin) return true;
    return !given.arch.empty() && !detected.arch.empty() && given.arch != detected.arch;
}

} // namespace

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
    std::string why;
    std::optional<Machine> detected = detect_machine(out.traces, &why);
    if (!out.machine) {
        out.machine = std::move(detected);
        out.why_no_machine = why;
        if (!out.machine) {
            std::string msg = "no machine (" + why +
                              "): FLOPs, bytes, time and rates are reported, bound and efficiency are missing; "
                              "name one with --machine (see 'rafter machines')";
            out.machine_diagnostics.add(Severity::info, "machine.none", msg);
            if (!quiet) std::cerr << "rafter: " << msg << "\n";
        }
    } else if (detected && disagrees(*out.machine, *detected, find_builtin_machine(*machine_arg).has_value())) {
        std::string dev = device_names(out.traces);
        std::string msg = "--machine " + out.machine->name + " but the inputs were recorded on " +
                          (dev.empty() ? "a " + detected->name : dev + " (built-in machine " + detected->name + ")") +
                          "; bounds use " + out.machine->name + "'s ceilings";
        out.machine_diagnostics.add(Severity::warning, "machine.mismatch", msg);
        if (!quiet) std::cerr << "rafter: warning: " << msg << "\n";
    }
    return out;
}

const Machine& require_machine(const LoadedInputs& loaded) {
    if (!loaded.machine)
        throw_usage_error("cannot tell which machine the inputs come from: " + loaded.why_no_machine +
                          "; pass --machine NAME (see 'rafter machines') or --machine FILE");
    return *loaded.machine;
}

Machine machine_or_none(const LoadedInputs& loaded) { return loaded.machine ? *loaded.machine : Machine{}; }

} // namespace rafter::cli
