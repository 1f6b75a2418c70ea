#pragma once
// Nsight Systems SQLite exports (`nsys export --type sqlite`): kernels, CUDA runtime and
// driver calls, memcpy/memset and NVTX ranges. Supported schema versions and what is read:
// docs/nsys-import.md.
#include <string>
#include <string_view>

#include "traces/importer.h"
#include "traces/trace.h"

namespace rafter {

// Export schema versions this importer was written and tested against (major version).
constexpr int kNsysSchemaMajorSupported = 3;

// Reads one export. Throws rafter::Error (bad_input) naming the file, and the table and row
// of a bad value; a file without CUPTI_ACTIVITY_KIND_KERNEL is an error.
Trace read_nsys_file(const std::string& path, const ImportOptions& options);

// True when the head of a file is an SQLite database that looks like an nsys export.
bool looks_like_nsys(std::string_view head, std::string_view path);

const Importer& nsys_importer();

} // namespace rafter
