#pragma once
// Where a JSON text first breaks the grammar (RFC 8259), for error messages: simdjson says what
// is wrong but not where. Used only after a parse has failed, so speed does not matter.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rafter {

struct JsonSyntaxError {
    uint64_t offset = 0;           // byte offset, 0-based
    uint64_t line = 1, column = 1; // 1-based; column counts bytes
    std::string what;              // "expected ',' or '}'"
};

// The first syntax error, or nullopt when the text is valid JSON (or nests deeper than 1024).
std::optional<JsonSyntaxError> find_json_syntax_error(std::string_view text);

// Throws rafter::Error(bad_input) for a JSON text that failed to parse: position "file:LINE" and
// "column C: what (simdjson: message)"; without a located error, the simdjson message alone.
[[noreturn]] void throw_json_syntax_error(std::string_view text, const std::string& origin,
                                          const char* simdjson_message);

// The 1-based line where the value at `path` ("system.topology.link_efficiency", "scaling.gpus[2]")
// begins in a valid JSON text: the line of its key for an object member, of the element itself
// for an array element. nullopt when the path is not in the text. For error messages about a
// field whose value is wrong (simdjson keeps no positions); a linear scan, only run on errors.
// A key with a '.' in it is found by its dotted spelling ("sources.peaks_flops.fp32").
std::optional<uint64_t> find_json_path_line(std::string_view text, std::string_view path);

} // namespace rafter
