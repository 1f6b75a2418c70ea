// Nsight Compute CSV import: real files from real GPUs (values checked against
// tests/traces/importers/ncu_expected.py, which recomputes them with Python's csv module) and small
// synthetic fixtures under tests/data/ncu/ whose values follow from their text by hand.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "core/error.h"
#include "test_support.h"
#include "traces/importer.h"
#include "traces/input_file.h"

using namespace rafter;

namespace {

std::string fixture(const std::string& name) { return test::source_dir() + "/tests/data/ncu/" + name; }

Trace import(const std::vector<std::string>& paths, const std::string& arch = "") {
    ImportOptions opt;
    opt.arch = arch;
    return find_importer("ncu-csv")->read(paths, opt);
}

double flops(const Trace& t, size_t row, FlopKind k) { return t.kernels.get_flops(row, k).value; }
Provenance flops_prov(const Trace& t, size_t row, FlopKind k) { return t.kernels.get_flops(row, k).prov; }
double bytes(const Trace& t, size_t row, MemLevel l) { return t.kernels.get_bytes(row, l).value; }
Provenance bytes_prov(const Trace& t, size_t row, MemLevel l) { return t.kernels.get_bytes(row, l).prov; }

double sum_flops(const Trace& t, FlopKind k) {
    double s = 0;
    for (size_t i = 0; i < t.kernels.size(); ++i) s += t.kernels.get_flops(i, k).value;
    return s;
}
double sum_bytes(const Trace& t, MemLevel l) {
    double s = 0;
    for (size_t i = 0; i < t.kernels.size(); ++i) s += t.kernels.get_bytes(i, l).value;
    return s;
}

// Runs `f`, expecting a rafter::Error at `file`:`line` whose message contains `text`.
template <class F>
void check_error(F f, const std::string& file, uint64_t line, const std::string& text) {
    try {
        f();
        FAIL("expected an error mentioning: " << text);
    } catch (const Error& e) {
        CHECK(e.code() == ExitCode::bad_input);
        CHECK(e.where().file == file);
        CHECK(e.where().kind == PositionKind::line);
        CHECK(e.where().value == line);
        CHECK_MESSAGE(e.message().find(text) != std::string::npos, e.what());
    }
}

std::vector<std::string> deepcam_files() {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(test::real_data("ncu/deepcam-v100-fw")))
        out.push_back(e.path().string());
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

namespace {
ImportOptions volta_options() {
    ImportOptions o;
    o.arch = "volta";
    return o;
}
} // namespace

TEST_CASE("gpp (CC 8.9, long format, thousands separators): one launch with independently computed values") {
    std::string path = test::real_data("ncu/gpp-cc89-details.csv");
    auto traces = load_traces({path}, {});
    REQUIRE(traces.size() == 1);
    const Trace& t = traces[0];
    REQUIRE(t.kernels.size() == 1);
    CHECK(t.strings.get(t.kernels.name[0]) == "sigma_gpp_gpu_29");
    CHECK(t.kernels.launch_id[0] == 0);
    CHECK(t.kernels.launches[0] == 1);
    CHECK(t.kernels.grid[0] == Dim3{65535, 1, 1});
    CHECK(t.kernels.block[0] == Dim3{128, 1, 1});
    CHECK(t.kernels.device[0] == 0);
    CHECK(t.kernels.stream[0] == 13);
    // ncu_expected.py: 36,873,068,823 cycles / 1,619,726,202.90 cycle/s = 22.765001119930947 s.
    CHECK(t.kernels.duration_s[0] == doctest::Approx(22.765001119930947).epsilon(1e-12));
    CHECK(t.kernels.duration_prov[0] == Provenance::derived);
    // fp64 = dadd + dmul + 2*dfma = 1,963,812,210,336; fp32 = 2*ffma = 49,082,724,716.
    CHECK(flops(t, 0, FlopKind::fp64) == 1963812210336.0);
    CHECK(flops(t, 0, FlopKind::fp32) == 49082724716.0);
    CHECK(flops(t, 0, FlopKind::fp16) == 0.0);
    CHECK(flops_prov(t, 0, FlopKind::fp64) == Provenance::derived);
    // Ada has no single FLOPs-per-instruction factor, but 0 tensor instructions are 0 FLOPs.
    CHECK(flops(t, 0, FlopKind::tensor) == 0.0);
    CHECK(flops_prov(t, 0, FlopKind::tensor) == Provenance::derived);
    double total = 0;
    for (size_t k = 0; k < kFlopKinds; ++k) total += t.kernels.get_flops(0, static_cast<FlopKind>(k)).value;
    CHECK(total == 2012894935052.0);  // 2.0129e12
    CHECK(bytes(t, 0, MemLevel::dram) == 134957158144.0);
    CHECK(bytes(t, 0, MemLevel::l2) == 225714841568.0);
    CHECK(bytes(t, 0, MemLevel::l1) == 455104804320.0);
    CHECK(bytes_prov(t, 0, MemLevel::dram) == Provenance::measured);
    CHECK(total / bytes(t, 0, MemLevel::dram) == doctest::Approx(14.915066104935542).epsilon(1e-12));
    CHECK(t.meta.source_format == "ncu-csv");
    CHECK(t.meta.host == "127.0.0.1");
    CHECK(t.meta.pid == 15249);
    CHECK(t.meta.machine_hint == "sm_89");
    REQUIRE(t.meta.devices.size() == 1);
    CHECK(t.meta.devices[0].cc_major == 8);
    CHECK(t.meta.devices[0].cc_minor == 9);
    CHECK(t.meta.source_files == std::vector<std::string>{path});
    CHECK(t.diagnostics.count("ncu.tensor_flops_unknown_arch") == 0);
    CHECK(t.diagnostics.count("ncu.unknown_metric") == 0);
}

TEST_CASE("deepcam (V100): twelve one-metric files merge into one trace of 797 launches") {
    // The directory and the list of its files are the same input.
    auto by_dir = load_traces({test::real_data("ncu/deepcam-v100-fw")}, volta_options());
    auto by_files = load_traces(deepcam_files(), volta_options());
    REQUIRE(by_dir.size() == 1);
    REQUIRE(by_files.size() == 1);
    const Trace& t = by_dir[0];
    REQUIRE(t.kernels.size() == 797);
    CHECK(by_files[0].kernels.size() == 797);
    CHECK(t.meta.source_files.size() == 12);
    std::set<StringId> names(t.kernels.name.begin(), t.kernels.name.end());
    CHECK(names.size() == 45);
    for (size_t i = 0; i < t.kernels.size(); ++i) CHECK(t.kernels.launch_id[i] == i);

    // Sums from ncu_expected.py.
    CHECK(sum_bytes(t, MemLevel::dram) == 21827093984.0);
    CHECK(sum_bytes(t, MemLevel::l2) == 40160301920.0);
    CHECK(sum_bytes(t, MemLevel::l1) == 60968846272.0);
    CHECK(sum_flops(t, FlopKind::fp16) == 10243282470.0);
    CHECK(sum_flops(t, FlopKind::fp32) == 231452709599.0);
    CHECK(sum_flops(t, FlopKind::tensor_fp16) == 1128678817792.0);  // 512 * 2,204,450,816 inst
    CHECK_FALSE(t.kernels.flops[static_cast<size_t>(FlopKind::fp64)].any());  // never collected: missing, not 0
    double time = 0;
    for (double d : t.kernels.duration_s) time += d;
    CHECK(time == doctest::Approx(0.10412236819913841).epsilon(1e-12));

    // Single launches.
    CHECK(bytes(t, 0, MemLevel::dram) == 58240.0);
    CHECK(t.kernels.duration_s[0] == doctest::Approx(4.3676324961240612e-06).epsilon(1e-12));
    CHECK(t.kernels.duration_prov[0] == Provenance::derived);
    CHECK(flops(t, 2, FlopKind::fp16) == 63608864.0);
    CHECK(t.strings.get(t.kernels.name[2]).substr(0, 40) == "void cudnn::detail::implicit_convolve_sg");
    CHECK(bytes(t, 400, MemLevel::dram) == 32530400.0);
    CHECK(flops(t, 400, FlopKind::tensor_fp16) == 512.0 * 15261696.0);
    CHECK(flops_prov(t, 400, FlopKind::tensor_fp16) == Provenance::derived);
    CHECK(t.strings.get(t.kernels.name[400]).substr(0, 30) == "volta_fp16_s884cudnn_fp16_256x");
    CHECK(t.kernels.duration_s[796] == doctest::Approx(2.1160802982505413e-05).epsilon(1e-12));
    CHECK(t.kernels.stream[0] == 7);
    CHECK(t.meta.pid == 64848);
    CHECK(t.diagnostics.count("ncu.launch_not_in_all_files") == 0);
    CHECK(t.diagnostics.count("ncu.tensor_flops_unknown_arch") == 0);
    CHECK(t.diagnostics.count("ncu.merged_runs") == 12);  // each file is its own ncu run (process)
}

TEST_CASE("deepcam without an architecture: tensor FLOPs missing, with a diagnostic saying why") {
    Trace t = import(deepcam_files());
    CHECK(t.meta.machine_hint.empty());  // no CC column in these files
    CHECK_FALSE(t.kernels.flops[static_cast<size_t>(FlopKind::tensor_fp16)].any());
    // Launches with tensor instructions have no FLOPs; those with none get 0 in `tensor`.
    size_t missing = 0;
    for (size_t i = 0; i < t.kernels.size(); ++i) missing += !t.kernels.get_flops(i, FlopKind::tensor).has();
    const Diagnostic* d = t.diagnostics.find("ncu.tensor_flops_unknown_arch");
    REQUIRE(d != nullptr);
    CHECK(d->severity == Severity::warning);
    CHECK(d->count == missing);
    CHECK(missing > 0);
    CHECK(d->message.find("architecture is unknown") != std::string::npos);
    CHECK(flops(t, 400, FlopKind::tensor) == 0.0);
    CHECK_FALSE(t.kernels.get_flops(400, FlopKind::tensor).has());
}

TEST_CASE("gene (V100): 3 kernels x 4 launches, older layout with a Kernel Time column") {
    // The file concatenates two ncu runs of the same workload (processes 126788 and 15236, three
    // metrics each); rows merge by launch ID into 12 launches with all six metrics.
    Trace t = import({test::real_data("ncu/gene-v100-details.csv")});
    REQUIRE(t.kernels.size() == 12);
    CHECK(t.diagnostics.count("ncu.merged_runs") == 2);
    CHECK(t.meta.pid == 126788);
    std::map<StringId, int> per_name;
    for (StringId n : t.kernels.name) ++per_name[n];
    CHECK(per_name.size() == 3);
    for (auto& [n, c] : per_name) CHECK(c == 4);
    // ncu_expected.py: fp64 = sum(dadd + dmul + 2*dfma), dram = sum(dram__bytes.sum).
    CHECK(sum_flops(t, FlopKind::fp64) == 3082813440.0);
    CHECK(sum_bytes(t, MemLevel::dram) == 6379669504.0);
    double time = 0;
    for (double d : t.kernels.duration_s) time += d;
    CHECK(time == doctest::Approx(0.0082039359884662523).epsilon(1e-12));
    CHECK_FALSE(t.kernels.bytes[static_cast<size_t>(MemLevel::l1)].any());
    CHECK_FALSE(t.kernels.flops[static_cast<size_t>(FlopKind::fp32)].any());
}

TEST_CASE("wide format (raw page): units row, log lines around the data, n/a values, unit scaling") {
    Trace t = import({fixture("wide-raw.csv")});
    REQUIRE(t.kernels.size() == 3);
    CHECK(t.strings.get(t.kernels.name[0]) == "gemm_kernel(float const*, float*)");
    CHECK(t.kernels.name[0] == t.kernels.name[2]);
    CHECK(t.kernels.grid[0] == Dim3{1024, 2, 1});
    // Launch 0: 1,536.5 Kbyte = 1,536,500 B; 12.5 usecond; 2.25 Mbyte; fp32 = 10 + 20 + 2*1,000.
    CHECK(bytes(t, 0, MemLevel::dram) == 1536500.0);
    CHECK(t.kernels.duration_s[0] == doctest::Approx(12.5e-6).epsilon(1e-15));
    CHECK(t.kernels.duration_prov[0] == Provenance::measured);
    CHECK(bytes(t, 0, MemLevel::l2) == 2250000.0);
    CHECK(flops(t, 0, FlopKind::fp32) == 2030.0);
    // Tensor work counted by the chip, split by destination type: 1e6 + 3e6, measured.
    CHECK(flops(t, 0, FlopKind::tensor_fp16) == 4e6);
    CHECK(flops_prov(t, 0, FlopKind::tensor_fp16) == Provenance::measured);
    CHECK_FALSE(t.kernels.get_bytes(0, MemLevel::l1).has());
    // Launch 1: time n/a -> 2,820 cycles / 1.41 GHz = 2 us, derived.
    CHECK(t.kernels.duration_s[1] == doctest::Approx(2e-6).epsilon(1e-12));
    CHECK(t.kernels.duration_prov[1] == Provenance::derived);
    CHECK(bytes(t, 1, MemLevel::dram) == 64000.0);
    CHECK(flops(t, 1, FlopKind::tensor_fp16) == 0.0);
    CHECK(flops_prov(t, 1, FlopKind::tensor_fp16) == Provenance::measured);
    // Launch 2: tensor metrics n/a -> missing, not 0.
    CHECK_FALSE(t.kernels.get_flops(2, FlopKind::tensor_fp16).has());
    CHECK(t.kernels.device[2] == 1);
    CHECK(t.kernels.stream[2] == 13);
    CHECK(t.diagnostics.count("ncu.value_na") == 3);
    CHECK(t.diagnostics.count("ncu.unknown_metric") == 1);
    CHECK(t.diagnostics.find("ncu.unknown_metric")->message.find("sm__throughput") != std::string::npos);
    CHECK(t.diagnostics.count("ncu.profiler_message") == 1);
    CHECK(t.meta.machine_hint == "sm_80");
    CHECK(t.meta.host == "node1");
    CHECK(t.meta.devices.size() == 2);
}

TEST_CASE("long format: quoted names with commas and quotes, CRLF, reordered and absent optional columns") {
    std::string path = fixture("long-quoted-crlf.csv");
    auto traces = load_traces({path}, volta_options());
    REQUIRE(traces.size() == 1);
    const Trace& t = traces[0];
    REQUIRE(t.kernels.size() == 3);
    CHECK(t.strings.get(t.kernels.name[0]) == "void foo<float, 2>(Params, int, \"quoted\")");
    CHECK(t.strings.get(t.kernels.name[1]) == "kernel, with \"commas\", (and parens)");
    CHECK(t.strings.get(t.kernels.name[2]) == "plain");
    // Launch 0: 2,048 Kbyte; 1,250.5 usecond; fp64 = 1,000,000 + 2,000 + 2*3; 10 HMMA x 512 (volta).
    CHECK(bytes(t, 0, MemLevel::dram) == 2048000.0);
    CHECK(t.kernels.duration_s[0] == doctest::Approx(1.2505e-3).epsilon(1e-15));
    CHECK(flops(t, 0, FlopKind::fp64) == 1002006.0);
    CHECK(flops(t, 0, FlopKind::tensor_fp16) == 5120.0);
    CHECK(t.kernels.grid[0] == Dim3{});
    CHECK(t.kernels.device[0] == -1);
    CHECK(t.kernels.stream[0] == -1);
    // Launch 1: "Duration" of the Speed Of Light section (2.5 msecond), not the other section's;
    // only dfma collected -> fp64 missing with a diagnostic.
    CHECK(t.kernels.duration_s[1] == doctest::Approx(2.5e-3).epsilon(1e-15));
    CHECK(t.kernels.duration_prov[1] == Provenance::measured);
    CHECK_FALSE(t.kernels.get_flops(1, FlopKind::fp64).has());
    CHECK(t.diagnostics.count("ncu.flop_metrics_incomplete") == 1);
    // Launch 2: 3,000 cycles / 1.5 GHz = 2 us; DRAM = 1 Mbyte read + 512 Kibyte written.
    CHECK(t.kernels.duration_s[2] == doctest::Approx(2e-6).epsilon(1e-12));
    CHECK(t.kernels.duration_prov[2] == Provenance::derived);
    CHECK(bytes(t, 2, MemLevel::dram) == 1000000.0 + 524288.0);
    CHECK(bytes_prov(t, 2, MemLevel::dram) == Provenance::derived);
    CHECK(bytes(t, 2, MemLevel::l1) == 1.5e9);
    CHECK(flops(t, 2, FlopKind::tensor_fp16) == 0.0);
    CHECK(t.meta.pid == 77);
    CHECK(t.diagnostics.count("ncu.unknown_metric") == 1);  // "Duration" of another section
}

TEST_CASE("a launch without any time metric has missing time and a diagnostic, not an error") {
    Trace t = import({fixture("mixed-a.csv")});
    REQUIRE(t.kernels.size() == 2);
    CHECK(t.kernels.duration_prov[0] == Provenance::missing);
    CHECK(t.diagnostics.count("ncu.time_missing") == 2);
    CHECK(bytes(t, 1, MemLevel::dram) == 200.0);
}

TEST_CASE("ncu 2023+ details page: metric rows stop before the rule columns, rule rows are skipped") {
    // Header of 20 columns; metric rows end after "Metric Value", (16 fields); one full rule row.
    Trace t = import({fixture("rules-2023.csv")});
    REQUIRE(t.kernels.size() == 2);
    CHECK(t.strings.get(t.kernels.name[0]) == "gemm_kernel");
    CHECK(t.kernels.duration_s[0] == doctest::Approx(12.5e-6));
    CHECK(bytes(t, 0, MemLevel::dram) == 1048576.0);
    CHECK(bytes(t, 1, MemLevel::dram) == 64000.0);
    CHECK(t.kernels.grid[0] == Dim3{64, 32, 1});
    CHECK(t.diagnostics.count("ncu.rule_rows") == 1);
    CHECK(t.diagnostics.count("ncu.unknown_metric") == 0);
}

TEST_CASE("negative and impossible metric values are missing with a counted diagnostic, never used") {
    // Launch 0: dram__bytes.sum = -4096; launch 1: 1e308 bytes and a time of -3 us.
    Trace t = import({fixture("implausible-values.csv")});
    REQUIRE(t.kernels.size() == 3);
    CHECK_FALSE(t.kernels.get_bytes(0, MemLevel::dram).has());
    CHECK(t.kernels.duration_s[0] == doctest::Approx(10e-6));
    CHECK_FALSE(t.kernels.get_bytes(1, MemLevel::dram).has());
    CHECK(t.kernels.duration_prov[1] == Provenance::missing);
    CHECK(bytes(t, 2, MemLevel::dram) == 4096.0);
    CHECK(t.diagnostics.count("ncu.implausible_value") == 3);
    const auto* d = t.diagnostics.find("ncu.implausible_value");
    REQUIRE(d);
    CHECK(d->message.find("dram__bytes.sum = -4096 of launch ID 0") != std::string::npos);
    CHECK(d->message.find("implausible-values.csv:2") != std::string::npos);
}

TEST_CASE("bad inputs are errors naming the file and line") {
    check_error([] { import({fixture("bad-truncated.csv")}); }, fixture("bad-truncated.csv"), 3, "truncated");
    check_error([] { import({fixture("bad-unterminated.csv")}); }, fixture("bad-unterminated.csv"), 3,
                "unterminated quoted field");
    check_error([] { import({fixture("bad-missing-column.csv")}); }, fixture("bad-missing-column.csv"), 2,
                "\"Metric Value\"");
    check_error([] { import({fixture("bad-no-kernel-column.csv")}); }, fixture("bad-no-kernel-column.csv"), 1,
                "\"Kernel Name\"");
    check_error([] { import({fixture("bad-non-numeric.csv")}); }, fixture("bad-non-numeric.csv"), 3,
                "'12x4' of metric lts__t_bytes.sum is not a number");
    check_error([] { import({fixture("bad-unknown-unit.csv")}); }, fixture("bad-unknown-unit.csv"), 2,
                "unknown unit 'furlong'");
    check_error([] { import({fixture("bad-wrong-unit.csv")}); }, fixture("bad-wrong-unit.csv"), 3,
                "unit 'nsecond' but must be bytes");
}

TEST_CASE("files of different runs: a launch ID with two kernel names names both files") {
    std::string a = fixture("mixed-a.csv"), b = fixture("mixed-b.csv");
    check_error([&] { import({a, b}); }, b, 3, "launch ID 1");
    try {
        import({a, b});
    } catch (const Error& e) {
        CHECK(e.message().find(a + ":3") != std::string::npos);
        CHECK(e.message().find("kernel_b") != std::string::npos);
        CHECK(e.message().find("kernel_c") != std::string::npos);
        CHECK(e.message().find("different runs") != std::string::npos);
    }
}

TEST_CASE("empty, log-only and binary files") {
    try {
        import({fixture("empty.csv")});
        FAIL("empty file accepted");
    } catch (const Error& e) {
        CHECK(e.where().file == fixture("empty.csv"));
        CHECK(e.message().find("empty") != std::string::npos);
    }
    try {
        import({fixture("log-only.txt")});
        FAIL("file without a header accepted");
    } catch (const Error& e) {
        CHECK(e.where().file == fixture("log-only.txt"));
        CHECK(e.message().find("no Nsight Compute CSV header") != std::string::npos);
    }
    std::string dir = test::scratch_dir("ncu-binary");
    // A CSV with a NUL byte on line 3: read must refuse it, naming the line.
    std::string nul_csv = dir + "/nul.csv";
    {
        std::ofstream f(nul_csv, std::ios::binary);
        std::string text = "\"ID\",\"Process ID\",\"Kernel Name\",\"Metric Name\",\"Metric Unit\",\"Metric Value\"\n"
                           "\"0\",\"1\",\"k\",\"dram__bytes.sum\",\"byte\",\"5\"\n\"1\",\"1\",\"k";
        text += '\0';
        text += "\",\"dram__bytes.sum\",\"byte\",\"5\"\n";
        f << text;
    }
    check_error([&] { import({nul_csv}); }, nul_csv, 3, "binary data");
    // Sniffed as ncu (a header line comes before the NUL), so the error names the NUL's line.
    CHECK(find_importer("ncu-csv")->sniff(read_head(nul_csv), nul_csv));
    // Binary data in general is not sniffed as ncu CSV.
    std::string png = dir + "/image.png";
    {
        std::ofstream f(png, std::ios::binary);
        f << std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16) << "\"ID\",\"Kernel Name\"\n";
    }
    try {
        load_traces({png}, {});
        FAIL("binary file accepted");
    } catch (const Error& e) {
        CHECK(e.message().find("unrecognized input format") != std::string::npos);
    }
}

TEST_CASE("gzip-compressed files and a UTF-8 byte-order mark are read like the plain file") {
    Trace plain = import({fixture("wide-raw.csv")});
    Trace gz = import({fixture("wide-raw.csv.gz")});
    REQUIRE(gz.kernels.size() == plain.kernels.size());
    CHECK(gz.kernels.name == plain.kernels.name);
    CHECK(bytes(gz, 0, MemLevel::dram) == 1536500.0);
    CHECK(find_importer("ncu-csv")->sniff(read_head(fixture("wide-raw.csv.gz")), "x"));

    std::string dir = test::scratch_dir("ncu-bom");
    std::string path = dir + "/bom.csv";
    {
        std::ifstream in(fixture("long-quoted-crlf.csv"), std::ios::binary);
        std::ofstream out(path, std::ios::binary);
        out << "\xEF\xBB\xBF" << in.rdbuf();
    }
    auto traces = load_traces({path}, {});
    REQUIRE(traces.size() == 1);
    CHECK(traces[0].kernels.size() == 3);
    CHECK(traces[0].strings.get(traces[0].kernels.name[1]) == "kernel, with \"commas\", (and parens)");
}

TEST_CASE("sniffing finds the header after application output and ignores other text") {
    const Importer* imp = find_importer("ncu-csv");
    REQUIRE(imp != nullptr);
    CHECK(imp->merges_files());
    CHECK(imp->sniff("log line\n==PROF== Connected\n\"ID\",\"Process ID\",\"Kernel Name\",\"Metric Name\"\n", "x"));
    CHECK(imp->sniff("\"ID\",\"Process ID\",\"Process Name\",\"Host Name\",\"Kernel Name\"\r\n", "x"));
    CHECK_FALSE(imp->sniff("{\"traceEvents\": []}", "x.json"));
    CHECK_FALSE(imp->sniff("ID is not a header\n", "x"));
    CHECK_FALSE(imp->sniff("", "x"));
}

TEST_CASE("an unknown architecture name is a usage error listing the known ones") {
    try {
        import({fixture("wide-raw.csv")}, "fermi");
        FAIL("unknown arch accepted");
    } catch (const Error& e) {
        CHECK(e.code() == ExitCode::usage);
        CHECK(e.message().find("volta") != std::string::npos);
    }
}
