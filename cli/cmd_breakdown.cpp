// `rafter breakdown`: where the GPU time of one or more ranks goes (busy/idle, compute,
// communication and its exposed part, memcpy, memset; per step; kernel categories; top ops),
// with per-rank clock alignment, step-time spread and stragglers across ranks.
#include <iostream>
#include <sstream>

#include "analysis/breakdown.h"
#include "report/report_breakdown.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "traces/importer.h"

namespace rafter::cli {

namespace {

const char* kUsage =
    "usage: rafter breakdown TRACE...|DIR [--format table|csv|json] [-o DIR] [--top-ops N]\n"
    "                        [--straggler-threshold F] [--quiet]\n\n"
    "GPU time breakdown of PyTorch (Kineto) traces, Nsight Systems exports or Rafter traces, one\n"
    "file per rank (or a directory of them). Per rank and per step (ProfilerStep#N): busy time\n"
    "(union of kernels, memcpy and memset over all streams), idle time, compute, communication\n"
    "(NCCL/RCCL kernels), exposed communication (not overlapped by any compute kernel), memcpy,\n"
    "memset; kernel time by category and the top ops by GPU time. With several ranks: clocks\n"
    "aligned by matching collectives, step-time spread and stragglers (slower than the median by\n"
    "more than the threshold). See docs/breakdown.md.\n\n"
    "With -o DIR the report is written to DIR/breakdown.{txt,csv,json} (by --format) instead of\n"
    "stdout. An import that runs longer than two seconds shows a progress bar on stderr when\n"
    "stderr is a terminal; --quiet turns it off.\n\n";

size_t parse_count(const std::string& s, const char* option) {
    if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string::npos)
        throw_usage_error(std::string(option) + " expects a count, got '" + s + "'");
    return static_cast<size_t>(std::stoul(s));
}

double parse_fraction(const std::string& s) {
    char* end = nullptr;
    double v = std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size() || !(v >= 0) || v > 10)
        throw_usage_error("--straggler-threshold expects a fraction such as 0.05, got '" + s + "'");
    return v;
}

} // namespace

int cmd_breakdown(const Args& args) {
    po::options_description opts = command_options();
    add_format_option(opts, "table, csv or json");
    add_output_option(opts, "DIR", "write DIR/breakdown.<ext> instead of stdout");
    opts.add_options()
        ("top-ops", po::value<std::string>()->default_value("10")->value_name("N"),
         "ops listed per rank by GPU time (0 = all)")
        ("straggler-threshold", po::value<std::string>()->default_value("0.05")->value_name("F"),
         "a step (or rank) is a straggler when slower than (1 + F) * the median over ranks");
    add_exclude_unlaunched_option(opts);
    add_jobs_option(opts);
    add_quiet_option(opts, "no progress bar on stderr");
    po::variables_map vm = parse_options(args, opts, "input");
    if (vm.count("help")) return print_help(kUsage, opts, HelpEnd::blank_line);
    std::vector<std::string> inputs = required_inputs(vm, "breakdown");
    ReportFormat format = *report_format_from_string(format_arg(vm, {"table", "csv", "json"}));
    BreakdownOptions options;
    options.top_ops = parse_count(vm["top-ops"].as<std::string>(), "--top-ops");
    options.straggler_threshold = parse_fraction(vm["straggler-threshold"].as<std::string>());

    ImportOptions import;
    import.quiet = vm.count("quiet") > 0;
    import.jobs = jobs_arg(vm);
    std::vector<Trace> traces = load_traces(inputs, import);
    apply_exclude_unlaunched(vm, traces);
    BreakdownReport report = analyze_breakdown(traces, options);

    std::ostringstream text;
    write_breakdown(report, format, text);
    if (vm.count("output")) {
        std::string dir = vm["output"].as<std::string>();
        ensure_directory(dir);
        const char* ext = format == ReportFormat::json ? "json" : format == ReportFormat::csv ? "csv" : "txt";
        AtomicFile f(dir + "/breakdown." + ext);
        f.stream() << text.str();
        f.commit();
    } else {
        std::cout << text.str();
    }
    return 0;
}

} // namespace rafter::cli
