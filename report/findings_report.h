#pragma once
// `rafter findings` output: a ranked list for people, or JSON (schema rafter.findings/1).
#include <ostream>
#include <string>
#include <vector>

#include "analysis/findings.h"
#include "core/diagnostics.h"
#include "report/report_format.h"

namespace rafter {

inline constexpr const char* kFindingsSchema = "rafter.findings/1";

void write_findings(const std::vector<Finding>& findings, const std::vector<std::string>& inputs,
                    const std::string& machine, const Diagnostics& diagnostics, ReportFormat format, std::ostream& out);

} // namespace rafter
