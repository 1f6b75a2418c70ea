// Kineto import throughput: raw-JSON MB/s, events/s and peak RSS of `read_kineto_file`, next to
// Python's json.load on the same file, gunzip alone, measured in the same run (medians).
//
// Each measurement runs in a fresh process (this executable re-executed with --one, or python3)
// so that getrusage(RUSAGE_CHILDREN)-style ru_maxrss from wait4 is the peak of that run alone.
//
//   bench_kineto [--reps N] [--python-reps N] [--no-python] FILE...
//
// One-core figures: run it under `taskset -c 0`.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "core/error.h"
#include "traces/gzip_stream.h"
#include "traces/importers/kineto/kineto_importer.h"

using namespace rafter::bench;

namespace {

// Child modes: print "seconds events json_bytes kernels cpu_ops" for one import or gunzip.
double cpu_s() { return cpu_seconds(resource_usage()); }

int child_import(const char* path) {
    rafter::ImportOptions opt;
    rafter::KinetoReadStats st;
    double c0 = cpu_s();
    double t0 = now_s();
    rafter::Trace t = rafter::read_kineto_file(path, opt, &st);
    double dt = now_s() - t0;
    double dc = cpu_s() - c0;
    std::printf("%.6f %llu %llu %zu %.6f\n", dt, static_cast<unsigned long long>(st.events),
                static_cast<unsigned long long>(st.json_bytes), t.kernels.size() + t.cpu_ops.size(), dc);
    return 0;
}

int child_gunzip(const char* path) {
    auto src = rafter::ChunkSource::open_file(path);
    std::vector<char> buf(256 * 1024);
    double c0 = cpu_s();
    double t0 = now_s();
    unsigned long long total = 0;
    for (size_t n; (n = src.read(buf.data(), buf.size())) > 0;) total += n;
    std::printf("%.6f 0 %llu 0 %.6f\n", now_s() - t0, total, cpu_s() - c0);
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    try {
        if (argc == 3 && std::strcmp(argv[1], "--one") == 0) return child_import(argv[2]);
        if (argc == 3 && std::strcmp(argv[1], "--gunzip") == 0) return child_gunzip(argv[2]);
    } catch (const rafter::Error& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 3;
    }
    int reps = 5, python_reps = 3;
    bool python = true;
    std::vector<std::string> files;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--reps" && i + 1 < argc) reps = std::atoi(argv[++i]);
        else if (a == "--python-reps" && i + 1 < argc) python_reps = std::atoi(argv[++i]);
        else if (a == "--no-python") python = false;
        else files.push_back(a);
    }
    if (files.empty()) {
        std::fprintf(stderr, "usage: bench_kineto [--reps N] [--python-reps N] [--no-python] FILE...\n");
        return 2;
    }
    const std::string self = self_exe();

    std::printf("%-28s %8s %8s | %7s %7s %7s %7s %7s %7s %6s | %7s %7s | %7s %7s %7s %7s %7s %7s\n", "file",
                "json_MB", "events", "wall_s", "cpu_s", "MB/s", "MB/s", "Mev/s", "rss_MB", "rss/js",
                "gz_cpu", "MB/s", "py_s", "py_cpu", "MB/s", "rss_MB", "x_wall", "x_cpu");
    std::printf("%-28s %8s %8s | %7s %7s %7s %7s %7s %7s %6s | %7s %7s | %7s %7s %7s %7s %7s %7s\n", "", "", "",
                "", "", "(wall)", "(cpu)", "(cpu)", "", "", "", "(cpu)", "", "", "(cpu)", "", "", "");
    for (const auto& f : files) {
        std::vector<double> t_imp, c_imp, rss_imp, c_gz, t_py, c_py, rss_py;
        unsigned long long events = 0, json_bytes = 0;
        for (int r = 0; r < reps; ++r) {
            ChildRun res = run_child({self, "--one", f});
            if (!res.succeeded()) { std::fprintf(stderr, "import failed for %s\n", f.c_str()); return 1; }
            double secs = 0, cpu = 0;
            unsigned long long rows = 0;
            std::sscanf(res.out.c_str(), "%lf %llu %llu %llu %lf", &secs, &events, &json_bytes, &rows, &cpu);
            t_imp.push_back(secs);
            c_imp.push_back(cpu);
            rss_imp.push_back(res.peak_rss_mb);
            ChildRun gz = run_child({self, "--gunzip", f});
            double gs = 0, gc = 0;
            unsigned long long z0, z1, z2;
            std::sscanf(gz.out.c_str(), "%lf %llu %llu %llu %lf", &gs, &z0, &z1, &z2, &gc);
            c_gz.push_back(gc);
        }
        for (int r = 0; python && r < python_reps; ++r) {
            std::string code = "import json,gzip,sys; p=sys.argv[1]; "
                               "json.load(gzip.open(p) if p.endswith('.gz') else open(p,'rb'))";
            ChildRun res = run_child({"python3", "-c", code, f});
            if (!res.succeeded()) { std::fprintf(stderr, "python failed for %s\n", f.c_str()); python = false; break; }
            t_py.push_back(res.seconds);
            c_py.push_back(res.cpu_seconds);
            rss_py.push_back(res.peak_rss_mb);
        }
        double mb = static_cast<double>(json_bytes) / 1e6;
        double ti = median(t_imp), ci = median(c_imp), cg = median(c_gz), rss = median(rss_imp);
        std::string name = f.substr(f.find_last_of('/') + 1);
        if (name.size() > 28) name = name.substr(0, 28);
        std::printf("%-28s %8.1f %8llu | %7.3f %7.3f %7.1f %7.1f %7.2f %7.1f %6.2f | %7.3f %7.1f |", name.c_str(),
                    mb, events, ti, ci, mb / ti, mb / ci, static_cast<double>(events) / ci / 1e6, rss, rss / mb,
                    cg, cg > 0 ? mb / cg : 0.0);
        if (!t_py.empty()) {
            double tp = median(t_py), cp = median(c_py);
            std::printf(" %7.2f %7.2f %7.1f %7.1f %6.1fx %6.1fx\n", tp, cp, mb / cp, median(rss_py), tp / ti, cp / ci);
        } else {
            std::printf(" %7s %7s %7s %7s %7s %7s\n", "-", "-", "-", "-", "-", "-");
        }
        std::fflush(stdout);
    }
    std::printf("\nwall_s/cpu_s: medians (reps=%d) of the wall and CPU (user+sys) time of read_kineto_file in a\n"
                "fresh child process (one thread); rss_MB: peak RSS of that process; gz_cpu: CPU time of gunzip\n"
                "alone; py_s/py_cpu: wall and CPU time of python3 -c 'json.load(gzip.open(F))' including\n"
                "interpreter start (reps=%d); x_wall, x_cpu: Python time / Rafter time. MB are 10^6 bytes of\n"
                "JSON text (decompressed). On a shared machine CPU time is the figure to compare.\n", reps, python_reps);
    return 0;
}
