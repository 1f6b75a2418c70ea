#include "profiler/cupti/activity_convert.h"

#include <cstdlib>
#include <cxxabi.h>

namespace rafter::cupti {

std::string demangle(const char* name) {
    if (!name) return {};
    if (name[0] != '_' || name[1] != 'Z') return name;
    int status = 0;
    char* out = abi::__cxa_demangle(name, nullptr, nullptr, &status);
    if (status != 0 || !out) return name;
    std::string s(out);
    std::free(out);
    return s;
}

ActivityConverter::ActivityConverter(Trace& trace, ConvertOptions options)
    : t_(trace), opt_(std::move(options)) {}

StringId ActivityConverter::kernel_name(const char* mangled) {
    if (!mangled) return t_.strings.intern("<unnamed kernel>");
    // Keyed by CUPTI's pointer (no hashing of long template names per record), checked against a
    // copy: after a module unload the same address may hold another kernel's name.
    auto it = name_cache_.find(mangled);
    if (it != name_cache_.end() && it->second.mangled == mangled) return it->second.id;
    StringId id = t_.strings.intern(opt_.demangle ? demangle(mangled) : std::string(mangled));
    name_cache_[mangled] = CachedName{mangled, id};
    return id;
}

void ActivityConverter::add(const CUpti_Activity* r) {
    switch (r->kind) {
    case CUPTI_ACTIVITY_KIND_KERNEL:
    case CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL:
        add_kernel(*reinterpret_cast<const CUpti_ActivityKernel10*>(r));
        break;
    case CUPTI_ACTIVITY_KIND_MEMCPY: add_memcpy(*reinterpret_cast<const CUpti_ActivityMemcpy6*>(r)); break;
    case CUPTI_ACTIVITY_KIND_MEMCPY2: add_memcpy_peer(*reinterpret_cast<const CUpti_ActivityMemcpyPtoP4*>(r)); break;
    case CUPTI_ACTIVITY_KIND_MEMSET: add_memset(*reinterpret_cast<const CUpti_ActivityMemset4*>(r)); break;
    case CUPTI_ACTIVITY_KIND_RUNTIME:
    case CUPTI_ACTIVITY_KIND_DRIVER: add_api(*reinterpret_cast<const CUpti_ActivityAPI*>(r)); break;
    case CUPTI_ACTIVITY_KIND_MARKER: add_marker(*reinterpret_cast<const CUpti_ActivityMarker2*>(r)); break;
    case CUPTI_ACTIVITY_KIND_EXTERNAL_CORRELATION:
        add_external_correlation(*reinterpret_cast<const CUpti_ActivityExternalCorrelation*>(r));
        break;
    case CUPTI_ACTIVITY_KIND_DEVICE: add_device(*reinterpret_cast<const CUpti_ActivityDevice5*>(r)); break;
    default:
        t_.diagnostics.add(Severity::info, "cupti.record_kind_ignored",
                           "CUPTI delivered activity records of a kind Rafter does not use (first kind " +
                               std::to_string(static_cast<int>(r->kind)) + ")");
    }
}

void ActivityConverter::add_kernel(const CUpti_ActivityKernel10& r) {
    KernelRow k;
    k.name = kernel_name(r.name);
    k.device = static_cast<int32_t>(r.deviceId);
    k.stream = static_cast<int32_t>(r.streamId);
    if (r.start != 0 && r.end >= r.start) {
        k.start_ns = rel(r.start);
        k.end_ns = rel(r.end);
        k.duration_s = static_cast<double>(r.end - r.start) * 1e-9;
        k.duration_prov = Provenance::measured;
    } else {
        t_.diagnostics.add(Severity::warning, "cupti.kernel_without_timestamps",
                           "CUPTI delivered kernel records without valid start/end timestamps; their time is missing");
    }
    k.grid = {static_cast<uint32_t>(r.gridX), static_cast<uint32_t>(r.gridY), static_cast<uint32_t>(r.gridZ)};
    k.block = {static_cast<uint32_t>(r.blockX), static_cast<uint32_t>(r.blockY), static_cast<uint32_t>(r.blockZ)};
    k.correlation = r.correlationId;
    k.registers_per_thread = r.registersPerThread;
    k.shared_memory_bytes = r.staticSharedMemory + r.dynamicSharedMemory;
    t_.kernels.append(k);
}

void ActivityConverter::add_copy(CopyKind kind, uint32_t device, uint32_t stream, uint64_t start,
                                 uint64_t end, uint64_t bytes, uint32_t correlation, const char* what) {
    CopyRow c;
    c.kind = kind;
    c.device = static_cast<int32_t>(device);
    c.stream = static_cast<int32_t>(stream);
    if (start != 0 && end >= start) {
        c.start_ns = rel(start);
        c.end_ns = rel(end);
    } else {
        t_.diagnostics.add(Severity::warning, "cupti.copy_without_timestamps",
                           std::string("CUPTI delivered ") + what + " records without valid timestamps");
    }
    c.bytes = bytes;
    c.correlation = correlation;
    t_.copies.push_back(c);
}

void ActivityConverter::add_memcpy(const CUpti_ActivityMemcpy6& r) {
    CopyKind kind = CopyKind::memcpy_other;
    switch (r.copyKind) {
    case CUPTI_ACTIVITY_MEMCPY_KIND_HTOD: kind = CopyKind::memcpy_htod; break;
    case CUPTI_ACTIVITY_MEMCPY_KIND_DTOH: kind = CopyKind::memcpy_dtoh; break;
    case CUPTI_ACTIVITY_MEMCPY_KIND_DTOD: kind = CopyKind::memcpy_dtod; break;
    case CUPTI_ACTIVITY_MEMCPY_KIND_HTOH: kind = CopyKind::memcpy_htoh; break;
    case CUPTI_ACTIVITY_MEMCPY_KIND_PTOP: kind = CopyKind::memcpy_peer; break;
    default: break;  // array copies and unknown kinds
    }
    add_copy(kind, r.deviceId, r.streamId, r.start, r.end, r.bytes, r.correlationId, "memcpy");
}

void ActivityConverter::add_memcpy_peer(const CUpti_ActivityMemcpyPtoP4& r) {
    add_copy(CopyKind::memcpy_peer, r.deviceId, r.streamId, r.start, r.end, r.bytes, r.correlationId,
             "peer memcpy");
}

void ActivityConverter::add_memset(const CUpti_ActivityMemset4& r) {
    add_copy(CopyKind::memset, r.deviceId, r.streamId, r.start, r.end, r.bytes, r.correlationId, "memset");
}

void ActivityConverter::add_api(const CUpti_ActivityAPI& r) {
    const bool runtime = r.kind == CUPTI_ACTIVITY_KIND_RUNTIME;
    const uint64_t key = (static_cast<uint64_t>(r.kind) << 32) | r.cbid;
    auto it = api_names_.find(key);
    if (it == api_names_.end()) {  // resolve each callback id once, not per call
        std::string name = opt_.api_name ? opt_.api_name(r.kind, r.cbid) : std::string();
        if (name.empty()) name = std::string(runtime ? "runtime" : "driver") + " cbid " + std::to_string(r.cbid);
        it = api_names_.emplace(key, t_.strings.intern(name)).first;
    }
    const StringId id = it->second;
    CpuOpRow op;
    op.kind = runtime ? CpuEventKind::runtime : CpuEventKind::driver;
    op.name = id;
    op.pid = r.processId;
    op.tid = r.threadId;
    op.start_ns = rel(r.start);
    op.end_ns = rel(r.end);
    op.correlation = r.correlationId;
    t_.cpu_ops.push_back(op);
}

void ActivityConverter::add_marker(const CUpti_ActivityMarker2& r) {
    int64_t pid = 0, tid = 0;
    RegionKind kind = RegionKind::nvtx;
    if (r.objectKind == CUPTI_ACTIVITY_OBJECT_THREAD || r.objectKind == CUPTI_ACTIVITY_OBJECT_PROCESS) {
        pid = r.objectId.pt.processId;
        tid = r.objectKind == CUPTI_ACTIVITY_OBJECT_THREAD ? r.objectId.pt.threadId : 0;
    } else if (r.objectKind == CUPTI_ACTIVITY_OBJECT_STREAM || r.objectKind == CUPTI_ACTIVITY_OBJECT_DEVICE ||
               r.objectKind == CUPTI_ACTIVITY_OBJECT_CONTEXT) {
        pid = r.objectId.dcs.deviceId;  // RegionRow: gpu ranges use device and stream
        tid = r.objectId.dcs.streamId;
        kind = RegionKind::gpu_user;
    }
    const auto key = std::make_pair(pid, tid);
    if (r.flags & CUPTI_ACTIVITY_FLAG_MARKER_START) {
        OpenRange o;
        o.name = t_.strings.intern(r.name ? r.name : "");
        o.pid = pid;
        o.tid = tid;
        o.start_ns = rel(r.timestamp);
        o.depth = depth_[key]++;
        o.kind = kind;
        auto early = early_ends_.find(r.id);
        if (early != early_ends_.end()) {
            // Ended on another thread whose buffer CUPTI handed back first: close it now.
            open_ranges_[r.id] = o;
            close_range(r.id, early->second);
            early_ends_.erase(early);
            return;
        }
        open_ranges_[r.id] = o;
    } else if (r.flags & CUPTI_ACTIVITY_FLAG_MARKER_END) {
        if (open_ranges_.find(r.id) == open_ranges_.end()) {
            early_ends_[r.id] = rel(r.timestamp);  // its start may still come (per-thread buffers)
            return;
        }
        close_range(r.id, rel(r.timestamp));
    } else if (r.flags & CUPTI_ACTIVITY_FLAG_MARKER_INSTANTANEOUS) {
        RegionRow reg;
        reg.kind = kind;
        reg.name = t_.strings.intern(r.name ? r.name : "");
        reg.pid = pid;
        reg.tid = tid;
        reg.start_ns = reg.end_ns = rel(r.timestamp);
        reg.depth = depth_[key];
        t_.regions.push_back(reg);
    }
}

void ActivityConverter::close_range(uint64_t id, int64_t end_ns) {
    auto it = open_ranges_.find(id);
    {
        const OpenRange& o = it->second;
        RegionRow reg;
        reg.kind = o.kind;
        reg.name = o.name;
        reg.pid = o.pid;
        reg.tid = o.tid;  // a start/end range may end on another thread; it belongs to its start
        reg.start_ns = o.start_ns;
        reg.end_ns = end_ns;
        reg.depth = o.depth;
        t_.regions.push_back(reg);
        auto d = depth_.find({o.pid, o.tid});
        if (d != depth_.end() && d->second > 0) --d->second;
    }
    open_ranges_.erase(it);
}

void ActivityConverter::add_external_correlation(const CUpti_ActivityExternalCorrelation& r) {
    external_[r.correlationId] = r.externalId;
}

void ActivityConverter::add_device(const CUpti_ActivityDevice5& r) {
    for (const auto& d : t_.meta.devices)
        if (d.id == static_cast<int32_t>(r.id)) return;
    DeviceInfo d;
    d.id = static_cast<int32_t>(r.id);
    d.name = r.name ? r.name : "";
    d.cc_major = static_cast<int>(r.computeCapabilityMajor);
    d.cc_minor = static_cast<int>(r.computeCapabilityMinor);
    d.total_memory = r.globalMemorySize;
    d.sm_count = static_cast<int>(r.numMultiprocessors);
    t_.meta.devices.push_back(d);
}

void ActivityConverter::finish() {
    if (!external_.empty()) {
        for (size_t i = 0; i < t_.kernels.size(); ++i) {
            auto it = external_.find(static_cast<uint32_t>(t_.kernels.correlation[i]));
            if (it != external_.end()) t_.kernels.external_id[i] = it->second;
        }
        for (auto& c : t_.copies) {
            auto it = external_.find(static_cast<uint32_t>(c.correlation));
            if (it != external_.end()) c.external_id = it->second;
        }
    }
    if (!early_ends_.empty()) {
        t_.diagnostics.add(Severity::warning, "cupti.nvtx_end_without_start",
                           "NVTX range ends whose start was not recorded (started before profiling began?)",
                           early_ends_.size());
        early_ends_.clear();
    }
    if (!open_ranges_.empty()) {
        t_.diagnostics.add(Severity::warning, "cupti.nvtx_unclosed",
                           "NVTX ranges were still open when profiling stopped; they are left out",
                           open_ranges_.size());
        open_ranges_.clear();
    }
}

} // namespace rafter::cupti
