// rafter-comm-sweep: times one MPI collective over message sizes (8 B .. 64 MiB by default,
// doubling) and prints the result in nccl-tests' text format, so that `rafter calibrate comm`
// reads it with the same parser as nccl-tests output (model/scaling/comm_benchmark_import.cpp). Linked with MPI
// only; `rafter calibrate comm --mpi` launches it under mpirun/srun, or users run it by hand.
//
// Per size and per column (out-of-place, then in-place): `warmup` untimed calls, a barrier, then
// `iters` timed calls; each rank's average (MPI_Wtime) is reduced with MAX to rank 0, because a
// collective is done only when its slowest rank is. One more call on known data is checked
// (#wrong: elements that differ from the exact expected value, summed over ranks).
#include <mpi.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>
#include <vector>

namespace {

enum class Op { all_reduce, all_gather, reduce_scatter };

struct Options {
    Op op = Op::all_reduce;
    long long min_bytes = 8;
    long long max_bytes = 64ll << 20;
    int iters = 20;
    int warmup = 5;
};

const char* kUsage =
    "usage: rafter-comm-sweep [--op all_reduce|all_gather|reduce_scatter] [--min-bytes B]\n"
    "                         [--max-bytes B] [--iters N] [--warmup N]\n"
    "Run under mpirun/srun. Times the MPI collective on float data for sizes min..max (doubling;\n"
    "default 8 .. 64M; K/M/G suffixes are powers of 1024) and prints nccl-tests' text format on\n"
    "rank 0; time = max over ranks of each rank's average over --iters calls (default 20) after\n"
    "--warmup calls (default 5). Feed the output to `rafter calibrate comm FILE`.\n";

bool parse_int(const std::string& s, long long& out) {
    if (s.empty()) return false;
    char* end = nullptr;
    long long v = std::strtoll(s.c_str(), &end, 10);
    long long mult = 1;
    std::string rest = end;
    if (rest == "k" || rest == "K") mult = 1ll << 10;
    else if (rest == "m" || rest == "M") mult = 1ll << 20;
    else if (rest == "g" || rest == "G") mult = 1ll << 30;
    else if (!rest.empty()) return false;
    if (end == s.c_str() || v < 0) return false;
    out = v * mult;
    return true;
}

// Returns an error message, or "" when the options are fine.
std::string parse_options(int argc, char** argv, Options& o, bool& help) {
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--help" || a == "-h") {
            help = true;
            return "";
        }
        if (i + 1 >= argc) return "option '" + a + "' is unknown or lacks its value";
        std::string v = argv[++i];
        long long n = 0;
        if (a == "--op") {
            if (v == "all_reduce" || v == "allreduce") o.op = Op::all_reduce;
            else if (v == "all_gather" || v == "allgather") o.op = Op::all_gather;
            else if (v == "reduce_scatter" || v == "reducescatter") o.op = Op::reduce_scatter;
            else return "--op expects all_reduce, all_gather or reduce_scatter, got '" + v + "'";
        } else if (a == "--min-bytes" || a == "--max-bytes") {
            if (!parse_int(v, n) || n < 4 || n > (16ll << 30))
                return a + " expects a size from 4 B to 16G (such as 4096, 64K, 1M), got '" + v + "'";
            (a == "--min-bytes" ? o.min_bytes : o.max_bytes) = n;
        } else if (a == "--iters" || a == "--warmup") {
            if (!parse_int(v, n) || n > 1000000 || (a == "--iters" && n < 1))
                return a + " expects a count (--iters at least 1), got '" + v + "'";
            (a == "--iters" ? o.iters : o.warmup) = static_cast<int>(n);
        } else {
            return "unknown option '" + a + "'";
        }
    }
    if (o.min_bytes > o.max_bytes) return "--min-bytes is larger than --max-bytes";
    return "";
}

const char* op_name(Op op) {
    switch (op) {
    case Op::all_reduce: return "all_reduce";
    case Op::all_gather: return "all_gather";
    case Op::reduce_scatter: return "reduce_scatter";
    }
    return "?";
}

// nccl-tests' bus-bandwidth factors (doc/PERFORMANCE.md there).
double busbw_factor(Op op, int p) {
    if (p < 2) return 0;
    return op == Op::all_reduce ? 2.0 * (p - 1) / p : double(p - 1) / p;
}

// Element i of rank r's input: small integers, so float sums over ranks are exact in any order
// (they stay below 2^24 up to about 150000 ranks).
float input_value(int rank, long long i) { return static_cast<float>(rank % 16 + 1 + 16 * (i % 7)); }

struct Buffers {
    std::vector<float> send, recv;
};

// One sweep point: `total` elements is nccl-tests' "count" (the all-reduce vector, the gathered
// output, the scattered input); `block` = total / ranks is each rank's share.
struct Point {
    long long total = 0, block = 0;
};

void run(Op op, const Point& pt, Buffers& b, bool in_place) {
    int count = static_cast<int>(op == Op::all_reduce ? pt.total : pt.block);
    float* s = b.send.data();
    float* r = b.recv.data();
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    switch (op) {
    case Op::all_reduce:
        MPI_Allreduce(in_place ? MPI_IN_PLACE : s, r, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
        break;
    case Op::all_gather:
        MPI_Allgather(in_place ? MPI_IN_PLACE : s, count, MPI_FLOAT, r, count, MPI_FLOAT, MPI_COMM_WORLD);
        break;
    case Op::reduce_scatter:
        // In place, the input is all of r and this rank's block of the result lands at r[0].
        MPI_Reduce_scatter_block(in_place ? MPI_IN_PLACE : s, r, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
        break;
    }
}

// Fills the buffers for one checked call (in place: the input goes where MPI expects it).
void fill_inputs(Op op, const Point& pt, Buffers& b, bool in_place, int rank) {
    long long n_in = op == Op::all_gather ? pt.block : pt.total;
    float* in = b.send.data();
    if (in_place) in = op == Op::all_gather ? b.recv.data() + rank * pt.block : b.recv.data();
    for (long long i = 0; i < n_in; ++i) in[i] = input_value(rank, op == Op::all_gather ? rank * pt.block + i : i);
}

long long count_wrong(Op op, const Point& pt, const Buffers& b, int rank, int ranks) {
    long long wrong = 0;
    double base = 0;  // sum over ranks of input_value(q, i) - 16 * ranks * (i % 7)
    for (int q = 0; q < ranks; ++q) base += q % 16 + 1;
    auto sum_over_ranks = [&](long long i) { return base + 16.0 * ranks * static_cast<double>(i % 7); };
    if (op == Op::all_reduce) {
        for (long long i = 0; i < pt.total; ++i) wrong += b.recv[i] != sum_over_ranks(i);
    } else if (op == Op::all_gather) {
        for (long long i = 0; i < pt.total; ++i) wrong += b.recv[i] != input_value(static_cast<int>(i / pt.block), i);
    } else {
        for (long long i = 0; i < pt.block; ++i) wrong += b.recv[i] != sum_over_ranks(rank * pt.block + i);
    }
    return wrong;
}

struct Column {
    double time_us = 0;
    long long wrong = 0;
};

Column measure(const Options& o, const Point& pt, Buffers& b, bool in_place, int rank, int ranks) {
    // Timed calls run on zeros: in place, repeated sums of real data would grow without bound.
    std::fill(b.send.begin(), b.send.end(), 0.0f);
    std::fill(b.recv.begin(), b.recv.end(), 0.0f);
    for (int i = 0; i < o.warmup; ++i) run(o.op, pt, b, in_place);
    MPI_Barrier(MPI_COMM_WORLD);
    double t0 = MPI_Wtime();
    for (int i = 0; i < o.iters; ++i) run(o.op, pt, b, in_place);
    double mine = (MPI_Wtime() - t0) / o.iters, slowest = 0;
    MPI_Reduce(&mine, &slowest, 1, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);

    fill_inputs(o.op, pt, b, in_place, rank);
    run(o.op, pt, b, in_place);
    long long wrong = count_wrong(o.op, pt, b, rank, ranks), all_wrong = 0;
    MPI_Reduce(&wrong, &all_wrong, 1, MPI_LONG_LONG, MPI_SUM, 0, MPI_COMM_WORLD);
    return {slowest * 1e6, all_wrong};
}

// nccl-tests' number formats: time %7.2f below 10 ms, %7.0f above; bandwidths %6.2f GB/s.
std::string format_column(const Column& c, double bytes, double factor) {
    char time[32], out[128];
    std::snprintf(time, sizeof time, c.time_us >= 10000.0 ? "%7.0f" : "%7.2f", c.time_us);
    double algbw = bytes / (c.time_us * 1e-6) / 1e9;
    std::snprintf(out, sizeof out, "  %7s  %6.2f  %6.2f  %5lld", time, algbw, algbw * factor, c.wrong);
    return out;
}

// Rank lines name each rank's host (MPI_Get_processor_name): the parser counts distinct hosts to
// tell the tier (one host: intra-node, where MPI uses shared memory and not the network).
void print_header(const Options& o, int ranks) {
    char name[MPI_MAX_PROCESSOR_NAME] = {};
    int len = 0;
    MPI_Get_processor_name(name, &len);
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    std::vector<char> names(rank == 0 ? size_t(ranks) * MPI_MAX_PROCESSOR_NAME : 1);
    MPI_Gather(name, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, names.data(), MPI_MAX_PROCESSOR_NAME, MPI_CHAR, 0,
               MPI_COMM_WORLD);
    int pid = static_cast<int>(getpid());
    std::vector<int> pids(rank == 0 ? ranks : 1);
    MPI_Gather(&pid, 1, MPI_INT, pids.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (rank != 0) return;

    char version[MPI_MAX_LIBRARY_VERSION_STRING] = {};
    int vlen = 0;
    MPI_Get_library_version(version, &vlen);
    std::string lib(version, static_cast<size_t>(vlen));
    lib = lib.substr(0, lib.find_first_of("\r\n,"));
    std::set<std::string> hosts;
    for (int r = 0; r < ranks; ++r) hosts.insert(std::string(&names[size_t(r) * MPI_MAX_PROCESSOR_NAME]));

    std::printf("# rafter-comm-sweep (%s): MPI collective timings in nccl-tests' text format; algbw/busbw in GB/s\n",
                lib.c_str());
    std::printf("# Collective test starting: %s_perf\n", op_name(o.op));
    std::printf("# nThread 1 nGpus 0 minBytes %lld maxBytes %lld step: 2(factor) warmup iters: %d iters: %d "
                "agg iters: 1 validation: 1 graph: 0\n",
                o.min_bytes, o.max_bytes, o.warmup, o.iters);
    std::printf("# ranks %d hosts %zu: %s\n", ranks, hosts.size(),
                hosts.size() > 1 ? "inter-node tier (the network between the hosts)"
                                 : "intra-node tier (one host: MPI moves the data through shared memory, not a network)");
    std::printf("# time: max over ranks of each rank's average over the timed calls (MPI_Wtime); data: float\n");
    std::printf("#\n# Using ranks\n");
    for (int r = 0; r < ranks; ++r)
        std::printf("#  Rank %2d Group  0 Pid %6d on %10s device  - [cpu] MPI rank\n", r, pids[size_t(r)],
                    &names[size_t(r) * MPI_MAX_PROCESSOR_NAME]);
    std::printf("#\n"
                "#                                                              out-of-place                       in-place          \n"
                "#       size         count      type   redop    root     time   algbw   busbw #wrong     time   algbw   busbw #wrong\n"
                "#        (B)    (elements)                               (us)  (GB/s)  (GB/s)            (us)  (GB/s)  (GB/s)       \n");
    std::fflush(stdout);
}

int sweep(const Options& o) {
    int rank = 0, ranks = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    print_header(o, ranks);

    long long max_total = o.max_bytes / 4;
    Buffers b;
    b.send.resize(static_cast<size_t>(o.op == Op::all_gather ? max_total / ranks + 1 : max_total));
    b.recv.resize(static_cast<size_t>(max_total));
    double factor = busbw_factor(o.op, ranks);
    long long total_wrong = 0;
    double busbw_sum = 0;
    int points = 0;
    // The first calls of a run pay for connection set-up and for touching the buffers' pages;
    // spend that before the first timed size (once at the largest size, then at the smallest).
    for (long long bytes : {o.max_bytes, o.min_bytes}) {
        Point pt;
        pt.total = std::max(1ll, std::min<long long>(bytes / 4, INT32_MAX));
        pt.block = pt.total / ranks;
        if (o.op != Op::all_reduce && pt.block == 0) continue;
        if (o.op != Op::all_reduce) pt.total = pt.block * ranks;
        for (int i = 0; i < std::max(1, o.warmup); ++i) run(o.op, pt, b, false);
    }
    for (long long bytes = o.min_bytes; bytes <= o.max_bytes; bytes *= 2) {
        Point pt;
        pt.total = std::max(1ll, bytes / 4);
        if (o.op != Op::all_reduce) {
            pt.block = pt.total / ranks;
            pt.total = pt.block * ranks;  // nccl-tests rounds the same way: every rank gets a block
            if (pt.block == 0) {
                if (rank == 0) std::printf("# %lld B skipped: fewer elements than ranks\n", bytes);
                continue;
            }
        }
        if (pt.total > INT32_MAX) break;  // MPI counts are int
        Column out = measure(o, pt, b, false, rank, ranks);
        Column in = measure(o, pt, b, true, rank, ranks);
        if (rank != 0) continue;
        double size = static_cast<double>(pt.total) * 4;
        std::printf("%12lld  %12lld  %8s  %6s  %6i%s%s\n", pt.total * 4, pt.total, "float",
                    o.op == Op::all_gather ? "none" : "sum", -1, format_column(out, size, factor).c_str(),
                    format_column(in, size, factor).c_str());
        std::fflush(stdout);
        total_wrong += out.wrong + in.wrong;
        busbw_sum += size / (out.time_us * 1e-6) / 1e9 * factor;
        ++points;
    }
    if (rank == 0) {
        std::printf("# Out of bounds values : %lld %s\n", total_wrong, total_wrong ? "FAILED" : "OK");
        std::printf("# Avg bus bandwidth    : %g \n#\n", points ? busbw_sum / points : 0.0);
    }
    return total_wrong ? 1 : 0;
}

} // namespace

#if defined(__SANITIZE_ADDRESS__)
// Sanitizer builds: Open MPI's libraries leave thousands of allocations (strdup in its plugins)
// unfreed at exit, and LeakSanitizer would turn every run into exit 1. Address and UB checks of
// this program stay on; only the leak report at exit is off.
extern "C" const char* __asan_default_options() { return "detect_leaks=0"; }
#endif

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    Options o;
    bool help = false;
    std::string err = parse_options(argc, argv, o, help);
    int rc = 0;
    if (help) {
        if (rank == 0) std::fputs(kUsage, stdout);
    } else if (!err.empty()) {
        if (rank == 0) std::fprintf(stderr, "rafter-comm-sweep: %s\n%s", err.c_str(), kUsage);
        rc = 2;
    } else {
        rc = sweep(o);
    }
    MPI_Finalize();
    return rc;
}
