#include "traces/trace.h"

namespace rafter {

const char* to_string(CopyKind k) {
    switch (k) {
    case CopyKind::memcpy_htod: return "memcpy_htod";
    case CopyKind::memcpy_dtoh: return "memcpy_dtoh";
    case CopyKind::memcpy_dtod: return "memcpy_dtod";
    case CopyKind::memcpy_htoh: return "memcpy_htoh";
    case CopyKind::memcpy_peer: return "memcpy_peer";
    case CopyKind::memcpy_other: return "memcpy_other";
    case CopyKind::memset: return "memset";
    }
    return "memcpy_other";
}

StringPool::StringPool() {
    strings_.emplace_back();
    index_.emplace(std::string_view(strings_.back()), kNoString);
}

StringPool::StringPool(const StringPool& other) : strings_(other.strings_) {
    for (size_t i = 0; i < strings_.size(); ++i)
        index_.emplace(std::string_view(strings_[i]), static_cast<StringId>(i));
}

StringPool& StringPool::operator=(const StringPool& other) {
    if (this != &other) {
        StringPool copy(other);
        *this = std::move(copy);
    }
    return *this;
}

StringId StringPool::intern(std::string_view s) {
    auto it = index_.find(s);
    if (it != index_.end()) return it->second;
    auto id = static_cast<StringId>(strings_.size());
    strings_.emplace_back(s);
    index_.emplace(std::string_view(strings_.back()), id);
    return id;
}

std::optional<StringId> StringPool::find(std::string_view s) const {
    auto it = index_.find(s);
    if (it == index_.end()) return std::nullopt;
    return it->second;
}

void MetricColumn::set(size_t row, Value v, size_t table_rows) {
    if (prov.empty()) {
        if (!v.has()) return;  // stays unallocated
        values.assign(table_rows, 0.0);
        prov.assign(table_rows, Provenance::missing);
    }
    values[row] = v.value;
    prov[row] = v.prov;
}

void MetricColumn::resize(size_t rows) {
    if (prov.empty()) return;
    values.resize(rows, 0.0);
    prov.resize(rows, Provenance::missing);
}

void KernelTable::reserve(size_t n) {
    name.reserve(n); device.reserve(n); stream.reserve(n); start_ns.reserve(n); end_ns.reserve(n);
    duration_s.reserve(n); duration_prov.reserve(n); launches.reserve(n); grid.reserve(n);
    block.reserve(n); correlation.reserve(n); external_id.reserve(n); launch_id.reserve(n);
    registers_per_thread.reserve(n); shared_memory_bytes.reserve(n);
}

size_t KernelTable::append(const KernelRow& r) {
    size_t i = size();
    name.push_back(r.name);
    device.push_back(r.device);
    stream.push_back(r.stream);
    start_ns.push_back(r.start_ns);
    end_ns.push_back(r.end_ns);
    duration_s.push_back(r.duration_s);
    duration_prov.push_back(r.duration_prov);
    launches.push_back(r.launches);
    grid.push_back(r.grid);
    block.push_back(r.block);
    correlation.push_back(r.correlation);
    external_id.push_back(r.external_id);
    launch_id.push_back(r.launch_id);
    registers_per_thread.push_back(r.registers_per_thread);
    shared_memory_bytes.push_back(r.shared_memory_bytes);
    for (auto& c : flops) c.resize(i + 1);
    for (auto& c : bytes) c.resize(i + 1);
    for (size_t k = 0; k < kFlopKinds; ++k) flops[k].set(i, r.flops[k], i + 1);
    for (size_t l = 0; l < kMemLevels; ++l) bytes[l].set(i, r.bytes[l], i + 1);
    return i;
}

KernelRow KernelTable::row(size_t i) const {
    KernelRow r;
    r.name = name[i];
    r.device = device[i];
    r.stream = stream[i];
    r.start_ns = start_ns[i];
    r.end_ns = end_ns[i];
    r.duration_s = duration_s[i];
    r.duration_prov = duration_prov[i];
    r.launches = launches[i];
    r.grid = grid[i];
    r.block = block[i];
    r.correlation = correlation[i];
    r.external_id = external_id[i];
    r.launch_id = launch_id[i];
    // Tolerate tables filled column by column by code that predates these two columns.
    r.registers_per_thread = i < registers_per_thread.size() ? registers_per_thread[i] : -1;
    r.shared_memory_bytes = i < shared_memory_bytes.size() ? shared_memory_bytes[i] : -1;
    for (size_t k = 0; k < kFlopKinds; ++k) r.flops[k] = flops[k].get(i);
    for (size_t l = 0; l < kMemLevels; ++l) r.bytes[l] = bytes[l].get(i);
    return r;
}

} // namespace rafter
