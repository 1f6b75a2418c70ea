// Kernel-name helpers: base names for grouping and short names for tables.
// Demangled CUDA kernel names are C++ function signatures with deep template arguments,
// lambdas ("{lambda(int)#1}"), "(anonymous namespace)" scopes and operator names, e.g.
//   void at::native::legacy::elementwise_kernel<512, 1, ...>(int, ...)
// They are split into top-level atoms (words, "::", bracket groups, spaces) so that nothing
// inside a bracket group is mistaken for the structure of the outer name.
#include <cctype>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/kernel_names.h"

#include <algorithm>
#include "analysis/roofline.h"
#include "core/text.h"

namespace rafter {
namespace {

struct Atom {
    enum Kind { word, scope, space, group, other } kind;
    size_t b, e;       // [b, e) in the source text
    char open = 0;     // for groups: '<', '(', '{' or '['
};

bool is_ident_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '$' || c == '.' || c == '~';
}

bool is_operator_symbol(char c) {
    return std::string_view("+-*/%^&|!=<>,").find(c) != std::string_view::npos;
}

// After the identifier "operator" at i: the length of its symbol ("()", "[]", "<<=", " new[]",
// " bool"), so that "operator<" or "operator()" is not read as a bracket.
size_t operator_symbol_length(std::string_view s, size_t i) {
    if (s.substr(i, 2) == "()" || s.substr(i, 2) == "[]") return 2;
    size_t j = i;
    while (j < s.size() && is_operator_symbol(s[j])) ++j;
    if (j > i) return j - i;
    if (j < s.size() && s[j] == ' ') {  // operator new / delete / conversion operator
        size_t k = j + 1;
        while (k < s.size() && is_ident_char(s[k])) ++k;
        if (k > j + 1) {
            if (s.substr(k, 2) == "[]") k += 2;
            return k - i;
        }
    }
    return 0;
}

bool ends_with_operator_word(std::string_view s, size_t b, size_t e) {
    return e - b >= 8 && s.substr(e - 8, 8) == "operator" && (e - 8 == b || !is_ident_char(s[e - 9]));
}

char closer_for(char open) {
    switch (open) {
    case '<': return '>';
    case '(': return ')';
    case '{': return '}';
    default: return ']';
    }
}

// The end (exclusive) of the bracket group opening at s[i]. Brackets of all four kinds nest;
// a '>' inside parentheses is a comparison, not a closer. Unbalanced text ends at s.size().
size_t match_group(std::string_view s, size_t i) {
    std::vector<char> stack{s[i]};
    size_t j = i + 1;
    while (j < s.size() && !stack.empty()) {
        char c = s[j];
        if (is_ident_char(c)) {
            size_t b = j;
            while (j < s.size() && is_ident_char(s[j])) ++j;
            if (ends_with_operator_word(s, b, j)) j += operator_symbol_length(s, j);
            continue;
        }
        if (c == '<' || c == '(' || c == '{' || c == '[') {
            stack.push_back(c);
        } else if (c == '>' || c == ')' || c == '}' || c == ']') {
            if (c == closer_for(stack.back())) {
                stack.pop_back();
            } else if (c != '>') {
                // A closer for an outer group: close the groups opened inside it.
                while (!stack.empty() && closer_for(stack.back()) != c) stack.pop_back();
                if (!stack.empty()) stack.pop_back();
            }
            // '>' while inside '(' or '[' (a comparison or "->") is plain text.
        }
        ++j;
    }
    return j;
}

std::vector<Atom> atoms_of(std::string_view s) {
    std::vector<Atom> out;
    size_t i = 0;
    while (i < s.size()) {
        char c = s[i];
        if (c == ' ' || c == '\t') {
            size_t j = i;
            while (j < s.size() && (s[j] == ' ' || s[j] == '\t')) ++j;
            // "operator< <int>": the demangler's space before template arguments of an operator
            // template is not a separator.
            bool after_operator = !out.empty() && out.back().kind == Atom::word &&
                                  is_operator_symbol(s[out.back().e - 1]) && j < s.size() && s[j] == '<';
            if (!after_operator) out.push_back({Atom::space, i, j});
            i = j;
        } else if (c == ':' && i + 1 < s.size() && s[i + 1] == ':') {
            out.push_back({Atom::scope, i, i + 2});
            i += 2;
        } else if (c == '<' || c == '(' || c == '{' || c == '[') {
            size_t j = match_group(s, i);
            out.push_back({Atom::group, i, j, c});
            i = j;
        } else if (is_ident_char(c)) {
            size_t j = i;
            while (j < s.size() && is_ident_char(s[j])) ++j;
            if (ends_with_operator_word(s, i, j)) j += operator_symbol_length(s, j);
            out.push_back({Atom::word, i, j});
            i = j;
        } else {
            out.push_back({Atom::other, i, i + 1});
            ++i;
        }
    }
    return out;
}

bool is_anonymous_namespace(std::string_view s, const Atom& a) {
    return a.kind == Atom::group && a.open == '(' && starts_with(s.substr(a.b), "(anonymous");
}

// The atoms [first, last) that make up the qualified function name.
struct NameRange {
    size_t first = 0, last = 0;
};

NameRange find_name(std::string_view s, const std::vector<Atom>& atoms) {
    // The argument list is the last top-level '(' group that is not followed by "::" (a group
    // followed by "::" is a function-local scope such as "foo(int)::{lambda()#1}").
    size_t params = atoms.size();
    for (size_t i = 0; i < atoms.size(); ++i) {
        const Atom& a = atoms[i];
        if (a.kind != Atom::group || a.open != '(' || is_anonymous_namespace(s, a)) continue;
        if (i == 0) continue;  // a leading group is not an argument list
        bool scoped = i + 1 < atoms.size() && atoms[i + 1].kind == Atom::scope;
        if (!scoped) params = i;
    }
    // Without an argument list it is not a function signature (a SASS kernel name, a Triton
    // kernel, a user label): all of it is the name.
    if (params == atoms.size()) return {0, atoms.size()};
    size_t last = params;
    size_t first = last;
    while (first > 0 && atoms[first - 1].kind != Atom::space && atoms[first - 1].kind != Atom::other)
        --first;
    return {first, last};
}

std::string join_atoms(std::string_view s, const std::vector<Atom>& atoms, size_t first, size_t last,
                       bool strip_args) {
    std::string out;
    for (size_t i = first; i < last; ++i) {
        const Atom& a = atoms[i];
        if (strip_args && a.kind == Atom::group && a.open == '<') continue;
        if (strip_args && a.kind == Atom::group && a.open == '(' && !is_anonymous_namespace(s, a))
            continue;
        out.append(s.substr(a.b, a.e - a.b));
    }
    return out;
}

// Top-level comma-separated arguments inside a template group "<a, b<c, d>, e>".
std::vector<std::string_view> template_args(std::string_view group) {
    std::vector<std::string_view> out;
    std::string_view inner = group.substr(1);
    if (!inner.empty() && inner.back() == '>') inner.remove_suffix(1);
    std::vector<Atom> atoms = atoms_of(inner);
    size_t start = 0;
    for (const Atom& a : atoms) {
        if (a.kind == Atom::other && inner[a.b] == ',') {
            out.push_back(trim(inner.substr(start, a.b - start)));
            start = a.e;
        }
    }
    std::string_view tail = trim(inner.substr(start));
    if (!tail.empty() || !out.empty()) out.push_back(tail);
    return out;
}

// A C++ type without its namespaces and with ">>" spacing closed up:
// "at::native::BinaryFunctor<c10::BFloat16, at::native::binary_internal::MulFunctor<float> >" ->
// "BinaryFunctor<BFloat16, MulFunctor<float>>".
std::string unqualified_type(std::string_view s) {
    std::string out;
    const std::string_view anon = "(anonymous namespace)::";
    size_t word_start = std::string::npos;  // start in `out` of the identifier being copied
    for (size_t i = 0; i < s.size(); ++i) {
        if (s.compare(i, anon.size(), anon) == 0) {
            i += anon.size() - 1;
            continue;
        }
        char c = s[i];
        bool ident = std::isalnum(static_cast<unsigned char>(c)) || c == '_';
        if (c == ':' && i + 1 < s.size() && s[i + 1] == ':') {
            if (word_start != std::string::npos) out.erase(word_start);  // drop "ns::"
            word_start = std::string::npos;
            ++i;
            continue;
        }
        if (c == ' ' && i + 1 < s.size() && s[i + 1] == '>') continue;
        if (ident && word_start == std::string::npos) word_start = out.size();
        if (!ident) word_start = std::string::npos;
        out += c;
    }
    return out;
}

// PyTorch's elementwise launch wrappers: the functor they wrap tells the kernels apart.
bool is_launch_wrapper(std::string_view word) {
    return word == "gpu_kernel_impl" || word == "gpu_kernel_impl_nocast";
}

// The first template argument of `group` ("<...>") that names a functor ("...Functor..."),
// unqualified: PyTorch's vectorized kernels take the functor itself ("vectorized_elementwise_kernel
// <4, at::native::CUDAFunctor_add<c10::BFloat16>, std::array<char*, 3ul> >"). Empty when none.
std::string functor_argument(std::string_view group) {
    for (std::string_view arg : template_args(group))
        if (std::string t = unqualified_type(arg); t.find("Functor") != std::string::npos) return t;
    return {};
}

// Depth-first, template arguments before the function they parameterize (so that
// gpu_kernel_impl<copy_device_to_device(...)> gives copy_device_to_device).
std::string function_in(std::string_view s) {
    std::vector<Atom> atoms = atoms_of(s);
    for (size_t i = 0; i < atoms.size(); ++i) {
        const Atom& a = atoms[i];
        if (a.kind == Atom::group && a.open == '<') {
            std::string inner = function_in(s.substr(a.b + 1, a.e - a.b - 1));
            if (!inner.empty()) return inner;
            continue;
        }
        if (a.kind != Atom::word || ends_with_operator_word(s, a.b, a.e)) continue;
        if (s.substr(a.b, a.e - a.b).find("operator") != std::string_view::npos) continue;
        size_t j = i + 1;
        if (j < atoms.size() && atoms[j].kind == Atom::group && atoms[j].open == '<') {
            std::string inner = function_in(s.substr(atoms[j].b + 1, atoms[j].e - atoms[j].b - 1));
            if (!inner.empty()) return inner;
            if (is_launch_wrapper(s.substr(a.b, a.e - a.b))) {
                auto args = template_args(s.substr(atoms[j].b, atoms[j].e - atoms[j].b));
                if (!args.empty()) return unqualified_type(args.front());
            }
            ++j;
        }
        if (j < atoms.size() && atoms[j].kind == Atom::group && atoms[j].open == '(' &&
            !is_anonymous_namespace(s, atoms[j]))
            return std::string(s.substr(a.b, a.e - a.b));
    }
    return {};
}

} // namespace

std::string kernel_name_hint(std::string_view demangled) {
    std::string_view s = trim(demangled);
    std::vector<Atom> atoms = atoms_of(s);
    NameRange r = find_name(s, atoms);
    for (size_t i = r.first; i < r.last; ++i)
        if (atoms[i].kind == Atom::group && atoms[i].open == '<')
            if (std::string f = function_in(s.substr(atoms[i].b + 1, atoms[i].e - atoms[i].b - 1)); !f.empty())
                return f;
    for (size_t i = r.first; i < r.last; ++i)
        if (atoms[i].kind == Atom::group && atoms[i].open == '<')
            if (std::string f = functor_argument(s.substr(atoms[i].b, atoms[i].e - atoms[i].b)); !f.empty())
                return f;
    // A wrapper around one named type (cutlass::Kernel2<cutlass_80_tensorop_bf16_s16816gemm_..._align8>):
    // the type's name is what tells the instantiations apart.
    for (size_t i = r.first; i < r.last; ++i) {
        if (atoms[i].kind != Atom::group || atoms[i].open != '<') continue;
        auto args = template_args(s.substr(atoms[i].b, atoms[i].e - atoms[i].b));
        if (args.size() != 1) continue;
        std::string t = unqualified_type(args.front());
        static constexpr std::string_view kScalars[] = {"float", "double", "int", "bool", "char", "long", "short",
                                                         "unsigned", "half", "__half", "__nv_bfloat16", "Half",
                                                         "BFloat16", "int8_t", "uint8_t", "int64_t", "int32_t"};
        if (std::find(std::begin(kScalars), std::end(kScalars), t) != std::end(kScalars)) continue;
        bool identifier = !t.empty() && !std::isdigit(static_cast<unsigned char>(t[0])) &&
                          std::all_of(t.begin(), t.end(), [](char c) {
                              return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
                          });
        if (identifier) return t;
    }
    return {};
}

std::string kernel_display_name(std::string_view demangled) {
    std::string_view s = trim(demangled);
    std::vector<Atom> atoms = atoms_of(s);
    NameRange r = find_name(s, atoms);
    if (r.first == r.last) return std::string(s);
    return join_atoms(s, atoms, r.first, r.last, false);
}

std::string kernel_base_name(std::string_view demangled) {
    std::string_view s = trim(demangled);
    std::vector<Atom> atoms = atoms_of(s);
    NameRange r = find_name(s, atoms);
    if (r.first == r.last) return std::string(s);
    std::string base = join_atoms(s, atoms, r.first, r.last, true);
    return base.empty() ? join_atoms(s, atoms, r.first, r.last, false) : base;
}

std::string shorten_kernel_name(std::string_view demangled, size_t width) {
    std::string_view s = trim(demangled);
    std::vector<Atom> atoms = atoms_of(s);
    NameRange r = find_name(s, atoms);
    if (r.first == r.last) r = {0, atoms.size()};
    std::string display = join_atoms(s, atoms, r.first, r.last, false);
    if (display.size() <= width) return display;

    // The template group of the last name component keeps its first arguments ("template head");
    // templates of the enclosing scopes are dropped.
    size_t last_scope = r.first;
    for (size_t i = r.first; i < r.last; ++i)
        if (atoms[i].kind == Atom::scope) last_scope = i + 1;
    size_t tgroup = r.last;
    for (size_t i = last_scope; i < r.last; ++i)
        if (atoms[i].kind == Atom::group && atoms[i].open == '<') { tgroup = i; break; }
    if (tgroup != r.last) {
        std::string head = join_atoms(s, atoms, r.first, tgroup, true) + "<";
        std::string tail = join_atoms(s, atoms, tgroup + 1, r.last, true);
        std::vector<std::string_view> args =
            template_args(s.substr(atoms[tgroup].b, atoms[tgroup].e - atoms[tgroup].b));
        for (size_t k = args.size(); k >= 1; --k) {
            std::string cand = head;
            for (size_t i = 0; i < k; ++i) {
                if (i) cand += ", ";
                cand.append(args[i]);
            }
            cand += k < args.size() ? ", ...>" : ">";
            cand += tail;
            if (cand.size() <= width) return cand;
        }
        std::string cand = head + "...>" + tail;
        if (cand.size() <= width) return cand;
    }
    std::string base = join_atoms(s, atoms, r.first, r.last, true);
    if (base.empty()) base = display;
    if (base.size() <= width) return base;
    if (width <= 3) return base.substr(0, width);
    // Drop leading scopes: the innermost names tell kernels apart better than namespaces.
    for (size_t i = r.first; i < r.last; ++i) {
        if (atoms[i].kind != Atom::scope) continue;
        std::string rest = join_atoms(s, atoms, i + 2 <= r.last ? i + 1 : r.last, r.last, true);
        if (!rest.empty() && rest.size() + 3 <= width) return "..." + rest;
    }
    // The last component alone is too long (SASS kernel names): keep its start and its end.
    size_t last_scope_end = 0;
    for (size_t i = r.first; i < r.last; ++i)
        if (atoms[i].kind == Atom::scope) last_scope_end = i + 1;
    std::string comp = last_scope_end ? join_atoms(s, atoms, last_scope_end, r.last, true) : base;
    if (comp.empty()) comp = base;
    size_t keep = width - 3, head = (keep + 1) / 2;
    return comp.substr(0, head) + "..." + comp.substr(comp.size() - (keep - head));
}

std::vector<std::string> duplicate_ordinals(const std::vector<std::string>& names) {
    std::map<std::string_view, size_t> count, seen;
    for (const auto& n : names) ++count[n];
    std::vector<std::string> out(names.size());
    for (size_t i = 0; i < names.size(); ++i)
        if (count[names[i]] > 1) out[i] = " #" + std::to_string(++seen[names[i]]);
    return out;
}

} // namespace rafter
