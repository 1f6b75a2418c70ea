#include "analysis/launch_window.h"

#include <algorithm>
#include <unordered_set>

namespace rafter {

PrelaunchedRows find_prelaunched(const Trace& trace) {
    PrelaunchedRows p;
    std::unordered_set<uint64_t> launched;
    uint64_t first = UINT64_MAX;
    for (const CpuOpRow& o : trace.cpu_ops) {
        if ((o.kind != CpuEventKind::runtime && o.kind != CpuEventKind::driver) || o.correlation == 0) continue;
        launched.insert(o.correlation);
        first = std::min(first, o.correlation);
    }
    p.kernels.assign(trace.kernels.size(), false);
    p.copies.assign(trace.copies.size(), false);
    if (launched.empty()) return p;
    auto before = [&](uint64_t c) { return c != 0 && c < first && !launched.count(c); };
    for (size_t r = 0; r < trace.kernels.size(); ++r)
        if (before(trace.kernels.correlation[r])) p.kernels[r] = true, ++p.kernel_count;
    for (size_t r = 0; r < trace.copies.size(); ++r)
        if (before(trace.copies[r].correlation)) p.copies[r] = true, ++p.copy_count;
    return p;
}

uint64_t exclude_prelaunched(std::vector<Trace>& traces) {
    uint64_t removed_all = 0;
    for (Trace& t : traces) {
        PrelaunchedRows p = find_prelaunched(t);
        if (p.kernel_count == 0 && p.copy_count == 0) continue;
        // Kernels: rebuild the table without them, remembering where each kept row went so that
        // collectives keep pointing at their kernel.
        std::vector<uint64_t> new_row(t.kernels.size(), UINT64_MAX);
        KernelTable kept;
        kept.reserve(t.kernels.size() - p.kernel_count);
        for (size_t r = 0; r < t.kernels.size(); ++r)
            if (!p.kernels[r]) new_row[r] = kept.append(t.kernels.row(r));
        t.kernels = std::move(kept);
        std::vector<CollectiveRow> colls;
        for (CollectiveRow c : t.collectives) {
            if (c.kernel_row < new_row.size()) {
                if (new_row[c.kernel_row] == UINT64_MAX) continue;  // ran as a dropped kernel
                c.kernel_row = new_row[c.kernel_row];
            }
            colls.push_back(c);
        }
        t.collectives = std::move(colls);
        std::vector<CopyRow> copies;
        for (size_t r = 0; r < t.copies.size(); ++r)
            if (!p.copies[r]) copies.push_back(t.copies[r]);
        t.copies = std::move(copies);
        const uint64_t removed = p.kernel_count + p.copy_count;
        t.diagnostics.add(Severity::info, "trace.prelaunched_excluded",
                          "kernels and memcpy/memset operations launched before the CPU side of the profile "
                          "began, left out by --exclude-unlaunched",
                          removed);
        removed_all += removed;
    }
    return removed_all;
}

} // namespace rafter
