// GPU-time breakdown and clock alignment on hand-built traces (values computed by hand in the
// comments), and the report writers.
#include <doctest/doctest.h>

#include <sstream>

#include "analysis/breakdown.h"
#include "report/report_breakdown.h"
#include "synthetic_trace.h"

using namespace rafter;
using rafter::test::TraceBuilder;

namespace {

constexpr int64_t us = 1000;  // ns per microsecond
const char* kGemm = "sm90_xmma_gemm_bf16bf16_bf16f32_f32_tn_n_tilesize64x64x64";
const char* kNccl = "ncclDevKernel_AllReduce_Sum_f32_RING_LL(ncclDevComm*, unsigned long, ncclWork*)";
const char* kElem = "void at::native::vectorized_elementwise_kernel<4, at::native::CUDAFunctor_add<float> >(int)";

// Streams: 7 compute [0,100] [150,250]; 13 NCCL [50,200]; 20 memcpy [240,300];
// 7 memset [400,410]; 8 compute [400,405]. Microseconds.
TraceBuilder overlap_trace() {
    TraceBuilder b;
    b.kernel(kGemm, 0 * us, 100 * us, 0, 0, 7);
    b.kernel(kGemm, 150 * us, 250 * us, 0, 0, 7);
    b.kernel(kNccl, 50 * us, 200 * us, 0, 0, 13);
    b.copy(CopyKind::memcpy_dtoh, 240 * us, 300 * us, 20);
    b.copy(CopyKind::memset, 400 * us, 410 * us, 7);
    b.kernel(kElem, 400 * us, 405 * us, 0, 0, 8);
    return b;
}

} // namespace

TEST_CASE("kernel categories by name") {
    CHECK(classify_kernel(kGemm) == KernelCategory::gemm);
    CHECK(classify_kernel(kNccl) == KernelCategory::communication);
    CHECK(classify_kernel("ncclKernel_SendRecv_RING_SIMPLE_Sum_int8_t(ncclDevComm*, unsigned long, ncclWork*)") ==
          KernelCategory::communication);
    CHECK(classify_kernel(kElem) == KernelCategory::elementwise);
    CHECK(classify_kernel("sm80_xmma_fprop_implicit_gemm_indexed_tf32f32_tf32f32_f32_nhwckrsc_nchw") == KernelCategory::conv);
    CHECK(classify_kernel("void pytorch_flash::flash_fwd_kernel<Flash_fwd_kernel_traits<64, 128> >(Params)") ==
          KernelCategory::attention);
    CHECK(classify_kernel("void at::native::(anonymous namespace)::vectorized_layer_norm_kernel<c10::BFloat16, float>()") ==
          KernelCategory::norm);
    CHECK(classify_kernel("void at::native::reduce_kernel<512, 1, at::native::ReduceOp<float> >()") == KernelCategory::reduction);
    CHECK(classify_kernel("void cutlass::Kernel2<cutlass_80_wmma_tensorop_bf16_s161616gemm_bf16_32x32_128x2_tn_align8>()") ==
          KernelCategory::gemm);
    CHECK(classify_kernel("void fbgemm_gpu::permute_2D_lengths_kernel<int>(int, int, int const*, int const*, int*)") ==
          KernelCategory::other);
    CHECK(classify_kernel("mystery") == KernelCategory::other);
    // AMD kernel names (TraceLens MI300X / MI210 traces): Tensile GEMMs, MIOpen convolutions, Triton attention.
    CHECK(classify_kernel("Cijk_Alik_Bljk_B_BS_BH_Bias_HA_S_SAV_UserArgs_MT128x144x64_MI16x16x1_SN_LDSB1_AFC1") ==
          KernelCategory::gemm);
    CHECK(classify_kernel("igemm_wrw_gtcx2_nhwc_fp16_bx0_ex0_bt128x128x16_wt32x32x8_ws2x1_wr2x2") == KernelCategory::conv);
    CHECK(classify_kernel("attn_fwd") == KernelCategory::attention);
    CHECK(collective_type_from_kernel(kNccl) == "AllReduce");
    CHECK(collective_type_from_kernel("ncclKernel_SendRecv_RING_SIMPLE_Sum_int8_t(ncclDevComm*)") == "SendRecv");
}

TEST_CASE("busy, idle, compute, comm, exposed comm over overlapping streams") {
    TraceBuilder b = overlap_trace();
    ActivityTimeline tl(activity_intervals(b.t));
    // Segments: [0,50) C; [50,100) C+N; [100,150) N; [150,200) C+N; [200,240) C; [240,250) C+M;
    // [250,300) M; [300,400) idle; [400,405) S+C; [405,410) S.
    ActivityTimes w = tl.window(0, 410 * us);
    CHECK(w.wall_s == doctest::Approx(410e-6));
    CHECK(w.busy_s == doctest::Approx(310e-6));    // 50+50+50+50+40+10+50+5+5
    CHECK(w.idle_s == doctest::Approx(100e-6));
    CHECK(w.compute_s == doctest::Approx(205e-6)); // 100 + 100 + 5
    CHECK(w.comm_s == doctest::Approx(150e-6));
    CHECK(w.exposed_comm_s == doctest::Approx(50e-6));  // [100,150)
    CHECK(w.memcpy_s == doctest::Approx(60e-6));
    CHECK(w.memset_s == doctest::Approx(10e-6));
    // Exclusive split adds up to busy: 205 + 50 + 50 + 5.
    CHECK(w.excl_compute_s == doctest::Approx(205e-6));
    CHECK(w.excl_comm_s == doctest::Approx(50e-6));
    CHECK(w.excl_memcpy_s == doctest::Approx(50e-6));
    CHECK(w.excl_memset_s == doctest::Approx(5e-6));
    CHECK(w.excl_compute_s + w.excl_comm_s + w.excl_memcpy_s + w.excl_memset_s == doctest::Approx(w.busy_s));

    // A window cutting segments: [75, 225): compute [75,100)+[150,225) = 100; comm [75,200) = 125;
    // exposed [100,150) = 50; busy 150.
    ActivityTimes part = tl.window(75 * us, 225 * us);
    CHECK(part.busy_s == doctest::Approx(150e-6));
    CHECK(part.compute_s == doctest::Approx(100e-6));
    CHECK(part.comm_s == doctest::Approx(125e-6));
    CHECK(part.exposed_comm_s == doctest::Approx(50e-6));
    // Nothing runs in [300, 400).
    CHECK(tl.window(300 * us, 400 * us).busy_s == 0.0);
    CHECK(tl.window(300 * us, 400 * us).idle_s == doctest::Approx(100e-6));
}

TEST_CASE("rank breakdown with steps, categories and untimed rows") {
    TraceBuilder b = overlap_trace();
    b.step("ProfilerStep#1", 0, 200 * us);
    b.step("ProfilerStep#2", 200 * us, 410 * us);
    // A kernel without timestamps (an ncu-style row) is counted as untimed, not as time.
    KernelRow k;
    k.name = b.t.strings.intern("untimed_kernel");
    b.t.kernels.append(k);
    BreakdownReport r = analyze_breakdown({b.t});
    REQUIRE(r.ranks.size() == 1);
    const RankBreakdown& rb = r.ranks[0];
    CHECK(rb.totals.wall_s == doctest::Approx(410e-6));
    CHECK(rb.totals.busy_s == doctest::Approx(310e-6));
    CHECK(rb.untimed == 1);
    CHECK(r.diagnostics.count("breakdown.untimed") == 1);
    REQUIRE(rb.steps.size() == 2);
    // Step 1 [0,200]: all busy; compute [0,100]+[150,200] = 150; comm 150; exposed 50.
    CHECK(rb.steps[0].duration_s == doctest::Approx(200e-6));
    CHECK(rb.steps[0].times.busy_s == doctest::Approx(200e-6));
    CHECK(rb.steps[0].times.idle_s == doctest::Approx(0.0));
    CHECK(rb.steps[0].times.compute_s == doctest::Approx(150e-6));
    CHECK(rb.steps[0].times.comm_s == doctest::Approx(150e-6));
    CHECK(rb.steps[0].times.exposed_comm_s == doctest::Approx(50e-6));
    // Step 2 [200,410]: busy 100 + 10; idle 100; compute 50 + 5; memcpy 60; memset 10.
    CHECK(rb.steps[1].times.busy_s == doctest::Approx(110e-6));
    CHECK(rb.steps[1].times.idle_s == doctest::Approx(100e-6));
    CHECK(rb.steps[1].times.compute_s == doctest::Approx(55e-6));
    CHECK(rb.steps[1].times.comm_s == doctest::Approx(0.0));
    CHECK(rb.steps[1].times.memcpy_s == doctest::Approx(60e-6));
    CHECK(rb.steps[1].times.memset_s == doctest::Approx(10e-6));
    CHECK(rb.steps[1].start_s == doctest::Approx(200e-6));
    CHECK(*rb.mean_step_s == doctest::Approx(205e-6));
    // Kernel time by category: plain sums of durations.
    auto cat = [&](KernelCategory c) { return rb.categories[static_cast<size_t>(c)]; };
    CHECK(cat(KernelCategory::gemm).time_s == doctest::Approx(200e-6));
    CHECK(cat(KernelCategory::gemm).count == 2);
    CHECK(cat(KernelCategory::communication).time_s == doctest::Approx(150e-6));
    CHECK(cat(KernelCategory::elementwise).time_s == doctest::Approx(5e-6));
    CHECK(cat(KernelCategory::memcpy).time_s == doctest::Approx(60e-6));
    CHECK(cat(KernelCategory::memset).count == 1);
    CHECK(rb.comm_kernels == 1);
    CHECK(rb.kernels == 5);
    CHECK(rb.unattributed_kernels == 5);
}

TEST_CASE("top ops by GPU time") {
    TraceBuilder b;
    b.op("aten::mm", 0, 100, 1);
    b.launch(10, 20, 1);
    b.launch(30, 40, 2);
    b.op("aten::add", 200, 300, 2);
    b.launch(210, 220, 3);
    b.op("aten::mm", 400, 500, 3);
    b.launch(410, 420, 4);
    b.kernel(kGemm, 1000, 3000, 1);
    b.kernel(kGemm, 3000, 4000, 2);
    b.kernel(kElem, 4000, 4500, 3);
    b.kernel(kGemm, 5000, 6000, 4);
    BreakdownReport r = analyze_breakdown({b.t});
    const auto& ops = r.ranks[0].top_ops;
    REQUIRE(ops.size() == 2);
    CHECK(ops[0].op == "aten::mm");
    CHECK(ops[0].time_s == doctest::Approx(4e-6));
    CHECK(ops[0].calls == 2);
    CHECK(ops[0].kernels == 3);
    CHECK(ops[1].op == "aten::add");
    CHECK(ops[1].calls == 1);
}

namespace {

// A rank whose clock reads `skew` ns behind the reference: the same collective ends at
// true_end - skew on its clock. `extra_first` prepends a collective the other rank did not record.
Trace comm_rank(int32_t rank, int64_t skew, bool extra_first, int64_t base_time = 0) {
    TraceBuilder b;
    b.t.meta.rank = rank;
    b.t.meta.base_time_ns = base_time;
    // Irregular gaps so that a wrong k-shift cannot look aligned.
    const int64_t ends[] = {1000, 2300, 2900, 4700, 5100, 7600, 8200, 9900, 12000, 12400};
    int64_t jitter[] = {30, -20, 10, 0, -40, 25, -5, 15, -10, 5};
    if (extra_first) b.kernel(kNccl, 100 * us - skew - base_time, 200 * us - skew - base_time, 0, 0, 13);
    for (int k = 0; k < 10; ++k) {
        int64_t end = ends[k] * us - skew - base_time + (rank ? jitter[k] : 0);
        b.kernel(kNccl, end - 50 * us, end, 0, 0, 13);
        b.kernel(kGemm, end - 40 * us, end - 10 * us, 0, 0, 7);
    }
    b.step("ProfilerStep#1", 500 * us - skew - base_time, 6000 * us - skew - base_time);
    b.step("ProfilerStep#2", 6000 * us - skew - base_time, 13000 * us - skew - base_time + (rank == 2 ? 700 * us : 0));
    return b.t;
}

} // namespace

TEST_CASE("clock alignment from matching collectives, with a k-shift and base times") {
    std::vector<Trace> ranks = {comm_rank(0, 0, false), comm_rank(1, 1234567, true),
                                comm_rank(2, -250000, false, 1000000000)};
    ClockAlignment a = align_clocks(ranks);
    CHECK(a.reference == 0);
    CHECK(a.method[0] == "reference");
    CHECK(a.method[1] == "collectives");
    // Rank 1: offsets 1,234,567 - jitter; the median of {-30,20,-10,0,40,-25,5,-15,10,-5} is
    // -2.5 -> rounds to -3 (median of the middle pair, toward the lower): 1,234,564.
    CHECK(a.offset_ns[1] == doctest::Approx(1234567).epsilon(1e-4));
    CHECK(std::abs(a.offset_ns[1] - 1234567) <= 40);
    CHECK(a.matched[1] == 10);
    CHECK(a.shift[1] == -1);  // its k-th collective is the reference's (k-1)-th
    CHECK(a.spread_ns[1] <= 40);
    // Rank 2 is 250 us ahead and uses a base time of 1 s.
    CHECK(std::abs(a.offset_ns[2] - (-250000)) <= 40);

    BreakdownReport r = analyze_breakdown(ranks);
    REQUIRE(r.ranks.size() == 3);
    CHECK(r.ranks[1].clock_offset_ns == a.offset_ns[1]);
    // After alignment the steps start together. The common origin is the earliest aligned time:
    // rank 1's extra collective at 100 us, so step 1 starts at 400 us and step 2 at 5.9 ms on
    // every rank (to the few ns of jitter left in the offsets).
    for (const auto& rk : r.ranks) {
        REQUIRE(rk.steps.size() == 2);
        CHECK(std::abs(rk.steps[0].start_s - 400e-6) < 1e-7);
        CHECK(std::abs(rk.steps[1].start_s - 5900e-6) < 1e-7);
    }
    // Step 2 takes 7 ms on ranks 0 and 1 and 7.7 ms on rank 2 (10% slower): a straggler.
    REQUIRE(r.steps.size() == 2);
    CHECK(r.steps[1].name == "ProfilerStep#2");
    CHECK(r.steps[1].median_s == doctest::Approx(7e-3));
    CHECK(r.steps[1].max_s == doctest::Approx(7.7e-3));
    CHECK(r.steps[1].spread == doctest::Approx(0.1));
    CHECK(r.steps[1].stragglers == std::vector<int32_t>{2});
    CHECK(r.steps[0].stragglers.empty());
    // Mean step: 6.25 ms, 6.25 ms, 6.6 ms; median 6.25 ms; 6.6/6.25 = 1.056 > 1.05: straggler.
    CHECK(*r.median_mean_step_s == doctest::Approx(6.25e-3));
    CHECK_FALSE(r.ranks[0].straggler);
    CHECK(r.ranks[2].straggler);
}

TEST_CASE("no collectives: recorded clocks, said so") {
    TraceBuilder a, b;
    a.t.meta.rank = 0;
    b.t.meta.rank = 1;
    a.kernel(kGemm, 0, 1000);
    b.kernel(kGemm, 5000, 6000);
    BreakdownReport r = analyze_breakdown({a.t, b.t});
    CHECK(r.alignment.method[1] == "recorded clocks");
    CHECK(r.alignment.offset_ns[1] == 0);
    CHECK(r.diagnostics.count("breakdown.clock_unaligned") == 1);
}

TEST_CASE("report writers") {
    TraceBuilder b = overlap_trace();
    b.step("ProfilerStep#1", 0, 200 * us);
    b.t.meta.source_files = {"rank0.json"};
    BreakdownReport r = analyze_breakdown({b.t});
    std::ostringstream js, csv, table;
    write_breakdown_json(r, js);
    write_breakdown_csv(r, csv);
    write_breakdown_table(r, table);
    auto number_after = [](const std::string& text, const std::string& key) {
        size_t p = text.find(key);
        REQUIRE(p != std::string::npos);
        return std::strtod(text.c_str() + p + key.size(), nullptr);
    };
    CHECK(js.str().find("\"schema\": \"rafter.breakdown/1\"") != std::string::npos);
    CHECK(number_after(js.str(), "\"total_s\": ") == doctest::Approx(410e-6));
    CHECK(number_after(js.str(), "\"exposed_comm_s\": ") == doctest::Approx(50e-6));
    CHECK(csv.str().rfind("rank,step,start_s,duration_s,busy_s", 0) == 0);
    // The step row: rank 0, step 1, start 0, 200 us, all busy, 150 us compute and comm, 50 us exposed.
    size_t p = csv.str().find("0,ProfilerStep#1,");
    REQUIRE(p != std::string::npos);
    std::string line = csv.str().substr(p, csv.str().find('\n', p) - p);
    std::vector<double> v;
    std::stringstream ss(line.substr(std::string("0,ProfilerStep#1,").size()));
    for (std::string cell; std::getline(ss, cell, ',');)
        if (cell != "false" && cell != "true") v.push_back(std::stod(cell));
    REQUIRE(v.size() == 13);  // ..., memset_s, idle_host_launch_s, idle_sync_s, idle_kernel_gap_s, idle_other_s
    CHECK(v[0] == 0.0);
    CHECK(v[1] == doctest::Approx(200e-6));
    CHECK(v[2] == doctest::Approx(200e-6));
    CHECK(v[4] == doctest::Approx(150e-6));
    CHECK(v[6] == doctest::Approx(50e-6));
    CHECK(v[9] + v[10] + v[11] + v[12] == doctest::Approx(v[3]));  // the idle split sums to idle_s
    CHECK(table.str().find("exp.comm") != std::string::npos);
}
