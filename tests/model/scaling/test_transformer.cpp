// The transformer compute model (model/scaling/transformer.h, gemm_model.h) and its step time,
// against the papers' closed forms and values computed by hand.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "core/error.h"
#include "model/scaling/scaling.h"
#include "model/scaling/scaling_run.h"
#include "model/scaling/scenario.h"

using namespace rafter;

namespace {

TransformerShape gpt3() {
    TransformerShape m;
    m.layers = 96;
    m.hidden = 12288;
    m.heads = 96;
    m.sequence = 2048;
    m.vocab = 51200;
    m.ffn_hidden = 4 * 12288;
    return m;
}

GemmModel a100(double fraction = 0.9) {
    GemmModel g;
    g.peak_flops = 312e12;
    g.max_fraction = fraction;
    g.dram_bandwidth = 2.039e12;
    g.memory_fraction = 0.85;
    g.sms = 108;
    return g;
}

Topology dgx_a100() {
    Topology t;
    t.gpus_per_node = 8;
    t.intra = {300e9, 3.4e-6, false};
    t.nics_per_node = 8;
    t.inter = {25e9, 9.6e-6, false};
    t.link_efficiency = 0.8;
    return t;
}

TrainingWorkload workload(TransformerShape m, Recompute r, bool sp = false) {
    TrainingWorkload w;
    TransformerTraining t;
    t.shape = m;
    t.recompute = r;
    t.sequence_parallel = sp;
    w.transformer = t;
    w.gemm = a100();
    w.parameters = transformer_parameters(m);
    w.layers = m.layers;
    w.hidden_size = m.hidden;
    w.sequence_length = m.sequence;
    w.activation_bytes = 2;
    w.grad_bytes = 4;
    w.param_bytes = 2;
    w.micro_batch = 1;
    return w;
}

} // namespace

TEST_CASE("FLOPs per sequence: Narayanan et al. 2021 eq. 3 and the recompute variants") {
    TransformerShape m = gpt3();
    double s = m.sequence, l = m.layers, h = m.hidden, V = m.vocab;
    // 72 s l h^2 (1 + s/6h + V/12lh) without recompute, 96 s l h^2 (1 + s/6h + V/16lh) with full.
    CHECK(model_flops_per_sample(m) == doctest::Approx(72 * s * l * h * h * (1 + s / (6 * h) + V / (12 * l * h))));
    CHECK(hardware_flops_per_sample(m, Recompute::full) ==
          doctest::Approx(96 * s * l * h * h * (1 + s / (6 * h) + V / (16 * l * h))));
    // Selective recompute runs the attention core (QK^T and attention x V, 4 s^2 h) again.
    CHECK(hardware_flops_per_sample(m, Recompute::selective) - model_flops_per_sample(m) ==
          doctest::Approx(l * 4 * s * s * h));
    CHECK(hardware_flops_per_sample(m, Recompute::none) == model_flops_per_sample(m));
    // GPT-3 175B: 2.205e15 model FLOPs per 2048-token sequence (6 x 175e9 x 2048 = 2.15e15 for
    // the weights, plus attention).
    CHECK(model_flops_per_sample(m) == doctest::Approx(2.2046e15).epsilon(1e-3));
    // Parameters: 12 l h^2 (1 + 13/12h + (V + s)/12lh) (Narayanan et al. 2021): 174.6e9 for GPT-3.
    CHECK(transformer_parameters(m) == doctest::Approx(12 * l * h * h * (1 + 13 / (12 * h) + (V + s) / (12 * l * h))));
    CHECK(transformer_parameters(m) == doctest::Approx(174.6e9).epsilon(1e-3));
}

TEST_CASE("GEMM time: wave quantization and the memory floor") {
    GemmModel g = a100(0.9);
    // 2048 x 2304 with 256 x 128 tiles: 8 x 18 = 144 tiles on 108 SMs = 2 waves, 2/3 full.
    CHECK(g.wave_fill(144) == doctest::Approx(144.0 / 216));
    double t = g.gemm_s(2048, 2304, 6144);
    CHECK(t == doctest::Approx(2.0 * 2048 * 2304 * 6144 / (312e12 * 0.9 * (144.0 / 216))));
    // 108 tiles exactly: one full wave.
    CHECK(g.gemm_s(256 * 9, 128 * 12, 4096) == doctest::Approx(2.0 * 2304 * 1536 * 4096 / (312e12 * 0.9)));
    // A matrix-vector product is memory bound: 2 bytes x (MK + K + M) at 85% of DRAM bandwidth.
    double mv = g.gemm_s(8192, 1, 8192);
    CHECK(mv == doctest::Approx(2.0 * (8192.0 * 8192 + 8192 + 8192) / (2.039e12 * 0.85)));
    GemmModel flat = g;
    flat.sms = 0;
    CHECK(flat.wave_fill(144) == 1);
}

TEST_CASE("activation memory per layer: Korthikanti et al. 2022 Table 2") {
    TransformerTraining w;
    w.shape = gpt3();
    double s = 2048, b = 1, h = 12288, a = 96, t = 8, sbh = s * b * h;
    CHECK(layer_activation_bytes(w, b, 8) == doctest::Approx(sbh * (10 + 24 / t + 5 * a * s / (h * t))));
    w.sequence_parallel = true;
    CHECK(layer_activation_bytes(w, b, 8) == doctest::Approx(sbh * (34 / t + 5 * a * s / (h * t))));
    w.recompute = Recompute::selective;
    CHECK(layer_activation_bytes(w, b, 8) == doctest::Approx(sbh * 34 / t));
    w.sequence_parallel = false;
    CHECK(layer_activation_bytes(w, b, 8) == doctest::Approx(sbh * (10 + 24 / t)));
    w.recompute = Recompute::full;
    CHECK(layer_activation_bytes(w, b, 8) == doctest::Approx(2 * sbh));
    // One GPU, no parallelism: sbh (34 + 5as/h).
    w.recompute = Recompute::none;
    CHECK(layer_activation_bytes(w, b, 1) == doctest::Approx(sbh * (34 + 5 * a * s / h)));
}

TEST_CASE("layer time: recompute adds the forward (full) or the attention core (selective)") {
    TransformerTraining w;
    w.shape = gpt3();
    GemmModel g = a100();
    LayerTime none = transformer_layer_time(w, 1, 8, g);
    CHECK(none.recompute_s == 0);
    CHECK(none.backward_s == doctest::Approx(2 * none.forward_s));
    CHECK(none.forward_s == doctest::Approx(none.gemm_forward_s + none.memory_forward_s));
    CHECK(none.tp_forward_collectives == 2);
    CHECK(none.tp_recompute_collectives == 0);
    CHECK(none.tp_message_bytes == doctest::Approx(2048.0 * 12288 * 2));
    w.recompute = Recompute::full;
    LayerTime full = transformer_layer_time(w, 1, 8, g);
    CHECK(full.recompute_s == doctest::Approx(full.forward_s));
    CHECK(full.tp_recompute_collectives == 2);
    w.recompute = Recompute::selective;
    LayerTime sel = transformer_layer_time(w, 1, 8, g);
    CHECK(sel.recompute_s > 0);
    CHECK(sel.recompute_s < 0.2 * sel.forward_s);
    // The attention core by hand: the two batched GEMMs (12 heads per GPU) and softmax + dropout
    // over 12 x 2048^2 scores at 9 bytes each.
    double hb = 12, s = 2048, hd = 128;
    double core = g.gemm_s(s, s, hd, hb) + g.gemm_s(s, hd, s, hb) + g.memory_s(hb * s * s * 9);
    CHECK(sel.recompute_s == doctest::Approx(core));
    // No tensor parallelism: no collectives.
    CHECK(transformer_layer_time(w, 1, 1, g).tp_forward_collectives == 0);
}

TEST_CASE("pipeline: 1F1B bubble (p-1)/m, interleaving divides it by v") {
    TransformerShape m = gpt3();
    SystemSpec sys{dgx_a100(), std::nullopt, std::nullopt};
    TrainingWorkload w = workload(m, Recompute::none);
    ParallelLayout l;
    l.tp = 8;
    l.pp = 8;
    StepPrediction p1 = predict_step(w, sys, l, 64, 64, {});
    CHECK(p1.layout.micro_batches == 64);
    // The bubble is (p - 1) micro-batch slots of an average stage: 12 layers and 1/8 of the output layer.
    LayerTime lt = transformer_layer_time(*w.transformer, 1, 8, w.gemm);
    LogitsTime lg = transformer_logits_time(*w.transformer, 1, 8, w.gemm);
    double mean_fb = 12 * (lt.forward_s + lt.backward_s) + (lg.forward_s + lg.backward_s) / 8;
    CHECK(p1.bubble_s == doctest::Approx(7 * mean_fb));
    // The slowest stage (the last: 12 layers and the output layer) runs all 64 micro-batches.
    CHECK(p1.compute_s == doctest::Approx(64 * (12 * (lt.forward_s + lt.backward_s) + lg.forward_s + lg.backward_s)));
    l.virtual_stages = 2;
    StepPrediction p2 = predict_step(w, sys, l, 64, 64, {});
    CHECK(p2.bubble_s == doctest::Approx(p1.bubble_s / 2));
    CHECK(p2.pp_comm_s > p1.pp_comm_s);  // twice the sends per micro-batch
    l.virtual_stages = 5;                // 96 layers do not split into 8 x 5 chunks
    CHECK_THROWS_AS(predict_step(w, sys, l, 64, 64, {}), Error);
}

TEST_CASE("step time: MFU and HFU from the FLOPs, sequence parallelism swaps all-reduces for pairs") {
    TransformerShape m = gpt3();
    SystemSpec sys{dgx_a100(), std::nullopt, 80e9};
    ParallelLayout l;
    l.tp = 8;
    l.pp = 8;
    TrainingWorkload w = workload(m, Recompute::full);
    StepPrediction p = predict_step(w, sys, l, 64, 64, {});
    REQUIRE(p.mfu);
    REQUIRE(p.hfu);
    CHECK(*p.model_flops == doctest::Approx(64 * model_flops_per_sample(m)));
    CHECK(*p.mfu == doctest::Approx(*p.model_flops / (64 * 312e12 * p.step_s)));
    CHECK(*p.hfu / *p.mfu == doctest::Approx(hardware_flops_per_sample(m, Recompute::full) / model_flops_per_sample(m)));
    CHECK(*p.mfu < *p.hfu);
    CHECK(*p.hfu < 1);
    // Full recompute keeps 2sbh per layer: 12 layers x 8 micro-batches in flight on the first stage.
    double states = transformer_parameters(m) / 64 * (2 + 4 + 12);
    CHECK(*p.memory_bytes == doctest::Approx(states + 2 * 2048.0 * 12288 * 12 * 8));
    // Sequence parallelism: each activation all-reduce becomes reduce-scatter + all-gather of the
    // same buffer, which a ring does in the same time; the LayerNorm/dropout work splits over TP.
    TrainingWorkload wsp = workload(m, Recompute::full, true);
    StepPrediction psp = predict_step(wsp, sys, l, 64, 64, {});
    CHECK(psp.tp_comm_s == doctest::Approx(p.tp_comm_s).epsilon(0.02));
    CHECK(psp.compute_s < p.compute_s);
}

TEST_CASE("overlap switches: TP communication hidden by a share, gradient reduction exposed when not overlapped") {
    TransformerShape m = gpt3();
    SystemSpec sys{dgx_a100(), std::nullopt, std::nullopt};
    TrainingWorkload w = workload(m, Recompute::none);
    ParallelLayout l;
    l.tp = 8;
    l.pp = 8;
    StepPrediction base = predict_step(w, sys, l, 128, 128, {});
    REQUIRE(base.layout.dp == 2);
    CHECK(base.exposed_tp_comm_s == base.tp_comm_s);  // default: nothing hidden
    ScalingOptions o;
    o.tp_comm_overlap = 0.6;
    StepPrediction hid = predict_step(w, sys, l, 128, 128, o);
    CHECK(hid.tp_comm_s == base.tp_comm_s);
    CHECK(hid.exposed_tp_comm_s == doctest::Approx(0.4 * base.tp_comm_s));
    CHECK(hid.step_s == doctest::Approx(base.step_s - 0.6 * base.tp_comm_s));
    // The step still adds up from its parts.
    CHECK(hid.step_s == doctest::Approx(hid.compute_s + hid.bubble_s + hid.optimizer_s + hid.exposed_comm_s));
    // Gradient all-reduce after the backward pass: all of it exposed.
    ScalingOptions g;
    g.overlap_gradient_comm = false;
    StepPrediction late = predict_step(w, sys, l, 128, 128, g);
    CHECK(late.dp_comm_s == base.dp_comm_s);
    CHECK(late.exposed_dp_comm_s == late.dp_comm_s);
    CHECK(late.exposed_dp_comm_s >= base.exposed_dp_comm_s);
    CHECK(late.step_s == doctest::Approx(base.step_s - base.exposed_dp_comm_s + base.dp_comm_s));
}

TEST_CASE("scenario: the transformer form, its errors, the hierarchical fallback and relative efficiency") {
    const std::string head = R"({"schema": "rafter.scenario/1", "workload": {"model": {"kind": "transformer",
        "layers": 24, "hidden": 2048, "heads": 16, "sequence": 2048, "vocab": 51200}, "micro_batch": 1,
        "recompute": "selective", "sequence_parallel": true},
      "system": {"machine": "a100-sxm4-80gb", "topology": {"gpus_per_node": 8,
        "intra_node": {"bandwidth": 300e9, "latency": 3.4e-6}, "nics_per_node": 8,
        "inter_node": {"bandwidth": 25e9, "latency": 9.6e-6}, "link_efficiency": 0.8}},)";
    Scenario s = parse_scenario_json(head + R"("parallel": {"tp": 2, "algorithm": "hierarchical"},
        "scaling": {"mode": "strong", "global_batch": 64, "gpus": [8, 16, 32]}})", "t.json");
    REQUIRE(s.workload.transformer);
    CHECK(s.workload.transformer->recompute == Recompute::selective);
    CHECK(s.workload.gemm.peak_flops == doctest::Approx(312e12));
    CHECK(s.workload.gemm.sms == 108);
    CHECK(s.workload.parameters == doctest::Approx(transformer_parameters(s.workload.transformer->shape)));
    // Hierarchical all-reduce cannot run inside one node (8 GPUs, dp 4): NCCL's choice there,
    // with a warning, instead of exit 3.
    ScalingResult r = run_scaling(s, {});
    REQUIRE(r.points.size() == 3);
    CHECK_FALSE(r.points[0].step.algorithm_fallback.empty());
    CHECK(r.points[1].step.algorithm_fallback.empty());
    bool warned = false;
    for (const auto& d : r.diagnostics.entries()) warned = warned || d.code == "scale.algorithm_fallback";
    CHECK(warned);
    // Efficiency relative to the smallest count: exactly 1 there, never above.
    CHECK(r.reference_gpus == 8);
    CHECK(r.points[0].step.efficiency == 1.0);
    for (const auto& p : r.points) CHECK(p.step.efficiency <= 1.0);
    CHECK(r.points[2].step.efficiency ==
          doctest::Approx(r.points[2].step.throughput / 32 / (r.points[0].step.throughput / 8)));

    auto fails_with = [&](const std::string& json, const std::string& what) {
        try {
            parse_scenario_json(json, "bad.json");
            FAIL("no error for " << what);
        } catch (const Error& e) {
            CHECK_MESSAGE(std::string(e.what()).find(what) != std::string::npos, e.what());
        }
    };
    // The overlap switches and per-tier efficiencies are read, echoed, and checked.
    Scenario ov = parse_scenario_json(head + R"("parallel": {"tp": 2, "tp_comm_overlap": 0.5, "overlap_gradient_comm": false},
        "scaling": {"mode": "strong", "global_batch": 64, "gpus": [8]}})", "t.json");
    CHECK(ov.options.tp_comm_overlap == 0.5);
    CHECK_FALSE(ov.options.overlap_gradient_comm);
    fails_with(head + R"("parallel": {"tp_comm_overlap": 1.5}})", "parallel.tp_comm_overlap must be in [0, 1]");
    std::string tier = head;
    tier.replace(tier.find("\"latency\": 3.4e-6}"), 18, "\"latency\": 3.4e-6, \"efficiency\": 1.2}");
    fails_with(tier + R"("parallel": {"tp": 2}})", "intra_node.efficiency must be in (0, 1]");
    fails_with(R"({"schema": "rafter.scenario/1", "workload": {"model": {"kind": "transformer", "layers": 2,
        "hidden": 64, "heads": 4, "sequence": 8, "vocab": 10}, "forward_s": 1},
        "system": {"machine": "a100-sxm4-80gb", "topology": {"gpus_per_node": 8, "intra_node": {"bandwidth": 1e9}}}})",
               "workload.forward_s is not used");
    fails_with(R"({"schema": "rafter.scenario/1", "workload": {"model": {"kind": "transformer", "layers": 2,
        "hidden": 64, "heads": 4, "sequence": 8, "vocab": 10}, "recompute": "most"},
        "system": {"machine": "a100-sxm4-80gb", "topology": {"gpus_per_node": 8, "intra_node": {"bandwidth": 1e9}}}})",
               "workload.recompute must be");
    fails_with(R"({"schema": "rafter.scenario/1", "workload": {"model": {"kind": "transformer", "layers": 2,
        "hidden": 64, "heads": 4, "sequence": 8, "vocab": 10}},
        "system": {"topology": {"gpus_per_node": 8, "intra_node": {"bandwidth": 1e9}}}})",
               "system.machine");
    fails_with(R"({"schema": "rafter.scenario/1", "workload": {"model": {"kind": "transformer", "layers": 2,
        "hidden": 64, "heads": 4, "sequence": 8, "vocab": 10}},
        "system": {"machine": "mi210", "topology": {"gpus_per_node": 8, "intra_node": {"bandwidth": 1e9}}}})",
               "system.gemm.max_fraction");
    fails_with(R"({"schema": "rafter.scenario/1", "workload": {"model": {"kind": "mamba", "layers": 2}},
        "system": {"machine": "a100-sxm4-80gb", "topology": {"gpus_per_node": 8, "intra_node": {"bandwidth": 1e9}}}})",
               "workload.model.kind");
    fails_with(R"({"schema": "rafter.scenario/1", "workload": {"parameters": 1e6, "batch_per_gpu": 1,
        "forward_s": 1, "backward_s": 2, "recompute": "full"},
        "system": {"topology": {"gpus_per_node": 8, "intra_node": {"bandwidth": 1e9}}}})",
               "needs workload.model");
}
