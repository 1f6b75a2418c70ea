// Every real Kineto trace in tests/data/real/kineto imports, and its tables hold the counts that
// tests/traces/importers/count_events.py computes independently with Python's json module:
//   python3 tests/traces/importers/count_events.py tests/data/real/kineto/*.json.gz
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>

#include "test_support.h"
#include "traces/importer.h"
#include "traces/importers/kineto/kineto_importer.h"

using namespace rafter;

namespace {

struct Expected {
    const char* file;
    uint64_t events;
    size_t kernels, nccl_kernels, memcpy, memset, cpu_ops, runtime, driver, cuda_sync, steps;
    size_t user_annotations, gpu_user_annotations, python, unknown_category_events, collectives;
    size_t ops_with_input_dims;
    int64_t kernel_time_ns, first_kernel_start_ns, last_kernel_end_ns;
    uint64_t memcpy_bytes, memset_bytes;
    int32_t rank, world_size;
    int64_t base_time_ns;
    size_t devices;
};

// Numbers printed by count_events.py (collectives = kernels_with_collective +
// cpu_collectives_without_kernel).
const Expected kExpected[] = {
    {"a100-80gb-16rank-rank0.json.gz", 108936, 6080, 80, 1390, 277, 25185, 33924, 0, 0, 5, 355, 0, 0, 0, 0,
     24015, 401445000, 1683564901553999000, 1683564902781176000, 16890869512ull, 333352, 0, 16, 0, 8},
    {"a100-alexnet-1gpu.json.gz", 1408, 79, 0, 16, 3, 359, 361, 0, 41, 0, 8, 0, 0, 0, 0,
     0, 10692000, 1695835573023613000, 1695835585863857000, 244403360, 21760, 0, -1, 0, 8},
    {"a100-nccl-2rank-rank0.json.gz", 40573, 2700, 21, 960, 114, 14346, 8740, 0, 0, 3, 39, 30, 0, 0, 21 + 6,
     0, 162532340, 4458676422880181, 4458677083431186, 307323096, 409141005, 0, 2, 1711964646000000000, 8},
    {"h100-bert-small-infer.json.gz", 2551, 60, 0, 1, 0, 479, 110, 22, 0, 1, 0, 1, 1385, 236, 0,
     479, 307197, 1419247333430849, 1419247337338674, 1, 0, -1, -1, 1751410836000000000, 1},
    {"h100-qwen1.5-0.5b-infer.json.gz", 18221, 1465, 0, 1, 241, 4186, 1921, 1, 0, 1, 0, 1, 4262, 2450, 0,
     4186, 45432698, 1428625731622250, 1428625781275082, 1, 964, -1, -1, 1751410836000000000, 1},
    {"h100-vit-image-infer.json.gz", 5138, 154, 0, 0, 2, 1258, 334, 49, 0, 1, 0, 1, 2117, 620, 0,
     1258, 1220926, 1414456661859938, 1414456669412806, 0, 6356992, -1, -1, 1751410836000000000, 1},
    {"sampled-128rank-rank0.json.gz", 4855, 1154, 10, 40, 10, 2329, 1204, 0, 0, 2, 71, 0, 0, 0, 0,
     2011, 606519000, 1682725898082228000, 1682725899305046000, 214067131, 8030732, 0, 128, 0, 0},
    {"sampled-128rank-rank1.json.gz", 4720, 1104, 10, 40, 10, 2302, 1154, 0, 0, 2, 63, 0, 0, 0, 0,
     1981, 651026000, 1682725898082381000, 1682725899313563000, 3362442072ull, 856, 1, 128, 0, 0},
};

size_t count_cpu(const Trace& t, CpuEventKind k) {
    return static_cast<size_t>(std::count_if(t.cpu_ops.begin(), t.cpu_ops.end(),
                                             [&](const CpuOpRow& r) { return r.kind == k; }));
}

size_t count_regions(const Trace& t, RegionKind k) {
    return static_cast<size_t>(std::count_if(t.regions.begin(), t.regions.end(),
                                             [&](const RegionRow& r) { return r.kind == k; }));
}

bool contains_nccl(std::string_view name) {
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    return lower.find("nccl") != std::string::npos;
}

} // namespace

TEST_CASE("every real Kineto trace imports with the independently counted rows") {
    for (const Expected& e : kExpected) {
        CAPTURE(e.file);
        KinetoReadStats st;
        Trace t = read_kineto_file(test::real_data(std::string("kineto/") + e.file), ImportOptions{}, &st);
        CHECK(st.events == e.events);
        CHECK(t.meta.source_format == "kineto");
        CHECK(t.kernels.size() == e.kernels);
        size_t nccl = 0;
        int64_t ktime = 0, first = INT64_MAX, last = INT64_MIN;
        for (size_t i = 0; i < t.kernels.size(); ++i) {
            if (contains_nccl(t.strings.get(t.kernels.name[i]))) ++nccl;
            ktime += t.kernels.end_ns[i] - t.kernels.start_ns[i];
            first = std::min(first, t.kernels.start_ns[i]);
            last = std::max(last, t.kernels.end_ns[i]);
            CHECK(t.kernels.duration_prov[i] == Provenance::measured);
        }
        CHECK(nccl == e.nccl_kernels);
        CHECK(ktime == e.kernel_time_ns);
        CHECK(first == e.first_kernel_start_ns);
        CHECK(last == e.last_kernel_end_ns);
        size_t memcpy = 0, memset = 0;
        uint64_t memcpy_bytes = 0, memset_bytes = 0;
        for (const auto& c : t.copies) {
            if (c.kind == CopyKind::memset) { ++memset; memset_bytes += c.bytes; }
            else { ++memcpy; memcpy_bytes += c.bytes; }
        }
        CHECK(memcpy == e.memcpy);
        CHECK(memset == e.memset);
        CHECK(memcpy_bytes == e.memcpy_bytes);
        CHECK(memset_bytes == e.memset_bytes);
        CHECK(count_cpu(t, CpuEventKind::op) == e.cpu_ops);
        CHECK(count_cpu(t, CpuEventKind::runtime) == e.runtime);
        CHECK(count_cpu(t, CpuEventKind::driver) == e.driver);
        CHECK(count_cpu(t, CpuEventKind::sync) == e.cuda_sync);
        // Python events are skipped unless asked for, but for the nn.Module calls (count_events.py
        // nn_modules: BERT 84, Qwen 316, ViT 214, none in the others).
        const std::string f = e.file;
        const size_t modules = f.rfind("h100-bert", 0) == 0 ? 84 : f.rfind("h100-qwen", 0) == 0 ? 316
                               : f.rfind("h100-vit", 0) == 0 ? 214 : 0;
        CHECK(count_cpu(t, CpuEventKind::python) == modules);
        CHECK(t.diagnostics.count("kineto.python_skipped") == e.python - modules);
        CHECK(t.steps.size() == e.steps);
        CHECK(count_regions(t, RegionKind::user) == e.user_annotations);
        CHECK(count_regions(t, RegionKind::gpu_user) == e.gpu_user_annotations);
        CHECK(t.diagnostics.count("kineto.unknown_category") == e.unknown_category_events);
        CHECK(t.collectives.size() == e.collectives);
        size_t with_dims = static_cast<size_t>(std::count_if(t.cpu_ops.begin(), t.cpu_ops.end(), [](const CpuOpRow& r) {
            return r.kind == CpuEventKind::op && r.input_dims != kNoString;
        }));
        CHECK(with_dims == e.ops_with_input_dims);
        CHECK(t.meta.rank == e.rank);
        CHECK(t.meta.world_size == e.world_size);
        CHECK(t.meta.base_time_ns == e.base_time_ns);
        CHECK(t.meta.devices.size() == e.devices);
    }
}

TEST_CASE("Kineto details: shapes text, launch config, devices, steps") {
    Trace t = read_kineto_file(test::real_data("kineto/h100-bert-small-infer.json.gz"), ImportOptions{});
    // First cpu_op of the file (values from Python: json.dumps of its args).
    const CpuOpRow* op = nullptr;
    for (const auto& r : t.cpu_ops)
        if (r.kind == CpuEventKind::op) { op = &r; break; }
    REQUIRE(op);
    CHECK(t.strings.get(op->name) == "aten::slice");
    CHECK(t.strings.get(op->input_dims) == "[[1, 512], [], [], [], []]");
    CHECK(t.strings.get(op->input_types) == "[\"long int\", \"Scalar\", \"Scalar\", \"Scalar\", \"Scalar\"]");
    CHECK(t.strings.get(op->concrete_inputs) == "[\"\", \"0\", \"0\", \"9223372036854775807\", \"1\"]");
    CHECK(t.strings.get(op->input_strides) == "[[512, 1], [], [], [], []]");
    CHECK(op->start_ns == 1419247333291708);  // ts 1419247333291.708 us
    CHECK(op->end_ns - op->start_ns == 22510);
    // First kernel: indexSelectLargeIndex, grid [564,1,1], block [128,1,1], 32 regs, 0 smem.
    CHECK(t.strings.get(t.kernels.name[0]).find("indexSelectLargeIndex") != std::string_view::npos);
    CHECK(t.kernels.grid[0] == Dim3{564, 1, 1});
    CHECK(t.kernels.block[0] == Dim3{128, 1, 1});
    CHECK(t.kernels.registers_per_thread[0] == 32);
    CHECK(t.kernels.shared_memory_bytes[0] == 0);
    CHECK(t.kernels.correlation[0] == 8218);
    CHECK(t.kernels.external_id[0] == 9);
    CHECK(t.kernels.device[0] == 0);
    CHECK(t.kernels.stream[0] == 7);
    REQUIRE(t.meta.devices.size() == 1);
    CHECK(t.meta.devices[0].name == "NVIDIA H100 80GB HBM3");
    CHECK(t.meta.devices[0].cc_major == 9);
    CHECK(t.meta.devices[0].sm_count == 132);
    CHECK(t.meta.devices[0].total_memory == 85018279936ull);
    CHECK(t.meta.machine_hint == "NVIDIA H100 80GB HBM3");
    REQUIRE(t.steps.size() == 1);
    CHECK(t.strings.get(t.steps[0].name) == "ProfilerStep#6");

    ImportOptions with_python;
    with_python.include_python_events = true;
    Trace p = read_kineto_file(test::real_data("kineto/h100-bert-small-infer.json.gz"), with_python);
    CHECK(count_cpu(p, CpuEventKind::python) == 1385);
    CHECK(p.diagnostics.count("kineto.python_skipped") == 0);
}

TEST_CASE("Kineto collectives: kernel args, CPU-only ones, sequence numbers, cuda_sync streams") {
    Trace t = read_kineto_file(test::real_data("kineto/a100-nccl-2rank-rank0.json.gz"), ImportOptions{});
    // The earliest collective kernel (Python: sorted by ts) is a broadcast of 53120 floats.
    const CollectiveRow* first = nullptr;
    size_t cpu_only = 0;
    for (const auto& c : t.collectives) {
        if (c.kernel_row == UINT64_MAX) { ++cpu_only; CHECK(t.strings.get(c.name) == "wait"); continue; }
        if (!first || c.start_ns < first->start_ns) first = &c;
    }
    CHECK(cpu_only == 6);
    REQUIRE(first);
    CHECK(t.strings.get(first->name) == "broadcast");
    CHECK(first->start_ns == 4458676423385774);
    CHECK(first->end_ns - first->start_ns == 30975);
    CHECK(first->in_elems == 53120);
    CHECK(first->out_elems == 53120);
    CHECK(first->group_size == 2);
    CHECK(t.strings.get(first->dtype) == "Float");
    CHECK(t.strings.get(first->process_group) == "0");
    CHECK(t.strings.get(first->process_group_ranks) == "[0, 1]");
    CHECK(first->external_id == 114);
    CHECK(first->stream == 40);
    CHECK(t.kernels.correlation[first->kernel_row] == 19832);
    CHECK(t.kernels.shared_memory_bytes[first->kernel_row] == 87568);
    size_t with_seq = static_cast<size_t>(std::count_if(t.cpu_ops.begin(), t.cpu_ops.end(),
                                                        [](const CpuOpRow& r) { return r.sequence_number >= 0; }));
    CHECK(with_seq == 2286);

    // cuda_sync records: 32 on stream 7, 5 with stream 4294967295 (no stream -> -1), 4 on stream 20.
    Trace a = read_kineto_file(test::real_data("kineto/a100-alexnet-1gpu.json.gz"), ImportOptions{});
    size_t s7 = 0, none = 0, s20 = 0;
    for (const auto& r : a.cpu_ops) {
        if (r.kind != CpuEventKind::sync) continue;
        if (r.tid == 7) ++s7;
        if (r.tid == -1) ++none;
        if (r.tid == 20) ++s20;
    }
    CHECK(s7 == 32);
    CHECK(none == 5);
    CHECK(s20 == 4);
}

TEST_CASE("the importer list sniffs Kineto files") {
    auto traces = load_traces({test::real_data("kineto/sampled-128rank-rank0.json.gz"),
                               test::real_data("kineto/sampled-128rank-rank1.json.gz")},
                              ImportOptions{});
    REQUIRE(traces.size() == 2);
    CHECK(traces[0].meta.rank == 0);
    CHECK(traces[1].meta.rank == 1);
    CHECK(traces[1].kernels.size() == 1104);
}
