// Writes the example charts (synthetic V100 report and degenerate inputs) as SVG into a folder,
// for looking at them and for docs/images.
//   render_examples OUT_DIR [groups] [seed]
//   render_examples OUT_DIR --input FILE_OR_DIR --machine NAME [--group-by kernel|base|op|...]
// The second form renders a real input the way `rafter roofline -o` does.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/atomic_file.h"
#include "model/machine.h"
#include "traces/importer.h"
#include "plots/roofline_svg.h"
#include "synthetic_reports.h"

using namespace rafter;

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s OUT_DIR [groups] [seed]\n", argv[0]);
        return 2;
    }
    std::string dir = argv[1];
    if (argc > 2 && std::string(argv[2]) == "--input") {
        std::vector<std::string> inputs;
        std::string machine_name = "v100-sxm2", group = "kernel";
        for (int i = 2; i + 1 < argc; i += 2) {
            std::string k = argv[i];
            if (k == "--input") inputs.push_back(argv[i + 1]);
            else if (k == "--machine") machine_name = argv[i + 1];
            else if (k == "--group-by") group = argv[i + 1];
        }
        try {
            Machine m = load_machine(machine_name);
            ImportOptions io;
            io.arch = m.arch;
            auto traces = load_traces(inputs, io);
            RooflineOptions ro;
            ro.group_by = group_by_from_string(group).value_or(GroupBy::kernel);
            auto report = analyze_roofline(traces, m, ro);
            ensure_directory(dir);
            write_file_atomically(dir + "/roofline.svg", render_hierarchical_roofline_svg(report));
            write_file_atomically(dir + "/time-roofline.svg", render_time_roofline_svg(report));
        } catch (const std::exception& e) {
            std::fprintf(stderr, "render_examples: %s\n", e.what());
            return 1;
        }
        return 0;
    }
    size_t n = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 40;
    unsigned seed = argc > 3 ? static_cast<unsigned>(std::strtoul(argv[3], nullptr, 10)) : 1;
    try {
        ensure_directory(dir);
        auto report = test::synthetic_report(n, seed);
        write_file_atomically(dir + "/hierarchical.svg", render_hierarchical_roofline_svg(report));
        write_file_atomically(dir + "/time.svg", render_time_roofline_svg(report));

        // Degenerate inputs: no groups; groups without FLOPs/bytes; machine without bandwidths.
        RooflineReport empty;
        empty.machine = test::v100_machine();
        write_file_atomically(dir + "/empty-hierarchical.svg", render_hierarchical_roofline_svg(empty));
        write_file_atomically(dir + "/empty-time.svg", render_time_roofline_svg(empty));
        auto m = test::v100_machine();
        auto missing = test::make_report(
            m, {test::make_group("no_flops_kernel", FlopKind::fp32, -1, 1e6, 1e6, 1e6, 1e-3, 1),
                test::make_group("zero_flops_copy", FlopKind::fp32, 0, 1e6, 1e6, 1e6, 1e-3, 1),
                test::make_group("no_bytes_kernel", FlopKind::fp32, 1e9, -1, -1, -1, 1e-3, 1)});
        write_file_atomically(dir + "/missing-hierarchical.svg", render_hierarchical_roofline_svg(missing));
        write_file_atomically(dir + "/missing-time.svg", render_time_roofline_svg(missing));
        Machine bare;
        bare.name = "bare";
        auto nobw = test::synthetic_report(n, seed);
        nobw.machine = bare;
        write_file_atomically(dir + "/nomachine-hierarchical.svg", render_hierarchical_roofline_svg(nobw));
        write_file_atomically(dir + "/nomachine-time.svg", render_time_roofline_svg(nobw));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "render_examples: %s\n", e.what());
        return 1;
    }
    return 0;
}
