#pragma once
// Help texts whose content is generated (the importers' format list): one paragraph wrapped to
// the width the hand-written help uses.
#include <string>

namespace rafter::cli {

// Words of `text` re-flowed into lines of at most `width` characters, each ending in '\n'.
std::string wrap_paragraph(const std::string& text, size_t width = 92);

} // namespace rafter::cli
