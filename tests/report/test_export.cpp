// `rafter export --chrome-trace`: the JSON re-imports through the Kineto importer with the same
// event counts, kernel args carry the roofline figures of their row (checked against the ncu CSV
// values counted with Python: kernel ID 0 moved 58,240 DRAM bytes), one process per rank.
#include <doctest/doctest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "report/chrome_export.h"
#include "analysis/roofline.h"
#include "model/machines/machine.h"
#include "test_support.h"
#include "traces/importer.h"

using namespace rafter;
using namespace rafter::test;
namespace fs = std::filesystem;

namespace {

} // namespace

TEST_CASE("Chrome-trace export of a Kineto trace re-imports with the same counts") {
    std::string in = real_data("kineto/h100-bert-small-infer.json.gz");
    auto s = scratch_dir("export-kineto");
    auto r = run_rafter("export --chrome-trace '" + in + "' -o '" + s + "/out.json'", s);
    REQUIRE(r.exit_code == 0);
    auto orig = load_traces({in}, {});
    auto back = load_traces({s + "/out.json"}, {});
    REQUIRE(back.size() == 1);
    const Trace &a = orig[0], &b = back[0];
    CHECK(b.meta.source_format == "kineto");
    CHECK(a.kernels.size() == 60);  // Python count of "kernel" events
    CHECK(b.kernels.size() == a.kernels.size());
    CHECK(b.copies.size() == a.copies.size());
    CHECK(b.cpu_ops.size() == a.cpu_ops.size());
    CHECK(b.steps.size() == a.steps.size());
    // deviceProperties and distributedInfo travel too: the machine is still detected.
    REQUIRE(b.meta.devices.size() == a.meta.devices.size());
    CHECK(b.meta.devices[0].name == a.meta.devices[0].name);
    CHECK(b.meta.rank == a.meta.rank);
    auto ma = detect_machine(orig), mb = detect_machine(back);
    REQUIRE(ma);
    REQUIRE(mb);
    CHECK(mb->name == ma->name);
    // Durations survive to the nanosecond (ts/dur written with 3 decimals in us).
    double sa = 0, sb = 0;
    for (size_t i = 0; i < a.kernels.size(); ++i) sa += static_cast<double>(a.kernels.end_ns[i] - a.kernels.start_ns[i]);
    for (size_t i = 0; i < b.kernels.size(); ++i) sb += static_cast<double>(b.kernels.end_ns[i] - b.kernels.start_ns[i]);
    CHECK(sb == doctest::Approx(sa).epsilon(1e-9));

    simdjson::ondemand::parser p;
    simdjson::padded_string json = simdjson::padded_string::load(s + "/out.json").value();
    auto doc = p.iterate(json);
    size_t kernels = 0, with_flops = 0, named = 0;
    std::set<int64_t> pids;
    for (auto ev : doc["traceEvents"].get_array()) {
        std::string_view ph = ev["ph"].get_string().value();
        if (ph == "M") {
            ++named;
            continue;
        }
        pids.insert(ev["pid"].get_int64().value());
        std::string_view cat = ev["cat"].get_string().value();
        if (cat != "kernel") continue;
        ++kernels;
        auto args = ev["args"];
        // Every kernel has the keys; a missing figure is null. Analytic costs can be a real 0
        // (an embedding gather does no arithmetic), never negative.
        auto flops = args["flops"];
        if (!flops.is_null().value()) {
            CHECK(flops.get_double().value() >= 0);
            ++with_flops;
        }
        auto bound = args["bound"];
        if (!bound.is_null().value()) {
            std::string_view bs = bound.get_string().value();
            CHECK((bs == "compute" || bs == "dram" || bs == "l2" || bs == "l1" || bs == "launch_floor"));
        }
    }
    CHECK(kernels == 60);
    CHECK(with_flops == 60);  // every kernel of this trace belongs to an op with a cost model
    CHECK(pids.size() == 1);
    CHECK(named >= 2);
}

TEST_CASE("Chrome-trace export keeps the launch -> kernel flow arrows") {
    // Expected count, from the Trace itself: GPU events with timestamps whose correlation id is
    // that of a timed runtime or driver call.
    auto traces = load_traces({real_data("kineto/h100-bert-small-infer.json.gz")}, {});
    REQUIRE(traces.size() == 1);
    const Trace& tr = traces[0];
    std::set<uint64_t> launched;
    for (const auto& c : tr.cpu_ops)
        if (c.correlation && (c.kind == CpuEventKind::runtime || c.kind == CpuEventKind::driver) &&
            c.end_ns > c.start_ns)
            launched.insert(c.correlation);
    uint64_t expected = 0;
    for (size_t i = 0; i < tr.kernels.size(); ++i)
        expected += tr.kernels.end_ns[i] > tr.kernels.start_ns[i] && launched.count(tr.kernels.correlation[i]);
    for (const auto& c : tr.copies) expected += c.end_ns > c.start_ns && launched.count(c.correlation);
    CHECK(expected == 61);  // 60 kernels and the memcpy, each launched inside the profile

    std::ostringstream out;
    ChromeExportStats st = write_chrome_trace(traces, out);
    CHECK(st.flows == expected);
    simdjson::ondemand::parser p;
    simdjson::padded_string json(out.str());
    auto doc = p.iterate(json);
    std::multiset<uint64_t> starts, ends;
    for (auto ev : doc["traceEvents"].get_array()) {
        std::string_view ph = ev["ph"].get_string().value();
        if (ph != "s" && ph != "f") continue;
        CHECK(ev["cat"].get_string().value() == "ac2g");
        uint64_t id = ev["id"].get_uint64().value();
        if (ph == "s") {
            starts.insert(id);
        } else {
            CHECK(ev["bp"].get_string().value() == "e");
            ends.insert(id);
        }
    }
    CHECK(starts.size() == expected);
    CHECK(ends == starts);
    CHECK(std::set<uint64_t>(starts.begin(), starts.end()).size() == starts.size());  // one pair per id

    // Nsight Compute exports have no runtime calls: no arrows.
    Machine m = load_machine("v100-sxm2");
    ImportOptions io;
    io.arch = m.arch;
    auto ncu = load_traces({source_dir() + "/examples/ncu/deepcam-v100-fw"}, io);
    std::ostringstream none;
    CHECK(write_chrome_trace(ncu, none).flows == 0);
    CHECK(none.str().find("\"ac2g\"") == std::string::npos);
}

TEST_CASE("Chrome-trace export of ncu exports: synthetic timeline, per-row FLOPs and bytes") {
    ImportOptions io;
    Machine m = load_machine("v100-sxm2");
    io.arch = m.arch;
    auto traces = load_traces({source_dir() + "/examples/ncu/deepcam-v100-fw"}, io);
    std::ostringstream out;
    ChromeExportOptions eo;
    eo.machine = &m;
    ChromeExportStats st = write_chrome_trace(traces, out, eo);
    CHECK(st.kernels == 797);
    CHECK(st.synthetic_kernels == 797);
    CHECK(st.processes == 1);

    simdjson::ondemand::parser p;
    simdjson::padded_string json(out.str());
    auto doc = p.iterate(json);
    double prev_end = 0, dram_total = 0;
    size_t n = 0, bounds = 0;
    for (auto ev : doc["traceEvents"].get_array()) {
        if (ev["ph"].get_string().value() != "X") continue;
        double ts = ev["ts"].get_double().value(), dur = ev["dur"].get_double().value();
        CHECK(ts >= prev_end - 1e-3);  // back to back, never overlapping
        prev_end = ts + dur;
        auto args = ev["args"];
        CHECK(args["synthetic_ts"].get_bool().value());
        auto d = args["bytes_dram"];
        if (!d.is_null().value()) {
            double v = d.get_double().value();
            if (n == 0) CHECK(v == 58240.0);  // kernel ID 0 in out.dram__bytes.sum
            dram_total += v;
        }
        if (!args["bound"].is_null().value()) ++bounds;
        ++n;
    }
    CHECK(n == 797);
    CHECK(dram_total == doctest::Approx(21827093984.0).epsilon(1e-9));  // Python sum over the CSV
    CHECK(bounds == 797);
}

TEST_CASE("rafter export usage errors") {
    auto s = scratch_dir("export-usage");
    CHECK(run_rafter("export --help", s).exit_code == 0);
    CHECK(run_rafter("export '" + source_dir() + "/examples/ncu/deepcam-v100-fw' -o x.json", s).exit_code == 2);
    CHECK(run_rafter("export --chrome-trace '" + source_dir() + "/examples/ncu/deepcam-v100-fw'", s).exit_code == 2);
    auto bad = run_rafter("export --chrome-trace /nonexistent/file.json -o '" + s + "/o.json'", s);
    CHECK(bad.exit_code != 0);
    CHECK_FALSE(fs::exists(s + "/o.json"));
    (void)slurp;
}
