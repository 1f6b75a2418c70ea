#pragma once
// Reading input files: whole-file reads with transparent gzip, and a head for sniffing.
#include <cstdint>
#include <string>

namespace rafter {

bool is_gzip_file(const std::string& path);
// First `max_bytes` bytes, decompressed when the file is gzip. Throws rafter::Error on failure.
std::string read_head(const std::string& path, size_t max_bytes = 64 * 1024);
// Whole file, decompressed when gzip (libdeflate). Throws rafter::Error naming the file and,
// for a corrupt or truncated gzip stream, the byte offset.
std::string read_file(const std::string& path);
uint64_t file_size(const std::string& path);

} // namespace rafter
