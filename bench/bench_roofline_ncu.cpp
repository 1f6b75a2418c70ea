// Roofline pipeline throughput on the twelve deepcam-v100-fw Nsight Compute exports: import
// (load_traces, all files merged into one trace) and analyze_roofline, as CSV MB/s and launches/s,
// next to the I/O floor measured in the same run (read every file + memchr newline scan).
// Medians of --reps repetitions; peak RSS from getrusage(ru_maxrss) of this process.
//
//   bench_roofline_ncu [--reps N] [DIR]
//
// DIR defaults to $RAFTER_REAL_DATA_DIR/ncu/deepcam-v100-fw, else to tests/data/real/ncu/
// deepcam-v100-fw in the source tree. One-core figures: run it under `taskset -c 0`.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "analysis/roofline.h"
#include "bench/bench_util.h"
#include "core/error.h"
#include "model/machines/machine.h"
#include "traces/importer.h"

using namespace rafter::bench;

namespace {

// The I/O floor: read each file whole and count its lines with memchr.
size_t read_and_scan(const std::vector<std::string>& files, std::string& buf) {
    size_t lines = 0;
    for (const auto& f : files) {
        std::ifstream in(f, std::ios::binary);
        in.seekg(0, std::ios::end);
        buf.resize(static_cast<size_t>(in.tellg()));
        in.seekg(0);
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        const char* p = buf.data();
        const char* end = p + buf.size();
        while ((p = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p))))) {
            ++lines;
            ++p;
        }
    }
    return lines;
}

} // namespace

int main(int argc, char** argv) {
    int reps = 10;
    std::string dir;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--reps" && i + 1 < argc) reps = std::max(1, std::atoi(argv[++i]));
        else if (a == "--help" || a == "-h") {
            std::puts("usage: bench_roofline_ncu [--reps N] [DIR]");
            return 0;
        } else dir = a;
    }
    if (dir.empty()) {
        const char* env = std::getenv("RAFTER_REAL_DATA_DIR");
        dir = std::string(env ? env : RAFTER_DEFAULT_REAL_DATA_DIR) + "/ncu/deepcam-v100-fw";
    }
    namespace fs = std::filesystem;
    std::vector<std::string> files;
    size_t bytes = 0;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.is_regular_file()) files.push_back(e.path().string()), bytes += e.file_size();
    std::sort(files.begin(), files.end());
    if (ec || files.empty()) {
        std::fprintf(stderr, "bench_roofline_ncu: no input files in %s\n", dir.c_str());
        return 1;
    }

    try {
        rafter::Machine machine = rafter::load_machine("v100-sxm2");
        rafter::ImportOptions io;
        io.arch = machine.arch;
        rafter::RooflineOptions ro;

        std::vector<double> t_base, t_import, t_analyze;
        std::string buf;
        size_t lines = 0, launches = 0, groups = 0;
        for (int r = 0; r < reps; ++r) {
            double t0 = now_s();
            lines = read_and_scan(files, buf);
            double t1 = now_s();
            std::vector<rafter::Trace> traces = rafter::load_traces({dir}, io);
            double t2 = now_s();
            rafter::RooflineReport report = rafter::analyze_roofline(traces, machine, ro);
            double t3 = now_s();
            t_base.push_back(t1 - t0);
            t_import.push_back(t2 - t1);
            t_analyze.push_back(t3 - t2);
            launches = report.totals.launches;
            groups = report.groups.size();
        }
        double mb = static_cast<double>(bytes) / 1e6;
        double base = median(t_base), imp = median(t_import), ana = median(t_analyze);
        std::vector<double> t_total;
        for (int r = 0; r < reps; ++r) t_total.push_back(t_import[r] + t_analyze[r]);
        double total = median(t_total);
        std::printf("bench_roofline_ncu: %s\n", dir.c_str());
        std::printf("  %zu files, %.2f MB, %zu lines, %zu launches, %zu groups; %d reps, medians\n", files.size(), mb,
                    lines, launches, groups, reps);
        std::printf("  baseline read + memchr line scan : %8.2f ms  %8.1f MB/s\n", base * 1e3, mb / base);
        std::printf("  import (load_traces)             : %8.2f ms  %8.1f MB/s  %10.0f launches/s  %.1fx baseline time\n",
                    imp * 1e3, mb / imp, static_cast<double>(launches) / imp, imp / base);
        std::printf("  analyze_roofline                 : %8.3f ms              %10.0f launches/s\n", ana * 1e3,
                    static_cast<double>(launches) / ana);
        std::printf("  import + analyze                 : %8.2f ms  %8.1f MB/s  %10.0f launches/s  %.1fx baseline time\n",
                    total * 1e3, mb / total, static_cast<double>(launches) / total, total / base);
        std::printf("  peak RSS (whole process)         : %8.1f MB\n", peak_rss_mb(resource_usage()));
    } catch (const rafter::Error& e) {
        std::fprintf(stderr, "bench_roofline_ncu: %s\n", e.what());
        return 1;
    }
    return 0;
}
