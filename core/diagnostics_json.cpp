#include "core/diagnostics_json.h"

namespace rafter {

void write_diagnostics_array(JsonWriter& w, const Diagnostics& diagnostics) {
    w.begin_array();
    for (const Diagnostic& d : diagnostics.entries()) {
        w.begin_object();
        w.field("severity", to_string(d.severity));
        w.field("code", d.code);
        w.field("message", d.message);
        w.field("count", d.count);
        w.end_object();
    }
    w.end_array();
}

} // namespace rafter
