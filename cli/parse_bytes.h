#pragma once
// Byte sizes on the command line: a number with an optional binary suffix (K, M, G; 1K = 1024).
#include <string>

namespace rafter::cli {

// The size in bytes; a usage error (exit 2) naming `option` when `text` is not a size.
double parse_bytes(const std::string& option, const std::string& text);

} // namespace rafter::cli
