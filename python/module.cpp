// rafter._rafter: the C++ core for Python. Imports, analyses and renders in C++ with the GIL
// released; hands tables over as NumPy columns (trace_columns.h) and reports as the same JSON
// text the CLI writes, so that rafter/__init__.py builds DataFrames whose values equal the CLI's.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <ostream>
#include <sstream>
#include <streambuf>
#include <string>
#include <vector>

#include "analysis/analysis_inputs.h"
#include "analysis/analytic_costs.h"
#include "analysis/breakdown.h"
#include "analysis/launch_window.h"
#include "analysis/roofline.h"
#include "analysis/profile_for_scaling.h"
#include "analysis/step_replay.h"
#include "core/atomic_file.h"
#include "core/diagnostics_json.h"
#include "core/error.h"
#include "core/json_writer.h"
#include "core/version.h"
#include "model/machines/machine.h"
#include "model/scaling/scaling_run.h"
#include "model/scaling/scenario.h"
#include "plots/roofline_svg.h"
#include "plots/scaling_svg.h"
#include "report/html/build_report.h"
#include "analysis/diff.h"
#include "analysis/findings.h"
#include "analysis/gemm_samples.h"
#include "report/diff_report.h"
#include "report/findings_report.h"
#include "report/gemm_calibration_report.h"
#include "report/report_breakdown.h"
#include "report/report_json.h"
#include "report/scaling_report.h"
#include "traces/input_file.h"
#include "trace_columns.h"

namespace py = pybind11;

namespace rafter::python {

namespace {

// Imported traces with the machine they were loaded against; shared by the Python Trace object
// and everything computed from it.
struct Loaded {
    AnalysisInputs in;
    std::vector<std::string> paths;
};
using LoadedPtr = std::shared_ptr<const Loaded>;

// The progress bar's frames, written to Python's sys.stderr (a notebook's cell output) under the
// GIL at each flush; the bar flushes at most ten times a second.
class PythonStderrBuf : public std::streambuf {
protected:
    int overflow(int c) override {
        if (c != traits_type::eof()) pending_.push_back(static_cast<char>(c));
        return c;
    }
    std::streamsize xsputn(const char* s, std::streamsize n) override {
        pending_.append(s, static_cast<size_t>(n));
        return n;
    }
    int sync() override {
        py::gil_scoped_acquire gil;
        try {
            py::object err = py::module_::import("sys").attr("stderr");
            err.attr("write")(pending_);
            err.attr("flush")();
        } catch (const py::error_already_set&) {
            // A progress bar that cannot be drawn is not worth failing the import for.
        }
        pending_.clear();
        return 0;
    }

private:
    std::string pending_;
};

// progress: "off", "terminal" (the CLI's bar on a terminal's stderr) or "python" (sys.stderr).
LoadedPtr load(const std::vector<std::string>& paths, const std::optional<std::string>& machine,
               const std::string& progress, bool exclude_unlaunched, double progress_delay_s, int jobs) {
    auto out = std::make_shared<Loaded>();
    out->paths = paths;
    PythonStderrBuf buf;
    std::ostream python_stderr(&buf);
    py::gil_scoped_release release;
    ImportOptions import;
    import.quiet = progress == "off";
    if (progress == "python") import.progress_out = &python_stderr;
    import.progress_delay_s = progress_delay_s;
    import.jobs = jobs;
    out->in = load_analysis_inputs(paths, machine, import);
    if (exclude_unlaunched) exclude_prelaunched(out->in.traces);
    return out;
}

py::dict meta(const Loaded& l) {
    py::list traces;
    for (size_t i = 0; i < l.in.traces.size(); ++i) {
        const TraceMetadata& m = l.in.traces[i].meta;
        py::list devices;
        for (const DeviceInfo& d : m.devices)
            devices.append(py::dict(py::arg("id") = d.id, py::arg("name") = d.name,
                                    py::arg("compute_capability") = std::to_string(d.cc_major) + "." + std::to_string(d.cc_minor),
                                    py::arg("total_memory") = d.total_memory, py::arg("sm_count") = d.sm_count));
        traces.append(py::dict(
            py::arg("source_format") = m.source_format, py::arg("source_files") = m.source_files,
            py::arg("host") = m.host, py::arg("rank") = m.rank >= 0 ? py::object(py::int_(m.rank)) : py::none(),
            py::arg("world_size") = m.world_size >= 0 ? py::object(py::int_(m.world_size)) : py::none(),
            py::arg("pid") = m.pid, py::arg("base_time_ns") = m.base_time_ns, py::arg("devices") = devices,
            py::arg("machine_hint") = m.machine_hint));
    }
    py::dict out;
    out["inputs"] = l.paths;
    out["traces"] = traces;
    out["machine"] = l.in.machine ? py::object(py::str(l.in.machine->name)) : py::none();
    out["machine_missing_reason"] = l.in.machine ? py::none() : py::object(py::str(l.in.why_no_machine));
    return out;
}

// Diagnostics of every trace (with its rank) and of the machine check, as columns.
py::dict diagnostics(const Loaded& l) {
    py::list rank, severity, code, message, count;
    auto add = [&](py::object r, const Diagnostics& d) {
        for (const Diagnostic& e : d.entries()) {
            rank.append(r);
            severity.append(to_string(e.severity));
            code.append(e.code);
            message.append(e.message);
            count.append(e.count);
        }
    };
    for (size_t i = 0; i < l.in.traces.size(); ++i) add(py::int_(rank_of(l.in.traces, i)), l.in.traces[i].diagnostics);
    add(py::none(), l.in.machine_diagnostics);
    py::dict out;
    out["rank"] = rank;
    out["severity"] = severity;
    out["code"] = code;
    out["message"] = message;
    out["count"] = count;
    return out;
}

// A roofline report kept in C++ so that charts render from the same numbers as the table.
struct Roofline {
    RooflineReport report;
};

std::shared_ptr<Roofline> roofline(const LoadedPtr& l, const std::optional<std::string>& group_by_name,
                                   int gpus_per_node, int depth) {
    std::optional<GroupBy> group_by;
    if (group_by_name) {
        group_by = group_by_from_string(*group_by_name);
        if (!group_by)
            throw Error(ExitCode::usage, "group_by expects kernel, base, op, op-shape, module or region, got '" +
                                             *group_by_name + "'");
    }
    if (depth && group_by != GroupBy::module) throw Error(ExitCode::usage, "depth applies to group_by='module'");
    auto out = std::make_shared<Roofline>();
    py::gil_scoped_release release;
    std::vector<Trace> traces = l->in.traces;  // analytic costs are added to a copy: the Trace stays as imported
    RooflineOptions o;
    o.group_by = group_by ? *group_by : default_group_by(traces);
    o.group_by_chosen = !group_by;
    o.no_machine_reason = l->in.why_no_machine;
    o.gpus_per_node = gpus_per_node;
    o.module_depth = depth;
    if (!is_op_grouping(o.group_by)) apply_analytic_costs_to_traces(traces);
    out->report = analyze_roofline(traces, machine_or_none(l->in), o);
    if (out->report.inputs.empty()) out->report.inputs = l->paths;
    out->report.diagnostics.merge(l->in.machine_diagnostics);
    return out;
}

std::string roofline_json(const Roofline& r) {
    std::ostringstream s;
    JsonReporter(0).write(r.report, s);
    return s.str();
}

std::string roofline_svg(const Roofline& r, const std::string& kind) {
    ChartOptions chart;
    if (kind == "time") return render_time_roofline_svg(r.report, chart);
    if (kind == "hierarchical") return render_hierarchical_roofline_svg(r.report, chart);
    throw Error(ExitCode::usage, "chart kind is 'time' or 'hierarchical', got '" + kind + "'");
}

DiffRun diff_side(const Loaded& l) {
    DiffRun run;
    run.traces = l.in.traces;  // analytic costs are added to a copy: the Trace stays as imported
    run.machine = machine_or_none(l.in);
    run.no_machine_reason = l.in.why_no_machine;
    run.machine_diagnostics = l.in.machine_diagnostics;
    for (const auto& p : l.paths) run.input += (run.input.empty() ? "" : ", ") + p;
    return run;
}

std::string diff_json(const LoadedPtr& a, const LoadedPtr& b, const std::optional<std::string>& group_by_name,
                      bool per_step) {
    DiffRunsOptions o;
    if (group_by_name) {
        o.group_by = group_by_from_string(*group_by_name);
        if (!o.group_by)
            throw Error(ExitCode::usage, "group_by expects kernel, base, op, op-shape, module or region, got '" +
                                             *group_by_name + "'");
    }
    o.per_step = per_step;
    py::gil_scoped_release release;
    DiffRun ra = diff_side(*a), rb = diff_side(*b);
    DiffReport d = diff_runs(ra, rb, o);
    std::ostringstream s;
    write_diff(d, ReportFormat::json, s);
    return s.str();
}

std::string findings_json(const LoadedPtr& l) {
    py::gil_scoped_release release;
    std::vector<Trace> traces = l->in.traces;
    Diagnostics diagnostics;
    std::vector<Finding> findings = findings_of(traces, machine_or_none(l->in), l->in.why_no_machine, &diagnostics);
    diagnostics.merge(l->in.machine_diagnostics);
    std::ostringstream s;
    write_findings(findings, l->paths, l->in.machine ? l->in.machine->name : "", diagnostics, ReportFormat::json, s);
    return s.str();
}

std::string breakdown_json(const LoadedPtr& l, size_t top_ops, double straggler_threshold) {
    py::gil_scoped_release release;
    BreakdownOptions o;
    o.top_ops = top_ops;
    o.straggler_threshold = straggler_threshold;
    BreakdownReport r = analyze_breakdown(l->in.traces, o);
    std::ostringstream s;
    write_breakdown_json(r, s);
    return s.str();
}

std::string gemm_calibration_json(const LoadedPtr& l) {
    if (!l->in.machine)
        throw Error(ExitCode::usage, "calibrate_gemm needs a machine: " + l->in.why_no_machine + " (pass machine=)");
    py::gil_scoped_release release;
    GemmCalibration c = calibrate_gemm(l->in.traces, *l->in.machine);
    std::ostringstream s;
    JsonWriter w(s);
    write_gemm_calibration_json(w, c, l->paths);
    return s.str();
}

Scenario scenario_from(const std::string& text, const std::string& origin) {
    return parse_scenario_json(text, origin);
}

struct Scaling {
    ScalingResult result;
    std::optional<ReplayReport> profile;
};

std::shared_ptr<Scaling> scale(const std::string& scenario_text, const std::string& origin,
                               const std::vector<int>& gpus, bool search, const LoadedPtr& profile) {
    auto out = std::make_shared<Scaling>();
    py::gil_scoped_release release;
    Scenario scenario = scenario_from(scenario_text, origin);
    ScalingRunOptions ro;
    ro.gpus = gpus;
    ro.search = search;
    Diagnostics notes;
    if (profile) {
        ProfileForScaling p = apply_profile(scenario, profile->in.traces, profile->paths.empty() ? "" : profile->paths.front());
        out->profile = std::move(p.replay);
        notes = std::move(p.notes);
    }
    out->result = run_scaling(scenario, ro);
    out->result.diagnostics.merge(notes);
    return out;
}

std::string scaling_json(const Scaling& s) {
    std::ostringstream out;
    JsonWriter w(out);
    write_scaling_json(w, s.result, s.profile ? &*s.profile : nullptr);
    out << '\n';
    return out.str();
}

void report(const LoadedPtr& l, const std::string& path, const std::optional<std::string>& group_by_name,
            const std::string& title, const std::shared_ptr<Scaling>& scaling) {
    ReportBuildOptions o;
    if (group_by_name) {
        o.group_by = group_by_from_string(*group_by_name);
        if (!o.group_by)
            throw Error(ExitCode::usage, "group_by expects kernel, base, op, op-shape, module or region, got '" +
                                             *group_by_name + "'");
    }
    py::gil_scoped_release release;
    std::vector<Trace> traces = l->in.traces;
    o.no_machine_reason = l->in.why_no_machine;
    o.machine_diagnostics = l->in.machine_diagnostics;
    o.inputs = l->paths;
    o.scaling = scaling ? &scaling->result : nullptr;
    o.title = title;
    o.command_line = "rafter.report() (Python)";
    std::string html = build_html_report(traces, machine_or_none(l->in), o);
    AtomicFile f(path);
    f.stream() << html;
    f.commit();
}


// rafter::Error -> rafter.Error (a subclass of ValueError or OSError by exit code) with the file and
// position as attributes; the Python classes live in rafter/_errors.py.
void translate(const Error& e) {
    py::module_ errors = py::module_::import("rafter._errors");
    const SourcePosition& w = e.where();
    const char* kind = "none";
    switch (w.kind) {
    case PositionKind::none: kind = "none"; break;
    case PositionKind::line: kind = "line"; break;
    case PositionKind::byte_offset: kind = "byte_offset"; break;
    case PositionKind::event_index: kind = "event_index"; break;
    case PositionKind::row: kind = "row"; break;
    }
    py::object exc = errors.attr("make_error")(static_cast<int>(e.code()), e.message(), std::string(e.what()), w.file,
                                               kind, w.value);
    PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exc.ptr())), exc.ptr());
}

} // namespace

} // namespace rafter::python

PYBIND11_MODULE(_rafter, m) {
    using namespace rafter;
    using namespace rafter::python;
    m.doc() = "Rafter's C++ core (use the rafter package, not this module)";
    m.attr("__version__") = version_string();

    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const Error& e) {
            translate(e);
        }
    });

    py::class_<Loaded, std::shared_ptr<Loaded>>(m, "Loaded")
        .def("kernel_columns", [](const Loaded& l) { return kernel_columns(l.in.traces); })
        .def("op_columns", [](const Loaded& l) { return op_columns(l.in.traces); })
        .def("copy_columns", [](const Loaded& l) { return copy_columns(l.in.traces); })
        .def("collective_columns", [](const Loaded& l) { return collective_columns(l.in.traces); })
        .def("step_columns", [](const Loaded& l) { return step_columns(l.in.traces); })
        .def("region_columns", [](const Loaded& l) { return region_columns(l.in.traces); })
        .def("meta", &meta)
        .def("diagnostics", &diagnostics)
        .def("trace_count", [](const Loaded& l) { return l.in.traces.size(); });
    m.def("load", [](const std::vector<std::string>& paths, const std::optional<std::string>& machine,
                     const std::string& progress, bool exclude_unlaunched, double progress_delay_s, int jobs) { return std::const_pointer_cast<Loaded>(load(paths, machine, progress, exclude_unlaunched, progress_delay_s, jobs)); },
          py::arg("paths"), py::arg("machine") = py::none(), py::arg("progress") = "off",
          py::arg("exclude_unlaunched") = false, py::arg("progress_delay_s") = 2.0,
          py::arg("jobs") = 0);

    py::class_<Roofline, std::shared_ptr<Roofline>>(m, "Roofline")
        .def("json", &roofline_json)
        .def("svg", &roofline_svg);
    m.def("roofline", [](const std::shared_ptr<Loaded>& l, const std::optional<std::string>& group_by, int gpus_per_node,
                         int depth) { return roofline(l, group_by, gpus_per_node, depth); },
          py::arg("loaded"), py::arg("group_by") = py::none(), py::arg("gpus_per_node") = 0, py::arg("depth") = 0);
    m.def("diff_json", [](const std::shared_ptr<Loaded>& a, const std::shared_ptr<Loaded>& b,
                          const std::optional<std::string>& group_by, bool per_step) {
        return diff_json(a, b, group_by, per_step);
    });
    m.def("findings_json", [](const std::shared_ptr<Loaded>& l) { return findings_json(l); });
    m.def("gemm_calibration_json", [](const std::shared_ptr<Loaded>& l) { return gemm_calibration_json(l); });
    m.def("breakdown_json", [](const std::shared_ptr<Loaded>& l, size_t top_ops, double threshold) {
        return breakdown_json(l, top_ops, threshold);
    });

    py::class_<Scaling, std::shared_ptr<Scaling>>(m, "Scaling")
        .def("json", &scaling_json)
        .def("svg", [](const Scaling& s) { return render_scaling_svg(s.result); });
    m.def("scale", [](const std::string& text, const std::string& origin, const std::vector<int>& gpus, bool search,
                      const std::shared_ptr<Loaded>& profile) { return scale(text, origin, gpus, search, profile); },
          py::arg("scenario_json"), py::arg("origin"), py::arg("gpus"), py::arg("search"),
          py::arg("profile") = nullptr);
    m.def("report", [](const std::shared_ptr<Loaded>& l, const std::string& path, const std::optional<std::string>& g,
                       const std::string& title, const std::shared_ptr<Scaling>& s) { report(l, path, g, title, s); },
          py::arg("loaded"), py::arg("path"), py::arg("group_by") = py::none(), py::arg("title") = "",
          py::arg("scaling") = nullptr);
    m.def("machines_json", &builtin_machines_json);
    m.def("machine_json", [](const std::string& name) { return machine_to_json(load_machine(name)); });
    m.def("read_file", [](const std::string& path) {
        py::gil_scoped_release release;
        return read_file(path);
    });
}
