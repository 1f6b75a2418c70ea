// Rafter machine files: parsing with strict validation and writing them back. A figure that is
// null or absent is unknown; a figure that is present must be a positive number, because a zero
// or negative ceiling would silently turn every bound and efficiency into nonsense.
#include <simdjson.h>

#include <bitset>
#include <sstream>

#include "core/json_syntax.h"
#include "core/error.h"
#include "core/json_writer.h"
#include "model/machines/machine.h"

namespace rafter {

namespace {

constexpr std::string_view kSchema = "rafter.machine/1";

// A bad field: parse_machine_json turns it into an input error at the field's line.
struct FieldError {
    std::string field, message;
};

[[noreturn]] void fail(const std::string& origin, std::string_view field, const std::string& what) {
    (void)origin;
    std::string msg = field.empty() ? what : "field '" + std::string(field) + "': " + what;
    throw FieldError{std::string(field), msg};
}

std::string describe(const simdjson::dom::element& e) {
    using T = simdjson::dom::element_type;
    switch (e.type()) {
    case T::ARRAY: return "an array";
    case T::OBJECT: return "an object";
    case T::INT64:
    case T::UINT64:
    case T::DOUBLE: return "the number " + simdjson::minify(e);
    case T::STRING: return "the string " + simdjson::minify(e);
    case T::BOOL: return std::string("the boolean ") + simdjson::minify(e);
    case T::NULL_VALUE: return "null";
    }
    return "a JSON value";
}

std::string get_string(const simdjson::dom::element& e, const std::string& origin, std::string_view field) {
    std::string_view v;
    if (e.get_string().get(v)) fail(origin, field, "must be a string, got " + describe(e));
    return std::string(v);
}

// A positive figure or null (unknown). `unit` only makes the message clearer.
std::optional<double> get_figure(const simdjson::dom::element& e, const std::string& origin,
                                 std::string_view field, std::string_view unit) {
    if (e.is_null()) return std::nullopt;
    double v = 0;
    if (!e.is_number() || e.get_double().get(v))
        fail(origin, field, "must be a number in " + std::string(unit) + " or null, got " + describe(e));
    if (!(v > 0))
        fail(origin, field, "must be positive (use null for unknown), got " + simdjson::minify(e));
    // No device reaches 1e20 FLOP/s or B/s, and no latency is 1e20 s: such a figure is corrupt,
    // and would make every efficiency round to 0.
    if (v >= 1e20) fail(origin, field, "is implausibly large: " + simdjson::minify(e));
    return v;
}

simdjson::dom::object get_object(const simdjson::dom::element& e, const std::string& origin,
                                 std::string_view field) {
    simdjson::dom::object o;
    if (e.get_object().get(o)) fail(origin, field, "must be an object, got " + describe(e));
    return o;
}

// Keys a "sources" entry may name: every figure and the descriptive fields.
bool is_source_key(std::string_view key) {
    constexpr std::string_view peaks = "peaks_flops.", bws = "bandwidths.";
    if (key.substr(0, peaks.size()) == peaks) return flop_kind_from_string(key.substr(peaks.size())).has_value();
    if (key.substr(0, bws.size()) == bws) return mem_level_from_string(key.substr(bws.size())).has_value();
    for (std::string_view k : {"name", "kind", "arch", "description", "device_names", "launch_latency_s",
                               "kernel_floor_s", "nic_bandwidth"})
        if (key == k) return true;
    return false;
}

Machine parse_machine_fields(std::string_view json, const std::string& origin) {
    simdjson::dom::parser parser;
    simdjson::padded_string padded(json);
    simdjson::dom::element root;
    if (auto err = parser.parse(padded).get(root)) throw_json_syntax_error(json, origin, simdjson::error_message(err));
    auto top = get_object(root, origin, "(top level)");

    Machine m;
    bool have_name = false;
    std::bitset<16> seen;  // top-level keys seen, to reject duplicates
    static const std::string_view kKeys[] = {"schema", "name", "kind", "arch", "description",
                                             "device_names", "peaks_flops", "bandwidths",
                                             "launch_latency_s", "kernel_floor_s", "nic_bandwidth", "source",
                                             "sources", "comment"};
    for (auto [key, value] : top) {
        size_t idx = std::size(kKeys);
        for (size_t i = 0; i < std::size(kKeys); ++i)
            if (key == kKeys[i]) idx = i;
        if (idx == std::size(kKeys))
            fail(origin, key, "unknown field (expected one of: schema, name, kind, arch, description, "
                              "device_names, peaks_flops, bandwidths, launch_latency_s, kernel_floor_s, "
                              "nic_bandwidth, source, sources, comment)");
        if (seen[idx]) fail(origin, key, "given twice");
        seen[idx] = true;

        if (key == "schema") {
            if (get_string(value, origin, key) != kSchema)
                fail(origin, key, "unsupported schema " + simdjson::minify(value) + " (expected \"" +
                                      std::string(kSchema) + "\")");
        } else if (key == "name") {
            m.name = get_string(value, origin, key);
            if (m.name.empty()) fail(origin, key, "must not be empty");
            have_name = true;
        } else if (key == "kind") {
            m.kind = get_string(value, origin, key);
            if (m.kind != "gpu" && m.kind != "cpu") fail(origin, key, "must be \"gpu\" or \"cpu\", got \"" + m.kind + "\"");
        } else if (key == "arch") {
            m.arch = get_string(value, origin, key);
        } else if (key == "description") {
            m.description = get_string(value, origin, key);
        } else if (key == "source") {
            m.source = get_string(value, origin, key);
        } else if (key == "comment") {
            get_string(value, origin, key);  // free text for people; not kept
        } else if (key == "device_names") {
            simdjson::dom::array names;
            if (value.get_array().get(names)) fail(origin, key, "must be an array of strings, got " + describe(value));
            size_t i = 0;
            for (auto n : names) {
                std::string field = "device_names[" + std::to_string(i++) + "]";
                m.device_names.push_back(get_string(n, origin, field));
                if (m.device_names.back().empty() || m.device_names.back() == "$")
                    fail(origin, field, "must not be empty");
            }
        } else if (key == "peaks_flops") {
            std::bitset<kFlopKinds> given;
            for (auto [k, v] : get_object(value, origin, key)) {
                std::string field = "peaks_flops." + std::string(k);
                auto kind = flop_kind_from_string(k);
                if (!kind) fail(origin, field, "unknown FLOP kind (expected fp64, fp32, fp16, bf16, tf32, fp8, int8, "
                                               "tensor, tensor_fp64, tensor_fp16, tensor_bf16, tensor_tf32, "
                                               "tensor_fp8 or tensor_int8)");
                if (given[static_cast<size_t>(*kind)]) fail(origin, field, "given twice");
                given[static_cast<size_t>(*kind)] = true;
                m.peak_flops[static_cast<size_t>(*kind)] = get_figure(v, origin, field, "FLOP/s");
            }
        } else if (key == "bandwidths") {
            std::bitset<kMemLevels> given;
            for (auto [k, v] : get_object(value, origin, key)) {
                std::string field = "bandwidths." + std::string(k);
                auto level = mem_level_from_string(k);
                if (!level) fail(origin, field, "unknown memory level (expected l1, l2, dram, pcie or nvlink)");
                if (given[static_cast<size_t>(*level)]) fail(origin, field, "given twice");
                given[static_cast<size_t>(*level)] = true;
                m.bandwidth[static_cast<size_t>(*level)] = get_figure(v, origin, field, "bytes/s");
            }
        } else if (key == "launch_latency_s") {
            m.launch_latency_s = get_figure(value, origin, key, "seconds");
        } else if (key == "kernel_floor_s") {
            m.kernel_floor_s = get_figure(value, origin, key, "seconds");
        } else if (key == "nic_bandwidth") {
            m.nic_bandwidth = get_figure(value, origin, key, "bytes/s");
        } else if (key == "sources") {
            for (auto [k, v] : get_object(value, origin, key)) {
                std::string field = "sources." + std::string(k);
                if (!is_source_key(k))
                    fail(origin, field, "names no machine field (expected e.g. \"peaks_flops.fp32\", "
                                        "\"bandwidths.dram\" or \"launch_latency_s\")");
                for (const auto& s : m.sources)
                    if (s.first == k) fail(origin, field, "given twice");
                m.sources.emplace_back(std::string(k), get_string(v, origin, field));
            }
        }
    }
    if (!have_name) fail(origin, "name", "missing (every machine needs a name)");
    return m;
}

} // namespace

Machine parse_machine_json(std::string_view json, const std::string& origin) {
    try {
        return parse_machine_fields(json, origin);
    } catch (const FieldError& e) {
        std::optional<uint64_t> line = e.field.empty() ? std::nullopt : find_json_path_line(json, e.field);
        throw_input_error(origin, line ? PositionKind::line : PositionKind::none, line.value_or(0), e.message);
    }
}

std::string machine_to_json(const Machine& m) {
    std::ostringstream out;
    JsonWriter w(out);
    write_machine_json(w, m);
    return out.str();
}

std::string builtin_machines_json() {
    std::ostringstream out;
    JsonWriter w(out);
    w.begin_object();
    w.field("schema", "rafter.machines/1");
    w.key("machines").begin_array();
    for (const auto& m : builtin_machines()) write_machine_json(w, m);
    w.end_array();
    w.end_object();
    return out.str();
}

void write_machine_json(JsonWriter& w, const Machine& m) {
    w.begin_object();
    w.field("schema", kSchema);
    w.field("name", m.name);
    // Empty strings are "not given"; the parser would reject an empty kind.
    if (!m.kind.empty()) w.field("kind", m.kind);
    if (!m.arch.empty()) w.field("arch", m.arch);
    if (!m.description.empty()) w.field("description", m.description);
    w.key("device_names").begin_array();
    for (const auto& n : m.device_names) w.value(n);
    w.end_array();
    // Every kind and level is written, null when unknown, so a reader sees what is missing.
    w.key("peaks_flops").begin_object();
    for (size_t i = 0; i < kFlopKinds; ++i) w.field(to_string(static_cast<FlopKind>(i)), m.peak_flops[i]);
    w.end_object();
    w.key("bandwidths").begin_object();
    for (size_t i = 0; i < kMemLevels; ++i) w.field(to_string(static_cast<MemLevel>(i)), m.bandwidth[i]);
    w.end_object();
    w.field("launch_latency_s", m.launch_latency_s);
    w.field("kernel_floor_s", m.kernel_floor_s);
    w.field("nic_bandwidth", m.nic_bandwidth);
    if (!m.source.empty()) w.field("source", m.source);
    w.key("sources").begin_object();
    for (const auto& [k, v] : m.sources) w.field(k, v);
    w.end_object();
    w.end_object();
}

} // namespace rafter
