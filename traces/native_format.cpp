// Rafter's native trace file. Layout (docs/native-format.md):
//   header   "RAFTRC01" | u32 minor version | u32 section count | u32 CRC-32 of the 16 bytes before
//   section  4-byte tag | u32 flags | u64 payload length | u32 CRC-32 of the 16 bytes before it
//            and the payload | payload
//   ...      STRS META KERN COPY CPUO REGN COLL STEP DIAG, then END (payload: u64 its own offset)
// All integers little-endian; doubles are their IEEE-754 bit patterns, so values round-trip
// exactly. A reader skips unknown sections flagged optional and rejects other unknown ones.
//
// Each row type's layout is written down once, as a field list (`fields(a, row)`) that the
// writer, the reader and the row-size counter all walk, so the three cannot drift apart.
#include "traces/native_format.h"

#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <map>
#include <type_traits>

#include "core/atomic_file.h"
#include "core/error.h"
#include "traces/input_file.h"

namespace rafter {

namespace {

constexpr uint32_t kMinorVersion = 0;
constexpr uint32_t kFlagOptional = 1;  // readers that do not know the section may skip it
constexpr size_t kHeaderSize = 20;
constexpr size_t kSectionHeaderSize = 20;

uint32_t crc32_of(std::string_view bytes, uint32_t start = 0) {
    uLong crc = start;
    // zlib takes uInt lengths; feed large payloads in pieces.
    while (!bytes.empty()) {
        size_t n = std::min<size_t>(bytes.size(), 1u << 30);
        crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(n));
        bytes.remove_prefix(n);
    }
    return static_cast<uint32_t>(crc);
}

template <class T>
T to_little(T v) {
    static_assert(std::is_integral_v<T>);
    if constexpr (std::endian::native == std::endian::big && sizeof(T) > 1) {
        using U = std::make_unsigned_t<T>;
        U u = static_cast<U>(v), r = 0;
        for (size_t i = 0; i < sizeof(T); ++i) r = static_cast<U>((r << 8) | ((u >> (8 * i)) & 0xFF));
        return static_cast<T>(r);
    }
    return v;
}

// Largest valid code of each enumeration stored as a u8.
constexpr uint8_t max_code(Provenance) { return static_cast<uint8_t>(Provenance::analytic); }
constexpr uint8_t max_code(CopyKind) { return static_cast<uint8_t>(CopyKind::memset); }
constexpr uint8_t max_code(CpuEventKind) { return static_cast<uint8_t>(CpuEventKind::other); }
constexpr uint8_t max_code(RegionKind) { return static_cast<uint8_t>(RegionKind::step); }
constexpr uint8_t max_code(Severity) { return static_cast<uint8_t>(Severity::error); }

// ---- Field lists --------------------------------------------------------------------------
// `a(x)` is a fixed-width number, enum or Value; `a.sid(x)` a string id; `a.str(x)` a string.
// R is the row type, const when writing.

template <class A, class R>
void copy_fields(A& a, R& r) {
    a(r.kind), a(r.device), a(r.stream), a(r.start_ns), a(r.end_ns), a(r.bytes), a(r.correlation), a(r.external_id);
}

template <class A, class R>
void cpu_op_fields(A& a, R& r) {
    a(r.kind), a.sid(r.name), a(r.pid), a(r.tid), a(r.start_ns), a(r.end_ns), a(r.external_id), a(r.correlation);
    a.sid(r.input_dims), a.sid(r.input_types), a.sid(r.input_strides), a.sid(r.concrete_inputs);
}

template <class A, class R>
void region_fields(A& a, R& r) {
    a(r.kind), a.sid(r.name), a(r.pid), a(r.tid), a(r.start_ns), a(r.end_ns), a(r.depth);
    for (auto& v : r.flops) a(v);
    for (auto& v : r.bytes) a(v);
}

template <class A, class R>
void collective_fields(A& a, R& r) {
    a.sid(r.name), a(r.device), a(r.stream), a(r.start_ns), a(r.end_ns), a(r.in_elems), a(r.out_elems);
    a.sid(r.dtype), a(r.group_size), a.sid(r.process_group), a(r.kernel_row);
}

template <class A, class R>
void step_fields(A& a, R& r) {
    a.sid(r.name), a(r.start_ns), a(r.end_ns);
}

template <class A, class R>
void device_fields(A& a, R& d) {
    a(d.id), a.str(d.name), a(d.cc_major), a(d.cc_minor), a(d.total_memory), a(d.sm_count);
}

static_assert(sizeof(int) == 4, "DeviceInfo ints are stored as 32-bit");

// Counts the fixed bytes of a row (strings count their length prefix only), so a reader can
// reject a row count that the payload cannot hold before allocating anything.
struct RowSize {
    size_t bytes = 0;
    template <class T>
    void operator()(const T&) {
        if constexpr (std::is_same_v<T, Value>) bytes += 9;
        else if constexpr (std::is_enum_v<T>) bytes += 1;
        else bytes += sizeof(T);
    }
    void sid(StringId) { bytes += 4; }
    void str(const std::string&) { bytes += 4; }
};

template <class Row, class Fields>
size_t row_size(Fields fields) {
    RowSize s;
    Row r{};
    fields(s, r);
    return s.bytes;
}

// ---- Writing ------------------------------------------------------------------------------

class Out {
public:
    template <class T>
    void operator()(const T& v) {
        if constexpr (std::is_same_v<T, Value>) {
            (*this)(v.value);
            (*this)(v.prov);
        } else if constexpr (std::is_same_v<T, double>) {
            (*this)(std::bit_cast<uint64_t>(v));
        } else if constexpr (std::is_enum_v<T>) {
            (*this)(static_cast<uint8_t>(v));
        } else {
            T le = to_little(v);
            buf_.append(reinterpret_cast<const char*>(&le), sizeof le);
        }
    }
    void sid(StringId id) { (*this)(id); }
    void str(std::string_view s) {
        (*this)(static_cast<uint32_t>(s.size()));
        buf_.append(s);
    }
    template <class Row, class Fields>
    void rows(const std::vector<Row>& rows, Fields fields) {
        (*this)(static_cast<uint64_t>(rows.size()));
        for (const Row& r : rows) fields(*this, r);
    }
    // A whole column at once: one append on little-endian hosts.
    template <class T>
    void column(const std::vector<T>& v) {
        static_assert(sizeof(T) == 1 || !std::is_enum_v<T>);
        if constexpr (std::endian::native == std::endian::little) {
            buf_.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
        } else {
            for (const T& x : v) (*this)(x);
        }
    }
    std::string take() { return std::move(buf_); }
    const std::string& bytes() const { return buf_; }
    void raw(std::string_view s) { buf_.append(s); }

private:
    std::string buf_;
};

void put_section(std::ostream& out, std::string_view tag, uint32_t flags, const std::string& payload) {
    Out h;
    h.raw(tag.substr(0, 4));
    h(flags);
    h(static_cast<uint64_t>(payload.size()));
    h(crc32_of(payload, crc32_of(h.bytes())));  // covers tag, flags and length too
    out.write(h.bytes().data(), static_cast<std::streamsize>(h.bytes().size()));
    out.write(payload.data(), static_cast<std::streamsize>(payload.size()));
}

std::string strings_section(const StringPool& pool) {
    Out o;
    o(static_cast<uint32_t>(pool.size()));
    for (size_t i = 0; i < pool.size(); ++i) o.str(pool.get(static_cast<StringId>(i)));
    return o.take();
}

std::string meta_section(const TraceMetadata& m) {
    Out o;
    o.str(m.source_format);
    o(static_cast<uint32_t>(m.source_files.size()));
    for (const auto& f : m.source_files) o.str(f);
    o.str(m.host);
    o(m.rank), o(m.world_size), o(m.pid), o(m.base_time_ns);
    o(static_cast<uint32_t>(m.devices.size()));
    for (const auto& d : m.devices) device_fields(o, d);
    o.str(m.machine_hint);
    return o.take();
}

std::string kernels_section(const KernelTable& t) {
    Out o;
    o(static_cast<uint64_t>(t.size()));
    o.column(t.name), o.column(t.device), o.column(t.stream), o.column(t.start_ns), o.column(t.end_ns);
    o.column(t.duration_s), o.column(t.duration_prov), o.column(t.launches);
    for (const auto* dims : {&t.grid, &t.block})
        for (const Dim3& d : *dims) o(d.x), o(d.y), o(d.z);
    o.column(t.correlation), o.column(t.external_id), o.column(t.launch_id);
    uint32_t ncols = 0;
    for (const auto& c : t.flops) ncols += c.any();
    for (const auto& c : t.bytes) ncols += c.any();
    o(ncols);
    // Only allocated columns: "column absent" and "all rows missing" stay distinct.
    auto columns = [&](uint8_t family, const auto& cols) {
        for (size_t k = 0; k < cols.size(); ++k) {
            if (!cols[k].any()) continue;
            o(family), o(static_cast<uint8_t>(k));
            o.column(cols[k].values), o.column(cols[k].prov);
        }
    };
    columns(0, t.flops);
    columns(1, t.bytes);
    return o.take();
}

std::string diagnostics_section(const Diagnostics& d) {
    Out o;
    o(static_cast<uint32_t>(d.entries().size()));
    for (const auto& e : d.entries()) o(e.severity), o.str(e.code), o.str(e.message), o(e.count);
    return o.take();
}

template <class Row, class Fields>
std::string rows_section(const std::vector<Row>& rows, Fields fields) {
    Out o;
    o.rows(rows, fields);
    return o.take();
}

// ---- Reading ------------------------------------------------------------------------------

// Reads one section's payload; every read is bounds-checked and errors name the file offset.
class In {
public:
    In(std::string_view bytes, uint64_t base, const std::string& origin, const char* section, size_t pool_size = 0)
        : p_(bytes), base_(base), origin_(origin), section_(section), pool_size_(pool_size) {}

    [[noreturn]] void fail(const std::string& what) const {
        throw_input_error(origin_, PositionKind::byte_offset, base_ + pos_,
                          std::string("corrupt Rafter trace, section ") + section_ + ": " + what);
    }
    void need(size_t n) const {
        if (p_.size() - pos_ < n) fail("payload ends early (needs " + std::to_string(n) + " more bytes)");
    }
    template <class T>
    T num() {
        need(sizeof(T));
        T v;
        std::memcpy(&v, p_.data() + pos_, sizeof v);
        pos_ += sizeof v;
        return to_little(v);
    }
    template <class T>
    void operator()(T& v) {
        if constexpr (std::is_same_v<T, Value>) {
            (*this)(v.value);
            (*this)(v.prov);
        } else if constexpr (std::is_same_v<T, double>) {
            v = std::bit_cast<double>(num<uint64_t>());
        } else if constexpr (std::is_enum_v<T>) {
            auto code = num<uint8_t>();
            if (code > max_code(T{})) fail("bad enumeration code " + std::to_string(code));
            v = static_cast<T>(code);
        } else {
            v = num<T>();
        }
    }
    void sid(StringId& id) {
        id = num<uint32_t>();
        if (id >= pool_size_)
            fail("string id " + std::to_string(id) + " out of range (" + std::to_string(pool_size_) + " strings)");
    }
    void str(std::string& s) {
        auto n = num<uint32_t>();
        need(n);
        s.assign(p_.substr(pos_, n));
        pos_ += n;
    }
    std::string str() {
        std::string s;
        str(s);
        return s;
    }
    // A count of rows that each take at least `min_row_bytes`: rejects absurd counts up front.
    uint64_t count(size_t min_row_bytes) {
        auto n = num<uint64_t>();
        if (n > (p_.size() - pos_) / min_row_bytes) fail("row count " + std::to_string(n) + " exceeds the payload");
        return n;
    }
    template <class Row, class Fields>
    void rows(std::vector<Row>& rows, Fields fields) {
        rows.resize(count(row_size<Row>(fields)));
        for (Row& r : rows) fields(*this, r);
    }
    template <class T>
    void column(std::vector<T>& v, size_t n) {
        need(n * sizeof(T));
        v.resize(n);
        if constexpr (std::is_enum_v<T>) {
            for (auto& x : v) (*this)(x);  // validates each code
        } else if constexpr (std::endian::native == std::endian::little) {
            if (n) std::memcpy(v.data(), p_.data() + pos_, n * sizeof(T));
            pos_ += n * sizeof(T);
        } else {
            for (auto& x : v) (*this)(x);
        }
    }
    void done() const {
        if (pos_ != p_.size()) fail(std::to_string(p_.size() - pos_) + " unexpected trailing bytes");
    }

private:
    std::string_view p_;
    size_t pos_ = 0;
    uint64_t base_;
    const std::string& origin_;
    const char* section_;
    size_t pool_size_;
};

void read_strings(In in, StringPool& pool) {
    auto n = in.num<uint32_t>();
    if (n == 0) in.fail("no strings (string 0 must be the empty string)");
    for (uint32_t i = 0; i < n; ++i) {
        std::string s = in.str();
        if (i == 0) {
            if (!s.empty()) in.fail("string 0 must be empty");
            continue;
        }
        if (pool.intern(s) != i) in.fail("duplicate string #" + std::to_string(i));
    }
    in.done();
}

void read_meta(In in, TraceMetadata& m) {
    in.str(m.source_format);
    auto nfiles = in.num<uint32_t>();
    for (uint32_t i = 0; i < nfiles; ++i) m.source_files.push_back(in.str());
    in.str(m.host);
    in(m.rank), in(m.world_size), in(m.pid), in(m.base_time_ns);
    auto ndev = in.num<uint32_t>();
    for (uint32_t i = 0; i < ndev; ++i) device_fields(in, m.devices.emplace_back());
    in.str(m.machine_hint);
    in.done();
}

void read_kernels(In in, KernelTable& t, size_t pool_size) {
    // 89 bytes of fixed columns per row (see docs/native-format.md).
    const size_t n = in.count(89);
    in.column(t.name, n);
    for (StringId id : t.name)
        if (id >= pool_size) in.fail("kernel name id " + std::to_string(id) + " out of range");
    in.column(t.device, n), in.column(t.stream, n), in.column(t.start_ns, n), in.column(t.end_ns, n);
    in.column(t.duration_s, n), in.column(t.duration_prov, n), in.column(t.launches, n);
    for (auto* dims : {&t.grid, &t.block}) {
        dims->resize(n);
        for (Dim3& d : *dims) in(d.x), in(d.y), in(d.z);
    }
    in.column(t.correlation, n), in.column(t.external_id, n), in.column(t.launch_id, n);
    auto ncols = in.num<uint32_t>();
    for (uint32_t c = 0; c < ncols; ++c) {
        auto family = in.num<uint8_t>();
        auto kind = in.num<uint8_t>();
        MetricColumn* col = nullptr;
        if (family == 0 && kind < kFlopKinds) col = &t.flops[kind];
        else if (family == 1 && kind < kMemLevels) col = &t.bytes[kind];
        else in.fail("unknown metric column (family " + std::to_string(family) + ", kind " + std::to_string(kind) +
                     "): written by a newer Rafter?");
        if (col->any()) in.fail("metric column given twice");
        in.column(col->values, n);
        in.column(col->prov, n);
    }
    in.done();
}

void read_diagnostics(In in, Diagnostics& d) {
    auto n = in.num<uint32_t>();
    for (uint32_t i = 0; i < n; ++i) {
        Severity sev{};
        in(sev);
        std::string code = in.str();
        std::string message = in.str();
        auto count = in.num<uint64_t>();
        if (d.find(code)) in.fail("diagnostic code '" + code + "' given twice");
        d.add(sev, code, message, count);
    }
    in.done();
}

template <class Row, class Fields>
void read_rows(In in, std::vector<Row>& rows, Fields fields) {
    in.rows(rows, fields);
    in.done();
}

// Generic lambdas over the field lists, usable with any archive.
constexpr auto kCopy = [](auto& a, auto& r) { copy_fields(a, r); };
constexpr auto kCpuOp = [](auto& a, auto& r) { cpu_op_fields(a, r); };
constexpr auto kRegion = [](auto& a, auto& r) { region_fields(a, r); };
constexpr auto kCollective = [](auto& a, auto& r) { collective_fields(a, r); };
constexpr auto kStep = [](auto& a, auto& r) { step_fields(a, r); };

std::string regions_section(const std::vector<RegionRow>& rows) {
    Out o;
    // Regions carry one Value per FLOP kind and memory level: record how many, so that a build
    // with a different set refuses the file instead of misreading it.
    o(static_cast<uint8_t>(kFlopKinds)), o(static_cast<uint8_t>(kMemLevels));
    o.rows(rows, kRegion);
    return o.take();
}

void read_regions(In in, std::vector<RegionRow>& rows) {
    auto nflops = in.num<uint8_t>();
    auto nmem = in.num<uint8_t>();
    if (nflops != kFlopKinds || nmem != kMemLevels)
        in.fail("regions carry " + std::to_string(nflops) + " FLOP kinds and " + std::to_string(nmem) +
                " memory levels; this Rafter knows " + std::to_string(kFlopKinds) + " and " + std::to_string(kMemLevels));
    read_rows(in, rows, kRegion);
}

constexpr const char* kRequiredSections[] = {"STRS", "META", "KERN", "COPY", "CPUO", "REGN", "COLL", "STEP", "DIAG"};

} // namespace

void write_native_trace(const Trace& t, std::ostream& out) {
    const std::pair<std::string_view, std::string> sections[] = {
        {"STRS", strings_section(t.strings)},
        {"META", meta_section(t.meta)},
        {"KERN", kernels_section(t.kernels)},
        {"COPY", rows_section(t.copies, kCopy)},
        {"CPUO", rows_section(t.cpu_ops, kCpuOp)},
        {"REGN", regions_section(t.regions)},
        {"COLL", rows_section(t.collectives, kCollective)},
        {"STEP", rows_section(t.steps, kStep)},
        {"DIAG", diagnostics_section(t.diagnostics)},
    };
    Out h;
    h.raw(kNativeMagic);
    h(kMinorVersion);
    h(static_cast<uint32_t>(std::size(sections) + 1));  // + END
    h(crc32_of(h.bytes()));
    out.write(h.bytes().data(), static_cast<std::streamsize>(h.bytes().size()));
    uint64_t offset = kHeaderSize;
    for (const auto& [tag, payload] : sections) {
        put_section(out, tag, 0, payload);
        offset += kSectionHeaderSize + payload.size();
    }
    Out end;
    end(offset);  // where END starts: a reader checks it against its own position
    put_section(out, "END ", 0, end.bytes());
}

void save_native_trace(const Trace& t, const std::string& path) {
    AtomicFile f(path);
    write_native_trace(t, f.stream());
    f.commit();
}

Trace read_native_trace_bytes(std::string_view bytes, const std::string& origin) {
    auto fail_at = [&](uint64_t offset, const std::string& what) {
        throw_input_error(origin, PositionKind::byte_offset, offset, "corrupt Rafter trace: " + what);
    };
    if (bytes.size() < kNativeMagic.size() || bytes.substr(0, kNativeMagic.size()) != kNativeMagic) {
        if (bytes.size() >= 8 && bytes.substr(0, 6) == kNativeMagic.substr(0, 6))
            throw_input_error(origin, PositionKind::byte_offset, 6,
                              "Rafter trace format version " + std::string(bytes.substr(6, 2)) +
                                  " is not supported by this build (it reads " + std::string(kNativeMagic.substr(6)) + ")");
        throw_input_error(origin, PositionKind::byte_offset, 0, "not a Rafter trace (bad magic)");
    }
    if (bytes.size() < kHeaderSize) fail_at(bytes.size(), "file ends inside the header (truncated)");
    In header(bytes.substr(0, kHeaderSize), 0, origin, "header");
    header.num<uint64_t>();  // magic, checked above
    header.num<uint32_t>();  // minor version: newer minors only add optional sections
    auto nsections = header.num<uint32_t>();
    auto header_crc = header.num<uint32_t>();
    if (header_crc != crc32_of(bytes.substr(0, 16))) fail_at(0, "header checksum mismatch");

    struct Section {
        std::string_view payload;
        uint64_t offset;  // of the payload in the file
    };
    std::map<std::string, Section> sections;
    uint64_t pos = kHeaderSize;
    bool saw_end = false;
    for (uint32_t s = 0; s < nsections; ++s) {
        if (bytes.size() - pos < kSectionHeaderSize)
            fail_at(pos, "file ends inside a section header (truncated; " + std::to_string(s) + " of " +
                             std::to_string(nsections) + " sections present)");
        In sh(bytes.substr(pos, kSectionHeaderSize), pos, origin, "header");
        std::string tag(bytes.substr(pos, 4));
        sh.num<uint32_t>();
        auto flags = sh.num<uint32_t>();
        auto length = sh.num<uint64_t>();
        auto crc = sh.num<uint32_t>();
        uint64_t payload_at = pos + kSectionHeaderSize;
        if (length > bytes.size() - payload_at)
            fail_at(payload_at, "section '" + tag + "' needs " + std::to_string(length) + " bytes but the file has " +
                                    std::to_string(bytes.size() - payload_at) + " left (truncated)");
        std::string_view payload = bytes.substr(payload_at, length);
        if (crc32_of(payload, crc32_of(bytes.substr(pos, 16))) != crc)
            fail_at(pos, "checksum mismatch in section '" + tag + "' (data corrupted)");
        if (tag == "END ") {
            In e(payload, payload_at, origin, "END");
            if (e.num<uint64_t>() != pos) fail_at(payload_at, "END section records a different file layout");
            e.done();
            saw_end = true;
            pos = payload_at + length;
            if (s + 1 != nsections) fail_at(pos, "END section before the last section");
            break;
        }
        bool known = std::find(std::begin(kRequiredSections), std::end(kRequiredSections), tag) != std::end(kRequiredSections);
        if (!known && !(flags & kFlagOptional))
            fail_at(pos, "unknown required section '" + tag + "' (written by a newer Rafter?)");
        if (known && !sections.emplace(tag, Section{payload, payload_at}).second)
            fail_at(pos, "section '" + tag + "' given twice");
        pos = payload_at + length;
    }
    if (!saw_end) fail_at(pos, "no END section (truncated)");
    if (pos != bytes.size()) fail_at(pos, std::to_string(bytes.size() - pos) + " unexpected bytes after the END section");
    for (const char* tag : kRequiredSections)
        if (!sections.count(tag)) fail_at(pos, std::string("required section ") + tag + " is missing");

    Trace t;
    auto in = [&](const char* tag) {
        const Section& s = sections.at(tag);
        return In(s.payload, s.offset, origin, tag, t.strings.size());
    };
    read_strings(in("STRS"), t.strings);
    read_meta(in("META"), t.meta);
    read_kernels(in("KERN"), t.kernels, t.strings.size());
    read_rows(in("COPY"), t.copies, kCopy);
    read_rows(in("CPUO"), t.cpu_ops, kCpuOp);
    read_regions(in("REGN"), t.regions);
    read_rows(in("COLL"), t.collectives, kCollective);
    read_rows(in("STEP"), t.steps, kStep);
    read_diagnostics(in("DIAG"), t.diagnostics);
    return t;
}

Trace read_native_trace(const std::string& path) {
    std::string bytes = read_file(path);
    return read_native_trace_bytes(bytes, path);
}

} // namespace rafter
