#pragma once
// Data files compiled into the library (see cmake/RafterEmbed.cmake).
#include <string_view>
#include <vector>

namespace rafter {

struct EmbeddedFile {
    std::string_view name;      // path relative to the data folder, e.g. "machines/h100-sxm.json"
    std::string_view contents;
};

} // namespace rafter
