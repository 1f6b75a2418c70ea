#include "core/json_writer.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace rafter {

std::string format_double(double d) {
    char buf[32];
    for (int precision = 15; precision <= 17; ++precision) {
        std::snprintf(buf, sizeof buf, "%.*g", precision, d);
        if (std::strtod(buf, nullptr) == d) break;
    }
    return buf;
}

namespace {
// Length of the well-formed UTF-8 sequence at p (RFC 3629: no overlongs, surrogates or code
// points above U+10FFFF), or 0 when it is not one.
size_t utf8_sequence(const unsigned char* p, size_t n) {
    unsigned char c = p[0];
    size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
    if (len == 0 || len > n || c > 0xF4 || c == 0xC0 || c == 0xC1) return 0;
    for (size_t i = 1; i < len; ++i)
        if ((p[i] & 0xC0) != 0x80) return 0;
    if (c == 0xE0 && p[1] < 0xA0) return 0;  // overlong
    if (c == 0xED && p[1] >= 0xA0) return 0; // surrogate
    if (c == 0xF0 && p[1] < 0x90) return 0;  // overlong
    if (c == 0xF4 && p[1] >= 0x90) return 0; // above U+10FFFF
    return len;
}
} // namespace

void JsonWriter::escape(std::ostream& out, std::string_view s) {
    out << '"';
    const auto* bytes = reinterpret_cast<const unsigned char*>(s.data());
    for (size_t i = 0; i < s.size(); ++i) {
        unsigned char c = bytes[i];
        if (c >= 0x80) {
            // Names from input files may hold any bytes; JSON output must be valid UTF-8, so a
            // byte that starts no valid sequence becomes U+FFFD.
            size_t len = utf8_sequence(bytes + i, s.size() - i);
            if (len == 0) {
                out << "\\ufffd";
            } else {
                out.write(s.data() + i, static_cast<std::streamsize>(len));
                i += len - 1;
            }
            continue;
        }
        switch (c) {
        case '"': out << "\\\""; break;
        case '\\': out << "\\\\"; break;
        case '\n': out << "\\n"; break;
        case '\r': out << "\\r"; break;
        case '\t': out << "\\t"; break;
        default:
            if (c < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out << buf;
            } else {
                out << static_cast<char>(c);
            }
        }
    }
    out << '"';
}

void JsonWriter::newline() {
    if (!pretty_) return;
    out_ << '\n';
    for (size_t i = 0; i < stack_.size(); ++i) out_ << "  ";
}

void JsonWriter::before_value() {
    if (after_key_) {
        after_key_ = false;
        return;
    }
    if (stack_.empty()) return;
    if (!stack_.back().first) out_ << ',';
    stack_.back().first = false;
    newline();
}

JsonWriter& JsonWriter::begin_object() {
    before_value();
    out_ << '{';
    stack_.push_back({true, true});
    return *this;
}

JsonWriter& JsonWriter::end_object() {
    bool empty = stack_.back().first;
    stack_.pop_back();
    if (!empty) newline();
    out_ << '}';
    if (stack_.empty() && pretty_) out_ << '\n';
    return *this;
}

JsonWriter& JsonWriter::begin_array() {
    before_value();
    out_ << '[';
    stack_.push_back({false, true});
    return *this;
}

JsonWriter& JsonWriter::end_array() {
    bool empty = stack_.back().first;
    stack_.pop_back();
    if (!empty) newline();
    out_ << ']';
    return *this;
}

JsonWriter& JsonWriter::key(std::string_view k) {
    before_value();
    escape(out_, k);
    out_ << (pretty_ ? ": " : ":");
    after_key_ = true;
    return *this;
}

JsonWriter& JsonWriter::value(std::string_view s) {
    before_value();
    escape(out_, s);
    return *this;
}

JsonWriter& JsonWriter::value(double d) {
    before_value();
    if (std::isfinite(d)) out_ << format_double(d);
    else out_ << "null";
    return *this;
}

JsonWriter& JsonWriter::value(std::optional<double> d) {
    if (!d) return null();
    return value(*d);
}

JsonWriter& JsonWriter::value(int64_t i) {
    before_value();
    out_ << i;
    return *this;
}

JsonWriter& JsonWriter::value(uint64_t u) {
    before_value();
    out_ << u;
    return *this;
}

JsonWriter& JsonWriter::value(bool b) {
    before_value();
    out_ << (b ? "true" : "false");
    return *this;
}

JsonWriter& JsonWriter::null() {
    before_value();
    out_ << "null";
    return *this;
}

} // namespace rafter
