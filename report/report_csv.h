#pragma once
// kernels.csv: one row per group, every number in SI base units with full round-trip precision,
// names quoted per RFC 4180 (CRLF line ends), and an empty field for a missing value.
#include "report/report_format.h"

namespace rafter {

class CsvReporter : public RooflineReporter {
public:
    void write(const RooflineReport& report, std::ostream& out) const override;
};

// One RFC 4180 field: quoted when it holds a comma, quote, CR or LF (quotes doubled).
std::string csv_field(std::string_view s);

} // namespace rafter
