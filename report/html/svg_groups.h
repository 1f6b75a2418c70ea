#pragma once
// Links chart points to table rows. The roofline charts draw one <g class="group"> per group
// whose <title> starts with the group's name (plots/ has no hook for extra attributes), so the
// report adds data-group="INDEX" to each such element by matching that first title line.
#include <string>
#include <vector>

namespace rafter {

// Returns `svg` with ` data-group="i"` added to every `<g class="group"` whose title's first line
// (XML-unescaped) equals names[i]. Groups whose name is not found are left unlinked; when
// several groups share a name they are matched in order. `linked` receives the count linked.
std::string tag_svg_groups(const std::string& svg, const std::vector<std::string>& names,
                           size_t* linked = nullptr);

std::string xml_unescape(const std::string& s);

} // namespace rafter
