#pragma once
// Measuring a directory's read performance for the I/O model (`rafter calibrate io DIR`); fio's
// JSON output is read by model/scaling/fio_import.h instead.
//
// The probe writes one temporary file (at most max_bytes, and at most a quarter of the free
// space) and a few thousand empty files in DIR, reads them back and removes them all. It reads
// with O_DIRECT when the filesystem supports it; otherwise it asks the kernel to drop only its
// own file's cached pages (posix_fadvise DONTNEED) and the result may still be inflated by the
// page cache (the profile says so). It never drops the system's caches.
#include <cstdint>
#include <string>
#include <string_view>

#include "model/scaling/io.h"

namespace rafter {

struct IoProbeOptions {
    uint64_t max_bytes = 256ull << 20;  // size of the temporary file
    double max_seconds = 20;            // whole probe
    uint64_t seq_block = 1ull << 20;
    uint64_t rand_block = 128ull << 10; // a typical image sample
    int open_files = 2000;
    bool direct = true;                 // try O_DIRECT
};

// Throws rafter::Error (bad_input naming DIR) when DIR cannot be written or read.
IoProfile measure_io(const std::string& dir, const IoProbeOptions& options);

} // namespace rafter
