// `rafter ceilings`: measures machine ceilings (ERT style) and writes them as a machine file that
// `rafter roofline --machine` accepts, with the raw sweep and a chart next to it.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "profiler/ceilings/cpu_ceilings.h"
#include "profiler/ceilings/gpu/gpu_ceilings.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "cli/parse_bytes.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/text.h"
#include "model/machines/machine.h"
#include "plots/sweep_svg.h"

namespace rafter::cli {

namespace {

const char* kUsage =
    "usage: rafter ceilings --cpu [-o machine.json] [--quick] [--threads N] [--name NAME]\n"
    "       rafter ceilings --gpu [-o machine.json] [--quick] [--device N] [--name NAME]\n\n"
    "Measures ceilings on this machine. --cpu: triad bandwidth over a working-set sweep (L1,\n"
    "L2 and DRAM from the plateaus) and FMA peaks for fp64 and fp32 on one and on all threads,\n"
    "with AVX-512 or AVX2 chosen at run time. Takes about 15 s (--quick: about one).\n"
    "-o writes the machine file (for rafter roofline --machine), FILE.sweep.json with the raw\n"
    "sweep and FILE.svg with bandwidth vs working set; all are written atomically.\n"
    "--gpu: CUDA microbenchmarks on one device: HBM and L2 bandwidth (triad), L1/shared\n"
    "bandwidth, FMA peaks (fp64, fp32, fp16, bf16) and WMMA tensor-core peaks (fp16, bf16, tf32,\n"
    "fp64, int8), launch latency; printed next to the data sheet of the matching built-in\n"
    "machine. -o writes the machine file only. Needs a CUDA GPU and a build with the CUDA\n"
    "module (librafter_gpu_ceilings.so); otherwise it exits with code 4 (no device) or 6 (not\n"
    "available) and says why. See docs/ceilings.md.\n\n";

std::string stem_of(const std::string& path) {
    std::filesystem::path p(path);
    if (p.extension() == ".json") p.replace_extension();
    return p.string();
}

void print_summary(std::ostream& out, const ceilings::CpuCeilings& c) {
    char line[200];
    std::snprintf(line, sizeof line, "ISA %s, %d threads%s, %.1f s\n", ceilings::to_string(c.isa), c.threads,
                  c.pinned ? " (pinned)" : "", c.seconds);
    out << line;
    std::snprintf(line, sizeof line, "%-6s %14s %14s\n", "", "one thread", "all threads");
    out << line;
    std::snprintf(line, sizeof line, "%-6s %14s %14s  FLOP/s\n", "fp64", si_format(c.fp64.one_thread).c_str(),
                  si_format(c.fp64.all_threads).c_str());
    out << line;
    std::snprintf(line, sizeof line, "%-6s %14s %14s  FLOP/s\n", "fp32", si_format(c.fp32.one_thread).c_str(),
                  si_format(c.fp32.all_threads).c_str());
    out << line << "\nbandwidth plateaus (triad, all threads):\n";
    for (size_t i = 0; i < c.plateaus.size(); ++i) {
        const auto& p = c.plateaus[i];
        const char* lvl = c.levels.l1 == i ? "L1" : c.levels.l2 == i ? "L2" : c.levels.l3 == i ? "L3"
                          : c.levels.dram == i ? "DRAM" : "-";
        std::snprintf(line, sizeof line, "  %-5s %10sB/s  working set %sB - %sB (%zu points)\n", lvl,
                      si_format(p.bandwidth).c_str(), si_format(p.min_bytes).c_str(), si_format(p.max_bytes).c_str(),
                      p.last - p.first + 1);
        out << line;
    }
    if (!c.levels.dram) out << "  DRAM: no plateau found (missing in the machine file)\n";
}

// Writes the machine file after checking that what we write loads back.
// The measured sweep as chart data: levels (L1, L2, L3, DRAM) named, other plateaus unnamed.
SweepChart sweep_chart(const ceilings::CpuCeilings& c) {
    SweepChart chart;
    chart.title = "Triad bandwidth vs working set (" + std::to_string(c.threads) + " threads, " + to_string(c.isa) + ")";
    for (const auto& s : c.sweep) chart.sweep.push_back({s.bytes, s.bandwidth});
    for (size_t i = 0; i < c.plateaus.size(); ++i) {
        const auto& p = c.plateaus[i];
        const char* lvl = c.levels.l1 == i ? "L1" : c.levels.l2 == i ? "L2" : c.levels.l3 == i ? "L3"
                          : c.levels.dram == i ? "DRAM" : "";
        chart.plateaus.push_back({p.bandwidth, p.min_bytes, p.max_bytes, lvl});
    }
    return chart;
}

void write_machine(const Machine& m, const std::string& path) {
    std::string machine_json = machine_to_json(m);
    parse_machine_json(machine_json, path);
    write_file_atomically(path, machine_json);
}

int run_gpu(const po::variables_map& vm) {
    if (vm.count("threads") && !vm["threads"].defaulted()) throw_usage_error("--threads applies to --cpu only");
    if (vm.count("max-bytes")) throw_usage_error("--max-bytes applies to --cpu only");
    ceilings::GpuCeilingOptions o;
    o.quick = vm.count("quick") > 0;
    o.device = vm["device"].as<int>();
    if (o.device < 0) throw_usage_error("--device must be >= 0");
    std::string name = vm.count("name") ? vm["name"].as<std::string>() : "measured-gpu";
    ceilings::GpuCeilings c = ceilings::measure_gpu_ceilings(o);
    ceilings::print_gpu_summary(std::cout, c);
    if (vm.count("output")) {
        std::string path = vm["output"].as<std::string>();
        write_machine(ceilings::gpu_ceilings_machine(c, name, "rafter ceilings --gpu"), path);
        std::cout << "\nwrote " << path << "\n";
    }
    return 0;
}

} // namespace

int cmd_ceilings(const Args& args) {
    po::options_description opts = command_options();
    opts.add_options()
        ("cpu", "measure CPU ceilings")
        ("gpu", "measure GPU ceilings (CUDA)");
    add_output_option(opts, "FILE", "machine file to write (.json)");
    opts.add_options()
        ("quick", "fewer sizes and shorter trials")
        ("max-bytes", po::value<std::string>()->value_name("BYTES"),
         "largest triad working set, e.g. 2G (default: 6x the caches the OS reports, at least 1G and at most a "
         "quarter of the memory; 256M with --quick); DRAM needs 3 sweep points beyond twice the caches, so about 3x the caches (4x with --quick)")
        ("threads", po::value<int>()->default_value(0), "threads for the all-threads figures (0 = all)")
        ("device", po::value<int>()->default_value(0), "CUDA device to measure (--gpu)")
        ("name", po::value<std::string>()->value_name("NAME"),
         "machine name in the file (default measured-cpu or measured-gpu)");
    po::variables_map vm = parse_options(args, opts);
    if (vm.count("help")) return print_help(kUsage, opts, HelpEnd::options);
    bool cpu = vm.count("cpu") > 0, gpu = vm.count("gpu") > 0;
    if (cpu == gpu) throw_usage_error("give exactly one of --cpu or --gpu");
    if (gpu) return run_gpu(vm);
    if (!vm["device"].defaulted()) throw_usage_error("--device applies to --gpu only");
    int threads = vm["threads"].as<int>();
    if (threads < 0) throw_usage_error("--threads must be >= 0");

    ceilings::CpuCeilingOptions o;
    o.quick = vm.count("quick") > 0;
    o.threads = threads;
    if (vm.count("max-bytes")) {
        o.max_bytes = parse_bytes("--max-bytes", vm["max-bytes"].as<std::string>());
        if (!(o.max_bytes >= 1 << 20)) throw_usage_error("--max-bytes must be at least 1M");
    }
    ceilings::CpuCeilings c = ceilings::measure_cpu_ceilings(o);
    print_summary(std::cout, c);

    if (vm.count("output")) {
        std::string path = vm["output"].as<std::string>();
        std::string stem = stem_of(path);
        ceilings::CpuMachineWording words;
        words.source = "rafter ceilings --cpu (measured; raw sweep in the .sweep.json next to this file)";
        words.longer_sweep_hint = "run without --quick or with a larger --max-bytes";
        Machine m =
            ceilings::ceilings_machine(c, vm.count("name") ? vm["name"].as<std::string>() : "measured-cpu", words);
        // Prepare everything first, then write: nothing half-written if a step fails.
        std::string machine_json = machine_to_json(m);
        parse_machine_json(machine_json, path);  // what we write must load
        std::ostringstream sweep;
        ceilings::write_sweep_json(sweep, c);
        std::string svg = sweep_svg(sweep_chart(c));
        write_file_atomically(path, machine_json);
        write_file_atomically(stem + ".sweep.json", sweep.str());
        write_file_atomically(stem + ".svg", svg);
        std::cout << "\nwrote " << path << ", " << stem << ".sweep.json, " << stem << ".svg\n";
    }
    return 0;
}

} // namespace rafter::cli
