#pragma once
// Kernel names as people and groupings use them: base names (`--group-by base`), display names,
// the hint that tells PyTorch's elementwise kernels apart, and shortening for tables.
#include <string>
#include <string_view>
#include <vector>

namespace rafter {

// "void at::native::foo<float, 4>(int)" -> "at::native::foo" (what --group-by base groups by):
// drops the return type, the argument list, qualifiers after it and all template arguments;
// keeps "(anonymous namespace)", lambdas ("{lambda(int)#1}") and operator names.
std::string kernel_base_name(std::string_view demangled);
// The qualified name with its template arguments but without return type and argument list.
std::string kernel_display_name(std::string_view demangled);
// The first function named inside the template arguments, which is what tells apart PyTorch's
// elementwise kernels: "...vectorized_elementwise_kernel<4, at::native::fill_kernel_cuda(...)
// ::{lambda()#1}, ...>(...)" -> "fill_kernel_cuda". Empty when there is none.
std::string kernel_name_hint(std::string_view demangled);
// Shortens a C++ name to at most `width` characters, keeping the base name and template head:
// "cudnn::detail::implicit_convolve_sgemm<__half, __half, ...>". Deterministic.
std::string shorten_kernel_name(std::string_view demangled, size_t width);
// The last resort for names that still read the same after shortening and hints (instantiations
// that differ only in numbers): " #1", " #2", ... per set of equal names, in the given order (report
// order: the larger group first); "" for a name that is unique. One entry per name.
std::vector<std::string> duplicate_ordinals(const std::vector<std::string>& names);

} // namespace rafter
