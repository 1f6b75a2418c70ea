// The option parsing the rafter commands share (cli/options.h).
#include <doctest/doctest.h>

#include <sstream>

#include "cli/options.h"
#include "core/error.h"

using namespace rafter::cli;

namespace {

po::options_description sample_options() {
    po::options_description opts = command_options();
    add_machine_option(opts);
    add_format_option(opts, "table, csv or json");
    add_output_option(opts, "DIR", "write files to DIR");
    add_quiet_option(opts, "print nothing but errors");
    return opts;
}

} // namespace

TEST_CASE("common options: short names, defaults, positional inputs") {
    po::options_description opts = sample_options();
    po::variables_map vm =
        parse_options({"a.json", "-m", "h100-sxm", "-f", "csv", "b.json", "-o", "out", "-q"}, opts, "input");
    CHECK(positional_args(vm, "input") == std::vector<std::string>{"a.json", "b.json"});
    CHECK(required_inputs(vm, "roofline") == std::vector<std::string>{"a.json", "b.json"});
    CHECK(optional_arg(vm, "machine") == "h100-sxm");
    CHECK(format_arg(vm, {"table", "csv", "json"}) == "csv");
    CHECK(vm["output"].as<std::string>() == "out");
    CHECK(vm.count("quiet") == 1);
    CHECK(vm.count("help") == 0);

    vm = parse_options({"--help"}, opts, "input");
    CHECK(vm.count("help") == 1);
    CHECK(vm["format"].as<std::string>() == "table");  // the default
    CHECK_FALSE(optional_arg(vm, "machine").has_value());
    CHECK(positional_args(vm, "input").empty());
}

TEST_CASE("--help lists the options in the order they were added, --help first") {
    std::ostringstream text;
    text << sample_options();
    std::string s = text.str();
    size_t help = s.find("--help"), machine = s.find("--machine"), format = s.find("--format"),
           output = s.find("--output"), quiet = s.find("--quiet");
    CHECK(help < machine);
    CHECK(machine < format);
    CHECK(format < output);
    CHECK(output < quiet);
    CHECK(s.find("FMT (=table)") != std::string::npos);
    CHECK(s.find("--input") == std::string::npos);  // positional arguments are not listed
}

TEST_CASE("usage errors (exit 2): no inputs, a format the command does not print, unknown options") {
    po::options_description opts = sample_options();
    po::variables_map vm = parse_options({"-f", "xml"}, opts, "input");
    CHECK_THROWS_WITH_AS(required_inputs(vm, "roofline"), "no input files given (see 'rafter roofline --help')",
                         rafter::Error);
    CHECK_THROWS_WITH_AS(format_arg(vm, {"table", "csv", "json"}), "--format expects table, csv or json, got 'xml'",
                         rafter::Error);
    CHECK_THROWS_WITH_AS(format_arg(vm, {"table", "json"}), "--format expects table or json, got 'xml'",
                         rafter::Error);
    try {
        format_arg(vm, {"table"});
        FAIL("accepted xml");
    } catch (const rafter::Error& e) {
        CHECK(e.code() == rafter::ExitCode::usage);
    }
    // Unknown options and positional arguments where none are taken are Boost's errors, which
    // main() turns into exit code 2.
    CHECK_THROWS_AS(parse_options({"--bogus"}, opts, "input"), po::error);
    CHECK_THROWS_AS(parse_options({"a.json"}, opts), po::error);
}
