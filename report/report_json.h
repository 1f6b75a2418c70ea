#pragma once
// The JSON report: schema "rafter.roofline/2" (docs/architecture.md, "JSON contracts"), written by
// `rafter roofline --format json` and as summary.json. SI units; missing values are null.
#include <cstddef>

#include "report/report_format.h"

namespace rafter {

inline constexpr const char* kRooflineSchema = "rafter.roofline/2";
// At most this many groups (the largest by time) are written; the rest are summed in
// "groups_omitted" with an info diagnostic (the CSV lists every group).
inline constexpr size_t kJsonGroupLimit = 10000;

class JsonReporter : public RooflineReporter {
public:
    // group_limit: kJsonGroupLimit for files; the Python API asks for every group (0 = no limit).
    explicit JsonReporter(size_t group_limit = kJsonGroupLimit) : group_limit_(group_limit) {}
    void write(const RooflineReport& report, std::ostream& out) const override;

private:
    size_t group_limit_;
};

} // namespace rafter
