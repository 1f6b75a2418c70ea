#pragma once
// Writers for a BreakdownReport: a terminal table, CSV (one row per rank total and per step) and
// JSON (schema "rafter.breakdown/1", docs/architecture.md, "JSON contracts"). Each writes to the
// stream it is given.
#include <ostream>

#include "analysis/breakdown.h"
#include "report/report_format.h"

namespace rafter {

void write_breakdown_table(const BreakdownReport& report, std::ostream& out, size_t max_steps = 20);
void write_breakdown_csv(const BreakdownReport& report, std::ostream& out);
void write_breakdown_json(const BreakdownReport& report, std::ostream& out);
void write_breakdown(const BreakdownReport& report, ReportFormat format, std::ostream& out);

} // namespace rafter
