// `rafter calibrate comm|io|gemm`: fit the alpha-beta communication model to nccl-tests / OSU
// output, measure (or read fio's measurement of) a directory's read bandwidth and file-open rate,
// and fit the GEMM model's share of peak and per-call overhead to a profile's measured GEMMs.
// The results are JSON documents a scenario can use (docs/scaling.md, "Calibration").
#include <iostream>
#include <sstream>
#include <thread>

#include "analysis/gemm_samples.h"
#include "cli/commands.h"
#include "cli/load_inputs.h"
#include "cli/options.h"
#include "cli/parse_bytes.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/json_writer.h"
#include "core/text.h"
#include "model/scaling/comm_benchmark_import.h"
#include "model/scaling/fio_import.h"
#include "profiler/io_probe/io_probe.h"
#include "model/scaling/io_profile.h"
#include "profiler/comm_sweep/sweep_launch.h"
#include "report/gemm_calibration_report.h"
#include "traces/input_file.h"

namespace rafter::cli {

namespace {

const char* kUsage =
    "usage: rafter calibrate comm FILE... [--collective NAME] [--ranks N] [--nodes N]\n"
    "                                     [--nics-per-node N] [--min-bytes B] [--max-bytes B]\n"
    "                                     [--in-place] [--format table|json] [-o FILE]\n"
    "       rafter calibrate comm --mpi [--np N] [--mpirun CMD] [--collective NAME] [--min-bytes B]\n"
    "                                   [--max-bytes B] [--iters N] [--warmup N] [--save-sweep FILE]\n"
    "                                   [FILE...] [--format table|json] [-o FILE]\n"
    "       rafter calibrate io DIR [--size BYTES] [--seconds S] [--no-direct] [--format table|json] [-o FILE]\n"
    "       rafter calibrate io --from-fio FILE [--format table|json] [-o FILE]\n"
    "       rafter calibrate gemm TRACE... [--machine NAME|FILE] [--format table|json] [-o FILE]\n\n"
    "comm: fits t = latency + n * seconds_per_byte to nccl-tests output (all_reduce_perf,\n"
    "  all_gather_perf, reduce_scatter_perf, broadcast_perf, alltoall_perf, sendrecv_perf) or OSU\n"
    "  latency tests (osu_allreduce, ..., osu_latency), weighting every size by its relative error,\n"
    "  and converts the fit to a per-hop alpha and a bandwidth with the ring formulas; one node ->\n"
    "  intra-node tier, several -> inter-node. Prints the fit residual. The JSON\n"
    "  (rafter.comm_calibration/1) carries a topology block for a scenario.\n"
    "comm --mpi: runs its own sweep first: 'mpirun -np N rafter-comm-sweep' (N default 2;\n"
    "  --oversubscribe when N exceeds the cores) times MPI all-reduce (or --collective all_gather,\n"
    "  reduce_scatter) from --min-bytes (default 8) to --max-bytes (default 64M), doubling, and\n"
    "  fits its nccl-tests-format output like a file. --mpirun replaces 'mpirun' (e.g. 'srun' or\n"
    "  'mpirun --hostfile h'; -np N / srun's -n N is added only when --np is given). On one machine\n"
    "  MPI uses shared memory: that calibrates the intra-node tier, not a network. As root, the\n"
    "  child gets OMPI_ALLOW_RUN_AS_ROOT(_CONFIRM)=1. Exit 6 when the build has no MPI.\n"
    "io: writes a temporary file (at most --size, default 256M, and a quarter of the free space)\n"
    "  and a few thousand empty files in DIR, reads them back within --seconds (default 20) and\n"
    "  removes them: sequential and random read bandwidth and file-open rate (rafter.io_profile/1).\n"
    "  Reads use O_DIRECT when the filesystem supports it; otherwise the page cache may inflate\n"
    "  the bandwidths (the profile says so). --from-fio reads fio --output-format=json instead.\n"
    "gemm: fits the GEMM model of `rafter scale` (time = overhead + 2BMNK / (peak x max_fraction x\n"
    "  wave fill)) to the GEMM calls (aten::mm, addmm, bmm, ...) a PyTorch profile recorded with\n"
    "  shapes, one fit per precision; each distinct shape counts once, at its median time;\n"
    "  memory-bound shapes are left out. Prints each shape's measured and modeled time and the\n"
    "  leave-one-out error. The JSON (rafter.gemm_calibration/1) carries a gemm block for a\n"
    "  scenario's system.gemm; `rafter scale --profile` fits the same way by itself.\n\n";

int parse_count(const std::string& opt, const std::string& s) {
    auto v = parse_number(s);
    if (!v || *v < 1 || *v > 1e8 || *v != static_cast<double>(static_cast<int64_t>(*v)))
        throw_usage_error(opt + " expects a positive integer, got '" + s + "'");
    return static_cast<int>(*v);
}

void emit(const std::string& json, const std::string& table, const po::variables_map& vm) {
    std::string format = vm["format"].as<std::string>();
    if (vm.count("output")) {
        AtomicFile f(vm["output"].as<std::string>());
        f.stream() << json;
        f.commit();
    }
    std::cout << (format == "json" ? json : table);
}

std::vector<std::string> words(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

// The --mpi options, checked before anything runs (so a bad value is a usage error even in a
// build without MPI).
std::optional<CommSweepRequest> sweep_request(const po::variables_map& vm, std::optional<Collective> coll) {
    bool mpi = vm.count("mpi") > 0;
    for (const char* o : {"np", "mpirun", "iters", "warmup", "save-sweep"})
        if (vm.count(o) && !mpi) throw_usage_error(std::string("--") + o + " needs --mpi");
    if (!mpi) return std::nullopt;
    CommSweepRequest r;
    if (vm.count("np")) r.np = parse_count("--np", vm["np"].as<std::string>());
    if (vm.count("mpirun")) {
        r.launcher = words(vm["mpirun"].as<std::string>());
        if (r.launcher.empty()) throw_usage_error("--mpirun expects a launcher command such as 'srun' or 'mpirun --hostfile h'");
        r.default_launcher = false;
    }
    if (coll) {
        if (*coll != Collective::all_reduce && *coll != Collective::all_gather && *coll != Collective::reduce_scatter)
            throw_usage_error("the MPI sweep measures all_reduce, all_gather or reduce_scatter, not " +
                              std::string(to_string(*coll)));
        r.op = to_string(*coll);
    }
    if (vm.count("min-bytes")) r.min_bytes = static_cast<long long>(parse_bytes("--min-bytes", vm["min-bytes"].as<std::string>()));
    if (vm.count("max-bytes")) r.max_bytes = static_cast<long long>(parse_bytes("--max-bytes", vm["max-bytes"].as<std::string>()));
    if (r.min_bytes < 4 || r.max_bytes > (16ll << 30) || r.min_bytes > r.max_bytes)
        throw_usage_error("the MPI sweep needs 4 <= --min-bytes <= --max-bytes <= 16G");
    if (vm.count("iters")) r.iters = parse_count("--iters", vm["iters"].as<std::string>());
    if (vm.count("warmup")) {
        auto w = parse_number(vm["warmup"].as<std::string>());
        if (!w || *w < 0 || *w > 1e6 || *w != static_cast<double>(static_cast<int>(*w)))
            throw_usage_error("--warmup expects a count (0 or more), got '" + vm["warmup"].as<std::string>() + "'");
        r.warmup = static_cast<int>(*w);
    }
    return r;
}

// What a benchmark output may leave unsaid (the collective; the ranks, which OSU never states),
// with the option that supplies it.
void require_collective_and_ranks(const CommMeasurement& m) {
    SourcePosition file{m.origin, PositionKind::none, 0};
    bool osu = m.tool == "osu";
    if (!m.collective)
        throw Error(ExitCode::bad_input,
                    std::string("cannot tell which collective this ") + (osu ? "OSU" : "nccl-tests") +
                        " output measured; pass --collective",
                    file);
    if (m.ranks >= 1) return;
    if (osu) throw_usage_error(m.origin + ": OSU output does not state the number of ranks; pass --ranks");
    throw Error(ExitCode::bad_input, "the nccl-tests output lists no '# Rank' lines; pass --ranks", file);
}

// Runs the sweep and parses its output like an nccl-tests file (the sweep states the collective,
// the ranks and their hosts, so --ranks/--nodes do not apply).
CommMeasurement run_sweep(const CommSweepRequest& r, const po::variables_map& vm) {
    if (!comm_sweep_built()) throw Error(ExitCode::not_available, "--mpi: " + comm_sweep_missing_reason());
    std::string exe = comm_sweep_executable();
    unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::string> cmd = comm_sweep_command(r, exe, cores);
    std::cerr << "rafter calibrate: running";
    for (const auto& w : cmd) std::cerr << ' ' << w;
    std::cerr << std::endl;
    // run_comm_sweep checks this too, but only here can the message name --mpirun.
    if (!launcher_found(cmd))
        throw Error(ExitCode::not_available, "MPI launcher '" + cmd.front() +
                                                 "' not found on PATH: install openmpi-bin, or name the launcher "
                                                 "with --mpirun (e.g. --mpirun srun)");
    std::string text = run_comm_sweep(cmd);
    if (vm.count("save-sweep")) {
        AtomicFile f(vm["save-sweep"].as<std::string>());
        f.stream() << text;
        f.commit();
    }
    std::string origin = "rafter-comm-sweep (" + cmd.front();
    if (r.np) origin += " " + std::to_string(*r.np) + " ranks";
    else if (r.default_launcher) origin += " 2 ranks";
    origin += ")";
    CommMeasurement m = parse_nccl_tests(text, origin, std::nullopt, vm.count("in-place") > 0);
    require_collective_and_ranks(m);
    return m;
}

int calibrate_comm(const std::vector<std::string>& files, const po::variables_map& vm) {
    std::optional<Collective> coll;
    if (vm.count("collective")) {
        coll = collective_from_string(vm["collective"].as<std::string>());
        if (!coll)
            throw_usage_error("unknown collective '" + vm["collective"].as<std::string>() +
                              "' (all_reduce, reduce_scatter, all_gather, broadcast, all_to_all, send_recv)");
    }
    std::optional<CommSweepRequest> sweep = sweep_request(vm, coll);
    if (files.empty() && !sweep)
        throw_usage_error("no benchmark output files given and no --mpi (see 'rafter calibrate --help')");
    std::optional<int> ranks, nodes;
    if (vm.count("ranks")) ranks = parse_count("--ranks", vm["ranks"].as<std::string>());
    if (vm.count("nodes")) nodes = parse_count("--nodes", vm["nodes"].as<std::string>());
    int nics = parse_count("--nics-per-node", vm["nics-per-node"].as<std::string>());
    double min_b = vm.count("min-bytes") ? parse_bytes("--min-bytes", vm["min-bytes"].as<std::string>()) : 0;
    double max_b = vm.count("max-bytes") ? parse_bytes("--max-bytes", vm["max-bytes"].as<std::string>()) : 0;

    std::vector<CommFit> fits;
    if (sweep) fits.push_back(fit_comm(run_sweep(*sweep, vm), min_b, max_b));
    for (const auto& f : files) {
        std::string text = read_file(f);
        CommMeasurement m;
        if (looks_like_nccl_tests(text)) {
            m = parse_nccl_tests(text, f, coll, vm.count("in-place") > 0);
            // --ranks and --nodes override what the output says (and stand in for it when a
            // trimmed output lacks the '# Rank' lines).
            if (ranks) m.ranks = *ranks;
            if (nodes) m.nodes = *nodes;
            require_collective_and_ranks(m);
        } else if (looks_like_osu(text)) {
            m = parse_osu(text, f, coll, ranks, nodes);
            require_collective_and_ranks(m);
        } else {
            throw Error(ExitCode::bad_input, "neither nccl-tests nor OSU micro-benchmark output",
                        SourcePosition{f, PositionKind::none, 0});
        }
        fits.push_back(fit_comm(m, min_b, max_b));
    }
    std::ostringstream json, table;
    JsonWriter w(json);
    write_comm_calibration_json(w, fits, nics);
    json << '\n';
    write_comm_fit_table(table, fits);
    table << "\nalpha/hop and bandwidth assume the ring formulas (docs/scaling.md); residual = relative\n"
             "error of the fit (rms/max over the sizes). Use the JSON's topology block in a scenario.\n";
    emit(json.str(), table.str(), vm);
    return 0;
}

int calibrate_gemm(const std::vector<std::string>& rest, const po::variables_map& vm) {
    if (rest.empty()) throw_usage_error("calibrate gemm expects PyTorch profiler traces (or directories of them)");
    const bool quiet = vm.count("quiet") > 0;
    LoadedInputs loaded = load_inputs(rest, optional_arg(vm, "machine"), quiet);
    const Machine& machine = require_machine(loaded);
    GemmCalibration c = calibrate_gemm(loaded.traces, machine);
    if (c.entries.empty())
        throw Error(ExitCode::bad_input,
                    "no GEMM calls (aten::mm, addmm, bmm, baddbmm, matmul, linear) with recorded shapes and kernels: "
                    "profile with record_shapes=True",
                    SourcePosition{rest.front(), PositionKind::none, 0});
    std::vector<std::string> inputs;
    for (const Trace& t : loaded.traces)
        for (const auto& f : t.meta.source_files) inputs.push_back(f);
    std::ostringstream json, table;
    JsonWriter w(json);
    write_gemm_calibration_json(w, c, inputs);
    json << '\n';
    write_gemm_calibration_table(table, c);
    emit(json.str(), table.str(), vm);
    bool any = false;
    for (const auto& e : c.entries) any = any || e.fit.has_value();
    return any ? 0 : static_cast<int>(ExitCode::bad_input);
}

int calibrate_io(const std::vector<std::string>& rest, const po::variables_map& vm) {
    IoProfile p;
    if (vm.count("from-fio")) {
        if (!rest.empty()) throw_usage_error("give either DIR or --from-fio FILE, not both");
        std::string f = vm["from-fio"].as<std::string>();
        p = parse_fio_json(read_file(f), f);
    } else {
        if (rest.size() != 1) throw_usage_error("calibrate io expects one directory (or --from-fio FILE)");
        IoProbeOptions o;
        if (vm.count("size")) o.max_bytes = static_cast<uint64_t>(parse_bytes("--size", vm["size"].as<std::string>()));
        if (vm.count("seconds")) {
            auto s = parse_number(vm["seconds"].as<std::string>());
            if (!s || *s <= 0 || *s > 3600) throw_usage_error("--seconds expects a duration in seconds (0 < S <= 3600)");
            o.max_seconds = *s;
        }
        o.direct = vm.count("no-direct") == 0;
        p = measure_io(rest[0], o);
    }
    std::ostringstream json, table;
    JsonWriter w(json);
    write_io_profile_json(w, p);
    json << '\n';
    auto show = [](const std::optional<double>& v, const char* unit) { return v ? si_unit(*v, unit) : std::string("-"); };
    table << "source             " << p.source << "\n"
          << "sequential read    " << show(p.seq_read_bw, "B/s") << "\n"
          << "random read        " << show(p.rand_read_bw, "B/s") << " (" << show(p.rand_read_iops, "IOPS")
          << " of " << show(p.rand_block_bytes, "B") << ")\n"
          << "file opens         " << show(p.file_open_rate, "/s") << "\n"
          << "O_DIRECT           " << (p.o_direct ? (*p.o_direct ? "yes" : "no") : "-") << "\n"
          << "notes              " << p.notes << "\n";
    emit(json.str(), table.str(), vm);
    return 0;
}

} // namespace

int cmd_calibrate(const Args& args) {
    po::options_description opts = command_options();
    opts.add_options()
        ("collective", po::value<std::string>()->value_name("NAME"), "comm: the collective the files measured")
        ("ranks", po::value<std::string>()->value_name("N"), "comm: ranks (OSU output does not say)")
        ("nodes", po::value<std::string>()->value_name("N"), "comm: nodes the ranks were on")
        ("nics-per-node", po::value<std::string>()->default_value("1")->value_name("N"),
         "comm: NICs per node, to give the inter-node bandwidth per NIC")
        ("min-bytes", po::value<std::string>()->value_name("B"), "comm: fit only sizes >= B")
        ("max-bytes", po::value<std::string>()->value_name("B"), "comm: fit only sizes <= B")
        ("in-place", "comm: use nccl-tests' in-place columns")
        ("mpi", "comm: run an MPI sweep (rafter-comm-sweep) and fit it")
        ("np", po::value<std::string>()->value_name("N"), "comm --mpi: ranks (default 2 with the built-in mpirun)")
        ("mpirun", po::value<std::string>()->value_name("CMD"), "comm --mpi: launcher instead of 'mpirun', e.g. 'srun'")
        ("iters", po::value<std::string>()->value_name("N"), "comm --mpi: timed calls per size (default 20)")
        ("warmup", po::value<std::string>()->value_name("N"), "comm --mpi: untimed calls per size first (default 5)")
        ("save-sweep", po::value<std::string>()->value_name("FILE"), "comm --mpi: keep the sweep's output (nccl-tests text)")
        ("size", po::value<std::string>()->value_name("BYTES"), "io: probe file size (default 256M)")
        ("seconds", po::value<std::string>()->value_name("S"), "io: time budget (default 20)")
        ("no-direct", "io: do not try O_DIRECT")
        ("from-fio", po::value<std::string>()->value_name("FILE"), "io: read fio JSON output instead of measuring")
        ("machine,m", po::value<std::string>()->value_name("NAME|FILE"),
         "gemm: machine ceilings (default: the machine named in the traces' device metadata)")
        ("quiet", "gemm: no machine notes on stderr");
    add_format_option(opts, "table or json on stdout");
    add_output_option(opts, "FILE", "write the JSON to FILE");
    po::variables_map vm = parse_options(args, opts, "what");
    if (vm.count("help")) return print_help(kUsage, opts, HelpEnd::blank_line);
    format_arg(vm, {"table", "json"});  // checked before anything runs; emit() prints by it
    std::vector<std::string> what = positional_args(vm, "what");
    if (what.empty()) throw_usage_error("expected 'comm', 'io' or 'gemm' (see 'rafter calibrate --help')");
    std::string mode = what.front();
    std::vector<std::string> rest(what.begin() + 1, what.end());
    if (mode == "comm") return calibrate_comm(rest, vm);
    if (mode == "io") return calibrate_io(rest, vm);
    if (mode == "gemm") return calibrate_gemm(rest, vm);
    throw_usage_error("unknown calibration '" + mode + "': expected 'comm', 'io' or 'gemm'");
}

} // namespace rafter::cli
