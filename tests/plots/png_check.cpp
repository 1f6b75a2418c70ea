#include "png_check.h"

#include "command.h"

#include <zlib.h>

#include <algorithm>
#include <cstdlib>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <vector>

namespace rafter::test {

namespace {

uint32_t be32(const unsigned char* p) {
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

int paeth(int a, int b, int c) {
    int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
    if (pa <= pb && pa <= pc) return a;
    return pb <= pc ? b : c;
}

} // namespace

PngStats png_stats(const std::string& path) {
    PngStats s;
    std::ifstream in(path, std::ios::binary);
    std::vector<unsigned char> d((std::istreambuf_iterator<char>(in)), {});
    static const unsigned char sig[8] = {137, 80, 78, 71, 13, 10, 26, 10};
    if (d.size() < 8 || !std::equal(sig, sig + 8, d.begin())) return {"not a PNG file"};
    size_t pos = 8;
    int depth = 0, ctype = 0, interlace = 0;
    std::vector<unsigned char> idat;
    while (pos + 8 <= d.size()) {
        uint32_t len = be32(&d[pos]);
        std::string type(reinterpret_cast<const char*>(&d[pos + 4]), 4);
        if (pos + 12 + len > d.size()) return {"truncated chunk " + type};
        const unsigned char* body = &d[pos + 8];
        if (type == "IHDR") {
            s.width = be32(body);
            s.height = be32(body + 4);
            depth = body[8];
            ctype = body[9];
            interlace = body[12];
        } else if (type == "IDAT") {
            idat.insert(idat.end(), body, body + len);
        } else if (type == "IEND") {
            break;
        }
        pos += 12 + len;
    }
    if (depth != 8 || (ctype != 2 && ctype != 6) || interlace != 0)
        return {"unsupported PNG format (depth " + std::to_string(depth) + ", colour type " + std::to_string(ctype) + ")"};
    const size_t bpp = ctype == 6 ? 4 : 3, stride = s.width * bpp;
    std::vector<unsigned char> raw((stride + 1) * s.height);
    uLongf raw_len = raw.size();
    if (uncompress(raw.data(), &raw_len, idat.data(), idat.size()) != Z_OK || raw_len != raw.size())
        return {"could not inflate the image data"};
    std::vector<unsigned char> prev(stride, 0), cur(stride);
    for (size_t y = 0; y < s.height; ++y) {
        const unsigned char* line = &raw[y * (stride + 1)];
        int filter = line[0];
        for (size_t x = 0; x < stride; ++x) {
            int a = x >= bpp ? cur[x - bpp] : 0, b = prev[x], c = x >= bpp ? prev[x - bpp] : 0;
            int v = line[1 + x];
            switch (filter) {
            case 0: break;
            case 1: v += a; break;
            case 2: v += b; break;
            case 3: v += (a + b) / 2; break;
            case 4: v += paeth(a, b, c); break;
            default: return {"bad PNG filter " + std::to_string(filter)};
            }
            cur[x] = static_cast<unsigned char>(v);
        }
        for (size_t x = 0; x < s.width; ++x) {
            const unsigned char* p = &cur[x * bpp];
            int alpha = bpp == 4 ? p[3] : 255;
            // Transparent pixels count as white (the chart background is an opaque rect anyway).
            int r = 255 - (255 - p[0]) * alpha / 255, g = 255 - (255 - p[1]) * alpha / 255,
                bl = 255 - (255 - p[2]) * alpha / 255;
            if (r < 245 || g < 245 || bl < 245) ++s.non_white;
            int mx = std::max({r, g, bl}), mn = std::min({r, g, bl});
            if (mx - mn > 40) ++s.colored;
        }
        std::swap(prev, cur);
    }
    return s;
}

std::string render_png(const std::string& svg_path, const std::string& png_path, int width) {
    if (!have_program("rsvg-convert")) return "skip: rsvg-convert is not installed";
    auto r = run_command("rsvg-convert -w " + std::to_string(width) + " '" + svg_path + "' -o '" + png_path + "'");
    if (r.status == 0) return "";
    return r.output.empty() ? "rsvg-convert failed" : r.output;
}

} // namespace rafter::test
