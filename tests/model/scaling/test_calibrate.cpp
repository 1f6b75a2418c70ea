// Calibration: parsers of nccl-tests, OSU and fio output, and the alpha-beta fit recovering the
// values the synthetic fixtures were generated from (tests/data/scaling/README.md).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "core/error.h"
#include "core/json_writer.h"
#include "model/scaling/comm_benchmark_import.h"
#include "model/scaling/fio_import.h"
#include "profiler/io_probe/io_probe.h"
#include "model/scaling/io_profile.h"
#include "test_support.h"

using namespace rafter;

namespace {

std::string fixture(const std::string& name) { return test::source_dir() + "/tests/data/scaling/" + name; }


} // namespace

TEST_CASE("nccl-tests all_reduce: 8 ranks on one node") {
    std::string text = rafter::test::slurp(fixture("all_reduce_perf-8gpu.txt"));
    CHECK(looks_like_nccl_tests(text));
    CHECK_FALSE(looks_like_osu(text));
    CommMeasurement m = parse_nccl_tests(text, "ar.txt");
    CHECK(m.collective == Collective::all_reduce);
    CHECK(m.ranks == 8);
    CHECK(m.nodes == 1);
    CHECK(m.samples.size() == 31);
    CHECK(m.samples.front().bytes == 8);
    CHECK(m.samples.front().time_s == doctest::Approx(28e-6));
    CommFit f = fit_comm(m);
    CHECK(f.tier == "intra");
    // Generated with 2 us per hop (14 hops) and 230 GB/s; times are printed with 0.01 us.
    CHECK(f.fit.c0 == doctest::Approx(28e-6).epsilon(0.01));
    CHECK(f.alpha_s == doctest::Approx(2e-6).epsilon(0.01));
    CHECK(f.bandwidth == doctest::Approx(230e9).epsilon(0.005));
    CHECK(f.fit.rms_rel_error < 0.005);
    CHECK(f.peak_busbw == doctest::Approx(229.9e9).epsilon(0.001));
    // In-place columns are 0.3% slower.
    CommFit g = fit_comm(parse_nccl_tests(text, "ar.txt", std::nullopt, true));
    CHECK(g.bandwidth == doctest::Approx(230e9 / 1.003).epsilon(0.005));
    // A size range.
    CommFit h = fit_comm(m, 1e6, 1e9);
    CHECK(h.fit.points == 10);
}

TEST_CASE("nccl-tests all_gather: old format, two nodes, collective from the file name") {
    std::string text = rafter::test::slurp(fixture("all_gather_perf-2node.txt"));
    // Neither the output nor the file name says: the caller must (rafter calibrate: --collective).
    CHECK_FALSE(parse_nccl_tests(text, "mystery.txt").collective.has_value());
    CHECK_THROWS_WITH_AS(fit_comm(parse_nccl_tests(text, "mystery.txt")), doctest::Contains("collective"), Error);
    CommMeasurement m = parse_nccl_tests(text, "all_gather_perf-2node.txt");
    CHECK(m.collective == Collective::all_gather);
    CHECK(m.ranks == 16);
    CHECK(m.nodes == 2);
    CHECK(m.samples.size() == 11);
    CommFit f = fit_comm(m);
    CHECK(f.tier == "inter");
    CHECK(f.fit.c0 == doctest::Approx(36e-6).epsilon(0.01));
    CHECK(f.alpha_s == doctest::Approx(36e-6 / 15).epsilon(0.01));
    CHECK(f.bandwidth == doctest::Approx(90e9).epsilon(0.005));
    // --collective overrides.
    CHECK(parse_nccl_tests(text, "x.txt", Collective::reduce_scatter).collective == Collective::reduce_scatter);
}

TEST_CASE("OSU allreduce") {
    std::string text = rafter::test::slurp(fixture("osu_allreduce-4rank.txt"));
    CHECK(looks_like_osu(text));
    // OSU output does not state the ranks: the caller must (rafter calibrate: --ranks).
    CommMeasurement no_ranks = parse_osu(text, "o.txt", std::nullopt, std::nullopt, std::nullopt);
    CHECK(no_ranks.ranks == 0);
    CHECK_THROWS_WITH_AS(fit_comm(no_ranks), doctest::Contains("number of ranks"), Error);
    CommMeasurement m = parse_osu(text, "o.txt", std::nullopt, 4, 1);
    CHECK(m.collective == Collective::all_reduce);
    CHECK(m.samples.size() == 19);
    CommFit f = fit_comm(m);
    CHECK(f.fit.c0 == doctest::Approx(9e-6).epsilon(0.01));
    CHECK(f.alpha_s == doctest::Approx(1.5e-6).epsilon(0.01));
    CHECK(f.bandwidth == doctest::Approx(5e9).epsilon(0.005));
    // osu_latency: point to point, always 2 ranks.
    CommMeasurement lat = parse_osu("# OSU MPI Latency Test v5.8\n# Size          Latency (us)\n0 0.2\n1 1.0\n1024 1.5\n1048576 101.0\n",
                                    "l.txt", std::nullopt, std::nullopt, std::nullopt);
    CHECK(lat.collective == Collective::send_recv);
    CHECK(lat.ranks == 2);
    CHECK(lat.samples.size() == 3);
}

TEST_CASE("calibration bad input names file and line") {
    std::string text = rafter::test::slurp(fixture("all_reduce_perf-bad.txt"));
    CHECK_THROWS_WITH_AS(parse_nccl_tests(text, "bad.txt"),
                         "bad.txt:9: time 'abc' is not a number of microseconds", Error);
    CHECK_THROWS_WITH_AS(parse_nccl_tests("hello\n", "x.txt"), doctest::Contains("no nccl-tests result table"), Error);
    // Zero, negative and nan times are errors on their line, not rows dropped before the fit.
    std::string good = rafter::test::slurp(fixture("all_reduce_perf-8gpu.txt"));
    auto with_time = [&](const std::string& t) {
        // The first data row after the header: replace its out-of-place time (column 6).
        std::istringstream in(good);
        std::string line, out;
        int no = 0, at = 0;
        bool header = false, done = false;
        while (std::getline(in, line)) {
            ++no;
            if (!done && header && !line.empty() && line[0] != '#') {
                std::istringstream f(line);
                std::vector<std::string> tk;
                for (std::string x; f >> x;) tk.push_back(x);
                tk[5] = t;
                line.clear();
                for (const auto& x : tk) line += x + " ";
                done = true;
                at = no;
            }
            if (line.find("busbw") != std::string::npos && line[0] == '#') header = true;
            out += line + "\n";
        }
        return std::make_pair(out, at);
    };
    for (const char* t : {"0", "-4.5", "nan"}) {
        auto [bad_text, line] = with_time(t);
        REQUIRE(line > 0);
        try {
            parse_nccl_tests(bad_text, "t.txt");
            FAIL("no error for time " << t);
        } catch (const Error& e) {
            CHECK(std::string(e.what()).find("t.txt:" + std::to_string(line) + ":") == 0);
        }
    }
    CHECK_THROWS_WITH_AS(parse_osu("# OSU MPI Allreduce Latency Test v5\n# Size  Avg Latency(us)\n4 0\n", "o.txt", std::nullopt, 2, 1),
                         doctest::Contains("o.txt:3: latency 0 us for 4 bytes"), Error);
    CHECK_THROWS_WITH_AS(parse_osu("# OSU MPI Bandwidth Test v5\n# Size  Bandwidth (MB/s)\n1 2\n", "b.txt", std::nullopt, 2, 1),
                         doctest::Contains("bandwidth tests are not supported"), Error);
}

TEST_CASE("calibration JSON gives a topology block") {
    std::vector<CommFit> fits = {fit_comm(parse_nccl_tests(rafter::test::slurp(fixture("all_reduce_perf-8gpu.txt")), "ar.txt")),
                                 fit_comm(parse_nccl_tests(rafter::test::slurp(fixture("all_gather_perf-2node.txt")), "all_gather.txt"))};
    std::ostringstream os;
    JsonWriter w(os);
    write_comm_calibration_json(w, fits, 8);
    std::string j = os.str();
    CHECK(j.find("\"schema\": \"rafter.comm_calibration/1\"") != std::string::npos);
    CHECK(j.find("\"intra_node\": {") != std::string::npos);
    CHECK(j.find("\"nics_per_node\": 8") != std::string::npos);
    CHECK(j.find("\"link_efficiency\": 1") != std::string::npos);
}

TEST_CASE("fio JSON and I/O profiles") {
    IoProfile p = parse_fio_json(rafter::test::slurp(fixture("fio-read.json")), "fio-read.json");
    REQUIRE(p.seq_read_bw);
    CHECK(*p.seq_read_bw == 2147483648.0);
    REQUIRE(p.rand_read_bw);
    CHECK(*p.rand_read_bw == 524288.0 * 1024);  // from "bw" in KiB/s when bw_bytes is absent
    CHECK(*p.rand_read_iops == 4096);
    CHECK(*p.rand_block_bytes == 131072);
    CHECK(p.o_direct == true);
    CHECK_FALSE(p.file_open_rate);
    std::ostringstream os;
    JsonWriter w(os);
    write_io_profile_json(w, p);
    IoProfile q = parse_io_profile_json(os.str(), "p.json");
    CHECK(*q.seq_read_bw == *p.seq_read_bw);
    CHECK_FALSE(q.file_open_rate);  // missing stays missing (null), never 0
    CHECK(os.str().find("\"file_open_rate\": null") != std::string::npos);
    CHECK_THROWS_WITH_AS(parse_fio_json("{\"x\": 1}", "f.json"), doctest::Contains("missing required field jobs"), Error);
}

TEST_CASE("measuring a directory (small and quick)") {
    std::string dir = test::scratch_dir("io-probe");
    IoProbeOptions o;
    o.max_bytes = 8ull << 20;
    o.max_seconds = 2;
    o.open_files = 200;
    IoProfile p = measure_io(dir, o);
    REQUIRE(p.seq_read_bw);
    CHECK(*p.seq_read_bw > 0);
    REQUIRE(p.rand_read_iops);
    CHECK(*p.rand_read_iops > 0);
    REQUIRE(p.file_open_rate);
    CHECK(*p.file_open_rate > 0);
    REQUIRE(p.o_direct);
    // The probe leaves nothing behind.
    CHECK(std::filesystem::is_empty(dir));
    CHECK_THROWS_WITH_AS(measure_io(dir + "/does-not-exist", o), doctest::Contains("cannot access the directory"), Error);
}
