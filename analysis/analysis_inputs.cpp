#include "analysis/analysis_inputs.h"

#include "analysis/roofline.h"

namespace rafter {

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

AnalysisInputs load_analysis_inputs(const std::vector<std::string>& inputs, const std::optional<std::string>& machine_arg,
                                    ImportOptions import) {
    AnalysisInputs out;
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
        if (!out.machine)
            out.machine_diagnostics.add(Severity::info, "machine.none",
                                        "no machine (" + why +
                                            "): FLOPs, bytes, time and rates are reported, bound and efficiency are "
                                            "missing; name one with --machine (see 'rafter machines')");
    } else if (detected && disagrees(*out.machine, *detected, find_builtin_machine(*machine_arg).has_value())) {
        std::string dev = device_names(out.traces);
        out.machine_diagnostics.add(
            Severity::warning, "machine.mismatch",
            "--machine " + out.machine->name + " but the inputs were recorded on " +
                (dev.empty() ? "a " + detected->name : dev + " (built-in machine " + detected->name + ")") +
                "; bounds use " + out.machine->name + "'s ceilings");
    }
    return out;
}

Machine machine_or_none(const AnalysisInputs& loaded) { return loaded.machine ? *loaded.machine : Machine{}; }

} // namespace rafter
