#pragma once
// Reading the JSON inputs of the scaling model (scenarios, I/O profiles, fio output) with
// simdjson, with errors that name the file and the field path ("workload.parameters").
// Internal to model/: include only from .cpp files.
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <simdjson.h>

namespace rafter::json_in {

[[noreturn]] void fail(const std::string& origin, const std::string& message);

class Object {
public:
    // `text`: the document's source (it must outlive the object), so that errors can name the
    // line of the field; empty when there is none.
    Object(simdjson::dom::object o, std::string path, const std::string& origin, std::string_view text = {})
        : o_(o), path_(std::move(path)), origin_(&origin), text_(text) {}

    bool has(std::string_view key) const;
    std::string field(std::string_view key) const;  // "workload.parameters"
    const std::string& origin() const { return *origin_; }
    const std::string& path() const { return path_; }

    // Present but of the wrong type -> error naming the field.
    std::optional<double> number(std::string_view key) const;
    double required_number(std::string_view key) const;
    // Numbers that must be > 0 (bandwidths, sizes): zero or negative -> error naming the field.
    std::optional<double> positive(std::string_view key) const;
    double required_positive(std::string_view key) const;
    std::optional<int64_t> integer(std::string_view key) const;
    std::optional<std::string> string(std::string_view key) const;
    std::optional<bool> boolean(std::string_view key) const;
    std::optional<Object> object(std::string_view key) const;
    Object required_object(std::string_view key) const;
    std::optional<simdjson::dom::array> array(std::string_view key) const;
    // The value itself (e.g. to hand a nested document to another parser); nullopt when absent.
    std::optional<simdjson::dom::element> element(std::string_view key) const { return get(key); }

    // An object nested in this document (an array's element) with the same source text.
    Object child(simdjson::dom::object o, std::string path) const { return Object(o, std::move(path), *origin_, text_); }

    // Throws Error(bad_input) with `message`, positioned at the line of the field (its key), or of
    // this object when the field is absent, or without a line when neither is in the text.
    [[noreturn]] void fail_field(std::string_view key, const std::string& message) const;
    // The same for any path of the document ("scaling.gpus[2]").
    [[noreturn]] void fail_at(const std::string& path, const std::string& message) const;

    // Unknown keys are errors (they are usually typos of optional fields, which would otherwise be
    // silently ignored). Keys starting with '_' and "comment"/"source"/"notes" are always allowed.
    void allow_only(std::initializer_list<std::string_view> keys) const;

private:
    std::optional<simdjson::dom::element> get(std::string_view key) const;
    simdjson::dom::object o_;
    std::string path_;
    const std::string* origin_;
    std::string_view text_;
};

// Parses a whole document whose root must be an object. `parser` must outlive the result.
Object parse_root(simdjson::dom::parser& parser, const simdjson::padded_string& text,
                  const std::string& origin);

// Element accessors with errors naming `what`.
double as_number(simdjson::dom::element e, const std::string& what, const std::string& origin);

} // namespace rafter::json_in
