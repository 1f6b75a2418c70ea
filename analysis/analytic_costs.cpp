#include "analysis/analytic_costs.h"

#include "analysis/roofline.h"

namespace rafter {

size_t OpCostTable::KeyHash::operator()(const Key& k) const {
    uint64_t h = k.name;
    h = h * 0x9E3779B97F4A7C15ull ^ k.dims;
    h = h * 0x9E3779B97F4A7C15ull ^ k.types;
    h = h * 0x9E3779B97F4A7C15ull ^ k.concrete;
    return static_cast<size_t>(h ^ (h >> 29));
}

OpCostTable::OpCostTable(const Trace& trace) : trace_(trace), entry_of_row_(trace.cpu_ops.size(), -1) {}

const OpCostTable::Entry& OpCostTable::entry(size_t op_row) {
    int32_t& e = entry_of_row_[op_row];
    if (e >= 0) return entries_[static_cast<size_t>(e)];
    const CpuOpRow& o = trace_.cpu_ops[op_row];
    Key key{o.name, o.input_dims, o.input_types, o.concrete_inputs};
    auto [it, inserted] = index_.emplace(key, static_cast<int32_t>(entries_.size()));
    if (inserted) {
        Entry en;
        std::string_view name = trace_.strings.get(o.name);
        if (!has_cost_model(name)) {
            en.why = "no cost model for " + std::string(name);
        } else if (o.input_dims == kNoString) {
            en.why = std::string(name) + ": the trace has no Input Dims (record_shapes off)";
        } else if (auto call = parse_op_call(name, trace_.strings.get(o.input_dims), trace_.strings.get(o.input_types),
                                             trace_.strings.get(o.concrete_inputs))) {
            en.cost = op_cost(*call, &en.why);
        } else {
            en.why = std::string(name) + ": Input Dims/Input type text not understood";
        }
        entries_.push_back(std::move(en));
    }
    e = it->second;
    return entries_[static_cast<size_t>(e)];
}

const std::optional<OpCost>& OpCostTable::cost(size_t op_row) { return entry(op_row).cost; }
const std::string& OpCostTable::why(size_t op_row) { return entry(op_row).why; }

std::string OpCostTable::input_dims_text(size_t op_row) const {
    const CpuOpRow& o = trace_.cpu_ops[op_row];
    if (o.input_dims == kNoString) return {};
    std::string_view raw = trace_.strings.get(o.input_dims);
    std::vector<bool> lists;
    if (auto d = parse_input_dims(raw, &lists)) return format_input_dims(*d, lists);
    return std::string(raw);
}

std::string OpCostTable::input_types_text(size_t op_row) const {
    const CpuOpRow& o = trace_.cpu_ops[op_row];
    if (o.input_types == kNoString) return {};
    std::string_view raw = trace_.strings.get(o.input_types);
    if (auto t = parse_string_list(raw)) return format_string_list(*t);
    return std::string(raw);
}

bool is_tf32_tensor_kernel(std::string_view name) {
    // "s1688gemm": single precision on the m16n8k8 tensor op, which only TF32 has (fp16/bf16
    // kernels are "h1688"/"s16816..._bf16"); the xmma and CUTLASS 3 names say tf32 outright.
    return name.find("s1688gemm") != std::string_view::npos || name.find("tf32") != std::string_view::npos;
}

std::optional<OpCost> with_kernel_precision(const std::optional<OpCost>& cost, const Trace& trace,
                                            std::span<const uint32_t> kernel_rows, bool* changed) {
    if (changed) *changed = false;
    if (!cost || cost->family != OpFamily::gemm || cost->flop_kind != FlopKind::fp32) return cost;
    for (uint32_t r : kernel_rows)
        if (is_tf32_tensor_kernel(trace.strings.get(trace.kernels.name[r]))) {
            OpCost c = *cost;
            c.flop_kind = FlopKind::tensor_tf32;
            if (changed) *changed = true;
            return c;
        }
    return cost;
}

std::array<Value, kFlopKinds> analytic_flops(const OpCost& c) {
    // The model puts all of an op's FLOPs in one kind, so it states the others are 0: without
    // that, a group mixing a bf16 op and an fp32 op would lack each kind on some calls and its
    // FLOPs would be missing by the completeness rule.
    std::array<Value, kFlopKinds> f;
    f.fill(Value::analytic(0));
    f[static_cast<size_t>(c.flop_kind)] = Value::analytic(c.flops);
    return f;
}

std::array<Value, kMemLevels> analytic_bytes(const OpCost& c) {
    std::array<Value, kMemLevels> b{};
    b[static_cast<size_t>(MemLevel::dram)] = Value::analytic(c.bytes);
    return b;
}

void AnalyticCoverage::count(const std::optional<OpCost>& c, const std::string& why, bool has_model) {
    if (c) {
        ++calls_costed;
        if (!c->assumed.empty()) {
            ++calls_assumed;
            if (first_assumed.empty()) first_assumed = c->assumed;
        }
    } else if (!has_model) {
        ++calls_no_model;
        if (first_no_model.empty()) first_no_model = why;
    } else {
        ++calls_unusable;
        if (first_unusable.empty()) first_unusable = why;
    }
}

void AnalyticCoverage::add_diagnostics(Diagnostics& diags) const {
    if (calls_no_model)
        diags.add(Severity::info, "ops.no_cost_model",
                  "op calls without an analytic cost model; their FLOPs and bytes are missing (e.g. " +
                      first_no_model + ")",
                  calls_no_model);
    if (calls_unusable)
        diags.add(Severity::warning, "ops.cost_unavailable",
                  "op calls whose shapes or dtypes do not allow an analytic cost (e.g. " + first_unusable + ")",
                  calls_unusable);
    if (calls_tf32)
        diags.add(Severity::info, "ops.tf32_from_kernels",
                  "float GEMM calls whose kernels are TF32 tensor-core kernels (allow_tf32 was on): their FLOPs "
                  "count as tensor_tf32, against the TF32 peak",
                  calls_tf32);
    if (calls_assumed)
        diags.add(Severity::info, "ops.assumed_parameters",
                  "op calls costed with parameters the trace did not record (e.g. " + first_assumed + ")",
                  calls_assumed);
}

ApplyAnalyticResult apply_analytic_costs(Trace& trace, const OpAttribution& attribution) {
    ApplyAnalyticResult result;
    KernelTable& k = trace.kernels;
    KernelsByOp kernels_of(attribution);

    auto has_counter = [&](size_t row, bool flops) {
        if (flops) {
            for (size_t i = 0; i < kFlopKinds; ++i) {
                Value v = k.flops[i].get(row);
                if (v.has() && v.prov != Provenance::analytic) return true;
            }
            return false;
        }
        Value v = k.bytes[static_cast<size_t>(MemLevel::dram)].get(row);
        return v.has() && v.prov != Provenance::analytic;
    };

    OpCostTable table(trace);
    for (size_t op = 0; op < kernels_of.ops(); ++op) {
        auto rows = kernels_of.of(op);
        if (rows.empty()) continue;
        bool tf32 = false;
        const auto cost = with_kernel_precision(table.cost(op), trace, rows, &tf32);
        result.coverage.count(cost, table.why(op), has_cost_model(trace.strings.get(trace.cpu_ops[op].name)));
        result.coverage.calls_tf32 += tf32;
        if (!cost) continue;
        double total = 0;
        for (uint32_t r : rows) {
            Value t = kernel_time(k, r);
            if (t.has() && t.value > 0) total += t.value;
        }
        for (uint32_t r : rows) {
            double share = 1.0 / static_cast<double>(rows.size());
            if (total > 0) {
                Value t = kernel_time(k, r);
                share = t.has() && t.value > 0 ? t.value / total : 0.0;
            }
            bool kept = false;
            if (!has_counter(r, true)) {
                for (size_t i = 0; i < kFlopKinds; ++i) k.set_flops(r, static_cast<FlopKind>(i), Value::analytic(0));
                k.set_flops(r, cost->flop_kind, Value::analytic(cost->flops * share));
            } else {
                kept = true;
            }
            if (!has_counter(r, false)) k.set_bytes(r, MemLevel::dram, Value::analytic(cost->bytes * share));
            else kept = true;
            if (kept) ++result.kernels_kept_counters;
            else ++result.kernels_costed;
        }
    }
    result.coverage.add_diagnostics(trace.diagnostics);
    return result;
}

void apply_analytic_costs_to_traces(std::vector<Trace>& traces) {
    for (Trace& t : traces)
        if (!t.cpu_ops.empty() && t.kernels.size() > 0) apply_analytic_costs(t, attribute_ops(t));
}

} // namespace rafter
