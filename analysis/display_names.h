#pragma once
// Display names for rows of groups, one rule for every output: the terminal table, the HTML report
// and the charts' labels and legends. Only the room differs (characters or pixels), so the same
// two groups read alike nowhere or get the same suffixes everywhere.
#include <string>
#include <string_view>
#include <vector>

namespace rafter {

// How wide a text is: characters for tables, pixels at a font size for charts.
class TextMeasure {
public:
    virtual ~TextMeasure() = default;
    virtual double width(std::string_view text) const = 0;
    // An upper bound on the characters that fit in `room` (where the search for a fit starts).
    virtual size_t max_chars(double room) const = 0;
};

class CharMeasure : public TextMeasure {
public:
    double width(std::string_view text) const override;
    size_t max_chars(double room) const override;
};

// Names that fit `room` and tell the rows apart, in the given order (report order, largest first):
// 1. each name is the longest shortening that fits: shorten_kernel_name for kernel names
//    (kernel_names = true); for paths ("A/B/C") the longest tail ".../B/C"; clipped with "..."
//    otherwise;
// 2. kernel names that still read alike get the kernel's hint: "... [fill_kernel_cuda]";
// 3. names still equal get " #1", " #2" (duplicate_ordinals).
std::vector<std::string> distinct_display_names(const std::vector<std::string>& full_names, bool kernel_names,
                                                 double room, const TextMeasure& measure);

// The longest shortening of one name that fits `room` (step 1 above).
std::string fit_display_name(std::string_view full_name, bool kernel_names, double room, const TextMeasure& measure);

} // namespace rafter
