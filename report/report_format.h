#pragma once
// Reporters for a RooflineReport: one interface, each format writes to the stream it is given
// (google/benchmark's reporter.h), so the CLI, tests and embedding tools choose where it goes.
#include <cstddef>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "analysis/roofline.h"

namespace rafter {

enum class ReportFormat { table, csv, json };
const char* to_string(ReportFormat f);
std::optional<ReportFormat> report_format_from_string(std::string_view s);

struct ReporterOptions {
    size_t top = 20;      // table rows shown (0 = all); CSV and JSON always hold every group
    size_t width = 100;   // table width in columns
    // When rows are cut, the table says "(N of M groups shown)"; this text, when not empty, follows
    // N and M there: how the caller lets one see them all (the CLI names its options).
    std::string more_rows_hint;
};

class RooflineReporter {
public:
    virtual ~RooflineReporter() = default;
    virtual void write(const RooflineReport& report, std::ostream& out) const = 0;
};

std::unique_ptr<RooflineReporter> make_reporter(ReportFormat format, const ReporterOptions& options = {});

} // namespace rafter
