#pragma once
// A minimal XML well-formedness checker for the charts' SVG: one root element, properly nested
// and closed tags, quoted attributes without '<', known entities only, a declaration only at
// the start. Returns an empty string when well-formed, else what is wrong and where.
#include <string>
#include <string_view>

namespace rafter::test {

std::string xml_wellformed_error(std::string_view xml);

// Runs `xmllint --noout` on a file when xmllint is installed: "" = fine, "skip: ..." when it is
// absent, else its complaint.
std::string xmllint_file(const std::string& path);

} // namespace rafter::test
