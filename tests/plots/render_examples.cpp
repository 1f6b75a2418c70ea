// Writes the example charts (synthetic V100 report and degenerate inputs) as SVG into a folder,
// for looking at them and for docs/images.
//   render_examples OUT_DIR [groups] [seed]
//   render_examples OUT_DIR --input FILE_OR_DIR --machine NAME [--group-by kernel|base|op|...]
// The second form renders a real input the way `rafter roofline -o` does.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/atomic_file.h"
#include "model/machines/machine.h"
#include "traces/importer.h"
#include "plots/roofline_svg.h"
#include "synthetic_reports.h"

using namespace rafter;

namespace {

void write_both(const std::string& dir, const std::string& hier_name, const std::string& time_name,
                const RooflineReport& r) {
    write_file_atomically(dir + "/" + hier_name, render_hierarchical_roofline_svg(r));
    write_file_atomically(dir + "/" + time_name, render_time_roofline_svg(r));
}

// A real input, the way `rafter roofline -o` renders it.
void render_input(const std::string& dir, int argc, char** argv) {
    std::vector<std::string> inputs;
    std::string machine_name = "v100-sxm2", group = "kernel";
    for (int i = 2; i + 1 < argc; i += 2) {
        std::string k = argv[i];
        if (k == "--input") inputs.push_back(argv[i + 1]);
        else if (k == "--machine") machine_name = argv[i + 1];
        else if (k == "--group-by") group = argv[i + 1];
    }
    Machine m = load_machine(machine_name);
    ImportOptions io;
    io.arch = m.arch;
    auto traces = load_traces(inputs, io);
    RooflineOptions ro;
    ro.group_by = group_by_from_string(group).value_or(GroupBy::kernel);
    write_both(dir, "roofline.svg", "time-roofline.svg", analyze_roofline(traces, m, ro));
}

// The synthetic report and the degenerate cases.
void render_synthetic(const std::string& dir, size_t n, unsigned seed) {
    write_both(dir, "hierarchical.svg", "time.svg", test::synthetic_report(n, seed));
    RooflineReport empty;
    empty.machine = test::v100_machine();
    write_both(dir, "empty-hierarchical.svg", "empty-time.svg", empty);
    write_both(dir, "missing-hierarchical.svg", "missing-time.svg", test::unplottable_report());
    auto bare = test::synthetic_report(n, seed);
    bare.machine = Machine{};
    bare.machine.name = "bare";
    write_both(dir, "nomachine-hierarchical.svg", "nomachine-time.svg", bare);
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s OUT_DIR [groups] [seed] | OUT_DIR --input PATH [--machine M] [--group-by G]\n",
                     argv[0]);
        return 2;
    }
    std::string dir = argv[1];
    try {
        ensure_directory(dir);
        if (argc > 2 && std::string(argv[2]) == "--input") {
            render_input(dir, argc, argv);
        } else {
            size_t n = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 40;
            unsigned seed = argc > 3 ? static_cast<unsigned>(std::strtoul(argv[3], nullptr, 10)) : 1;
            render_synthetic(dir, n, seed);
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "render_examples: %s\n", e.what());
        return 1;
    }
    return 0;
}
