#pragma once
// Interpreting half of the Nsight Systems importer: converts rows of the SQLite export's
// tables (CUPTI_ACTIVITY_KIND_KERNEL, _RUNTIME, _DRIVER, _MEMCPY, _MEMSET, NVTX_EVENTS) into
// Trace rows. Rows arrive as plain values with their column names, so this file knows nothing
// of SQLite (and can be fuzzed without a database); nsys_importer.cpp runs the queries.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "traces/trace.h"

namespace rafter::nsys {

// One SQLite value as the driver read it. Text points into the driver's row buffer.
struct SqlValue {
    enum class Type : uint8_t { null, integer, real, text, blob } type = Type::null;
    int64_t i = 0;
    double d = 0;
    std::string_view s;
};

enum class Table : uint8_t { kernel, runtime, driver, memcpy, memset, nvtx, count };
const char* table_name(Table t);  // "CUPTI_ACTIVITY_KIND_KERNEL", ...

// Where each column the importer reads sits in a table's result rows (-1: absent).
struct Columns {
    int start = -1, end = -1, device = -1, stream = -1, correlation = -1, global_tid = -1;
    int demangled_name = -1, short_name = -1, mangled_name = -1, name = -1, name_id = -1;
    int grid_x = -1, grid_y = -1, grid_z = -1, block_x = -1, block_y = -1, block_z = -1;
    int registers = -1, static_smem = -1, dynamic_smem = -1;
    int bytes = -1, copy_kind = -1;
    int event_type = -1, text = -1, text_id = -1;
};
// Maps column names to positions. Throws rafter::Error naming the file and table when a
// column the importer needs is missing (start/end everywhere; a name column for kernels).
Columns resolve_columns(Table table, const std::vector<std::string>& names, const std::string& file);

// NVTX event type ids (ENUM_NSYS_EVENT_TYPE); the defaults are those of nsys 2021-2025.
struct NvtxTypes {
    int64_t push_pop_range = 59;
    int64_t start_end_range = 60;
};

class RowConverter {
public:
    RowConverter(Trace& trace, std::string file);

    // StringIds table: id -> text.
    void add_string(int64_t id, std::string_view value);
    void set_nvtx_types(NvtxTypes t) { nvtx_ = t; }

    // Converts one row of `table` (values in the order `cols` was resolved for). `row` is
    // the 1-based row number, for error messages. Throws rafter::Error on values of the wrong
    // type or out of range.
    void add(Table table, const Columns& cols, const SqlValue* values, size_t count, uint64_t row);
    // Adds the diagnostics collected while converting (unnamed kernels, open NVTX ranges...).
    void finish();

private:
    [[noreturn]] void fail(const std::string& what) const;
    int64_t integer(int col, const char* name, bool required, int64_t fallback = 0);
    StringId string_ref(int col, const char* name);
    StringId kernel_name(const Columns& c);

    Trace& t_;
    std::string file_;
    NvtxTypes nvtx_;
    std::unordered_map<int64_t, StringId> strings_;
    // Current row, for error messages.
    Table table_ = Table::kernel;
    uint64_t row_ = 0;
    const SqlValue* values_ = nullptr;
    size_t count_ = 0;
    uint64_t unnamed_kernels_ = 0, open_ranges_ = 0, marks_ = 0, unknown_strings_ = 0;
    uint64_t bad_intervals_ = 0, bad_dims_ = 0;
    std::string bad_interval_example_;
};

// nsys serializes process and thread ids into one integer ("Serialized GlobalId").
inline int64_t global_pid(int64_t global_tid) { return (global_tid >> 24) & 0xFFFFFF; }
inline int64_t global_tid_to_tid(int64_t global_tid) { return global_tid & 0xFFFFFF; }

} // namespace rafter::nsys
