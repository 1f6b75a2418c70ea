#include "traces/importers/kineto/kineto_json.h"

#include <charconv>
#include <cmath>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace rafter::kineto {

const char* to_string(JType t) {
    switch (t) {
    case JType::none: return "nothing";
    case JType::string: return "a string";
    case JType::number: return "a number";
    case JType::object: return "an object";
    case JType::array: return "an array";
    case JType::boolean: return "a boolean";
    case JType::null: return "null";
    }
    return "?";
}

Category category_from_string(std::string_view s) {
    switch (s.size()) {
    case 4:
        if (s == "ac2g") return Category::ac2g;
        break;
    case 5:
        if (s == "Trace") return Category::trace;
        break;
    case 6:
        if (s == "kernel") return Category::kernel;
        if (s == "cpu_op") return Category::cpu_op;
        if (s == "fwdbwd") return Category::fwdbwd;
        // PyTorch 1.8-1.10 (early Kineto) wrote capitalized category names.
        if (s == "Kernel") return Category::kernel;
        if (s == "Memcpy") return Category::gpu_memcpy;
        if (s == "Memset") return Category::gpu_memset;
        break;
    case 7:
        if (s == "Runtime") return Category::cuda_runtime;
        break;
    case 8:
        if (s == "Operator") return Category::cpu_op;
        break;
    case 9:
        if (s == "cuda_sync") return Category::cuda_sync;
        break;
    case 10:
        if (s == "gpu_memcpy") return Category::gpu_memcpy;
        if (s == "gpu_memset") return Category::gpu_memset;
        break;
    case 11:
        if (s == "cuda_driver") return Category::cuda_driver;
        break;
    case 12:
        if (s == "cuda_runtime") return Category::cuda_runtime;
        break;
    case 15:
        if (s == "user_annotation") return Category::user_annotation;
        if (s == "python_function") return Category::python_function;
        break;
    case 19:
        if (s == "gpu_user_annotation") return Category::gpu_user_annotation;
        break;
    default: break;
    }
    return Category::unknown;
}

namespace {
constexpr const char* kArgKeys[kArgCount] = {
    "External id", "correlation", "device", "stream", "grid", "block", "registers per thread",
    "shared memory", "Input Dims", "Input type", "Input Strides", "Concrete Inputs",
    "Sequence number", "bytes", "Collective name", "In msg nelems", "Out msg nelems",
    "Group size", "dtype", "Process Group Name", "Process Group Ranks",
    "Process Group Description"};

// Maps an args key to its slot; kArgCount for keys the importer does not read. Dispatching on
// the length first keeps this to one or two memcmp per key.
size_t arg_slot(std::string_view k) {
    auto is = [&](Arg a) { return k == kArgKeys[static_cast<size_t>(a)]; };
    auto slot = [](Arg a) { return static_cast<size_t>(a); };
    switch (k.size()) {
    case 4: if (is(Arg::grid)) return slot(Arg::grid); break;
    case 5:
        if (is(Arg::block)) return slot(Arg::block);
        if (is(Arg::bytes)) return slot(Arg::bytes);
        if (is(Arg::dtype)) return slot(Arg::dtype);
        break;
    case 6:
        if (is(Arg::device)) return slot(Arg::device);
        if (is(Arg::stream)) return slot(Arg::stream);
        break;
    case 10:
        if (is(Arg::input_dims)) return slot(Arg::input_dims);
        if (is(Arg::input_type)) return slot(Arg::input_type);
        if (is(Arg::group_size)) return slot(Arg::group_size);
        break;
    case 11:
        if (is(Arg::external_id)) return slot(Arg::external_id);
        if (is(Arg::correlation)) return slot(Arg::correlation);
        break;
    case 13:
        if (is(Arg::shared_memory)) return slot(Arg::shared_memory);
        if (is(Arg::input_strides)) return slot(Arg::input_strides);
        if (is(Arg::in_msg_nelems)) return slot(Arg::in_msg_nelems);
        break;
    case 14: if (is(Arg::out_msg_nelems)) return slot(Arg::out_msg_nelems); break;
    case 15:
        if (is(Arg::concrete_inputs)) return slot(Arg::concrete_inputs);
        if (is(Arg::sequence_number)) return slot(Arg::sequence_number);
        if (is(Arg::collective_name)) return slot(Arg::collective_name);
        break;
    case 18: if (is(Arg::pg_name)) return slot(Arg::pg_name); break;
    case 19: if (is(Arg::pg_ranks)) return slot(Arg::pg_ranks); break;
    case 20: if (is(Arg::registers_per_thread)) return slot(Arg::registers_per_thread); break;
    case 25: if (is(Arg::pg_desc)) return slot(Arg::pg_desc); break;
    default: break;
    }
    return kArgCount;
}

// Characters that may appear in a JSON number literal.
struct NumberChars {
    bool table[256] = {};
    constexpr NumberChars() {
        for (char c : std::string_view("0123456789+-.eE")) table[static_cast<unsigned char>(c)] = true;
    }
};
constexpr NumberChars kNumberChars;

// First '"', '\\' or NUL at or after p. The window's NUL sentinel and padding make the
// 16-byte loads safe.
inline const char* find_string_special(const char* p) {
#if defined(__SSE2__)
    const __m128i q = _mm_set1_epi8('"');
    const __m128i b = _mm_set1_epi8('\\');
    const __m128i z = _mm_setzero_si128();
    for (;;) {
        __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, q), _mm_cmpeq_epi8(v, b)),
                                   _mm_cmpeq_epi8(v, z));
        int m = _mm_movemask_epi8(hit);
        if (m) return p + __builtin_ctz(static_cast<unsigned>(m));
        p += 16;
    }
#else
    while (*p != '"' && *p != '\\' && *p != '\0') ++p;
    return p;
#endif
}
} // namespace

const char* arg_key(Arg a) { return kArgKeys[static_cast<size_t>(a)]; }


void Lexer::at_nul() {
    if (p_ >= end_) throw NeedMore{};
    throw SyntaxError{p_, "unexpected NUL byte"};
}

std::string_view Lexer::string_body(bool* escaped) {
    const char* start = ++p_;  // past the opening quote
    bool esc = false;
    for (;;) {
        const char* q = find_string_special(p_);
        if (*q == '"') {
            p_ = q + 1;
            if (escaped) *escaped = esc;
            return {start, static_cast<size_t>(q - start)};
        }
        if (*q == '\\') {
            esc = true;
            if (q[1] == '\0') { p_ = q + 1; at_nul(); }
            p_ = q + 2;
            continue;
        }
        p_ = q;
        at_nul();
    }
}

// Scans and validates a number literal in one pass (JSON grammar: -?(0|[1-9]d*)(.d+)?([eE][+-]?d+)?).
std::string_view Lexer::number() {
    const char* start = p_;
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    // A literal cut by the window end must be re-read whole after the refill.
    auto need_digit = [&]() {
        if (*p_ == '\0' && p_ >= end_) throw NeedMore{};
        if (!digit(*p_)) throw SyntaxError{start, "malformed number"};
    };
    if (*p_ == '-') ++p_;
    need_digit();
    if (*p_ == '0') ++p_;
    else while (digit(*p_)) ++p_;
    if (*p_ == '.') {
        ++p_;
        need_digit();
        while (digit(*p_)) ++p_;
    }
    if (*p_ == 'e' || *p_ == 'E') {
        ++p_;
        if (*p_ == '+' || *p_ == '-') ++p_;
        need_digit();
        while (digit(*p_)) ++p_;
    }
    if (*p_ == '\0' && p_ >= end_) throw NeedMore{};  // the literal may continue in the next chunk
    if (kNumberChars.table[static_cast<unsigned char>(*p_)]) throw SyntaxError{start, "malformed number"};
    return std::string_view(start, static_cast<size_t>(p_ - start));
}

void Lexer::literal(const char* word, size_t n) {
    for (size_t i = 0; i < n; ++i) {
        if (p_[i] == '\0' && p_ + i >= end_) throw NeedMore{};
        if (p_[i] != word[i]) throw SyntaxError{p_, "invalid literal (expected true, false or null)"};
    }
    p_ += n;
}

void Lexer::skip_value(int depth) {
    if (depth > kMaxDepth) throw SyntaxError{p_, "nesting too deep"};
    char c = peek();
    switch (c) {
    case '"': string_body(nullptr); return;
    case '{': {
        ++p_;
        ws();
        if (*p_ == '}') { ++p_; return; }
        for (;;) {
            if (peek() != '"') throw SyntaxError{p_, "expected a string key in object"};
            string_body(nullptr);
            ws();
            expect(':', "expected ':' after object key");
            ws();
            skip_value(depth + 1);
            ws();
            char d = peek();
            ++p_;
            if (d == ',') { ws(); continue; }
            if (d == '}') return;
            --p_;
            throw SyntaxError{p_, "expected ',' or '}' in object"};
        }
    }
    case '[': {
        ++p_;
        ws();
        if (*p_ == ']') { ++p_; return; }
        for (;;) {
            skip_value(depth + 1);
            ws();
            char d = peek();
            ++p_;
            if (d == ',') { ws(); continue; }
            if (d == ']') return;
            --p_;
            throw SyntaxError{p_, "expected ',' or ']' in array"};
        }
    }
    case 't': literal("true", 4); return;
    case 'f': literal("false", 5); return;
    case 'n': literal("null", 4); return;
    default:
        if (c == '-' || (c >= '0' && c <= '9')) { number(); return; }
        throw SyntaxError{p_, "unexpected character where a JSON value was expected"};
    }
}

JValue Lexer::value() {
    JValue v;
    const char* start = p_;
    char c = peek();
    switch (c) {
    case '"': v.type = JType::string; v.text = string_body(&v.escaped); return v;
    case '{': v.type = JType::object; break;
    case '[': v.type = JType::array; break;
    case 't': case 'f': v.type = JType::boolean; break;
    case 'n': v.type = JType::null; break;
    default:
        if (c == '-' || (c >= '0' && c <= '9')) { v.type = JType::number; v.text = number(); return v; }
        throw SyntaxError{p_, "unexpected character where a JSON value was expected"};
    }
    skip_value();
    v.text = std::string_view(start, static_cast<size_t>(p_ - start));
    return v;
}

namespace {
void parse_args(Lexer& lx, RawEvent& ev) {
    lx.expect('{', "expected '{'");
    lx.ws();
    if (lx.peek() == '}') { lx.set_pos(lx.pos() + 1); return; }
    for (;;) {
        if (lx.peek() != '"') throw SyntaxError{lx.pos(), "expected a string key in \"args\""};
        std::string_view key = lx.string_body(nullptr);
        lx.ws();
        lx.expect(':', "expected ':' after key in \"args\"");
        lx.ws();
        size_t slot = arg_slot(key);
        if (slot < kArgCount) ev.args[slot] = lx.value();
        else lx.skip_value(1);
        lx.ws();
        char d = lx.peek();
        if (d == ',') { lx.set_pos(lx.pos() + 1); lx.ws(); continue; }
        if (d == '}') { lx.set_pos(lx.pos() + 1); return; }
        throw SyntaxError{lx.pos(), "expected ',' or '}' in \"args\""};
    }
}
} // namespace

void parse_event(Lexer& lx, RawEvent& ev, bool want_python) {
    ev = RawEvent{};
    if (lx.peek() != '{') throw SyntaxError{lx.pos(), "expected an event object in \"traceEvents\""};
    lx.set_pos(lx.pos() + 1);
    lx.ws();
    if (lx.peek() == '}') { lx.set_pos(lx.pos() + 1); return; }
    for (;;) {
        if (lx.peek() != '"') throw SyntaxError{lx.pos(), "expected a string key in event object"};
        bool key_escaped = false;
        std::string_view key = lx.string_body(&key_escaped);
        lx.ws();
        lx.expect(':', "expected ':' after key in event object");
        lx.ws();
        JValue* slot = nullptr;
        bool is_args = false;
        if (!key_escaped) {
            switch (key.size()) {
            case 2:
                if (key == "ph") slot = &ev.ph;
                else if (key == "ts") slot = &ev.ts;
                else if (key == "id") slot = &ev.id;
                break;
            case 3:
                if (key == "cat") slot = &ev.cat;
                else if (key == "dur") slot = &ev.dur;
                else if (key == "pid") slot = &ev.pid;
                else if (key == "tid") slot = &ev.tid;
                break;
            case 4:
                if (key == "name") slot = &ev.name;
                else if (key == "args") is_args = true;
                break;
            default: break;
            }
        }
        if (is_args) {
            // Args are read only when the category (if already seen) needs them.
            bool skip = ev.category == Category::ac2g || ev.category == Category::fwdbwd ||
                        ev.category == Category::trace || ev.category == Category::unknown ||
                        (ev.category == Category::python_function && !want_python);
            if (!skip && lx.peek() == '{') {
                parse_args(lx, ev);
            } else {
                if (!skip && lx.peek() != 'n') ev.args_not_object = true;  // null means no args
                lx.skip_value(1);
                ev.args_skipped = true;
            }
        } else if (slot) {
            *slot = lx.value();
            if (slot == &ev.cat && ev.cat.type == JType::string && !ev.cat.escaped)
                ev.category = category_from_string(ev.cat.text);
            else if (slot == &ev.cat)
                ev.category = Category::unknown;
        } else {
            lx.skip_value(1);
        }
        lx.ws();
        char d = lx.peek();
        if (d == ',') { lx.set_pos(lx.pos() + 1); lx.ws(); continue; }
        if (d == '}') { lx.set_pos(lx.pos() + 1); return; }
        throw SyntaxError{lx.pos(), "expected ',' or '}' in event object"};
    }
}

namespace {
bool hex4(const char* p, unsigned& out) {
    out = 0;
    for (int i = 0; i < 4; ++i) {
        char c = p[i];
        out <<= 4;
        if (c >= '0' && c <= '9') out |= static_cast<unsigned>(c - '0');
        else if (c >= 'a' && c <= 'f') out |= static_cast<unsigned>(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') out |= static_cast<unsigned>(c - 'A' + 10);
        else return false;
    }
    return true;
}

void put_utf8(unsigned cp, std::string& out) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}
} // namespace

bool unescape(std::string_view raw, std::string& out) {
    out.clear();
    out.reserve(raw.size());
    for (size_t i = 0; i < raw.size(); ++i) {
        char c = raw[i];
        if (c != '\\') { out += c; continue; }
        if (++i >= raw.size()) return false;
        switch (raw[i]) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
            unsigned cp;
            if (raw.size() - i < 5 || !hex4(raw.data() + i + 1, cp)) return false;
            i += 4;
            if (cp >= 0xD800 && cp < 0xDC00) {  // high surrogate: a low one must follow
                unsigned lo;
                if (raw.size() - i < 7 || raw[i + 1] != '\\' || raw[i + 2] != 'u' ||
                    !hex4(raw.data() + i + 3, lo) || lo < 0xDC00 || lo >= 0xE000)
                    return false;
                i += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp < 0xE000) {
                return false;
            }
            put_utf8(cp, out);
            break;
        }
        default: return false;
        }
    }
    return true;
}

namespace {
// Splits a JSON number literal. Returns false when it does not follow the JSON grammar.
struct NumberParts {
    bool negative = false;
    std::string_view int_digits, frac_digits;
    bool has_exponent = false;
};

bool split_number(std::string_view s, NumberParts& n) {
    size_t i = 0;
    if (i < s.size() && s[i] == '-') { n.negative = true; ++i; }
    size_t a = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    n.int_digits = s.substr(a, i - a);
    if (n.int_digits.empty()) return false;
    if (n.int_digits.size() > 1 && n.int_digits[0] == '0') return false;
    if (i < s.size() && s[i] == '.') {
        size_t b = ++i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
        n.frac_digits = s.substr(b, i - b);
        if (n.frac_digits.empty()) return false;
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        n.has_exponent = true;
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
        size_t c = i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
        if (i == c) return false;
    }
    return i == s.size();
}

bool digits_to_u64(std::string_view d, uint64_t& out) {
    uint64_t v = 0;
    for (char c : d) {
        uint64_t digit = static_cast<uint64_t>(c - '0');
        if (v > (UINT64_MAX - digit) / 10) return false;
        v = v * 10 + digit;
    }
    out = v;
    return true;
}

bool all_zero(std::string_view d) {
    for (char c : d)
        if (c != '0') return false;
    return true;
}
} // namespace

bool to_double(std::string_view text, double& out) {
    NumberParts n;
    if (!split_number(text, n)) return false;
    auto r = std::from_chars(text.data(), text.data() + text.size(), out);
    if (r.ec == std::errc::result_out_of_range) {
        out = n.negative ? -HUGE_VAL : HUGE_VAL;  // JSON allows it; callers range-check
        return true;
    }
    return r.ec == std::errc() && r.ptr == text.data() + text.size();
}

bool to_uint64(std::string_view text, uint64_t& out) {
    NumberParts n;
    if (!split_number(text, n)) return false;
    if (n.negative) {  // only a negative zero is a valid unsigned value
        if (n.int_digits == "0" && all_zero(n.frac_digits) && !n.has_exponent) { out = 0; return true; }
        return false;
    }
    if (n.has_exponent) {
        double d;
        if (!to_double(text, d) || d < 0 || d >= 18446744073709551616.0 || d != std::floor(d)) return false;
        out = static_cast<uint64_t>(d);
        return true;
    }
    if (!all_zero(n.frac_digits)) return false;
    return digits_to_u64(n.int_digits, out);
}

bool to_int64(std::string_view text, int64_t& out) {
    NumberParts n;
    if (!split_number(text, n)) return false;
    if (n.has_exponent) {
        double d;
        if (!to_double(text, d) || d < -9.2e18 || d > 9.2e18 || d != std::floor(d)) return false;
        out = static_cast<int64_t>(d);
        return true;
    }
    if (!all_zero(n.frac_digits)) return false;
    uint64_t mag;
    if (!digits_to_u64(n.int_digits, mag)) return false;
    if (n.negative) {
        if (mag > static_cast<uint64_t>(INT64_MAX) + 1) return false;
        out = static_cast<int64_t>(0 - mag);
    } else {
        if (mag > static_cast<uint64_t>(INT64_MAX)) return false;
        out = static_cast<int64_t>(mag);
    }
    return true;
}

bool us_to_ns(std::string_view text, int64_t& out) {
    NumberParts n;
    if (!split_number(text, n)) return false;
    constexpr int64_t kMaxUs = INT64_MAX / 1000 - 1;
    if (n.has_exponent) {
        double d;
        if (!to_double(text, d) || !(std::fabs(d) < static_cast<double>(kMaxUs))) return false;
        out = std::llround(d * 1000.0);
        return true;
    }
    uint64_t whole;
    if (!digits_to_u64(n.int_digits, whole) || whole > static_cast<uint64_t>(kMaxUs)) return false;
    // Nanoseconds are the first three decimals; the fourth rounds (half away from zero).
    uint64_t frac = 0;
    for (size_t i = 0; i < 3; ++i)
        frac = frac * 10 + (i < n.frac_digits.size() ? static_cast<uint64_t>(n.frac_digits[i] - '0') : 0);
    if (n.frac_digits.size() > 3 && n.frac_digits[3] >= '5') ++frac;
    auto mag = static_cast<int64_t>(whole * 1000 + frac);
    out = n.negative ? -mag : mag;
    return true;
}

} // namespace rafter::kineto
