#include "core/diagnostics.h"

namespace rafter {

const char* to_string(Severity s) {
    switch (s) {
    case Severity::info: return "info";
    case Severity::warning: return "warning";
    case Severity::error: return "error";
    }
    return "info";
}

void Diagnostics::add(Severity severity, const std::string& code, const std::string& message,
                      uint64_t count) {
    for (auto& d : entries_) {
        if (d.code == code) {
            d.count += count;
            if (severity > d.severity) d.severity = severity;
            return;
        }
    }
    entries_.push_back(Diagnostic{severity, code, message, count});
}

void Diagnostics::merge(const Diagnostics& other) {
    for (const auto& d : other.entries_) add(d.severity, d.code, d.message, d.count);
}

const Diagnostic* Diagnostics::find(const std::string& code) const {
    for (const auto& d : entries_)
        if (d.code == code) return &d;
    return nullptr;
}

uint64_t Diagnostics::count(const std::string& code) const {
    const Diagnostic* d = find(code);
    return d ? d->count : 0;
}

} // namespace rafter
