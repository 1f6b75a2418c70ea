// `rafter roofline`: import traces or counter exports, analyze them against a machine's ceilings,
// print a table (or CSV/JSON) and optionally write summary.json, kernels.csv and two SVG charts.
// Everything is computed and rendered in memory first; files are written last, each atomically,
// so a failing run leaves nothing in the output directory.
#include <iostream>
#include <sstream>

#include "analysis/analytic_costs.h"
#include "report/report_format.h"
#include "analysis/roofline.h"
#include "analysis/what_if.h"
#include "cli/commands.h"
#include "cli/help_text.h"
#include "cli/load_inputs.h"
#include "cli/options.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "model/machines/machine.h"
#include "plots/roofline_svg.h"
#include "traces/importer.h"

namespace rafter::cli {

namespace {

const char* kUsageRest =
    "With -o DIR: DIR/summary.json (schema rafter.roofline/2), DIR/kernels.csv, DIR/roofline.svg\n"
    "(hierarchical roofline) and DIR/time-roofline.svg (time-based roofline).\n\n"
    "With --what-if MACHINE: each group's time is projected onto that machine by its roofline bound,\n"
    "keeping the efficiency it reached (docs/scaling.md); the table is followed by the projection,\n"
    "--format json prints the projection (schema rafter.what_if/1) instead of the roofline report,\n"
    "and -o DIR also writes DIR/what-if.json.\n\n";

std::string usage() {
    return "usage: rafter roofline INPUT... [--machine NAME|FILE] [--group-by kernel|base|op|op-shape|region]\n"
           "                       [--top N] [--format table|csv|json] [-o DIR] [--what-if NAME|FILE] [--quiet]\n\n" +
           wrap_paragraph("Roofline analysis of files or directories holding " + input_formats_text() +
                          ". Groups kernels, sums their time, FLOPs and bytes, and compares "
                          "them with the machine's ceilings: arithmetic intensity per memory level, FLOP rate, bound "
                          "(compute, dram, l2, l1 or the launch floor) and efficiency (never above 1). Missing values print as '-' "
                          "(null in JSON). See docs/roofline.md.") +
           "\n" + kUsageRest;
}

struct Output {
    std::string name, contents;
};

void write_outputs(const std::string& dir, const std::vector<Output>& outputs) {
    ensure_directory(dir);
    // Open and fill every file before committing any, so that a write error on one of them
    // leaves none of them in place.
    std::vector<std::unique_ptr<AtomicFile>> files;
    for (const auto& o : outputs) {
        files.push_back(std::make_unique<AtomicFile>(dir + "/" + o.name));
        files.back()->stream() << o.contents;
    }
    commit_all(files);
}

} // namespace

int cmd_roofline(const Args& args) {
    po::options_description opts = command_options();
    add_machine_option(opts);
    add_group_by_option(opts);
    add_exclude_unlaunched_option(opts);
    add_gpus_per_node_option(opts);
    opts.add_options()
        ("top,n", po::value<std::string>()->default_value("20")->value_name("N"),
         "groups shown in the table, largest time first (0 = all)");
    add_format_option(opts, "what to print on stdout: table, csv or json");
    add_output_option(opts, "DIR", "write summary.json, kernels.csv, roofline.svg and time-roofline.svg to DIR");
    opts.add_options()
        ("what-if", po::value<std::string>()->value_name("NAME|FILE"),
         "project each group onto another machine (built-in name or file) and report the speed-up");
    add_jobs_option(opts);
    add_quiet_option(opts, "print nothing but errors (and the CSV/JSON asked for with --format)");
    po::variables_map vm = parse_options(args, opts, "input");

    if (vm.count("help")) return print_help(usage(), opts, HelpEnd::blank_line);
    std::vector<std::string> inputs = required_inputs(vm, "roofline");
    ReportFormat format = *report_format_from_string(format_arg(vm, {"table", "csv", "json"}));
    size_t top = parse_top(vm["top"].as<std::string>());
    bool quiet = vm.count("quiet") > 0;
    std::string out_dir = vm.count("output") ? vm["output"].as<std::string>() : "";

    // The what-if target before the (possibly long) import, so that a bad name fails at once.
    std::optional<Machine> what_if_target;
    if (vm.count("what-if")) {
        if (format == ReportFormat::csv) throw_usage_error("--what-if prints a table or JSON, not CSV");
        what_if_target = load_machine(vm["what-if"].as<std::string>());
    }

    LoadedInputs loaded = load_inputs(inputs, optional_arg(vm, "machine"), quiet, jobs_arg(vm));
    std::vector<Trace>& traces = loaded.traces;
    const Machine machine = what_if_target ? require_machine(loaded) : machine_or_none(loaded);
    apply_exclude_unlaunched(vm, traces);
    bool group_by_chosen = false;
    const GroupBy group_by = group_by_arg(vm, traces, &group_by_chosen);

    if (!is_op_grouping(group_by))
        apply_analytic_costs_to_traces(traces);  // kernels of Kineto ops get the op's analytic cost
    RooflineOptions ropts;
    ropts.group_by = group_by;
    ropts.group_by_chosen = group_by_chosen;
    ropts.no_machine_reason = loaded.why_no_machine;
    ropts.gpus_per_node = gpus_per_node_arg(vm);
    ropts.module_depth = module_depth_arg(vm, group_by);
    RooflineReport report = analyze_roofline(traces, machine, ropts);
    if (report.inputs.empty()) report.inputs = inputs;
    report.diagnostics.merge(loaded.machine_diagnostics);
    traces.clear();

    ReporterOptions rep;
    rep.top = top;
    rep.more_rows_hint = "--top 0 shows all, --format csv or json lists every group";
    std::ostringstream json, csv, what_if_json;
    make_reporter(ReportFormat::json)->write(report, json);
    make_reporter(ReportFormat::csv)->write(report, csv);
    std::optional<WhatIfReport> what_if;
    if (what_if_target) {
        what_if = project_what_if(report, *what_if_target);
        JsonWriter w(what_if_json);
        write_what_if_json(w, *what_if);
        what_if_json << '\n';
    }

    if (!out_dir.empty()) {
        ChartOptions chart;
        std::vector<Output> outputs = {
            {"summary.json", json.str()},
            {"kernels.csv", csv.str()},
            {"roofline.svg", render_hierarchical_roofline_svg(report, chart)},
            {"time-roofline.svg", render_time_roofline_svg(report, chart)},
        };
        if (what_if) outputs.push_back({"what-if.json", what_if_json.str()});
        write_outputs(out_dir, outputs);
        if (!quiet)
            std::cerr << "rafter roofline: wrote " << out_dir << "/{summary.json, kernels.csv, roofline.svg, "
                      << "time-roofline.svg" << (what_if ? ", what-if.json" : "") << "}\n";
    }

    switch (format) {
    case ReportFormat::json: std::cout << (what_if ? what_if_json.str() : json.str()); break;
    case ReportFormat::csv: std::cout << csv.str(); break;
    case ReportFormat::table:
        if (quiet) break;
        make_reporter(ReportFormat::table, rep)->write(report, std::cout);
        if (what_if) {
            std::cout << '\n';
            write_what_if_table(std::cout, *what_if, top);
        }
        break;
    }
    std::cout.flush();
    if (!std::cout) throw Error(ExitCode::io_error, "cannot write to standard output");
    return 0;
}

} // namespace rafter::cli
