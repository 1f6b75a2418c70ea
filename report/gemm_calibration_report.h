#pragma once
// Writers for a GEMM calibration (analysis/gemm_samples.h): a table for people and JSON with
// schema "rafter.gemm_calibration/1" (docs/architecture.md, "JSON contracts"), whose `gemm`
// block is a scenario's system.gemm.
#include <ostream>
#include <string>
#include <vector>

#include "analysis/gemm_samples.h"
#include "core/json_writer.h"

namespace rafter {

void write_gemm_calibration_table(std::ostream& out, const GemmCalibration& c);
void write_gemm_calibration_json(JsonWriter& w, const GemmCalibration& c, const std::vector<std::string>& inputs);

} // namespace rafter
