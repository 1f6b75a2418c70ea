#include "report/html/svg_groups.h"

#include <map>

namespace rafter {

std::string xml_unescape(const std::string& s) {
    static const std::pair<const char*, char> kEntities[] = {
        {"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}, {"&#39;", '\''}};
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
        bool done = false;
        if (s[i] == '&') {
            for (const auto& [ent, ch] : kEntities) {
                if (s.compare(i, std::char_traits<char>::length(ent), ent) == 0) {
                    out += ch;
                    i += std::char_traits<char>::length(ent);
                    done = true;
                    break;
                }
            }
        }
        if (!done) out += s[i++];
    }
    return out;
}

std::string tag_svg_groups(const std::string& svg, const std::vector<std::string>& names, size_t* linked) {
    // name -> indices not yet used, in order (duplicated names are matched in turn).
    std::map<std::string, std::vector<size_t>> index;
    for (size_t i = names.size(); i-- > 0;) index[names[i]].push_back(i);
    const std::string open = "<g class=\"group\"";
    std::string out;
    out.reserve(svg.size() + names.size() * 20);
    size_t pos = 0, count = 0;
    for (size_t at; (at = svg.find(open, pos)) != std::string::npos;) {
        size_t after = at + open.size();
        out.append(svg, pos, after - pos);
        pos = after;
        size_t t = svg.find("<title>", after);
        size_t close = svg.find('>', after);
        if (t == std::string::npos || close == std::string::npos) continue;
        size_t end = svg.find_first_of("\n<", t + 7);
        if (end == std::string::npos) continue;
        auto it = index.find(xml_unescape(svg.substr(t + 7, end - t - 7)));
        if (it == index.end() || it->second.empty()) continue;
        out += " data-group=\"" + std::to_string(it->second.back()) + "\"";
        it->second.pop_back();
        ++count;
    }
    out.append(svg, pos, std::string::npos);
    if (linked) *linked = count;
    return out;
}

} // namespace rafter
