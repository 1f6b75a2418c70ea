#pragma once
// The "diagnostics" array of the report contract (docs/architecture.md, "JSON contracts"):
// [{severity, code, message, count}], shared by every JSON reporter so that the shape cannot drift
// between them.
#include "core/diagnostics.h"
#include "core/json_writer.h"

namespace rafter {

void write_diagnostics_array(JsonWriter& w, const Diagnostics& diagnostics);

} // namespace rafter
