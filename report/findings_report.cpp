#include "report/findings_report.h"

#include "core/diagnostics_json.h"
#include "core/json_writer.h"
#include "core/text.h"
#include "core/version.h"

namespace rafter {

void write_findings(const std::vector<Finding>& findings, const std::vector<std::string>& inputs,
                    const std::string& machine, const Diagnostics& diagnostics, ReportFormat format, std::ostream& out) {
    if (format == ReportFormat::json) {
        JsonWriter w(out);
        w.begin_object();
        w.field("schema", kFindingsSchema);
        w.field("generator", std::string("rafter ") + version_string());
        w.key("inputs").begin_array();
        for (const auto& in : inputs) w.value(in);
        w.end_array();
        w.key("machine");
        if (machine.empty()) w.null();
        else w.value(machine);
        w.key("findings").begin_array();
        for (const Finding& f : findings) {
            w.begin_object();
            w.field("rule", f.rule);
            w.field("title", f.title);
            w.field("advice", f.advice);
            w.field("gain_s", f.gain_s);
            w.field("gain_share", f.gain_share);
            w.field("gain_bound", f.gain_bound);
            w.key("evidence").begin_object();
            for (const auto& [k, v] : f.evidence) w.field(k, v);
            w.end_object();
            w.end_object();
        }
        w.end_array();
        w.key("diagnostics");
        write_diagnostics_array(w, diagnostics);
        w.end_object();
        out << '\n';
        return;
    }
    if (findings.empty()) {
        out << "No finding: no rule's threshold was reached (docs/findings.md lists the rules and thresholds).\n";
        return;
    }
    out << "What to fix first (" << findings.size() << " finding" << (findings.size() == 1 ? "" : "s")
        << ", largest possible gain first; gains are per rank and bounded by what was measured)\n";
    for (size_t i = 0; i < findings.size(); ++i) {
        const Finding& f = findings[i];
        out << "\n" << i + 1 << ". " << f.title << "\n   gain: up to " << format_seconds(f.gain_s);
        if (f.gain_share) out << " (" << format_percent(*f.gain_share) << ")";
        out << ", bounded by " << f.gain_bound << "\n";
        for (const auto& [k, v] : f.evidence) out << "   " << k << ": " << v << "\n";
        out << "   try: " << f.advice << "\n";
    }
}

} // namespace rafter
