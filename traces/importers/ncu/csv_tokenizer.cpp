#include "traces/importers/ncu/csv_tokenizer.h"

#include <algorithm>
#include <cstring>

#include "core/error.h"

namespace rafter {

CsvTokenizer::CsvTokenizer(char* data, size_t size, std::string origin)
    : begin_(data), pos_(data), end_(data + size), origin_(std::move(origin)) {}

std::string_view CsvTokenizer::peek_line() const {
    const char* nl = static_cast<const char*>(std::memchr(pos_, '\n', static_cast<size_t>(end_ - pos_)));
    const char* stop = nl ? nl : end_;
    if (stop > pos_ && stop[-1] == '\r') --stop;
    return {pos_, static_cast<size_t>(stop - pos_)};
}

void CsvTokenizer::skip_line() {
    char* nl = static_cast<char*>(std::memchr(pos_, '\n', static_cast<size_t>(end_ - pos_)));
    if (nl) {
        pos_ = nl + 1;
        ++line_;
    } else {
        pos_ = end_;
    }
}

// A quoted field: the common case (no doubled quotes) is one memchr and no copy. Doubled quotes
// are removed by moving the text left within the field, so the view stays inside the buffer.
std::string_view CsvTokenizer::quoted_field(uint64_t record_line) {
    char* start = ++pos_;  // past the opening quote
    char* write = start;
    char* read = start;
    for (;;) {
        char* q = static_cast<char*>(std::memchr(read, '"', static_cast<size_t>(end_ - read)));
        if (!q)
            throw_input_error(origin_, PositionKind::line, record_line,
                              "unterminated quoted field (file truncated?)");
        line_ += static_cast<uint64_t>(std::count(read, q, '\n'));
        if (write != read) std::memmove(write, read, static_cast<size_t>(q - read));
        write += q - read;
        if (q + 1 < end_ && q[1] == '"') {  // "" inside a quoted field is one quote
            *write++ = '"';
            read = q + 2;
            continue;
        }
        pos_ = q + 1;
        break;
    }
    if (pos_ < end_ && *pos_ != ',' && *pos_ != '\n' && *pos_ != '\r')
        throw_input_error(origin_, PositionKind::line, line_,
                          "unexpected text after a closing quote (malformed CSV)");
    return {start, static_cast<size_t>(write - start)};
}

std::string_view CsvTokenizer::plain_field() {
    char* start = pos_;
    while (pos_ < end_ && *pos_ != ',' && *pos_ != '\n') ++pos_;
    char* stop = pos_;
    if (stop > start && stop[-1] == '\r' && (pos_ == end_ || *pos_ == '\n')) --stop;
    return {start, static_cast<size_t>(stop - start)};
}

uint64_t CsvTokenizer::next_record(std::vector<std::string_view>& fields) {
    fields.clear();
    uint64_t record_line = line_;
    for (;;) {
        fields.push_back(pos_ < end_ && *pos_ == '"' ? quoted_field(record_line) : plain_field());
        if (pos_ >= end_) break;
        char c = *pos_;
        if (c == ',') {
            ++pos_;
            continue;
        }
        if (c == '\r') {
            ++pos_;
            if (pos_ < end_ && *pos_ != '\n')
                throw_input_error(origin_, PositionKind::line, line_, "stray carriage return (malformed CSV)");
            if (pos_ >= end_) break;
        }
        // c is '\n' (possibly after '\r')
        ++pos_;
        ++line_;
        break;
    }
    return record_line;
}

size_t find_nul(std::string_view bytes) {
    const void* p = std::memchr(bytes.data(), '\0', bytes.size());
    return p ? static_cast<size_t>(static_cast<const char*>(p) - bytes.data()) : std::string_view::npos;
}

uint64_t line_of_offset(std::string_view bytes, size_t offset) {
    offset = std::min(offset, bytes.size());
    return 1 + static_cast<uint64_t>(std::count(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

} // namespace rafter
