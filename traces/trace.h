#pragma once
// The one in-memory trace model every importer fills and every analysis reads.
// Tables are column-oriented (a vector per column) so that aggregation touches only what it
// needs and a trace of millions of kernels stays compact. Metric columns (FLOPs, bytes) are
// allocated only when some row has a value: a trace without counters pays nothing for them.
#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/diagnostics.h"
#include "core/metric_kinds.h"

namespace rafter {

// Interned strings: names are stored once and referred to by a 32-bit id.
using StringId = uint32_t;
constexpr StringId kNoString = 0;  // id 0 is the empty string

class StringPool {
public:
    StringPool();
    StringPool(const StringPool& other);
    StringPool& operator=(const StringPool& other);
    StringPool(StringPool&&) = default;
    StringPool& operator=(StringPool&&) = default;

    StringId intern(std::string_view s);
    std::optional<StringId> find(std::string_view s) const;
    std::string_view get(StringId id) const { return strings_[id]; }
    size_t size() const { return strings_.size(); }

private:
    std::deque<std::string> strings_;  // deque: elements never move, so the views below stay valid
    std::unordered_map<std::string_view, StringId> index_;
};

// A column of optional metric values; empty vectors mean "all rows missing".
struct MetricColumn {
    std::vector<double> values;
    std::vector<Provenance> prov;

    Value get(size_t row) const {
        if (row >= prov.size()) return {};
        return {values[row], prov[row]};
    }
    void set(size_t row, Value v, size_t table_rows);
    bool any() const { return !prov.empty(); }
    void resize(size_t rows);  // keeps the column empty when it is unused
};

struct Dim3 {
    uint32_t x = 0, y = 0, z = 0;  // 0 = unknown
    bool operator==(const Dim3&) const = default;
};

// One kernel launch (launches == 1) or an aggregate of several (launches == n), as a row.
struct KernelRow {
    StringId name = kNoString;
    int32_t device = -1;
    int32_t stream = -1;
    int64_t start_ns = 0;     // on the trace's clock; 0 with end_ns 0 when unknown
    int64_t end_ns = 0;
    double duration_s = 0;    // kernel time (from counters when no timestamps); see duration_prov
    Provenance duration_prov = Provenance::missing;
    uint32_t launches = 1;
    Dim3 grid, block;
    uint64_t correlation = 0;  // CUDA correlation id (0 = none)
    uint64_t external_id = 0;  // framework op link (0 = none)
    uint64_t launch_id = 0;    // profiler's launch ID (ncu "ID"), for joins
    int32_t registers_per_thread = -1;  // launch configuration; -1 = unknown
    int32_t shared_memory_bytes = -1;   // shared memory per block (static + dynamic); -1 = unknown
    std::array<Value, kFlopKinds> flops{};
    std::array<Value, kMemLevels> bytes{};
};

class KernelTable {
public:
    size_t size() const { return name.size(); }
    size_t append(const KernelRow& row);
    KernelRow row(size_t i) const;
    void set_flops(size_t i, FlopKind k, Value v) { flops[static_cast<size_t>(k)].set(i, v, size()); }
    void set_bytes(size_t i, MemLevel l, Value v) { bytes[static_cast<size_t>(l)].set(i, v, size()); }
    Value get_flops(size_t i, FlopKind k) const { return flops[static_cast<size_t>(k)].get(i); }
    Value get_bytes(size_t i, MemLevel l) const { return bytes[static_cast<size_t>(l)].get(i); }
    void reserve(size_t n);

    std::vector<StringId> name;
    std::vector<int32_t> device, stream;
    std::vector<int64_t> start_ns, end_ns;
    std::vector<double> duration_s;
    std::vector<Provenance> duration_prov;
    std::vector<uint32_t> launches;
    std::vector<Dim3> grid, block;
    std::vector<uint64_t> correlation, external_id, launch_id;
    std::vector<int32_t> registers_per_thread, shared_memory_bytes;
    std::array<MetricColumn, kFlopKinds> flops;
    std::array<MetricColumn, kMemLevels> bytes;
};

enum class CopyKind : uint8_t { memcpy_htod, memcpy_dtoh, memcpy_dtod, memcpy_htoh, memcpy_peer, memcpy_other, memset };
const char* to_string(CopyKind k);

struct CopyRow {
    CopyKind kind = CopyKind::memcpy_other;
    int32_t device = -1, stream = -1;
    int64_t start_ns = 0, end_ns = 0;
    uint64_t bytes = 0;
    uint64_t correlation = 0, external_id = 0;
};

// A CPU-side framework op (aten::mm) or API call (cudaLaunchKernel).
enum class CpuEventKind : uint8_t { op, runtime, driver, python, sync, other };
struct CpuOpRow {
    CpuEventKind kind = CpuEventKind::op;
    StringId name = kNoString;
    int64_t pid = 0, tid = 0;
    int64_t start_ns = 0, end_ns = 0;
    uint64_t external_id = 0;   // links op -> kernels (Kineto "External id")
    uint64_t correlation = 0;   // links runtime call -> kernel
    StringId input_dims = kNoString;   // JSON text as in the trace, e.g. "[[64, 128], [128, 256]]"
    StringId input_types = kNoString;  // e.g. "[\"float\", \"float\"]"
    StringId input_strides = kNoString;
    StringId concrete_inputs = kNoString;
    int64_t sequence_number = -1;  // autograd sequence number: links a forward op to its backward (-1 none)
};

// Annotated ranges: user annotations, NVTX, Rafter regions, profiler steps.
enum class RegionKind : uint8_t { user, gpu_user, nvtx, region, step };
struct RegionRow {
    RegionKind kind = RegionKind::user;
    StringId name = kNoString;
    int64_t pid = 0, tid = 0;   // for gpu ranges: device and stream
    int64_t start_ns = 0, end_ns = 0;
    int32_t depth = 0;
    std::array<Value, kFlopKinds> flops{};   // from CPU counters when regions carry them
    std::array<Value, kMemLevels> bytes{};
};

struct CollectiveRow {
    StringId name = kNoString;          // "allreduce", "all_gather", ...
    int32_t device = -1, stream = -1;
    int64_t start_ns = 0, end_ns = 0;
    uint64_t in_elems = 0, out_elems = 0;
    StringId dtype = kNoString;
    int32_t group_size = 0;
    StringId process_group = kNoString;
    uint64_t kernel_row = UINT64_MAX;  // the kernel row it ran as, when known
    uint64_t external_id = 0;          // framework op link (Kineto "External id"; 0 = none)
    StringId process_group_ranks = kNoString;  // e.g. "[0, 1]"
};

struct StepRow {
    StringId name = kNoString;  // "ProfilerStep#4"
    int64_t start_ns = 0, end_ns = 0;
};

struct DeviceInfo {
    int32_t id = -1;
    std::string name;             // "NVIDIA H100 80GB HBM3"
    int cc_major = 0, cc_minor = 0;
    uint64_t total_memory = 0;
    int sm_count = 0;
};

struct TraceMetadata {
    std::string source_format;    // "ncu-csv", "kineto", "nsys-sqlite", "rafter", "cupti"
    std::vector<std::string> source_files;
    std::string host;
    int32_t rank = -1;            // -1 = unknown
    int32_t world_size = -1;
    int64_t pid = 0;
    int64_t base_time_ns = 0;     // add to any *_ns to get absolute epoch ns, when known
    std::vector<DeviceInfo> devices;
    std::string machine_hint;     // e.g. a chip or CC string that selects machine ceilings
};

struct Trace {
    TraceMetadata meta;
    StringPool strings;
    KernelTable kernels;
    std::vector<CopyRow> copies;
    std::vector<CpuOpRow> cpu_ops;
    std::vector<RegionRow> regions;
    std::vector<CollectiveRow> collectives;
    std::vector<StepRow> steps;
    Diagnostics diagnostics;
};

// One trace per rank, aligned on a common clock by per-rank offsets.
struct TraceSet {
    std::vector<Trace> ranks;
    std::vector<int64_t> clock_offset_ns;  // add to rank r's times to get the common clock
};

} // namespace rafter
