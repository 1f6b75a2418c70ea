// Parsing the profiler's shape and dtype texts into an OpCall, and dtype sizes.
// The texts are small JSON lists; a hand-written parser keeps model/ free of a JSON dependency
// and accepts whatever whitespace the source used.
#include <cctype>
#include <charconv>

#include "model/ops/op_costs.h"

namespace rafter {

namespace {

struct Cursor {
    std::string_view s;
    size_t i = 0;
    void ws() {
        while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    }
    bool eat(char c) {
        ws();
        if (i < s.size() && s[i] == c) { ++i; return true; }
        return false;
    }
    bool peek(char c) {
        ws();
        return i < s.size() && s[i] == c;
    }
    bool at_end() {
        ws();
        return i == s.size();
    }
    std::optional<int64_t> integer() {
        ws();
        int64_t v = 0;
        auto [p, ec] = std::from_chars(s.data() + i, s.data() + s.size(), v);
        if (ec != std::errc()) return std::nullopt;
        i = static_cast<size_t>(p - s.data());
        return v;
    }
};

// [int, int, ...] after the opening bracket has been consumed.
bool parse_int_list_rest(Cursor& c, Shape& out) {
    if (c.eat(']')) return true;
    for (;;) {
        auto v = c.integer();
        if (!v) return false;
        out.push_back(*v);
        if (c.eat(']')) return true;
        if (!c.eat(',')) return false;
    }
}

// One argument: a shape [d0, d1, ...] or a TensorList [[...], [...]].
bool parse_arg(Cursor& c, std::vector<Shape>& shapes, bool& is_list) {
    if (!c.eat('[')) return false;
    is_list = false;
    if (c.peek('[')) {
        is_list = true;
        for (;;) {
            if (!c.eat('[')) return false;
            Shape s;
            if (!parse_int_list_rest(c, s)) return false;
            shapes.push_back(std::move(s));
            if (c.eat(']')) return true;
            if (!c.eat(',')) return false;
        }
    }
    Shape s;
    if (!parse_int_list_rest(c, s)) return false;
    shapes.push_back(std::move(s));
    return true;
}

bool parse_json_string(Cursor& c, std::string& out) {
    c.ws();
    if (c.i >= c.s.size() || c.s[c.i] != '"') return false;
    ++c.i;
    while (c.i < c.s.size()) {
        char ch = c.s[c.i++];
        if (ch == '"') return true;
        if (ch != '\\') { out.push_back(ch); continue; }
        if (c.i >= c.s.size()) return false;
        char e = c.s[c.i++];
        switch (e) {
        case '"': case '\\': case '/': out.push_back(e); break;
        case 'n': out.push_back('\n'); break;
        case 't': out.push_back('\t'); break;
        case 'r': out.push_back('\r'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'u': {
            // Only ASCII escapes occur in these texts; others are kept as '?'.
            if (c.i + 4 > c.s.size()) return false;
            unsigned v = 0;
            auto [p, ec] = std::from_chars(c.s.data() + c.i, c.s.data() + c.i + 4, v, 16);
            if (ec != std::errc() || p != c.s.data() + c.i + 4) return false;
            c.i += 4;
            out.push_back(v < 0x80 ? static_cast<char>(v) : '?');
            break;
        }
        default: return false;
        }
    }
    return false;
}

struct DtypeInfo {
    std::string_view name;
    double size;
    bool floating;
};

// Names as Kineto prints them (c10 type names through demangling), plus the short names used by
// collective args ("Float", "BFloat16").
constexpr DtypeInfo kDtypes[] = {
    {"float", 4, true}, {"double", 8, true}, {"c10::Half", 2, true}, {"c10::BFloat16", 2, true},
    {"c10::Float8_e4m3fn", 1, true}, {"c10::Float8_e5m2", 1, true},
    {"c10::Float8_e4m3fnuz", 1, true}, {"c10::Float8_e5m2fnuz", 1, true},
    {"c10::Float8_e8m0fnu", 1, true},
    {"c10::complex<float>", 8, true}, {"c10::complex<double>", 16, true},
    {"c10::complex<c10::Half>", 4, true},
    {"long int", 8, false}, {"long", 8, false}, {"long long", 8, false}, {"int64_t", 8, false},
    {"unsigned long", 8, false}, {"int", 4, false}, {"unsigned int", 4, false},
    {"short int", 2, false}, {"short", 2, false}, {"unsigned short", 2, false},
    {"signed char", 1, false}, {"unsigned char", 1, false}, {"char", 1, false},
    {"bool", 1, false}, {"c10::qint8", 1, false}, {"c10::quint8", 1, false},
    {"c10::qint32", 4, false}, {"c10::quint4x2", 1, false},
    {"Float", 4, true}, {"Double", 8, true}, {"Half", 2, true}, {"BFloat16", 2, true},
    {"Long", 8, false}, {"Int", 4, false}, {"Short", 2, false}, {"Char", 1, false},
    {"Byte", 1, false}, {"Bool", 1, false},
};

const DtypeInfo* find_dtype(std::string_view t) {
    for (const auto& d : kDtypes)
        if (d.name == t) return &d;
    return nullptr;
}

} // namespace

std::optional<std::vector<std::vector<Shape>>> parse_input_dims(std::string_view json,
                                                                std::vector<bool>* is_list) {
    Cursor c{json};
    std::vector<std::vector<Shape>> args;
    std::vector<bool> lists;
    if (!c.eat('[')) return std::nullopt;
    if (!c.eat(']')) {
        for (;;) {
            std::vector<Shape> shapes;
            bool list = false;
            if (!parse_arg(c, shapes, list)) return std::nullopt;
            args.push_back(std::move(shapes));
            lists.push_back(list);
            if (c.eat(']')) break;
            if (!c.eat(',')) return std::nullopt;
        }
    }
    if (!c.at_end()) return std::nullopt;
    if (is_list) *is_list = std::move(lists);
    return args;
}

std::optional<std::vector<std::string>> parse_string_list(std::string_view json) {
    Cursor c{json};
    std::vector<std::string> out;
    if (!c.eat('[')) return std::nullopt;
    if (!c.eat(']')) {
        for (;;) {
            std::string s;
            if (!parse_json_string(c, s)) return std::nullopt;
            out.push_back(std::move(s));
            if (c.eat(']')) break;
            if (!c.eat(',')) return std::nullopt;
        }
    }
    if (!c.at_end()) return std::nullopt;
    return out;
}

std::optional<OpCall> parse_op_call(std::string_view name, std::string_view input_dims,
                                    std::string_view input_types, std::string_view concrete_inputs) {
    OpCall call;
    call.name = std::string(name);
    std::vector<bool> lists;
    auto dims = parse_input_dims(input_dims, &lists);
    if (!dims) return std::nullopt;
    std::vector<std::string> types;
    if (!input_types.empty()) {
        auto t = parse_string_list(input_types);
        if (!t || t->size() != dims->size()) return std::nullopt;
        types = std::move(*t);
    }
    std::vector<std::string> concrete;
    if (!concrete_inputs.empty()) {
        auto ci = parse_string_list(concrete_inputs);
        // A concrete list of another length is ignored rather than trusted position by position.
        if (ci && ci->size() == dims->size()) {
            concrete = std::move(*ci);
            call.has_concrete = true;
        }
    }
    call.inputs.resize(dims->size());
    for (size_t i = 0; i < dims->size(); ++i) {
        OpInput& in = call.inputs[i];
        in.shapes = std::move((*dims)[i]);
        in.list = lists[i];
        if (!types.empty()) in.type = std::move(types[i]);
        if (!concrete.empty()) in.concrete = std::move(concrete[i]);
    }
    return call;
}

std::string format_input_dims(const std::vector<std::vector<Shape>>& dims, const std::vector<bool>& is_list) {
    auto shape_text = [](std::string& out, const Shape& s) {
        out += '[';
        for (size_t i = 0; i < s.size(); ++i) {
            if (i) out += ", ";
            out += std::to_string(s[i]);
        }
        out += ']';
    };
    std::string out = "[";
    for (size_t a = 0; a < dims.size(); ++a) {
        if (a) out += ", ";
        bool list = a < is_list.size() && is_list[a];
        if (list) out += '[';
        for (size_t k = 0; k < dims[a].size(); ++k) {
            if (k) out += ", ";
            shape_text(out, dims[a][k]);
        }
        if (list) out += ']';
    }
    out += ']';
    return out;
}

std::string format_string_list(const std::vector<std::string>& items) {
    std::string out = "[";
    for (size_t i = 0; i < items.size(); ++i) {
        if (i) out += ", ";
        out += '"';
        for (char ch : items[i]) {
            if (ch == '"' || ch == '\\') out += '\\';
            out += ch;
        }
        out += '"';
    }
    out += ']';
    return out;
}

std::optional<double> dtype_size(std::string_view type) {
    const DtypeInfo* d = find_dtype(type);
    if (!d) return std::nullopt;
    return d->size;
}

bool is_floating_dtype(std::string_view type) {
    const DtypeInfo* d = find_dtype(type);
    return d && d->floating;
}

std::optional<std::string> scalar_type_name(int code) {
    switch (code) {
    case 0: return "unsigned char";
    case 1: return "signed char";
    case 2: return "short int";
    case 3: return "int";
    case 4: return "long int";
    case 5: return "c10::Half";
    case 6: return "float";
    case 7: return "double";
    case 9: return "c10::complex<float>";
    case 10: return "c10::complex<double>";
    case 11: return "bool";
    case 15: return "c10::BFloat16";
    case 23: return "c10::Float8_e5m2";
    case 24: return "c10::Float8_e4m3fn";
    case 25: return "c10::Float8_e5m2fnuz";
    case 26: return "c10::Float8_e4m3fnuz";
    default: return std::nullopt;
    }
}

int64_t numel(const Shape& s) {
    int64_t n = 1;
    for (int64_t d : s) n *= d;
    return n;
}

} // namespace rafter
