#include "traces/gzip_stream.h"

#include <libdeflate.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/error.h"

namespace rafter {

namespace {
constexpr size_t kInputChunk = 256 * 1024;  // compressed bytes per read: large enough to amortize syscalls
}

ChunkSource ChunkSource::open_file(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw Error(ExitCode::bad_input, "is a directory, expected a file", {path});
    ChunkSource s;
    s.name_ = path;
    s.file_ = std::fopen(path.c_str(), "rb");
    if (!s.file_) throw Error(ExitCode::bad_input, std::string("cannot open: ") + std::strerror(errno), {path});
    auto size = std::filesystem::file_size(path, ec);
    s.stored_size_ = ec ? 0 : size;
    s.init_gzip();
    return s;
}

ChunkSource ChunkSource::from_memory(std::string_view bytes, std::string name) {
    ChunkSource s;
    s.name_ = std::move(name);
    s.memory_ = bytes;
    s.stored_size_ = bytes.size();
    s.init_gzip();
    return s;
}

ChunkSource::ChunkSource(ChunkSource&& o) noexcept { *this = std::move(o); }

ChunkSource& ChunkSource::operator=(ChunkSource&& o) noexcept {
    if (this == &o) return *this;
    if (file_) std::fclose(file_);
    if (zs_) inflateEnd(zs_.get());
    name_ = std::move(o.name_);
    file_ = o.file_;
    o.file_ = nullptr;
    memory_ = o.memory_;
    stored_read_ = o.stored_read_;
    stored_size_ = o.stored_size_;
    gzip_ = o.gzip_;
    gzip_done_ = o.gzip_done_;
    zs_ = std::move(o.zs_);
    in_buf_ = std::move(o.in_buf_);
    in_cap_ = o.in_cap_;
    std::memcpy(prev_tail_, o.prev_tail_, sizeof prev_tail_);
    member_crc_ = o.member_crc_;
    member_size_ = o.member_size_;
    head_ = std::move(o.head_);
    return *this;
}

ChunkSource::~ChunkSource() {
    if (file_) std::fclose(file_);
    if (zs_) inflateEnd(zs_.get());
}

size_t ChunkSource::read_stored(char* dst, size_t n) {
    if (!head_.empty()) {  // give back the sniffed bytes first
        size_t k = std::min(n, head_.size());
        std::memcpy(dst, head_.data(), k);
        head_.erase(0, k);
        return k;
    }
    size_t got = 0;
    if (file_) {
        got = std::fread(dst, 1, n, file_);
        if (got < n && std::ferror(file_))
            throw Error(ExitCode::bad_input, std::string("read error: ") + std::strerror(errno),
                        {name_, PositionKind::byte_offset, stored_read_});
    } else {
        got = std::min(n, memory_.size() - static_cast<size_t>(stored_read_));
        std::memcpy(dst, memory_.data() + stored_read_, got);
    }
    stored_read_ += got;
    return got;
}

void ChunkSource::init_gzip() {
    char magic[2];
    size_t got = 0;
    while (got < 2) {
        size_t k = read_stored(magic + got, 2 - got);
        if (k == 0) break;
        got += k;
    }
    head_.assign(magic, got);
    gzip_ = got == 2 && static_cast<unsigned char>(magic[0]) == 0x1f &&
            static_cast<unsigned char>(magic[1]) == 0x8b;
    if (!gzip_) return;
    zs_ = std::make_unique<z_stream>();
    std::memset(zs_.get(), 0, sizeof(z_stream));
    if (inflateInit2(zs_.get(), 15 + 16) != Z_OK) {
        zs_.reset();
        throw Error(ExitCode::failure, "zlib initialization failed", {name_});
    }
    inflateValidate(zs_.get(), 0);  // the CRC-32 is computed with libdeflate (check_trailer)
    in_cap_ = std::min<uint64_t>(kInputChunk, stored_size_ ? stored_size_ : kInputChunk);
    in_buf_.reset(new unsigned char[in_cap_]);
}

size_t ChunkSource::read(char* dst, size_t n) {
    if (n == 0) return 0;
    return gzip_ ? read_inflated(dst, n) : read_stored(dst, n);
}

// Fills in_buf_ with the next compressed chunk, remembering the last bytes of the previous one:
// a member's 8-byte trailer may straddle two chunks.
size_t ChunkSource::next_input_chunk() {
    z_stream& zs = *zs_;
    size_t used = zs.next_in ? static_cast<size_t>(zs.next_in - in_buf_.get()) : 0;
    if (used > 0) {
        size_t keep = std::min<size_t>(used, sizeof prev_tail_);
        std::memmove(prev_tail_, prev_tail_ + keep, sizeof prev_tail_ - keep);
        std::memcpy(prev_tail_ + sizeof prev_tail_ - keep, zs.next_in - keep, keep);
    }
    size_t k = read_stored(reinterpret_cast<char*>(in_buf_.get()), in_cap_);
    zs.next_in = in_buf_.get();
    zs.avail_in = static_cast<uInt>(k);
    return k;
}

// zlib's own CRC-32 check is switched off (inflateValidate) because libdeflate's is several
// times faster; the member trailer (CRC-32, size mod 2^32) is verified here instead.
void ChunkSource::check_trailer() {
    z_stream& zs = *zs_;
    unsigned char t[8];
    size_t in_chunk = static_cast<size_t>(zs.next_in - in_buf_.get());
    size_t from_chunk = std::min<size_t>(8, in_chunk);
    std::memcpy(t, prev_tail_ + sizeof prev_tail_ - (8 - from_chunk), 8 - from_chunk);
    std::memcpy(t + (8 - from_chunk), zs.next_in - from_chunk, from_chunk);
    auto le32 = [](const unsigned char* p) {
        return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 | static_cast<uint32_t>(p[2]) << 16 |
               static_cast<uint32_t>(p[3]) << 24;
    };
    if (le32(t) != member_crc_ || le32(t + 4) != static_cast<uint32_t>(member_size_))
        throw Error(ExitCode::bad_input, "corrupt gzip data (CRC-32 or length mismatch in a member trailer)",
                    {name_, PositionKind::byte_offset, stored_read_ - zs.avail_in});
    member_crc_ = 0;
    member_size_ = 0;
}

size_t ChunkSource::read_inflated(char* dst, size_t n) {
    z_stream& zs = *zs_;
    zs.next_out = reinterpret_cast<Bytef*>(dst);
    zs.avail_out = static_cast<uInt>(std::min<size_t>(n, 1u << 30));
    const size_t want = zs.avail_out;
    while (zs.avail_out > 0 && !gzip_done_) {
        if (zs.avail_in == 0 && next_input_chunk() == 0) {
            // Input ended inside a gzip member: the file was cut short.
            throw Error(ExitCode::bad_input, "truncated gzip file (compressed stream ends early)",
                        {name_, PositionKind::byte_offset, stored_read_});
        }
        Bytef* out_before = zs.next_out;
        int rc = inflate(&zs, Z_NO_FLUSH);
        size_t produced = static_cast<size_t>(zs.next_out - out_before);
        member_crc_ = libdeflate_crc32(member_crc_, out_before, produced);
        member_size_ += produced;
        if (rc == Z_STREAM_END) {
            check_trailer();
            // Another member may follow (concatenated gzip). Skip trailing zero padding.
            for (;;) {
                while (zs.avail_in > 0 && *zs.next_in == 0) { ++zs.next_in; --zs.avail_in; }
                if (zs.avail_in > 0) break;
                if (next_input_chunk() == 0) { gzip_done_ = true; break; }
            }
            if (!gzip_done_) inflateReset(&zs);
            continue;
        }
        if (rc != Z_OK && rc != Z_BUF_ERROR) {
            uint64_t at = stored_read_ - zs.avail_in;
            std::string why = zs.msg ? zs.msg : "inflate failed";
            throw Error(ExitCode::bad_input, "corrupt gzip data (" + why + ")",
                        {name_, PositionKind::byte_offset, at});
        }
    }
    return want - zs.avail_out;
}

} // namespace rafter
