#pragma once
// A single-pass RFC-4180 tokenizer over a whole file held in memory. Fields are string_views into
// the buffer: quoted fields with doubled quotes ("") are unescaped in place (the unescaped text
// is never longer), so no field is ever copied or allocated. It only splits bytes into records;
// what the records mean is up to the importer (tokenizing is kept apart from interpreting).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rafter {

class CsvTokenizer {
public:
    // `data` must stay alive and is modified in place; `origin` names it in error messages.
    CsvTokenizer(char* data, size_t size, std::string origin);

    bool at_end() const { return pos_ >= end_; }
    uint64_t line() const { return line_; }  // 1-based line of the current position
    size_t offset() const { return static_cast<size_t>(pos_ - begin_); }

    char peek_char() const { return at_end() ? '\0' : *pos_; }
    // The rest of the current line, without its line ending (no unescaping).
    std::string_view peek_line() const;
    void skip_line();

    // Reads one record into `fields` (cleared first) and returns the line it started on.
    // Accepts LF and CRLF line endings, and a last record without a line ending. Throws
    // rafter::Error naming the file and line for an unterminated quoted field or text after a
    // closing quote. Must not be called at_end().
    uint64_t next_record(std::vector<std::string_view>& fields);

private:
    std::string_view quoted_field(uint64_t record_line);
    std::string_view plain_field();

    char* begin_;
    char* pos_;
    char* end_;
    uint64_t line_ = 1;
    std::string origin_;
};

// Position of the first NUL byte, or npos; text CSV never has one, binary data nearly always.
size_t find_nul(std::string_view bytes);
// 1-based line number of byte `offset` (counts '\n' before it).
uint64_t line_of_offset(std::string_view bytes, size_t offset);

} // namespace rafter
