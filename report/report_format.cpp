#include "report/report_format.h"

#include "report/report_csv.h"
#include "report/report_json.h"
#include "report/report_table.h"

namespace rafter {

const char* to_string(ReportFormat f) {
    switch (f) {
    case ReportFormat::table: return "table";
    case ReportFormat::csv: return "csv";
    case ReportFormat::json: return "json";
    }
    return "table";
}

std::optional<ReportFormat> report_format_from_string(std::string_view s) {
    if (s == "table") return ReportFormat::table;
    if (s == "csv") return ReportFormat::csv;
    if (s == "json") return ReportFormat::json;
    return std::nullopt;
}

std::unique_ptr<RooflineReporter> make_reporter(ReportFormat format, const ReporterOptions& options) {
    switch (format) {
    case ReportFormat::csv: return std::make_unique<CsvReporter>();
    case ReportFormat::json: return std::make_unique<JsonReporter>();
    case ReportFormat::table: break;
    }
    return std::make_unique<TableReporter>(options);
}

} // namespace rafter
