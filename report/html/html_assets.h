#pragma once
// The report's inline style sheet and scripts (no network: everything is in the one file).
namespace rafter {

// Records window errors and console.error calls into #rafter-errors (the browser test reads it
// with --dump-dom). Must be the first script of the page.
extern const char* const kReportErrorHarnessJs;
extern const char* const kReportCss;
// Sorting, filtering, chart-table highlighting, and ?selftest=1 (clicks a header, a chart point
// and the filter, and writes what happened into #selftest as JSON).
extern const char* const kReportJs;

} // namespace rafter
