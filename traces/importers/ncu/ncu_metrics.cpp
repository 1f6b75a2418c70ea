#include "traces/importers/ncu/ncu_metrics.h"

#include <cmath>
#include <unordered_map>

#include "traces/counter_formulas.h"

namespace rafter {

namespace {

// Tensor work counted by the chip, per source precision. The family is
// sm__ops_path_tensor_src_<src>[_dst_<dst>][_sparsity_<on|off>].sum; every combination is listed
// so any subset a user collected is recognized.
struct TensorSource {
    const char* src;
    FlopKind kind;
};
constexpr TensorSource kTensorSources[] = {
    {"fp16", FlopKind::tensor_fp16}, {"bf16", FlopKind::tensor_bf16}, {"tf32", FlopKind::tensor_tf32},
    {"fp64", FlopKind::tensor_fp64}, {"fp8", FlopKind::tensor_fp8},   {"int8", FlopKind::tensor_int8},
};
constexpr const char* kTensorDsts[] = {"fp16", "fp32", "fp64", "int32"};
constexpr const char* kSparsity[] = {"on", "off"};

// SIMT instruction counters: FLOPs = add + mul + 2 * fma per precision.
struct SimtPrecision {
    char letter;  // d, f, h as in ..._op_dfma_...
    FlopKind kind;
};
constexpr SimtPrecision kSimt[] = {{'d', FlopKind::fp64}, {'f', FlopKind::fp32}, {'h', FlopKind::fp16}};

std::vector<NcuMetric> build_table() {
    std::vector<NcuMetric> t = {
        // Time: measured duration, else cycles / cycle rate.
        {"gpu__time_duration.sum", "", NcuRole::time, Quantity::seconds},
        {"Duration", "GPU Speed Of Light Throughput", NcuRole::time, Quantity::seconds, FlopKind::count, MemLevel::count, 1},
        {"sm__cycles_elapsed.avg", "", NcuRole::cycles, Quantity::cycles},
        {"sm__cycles_elapsed.avg.per_second", "", NcuRole::cycle_rate, Quantity::frequency},
        // Bytes per level.
        {"l1tex__t_bytes.sum", "", NcuRole::bytes, Quantity::bytes, FlopKind::count, MemLevel::l1},
        {"lts__t_bytes.sum", "", NcuRole::bytes, Quantity::bytes, FlopKind::count, MemLevel::l2},
        {"dram__bytes.sum", "", NcuRole::bytes, Quantity::bytes, FlopKind::count, MemLevel::dram},
        {"dram__bytes_read.sum", "", NcuRole::dram_read, Quantity::bytes},
        {"dram__bytes_write.sum", "", NcuRole::dram_write, Quantity::bytes},
        // Tensor pipe instructions (FLOPs per instruction come from the architecture table).
        {"sm__inst_executed_pipe_tensor.sum", "", NcuRole::tensor_inst, Quantity::count},
    };
    for (const auto& p : kSimt) {
        // sm__ and smsp__ prefixes count the same instructions; sm__ is preferred (rank 0).
        const char* prefixes[] = {"sm__", "smsp__"};
        for (uint8_t rank = 0; rank < 2; ++rank) {
            std::string base = std::string(prefixes[rank]) + "sass_thread_inst_executed_op_" + p.letter;
            t.push_back({base + "add_pred_on.sum", "", NcuRole::simt_add, Quantity::count, p.kind, MemLevel::count, rank});
            t.push_back({base + "mul_pred_on.sum", "", NcuRole::simt_mul, Quantity::count, p.kind, MemLevel::count, rank});
            t.push_back({base + "fma_pred_on.sum", "", NcuRole::simt_fma, Quantity::count, p.kind, MemLevel::count, rank});
        }
    }
    for (const auto& s : kTensorSources) {
        std::string base = std::string("sm__ops_path_tensor_src_") + s.src;
        auto add = [&](const std::string& name, uint8_t partition) {
            t.push_back({name + ".sum", "", NcuRole::tensor_ops, Quantity::count, s.kind, MemLevel::count, partition});
        };
        add(base, 0);
        for (const char* d : kTensorDsts) add(base + "_dst_" + d, 1);
        for (const char* sp : kSparsity) add(base + "_sparsity_" + sp, 2);
        for (const char* d : kTensorDsts)
            for (const char* sp : kSparsity) add(base + "_dst_" + d + "_sparsity_" + sp, 3);
    }
    return t;
}

bool has(double v) { return !std::isnan(v); }

// The value of the lowest-rank metric matching `pred`, or NaN.
template <class Pred>
double best(const std::vector<double>& values, Pred pred) {
    const auto& table = ncu_metrics();
    double v = NAN;
    int best_rank = 256;
    for (size_t i = 0; i < table.size(); ++i)
        if (has(values[i]) && pred(table[i]) && table[i].rank < best_rank) {
            best_rank = table[i].rank;
            v = values[i];
        }
    return v;
}

void derive_time(const std::vector<double>& values, KernelRow& row, NcuDerivationNotes& notes) {
    double t = best(values, [](const NcuMetric& m) { return m.role == NcuRole::time; });
    if (has(t)) {
        row.duration_s = t;
        row.duration_prov = Provenance::measured;
        return;
    }
    double cycles = best(values, [](const NcuMetric& m) { return m.role == NcuRole::cycles; });
    double rate = best(values, [](const NcuMetric& m) { return m.role == NcuRole::cycle_rate; });
    if (has(cycles) && has(rate) && rate > 0) {
        row.duration_s = cycles / rate;
        row.duration_prov = Provenance::derived;
        return;
    }
    row.duration_s = 0;
    row.duration_prov = Provenance::missing;
    ++notes.time_missing;
}

void derive_bytes(const std::vector<double>& values, KernelRow& row) {
    for (MemLevel level : {MemLevel::l1, MemLevel::l2, MemLevel::dram}) {
        double b = best(values, [&](const NcuMetric& m) { return m.role == NcuRole::bytes && m.level == level; });
        if (has(b)) row.bytes[static_cast<size_t>(level)] = Value::measured(b);
    }
    auto& dram = row.bytes[static_cast<size_t>(MemLevel::dram)];
    if (!dram.has()) {
        double rd = best(values, [](const NcuMetric& m) { return m.role == NcuRole::dram_read; });
        double wr = best(values, [](const NcuMetric& m) { return m.role == NcuRole::dram_write; });
        if (has(rd) && has(wr)) dram = Value::derived(rd + wr);
    }
}

void derive_simt_flops(const std::vector<double>& values, KernelRow& row, NcuDerivationNotes& notes) {
    for (const auto& p : kSimt) {
        auto of = [&](NcuRole role) {
            return best(values, [&](const NcuMetric& m) { return m.role == role && m.kind == p.kind; });
        };
        double add = of(NcuRole::simt_add), mul = of(NcuRole::simt_mul), fma = of(NcuRole::simt_fma);
        auto opt = [](double v) { return has(v) ? std::optional<double>(v) : std::nullopt; };
        if (Value f = simt_flops(opt(add), opt(mul), opt(fma)); f.has()) {
            row.flops[static_cast<size_t>(p.kind)] = f;
        } else if (has(add) || has(mul) || has(fma)) {
            // Counting only some instruction types would understate the work; leave it missing.
            ++notes.flops_incomplete;
            if (notes.flops_incomplete_example.empty())
                notes.flops_incomplete_example = std::string(to_string(p.kind)) + " needs the " + p.letter +
                                                 "add, " + p.letter + "mul and " + p.letter + "fma counters";
        }
    }
}

void derive_tensor_flops(const std::vector<double>& values, const ArchInfo* arch, KernelRow& row,
                         NcuDerivationNotes& notes) {
    const auto& table = ncu_metrics();
    bool any_ops = false;
    for (const auto& s : kTensorSources) {
        // Use the coarsest partition present and sum its parts, so no work is counted twice.
        int partition = 256;
        for (size_t i = 0; i < table.size(); ++i)
            if (has(values[i]) && table[i].role == NcuRole::tensor_ops && table[i].kind == s.kind)
                partition = std::min<int>(partition, table[i].rank);
        if (partition == 256) continue;
        double sum = 0;
        for (size_t i = 0; i < table.size(); ++i)
            if (has(values[i]) && table[i].role == NcuRole::tensor_ops && table[i].kind == s.kind &&
                table[i].rank == partition)
                sum += values[i];
        row.flops[static_cast<size_t>(s.kind)] = Value::measured(sum);
        any_ops = true;
    }
    if (any_ops) return;  // the chip's own FLOP counts beat an instruction-count estimate

    double inst = best(values, [](const NcuMetric& m) { return m.role == NcuRole::tensor_inst; });
    if (!has(inst)) return;
    FlopKind kind = FlopKind::tensor;
    if (arch) kind = *flop_kind_from_string(arch->tensor_kind);  // validated when the table loads
    auto t = tensor_flops_from_instructions(inst, arch ? arch->tensor_flops_per_inst : std::nullopt);
    if (!t.unknown_size) {
        row.flops[static_cast<size_t>(kind)] = t.flops;
        return;
    }
    clear_all_flops(row.flops);
    ++notes.tensor_unknown;
    if (notes.tensor_unknown_reason.empty())
        notes.tensor_unknown_reason =
            arch ? "architecture '" + arch->name +
                       "' has no single FLOPs-per-instruction factor; collect the sm__ops_path_tensor_src_* metrics"
                 : "the GPU architecture is unknown (no CC column, and none was given); "
                   "sm__inst_executed_pipe_tensor.sum cannot be converted to FLOPs";
}

} // namespace

const std::vector<NcuMetric>& ncu_metrics() {
    static const std::vector<NcuMetric> table = build_table();
    return table;
}

int find_ncu_metric(std::string_view name) {
    static const std::unordered_map<std::string_view, int> index = [] {
        std::unordered_map<std::string_view, int> m;
        const auto& t = ncu_metrics();
        for (size_t i = 0; i < t.size(); ++i) m.emplace(t[i].name, static_cast<int>(i));
        return m;
    }();
    auto it = index.find(name);
    return it == index.end() ? -1 : it->second;
}

void derive_ncu_kernel(const std::vector<double>& values, const ArchInfo* arch, KernelRow& row,
                       NcuDerivationNotes& notes) {
    derive_time(values, row, notes);
    derive_bytes(values, row);
    derive_simt_flops(values, row, notes);
    derive_tensor_flops(values, arch, row, notes);
}

} // namespace rafter
