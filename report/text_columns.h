#pragma once
// Plain text tables for the scaling and calibration reports: columns padded to their widest cell,
// the first `left` columns left-aligned (names), the rest right-aligned (numbers).
#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

namespace rafter {

void print_columns(std::ostream& out, const std::vector<std::vector<std::string>>& rows, size_t left = 2);

} // namespace rafter
