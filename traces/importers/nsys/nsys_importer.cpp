// The SQLite driver of the Nsight Systems importer: checks the export's schema version, reads
// StringIds and the activity tables row by row (sqlite3_step, so memory is bounded by the
// Trace) and hands the values to nsys::RowConverter.
#include "traces/importers/nsys/nsys_importer.h"

#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "core/error.h"
#include "traces/importers/nsys/nsys_rows.h"

namespace rafter {

namespace {
using nsys::SqlValue;
using nsys::Table;

struct DbCloser {
    void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct StmtCloser {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;
using Stmt = std::unique_ptr<sqlite3_stmt, StmtCloser>;

class Reader {
public:
    Reader(const std::string& path, Trace& trace) : path_(path), t_(trace), conv_(trace, path) {}

    void run();

private:
    [[noreturn]] void db_error(const std::string& what) const {
        std::string msg = db_ ? sqlite3_errmsg(db_.get()) : "cannot open";
        throw Error(ExitCode::bad_input, what + ": " + msg, {path_});
    }
    Stmt prepare(const std::string& sql) {
        sqlite3_stmt* s = nullptr;
        if (sqlite3_prepare_v2(db_.get(), sql.c_str(), -1, &s, nullptr) != SQLITE_OK) db_error("query failed (" + sql + ")");
        return Stmt(s);
    }
    bool has_table(const std::string& name);
    std::optional<std::string> export_schema_version();
    void read_strings();
    void read_nvtx_types();
    void read_table(Table table);
    void read_metadata();

    std::string path_;
    Trace& t_;
    nsys::RowConverter conv_;
    Db db_;
};

bool Reader::has_table(const std::string& name) {
    Stmt s = prepare("SELECT 1 FROM sqlite_master WHERE type IN ('table','view') AND name = ?1");
    sqlite3_bind_text(s.get(), 1, name.c_str(), -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(s.get());
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) db_error("cannot read the schema");
    return rc == SQLITE_ROW;
}

// nsys writes the version of its export schema into META_DATA_EXPORT (older releases:
// EXPORT_META_DATA) as EXPORT_SCHEMA_VERSION, e.g. "3.16.1".
std::optional<std::string> Reader::export_schema_version() {
    for (const char* table : {"META_DATA_EXPORT", "EXPORT_META_DATA"}) {
        if (!has_table(table)) continue;
        Stmt s = prepare(std::string("SELECT value FROM ") + table + " WHERE name = 'EXPORT_SCHEMA_VERSION'");
        if (sqlite3_step(s.get()) == SQLITE_ROW && sqlite3_column_type(s.get(), 0) != SQLITE_NULL)
            return std::string(reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 0)));
    }
    return std::nullopt;
}

void Reader::read_strings() {
    if (!has_table("StringIds")) return;
    Stmt s = prepare("SELECT id, value FROM StringIds");
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
        if (sqlite3_column_type(s.get(), 0) != SQLITE_INTEGER) continue;
        const unsigned char* text = sqlite3_column_text(s.get(), 1);
        int n = sqlite3_column_bytes(s.get(), 1);
        conv_.add_string(sqlite3_column_int64(s.get(), 0),
                         text ? std::string_view(reinterpret_cast<const char*>(text), static_cast<size_t>(n)) : "");
    }
    if (rc != SQLITE_DONE) db_error("cannot read StringIds");
}

void Reader::read_nvtx_types() {
    if (!has_table("ENUM_NSYS_EVENT_TYPE")) return;
    nsys::NvtxTypes types;
    Stmt s = prepare("SELECT id, name FROM ENUM_NSYS_EVENT_TYPE");
    while (sqlite3_step(s.get()) == SQLITE_ROW) {
        const unsigned char* name = sqlite3_column_text(s.get(), 1);
        if (!name) continue;
        std::string_view n(reinterpret_cast<const char*>(name));
        if (n == "NvtxPushPopRange") types.push_pop_range = sqlite3_column_int64(s.get(), 0);
        if (n == "NvtxStartEndRange") types.start_end_range = sqlite3_column_int64(s.get(), 0);
    }
    conv_.set_nvtx_types(types);
}

void Reader::read_table(Table table) {
    const char* name = nsys::table_name(table);
    if (!has_table(name)) {
        if (table == Table::kernel)
            throw Error(ExitCode::bad_input,
                        "no CUPTI_ACTIVITY_KIND_KERNEL table: the export has no CUDA kernel activity "
                        "(was the report collected with --trace=cuda?)",
                        {path_});
        return;
    }
    Stmt s = prepare(std::string("SELECT * FROM ") + name);
    int ncol = sqlite3_column_count(s.get());
    std::vector<std::string> names;
    for (int i = 0; i < ncol; ++i) names.emplace_back(sqlite3_column_name(s.get(), i));
    nsys::Columns cols = nsys::resolve_columns(table, names, path_);
    std::vector<SqlValue> values(static_cast<size_t>(ncol));
    uint64_t row = 0;
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
        ++row;
        for (int i = 0; i < ncol; ++i) {
            SqlValue& v = values[static_cast<size_t>(i)];
            v = SqlValue{};
            switch (sqlite3_column_type(s.get(), i)) {
            case SQLITE_INTEGER: v.type = SqlValue::Type::integer; v.i = sqlite3_column_int64(s.get(), i); break;
            case SQLITE_FLOAT: v.type = SqlValue::Type::real; v.d = sqlite3_column_double(s.get(), i); break;
            case SQLITE_TEXT: {
                v.type = SqlValue::Type::text;
                const unsigned char* p = sqlite3_column_text(s.get(), i);
                v.s = std::string_view(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(s.get(), i)));
                break;
            }
            case SQLITE_BLOB: v.type = SqlValue::Type::blob; break;
            default: break;
            }
        }
        conv_.add(table, cols, values.data(), values.size(), row);
    }
    if (rc != SQLITE_DONE) db_error(std::string("cannot read ") + name);
}

void Reader::read_metadata() {
    TraceMetadata& m = t_.meta;
    if (has_table("TARGET_INFO_SESSION_START_TIME")) {
        Stmt s = prepare("SELECT utcEpochNs FROM TARGET_INFO_SESSION_START_TIME");
        if (sqlite3_step(s.get()) == SQLITE_ROW && sqlite3_column_type(s.get(), 0) == SQLITE_INTEGER)
            m.base_time_ns = sqlite3_column_int64(s.get(), 0);
    }
    if (m.base_time_ns == 0)
        t_.diagnostics.add(Severity::info, "nsys.no_session_start",
                           "TARGET_INFO_SESSION_START_TIME is missing: wall-clock time is unknown "
                           "(times are nanoseconds from the start of the session)");
    if (has_table("TARGET_INFO_SYSTEM_ENV")) {
        Stmt s = prepare("SELECT value FROM TARGET_INFO_SYSTEM_ENV WHERE name = 'Hostname'");
        if (sqlite3_step(s.get()) == SQLITE_ROW && sqlite3_column_text(s.get(), 0))
            m.host = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 0));
    }
    if (has_table("TARGET_INFO_GPU")) {
        Stmt s = prepare("SELECT * FROM TARGET_INFO_GPU");
        int ncol = sqlite3_column_count(s.get());
        auto col = [&](const char* n) {
            for (int i = 0; i < ncol; ++i)
                if (std::string_view(sqlite3_column_name(s.get(), i)) == n) return i;
            return -1;
        };
        int id = col("id"), cu = col("cuDevice"), name = col("name"), mem = col("totalMemory"), sms = col("smCount"),
            major = col("computeMajor"), minor = col("computeMinor");
        auto i64 = [&](int c) -> int64_t {
            return c >= 0 && sqlite3_column_type(s.get(), c) == SQLITE_INTEGER ? sqlite3_column_int64(s.get(), c) : -1;
        };
        while (sqlite3_step(s.get()) == SQLITE_ROW) {
            DeviceInfo d;
            // Kernel rows carry the CUDA device ordinal, which is cuDevice when nsys records it.
            int64_t dev = i64(cu) >= 0 ? i64(cu) : i64(id);
            d.id = dev >= 0 && dev <= INT32_MAX ? static_cast<int32_t>(dev) : -1;
            if (name >= 0 && sqlite3_column_text(s.get(), name))
                d.name = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), name));
            d.total_memory = i64(mem) > 0 ? static_cast<uint64_t>(i64(mem)) : 0;
            d.sm_count = i64(sms) > 0 && i64(sms) < (1 << 20) ? static_cast<int>(i64(sms)) : 0;
            d.cc_major = i64(major) > 0 && i64(major) < 1000 ? static_cast<int>(i64(major)) : 0;
            d.cc_minor = i64(minor) > 0 && i64(minor) < 1000 ? static_cast<int>(i64(minor)) : 0;
            m.devices.push_back(std::move(d));
        }
        if (!m.devices.empty()) m.machine_hint = m.devices.front().name;
    }
}

void Reader::run() {
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(path_.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
    db_.reset(raw);
    if (rc != SQLITE_OK) db_error("cannot open as SQLite");
    // A corrupt or non-database file fails on the first query.
    std::optional<std::string> version = export_schema_version();
    if (!version) {
        t_.diagnostics.add(Severity::warning, "nsys.schema_version_unknown",
                           "no EXPORT_SCHEMA_VERSION in META_DATA_EXPORT; columns were read by name");
    } else {
        int major = std::atoi(version->c_str());
        if (major != kNsysSchemaMajorSupported)
            t_.diagnostics.add(Severity::warning, "nsys.schema_version_untested",
                               "nsys export schema " + *version + " was not tested (supported: 3.x); "
                               "columns were read by name");
    }
    t_.meta.source_format = "nsys-sqlite";
    t_.meta.source_files = {path_};
    read_strings();
    read_nvtx_types();
    read_table(Table::kernel);
    read_table(Table::runtime);
    read_table(Table::driver);
    read_table(Table::memcpy);
    read_table(Table::memset);
    read_table(Table::nvtx);
    read_metadata();
    conv_.finish();
    // A GPU export that yields no kernel would be an empty success: say what it holds instead.
    if (t_.kernels.size() == 0) {
        size_t runtime = 0;
        for (const CpuOpRow& op : t_.cpu_ops) runtime += op.kind == CpuEventKind::runtime;
        throw Error(ExitCode::bad_input,
                    "the CUPTI_ACTIVITY_KIND_KERNEL table has no rows: no kernel ran in the profile (" +
                        std::to_string(runtime) + " CUDA runtime calls, " + std::to_string(t_.copies.size()) +
                        " copies and memsets); nothing to analyse",
                    {path_});
    }
    if (version) t_.diagnostics.add(Severity::info, "nsys.schema_version", "nsys export schema " + *version);
}

class NsysImporter final : public Importer {
public:
    std::string_view name() const override { return "nsys-sqlite"; }
    std::string_view description() const override { return "Nsight Systems SQLite exports"; }
    bool sniff(std::string_view head, std::string_view path) const override { return looks_like_nsys(head, path); }
    Trace read(const std::vector<std::string>& paths, const ImportOptions& options) const override {
        if (paths.size() != 1) throw Error(ExitCode::usage, "the nsys importer reads one file per trace");
        return read_nsys_file(paths.front(), options);
    }
};
} // namespace

Trace read_nsys_file(const std::string& path, const ImportOptions&) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw Error(ExitCode::bad_input, "no such file", {path});
    Trace t;
    Reader(path, t).run();
    return t;
}

bool looks_like_nsys(std::string_view head, std::string_view path) {
    static constexpr std::string_view kMagic("SQLite format 3\0", 16);
    if (head.substr(0, kMagic.size()) != kMagic) return false;
    for (std::string_view marker : {"CUPTI_ACTIVITY_KIND", "StringIds", "NVTX_EVENTS", "META_DATA_EXPORT",
                                    "TARGET_INFO_"})
        if (head.find(marker) != std::string_view::npos) return true;
    return path.size() >= 7 && path.substr(path.size() - 7) == ".sqlite";
}

const Importer& nsys_importer() {
    static const NsysImporter instance;
    return instance;
}

} // namespace rafter
