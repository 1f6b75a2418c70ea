#include "core/json_syntax.h"
#include "model/scaling/scenario_json.h"

#include <cmath>

#include "core/error.h"

namespace rafter::json_in {

void fail(const std::string& origin, const std::string& message) {
    throw Error(ExitCode::bad_input, message, SourcePosition{origin, PositionKind::none, 0});
}

bool Object::has(std::string_view key) const { return get(key).has_value(); }

void Object::fail_at(const std::string& path, const std::string& message) const {
    std::optional<uint64_t> line;
    if (!text_.empty()) {
        line = find_json_path_line(text_, path);
        if (!line && !path_.empty()) line = find_json_path_line(text_, path_);
    }
    if (!line) fail(*origin_, message);
    throw Error(ExitCode::bad_input, message, SourcePosition{*origin_, PositionKind::line, *line});
}

void Object::fail_field(std::string_view key, const std::string& message) const { fail_at(field(key), message); }

std::string Object::field(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

std::optional<simdjson::dom::element> Object::get(std::string_view key) const {
    simdjson::dom::element e;
    if (o_.at_key(key).get(e)) return std::nullopt;
    if (e.is_null()) return std::nullopt;  // null means "not given"
    return e;
}

double as_number(simdjson::dom::element e, const std::string& what, const std::string& origin) {
    double d = 0;
    if (e.is_double()) d = e.get_double().value_unsafe();
    else if (e.is_int64()) d = static_cast<double>(e.get_int64().value_unsafe());
    else if (e.is_uint64()) d = static_cast<double>(e.get_uint64().value_unsafe());
    else fail(origin, what + " must be a number");
    if (!std::isfinite(d)) fail(origin, what + " must be a finite number");
    return d;
}

std::optional<double> Object::number(std::string_view key) const {
    auto e = get(key);
    if (!e) return std::nullopt;
    if (!e->is_number()) fail_field(key, field(key) + " must be a number");
    return as_number(*e, field(key), *origin_);
}

double Object::required_number(std::string_view key) const {
    auto v = number(key);
    if (!v) fail_field(key, "missing required field " + field(key));
    return *v;
}

std::optional<double> Object::positive(std::string_view key) const {
    auto v = number(key);
    if (v && !(*v > 0)) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%g", *v);
        fail_field(key, field(key) + " must be > 0 (got " + buf + ")");
    }
    return v;
}

double Object::required_positive(std::string_view key) const {
    auto v = positive(key);
    if (!v) fail_field(key, "missing required field " + field(key));
    return *v;
}

std::optional<int64_t> Object::integer(std::string_view key) const {
    auto v = number(key);
    if (!v) return std::nullopt;
    if (std::floor(*v) != *v || std::fabs(*v) > 9e15) fail_field(key, field(key) + " must be an integer");
    return static_cast<int64_t>(*v);
}

std::optional<std::string> Object::string(std::string_view key) const {
    auto e = get(key);
    if (!e) return std::nullopt;
    std::string_view s;
    if (e->get_string().get(s)) fail_field(key, field(key) + " must be a string");
    return std::string(s);
}

std::optional<bool> Object::boolean(std::string_view key) const {
    auto e = get(key);
    if (!e) return std::nullopt;
    bool b = false;
    if (e->get_bool().get(b)) fail_field(key, field(key) + " must be true or false");
    return b;
}

std::optional<Object> Object::object(std::string_view key) const {
    auto e = get(key);
    if (!e) return std::nullopt;
    simdjson::dom::object o;
    if (e->get_object().get(o)) fail_field(key, field(key) + " must be an object");
    return Object(o, field(key), *origin_, text_);
}

Object Object::required_object(std::string_view key) const {
    auto o = object(key);
    if (!o) fail_field(key, "missing required field " + field(key));
    return *o;
}

std::optional<simdjson::dom::array> Object::array(std::string_view key) const {
    auto e = get(key);
    if (!e) return std::nullopt;
    simdjson::dom::array a;
    if (e->get_array().get(a)) fail_field(key, field(key) + " must be an array");
    return a;
}

void Object::allow_only(std::initializer_list<std::string_view> keys) const {
    for (auto [k, v] : o_) {
        (void)v;
        if (!k.empty() && k[0] == '_') continue;
        if (k == "comment" || k == "source" || k == "notes") continue;
        bool ok = false;
        for (auto a : keys) ok = ok || a == k;
        if (!ok) fail_field(k, "unknown field " + field(k));
    }
}

Object parse_root(simdjson::dom::parser& parser, const simdjson::padded_string& text,
                  const std::string& origin) {
    simdjson::dom::element doc;
    if (auto err = parser.parse(text).get(doc))
        throw_json_syntax_error(std::string_view(text.data(), text.size()), origin, simdjson::error_message(err));
    simdjson::dom::object o;
    if (doc.get_object().get(o)) fail(origin, "the top level must be a JSON object");
    return Object(o, "", origin, std::string_view(text.data(), text.size()));
}

} // namespace rafter::json_in
