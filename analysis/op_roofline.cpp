#include "analysis/op_roofline.h"

#include <unordered_map>

#include "analysis/analytic_costs.h"
#include "analysis/collectives.h"
#include "analysis/launch_window.h"
#include "analysis/module_scopes.h"
#include "analysis/op_attribution.h"

namespace rafter {

namespace {

Value copy_time(const CopyRow& c) {
    if (c.end_ns < c.start_ns || (c.start_ns == 0 && c.end_ns == 0)) return {};
    return Value::measured(static_cast<double>(c.end_ns - c.start_ns) * 1e-9);
}

struct OpGroups {
    std::optional<double> kernel_floor_s;  // the machine's, for each group's launch floor
    std::unordered_map<std::string, size_t> index;
    std::vector<GroupMetrics> groups;
    std::vector<GroupSums> sums;
    std::vector<std::string> why_no_cost;  // per group: why its first uncosted call has no cost
    std::vector<bool> module_group;        // per group: a module (or outside-any-module) group
    std::vector<uint64_t> compiled_kernels, triton_kernels;  // per group: kernels of compiled regions
    std::unordered_map<size_t, CollectiveSums> collective;  // collective groups' link sums

    size_t get(const std::string& key, const std::string& name) {
        auto [it, inserted] = index.emplace(key, groups.size());
        if (inserted) {
            groups.emplace_back();
            groups.back().name = name;
            sums.emplace_back(kernel_floor_s);
            why_no_cost.emplace_back();
            module_group.push_back(false);
            compiled_kernels.push_back(0);
            triton_kernels.push_back(0);
        }
        return it->second;
    }
};

// The collective group of a kernel row, or SIZE_MAX when it belongs in no collective group.
size_t collective_group(const CollectiveCalls& calls, size_t t, size_t row, const PrelaunchedRows& pre,
                        OpGroups& out) {
    if (!in_collective_group(calls, t, row, row < pre.kernels.size() && pre.kernels[row])) return SIZE_MAX;
    const CollectiveCall& c = calls.calls[calls.call_of_kernel[t][row]];
    const std::string name = collective_group_name(c);
    size_t gi = out.get("\x02" + name, name);
    out.collective[gi].add(c);
    return gi;
}

// torch.compile regions: the autograd functions Inductor's compiled graphs run as
// (CompiledFunction, CompiledFunctionBackward) and the profiler's own region names.
bool is_compiled_region(std::string_view op) {
    return op.rfind("CompiledFunction", 0) == 0 || op.rfind("Torch-Compiled Region", 0) == 0 ||
           op.rfind("torch_compile", 0) == 0 || op.find("CompiledFxGraph") != std::string_view::npos;
}

bool is_triton_kernel(std::string_view name) { return name.rfind("triton_", 0) == 0; }

// Why a group of compiled-region kernels has no cost, with what the trace does say.
std::string compiled_region_reason(uint64_t kernels, uint64_t triton) {
    return "compiled region (torch.compile): Inductor records no shapes for its " + std::to_string(kernels) +
           " kernels (" + std::to_string(triton) + " Triton, " + std::to_string(kernels - triton) +
           " library GEMMs and others); --group-by kernel shows each kernel's time, grid and bound";
}

} // namespace

RooflineReport analyze_op_roofline(const std::vector<Trace>& traces, const Machine& machine,
                                   const RooflineOptions& options) {
    RooflineReport report;
    report.machine = machine;
    report.no_machine_reason = options.no_machine_reason;
    report.group_by = options.group_by;
    report.group_by_chosen = options.group_by_chosen;
    report.module_depth = options.module_depth;
    report.kernel_floor_s = machine.kernel_floor_s;
    const bool by_shape = options.group_by == GroupBy::op_shape;
    const bool by_module = options.group_by == GroupBy::module;
    uint64_t module_scopes_found = 0;

    OpGroups out;
    out.kernel_floor_s = machine.kernel_floor_s;
    AnalyticCoverage coverage;
    std::vector<OpAttribution> attrs;
    attrs.reserve(traces.size());
    for (const Trace& tr : traces) attrs.push_back(attribute_ops(tr));
    const CollectiveCalls calls = find_collectives(traces, machine, {options.gpus_per_node}, attrs);
    for (size_t t = 0; t < traces.size(); ++t) {
        const Trace& tr = traces[t];
        report.diagnostics.merge(tr.diagnostics);
        for (const auto& f : tr.meta.source_files) report.inputs.push_back(f);

        const OpAttribution& attr = attrs[t];
        add_attribution_diagnostics(attr, report.diagnostics);
        const KernelTable& k = tr.kernels;
        const PrelaunchedRows pre = find_prelaunched(tr);
        // Collective kernels form groups of their own, by kind, size and group size.
        std::vector<bool> in_collective(k.size(), false);
        for (size_t row = 0; row < k.size(); ++row) {
            size_t gi = collective_group(calls, t, row, pre, out);
            if (gi == SIZE_MAX) continue;
            in_collective[row] = true;
            out.sums[gi].add_kernel(k, row);
            out.groups[gi].kernel_rows.push_back(row);
            out.groups[gi].kernel_traces.push_back(static_cast<uint32_t>(t));
        }

        // Kernels and copies without an op: those launched before the profile, then the rest.
        auto unlinked_group = [&](bool prelaunched) {
            const char* name = prelaunched ? kPrelaunchedGroup : kUnattributedGroup;
            return out.get(std::string("\x01") + name, name);
        };
        for (size_t row = 0; row < k.size(); ++row) {
            if (attr.kernel_op[row] != OpAttribution::kNone || in_collective[row]) continue;
            size_t gi = unlinked_group(pre.kernels[row]);
            out.sums[gi].add_kernel(k, row);
            out.groups[gi].kernel_rows.push_back(row);
            out.groups[gi].kernel_traces.push_back(static_cast<uint32_t>(t));
        }
        // Memsets and copies an op launched (a cuBLAS workspace memset before a GEMM) are GPU time
        // of that op; they count as launches but carry no FLOPs or bytes of their own.
        std::unordered_map<uint32_t, std::vector<uint32_t>> copies_of;
        for (size_t row = 0; row < tr.copies.size(); ++row) {
            uint32_t op = attr.copy_op[row];
            if (op != OpAttribution::kNone) {
                copies_of[op].push_back(static_cast<uint32_t>(row));
                continue;
            }
            size_t gi = unlinked_group(pre.copies[row]);
            Value time = copy_time(tr.copies[row]);
            out.sums[gi].add_item(1, time, {}, {});
            out.sums[gi].add_floor(time);
        }
        KernelsByOp kernels_of(attr);

        OpCostTable costs(tr);
        ModuleScopes modules;
        if (by_module) {
            modules = find_module_scopes(tr, attr);
            module_scopes_found += modules.module_events + modules.annotation_scopes;
        }
        // An op's compiled region: itself or an enclosing op (CompiledFunction > aten::mm).
        auto in_compiled_region = [&](size_t op) {
            for (uint32_t o = static_cast<uint32_t>(op); o != OpAttribution::kNone; o = attr.parent[o])
                if (is_compiled_region(tr.strings.get(tr.cpu_ops[o].name))) return true;
            return false;
        };
        for (size_t op = 0; op < tr.cpu_ops.size(); ++op) {
            auto all_rows = op < kernels_of.ops() ? kernels_of.of(op) : std::span<const uint32_t>{};
            std::vector<uint32_t> rows;  // its kernels less the collectives
            rows.reserve(all_rows.size());
            for (uint32_t r : all_rows)
                if (!in_collective[r]) rows.push_back(r);
            auto copies_it = copies_of.find(static_cast<uint32_t>(op));
            if (rows.empty() && copies_it == copies_of.end()) continue;
            std::string name(tr.strings.get(tr.cpu_ops[op].name));
            std::string dims, types, key = name, display = name;
            if (by_shape) {
                dims = costs.input_dims_text(op);
                types = costs.input_types_text(op);
                key += '\0' + dims + '\0' + types;
                if (!dims.empty()) display += " " + dims;
            }
            if (by_module) {
                uint32_t p = modules.path_of_op[op];
                display = p == ModuleScopes::kNone ? kNoModuleGroup
                                                   : truncate_module_path(modules.paths[p], options.module_depth);
                // A module's ops without an analytic cost go to a row of their own: one uncosted
                // op (a cat of a TensorList) must not take the FLOPs of the whole layer with it.
                if (!costs.cost(op)) display += kUncostedSuffix;
                key = "\x03" + display;
            }
            size_t gi = out.get(key, display);
            GroupMetrics& g = out.groups[gi];
            out.module_group[gi] = by_module;
            if (in_compiled_region(op)) {
                out.compiled_kernels[gi] += rows.size();
                for (uint32_t r : rows) out.triton_kernels[gi] += is_triton_kernel(tr.strings.get(k.name[r]));
            }
            if (by_module) {
                // A module's rows hold many ops: no single op, shape or type.
            } else if (g.op.empty()) {
                g.op = name;
                g.input_dims = dims;
                g.input_types = types;
            }
            ValueSum time;
            uint64_t launches = 0, parts = 0;
            for (uint32_t r : rows) {
                time.add(kernel_time(k, r));
                out.sums[gi].add_floor(kernel_time(k, r), k.launches[r]);
                launches += k.launches[r];
                ++parts;
                g.kernel_rows.push_back(r);
                g.kernel_traces.push_back(static_cast<uint32_t>(t));
            }
            if (copies_it != copies_of.end()) {
                for (uint32_t r : copies_it->second) {
                    Value ct = copy_time(tr.copies[r]);
                    time.add(ct);
                    out.sums[gi].add_floor(ct);
                    ++launches;
                    ++parts;
                }
                g.copies += copies_it->second.size();
            }
            // A call's time is known only when every one of its kernels and copies has one.
            Value call_time = time.have == parts ? Value{time.sum, time.weakest} : Value{};
            bool tf32 = false;
            const auto cost = with_kernel_precision(costs.cost(op), tr, rows, &tf32);
            coverage.count(cost, costs.why(op), has_cost_model(name));
            coverage.calls_tf32 += tf32;
            if (cost) out.sums[gi].add_item(launches, call_time, analytic_flops(*cost), analytic_bytes(*cost));
            else out.sums[gi].add_item(launches, call_time, {}, {});
            if (!cost && out.why_no_cost[gi].empty()) {
                // "aten::cat: the dtype ..." -> "the dtype ...": the row already names the op, and
                // equal reasons then add up in the table's summary.
                std::string why = costs.why(op);
                if (why.rfind(name + ": ", 0) == 0) why.erase(0, name.size() + 2);
                if (why.empty()) why = "no cost model";
                // A module group names the op that lacks the cost.
                out.why_no_cost[gi] = by_module ? name + ": " + why : why;
            }
        }
    }
    coverage.add_diagnostics(report.diagnostics);
    if (by_module && module_scopes_found == 0)
        report.diagnostics.add(Severity::warning, "ops.no_modules",
                               "--group-by module: the inputs record no nn.Module calls (profile with "
                               "with_stack=True or with_modules=True) and no record_function annotations; every op "
                               "is outside any module");

    for (size_t i = 0; i < out.groups.size(); ++i) {
        GroupMetrics& g = out.groups[i];
        store_sums(out.sums[i], g);
        if (auto c = out.collective.find(i); c != out.collective.end()) c->second.store(g);
        // Op calls for op groups; the unattributed group counts kernels, not calls.
        g.invocations = g.op.empty() && !out.module_group[i] ? 0 : out.sums[i].items;
        finalize_group(g, machine, &report.diagnostics);
        if (g.efficiency) continue;
        // Say why in the op's own terms rather than "no counts".
        if (auto c = out.collective.find(i); c != out.collective.end()) {
            if (!c->second.reason.empty()) g.reason = c->second.reason;
        } else if (g.name == kPrelaunchedGroup) g.reason = kPrelaunchedReason;
        else if (g.op.empty() && !out.module_group[i]) g.reason = "launched outside any framework op: no analytic cost";
        else if (out.compiled_kernels[i] > 0 && out.compiled_kernels[i] == g.kernel_rows.size())
            g.reason = compiled_region_reason(out.compiled_kernels[i], out.triton_kernels[i]);
        else if (!out.why_no_cost[i].empty() && (!g.flops_total || out.module_group[i]))
            g.reason = "no analytic cost: " + out.why_no_cost[i] +
                       (out.compiled_kernels[i] ? " (and " + std::to_string(out.compiled_kernels[i]) +
                                                      " kernels of compiled regions)"
                                                : "");
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
