#include "traces/importers/nsys/nsys_rows.h"

#include <cmath>

#include "core/error.h"

namespace rafter::nsys {

const char* table_name(Table t) {
    switch (t) {
    case Table::kernel: return "CUPTI_ACTIVITY_KIND_KERNEL";
    case Table::runtime: return "CUPTI_ACTIVITY_KIND_RUNTIME";
    case Table::driver: return "CUPTI_ACTIVITY_KIND_DRIVER";
    case Table::memcpy: return "CUPTI_ACTIVITY_KIND_MEMCPY";
    case Table::memset: return "CUPTI_ACTIVITY_KIND_MEMSET";
    case Table::nvtx: return "NVTX_EVENTS";
    case Table::count: break;
    }
    return "?";
}

Columns resolve_columns(Table table, const std::vector<std::string>& names, const std::string& file) {
    Columns c;
    for (size_t i = 0; i < names.size(); ++i) {
        const std::string& n = names[i];
        int idx = static_cast<int>(i);
        if (n == "start") c.start = idx;
        else if (n == "end") c.end = idx;
        else if (n == "deviceId") c.device = idx;
        else if (n == "streamId") c.stream = idx;
        else if (n == "correlationId") c.correlation = idx;
        else if (n == "globalTid") c.global_tid = idx;
        else if (n == "demangledName") c.demangled_name = idx;
        else if (n == "shortName") c.short_name = idx;
        else if (n == "mangledName") c.mangled_name = idx;
        else if (n == "name") c.name = idx;
        else if (n == "nameId") c.name_id = idx;
        else if (n == "gridX") c.grid_x = idx;
        else if (n == "gridY") c.grid_y = idx;
        else if (n == "gridZ") c.grid_z = idx;
        else if (n == "blockX") c.block_x = idx;
        else if (n == "blockY") c.block_y = idx;
        else if (n == "blockZ") c.block_z = idx;
        else if (n == "registersPerThread") c.registers = idx;
        else if (n == "staticSharedMemory") c.static_smem = idx;
        else if (n == "dynamicSharedMemory") c.dynamic_smem = idx;
        else if (n == "bytes") c.bytes = idx;
        else if (n == "copyKind") c.copy_kind = idx;
        else if (n == "eventType") c.event_type = idx;
        else if (n == "text") c.text = idx;
        else if (n == "textId") c.text_id = idx;
    }
    auto need = [&](int col, const char* what) {
        if (col < 0)
            throw Error(ExitCode::bad_input,
                        std::string("table ") + table_name(table) + " has no column '" + what +
                            "' (not an Nsight Systems export of a supported schema?)",
                        {file});
    };
    need(c.start, "start");
    if (table != Table::nvtx) need(c.end, "end");
    if (table == Table::kernel && c.demangled_name < 0 && c.short_name < 0 && c.name < 0 && c.mangled_name < 0)
        need(-1, "demangledName");
    if ((table == Table::runtime || table == Table::driver) && c.name_id < 0) need(-1, "nameId");
    return c;
}

RowConverter::RowConverter(Trace& trace, std::string file) : t_(trace), file_(std::move(file)) {}

void RowConverter::add_string(int64_t id, std::string_view value) { strings_[id] = t_.strings.intern(value); }

void RowConverter::fail(const std::string& what) const {
    throw Error(ExitCode::bad_input, std::string(table_name(table_)) + ": " + what,
                {file_, PositionKind::row, row_});
}

namespace {
const char* type_name(SqlValue::Type t) {
    switch (t) {
    case SqlValue::Type::null: return "NULL";
    case SqlValue::Type::integer: return "an integer";
    case SqlValue::Type::real: return "a real";
    case SqlValue::Type::text: return "text";
    case SqlValue::Type::blob: return "a blob";
    }
    return "?";
}
} // namespace

// SQLite is dynamically typed: an INTEGER column can hold anything. Integral reals are
// accepted (some tools rewrite tables through floating point); anything else is an error.
int64_t RowConverter::integer(int col, const char* name, bool required, int64_t fallback) {
    if (col < 0 || static_cast<size_t>(col) >= count_) {
        if (required) fail(std::string("missing column '") + name + "'");
        return fallback;
    }
    const SqlValue& v = values_[col];
    switch (v.type) {
    case SqlValue::Type::integer: return v.i;
    case SqlValue::Type::null:
        if (required) fail(std::string("'") + name + "' is NULL");
        return fallback;
    case SqlValue::Type::real:
        if (std::isfinite(v.d) && v.d == std::floor(v.d) && std::fabs(v.d) < 9.2e18) return static_cast<int64_t>(v.d);
        break;
    default: break;
    }
    fail(std::string("'") + name + "' must be an integer, got " + type_name(v.type));
}

StringId RowConverter::string_ref(int col, const char* name) {
    if (col < 0 || static_cast<size_t>(col) >= count_) return kNoString;
    const SqlValue& v = values_[col];
    if (v.type == SqlValue::Type::null) return kNoString;
    if (v.type == SqlValue::Type::text) return t_.strings.intern(v.s);  // older exports stored text
    int64_t id = integer(col, name, false);
    auto it = strings_.find(id);
    if (it == strings_.end()) {
        ++unknown_strings_;
        return kNoString;
    }
    return it->second;
}

StringId RowConverter::kernel_name(const Columns& c) {
    for (auto [col, name] : {std::pair{c.demangled_name, "demangledName"}, std::pair{c.name, "name"},
                             std::pair{c.short_name, "shortName"}, std::pair{c.mangled_name, "mangledName"}}) {
        StringId s = string_ref(col, name);
        if (s != kNoString) return s;
    }
    ++unnamed_kernels_;
    return t_.strings.intern("(unnamed kernel)");
}

namespace {
CopyKind copy_kind(int64_t k) {
    // ENUM_CUDA_MEMCPY_OPER: 1 HtoD, 2 DtoH, 8 DtoD, 9 HtoH, 10 PtoP, 11-13 unified memory.
    switch (k) {
    case 1: case 11: return CopyKind::memcpy_htod;
    case 2: case 12: return CopyKind::memcpy_dtoh;
    case 8: case 13: return CopyKind::memcpy_dtod;
    case 9: return CopyKind::memcpy_htoh;
    case 10: return CopyKind::memcpy_peer;
    default: return CopyKind::memcpy_other;
    }
}

int32_t to_id32(int64_t v) {
    // Device/stream ids are unsigned 32-bit in CUPTI; out-of-range values mean "unknown".
    if (v >= INT32_MIN && v <= INT32_MAX) return static_cast<int32_t>(v);
    if (v > INT32_MAX && v <= UINT32_MAX) return static_cast<int32_t>(static_cast<uint32_t>(v));
    return -1;
}

uint32_t to_dim(int64_t v) { return v > 0 && v <= UINT32_MAX ? static_cast<uint32_t>(v) : 0; }
} // namespace

void RowConverter::add(Table table, const Columns& c, const SqlValue* values, size_t count, uint64_t row) {
    table_ = table;
    row_ = row;
    values_ = values;
    count_ = count;
    int64_t start = integer(c.start, "start", true);
    int64_t end = table == Table::nvtx ? integer(c.end, "end", false, INT64_MIN) : integer(c.end, "end", true);
    // An interval that ends before it starts, or lasts longer than any profile (over a day: values
    // near the int64 limits), cannot be trusted: a kernel keeps its row with its time missing, other
    // rows are skipped; counted either way.
    bool open_nvtx = table == Table::nvtx && end == INT64_MIN;
    if (!open_nvtx && !(end >= start && static_cast<double>(end) - static_cast<double>(start) <= 86400e9)) {
        if (bad_intervals_++ == 0)
            bad_interval_example_ = std::string(table_name(table)) + " row " + std::to_string(row) + ": start " +
                                    std::to_string(start) + ", end " + std::to_string(end);
        if (table != Table::kernel) return;
        start = end = 0;
    }
    switch (table) {
    case Table::kernel: {
        KernelRow k;
        k.name = kernel_name(c);
        k.device = to_id32(integer(c.device, "deviceId", false, -1));
        k.stream = to_id32(integer(c.stream, "streamId", false, -1));
        k.start_ns = start;
        k.end_ns = end;
        k.duration_s = (static_cast<double>(end) - static_cast<double>(start)) * 1e-9;  // no int overflow
        k.duration_prov = start == 0 && end == 0 ? Provenance::missing : Provenance::measured;
        auto dim = [&](int col, const char* name) {
            int64_t v = integer(col, name, false, INT64_MIN);  // INT64_MIN: no such column or null
            if (v == INT64_MIN) return uint32_t{0};
            if (v < 1 || v > UINT32_MAX) ++bad_dims_;
            return to_dim(v);
        };
        k.grid = {dim(c.grid_x, "gridX"), dim(c.grid_y, "gridY"), dim(c.grid_z, "gridZ")};
        k.block = {dim(c.block_x, "blockX"), dim(c.block_y, "blockY"), dim(c.block_z, "blockZ")};
        int64_t corr = integer(c.correlation, "correlationId", false);
        k.correlation = corr > 0 ? static_cast<uint64_t>(corr) : 0;
        int64_t regs = integer(c.registers, "registersPerThread", false, -1);
        k.registers_per_thread = regs >= 0 && regs <= INT32_MAX ? static_cast<int32_t>(regs) : -1;
        int64_t ss = integer(c.static_smem, "staticSharedMemory", false, -1);
        int64_t ds = integer(c.dynamic_smem, "dynamicSharedMemory", false, -1);
        if (ss >= 0 && ds >= 0 && ss <= INT32_MAX && ds <= INT32_MAX - ss)
            k.shared_memory_bytes = static_cast<int32_t>(ss + ds);
        t_.kernels.append(k);
        break;
    }
    case Table::runtime:
    case Table::driver: {
        CpuOpRow r;
        r.kind = table == Table::runtime ? CpuEventKind::runtime : CpuEventKind::driver;
        r.name = string_ref(c.name_id, "nameId");
        int64_t gtid = integer(c.global_tid, "globalTid", false);
        r.pid = global_pid(gtid);
        r.tid = global_tid_to_tid(gtid);
        r.start_ns = start;
        r.end_ns = end;
        int64_t corr = integer(c.correlation, "correlationId", false);
        r.correlation = corr > 0 ? static_cast<uint64_t>(corr) : 0;
        if (t_.meta.pid == 0) t_.meta.pid = r.pid;
        t_.cpu_ops.push_back(r);
        break;
    }
    case Table::memcpy:
    case Table::memset: {
        CopyRow r;
        r.kind = table == Table::memset ? CopyKind::memset : copy_kind(integer(c.copy_kind, "copyKind", false));
        r.device = to_id32(integer(c.device, "deviceId", false, -1));
        r.stream = to_id32(integer(c.stream, "streamId", false, -1));
        r.start_ns = start;
        r.end_ns = end;
        int64_t bytes = integer(c.bytes, "bytes", false);
        if (bytes < 0) fail("'bytes' is negative");
        r.bytes = static_cast<uint64_t>(bytes);
        int64_t corr = integer(c.correlation, "correlationId", false);
        r.correlation = corr > 0 ? static_cast<uint64_t>(corr) : 0;
        t_.copies.push_back(r);
        break;
    }
    case Table::nvtx: {
        int64_t type = integer(c.event_type, "eventType", false, nvtx_.push_pop_range);
        if (type != nvtx_.push_pop_range && type != nvtx_.start_end_range) { ++marks_; break; }
        if (end == INT64_MIN) { ++open_ranges_; break; }  // a range that never ended
        RegionRow r;
        r.kind = RegionKind::nvtx;
        r.name = string_ref(c.text, "text");
        if (r.name == kNoString) r.name = string_ref(c.text_id, "textId");
        int64_t gtid = integer(c.global_tid, "globalTid", false);
        r.pid = global_pid(gtid);
        r.tid = global_tid_to_tid(gtid);
        r.start_ns = start;
        r.end_ns = end;
        t_.regions.push_back(r);
        break;
    }
    case Table::count: break;
    }
}

void RowConverter::finish() {
    if (bad_intervals_)
        t_.diagnostics.add(Severity::warning, "nsys.bad_interval",
                           "rows whose end precedes their start or that last over a day: kernels kept with their "
                           "time missing, other rows skipped (first: " + bad_interval_example_ + ")",
                           bad_intervals_);
    if (bad_dims_)
        t_.diagnostics.add(Severity::warning, "nsys.bad_launch_dim",
                           "grid or block dimensions below 1 or beyond 32 bits are unknown (0)", bad_dims_);
    if (unnamed_kernels_)
        t_.diagnostics.add(Severity::warning, "nsys.unnamed_kernel",
                           "kernels whose name id is not in StringIds", unnamed_kernels_);
    if (unknown_strings_)
        t_.diagnostics.add(Severity::warning, "nsys.unknown_string_id",
                           "string ids not found in StringIds (names left empty)", unknown_strings_);
    if (open_ranges_)
        t_.diagnostics.add(Severity::info, "nsys.open_nvtx_range", "NVTX ranges without an end were skipped",
                           open_ranges_);
    if (marks_)
        t_.diagnostics.add(Severity::info, "nsys.nvtx_not_range",
                           "NVTX marks and other non-range NVTX events were skipped", marks_);
}

} // namespace rafter::nsys
