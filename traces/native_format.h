#pragma once
// Rafter's own trace file: a versioned little-endian binary image of one Trace (every table,
// every metric column with its provenance, metadata and diagnostics). Each section carries its
// length and a CRC-32, so a truncated or corrupted file is reported with the byte offset of the
// damage instead of being half-read. The layout is documented in docs/native-format.md.
#include <ostream>
#include <string>
#include <string_view>

#include "traces/trace.h"

namespace rafter {

// The first 8 bytes of every Rafter trace file. The trailing digits are the major format
// version: a reader rejects other majors; minor additions go into new optional sections.
constexpr std::string_view kNativeMagic = "RAFTRC01";

// Serializes the trace (exactly: reading it back gives an equal Trace).
void write_native_trace(const Trace& t, std::ostream& out);
// Writes the trace to `path` atomically (temporary file renamed on success).
// Throws rafter::Error(io_error) naming the path on failure.
void save_native_trace(const Trace& t, const std::string& path);

// Reads a Rafter trace file (gzip-compressed files are accepted too). Throws rafter::Error
// (bad_input) naming the file and the byte offset of a truncation, checksum mismatch or
// malformed section.
Trace read_native_trace(const std::string& path);
// Same, from bytes already in memory; `origin` names them in error messages.
Trace read_native_trace_bytes(std::string_view bytes, const std::string& origin);

} // namespace rafter
