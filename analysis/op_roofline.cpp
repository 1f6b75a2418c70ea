#include "analysis/op_roofline.h"

#include <unordered_map>

#include "analysis/analytic_costs.h"
#include "analysis/op_attribution.h"

namespace rafter {

namespace {

struct OpGroups {
    std::optional<double> kernel_floor_s;  // the machine's, for each group's launch floor
    std::unordered_map<std::string, size_t> index;
    std::vector<GroupMetrics> groups;
    std::vector<GroupSums> sums;

    size_t get(const std::string& key, const std::string& name) {
        auto [it, inserted] = index.emplace(key, groups.size());
        if (inserted) {
            groups.emplace_back();
            groups.back().name = name;
            sums.emplace_back(kernel_floor_s);
        }
        return it->second;
    }
};

} // namespace

RooflineReport analyze_op_roofline(const std::vector<Trace>& traces, const Machine& machine,
                                   const RooflineOptions& options) {
    RooflineReport report;
    report.machine = machine;
    report.group_by = options.group_by;
    report.kernel_floor_s = machine.kernel_floor_s;
    const bool by_shape = options.group_by == GroupBy::op_shape;

    OpGroups out;
    out.kernel_floor_s = machine.kernel_floor_s;
    AnalyticCoverage coverage;
    for (size_t t = 0; t < traces.size(); ++t) {
        const Trace& tr = traces[t];
        report.diagnostics.merge(tr.diagnostics);
        for (const auto& f : tr.meta.source_files) report.inputs.push_back(f);

        OpAttribution attr = attribute_ops(tr);
        add_attribution_diagnostics(attr, report.diagnostics);
        const KernelTable& k = tr.kernels;

        // Kernels without an op, then one contribution per op call.
        for (size_t row = 0; row < k.size(); ++row) {
            if (attr.kernel_op[row] != OpAttribution::kNone) continue;
            size_t gi = out.get(std::string("\x01") + kUnattributedGroup, kUnattributedGroup);
            out.sums[gi].add_kernel(k, row);
            out.groups[gi].kernel_rows.push_back(row);
            out.groups[gi].kernel_traces.push_back(static_cast<uint32_t>(t));
        }
        KernelsByOp kernels_of(attr);

        OpCostTable costs(tr);
        for (size_t op = 0; op < kernels_of.ops(); ++op) {
            auto rows = kernels_of.of(op);
            if (rows.empty()) continue;
            std::string name(tr.strings.get(tr.cpu_ops[op].name));
            std::string dims, types, key = name, display = name;
            if (by_shape) {
                dims = costs.input_dims_text(op);
                types = costs.input_types_text(op);
                key += '\0' + dims + '\0' + types;
                if (!dims.empty()) display += " " + dims;
            }
            size_t gi = out.get(key, display);
            GroupMetrics& g = out.groups[gi];
            if (g.op.empty()) {
                g.op = name;
                g.input_dims = dims;
                g.input_types = types;
            }
            ValueSum time;
            uint64_t launches = 0;
            for (uint32_t r : rows) {
                time.add(kernel_time(k, r));
                out.sums[gi].add_floor(kernel_time(k, r), k.launches[r]);
                launches += k.launches[r];
                g.kernel_rows.push_back(r);
                g.kernel_traces.push_back(static_cast<uint32_t>(t));
            }
            // A call's time is known only when every one of its kernels has one.
            Value call_time = time.have == rows.size() ? Value{time.sum, time.weakest} : Value{};
            const auto& cost = costs.cost(op);
            coverage.count(cost, costs.why(op), has_cost_model(name));
            if (cost) out.sums[gi].add_item(launches, call_time, analytic_flops(*cost), analytic_bytes(*cost));
            else out.sums[gi].add_item(launches, call_time, {}, {});
        }
    }
    coverage.add_diagnostics(report.diagnostics);

    for (size_t i = 0; i < out.groups.size(); ++i) {
        GroupMetrics& g = out.groups[i];
        store_sums(out.sums[i], g);
        // Op calls for op groups; the unattributed group counts kernels, not calls.
        g.invocations = g.op.empty() ? 0 : out.sums[i].items;
        finalize_group(g, machine, &report.diagnostics);
    }
    report.groups = std::move(out.groups);
    if (report.groups.empty())
        report.diagnostics.add(Severity::warning, "roofline.no_groups", "the inputs contain no kernels");
    else if (report.groups.size() == 1 && report.groups[0].op.empty())
        report.diagnostics.add(Severity::warning, "ops.no_ops",
                               "no kernel could be linked to a framework op (no cpu ops or launch links in the inputs)");
    finalize_report(report);
    return report;
}

} // namespace rafter
