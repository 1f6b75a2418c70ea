#include "model/scaling/scenario.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/text.h"
#include "model/machines/machine.h"
#include "model/scaling/scenario_json.h"

namespace rafter {

using json_in::fail;
using json_in::Object;

namespace {

double read_dtype(const Object& o, std::string_view key, double fallback) {
    auto s = o.string(key);
    if (!s) return fallback;
    auto b = dtype_bytes(*s);
    if (!b) o.fail_field(key, o.field(key) + ": unknown dtype '" + *s + "' (fp64, fp32, tf32, bf16, fp16, fp8)");
    return *b;
}

int read_count(const Object& o, std::string_view key, int fallback, int min_value) {
    auto v = o.integer(key);
    if (!v) return fallback;
    if (*v < min_value || *v > 100000000)
        o.fail_field(key, o.field(key) + " must be an integer >= " + std::to_string(min_value));
    return static_cast<int>(*v);
}

LinkTier read_tier(const Object& o, bool bandwidth_required) {
    o.allow_only({"bandwidth", "latency", "in_network_reduction", "efficiency"});
    LinkTier t;
    if (bandwidth_required) t.bandwidth = o.required_positive("bandwidth");
    else if (auto b = o.positive("bandwidth")) t.bandwidth = *b;
    if (auto l = o.number("latency")) {
        if (*l < 0) o.fail_field("latency", o.field("latency") + " must be >= 0");
        t.latency = *l;
    }
    t.in_network_reduction = o.boolean("in_network_reduction").value_or(false);
    if (auto e = o.positive("efficiency")) {
        if (*e > 1) o.fail_field("efficiency", o.field("efficiency") + " must be in (0, 1]");
        t.efficiency = *e;
    }
    return t;
}

Topology read_topology(const Object& o) {
    o.allow_only({"gpus_per_node", "intra_node", "nics_per_node", "inter_node", "link_efficiency"});
    Topology t;
    t.gpus_per_node = read_count(o, "gpus_per_node", 0, 1);
    if (!o.has("gpus_per_node")) o.fail_field("gpus_per_node", "missing required field " + o.field("gpus_per_node"));
    t.intra = read_tier(o.required_object("intra_node"), true);
    if (auto inter = o.object("inter_node")) {
        t.inter = read_tier(*inter, true);
        t.nics_per_node = read_count(o, "nics_per_node", 1, 1);
    } else {
        t.nics_per_node = read_count(o, "nics_per_node", 0, 0);
    }
    if (auto e = o.positive("link_efficiency")) {
        if (*e > 1) o.fail_field("link_efficiency", o.field("link_efficiency") + " must be in (0, 1]");
        t.link_efficiency = *e;
    }
    validate_topology(t, o.origin());
    return t;
}

IoSystem read_io_system(const Object& o) {
    o.allow_only({"client_read_bandwidth", "filesystem_bandwidth", "metadata_rate", "staging",
                  "local_read_bandwidth", "page_cache_bytes"});
    IoSystem s;
    s.client_read_bw = o.required_positive("client_read_bandwidth");
    s.filesystem_bw = o.positive("filesystem_bandwidth");
    s.metadata_rate = o.positive("metadata_rate");
    s.local_read_bw = o.positive("local_read_bandwidth");
    if (auto c = o.number("page_cache_bytes")) {
        if (*c < 0) o.fail_field("page_cache_bytes", o.field("page_cache_bytes") + " must be >= 0");
        s.page_cache_bytes = *c;
    }
    if (auto st = o.string("staging")) {
        if (*st == "none") s.staging = StagingMode::none;
        else if (*st == "shard") s.staging = StagingMode::shard;
        else if (*st == "full") s.staging = StagingMode::full;
        else o.fail_field("staging", o.field("staging") + " must be \"none\", \"shard\" or \"full\"");
    }
    if (s.staging != StagingMode::none && !s.local_read_bw)
        o.fail_field("local_read_bandwidth", "missing required field " + o.field("local_read_bandwidth") + " (staging is on)");
    return s;
}

IoWorkload read_data(const Object& o) {
    o.allow_only({"dataset_bytes", "sample_bytes", "samples_per_file", "epochs", "loader_workers",
                  "prefetch_depth", "preprocess_s_per_sample"});
    IoWorkload d;
    d.dataset_bytes = o.required_positive("dataset_bytes");
    d.sample_bytes = o.required_positive("sample_bytes");
    d.samples_per_file = o.positive("samples_per_file").value_or(1);
    d.epochs = read_count(o, "epochs", 1, 1);
    d.loader_workers = read_count(o, "loader_workers", 1, 0);
    d.prefetch_depth = read_count(o, "prefetch_depth", 2, 0);
    if (auto p = o.number("preprocess_s_per_sample")) {
        if (*p < 0) o.fail_field("preprocess_s_per_sample", o.field("preprocess_s_per_sample") + " must be >= 0");
        d.preprocess_s_per_sample = *p;
    }
    return d;
}

TransformerShape read_model(const Object& o) {
    o.allow_only({"kind", "layers", "hidden", "heads", "sequence", "vocab", "ffn_hidden"});
    auto kind = o.string("kind");
    if (!kind) o.fail_field("kind", "missing required field " + o.field("kind") + " (\"transformer\")");
    if (*kind != "transformer")
        o.fail_field("kind", o.field("kind") + " is '" + *kind + "'; this version models \"transformer\"");
    TransformerShape m;
    m.layers = read_count(o, "layers", 0, 1);
    if (!o.has("layers")) o.fail_field("layers", "missing required field " + o.field("layers"));
    m.hidden = o.required_positive("hidden");
    m.heads = o.required_positive("heads");
    m.sequence = o.required_positive("sequence");
    m.vocab = o.required_positive("vocab");
    m.ffn_hidden = o.positive("ffn_hidden").value_or(4 * m.hidden);
    if (std::fmod(m.hidden, m.heads) != 0)
        o.fail_field("hidden", o.field("hidden") + " must be a multiple of " + o.field("heads"));
    return m;
}

TrainingWorkload read_workload(const Object& o) {
    o.allow_only({"parameters", "grad_dtype", "param_dtype", "batch_per_gpu", "forward_s",
                  "backward_s", "optimizer_s", "bucket_bytes", "layers", "hidden_size",
                  "sequence_length", "activation_dtype", "optimizer_state_bytes_per_param",
                  "activation_memory_per_sample", "data", "model", "micro_batch", "recompute",
                  "sequence_parallel", "optimizer_bytes_per_param"});
    TrainingWorkload w;
    // Fields of both forms.
    w.grad_bytes = read_dtype(o, "grad_dtype", 4);
    w.param_bytes = read_dtype(o, "param_dtype", w.grad_bytes);
    w.activation_bytes = read_dtype(o, "activation_dtype", 2);
    w.bucket_bytes = o.positive("bucket_bytes").value_or(w.bucket_bytes);
    if (auto b = o.number("optimizer_state_bytes_per_param")) {
        if (*b < 0) o.fail_field("optimizer_state_bytes_per_param", o.field("optimizer_state_bytes_per_param") + " must be >= 0");
        w.optimizer_state_bytes_per_param = *b;
    }
    if (auto d = o.object("data")) w.data = read_data(*d);

    if (auto model = o.object("model")) {
        // The transformer form: the compute model replaces the measured times.
        for (const char* k : {"forward_s", "backward_s", "optimizer_s", "layers", "hidden_size", "sequence_length",
                              "activation_memory_per_sample"})
            if (o.has(k)) o.fail_field(k, o.field(k) + " is not used with " + o.field("model") + " (the compute model gives it)");
        TransformerTraining t;
        t.shape = read_model(*model);
        t.dtype_bytes = w.activation_bytes;
        if (auto r = o.string("recompute")) {
            auto rc = recompute_from_string(*r);
            if (!rc) o.fail_field("recompute", o.field("recompute") + " must be \"none\", \"selective\" or \"full\" (got '" + *r + "')");
            t.recompute = *rc;
        }
        t.sequence_parallel = o.boolean("sequence_parallel").value_or(false);
        w.micro_batch = o.positive("micro_batch").value_or(0);
        if (auto b = o.positive("optimizer_bytes_per_param")) w.optimizer_bytes_per_param = *b;
        w.parameters = o.positive("parameters").value_or(transformer_parameters(t.shape));
        w.batch_per_gpu = o.positive("batch_per_gpu").value_or(w.micro_batch > 0 ? w.micro_batch : 1);
        w.layers = t.shape.layers;
        w.hidden_size = t.shape.hidden;
        w.sequence_length = t.shape.sequence;
        w.transformer = t;
        return w;  // validated once system.machine / system.gemm are read
    }
    for (const char* k : {"micro_batch", "recompute", "sequence_parallel", "optimizer_bytes_per_param"})
        if (o.has(k)) o.fail_field(k, o.field(k) + " needs " + o.field("model") + " (the transformer form)");
    w.parameters = o.required_positive("parameters");
    w.batch_per_gpu = o.required_positive("batch_per_gpu");
    w.forward_s = o.required_positive("forward_s");
    w.backward_s = o.required_positive("backward_s");
    if (auto opt = o.number("optimizer_s")) {
        if (*opt < 0) o.fail_field("optimizer_s", o.field("optimizer_s") + " must be >= 0");
        w.optimizer_s = *opt;
    }
    w.layers = read_count(o, "layers", 0, 1);
    w.hidden_size = o.positive("hidden_size").value_or(0);
    w.sequence_length = o.positive("sequence_length").value_or(1);
    w.activation_memory_per_sample = o.positive("activation_memory_per_sample");
    validate_workload(w, o.origin());
    return w;
}

AlgorithmMask read_algorithm(const Object& o, std::string_view key) {
    auto s = o.string(key);
    if (!s) return kNcclAlgorithms;
    auto m = algorithm_mask_from_string(*s);
    if (!m || *m == algorithm_bit(CommAlgorithm::direct))
        o.fail_field(key, o.field(key) + ": unknown algorithm '" + *s +
                             "' (nccl, auto, ring, tree, recursive_doubling, halving_doubling, hierarchical, in_network)");
    return *m;
}

std::vector<int> read_gpu_list(const Object& o, std::string_view key) {
    std::vector<int> out;
    auto arr = o.array(key);
    if (!arr) return out;
    size_t i = 0;
    for (auto e : *arr) {
        const std::string what = o.field(key) + "[" + std::to_string(i) + "]";
        if (!e.is_number()) o.fail_at(what, what + " must be a number");
        double v = json_in::as_number(e, what, o.origin());
        if (v < 1 || std::floor(v) != v || v > 1e8) o.fail_at(what, what + " must be a positive integer");
        out.push_back(static_cast<int>(v));
        ++i;
    }
    return out;
}

// The GPU's GEMM and memory speeds for the transformer form: system.machine (a built-in machine:
// tensor bf16/fp16 peak, DRAM bandwidth, and its GEMM defaults) and system.gemm overrides
// {"max_fraction", "overhead_s", "sms", "tile_m", "tile_n", "memory_fraction", "peak_flops", "dram_bandwidth"}.
void read_gemm(const Object& sys, TrainingWorkload& w) {
    auto machine_name = sys.string("machine");
    auto gemm = sys.object("gemm");
    if (!w.transformer) {
        if (machine_name || gemm)
            sys.fail_field(machine_name ? "machine" : "gemm", sys.field(machine_name ? "machine" : "gemm") + " needs workload.model (the transformer form)");
        return;
    }
    GemmModel g;
    if (machine_name) {
        auto m = find_builtin_machine(*machine_name);
        if (!m) sys.fail_field("machine", sys.field("machine") + ": no built-in machine '" + *machine_name + "' (rafter machines lists them)");
        FlopKind kind = w.transformer->dtype_bytes <= 2 ? FlopKind::tensor_bf16 : FlopKind::tensor_tf32;
        auto peak = m->peak(kind);
        if (!peak) peak = m->peak(FlopKind::tensor_fp16);
        if (peak) g.peak_flops = *peak;
        if (auto bw = m->bw(MemLevel::dram)) g.dram_bandwidth = *bw;
        g.machine = m->name;
        if (auto d = builtin_gemm_defaults(m->name)) {
            g.sms = d->sms;
            g.max_fraction = d->max_fraction;
            g.source = d->source;
        }
    }
    if (gemm) {
        gemm->allow_only({"max_fraction", "overhead_s", "sms", "tile_m", "tile_n", "memory_fraction", "peak_flops",
                          "dram_bandwidth"});
        if (auto v = gemm->positive("max_fraction")) {
            g.max_fraction = *v;
            g.source = "the scenario's system.gemm.max_fraction";
            g.given_in_scenario = true;
        }
        if (auto v = gemm->number("overhead_s")) g.overhead_s = *v;
        g.sms = read_count(*gemm, "sms", g.sms, 0);
        g.tile_m = read_count(*gemm, "tile_m", g.tile_m, 1);
        g.tile_n = read_count(*gemm, "tile_n", g.tile_n, 1);
        g.memory_fraction = gemm->positive("memory_fraction").value_or(g.memory_fraction);
        g.peak_flops = gemm->positive("peak_flops").value_or(g.peak_flops);
        g.dram_bandwidth = gemm->positive("dram_bandwidth").value_or(g.dram_bandwidth);
    }
    if (!(g.peak_flops > 0))
        fail(sys.origin(), "missing required field system.machine or system.gemm.peak_flops (workload.model is given)");
    if (!(g.dram_bandwidth > 0))
        fail(sys.origin(), "missing required field system.machine or system.gemm.dram_bandwidth (workload.model is given)");
    if (!(g.max_fraction > 0))
        fail(sys.origin(), "missing required field system.gemm.max_fraction (no built-in GEMM figure for " +
                               (machine_name ? "'" + *machine_name + "'" : std::string("this system")) +
                               "; `rafter calibrate gemm` on the GPU, or a measured share of peak)");
    w.gemm = g;
    validate_workload(w, sys.origin());
}

} // namespace

const char* to_string(ScalingMode m) { return m == ScalingMode::strong ? "strong" : "weak"; }

std::optional<double> dtype_bytes(std::string_view dtype) {
    std::string d = to_lower(trim(dtype));
    if (d == "fp64" || d == "float64" || d == "double") return 8.0;
    if (d == "fp32" || d == "float32" || d == "float" || d == "tf32") return 4.0;
    if (d == "fp16" || d == "float16" || d == "half" || d == "bf16" || d == "bfloat16") return 2.0;
    if (d == "fp8" || d == "float8" || d == "e4m3" || d == "e5m2" || d == "int8") return 1.0;
    return std::nullopt;
}

Scenario parse_scenario_json(std::string_view json, const std::string& origin) {
    simdjson::dom::parser parser;
    simdjson::padded_string text(json);
    Object root = json_in::parse_root(parser, text, origin);
    root.allow_only({"schema", "name", "description", "workload", "system", "parallel", "scaling",
                     "search", "measurements"});
    auto schema = root.string("schema");
    if (!schema) fail(origin, "missing required field schema (\"rafter.scenario/1\")");
    if (*schema != "rafter.scenario/1")
        fail(origin, "schema is '" + *schema + "'; this version reads \"rafter.scenario/1\"");

    Scenario s;
    s.origin = origin;
    s.name = root.string("name").value_or("");
    s.description = root.string("description").value_or("");
    s.workload = read_workload(root.required_object("workload"));

    Object sys = root.required_object("system");
    sys.allow_only({"topology", "io", "gpu_memory_bytes", "machine", "gemm"});
    read_gemm(sys, s.workload);
    s.system.topology = read_topology(sys.required_object("topology"));
    if (auto io = sys.object("io")) s.system.io = read_io_system(*io);
    s.system.gpu_memory_bytes = sys.positive("gpu_memory_bytes");
    if (s.workload.data && !s.system.io)
        fail(origin, "missing required field system.io (workload.data is given)");

    if (auto par = root.object("parallel")) {
        par->allow_only({"tp", "pp", "micro_batches", "zero", "algorithm", "tp_algorithm", "virtual_stages",
                         "overlap_gradient_comm", "tp_comm_overlap"});
        s.options.overlap_gradient_comm = par->boolean("overlap_gradient_comm").value_or(true);
        if (auto o = par->number("tp_comm_overlap")) {
            if (!(*o >= 0 && *o <= 1)) par->fail_field("tp_comm_overlap", par->field("tp_comm_overlap") + " must be in [0, 1]");
            s.options.tp_comm_overlap = *o;
        }
        s.layout.virtual_stages = read_count(*par, "virtual_stages", 1, 1);
        s.layout.tp = read_count(*par, "tp", 1, 1);
        s.layout.pp = read_count(*par, "pp", 1, 1);
        s.layout.micro_batches = read_count(*par, "micro_batches", 1, 1);
        s.layout.zero = read_count(*par, "zero", 0, 0);
        if (s.layout.zero > 3) fail(origin, "parallel.zero must be 0, 1, 2 or 3");
        s.options.dp_algorithms = read_algorithm(*par, "algorithm");
        s.options.tp_algorithms = read_algorithm(*par, "tp_algorithm");
        if (s.layout.tp > 1 && (s.workload.layers < 1 || s.workload.hidden_size <= 0))
            fail(origin, "missing required field workload.hidden_size / workload.layers (parallel.tp > 1)");
        if (s.layout.pp > 1 && s.workload.hidden_size <= 0)
            fail(origin, "missing required field workload.hidden_size (parallel.pp > 1)");
    }

    if (auto sc = root.object("scaling")) {
        sc->allow_only({"mode", "gpus", "global_batch"});
        if (auto m = sc->string("mode")) {
            if (*m == "weak") s.mode = ScalingMode::weak;
            else if (*m == "strong") s.mode = ScalingMode::strong;
            else fail(origin, "scaling.mode must be \"weak\" or \"strong\"");
        }
        s.gpus = read_gpu_list(*sc, "gpus");
        s.global_batch = sc->positive("global_batch");
    }
    if (s.mode == ScalingMode::strong && !s.global_batch)
        fail(origin, "missing required field scaling.global_batch (scaling.mode is \"strong\")");

    if (auto se = root.object("search")) {
        se->allow_only({"max_tp", "zero_stages", "top", "max_micro_batches"});
        s.search.max_tp = read_count(*se, "max_tp", 0, 1);
        s.search.top = read_count(*se, "top", 5, 1);
        s.search.max_micro_batches = read_count(*se, "max_micro_batches", 0, 1);
        if (auto z = se->array("zero_stages")) {
            s.search.zero_stages.clear();
            for (auto e : *z) {
                double v = json_in::as_number(e, "search.zero_stages[]", origin);
                if (v != 0 && v != 1 && v != 2 && v != 3) fail(origin, "search.zero_stages entries must be 0..3");
                s.search.zero_stages.push_back(static_cast<int>(v));
            }
            if (s.search.zero_stages.empty()) fail(origin, "search.zero_stages must not be empty");
        }
    }

    if (auto ms = root.array("measurements")) {
        size_t i = 0;
        for (auto e : *ms) {
            simdjson::dom::object o;
            std::string path = "measurements[" + std::to_string(i) + "]";
            if (e.get_object().get(o)) root.fail_at(path, path + " must be an object");
            Object mo = root.child(o, path);
            mo.allow_only({"gpus", "step_time_s"});
            StepMeasurement m;
            auto g = mo.integer("gpus");
            if (!g || *g < 1) mo.fail_field("gpus", "missing required field " + path + ".gpus (>= 1)");
            m.gpus = static_cast<int>(*g);
            m.step_time_s = mo.required_positive("step_time_s");
            s.measurements.push_back(m);
            ++i;
        }
    }
    return s;
}

double global_batch_for(const Scenario& s, int gpus) {
    if (s.mode == ScalingMode::strong && s.global_batch) return *s.global_batch;
    return s.workload.batch_per_gpu * gpus;
}

std::vector<int> default_gpu_counts(const Scenario& s) {
    if (!s.gpus.empty()) return s.gpus;
    std::vector<int> out;
    int start = s.layout.tp * s.layout.pp;
    for (int g = 1; g <= 1024; g *= 2) {
        if (g < start) continue;
        if (s.mode == ScalingMode::strong && s.global_batch && *s.global_batch < g / start) break;
        out.push_back(g);
    }
    if (out.empty()) out.push_back(start);
    return out;
}

namespace {

std::optional<double> opt(double v, bool have) { return have ? std::optional<double>(v) : std::nullopt; }

void write_tier(JsonWriter& w, const LinkTier& t) {
    w.begin_object();
    w.field("bandwidth", t.bandwidth);
    w.field("latency", t.latency);
    w.field("in_network_reduction", t.in_network_reduction);
    w.field("efficiency", opt(t.efficiency, t.efficiency > 0));
    w.end_object();
}

} // namespace

void write_scenario_json(JsonWriter& w, const Scenario& s) {
    const TrainingWorkload& wl = s.workload;
    const Topology& t = s.system.topology;
    w.begin_object();
    w.field("name", s.name);
    w.field("origin", s.origin);
    w.field("mode", to_string(s.mode));
    w.field("global_batch", s.global_batch);
    w.key("workload").begin_object();
    w.field("parameters", wl.parameters);
    w.field("grad_bytes", wl.grad_bytes);
    w.field("param_bytes", wl.param_bytes);
    w.field("batch_per_gpu", wl.batch_per_gpu);
    w.field("forward_s", wl.forward_s);
    w.field("backward_s", wl.backward_s);
    w.field("optimizer_s", wl.optimizer_s);
    w.field("bucket_bytes", wl.bucket_bytes);
    w.field("layers", opt(wl.layers, wl.layers > 0));
    w.field("hidden_size", opt(wl.hidden_size, wl.hidden_size > 0));
    w.field("sequence_length", wl.sequence_length);
    w.end_object();
    w.key("system").begin_object();
    w.key("topology").begin_object();
    w.field("gpus_per_node", t.gpus_per_node);
    w.key("intra_node");
    write_tier(w, t.intra);
    w.field("nics_per_node", t.nics_per_node);
    w.key("inter_node");
    if (t.inter.bandwidth > 0) write_tier(w, t.inter);
    else w.null();
    w.field("link_efficiency", t.link_efficiency);
    w.end_object();
    w.field("gpu_memory_bytes", s.system.gpu_memory_bytes);
    w.field("io_modeled", static_cast<bool>(s.system.io && wl.data));
    w.key("gemm");
    if (wl.transformer) {
        const GemmModel& g = wl.gemm;
        w.begin_object();
        w.field("machine", g.machine);
        w.field("peak_flops", g.peak_flops);
        w.field("dram_bandwidth", g.dram_bandwidth);
        w.field("max_fraction", g.max_fraction);
        w.field("overhead_s", g.overhead_s);
        w.field("memory_fraction", g.memory_fraction);
        w.field("sms", g.sms);
        w.field("tile_m", g.tile_m);
        w.field("tile_n", g.tile_n);
        w.field("source", g.source);
        w.end_object();
    } else {
        w.null();
    }
    w.end_object();
    w.key("parallel").begin_object();
    w.field("tp", s.layout.tp);
    w.field("pp", s.layout.pp);
    w.field("micro_batches", s.layout.micro_batches);
    w.field("zero", s.layout.zero);
    w.field("algorithm", describe_mask(s.options.dp_algorithms));
    w.field("overlap_gradient_comm", s.options.overlap_gradient_comm);
    w.field("tp_comm_overlap", s.options.tp_comm_overlap);
    w.end_object();
    w.end_object();
}

} // namespace rafter
