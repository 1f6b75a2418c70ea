#include "report/report_json.h"

#include "core/diagnostics_json.h"
#include "core/json_writer.h"
#include "core/version.h"
#include "model/ops/op_costs.h"

namespace rafter {
namespace {

std::optional<double> opt(const Value& v) {
    return v.has() ? std::optional<double>(v.value) : std::nullopt;
}

void write_flops(JsonWriter& w, const std::array<Value, kFlopKinds>& flops, std::optional<double> total) {
    w.key("flops").begin_object();
    for (size_t k = 0; k < kFlopKinds; ++k) w.field(to_string(static_cast<FlopKind>(k)), opt(flops[k]));
    w.field("total", total);
    w.end_object();
}

void write_bytes(JsonWriter& w, const std::array<Value, kMemLevels>& bytes) {
    w.key("bytes").begin_object();
    for (size_t l = 0; l < kMemLevels; ++l) w.field(to_string(static_cast<MemLevel>(l)), opt(bytes[l]));
    w.end_object();
}

void write_provenance(JsonWriter& w, Provenance time, Provenance flops, Provenance bytes,
                      const std::array<Value, kFlopKinds>& by_kind,
                      const std::array<Value, kMemLevels>& by_level) {
    w.key("provenance").begin_object();
    w.field("time_s", to_string(time));
    w.field("flops", to_string(flops));
    w.field("bytes", to_string(bytes));
    w.key("flops_by_kind").begin_object();
    for (size_t k = 0; k < kFlopKinds; ++k) w.field(to_string(static_cast<FlopKind>(k)), to_string(by_kind[k].prov));
    w.end_object();
    w.key("bytes_by_level").begin_object();
    for (size_t l = 0; l < kMemLevels; ++l) w.field(to_string(static_cast<MemLevel>(l)), to_string(by_level[l].prov));
    w.end_object();
    w.end_object();
}

void write_machine(JsonWriter& w, const Machine& m) {
    w.key("machine").begin_object();
    w.field("name", m.name);
    w.field("description", m.description);
    w.field("kind", m.kind);
    w.field("arch", m.arch);
    w.field("source", m.source);
    w.key("peaks_flops").begin_object();
    for (size_t k = 0; k < kFlopKinds; ++k) w.field(to_string(static_cast<FlopKind>(k)), m.peak_flops[k]);
    w.end_object();
    w.key("bandwidths").begin_object();
    for (size_t l = 0; l < kMemLevels; ++l) w.field(to_string(static_cast<MemLevel>(l)), m.bandwidth[l]);
    w.end_object();
    w.field("launch_latency_s", m.launch_latency_s);
    w.field("kernel_floor_s", m.kernel_floor_s);
    w.end_object();
}

// "[[64, 128], [[2, 3], [4]], []]" as nested arrays: one entry per input, a shape (array of
// sizes) or, for a tensor list, an array of shapes. null when the profiler's text was unreadable.
void write_input_dims(JsonWriter& w, const std::string& text) {
    std::vector<bool> lists;
    auto dims = parse_input_dims(text, &lists);
    if (!dims) {
        w.null();
        return;
    }
    auto shape = [&](const Shape& s) {
        w.begin_array();
        for (int64_t d : s) w.value(d);
        w.end_array();
    };
    w.begin_array();
    for (size_t i = 0; i < dims->size(); ++i) {
        const auto& input = (*dims)[i];
        if (i < lists.size() && lists[i]) {
            w.begin_array();
            for (const Shape& s : input) shape(s);
            w.end_array();
        } else if (input.empty()) {
            w.begin_array().end_array();
        } else {
            shape(input.front());
        }
    }
    w.end_array();
}

void write_input_types(JsonWriter& w, const std::string& text) {
    auto types = parse_string_list(text);
    if (!types) {
        w.null();
        return;
    }
    w.begin_array();
    for (const auto& t : *types) w.value(t);
    w.end_array();
}

void write_totals(JsonWriter& w, const RooflineReport& r) {
    const RooflineTotals& t = r.totals;
    Provenance fp = Provenance::missing, bp = Provenance::missing;
    bool have_f = false, have_b = false;
    // The total's provenance is the weakest of the groups' (whose totals it adds up).
    if (t.flops_total)
        for (const GroupMetrics& g : r.groups)
            fp = have_f ? weaker(fp, g.flops_prov) : g.flops_prov, have_f = true;
    for (const Value& v : t.bytes)
        if (v.has()) bp = have_b ? weaker(bp, v.prov) : v.prov, have_b = true;
    w.key("totals").begin_object();
    w.field("time_s", t.time_s);
    // Time of the groups with a bound and an efficiency (the rest carry a reason).
    w.field("explained_time_s", explained_time(r).explained_s);
    w.field("launches", t.launches);
    w.field("groups", static_cast<uint64_t>(r.groups.size()));
    if (r.group_by == GroupBy::region || is_op_grouping(r.group_by))
        w.field("invocations", t.invocations);
    write_flops(w, t.flops, t.flops_total);
    write_bytes(w, t.bytes);
    write_provenance(w, t.time_prov, fp, bp, t.flops, t.bytes);
    w.end_object();
}

void write_group(JsonWriter& w, const RooflineReport& r, const GroupMetrics& g, size_t rank) {
    w.begin_object();
    w.field("rank", static_cast<uint64_t>(rank));
    w.field("name", g.name);
    if (is_op_grouping(r.group_by)) {
        w.field("op", g.op);
        w.key("input_dims");
        write_input_dims(w, g.input_dims);
        w.key("input_types");
        write_input_types(w, g.input_types);
    }
    if (is_op_grouping(r.group_by) || r.group_by == GroupBy::region)
        w.field("invocations", g.invocations);
    w.field("launches", g.launches);
    if (is_op_grouping(r.group_by)) w.field("copies", g.copies);
    w.field("time_s", g.time_s);
    w.field("time_share", g.time_share);
    write_flops(w, g.flops, g.flops_total);
    write_bytes(w, g.bytes);
    w.key("ai").begin_object();
    for (MemLevel l : {MemLevel::l1, MemLevel::l2, MemLevel::dram})
        w.field(to_string(l), g.ai[static_cast<size_t>(l)]);
    w.end_object();
    w.field("flop_rate", g.flop_rate);
    w.key("bound");
    if (g.bound == Bound::unknown) w.null();
    else w.value(to_string(g.bound));
    w.field("bound_time_s", g.bound_time_s);
    w.field("efficiency", g.efficiency);
    w.field("floor_time_s", g.floor_time_s);
    w.key("reason");
    if (g.reason.empty()) w.null();
    else w.value(g.reason);
    write_provenance(w, g.time_prov, g.flops_prov, g.bytes_prov, g.flops, g.bytes);
    // Collective groups (docs/collectives.md); null for every other group.
    w.key("collective");
    if (g.collective.empty()) {
        w.null();
    } else {
        w.begin_object();
        w.field("kind", g.collective);
        w.key("ranks");
        if (g.collective_ranks > 0) w.value(static_cast<uint64_t>(g.collective_ranks));
        else w.null();
        w.key("link");
        if (g.link.empty()) w.null();
        else w.value(g.link);
        w.field("link_bandwidth", g.link_bandwidth);
        w.field("message_bytes", g.message_bytes);
        w.field("bus_bytes", g.bus_bytes);
        w.field("link_time_s", g.link_time_s);
        w.field("algbw", g.algbw);
        w.field("busbw", g.busbw);
        w.end_object();
    }
    w.end_object();
}

} // namespace

void JsonReporter::write(const RooflineReport& r, std::ostream& out) const {
    JsonWriter w(out);
    w.begin_object();
    w.field("schema", kRooflineSchema);
    w.field("generator", std::string("rafter ") + version_string());
    w.field("group_by", to_string(r.group_by));
    w.field("group_by_chosen", r.group_by_chosen);
    w.key("inputs").begin_array();
    for (const auto& in : r.inputs) w.value(in);
    w.end_array();
    w.field("kernel_floor_s", r.kernel_floor_s);
    if (r.machine.name.empty()) {
        w.key("machine").null();
        w.field("machine_missing_reason", r.no_machine_reason.empty() ? std::string("none given") : r.no_machine_reason);
    } else {
        write_machine(w, r.machine);
    }
    write_totals(w, r);
    // A trace with 200k distinct kernel names would make a JSON of hundreds of MB: the groups beyond
    // the largest group_limit_ (by time) are summed into groups_omitted and said so; kernels.csv
    // keeps every group.
    const size_t shown = group_limit_ ? std::min(r.groups.size(), group_limit_) : r.groups.size();
    w.key("groups").begin_array();
    for (size_t i = 0; i < shown; ++i) write_group(w, r, r.groups[i], i + 1);
    w.end_array();
    Diagnostics diagnostics = r.diagnostics;
    w.key("groups_omitted");
    if (shown < r.groups.size()) {
        double time = 0, total = 0;
        uint64_t launches = 0;
        for (size_t i = 0; i < r.groups.size(); ++i) {
            double t = r.groups[i].time_s.value_or(0);
            total += t;
            if (i >= shown) {
                time += t;
                launches += r.groups[i].launches;
            }
        }
        w.begin_object();
        w.field("count", static_cast<uint64_t>(r.groups.size() - shown));
        w.field("time_s", time);
        w.field("launches", launches);
        w.end_object();
        char share[32];
        std::snprintf(share, sizeof share, "%.2g%%", total > 0 ? 100 * time / total : 0.0);
        diagnostics.add(Severity::info, "report.groups_omitted",
                        std::to_string(r.groups.size() - shown) + " groups beyond the " + std::to_string(shown) +
                            " largest by time (" + share + " of the time) are summed in groups_omitted; the CSV "
                            "lists every group");
    } else {
        w.null();
    }
    w.key("diagnostics");
    write_diagnostics_array(w, diagnostics);
    w.end_object();
}

} // namespace rafter
