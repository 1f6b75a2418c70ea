#include "xml_check.h"

#include "command.h"

#include <cctype>
#include <vector>

namespace rafter::test {

namespace {

bool name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == ':' || c == '.';
}

// Checks text or an attribute value for stray '<' and bad entities.
std::string check_chars(std::string_view s, size_t base, bool attribute) {
    for (size_t i = 0; i < s.size(); ++i) {
        if (attribute && s[i] == '<') return "'<' inside an attribute at byte " + std::to_string(base + i);
        if (s[i] != '&') continue;
        size_t semi = s.find(';', i);
        if (semi == std::string_view::npos) return "unterminated entity at byte " + std::to_string(base + i);
        std::string_view ent = s.substr(i + 1, semi - i - 1);
        bool ok = ent == "amp" || ent == "lt" || ent == "gt" || ent == "quot" || ent == "apos";
        if (!ok && ent.size() > 1 && ent[0] == '#') {
            ok = true;
            size_t k = 1;
            bool hex = ent[1] == 'x';
            if (hex) ++k;
            if (k >= ent.size()) ok = false;
            for (; k < ent.size() && ok; ++k)
                ok = hex ? std::isxdigit(static_cast<unsigned char>(ent[k])) : std::isdigit(static_cast<unsigned char>(ent[k]));
        }
        if (!ok) return "unknown entity '&" + std::string(ent) + ";' at byte " + std::to_string(base + i);
    }
    return "";
}

} // namespace

std::string xml_wellformed_error(std::string_view x) {
    std::vector<std::string> stack;
    size_t i = 0;
    bool root_seen = false, root_closed = false;
    while (i < x.size()) {
        if (x[i] != '<') {
            size_t next = x.find('<', i);
            if (next == std::string_view::npos) next = x.size();
            std::string_view text = x.substr(i, next - i);
            if (stack.empty()) {
                for (char c : text)
                    if (!std::isspace(static_cast<unsigned char>(c)))
                        return "text outside the root element at byte " + std::to_string(i);
            } else if (auto e = check_chars(text, i, false); !e.empty()) {
                return e;
            }
            i = next;
            continue;
        }
        if (x.substr(i, 5) == "<?xml") {
            if (i != 0) return "XML declaration not at the start (byte " + std::to_string(i) + ")";
            size_t end = x.find("?>", i);
            if (end == std::string_view::npos) return "unterminated XML declaration";
            i = end + 2;
            continue;
        }
        if (x.substr(i, 4) == "<!--") {
            size_t end = x.find("-->", i + 4);
            if (end == std::string_view::npos) return "unterminated comment at byte " + std::to_string(i);
            if (x.substr(i + 4, end - i - 4).find("--") != std::string_view::npos)
                return "'--' inside a comment at byte " + std::to_string(i);
            i = end + 3;
            continue;
        }
        if (x.substr(i, 2) == "</") {
            size_t j = i + 2;
            while (j < x.size() && name_char(x[j])) ++j;
            std::string name(x.substr(i + 2, j - i - 2));
            while (j < x.size() && std::isspace(static_cast<unsigned char>(x[j]))) ++j;
            if (j >= x.size() || x[j] != '>') return "bad end tag at byte " + std::to_string(i);
            if (stack.empty() || stack.back() != name)
                return "end tag </" + name + "> does not match <" + (stack.empty() ? "" : stack.back()) +
                       "> at byte " + std::to_string(i);
            stack.pop_back();
            if (stack.empty()) root_closed = true;
            i = j + 1;
            continue;
        }
        // Start tag.
        size_t j = i + 1;
        while (j < x.size() && name_char(x[j])) ++j;
        std::string name(x.substr(i + 1, j - i - 1));
        if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0])) || name[0] == '-')
            return "bad tag name at byte " + std::to_string(i);
        if (root_closed || (stack.empty() && root_seen)) return "second root element at byte " + std::to_string(i);
        std::vector<std::string> attr_names;
        for (;;) {
            while (j < x.size() && std::isspace(static_cast<unsigned char>(x[j]))) ++j;
            if (j >= x.size()) return "unterminated tag <" + name + ">";
            if (x[j] == '>') {
                stack.push_back(name);
                root_seen = true;
                ++j;
                break;
            }
            if (x.substr(j, 2) == "/>") {
                root_seen = true;
                if (stack.empty()) root_closed = true;
                j += 2;
                break;
            }
            size_t a = j;
            while (j < x.size() && name_char(x[j])) ++j;
            if (j == a) return "bad attribute in <" + name + "> at byte " + std::to_string(j);
            std::string attr(x.substr(a, j - a));
            for (const auto& n : attr_names)
                if (n == attr) return "duplicate attribute " + attr + " at byte " + std::to_string(a);
            attr_names.push_back(attr);
            if (j >= x.size() || x[j] != '=') return "attribute without value at byte " + std::to_string(j);
            ++j;
            if (j >= x.size() || (x[j] != '"' && x[j] != '\'')) return "unquoted attribute at byte " + std::to_string(j);
            char q = x[j];
            size_t end = x.find(q, j + 1);
            if (end == std::string_view::npos) return "unterminated attribute at byte " + std::to_string(j);
            if (auto e = check_chars(x.substr(j + 1, end - j - 1), j + 1, true); !e.empty()) return e;
            j = end + 1;
        }
        i = j;
    }
    if (!stack.empty()) return "unclosed element <" + stack.back() + ">";
    if (!root_seen) return "no root element";
    return "";
}

std::string xmllint_file(const std::string& path) {
    if (!have_program("xmllint")) return "skip: xmllint is not installed";
    auto r = run_command("xmllint --noout '" + path + "'");
    if (r.status == 0) return "";
    return r.output.empty() ? "xmllint failed" : r.output;
}

} // namespace rafter::test
