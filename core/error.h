#pragma once
// Errors that name where the problem is. Library code throws rafter::Error (or returns it);
// only main() turns it into an exit code.
#include <cstdint>
#include <stdexcept>
#include <string>

namespace rafter {

// What a position in an input refers to, so that messages say "line 12" or "byte 4096".
enum class PositionKind : uint8_t { none, line, byte_offset, event_index, row };

struct SourcePosition {
    std::string file;  // path as the user gave it; empty when not from a file
    PositionKind kind = PositionKind::none;
    uint64_t value = 0;  // 1-based line/row, 0-based byte offset or event index

    std::string describe() const;  // "file.csv:12", "trace.json: byte 4096", ...
};

// Exit codes of the rafter command (documented in docs/exit-codes.md).
enum class ExitCode : int {
    ok = 0,
    failure = 1,       // unexpected internal failure
    usage = 2,         // bad command line
    bad_input = 3,     // an input file could not be read or parsed
    no_device = 4,     // the hardware a command needs is absent
    io_error = 5,      // an output could not be written
    not_available = 6, // a feature that this build lacks
};

class Error : public std::runtime_error {
public:
    Error(ExitCode code, std::string message, SourcePosition where = {});
    ExitCode code() const { return code_; }
    const SourcePosition& where() const { return where_; }
    const std::string& message() const { return message_; }

private:
    ExitCode code_;
    std::string message_;
    SourcePosition where_;
};

// Shorthands for the common case: bad input at a position.
[[noreturn]] void throw_input_error(const std::string& file, PositionKind kind, uint64_t value,
                                    const std::string& message);
[[noreturn]] void throw_usage_error(const std::string& message);

} // namespace rafter
