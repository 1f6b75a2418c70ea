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

void JsonWriter::escape(std::ostream& out, std::string_view s) {
    out << '"';
    for (unsigned char c : s) {
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
