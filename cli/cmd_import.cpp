// `rafter import INPUT... -o OUTPUT`: converts any supported input (Kineto JSON, Nsight Systems
// SQLite, Nsight Compute CSV, Rafter traces) into Rafter's native trace format.
#include <filesystem>
#include <iostream>
#include <set>

#include "cli/commands.h"
#include "cli/help_text.h"
#include "cli/options.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "model/machines/machine.h"
#include "traces/arch.h"
#include "traces/importer.h"
#include "traces/native_format.h"

namespace rafter::cli {

namespace {

std::string usage() {
    return "usage: rafter import INPUT... -o OUTPUT [--include-python] [--machine ARCH|NAME|FILE] [--quiet]\n\n" +
           wrap_paragraph(
               "Converts traces into Rafter's native trace format (docs/native-format.md). INPUT may be any of " +
               input_formats_text() +
               "; a directory contributes its files. Formats are recognized by content. One trace is written to "
               "the file OUTPUT; several traces (one per rank file) are written into the directory OUTPUT as "
               "rank<R>.rafter, or <input name>.rafter when ranks are unknown. Outputs are written atomically. "
               "Details: docs/kineto-import.md, docs/nsys-import.md. An import that runs longer than two seconds "
               "shows a progress bar on stderr when stderr is a terminal; --quiet turns it off.") +
           "\n";
}

// "a/b/trace-rank3.json.gz" -> "trace-rank3"
std::string stem_of(const std::string& path) {
    std::string name = std::filesystem::path(path).filename().string();
    for (const char* ext : {".gz", ".json", ".sqlite", ".csv", ".rafter"}) {
        std::string e = ext;
        if (name.size() > e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0)
            name.resize(name.size() - e.size());
    }
    return name.empty() ? "trace" : name;
}

// One file name per trace: by rank when every trace knows a distinct rank.
std::vector<std::string> output_names(const std::vector<Trace>& traces) {
    std::set<int32_t> ranks;
    bool by_rank = true;
    for (const auto& t : traces)
        if (t.meta.rank < 0 || !ranks.insert(t.meta.rank).second) by_rank = false;
    std::vector<std::string> names;
    std::set<std::string> used;
    for (const auto& t : traces) {
        std::string base = by_rank ? "rank" + std::to_string(t.meta.rank)
                                   : stem_of(t.meta.source_files.empty() ? "trace" : t.meta.source_files.front());
        std::string name = base + ".rafter";
        for (int k = 2; used.count(name); ++k) name = base + "-" + std::to_string(k) + ".rafter";
        used.insert(name);
        names.push_back(name);
    }
    return names;
}

void print_summary(std::ostream& out, const std::string& path, const Trace& t) {
    out << "wrote " << path << ": " << t.kernels.size() << " kernels, " << t.copies.size()
        << " copies, " << t.cpu_ops.size() << " CPU events, " << t.steps.size() << " steps ("
        << t.meta.source_format;
    if (t.meta.rank >= 0) {
        out << ", rank " << t.meta.rank;
        if (t.meta.world_size > 0) out << " of " << t.meta.world_size;
    }
    out << ")\n";
    for (const auto& d : t.diagnostics.entries())
        if (d.severity != Severity::info)
            out << "  " << to_string(d.severity) << ": " << d.code << " (" << d.count << "): " << d.message << '\n';
}

} // namespace

int cmd_import(const Args& args) {
    po::options_description opts = command_options();
    add_output_option(opts, "FILE|DIR", "output file (one trace) or directory (several traces)");
    // --machine here also takes an architecture, and has no -m.
    opts.add_options()
        ("include-python", "keep Kineto python_function events (skipped by default)")
        ("machine", po::value<std::string>()->value_name("ARCH|NAME|FILE"),
         "GPU architecture for Nsight Compute counters without a compute capability: an architecture "
         "(volta, ampere, hopper...), a built-in machine (see 'rafter machines') or a machine file");
    add_jobs_option(opts);
    add_quiet_option(opts, "print nothing on success (no summary, no progress bar)");
    po::variables_map vm = parse_options(args, opts, "input");
    if (vm.count("help")) return print_help(usage(), opts, HelpEnd::options);
    std::vector<std::string> inputs = required_inputs(vm, "import");
    if (!vm.count("output")) throw_usage_error("no output given: use -o FILE (or -o DIR for several traces)");
    bool quiet = vm.count("quiet") > 0;
    ImportOptions options;
    options.quiet = quiet;
    options.include_python_events = vm.count("include-python") > 0;
    options.jobs = jobs_arg(vm);
    if (vm.count("machine")) {
        // An architecture name ("volta") or a machine (built-in name or file), whose arch is used.
        std::string value = vm["machine"].as<std::string>();
        options.arch = find_arch(value) ? value : load_machine(value).arch;
    }
    std::string output = vm["output"].as<std::string>();

    std::vector<Trace> traces = load_traces(inputs, options);
    std::error_code ec;
    bool to_dir = traces.size() > 1 || std::filesystem::is_directory(output, ec) ||
                  (!output.empty() && output.back() == '/');
    if (!to_dir) {
        save_native_trace(traces.front(), output);
        if (!quiet) print_summary(std::cout, output, traces.front());
        return 0;
    }
    ensure_directory(output);
    std::vector<std::string> names = output_names(traces);
    for (size_t i = 0; i < traces.size(); ++i) {
        std::string path = (std::filesystem::path(output) / names[i]).string();
        save_native_trace(traces[i], path);
        if (!quiet) print_summary(std::cout, path, traces[i]);
    }
    return 0;
}

} // namespace rafter::cli
