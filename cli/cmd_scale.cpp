// `rafter scale`: predict step time, throughput and scaling efficiency of a scenario against GPU
// count; print a table (or CSV/JSON) and optionally write scaling.json, scaling.csv and
// scaling.svg. Everything is computed in memory first and the files are written atomically.
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "analysis/roofline.h"
#include "analysis/profile_for_scaling.h"
#include "analysis/step_replay.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/json_writer.h"
#include "core/text.h"
#include "model/scaling/io_profile.h"
#include "report/scaling_report.h"
#include "model/scaling/scaling_run.h"
#include "model/scaling/scaling_validation.h"
#include "model/scaling/scenario.h"
#include "plots/scaling_svg.h"
#include "traces/importer.h"
#include "traces/input_file.h"

namespace rafter::cli {

namespace {

const char* kUsage =
    "usage: rafter scale SCENARIO [--gpus LIST] [--search] [--io-profile FILE] [--profile TRACE...]\n"
    "                    [--format table|csv|json] [-o DIR] [--quiet]\n"
    "       rafter scale --validate\n\n"
    "Predicts the training step time, throughput and scaling efficiency of a scenario\n"
    "(rafter.scenario/1: workload, system topology and I/O, parallel layout) against GPU count:\n"
    "compute, pipeline bubble, exposed communication (data-parallel gradient buckets overlapped\n"
    "with the backward pass, tensor/pipeline parallel traffic, ZeRO/FSDP) and exposed data loading.\n"
    "With measurements in the scenario, an empirical fit (Extra-P normal form) is shown next to\n"
    "the analytic prediction. With --profile, the steps of measured traces (Kineto, one per rank)\n"
    "are replayed with their collectives timed by the model on the scenario's topology, next to\n"
    "their measured times. See docs/scaling.md and examples/scenarios/.\n\n"
    "With -o DIR: DIR/scaling.json (schema rafter.scaling/2), DIR/scaling.csv, DIR/scaling.svg.\n"
    "--validate prints the model's errors against published measurements (docs/validation/scaling.md).\n\n";

// "1,2,4,8" or "8:1024" (doubling from 8 to 1024), or a mix: "1,8:64,100".
std::vector<int> parse_gpu_list(const std::string& s) {
    std::vector<int> out;
    auto as_count = [&](std::string_view t) {
        auto v = parse_number(t);
        if (!v || *v < 1 || *v > 1e8 || *v != static_cast<double>(static_cast<int64_t>(*v)))
            throw_usage_error("--gpus expects GPU counts like 1,8,64 or 8:1024, got '" + s + "'");
        return static_cast<int>(*v);
    };
    for (auto part : split(s, ',')) {
        part = trim(part);
        if (part.empty()) continue;
        auto colon = part.find(':');
        if (colon == std::string_view::npos) {
            out.push_back(as_count(part));
            continue;
        }
        int a = as_count(part.substr(0, colon)), b = as_count(part.substr(colon + 1));
        if (b < a) throw_usage_error("--gpus range " + std::string(part) + " goes down");
        for (int64_t g = a; g <= b; g *= 2) out.push_back(static_cast<int>(g));
    }
    if (out.empty()) throw_usage_error("--gpus is empty");
    return out;
}

void write_outputs(const std::string& dir, const std::vector<std::pair<std::string, std::string>>& outputs) {
    ensure_directory(dir);
    std::vector<std::unique_ptr<AtomicFile>> files;
    for (const auto& [name, contents] : outputs) {
        files.push_back(std::make_unique<AtomicFile>(dir + "/" + name));
        files.back()->stream() << contents;
    }
    commit_all(files);
}

} // namespace

int cmd_scale(const Args& args) {
    po::options_description opts = command_options();
    opts.add_options()
        ("gpus,g", po::value<std::string>()->value_name("LIST"),
         "GPU counts: 1,8,64 or 8:1024 (doubling); default: the scenario's list or powers of two up to 1024")
        ("search,s", "use the best (tp, pp, micro-batch, ZeRO) layout at each GPU count and list the top "
                     "layouts at the largest")
        ("io-profile", po::value<std::string>()->value_name("FILE"),
         "I/O profile (rafter calibrate io) setting the client read bandwidth and metadata rate")
        ("profile", po::value<std::vector<std::string>>()->multitoken()->value_name("TRACE..."),
         "measured traces (one per rank): replay each step with its collectives timed by the model");
    add_format_option(opts, "what to print on stdout: table, csv or json");
    add_output_option(opts, "DIR", "write scaling.json, scaling.csv and scaling.svg to DIR");
    opts.add_options()
        ("validate", "compare the model with published measurements and exit (non-zero if one is off)");
    add_quiet_option(opts, "print nothing but errors (and the CSV/JSON asked for with --format)");
    po::variables_map vm = parse_options(args, opts, "scenario");

    if (vm.count("help")) return print_help(kUsage, opts, HelpEnd::blank_line);
    if (vm.count("validate")) {
        auto results = run_validation(builtin_validation_data(), "model/scaling/data/validation/scaling.json");
        write_validation_table(std::cout, results);
        for (const auto& r : results)
            if (!r.within) return static_cast<int>(ExitCode::failure);
        return 0;
    }
    std::vector<std::string> files = positional_args(vm, "scenario");
    if (files.empty()) throw_usage_error("no scenario file given (see 'rafter scale --help')");
    if (files.size() != 1) throw_usage_error("one scenario file at a time");
    std::string format = format_arg(vm, {"table", "csv", "json"});
    bool quiet = vm.count("quiet") > 0;

    Scenario scenario = parse_scenario_json(read_file(files[0]), files[0]);
    if (vm.count("io-profile")) {
        std::string pf = vm["io-profile"].as<std::string>();
        IoProfile profile = parse_io_profile_json(read_file(pf), pf);
        if (!scenario.system.io) scenario.system.io = IoSystem{};
        apply_io_profile(*scenario.system.io, profile, pf);
        if (!scenario.workload.data)
            throw Error(ExitCode::bad_input, "--io-profile needs workload.data (dataset and sample sizes) in the scenario",
                        SourcePosition{files[0], PositionKind::none, 0});
    }
    ScalingRunOptions ro;
    if (vm.count("gpus")) ro.gpus = parse_gpu_list(vm["gpus"].as<std::string>());
    ro.search = vm.count("search") > 0;
    std::optional<ReplayReport> profile;
    Diagnostics profile_notes;
    if (vm.count("profile")) {
        const std::vector<std::string> paths = vm["profile"].as<std::vector<std::string>>();
        ProfileForScaling p = apply_profile(scenario, load_traces(paths, ImportOptions{}), paths.front());
        profile = std::move(p.replay);
        profile_notes = std::move(p.notes);
    }
    ScalingResult result = run_scaling(scenario, ro);
    result.diagnostics.merge(profile_notes);
    const ReplayReport* prof = profile ? &*profile : nullptr;

    std::ostringstream json, csv;
    {
        JsonWriter w(json);
        write_scaling_json(w, result, prof);
        json << '\n';
    }
    write_scaling_csv(csv, result);
    if (vm.count("output")) {
        std::string dir = vm["output"].as<std::string>();
        write_outputs(dir, {{"scaling.json", json.str()}, {"scaling.csv", csv.str()}, {"scaling.svg", render_scaling_svg(result)}});
        if (!quiet) std::cerr << "rafter scale: wrote " << dir << "/{scaling.json, scaling.csv, scaling.svg}\n";
    }
    if (format == "json") std::cout << json.str();
    else if (format == "csv") std::cout << csv.str();
    else if (!quiet) write_scaling_table(std::cout, result, prof);
    return 0;
}

} // namespace rafter::cli
