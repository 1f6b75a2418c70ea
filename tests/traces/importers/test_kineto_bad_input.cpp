// Bad Kineto input gets a rafter::Error naming the file and the byte offset or event index.
// Fixtures are made on the fly from the real traces in tests/data/real or written inline.
#include <doctest/doctest.h>

#include "core/error.h"
#include "test_support.h"
#include "test_util.h"
#include "traces/importers/kineto/kineto_importer.h"

using namespace rafter;

namespace {

// Imports bytes in memory and returns the error it raised (fails the test when none).
Error import_error(const std::string& bytes, const std::string& origin = "fixture.json") {
    try {
        read_kineto_bytes(bytes, origin, ImportOptions{});
    } catch (const Error& e) {
        return e;
    }
    FAIL("no error for " << origin);
    return Error(ExitCode::ok, "");
}

std::string one_event(const std::string& event) { return "{\"traceEvents\": [" + event + "]}"; }

bool has(const Error& e, const std::string& text) {
    return std::string(e.what()).find(text) != std::string::npos;
}

} // namespace

TEST_CASE("truncated and corrupt gzip files are reported with the compressed byte offset") {
    std::string gz = test::slurp(test::real_data("kineto/h100-bert-small-infer.json.gz"));
    std::string dir = test::scratch_dir("kineto-bad-gzip");
    std::string cut = dir + "/cut.json.gz";
    test::spit(cut, gz.substr(0, gz.size() / 2));
    try {
        read_kineto_file(cut, ImportOptions{});
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.code() == ExitCode::bad_input);
        CHECK(e.where().file == cut);
        CHECK(e.where().kind == PositionKind::byte_offset);
        CHECK(e.where().value == gz.size() / 2);
        CHECK(has(e, "truncated gzip"));
    }
    std::string bad = gz;
    for (size_t i = 2000; i < 2400; ++i) bad[i] = static_cast<char>(bad[i] ^ 0x5a);
    Error e = import_error(bad, "corrupt.json.gz");
    CHECK(e.where().kind == PositionKind::byte_offset);
    CHECK(e.where().value >= 2000);
    CHECK(e.where().value <= gz.size());
    CHECK(has(e, "corrupt.json.gz"));
}

TEST_CASE("truncated JSON names the byte offset and the event being read") {
    std::string json = test::gunzip_bytes(test::slurp(test::real_data("kineto/h100-bert-small-infer.json.gz")));
    size_t cut = json.size() * 6 / 10;
    Error e = import_error(json.substr(0, cut), "cut.json");
    CHECK(e.code() == ExitCode::bad_input);
    CHECK(e.where().kind == PositionKind::byte_offset);
    CHECK(e.where().value == cut);
    CHECK(has(e, "truncated"));
    CHECK(has(e, "inside event"));
    // The same cut inside a gzip stream that itself is complete.
    Error g = import_error(test::gzip_bytes(json.substr(0, cut)), "cut-json.json.gz");
    CHECK(g.where().value == cut);
    CHECK(has(g, "truncated"));
}

TEST_CASE("wrong field and arg types name the event index") {
    Error ts = import_error(one_event(R"({"ph":"X","cat":"kernel","name":"k","ts":"abc","dur":1})"));
    CHECK(ts.where().kind == PositionKind::event_index);
    CHECK(ts.where().value == 0);
    CHECK(has(ts, "'ts' must be a number, got a string \"abc\""));
    CHECK(has(ts, "fixture.json: event 0"));

    std::string two = "{\"traceEvents\": [" R"({"ph":"X","cat":"cpu_op","name":"a","ts":1,"dur":1},)"
                      R"({"ph":"X","cat":"cpu_op","name":"b","ts":1,"dur":1,"args":{"External id":"x"}})" "]}";
    Error ext = import_error(two);
    CHECK(ext.where().kind == PositionKind::event_index);
    CHECK(ext.where().value == 1);
    CHECK(has(ext, "'External id' must be a non-negative integer"));

    Error grid = import_error(one_event(R"({"ph":"X","cat":"kernel","name":"k","ts":1,"dur":1,"args":{"grid":"abc"}})"));
    CHECK(has(grid, "'grid' must be a list"));
    Error grid4 = import_error(one_event(R"({"ph":"X","cat":"kernel","name":"k","ts":1,"dur":1,"args":{"grid":[1,2,3,4]}})"));
    CHECK(has(grid4, "up to three integers"));
    Error name = import_error(one_event(R"({"ph":"X","cat":"kernel","name":7,"ts":1,"dur":1})"));
    CHECK(has(name, "'name' must be a string, got a number"));
    Error dur = import_error(one_event(R"({"ph":"X","cat":"gpu_memcpy","name":"m","ts":1})"));
    CHECK(has(dur, "missing 'dur'"));
    Error bytes = import_error(one_event(R"({"ph":"X","cat":"gpu_memcpy","name":"m","ts":1,"dur":2,"args":{"bytes":-5}})"));
    CHECK(has(bytes, "'bytes' must be a non-negative integer, got -5"));
    Error dims = import_error(one_event(R"({"ph":"X","cat":"cpu_op","name":"m","ts":1,"dur":2,"args":{"Input Dims":3}})"));
    CHECK(has(dims, "'Input Dims' must be a list"));
    Error big = import_error(one_event(R"({"ph":"X","cat":"cpu_op","name":"m","ts":1e300,"dur":2})"));
    CHECK(has(big, "'ts' is out of range"));
}

TEST_CASE("documents that are not Kineto traces") {
    Error missing = import_error(R"({"schemaVersion": 1, "deviceProperties": []})");
    CHECK(has(missing, "no \"traceEvents\""));
    CHECK(missing.where().kind == PositionKind::byte_offset);
    Error not_array = import_error(R"({"traceEvents": {"a": 1}})");
    CHECK(has(not_array, "\"traceEvents\" must be an array"));
    CHECK(not_array.where().value == 16);
    Error array_top = import_error(R"([{"ph":"X"}])");
    CHECK(has(array_top, "JSON object"));
    CHECK(array_top.where().value == 0);
    Error not_object = import_error(one_event("17"));
    CHECK(has(not_object, "expected an event object"));
    Error trailing = import_error(R"({"traceEvents": []} x)");
    CHECK(has(trailing, "unexpected data after"));
    CHECK(trailing.where().value == 20);
    static const char with_nul[] = "{\"traceEvents\": [{\"ph\"\0: 1}]}";
    Error nul = import_error(std::string(with_nul, sizeof with_nul - 1));
    CHECK(has(nul, "NUL"));
    Error comma = import_error(one_event(R"({"ph":"X",})"));
    CHECK(has(comma, "expected a string key"));
    Error empty = import_error("");
    CHECK(has(empty, "truncated"));
    Error dist = import_error(R"({"distributedInfo": {"rank": "zero"}, "traceEvents": []})");
    CHECK(has(dist, "'rank' must be an integer"));
    Error deep = import_error(one_event("{\"args\":{\"x\":" + std::string(400, '[') + std::string(400, ']') + "}}"));
    CHECK(has(deep, "nesting too deep"));
}

TEST_CASE("gzip member trailers are verified, also when they straddle two input chunks") {
    std::string json = R"({"traceEvents": [{"ph":"X","cat":"kernel","name":"k","ts":1,"dur":1}]})";
    std::string gz = test::gzip_bytes(json);
    std::string bad = gz;
    bad[bad.size() - 6] = static_cast<char>(bad[bad.size() - 6] ^ 1);  // CRC-32 byte
    Error crc = import_error(bad, "crc.json.gz");
    CHECK(has(crc, "CRC-32 or length mismatch"));
    CHECK(crc.where().value == gz.size());

    // Stored (level 0) deflate makes the compressed size predictable: pad the kernel name so
    // that the file is 256 KiB + 3 bytes and its trailer is split 5/3 across the reader's
    // 256 KiB input chunks.
    const size_t chunk = 256 * 1024;
    std::string target;
    for (size_t pad = chunk - 200; pad < chunk; ++pad) {
        std::string j = R"({"traceEvents": [{"ph":"X","cat":"kernel","name":")" + std::string(pad, 'n') +
                        R"(","ts":1,"dur":1}]})";
        if (test::gzip_bytes(j, 0).size() == chunk + 3) { target = j; break; }
    }
    REQUIRE_FALSE(target.empty());
    std::string split = test::gzip_bytes(target, 0);
    Trace t = read_kineto_bytes(split, "split.json.gz", ImportOptions{});
    CHECK(t.kernels.size() == 1);
    split[split.size() - 2] = static_cast<char>(split[split.size() - 2] ^ 1);  // length byte
    CHECK(has(import_error(split, "split-bad.json.gz"), "CRC-32 or length mismatch"));
}

TEST_CASE("PyTorch 1.8-1.10 traces (capitalized categories) import; device-like traces without kernels are errors") {
    // Early Kineto wrote Kernel, Operator, Runtime, Memcpy, Memset.
    std::string old = R"J({"traceEvents": [
      {"ph": "X", "cat": "Operator", "name": "aten::mm", "pid": 1, "tid": 1, "ts": 10, "dur": 20, "args": {"External id": 7}},
      {"ph": "X", "cat": "Runtime", "name": "cudaLaunchKernel", "pid": 1, "tid": 1, "ts": 12, "dur": 3, "args": {"correlation": 5, "External id": 7}},
      {"ph": "X", "cat": "Kernel", "name": "volta_sgemm_128x64_nn", "pid": 0, "tid": 7, "ts": 20, "dur": 9, "args": {"device": 0, "stream": 7, "correlation": 5, "External id": 7}},
      {"ph": "X", "cat": "Memcpy", "name": "Memcpy HtoD (Pageable -> Device)", "pid": 0, "tid": 7, "ts": 40, "dur": 2, "args": {"device": 0, "stream": 7, "correlation": 6, "bytes": 4096}},
      {"ph": "X", "cat": "Memset", "name": "Memset (Device)", "pid": 0, "tid": 7, "ts": 50, "dur": 1, "args": {"device": 0, "stream": 7, "correlation": 8, "bytes": 64}}]})J";
    Trace t = read_kineto_bytes(old, "torch-1.9.json", ImportOptions{});
    REQUIRE(t.kernels.size() == 1);
    CHECK(t.strings.get(t.kernels.name[0]) == "volta_sgemm_128x64_nn");
    CHECK(t.kernels.duration_s[0] == doctest::Approx(9e-6));
    CHECK(t.copies.size() == 2);
    size_t ops = 0, runtime = 0;
    for (const auto& c : t.cpu_ops) {
        ops += c.kind == CpuEventKind::op;
        runtime += c.kind == CpuEventKind::runtime;
    }
    CHECK(ops == 1);
    CHECK(runtime == 1);

    // An MTIA-like trace: device activity in categories Rafter does not read, no kernel.
    Error e = import_error(R"({"traceEvents": [
      {"ph": "X", "cat": "cpu_op", "name": "aten::mm", "pid": 1, "tid": 1, "ts": 10, "dur": 20},
      {"ph": "X", "cat": "mtia_ccp_events", "name": "mm_kernel", "pid": 2, "tid": 1, "ts": 12, "dur": 5},
      {"ph": "X", "cat": "mtia_runtime", "name": "launch", "pid": 1, "tid": 1, "ts": 11, "dur": 1}]})",
                           "mtia.json");
    CHECK(e.code() == ExitCode::bad_input);
    CHECK(e.where().file == "mtia.json");
    CHECK(has(e, "mtia_ccp_events (1)"));
    CHECK(has(e, "device-like categories"));

    // Kernel launches without kernel events: the GPU activities were not recorded.
    Error l = import_error(R"({"traceEvents": [
      {"ph": "X", "cat": "cpu_op", "name": "aten::mm", "pid": 1, "tid": 1, "ts": 10, "dur": 20},
      {"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 1, "tid": 1, "ts": 12, "dur": 3, "args": {"correlation": 5}}]})",
                           "nogpu.json");
    CHECK(has(l, "1 kernel launch calls but no kernel events"));

    // A CPU-only profile stays a warning.
    Trace cpu = read_kineto_bytes(one_event(R"({"ph": "X", "cat": "cpu_op", "name": "aten::add", "pid": 1, "tid": 1, "ts": 1, "dur": 2})"),
                                  "cpu.json", ImportOptions{});
    CHECK(cpu.kernels.size() == 0);
    bool warned = false;
    for (const auto& d : cpu.diagnostics.entries()) warned = warned || d.code == "kineto.no_kernels";
    CHECK(warned);
}

TEST_CASE("deviceProperties integers beyond int64 are an error, not undefined behaviour") {
    Error e = import_error(R"({"deviceProperties": [{"id": 0, "name": "X", "totalGlobalMem": 1e32}], "traceEvents": []})",
                           "props.json");
    CHECK(e.code() == ExitCode::bad_input);
    CHECK(has(e, "'totalGlobalMem' must be an integer in range"));
}

TEST_CASE("\"args\" that is not an object is counted, not silently dropped") {
    Trace t = read_kineto_bytes(
        one_event(R"({"ph": "X", "cat": "kernel", "name": "k", "pid": 0, "tid": 7, "ts": 1, "dur": 2, "args": [1, 2]})"),
        "args.json", ImportOptions{});
    REQUIRE(t.kernels.size() == 1);
    CHECK(t.diagnostics.count("kineto.args_not_object") == 1);
    Trace n = read_kineto_bytes(
        one_event(R"({"ph": "X", "cat": "kernel", "name": "k", "pid": 0, "tid": 7, "ts": 1, "dur": 2, "args": null})"),
        "null.json", ImportOptions{});
    CHECK(n.diagnostics.count("kineto.args_not_object") == 0);
}
