#pragma once
// A small streaming JSON writer for reports. Numbers that are missing are written as null,
// never 0; non-finite doubles become null too.
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace rafter {

class JsonWriter {
public:
    explicit JsonWriter(std::ostream& out, bool pretty = true) : out_(out), pretty_(pretty) {}

    JsonWriter& begin_object();
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();
    JsonWriter& key(std::string_view k);

    JsonWriter& value(std::string_view s);
    JsonWriter& value(const char* s) { return value(std::string_view(s)); }
    JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
    JsonWriter& value(double d);
    JsonWriter& value(std::optional<double> d);
    JsonWriter& value(int64_t i);
    JsonWriter& value(uint64_t u);
    JsonWriter& value(int i) { return value(static_cast<int64_t>(i)); }
    JsonWriter& value(unsigned u) { return value(static_cast<uint64_t>(u)); }
    JsonWriter& value(bool b);
    JsonWriter& null();

    // key + value in one call.
    template <class T> JsonWriter& field(std::string_view k, const T& v) {
        key(k);
        return value(v);
    }

    static void escape(std::ostream& out, std::string_view s);

private:
    void before_value();
    void newline();
    std::ostream& out_;
    bool pretty_;
    struct Level {
        bool is_object;
        bool first;
    };
    std::vector<Level> stack_;
    bool after_key_ = false;
};

// Formats a double with full round-trip precision (shortest of %.17g that reads back equal).
std::string format_double(double d);

} // namespace rafter
