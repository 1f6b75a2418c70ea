// Reads traces (any format Rafter imports), runs the roofline analysis against a built-in
// machine and prints the top kernels by time. Usage: top_kernels MACHINE INPUT...
#include <cstdio>
#include <iostream>

#include "analysis/kernel_names.h"
#include "analysis/roofline.h"
#include "core/error.h"
#include "model/machines/machine.h"
#include "traces/importer.h"

int main(int argc, char** argv) {
    if (argc < 3) {
        std::cerr << "usage: top_kernels MACHINE INPUT...\n";
        return 2;
    }
    try {
        rafter::Machine machine = rafter::load_machine(argv[1]);
        rafter::ImportOptions import_options;
        import_options.arch = machine.arch;
        std::vector<std::string> inputs(argv + 2, argv + argc);
        std::vector<rafter::Trace> traces = rafter::load_traces(inputs, import_options);
        rafter::RooflineReport report = rafter::analyze_roofline(traces, machine, {});
        std::printf("%zu groups, %llu launches\n", report.groups.size(),
                    static_cast<unsigned long long>(report.totals.launches));
        for (size_t i = 0; i < report.groups.size() && i < 5; ++i) {
            const auto& g = report.groups[i];
            std::printf("%zu %s %s %.6g\n", i + 1, rafter::to_string(g.bound),
                        rafter::shorten_kernel_name(g.name, 60).c_str(), g.time_s.value_or(-1.0));
        }
    } catch (const rafter::Error& e) {
        std::cerr << "top_kernels: " << e.what() << '\n';
        return 3;
    }
    return 0;
}
