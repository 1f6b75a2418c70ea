// `rafter calibrate comm --mpi`: the MPI sweep (rafter-comm-sweep under mpirun, 2 ranks on this
// machine) end to end, its output against the nccl-tests fixture's layout, and the usage errors.
// No timing thresholds: the checks are on what the sweep printed (sizes, counts, #wrong, algbw
// = size / time) re-read here independently of model/calibrate_comm, and on the fit's algebra.
#include <doctest/doctest.h>

#include <simdjson.h>
#include <sys/wait.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <vector>

#include "model/scaling/comm_benchmark_import.h"
#include "test_support.h"

using namespace rafter::test;

namespace {


std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
}

std::vector<std::string> tokens_of(const std::string& line) {
    std::vector<std::string> out;
    std::istringstream in(line);
    for (std::string t; in >> t;) out.push_back(t);
    return out;
}

// Data rows: lines that do not start with '#' (after leading blanks) and are not empty.
std::vector<std::string> data_rows(const std::string& text) {
    std::vector<std::string> out;
    for (const auto& l : lines_of(text)) {
        auto p = l.find_first_not_of(' ');
        if (p != std::string::npos && l[p] != '#') out.push_back(l);
    }
    return out;
}

// Column index just past each token: nccl-tests right-aligns every field.
std::vector<size_t> token_ends(const std::string& line) {
    std::vector<size_t> out;
    for (size_t i = 0; i < line.size(); ++i)
        if (line[i] != ' ' && (i + 1 == line.size() || line[i + 1] == ' ')) out.push_back(i + 1);
    return out;
}

} // namespace

TEST_CASE("calibrate comm --mpi: bad options are usage errors") {
    std::string dir = scratch_dir("comm-sweep-usage");
    auto r = run_rafter("calibrate comm --mpi --np 0", dir);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--np expects a positive integer, got '0'") != std::string::npos);
    r = run_rafter("calibrate comm --np 2", dir);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--np needs --mpi") != std::string::npos);
    r = run_rafter("calibrate comm --mpi --collective broadcast", dir);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("not broadcast") != std::string::npos);
    r = run_rafter("calibrate comm --mpi --max-bytes 2", dir);
    CHECK(r.exit_code == 2);
    r = run_rafter("calibrate comm --mpi --mpirun ' '", dir);
    CHECK(r.exit_code == 2);
}

#ifdef RAFTER_HAVE_MPI_SWEEP

TEST_CASE("calibrate comm --mpi --np 2: sweep, parse and fit end to end") {
    std::string dir = scratch_dir("comm-sweep-e2e");
    auto r = run_rafter("calibrate comm --mpi --np 2 --max-bytes 1048576 --save-sweep '" + dir +
                            "/sweep.txt' -o '" + dir + "/comm.json'",
                        dir);
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.find("mpirun -np 2 ") != std::string::npos);
    CHECK(r.out.find("all_reduce  2  1  intra  18  ") != std::string::npos);

    // The sweep's own output, read here without the library's parser.
    std::string sweep = slurp(dir + "/sweep.txt");
    CHECK(sweep.find("# Collective test starting: all_reduce_perf") != std::string::npos);
    CHECK(sweep.find("# ranks 2 hosts 1: intra-node tier") != std::string::npos);
    CHECK(sweep.find("# Out of bounds values : 0 OK") != std::string::npos);
    auto rows = data_rows(sweep);
    REQUIRE(rows.size() == 18);
    std::vector<double> times;
    for (size_t i = 0; i < rows.size(); ++i) {
        auto t = tokens_of(rows[i]);
        REQUIRE(t.size() == 13);
        double size = 8.0 * std::pow(2.0, static_cast<double>(i));  // 8 B .. 1 MiB, doubling
        CHECK(std::stod(t[0]) == size);
        CHECK(std::stod(t[1]) == size / 4);
        CHECK(t[2] == "float");
        CHECK(t[3] == "sum");
        CHECK(t[4] == "-1");
        for (size_t c : {5u, 9u}) {
            double us = std::stod(t[c]), algbw = std::stod(t[c + 1]);
            CHECK(us > 0);
            // algbw = size / time in GB/s, 2 decimals; time in us, 2 decimals (0 from 10 ms).
            double expect = size / (us * 1e-6) / 1e9;
            CHECK(std::fabs(algbw - expect) <= 0.0051 + expect * 0.51 / us);
            CHECK(t[c + 2] == t[c + 1]);  // busbw = algbw * 2(p-1)/p = algbw for 2 ranks
            CHECK(t[c + 3] == "0");       // #wrong
        }
        times.push_back(std::stod(t[5]) * 1e-6);
    }

    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    std::string json = slurp(dir + "/comm.json");
    REQUIRE_FALSE(parser.parse(json).get(doc));
    CHECK(std::string(doc["schema"].get_string().value()) == "rafter.comm_calibration/1");
    auto fit = doc["fits"].at(0);
    CHECK(std::string(fit["tool"].get_string().value()) == "nccl-tests");
    CHECK(std::string(fit["collective"].get_string().value()) == "all_reduce");
    CHECK(fit["ranks"].get_int64().value() == 2);
    CHECK(fit["nodes"].get_int64().value() == 1);
    CHECK(std::string(fit["tier"].get_string().value()) == "intra");
    CHECK(fit["points"].get_int64().value() == 18);
    CHECK(fit["min_bytes"].get_double().value() == 8);
    CHECK(fit["max_bytes"].get_double().value() == 1048576);
    double latency = fit["latency_s"].get_double().value(), spb = fit["seconds_per_byte"].get_double().value();
    double alpha = fit["alpha_s"].get_double().value(), bw = fit["bandwidth"].get_double().value();
    CHECK(alpha > 0);
    CHECK(bw > 0);
    CHECK(std::isfinite(bw));
    // Ring all-reduce over 2 ranks: 2(p-1) = 2 hops, n * 2(p-1)/p = n bytes per rank.
    CHECK(alpha == doctest::Approx(latency / 2));
    CHECK(bw == doctest::Approx(1 / spb));
    double rms = fit["rms_rel_residual"].get_double().value(), worst = fit["max_rel_residual"].get_double().value();
    CHECK(rms >= 0);
    CHECK(worst >= rms);
    // The residual is what it says: the largest |fit - measured| / measured over the 18 sizes.
    double max_rel = 0;
    for (size_t i = 0; i < times.size(); ++i) {
        double n = 8.0 * std::pow(2.0, static_cast<double>(i));
        max_rel = std::max(max_rel, std::fabs(latency + n * spb - times[i]) / times[i]);
    }
    CHECK(worst == doctest::Approx(max_rel).epsilon(1e-6));
    CHECK(doc["topology"]["intra_node"]["bandwidth"].get_double().value() == doctest::Approx(bw));
    CHECK(doc["topology"]["inter_node"].is_null());
    CHECK(r.out.find("residual rms/max") != std::string::npos);

    // The saved sweep re-fits to the same result as a plain file.
    auto again = run_rafter("calibrate comm '" + dir + "/sweep.txt' --format json", dir);
    CHECK(again.exit_code == 0);
    simdjson::dom::parser p2;
    simdjson::dom::element d2;
    REQUIRE_FALSE(p2.parse(again.out).get(d2));
    CHECK(d2["fits"].at(0)["alpha_s"].get_double().value() == doctest::Approx(alpha));
    CHECK(d2["fits"].at(0)["bandwidth"].get_double().value() == doctest::Approx(bw));

    // A launcher that is not there, and one that fails.
    auto missing = run_rafter("calibrate comm --mpi --mpirun no-such-launcher-here", dir);
    CHECK(missing.exit_code == 6);
    CHECK(missing.err.find("MPI launcher 'no-such-launcher-here' not found on PATH") != std::string::npos);
    auto failing = run_rafter("calibrate comm --mpi --mpirun false", dir);
    CHECK(failing.exit_code == 1);
    CHECK(failing.err.find("exited with status 1") != std::string::npos);
}

TEST_CASE("rafter-comm-sweep prints nccl-tests' layout (all_gather, reduce_scatter, by hand)") {
    std::string dir = scratch_dir("comm-sweep-format");
    std::string fixture = slurp(source_dir() + "/tests/data/scaling/all_reduce_perf-8gpu.txt");
    auto r = run_rafter("calibrate comm --mpi --np 2 --collective all_gather --max-bytes 64K --iters 3 --warmup 1 "
                        "--save-sweep '" + dir + "/ag.txt' --format json",
                        dir);
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    std::string ag = slurp(dir + "/ag.txt");

    // The three column-header lines are the fixture's, byte for byte.
    auto header_lines = [](const std::string& text) {
        std::vector<std::string> h;
        for (const auto& l : lines_of(text))
            if (l.find("out-of-place") != std::string::npos || l.find("#       size") == 0 ||
                l.find("#        (B)") == 0)
                h.push_back(l);
        return h;
    };
    CHECK(header_lines(ag) == header_lines(fixture));
    REQUIRE(header_lines(ag).size() == 3);

    // Every field ends in the same column as the fixture's (right-aligned, same widths).
    auto fixture_rows = data_rows(fixture);
    auto rows = data_rows(ag);
    REQUIRE(rows.size() == 14);  // 8 B .. 64 KiB
    for (const auto& row : rows) {
        CHECK(token_ends(row) == token_ends(fixture_rows.front()));
        auto t = tokens_of(row);
        CHECK(t[3] == "none");  // nccl-tests prints no reduction for all-gather
        CHECK(t[8] == "0");
        CHECK(t[12] == "0");
    }
    // Parsed the same way as the fixture's own line: put a sweep row in place of the fixture's
    // first row and the parser reads the size and time the row shows.
    std::string spliced = fixture;
    spliced.replace(spliced.find(fixture_rows.front()), fixture_rows.front().size(), rows[5]);
    auto m = rafter::parse_nccl_tests(spliced, "all_reduce_perf-8gpu.txt");
    CHECK(m.samples.front().bytes == std::stod(tokens_of(rows[5])[0]));
    CHECK(m.samples.front().time_s == doctest::Approx(std::stod(tokens_of(rows[5])[5]) * 1e-6));
    auto own = rafter::parse_nccl_tests(ag, "sweep");
    CHECK(own.collective == rafter::Collective::all_gather);
    CHECK(own.ranks == 2);
    CHECK(own.nodes == 1);
    CHECK(own.samples.size() == 14);
    CHECK(own.samples[5].bytes == m.samples.front().bytes);
    CHECK(own.samples[5].time_s == m.samples.front().time_s);

    // reduce_scatter, run by hand under mpirun, then passed as a file.
    // Open MPI leaks at exit: keep LeakSanitizer quiet for the sweep even when the caller's
    // ASAN_OPTIONS (scripts/test.sh) asks for leak checks; the last setting wins.
    const std::string no_leaks = "ASAN_OPTIONS=\"$ASAN_OPTIONS:detect_leaks=0\" ";
    std::string cmd = no_leaks + "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun -np 2 '" +
                      std::string(RAFTER_COMM_SWEEP_EXE) + "' --op reduce_scatter --max-bytes 4K --iters 3 > '" + dir +
                      "/rs.txt' 2> '" + dir + "/rs.err'";
    CHECK(std::system(cmd.c_str()) == 0);
    std::string rs = slurp(dir + "/rs.txt");
    CHECK(rs.find("# Out of bounds values : 0 OK") != std::string::npos);
    CHECK(data_rows(rs).size() == 10);  // 8 B .. 4 KiB
    auto byfile = run_rafter("calibrate comm '" + dir + "/rs.txt'", dir);
    CHECK(byfile.exit_code == 0);
    CHECK(byfile.out.find("reduce_scatter  2  1  intra  10  ") != std::string::npos);

    // The sweep's own option check (run without mpirun: a singleton MPI process).
    std::string bad = no_leaks + "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 '" +
                      std::string(RAFTER_COMM_SWEEP_EXE) + "' --op broadcast > /dev/null 2> '" + dir + "/bad.err'";
    int status = std::system(bad.c_str());
    CHECK(WEXITSTATUS(status) == 2);
    CHECK(slurp(dir + "/bad.err").find("--op expects all_reduce, all_gather or reduce_scatter") != std::string::npos);
}

#else

TEST_CASE("calibrate comm --mpi in a build without MPI exits 6 and says why") {
    std::string dir = scratch_dir("comm-sweep-missing");
    auto r = run_rafter("calibrate comm --mpi --np 2", dir);
    CHECK(r.exit_code == 6);
    CHECK(r.err.find("built without MPI") != std::string::npos);
}

#endif
