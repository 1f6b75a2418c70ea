#pragma once
// CUPTI activity records -> the Trace model. Pure: it only reads the record structs of the
// installed CUPTI headers (CUDA 13: CUpti_ActivityKernel10, Memcpy6, MemcpyPtoP4, Memset4, API,
// Marker2, ExternalCorrelation, Device5), so it is tested with records built by hand, without a
// GPU. The tracer (activity_tracer.h) feeds it the records CUPTI hands back in its buffers.
#include <cupti_activity.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>

#include "traces/trace.h"

namespace rafter::cupti {

struct ConvertOptions {
    // Subtracted from every CUPTI timestamp, so that rows start near 0; the tracer sets it to the
    // CUPTI time at session start and stores the matching epoch time in meta.base_time_ns.
    int64_t origin_ns = 0;
    // Name of a runtime/driver API callback id (cuptiGetCallbackName in the tracer). When unset,
    // or when it returns "", rows are named "<domain> cbid <n>".
    std::function<std::string(CUpti_ActivityKind kind, uint32_t cbid)> api_name;
    bool demangle = true;  // kernel names as people read them: "triad(float*, ...)"
};

class ActivityConverter {
public:
    ActivityConverter(Trace& trace, ConvertOptions options);

    // Dispatches on record->kind. Kinds Rafter does not use are counted in the diagnostics.
    void add(const CUpti_Activity* record);

    void add_kernel(const CUpti_ActivityKernel10& r);
    void add_memcpy(const CUpti_ActivityMemcpy6& r);
    void add_memcpy_peer(const CUpti_ActivityMemcpyPtoP4& r);
    void add_memset(const CUpti_ActivityMemset4& r);
    void add_api(const CUpti_ActivityAPI& r);  // kind RUNTIME or DRIVER
    void add_marker(const CUpti_ActivityMarker2& r);
    void add_external_correlation(const CUpti_ActivityExternalCorrelation& r);
    void add_device(const CUpti_ActivityDevice5& r);

    // Applies external correlation ids to kernels and copies (CUPTI may deliver the link after the
    // kernel), and reports NVTX ranges that never ended. Call once, after the last record.
    void finish();

private:
    int64_t rel(uint64_t ts) const { return static_cast<int64_t>(ts) - opt_.origin_ns; }
    StringId kernel_name(const char* mangled);
    void close_range(uint64_t id, int64_t end_ns);
    void add_copy(CopyKind kind, uint32_t device, uint32_t stream, uint64_t start, uint64_t end,
                  uint64_t bytes, uint32_t correlation, const char* what);

    struct OpenRange {
        StringId name = kNoString;
        int64_t pid = 0, tid = 0;
        int64_t start_ns = 0;
        int32_t depth = 0;
        RegionKind kind = RegionKind::nvtx;
    };

    Trace& t_;
    ConvertOptions opt_;
    struct CachedName {
        std::string mangled;
        StringId id = kNoString;
    };
    std::unordered_map<const char*, CachedName> name_cache_;
    std::unordered_map<uint64_t, StringId> api_names_;      // (kind << 32 | cbid) -> name
    std::unordered_map<uint32_t, uint64_t> external_;       // correlation id -> external id
    std::unordered_map<uint64_t, OpenRange> open_ranges_;   // marker id -> start
    std::unordered_map<uint64_t, int64_t> early_ends_;      // marker id -> end seen before its start
    std::map<std::pair<int64_t, int64_t>, int32_t> depth_;  // (pid, tid) -> open ranges
};

// "_Z5triadPfPKfS1_f" -> "triad(float*, float const*, float const*, float)"; names that are not
// mangled come back unchanged.
std::string demangle(const char* name);

} // namespace rafter::cupti
