#include "cli/options.h"

#include <iostream>

#include "analysis/launch_window.h"
#include "analysis/roofline.h"
#include "core/atomic_file.h"
#include "core/error.h"

namespace rafter::cli {

const char* const kMachineHelp = "machine ceilings: a built-in name (rafter machines), a machine file or an ERT "
                                 "roofline.json; default: the machine named in the inputs' device metadata";

po::options_description command_options() {
    po::options_description opts("options");
    opts.add_options()("help,h", "show this help");
    return opts;
}

void add_format_option(po::options_description& opts, const char* help) {
    opts.add_options()("format,f", po::value<std::string>()->default_value("table")->value_name("FMT"), help);
}

void add_output_option(po::options_description& opts, const char* value_name, const char* help) {
    opts.add_options()("output,o", po::value<std::string>()->value_name(value_name), help);
}

void add_quiet_option(po::options_description& opts, const char* help) { opts.add_options()("quiet,q", help); }

void add_exclude_unlaunched_option(po::options_description& opts) {
    opts.add_options()("exclude-unlaunched",
                       "leave out kernels, memsets and copies launched before the profile began (they ran in "
                       "the profile window, but their launch and op were not recorded)");
}

void apply_exclude_unlaunched(const po::variables_map& vm, std::vector<Trace>& traces) {
    if (vm.count("exclude-unlaunched")) exclude_prelaunched(traces);
}

void add_gpus_per_node_option(po::options_description& opts) {
    opts.add_options()("gpus-per-node", po::value<std::string>()->value_name("N"),
                       "GPUs (ranks) per node, to tell collectives inside a node (NVLink ceiling) from "
                       "those across nodes (NIC ceiling); default 8");
}

// The value of --NAME as a whole number in [lo, hi]; a usage error otherwise.
static int whole_number_arg(const po::variables_map& vm, const std::string& name, int lo, int hi) {
    const std::string s = vm[name].as<std::string>();
    size_t used = 0;
    int n = 0;
    try {
        n = std::stoi(s, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != s.size() || n < lo || n > hi)
        throw_usage_error("--" + name + " expects a whole number from " + std::to_string(lo) + " to " +
                          std::to_string(hi) + ", got '" + s + "'");
    return n;
}

int gpus_per_node_arg(const po::variables_map& vm) {
    return vm.count("gpus-per-node") ? whole_number_arg(vm, "gpus-per-node", 1, 4096) : 0;
}

size_t parse_top(const std::string& s) {
    if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string::npos)
        throw_usage_error("--top expects a count (0 = all), got '" + s + "'");
    return static_cast<size_t>(std::stoul(s));
}

void write_text_output(const po::variables_map& vm, const std::string& text) {
    if (!vm.count("output")) {
        std::cout << text;
        return;
    }
    AtomicFile f(vm["output"].as<std::string>());
    f.stream() << text;
    f.commit();
}

void add_jobs_option(po::options_description& opts) {
    opts.add_options()("jobs,j", po::value<std::string>()->value_name("N"),
                       "threads importing the input files, one file per task (default: one per core; the "
                       "output is the same for every N)");
}

int jobs_arg(const po::variables_map& vm) { return vm.count("jobs") ? whole_number_arg(vm, "jobs", 1, 4096) : 0; }

void add_group_by_option(po::options_description& opts) {
    opts.add_options()("group-by,g", po::value<std::string>()->value_name("KEY"),
                       "kernel (full name), base (name without templates and arguments), op or op-shape "
                       "(framework op), module (the nn.Module or record_function scope the ops ran in), "
                       "region; default: op for inputs with framework ops (PyTorch profiler traces), else "
                       "kernel")
        ("depth", po::value<std::string>()->value_name("N"),
         "keep the first N levels of each module path: with --group-by module (default: all), and in "
         "the report's Layers section (default: the deepest level with at most 16 modules)");
}

int module_depth_arg(const po::variables_map& vm, GroupBy group_by) {
    if (!vm.count("depth")) return 0;
    if (group_by != GroupBy::module) throw_usage_error("--depth applies to --group-by module");
    return whole_number_arg(vm, "depth", 1, 1000);
}

GroupBy group_by_arg(const po::variables_map& vm, const std::vector<Trace>& traces, bool* chosen) {
    if (!vm.count("group-by")) {
        if (chosen) *chosen = true;
        return default_group_by(traces);
    }
    if (chosen) *chosen = false;
    auto g = group_by_from_string(vm["group-by"].as<std::string>());
    if (!g)
        throw_usage_error("--group-by expects kernel, base, op, op-shape, module or region, got '" +
                          vm["group-by"].as<std::string>() + "'");
    return *g;
}

void add_machine_option(po::options_description& opts, const char* help) {
    opts.add_options()("machine,m", po::value<std::string>()->value_name("NAME|FILE"), help);
}

po::variables_map parse_options(const Args& args, const po::options_description& opts, const char* positional) {
    po::command_line_parser parser(args);
    po::options_description all;
    po::positional_options_description pos;
    all.add(opts);
    if (positional) {
        all.add_options()(positional, po::value<std::vector<std::string>>());
        pos.add(positional, -1);
    }
    po::variables_map vm;
    po::store(parser.options(all).positional(pos).run(), vm);
    po::notify(vm);
    return vm;
}

int print_help(const std::string& usage, const po::options_description& opts, HelpEnd end) {
    std::cout << usage << opts;
    if (end == HelpEnd::blank_line) std::cout << '\n';
    return 0;
}

std::vector<std::string> positional_args(const po::variables_map& vm, const char* positional) {
    if (!vm.count(positional)) return {};
    return vm[positional].as<std::vector<std::string>>();
}

std::vector<std::string> required_inputs(const po::variables_map& vm, const char* command) {
    std::vector<std::string> inputs = positional_args(vm, "input");
    if (inputs.empty())
        throw_usage_error(std::string("no input files given (see 'rafter ") + command + " --help')");
    return inputs;
}

std::string format_arg(const po::variables_map& vm, std::initializer_list<std::string_view> allowed) {
    std::string format = vm["format"].as<std::string>();
    std::string names;  // "table, csv or json"
    size_t i = 0;
    for (std::string_view a : allowed) {
        if (a == format) return format;
        names += std::string(i == 0 ? "" : i + 1 == allowed.size() ? " or " : ", ") + std::string(a);
        ++i;
    }
    throw_usage_error("--format expects " + names + ", got '" + format + "'");
}

std::optional<std::string> optional_arg(const po::variables_map& vm, const char* name) {
    if (!vm.count(name)) return std::nullopt;
    return vm[name].as<std::string>();
}

} // namespace rafter::cli
