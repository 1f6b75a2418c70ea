#pragma once
// The scaling model against published measurements (model/scaling/data/validation/scaling.json, compiled
// in): Horovod's scaling efficiency on 128 Pascal GPUs and NVIDIA's all-reduce bus bandwidth in
// one DGX A100 / HGX H100. Inputs are published hardware figures; one link-efficiency factor,
// stated once in the data file, applies to every case. Used by the tests, by
// `rafter scale --validate` and for docs/validation/scaling.md.
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace rafter {

struct ValidationResult {
    std::string name;        // "Horovod VGG-16, 128 GPUs"
    std::string quantity;    // "scaling efficiency", "all-reduce busbw"
    std::string unit;        // "" (fraction) or "B/s"
    double published = 0;
    double predicted = 0;
    double error = 0;        // predicted - published (fraction points) or relative error
    bool relative = false;   // error is (predicted - published) / published
    double tolerance = 0;    // |error| <= tolerance passes
    bool within = false;
    std::string inputs;      // the derived inputs, for the report
    std::string source;
};

// The compiled-in model/scaling/data/validation/scaling.json.
std::string_view builtin_validation_data();
// Throws rafter::Error naming `origin` and the field when the data are malformed.
std::vector<ValidationResult> run_validation(std::string_view json, const std::string& origin);
void write_validation_table(std::ostream& out, const std::vector<ValidationResult>& results);

} // namespace rafter
