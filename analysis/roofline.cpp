// Roofline analysis: group kernel rows (or regions), sum their time, FLOPs and bytes, and compare
// with the machine's ceilings through roofline_formulas.h, as every grouping does.
#include "analysis/roofline.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_map>

#include "analysis/collectives.h"
#include "analysis/kernel_names.h"
#include "analysis/launch_window.h"
#include "analysis/op_roofline.h"

namespace rafter {

std::optional<Machine> detect_machine(const std::vector<Trace>& traces, std::string* why) {
    std::optional<Machine> found;
    std::vector<std::string> seen;
    for (const Trace& t : traces) {
        std::vector<std::string> names;
        if (!t.meta.machine_hint.empty()) names.push_back(t.meta.machine_hint);
        for (const DeviceInfo& d : t.meta.devices)
            if (!d.name.empty()) names.push_back(d.name);
        std::optional<Machine> m;
        for (const auto& n : names) {
            m = find_builtin_machine(n);
            if (!m) m = match_machine_for_device(n);
            if (m) break;
        }
        for (const auto& n : names)
            if (std::find(seen.begin(), seen.end(), n) == seen.end()) seen.push_back(n);
        if (!m) continue;
        if (found && found->name != m->name) {
            if (why) *why = "the inputs come from different machines (" + found->name + " and " + m->name + ")";
            return std::nullopt;
        }
        found = m;
    }
    if (!found && why) {
        if (seen.empty()) {
            *why = "the inputs do not name their device";
        } else {
            *why = "no built-in machine matches";
            for (size_t i = 0; i < seen.size() && i < 3; ++i) *why += (i ? ", '" : " '") + seen[i] + "'";
        }
    }
    return found;
}

GroupBy default_group_by(const std::vector<Trace>& traces) {
    for (const Trace& t : traces) {
        if (t.kernels.size() == 0) continue;
        for (const CpuOpRow& o : t.cpu_ops)
            if (o.kind == CpuEventKind::op) return GroupBy::op;
    }
    return GroupBy::kernel;
}

namespace {

// Groups rows by a key string; GroupSums accumulate alongside.
struct Grouper {
    std::optional<double> kernel_floor_s;  // the machine's, for each group's launch floor
    std::unordered_map<std::string, size_t> index;
    std::vector<GroupMetrics> groups;
    std::vector<GroupSums> sums;
    std::unordered_map<size_t, CollectiveSums> collective;  // collective groups' link sums

    size_t get(const std::string& key) {
        auto [it, inserted] = index.emplace(key, groups.size());
        if (inserted) {
            groups.emplace_back();
            groups.back().name = key;
            sums.emplace_back(kernel_floor_s);
        }
        return it->second;
    }
};

void group_kernels(const std::vector<Trace>& traces, GroupBy by, const CollectiveCalls& calls, Grouper& out) {
    for (size_t t = 0; t < traces.size(); ++t) {
        const Trace& tr = traces[t];
        const KernelTable& k = tr.kernels;
        // Kernels launched before the profile have no op and no cost: one group names them.
        const PrelaunchedRows pre = find_prelaunched(tr);
        // Names are interned: resolve each distinct name id to its group once.
        std::vector<size_t> group_of_name(tr.strings.size(), SIZE_MAX);
        for (size_t row = 0; row < k.size(); ++row) {
            StringId id = k.name[row];
            size_t gi_pre = SIZE_MAX;
            const bool prelaunched = row < pre.kernels.size() && pre.kernels[row];
            if (in_collective_group(calls, t, row, prelaunched)) {
                // Collectives group by kind, size and group size, not by kernel name.
                const CollectiveCall& c = calls.calls[calls.call_of_kernel[t][row]];
                gi_pre = out.get(collective_group_name(c));
                out.collective[gi_pre].add(c);
            } else if (prelaunched) {
                gi_pre = out.get(kPrelaunchedGroup);
            }
            size_t& gi_name = group_of_name[id];
            if (gi_pre == SIZE_MAX && gi_name == SIZE_MAX) {
                std::string_view name = tr.strings.get(id);
                gi_name = out.get(by == GroupBy::base ? kernel_base_name(name) : std::string(name));
            }
            const size_t gi = gi_pre != SIZE_MAX ? gi_pre : gi_name;
            out.sums[gi].add_kernel(k, row);
            out.groups[gi].kernel_rows.push_back(row);
            out.groups[gi].kernel_traces.push_back(static_cast<uint32_t>(t));
        }
    }
}

void group_regions(const std::vector<Trace>& traces, Grouper& out) {
    for (size_t t = 0; t < traces.size(); ++t) {
        const Trace& tr = traces[t];
        for (size_t row = 0; row < tr.regions.size(); ++row) {
            const RegionRow& r = tr.regions[row];
            size_t gi = out.get(std::string(tr.strings.get(r.name)));
            Value time;
            if ((r.start_ns != 0 || r.end_ns != 0) && r.end_ns >= r.start_ns)
                time = Value::measured(static_cast<double>(r.end_ns - r.start_ns) * 1e-9);
            out.sums[gi].add_item(0, time, r.flops, r.bytes);
            out.groups[gi].invocations += 1;
            out.groups[gi].kernel_rows.push_back(row);
            out.groups[gi].kernel_traces.push_back(static_cast<uint32_t>(t));
        }
    }
}

} // namespace

RooflineReport analyze_roofline(const std::vector<Trace>& traces, const Machine& machine,
                                const RooflineOptions& options) {
    if (is_op_grouping(options.group_by))
        return analyze_op_roofline(traces, machine, options);
    RooflineReport report;
    report.machine = machine;
    report.no_machine_reason = options.no_machine_reason;
    report.group_by = options.group_by;
    report.group_by_chosen = options.group_by_chosen;
    report.kernel_floor_s = machine.kernel_floor_s;
    for (const Trace& t : traces) {
        report.diagnostics.merge(t.diagnostics);
        for (const auto& f : t.meta.source_files) report.inputs.push_back(f);
    }

    Grouper grouper;
    grouper.kernel_floor_s = machine.kernel_floor_s;
    if (options.group_by == GroupBy::region) group_regions(traces, grouper);
    else group_kernels(traces, options.group_by, find_collectives(traces, machine, {options.gpus_per_node}), grouper);

    for (size_t i = 0; i < grouper.groups.size(); ++i) {
        GroupMetrics& g = grouper.groups[i];
        store_sums(grouper.sums[i], g);
        auto coll = grouper.collective.find(i);
        if (coll != grouper.collective.end()) coll->second.store(g);
        finalize_group(g, machine, &report.diagnostics);
        if (g.efficiency) continue;
        if (coll != grouper.collective.end()) {
            if (!coll->second.reason.empty()) g.reason = coll->second.reason;
        } else if (g.name == kPrelaunchedGroup) {
            g.reason = kPrelaunchedReason;
        }
    }
    report.groups = std::move(grouper.groups);
    if (report.groups.empty())
        report.diagnostics.add(Severity::warning, "roofline.no_groups",
                               options.group_by == GroupBy::region
                                   ? "the inputs contain no regions"
                                   : "the inputs contain no kernels");
    finalize_report(report);
    return report;
}

} // namespace rafter
