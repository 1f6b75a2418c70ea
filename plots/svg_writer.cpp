#include "plots/svg_writer.h"

#include <cmath>
#include <cstdio>

namespace rafter {

std::string xml_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        default:
            // XML 1.0 allows only tab, newline and carriage return below 0x20.
            if (u < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
            out += c;
        }
    }
    return out;
}

std::string svg_number(double v) {
    if (!std::isfinite(v)) return "0";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    std::string s = buf;
    // Trim "12.50" -> "12.5", "3.00" -> "3", and "-0" -> "0".
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    if (s == "-0") s = "0";
    return s;
}

Attrs& Attrs::add(std::string_view name, std::string_view value) {
    items_.emplace_back(std::string(name), std::string(value));
    return *this;
}

Attrs& Attrs::num(std::string_view name, double value) {
    if (!std::isfinite(value)) ++nonfinite_;
    items_.emplace_back(std::string(name), svg_number(value));
    return *this;
}

Attrs& Attrs::points(std::string_view name, const std::vector<Point>& pts) {
    items_.emplace_back(std::string(name), svg_points(pts, &nonfinite_));
    return *this;
}

Attrs& Attrs::extra(const ElementAttrs& e) {
    if (!e.id.empty()) add("id", e.id);
    for (const auto& [name, value] : e.data) {
        bool ok = !name.empty();
        for (char c : name)
            ok &= (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                  c == '.';
        if (ok) add("data-" + name, value);
    }
    return *this;
}

std::string svg_points(const std::vector<Point>& pts, size_t* nonfinite) {
    std::string s;
    for (const auto& p : pts) {
        if (nonfinite && (!std::isfinite(p.x) || !std::isfinite(p.y))) ++*nonfinite;
        if (!s.empty()) s += ' ';
        s += svg_number(p.x);
        s += ',';
        s += svg_number(p.y);
    }
    return s;
}

SvgWriter::SvgWriter(double width, double height, std::string_view font_family) {
    out_ = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    Attrs a;
    a.add("xmlns", "http://www.w3.org/2000/svg")
        .add("version", "1.1")
        .num("width", width)
        .num("height", height)
        .add("viewBox", "0 0 " + svg_number(width) + " " + svg_number(height))
        .add("font-family", font_family);
    open("svg", a);
    element("rect", Attrs().num("x", 0).num("y", 0).num("width", width).num("height", height)
                        .add("fill", "#ffffff"));
}

void SvgWriter::indent() { out_.append(open_.size() * 1, ' '); }

void SvgWriter::write_attrs(const Attrs& attrs) {
    nonfinite_ += attrs.nonfinite();
    for (const auto& [k, v] : attrs.items()) {
        out_ += ' ';
        out_ += k;
        out_ += "=\"";
        out_ += xml_escape(v);
        out_ += '"';
    }
}

void SvgWriter::element(std::string_view name, const Attrs& attrs, std::string_view title) {
    indent();
    out_ += '<';
    out_ += name;
    write_attrs(attrs);
    if (title.empty()) {
        out_ += "/>\n";
        return;
    }
    out_ += "><title>";
    out_ += xml_escape(title);
    out_ += "</title></";
    out_ += name;
    out_ += ">\n";
}

void SvgWriter::text(std::string_view content, const Attrs& attrs) {
    indent();
    out_ += "<text";
    write_attrs(attrs);
    out_ += '>';
    out_ += xml_escape(content);
    out_ += "</text>\n";
}

void SvgWriter::open(std::string_view name, const Attrs& attrs) {
    indent();
    out_ += '<';
    out_ += name;
    write_attrs(attrs);
    out_ += ">\n";
    open_.emplace_back(name);
}

void SvgWriter::close() {
    if (open_.empty()) return;
    std::string name = std::move(open_.back());
    open_.pop_back();
    indent();
    out_ += "</" + name + ">\n";
}

void SvgWriter::title(std::string_view content) {
    indent();
    out_ += "<title>" + xml_escape(content) + "</title>\n";
}

void SvgWriter::comment(std::string_view content) {
    // "--" may not appear inside an XML comment.
    std::string c(content);
    for (size_t p; (p = c.find("--")) != std::string::npos;) c.replace(p, 2, "- -");
    indent();
    out_ += "<!-- " + xml_escape(c) + " -->\n";
}

void SvgWriter::raw(std::string_view xml) { out_ += xml; }

std::string SvgWriter::finish() {
    while (!open_.empty()) close();
    return std::move(out_);
}

} // namespace rafter
