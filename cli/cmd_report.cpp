// `rafter report`: one self-contained HTML report (summary, roofline charts linked to a sortable
// group table, GPU time per rank, scaling curves, diagnostics). Everything is rendered in memory
// and written at the end with AtomicFile, so a failing run leaves no half-written file.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/load_inputs.h"
#include "cli/options.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "model/machines/machine.h"
#include "model/scaling/scaling_run.h"
#include "model/scaling/scenario.h"
#include "report/html/build_report.h"
#include "traces/input_file.h"

namespace rafter::cli {

namespace {

const char* kUsage =
    "usage: rafter report INPUT... -o REPORT.html [--machine NAME|FILE]\n"
    "                     [--group-by kernel|base|op|op-shape|region] [--scenario FILE] [--title TEXT] [--quiet]\n\n"
    "Writes one self-contained HTML file (no network needed to view it): a summary with the\n"
    "largest groups and how far each is from its bound, the time-based and hierarchical roofline\n"
    "charts (hover for figures, click a point to highlight its table row), a sortable and\n"
    "filterable group table, the GPU time per rank when the inputs have timestamps (Kineto, nsys),\n"
    "scaling curves with --scenario, and the diagnostics. Inputs are those of 'rafter roofline'.\n"
    "See docs/report.md.\n\n";

} // namespace

// The Layers section's automatic depth keeps at most this many modules.
int cmd_report(const Args& args) {
    po::options_description opts = command_options();
    add_output_option(opts, "FILE", "the HTML file to write (required)");
    add_machine_option(opts);
    add_group_by_option(opts);
    add_exclude_unlaunched_option(opts);
    add_gpus_per_node_option(opts);
    opts.add_options()
        ("scenario,s", po::value<std::string>()->value_name("FILE"),
         "add scaling curves for this rafter.scenario/1 file (as in rafter scale)")
        ("title", po::value<std::string>()->value_name("TEXT"), "report title (default: from the machine)");
    add_jobs_option(opts);
    add_quiet_option(opts, "print nothing but errors");
    po::variables_map vm = parse_options(args, opts, "input");

    if (vm.count("help")) return print_help(kUsage, opts, HelpEnd::blank_line);
    std::vector<std::string> inputs = required_inputs(vm, "report");
    if (!vm.count("output")) throw_usage_error("no output file given: pass -o REPORT.html");
    std::string out = vm["output"].as<std::string>();
    bool quiet = vm.count("quiet") > 0;

    // The scenario first: a bad scenario file should fail before the (possibly long) import.
    std::unique_ptr<ScalingResult> scaling;
    if (vm.count("scenario")) {
        std::string f = vm["scenario"].as<std::string>();
        Scenario scenario = parse_scenario_json(read_file(f), f);
        scaling = std::make_unique<ScalingResult>(run_scaling(scenario, ScalingRunOptions{}));
    }

    LoadedInputs loaded = load_inputs(inputs, optional_arg(vm, "machine"), quiet, jobs_arg(vm));
    std::vector<Trace>& traces = loaded.traces;
    apply_exclude_unlaunched(vm, traces);
    ReportBuildOptions bo;
    bool chosen = false;
    const GroupBy group_by = group_by_arg(vm, traces, &chosen);
    if (!chosen) bo.group_by = group_by;
    bo.gpus_per_node = gpus_per_node_arg(vm);
    bo.layers_depth = module_depth_arg(vm, GroupBy::module);
    bo.no_machine_reason = loaded.why_no_machine;
    bo.machine_diagnostics = loaded.machine_diagnostics;
    bo.inputs = inputs;
    bo.scaling = scaling.get();
    if (vm.count("title")) bo.title = vm["title"].as<std::string>();
    bo.command_line = "rafter report";
    for (const auto& a : args) bo.command_line += " " + a;
    std::string html = build_html_report(traces, machine_or_none(loaded), bo);
    traces.clear();

    AtomicFile file(out);
    file.stream() << html;
    file.commit();
    if (!quiet) std::cerr << "rafter report: wrote " << out << " (" << html.size() / 1024 << " KiB)\n";
    return 0;
}

} // namespace rafter::cli
