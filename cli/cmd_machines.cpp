// `rafter machines`: the built-in machines and their main ceilings, or one machine in full.
#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/options.h"
#include "core/error.h"
#include "core/json_writer.h"
#include "core/text.h"
#include "model/machines/machine.h"

namespace rafter::cli {

namespace {

const char* kUsage =
    "usage: rafter machines [--format table|json] [--show NAME|FILE]\n\n"
    "Lists the built-in machines and their main ceilings (peaks in FLOP/s, bandwidths in\n"
    "bytes/s, SI prefixes; '-' = unknown). --show prints one machine in full as JSON, with the\n"
    "source of every figure: a built-in name, a Rafter machine file or an ERT roofline.json.\n"
    "The format is described in docs/machine-files.md.\n\n";

std::string cell(std::optional<double> v) { return v ? si_format(*v) : "-"; }

void print_table(std::ostream& out) {
    struct Column {
        const char* title;
        std::optional<double> (*get)(const Machine&);
    };
    static const Column columns[] = {
        {"FP64", [](const Machine& m) { return m.peak(FlopKind::fp64); }},
        {"FP32", [](const Machine& m) { return m.peak(FlopKind::fp32); }},
        {"TC-FP16", [](const Machine& m) { return m.peak(FlopKind::tensor_fp16); }},
        {"TC-FP8", [](const Machine& m) { return m.peak(FlopKind::tensor_fp8); }},
        {"DRAM", [](const Machine& m) { return m.bw(MemLevel::dram); }},
        {"L2", [](const Machine& m) { return m.bw(MemLevel::l2); }},
        {"L1", [](const Machine& m) { return m.bw(MemLevel::l1); }},
        {"LINK", [](const Machine& m) { return m.bw(MemLevel::nvlink); }},
        {"NIC", [](const Machine& m) { return m.nic_bandwidth; }},
    };
    char line[192];
    std::snprintf(line, sizeof line, "%-14s %-9s", "NAME", "ARCH");
    out << line;
    for (const auto& c : columns) {
        std::snprintf(line, sizeof line, " %7s", c.title);
        out << line;
    }
    out << '\n';
    for (const auto& m : builtin_machines()) {
        std::snprintf(line, sizeof line, "%-14s %-9s", m.name.c_str(), m.arch.c_str());
        out << line;
        for (const auto& c : columns) {
            std::snprintf(line, sizeof line, " %7s", cell(c.get(m)).c_str());
            out << line;
        }
        out << '\n';
    }
    out << "\nFLOP/s: FP64/FP32 vector, TC = tensor core (dense). Bytes/s: DRAM, L2, L1; LINK = scale-up\n"
           "links (NVLink, Infinity Fabric) and NIC = typical network, per GPU in one direction.\n"
           "Sources of every figure: rafter machines --show NAME\n";
}


} // namespace

int cmd_machines(const Args& args) {
    po::options_description opts = command_options();
    // --format without -f or FMT, as it has always been listed.
    opts.add_options()
        ("format", po::value<std::string>()->default_value("table"), "table or json")
        ("show", po::value<std::string>()->value_name("NAME|FILE"),
         "print one machine (built-in name, machine file or ERT roofline.json) as JSON");
    po::variables_map vm = parse_options(args, opts);
    if (vm.count("help")) return print_help(kUsage, opts, HelpEnd::options);
    std::string format = format_arg(vm, {"table", "json"});

    if (vm.count("show")) {
        // One machine is always shown as JSON: it carries the per-field sources, which do not fit
        // a table.
        std::cout << machine_to_json(load_machine(vm["show"].as<std::string>()));
        return 0;
    }
    if (format == "json") std::cout << builtin_machines_json();
    else print_table(std::cout);
    return 0;
}

} // namespace rafter::cli
