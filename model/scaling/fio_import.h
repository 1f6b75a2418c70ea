#pragma once
// Reading fio's JSON output into the I/O model's profile (`rafter calibrate io --from-fio`).
#include <string>
#include <string_view>

#include "model/scaling/io.h"

namespace rafter {

// fio --output-format=json: jobs reading sequentially ("read", "rw") give seq_read_bw, random
// ones ("randread", "randrw") rand_read_bw/iops; jobs of a kind are summed (fio runs them at
// the same time unless stonewalled). Throws rafter::Error naming the file and field.
IoProfile parse_fio_json(std::string_view json, const std::string& origin);

} // namespace rafter
