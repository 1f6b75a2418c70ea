// Analytic op costs: every expected value below is computed by hand in the comment next to it.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "model/ops/op_costs.h"
#include "test_support.h"

using namespace rafter;

namespace {

OpCost cost_of(const std::string& name, const std::string& dims, const std::string& types,
               const std::string& concrete = "") {
    auto call = parse_op_call(name, dims, types, concrete);
    REQUIRE(call.has_value());
    std::string why;
    auto c = op_cost(*call, &why);
    INFO(name << ": " << why);
    REQUIRE(c.has_value());
    return *c;
}

std::optional<OpCost> try_cost(const std::string& name, const std::string& dims, const std::string& types,
                               const std::string& concrete, std::string* why) {
    auto call = parse_op_call(name, dims, types, concrete);
    REQUIRE(call.has_value());
    return op_cost(*call, why);
}

const std::string bf16_2 = R"(["c10::BFloat16", "c10::BFloat16"])";

} // namespace

TEST_CASE("shape texts parse with any spacing, TensorLists and errors") {
    std::vector<bool> lists;
    auto d = parse_input_dims("[[64,128],[ 128 , 256 ], [], [[1, 2], [3]]]", &lists);
    REQUIRE(d);
    REQUIRE(d->size() == 4);
    CHECK((*d)[0][0] == Shape{64, 128});
    CHECK((*d)[2][0].empty());
    CHECK(lists == std::vector<bool>{false, false, false, true});
    CHECK((*d)[3].size() == 2);
    CHECK(format_input_dims(*d, lists) == "[[64, 128], [128, 256], [], [[1, 2], [3]]]");
    CHECK_FALSE(parse_input_dims("[[64, 128], [128"));
    CHECK_FALSE(parse_input_dims("[[64, x]]"));
    CHECK_FALSE(parse_input_dims("{}"));
    CHECK(parse_input_dims("[]")->empty());

    auto t = parse_string_list(R"(["float", "c10::BFloat16", "Scalar", ""])");
    REQUIRE(t);
    CHECK(*t == std::vector<std::string>{"float", "c10::BFloat16", "Scalar", ""});
    CHECK(format_string_list(*t) == R"(["float", "c10::BFloat16", "Scalar", ""])");
    CHECK_FALSE(parse_string_list(R"(["float", )"));
    // dims and types of different lengths are rejected rather than guessed.
    CHECK_FALSE(parse_op_call("aten::mm", "[[2, 3], [3, 4]]", R"(["float"])", ""));
}

TEST_CASE("dtype sizes") {
    CHECK(dtype_size("float") == 4);
    CHECK(dtype_size("double") == 8);
    CHECK(dtype_size("c10::Half") == 2);
    CHECK(dtype_size("c10::BFloat16") == 2);
    CHECK(dtype_size("long int") == 8);
    CHECK(dtype_size("long") == 8);
    CHECK(dtype_size("int") == 4);
    CHECK(dtype_size("bool") == 1);
    CHECK(dtype_size("unsigned char") == 1);
    CHECK(dtype_size("c10::Float8_e4m3fn") == 1);
    CHECK(dtype_size("c10::Float8_e5m2") == 1);
    CHECK_FALSE(dtype_size("Scalar"));
    CHECK_FALSE(dtype_size("TensorList"));
    CHECK_FALSE(dtype_size(""));
    CHECK(scalar_type_name(6) == "float");
    CHECK(scalar_type_name(15) == "c10::BFloat16");
}

TEST_CASE("GEMM family") {
    // mm [64,128] x [128,256] fp32: 2*64*256*128 = 4,194,304 FLOPs;
    // bytes (64*128 + 128*256 + 64*256) * 4 = 229,376.
    auto mm = cost_of("aten::mm", "[[64, 128], [128, 256]]", R"(["float", "float"])");
    CHECK(mm.flops == 4194304.0);
    CHECK(mm.bytes == 229376.0);
    CHECK(mm.flop_kind == FlopKind::fp32);
    CHECK(mm.family == OpFamily::gemm);

    // addmm from the bert trace: bias [512], A [141,512], B [512,512] bf16:
    // 2*141*512*512 + 141*512 = 73,996,800; bytes (141*512 + 512*512 + 141*512 + 512) * 2 = 814,080.
    auto addmm = cost_of("aten::addmm", "[[512], [141, 512], [512, 512], [], []]",
                         R"(["c10::BFloat16", "c10::BFloat16", "c10::BFloat16", "Scalar", "Scalar"])",
                         R"(["", "", "", "1", "1"])");
    CHECK(addmm.flops == 73996800.0);
    CHECK(addmm.bytes == 814080.0);
    CHECK(addmm.flop_kind == FlopKind::tensor_bf16);

    // bmm [8,32,16] x [8,16,64] fp16: 8*2*32*64*16 = 524,288; bytes 8*(512+1024+2048)*2 = 57,344.
    auto bmm = cost_of("aten::bmm", "[[8, 32, 16], [8, 16, 64]]", R"(["c10::Half", "c10::Half"])");
    CHECK(bmm.flops == 524288.0);
    CHECK(bmm.bytes == 57344.0);
    CHECK(bmm.flop_kind == FlopKind::tensor_fp16);

    // baddbmm adds C [8,32,64]: 8*(2*32*64*16 + 32*64) = 540,672; bytes 57,344 + 8*32*64*2 = 90,112.
    auto baddbmm = cost_of("aten::baddbmm", "[[8, 32, 64], [8, 32, 16], [8, 16, 64], [], []]",
                           R"(["c10::Half", "c10::Half", "c10::Half", "Scalar", "Scalar"])");
    CHECK(baddbmm.flops == 540672.0);
    CHECK(baddbmm.bytes == 90112.0);

    // linear x [2,10,64], W [32,64], b [32] bf16: M=20 N=32 K=64: 2*20*32*64 + 20*32 = 82,560;
    // bytes (20*64 + 32*64 + 32 + 20*32) * 2 = 8,000.
    auto lin = cost_of("aten::linear", "[[2, 10, 64], [32, 64], [32]]",
                       R"(["c10::BFloat16", "c10::BFloat16", "c10::BFloat16"])");
    CHECK(lin.flops == 82560.0);
    CHECK(lin.bytes == 8000.0);
    // without bias: 81,920 FLOPs, bytes 7,936.
    auto lin_nb = cost_of("aten::linear", "[[2, 10, 64], [32, 64], []]",
                          R"(["c10::BFloat16", "c10::BFloat16", ""])");
    CHECK(lin_nb.flops == 81920.0);
    CHECK(lin_nb.bytes == 7936.0);

    // matmul [4,1,8,16] x [3,16,5] fp32: batch broadcast [4,3] = 12, M=8 K=16 N=5:
    // 12*2*8*5*16 = 15,360; bytes A 512*4 + B 240*4 + out 12*8*5*4 = 2048 + 960 + 1920 = 4,928.
    auto mat = cost_of("aten::matmul", "[[4, 1, 8, 16], [3, 16, 5]]", R"(["float", "float"])");
    CHECK(mat.flops == 15360.0);
    CHECK(mat.bytes == 4928.0);
    // dot [16].[16]: 32 FLOPs; bytes 64 + 64 + 4 = 132.
    auto dot = cost_of("aten::matmul", "[[16], [16]]", R"(["float", "float"])");
    CHECK(dot.flops == 32.0);
    CHECK(dot.bytes == 132.0);
    // [2,3,16] x [16,7]: leading dims fold into M = 6: 2*6*7*16 = 1,344.
    CHECK(cost_of("aten::matmul", "[[2, 3, 16], [16, 7]]", R"(["float", "float"])").flops == 1344.0);

    std::string why;
    CHECK_FALSE(try_cost("aten::mm", "[[64, 128], [127, 256]]", R"(["float", "float"])", "", &why));
    CHECK(why.find("inner") != std::string::npos);
}

TEST_CASE("GEMM backward is twice the forward, also through the two aten::mm calls") {
    double m = 141, n = 512, k = 2048;
    CHECK(gemm_backward_flops(m, n, k, false) == 2 * gemm_flops(m, n, k, false));
    CHECK(gemm_backward_flops(m, n, k, true) == 2 * gemm_flops(m, n, k, false) + m * n);
    // Forward Y[141,512] = X[141,2048] W^T: the autograd thread then runs
    // dX = dY[141,512] @ W[512,2048] and dW = dY^T[512,141] @ X[141,2048].
    auto fwd = cost_of("aten::mm", "[[141, 2048], [2048, 512]]", bf16_2);
    auto dx = cost_of("aten::mm", "[[141, 512], [512, 2048]]", bf16_2);
    auto dw = cost_of("aten::mm", "[[512, 141], [141, 2048]]", bf16_2);
    CHECK(dx.flops + dw.flops == 2 * fwd.flops);
}

TEST_CASE("the bert GEMM reference CSV: per-shape FLOPs and bytes within 0.1%") {
    std::ifstream in(test::real_data("kineto/h100-bert-small-infer.gemm-reference.csv"));
    REQUIRE(in.good());
    auto split_csv = test::split_csv_line;
    std::string line;
    std::getline(in, line);
    auto header = split_csv(line);
    auto col = [&](const std::string& name) {
        for (size_t i = 0; i < header.size(); ++i)
            if (header[i] == name) return i;
        FAIL("column " << name << " missing");
        return size_t(0);
    };
    size_t c_name = col("name"), c_gflops = col("GFLOPS_first"), c_mb = col("Data Moved (MB)_first"),
           c_dims = col("Input Dims_first"), c_types = col("Input type_first"), c_m = col("param: M"),
           c_n = col("param: N"), c_k = col("param: K");
    int rows = 0;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        auto f = split_csv(line);
        std::string types = f[c_types];
        for (char& ch : types)
            if (ch == '\'') ch = '"';
        auto c = cost_of(f[c_name], f[c_dims], types);
        double ref_flops = std::stod(f[c_gflops]) * 1e9;
        double ref_bytes = std::stod(f[c_mb]) * 1024 * 1024;  // TraceLens' "MB" is MiB
        INFO(f[c_m] << "x" << f[c_n] << "x" << f[c_k]);
        CHECK(std::abs(c.flops - ref_flops) <= 1e-3 * ref_flops);
        CHECK(std::abs(c.bytes - ref_bytes) <= 1e-3 * ref_bytes);
        // Also exact: the rule is the same, not just close.
        CHECK(c.flops == doctest::Approx(ref_flops).epsilon(1e-9));
        CHECK(c.bytes == doctest::Approx(ref_bytes).epsilon(1e-9));
        ++rows;
    }
    CHECK(rows == 4);
}

TEST_CASE("convolution family") {
    // conv2d x [2,8,32,32], w [16,4,3,3] (groups 2), bias [16], stride 2, padding 1, bf16:
    // Hout = floor((32 + 2 - 2 - 1)/2) + 1 = 16; out = 2*16*16*16 = 8,192 elements;
    // FLOPs 8,192 * 2*4*9 + 8,192 (bias) = 598,016; bytes (16,384 + 576 + 16 + 8,192) * 2 = 50,336.
    const std::string bf16_3 = R"(["c10::BFloat16", "c10::BFloat16", "c10::BFloat16", "ScalarList", "ScalarList", "ScalarList", "Scalar"])";
    auto c = cost_of("aten::conv2d", "[[2, 8, 32, 32], [16, 4, 3, 3], [16], [], [], [], []]", bf16_3,
                     R"(["", "", "", "[2, 2]", "[1, 1]", "[1, 1]", "2"])");
    CHECK(c.flops == 598016.0);
    CHECK(c.bytes == 50336.0);
    CHECK(c.flop_kind == FlopKind::tensor_bf16);
    CHECK(c.assumed.empty());

    // dilation 2, padding 2, fp32, no bias: x [1,3,10,10], w [5,3,3,3]:
    // Hout = (10 + 4 - 2*2 - 1)/1 + 1 = 10; FLOPs 1*5*100 * 2*3*9 = 27,000 (tf32: cuDNN default);
    // bytes (300 + 135 + 500) * 4 = 3,740.
    auto d = cost_of("aten::convolution", "[[1, 3, 10, 10], [5, 3, 3, 3], [], [], [], [], [], [], []]",
                     R"(["float", "float", "", "ScalarList", "ScalarList", "ScalarList", "Scalar", "ScalarList", "Scalar"])",
                     R"(["", "", "", "[1, 1]", "[2, 2]", "[2, 2]", "False", "[0, 0]", "1"])");
    CHECK(d.flops == 27000.0);
    CHECK(d.bytes == 3740.0);
    CHECK(d.flop_kind == FlopKind::tensor_tf32);

    // Transposed through aten::convolution (transposed=True): x [1,4,5,5], w [4,3,3,3], stride 2,
    // padding 1, output_padding 1: Hout = 4*2 - 2 + 2 + 1 + 1 = 10; FLOPs 1*4*25 * 2*3*9 = 5,400;
    // output 1*3*100 = 300; bytes (100 + 108 + 300) * 4 = 2,032.
    auto t = cost_of("aten::convolution", "[[1, 4, 5, 5], [4, 3, 3, 3], [], [], [], [], [], [], []]",
                     R"(["float", "float", "", "ScalarList", "ScalarList", "ScalarList", "Scalar", "ScalarList", "Scalar"])",
                     R"(["", "", "", "[2, 2]", "[1, 1]", "[1, 1]", "True", "[1, 1]", "1"])");
    CHECK(t.flops == 5400.0);
    CHECK(t.bytes == 2032.0);
    // groups 2: Cout = 3*2 = 6, same FLOPs, output 600: bytes (100 + 108 + 600) * 4 = 3,232.
    auto tg = cost_of("aten::conv_transpose2d", "[[1, 4, 5, 5], [4, 3, 3, 3], [], [], [], [], [], []]",
                      R"(["float", "float", "", "ScalarList", "ScalarList", "ScalarList", "Scalar", "ScalarList"])",
                      R"(["", "", "", "[2, 2]", "[1, 1]", "[1, 1]", "2", "[1, 1]"])");
    CHECK(tg.flops == 5400.0);
    CHECK(tg.bytes == 3232.0);

    // Depthwise conv1d x [4,8,100], w [8,1,5], groups 8, padding 2: Lout 100;
    // FLOPs 4*8*100 * 2*1*5 = 32,000.
    auto dw = cost_of("aten::conv1d", "[[4, 8, 100], [8, 1, 5], [], [], [], [], []]",
                      R"(["float", "float", "", "ScalarList", "ScalarList", "ScalarList", "Scalar"])",
                      R"(["", "", "", "[1]", "[2]", "[1]", "8"])");
    CHECK(dw.flops == 32000.0);
    // conv3d x [1,2,4,4,4], w [3,2,2,2,2], stride 2 (scalar form): out 2x2x2; 1*3*8 * 2*2*8 = 768.
    auto c3 = cost_of("aten::conv3d", "[[1, 2, 4, 4, 4], [3, 2, 2, 2, 2], [], [], [], [], []]",
                      R"(["float", "float", "", "ScalarList", "ScalarList", "ScalarList", "Scalar"])",
                      R"(["", "", "", "2", "0", "1", "1"])");
    CHECK(c3.flops == 768.0);

    // The ViT patch embedding as recorded: cudnn_convolution(input, weight, padding, stride, ...)
    // x [4,3,224,224], w [768,3,16,16], stride 16: 14x14 out; 4*768*196 * 2*3*256 = 924,844,032.
    auto vit = cost_of("aten::cudnn_convolution", "[[4, 3, 224, 224], [768, 3, 16, 16], [], [], [], [], [], [], []]",
                       R"(["c10::BFloat16", "c10::BFloat16", "ScalarList", "ScalarList", "ScalarList", "Scalar", "Scalar", "Scalar", "Scalar"])",
                       R"(["", "", "[0, 0]", "[16, 16]", "[1, 1]", "1", "False", "False", "True"])");
    CHECK(vit.flops == 924844032.0);

    // Without Concrete Inputs: stride 1, padding 0 assumed and said so. x [1,3,8,8], w [4,3,3,3]:
    // 6x6 out, 1*4*36 * 2*27 = 7,776.
    auto nc = cost_of("aten::cudnn_convolution", "[[1, 3, 8, 8], [4, 3, 3, 3], [], [], [], [], [], [], []]",
                      R"(["float", "float", "ScalarList", "ScalarList", "ScalarList", "Scalar", "Scalar", "Scalar", "Scalar"])");
    CHECK(nc.flops == 7776.0);
    CHECK_FALSE(nc.assumed.empty());
}

TEST_CASE("convolution backward: grad_input + grad_weight = 2x forward, + grad_bias") {
    // The first conv above: forward 589,824 without bias; backward 2*589,824 + 8,192 = 1,187,840.
    // bytes: inputs gy 8,192 + x 16,384 + w 576, outputs gx 16,384 + gw 576 = 42,112 elements * 2
    // + grad_bias 16 * 2 = 84,256.
    const std::string dims = "[[2, 16, 16, 16], [2, 8, 32, 32], [16, 4, 3, 3], [], [], [], [], [], [], [], []]";
    const std::string types = R"(["c10::BFloat16", "c10::BFloat16", "c10::BFloat16", "ScalarList", "ScalarList", "ScalarList", "ScalarList", "Scalar", "ScalarList", "Scalar", "ScalarList"])";
    auto b = cost_of("aten::convolution_backward", dims, types,
                     R"(["", "", "", "[16]", "[2, 2]", "[1, 1]", "[1, 1]", "False", "[0, 0]", "2", "[True, True, True]"])");
    CHECK(b.flops == 1187840.0);
    CHECK(b.bytes == 84256.0);
    CHECK(b.backward);
    auto only_input = cost_of("aten::convolution_backward", dims, types,
                              R"(["", "", "", "[16]", "[2, 2]", "[1, 1]", "[1, 1]", "False", "[0, 0]", "2", "[True, False, False]"])");
    CHECK(only_input.flops == 589824.0);
}

TEST_CASE("attention family") {
    const std::string q = "[2, 4, 128, 64]";
    const std::string types8 = R"(["c10::BFloat16", "c10::BFloat16", "c10::BFloat16", "", "Scalar", "Scalar", "", "Scalar"])";
    // 4*B*H*Nq*Nkv*d = 4*2*4*128*128*64 = 33,554,432; bytes q,k,v,o: 4 * 65,536 * 2 = 524,288.
    auto full = cost_of("aten::scaled_dot_product_attention", "[" + q + ", " + q + ", " + q + ", [], [], [], [], []]",
                        types8, R"(["", "", "", "", "0.", "False", "", "False"])");
    CHECK(full.flops == 33554432.0);
    CHECK(full.bytes == 524288.0);
    CHECK(full.flop_kind == FlopKind::tensor_bf16);
    auto causal = cost_of("aten::scaled_dot_product_attention", "[" + q + ", " + q + ", " + q + ", [], [], [], [], []]",
                          types8, R"(["", "", "", "", "0.", "True", "", "False"])");
    CHECK(causal.flops == 16777216.0);

    // _flash_attention_forward takes [B, N, H, d]: the same work for [2,128,4,64].
    const std::string qn = "[2, 128, 4, 64]";
    auto fl = cost_of("aten::_flash_attention_forward",
                      "[" + qn + ", " + qn + ", " + qn + ", [], [], [], [], [], [], [], [], [], [], [], []]",
                      R"(["c10::BFloat16", "c10::BFloat16", "c10::BFloat16", "", "", "Scalar", "Scalar", "Scalar", "Scalar", "Scalar", "Scalar", "", "", "", ""])",
                      R"(["", "", "", "", "", "128", "128", "0.", "False", "False", "0.125", "", "", "", ""])");
    CHECK(fl.flops == 33554432.0);
    CHECK(fl.bytes == 524288.0);

    // Grouped-query: q [1,8,16,64], k/v [1,2,32,64]: 2*8*16*32*(64+64) = 1,048,576.
    auto gqa = cost_of("aten::scaled_dot_product_attention", "[[1, 8, 16, 64], [1, 2, 32, 64], [1, 2, 32, 64], [], [], [], [], []]",
                       types8, R"(["", "", "", "", "0.", "False", "", "True"])");
    CHECK(gqa.flops == 1048576.0);

    // Flash backward, causal: 2.5 * 16,777,216 = 41,943,040; bytes dO,O,Q,K,V + dQ,dK,dV:
    // 8 * 131,072 = 1,048,576.
    auto bwd = cost_of("aten::_scaled_dot_product_flash_attention_backward",
                       "[" + q + ", " + q + ", " + q + ", " + q + ", " + q + ", [2, 4, 128], [], [], [], [], [], [], [], [], []]",
                       R"(["c10::BFloat16", "c10::BFloat16", "c10::BFloat16", "c10::BFloat16", "c10::BFloat16", "float", "", "", "Scalar", "Scalar", "Scalar", "Scalar", "", "", "Scalar"])",
                       R"(["", "", "", "", "", "", "", "", "128", "128", "0.", "True", "", "", "0.125"])");
    CHECK(bwd.flops == 41943040.0);
    CHECK(bwd.bytes == 1048576.0);
    CHECK(bwd.backward);

    // Variable-length batches have no per-sequence lengths in the trace: no cost, with a reason.
    std::string why;
    CHECK_FALSE(try_cost("aten::_flash_attention_forward",
                         "[[300, 4, 64], [300, 4, 64], [300, 4, 64], [3], [3], [], [], [], [], [], [], [], [], [], []]",
                         R"(["c10::BFloat16", "c10::BFloat16", "c10::BFloat16", "int", "int", "Scalar", "Scalar", "Scalar", "Scalar", "Scalar", "Scalar", "", "", "", ""])",
                         "", &why));
    CHECK(why.find("variable-length") != std::string::npos);
}

TEST_CASE("normalization, softmax, embedding") {
    // layer_norm [1,141,512] bf16 with weight and bias: 72,192 * (6 + 2) = 577,536 FLOPs;
    // bytes in + out 2*72,192*2 + weight/bias 2*512*2 = 290,816.
    auto ln = cost_of("aten::native_layer_norm", "[[1, 141, 512], [], [512], [512], []]",
                      R"(["c10::BFloat16", "ScalarList", "c10::BFloat16", "c10::BFloat16", "Scalar"])",
                      R"(["", "[512]", "", "", "1e-12"])");
    CHECK(ln.flops == 577536.0);
    CHECK(ln.bytes == 290816.0);
    CHECK(ln.family == OpFamily::norm);
    // rms_norm [4,10] fp32 without weight: 40 * 3 = 120; bytes 2 * 160 = 320.
    auto rms = cost_of("aten::rms_norm", "[[4, 10], [], [], []]", R"(["float", "ScalarList", "", "Scalar"])");
    CHECK(rms.flops == 120.0);
    CHECK(rms.bytes == 320.0);
    // cudnn_batch_norm eval, [8,16,4,4] fp32: 2,048 * (2 + 2) = 8,192; bytes 2*2,048*4 + 4*16*4 = 16,640.
    const std::string bn_dims = "[[8, 16, 4, 4], [16], [16], [16], [16], [], [], []]";
    const std::string bn_types = R"(["float", "float", "float", "float", "float", "Scalar", "Scalar", "Scalar"])";
    auto bn = cost_of("aten::cudnn_batch_norm", bn_dims, bn_types, R"(["", "", "", "", "", "False", "0.1", "1e-05"])");
    CHECK(bn.flops == 8192.0);
    CHECK(bn.bytes == 16640.0);
    // training: 2,048 * (6 + 2) = 16,384.
    CHECK(cost_of("aten::cudnn_batch_norm", bn_dims, bn_types, R"(["", "", "", "", "", "True", "0.1", "1e-05"])").flops == 16384.0);
    // layer norm backward [4,10]: 2 * 40 * 8 = 640 FLOPs; bytes inputs (40+40+4+4+10+10)*4 = 432
    // + outputs grad_input 160 + grad_weight/bias 80 = 672.
    auto lnb = cost_of("aten::native_layer_norm_backward", "[[4, 10], [4, 10], [], [4, 1], [4, 1], [10], [10], []]",
                       R"(["float", "float", "ScalarList", "float", "float", "float", "float", "ScalarList"])");
    CHECK(lnb.flops == 640.0);
    CHECK(lnb.bytes == 672.0);
    CHECK(lnb.backward);

    // _softmax [2,3,10] bf16: 60 * 5 = 300 FLOPs; bytes 60*2 + 60*2 = 240; half_to_float: 60*2 + 60*4 = 360.
    const std::string sm_dims = "[[2, 3, 10], [], []]";
    const std::string sm_types = R"(["c10::BFloat16", "Scalar", "Scalar"])";
    auto sm = cost_of("aten::_softmax", sm_dims, sm_types, R"(["", "-1", "False"])");
    CHECK(sm.flops == 300.0);
    CHECK(sm.bytes == 240.0);
    CHECK(cost_of("aten::_softmax", sm_dims, sm_types, R"(["", "-1", "True"])").bytes == 360.0);
    // backward fp32: 60 * 4 = 240 FLOPs; bytes 3 * 60 * 4 = 720.
    auto smb = cost_of("aten::_softmax_backward_data", "[[2, 3, 10], [2, 3, 10], [], []]",
                       R"(["float", "float", "Scalar", "Scalar"])");
    CHECK(smb.flops == 240.0);
    CHECK(smb.bytes == 720.0);

    // embedding weight [30522,512] bf16, indices [1,141] long: reads 141 rows, writes them:
    // 141*8 + 2*141*512*2 = 289,896; no FLOPs. index_select does the same work.
    auto emb = cost_of("aten::embedding", "[[30522, 512], [1, 141], [], [], []]",
                       R"(["c10::BFloat16", "long int", "Scalar", "Scalar", "Scalar"])");
    CHECK(emb.flops == 0.0);
    CHECK(emb.bytes == 289896.0);
    auto is = cost_of("aten::index_select", "[[30522, 512], [], [141]]",
                      R"(["c10::BFloat16", "Scalar", "long int"])", R"(["", "0", ""])");
    CHECK(is.bytes == 289896.0);
}

TEST_CASE("pointwise, reductions, copies") {
    // add [1,141,512] + [1,141,512] bf16: 72,192 FLOPs (fp32 opmath); bytes 3*72,192*2 = 433,152.
    const std::string add_dims = "[[1, 141, 512], [1, 141, 512], []]";
    const std::string add_types = R"(["c10::BFloat16", "c10::BFloat16", "Scalar"])";
    auto add = cost_of("aten::add", add_dims, add_types);
    CHECK(add.flops == 72192.0);
    CHECK(add.bytes == 433152.0);
    CHECK(add.flop_kind == FlopKind::fp32);
    // in-place add_: same reads and write.
    CHECK(cost_of("aten::add_", add_dims, add_types).bytes == 433152.0);
    // Broadcast [4,1,8] + [3,1] fp32 -> [4,3,8]: 96 FLOPs; bytes (32 + 3 + 96) * 4 = 524.
    auto bc = cost_of("aten::add", "[[4, 1, 8], [3, 1], []]", R"(["float", "float", "Scalar"])");
    CHECK(bc.flops == 96.0);
    CHECK(bc.bytes == 524.0);
    // float tensor times a 0-d double tensor (qwen's rotary scale): float output;
    // 35,776 FLOPs; bytes 35,776*4 + 8 + 35,776*4 = 286,216.
    auto mul = cost_of("aten::mul", "[[1, 559, 64], []]", R"(["float", "double"])");
    CHECK(mul.flops == 35776.0);
    CHECK(mul.bytes == 286216.0);
    // eq on long ints: no FLOPs; bytes 141*8 + 141*1 (bool out) = 1,269.
    auto eq = cost_of("aten::eq", "[[1, 141], []]", R"(["long int", "Scalar"])");
    CHECK(eq.flops == 0.0);
    CHECK(eq.bytes == 1269.0);
    // gelu_backward [10] bf16: 20 FLOPs; bytes 3*10*2 = 60.
    auto gb = cost_of("aten::gelu_backward", "[[10], [10]]", bf16_2);
    CHECK(gb.flops == 20.0);
    CHECK(gb.bytes == 60.0);
    CHECK(gb.backward);
    // where(bool[4096], float[4096], 0-d float): no FLOPs; bytes 4,096 + 16,384 + 4 + 16,384 = 36,868.
    auto wh = cost_of("aten::where", "[[4096], [4096], []]", R"(["bool", "float", "float"])");
    CHECK(wh.flops == 0.0);
    CHECK(wh.bytes == 36868.0);
    // native_dropout [10,10] fp32: 100 FLOPs; bytes 400 in + 400 out + 100 mask = 900.
    auto dr = cost_of("aten::native_dropout", "[[10, 10], [], []]", R"(["float", "Scalar", "Scalar"])");
    CHECK(dr.flops == 100.0);
    CHECK(dr.bytes == 900.0);

    // mean over the last dim, keepdim: [16,559,1024] -> [16,559,1]: 9,158,656 FLOPs;
    // bytes 9,158,656*4 + 8,944*4 = 36,670,400.
    auto mean = cost_of("aten::mean", "[[16, 559, 1024], [], [], []]", R"(["float", "ScalarList", "Scalar", ""])",
                        R"(["", "[-1]", "True", ""])");
    CHECK(mean.flops == 9158656.0);
    CHECK(mean.bytes == 36670400.0);
    CHECK(mean.family == OpFamily::reduction);
    // full sum [4,5]: 20 FLOPs; bytes 80 + 4.
    auto sum = cost_of("aten::sum", "[[4, 5], []]", R"(["float", ""])");
    CHECK(sum.flops == 20.0);
    CHECK(sum.bytes == 84.0);
    // all(bool [1,141]): no FLOPs; bytes 141 + 1.
    auto all = cost_of("aten::all", "[[1, 141]]", R"(["bool"])");
    CHECK(all.flops == 0.0);
    CHECK(all.bytes == 142.0);
    // max.dim [2,2048,1] over dim 0: values and long indices for 2,048 outputs:
    // 4,096*4 + 2,048*(4 + 8) = 40,960 bytes; 4,096 FLOPs.
    auto mx = cost_of("aten::max", "[[2, 2048, 1], [], []]", R"(["float", "Scalar", "Scalar"])", R"(["", "0", "False"])");
    CHECK(mx.flops == 4096.0);
    CHECK(mx.bytes == 40960.0);
    // reduced dims not recorded: the output is not counted and the cost says so.
    auto nd = cost_of("aten::sum", "[[4, 5], [], [], []]", R"(["float", "ScalarList", "Scalar", ""])");
    CHECK(nd.bytes == 80.0);
    CHECK_FALSE(nd.assumed.empty());

    // copy_ long [1,1,559] into float: 559*8 + 559*4 = 6,708; _to_copy to float (code 6): same.
    auto cp = cost_of("aten::copy_", "[[1, 1, 559], [1, 1, 559], []]", R"(["float", "long int", "Scalar"])");
    CHECK(cp.flops == 0.0);
    CHECK(cp.bytes == 6708.0);
    auto tc = cost_of("aten::_to_copy", "[[1, 1, 559], [], [], [], [], [], []]",
                      R"(["long int", "Scalar", "", "", "", "Scalar", ""])", R"(["", "6", "", "", "", "False", ""])");
    CHECK(tc.bytes == 6708.0);
    // cat's TensorList has no recorded dtype: no cost, with the reason.
    std::string why;
    CHECK_FALSE(try_cost("aten::cat", "[[[1, 559, 32], [1, 559, 32]], []]", R"(["TensorList", "Scalar"])", "", &why));
    CHECK(why.find("TensorList") != std::string::npos);
}

TEST_CASE("ops without a model are reported, not zero") {
    CHECK(has_cost_model("aten::addmm"));
    CHECK(has_cost_model("aten::add_"));
    CHECK(has_cost_model("mm"));
    CHECK_FALSE(has_cost_model("aten::view"));
    CHECK_FALSE(has_cost_model("record_param_comms"));
    std::string why;
    CHECK_FALSE(try_cost("fbgemm::permute_2D_sparse_data", "[[96], [96, 4096]]", R"(["int", "int"])", "", &why));
    CHECK(why == "no cost model for fbgemm::permute_2D_sparse_data");
    // Missing shapes are no cost either.
    CHECK_FALSE(try_cost("aten::mm", "[[], []]", R"(["", ""])", "", &why));
}
