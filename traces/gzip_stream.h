#pragma once
// Chunked reading of an input that may be gzip-compressed, so importers can stream files far
// larger than memory. The source decides from the first two bytes whether to inflate (zlib,
// multi-member aware) or to pass bytes through. Errors name the file and the byte offset in
// the file as stored (compressed offset for gzip), which is what a user can inspect.
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace rafter {

class ChunkSource {
public:
    // Reads the file at `path`. Throws rafter::Error when it cannot be opened.
    static ChunkSource open_file(const std::string& path);
    // Reads bytes already in memory (not copied: `bytes` must outlive the source).
    // `name` is used in error messages.
    static ChunkSource from_memory(std::string_view bytes, std::string name);

    ChunkSource(ChunkSource&&) noexcept;
    ChunkSource& operator=(ChunkSource&&) noexcept;
    ~ChunkSource();

    // Fills up to `n` bytes of `dst` and returns how many were written; 0 means end of input.
    // Throws rafter::Error for a read error, corrupt gzip data or a truncated gzip stream.
    size_t read(char* dst, size_t n);

    bool compressed() const { return gzip_; }
    const std::string& name() const { return name_; }
    uint64_t stored_bytes_read() const { return stored_read_; }  // bytes read from the file
    // Bytes of the file that produced the output so far (excludes compressed input read ahead).
    uint64_t stored_bytes_consumed() const { return zs_ ? stored_read_ - zs_->avail_in : stored_read_; }
    uint64_t stored_size() const { return stored_size_; }        // file size (0 if unknown)

private:
    ChunkSource() = default;
    void init_gzip();
    size_t read_stored(char* dst, size_t n);  // raw bytes from file or memory
    size_t read_inflated(char* dst, size_t n);
    size_t next_input_chunk();
    void check_trailer();

    std::string name_;
    std::FILE* file_ = nullptr;
    std::string_view memory_;
    uint64_t stored_read_ = 0;
    uint64_t stored_size_ = 0;
    bool gzip_ = false;
    bool gzip_done_ = false;
    std::unique_ptr<z_stream> zs_;
    std::unique_ptr<unsigned char[]> in_buf_;  // compressed input window (uninitialized)
    size_t in_cap_ = 0;
    std::string head_;                  // bytes read while sniffing the gzip magic
    unsigned char prev_tail_[8] = {};   // last bytes of the previous compressed chunk
    uint32_t member_crc_ = 0;           // CRC-32 and size of the current member's output
    uint64_t member_size_ = 0;
};

} // namespace rafter
