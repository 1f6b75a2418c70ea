// Rafter's native trace file. Layout (docs/native-format.md):
//   header   "RAFTRC01" | u32 minor version | u32 section count | u32 CRC-32 of the 16 bytes before
//   section  4-byte tag | u32 flags | u64 payload length | u32 CRC-32 of the 16 bytes before it
//            and the payload | payload
//   ...      STRS META KERN COPY CPUO REGN COLL STEP DIAG, then END (payload: u64 file length)
// All integers little-endian; doubles are their IEEE-754 bit patterns, so values round-trip
// exactly. A reader skips unknown sections flagged optional and rejects other unknown ones.
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

// ---- Writing ------------------------------------------------------------------------------

class Out {
public:
    template <class T>
    void num(T v) {
        if constexpr (std::is_same_v<T, double>) {
            num(std::bit_cast<uint64_t>(v));
        } else if constexpr (std::is_enum_v<T>) {
            num(static_cast<std::underlying_type_t<T>>(v));
        } else {
            T le = to_little(v);
            buf_.append(reinterpret_cast<const char*>(&le), sizeof le);
        }
    }
    void str(std::string_view s) {
        num(static_cast<uint32_t>(s.size()));
        buf_.append(s);
    }
    // A whole column at once: one append on little-endian hosts.
    template <class T>
    void column(const std::vector<T>& v) {
        if constexpr (std::endian::native == std::endian::little && (std::is_integral_v<T> || std::is_enum_v<T> || std::is_same_v<T, double>)) {
            buf_.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
        } else {
            for (const T& x : v) num(x);
        }
    }
    void value(const Value& v) {
        num(v.value);
        num(v.prov);
    }
    std::string& bytes() { return buf_; }

private:
    std::string buf_;
};

void put_section(std::ostream& out, const char (&tag)[5], uint32_t flags, const std::string& payload) {
    Out h;
    h.bytes().append(tag, 4);
    h.num(flags);
    h.num(static_cast<uint64_t>(payload.size()));
    h.num(crc32_of(payload, crc32_of(h.bytes())));  // covers tag, flags and length too
    out.write(h.bytes().data(), static_cast<std::streamsize>(h.bytes().size()));
    out.write(payload.data(), static_cast<std::streamsize>(payload.size()));
}

std::string strings_section(const StringPool& pool) {
    Out o;
    o.num(static_cast<uint32_t>(pool.size()));
    for (size_t i = 0; i < pool.size(); ++i) o.str(pool.get(static_cast<StringId>(i)));
    return std::move(o.bytes());
}

std::string meta_section(const TraceMetadata& m) {
    Out o;
    o.str(m.source_format);
    o.num(static_cast<uint32_t>(m.source_files.size()));
    for (const auto& f : m.source_files) o.str(f);
    o.str(m.host);
    o.num(m.rank);
    o.num(m.world_size);
    o.num(m.pid);
    o.num(m.base_time_ns);
    o.num(static_cast<uint32_t>(m.devices.size()));
    for (const auto& d : m.devices) {
        o.num(d.id);
        o.str(d.name);
        o.num(static_cast<int32_t>(d.cc_major));
        o.num(static_cast<int32_t>(d.cc_minor));
        o.num(d.total_memory);
        o.num(static_cast<int32_t>(d.sm_count));
    }
    o.str(m.machine_hint);
    return std::move(o.bytes());
}

void metric_columns(Out& o, uint8_t family, const MetricColumn* cols, size_t n) {
    for (size_t k = 0; k < n; ++k) {
        if (!cols[k].any()) continue;
        o.num(family);
        o.num(static_cast<uint8_t>(k));
        o.column(cols[k].values);
        o.column(cols[k].prov);
    }
}

std::string kernels_section(const KernelTable& t) {
    Out o;
    const size_t n = t.size();
    o.num(static_cast<uint64_t>(n));
    o.column(t.name);
    o.column(t.device);
    o.column(t.stream);
    o.column(t.start_ns);
    o.column(t.end_ns);
    o.column(t.duration_s);
    o.column(t.duration_prov);
    o.column(t.launches);
    for (const auto* dims : {&t.grid, &t.block})
        for (const Dim3& d : *dims) {
            o.num(d.x);
            o.num(d.y);
            o.num(d.z);
        }
    o.column(t.correlation);
    o.column(t.external_id);
    o.column(t.launch_id);
    uint32_t ncols = 0;
    for (const auto& c : t.flops) ncols += c.any();
    for (const auto& c : t.bytes) ncols += c.any();
    o.num(ncols);
    metric_columns(o, 0, t.flops.data(), t.flops.size());
    metric_columns(o, 1, t.bytes.data(), t.bytes.size());
    return std::move(o.bytes());
}

std::string copies_section(const std::vector<CopyRow>& rows) {
    Out o;
    o.num(static_cast<uint64_t>(rows.size()));
    for (const auto& r : rows) {
        o.num(r.kind);
        o.num(r.device);
        o.num(r.stream);
        o.num(r.start_ns);
        o.num(r.end_ns);
        o.num(r.bytes);
        o.num(r.correlation);
        o.num(r.external_id);
    }
    return std::move(o.bytes());
}

std::string cpu_ops_section(const std::vector<CpuOpRow>& rows) {
    Out o;
    o.num(static_cast<uint64_t>(rows.size()));
    for (const auto& r : rows) {
        o.num(r.kind);
        o.num(r.name);
        o.num(r.pid);
        o.num(r.tid);
        o.num(r.start_ns);
        o.num(r.end_ns);
        o.num(r.external_id);
        o.num(r.correlation);
        o.num(r.input_dims);
        o.num(r.input_types);
        o.num(r.input_strides);
        o.num(r.concrete_inputs);
    }
    return std::move(o.bytes());
}

std::string regions_section(const std::vector<RegionRow>& rows) {
    Out o;
    o.num(static_cast<uint64_t>(rows.size()));
    o.num(static_cast<uint8_t>(kFlopKinds));
    o.num(static_cast<uint8_t>(kMemLevels));
    for (const auto& r : rows) {
        o.num(r.kind);
        o.num(r.name);
        o.num(r.pid);
        o.num(r.tid);
        o.num(r.start_ns);
        o.num(r.end_ns);
        o.num(r.depth);
        for (const auto& v : r.flops) o.value(v);
        for (const auto& v : r.bytes) o.value(v);
    }
    return std::move(o.bytes());
}

std::string collectives_section(const std::vector<CollectiveRow>& rows) {
    Out o;
    o.num(static_cast<uint64_t>(rows.size()));
    for (const auto& r : rows) {
        o.num(r.name);
        o.num(r.device);
        o.num(r.stream);
        o.num(r.start_ns);
        o.num(r.end_ns);
        o.num(r.in_elems);
        o.num(r.out_elems);
        o.num(r.dtype);
        o.num(r.group_size);
        o.num(r.process_group);
        o.num(r.kernel_row);
    }
    return std::move(o.bytes());
}

std::string steps_section(const std::vector<StepRow>& rows) {
    Out o;
    o.num(static_cast<uint64_t>(rows.size()));
    for (const auto& r : rows) {
        o.num(r.name);
        o.num(r.start_ns);
        o.num(r.end_ns);
    }
    return std::move(o.bytes());
}

std::string diagnostics_section(const Diagnostics& d) {
    Out o;
    o.num(static_cast<uint32_t>(d.entries().size()));
    for (const auto& e : d.entries()) {
        o.num(e.severity);
        o.str(e.code);
        o.str(e.message);
        o.num(e.count);
    }
    return std::move(o.bytes());
}

// ---- Reading ------------------------------------------------------------------------------

// Reads one section's payload; every read is bounds-checked and errors name the file offset.
class In {
public:
    In(std::string_view bytes, uint64_t base, const std::string& origin, const char* section)
        : p_(bytes), base_(base), origin_(origin), section_(section) {}

    [[noreturn]] void fail(const std::string& what) const {
        throw_input_error(origin_, PositionKind::byte_offset, base_ + pos_,
                          std::string("corrupt Rafter trace, section ") + section_ + ": " + what);
    }
    void need(size_t n) const {
        if (p_.size() - pos_ < n) fail("payload ends early (needs " + std::to_string(n) + " more bytes)");
    }
    template <class T>
    T num() {
        if constexpr (std::is_same_v<T, double>) {
            return std::bit_cast<double>(num<uint64_t>());
        } else {
            need(sizeof(T));
            T v;
            std::memcpy(&v, p_.data() + pos_, sizeof v);
            pos_ += sizeof v;
            return to_little(v);
        }
    }
    std::string str() {
        auto n = num<uint32_t>();
        need(n);
        std::string s(p_.substr(pos_, n));
        pos_ += n;
        return s;
    }
    // A count of rows that each take at least `min_row_bytes`: rejects absurd counts up front.
    uint64_t count(size_t min_row_bytes) {
        uint64_t n = num<uint64_t>();
        if (min_row_bytes && n > (p_.size() - pos_) / min_row_bytes) fail("row count " + std::to_string(n) + " exceeds the payload");
        return n;
    }
    template <class T>
    void column(std::vector<T>& v, size_t n) {
        need(n * sizeof(T));
        v.resize(n);
        if constexpr (std::endian::native == std::endian::little) {
            if (n) std::memcpy(v.data(), p_.data() + pos_, n * sizeof(T));
            pos_ += n * sizeof(T);
        } else {
            for (auto& x : v) x = num<T>();
        }
    }
    Provenance prov() {
        auto p = num<uint8_t>();
        if (p > static_cast<uint8_t>(Provenance::analytic)) fail("bad provenance code " + std::to_string(p));
        return static_cast<Provenance>(p);
    }
    template <class E>
    E enumeration(uint8_t max, const char* what) {
        auto v = num<uint8_t>();
        if (v > max) fail(std::string("bad ") + what + " code " + std::to_string(v));
        return static_cast<E>(v);
    }
    Value value() {
        Value v;
        v.value = num<double>();
        v.prov = prov();
        return v;
    }
    StringId string_id(size_t pool_size) {
        auto id = num<uint32_t>();
        if (id >= pool_size) fail("string id " + std::to_string(id) + " out of range (" + std::to_string(pool_size) + " strings)");
        return id;
    }
    void done() const {
        if (pos_ != p_.size()) fail(std::to_string(p_.size() - pos_) + " unexpected trailing bytes");
    }
    uint64_t offset() const { return base_ + pos_; }

private:
    std::string_view p_;
    size_t pos_ = 0;
    uint64_t base_;
    const std::string& origin_;
    const char* section_;
};

struct Section {
    std::string_view payload;
    uint64_t offset;  // of the payload in the file
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
    m.source_format = in.str();
    auto nfiles = in.num<uint32_t>();
    for (uint32_t i = 0; i < nfiles; ++i) m.source_files.push_back(in.str());
    m.host = in.str();
    m.rank = in.num<int32_t>();
    m.world_size = in.num<int32_t>();
    m.pid = in.num<int64_t>();
    m.base_time_ns = in.num<int64_t>();
    auto ndev = in.num<uint32_t>();
    for (uint32_t i = 0; i < ndev; ++i) {
        DeviceInfo d;
        d.id = in.num<int32_t>();
        d.name = in.str();
        d.cc_major = in.num<int32_t>();
        d.cc_minor = in.num<int32_t>();
        d.total_memory = in.num<uint64_t>();
        d.sm_count = in.num<int32_t>();
        m.devices.push_back(std::move(d));
    }
    m.machine_hint = in.str();
    in.done();
}

void read_kernels(In in, KernelTable& t, size_t pool_size) {
    // Each row takes 89 bytes of fixed columns.
    const size_t n = in.count(89);
    in.column(t.name, n);
    for (StringId id : t.name)
        if (id >= pool_size) in.fail("kernel name id " + std::to_string(id) + " out of range");
    in.column(t.device, n);
    in.column(t.stream, n);
    in.column(t.start_ns, n);
    in.column(t.end_ns, n);
    in.column(t.duration_s, n);
    std::vector<uint8_t> prov;
    in.column(prov, n);
    t.duration_prov.resize(n);
    for (size_t i = 0; i < n; ++i) {
        if (prov[i] > static_cast<uint8_t>(Provenance::analytic)) in.fail("bad duration provenance in row " + std::to_string(i));
        t.duration_prov[i] = static_cast<Provenance>(prov[i]);
    }
    in.column(t.launches, n);
    for (auto* dims : {&t.grid, &t.block}) {
        dims->resize(n);
        for (Dim3& d : *dims) {
            d.x = in.num<uint32_t>();
            d.y = in.num<uint32_t>();
            d.z = in.num<uint32_t>();
        }
    }
    in.column(t.correlation, n);
    in.column(t.external_id, n);
    in.column(t.launch_id, n);
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
        in.column(prov, n);
        col->prov.resize(n);
        for (size_t i = 0; i < n; ++i) {
            if (prov[i] > static_cast<uint8_t>(Provenance::analytic)) in.fail("bad metric provenance in row " + std::to_string(i));
            col->prov[i] = static_cast<Provenance>(prov[i]);
        }
        // An allocated column is never empty in memory; n == 0 leaves it unallocated, as written.
    }
    in.done();
}

void read_copies(In in, std::vector<CopyRow>& rows) {
    const size_t n = in.count(49);
    rows.resize(n);
    for (auto& r : rows) {
        r.kind = in.enumeration<CopyKind>(static_cast<uint8_t>(CopyKind::memset), "copy kind");
        r.device = in.num<int32_t>();
        r.stream = in.num<int32_t>();
        r.start_ns = in.num<int64_t>();
        r.end_ns = in.num<int64_t>();
        r.bytes = in.num<uint64_t>();
        r.correlation = in.num<uint64_t>();
        r.external_id = in.num<uint64_t>();
    }
    in.done();
}

void read_cpu_ops(In in, std::vector<CpuOpRow>& rows, size_t pool_size) {
    const size_t n = in.count(69);
    rows.resize(n);
    for (auto& r : rows) {
        r.kind = in.enumeration<CpuEventKind>(static_cast<uint8_t>(CpuEventKind::other), "cpu event kind");
        r.name = in.string_id(pool_size);
        r.pid = in.num<int64_t>();
        r.tid = in.num<int64_t>();
        r.start_ns = in.num<int64_t>();
        r.end_ns = in.num<int64_t>();
        r.external_id = in.num<uint64_t>();
        r.correlation = in.num<uint64_t>();
        r.input_dims = in.string_id(pool_size);
        r.input_types = in.string_id(pool_size);
        r.input_strides = in.string_id(pool_size);
        r.concrete_inputs = in.string_id(pool_size);
    }
    in.done();
}

void read_regions(In in, std::vector<RegionRow>& rows, size_t pool_size) {
    const size_t n = in.count(41 + 9 * (kFlopKinds + kMemLevels));
    auto nflops = in.num<uint8_t>();
    auto nmem = in.num<uint8_t>();
    if (nflops != kFlopKinds || nmem != kMemLevels)
        in.fail("regions carry " + std::to_string(nflops) + " FLOP kinds and " + std::to_string(nmem) +
                " memory levels; this Rafter knows " + std::to_string(kFlopKinds) + " and " + std::to_string(kMemLevels));
    rows.resize(n);
    for (auto& r : rows) {
        r.kind = in.enumeration<RegionKind>(static_cast<uint8_t>(RegionKind::step), "region kind");
        r.name = in.string_id(pool_size);
        r.pid = in.num<int64_t>();
        r.tid = in.num<int64_t>();
        r.start_ns = in.num<int64_t>();
        r.end_ns = in.num<int64_t>();
        r.depth = in.num<int32_t>();
        for (auto& v : r.flops) v = in.value();
        for (auto& v : r.bytes) v = in.value();
    }
    in.done();
}

void read_collectives(In in, std::vector<CollectiveRow>& rows, size_t pool_size) {
    const size_t n = in.count(64);
    rows.resize(n);
    for (auto& r : rows) {
        r.name = in.string_id(pool_size);
        r.device = in.num<int32_t>();
        r.stream = in.num<int32_t>();
        r.start_ns = in.num<int64_t>();
        r.end_ns = in.num<int64_t>();
        r.in_elems = in.num<uint64_t>();
        r.out_elems = in.num<uint64_t>();
        r.dtype = in.string_id(pool_size);
        r.group_size = in.num<int32_t>();
        r.process_group = in.string_id(pool_size);
        r.kernel_row = in.num<uint64_t>();
    }
    in.done();
}

void read_steps(In in, std::vector<StepRow>& rows, size_t pool_size) {
    const size_t n = in.count(20);
    rows.resize(n);
    for (auto& r : rows) {
        r.name = in.string_id(pool_size);
        r.start_ns = in.num<int64_t>();
        r.end_ns = in.num<int64_t>();
    }
    in.done();
}

void read_diagnostics(In in, Diagnostics& d) {
    auto n = in.num<uint32_t>();
    for (uint32_t i = 0; i < n; ++i) {
        auto sev = in.enumeration<Severity>(static_cast<uint8_t>(Severity::error), "severity");
        std::string code = in.str();
        std::string message = in.str();
        auto count = in.num<uint64_t>();
        if (d.find(code)) in.fail("diagnostic code '" + code + "' given twice");
        d.add(sev, code, message, count);
    }
    in.done();
}

constexpr const char* kRequiredSections[] = {"STRS", "META", "KERN", "COPY", "CPUO", "REGN", "COLL", "STEP", "DIAG"};

} // namespace

void write_native_trace(const Trace& t, std::ostream& out) {
    const std::pair<const char*, std::string> sections[] = {
        {"STRS", strings_section(t.strings)},
        {"META", meta_section(t.meta)},
        {"KERN", kernels_section(t.kernels)},
        {"COPY", copies_section(t.copies)},
        {"CPUO", cpu_ops_section(t.cpu_ops)},
        {"REGN", regions_section(t.regions)},
        {"COLL", collectives_section(t.collectives)},
        {"STEP", steps_section(t.steps)},
        {"DIAG", diagnostics_section(t.diagnostics)},
    };
    Out h;
    h.bytes().append(kNativeMagic);
    h.num(kMinorVersion);
    h.num(static_cast<uint32_t>(std::size(sections) + 1));  // + END
    h.num(crc32_of(h.bytes()));
    out.write(h.bytes().data(), static_cast<std::streamsize>(h.bytes().size()));
    uint64_t offset = kHeaderSize;
    for (const auto& [tag, payload] : sections) {
        char t4[5];
        std::memcpy(t4, tag, 5);
        put_section(out, t4, 0, payload);
        offset += kSectionHeaderSize + payload.size();
    }
    Out end;
    end.num(offset);  // where END starts: a reader checks it against its own position
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
        if (bytes.size() >= 6 && bytes.substr(0, 6) == kNativeMagic.substr(0, 6))
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
            fail_at(payload_at, "section " + tag + " needs " + std::to_string(length) + " bytes but the file has " +
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
            fail_at(pos, "section " + tag + " given twice");
        pos = payload_at + length;
    }
    if (!saw_end) fail_at(pos, "no END section (truncated)");
    if (pos != bytes.size()) fail_at(pos, std::to_string(bytes.size() - pos) + " unexpected bytes after the END section");
    for (const char* tag : kRequiredSections)
        if (!sections.count(tag)) fail_at(pos, std::string("required section ") + tag + " is missing");

    auto in = [&](const char* tag) {
        const Section& s = sections.at(tag);
        return In(s.payload, s.offset, origin, tag);
    };
    Trace t;
    read_strings(in("STRS"), t.strings);
    const size_t pool = t.strings.size();
    read_meta(in("META"), t.meta);
    read_kernels(in("KERN"), t.kernels, pool);
    read_copies(in("COPY"), t.copies);
    read_cpu_ops(in("CPUO"), t.cpu_ops, pool);
    read_regions(in("REGN"), t.regions, pool);
    read_collectives(in("COLL"), t.collectives, pool);
    read_steps(in("STEP"), t.steps, pool);
    read_diagnostics(in("DIAG"), t.diagnostics);
    return t;
}

Trace read_native_trace(const std::string& path) {
    std::string bytes = read_file(path);
    return read_native_trace_bytes(bytes, path);
}

} // namespace rafter
