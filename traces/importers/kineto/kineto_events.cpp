#include "traces/importers/kineto/kineto_events.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#if defined(__linux__)
#include <sys/mman.h>
#endif
#include <unordered_set>

#include "core/error.h"
#include "core/text.h"

namespace rafter::kineto {

namespace {
constexpr std::string_view kStepPrefix = "ProfilerStep#";
// Epoch microseconds after 2001-09-09: a trace whose timestamps are this large carries
// absolute time even without baseTimeNanoseconds (the older Kineto style).
constexpr int64_t kEpochThresholdNs = 1'000'000'000'000'000'000;

const char* category_name(Category c) {
    switch (c) {
    case Category::kernel: return "kernel";
    case Category::gpu_memcpy: return "gpu_memcpy";
    case Category::gpu_memset: return "gpu_memset";
    case Category::cuda_runtime: return "cuda_runtime";
    case Category::cuda_driver: return "cuda_driver";
    case Category::cpu_op: return "cpu_op";
    case Category::user_annotation: return "user_annotation";
    case Category::gpu_user_annotation: return "gpu_user_annotation";
    case Category::cuda_sync: return "cuda_sync";
    case Category::python_function: return "python_function";
    default: return "?";
    }
}

CopyKind copy_kind(std::string_view name) {
    // Kineto names copies "Memcpy HtoD (Pageable -> Device)", "Memcpy PtoP (Device -> Device)".
    if (name.size() >= 11 && name.substr(0, 7) == "Memcpy ") {
        std::string_view k = name.substr(7, 4);
        if (k == "HtoD") return CopyKind::memcpy_htod;
        if (k == "DtoH") return CopyKind::memcpy_dtoh;
        if (k == "DtoD") return CopyKind::memcpy_dtod;
        if (k == "HtoH") return CopyKind::memcpy_htoh;
        if (k == "PtoP") return CopyKind::memcpy_peer;
    }
    return CopyKind::memcpy_other;
}

bool starts_with_step(std::string_view name) { return name.substr(0, kStepPrefix.size()) == kStepPrefix; }
} // namespace

EventSink::EventSink(Trace& trace, const ImportOptions& options, std::string file, bool compressed)
    : t_(trace), opt_(options), file_(std::move(file)), compressed_(compressed) {}

void EventSink::fail(const std::string& what) const {
    // The position says "event N"; the message adds the category and the byte offset.
    std::string where = "(";
    if (ev_ && ev_->category != Category::none && ev_->category != Category::unknown)
        where += std::string(category_name(ev_->category)) + ", ";
    where += "byte " + std::to_string(offset_) + (compressed_ ? " of the decompressed JSON)" : ")");
    throw Error(ExitCode::bad_input, where + " " + what, {file_, PositionKind::event_index, index_});
}

StringId EventSink::intern(std::string_view s) {
    if (s.empty()) return kNoString;
    uint64_t a = 0, b = 0;
    std::memcpy(&a, s.data(), std::min<size_t>(8, s.size()));
    std::memcpy(&b, s.data() + s.size() - std::min<size_t>(8, s.size()), std::min<size_t>(8, s.size()));
    uint64_t h = (a * 0x9E3779B97F4A7C15ull) ^ (b * 0xC2B2AE3D27D4EB4Full) ^ (s.size() * 0x165667B19E3779F9ull);
    StringId& slot = intern_cache_[(h >> 40) & (intern_cache_.size() - 1)];
    if (slot != kNoString && t_.strings.get(slot) == s) return slot;
    slot = t_.strings.intern(s);
    return slot;
}

std::string_view EventSink::text_of(const JValue& v, const char* field) {
    if (!v.escaped) return v.text;
    if (!unescape(v.text, scratch_)) fail(std::string("invalid escape sequence in ") + field);
    return scratch_;
}

StringId EventSink::intern_string(const JValue& v, const char* field) {
    if (v.type != JType::string)
        fail(std::string("'") + field + "' must be a string, got " + to_string(v.type));
    return intern(text_of(v, field));
}

int64_t EventSink::time_ns(const JValue& v, const char* field, bool required) {
    if (!v.present()) {
        if (required) fail(std::string("missing '") + field + "'");
        return 0;
    }
    if (v.type != JType::number)
        fail(std::string("'") + field + "' must be a number, got " + to_string(v.type) +
             (v.type == JType::string ? " \"" + std::string(v.text.substr(0, 40)) + "\"" : ""));
    int64_t ns;
    if (!us_to_ns(v.text, ns)) fail(std::string("'") + field + "' is out of range: " + std::string(v.text));
    return ns;
}

int64_t EventSink::int_arg(Arg a, int64_t fallback, int64_t lo, int64_t hi) {
    const JValue& v = ev_->arg(a);
    if (!v.present() || v.type == JType::null) return fallback;
    int64_t x;
    if (v.type != JType::number || !to_int64(v.text, x))
        fail(std::string("arg '") + arg_key(a) + "' must be an integer, got " +
             (v.type == JType::number ? std::string(v.text) : std::string(to_string(v.type))));
    if (x < lo || x > hi) fail(std::string("arg '") + arg_key(a) + "' is out of range: " + std::string(v.text));
    return x;
}

// Device and stream ids: CUPTI writes them unsigned, and UINT32_MAX ("no stream") becomes -1;
// -1 itself is "none", any other negative id is corrupt.
int32_t EventSink::id_arg(Arg a, int64_t fallback) {
    int64_t x = int_arg(a, fallback, -1, UINT32_MAX);
    return x > INT32_MAX ? static_cast<int32_t>(static_cast<uint32_t>(x)) : static_cast<int32_t>(x);
}

uint64_t EventSink::uint_arg(Arg a) {
    const JValue& v = ev_->arg(a);
    if (!v.present() || v.type == JType::null) return 0;
    uint64_t x;
    if (v.type != JType::number || !to_uint64(v.text, x))
        fail(std::string("arg '") + arg_key(a) + "' must be a non-negative integer, got " +
             (v.type == JType::number ? std::string(v.text) : std::string(to_string(v.type))));
    return x;
}

// Rewrites validated JSON text in the spacing PyTorch itself writes ("[[1, 512], []]"): no
// whitespace except one space after each comma. Pretty-printed traces (re-dumped with an
// indent) then intern to the same strings as native ones, and stay compact.
static std::string_view compact_json(std::string_view text, std::string& out) {
    bool plain = true;
    for (size_t i = 0; i < text.size() && plain; ++i) {
        char c = text[i];
        if (c == '\n' || c == '\r' || c == '\t' || (c == ' ' && (i == 0 || text[i - 1] != ',')) ||
            (c == ',' && (i + 1 >= text.size() || text[i + 1] != ' ')))
            plain = false;
    }
    if (plain) return text;  // already canonical unless a string holds such characters: harmless
    out.clear();
    bool in_string = false, escape = false;
    for (char c : text) {
        if (in_string) {
            out += c;
            if (escape) escape = false;
            else if (c == '\\') escape = true;
            else if (c == '"') in_string = false;
            continue;
        }
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
        out += c;
        if (c == '"') in_string = true;
        else if (c == ',') out += ' ';
    }
    return out;
}

// Shape-like args are kept as JSON text; the analysis parses them.
StringId EventSink::json_text_arg(Arg a) {
    const JValue& v = ev_->arg(a);
    if (!v.present() || v.type == JType::null) return kNoString;
    if (v.type == JType::array) return intern(compact_json(v.text, scratch_));
    if (v.type == JType::string) return intern(text_of(v, arg_key(a)));
    fail(std::string("arg '") + arg_key(a) + "' must be a list, got " + to_string(v.type));
}

StringId EventSink::string_arg(Arg a) {
    const JValue& v = ev_->arg(a);
    if (!v.present() || v.type == JType::null) return kNoString;
    if (v.type == JType::string) return intern(text_of(v, arg_key(a)));
    if (v.type == JType::number || v.type == JType::array) return intern(v.text);
    fail(std::string("arg '") + arg_key(a) + "' must be a string, got " + to_string(v.type));
}

Dim3 EventSink::dim3_arg(Arg a) {
    const JValue& v = ev_->arg(a);
    Dim3 d;
    if (!v.present() || v.type == JType::null) return d;
    if (v.type != JType::array) fail(std::string("arg '") + arg_key(a) + "' must be a list, got " + to_string(v.type));
    // The text was validated by the lexer: "[512, 1, 1]". Read up to three integers.
    uint32_t* out[3] = {&d.x, &d.y, &d.z};
    size_t n = 0;
    std::string_view s = v.text.substr(1, v.text.size() - 2);
    while (!s.empty()) {
        size_t comma = s.find(',');
        std::string_view item = s.substr(0, comma);
        while (!item.empty() && (item.front() == ' ' || item.front() == '\n' || item.front() == '\t' || item.front() == '\r')) item.remove_prefix(1);
        while (!item.empty() && (item.back() == ' ' || item.back() == '\n' || item.back() == '\t' || item.back() == '\r')) item.remove_suffix(1);
        uint64_t x;
        if (n >= 3 || !to_uint64(item, x) || x > UINT32_MAX)
            fail(std::string("arg '") + arg_key(a) + "' must be a list of up to three integers, got " + std::string(v.text));
        *out[n++] = static_cast<uint32_t>(x);
        if (comma == std::string_view::npos) break;
        s.remove_prefix(comma + 1);
    }
    return d;
}

int64_t EventSink::pid_or_tid(const JValue& v) {
    // Numbers normally; some tracks use labels ("Spans", "stream 7"), which carry no id.
    int64_t x = 0;
    if (v.type == JType::number || v.type == JType::string) {
        if (to_int64(v.text, x)) return x;
        return 0;
    }
    return 0;
}

void EventSink::add(const RawEvent& ev, uint64_t index, uint64_t offset) {
    ++events_;
    ev_ = &ev;
    if (ev.args_not_object && ev.category != Category::none && ev.category != Category::unknown)
        ++args_not_object_;
    index_ = index;
    offset_ = offset;
    switch (ev.category) {
    case Category::none: return;  // metadata ('M') and global instant events carry no category
    case Category::unknown: {
        ++unknown_events_;
        std::string name = ev.cat.type == JType::string ? std::string(ev.cat.text) : "(not a string)";
        if (unknown_categories_.size() < 64 || unknown_categories_.count(name)) ++unknown_categories_[name];
        return;
    }
    case Category::ac2g:    // flows: the correlation id they carry is already on both ends
    case Category::fwdbwd:  // forward/backward flows: Sequence number carries the same link
    case Category::trace:   // the profiler's own span
        return;
    case Category::python_function:
        // nn.Module calls are kept always (module view, analysis/module_scopes.h): they are a few
        // percent of the python events and need no args.
        if (!opt_.include_python_events &&
            !(ev.name.type == JType::string && !ev.name.escaped && ev.name.text.rfind("nn.Module: ", 0) == 0)) {
            ++python_skipped_;
            return;
        }
        break;
    default: break;
    }
    if (ev.ph.type != JType::string) fail("'ph' must be a string, got " + std::string(to_string(ev.ph.type)));
    if (ev.ph.text != "X") { ++non_complete_; return; }
    if (ev.name.type != JType::string) fail("'name' must be a string, got " + std::string(to_string(ev.name.type)));
    int64_t start = time_ns(ev.ts, "ts", true);
    int64_t dur = time_ns(ev.dur, "dur", true);
    if (dur < 0) ++negative_durations_;
    int64_t end;
    if (__builtin_add_overflow(start, dur, &end)) fail("'ts' + 'dur' is out of range");
    if (!min_ts_ns_ || start < *min_ts_ns_) min_ts_ns_ = start;

    switch (ev.category) {
    case Category::kernel: add_kernel(start, end); break;
    case Category::gpu_memcpy: add_copy(start, end, false); break;
    case Category::gpu_memset: add_copy(start, end, true); break;
    case Category::cuda_runtime:
        if (ev.name.type == JType::string && ev.name.text.find("LaunchKernel") != std::string_view::npos) ++launch_calls_;
        add_cpu(CpuEventKind::runtime, start, end);
        break;
    case Category::cuda_driver: add_cpu(CpuEventKind::driver, start, end); break;
    case Category::cuda_sync: add_cpu(CpuEventKind::sync, start, end); break;
    case Category::python_function: add_cpu(CpuEventKind::python, start, end); break;
    case Category::cpu_op:
    case Category::user_annotation: {
        std::string_view name = text_of(ev.name, "name");
        if (starts_with_step(name)) {
            t_.steps.push_back({intern(name), start, end});
        } else if (ev.category == Category::cpu_op) {
            add_cpu(CpuEventKind::op, start, end);
        } else {
            RegionRow r;
            r.kind = RegionKind::user;
            r.name = intern(name);
            r.pid = pid_or_tid(ev.pid);
            r.tid = pid_or_tid(ev.tid);
            r.start_ns = start;
            r.end_ns = end;
            t_.regions.push_back(r);
        }
        break;
    }
    case Category::gpu_user_annotation: {
        RegionRow r;
        r.kind = RegionKind::gpu_user;
        r.name = intern_string(ev.name, "name");
        r.pid = id_arg(Arg::device, pid_or_tid(ev.pid));
        r.tid = id_arg(Arg::stream, pid_or_tid(ev.tid));
        r.start_ns = start;
        r.end_ns = end;
        t_.regions.push_back(r);
        break;
    }
    default: break;
    }
}

namespace {
// Asks for transparent huge pages on a large table: building a multi-GB trace otherwise spends
// a good share of its time in 4 KiB page faults (expensive in VMs). Only a hint.
template <class V>
void advise_huge_pages(const V& v) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    size_t bytes = v.capacity() * sizeof(typename V::value_type);
    if (bytes < (4u << 20)) return;
    auto begin = reinterpret_cast<uintptr_t>(v.data());
    uintptr_t page = 4096;
    uintptr_t from = (begin + page - 1) & ~(page - 1);
    uintptr_t to = (begin + bytes) & ~(page - 1);
    if (to > from) madvise(reinterpret_cast<void*>(from), to - from, MADV_HUGEPAGE);
#else
    (void)v;
#endif
}

template <class V>
void reserve_huge(V& v, size_t n) {
    v.reserve(n);
    advise_huge_pages(v);
}
} // namespace

void EventSink::reserve_more(double factor) {
    auto room = [&](size_t n) { return static_cast<size_t>(static_cast<double>(n) * factor) + 64; };
    KernelTable& k = t_.kernels;
    size_t nk = room(k.size());
    k.reserve(nk);
    advise_huge_pages(k.start_ns), advise_huge_pages(k.end_ns), advise_huge_pages(k.duration_s);
    advise_huge_pages(k.correlation), advise_huge_pages(k.external_id), advise_huge_pages(k.launch_id);
    advise_huge_pages(k.grid), advise_huge_pages(k.block);
    reserve_huge(t_.copies, room(t_.copies.size()));
    reserve_huge(t_.cpu_ops, room(t_.cpu_ops.size()));
    reserve_huge(t_.regions, room(t_.regions.size()));
}

CollectiveRow EventSink::collective(int64_t start, int64_t end) {
    CollectiveRow c;
    c.name = string_arg(Arg::collective_name);
    c.start_ns = start;
    c.end_ns = end;
    c.in_elems = uint_arg(Arg::in_msg_nelems);
    c.out_elems = uint_arg(Arg::out_msg_nelems);
    c.dtype = string_arg(Arg::dtype);
    c.group_size = static_cast<int32_t>(int_arg(Arg::group_size, 0, 0, INT32_MAX));
    c.process_group = string_arg(Arg::pg_name);
    c.process_group_ranks = string_arg(Arg::pg_ranks);
    c.external_id = uint_arg(Arg::external_id);
    return c;
}

void EventSink::add_kernel(int64_t start, int64_t end) {
    const RawEvent& ev = *ev_;
    KernelRow r;
    r.name = intern_string(ev.name, "name");
    r.device = id_arg(Arg::device, pid_or_tid(ev.pid));
    r.stream = id_arg(Arg::stream, pid_or_tid(ev.tid));
    r.start_ns = start;
    r.end_ns = end;
    r.duration_s = static_cast<double>(end - start) * 1e-9;  // = dur: no overflow (checked above)
    r.duration_prov = Provenance::measured;
    r.grid = dim3_arg(Arg::grid);
    r.block = dim3_arg(Arg::block);
    r.correlation = uint_arg(Arg::correlation);
    r.external_id = uint_arg(Arg::external_id);
    r.registers_per_thread = static_cast<int32_t>(int_arg(Arg::registers_per_thread, -1, 0, INT32_MAX));
    r.shared_memory_bytes = static_cast<int32_t>(int_arg(Arg::shared_memory, -1, 0, INT32_MAX));
    size_t row = t_.kernels.append(r);
    if (ev.arg(Arg::collective_name).present()) {
        CollectiveRow c = collective(start, end);
        c.device = r.device;
        c.stream = r.stream;
        c.kernel_row = row;
        t_.collectives.push_back(c);
    }
}

void EventSink::add_copy(int64_t start, int64_t end, bool memset) {
    const RawEvent& ev = *ev_;
    CopyRow c;
    c.kind = memset ? CopyKind::memset : copy_kind(text_of(ev.name, "name"));
    c.device = id_arg(Arg::device, pid_or_tid(ev.pid));
    c.stream = id_arg(Arg::stream, pid_or_tid(ev.tid));
    c.start_ns = start;
    c.end_ns = end;
    c.bytes = uint_arg(Arg::bytes);
    c.correlation = uint_arg(Arg::correlation);
    c.external_id = uint_arg(Arg::external_id);
    t_.copies.push_back(c);
}

void EventSink::add_cpu(CpuEventKind kind, int64_t start, int64_t end) {
    const RawEvent& ev = *ev_;
    CpuOpRow r;
    r.kind = kind;
    r.name = intern_string(ev.name, "name");
    r.pid = pid_or_tid(ev.pid);
    r.tid = pid_or_tid(ev.tid);
    if (kind == CpuEventKind::sync) {  // GPU-side sync records: pid/tid are device/stream
        r.pid = id_arg(Arg::device, r.pid);
        r.tid = id_arg(Arg::stream, r.tid);
    }
    r.start_ns = start;
    r.end_ns = end;
    r.external_id = uint_arg(Arg::external_id);
    r.correlation = uint_arg(Arg::correlation);
    if (kind == CpuEventKind::op) {
        r.input_dims = json_text_arg(Arg::input_dims);
        r.input_types = json_text_arg(Arg::input_type);
        r.input_strides = json_text_arg(Arg::input_strides);
        r.concrete_inputs = json_text_arg(Arg::concrete_inputs);
        r.sequence_number = int_arg(Arg::sequence_number, -1, INT64_MIN, INT64_MAX);
        if (ev.arg(Arg::collective_name).present()) cpu_collectives_.push_back(collective(start, end));
        if (t_.meta.pid == 0) t_.meta.pid = r.pid;
    }
    t_.cpu_ops.push_back(r);
}

// A collective recorded on the CPU op (record_param_comms) and again on its NCCL kernel is one
// collective: keep the kernel's row. CPU-only ones (wait, barrier, or kernels without args)
// take their kernel through the External id when a kernel carries it.
void EventSink::resolve_cpu_collectives() {
    if (cpu_collectives_.empty()) return;
    std::unordered_set<uint64_t> on_kernels;
    for (const auto& c : t_.collectives)
        if (c.external_id) on_kernels.insert(c.external_id);
    std::unordered_map<uint64_t, size_t> kernel_by_ext;
    for (const auto& c : cpu_collectives_)
        if (c.external_id && !on_kernels.count(c.external_id)) kernel_by_ext.emplace(c.external_id, SIZE_MAX);
    for (size_t i = 0; i < t_.kernels.size(); ++i) {
        auto it = kernel_by_ext.find(t_.kernels.external_id[i]);
        if (it != kernel_by_ext.end() && it->second == SIZE_MAX) it->second = i;
    }
    for (auto c : cpu_collectives_) {
        if (c.external_id && on_kernels.count(c.external_id)) continue;
        auto it = kernel_by_ext.find(c.external_id);
        if (c.external_id && it != kernel_by_ext.end() && it->second != SIZE_MAX) {
            size_t k = it->second;
            c.kernel_row = k;
            c.device = t_.kernels.device[k];
            c.stream = t_.kernels.stream[k];
            c.start_ns = t_.kernels.start_ns[k];
            c.end_ns = t_.kernels.end_ns[k];
        }
        t_.collectives.push_back(c);
    }
    cpu_collectives_.clear();
}

// Depth of each region within its thread (or GPU stream): annotations nest like a call stack.
void EventSink::nest_regions() {
    auto& rs = t_.regions;
    std::vector<size_t> order(rs.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        const RegionRow& x = rs[a];
        const RegionRow& y = rs[b];
        if (x.kind != y.kind) return x.kind < y.kind;
        if (x.pid != y.pid) return x.pid < y.pid;
        if (x.tid != y.tid) return x.tid < y.tid;
        if (x.start_ns != y.start_ns) return x.start_ns < y.start_ns;
        return x.end_ns > y.end_ns;  // the enclosing range first
    });
    std::vector<size_t> stack;
    for (size_t n = 0; n < order.size(); ++n) {
        RegionRow& r = rs[order[n]];
        if (n > 0) {
            const RegionRow& prev = rs[order[n - 1]];
            if (prev.kind != r.kind || prev.pid != r.pid || prev.tid != r.tid) stack.clear();
        }
        while (!stack.empty() && rs[stack.back()].end_ns <= r.start_ns) stack.pop_back();
        r.depth = static_cast<int32_t>(stack.size());
        stack.push_back(order[n]);
    }
}

void EventSink::finish(const TopLevel& top) {
    ev_ = nullptr;
    TraceMetadata& m = t_.meta;
    m.source_format = "kineto";
    if (m.source_files.empty()) m.source_files.push_back(file_);
    if (top.rank) m.rank = *top.rank;
    if (top.world_size) m.world_size = *top.world_size;
    m.devices = top.devices;
    if (top.base_time_ns) {
        m.base_time_ns = *top.base_time_ns;
    } else if (min_ts_ns_ && *min_ts_ns_ < kEpochThresholdNs) {
        t_.diagnostics.add(Severity::info, "kineto.no_base_time",
                           "timestamps are relative and the trace has no baseTimeNanoseconds: "
                           "wall-clock time is unknown (durations and ordering are exact)");
    }  // else: integer epoch microseconds, already absolute (base 0)
    if (!m.devices.empty()) {
        const DeviceInfo* d = &m.devices.front();
        if (t_.kernels.size() > 0)
            for (const auto& x : m.devices)
                if (x.id == t_.kernels.device[0]) { d = &x; break; }
        m.machine_hint = d->name;
    }
    if (top.schema_version && *top.schema_version != 1)
        t_.diagnostics.add(Severity::warning, "kineto.schema_version",
                           "Kineto schemaVersion " + std::to_string(*top.schema_version) +
                               " was not tested (schema 1 is); fields were read by name");
    resolve_cpu_collectives();
    nest_regions();
    if (unknown_events_) {
        std::vector<std::pair<std::string, uint64_t>> cats(unknown_categories_.begin(), unknown_categories_.end());
        std::sort(cats.begin(), cats.end(), [](const auto& a, const auto& b) {
            return a.second != b.second ? a.second > b.second : a.first < b.first;
        });
        std::string msg = "events of categories Rafter does not import were skipped:";
        for (size_t i = 0; i < cats.size() && i < 8; ++i)
            msg += (i ? ", " : " ") + cats[i].first + " (" + std::to_string(cats[i].second) + ")";
        t_.diagnostics.add(Severity::info, "kineto.unknown_category", msg, unknown_events_);
    }
    if (python_skipped_)
        t_.diagnostics.add(Severity::info, "kineto.python_skipped",
                           "python_function events other than nn.Module calls were skipped (ImportOptions.include_python_events)",
                           python_skipped_);
    if (non_complete_)
        t_.diagnostics.add(Severity::info, "kineto.non_complete_event",
                           "events of imported categories with a phase other than 'X' were skipped",
                           non_complete_);
    if (args_not_object_)
        t_.diagnostics.add(Severity::warning, "kineto.args_not_object",
                           "events whose \"args\" is not an object: their device, stream, correlation and shapes "
                           "are unknown",
                           args_not_object_);
    if (negative_durations_)
        t_.diagnostics.add(Severity::warning, "kineto.negative_duration",
                           "events with a negative 'dur' (kept as recorded; end precedes start)",
                           negative_durations_);
    if (t_.kernels.size() == 0) {
        // A file whose events look like device activity but yield no kernel must not pass as an
        // empty (CPU-only) profile: it is a device or version this importer does not read.
        std::string device_like;
        for (const auto& [name, n] : unknown_categories_) {
            std::string l = to_lower(name);
            for (const char* w : {"kernel", "gpu", "mtia", "memcpy", "memset", "device", "runtime", "hip", "xpu"})
                if (l.find(w) != std::string::npos) {
                    device_like += (device_like.empty() ? "" : ", ") + name + " (" + std::to_string(n) + ")";
                    break;
                }
        }
        if (!device_like.empty())
            throw Error(ExitCode::bad_input,
                        "no CUDA/ROCm kernel events, but events of device-like categories Rafter does not import: " +
                            device_like + " (only CUDA and ROCm traces are read: docs/kineto-import.md)",
                        {file_, PositionKind::none, 0});
        if (launch_calls_ > 0)
            throw Error(ExitCode::bad_input,
                        std::to_string(launch_calls_) +
                            " kernel launch calls but no kernel events: the profile was recorded without GPU "
                            "activities (ProfilerActivity.CUDA) or its device events were dropped",
                        {file_, PositionKind::none, 0});
        t_.diagnostics.add(Severity::warning, "kineto.no_kernels",
                           "the trace has no GPU kernel events and no kernel launches (CPU-only profile)");
    }
}

} // namespace rafter::kineto
