// The rafter command: dispatches to a subcommand and turns rafter::Error into an exit code.
#include <boost/program_options/errors.hpp>
#include <cstring>
#include <iostream>

#include "cli/commands.h"
#include "core/error.h"
#include "core/version.h"

using namespace rafter;

static void print_usage(std::ostream& out) {
    out << "usage: rafter <command> [options]\n\n"
           "Roofline analysis and performance modeling for deep-learning workloads.\n\n"
           "commands:\n";
    for (const auto& c : cli::commands()) {
        out << "  " << c.name;
        for (size_t i = std::strlen(c.name); i < 11; ++i) out << ' ';
        out << c.summary << '\n';
    }
    out << "\nRun 'rafter <command> --help' for the options of a command.\n"
           "Options: --help, --version\n";
}

int main(int argc, char** argv) {
    if (argc < 2) {
        print_usage(std::cerr);
        return static_cast<int>(ExitCode::usage);
    }
    std::string name = argv[1];
    if (name == "--help" || name == "-h" || name == "help") {
        print_usage(std::cout);
        return 0;
    }
    if (name == "--version" || name == "-V") {
        std::cout << "rafter " << version_string() << '\n';
        return 0;
    }
    cli::Args args(argv + 2, argv + argc);
    for (const auto& c : cli::commands()) {
        if (name != c.name) continue;
        try {
            return c.run(args);
        } catch (const Error& e) {
            std::cerr << "rafter " << name << ": error: " << e.what() << '\n';
            return static_cast<int>(e.code());
        } catch (const boost::program_options::error& e) {
            std::cerr << "rafter " << name << ": error: " << e.what() << "\n"
                      << "Run 'rafter " << name << " --help' for usage.\n";
            return static_cast<int>(ExitCode::usage);
        } catch (const std::bad_alloc&) {
            std::cerr << "rafter " << name << ": error: out of memory\n";
            return static_cast<int>(ExitCode::failure);
        } catch (const std::exception& e) {
            std::cerr << "rafter " << name << ": internal error: " << e.what() << '\n';
            return static_cast<int>(ExitCode::failure);
        }
    }
    std::cerr << "rafter: unknown command '" << name << "'\n\n";
    print_usage(std::cerr);
    return static_cast<int>(ExitCode::usage);
}
