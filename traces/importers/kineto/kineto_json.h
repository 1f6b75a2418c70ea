#pragma once
// Tokenizing half of the Kineto importer: a small validating JSON lexer that works on a window
// of the input terminated by a NUL sentinel, and a parser that turns one element of the
// "traceEvents" array into a RawEvent of views into that window. Nothing here knows what the
// fields mean; kineto_events.cpp interprets them.
//
// Tokens that run into the end of the window throw NeedMore; the caller refills the window
// (keeping the unfinished event) and parses the event again. Refills happen once per window,
// so the retry costs nothing measurable, and no event ever needs the whole file in memory.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace rafter::kineto {

struct NeedMore {};  // a token reached the end of the buffered window

// A syntax error at a position in the window; the driver turns it into rafter::Error.
struct SyntaxError {
    const char* at;
    const char* what;
};

enum class JType : uint8_t { none, string, number, object, array, boolean, null };
const char* to_string(JType t);

// One JSON value as text: strings without their quotes (escapes kept, see `escaped`), numbers
// as their literal, arrays and objects as their whole raw text including brackets.
struct JValue {
    JType type = JType::none;
    bool escaped = false;
    std::string_view text;
    bool present() const { return type != JType::none; }
};

// The categories the importer knows. Parsed once per event so that uninteresting events
// (python_function unless asked for, flows) are skipped without looking at their args.
enum class Category : uint8_t {
    none, unknown, kernel, gpu_memcpy, gpu_memset, cuda_runtime, cuda_driver, cpu_op,
    user_annotation, gpu_user_annotation, ac2g, cuda_sync, python_function, fwdbwd, trace
};
Category category_from_string(std::string_view s);

// The args the importer reads. Anything else in "args" is validated and skipped.
enum class Arg : uint8_t {
    external_id, correlation, device, stream, grid, block, registers_per_thread, shared_memory,
    input_dims, input_type, input_strides, concrete_inputs, sequence_number, bytes,
    collective_name, in_msg_nelems, out_msg_nelems, group_size, dtype, pg_name, pg_ranks,
    pg_desc, count
};
constexpr size_t kArgCount = static_cast<size_t>(Arg::count);
const char* arg_key(Arg a);  // the JSON key, e.g. "External id"

struct RawEvent {
    JValue ph, cat, name, ts, dur, pid, tid, id;
    Category category = Category::none;
    bool args_skipped = false;
    bool args_not_object = false;  // "args" present but not an object (its fields are lost)
    std::array<JValue, kArgCount> args{};
    const JValue& arg(Arg a) const { return args[static_cast<size_t>(a)]; }
};

// Lexing primitives over a NUL-terminated window [p, end) with *end == '\0' and at least
// kWindowPadding readable bytes after end.
constexpr size_t kWindowPadding = 64;
constexpr int kMaxDepth = 256;  // deeper nesting is rejected rather than risking the stack

class Lexer {
public:
    Lexer(const char* p, const char* end) : p_(p), end_(end) {}
    const char* pos() const { return p_; }
    void set_pos(const char* p) { p_ = p; }

    // Skips whitespace; NeedMore at the window end.
    void ws() {
        for (;;) {
            char c = *p_;
            if (c == ' ' || c == '\n' || c == '\r' || c == '\t') { ++p_; continue; }
            if (c == '\0') at_nul();
            return;
        }
    }
    // The next char; NeedMore at the window end.
    char peek() {
        char c = *p_;
        if (c == '\0') at_nul();
        return c;
    }
    void expect(char c, const char* what) {
        if (peek() != c) throw SyntaxError{p_, what};
        ++p_;
    }
    std::string_view string_body(bool* escaped);  // *p_ == '"' on entry; returns raw contents
    JValue value();                    // any value; composite values are validated and skipped
    void skip_value(int depth = 0);

private:
    [[noreturn]] void at_nul();
    std::string_view number();
    void literal(const char* word, size_t n);
    const char* p_;
    const char* end_;
};

// Parses one traceEvents element starting at `lx.pos()` (whitespace skipped). Reads args only
// for categories that need them: python_function args are skipped unless `want_python`.
void parse_event(Lexer& lx, RawEvent& ev, bool want_python);

// Decodes a JSON string body (the text between quotes) into `out`. Returns false for an
// invalid escape sequence.
bool unescape(std::string_view raw, std::string& out);

// Number conversions on JSON number literals. All return false when the text is not a number
// of the requested kind or is out of range.
bool to_int64(std::string_view text, int64_t& out);    // integers; "12.0" is accepted
bool to_uint64(std::string_view text, uint64_t& out);
bool to_double(std::string_view text, double& out);
// Microseconds (possibly with decimals, e.g. "4458676522690.655") to integer nanoseconds,
// exact for up to three decimals, rounded half away from zero beyond.
bool us_to_ns(std::string_view text, int64_t& out);

} // namespace rafter::kineto
