// Nsight Compute CSV importer ("ncu --csv"): the details page (one row per launch and metric)
// and the raw page (one row per launch, one column per metric, a units row under the header),
// with application output before the header, and several files of one run merged by launch ID.
// Bytes become rows here; what the metrics mean lives in ncu_metrics.cpp.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <deque>
#include <map>
#include <unordered_map>

#include "core/error.h"
#include "core/text.h"
#include "traces/arch.h"
#include "traces/importers/ncu/csv_tokenizer.h"
#include "traces/importer.h"
#include "traces/input_file.h"
#include "traces/importers/ncu/ncu_metrics.h"
#include "traces/importers/ncu/ncu_units.h"

namespace rafter {

namespace {

// ---- Header recognition -------------------------------------------------------------------

std::string_view strip_bom(std::string_view line) {
    if (line.size() >= 3 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
    return line;
}

// The CSV header: a line whose fields include "ID" and a kernel-name or metric column. Log lines
// before it never qualify. Header names hold no commas, so a plain split is exact here.
bool is_header_line(std::string_view line) {
    line = strip_bom(line);
    if (line.find("ID") == std::string_view::npos) return false;  // cheap reject for log lines
    bool id = false, other = false;
    for (std::string_view f : split(line, ',')) {
        f = trim(f);
        if (f.size() >= 2 && f.front() == '"' && f.back() == '"') f = f.substr(1, f.size() - 2);
        if (f == "ID") id = true;
        else if (f == "Kernel Name" || f == "Function Name" || f == "Demangled Name" || f == "Metric Name")
            other = true;
    }
    return id && other;
}

bool is_profiler_line(std::string_view line) { return starts_with(line, "=="); }
bool is_profiler_problem(std::string_view line) {
    return starts_with(line, "==WARNING==") || starts_with(line, "==ERROR==");
}

// ---- Column layout ------------------------------------------------------------------------

// Launch attributes ncu prints; any other column of the raw page is a metric.
constexpr std::string_view kKernelNameColumns[] = {"Kernel Name", "Function Name", "Demangled Name", "Mangled Name"};
constexpr std::string_view kAttributeColumns[] = {
    "ID", "Process ID", "Process Name", "Host Name", "Kernel Name", "Function Name", "Demangled Name",
    "Mangled Name", "Kernel Time", "Context", "Stream", "Block Size", "Grid Size", "Device", "CC",
    "Section Name", "Metric Name", "Metric Unit", "Metric Value", "Rule Name", "Rule Type",
    "Rule Description", "Estimated Speedup Type", "Estimated Speedup"};

struct Columns {
    int id = -1, pid = -1, host = -1, kernel = -1, stream = -1, block = -1, grid = -1, device = -1, cc = -1;
    int section = -1, metric_name = -1, metric_unit = -1, metric_value = -1;
    size_t count = 0;
    // Rows may stop before the trailing rule columns (ncu 2023 and later: metric rows end after
    // "Metric Value", only rule rows are full length); they need at least this many fields.
    size_t min_fields = 0;
    bool long_format() const { return metric_name >= 0 || metric_value >= 0; }
};

constexpr std::string_view kRuleColumns[] = {"Rule Name", "Rule Type", "Rule Description", "Estimated Speedup Type",
                                             "Estimated Speedup"};

Columns locate_columns(const std::vector<std::string_view>& header) {
    Columns c;
    c.count = header.size();
    c.min_fields = c.count;
    while (c.min_fields > 0) {
        std::string_view h = trim(header[c.min_fields - 1]);
        bool rule = false;
        for (auto r : kRuleColumns) rule = rule || h == r;
        if (!rule) break;
        --c.min_fields;
    }
    auto find = [&](std::string_view name) {
        for (size_t i = 0; i < header.size(); ++i)
            if (trim(i == 0 ? strip_bom(header[i]) : header[i]) == name) return static_cast<int>(i);
        return -1;
    };
    c.id = find("ID");
    c.pid = find("Process ID");
    c.host = find("Host Name");
    for (auto name : kKernelNameColumns)
        if (c.kernel < 0) c.kernel = find(name);
    c.stream = find("Stream");
    c.block = find("Block Size");
    c.grid = find("Grid Size");
    c.device = find("Device");
    c.cc = find("CC");
    c.section = find("Section Name");
    c.metric_name = find("Metric Name");
    c.metric_unit = find("Metric Unit");
    c.metric_value = find("Metric Value");
    return c;
}

bool is_attribute_column(std::string_view name) {
    for (auto a : kAttributeColumns)
        if (name == a) return true;
    return false;
}

// ---- Field parsing ------------------------------------------------------------------------

template <class Int>
std::optional<Int> parse_int(std::string_view s) {
    s = trim(s);
    Int v{};
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return v;
}

// Metric values: plain numbers take the fast path; "1,234.5" goes through parse_number.
std::optional<double> parse_value(std::string_view s) {
    double v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (!s.empty() && ec == std::errc() && p == s.data() + s.size()) {
        if (!std::isfinite(v)) return std::nullopt;
        return v;
    }
    auto slow = parse_number(s);
    if (slow && !std::isfinite(*slow)) return std::nullopt;
    return slow;
}

bool is_na(std::string_view s) {
    s = trim(s);
    return s.empty() || s == "n/a" || s == "N/A";
}

// "(128, 1, 1)" -> {128, 1, 1}; empty -> unknown (0, 0, 0).
std::optional<Dim3> parse_dim3(std::string_view s) {
    s = trim(s);
    if (s.empty()) return Dim3{};
    if (s.front() != '(' || s.back() != ')') return std::nullopt;
    auto parts = split(s.substr(1, s.size() - 2), ',');
    if (parts.size() != 3) return std::nullopt;
    auto x = parse_int<uint32_t>(parts[0]), y = parse_int<uint32_t>(parts[1]), z = parse_int<uint32_t>(parts[2]);
    if (!x || !y || !z) return std::nullopt;
    return Dim3{*x, *y, *z};
}

std::string shorten(std::string_view s, size_t max = 100) {
    if (s.size() <= max) return std::string(s);
    return std::string(s.substr(0, max)) + "...";
}

// ---- Accumulated launches -----------------------------------------------------------------

struct MetricEntry {
    double value;
    uint32_t line;
    uint16_t metric;
    uint16_t file;
};

struct Launch {
    int64_t pid = 0;
    uint64_t id = 0;
    StringId name = kNoString;
    uint16_t first_file = 0;
    uint64_t first_line = 0;
    uint16_t last_file = 0;
    uint16_t files_seen = 0;
    int32_t device = -1, stream = -1;
    Dim3 grid, block;
    int cc_major = 0, cc_minor = 0;
    std::vector<MetricEntry> metrics;
};

// Reads one or more files into launches; finish() turns them into a Trace.
class NcuReader {
public:
    explicit NcuReader(const ImportOptions& options);
    void read(const std::string& path);
    Trace finish();

private:
    void read_long(CsvTokenizer& tok, const Columns& cols);
    void read_wide(CsvTokenizer& tok, const Columns& cols, const std::vector<std::string_view>& header);
    // The next data record, skipping blank and ==PROF== lines; false at end of file.
    bool next_row(CsvTokenizer& tok, const Columns& cols, std::vector<std::string_view>& fields, uint64_t& line);
    Launch& launch_for(const std::vector<std::string_view>& f, const Columns& cols, uint64_t line);
    // The parsed unit, or null with `why` set when it is unknown or does not fit the metric.
    const NcuUnit* resolve_unit(std::string_view unit, int metric, std::string& why);
    // Stores one printed value; `unit` null means its unit was bad (`unit_error`, at unit_line).
    void store(Launch& l, int metric, std::string_view value_text, const NcuUnit* unit,
               const std::string& unit_error, uint64_t unit_line, uint64_t line);
    void store_value(Launch& l, int metric, double value, uint64_t line);
    void note_profiler_line(std::string_view line);
    [[noreturn]] void fail(uint64_t line, const std::string& message) const {
        throw_input_error(files_.back(), PositionKind::line, line, message);
    }

    const ImportOptions& options_;
    Trace trace_;
    std::vector<std::string> files_;
    std::vector<Launch> launches_;
    // By ncu launch ID alone: IDs are unique within one profiling session, and separate sessions
    // of the same workload (one metric per run, in several files or concatenated into one)
    // repeat them. Their Process IDs differ, so the Process ID cannot be part of the key.
    std::unordered_map<uint64_t, uint32_t> index_;
    std::vector<int64_t> pids_;  // distinct Process IDs seen, in order
    StringPool unknown_metrics_;
    std::deque<std::pair<std::string, NcuUnit>> unit_cache_;  // deque: pointers stay valid
    uint64_t na_values_ = 0;
    uint64_t implausible_values_ = 0;
    uint64_t rule_rows_ = 0;
    std::string implausible_example_;
    std::string na_example_;
    uint64_t profiler_problems_ = 0;
    std::string profiler_problem_example_;
    std::string host_;
    bool have_host_ = false;
};

NcuReader::NcuReader(const ImportOptions& options) : options_(options) {
    trace_.meta.source_format = "ncu-csv";
}

void NcuReader::note_profiler_line(std::string_view line) {
    if (!is_profiler_problem(line)) return;
    if (profiler_problems_++ == 0) profiler_problem_example_ = shorten(line, 200);
}

void NcuReader::read(const std::string& path) {
    if (files_.size() >= 0xFFFF) throw Error(ExitCode::bad_input, "too many ncu CSV files merged (65535 at most)", {path});
    files_.push_back(path);
    std::string bytes = rafter::read_file(path);
    if (bytes.empty()) throw Error(ExitCode::bad_input, "empty file", {path});
    if (size_t nul = find_nul(bytes); nul != std::string::npos)
        throw_input_error(path, PositionKind::line, line_of_offset(bytes, nul),
                          "binary data (NUL byte at byte " + std::to_string(nul) + "), not an Nsight Compute CSV");

    size_t bom = starts_with(bytes, "\xEF\xBB\xBF") ? 3 : 0;  // a UTF-8 byte-order mark is not data
    CsvTokenizer tok(bytes.data() + bom, bytes.size() - bom, path);
    while (!tok.at_end() && !is_header_line(tok.peek_line())) {
        note_profiler_line(tok.peek_line());
        tok.skip_line();
    }
    if (tok.at_end())
        throw Error(ExitCode::bad_input,
                    "no Nsight Compute CSV header found (a line starting with \"ID\", written by ncu --csv)", {path});
    std::vector<std::string_view> header;
    uint64_t header_line = tok.next_record(header);
    Columns cols = locate_columns(header);
    if (cols.id < 0) fail(header_line, "missing required column \"ID\"");
    if (cols.kernel < 0) fail(header_line, "missing required column \"Kernel Name\"");
    if (cols.long_format()) {
        for (auto [col, name] : {std::pair{cols.metric_name, "Metric Name"}, {cols.metric_unit, "Metric Unit"},
                                 {cols.metric_value, "Metric Value"}})
            if (col < 0) fail(header_line, std::string("missing required column \"") + name + "\"");
        read_long(tok, cols);
    } else {
        read_wide(tok, cols, header);
    }
}

bool NcuReader::next_row(CsvTokenizer& tok, const Columns& cols, std::vector<std::string_view>& fields,
                         uint64_t& line) {
    for (;;) {
        if (tok.at_end()) return false;
        // Data rows start with a quote or a digit: only other lines need a look at the whole line.
        char c = tok.peek_char();
        std::string_view peek = c == '"' || (c >= '0' && c <= '9') ? std::string_view("x") : tok.peek_line();
        if (trim(peek).empty() || is_profiler_line(peek)) {
            note_profiler_line(peek);
            tok.skip_line();
            continue;
        }
        line = tok.next_record(fields);
        if (fields.size() < cols.count && fields.size() >= cols.min_fields) {
            fields.resize(cols.count);  // the rule columns this row leaves out are empty
        }
        if (fields.size() != cols.count) {
            if (fields.size() < cols.count && tok.at_end())
                fail(line, "the last row has " + std::to_string(fields.size()) + " fields but the header has " +
                               std::to_string(cols.count) + " (file truncated?)");
            fail(line, "row has " + std::to_string(fields.size()) + " fields but the header has " +
                           std::to_string(cols.count));
        }
        return true;
    }
}

Launch& NcuReader::launch_for(const std::vector<std::string_view>& f, const Columns& cols, uint64_t line) {
    auto id = parse_int<uint64_t>(f[cols.id]);
    if (!id) fail(line, "launch ID '" + shorten(f[cols.id]) + "' is not a non-negative integer");
    int64_t pid = 0;
    if (cols.pid >= 0) {
        auto p = parse_int<int64_t>(f[cols.pid]);
        if (!p) fail(line, "Process ID '" + shorten(f[cols.pid]) + "' is not an integer");
        pid = *p;
    }
    auto file = static_cast<uint16_t>(files_.size() - 1);
    std::string_view name = f[cols.kernel];
    if (std::find(pids_.begin(), pids_.end(), pid) == pids_.end()) pids_.push_back(pid);
    auto [it, inserted] = index_.try_emplace(*id, static_cast<uint32_t>(launches_.size()));
    if (!inserted) {
        Launch& l = launches_[it->second];
        if (trace_.strings.get(l.name) != name)
            fail(line, "launch ID " + std::to_string(*id) + " is kernel '" +
                           shorten(name) + "' here but '" + shorten(trace_.strings.get(l.name)) + "' in " +
                           files_[l.first_file] + ":" + std::to_string(l.first_line) +
                           " (files of different runs mixed?)");
        if (l.last_file != file) {
            l.last_file = file;
            ++l.files_seen;
        }
        return l;
    }
    // A new launch: its attributes are parsed once, here.
    Launch& l = launches_.emplace_back();
    l.pid = pid;
    l.id = *id;
    l.name = trace_.strings.intern(name);
    l.first_file = l.last_file = file;
    l.first_line = line;
    l.files_seen = 1;
    auto int_attr = [&](int col, const char* what) -> int32_t {
        if (col < 0 || trim(f[col]).empty()) return -1;
        auto v = parse_int<int32_t>(f[col]);
        if (!v) fail(line, std::string(what) + " '" + shorten(f[col]) + "' is not an integer");
        return *v;
    };
    l.device = int_attr(cols.device, "Device");
    l.stream = int_attr(cols.stream, "Stream");
    auto dim_attr = [&](int col, const char* what) {
        if (col < 0) return Dim3{};
        auto d = parse_dim3(f[col]);
        if (!d) fail(line, std::string(what) + " '" + shorten(f[col]) + "' is not of the form (x, y, z)");
        return *d;
    };
    l.grid = dim_attr(cols.grid, "Grid Size");
    l.block = dim_attr(cols.block, "Block Size");
    if (cols.cc >= 0 && !trim(f[cols.cc]).empty()) {
        std::string_view cc = trim(f[cols.cc]);
        size_t dot = cc.find('.');
        auto major = parse_int<int>(cc.substr(0, dot));
        auto minor = dot == std::string_view::npos ? std::optional<int>(0) : parse_int<int>(cc.substr(dot + 1));
        if (!major || !minor) fail(line, "CC '" + shorten(cc) + "' is not a compute capability (MAJOR.MINOR)");
        l.cc_major = *major;
        l.cc_minor = *minor;
    }
    if (!have_host_) {
        have_host_ = true;
        if (cols.host >= 0) host_ = std::string(trim(f[cols.host]));
        trace_.meta.pid = pid;
    }
    return l;
}

const NcuUnit* NcuReader::resolve_unit(std::string_view unit, int metric, std::string& why) {
    const NcuMetric& m = ncu_metrics()[static_cast<size_t>(metric)];
    const NcuUnit* found = nullptr;
    for (auto& [text, u] : unit_cache_)
        if (text == unit) found = &u;
    if (!found) {
        auto parsed = parse_ncu_unit(unit);
        if (!parsed) {
            why = "unknown unit '" + shorten(unit) + "' for metric " + m.name;
            return nullptr;
        }
        found = &unit_cache_.emplace_back(std::string(unit), *parsed).second;
    }
    if (!unit_fits(*found, m.quantity)) {
        why = "metric " + m.name + " has unit '" + std::string(unit) + "' but must be " + to_string(m.quantity);
        return nullptr;
    }
    return found;
}

void NcuReader::store_value(Launch& l, int metric, double value, uint64_t line) {
    auto file = static_cast<uint16_t>(files_.size() - 1);
    for (const MetricEntry& e : l.metrics) {
        if (e.metric != metric) continue;
        if (e.value == value) return;  // the same metric printed twice (e.g. two sections)
        fail(line, "metric " + ncu_metrics()[static_cast<size_t>(metric)].name + " of launch ID " +
                       std::to_string(l.id) + " is " + std::to_string(value) + " here but " + std::to_string(e.value) +
                       " in " + files_[e.file] + ":" + std::to_string(e.line) + " (files of different runs mixed?)");
    }
    l.metrics.push_back({value, static_cast<uint32_t>(std::min<uint64_t>(line, UINT32_MAX)),
                         static_cast<uint16_t>(metric), file});
}

namespace {
// Whether a metric value (SI units) can belong to one kernel launch.
bool plausible(Quantity q, double v) {
    if (!(v >= 0) || !std::isfinite(v)) return false;
    switch (q) {
    case Quantity::seconds: return v <= 1e6;
    case Quantity::frequency: return v <= 1e11;
    case Quantity::bytes:
    case Quantity::cycles:
    case Quantity::count: return v <= 1e18;
    }
    return true;
}
} // namespace

void NcuReader::store(Launch& l, int metric, std::string_view value_text, const NcuUnit* unit,
                      const std::string& unit_error, uint64_t unit_line, uint64_t line) {
    if (is_na(value_text)) {  // ncu prints n/a (with any unit) for metrics it could not collect
        if (na_values_++ == 0)
            na_example_ = ncu_metrics()[static_cast<size_t>(metric)].name + " of launch ID " + std::to_string(l.id) +
                          " in " + files_.back() + ":" + std::to_string(line);
        return;
    }
    if (!unit) fail(unit_line, unit_error);
    auto v = parse_value(value_text);
    if (!v)
        fail(line, "value '" + shorten(value_text) + "' of metric " + ncu_metrics()[static_cast<size_t>(metric)].name +
                       " is not a number");
    double si = unit->to_si(*v);
    if (!plausible(ncu_metrics()[static_cast<size_t>(metric)].quantity, si)) {
        // Corrupt or hand-edited: a value no kernel can have is missing, never used (counted).
        if (implausible_values_++ == 0)
            implausible_example_ = ncu_metrics()[static_cast<size_t>(metric)].name + " = " + shorten(value_text) +
                                   " of launch ID " + std::to_string(l.id) + " in " + files_.back() + ":" +
                                   std::to_string(line);
        return;
    }
    store_value(l, metric, si, line);
}

void NcuReader::read_long(CsvTokenizer& tok, const Columns& cols) {
    std::vector<std::string_view> f;
    uint64_t line = 0;
    while (next_row(tok, cols, f, line)) {
        Launch& l = launch_for(f, cols, line);
        std::string_view name = trim(f[cols.metric_name]);
        if (name.empty()) {  // a rule row (ncu's guided analysis): no metric
            ++rule_rows_;
            continue;
        }
        int metric = find_ncu_metric(name);
        if (metric >= 0) {
            const std::string& section = ncu_metrics()[static_cast<size_t>(metric)].section;
            if (!section.empty() && (cols.section < 0 || trim(f[cols.section]) != section)) metric = -1;
        }
        if (metric < 0) {
            unknown_metrics_.intern(name);
            continue;
        }
        std::string why;
        const NcuUnit* unit = resolve_unit(trim(f[cols.metric_unit]), metric, why);
        store(l, metric, f[cols.metric_value], unit, why, line, line);
    }
}

void NcuReader::read_wide(CsvTokenizer& tok, const Columns& cols, const std::vector<std::string_view>& header) {
    std::vector<std::string_view> units;
    uint64_t units_line = 0;
    if (!next_row(tok, cols, units, units_line))
        fail(tok.line(), "the raw-page header is not followed by its units row (file truncated?)");
    if (!trim(units[cols.id]).empty())
        fail(units_line, "expected the units row of an ncu raw page under the header, found a data row "
                         "(or a details page without the \"Metric Name\" column)");
    struct MetricColumn {
        int col, metric;
        const NcuUnit* unit;  // null: bad unit, reported when a value needs it
        std::string unit_error;
    };
    std::vector<MetricColumn> metric_cols;
    for (size_t i = 0; i < header.size(); ++i) {
        std::string_view name = trim(header[i]);
        if (is_attribute_column(name)) continue;
        int metric = find_ncu_metric(name);
        if (metric < 0 || !ncu_metrics()[static_cast<size_t>(metric)].section.empty()) {
            unknown_metrics_.intern(name);
            continue;
        }
        std::string why;
        const NcuUnit* unit = resolve_unit(trim(units[i]), metric, why);
        metric_cols.push_back({static_cast<int>(i), metric, unit, why});
    }
    std::vector<std::string_view> f;
    uint64_t line = 0;
    while (next_row(tok, cols, f, line)) {
        Launch& l = launch_for(f, cols, line);
        for (const auto& mc : metric_cols) store(l, mc.metric, f[mc.col], mc.unit, mc.unit_error, units_line, line);
    }
}

std::string list_names(const StringPool& pool, size_t max) {
    std::string out;
    for (size_t i = 1; i < pool.size() && i <= max; ++i) {
        if (i > 1) out += ", ";
        out += pool.get(static_cast<StringId>(i));
    }
    if (pool.size() - 1 > max) out += ", ...";
    return out;
}

Trace NcuReader::finish() {
    std::optional<ArchInfo> forced;
    if (!options_.arch.empty()) {
        forced = find_arch(to_lower(trim(options_.arch)));
        if (!forced) {
            std::string known;
            for (const auto& a : builtin_archs()) known += (known.empty() ? "" : ", ") + a.name;
            throw Error(ExitCode::usage, "unknown GPU architecture '" + options_.arch + "' (known: " + known + ")");
        }
    }
    // Launch order: ncu's launch ID, whatever order the files came in.
    std::vector<uint32_t> order(launches_.size());
    for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return launches_[a].id < launches_[b].id; });

    const size_t nmetrics = ncu_metrics().size();
    std::vector<double> values(nmetrics, NAN);
    NcuDerivationNotes notes;
    std::map<std::pair<int, int>, std::optional<ArchInfo>> arch_by_cc;
    uint64_t partial_launches = 0;
    std::vector<DeviceInfo>& devices = trace_.meta.devices;
    trace_.kernels.reserve(launches_.size());
    for (uint32_t i : order) {
        const Launch& l = launches_[i];
        std::fill(values.begin(), values.end(), NAN);
        for (const MetricEntry& e : l.metrics) values[e.metric] = e.value;
        const ArchInfo* arch = forced ? &*forced : nullptr;
        if (!arch && l.cc_major > 0) {
            auto it = arch_by_cc.find({l.cc_major, l.cc_minor});
            if (it == arch_by_cc.end()) it = arch_by_cc.emplace(std::pair{l.cc_major, l.cc_minor}, arch_for_cc(l.cc_major, l.cc_minor)).first;
            if (it->second) arch = &*it->second;
        }
        KernelRow row;
        row.name = l.name;
        row.device = l.device;
        row.stream = l.stream;
        row.launches = 1;
        row.grid = l.grid;
        row.block = l.block;
        row.launch_id = l.id;
        derive_ncu_kernel(values, arch, row, notes);
        trace_.kernels.append(row);
        if (l.files_seen < files_.size()) ++partial_launches;
        if (l.device >= 0 && std::none_of(devices.begin(), devices.end(), [&](const DeviceInfo& d) { return d.id == l.device; })) {
            DeviceInfo d;
            d.id = l.device;
            d.cc_major = l.cc_major;
            d.cc_minor = l.cc_minor;
            devices.push_back(d);
        }
        if (trace_.meta.machine_hint.empty() && l.cc_major > 0)
            trace_.meta.machine_hint = "sm_" + std::to_string(l.cc_major) + std::to_string(l.cc_minor);
    }
    std::sort(devices.begin(), devices.end(), [](const DeviceInfo& a, const DeviceInfo& b) { return a.id < b.id; });
    trace_.meta.source_files = files_;
    trace_.meta.host = host_;

    Diagnostics& d = trace_.diagnostics;
    if (launches_.empty())
        throw Error(ExitCode::bad_input,
                    "the CSV holds a header but no kernel launches: was a kernel profiled (ncu --kernel-name, "
                    "--launch-count)?",
                    {files_.empty() ? std::string() : files_.front()});
    if (unknown_metrics_.size() > 1)
        d.add(Severity::info, "ncu.unknown_metric",
              "metrics Rafter does not use were skipped: " + list_names(unknown_metrics_, 12),
              unknown_metrics_.size() - 1);
    if (rule_rows_)
        d.add(Severity::info, "ncu.rule_rows",
              "rows of ncu's rule results (no metric: guided-analysis advice) were skipped", rule_rows_);
    if (implausible_values_)
        d.add(Severity::warning, "ncu.implausible_value",
              "metric values that are negative or beyond any kernel (over 1e18 bytes, cycles or counts, 1e6 s, "
              "100 GHz) are treated as missing (first: " + implausible_example_ + ")",
              implausible_values_);
    if (na_values_)
        d.add(Severity::warning, "ncu.value_na",
              "metric values printed as n/a or empty are treated as missing (first: " + na_example_ + ")", na_values_);
    if (notes.time_missing)
        d.add(Severity::warning, "ncu.time_missing",
              "launches without gpu__time_duration.sum or sm__cycles_elapsed.avg with .per_second have no time",
              notes.time_missing);
    if (notes.tensor_unknown)
        d.add(Severity::warning, "ncu.tensor_flops_unknown_arch",
              "FLOPs are missing for launches with tensor instructions (their tensor work cannot be "
              "counted, so no FLOP kind of theirs is kept): " + notes.tensor_unknown_reason,
              notes.tensor_unknown);
    if (notes.flops_incomplete)
        d.add(Severity::warning, "ncu.flop_metrics_incomplete",
              "FLOPs of a precision are missing when only some of its add/mul/fma counters were collected (" +
                  notes.flops_incomplete_example + ")",
              notes.flops_incomplete);
    if (files_.size() > 1 && partial_launches)
        d.add(Severity::warning, "ncu.launch_not_in_all_files",
              "some launch IDs appear in only some of the merged files; their metrics from the other files are missing",
              partial_launches);
    if (pids_.size() > 1)
        d.add(Severity::info, "ncu.merged_runs",
              "rows from " + std::to_string(pids_.size()) +
                  " profiled processes (separate ncu runs of one workload) were merged by launch ID",
              pids_.size());
    if (profiler_problems_)
        d.add(Severity::warning, "ncu.profiler_message",
              "Nsight Compute reported problems while profiling (first: " + profiler_problem_example_ + ")",
              profiler_problems_);
    return std::move(trace_);
}

class NcuCsvImporter final : public Importer {
public:
    std::string_view name() const override { return "ncu-csv"; }
    std::string_view description() const override { return "Nsight Compute CSV exports (ncu --csv)"; }
    bool sniff(std::string_view head, std::string_view) const override {
        // A NUL byte after a complete header line is still this format (the reader then names the
        // line of the NUL); binary data before any header is not.
        size_t nul = find_nul(head);
        if (nul != std::string_view::npos) {
            size_t line_end = head.rfind('\n', nul);
            if (line_end == std::string_view::npos) return false;
            head = head.substr(0, line_end);
        }
        for (auto line : split(head, '\n'))
            if (is_header_line(line)) return true;
        return false;
    }
    bool merges_files() const override { return true; }
    Trace read(const std::vector<std::string>& paths, const ImportOptions& options) const override {
        if (paths.empty()) throw_usage_error("no Nsight Compute CSV files given");
        NcuReader reader(options);
        uint64_t done = 0;  // the bar advances per file: a CSV is read whole, then parsed
        for (const auto& p : paths) {
            reader.read(p);
            if (options.progress.bar) options.progress.report(done += file_size(p));
        }
        return reader.finish();
    }
};

} // namespace

const Importer& ncu_csv_importer() {
    static const NcuCsvImporter importer;
    return importer;
}

} // namespace rafter
