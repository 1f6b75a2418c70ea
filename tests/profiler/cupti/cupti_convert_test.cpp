// CUPTI activity records built by hand (CUDA 13 record versions) -> Trace rows.
#include <doctest/doctest.h>

#include <cstring>

#include "profiler/cupti/activity_convert.h"

using namespace rafter;
using namespace rafter::cupti;

namespace {

constexpr int64_t kOrigin = 1'700'000'000'000'000'000;  // CUPTI times are ns; rows are relative

CUpti_ActivityKernel10 kernel(const char* name, uint64_t start, uint64_t end, uint32_t corr) {
    CUpti_ActivityKernel10 k;
    std::memset(&k, 0, sizeof k);
    k.kind = CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL;
    k.name = name;
    k.start = start;
    k.end = end;
    k.correlationId = corr;
    k.deviceId = 0;
    k.streamId = 7;
    k.gridX = 65536; k.gridY = 1; k.gridZ = 1;
    k.blockX = 256; k.blockY = 1; k.blockZ = 1;
    k.registersPerThread = 16;
    k.staticSharedMemory = 1024;
    k.dynamicSharedMemory = 256;
    return k;
}

CUpti_ActivityMarker2 marker(uint32_t id, CUpti_ActivityFlag flag, uint64_t ts, const char* name,
                             uint32_t pid, uint32_t tid) {
    CUpti_ActivityMarker2 m;
    std::memset(&m, 0, sizeof m);
    m.kind = CUPTI_ACTIVITY_KIND_MARKER;
    m.flags = flag;
    m.timestamp = ts;
    m.id = id;
    m.objectKind = CUPTI_ACTIVITY_OBJECT_THREAD;
    m.objectId.pt.processId = pid;
    m.objectId.pt.threadId = tid;
    m.name = name;
    return m;
}

ConvertOptions options() {
    ConvertOptions o;
    o.origin_ns = kOrigin;
    o.api_name = [](CUpti_ActivityKind kind, uint32_t cbid) -> std::string {
        if (kind == CUPTI_ACTIVITY_KIND_RUNTIME && cbid == 211) return "cudaLaunchKernel_v7000";
        return "";
    };
    return o;
}

} // namespace

TEST_CASE("a concurrent-kernel record becomes a kernel row with demangled name, times, launch shape") {
    Trace t;
    ActivityConverter c(t, options());
    auto k = kernel("_Z5triadPfPKfS1_f", kOrigin + 1'000, kOrigin + 251'000, 42);
    c.add(reinterpret_cast<const CUpti_Activity*>(&k));
    c.finish();
    REQUIRE(t.kernels.size() == 1);
    auto r = t.kernels.row(0);
    CHECK(t.strings.get(r.name) == "triad(float*, float const*, float const*, float)");
    CHECK(r.start_ns == 1'000);
    CHECK(r.end_ns == 251'000);
    CHECK(r.duration_s == doctest::Approx(250e-6));
    CHECK(r.duration_prov == Provenance::measured);
    CHECK(r.grid == Dim3{65536, 1, 1});
    CHECK(r.block == Dim3{256, 1, 1});
    CHECK(r.correlation == 42);
    CHECK(r.device == 0);
    CHECK(r.stream == 7);
    CHECK(r.launches == 1);
    CHECK(r.registers_per_thread == 16);
    CHECK(r.shared_memory_bytes == 1280);
    for (size_t i = 0; i < kFlopKinds; ++i) CHECK_FALSE(r.flops[i].has());  // time mode: no counters
    CHECK(t.diagnostics.empty());
}

TEST_CASE("the same kernel name pointer is interned once; unmangled names stay as they are") {
    Trace t;
    ActivityConverter c(t, options());
    const char* name = "_Z12empty_kernelv";
    for (uint32_t i = 0; i < 3; ++i) {
        auto k = kernel(name, kOrigin + 100 * i, kOrigin + 100 * i + 50, i + 1);
        c.add_kernel(k);
    }
    auto plain = kernel("ampere_sgemm_128x64_nn", kOrigin + 1000, kOrigin + 2000, 9);
    c.add_kernel(plain);
    REQUIRE(t.kernels.size() == 4);
    CHECK(t.kernels.name[0] == t.kernels.name[2]);
    CHECK(t.strings.get(t.kernels.name[0]) == "empty_kernel()");
    CHECK(t.strings.get(t.kernels.name[3]) == "ampere_sgemm_128x64_nn");
}

TEST_CASE("a kernel without timestamps keeps its row but its time is missing, with a diagnostic") {
    Trace t;
    ActivityConverter c(t, options());
    c.add_kernel(kernel("k", 0, 0, 1));
    REQUIRE(t.kernels.size() == 1);
    CHECK(t.kernels.duration_prov[0] == Provenance::missing);
    CHECK(t.diagnostics.count("cupti.kernel_without_timestamps") == 1);
}

TEST_CASE("memcpy, peer memcpy and memset records become copy rows") {
    Trace t;
    ActivityConverter c(t, options());
    CUpti_ActivityMemcpy6 m;
    std::memset(&m, 0, sizeof m);
    m.kind = CUPTI_ACTIVITY_KIND_MEMCPY;
    m.copyKind = CUPTI_ACTIVITY_MEMCPY_KIND_HTOD;
    m.bytes = 1 << 20;
    m.start = kOrigin + 10;
    m.end = kOrigin + 90;
    m.deviceId = 1;
    m.streamId = 3;
    m.correlationId = 5;
    c.add(reinterpret_cast<const CUpti_Activity*>(&m));
    m.copyKind = CUPTI_ACTIVITY_MEMCPY_KIND_DTOH;
    c.add_memcpy(m);
    m.copyKind = CUPTI_ACTIVITY_MEMCPY_KIND_ATOD;  // array copy
    c.add_memcpy(m);

    CUpti_ActivityMemcpyPtoP4 p;
    std::memset(&p, 0, sizeof p);
    p.kind = CUPTI_ACTIVITY_KIND_MEMCPY2;
    p.bytes = 4096;
    p.start = kOrigin + 100;
    p.end = kOrigin + 200;
    p.deviceId = 0;
    p.srcDeviceId = 0;
    p.dstDeviceId = 1;
    p.correlationId = 6;
    c.add(reinterpret_cast<const CUpti_Activity*>(&p));

    CUpti_ActivityMemset4 s;
    std::memset(&s, 0, sizeof s);
    s.kind = CUPTI_ACTIVITY_KIND_MEMSET;
    s.bytes = 512;
    s.value = 0;
    s.start = kOrigin + 300;
    s.end = kOrigin + 310;
    s.correlationId = 7;
    c.add(reinterpret_cast<const CUpti_Activity*>(&s));
    c.finish();

    REQUIRE(t.copies.size() == 5);
    CHECK(t.copies[0].kind == CopyKind::memcpy_htod);
    CHECK(t.copies[0].bytes == 1048576);
    CHECK(t.copies[0].start_ns == 10);
    CHECK(t.copies[0].end_ns == 90);
    CHECK(t.copies[0].device == 1);
    CHECK(t.copies[0].stream == 3);
    CHECK(t.copies[0].correlation == 5);
    CHECK(t.copies[1].kind == CopyKind::memcpy_dtoh);
    CHECK(t.copies[2].kind == CopyKind::memcpy_other);
    CHECK(t.copies[3].kind == CopyKind::memcpy_peer);
    CHECK(t.copies[3].bytes == 4096);
    CHECK(t.copies[4].kind == CopyKind::memset);
    CHECK(t.copies[4].bytes == 512);
    CHECK(t.copies[4].start_ns == 300);
}

TEST_CASE("runtime and driver API records become CPU rows that correlate with kernels") {
    Trace t;
    ActivityConverter c(t, options());
    CUpti_ActivityAPI a;
    std::memset(&a, 0, sizeof a);
    a.kind = CUPTI_ACTIVITY_KIND_RUNTIME;
    a.cbid = 211;
    a.start = kOrigin + 5;
    a.end = kOrigin + 25;
    a.processId = 100;
    a.threadId = 101;
    a.correlationId = 42;
    c.add(reinterpret_cast<const CUpti_Activity*>(&a));
    a.kind = CUPTI_ACTIVITY_KIND_DRIVER;
    a.cbid = 307;
    a.correlationId = 43;
    c.add(reinterpret_cast<const CUpti_Activity*>(&a));
    auto k = kernel("_Z5triadPfPKfS1_f", kOrigin + 30, kOrigin + 80, 42);
    c.add_kernel(k);
    c.finish();
    REQUIRE(t.cpu_ops.size() == 2);
    CHECK(t.cpu_ops[0].kind == CpuEventKind::runtime);
    CHECK(t.strings.get(t.cpu_ops[0].name) == "cudaLaunchKernel_v7000");
    CHECK(t.cpu_ops[0].pid == 100);
    CHECK(t.cpu_ops[0].tid == 101);
    CHECK(t.cpu_ops[0].start_ns == 5);
    CHECK(t.cpu_ops[0].end_ns == 25);
    CHECK(t.cpu_ops[0].correlation == t.kernels.correlation[0]);
    CHECK(t.cpu_ops[1].kind == CpuEventKind::driver);
    CHECK(t.strings.get(t.cpu_ops[1].name) == "driver cbid 307");  // resolver had no name for it
}

TEST_CASE("external correlation ids reach kernels and copies, even when they arrive later") {
    Trace t;
    ActivityConverter c(t, options());
    c.add_kernel(kernel("k1", kOrigin + 1, kOrigin + 2, 42));
    c.add_kernel(kernel("k2", kOrigin + 3, kOrigin + 4, 43));
    CUpti_ActivityMemset4 s;
    std::memset(&s, 0, sizeof s);
    s.kind = CUPTI_ACTIVITY_KIND_MEMSET;
    s.start = kOrigin + 5;
    s.end = kOrigin + 6;
    s.correlationId = 43;
    c.add_memset(s);
    CUpti_ActivityExternalCorrelation e;
    std::memset(&e, 0, sizeof e);
    e.kind = CUPTI_ACTIVITY_KIND_EXTERNAL_CORRELATION;
    e.externalKind = CUPTI_EXTERNAL_CORRELATION_KIND_CUSTOM0;
    e.correlationId = 43;
    e.externalId = 9001;
    c.add(reinterpret_cast<const CUpti_Activity*>(&e));
    c.finish();
    CHECK(t.kernels.external_id[0] == 0);
    CHECK(t.kernels.external_id[1] == 9001);
    CHECK(t.copies[0].external_id == 9001);
}

TEST_CASE("NVTX push/pop and start/end markers pair into regions with nesting depth") {
    Trace t;
    ActivityConverter c(t, options());
    auto add = [&](const CUpti_ActivityMarker2& m) { c.add(reinterpret_cast<const CUpti_Activity*>(&m)); };
    add(marker(1, CUPTI_ACTIVITY_FLAG_MARKER_START, kOrigin + 10, "forward", 100, 200));
    add(marker(2, CUPTI_ACTIVITY_FLAG_MARKER_START, kOrigin + 20, "linear1", 100, 200));
    add(marker(2, CUPTI_ACTIVITY_FLAG_MARKER_END, kOrigin + 30, nullptr, 100, 200));
    add(marker(1, CUPTI_ACTIVITY_FLAG_MARKER_END, kOrigin + 40, nullptr, 100, 200));
    // A start/end range that ends on another thread belongs to the thread that started it.
    add(marker(3, CUPTI_ACTIVITY_FLAG_MARKER_START, kOrigin + 50, "data load", 100, 201));
    add(marker(3, CUPTI_ACTIVITY_FLAG_MARKER_END, kOrigin + 70, nullptr, 100, 200));
    add(marker(4, CUPTI_ACTIVITY_FLAG_MARKER_INSTANTANEOUS, kOrigin + 80, "checkpoint", 100, 200));
    add(marker(9, CUPTI_ACTIVITY_FLAG_MARKER_END, kOrigin + 90, nullptr, 100, 200));    // start not seen
    add(marker(5, CUPTI_ACTIVITY_FLAG_MARKER_START, kOrigin + 95, "never ends", 100, 200));
    c.finish();

    REQUIRE(t.regions.size() == 4);
    const auto& inner = t.regions[0];
    CHECK(t.strings.get(inner.name) == "linear1");
    CHECK(inner.kind == RegionKind::nvtx);
    CHECK(inner.start_ns == 20);
    CHECK(inner.end_ns == 30);
    CHECK(inner.depth == 1);
    CHECK(inner.pid == 100);
    CHECK(inner.tid == 200);
    const auto& outer = t.regions[1];
    CHECK(t.strings.get(outer.name) == "forward");
    CHECK(outer.start_ns == 10);
    CHECK(outer.end_ns == 40);
    CHECK(outer.depth == 0);
    const auto& cross = t.regions[2];
    CHECK(t.strings.get(cross.name) == "data load");
    CHECK(cross.tid == 201);
    CHECK(cross.depth == 0);
    CHECK(cross.end_ns == 70);
    const auto& mark = t.regions[3];
    CHECK(t.strings.get(mark.name) == "checkpoint");
    CHECK(mark.start_ns == 80);
    CHECK(mark.end_ns == 80);
    CHECK(t.diagnostics.count("cupti.nvtx_end_without_start") == 1);
    CHECK(t.diagnostics.count("cupti.nvtx_unclosed") == 1);
}

TEST_CASE("an NVTX range ended on another thread whose buffer arrives first is still paired") {
    Trace t;
    ActivityConverter c(t, options());
    auto add = [&](const CUpti_ActivityMarker2& m) { c.add(reinterpret_cast<const CUpti_Activity*>(&m)); };
    add(marker(7, CUPTI_ACTIVITY_FLAG_MARKER_END, kOrigin + 70, nullptr, 100, 202));  // the end comes first
    add(marker(7, CUPTI_ACTIVITY_FLAG_MARKER_START, kOrigin + 50, "prefetch", 100, 201));
    c.finish();
    REQUIRE(t.regions.size() == 1);
    CHECK(t.strings.get(t.regions[0].name) == "prefetch");
    CHECK(t.regions[0].tid == 201);
    CHECK(t.regions[0].start_ns == 50);
    CHECK(t.regions[0].end_ns == 70);
    CHECK(t.diagnostics.count("cupti.nvtx_end_without_start") == 0);
    CHECK(t.diagnostics.count("cupti.nvtx_unclosed") == 0);
}

TEST_CASE("a kernel name pointer reused for another name after a module unload is not served stale") {
    Trace t;
    ActivityConverter c(t, options());
    char name[32] = "_Z5firstv";
    c.add_kernel(kernel(name, kOrigin + 1, kOrigin + 2, 1));
    std::strcpy(name, "_Z6secondv");  // same address, another kernel
    c.add_kernel(kernel(name, kOrigin + 3, kOrigin + 4, 2));
    REQUIRE(t.kernels.size() == 2);
    CHECK(t.strings.get(t.kernels.name[0]) == "first()");
    CHECK(t.strings.get(t.kernels.name[1]) == "second()");
}

TEST_CASE("device records fill the trace's device list once; unknown kinds are counted") {
    Trace t;
    ActivityConverter c(t, options());
    CUpti_ActivityDevice5 d;
    std::memset(&d, 0, sizeof d);
    d.kind = CUPTI_ACTIVITY_KIND_DEVICE;
    d.id = 0;
    d.name = "NVIDIA H100 80GB HBM3";
    d.computeCapabilityMajor = 9;
    d.computeCapabilityMinor = 0;
    d.globalMemorySize = 85'520'809'984ULL;
    d.numMultiprocessors = 132;
    c.add(reinterpret_cast<const CUpti_Activity*>(&d));
    c.add(reinterpret_cast<const CUpti_Activity*>(&d));
    REQUIRE(t.meta.devices.size() == 1);
    CHECK(t.meta.devices[0].name == "NVIDIA H100 80GB HBM3");
    CHECK(t.meta.devices[0].cc_major == 9);
    CHECK(t.meta.devices[0].sm_count == 132);
    CHECK(t.meta.devices[0].total_memory == 85'520'809'984ULL);

    CUpti_Activity other;
    other.kind = CUPTI_ACTIVITY_KIND_OVERHEAD;
    c.add(&other);
    c.add(&other);
    CHECK(t.diagnostics.count("cupti.record_kind_ignored") == 2);
}
