// The roofline formulas (roofline_formulas.h): sums with provenance, peaks with their fallbacks,
// bound and efficiency per group, totals over groups. docs/roofline.md explains each number.
#include "analysis/roofline_formulas.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace rafter {

const char* to_string(GroupBy g) {
    switch (g) {
    case GroupBy::kernel: return "kernel";
    case GroupBy::base: return "base";
    case GroupBy::op: return "op";
    case GroupBy::op_shape: return "op-shape";
    case GroupBy::region: return "region";
    case GroupBy::module: return "module";
    }
    return "kernel";
}

std::optional<GroupBy> group_by_from_string(std::string_view s) {
    if (s == "kernel") return GroupBy::kernel;
    if (s == "base") return GroupBy::base;
    if (s == "op") return GroupBy::op;
    if (s == "op-shape" || s == "op_shape") return GroupBy::op_shape;
    if (s == "region") return GroupBy::region;
    if (s == "module") return GroupBy::module;
    return std::nullopt;
}

const char* to_string(Bound b) {
    switch (b) {
    case Bound::compute: return "compute";
    case Bound::dram: return "dram";
    case Bound::l2: return "l2";
    case Bound::l1: return "l1";
    case Bound::launch_floor: return "launch_floor";
    case Bound::link: return "link";
    case Bound::unknown: return "unknown";
    }
    return "unknown";
}

Provenance weaker(Provenance a, Provenance b) {
    if (a == Provenance::missing || b == Provenance::missing) return Provenance::missing;
    // Enum order is measured < derived < analytic: the larger is the weaker.
    return a > b ? a : b;
}

void ValueSum::add(Value v) {
    if (!v.has()) return;
    sum += v.value;
    weakest = have == 0 ? v.prov : weaker(weakest, v.prov);
    ++have;
}

Value kernel_time(const KernelTable& k, size_t row) {
    if (k.duration_prov[row] != Provenance::missing) return {k.duration_s[row], k.duration_prov[row]};
    int64_t s = k.start_ns[row], e = k.end_ns[row];
    if ((s != 0 || e != 0) && e >= s) return Value::measured(static_cast<double>(e - s) * 1e-9);
    return {};
}

void GroupSums::add_kernel(const KernelTable& k, size_t row) {
    ++items;
    launches += k.launches[row];
    time.add(kernel_time(k, row));
    for (size_t i = 0; i < kFlopKinds; ++i)
        if (k.flops[i].any()) flops[i].add(k.flops[i].get(row));
    for (size_t l = 0; l < kMemLevels; ++l)
        if (k.bytes[l].any()) bytes[l].add(k.bytes[l].get(row));
    add_floor(kernel_time(k, row), k.launches[row]);
}

void GroupSums::add_floor(Value t, uint64_t n_launches) {
    if (!floor_s) return;
    ++floor_kernels;
    if (!t.has()) {
        floor_time.add({});
        return;
    }
    // A kernel measured faster than the floor counts at its own time: the floor is a bound on
    // GPU time, so it may never exceed what was measured. A row of n launches has n floors.
    const double floor = static_cast<double>(n_launches) * *floor_s;
    if (t.value < floor) below_floor += n_launches;
    floor_time.add({std::min(t.value, floor), t.prov});
}

void GroupSums::add_item(uint64_t n_launches, Value t, const std::array<Value, kFlopKinds>& f,
                         const std::array<Value, kMemLevels>& b) {
    ++items;
    launches += n_launches;
    time.add(t);
    for (size_t i = 0; i < kFlopKinds; ++i) flops[i].add(f[i]);
    for (size_t l = 0; l < kMemLevels; ++l) bytes[l].add(b[l]);
}

// Present only when every item had a value; partial when some had one.
static Value complete_value(const ValueSum& s, uint64_t items, bool& partial) {
    partial = s.have > 0 && s.have < items;
    if (s.have == 0 || partial) return {};
    return {s.sum, s.weakest};
}

void store_sums(const GroupSums& sums, GroupMetrics& g) {
    g.launches = sums.launches;
    Value t = complete_value(sums.time, sums.items, g.partial_time);
    g.time_s = t.has() ? std::optional<double>(t.value) : std::nullopt;
    g.time_prov = t.prov;
    for (size_t i = 0; i < kFlopKinds; ++i) {
        bool partial = false;
        g.flops[i] = complete_value(sums.flops[i], sums.items, partial);
        g.partial_flops[i] = partial;
    }
    for (size_t l = 0; l < kMemLevels; ++l) {
        bool partial = false;
        g.bytes[l] = complete_value(sums.bytes[l], sums.items, partial);
        g.partial_bytes[l] = partial;
    }
    g.floor_time_s.reset();
    g.below_floor = sums.below_floor;
    if (sums.floor_s && sums.floor_kernels > 0 && sums.floor_time.have == sums.floor_kernels)
        g.floor_time_s = sums.floor_time.sum;
}

// Kinds whose peak is taken from another kind when the machine lacks their own. Only kinds the
// machine-file vocabulary often leaves out, and only to a kind of equal throughput on the chips
// we know (A100/H100: bf16 = fp16 rates; H100: int8 tensor = fp8 tensor); unsplit `tensor` work
// is assumed to be FP16 MMA, which is what the counter tables produce on Volta and Turing.
static std::optional<FlopKind> fallback_kind(FlopKind k) {
    switch (k) {
    case FlopKind::tensor: return FlopKind::tensor_fp16;
    case FlopKind::tensor_bf16: return FlopKind::tensor_fp16;
    case FlopKind::tensor_fp64: return FlopKind::fp64;
    case FlopKind::tensor_int8: return FlopKind::tensor_fp8;
    case FlopKind::bf16: return FlopKind::fp16;
    case FlopKind::tf32: return FlopKind::fp32;
    default: return std::nullopt;
    }
}

std::optional<double> peak_for_kind(const Machine& m, FlopKind k, FlopKind* used) {
    if (auto p = m.peak(k); p && *p > 0) {
        if (used) *used = k;
        return p;
    }
    if (auto fb = fallback_kind(k)) {
        if (auto p = m.peak(*fb); p && *p > 0) {
            if (used) *used = *fb;
            return p;
        }
    }
    return std::nullopt;
}

static const MemLevel kRoofLevels[] = {MemLevel::dram, MemLevel::l2, MemLevel::l1};

static Bound bound_of(MemLevel l) {
    switch (l) {
    case MemLevel::dram: return Bound::dram;
    case MemLevel::l2: return Bound::l2;
    default: return Bound::l1;
    }
}

void finalize_group(GroupMetrics& g, const Machine& machine, Diagnostics* diags) {
    auto note = [&](Severity sev, const std::string& code, const std::string& msg) {
        if (diags) diags->add(sev, code, msg);
    };
    g.reason.clear();

    // FLOPs: the total over kinds with a value, missing when any kind is partial.
    bool any_partial_flops = std::any_of(g.partial_flops.begin(), g.partial_flops.end(), [](bool b) { return b; });
    bool any_partial_bytes = std::any_of(g.partial_bytes.begin(), g.partial_bytes.end(), [](bool b) { return b; });
    if (any_partial_flops || any_partial_bytes || g.partial_time)
        note(Severity::warning, "roofline.partial_value",
             "groups where some launches lack a value (time, FLOPs of a kind, or bytes at a level) "
             "that others have; that value and what depends on it are reported as missing");
    g.flops_total.reset();
    g.flops_prov = Provenance::missing;
    if (!any_partial_flops) {
        double total = 0;
        bool have = false;
        for (const Value& v : g.flops) {
            if (!v.has()) continue;
            total += v.value;
            g.flops_prov = have ? weaker(g.flops_prov, v.prov) : v.prov;
            have = true;
        }
        if (have) g.flops_total = total;
    }
    g.bytes_prov = Provenance::missing;
    bool have_bytes = false;
    for (size_t l = 0; l < kMemLevels; ++l) {
        const Value& v = g.bytes[l];
        if (!v.has()) continue;
        g.bytes_prov = have_bytes ? weaker(g.bytes_prov, v.prov) : v.prov;
        have_bytes = true;
    }

    // Arithmetic intensity per level and the FLOP rate.
    for (size_t l = 0; l < kMemLevels; ++l) {
        g.ai[l].reset();
        if (g.flops_total && g.bytes[l].has() && g.bytes[l].value > 0)
            g.ai[l] = *g.flops_total / g.bytes[l].value;
    }
    g.flop_rate.reset();
    if (g.flops_total && g.time_s && *g.time_s > 0) g.flop_rate = *g.flops_total / *g.time_s;
    g.algbw.reset(), g.busbw.reset();
    if (!g.collective.empty() && g.time_s && *g.time_s > 0) {
        if (g.message_bytes) g.algbw = *g.message_bytes / *g.time_s;
        if (g.bus_bytes) g.busbw = *g.bus_bytes / *g.time_s;
    }

    g.bound = Bound::unknown;
    g.bound_time_s.reset();
    g.efficiency.reset();
    if (machine.name.empty()) {  // no machine: no ceilings to compare with
        g.reason = kNoMachineReason;
        return;
    }

    // Bound time = max(sum over kinds of FLOPs_k / P_k, bytes_l / BW_l per level with data,
    // launch floor). Compute and memory need the FLOPs and at least one memory level; a kind
    // without a peak or a partial value leaves them missing rather than understated. The launch
    // floor stands alone: a group of kernels near the floor is launch-floor bound even without
    // counts, because no kernel runs faster than the floor.
    const std::optional<double> floor = g.floor_time_s;

    std::optional<double> work;  // compute and memory time, when known
    Bound work_bound = Bound::unknown;
    std::string why_no_work;
    bool have_roof_bytes = false;
    for (MemLevel l : kRoofLevels) have_roof_bytes |= g.bytes[static_cast<size_t>(l)].has();
    if (any_partial_flops || any_partial_bytes) {
        why_no_work = "some launches of the group lack FLOPs or bytes that others have";
    } else if (!g.collective.empty()) {
        why_no_work = "no link bound";  // the collective grouping says why
    } else if (!g.flops_total || !have_roof_bytes) {
        why_no_work = !g.flops_total && !have_roof_bytes ? "no FLOP or byte counts for these kernels"
                      : !g.flops_total                   ? "no FLOP counts for these kernels"
                                                         : "no byte counts at L1, L2 or DRAM for these kernels";
        note(Severity::info, "roofline.no_bound",
             "groups without both FLOPs and bytes (L1, L2 or DRAM) have no compute or memory bound");
    } else {
        double compute = 0;
        bool peaks_ok = true;
        for (size_t k = 0; k < kFlopKinds && peaks_ok; ++k) {
            const Value& v = g.flops[k];
            if (!v.has() || v.value <= 0) continue;
            FlopKind kind = static_cast<FlopKind>(k), used = kind;
            auto peak = peak_for_kind(machine, kind, &used);
            if (!peak) {
                note(Severity::warning, std::string("roofline.no_peak.") + to_string(kind),
                     "machine '" + machine.name + "' has no peak for " + to_string(kind) +
                         " FLOPs; groups with such FLOPs have no compute bound");
                why_no_work = "machine '" + machine.name + "' has no peak for " + to_string(kind) + " FLOPs";
                peaks_ok = false;
                break;
            }
            if (used != kind)
                note(Severity::warning, std::string("roofline.peak_fallback.") + to_string(kind),
                     "machine '" + machine.name + "' has no peak for " + to_string(kind) +
                         " FLOPs; the " + to_string(used) + " peak was used for them");
            compute += v.value / *peak;
        }
        if (peaks_ok) {
            work = compute;
            work_bound = Bound::compute;
            for (MemLevel l : kRoofLevels) {
                const Value& v = g.bytes[static_cast<size_t>(l)];
                if (!v.has()) continue;
                auto bw = machine.bw(l);
                if (!bw || *bw <= 0) {
                    note(Severity::info, std::string("roofline.no_bandwidth.") + to_string(l),
                         "machine '" + machine.name + "' has no " + to_string(l) +
                             " bandwidth; that level is left out of the bound time");
                    continue;
                }
                double t = v.value / *bw;
                if (t > *work) {
                    work = t;
                    work_bound = bound_of(l);
                }
            }
        }
    }

    if (!g.collective.empty()) {
        if (g.link_time_s && (!work || *g.link_time_s > *work)) {
            work = g.link_time_s;
            work_bound = Bound::link;
        }
    }

    double best = 0;
    Bound bound = Bound::unknown;
    if (work) {
        best = *work;
        bound = work_bound;
    }
    if (floor && *floor > best) {
        best = *floor;
        bound = Bound::launch_floor;
    }
    if (why_no_work.empty()) why_no_work = "no FLOP or byte counts for these kernels";
    if (bound == Bound::unknown) {
        g.reason = why_no_work;
        if (!machine.kernel_floor_s) g.reason += "; machine '" + machine.name + "' has no kernel floor";
        return;
    }
    // Without counts the floor alone is a bound only when it decides: a group whose kernels are
    // far above the floor did work the counts would have to tell.
    if (!work && g.time_s && best < 0.5 * *g.time_s) {
        g.reason = why_no_work + " (the kernels run well above the launch floor)";
        return;
    }
    if (g.below_floor > 0)
        note(Severity::info, "roofline.below_kernel_floor",
             "kernels measured faster than machine '" + machine.name +
                 "' kernel floor count at their own time in the launch floor");
    g.bound = bound;
    g.bound_time_s = best;
    if (!g.time_s || *g.time_s <= 0) {
        g.reason = "kernel time unknown";
        return;
    }
    if (best > *g.time_s * (1 + 1e-9)) {
        // More work than the ceilings allow in the measured time: a peak, a bandwidth or a count
        // is wrong (analytic DRAM bytes of data that L2 served, for one). Never an efficiency > 1.
        note(Severity::warning, "roofline.ceiling_exceeded",
             "groups whose counted work needs longer than their measured time at the machine's ceilings "
             "(a peak or bandwidth understated, or bytes counted at DRAM that a cache served); their "
             "efficiency is missing");
        g.reason = "measured time is shorter than the " + std::string(to_string(bound)) +
                   " bound at the machine's ceilings: a ceiling or a count is wrong";
        return;
    }
    g.efficiency = best / *g.time_s;
}

ExplainedTime explained_time(const RooflineReport& r) {
    ExplainedTime e;
    e.total_s = r.totals.time_s;
    for (const GroupMetrics& g : r.groups) {
        if (!g.time_s) continue;
        if (g.efficiency) {
            e.explained_s += *g.time_s;
            continue;
        }
        std::string reason = g.reason.empty() ? "no bound" : g.reason;
        auto it = std::find_if(e.unexplained.begin(), e.unexplained.end(),
                               [&](const auto& p) { return p.first == reason; });
        if (it == e.unexplained.end()) e.unexplained.push_back({reason, *g.time_s});
        else it->second += *g.time_s;
    }
    std::sort(e.unexplained.begin(), e.unexplained.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    return e;
}

KnownSum known_flops(const RooflineReport& r) {
    KnownSum k;
    for (const GroupMetrics& g : r.groups) {
        if (!g.flops_total) { ++k.missing; continue; }
        k.sum += *g.flops_total;
        k.time_s += g.time_s.value_or(0);
        ++k.groups;
    }
    return k;
}

KnownSum known_bytes(const RooflineReport& r, MemLevel level) {
    KnownSum k;
    for (const GroupMetrics& g : r.groups) {
        const Value& b = g.bytes[static_cast<size_t>(level)];
        if (!b.has()) { ++k.missing; continue; }
        k.sum += b.value;
        k.time_s += g.time_s.value_or(0);
        ++k.groups;
    }
    return k;
}

void finalize_report(RooflineReport& report) {
    // Totals over the groups, with the same completeness rule as within a group.
    GroupSums sums;
    uint64_t invocations = 0;
    for (const GroupMetrics& g : report.groups) {
        Value t = g.time_s ? Value{*g.time_s, g.time_prov} : Value{};
        sums.add_item(g.launches, t, g.flops, g.bytes);
        invocations += g.invocations;
    }
    GroupMetrics total;
    store_sums(sums, total);
    RooflineTotals& t = report.totals;
    t.launches = total.launches;
    t.invocations = invocations;
    t.time_s = total.time_s;
    t.time_prov = total.time_prov;
    t.flops = total.flops;
    t.bytes = total.bytes;
    // The grand total is the sum of the groups' totals, missing when any group's is: groups may
    // hold different FLOP kinds (an analytic GEMM is all tensor_bf16, a layer norm all bf16), so
    // per-kind totals can be missing while every group's total is known.
    t.flops_total.reset();
    double sum = 0;
    bool all_groups = !report.groups.empty();
    for (const GroupMetrics& g : report.groups) {
        if (!g.flops_total) all_groups = false;
        else sum += *g.flops_total;
    }
    if (all_groups) t.flops_total = sum;
    // A group with a partial value has that value missing, which store_sums sees as "some groups
    // lack it": the total is then missing, as it should be.
    for (GroupMetrics& g : report.groups) {
        g.time_share.reset();
        if (g.time_s && t.time_s && *t.time_s > 0) g.time_share = *g.time_s / *t.time_s;
    }
    std::stable_sort(report.groups.begin(), report.groups.end(),
                     [](const GroupMetrics& a, const GroupMetrics& b) {
                         if (a.time_s.has_value() != b.time_s.has_value()) return a.time_s.has_value();
                         if (a.time_s && *a.time_s != *b.time_s) return *a.time_s > *b.time_s;
                         return a.name < b.name;
                     });
}

} // namespace rafter
