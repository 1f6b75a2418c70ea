#pragma once
// Option parsing shared by the rafter commands. --help and the options several commands have
// (-f/--format, -o/--output, -q/--quiet, -m/--machine) are defined here once; each command adds
// its own in between, in the order its --help lists them. An unknown option or a malformed value
// is a boost::program_options::error, which main() reports with exit code 2; the checks here
// throw rafter's usage error (exit code 2 too).
#include <boost/program_options.hpp>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/roofline_formulas.h"
#include "cli/commands.h"
#include "traces/trace.h"

namespace rafter::cli {

namespace po = boost::program_options;

// The options --help lists, starting with -h/--help itself.
po::options_description command_options();

// -f/--format FMT, default "table"; `help` says which formats the command prints.
void add_format_option(po::options_description& opts, const char* help);
// -o/--output VALUE_NAME, no default; `help` says what is written there.
void add_output_option(po::options_description& opts, const char* value_name, const char* help);
// -q/--quiet; `help` says what the command then leaves out.
void add_quiet_option(po::options_description& opts, const char* help);
// -m/--machine NAME|FILE: the ceilings the inputs are compared with.
extern const char* const kMachineHelp;  // the wording of roofline and report
void add_machine_option(po::options_description& opts, const char* help = kMachineHelp);

// --exclude-unlaunched: drop the kernels and copies launched before the profile began
// (analysis/launch_window.h).
void add_exclude_unlaunched_option(po::options_description& opts);
// --gpus-per-node N: 0 when not given (the analysis default applies).
void add_gpus_per_node_option(po::options_description& opts);
int gpus_per_node_arg(const po::variables_map& vm);

// --top N: table rows shown (0 = all); a usage error when N is not a count.
size_t parse_top(const std::string& s);

// The text a command made, to -o FILE (written atomically) when given, else to stdout.
void write_text_output(const po::variables_map& vm, const std::string& text);

// --jobs N: threads importing input files (one file per task); 0 or absent: one per core.
void add_jobs_option(po::options_description& opts);
int jobs_arg(const po::variables_map& vm);
// Applies --exclude-unlaunched to the loaded traces when it was given.
void apply_exclude_unlaunched(const po::variables_map& vm, std::vector<Trace>& traces);
// -g/--group-by KEY without a default: group_by_arg picks default_group_by(traces) when it is
// absent, and says so in *chosen.
void add_group_by_option(po::options_description& opts);
GroupBy group_by_arg(const po::variables_map& vm, const std::vector<Trace>& traces, bool* chosen);
// --depth N (with --group-by module): 0 when not given.
int module_depth_arg(const po::variables_map& vm, GroupBy group_by);

// Parses `args` against `opts` (store, then notify). With `positional`, the arguments that are
// not options are collected under that name, an option --help does not list.
po::variables_map parse_options(const Args& args, const po::options_description& opts,
                                const char* positional = nullptr);

// How a command's --help ends: after the options, or with one more empty line (as some always
// have; docs/cli-reference.md shows them).
enum class HelpEnd { options, blank_line };
// Prints `usage` and then the options to stdout; returns the exit code 0.
int print_help(const std::string& usage, const po::options_description& opts, HelpEnd end);

// The arguments collected under `positional` (empty when none were given).
std::vector<std::string> positional_args(const po::variables_map& vm, const char* positional);
// The input files of `rafter <command>` (positional "input"); a usage error when there are none.
std::vector<std::string> required_inputs(const po::variables_map& vm, const char* command);

// --format's value when it is one of `allowed`; a usage error naming them otherwise.
std::string format_arg(const po::variables_map& vm, std::initializer_list<std::string_view> allowed);

// The value of an optional string option, if it was given.
std::optional<std::string> optional_arg(const po::variables_map& vm, const char* name);

} // namespace rafter::cli
