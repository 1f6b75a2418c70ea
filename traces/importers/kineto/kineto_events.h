#pragma once
// Interpreting half of the Kineto importer: turns parsed events (RawEvent, see kineto_json.h)
// into rows of the Trace, and the top-level keys (deviceProperties, distributedInfo,
// baseTimeNanoseconds) into its metadata. Events are interpreted one by one as the tokenizer
// produces them; only what must see the whole trace (collectives recorded on both the CPU op
// and the kernel, region nesting, the time base) waits for finish().
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "traces/importer.h"
#include "traces/importers/kineto/kineto_json.h"
#include "traces/trace.h"

namespace rafter::kineto {

// What the top level of the document said, outside "traceEvents".
struct TopLevel {
    std::optional<int64_t> base_time_ns;   // baseTimeNanoseconds
    std::optional<int64_t> schema_version; // schemaVersion
    std::optional<int32_t> rank, world_size;
    bool has_device_properties = false;
    std::vector<DeviceInfo> devices;
    bool saw_trace_events = false;
};

class EventSink {
public:
    EventSink(Trace& trace, const ImportOptions& options, std::string file, bool compressed);

    // Interprets one element of traceEvents. `index` is its position in the array and
    // `offset` its byte offset in the JSON text; both go into error messages.
    void add(const RawEvent& ev, uint64_t index, uint64_t offset);
    // Completes the trace once the whole document was read.
    void finish(const TopLevel& top);

    uint64_t events() const { return events_; }
    // Reserves room for `factor` times the rows read so far (the driver's estimate of how much
    // of the input is still to come), so that the tables do not grow by repeated copying.
    void reserve_more(double factor);

private:
    [[noreturn]] void fail(const std::string& what) const;
    StringId intern_string(const JValue& v, const char* field);
    std::string_view text_of(const JValue& v, const char* field);
    int64_t time_ns(const JValue& v, const char* field, bool required);
    int64_t int_arg(Arg a, int64_t fallback, int64_t lo, int64_t hi);
    int32_t id_arg(Arg a, int64_t fallback);
    uint64_t uint_arg(Arg a);
    StringId json_text_arg(Arg a);
    StringId string_arg(Arg a);
    Dim3 dim3_arg(Arg a);
    int64_t pid_or_tid(const JValue& v);

    void add_kernel(int64_t start, int64_t end);
    void add_copy(int64_t start, int64_t end, bool memset);
    void add_cpu(CpuEventKind kind, int64_t start, int64_t end);
    CollectiveRow collective(int64_t start, int64_t end);
    void resolve_cpu_collectives();
    void nest_regions();

    Trace& t_;
    const ImportOptions& opt_;
    std::string file_;
    bool compressed_;

    // The event being interpreted, for error messages.
    const RawEvent* ev_ = nullptr;
    uint64_t index_ = 0, offset_ = 0;
    std::string scratch_;

    // Names repeat (the same kernels and ops every step): a direct-mapped cache keyed by a cheap
    // hash of the length and a few bytes skips hashing the whole string in the pool's map.
    StringId intern(std::string_view s);
    std::vector<StringId> intern_cache_ = std::vector<StringId>(4096, kNoString);

    uint64_t events_ = 0;
    uint64_t unknown_events_ = 0;
    uint64_t launch_calls_ = 0;
    uint64_t args_not_object_ = 0;  // cuda_runtime *LaunchKernel* calls (no-kernel check)
    std::unordered_map<std::string, uint64_t> unknown_categories_;
    uint64_t python_skipped_ = 0;
    uint64_t non_complete_ = 0;
    uint64_t negative_durations_ = 0;
    std::optional<int64_t> min_ts_ns_;
    std::vector<CollectiveRow> cpu_collectives_;  // from CPU ops; resolved in finish()
};

} // namespace rafter::kineto
