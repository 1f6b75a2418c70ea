#include "analysis/op_attribution.h"

#include <algorithm>
#include <map>

namespace rafter {

namespace {

// An id -> row index as a sorted vector (16 bytes per entry, a third of a hash map's), first
// row wins for duplicate ids. Large traces have millions of ops and runtime calls.
class IdIndex {
public:
    void reserve(size_t n) { items_.reserve(n); }
    void add(uint64_t id, uint32_t row) { items_.push_back({id, row}); }
    void finish() {
        std::stable_sort(items_.begin(), items_.end(), [](const Item& a, const Item& b) { return a.id < b.id; });
    }
    uint32_t find(uint64_t id) const {
        auto it = std::lower_bound(items_.begin(), items_.end(), id, [](const Item& a, uint64_t v) { return a.id < v; });
        return it != items_.end() && it->id == id ? it->row : OpAttribution::kNone;
    }

private:
    struct Item {
        uint64_t id;
        uint32_t row;
    };
    std::vector<Item> items_;
};

// The ops of one thread sorted by (start asc, end desc), with each op's enclosing op, so that
// "innermost op containing t" is a binary search plus a short walk up the nesting.
struct ThreadOps {
    std::vector<uint32_t> rows;     // cpu_ops rows in sorted order
    std::vector<int64_t> starts;    // their start times, for the search
};

class OpIndex {
public:
    OpIndex(const Trace& trace, std::vector<uint32_t>& parent) : ops_(trace.cpu_ops), parent_(parent) {
        parent_.assign(ops_.size(), OpAttribution::kNone);
        for (size_t i = 0; i < ops_.size(); ++i) {
            const CpuOpRow& o = ops_[i];
            if (o.kind != CpuEventKind::op) continue;
            threads_[{o.pid, o.tid}].rows.push_back(static_cast<uint32_t>(i));
        }
        for (auto& [key, t] : threads_) {
            std::sort(t.rows.begin(), t.rows.end(), [&](uint32_t a, uint32_t b) {
                if (ops_[a].start_ns != ops_[b].start_ns) return ops_[a].start_ns < ops_[b].start_ns;
                if (ops_[a].end_ns != ops_[b].end_ns) return ops_[a].end_ns > ops_[b].end_ns;
                return a < b;
            });
            t.starts.reserve(t.rows.size());
            std::vector<uint32_t> stack;
            for (uint32_t r : t.rows) {
                t.starts.push_back(ops_[r].start_ns);
                while (!stack.empty() && ops_[stack.back()].end_ns <= ops_[r].start_ns &&
                       ops_[stack.back()].start_ns != ops_[r].start_ns)
                    stack.pop_back();
                if (!stack.empty()) parent_[r] = stack.back();
                stack.push_back(r);
            }
        }
    }

    // The innermost op of thread (pid, tid) whose interval contains t (twice the time, so that a
    // midpoint of integer nanoseconds stays exact).
    uint32_t innermost(int64_t pid, int64_t tid, int64_t t2) const {
        auto it = threads_.find({pid, tid});
        if (it == threads_.end()) return OpAttribution::kNone;
        const ThreadOps& t = it->second;
        // Last op starting at or before t.
        auto pos = std::upper_bound(t.starts.begin(), t.starts.end(), t2, [](int64_t v, int64_t s) { return v < 2 * s; });
        if (pos == t.starts.begin()) return OpAttribution::kNone;
        uint32_t r = t.rows[static_cast<size_t>(pos - t.starts.begin()) - 1];
        // Walk out until the op also ends after t (a bounded walk: the nesting depth).
        for (int guard = 0; r != OpAttribution::kNone && guard < 4096; ++guard) {
            if (2 * ops_[r].start_ns <= t2 && t2 <= 2 * ops_[r].end_ns) return r;
            r = parent_[r];
        }
        return OpAttribution::kNone;
    }

    // Built on first use: most kernels are linked through their launch and never need it.
    uint32_t by_external(uint64_t id) {
        if (!external_built_) {
            auto has_id = [](const CpuOpRow& o) { return o.kind == CpuEventKind::op && o.external_id != 0; };
            by_external_.reserve(static_cast<size_t>(std::count_if(ops_.begin(), ops_.end(), has_id)));
            for (size_t i = 0; i < ops_.size(); ++i)
                if (ops_[i].kind == CpuEventKind::op && ops_[i].external_id != 0)
                    by_external_.add(ops_[i].external_id, static_cast<uint32_t>(i));
            by_external_.finish();
            external_built_ = true;
        }
        return by_external_.find(id);
    }

private:
    const std::vector<CpuOpRow>& ops_;
    std::vector<uint32_t>& parent_;
    std::map<std::pair<int64_t, int64_t>, ThreadOps> threads_;
    IdIndex by_external_;
    bool external_built_ = false;
};

struct Resolved {
    uint32_t op = OpAttribution::kNone;
    OpAttribution::Link link = OpAttribution::Link::none;
    bool launch_found = false;
};

} // namespace

OpAttribution attribute_ops(const Trace& trace) {
    OpAttribution a;
    OpIndex index(trace, a.parent);
    IdIndex launches;  // correlation -> runtime/driver call
    auto is_launch = [](const CpuOpRow& o) {
        return (o.kind == CpuEventKind::runtime || o.kind == CpuEventKind::driver) && o.correlation != 0;
    };
    launches.reserve(static_cast<size_t>(std::count_if(trace.cpu_ops.begin(), trace.cpu_ops.end(), is_launch)));
    for (size_t i = 0; i < trace.cpu_ops.size(); ++i) {
        const CpuOpRow& o = trace.cpu_ops[i];
        if (is_launch(o)) launches.add(o.correlation, static_cast<uint32_t>(i));
    }
    launches.finish();

    auto resolve = [&](uint64_t correlation, uint64_t external_id) {
        Resolved r;
        if (correlation != 0) {
            if (uint32_t row = launches.find(correlation); row != OpAttribution::kNone) {
                r.launch_found = true;
                const CpuOpRow& call = trace.cpu_ops[row];
                r.op = index.innermost(call.pid, call.tid, call.start_ns + call.end_ns);
                if (r.op != OpAttribution::kNone) {
                    r.link = OpAttribution::Link::correlation;
                    return r;
                }
                if (call.external_id != 0 && call.external_id != call.correlation) {
                    r.op = index.by_external(call.external_id);
                    if (r.op != OpAttribution::kNone) {
                        r.link = OpAttribution::Link::runtime_external_id;
                        return r;
                    }
                }
            }
        }
        if (external_id != 0 && external_id != correlation) {
            r.op = index.by_external(external_id);
            if (r.op != OpAttribution::kNone) r.link = OpAttribution::Link::external_id;
        }
        return r;
    };

    const KernelTable& k = trace.kernels;
    a.kernel_op.assign(k.size(), OpAttribution::kNone);
    a.kernel_link.assign(k.size(), OpAttribution::Link::none);
    for (size_t row = 0; row < k.size(); ++row) {
        Resolved r = resolve(k.correlation[row], k.external_id[row]);
        a.kernel_op[row] = r.op;
        a.kernel_link[row] = r.link;
        switch (r.link) {
        case OpAttribution::Link::correlation: ++a.kernels_via_correlation; break;
        case OpAttribution::Link::runtime_external_id: ++a.kernels_via_runtime_external_id; break;
        case OpAttribution::Link::external_id: ++a.kernels_via_external_id; break;
        case OpAttribution::Link::none:
            ++a.kernels_unattributed;
            if (r.launch_found) ++a.kernels_outside_op;
            else ++a.kernels_no_launch;
            continue;
        }
        ++a.kernels_attributed;
    }
    a.copy_op.assign(trace.copies.size(), OpAttribution::kNone);
    for (size_t row = 0; row < trace.copies.size(); ++row) {
        const CopyRow& c = trace.copies[row];
        Resolved r = resolve(c.correlation, c.external_id);
        a.copy_op[row] = r.op;
        if (r.op == OpAttribution::kNone) ++a.copies_unattributed;
        else ++a.copies_attributed;
    }
    return a;
}

KernelsByOp::KernelsByOp(const OpAttribution& a) {
    offsets_.assign(a.parent.size() + 1, 0);
    for (uint32_t op : a.kernel_op)
        if (op != OpAttribution::kNone) ++offsets_[op + 1];
    for (size_t i = 1; i < offsets_.size(); ++i) offsets_[i] += offsets_[i - 1];
    rows_.resize(offsets_.back());
    std::vector<uint32_t> next(offsets_.begin(), offsets_.end() - 1);
    for (size_t row = 0; row < a.kernel_op.size(); ++row)
        if (uint32_t op = a.kernel_op[row]; op != OpAttribution::kNone) rows_[next[op]++] = static_cast<uint32_t>(row);
}

void add_attribution_diagnostics(const OpAttribution& a, Diagnostics& diags) {
    if (a.kernels_no_launch)
        diags.add(Severity::info, "ops.unattributed_kernels.no_launch",
                  "kernels without a launching runtime call in the trace (CUDA graph replays, or "
                  "launched before the CPU side of the profile started); kept, charged to no op",
                  a.kernels_no_launch);
    if (a.kernels_outside_op)
        diags.add(Severity::info, "ops.unattributed_kernels.outside_op",
                  "kernels launched by a runtime call outside any framework op; kept, charged to no op",
                  a.kernels_outside_op);
    if (a.copies_unattributed)
        diags.add(Severity::info, "ops.unattributed_copies",
                  "memcpy/memset operations not linked to a framework op", a.copies_unattributed);
}

} // namespace rafter
