// Rafter's native trace format: exact round trips (every table and field, missing vs zero),
// and truncation / corruption reported with the byte offset.
#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <tuple>

#include "core/error.h"
#include "test_support.h"
#include "traces/importer.h"
#include "traces/native_format.h"

using namespace rafter;

namespace {

bool same(double a, double b) { return std::bit_cast<uint64_t>(a) == std::bit_cast<uint64_t>(b); }
bool same(const Value& a, const Value& b) { return same(a.value, b.value) && a.prov == b.prov; }

void check_column(const MetricColumn& a, const MetricColumn& b) {
    REQUIRE(a.any() == b.any());
    REQUIRE(a.values.size() == b.values.size());
    REQUIRE(a.prov == b.prov);
    for (size_t i = 0; i < a.values.size(); ++i) CHECK(same(a.values[i], b.values[i]));
}

template <class Row, class Tie>
void check_rows(const std::vector<Row>& a, const std::vector<Row>& b, Tie tie) {
    REQUIRE(a.size() == b.size());
    for (size_t i = 0; i < a.size(); ++i) CHECK_MESSAGE(tie(a[i]) == tie(b[i]), "row " << i);
}

// Field-by-field equality of two traces, doubles compared bit for bit.
void check_equal(const Trace& a, const Trace& b) {
    REQUIRE(a.strings.size() == b.strings.size());
    for (size_t i = 0; i < a.strings.size(); ++i)
        CHECK(a.strings.get(static_cast<StringId>(i)) == b.strings.get(static_cast<StringId>(i)));
    const auto &ma = a.meta, &mb = b.meta;
    CHECK(ma.source_format == mb.source_format);
    CHECK(ma.source_files == mb.source_files);
    CHECK(ma.host == mb.host);
    CHECK(ma.rank == mb.rank);
    CHECK(ma.world_size == mb.world_size);
    CHECK(ma.pid == mb.pid);
    CHECK(ma.base_time_ns == mb.base_time_ns);
    CHECK(ma.machine_hint == mb.machine_hint);
    REQUIRE(ma.devices.size() == mb.devices.size());
    for (size_t i = 0; i < ma.devices.size(); ++i) {
        CHECK(ma.devices[i].id == mb.devices[i].id);
        CHECK(ma.devices[i].name == mb.devices[i].name);
        CHECK(ma.devices[i].cc_major == mb.devices[i].cc_major);
        CHECK(ma.devices[i].cc_minor == mb.devices[i].cc_minor);
        CHECK(ma.devices[i].total_memory == mb.devices[i].total_memory);
        CHECK(ma.devices[i].sm_count == mb.devices[i].sm_count);
    }
    const auto &ka = a.kernels, &kb = b.kernels;
    REQUIRE(ka.size() == kb.size());
    CHECK(ka.name == kb.name);
    CHECK(ka.device == kb.device);
    CHECK(ka.stream == kb.stream);
    CHECK(ka.start_ns == kb.start_ns);
    CHECK(ka.end_ns == kb.end_ns);
    for (size_t i = 0; i < ka.size(); ++i) CHECK(same(ka.duration_s[i], kb.duration_s[i]));
    CHECK(ka.duration_prov == kb.duration_prov);
    CHECK(ka.launches == kb.launches);
    CHECK(ka.grid == kb.grid);
    CHECK(ka.block == kb.block);
    CHECK(ka.correlation == kb.correlation);
    CHECK(ka.external_id == kb.external_id);
    CHECK(ka.launch_id == kb.launch_id);
    for (size_t k = 0; k < kFlopKinds; ++k) check_column(ka.flops[k], kb.flops[k]);
    for (size_t l = 0; l < kMemLevels; ++l) check_column(ka.bytes[l], kb.bytes[l]);

    // Rows as tuples of their fields (Values, whose doubles need a bitwise check, apart).
    check_rows(a.copies, b.copies, [](const CopyRow& r) {
        return std::tie(r.kind, r.device, r.stream, r.start_ns, r.end_ns, r.bytes, r.correlation, r.external_id);
    });
    check_rows(a.cpu_ops, b.cpu_ops, [](const CpuOpRow& r) {
        return std::tie(r.kind, r.name, r.pid, r.tid, r.start_ns, r.end_ns, r.external_id, r.correlation,
                        r.input_dims, r.input_types, r.input_strides, r.concrete_inputs);
    });
    check_rows(a.regions, b.regions, [](const RegionRow& r) {
        return std::tie(r.kind, r.name, r.pid, r.tid, r.start_ns, r.end_ns, r.depth);
    });
    for (size_t i = 0; i < a.regions.size(); ++i) {
        for (size_t k = 0; k < kFlopKinds; ++k) CHECK(same(a.regions[i].flops[k], b.regions[i].flops[k]));
        for (size_t l = 0; l < kMemLevels; ++l) CHECK(same(a.regions[i].bytes[l], b.regions[i].bytes[l]));
    }
    check_rows(a.collectives, b.collectives, [](const CollectiveRow& r) {
        return std::tie(r.name, r.device, r.stream, r.start_ns, r.end_ns, r.in_elems, r.out_elems, r.dtype,
                        r.group_size, r.process_group, r.kernel_row);
    });
    check_rows(a.steps, b.steps, [](const StepRow& r) { return std::tie(r.name, r.start_ns, r.end_ns); });
    const auto &da = a.diagnostics.entries(), &db = b.diagnostics.entries();
    REQUIRE(da.size() == db.size());
    for (size_t i = 0; i < da.size(); ++i) {
        CHECK(da[i].severity == db[i].severity);
        CHECK(da[i].code == db[i].code);
        CHECK(da[i].message == db[i].message);
        CHECK(da[i].count == db[i].count);
    }
}

// A trace with every table and field set, including missing-vs-zero values and extremes.
Trace full_trace() {
    Trace t;
    t.meta.source_format = "kineto";
    t.meta.source_files = {"/a/rank0.json.gz", "b \"quoted\".json"};
    t.meta.host = "node-17";
    t.meta.rank = 3;
    t.meta.world_size = 16;
    t.meta.pid = -42;
    t.meta.base_time_ns = 1700000000123456789;
    t.meta.devices = {{0, "NVIDIA H100 80GB HBM3", 9, 0, 85520809984ull, 132}, {1, "", 0, 0, 0, 0}};
    t.meta.machine_hint = "h100-sxm";
    StringId k1 = t.strings.intern("void gemm<float, 2>(\"x\", y)");
    StringId k2 = t.strings.intern("naïve_kernel");  // UTF-8
    StringId op = t.strings.intern("aten::mm");
    StringId dims = t.strings.intern("[[64, 128], [128, 256]]");
    StringId types = t.strings.intern("[\"float\", \"float\"]");
    StringId strides = t.strings.intern("[[128, 1], [256, 1]]");
    StringId concrete = t.strings.intern("[\"\", \"\"]");
    StringId step = t.strings.intern("ProfilerStep#4");
    StringId coll = t.strings.intern("allreduce");
    StringId dtype = t.strings.intern("bf16");
    StringId pg = t.strings.intern("default_pg");

    KernelRow r;
    r.name = k1;
    r.device = 1;
    r.stream = 7;
    r.start_ns = -5;
    r.end_ns = std::numeric_limits<int64_t>::max();
    r.duration_s = 1.0 / 3.0;
    r.duration_prov = Provenance::measured;
    r.launches = 4000000000u;
    r.grid = {65535, 2, 3};
    r.block = {1024, 1, 1};
    r.correlation = 123;
    r.external_id = std::numeric_limits<uint64_t>::max();
    r.launch_id = 9;
    r.flops[static_cast<size_t>(FlopKind::fp32)] = Value::derived(0.0);  // zero, not missing
    r.flops[static_cast<size_t>(FlopKind::tensor_bf16)] = Value::measured(1.2345678901234567e15);
    r.flops[static_cast<size_t>(FlopKind::fp64)] = Value::analytic(-0.0);
    r.bytes[static_cast<size_t>(MemLevel::dram)] = Value::measured(134957158144.0);
    r.bytes[static_cast<size_t>(MemLevel::nvlink)] = Value::derived(5e-324);  // denormal
    t.kernels.append(r);
    KernelRow r2;  // defaults: everything missing
    r2.name = k2;
    t.kernels.append(r2);
    KernelRow r3 = r;
    r3.duration_prov = Provenance::derived;
    r3.flops[static_cast<size_t>(FlopKind::fp32)] = Value{};  // missing in a column that exists
    r3.flops[static_cast<size_t>(FlopKind::int8)] = Value::measured(std::numeric_limits<double>::max());
    t.kernels.append(r3);

    t.copies.push_back({CopyKind::memcpy_htod, 0, 7, 10, 20, 4096, 5, 6});
    t.copies.push_back({CopyKind::memset, -1, -1, 0, 0, 0, 0, 0});
    CpuOpRow c;
    c.kind = CpuEventKind::op;
    c.name = op;
    c.pid = 100;
    c.tid = 101;
    c.start_ns = 1;
    c.end_ns = 2;
    c.external_id = 77;
    c.correlation = 78;
    c.input_dims = dims;
    c.input_types = types;
    c.input_strides = strides;
    c.concrete_inputs = concrete;
    t.cpu_ops.push_back(c);
    c.kind = CpuEventKind::sync;
    c.input_dims = kNoString;
    t.cpu_ops.push_back(c);
    RegionRow reg;
    reg.kind = RegionKind::nvtx;
    reg.name = step;
    reg.pid = 1;
    reg.tid = 2;
    reg.start_ns = 3;
    reg.end_ns = 4;
    reg.depth = 5;
    reg.flops[static_cast<size_t>(FlopKind::fp64)] = Value::measured(1e9);
    reg.flops[static_cast<size_t>(FlopKind::fp32)] = Value::measured(0);
    reg.bytes[static_cast<size_t>(MemLevel::l2)] = Value::derived(2.5);
    t.regions.push_back(reg);
    t.regions.push_back(RegionRow{});
    t.collectives.push_back({coll, 0, 3, 100, 200, 1 << 20, 1 << 20, dtype, 8, pg, 0});
    t.collectives.push_back(CollectiveRow{});
    t.steps.push_back({step, 0, 1000});
    t.diagnostics.add(Severity::warning, "kineto.unknown_category", "something \"odd\"", 3);
    t.diagnostics.add(Severity::info, "x.y", "", 1);
    t.diagnostics.add(Severity::error, "z", "bad", 0);
    return t;
}

std::string to_bytes(const Trace& t) {
    std::ostringstream out;
    write_native_trace(t, out);
    return out.str();
}

template <class F>
uint64_t error_offset(F f) {
    try {
        f();
    } catch (const Error& e) {
        CHECK(e.code() == ExitCode::bad_input);
        CHECK(e.where().kind == PositionKind::byte_offset);
        return e.where().value;
    }
    FAIL("no error");
    return 0;
}

} // namespace

TEST_CASE("native format: every table and field round-trips exactly") {
    Trace t = full_trace();
    std::string bytes = to_bytes(t);
    CHECK(bytes.substr(0, 8) == kNativeMagic);
    Trace back = read_native_trace_bytes(bytes, "mem");
    check_equal(t, back);
    // Missing stays missing, zero stays zero.
    CHECK(back.kernels.get_flops(0, FlopKind::fp32).has());
    CHECK(back.kernels.get_flops(0, FlopKind::fp32).value == 0.0);
    CHECK_FALSE(back.kernels.get_flops(2, FlopKind::fp32).has());
    CHECK_FALSE(back.kernels.flops[static_cast<size_t>(FlopKind::fp16)].any());
    CHECK(std::signbit(back.kernels.get_flops(0, FlopKind::fp64).value));
    // Writing the read-back trace gives the same bytes.
    CHECK(to_bytes(back) == bytes);
}

TEST_CASE("native format: an empty trace round-trips") {
    Trace t;
    check_equal(t, read_native_trace_bytes(to_bytes(t), "mem"));
}

TEST_CASE("native format: the imported deepcam trace round-trips through a file") {
    auto traces = load_traces({test::real_data("ncu/deepcam-v100-fw")}, ImportOptions{"volta", false});
    REQUIRE(traces.size() == 1);
    std::string dir = test::scratch_dir("native-deepcam");
    std::string path = dir + "/deepcam.rafter";
    save_native_trace(traces[0], path);
    for (const auto& e : std::filesystem::directory_iterator(dir))  // no temporary left behind
        CHECK(e.path().filename() == "deepcam.rafter");
    Trace back = read_native_trace(path);
    check_equal(traces[0], back);
    // The importer list recognizes the file by its magic.
    auto loaded = load_traces({path}, {});
    REQUIRE(loaded.size() == 1);
    CHECK(loaded[0].meta.source_format == "ncu-csv");
    CHECK(loaded[0].kernels.size() == 797);
}

TEST_CASE("native format: truncation anywhere is an error with a byte offset") {
    std::string bytes = to_bytes(full_trace());
    // Every cut point: the header, inside section headers, inside payloads, before END.
    for (size_t cut = 0; cut < bytes.size(); ++cut) {
        uint64_t off = error_offset([&] { read_native_trace_bytes(std::string_view(bytes).substr(0, cut), "cut"); });
        CHECK(off <= cut);
    }
    std::string longer = bytes + "x";
    CHECK(error_offset([&] { read_native_trace_bytes(longer, "long"); }) == bytes.size());
}

TEST_CASE("native format: a flipped byte is caught by the checksums") {
    std::string bytes = to_bytes(full_trace());
    // Flip one bit in every byte position after the magic; each must be detected.
    for (size_t i = 8; i < bytes.size(); ++i) {
        std::string bad = bytes;
        bad[i] = static_cast<char>(bad[i] ^ 0x10);
        CAPTURE(i);
        uint64_t off = error_offset([&] { read_native_trace_bytes(bad, "flip"); });
        CHECK(off <= i + 20);  // at the damaged section, or its payload for a bad length
    }
}

TEST_CASE("native format: wrong magic and other versions are told apart") {
    try {
        read_native_trace_bytes("RAFTRC02 and more bytes here", "v2");
        FAIL("other version accepted");
    } catch (const Error& e) {
        CHECK(e.message().find("version 02") != std::string::npos);
    }
    try {
        read_native_trace_bytes("\"ID\",\"Kernel Name\"", "csv");
        FAIL("bad magic accepted");
    } catch (const Error& e) {
        CHECK(e.message().find("not a Rafter trace") != std::string::npos);
        CHECK(e.where().value == 0);
    }
    const Importer* imp = find_importer("rafter");
    REQUIRE(imp != nullptr);
    CHECK(imp->sniff(to_bytes(Trace{}), "x"));
    CHECK_FALSE(imp->sniff("\"ID\",\"Kernel Name\"\n", "x"));
}

TEST_CASE("native format: save_native_trace reports unwritable paths") {
    try {
        save_native_trace(Trace{}, "/nonexistent-dir/x.rafter");
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.code() == ExitCode::io_error);
    }
}
