#pragma once
// The rafter subcommands. Each lives in its own cmd_<name>.cpp, parses its options with
// Boost.Program_options and calls the library; errors are thrown as rafter::Error and turned
// into exit codes by main() only.
#include <string>
#include <vector>

namespace rafter::cli {

using Args = std::vector<std::string>;  // arguments after the subcommand name

struct Command {
    const char* name;
    const char* summary;
    int (*run)(const Args& args);
};

const std::vector<Command>& commands();

int cmd_roofline(const Args& args);
int cmd_machines(const Args& args);
int cmd_import(const Args& args);
int cmd_breakdown(const Args& args);
int cmd_profile(const Args& args);
int cmd_ceilings(const Args& args);
int cmd_scale(const Args& args);
int cmd_calibrate(const Args& args);
int cmd_report(const Args& args);
int cmd_export(const Args& args);
int cmd_diff(const Args& args);
int cmd_findings(const Args& args);

} // namespace rafter::cli
