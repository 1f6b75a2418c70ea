// GPU-time breakdown throughput: import + analyze_breakdown of Kineto traces (default: the real
// tests/data/real/kineto/a100-80gb-16rank-rank0.json.gz), next to the import alone measured in the same run, so the
// breakdown's added time and memory are visible. Also times analyze_op_roofline (op-shape).
// Raw-JSON MB/s (decompressed bytes), events/s (rows imported) and peak RSS; wall-clock times,
// plus each run's process CPU time (user + system), which stays meaningful on a loaded machine.
//
// Each measurement runs in a fresh process (this executable re-executed with --one MODE) so that
// the child's ru_maxrss, collected with wait4, is the peak of that run alone. Medians of --reps.
//
//   bench_breakdown [--reps N] [FILE...]
//
// One-core figures: run it under `taskset -c 0`.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "analysis/breakdown.h"
#include "analysis/op_roofline.h"
#include "bench/bench_util.h"
#include "core/error.h"
#include "model/machines/machine.h"
#include "traces/importer.h"
#include "traces/input_file.h"

using namespace rafter::bench;

namespace {

uint64_t rows(const rafter::Trace& t) {
    return t.kernels.size() + t.copies.size() + t.cpu_ops.size() + t.regions.size() + t.steps.size() +
           t.collectives.size();
}

// Child: one run of MODE ("import", "breakdown" or "ops"); prints "import_s analysis_s rows".
int run_one(const std::string& mode, const std::vector<std::string>& files) {
    try {
        double t0 = now_s();
        std::vector<rafter::Trace> traces = rafter::load_traces(files, rafter::ImportOptions{});
        double t1 = now_s();
        uint64_t n = 0;
        for (const auto& t : traces) n += rows(t);
        double analysis = 0;
        if (mode == "breakdown") {
            rafter::BreakdownReport r = rafter::analyze_breakdown(traces);
            analysis = now_s() - t1;
            if (r.ranks.empty()) return 1;
        } else if (mode == "ops") {
            rafter::RooflineOptions o;
            o.group_by = rafter::GroupBy::op_shape;
            rafter::RooflineReport r = rafter::analyze_op_roofline(traces, rafter::load_machine("a100-sxm4-80gb"), o);
            analysis = now_s() - t1;
            if (r.groups.empty()) return 1;
        }
        std::printf("%.9f %.9f %llu\n", t1 - t0, analysis, static_cast<unsigned long long>(n));
        return 0;
    } catch (const rafter::Error& e) {
        std::fprintf(stderr, "bench_breakdown: %s\n", e.what());
        return 1;
    }
}

struct Sample {
    double import_s = 0, analysis_s = 0, rss_mb = 0;
    double cpu_s = 0;  // user + system CPU time of the whole child run
    uint64_t rows = 0;
};

// Re-executes this program with --one MODE FILE... and reads its line.
bool spawn(const std::string& mode, const std::vector<std::string>& files, Sample& out) {
    std::vector<std::string> args = {self_exe(), "--one", mode};
    args.insert(args.end(), files.begin(), files.end());
    ChildRun run = run_child(args);
    unsigned long long r = 0;
    if (!run.succeeded() || std::sscanf(run.out.c_str(), "%lf %lf %llu", &out.import_s, &out.analysis_s, &r) != 3)
        return false;
    out.rows = r;
    out.rss_mb = run.peak_rss_mb;
    out.cpu_s = run.cpu_seconds;
    return true;
}

} // namespace

int main(int argc, char** argv) {
    int reps = 5;
    std::vector<std::string> files;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--one" && i + 1 < argc) {
            std::string mode = argv[++i];
            return run_one(mode, std::vector<std::string>(argv + i + 1, argv + argc));
        }
        if (a == "--reps" && i + 1 < argc) reps = std::max(1, std::atoi(argv[++i]));
        else if (a == "--help" || a == "-h") {
            std::puts("usage: bench_breakdown [--reps N] [FILE...]");
            return 0;
        } else files.push_back(a);
    }
    if (files.empty()) {
        const char* env = std::getenv("RAFTER_REAL_DATA_DIR");
        files.push_back(std::string(env ? env : RAFTER_DEFAULT_REAL_DATA_DIR) + "/kineto/a100-80gb-16rank-rank0.json.gz");
    }
    double raw = 0, gz = 0;
    try {
        for (const auto& f : files) {
            raw += static_cast<double>(rafter::read_file(f).size());
            gz += static_cast<double>(rafter::file_size(f));
        }
    } catch (const rafter::Error& e) {
        std::fprintf(stderr, "bench_breakdown: %s\n", e.what());
        return 1;
    }
    const char* modes[] = {"import", "breakdown", "ops"};
    std::vector<Sample> samples[3];
    for (int r = 0; r < reps; ++r)
        for (int m = 0; m < 3; ++m) {
            Sample s;
            if (!spawn(modes[m], files, s)) {
                std::fprintf(stderr, "bench_breakdown: the %s run failed\n", modes[m]);
                return 1;
            }
            samples[m].push_back(s);
        }
    auto med = [&](int m, auto field) {
        std::vector<double> v;
        for (const auto& s : samples[m]) v.push_back(field(s));
        return median(v);
    };
    double mb = raw / 1e6;
    uint64_t n = samples[0].front().rows;
    std::printf("bench_breakdown: %zu file(s), %.1f MB raw JSON (%.1f MB gzip), %llu rows; %d reps, medians\n",
                files.size(), mb, gz / 1e6, static_cast<unsigned long long>(n), reps);
    double imp = med(0, [](const Sample& s) { return s.import_s; });
    double rss0 = med(0, [](const Sample& s) { return s.rss_mb; });
    double cpu0 = med(0, [](const Sample& s) { return s.cpu_s; });
    std::printf("  baseline: import alone             %8.1f ms  %7.1f MB/s  %10.0f rows/s  peak RSS %7.1f MB  "
                "(process CPU %.1f ms)\n",
                imp * 1e3, mb / imp, static_cast<double>(n) / imp, rss0, cpu0 * 1e3);
    for (int m = 1; m < 3; ++m) {
        double i = med(m, [](const Sample& s) { return s.import_s; });
        double a = med(m, [](const Sample& s) { return s.analysis_s; });
        double tot = med(m, [](const Sample& s) { return s.import_s + s.analysis_s; });
        double rss = med(m, [](const Sample& s) { return s.rss_mb; });
        double cpu = med(m, [](const Sample& s) { return s.cpu_s; });
        std::printf("  import + %-10s                %8.1f ms  %7.1f MB/s  %10.0f rows/s  peak RSS %7.1f MB  "
                    "(process CPU %.1f ms)\n",
                    m == 1 ? "breakdown" : "op roofline", tot * 1e3, mb / tot, static_cast<double>(n) / tot, rss,
                    cpu * 1e3);
        std::printf("    %-12s alone                %8.1f ms  (import in that run %.1f ms)  +%.1f%% time, +%.1f MB RSS\n",
                    m == 1 ? "breakdown" : "op roofline", a * 1e3, i * 1e3, 100.0 * a / imp, rss - rss0);
    }
    return 0;
}
