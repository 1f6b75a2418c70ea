#pragma once
// Decodes fuzzer bytes into StringIds entries, a column layout and rows of one nsys table, and
// feeds them through nsys::RowConverter exactly as the SQLite driver does. Shared by the
// libFuzzer target and the corpus replay test. Layout of the bytes:
//   u8 table (mod 6), u8 string count, per string: u8 id, u8 length, bytes;
//   u8 column count (mod 32), per column: u8 name index (into kColumnNames, last = unknown);
//   then rows until the bytes run out, per value: u8 type (mod 5) and its payload
//   (integer/real: 8 bytes, text: u8 length + bytes, null/blob: nothing).
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "traces/importers/nsys/nsys_rows.h"

namespace rafter::fuzz {

inline const char* const kColumnNames[] = {
    "start", "end", "deviceId", "streamId", "correlationId", "globalTid", "demangledName", "shortName",
    "mangledName", "name", "nameId", "gridX", "gridY", "gridZ", "blockX", "blockY", "blockZ",
    "registersPerThread", "staticSharedMemory", "dynamicSharedMemory", "bytes", "copyKind",
    "eventType", "text", "textId", "contextId"};
constexpr size_t kColumnNameCount = sizeof kColumnNames / sizeof kColumnNames[0];

class ByteReader {
public:
    explicit ByteReader(std::string_view d) : d_(d) {}
    bool empty() const { return d_.empty(); }
    uint8_t u8() {
        if (d_.empty()) return 0;
        auto v = static_cast<uint8_t>(d_[0]);
        d_.remove_prefix(1);
        return v;
    }
    uint64_t u64() {
        uint64_t v = 0;
        size_t n = std::min<size_t>(8, d_.size());
        std::memcpy(&v, d_.data(), n);
        d_.remove_prefix(n);
        return v;
    }
    std::string_view bytes(size_t n) {
        n = std::min(n, d_.size());
        std::string_view s = d_.substr(0, n);
        d_.remove_prefix(n);
        return s;
    }

private:
    std::string_view d_;
};

// Returns the number of rows converted; rafter::Error propagates to the caller.
inline size_t run_nsys_rows(std::string_view data) {
    ByteReader in(data);
    auto table = static_cast<nsys::Table>(in.u8() % static_cast<uint8_t>(nsys::Table::count));
    Trace trace;
    nsys::RowConverter conv(trace, "fuzz.sqlite");
    for (unsigned n = in.u8() % 16; n > 0; --n) {
        int64_t id = in.u8();
        conv.add_string(id, in.bytes(in.u8()));
    }
    std::vector<std::string> names;
    for (unsigned n = in.u8() % 32; n > 0; --n) {
        unsigned k = in.u8();
        names.emplace_back(k < kColumnNameCount ? kColumnNames[k] : "unknownColumn");
    }
    nsys::Columns cols = nsys::resolve_columns(table, names, "fuzz.sqlite");
    std::vector<nsys::SqlValue> row(names.size());
    std::vector<std::string> texts(names.size());
    size_t rows = 0;
    while (!in.empty()) {
        for (size_t c = 0; c < row.size(); ++c) {
            nsys::SqlValue v;
            switch (in.u8() % 5) {
            case 0: v.type = nsys::SqlValue::Type::null; break;
            case 1: v.type = nsys::SqlValue::Type::integer; v.i = static_cast<int64_t>(in.u64()); break;
            case 2: {
                v.type = nsys::SqlValue::Type::real;
                uint64_t bits = in.u64();
                std::memcpy(&v.d, &bits, sizeof v.d);
                break;
            }
            case 3:
                v.type = nsys::SqlValue::Type::text;
                texts[c] = std::string(in.bytes(in.u8()));
                v.s = texts[c];
                break;
            default: v.type = nsys::SqlValue::Type::blob; break;
            }
            row[c] = v;
        }
        conv.add(table, cols, row.data(), row.size(), ++rows);
    }
    conv.finish();
    return rows;
}

} // namespace rafter::fuzz
