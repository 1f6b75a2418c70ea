// Golden tests on real Nsight Compute exports (tests/data/real/ncu). Every expected value was
// computed independently by tests/analysis/ncu_golden.py, which reads the CSVs with Python's csv
// module and applies the formulas of docs/architecture.md, "Formulas" (time = sm__cycles_elapsed.avg
// / .per_second per launch; FLOPs = add + mul + 2*fma per precision; Volta tensor = 512 x
// sm__inst_executed_pipe_tensor; bound against the v100-sxm2 ceilings):
// python3 tests/analysis/ncu_golden.py tests/data/real
#include <doctest/doctest.h>

#include "analysis/roofline.h"
#include "model/machines/machine.h"
#include "test_support.h"
#include "traces/importer.h"

using namespace rafter;
using doctest::Approx;

namespace {

constexpr size_t kDram = static_cast<size_t>(MemLevel::dram);
constexpr size_t kL2 = static_cast<size_t>(MemLevel::l2);
constexpr size_t kL1 = static_cast<size_t>(MemLevel::l1);
double flops_of(const std::array<Value, kFlopKinds>& f, FlopKind k) { return f[static_cast<size_t>(k)].value; }

RooflineReport analyze(const std::vector<std::string>& inputs, const Machine& m, GroupBy by = GroupBy::kernel) {
    ImportOptions io;
    io.arch = m.arch;
    RooflineOptions ro;
    ro.group_by = by;
    return analyze_roofline(load_traces(inputs, io), m, ro);
}

} // namespace

TEST_CASE("golden: gpp-cc89-details.csv, one BerkeleyGW kernel") {
    // The GPU (compute capability 8.9) has no built-in machine; ceilings do not enter these values.
    Machine m = load_machine("a100-sxm4-40gb");
    m.arch.clear();  // let the CC column choose the counter table
    auto r = analyze({test::real_data("ncu/gpp-cc89-details.csv")}, m);
    REQUIRE(r.groups.size() == 1);
    const GroupMetrics& g = r.groups[0];
    CHECK(g.name == "sigma_gpp_gpu_29");
    CHECK(g.launches == 1);
    CHECK(*g.time_s == Approx(22.76500112).epsilon(1e-9));
    CHECK(flops_of(g.flops, FlopKind::fp64) == Approx(1.96381221e12).epsilon(1e-9));
    CHECK(flops_of(g.flops, FlopKind::fp32) == Approx(4.908272472e10).epsilon(1e-9));
    CHECK(*g.flops_total == Approx(2.012894935e12).epsilon(1e-9));
    CHECK(g.bytes[kDram].value == 134957158144.0);
    CHECK(g.bytes[kL2].value == 225714841568.0);
    CHECK(g.bytes[kL1].value == 455104804320.0);
    CHECK(*g.ai[kDram] == Approx(14.9150661).epsilon(1e-8));
    CHECK(*g.ai[kL2] == Approx(2.012894935e12 / 225714841568.0).epsilon(1e-9));
    CHECK(*g.flop_rate == Approx(2.012894935e12 / 22.76500112).epsilon(1e-9));
    CHECK(g.time_prov == Provenance::derived);  // cycles / cycles per second
    CHECK(g.flops_prov == Provenance::derived);
    CHECK(g.bytes_prov == Provenance::measured);
    // On the A100's ceilings (fp64 9.7 TFLOP/s): compute 1.96381221e12/9.7e12 + 4.908272472e10/19.5e12
    // = 0.20497 s; dram 134957158144/1.555e12 = 0.08679 s -> compute-bound, efficiency 0.9%.
    CHECK(g.bound == Bound::compute);
    CHECK(*g.bound_time_s == Approx(1.96381221e12 / 9.7e12 + 4.908272472e10 / 19.5e12).epsilon(1e-6));
}

TEST_CASE("golden: deepcam-v100-fw, twelve merged ncu runs on v100-sxm2") {
    Machine v100 = load_machine("v100-sxm2");
    auto r = analyze({test::real_data("ncu/deepcam-v100-fw")}, v100);
    CHECK(r.groups.size() == 45);
    CHECK(r.totals.launches == 797);
    CHECK(*r.totals.time_s == Approx(0.1041223682).epsilon(1e-9));
    CHECK(flops_of(r.totals.flops, FlopKind::fp32) == 231452709599.0);
    CHECK(flops_of(r.totals.flops, FlopKind::fp16) == 10243282470.0);
    CHECK(flops_of(r.totals.flops, FlopKind::tensor_fp16) == 1128678817792.0);
    CHECK(*r.totals.flops_total == 1370374809861.0);
    CHECK(r.totals.bytes[kDram].value == 21827093984.0);
    CHECK(r.totals.bytes[kL2].value == 40160301920.0);
    CHECK(r.totals.bytes[kL1].value == 60968846272.0);

    // The largest group by time.
    const GroupMetrics& g = r.groups[0];
    CHECK(g.name.rfind("void cudnn::detail::implicit_convolve_sgemm<__half, __half, 512, 6, 8,", 0) == 0);
    CHECK(g.launches == 3);
    CHECK(*g.time_s == Approx(0.02403250962).epsilon(1e-9));
    CHECK(*g.flops_total == 195979051008.0);
    CHECK(g.bytes[kDram].value == 195006496.0);
    CHECK(g.bound == Bound::compute);
    CHECK(*g.bound_time_s == Approx(0.01247368812).epsilon(1e-9));
    CHECK(*g.efficiency == Approx(0.5190339384).epsilon(1e-8));
    CHECK(*g.time_share == Approx(0.02403250962 / 0.1041223682).epsilon(1e-8));
    // Second: col2im is DRAM-bound at 6.7% efficiency.
    CHECK(r.groups[1].name.rfind("void at::native::col2im_kernel<c10::Half, float>", 0) == 0);
    CHECK(r.groups[1].launches == 8);
    CHECK(r.groups[1].bound == Bound::dram);
    CHECK(*r.groups[1].bound_time_s == Approx(0.001121337387).epsilon(1e-9));
    CHECK(*r.groups[1].efficiency == Approx(0.06672685205).epsilon(1e-8));
    CHECK(r.groups[2].launches == 67);
    CHECK(*r.groups[2].efficiency == Approx(0.3930837911).epsilon(1e-8));
    // Nothing was partial, and the machine has every peak these FLOPs need.
    CHECK(r.diagnostics.count("roofline.partial_value") == 0);
    CHECK(r.diagnostics.find("roofline.no_peak.tensor_fp16") == nullptr);

    // Base names merge template instances: fewer groups, same totals.
    auto b = analyze({test::real_data("ncu/deepcam-v100-fw")}, v100, GroupBy::base);
    CHECK(b.groups.size() < 45);
    CHECK(b.totals.launches == 797);
    CHECK(*b.totals.flops_total == 1370374809861.0);
    size_t elementwise = 0;
    for (const auto& bg : b.groups)
        if (bg.name == "at::native::legacy::elementwise_kernel") elementwise = bg.launches;
    // 149 + 77 + 63 + 8 + 1 + 1 launches of the six legacy::elementwise_kernel instances (counted
    // in python over out.dram__bytes.sum by kernel-name prefix).
    CHECK(elementwise == 299);
}

TEST_CASE("golden: gene-v100-details.csv, three kernels x four launches") {
    auto r = analyze({test::real_data("ncu/gene-v100-details.csv")}, load_machine("v100-sxm2"));
    REQUIRE(r.groups.size() == 3);
    for (const auto& g : r.groups) CHECK(g.launches == 4);
    CHECK(*r.totals.time_s == Approx(0.008203935988).epsilon(1e-9));
    CHECK(*r.totals.flops_total == 3082813440.0);
    CHECK(r.totals.bytes[kDram].value == 6379669504.0);
    CHECK_FALSE(r.totals.bytes[kL2].has());  // lts__t_bytes was not collected: missing, not 0
    const GroupMetrics& g = r.groups[0];
    CHECK(*g.time_s == Approx(0.003565087992).epsilon(1e-9));
    CHECK(*g.flops_total == 1761607680.0);
    CHECK(g.bytes[kDram].value == 2804129312.0);
    CHECK(g.bound == Bound::dram);
    CHECK(*g.efficiency == Approx(0.873947359).epsilon(1e-8));
    CHECK_FALSE(g.ai[kL1].has_value());
}
