// `rafter profile`: profiles a CUDA program without changing it (CUPTI through the driver's
// injection hook) and leaves one native trace per process; or prints the counter plan for a chip.
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/profile_runner.h"
#include "core/error.h"

namespace rafter::cli {

namespace {

const char* kUsage =
    "usage: rafter profile [options] -- COMMAND [ARGS...]\n"
    "       rafter profile --list-metrics --chip CHIP\n\n"
    "Runs COMMAND with Rafter's CUPTI library injected (CUDA_INJECTION64_PATH), so any CUDA\n"
    "program, PyTorch included, is profiled unchanged. Every process that uses CUDA writes one\n"
    "trace, <host>-pid<pid>-rank<rank>.rafter, into the output directory; the rank comes from\n"
    "torchrun, Open MPI, PMI or Slurm. Read them with 'rafter roofline DIR'.\n\n"
    "Modes (kernel replay distorts time, so time and counters are separate runs):\n"
    "  time      kernel, copy and API timings from activity tracing (low overhead)\n"
    "  counters  per-kernel FLOPs by precision and bytes at L1/L2/DRAM from the range\n"
    "            profiler; every kernel is replayed once per pass (see --list-metrics)\n"
    "  both      runs COMMAND twice and joins the counters onto the timed kernels by launch\n"
    "            order and name, reporting any mismatch\n\n"
    "Exit status: the program's own when it fails; 4 without a CUDA device, 6 when this build\n"
    "has no CUPTI support. See docs/profiling-gpu.md.\n\n";

struct ParsedArgs {
    Args options;
    std::vector<std::string> command;
    bool had_separator = false;
};

ParsedArgs split_at_separator(const Args& args) {
    ParsedArgs p;
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--") {
            p.had_separator = true;
            p.command.assign(args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
            break;
        }
        p.options.push_back(args[i]);
    }
    return p;
}

int list_metrics(const std::string& chip) {
    std::istringstream in(metric_plan_text(chip));
    std::string line, metrics, notes, passes, method;
    size_t n = 0;
    while (std::getline(in, line)) {
        auto sp = line.find(' ');
        std::string key = line.substr(0, sp), value = sp == std::string::npos ? "" : line.substr(sp + 1);
        if (key == "metric") {
            metrics += "  " + value + "\n";
            ++n;
        } else if (key == "note") {
            notes += "  " + value + "\n";
        } else if (key == "passes") {
            passes = value;
        } else if (key == "tensor_method") {
            method = value;
        }
    }
    std::cout << "chip: " << chip << "\n"
              << "replay passes per kernel: " << passes << " (computed on the host by CUPTI)\n"
              << "tensor-core FLOPs from: " << method << "\n"
              << "metrics (" << n << "):\n"
              << metrics;
    if (!notes.empty()) std::cout << "notes:\n" << notes;
    return 0;
}

} // namespace

int cmd_profile(const Args& args) {
    ParsedArgs parsed = split_at_separator(args);
    po::options_description opts = command_options();
    // --output has a default here: the traces always go somewhere.
    opts.add_options()
        ("mode", po::value<std::string>()->default_value("time"), "time, counters or both")
        ("output,o", po::value<std::string>()->default_value("rafter-profile")->value_name("DIR"),
         "directory for the traces (created if missing)")
        ("batch", po::value<uint32_t>()->default_value(64)->value_name("N"),
         "counters: kernels profiled per decode batch")
        ("no-api", "time: do not record CUDA runtime/driver API calls")
        ("buffer-mb", po::value<uint32_t>()->default_value(8)->value_name("MB"),
         "time: size of each CUPTI activity buffer");
    add_quiet_option(opts, "no messages from the profiled processes");
    opts.add_options()
        ("list-metrics", "print the counter metrics and replay passes for --chip, then exit (no GPU needed)")
        ("chip", po::value<std::string>()->value_name("CHIP"), "GPU chip for --list-metrics: GV100, GA100, GH100, ...");
    po::variables_map vm = parse_options(parsed.options, opts);
    if (vm.count("help")) return print_help(kUsage, opts, HelpEnd::options);
    if (vm.count("list-metrics")) {
        if (!vm.count("chip")) throw_usage_error("--list-metrics needs --chip (e.g. --chip GH100)");
        return list_metrics(vm["chip"].as<std::string>());
    }
    if (!parsed.had_separator || parsed.command.empty())
        throw_usage_error("give the program to profile after '--', e.g. rafter profile -- python train.py");

    ProfileRequest req;
    auto mode = profiler::profile_mode_from_string(vm["mode"].as<std::string>());
    if (!mode) throw_usage_error("--mode must be time, counters or both, got '" + vm["mode"].as<std::string>() + "'");
    req.mode = *mode;
    req.out_dir = vm["output"].as<std::string>();
    req.command = parsed.command;
    req.ranges_per_batch = vm["batch"].as<uint32_t>();
    if (req.ranges_per_batch == 0) throw_usage_error("--batch must be at least 1");
    req.trace_api = !vm.count("no-api");
    req.buffer_mb = vm["buffer-mb"].as<uint32_t>();
    if (req.buffer_mb == 0) throw_usage_error("--buffer-mb must be at least 1");
    req.quiet = vm.count("quiet") > 0;

    // Before anything runs: a build without CUPTI, a machine without a GPU, or a missing
    // backend library each stop here with their reason.
    cupti::DriverProbe probe = check_profiling_possible();
    std::cerr << "rafter profile: " << probe.devices.size() << " CUDA device(s), driver "
              << cupti::format_driver_version(probe.driver_version);
    if (!probe.devices.empty()) std::cerr << ", device 0: " << probe.devices[0].name;
    std::cerr << "\n";

    ProfileResult res = run_profile(req, std::cerr);
    for (const auto& n : res.notes) std::cerr << "rafter profile: " << n << "\n";
    if (res.traces.empty()) {
        std::cerr << "rafter profile: warning: no trace was written (the program did no CUDA work, or "
                     "its processes could not be profiled; see the messages above)\n";
    } else {
        std::cout << "wrote " << res.traces.size() << " trace(s):\n";
        for (const auto& t : res.traces) std::cout << "  " << t << "\n";
    }
    if (res.exit_status != 0)
        std::cerr << "rafter profile: the program exited with status " << res.exit_status << "\n";
    return res.exit_status;
}

} // namespace rafter::cli
