// On a real GPU (ctest label "gpu"): `rafter ceilings --gpu --quick -o` and its figures against the
// data sheet of the built-in machine matching the device. Prints "SKIPPED: <reason>" and returns
// when it cannot run here (ctest then reports it as skipped). The bands are wide on purpose: they
// catch a benchmark that is broken (wrong byte or FLOP count, kernel optimised away, wrong units),
// not a slow machine: HBM 60-105% of the data sheet, fp32 FMA 70-105%.
#include <doctest/doctest.h>

#include <filesystem>
#include <iostream>
#include <string>

#include "profiler/ceilings/gpu/gpu_module.h"
#include "model/machines/machine.h"
#include "profiler/cupti/device_probe.h"
#include "test_support.h"

using namespace rafter;

namespace {

std::string gpu_unavailable_reason() {
#if defined(__SANITIZE_ADDRESS__)
    return "sanitizer build: the CUDA ceilings module is not built there; run the gpu tests from a normal build";
#endif
    if (!ceilings::gpu_module_built()) return ceilings::gpu_module_build_reason();
    cupti::DriverProbe p = cupti::probe_cuda_driver();
    if (!p.ok) return "no CUDA device: " + p.reason;
    return {};
}

#define REQUIRE_GPU()                                          \
    do {                                                       \
        std::string why_ = gpu_unavailable_reason();           \
        if (!why_.empty()) {                                   \
            std::cout << "SKIPPED: " << why_ << std::endl;     \
            return;                                            \
        }                                                      \
    } while (0)

} // namespace

TEST_CASE("rafter ceilings --gpu --quick measures figures within a plausible band of the data sheet") {
    REQUIRE_GPU();
    cupti::DriverProbe p = cupti::probe_cuda_driver();
    std::cout << "device 0: " << p.devices[0].name << " (cc " << p.devices[0].cc_major << "." << p.devices[0].cc_minor
              << "), driver " << cupti::format_driver_version(p.driver_version) << std::endl;
    auto dir = rafter::test::scratch_dir("ceilings-gpu-device");
    std::string out = dir + "/gpu.json";
    auto r = rafter::test::run_rafter("ceilings --gpu --quick --name gpu-under-test -o " + out, dir);
    std::cout << r.out << r.err << std::endl;
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    Machine m = load_machine(out);
    CHECK(m.name == "gpu-under-test");
    CHECK(m.kind == "gpu");
    CHECK(m.device_names == std::vector<std::string>{p.devices[0].name});
    // Every figure the module attempts is either measured or explained.
    for (const char* key : {"bandwidths.dram", "bandwidths.l2", "bandwidths.l1", "peaks_flops.fp64", "peaks_flops.fp32",
                            "peaks_flops.fp16", "peaks_flops.tensor_fp16", "launch_latency_s"}) {
        bool found = false;
        for (const auto& [k, v] : m.sources)
            if (k == key) found = !v.empty();
        CHECK_MESSAGE(found, key);
    }
    REQUIRE(m.bw(MemLevel::dram));
    REQUIRE(m.peak(FlopKind::fp32));
    REQUIRE(m.bw(MemLevel::l2));
    CHECK(*m.bw(MemLevel::l2) > *m.bw(MemLevel::dram));  // L2 faster than HBM on every NVIDIA GPU since Volta
    if (m.peak(FlopKind::tensor_fp16)) CHECK(*m.peak(FlopKind::tensor_fp16) > *m.peak(FlopKind::fp32));
    if (m.peak(FlopKind::fp64) && p.devices[0].cc_major >= 8 && p.devices[0].cc_minor == 0)
        CHECK(*m.peak(FlopKind::fp64) > 0.4 * *m.peak(FlopKind::fp32));  // A100/H100: fp64 = fp32 / 2

    std::optional<Machine> sheet = match_machine_for_device(p.devices[0].name);
    if (!sheet) {
        std::cout << "SKIPPED: no built-in data sheet matches \"" << p.devices[0].name
                  << "\"; the file was written and loads, the bands were not checked" << std::endl;
        return;
    }
    double hbm = *m.bw(MemLevel::dram) / *sheet->bw(MemLevel::dram);
    double fp32 = *m.peak(FlopKind::fp32) / *sheet->peak(FlopKind::fp32);
    std::cout << "vs " << sheet->name << ": HBM " << hbm * 100 << "%, fp32 " << fp32 * 100 << "%" << std::endl;
    CHECK(hbm >= 0.60);
    CHECK(hbm <= 1.05);
    CHECK(fp32 >= 0.70);
    CHECK(fp32 <= 1.05);
}
