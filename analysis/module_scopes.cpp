#include "analysis/module_scopes.h"

#include <algorithm>
#include <map>
#include <string_view>
#include <unordered_map>

namespace rafter {

namespace {

constexpr std::string_view kModulePrefix = "nn.Module: ";

struct Scope {
    int64_t start, end;
    std::string_view name;
};

bool is_annotation_scope(std::string_view name) {
    return !name.empty() && name.rfind("ProfilerStep#", 0) != 0 && name.rfind("nccl:", 0) != 0;
}

} // namespace

std::string truncate_module_path(const std::string& path, int depth) {
    std::string p = path;
    std::string suffix;
    const std::string_view bw = kBackwardSuffix;
    if (p.size() >= bw.size() && p.compare(p.size() - bw.size(), bw.size(), bw) == 0) {
        p.erase(p.size() - bw.size());
        suffix = kBackwardSuffix;
    }
    if (depth > 0) {
        size_t pos = 0;
        for (int d = 0; d < depth; ++d) {
            pos = p.find('/', pos);
            if (pos == std::string::npos) break;
            if (d + 1 < depth) ++pos;
        }
        if (pos != std::string::npos) p.erase(pos);
    }
    return p + suffix;
}

int depth_for_at_most(const std::vector<std::string>& group_names, size_t max_groups) {
    std::vector<std::string> paths;
    int max_depth = 1;
    const std::string_view uncosted = kUncostedSuffix;
    for (const std::string& name : group_names) {
        std::string p = name;
        if (p.size() >= uncosted.size() && p.compare(p.size() - uncosted.size(), uncosted.size(), uncosted) == 0)
            p.erase(p.size() - uncosted.size());
        max_depth = std::max(max_depth, 1 + static_cast<int>(std::count(p.begin(), p.end(), '/')));
        paths.push_back(std::move(p));
    }
    int best = 1;
    for (int depth = 1; depth <= max_depth; ++depth) {
        std::vector<std::string> kept;
        for (const std::string& p : paths) kept.push_back(truncate_module_path(p, depth));
        std::sort(kept.begin(), kept.end());
        size_t distinct = static_cast<size_t>(std::unique(kept.begin(), kept.end()) - kept.begin());
        if (distinct > max_groups) break;
        best = depth;
    }
    return best;
}

bool has_module_scopes(const std::vector<Trace>& traces) {
    for (const Trace& t : traces) {
        for (const CpuOpRow& op : t.cpu_ops)
            if (op.kind == CpuEventKind::python && t.strings.get(op.name).rfind(kModulePrefix, 0) == 0) return true;
        for (const RegionRow& r : t.regions)
            if (r.kind == RegionKind::user && is_annotation_scope(t.strings.get(r.name))) return true;
    }
    return false;
}

ModuleScopes find_module_scopes(const Trace& trace, const OpAttribution& attr) {
    ModuleScopes out;
    out.path_of_op.assign(trace.cpu_ops.size(), ModuleScopes::kNone);

    // Scopes per CPU thread.
    std::map<std::pair<int64_t, int64_t>, std::vector<Scope>> scopes;
    for (const CpuOpRow& op : trace.cpu_ops) {
        if (op.kind != CpuEventKind::python) continue;
        std::string_view n = trace.strings.get(op.name);
        if (n.rfind(kModulePrefix, 0) != 0) continue;
        scopes[{op.pid, op.tid}].push_back({op.start_ns, op.end_ns, n.substr(kModulePrefix.size())});
        ++out.module_events;
    }
    for (const RegionRow& r : trace.regions) {
        if (r.kind != RegionKind::user) continue;
        std::string_view n = trace.strings.get(r.name);
        if (!is_annotation_scope(n)) continue;
        scopes[{r.pid, r.tid}].push_back({r.start_ns, r.end_ns, n});
        ++out.annotation_scopes;
    }
    // Ops per thread, by start.
    std::map<std::pair<int64_t, int64_t>, std::vector<uint32_t>> ops;
    for (size_t i = 0; i < trace.cpu_ops.size(); ++i)
        if (trace.cpu_ops[i].kind == CpuEventKind::op)
            ops[{trace.cpu_ops[i].pid, trace.cpu_ops[i].tid}].push_back(static_cast<uint32_t>(i));

    std::unordered_map<std::string, uint32_t> path_index;
    auto intern_path = [&](const std::string& p) {
        auto [it, fresh] = path_index.emplace(p, static_cast<uint32_t>(out.paths.size()));
        if (fresh) out.paths.push_back(p);
        return it->second;
    };
    for (auto& [thread, list] : ops) {
        auto s_it = scopes.find(thread);
        if (s_it == scopes.end()) continue;
        auto& sc = s_it->second;
        // Outer scopes first: by start, longer first on ties.
        std::sort(sc.begin(), sc.end(), [](const Scope& a, const Scope& b) {
            return a.start != b.start ? a.start < b.start : a.end > b.end;
        });
        std::sort(list.begin(), list.end(),
                  [&](uint32_t a, uint32_t b) { return trace.cpu_ops[a].start_ns < trace.cpu_ops[b].start_ns; });
        std::vector<const Scope*> stack;
        std::string path;
        uint32_t path_id = ModuleScopes::kNone;
        bool dirty = true;
        size_t next = 0;
        for (uint32_t op : list) {
            int64_t t = trace.cpu_ops[op].start_ns;
            while (!stack.empty() && stack.back()->end <= t) stack.pop_back(), dirty = true;
            for (; next < sc.size() && sc[next].start <= t; ++next) {
                if (sc[next].end <= t) continue;  // ended before this op
                while (!stack.empty() && stack.back()->end <= sc[next].start) stack.pop_back();
                stack.push_back(&sc[next]);
                dirty = true;
            }
            if (dirty) {
                path.clear();
                for (const Scope* s : stack) {
                    if (!path.empty()) path += '/';
                    path += s->name;
                }
                path_id = path.empty() ? ModuleScopes::kNone : intern_path(path);
                dirty = false;
            }
            out.path_of_op[op] = path_id;
        }
    }

    // Backward ops: the forward path of their sequence number (their own or an enclosing op's).
    // Ops that create no autograd node record the counter's current value too, so a sequence
    // number may appear on several forward ops (an optimizer op of the previous step, then the
    // forward op that created the node): the latest one starting before the backward node wins.
    std::unordered_map<int64_t, std::vector<std::pair<int64_t, uint32_t>>> forward_path;  // seq -> (start, path)
    for (size_t i = 0; i < trace.cpu_ops.size(); ++i) {
        const CpuOpRow& op = trace.cpu_ops[i];
        if (op.sequence_number >= 0 && out.path_of_op[i] != ModuleScopes::kNone)
            forward_path[op.sequence_number].push_back({op.start_ns, out.path_of_op[i]});
    }
    if (forward_path.empty()) return out;
    for (auto& [seq, v] : forward_path) std::sort(v.begin(), v.end());
    std::unordered_map<uint32_t, uint32_t> backward_of;  // forward path -> its backward path
    for (size_t i = 0; i < trace.cpu_ops.size(); ++i) {
        if (out.path_of_op[i] != ModuleScopes::kNone || trace.cpu_ops[i].kind != CpuEventKind::op) continue;
        for (uint32_t o = static_cast<uint32_t>(i); o != OpAttribution::kNone;
             o = o < attr.parent.size() ? attr.parent[o] : OpAttribution::kNone) {
            int64_t seq = trace.cpu_ops[o].sequence_number;
            // Only autograd's backward nodes ("autograd::engine::evaluate_function: AddmmBackward0",
            // "AddmmBackward0") link back: a forward op outside every scope keeps no path.
            if (seq < 0 || trace.strings.get(trace.cpu_ops[o].name).find("Backward") == std::string_view::npos)
                continue;
            auto f = forward_path.find(seq);
            if (f == forward_path.end()) break;
            const int64_t at = trace.cpu_ops[o].start_ns;
            auto it = std::upper_bound(f->second.begin(), f->second.end(), std::make_pair(at, UINT32_MAX));
            if (it == f->second.begin()) break;
            const uint32_t fwd = std::prev(it)->second;
            auto [b, fresh] = backward_of.emplace(fwd, 0);
            if (fresh) b->second = intern_path(out.paths[fwd] + kBackwardSuffix);
            out.path_of_op[i] = b->second;
            ++out.backward_ops;
            break;
        }
    }
    return out;
}

} // namespace rafter
