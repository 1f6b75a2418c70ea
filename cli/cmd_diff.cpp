// `rafter diff A B`: two runs (or two ranks) compared op by op or kernel by kernel: time,
// launches, FLOPs and efficiency in each, new and vanished groups, sorted by the size of the change.
#include <iostream>
#include <sstream>

#include "analysis/diff.h"
#include "cli/commands.h"
#include "cli/load_inputs.h"
#include "cli/options.h"
#include "core/error.h"
#include "report/diff_report.h"

namespace rafter::cli {

namespace {

const char* kUsage =
    "usage: rafter diff A B [--group-by op|op-shape|kernel|base|module|region] [--per-step]\n"
    "                       [--machine NAME|FILE] [--top N] [--format table|csv|json] [-o FILE] [--quiet]\n\n"
    "Compares two runs (or two ranks): A and B are each a trace file or a directory of rank files,\n"
    "in any format 'rafter roofline' reads. Both are grouped the same way (by op when both record\n"
    "framework ops, else by kernel) and joined by group name: kernel time, launches, FLOPs and\n"
    "efficiency in each run, the change, the ratio B/A, and the groups that are new in B or\n"
    "vanished from A, largest change first. Each run is measured against its own machine (detected,\n"
    "or --machine for both). Times are sums over the run's ranks and steps; --per-step divides each\n"
    "run by its number of profiler steps. See docs/diff.md.\n\n";

} // namespace

int cmd_diff(const Args& args) {
    po::options_description opts = command_options();
    add_machine_option(opts, "machine for both runs (default: each run's own, detected)");
    add_group_by_option(opts);
    opts.add_options()
        ("per-step", "compare time per profiler step (each run divided by its steps)")
        ("top,n", po::value<std::string>()->default_value("20")->value_name("N"), "groups shown in the table (0 = all)");
    add_format_option(opts, "table, csv or json");
    add_output_option(opts, "FILE", "write the report to FILE instead of stdout");
    add_jobs_option(opts);
    add_quiet_option(opts, "no progress bar or notes on stderr");
    po::variables_map vm = parse_options(args, opts, "input");
    if (vm.count("help")) return print_help(kUsage, opts, HelpEnd::blank_line);
    std::vector<std::string> inputs = required_inputs(vm, "diff");
    if (inputs.size() != 2) throw_usage_error("diff takes two inputs, A and B (each a file or a directory of rank files)");
    ReportFormat format = *report_format_from_string(format_arg(vm, {"table", "csv", "json"}));
    size_t top = parse_top(vm["top"].as<std::string>());
    bool quiet = vm.count("quiet") > 0;
    bool per_step = vm.count("per-step") > 0;

    auto side = [&](const std::string& input) {
        LoadedInputs in = load_inputs({input}, optional_arg(vm, "machine"), quiet, jobs_arg(vm));
        apply_exclude_unlaunched(vm, in.traces);
        DiffRun run;
        run.traces = std::move(in.traces);
        run.machine = machine_or_none(in);
        run.no_machine_reason = in.why_no_machine;
        run.machine_diagnostics = in.machine_diagnostics;
        run.input = input;
        return run;
    };
    DiffRun a = side(inputs[0]);
    DiffRun b = side(inputs[1]);
    DiffRunsOptions o;
    bool chosen = false;
    GroupBy group_by = group_by_arg(vm, a.traces, &chosen);
    if (!chosen) o.group_by = group_by;
    o.per_step = per_step;
    o.module_depth = module_depth_arg(vm, group_by);
    DiffReport d = diff_runs(a, b, o);

    std::ostringstream text;
    write_diff(d, format, text, top);
    write_text_output(vm, text.str());
    return 0;
}

} // namespace rafter::cli
