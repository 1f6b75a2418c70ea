#include "trace_columns.h"

#include <pybind11/numpy.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <unordered_map>

namespace py = pybind11;

namespace rafter::python {

namespace {

// Builds the columns of one table over all traces: numeric columns are filled row by row in C++,
// string columns through one shared dictionary.
class Columns {
public:
    explicit Columns(const std::vector<Trace>& traces) : traces_(traces) {}

    template <typename T, typename Get>
    void numeric(const char* name, size_t rows, Get get) {
        py::array_t<T> a(static_cast<py::ssize_t>(rows));
        T* out = a.mutable_data();
        size_t i = 0;
        for (size_t t = 0; t < traces_.size(); ++t) i = get(t, out, i);
        out_.append(py::make_tuple(name, a));
    }

    // get(trace, row) -> StringId in that trace's pool (kNoString = missing).
    template <typename Get>
    void strings(const char* name, const std::vector<size_t>& rows_per_trace, Get get) {
        size_t rows = 0;
        for (size_t n : rows_per_trace) rows += n;
        py::array_t<int32_t> codes(static_cast<py::ssize_t>(rows));
        int32_t* out = codes.mutable_data();
        std::unordered_map<std::string_view, int32_t> dict;
        std::vector<std::string_view> categories;
        size_t i = 0;
        for (size_t t = 0; t < traces_.size(); ++t) {
            const StringPool& pool = traces_[t].strings;
            std::vector<int32_t> remap(pool.size(), std::numeric_limits<int32_t>::min());
            for (size_t r = 0; r < rows_per_trace[t]; ++r) {
                StringId id = get(t, r);
                if (id == kNoString || id >= pool.size()) {
                    out[i++] = -1;
                    continue;
                }
                if (remap[id] == std::numeric_limits<int32_t>::min()) {
                    auto [it, added] = dict.emplace(pool.get(id), static_cast<int32_t>(categories.size()));
                    if (added) categories.push_back(pool.get(id));
                    remap[id] = it->second;
                }
                out[i++] = remap[id];
            }
        }
        py::list cats;
        for (std::string_view s : categories) cats.append(py::str(s.data(), s.size()));
        out_.append(py::make_tuple(name, codes, cats));
    }

    // A string column whose values are fixed texts (enums): codes into `names`.
    template <typename Get>
    void labels(const char* name, const std::vector<size_t>& rows_per_trace, const std::vector<std::string>& names,
                Get get) {
        size_t rows = 0;
        for (size_t n : rows_per_trace) rows += n;
        py::array_t<int32_t> codes(static_cast<py::ssize_t>(rows));
        int32_t* out = codes.mutable_data();
        size_t i = 0;
        for (size_t t = 0; t < traces_.size(); ++t)
            for (size_t r = 0; r < rows_per_trace[t]; ++r) out[i++] = static_cast<int32_t>(get(t, r));
        py::list cats;
        for (const auto& s : names) cats.append(s);
        out_.append(py::make_tuple(name, codes, cats));
    }

    py::list take() { return std::move(out_); }

private:
    const std::vector<Trace>& traces_;
    py::list out_;
};

// One numeric column from a per-row accessor over every trace's rows.
template <typename T, typename Row>
void per_row(Columns& c, const char* name, const std::vector<size_t>& rows_per_trace, Row row) {
    size_t rows = 0;
    for (size_t n : rows_per_trace) rows += n;
    c.numeric<T>(name, rows, [&](size_t t, T* out, size_t i) {
        for (size_t r = 0; r < rows_per_trace[t]; ++r) out[i++] = static_cast<T>(row(t, r));
        return i;
    });
}

double nan_if_missing(Value v) { return v.has() ? v.value : std::numeric_limits<double>::quiet_NaN(); }

const char* to_text(CpuEventKind k) {
    switch (k) {
    case CpuEventKind::op: return "op";
    case CpuEventKind::runtime: return "runtime";
    case CpuEventKind::driver: return "driver";
    case CpuEventKind::python: return "python";
    case CpuEventKind::sync: return "sync";
    case CpuEventKind::other: return "other";
    }
    return "other";
}

const char* to_text(RegionKind k) {
    switch (k) {
    case RegionKind::user: return "user";
    case RegionKind::gpu_user: return "gpu_user";
    case RegionKind::nvtx: return "nvtx";
    case RegionKind::region: return "region";
    case RegionKind::step: return "step";
    }
    return "user";
}

template <typename Enum>
std::vector<std::string> enum_names(int count, const char* (*name)(Enum)) {
    std::vector<std::string> out;
    for (int i = 0; i < count; ++i) out.emplace_back(name(static_cast<Enum>(i)));
    return out;
}

template <typename Rows>
std::vector<size_t> sizes(const std::vector<Trace>& traces, Rows rows) {
    std::vector<size_t> out;
    for (const Trace& t : traces) out.push_back(rows(t));
    return out;
}

// Times on the trace's clock and their difference in seconds; a row without timestamps has both 0.
template <typename RowsOf>
void times(Columns& c, const std::vector<Trace>& traces, const std::vector<size_t>& n, RowsOf rows) {
    per_row<int64_t>(c, "start_ns", n, [&](size_t t, size_t r) { return rows(traces[t])[r].start_ns; });
    per_row<int64_t>(c, "end_ns", n, [&](size_t t, size_t r) { return rows(traces[t])[r].end_ns; });
}

} // namespace

int32_t rank_of(const std::vector<Trace>& traces, size_t index) {
    return traces[index].meta.rank >= 0 ? traces[index].meta.rank : static_cast<int32_t>(index);
}

py::list kernel_columns(const std::vector<Trace>& traces) {
    Columns c(traces);
    auto n = sizes(traces, [](const Trace& t) { return t.kernels.size(); });
    auto k = [&](size_t t) -> const KernelTable& { return traces[t].kernels; };
    per_row<int32_t>(c, "rank", n, [&](size_t t, size_t) { return rank_of(traces, t); });
    c.strings("name", n, [&](size_t t, size_t r) { return k(t).name[r]; });
    per_row<int32_t>(c, "device", n, [&](size_t t, size_t r) { return k(t).device[r]; });
    per_row<int32_t>(c, "stream", n, [&](size_t t, size_t r) { return k(t).stream[r]; });
    per_row<int64_t>(c, "start_ns", n, [&](size_t t, size_t r) { return k(t).start_ns[r]; });
    per_row<int64_t>(c, "end_ns", n, [&](size_t t, size_t r) { return k(t).end_ns[r]; });
    per_row<double>(c, "duration_s", n, [&](size_t t, size_t r) {
        return k(t).duration_prov[r] == Provenance::missing ? std::numeric_limits<double>::quiet_NaN()
                                                            : k(t).duration_s[r];
    });
    per_row<uint32_t>(c, "launches", n, [&](size_t t, size_t r) { return k(t).launches[r]; });
    per_row<uint32_t>(c, "grid_x", n, [&](size_t t, size_t r) { return k(t).grid[r].x; });
    per_row<uint32_t>(c, "grid_y", n, [&](size_t t, size_t r) { return k(t).grid[r].y; });
    per_row<uint32_t>(c, "grid_z", n, [&](size_t t, size_t r) { return k(t).grid[r].z; });
    per_row<uint32_t>(c, "block_x", n, [&](size_t t, size_t r) { return k(t).block[r].x; });
    per_row<uint32_t>(c, "block_y", n, [&](size_t t, size_t r) { return k(t).block[r].y; });
    per_row<uint32_t>(c, "block_z", n, [&](size_t t, size_t r) { return k(t).block[r].z; });
    per_row<int32_t>(c, "registers_per_thread", n, [&](size_t t, size_t r) { return k(t).registers_per_thread[r]; });
    per_row<int32_t>(c, "shared_memory_bytes", n, [&](size_t t, size_t r) { return k(t).shared_memory_bytes[r]; });
    per_row<uint64_t>(c, "correlation", n, [&](size_t t, size_t r) { return k(t).correlation[r]; });
    per_row<uint64_t>(c, "external_id", n, [&](size_t t, size_t r) { return k(t).external_id[r]; });
    // Metric columns only when some trace has a value in them (NaN = missing), as in the trace model.
    for (size_t f = 0; f < kFlopKinds; ++f) {
        bool any = false;
        for (const Trace& t : traces) any = any || t.kernels.flops[f].any();
        if (!any) continue;
        std::string name = std::string("flops_") + to_string(static_cast<FlopKind>(f));
        per_row<double>(c, name.c_str(), n, [&](size_t t, size_t r) { return nan_if_missing(k(t).flops[f].get(r)); });
    }
    for (size_t l = 0; l < kMemLevels; ++l) {
        bool any = false;
        for (const Trace& t : traces) any = any || t.kernels.bytes[l].any();
        if (!any) continue;
        std::string name = std::string("bytes_") + to_string(static_cast<MemLevel>(l));
        per_row<double>(c, name.c_str(), n, [&](size_t t, size_t r) { return nan_if_missing(k(t).bytes[l].get(r)); });
    }
    return c.take();
}

py::list op_columns(const std::vector<Trace>& traces) {
    Columns c(traces);
    auto n = sizes(traces, [](const Trace& t) { return t.cpu_ops.size(); });
    auto o = [&](size_t t, size_t r) -> const CpuOpRow& { return traces[t].cpu_ops[r]; };
    per_row<int32_t>(c, "rank", n, [&](size_t t, size_t) { return rank_of(traces, t); });
    c.labels("kind", n, enum_names<CpuEventKind>(6, to_text), [&](size_t t, size_t r) { return o(t, r).kind; });
    c.strings("name", n, [&](size_t t, size_t r) { return o(t, r).name; });
    per_row<int64_t>(c, "pid", n, [&](size_t t, size_t r) { return o(t, r).pid; });
    per_row<int64_t>(c, "tid", n, [&](size_t t, size_t r) { return o(t, r).tid; });
    times(c, traces, n, [](const Trace& t) -> const std::vector<CpuOpRow>& { return t.cpu_ops; });
    per_row<uint64_t>(c, "external_id", n, [&](size_t t, size_t r) { return o(t, r).external_id; });
    per_row<uint64_t>(c, "correlation", n, [&](size_t t, size_t r) { return o(t, r).correlation; });
    per_row<int64_t>(c, "sequence_number", n, [&](size_t t, size_t r) { return o(t, r).sequence_number; });
    c.strings("input_dims", n, [&](size_t t, size_t r) { return o(t, r).input_dims; });
    c.strings("input_types", n, [&](size_t t, size_t r) { return o(t, r).input_types; });
    return c.take();
}

py::list copy_columns(const std::vector<Trace>& traces) {
    Columns c(traces);
    auto n = sizes(traces, [](const Trace& t) { return t.copies.size(); });
    auto o = [&](size_t t, size_t r) -> const CopyRow& { return traces[t].copies[r]; };
    per_row<int32_t>(c, "rank", n, [&](size_t t, size_t) { return rank_of(traces, t); });
    c.labels("kind", n, enum_names<CopyKind>(7, to_string), [&](size_t t, size_t r) { return o(t, r).kind; });
    per_row<int32_t>(c, "device", n, [&](size_t t, size_t r) { return o(t, r).device; });
    per_row<int32_t>(c, "stream", n, [&](size_t t, size_t r) { return o(t, r).stream; });
    times(c, traces, n, [](const Trace& t) -> const std::vector<CopyRow>& { return t.copies; });
    per_row<uint64_t>(c, "bytes", n, [&](size_t t, size_t r) { return o(t, r).bytes; });
    per_row<uint64_t>(c, "correlation", n, [&](size_t t, size_t r) { return o(t, r).correlation; });
    per_row<uint64_t>(c, "external_id", n, [&](size_t t, size_t r) { return o(t, r).external_id; });
    return c.take();
}

py::list collective_columns(const std::vector<Trace>& traces) {
    Columns c(traces);
    auto n = sizes(traces, [](const Trace& t) { return t.collectives.size(); });
    auto o = [&](size_t t, size_t r) -> const CollectiveRow& { return traces[t].collectives[r]; };
    per_row<int32_t>(c, "rank", n, [&](size_t t, size_t) { return rank_of(traces, t); });
    c.strings("name", n, [&](size_t t, size_t r) { return o(t, r).name; });
    per_row<int32_t>(c, "device", n, [&](size_t t, size_t r) { return o(t, r).device; });
    per_row<int32_t>(c, "stream", n, [&](size_t t, size_t r) { return o(t, r).stream; });
    times(c, traces, n, [](const Trace& t) -> const std::vector<CollectiveRow>& { return t.collectives; });
    per_row<uint64_t>(c, "in_elems", n, [&](size_t t, size_t r) { return o(t, r).in_elems; });
    per_row<uint64_t>(c, "out_elems", n, [&](size_t t, size_t r) { return o(t, r).out_elems; });
    c.strings("dtype", n, [&](size_t t, size_t r) { return o(t, r).dtype; });
    per_row<int32_t>(c, "group_size", n, [&](size_t t, size_t r) { return o(t, r).group_size; });
    c.strings("process_group", n, [&](size_t t, size_t r) { return o(t, r).process_group; });
    c.strings("process_group_ranks", n, [&](size_t t, size_t r) { return o(t, r).process_group_ranks; });
    per_row<int64_t>(c, "kernel_row", n, [&](size_t t, size_t r) {
        return o(t, r).kernel_row == UINT64_MAX ? int64_t{-1} : static_cast<int64_t>(o(t, r).kernel_row);
    });
    per_row<uint64_t>(c, "external_id", n, [&](size_t t, size_t r) { return o(t, r).external_id; });
    return c.take();
}

py::list step_columns(const std::vector<Trace>& traces) {
    Columns c(traces);
    auto n = sizes(traces, [](const Trace& t) { return t.steps.size(); });
    per_row<int32_t>(c, "rank", n, [&](size_t t, size_t) { return rank_of(traces, t); });
    c.strings("name", n, [&](size_t t, size_t r) { return traces[t].steps[r].name; });
    times(c, traces, n, [](const Trace& t) -> const std::vector<StepRow>& { return t.steps; });
    return c.take();
}

py::list region_columns(const std::vector<Trace>& traces) {
    Columns c(traces);
    auto n = sizes(traces, [](const Trace& t) { return t.regions.size(); });
    auto o = [&](size_t t, size_t r) -> const RegionRow& { return traces[t].regions[r]; };
    per_row<int32_t>(c, "rank", n, [&](size_t t, size_t) { return rank_of(traces, t); });
    c.labels("kind", n, enum_names<RegionKind>(5, to_text), [&](size_t t, size_t r) { return o(t, r).kind; });
    c.strings("name", n, [&](size_t t, size_t r) { return o(t, r).name; });
    per_row<int64_t>(c, "pid", n, [&](size_t t, size_t r) { return o(t, r).pid; });
    per_row<int64_t>(c, "tid", n, [&](size_t t, size_t r) { return o(t, r).tid; });
    times(c, traces, n, [](const Trace& t) -> const std::vector<RegionRow>& { return t.regions; });
    per_row<int32_t>(c, "depth", n, [&](size_t t, size_t r) { return o(t, r).depth; });
    return c.take();
}

} // namespace rafter::python
