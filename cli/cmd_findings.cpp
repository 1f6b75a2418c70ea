// `rafter findings`: what limits the run and what to try first, ranked by the largest possible
// gain (analysis/findings.h, docs/findings.md).
#include <iostream>
#include <sstream>

#include "analysis/findings.h"
#include "cli/commands.h"
#include "cli/load_inputs.h"
#include "cli/options.h"
#include "core/error.h"
#include "report/findings_report.h"

namespace rafter::cli {

namespace {

const char* kUsage =
    "usage: rafter findings INPUT... [--machine NAME|FILE] [--format table|json] [-o FILE] [--quiet]\n\n"
    "What limits the run and what to try first. Runs the roofline (by op when the inputs record\n"
    "framework ops, else by kernel) and the GPU-time breakdown, then checks each rule of\n"
    "docs/findings.md: GPU waiting for kernel launches, synchronizations, exposed communication, a\n"
    "rank the others wait for in collectives, GEMMs far below their roofline bound, memory-bound\n"
    "elementwise chains, many small collectives. Each finding gives the evidence, what to try, and\n"
    "the largest gain it can bring per rank, bounded by what was measured; the list is sorted by\n"
    "that gain.\n\n";

} // namespace

int cmd_findings(const Args& args) {
    po::options_description opts = command_options();
    add_machine_option(opts);
    add_format_option(opts, "table or json");
    add_output_option(opts, "FILE", "write the findings to FILE instead of stdout");
    add_jobs_option(opts);
    add_quiet_option(opts, "no progress bar or notes on stderr");
    po::variables_map vm = parse_options(args, opts, "input");
    if (vm.count("help")) return print_help(kUsage, opts, HelpEnd::blank_line);
    std::vector<std::string> inputs = required_inputs(vm, "findings");
    ReportFormat format = *report_format_from_string(format_arg(vm, {"table", "json"}));
    bool quiet = vm.count("quiet") > 0;

    LoadedInputs loaded = load_inputs(inputs, optional_arg(vm, "machine"), quiet, jobs_arg(vm));
    std::vector<Trace>& traces = loaded.traces;
    Diagnostics diagnostics;
    std::vector<Finding> findings = findings_of(traces, machine_or_none(loaded), loaded.why_no_machine, &diagnostics);
    diagnostics.merge(loaded.machine_diagnostics);

    std::ostringstream text;
    write_findings(findings, inputs, loaded.machine ? loaded.machine->name : "", diagnostics, format, text);
    write_text_output(vm, text.str());
    return 0;
}

} // namespace rafter::cli
