// `rafter export --chrome-trace`: any imported trace as Chrome-trace JSON (Perfetto UI,
// chrome://tracing), one process per rank, with roofline figures in the kernel args. The JSON
// is built in memory and written with AtomicFile.
#include <iostream>
#include <sstream>

#include "analysis/analytic_costs.h"
#include "report/chrome_export.h"
#include "analysis/roofline.h"
#include "cli/commands.h"
#include "cli/help_text.h"
#include "cli/load_inputs.h"
#include "cli/options.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "model/machines/machine.h"
#include "traces/importer.h"

namespace rafter::cli {

namespace {

std::string usage() {
    return "usage: rafter export --chrome-trace INPUT... -o OUT.json [--machine NAME|FILE] [--quiet]\n\n" +
           wrap_paragraph(
               "Writes the imported traces as one Chrome-trace JSON file that Perfetto UI (ui.perfetto.dev) and chrome://tracing open: one "
               "process per rank (clocks aligned as in 'rafter breakdown'), one thread per GPU stream and CPU "
               "thread, complete events with ts/dur in microseconds. Kernel events carry flops, bytes_dram/l2/l1, "
               "arithmetic_intensity (DRAM), bound and efficiency in their args (null when unknown; bound needs a "
               "machine: --machine or the inputs' device metadata). Inputs without timestamps (Nsight Compute) get "
               "a synthetic back-to-back timeline, marked \"synthetic_ts\": true. INPUT may be any of " +
               input_formats_text() + ". See docs/export.md.") +
           "\n";
}

} // namespace

int cmd_export(const Args& args) {
    po::options_description opts = command_options();
    opts.add_options()("chrome-trace", "write Chrome-trace JSON (the only format so far; required)");
    add_output_option(opts, "FILE", "the JSON file to write (required)");
    add_machine_option(opts, "machine ceilings for bound/efficiency: a built-in name, a machine file or an ERT "
                             "roofline.json; default: detected from the inputs, else bound is null");
    add_exclude_unlaunched_option(opts);
    add_jobs_option(opts);
    add_quiet_option(opts, "print nothing but errors");
    po::variables_map vm = parse_options(args, opts, "input");

    if (vm.count("help")) return print_help(usage(), opts, HelpEnd::blank_line);
    if (!vm.count("chrome-trace")) throw_usage_error("choose an export format: --chrome-trace");
    std::vector<std::string> inputs = required_inputs(vm, "export");
    if (!vm.count("output")) throw_usage_error("no output file given: pass -o OUT.json");
    std::string out = vm["output"].as<std::string>();
    bool quiet = vm.count("quiet") > 0;

    LoadedInputs loaded = load_inputs(inputs, optional_arg(vm, "machine"), quiet, jobs_arg(vm));
    std::vector<Trace>& traces = loaded.traces;
    const std::optional<Machine>& machine = loaded.machine;

    apply_exclude_unlaunched(vm, traces);
    apply_analytic_costs_to_traces(traces);  // FLOPs/bytes for kernels of Kineto ops
    ChromeExportOptions eo;
    eo.machine = machine ? &*machine : nullptr;
    eo.generator = "rafter export --chrome-trace";
    std::ostringstream json;
    ChromeExportStats st = write_chrome_trace(traces, json, eo);

    AtomicFile file(out);
    file.stream() << json.str();
    file.commit();
    if (!quiet) {
        std::cerr << "rafter export: wrote " << out << ": " << st.kernels << " kernels, " << st.copies
                  << " copies, " << st.cpu_ops << " CPU events, " << st.flows << " launch arrows, "
                  << st.regions + st.steps << " ranges in "
                  << st.processes << " process" << (st.processes == 1 ? "" : "es") << '\n';
        if (st.synthetic_kernels)
            std::cerr << "rafter export: " << st.synthetic_kernels
                      << " kernels had no timestamps and were laid out back to back (synthetic_ts)\n";
    }
    return 0;
}

} // namespace rafter::cli
