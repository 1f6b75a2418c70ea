#include "cli/help_text.h"

#include <sstream>

namespace rafter::cli {

std::string wrap_paragraph(const std::string& text, size_t width) {
    std::istringstream words(text);
    std::string out, line, word;
    while (words >> word) {
        if (!line.empty() && line.size() + 1 + word.size() > width) {
            out += line + '\n';
            line.clear();
        }
        line += (line.empty() ? "" : " ") + word;
    }
    if (!line.empty()) out += line + '\n';
    return out;
}

} // namespace rafter::cli
