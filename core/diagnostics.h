#pragma once
// Problems found in input are data (Perfetto's stats table): a code, a severity and a count,
// carried by every trace and every report. Adding the same code again bumps its count.
#include <cstdint>
#include <string>
#include <vector>

namespace rafter {

enum class Severity : uint8_t { info, warning, error };
const char* to_string(Severity s);

struct Diagnostic {
    Severity severity = Severity::info;
    std::string code;     // stable, machine-readable, e.g. "kineto.unknown_category"
    std::string message;  // first message seen for this code, for people
    uint64_t count = 0;
};

class Diagnostics {
public:
    void add(Severity severity, const std::string& code, const std::string& message,
             uint64_t count = 1);
    void merge(const Diagnostics& other);
    const std::vector<Diagnostic>& entries() const { return entries_; }
    const Diagnostic* find(const std::string& code) const;
    uint64_t count(const std::string& code) const;
    bool empty() const { return entries_.empty(); }

private:
    std::vector<Diagnostic> entries_;
};

} // namespace rafter
