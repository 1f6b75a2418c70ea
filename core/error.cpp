#include "core/error.h"

namespace rafter {

std::string SourcePosition::describe() const {
    std::string out = file;
    switch (kind) {
    case PositionKind::none: break;
    case PositionKind::line: out += ":" + std::to_string(value); break;
    case PositionKind::row: out += ": row " + std::to_string(value); break;
    case PositionKind::byte_offset: out += ": byte " + std::to_string(value); break;
    case PositionKind::event_index: out += ": event " + std::to_string(value); break;
    }
    return out;
}

static std::string full_message(const std::string& message, const SourcePosition& where) {
    if (where.file.empty() && where.kind == PositionKind::none) return message;
    return where.describe() + ": " + message;
}

Error::Error(ExitCode code, std::string message, SourcePosition where)
    : std::runtime_error(full_message(message, where)), code_(code), message_(std::move(message)),
      where_(std::move(where)) {}

void throw_input_error(const std::string& file, PositionKind kind, uint64_t value,
                       const std::string& message) {
    throw Error(ExitCode::bad_input, message, SourcePosition{file, kind, value});
}

void throw_usage_error(const std::string& message) { throw Error(ExitCode::usage, message); }

} // namespace rafter
