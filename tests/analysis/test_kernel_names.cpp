// Kernel base names and short names, on names taken from the real deepcam-v100-fw ncu files
// (tests/data/real/ncu) and on hand-written corner cases.
#include <doctest/doctest.h>

#include "analysis/display_names.h"
#include "analysis/kernel_names.h"
#include "analysis/roofline.h"

using namespace rafter;

namespace {
const char* kCopy =
    "void at::native::legacy::elementwise_kernel<512, 1, at::native::gpu_kernel_impl<at::native::"
    "copy_device_to_device(at::TensorIterator&, bool)::{lambda()#1}::operator()() const::{lambda()#8}::"
    "operator()() const::{lambda(c10::Half)#1}>(at::TensorIterator&, at::native::copy_device_to_device("
    "at::TensorIterator&, bool)::{lambda()#1}::operator()() const::{lambda()#8}::operator()() const::"
    "{lambda(c10::Half)#1} const&)::{lambda(int)#1}>(int, at::native::gpu_kernel_impl<at::native::"
    "copy_device_to_device(at::TensorIterator&, bool)::{lambda()#1}::operator()() const::{lambda()#8}::"
    "operator()() const::{lambda(c10::Half)#1}>(at::TensorIterator&, at::native::copy_device_to_device("
    "at::TensorIterator&, bool)::{lambda()#1}::operator()() const::{lambda()#8}::operator()() const::"
    "{lambda(c10::Half)#1} const&)::{lambda(int)#1})";
const char* kConv =
    "void cudnn::detail::implicit_convolve_sgemm<__half, __half, 1024, 5, 5, 3, 3, 3, 1, true, false, "
    "true>(int, int, int, __half const*, int, __half*, __half*, kernel_conv_params, int, float, float, "
    "int, __half*, __half*, int, int)";
const char* kSoftmax =
    "void at::native::(anonymous namespace)::cunn_SpatialSoftMaxForward<float, float, float, "
    "at::native::(anonymous namespace)::LogSoftMaxForwardEpilogue>(float*, float*, unsigned int, "
    "unsigned int, unsigned int)";
} // namespace

TEST_CASE("kernel_base_name strips return type, arguments and template arguments") {
    CHECK(kernel_base_name("void at::native::foo<float, 4>(int)") == "at::native::foo");
    CHECK(kernel_base_name(kConv) == "cudnn::detail::implicit_convolve_sgemm");
    CHECK(kernel_base_name(kCopy) == "at::native::legacy::elementwise_kernel");
    CHECK(kernel_base_name(kSoftmax) == "at::native::(anonymous namespace)::cunn_SpatialSoftMaxForward");
    CHECK(kernel_base_name("cudnn::gemm::computeOffsetsKernel(cudnn::gemm::ComputeOffsetsParams)") ==
          "cudnn::gemm::computeOffsetsKernel");
    // Names without an argument list (ncu short names, cuBLAS/cuDNN SASS kernels) stay as they are.
    CHECK(kernel_base_name("volta_fp16_s884gemm_fp16_128x128_ldg8_f2f_nt") ==
          "volta_fp16_s884gemm_fp16_128x128_ldg8_f2f_nt");
    CHECK(kernel_base_name("sigma_gpp_gpu_29") == "sigma_gpp_gpu_29");
    CHECK(kernel_base_name("  padded  ") == "padded");
    CHECK(kernel_base_name("") == "");
}

TEST_CASE("kernel_base_name keeps lambdas, function-local scopes and operator names apart") {
    // A device lambda's call operator: the local scope "foo(int)" is not the argument list.
    CHECK(kernel_base_name("void at::native::foo(int)::{lambda(int)#1}::operator()(int) const") ==
          "at::native::foo::{lambda(int)#1}::operator()");
    CHECK(kernel_base_name("void ns::Outer<int>::run<float>(float*)") == "ns::Outer::run");
    CHECK(kernel_base_name("bool ns::operator< <int>(ns::A const&, ns::A const&)") == "ns::operator<");
    CHECK(kernel_base_name("void ns::Cmp::operator()<float>(float, float) const") == "ns::Cmp::operator()");
    CHECK(kernel_base_name("void ns::X::operator>>=(int)") == "ns::X::operator>>=");
    CHECK(kernel_base_name("void k<(1>2)>(int)") == "k");  // '>' inside parentheses is a comparison
    CHECK(kernel_base_name("void foo(int) [clone .kd]") == "foo");
    CHECK(kernel_base_name("(anonymous namespace)::bar(int)") == "(anonymous namespace)::bar");
    CHECK(kernel_base_name("{lambda(int)#1}") == "{lambda(int)#1}");
    CHECK(kernel_base_name("odd, \"name\"") == "odd, \"name\"");
    CHECK(kernel_base_name("unsigned long long* ns::ptr<int>(int)") == "ns::ptr");
}

TEST_CASE("kernel_base_name survives unbalanced or odd text") {
    CHECK(kernel_base_name("void broken<int(float") == "void broken");  // no argument list: all is name
    CHECK(kernel_base_name("void broken>(int)") == "void broken>(int)");  // no name found: as given
    CHECK(kernel_base_name(")))") == ")))");
    CHECK(kernel_base_name("<<<") == "<<<");
}

TEST_CASE("kernel_display_name keeps template arguments but not the signature") {
    CHECK(kernel_display_name("void at::native::foo<float, 4>(int)") == "at::native::foo<float, 4>");
    CHECK(kernel_display_name("volta_sgemm_128x64_nn") == "volta_sgemm_128x64_nn");
}

TEST_CASE("shorten_kernel_name keeps base name and template head within the width") {
    CHECK(shorten_kernel_name(kConv, 60) == "cudnn::detail::implicit_convolve_sgemm<__half, __half, ...>");
    CHECK(shorten_kernel_name(kConv, 45) == "cudnn::detail::implicit_convolve_sgemm<...>");
    CHECK(shorten_kernel_name(kConv, 40) == "cudnn::detail::implicit_convolve_sgemm");
    CHECK(shorten_kernel_name(kConv, 30) == "...implicit_convolve_sgemm");  // leading scopes dropped
    CHECK(shorten_kernel_name(kConv, 20) == "implicit_...ve_sgemm");  // then the middle
    CHECK(shorten_kernel_name(kSoftmax, 52) == "...(anonymous namespace)::cunn_SpatialSoftMaxForward");
    CHECK(shorten_kernel_name(kSoftmax, 51) == "...cunn_SpatialSoftMaxForward");
    CHECK(shorten_kernel_name("Volta_hmma_implicit_gemm_fprop_fp32_nhwc_128x128x64x1_1x3x3x0x1", 40) ==
          "Volta_hmma_implicit...128x64x1_1x3x3x0x1");
    CHECK(shorten_kernel_name(kConv, 3) == "cud");
    CHECK(shorten_kernel_name(kConv, 0) == "");
    CHECK(shorten_kernel_name("void at::native::foo<float, 4>(int)", 40) == "at::native::foo<float, 4>");
    CHECK(shorten_kernel_name(kCopy, 51) == "at::native::legacy::elementwise_kernel<512, 1, ...>");
    CHECK(shorten_kernel_name(kCopy, 50) == "at::native::legacy::elementwise_kernel<512, ...>");
    // Templates of enclosing scopes are dropped before the head is cut.
    CHECK(shorten_kernel_name("void ns::Outer<int, long>::run<float, double>(float*)", 30) ==
          "ns::Outer::run<float, double>");
    // Every width gives a string within it, the same each time.
    for (size_t w = 0; w < 120; ++w) {
        for (const char* n : {kConv, kCopy, kSoftmax, "x", "void f(int)"}) {
            std::string s = shorten_kernel_name(n, w);
            CHECK(s.size() <= w);
            CHECK(s == shorten_kernel_name(n, w));
        }
    }
}

TEST_CASE("kernel_name_hint finds the function named in the template arguments") {
    CHECK(kernel_name_hint(kCopy) == "copy_device_to_device");
    CHECK(kernel_name_hint("void at::native::modern::vectorized_elementwise_kernel<4, at::native::"
                           "fill_kernel_cuda(at::TensorIterator&, c10::Scalar)::{lambda()#1}::operator()() "
                           "const::{lambda()#11}::operator()() const::{lambda()#1}, at::detail::Array<char*, 1> "
                           ">(int, at::native::fill_kernel_cuda(at::TensorIterator&, c10::Scalar)::{lambda()#1})") ==
          "fill_kernel_cuda");
    CHECK(kernel_name_hint(kConv).empty());  // only types and numbers
    CHECK(kernel_name_hint("volta_sgemm_128x64_nn").empty());
    CHECK(kernel_name_hint("void f(int)").empty());  // the argument list is not searched
    // PyTorch's gpu_kernel_impl(_nocast) wrappers: the functor they wrap, without namespaces (real
    // names from the Qwen trace, where three such kernels otherwise all read "gpu_kernel_impl_nocast").
    CHECK(kernel_name_hint("void at::native::elementwise_kernel<128, 4, at::native::gpu_kernel_impl_nocast<at::"
                           "native::BinaryFunctor<c10::BFloat16, c10::BFloat16, c10::BFloat16, at::native::"
                           "binary_internal::MulFunctor<float> > >(at::TensorIteratorBase&, at::native::BinaryFunctor"
                           "<c10::BFloat16, c10::BFloat16, c10::BFloat16, at::native::binary_internal::MulFunctor<"
                           "float> > const&)::{lambda(int)#1}>(int, int)") ==
          "BinaryFunctor<BFloat16, BFloat16, BFloat16, MulFunctor<float>>");
    CHECK(kernel_name_hint("void at::native::elementwise_kernel<128, 4, at::native::gpu_kernel_impl_nocast<at::"
                           "native::CUDAFunctor_add<c10::BFloat16> >(at::TensorIteratorBase&, at::native::"
                           "CUDAFunctor_add<c10::BFloat16> const&)::{lambda(int)#1}>(int, int)") ==
          "CUDAFunctor_add<BFloat16>");
    // Vectorized kernels take the functor as a template argument.
    CHECK(kernel_name_hint("void at::native::vectorized_elementwise_kernel<4, at::native::CUDAFunctor_add<c10::"
                           "BFloat16>, std::array<char*, 3ul> >(int, at::native::CUDAFunctor_add<c10::BFloat16>, "
                           "std::array<char*, 3ul>)") == "CUDAFunctor_add<BFloat16>");
    // A function inside the wrapper still wins.
    CHECK(kernel_name_hint("void at::native::elementwise_kernel<128, 4, at::native::gpu_kernel_impl_nocast<at::"
                           "native::direct_copy_kernel_cuda(at::TensorIteratorBase&)::{lambda()#3}::operator()() "
                           "const::{lambda(c10::BFloat16)#1}>(at::TensorIteratorBase&, int)::{lambda(int)#1}>(int, int)") ==
          "direct_copy_kernel_cuda");
    // A wrapper around one named type: the type (real names from the BERT trace, where three
    // cuBLAS-launched CUTLASS kernels otherwise all read "cutlass::Kernel2<...>").
    CHECK(kernel_name_hint("void cutlass::Kernel2<cutlass_80_tensorop_bf16_s16816gemm_relu_bf16_64x64_64x3_tn_align8>"
                           "(cutlass_80_tensorop_bf16_s16816gemm_relu_bf16_64x64_64x3_tn_align8::Params)") ==
          "cutlass_80_tensorop_bf16_s16816gemm_relu_bf16_64x64_64x3_tn_align8");
    CHECK(kernel_name_hint("void foo<float>(float*)").empty());    // a type every kernel could have...
    CHECK(kernel_name_hint("void foo<128>(float*)").empty());      // ...or a number: no hint
}

TEST_CASE("duplicate_ordinals numbers only the names that are still equal, in order") {
    std::vector<std::string> names = {"a", "b", "a", "c", "b", "a"};
    std::vector<std::string> want = {" #1", " #1", " #2", "", " #2", " #3"};
    CHECK(duplicate_ordinals(names) == want);
    CHECK(duplicate_ordinals({}).empty());
}

TEST_CASE("distinct_display_names: fitted, then hints, then ordinals; the same rule for any width") {
    const std::string k1 = "void cutlass::Kernel2<cutlass_80_tensorop_bf16_s16816gemm_bf16_256x128_64x3_tn_align2>"
                           "(cutlass_80_tensorop_bf16_s16816gemm_bf16_256x128_64x3_tn_align2::Params)";
    const std::string k2 = "void cutlass::Kernel2<cutlass_80_tensorop_bf16_s16816gemm_relu_bf16_64x64_64x3_tn_align8>"
                           "(cutlass_80_tensorop_bf16_s16816gemm_relu_bf16_64x64_64x3_tn_align8::Params)";
    const std::string same = "void at::native::CatArrayBatchedCopy<float, unsigned int, 3, 64, 64>(float*)";
    const std::string same2 = "void at::native::CatArrayBatchedCopy<float, unsigned int, 4, 64, 64>(float*)";
    CharMeasure chars;
    for (double room : {30.0, 38.0, 60.0}) {
        CAPTURE(room);
        auto names = distinct_display_names({k1, k2, same, same2, "volta_sgemm_128x64_nn"}, true, room, chars);
        REQUIRE(names.size() == 5);
        for (const auto& n : names) CHECK(n.size() <= room);
        // The CUTLASS kernels differ only late in their type name: both ends of it are kept.
        CHECK(names[0] != names[1]);
        CHECK(names[0].find("align2]") != std::string::npos);
        CHECK(names[1].find("align8]") != std::string::npos);
        // With room the template arguments tell these apart; without, ordinals in report order.
        CHECK(names[2] != names[3]);
        if (room < 40) {
            CHECK(names[2].substr(names[2].size() - 3) == " #1");
            CHECK(names[3].substr(names[3].size() - 3) == " #2");
        }
        CHECK(names[4] == "volta_sgemm_128x64_nn");  // unique and short: unchanged
    }
    // Names that are not kernel names are clipped, not parsed as C++.
    auto ops = distinct_display_names({"aten::_scaled_dot_product_efficient_attention", "aten::mm"}, false, 20, chars);
    CHECK(ops[0] == "aten::_scaled_dot...");
    CHECK(ops[1] == "aten::mm");
}
