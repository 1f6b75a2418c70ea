// The streaming reader: values across window boundaries, large events, top-level keys after
// traceEvents, escapes, time formats, multi-member gzip.
#include <doctest/doctest.h>

#include <string>

#include "test_util.h"
#include "traces/importers/kineto/kineto_importer.h"

using namespace rafter;

namespace {

// A trace of n kernels and n cpu ops whose names vary in length, so that events straddle
// the reader's window boundaries at every possible offset.
std::string synthetic(int n, const std::string& tail_keys) {
    std::string s = "{\"schemaVersion\": 1, \"traceEvents\": [\n";
    for (int i = 0; i < n; ++i) {
        if (i) s += ",\n";
        std::string pad(static_cast<size_t>(i % 97), 'x');
        s += "{\"ph\": \"X\", \"cat\": \"cpu_op\", \"name\": \"aten::mm" + pad + "\", \"pid\": 1, \"tid\": 2, \"ts\": " +
             std::to_string(1000 + i) + ".5, \"dur\": 2.25, \"args\": {\"External id\": " + std::to_string(i) +
             ", \"Input Dims\": [[" + std::to_string(i % 13) + ", 4], [4, 8]], \"Input type\": [\"float\", \"float\"]}},\n";
        s += "{\"ph\": \"X\", \"cat\": \"kernel\", \"name\": \"gemm_" + std::to_string(i % 7) +
             "\", \"pid\": 0, \"tid\": 7, \"ts\": " + std::to_string(2000 + i) + ", \"dur\": 3, \"args\": {\"device\": 0, "
             "\"stream\": 7, \"correlation\": " + std::to_string(i) + ", \"grid\": [" + std::to_string(i % 5 + 1) +
             ", 1, 1], \"block\": [128, 1, 1]}}";
    }
    s += "]" + tail_keys + "}";
    return s;
}

} // namespace

TEST_CASE("events straddling window boundaries are all read exactly once") {
    const int n = 20000;  // about 5 MB of JSON: many 256 KiB windows
    std::string json = synthetic(n, ", \"distributedInfo\": {\"rank\": 3, \"world_size\": 8}, \"baseTimeNanoseconds\": 1700000000000000000");
    REQUIRE(json.size() > 4 * 1024 * 1024);
    for (const std::string& bytes : {json, test::gzip_bytes(json)}) {
        KinetoReadStats st;
        Trace t = read_kineto_bytes(bytes, "synthetic.json", ImportOptions{}, &st);
        CHECK(st.events == 2 * n);
        CHECK(st.json_bytes == json.size());
        REQUIRE(t.kernels.size() == n);
        REQUIRE(t.cpu_ops.size() == n);
        bool ok = true;
        for (int i = 0; i < n && ok; ++i) {
            const CpuOpRow& op = t.cpu_ops[static_cast<size_t>(i)];
            ok = op.external_id == static_cast<uint64_t>(i) && op.start_ns == (1000 + i) * 1000LL + 500 &&
                 op.end_ns - op.start_ns == 2250 &&
                 t.strings.get(op.name).size() == 8 + static_cast<size_t>(i % 97) &&
                 t.strings.get(op.input_dims) == "[[" + std::to_string(i % 13) + ", 4], [4, 8]]" &&
                 t.kernels.correlation[static_cast<size_t>(i)] == static_cast<uint64_t>(i) &&
                 t.kernels.grid[static_cast<size_t>(i)].x == static_cast<uint32_t>(i % 5 + 1);
            if (!ok) MESSAGE("mismatch at event " << i);
        }
        CHECK(ok);
        CHECK(t.meta.rank == 3);  // distributedInfo after traceEvents
        CHECK(t.meta.world_size == 8);
        CHECK(t.meta.base_time_ns == 1700000000000000000);
        CHECK(t.strings.size() == 1 + 97 + 7 + 13 + 1);  // names, kernel names, dims, types
    }
}

TEST_CASE("an event larger than the read chunk and a long ignored top-level value") {
    std::string long_name(3 * 1024 * 1024, 'k');
    std::string info = "\"INFO\": [";
    for (int i = 0; i < 50000; ++i) info += std::string(i ? "," : "") + "\"log line " + std::to_string(i) + " {[\\\"\"";
    info += "], ";
    std::string json = "{" + info + "\"traceEvents\": [{\"ph\":\"X\",\"cat\":\"kernel\",\"name\":\"" + long_name +
                       "\",\"ts\":5,\"dur\":1}]}";
    Trace t = read_kineto_bytes(json, "long.json", ImportOptions{});
    REQUIRE(t.kernels.size() == 1);
    CHECK(t.strings.get(t.kernels.name[0]).size() == long_name.size());
}

TEST_CASE("escapes, time formats and unusual but valid values") {
    std::string json = R"({"traceEvents": [
        {"ph":"X","cat":"cpu_op","name":"a\"b\\c\u00e9\ud83d\ude00","ts":12.3456,"dur":1e3,"pid":"7","tid":"thread"},
        {"ph":"X","cat":"cpu_op","name":"neg","ts":-5.0005,"dur":-1},
        {"ph":"X","cat":"kernel","name":"k","ts":100,"dur":0.0004,"args":{"device":null,"stream":4294967295}},
        {"ph":"i","cat":"cpu_op","name":"instant","ts":1},
        {"ph":"X","cat":"my_category","name":"x","ts":1,"dur":1},
        {"ph":"M","name":"process_name","pid":1,"args":{"name":"python"}},
        {"ph":"s","id":1,"cat":"ac2g","name":"ac2g","ts":1}
    ]})";
    Trace t = read_kineto_bytes(json, "escapes.json", ImportOptions{});
    REQUIRE(t.cpu_ops.size() == 2);
    CHECK(t.strings.get(t.cpu_ops[0].name) == "a\"b\\c\xc3\xa9\xf0\x9f\x98\x80");
    CHECK(t.cpu_ops[0].start_ns == 12346);  // 12.3456 us rounds to 12346 ns
    CHECK(t.cpu_ops[0].end_ns == 12346 + 1000000);
    CHECK(t.cpu_ops[0].pid == 7);
    CHECK(t.cpu_ops[0].tid == 0);
    CHECK(t.cpu_ops[1].start_ns == -5001);  // half away from zero
    CHECK(t.cpu_ops[1].end_ns == -5001 - 1000);
    REQUIRE(t.kernels.size() == 1);
    CHECK(t.kernels.stream[0] == -1);
    CHECK(t.kernels.device[0] == 0);  // pid fallback: no pid -> 0
    CHECK(t.kernels.end_ns[0] - t.kernels.start_ns[0] == 0);
    CHECK(t.diagnostics.count("kineto.negative_duration") == 1);
    CHECK(t.diagnostics.count("kineto.non_complete_event") == 1);
    CHECK(t.diagnostics.count("kineto.unknown_category") == 1);
    CHECK(t.diagnostics.find("kineto.unknown_category")->message.find("my_category (1)") != std::string::npos);
    CHECK(t.diagnostics.count("kineto.no_base_time") == 1);
}

TEST_CASE("concatenated gzip members and a byte order mark") {
    std::string a = "\xEF\xBB\xBF{\"traceEvents\": [{\"ph\":\"X\",\"cat\":\"kernel\",\"name\":\"k1\",\"ts\":1,\"dur\":1},";
    std::string b = "{\"ph\":\"X\",\"cat\":\"kernel\",\"name\":\"k2\",\"ts\":2,\"dur\":1}]}\n";
    Trace t = read_kineto_bytes(test::gzip_bytes(a) + test::gzip_bytes(b), "two-members.json.gz", ImportOptions{});
    REQUIRE(t.kernels.size() == 2);
    CHECK(t.strings.get(t.kernels.name[1]) == "k2");
}

TEST_CASE("sniffing") {
    CHECK(looks_like_kineto("  {\"schemaVersion\": 1, \"deviceProperties\": []"));
    CHECK(looks_like_kineto("{\n  \"traceEvents\": ["));
    CHECK_FALSE(looks_like_kineto("ID,Kernel Name,Metric Name"));
    CHECK_FALSE(looks_like_kineto("{\"name\": \"a100\", \"peaks_flops\": {}}"));
    CHECK_FALSE(looks_like_kineto("SQLite format 3"));
}
