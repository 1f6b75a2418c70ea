#pragma once
// PyTorch profiler (Kineto) Chrome-trace JSON, plain or gzip-compressed, read as a stream:
// memory stays bounded by the Trace being built plus one window of input, whatever the file
// size. What is read and how times are handled: docs/kineto-import.md.
#include <cstdint>
#include <string>
#include <string_view>

#include "traces/importer.h"
#include "traces/trace.h"

namespace rafter {

struct KinetoReadStats {
    uint64_t events = 0;      // elements of traceEvents
    uint64_t json_bytes = 0;  // bytes of JSON text (after decompression)
    uint64_t file_bytes = 0;  // bytes read from the file as stored
};

// Reads one Kineto trace file. Throws rafter::Error (bad_input) naming the file and the byte
// offset or event index of a problem.
Trace read_kineto_file(const std::string& path, const ImportOptions& options,
                       KinetoReadStats* stats = nullptr);
// Same for bytes in memory (plain or gzip); `origin` names them in error messages.
Trace read_kineto_bytes(std::string_view bytes, const std::string& origin,
                        const ImportOptions& options, KinetoReadStats* stats = nullptr);

// True when the (decompressed) head of a file looks like a Kineto/Chrome trace.
bool looks_like_kineto(std::string_view head);

const Importer& kineto_importer();

} // namespace rafter
