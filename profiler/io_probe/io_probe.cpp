#include "profiler/io_probe/io_probe.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "core/error.h"
#include "core/text.h"
#include "model/scaling/scenario_json.h"

namespace rafter {

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

[[noreturn]] void fail_sys(const std::string& dir, const std::string& what) {
    std::string msg = what + ": " + std::strerror(errno);
    throw Error(ExitCode::bad_input, msg, SourcePosition{dir, PositionKind::none, 0});
}

// Everything the probe creates is removed on every path out, errors included.
struct Cleanup {
    std::string file, subdir;
    std::vector<std::string> files;
    ~Cleanup() {
        for (const auto& f : files) ::unlink(f.c_str());
        if (!subdir.empty()) ::rmdir(subdir.c_str());
        if (!file.empty()) ::unlink(file.c_str());
    }
};

struct AlignedBuffer {
    void* p = nullptr;
    explicit AlignedBuffer(size_t n) {
        if (posix_memalign(&p, 4096, n) != 0) throw std::bad_alloc();
    }
    ~AlignedBuffer() { std::free(p); }
    AlignedBuffer(const AlignedBuffer&) = delete;
    AlignedBuffer& operator=(const AlignedBuffer&) = delete;
    char* data() { return static_cast<char*>(p); }
};

uint64_t xorshift(uint64_t& s) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
}

// Opens with O_DIRECT when asked and supported; `direct` says what happened.
int open_file(const std::string& path, int flags, bool want_direct, bool& direct) {
    if (want_direct) {
        int fd = ::open(path.c_str(), flags | O_DIRECT, 0600);
        if (fd >= 0) {
            direct = true;
            return fd;
        }
        if (errno != EINVAL) return -1;
    }
    direct = false;
    return ::open(path.c_str(), flags, 0600);
}

void drop_own_pages(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0) return;
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    ::close(fd);
}

} // namespace

IoProfile measure_io(const std::string& dir, const IoProbeOptions& opt) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) fail_sys(dir, "cannot access the directory");
    if (!S_ISDIR(st.st_mode)) throw Error(ExitCode::bad_input, "not a directory", SourcePosition{dir, PositionKind::none, 0});
    struct statvfs vfs {};
    if (::statvfs(dir.c_str(), &vfs) != 0) fail_sys(dir, "cannot query free space");
    uint64_t free_bytes = static_cast<uint64_t>(vfs.f_bavail) * vfs.f_frsize;
    uint64_t block = std::max<uint64_t>(4096, opt.seq_block / 4096 * 4096);
    uint64_t size = std::min<uint64_t>(opt.max_bytes, free_bytes / 4) / block * block;
    if (size < 4 * block)
        throw Error(ExitCode::bad_input, "not enough free space for the probe file (" + si_unit(double(free_bytes), "B") + " free)",
                    SourcePosition{dir, PositionKind::none, 0});

    Cleanup clean;
    std::string base = dir + "/.rafter-io-probe-" + std::to_string(::getpid());
    clean.file = base + ".tmp";
    double budget = std::max(1.0, opt.max_seconds);
    AlignedBuffer buf(block);
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    for (uint64_t i = 0; i < block / 8; ++i) {
        uint64_t v = xorshift(seed);
        std::memcpy(buf.data() + i * 8, &v, 8);  // incompressible data
    }

    // Write the probe file.
    bool direct = false;
    int fd = open_file(clean.file, O_WRONLY | O_CREAT | O_EXCL, opt.direct, direct);
    if (fd < 0) fail_sys(dir, "cannot create a file in the directory");
    uint64_t written = 0;
    auto t0 = Clock::now();
    while (written < size && since(t0) < 0.35 * budget) {
        ssize_t n = ::write(fd, buf.data(), block);
        if (n < 0 && errno == EINVAL && direct) {  // O_DIRECT accepted at open, refused at write
            ::close(fd);
            fd = ::open(clean.file.c_str(), O_WRONLY | O_TRUNC);
            direct = false;
            written = 0;
            if (fd < 0) fail_sys(dir, "cannot reopen the probe file");
            continue;
        }
        if (n < 0) {
            int e = errno;
            ::close(fd);
            errno = e;
            fail_sys(dir, "write failed");
        }
        written += static_cast<uint64_t>(n);
    }
    ::fsync(fd);
    ::close(fd);
    written = written / block * block;
    if (written < block) throw Error(ExitCode::bad_input, "the probe could not write one block in time", SourcePosition{dir, PositionKind::none, 0});

    IoProfile p;
    p.source = "measured: " + dir;

    // Sequential read.
    if (!direct) drop_own_pages(clean.file);
    bool rdirect = false;
    fd = open_file(clean.file, O_RDONLY, direct, rdirect);
    if (fd < 0) fail_sys(dir, "cannot read the probe file");
    uint64_t got = 0;
    t0 = Clock::now();
    while (got < written && since(t0) < 0.25 * budget) {
        ssize_t n = ::read(fd, buf.data(), block);
        if (n <= 0) break;
        got += static_cast<uint64_t>(n);
    }
    double t_seq = since(t0);
    if (got > 0 && t_seq > 0) p.seq_read_bw = got / t_seq;

    // Random reads of rand_block at aligned offsets.
    uint64_t rblock = std::max<uint64_t>(4096, std::min<uint64_t>(opt.rand_block / 4096 * 4096, block));
    uint64_t nblocks = written / rblock;
    if (!direct) drop_own_pages(clean.file);
    uint64_t reads = 0;
    t0 = Clock::now();
    while (since(t0) < 0.25 * budget && reads < 4 * nblocks) {
        off_t off = static_cast<off_t>((xorshift(seed) % nblocks) * rblock);
        ssize_t n = ::pread(fd, buf.data(), rblock, off);
        if (n <= 0) break;
        ++reads;
    }
    double t_rand = since(t0);
    ::close(fd);
    if (reads > 0 && t_rand > 0) {
        p.rand_read_iops = reads / t_rand;
        p.rand_read_bw = reads * static_cast<double>(rblock) / t_rand;
        p.rand_block_bytes = static_cast<double>(rblock);
    }

    // File opens: open + close of many small files, as a data loader with a file per sample does.
    clean.subdir = base + ".d";
    if (::mkdir(clean.subdir.c_str(), 0700) != 0) fail_sys(dir, "cannot create a directory");
    t0 = Clock::now();
    for (int i = 0; i < opt.open_files && since(t0) < 0.1 * budget; ++i) {
        std::string f = clean.subdir + "/f" + std::to_string(i);
        int cfd = ::open(f.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
        if (cfd < 0) fail_sys(dir, "cannot create small files");
        ::close(cfd);
        clean.files.push_back(f);
    }
    uint64_t opens = 0;
    t0 = Clock::now();
    do {
        for (const auto& f : clean.files) {
            int ofd = ::open(f.c_str(), O_RDONLY);
            if (ofd < 0) fail_sys(dir, "cannot open a small file");
            ::close(ofd);
            ++opens;
        }
    } while (since(t0) < 0.1 * budget && opens < 20 * clean.files.size());
    double t_open = since(t0);
    if (opens > 0 && t_open > 0) p.file_open_rate = opens / t_open;

    p.o_direct = direct && rdirect;
    p.notes = std::string("probe file ") + si_unit(double(written), "B") + "; " +
              (*p.o_direct ? "O_DIRECT reads bypass the page cache"
                           : "O_DIRECT is not supported here: reads may be served by the page cache (only the "
                             "probe file's own pages were dropped), so bandwidths can be inflated unless the "
                             "file is larger than RAM") +
              "; opens are of " + std::to_string(clean.files.size()) +
              " empty files just created (metadata caches warm)";
    return p;
}

} // namespace rafter
