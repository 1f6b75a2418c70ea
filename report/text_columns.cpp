#include "report/text_columns.h"

#include <algorithm>
#include <iomanip>

namespace rafter {

void print_columns(std::ostream& out, const std::vector<std::vector<std::string>>& rows, size_t left) {
    std::vector<size_t> width;
    for (const auto& r : rows)
        for (size_t c = 0; c < r.size(); ++c) {
            if (width.size() <= c) width.push_back(0);
            width[c] = std::max(width[c], r[c].size());
        }
    for (const auto& r : rows) {
        for (size_t c = 0; c < r.size(); ++c) {
            if (c) out << "  ";
            if (c < left) out << std::left << std::setw(static_cast<int>(width[c])) << r[c];
            else out << std::right << std::setw(static_cast<int>(width[c])) << r[c];
        }
        out << std::left << '\n';
    }
}

} // namespace rafter
