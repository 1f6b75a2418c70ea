#include "model/scaling/scaling_validation.h"

#include <cmath>
#include <cstdio>
#include <iomanip>

#include "core/embedded.h"
#include "core/text.h"
#include "model/scaling/scaling.h"
#include "model/scaling/scenario.h"
#include "model/scaling/scenario_json.h"

namespace rafter {

const std::vector<EmbeddedFile>& builtin_validation_files();  // generated (RafterEmbed)

using json_in::fail;
using json_in::Object;

namespace {

Object element_object(simdjson::dom::element e, const std::string& path, const std::string& origin) {
    simdjson::dom::object o;
    if (e.get_object().get(o)) fail(origin, path + " must be an object");
    return Object(o, path, origin);
}

std::string fmt(const char* f, double v) {
    char buf[96];
    std::snprintf(buf, sizeof buf, f, v);
    return buf;
}

double latency_named(const Object& lat, const std::string& key) {
    return lat.required_number(key);
}

// Images/s of a model missing from the table, interpolated linearly in FLOPs between two that are
// in it (time per image is close to linear in FLOPs within one architecture family).
double interpolate_throughput(const Object& in, std::string& note) {
    auto from = in.array("from");
    if (!from) in.fail_field("from", "missing required field " + in.field("from"));
    std::vector<std::pair<double, double>> pts;  // (gflops, seconds per image)
    size_t i = 0;
    for (auto e : *from) {
        Object p = element_object(e, in.field("from") + "[" + std::to_string(i++) + "]", in.origin());
        pts.emplace_back(p.required_positive("gflops"), 1.0 / p.required_positive("images_per_s"));
    }
    if (pts.size() != 2) in.fail_field("from", in.field("from") + " must hold two models");
    double g = in.required_positive("gflops");
    double slope = (pts[1].second - pts[0].second) / (pts[1].first - pts[0].first);
    double t = pts[0].second + slope * (g - pts[0].first);
    note = "single GPU " + fmt("%.1f", 1 / t) + " img/s interpolated";
    return 1 / t;
}

void horovod_cases(const Object& h, double efficiency, const Object& lat, std::vector<ValidationResult>& out) {
    int gpus = static_cast<int>(h.required_positive("gpus"));
    Topology t;
    t.gpus_per_node = static_cast<int>(h.required_positive("gpus_per_node"));
    t.intra.bandwidth = h.required_object("intra_node").required_positive("bandwidth");
    t.intra.latency = latency_named(lat, "pcie_s");
    t.nics_per_node = static_cast<int>(h.required_positive("nics_per_node"));
    t.inter.bandwidth = h.required_object("network").required_positive("bandwidth");
    t.inter.latency = latency_named(lat, "network_s");
    t.link_efficiency = efficiency;
    validate_topology(t, h.origin());

    ScalingOptions opt;
    std::string alg = h.string("algorithm").value_or("nccl");
    auto mask = algorithm_mask_from_string(alg);
    if (!mask) h.fail_field("algorithm", h.field("algorithm") + ": unknown algorithm '" + alg + "'");
    opt.dp_algorithms = *mask;

    double batch = h.required_positive("batch_per_gpu");
    double ratio = h.required_positive("backward_to_forward");
    auto grad = dtype_bytes(h.string("grad_dtype").value_or("fp32"));
    if (!grad) h.fail_field("grad_dtype", h.field("grad_dtype") + ": unknown dtype");
    double bucket = h.required_positive("bucket_bytes");
    double tol = h.required_positive("tolerance_points");

    auto cases = h.array("cases");
    if (!cases) h.fail_field("cases", "missing required field " + h.field("cases"));
    size_t i = 0;
    for (auto e : *cases) {
        Object c = element_object(e, h.field("cases") + "[" + std::to_string(i++) + "]", h.origin());
        std::string model = c.string("model").value_or("?");
        std::string note;
        double ips = 0;
        if (auto v = c.positive("single_gpu_images_per_s")) {
            ips = *v;
            note = "single GPU " + fmt("%.1f", ips) + " img/s";
        } else {
            ips = interpolate_throughput(c.required_object("interpolate"), note);
        }
        TrainingWorkload w;
        w.parameters = c.required_positive("parameters");
        w.grad_bytes = *grad;
        w.param_bytes = *grad;
        w.batch_per_gpu = batch;
        double step = batch / ips;
        w.forward_s = step / (1 + ratio);
        w.backward_s = step * ratio / (1 + ratio);
        w.optimizer_s = 0;
        w.bucket_bytes = bucket;
        SystemSpec sys;
        sys.topology = t;
        StepPrediction sb = predict_step(w, sys, ParallelLayout{}, gpus, batch * gpus, opt);

        ValidationResult r;
        r.name = "Horovod " + model + ", " + std::to_string(gpus) + " GPUs";
        r.quantity = "scaling efficiency";
        r.published = c.required_positive("published_efficiency");
        r.predicted = sb.efficiency;
        r.error = r.predicted - r.published;
        r.tolerance = tol;
        r.within = std::fabs(r.error) <= tol;
        r.inputs = note + ", " + si_format(w.parameters) + " params, step " + format_seconds(step) +
                   ", exposed comm " + format_seconds(sb.exposed_comm_s) + ", " +
                   std::to_string(sb.buckets) + " buckets, " + to_string(sb.dp_algorithm);
        r.source = h.string("source").value_or("");
        out.push_back(std::move(r));
    }
}

void busbw_case(const Object& c, double efficiency, const Object& lat, std::vector<ValidationResult>& out) {
    Topology t;
    int gpus = static_cast<int>(c.required_positive("gpus"));
    t.gpus_per_node = gpus;
    t.intra.bandwidth = c.required_positive("intra_bandwidth");
    auto lname = c.string("latency");
    if (!lname) c.fail_field("latency", "missing required field " + c.field("latency"));
    t.intra.latency = latency_named(lat, *lname);
    t.nics_per_node = 0;
    t.link_efficiency = efficiency;
    validate_topology(t, c.origin());
    std::string alg = c.string("algorithm").value_or("nccl");
    auto mask = algorithm_mask_from_string(alg);
    if (!mask) c.fail_field("algorithm", c.field("algorithm") + ": unknown algorithm '" + alg + "'");
    double bytes = c.required_positive("bytes");
    CommCurve curve = comm_curve(Collective::all_reduce, packed_group(gpus, t), t, *mask);
    double time = curve.time(bytes);

    ValidationResult r;
    r.name = c.string("system").value_or("?");
    r.quantity = "all-reduce busbw";
    r.unit = "B/s";
    r.published = c.required_positive("published_busbw");
    r.predicted = busbw(Collective::all_reduce, gpus, bytes, time);
    r.relative = true;
    r.error = (r.predicted - r.published) / r.published;
    r.tolerance = c.required_positive("tolerance_relative");
    r.within = std::fabs(r.error) <= r.tolerance;
    r.inputs = si_unit(t.intra.bandwidth, "B/s") + " per GPU x " + fmt("%.2f", efficiency) + ", " +
               si_unit(bytes, "B") + ", " + to_string(curve.best(bytes).algorithm) + ", " +
               format_seconds(time);
    r.source = c.string("source").value_or("");
    out.push_back(std::move(r));
}

// Step time of a large transformer from the compute model (the scenario's transformer form)
// against a published iteration time.
void transformer_step_case(const Object& c, simdjson::dom::element scenario_json, const std::string& source,
                           std::vector<ValidationResult>& out) {
    std::string name = c.string("name").value_or("?");
    Scenario s = parse_scenario_json(simdjson::minify(scenario_json), c.origin() + ": " + c.field("scenario"));
    if (s.gpus.size() != 1 || !s.global_batch)
        c.fail_field("scenario", c.field("scenario") + " must give one GPU count and scaling.global_batch");
    StepPrediction p = predict_step(s.workload, s.system, s.layout, s.gpus[0], *s.global_batch, s.options);
    ValidationResult r;
    r.name = name + (c.boolean("fitted").value_or(false) ? " [fitted]" : " [held out]");
    r.quantity = "step time";
    r.unit = "s";
    r.published = c.required_positive("published_step_s");
    r.predicted = p.step_s;
    r.relative = true;
    r.error = (r.predicted - r.published) / r.published;
    r.tolerance = c.required_positive("tolerance_relative");
    r.within = std::fabs(r.error) <= r.tolerance;
    r.inputs = "compute " + format_seconds(p.compute_s) + " (recompute " + format_seconds(p.recompute_s) +
               "), bubble " + format_seconds(p.bubble_s) + ", TP comm " + format_seconds(p.tp_comm_s) + ", PP comm " +
               format_seconds(p.pp_comm_s) + ", MFU " + fmt("%.1f%%", p.mfu.value_or(0) * 100) + ", HFU " +
               fmt("%.1f%%", p.hfu.value_or(0) * 100) + ", memory " + si_unit(p.memory_bytes.value_or(0), "B") +
               "/GPU";
    r.source = source;
    out.push_back(std::move(r));
}

} // namespace

std::string_view builtin_validation_data() {
    for (const auto& f : builtin_validation_files())
        if (f.name == "validation/scaling.json") return f.contents;
    return {};
}

std::vector<ValidationResult> run_validation(std::string_view json, const std::string& origin) {
    simdjson::dom::parser parser;
    simdjson::padded_string text(json);
    Object root = json_in::parse_root(parser, text, origin);
    if (root.string("schema").value_or("") != "rafter.validation/1")
        fail(origin, "schema must be \"rafter.validation/1\"");
    double eff = root.required_object("link_efficiency").required_positive("value");
    Object lat = root.required_object("latency");
    std::vector<ValidationResult> out;
    horovod_cases(root.required_object("horovod"), eff, lat, out);
    auto arr = root.array("allreduce_busbw");
    if (!arr) fail(origin, "missing required field allreduce_busbw");
    size_t i = 0;
    for (auto e : *arr) busbw_case(element_object(e, "allreduce_busbw[" + std::to_string(i++) + "]", origin), eff, lat, out);
    if (auto tr = root.object("transformer_step")) {
        auto cases = tr->array("cases");
        if (!cases) fail(origin, "missing required field transformer_step.cases");
        std::string source = tr->string("source").value_or("");
        i = 0;
        for (auto e : *cases) {
            Object c = element_object(e, "transformer_step.cases[" + std::to_string(i++) + "]", origin);
            auto sc = c.element("scenario");
            if (!sc) fail(origin, "missing required field " + c.field("scenario"));
            transformer_step_case(c, *sc, source, out);
        }
    }
    return out;
}

void write_validation_table(std::ostream& out, const std::vector<ValidationResult>& results) {
    for (const auto& r : results) {
        auto show = [&](double v) {
            return r.unit.empty() ? fmt("%.1f%%", v * 100) : si_unit(v, r.unit);
        };
        std::string err = r.relative ? fmt("%+.1f%%", r.error * 100) : fmt("%+.1f points", r.error * 100);
        std::string tol = r.relative ? fmt("%.0f%%", r.tolerance * 100) : fmt("%.0f points", r.tolerance * 100);
        out << (r.within ? "ok    " : "FAIL  ") << r.name << ": " << r.quantity << " predicted "
            << show(r.predicted) << ", published " << show(r.published) << ", error " << err
            << " (tolerance " << tol << ")\n      inputs: " << r.inputs << "\n";
    }
}

} // namespace rafter
