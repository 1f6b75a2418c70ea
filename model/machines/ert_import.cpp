// Empirical Roofline Toolkit (ERT) roofline.json import. ERT writes
//   {"empirical": {"gbytes": {"data": [["L1", 559.14], ["DRAM", 160.66]], "metadata": {...}},
//                  "gflops": {"data": [["GFLOPs", 1225.48]], "metadata": {...}},
//                  "metadata": {"ERT_VERSION": "1.1.0", "CONFIG": {"ERT_GPU": ["True"], ...}}},
//    "spec": {...}}
// in GB/s and GFLOP/s (10^9). Only the empirical section is used: it is what was measured.
#include <simdjson.h>

#include <array>
#include <cstdlib>

#include "core/json_syntax.h"
#include "core/error.h"
#include "core/json_writer.h"
#include "core/text.h"
#include "model/machines/machine.h"

namespace rafter {

namespace {

[[noreturn]] void fail(const std::string& origin, const std::string& what) {
    throw_input_error(origin, PositionKind::none, 0, "ERT roofline.json: " + what);
}

// value * 1e9 done in decimal ("559.14" -> "559.14e9"), so that 559.14 GB/s becomes exactly the
// double nearest to 559.14e9 rather than one rounding step away from it.
double giga(double v) {
    std::string text = format_double(v);
    if (text.find_first_of("eE") != std::string::npos) return v * 1e9;  // already has an exponent
    text += "e9";
    return std::strtod(text.c_str(), nullptr);
}

// ERT's CONFIG values are lists of strings (["True"], ["Results.titan.02"]); older files hold
// plain booleans in places. Returns the first entry as text, or "" when absent.
std::string config_first(const simdjson::dom::element& config, const char* key) {
    simdjson::dom::element v;
    if (config[key].get(v)) return "";
    simdjson::dom::array a;
    if (!v.get_array().get(a)) {
        for (auto e : a) {
            v = e;
            break;
        }
    }
    std::string_view s;
    if (!v.get_string().get(s)) return std::string(s);
    bool b = false;
    if (!v.get_bool().get(b)) return b ? "True" : "False";
    return "";
}

struct Entry {
    std::string label;
    double value;  // as written: GB/s or GFLOP/s
};

// Reads empirical.<section>.data as a list of [label, positive number].
std::vector<Entry> read_data(const simdjson::dom::element& empirical, const char* section,
                             const std::string& origin) {
    std::string where = std::string("empirical.") + section + ".data";
    simdjson::dom::array data;
    if (empirical[section]["data"].get_array().get(data)) fail(origin, "missing array '" + where + "'");
    std::vector<Entry> out;
    size_t i = 0;
    for (auto item : data) {
        std::string at = where + "[" + std::to_string(i++) + "]";
        simdjson::dom::array pair;
        std::string_view label;
        double value = 0;
        if (item.get_array().get(pair) || pair.size() != 2 || pair.at(0).get_string().get(label) ||
            !pair.at(1).is_number() || pair.at(1).get_double().get(value))
            fail(origin, "'" + at + "' is not a [label, number] pair");
        if (!(value > 0)) fail(origin, "'" + at + "' (" + std::string(label) + ") is not positive");
        out.push_back({std::string(label), value});
    }
    if (out.empty()) fail(origin, "'" + where + "' is empty (no measured ceilings)");
    return out;
}

// The precision of a GFLOP/s entry: named in the label when ERT was built for several
// precisions, else ERT_PRECISION from the config, else double (ERT 1.x kernels use double).
FlopKind flops_kind(const std::string& label, const std::string& config_precision, std::string& why) {
    std::string l = to_lower(label);
    for (auto [needle, kind] : {std::pair{"fp16", FlopKind::fp16}, {"fp32", FlopKind::fp32}, {"fp64", FlopKind::fp64}}) {
        if (l.find(needle) != std::string::npos) {
            why = "precision from the label";
            return kind;
        }
    }
    std::string p = to_lower(config_precision);
    if (p == "fp16" || p == "fp32" || p == "fp64") {
        why = "precision from CONFIG ERT_PRECISION";
        return p == "fp16" ? FlopKind::fp16 : p == "fp32" ? FlopKind::fp32 : FlopKind::fp64;
    }
    why = "the file names no precision; ERT 1.x kernels compute in double precision";
    return FlopKind::fp64;
}

} // namespace

Machine parse_ert_json(std::string_view json, const std::string& origin) {
    simdjson::dom::parser parser;
    simdjson::padded_string padded(json);
    simdjson::dom::element root;
    if (auto err = parser.parse(padded).get(root)) throw_json_syntax_error(json, origin, simdjson::error_message(err));
    simdjson::dom::element empirical, meta, config;
    if (!root.is_object() || root["empirical"].get(empirical) || !empirical.is_object())
        fail(origin, "missing object 'empirical' (is this an ERT roofline.json?)");
    bool have_meta = !empirical["metadata"].get(meta) && meta.is_object();
    bool have_config = have_meta && !meta["CONFIG"].get(config) && config.is_object();
    std::string version;
    if (have_meta) {
        std::string_view v;
        if (!meta["ERT_VERSION"].get_string().get(v)) version = std::string(v);
    }

    Machine m;
    m.source = "ERT roofline.json: " + origin;
    // The results directory name is what the user chose for this run; hostnames in ERT files are
    // often login nodes, not the measured machine.
    std::string results = have_config ? config_first(config, "ERT_RESULTS") : "";
    if (starts_with(results, "Results.")) results = results.substr(8);
    m.name = results;
    if (m.name.empty()) {
        simdjson::dom::element h;
        if (!empirical["gbytes"]["metadata"]["HOSTNAME"].get(h)) {
            simdjson::dom::array a;
            if (!h.get_array().get(a) && a.size() > 0) h = a.at(0);
            std::string_view host;
            if (!h.get_string().get(host)) m.name = std::string(host);
        }
    }
    if (m.name.empty()) {
        size_t slash = origin.find_last_of('/');
        m.name = slash == std::string::npos ? origin : origin.substr(slash + 1);
    }
    std::string gpu = have_config ? to_lower(config_first(config, "ERT_GPU")) : "";
    bool gpu_threads = have_meta && !meta["GPU_THREADS"].error();
    m.kind = (gpu == "true" || (gpu.empty() && gpu_threads)) ? "gpu" : "cpu";
    m.description = "Empirical Roofline Toolkit " + (version.empty() ? std::string("(version unknown)") : version) +
                    " measurement (" + m.kind + " run)";

    // Bandwidth labels: L1, L2, DRAM (HBM counts as dram when there is no DRAM entry). Other
    // levels (L3, MCDRAM, ...) have no Rafter level and are named in the source instead. ERT lists
    // each level once; should a file repeat one, the best measurement is the ceiling.
    std::array<std::optional<Entry>, kMemLevels> best_bw;
    std::optional<Entry> hbm;
    std::vector<std::string> ignored;
    auto keep_best = [](std::optional<Entry>& slot, const Entry& e) {
        if (!slot || e.value > slot->value) slot = e;
    };
    for (const auto& e : read_data(empirical, "gbytes", origin)) {
        std::string l = to_lower(e.label);
        if (l == "l1") keep_best(best_bw[static_cast<size_t>(MemLevel::l1)], e);
        else if (l == "l2") keep_best(best_bw[static_cast<size_t>(MemLevel::l2)], e);
        else if (l == "dram") keep_best(best_bw[static_cast<size_t>(MemLevel::dram)], e);
        else if (l == "hbm") keep_best(hbm, e);
        else ignored.push_back(e.label);
    }
    auto& dram = best_bw[static_cast<size_t>(MemLevel::dram)];
    if (hbm && !dram) dram = hbm;
    else if (hbm) ignored.push_back(hbm->label);
    if (!best_bw[static_cast<size_t>(MemLevel::l1)] && !best_bw[static_cast<size_t>(MemLevel::l2)] && !dram)
        fail(origin, "'empirical.gbytes.data' has no L1, L2, DRAM or HBM entry");

    std::array<std::optional<Entry>, kFlopKinds> best_flops;
    std::array<std::string, kFlopKinds> why;
    std::string precision = have_config ? config_first(config, "ERT_PRECISION") : "";
    for (const auto& e : read_data(empirical, "gflops", origin)) {
        std::string reason;
        auto k = static_cast<size_t>(flops_kind(e.label, precision, reason));
        if (!best_flops[k] || e.value > best_flops[k]->value) why[k] = reason;
        keep_best(best_flops[k], e);
    }

    for (size_t k = 0; k < kFlopKinds; ++k) {
        if (!best_flops[k]) continue;
        const char* name = to_string(static_cast<FlopKind>(k));
        m.peak_flops[k] = giga(best_flops[k]->value);
        m.sources.emplace_back(std::string("peaks_flops.") + name,
                               m.source + ", empirical.gflops '" + best_flops[k]->label + "' = " +
                                   format_double(best_flops[k]->value) + " GFLOP/s, taken as " + name + " (" +
                                   why[k] + ")");
    }
    for (size_t l = 0; l < kMemLevels; ++l) {
        if (!best_bw[l]) continue;
        m.bandwidth[l] = giga(best_bw[l]->value);
        m.sources.emplace_back(std::string("bandwidths.") + to_string(static_cast<MemLevel>(l)),
                               m.source + ", empirical.gbytes '" + best_bw[l]->label + "' = " +
                                   format_double(best_bw[l]->value) + " GB/s");
    }
    if (!ignored.empty()) {
        std::string list;
        for (const auto& s : ignored) list += (list.empty() ? "" : ", ") + s;
        m.source += " (levels without a Rafter equivalent, not imported: " + list + ")";
    }
    return m;
}

} // namespace rafter
