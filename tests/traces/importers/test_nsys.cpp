// Nsight Systems SQLite import, on databases built in the test with the documented export
// schema (see nsys_fixture.h: no test reads the real export in tests/data/real/nsys yet).
#include <doctest/doctest.h>

#include <cstdio>

#include "core/error.h"
#include "nsys_fixture.h"
#include "test_support.h"
#include "test_util.h"
#include "traces/importer.h"
#include "traces/importers/nsys/nsys_importer.h"

using namespace rafter;

namespace {
bool has(const Error& e, const std::string& text) { return std::string(e.what()).find(text) != std::string::npos; }

Error nsys_error(const std::string& path) {
    try {
        read_nsys_file(path, ImportOptions{});
    } catch (const Error& e) {
        return e;
    }
    FAIL("no error for " << path);
    return Error(ExitCode::ok, "");
}
} // namespace

TEST_CASE("an nsys export is read: kernels, runtime calls, copies, NVTX ranges, metadata") {
    std::string dir = test::scratch_dir("nsys-ok");
    std::string path = dir + "/report.sqlite";
    test::make_sqlite(path, std::string(test::kNsysSchema) + test::kNsysRows);
    Trace t = read_nsys_file(path, ImportOptions{});
    CHECK(t.meta.source_format == "nsys-sqlite");
    CHECK(t.meta.base_time_ns == 1700000000123456789);
    CHECK(t.meta.host == "gpu-node-7");
    REQUIRE(t.meta.devices.size() == 1);
    CHECK(t.meta.devices[0].name == "NVIDIA A100-SXM4-80GB");
    CHECK(t.meta.devices[0].sm_count == 108);
    CHECK(t.meta.devices[0].cc_major == 8);
    CHECK(t.meta.machine_hint == "NVIDIA A100-SXM4-80GB");
    CHECK(t.meta.pid == 4242);

    REQUIRE(t.kernels.size() == 3);
    CHECK(t.strings.get(t.kernels.name[0]) == "void gemm_kernel<float>(float*, float const*)");
    CHECK(t.kernels.start_ns[0] == 1000);
    CHECK(t.kernels.end_ns[0] == 3500);
    CHECK(t.kernels.duration_s[0] == doctest::Approx(2.5e-6));
    CHECK(t.kernels.duration_prov[0] == Provenance::measured);
    CHECK(t.kernels.grid[0] == Dim3{120, 1, 1});
    CHECK(t.kernels.block[0] == Dim3{256, 1, 1});
    CHECK(t.kernels.registers_per_thread[0] == 64);
    CHECK(t.kernels.shared_memory_bytes[0] == 1024 + 2048);
    CHECK(t.kernels.correlation[1] == 102);
    CHECK(t.kernels.stream[2] == 21);
    CHECK(t.strings.get(t.kernels.name[2]).find("ncclDevKernel_AllReduce") == 0);

    REQUIRE(t.cpu_ops.size() == 3);
    CHECK(t.cpu_ops[0].kind == CpuEventKind::runtime);
    CHECK(t.strings.get(t.cpu_ops[0].name) == "cudaLaunchKernel_v7000");
    CHECK(t.cpu_ops[0].correlation == 101);
    CHECK(t.cpu_ops[0].pid == 4242);
    CHECK(t.cpu_ops[0].tid == 4243);
    CHECK(t.strings.get(t.cpu_ops[2].name) == "cudaMemcpyAsync_v3020");

    REQUIRE(t.copies.size() == 3);
    CHECK(t.copies[0].kind == CopyKind::memcpy_dtoh);
    CHECK(t.copies[0].bytes == 4194304);
    CHECK(t.copies[0].correlation == 104);
    CHECK(t.copies[1].kind == CopyKind::memcpy_htod);
    CHECK(t.copies[2].kind == CopyKind::memset);
    CHECK(t.copies[2].bytes == 4096);

    REQUIRE(t.regions.size() == 2);
    CHECK(t.regions[0].kind == RegionKind::nvtx);
    CHECK(t.strings.get(t.regions[0].name) == "forward");
    CHECK(t.strings.get(t.regions[1].name) == "backward");  // through textId
    CHECK(t.regions[1].start_ns == 600);
    CHECK(t.regions[0].tid == 4243);
    CHECK(t.diagnostics.count("nsys.open_nvtx_range") == 1);
    CHECK(t.diagnostics.count("nsys.nvtx_not_range") == 1);
    CHECK(t.diagnostics.find("nsys.schema_version")->message == "nsys export schema 3.16.1");
    CHECK(t.diagnostics.count("nsys.schema_version_untested") == 0);

    // The importer list recognizes it.
    auto traces = load_traces({path}, ImportOptions{});
    REQUIRE(traces.size() == 1);
    CHECK(traces[0].meta.source_format == "nsys-sqlite");
}

TEST_CASE("nsys: an export without the kernel table is a clear error") {
    std::string dir = test::scratch_dir("nsys-nokernel");
    std::string path = dir + "/nokernel.sqlite";
    test::make_sqlite(path, "CREATE TABLE StringIds (id INTEGER PRIMARY KEY, value TEXT NOT NULL);"
                            "CREATE TABLE META_DATA_EXPORT (name TEXT, value TEXT);"
                            "INSERT INTO META_DATA_EXPORT VALUES('EXPORT_SCHEMA_VERSION','3.16.1');");
    Error e = nsys_error(path);
    CHECK(e.code() == ExitCode::bad_input);
    CHECK(e.where().file == path);
    CHECK(has(e, "no CUPTI_ACTIVITY_KIND_KERNEL table"));
    // Also through the importer list (sniffed as nsys, not "unrecognized format").
    try {
        load_traces({path}, ImportOptions{});
        FAIL("no error");
    } catch (const Error& le) {
        CHECK(has(le, "no CUPTI_ACTIVITY_KIND_KERNEL table"));
    }
}

TEST_CASE("nsys: bad values name the table and row; other schema versions warn") {
    std::string dir = test::scratch_dir("nsys-bad");
    std::string path = dir + "/bad.sqlite";
    test::make_sqlite(path, std::string(test::kNsysSchema) + test::kNsysRows +
                                "INSERT INTO CUPTI_ACTIVITY_KIND_KERNEL VALUES('abc',1,0,1,NULL,7,1,0,1,2,NULL,0,0,"
                                "64,1,1,1,1,1,1,0,0,0,0,4,NULL,NULL,NULL);");
    Error e = nsys_error(path);
    CHECK(e.where().kind == PositionKind::row);
    CHECK(e.where().value == 4);
    CHECK(has(e, "CUPTI_ACTIVITY_KIND_KERNEL: 'start' must be an integer, got text"));

    std::string nostart = dir + "/nostart.sqlite";
    test::make_sqlite(nostart, "CREATE TABLE StringIds (id INTEGER PRIMARY KEY, value TEXT NOT NULL);"
                               "CREATE TABLE CUPTI_ACTIVITY_KIND_KERNEL (begin INTEGER, end INTEGER, demangledName INTEGER);");
    CHECK(has(nsys_error(nostart), "has no column 'start'"));

    std::string bytes = dir + "/negbytes.sqlite";
    test::make_sqlite(bytes, std::string(test::kNsysSchema) +
                                 "INSERT INTO CUPTI_ACTIVITY_KIND_MEMSET VALUES(1,2,0,1,NULL,7,1,0,0,-4,NULL,2);");
    CHECK(has(nsys_error(bytes), "'bytes' is negative"));

    std::string v4 = dir + "/v4.sqlite";
    test::make_sqlite(v4, std::string(test::kNsysSchema) + test::kNsysRows +
                              "UPDATE META_DATA_EXPORT SET value='4.0.0' WHERE name='EXPORT_SCHEMA_VERSION';");
    Trace t = read_nsys_file(v4, ImportOptions{});
    CHECK(t.kernels.size() == 3);
    CHECK(t.diagnostics.count("nsys.schema_version_untested") == 1);

    std::string junk = dir + "/junk.sqlite";
    test::spit(junk, std::string("SQLite format 3\0", 16) + std::string(5000, 'x'));
    Error j = nsys_error(junk);
    CHECK(j.code() == ExitCode::bad_input);
    CHECK(j.where().file == junk);
}

TEST_CASE("nsys: intervals that end before they start or span the int64 range, and negative grids, are counted") {
    std::string dir = test::scratch_dir("nsys-intervals");
    std::string path = dir + "/iv.sqlite";
    test::make_sqlite(path, std::string(test::kNsysSchema) + test::kNsysRows +
                                // kernel 4: end before start; kernel 5: start near INT64_MIN; kernel 6: gridX = -3
                                "INSERT INTO CUPTI_ACTIVITY_KIND_KERNEL VALUES(20000,19000,0,1,NULL,7,105,0,1,2,NULL,0,0,"
                                "64,1,1,1,1,1,1,0,0,0,0,4,NULL,NULL,NULL);"
                                "INSERT INTO CUPTI_ACTIVITY_KIND_KERNEL VALUES(-9223372036854775000,9223372036854775000,0,1,"
                                "NULL,7,106,0,1,2,NULL,0,0,64,1,1,1,1,1,1,0,0,0,0,5,NULL,NULL,NULL);"
                                "INSERT INTO CUPTI_ACTIVITY_KIND_KERNEL VALUES(30000,31000,0,1,NULL,7,107,0,1,2,NULL,0,0,"
                                "64,-3,1,1,1,1,1,0,0,0,0,6,NULL,NULL,NULL);"
                                "INSERT INTO CUPTI_ACTIVITY_KIND_MEMCPY VALUES(500,400,0,1,NULL,7,108,0,16,1,NULL,1,2,0,1,"
                                "0,1,NULL,NULL,NULL);");
    Trace t = read_nsys_file(path, ImportOptions{});
    REQUIRE(t.kernels.size() == 6);
    for (size_t i = 3; i < 5; ++i) {
        CHECK(t.kernels.duration_prov[i] == Provenance::missing);
        CHECK(t.kernels.duration_s[i] == 0);
        CHECK(t.kernels.start_ns[i] == 0);
    }
    CHECK(t.kernels.duration_s[5] == doctest::Approx(1e-6));
    CHECK(t.kernels.grid[5].x == 0);
    CHECK(t.copies.size() == 3);  // the memcpy that ends before it starts is skipped
    CHECK(t.diagnostics.count("nsys.bad_interval") == 3);
    CHECK(t.diagnostics.find("nsys.bad_interval")->message.find("start 20000, end 19000") != std::string::npos);
    CHECK(t.diagnostics.count("nsys.bad_launch_dim") == 1);
}
