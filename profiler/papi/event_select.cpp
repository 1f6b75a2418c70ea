#include "profiler/papi/event_select.h"

#include <algorithm>
#include <unordered_set>

#include "core/embedded.h"
#include "core/error.h"
#include "core/text.h"

namespace rafter {
const std::vector<EmbeddedFile>& rafter_papi_event_files();
}

namespace rafter::papi {

namespace {

[[noreturn]] void spec_error(const std::string& origin, size_t line, const std::string& what) {
    throw Error(ExitCode::bad_input, origin + ":" + std::to_string(line) + ": " + what);
}

std::vector<std::string_view> words(std::string_view line) {
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
        size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
        if (i > start) out.push_back(line.substr(start, i - start));
    }
    return out;
}

} // namespace

EventSpec parse_event_spec(std::string_view text, const std::string& origin) {
    EventSpec spec;
    size_t line_no = 0;
    size_t pos = 0;
    while (pos <= text.size()) {
        size_t nl = text.find('\n', pos);
        std::string_view line = text.substr(pos, nl == std::string_view::npos ? text.size() - pos : nl - pos);
        pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
        ++line_no;
        if (size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
        auto w = words(line);
        if (w.empty()) continue;
        if (w[0] == "group") {
            if (w.size() != 4) spec_error(origin, line_no, "expected 'group TARGET NAME PROVENANCE'");
            if (!w[1].starts_with("flops.") && !w[1].starts_with("bytes."))
                spec_error(origin, line_no, "target must be flops.<kind> or bytes.<level>");
            if (w[1].starts_with("flops.") && !flop_kind_from_string(w[1].substr(6)))
                spec_error(origin, line_no, "unknown FLOP kind in " + std::string(w[1]));
            if (w[1].starts_with("bytes.") && !mem_level_from_string(w[1].substr(6)))
                spec_error(origin, line_no, "unknown memory level in " + std::string(w[1]));
            auto prov = provenance_from_string(w[3]);
            if (!prov || *prov == Provenance::missing || *prov == Provenance::analytic)
                spec_error(origin, line_no, "provenance must be measured or derived");
            spec.groups.push_back({std::string(w[1]), std::string(w[2]), *prov, {}});
        } else if (w[0] == "event") {
            if (spec.groups.empty()) spec_error(origin, line_no, "'event' before any 'group'");
            if (w.size() != 3) spec_error(origin, line_no, "expected 'event NAME WEIGHT'");
            auto weight = parse_number(w[2]);
            if (!weight || *weight <= 0) spec_error(origin, line_no, "weight must be a positive number");
            spec.groups.back().terms.push_back({std::string(w[1]), *weight});
        } else {
            spec_error(origin, line_no, "unknown directive '" + std::string(w[0]) + "'");
        }
    }
    for (const auto& g : spec.groups)
        if (g.terms.empty()) spec_error(origin, line_no, "group " + g.name + " has no events");
    return spec;
}

std::string vendor_from_cpuid(std::string_view vendor_id) {
    if (vendor_id == "GenuineIntel") return "intel";
    if (vendor_id == "AuthenticAMD") return "amd";
    return "generic";
}

EventSpec builtin_event_spec(std::string_view vendor) {
    std::string file = (vendor == "intel" || vendor == "amd") ? std::string(vendor) + ".txt" : "generic.txt";
    for (const auto& f : rafter_papi_event_files())
        if (f.name == file) {
            EventSpec spec = parse_event_spec(f.contents, "profiler/papi/data/" + file);
            spec.vendor = file.substr(0, file.size() - 4);
            return spec;
        }
    throw Error(ExitCode::failure, "built-in PAPI event file " + file + " is missing");
}

std::vector<std::string> parse_native_avail(std::string_view text) {
    std::vector<std::string> out;
    std::string current;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        std::string_view line = text.substr(pos, nl == std::string_view::npos ? text.size() - pos : nl - pos);
        pos = nl == std::string_view::npos ? text.size() : nl + 1;
        // Event lines are "| NAME ... |", umask lines "|     :UMASK ... |"; descriptions are
        // indented further and never start with ':'.
        if (line.size() < 3 || line[0] != '|') continue;
        auto w = words(line.substr(1));
        if (w.empty() || w[0] == "|") continue;
        if (line[1] == ' ' && line[2] != ' ') {
            current = std::string(w[0]);
            out.push_back(current);
        } else if (w[0].starts_with(':') && !current.empty()) {
            out.push_back(current + std::string(w[0]));
        }
    }
    return out;
}

bool glob_match(std::string_view p, std::string_view s) {
    // Iterative matcher with backtracking to the last '*'.
    size_t pi = 0, si = 0, star = std::string_view::npos, mark = 0;
    while (si < s.size()) {
        if (pi < p.size() && p[pi] != '*' && p[pi] == s[si]) {
            ++pi, ++si;
        } else if (pi < p.size() && p[pi] == '*') {
            star = pi++;
            mark = si;
        } else if (star != std::string_view::npos) {
            pi = star + 1;
            si = ++mark;
        } else {
            return false;
        }
    }
    while (pi < p.size() && p[pi] == '*') ++pi;
    return pi == p.size();
}

EventPlan select_events(const EventSpec& spec, const std::vector<std::string>& available) {
    EventPlan plan;
    std::unordered_set<std::string> have(available.begin(), available.end());
    std::vector<std::string> targets;
    for (const auto& g : spec.groups)
        if (std::find(targets.begin(), targets.end(), g.target) == targets.end()) targets.push_back(g.target);
    for (const auto& target : targets) {
        bool covered = false;
        for (const auto& g : spec.groups) {
            if (g.target != target) continue;
            SelectedMetric m{g.target, g.name, g.prov, {}};
            bool ok = true;
            for (const auto& t : g.terms) {
                if (t.event.find('*') == std::string::npos) {
                    if (!have.count(t.event)) { ok = false; break; }
                    m.terms.push_back(t);
                } else {
                    size_t before = m.terms.size();
                    for (const auto& name : available)
                        if (glob_match(t.event, name)) m.terms.push_back({name, t.weight});
                    if (m.terms.size() == before) { ok = false; break; }
                }
            }
            if (!ok) continue;
            for (const auto& t : m.terms)
                if (std::find(plan.events.begin(), plan.events.end(), t.event) == plan.events.end())
                    plan.events.push_back(t.event);
            plan.metrics.push_back(std::move(m));
            covered = true;
            break;
        }
        if (!covered) plan.missing_targets.push_back(target);
    }
    return plan;
}

} // namespace rafter::papi
