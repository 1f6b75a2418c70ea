#pragma once
// The terminal table: a header with the machine and totals, then the top groups by time, each
// with launches, time, share of time, FLOP rate, DRAM arithmetic intensity, bound and efficiency.
// Fits ReporterOptions::width columns (100 by default); '-' marks a missing value.
#include "report/report_format.h"

namespace rafter {

class TableReporter : public RooflineReporter {
public:
    explicit TableReporter(ReporterOptions options = {}) : options_(options) {}
    void write(const RooflineReport& report, std::ostream& out) const override;

private:
    ReporterOptions options_;
};

} // namespace rafter
