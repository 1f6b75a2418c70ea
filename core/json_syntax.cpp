#include "core/json_syntax.h"

#include <cctype>
#include <vector>

#include "core/error.h"

namespace rafter {

namespace {

class Scanner {
public:
    explicit Scanner(std::string_view t) : t_(t) {}

    std::optional<JsonSyntaxError> run() {
        ws();
        if (!value(0)) return error_;
        ws();
        if (i_ != t_.size()) {
            set("unexpected text after the top-level value");
            return error_;
        }
        return std::nullopt;
    }

private:
    std::string_view t_;
    size_t i_ = 0;
    std::optional<JsonSyntaxError> error_;

    bool set(const std::string& what) {
        JsonSyntaxError e;
        e.offset = i_;
        for (size_t k = 0; k < i_ && k < t_.size(); ++k) {
            if (t_[k] == '\n') {
                ++e.line;
                e.column = 1;
            } else {
                ++e.column;
            }
        }
        e.what = i_ >= t_.size() ? what + " (the text ends here)" : what;
        error_ = e;
        return false;
    }
    void ws() {
        while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\t' || t_[i_] == '\n' || t_[i_] == '\r')) ++i_;
    }
    bool literal(std::string_view word) {
        if (t_.substr(i_, word.size()) != word) return set("invalid literal (expected " + std::string(word) + ")");
        i_ += word.size();
        return true;
    }
    bool string() {
        ++i_;  // opening quote
        while (i_ < t_.size()) {
            unsigned char c = static_cast<unsigned char>(t_[i_]);
            if (c == '"') {
                ++i_;
                return true;
            }
            if (c < 0x20) return set("control character inside a string");
            if (c == '\\') {
                ++i_;
                if (i_ >= t_.size()) break;
                char e = t_[i_];
                if (e == 'u') {
                    for (int k = 1; k <= 4; ++k)
                        if (i_ + k >= t_.size() || !std::isxdigit(static_cast<unsigned char>(t_[i_ + k])))
                            return set("\\u needs four hex digits");
                    i_ += 4;
                } else if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) {
                    return set(std::string("invalid escape \\") + e);
                }
            }
            ++i_;
        }
        return set("unterminated string");
    }
    bool digits() {
        size_t s = i_;
        while (i_ < t_.size() && t_[i_] >= '0' && t_[i_] <= '9') ++i_;
        return i_ > s;
    }
    bool number() {
        if (t_[i_] == '-') ++i_;
        if (i_ < t_.size() && t_[i_] == '0') ++i_;
        else if (!digits()) return set("invalid number");
        if (i_ < t_.size() && t_[i_] == '.') {
            ++i_;
            if (!digits()) return set("invalid number: digits expected after '.'");
        }
        if (i_ < t_.size() && (t_[i_] == 'e' || t_[i_] == 'E')) {
            ++i_;
            if (i_ < t_.size() && (t_[i_] == '+' || t_[i_] == '-')) ++i_;
            if (!digits()) return set("invalid number: digits expected in the exponent");
        }
        return true;
    }
    bool value(int depth) {
        if (depth > 1024) return false;
        if (i_ >= t_.size()) return set("a value was expected");
        char c = t_[i_];
        if (c == '{') return object(depth);
        if (c == '[') return array(depth);
        if (c == '"') return string();
        if (c == 't') return literal("true");
        if (c == 'f') return literal("false");
        if (c == 'n') return literal("null");
        if (c == '-' || (c >= '0' && c <= '9')) return number();
        return set(std::string("unexpected character '") + c + "'");
    }
    bool eat(char c) {
        if (i_ < t_.size() && t_[i_] == c) {
            ++i_;
            return true;
        }
        return false;
    }
    // The items of an array or object up to `close`, separated by commas; `item` reads one.
    template <class Item> bool items(char close, Item item) {
        ++i_;  // the opening bracket
        ws();
        if (eat(close)) return true;
        for (;;) {
            ws();
            if (!item()) return false;
            ws();
            if (eat(',')) continue;
            if (eat(close)) return true;
            return set(std::string("expected ',' or '") + close + "'");
        }
    }
    bool array(int depth) {
        return items(']', [&] { return value(depth + 1); });
    }
    bool object(int depth) {
        return items('}', [&] {
            if (i_ >= t_.size() || t_[i_] != '"') return set("expected a key in double quotes");
            if (!string()) return false;
            ws();
            if (!eat(':')) return set("expected ':' after the key");
            ws();
            return value(depth + 1);
        });
    }
};

} // namespace

std::optional<JsonSyntaxError> find_json_syntax_error(std::string_view text) { return Scanner(text).run(); }

std::optional<uint64_t> find_json_path_line(std::string_view text, std::string_view path) {
    struct Frame {
        bool object = false;
        std::string part;  // "key" or "[i]": the member or element being read
        int64_t index = 0;
        bool expect_key = false;
    };
    std::vector<Frame> stack;
    uint64_t line = 1, key_line = 1;
    // The path of the value that starts now, compared with the one asked for.
    auto here = [&]() {
        std::string p;
        for (const Frame& f : stack) {
            if (f.object && !p.empty()) p += '.';
            p += f.part;
        }
        return p;
    };
    auto array_element_starts = [&]() {  // after '[' or ',' in an array: the next non-space char
        Frame& f = stack.back();
        f.part = "[" + std::to_string(f.index) + "]";
        return here() == path;
    };
    bool pending_element = false;  // an array element may start at the next token
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\n') {
            ++line;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r') continue;
        if (pending_element) {
            pending_element = false;
            if (c != ']' && array_element_starts()) return line;
        }
        if (c == '"') {
            const uint64_t start_line = line;
            std::string s;
            for (++i; i < text.size() && text[i] != '"'; ++i) {
                if (text[i] == '\\' && i + 1 < text.size()) ++i;
                if (text[i] == '\n') ++line;
                s += text[i];
            }
            if (!stack.empty() && stack.back().object && stack.back().expect_key) {
                stack.back().part = s;
                stack.back().expect_key = false;
                key_line = start_line;
            }
            continue;
        }
        if (c == ':') {
            if (!stack.empty() && stack.back().object && here() == path) return key_line;
            continue;
        }
        if (c == '{' || c == '[') {
            stack.push_back({c == '{', "", 0, c == '{'});
            if (c == '[') pending_element = true;
            continue;
        }
        if (c == '}' || c == ']') {
            if (!stack.empty()) stack.pop_back();
            continue;
        }
        if (c == ',' && !stack.empty()) {
            Frame& f = stack.back();
            if (f.object) f.expect_key = true;
            else {
                ++f.index;
                pending_element = true;
            }
        }
    }
    return std::nullopt;
}

void throw_json_syntax_error(std::string_view text, const std::string& origin, const char* simdjson_message) {
    auto e = find_json_syntax_error(text);
    if (!e)
        throw Error(ExitCode::bad_input, std::string("not valid JSON (") + simdjson_message + ")",
                    SourcePosition{origin, PositionKind::none, 0});
    throw Error(ExitCode::bad_input,
                "column " + std::to_string(e->column) + ": not valid JSON: " + e->what + " (byte " +
                    std::to_string(e->offset) + ")",
                SourcePosition{origin, PositionKind::line, e->line});
}

} // namespace rafter
