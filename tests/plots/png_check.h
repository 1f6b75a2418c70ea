#pragma once
// Just enough PNG reading to tell whether a rendered chart is blank: 8-bit RGB or RGBA,
// non-interlaced (what rsvg-convert writes). Used by the rendering test.
#include <cstddef>
#include <string>

namespace rafter::test {

struct PngStats {
    std::string error;       // empty when the file was decoded
    size_t width = 0, height = 0;
    size_t non_white = 0;    // pixels that are not (near) white
    size_t colored = 0;      // pixels with clearly unequal channels (not grey)
};

PngStats png_stats(const std::string& path);

// Renders svg_path to png_path with rsvg-convert. "" = rendered; "skip: ..." when rsvg-convert
// is absent; else the error it printed.
std::string render_png(const std::string& svg_path, const std::string& png_path, int width);

} // namespace rafter::test
