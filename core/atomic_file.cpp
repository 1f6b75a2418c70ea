#include "core/atomic_file.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "core/error.h"

namespace rafter {

AtomicFile::AtomicFile(std::string path)
    : path_(std::move(path)), tmp_path_(path_ + ".tmp-" + std::to_string(::getpid())) {
    std::error_code ec;
    auto st = std::filesystem::status(path_, ec);  // follows links: /dev/stdout -> the terminal
    if (!ec && std::filesystem::exists(st) && !std::filesystem::is_regular_file(st) &&
        !std::filesystem::is_directory(st)) {
        direct_ = true;
        tmp_path_ = path_;
    }
    out_.open(tmp_path_, std::ios::binary | std::ios::trunc);
    if (!out_) throw Error(ExitCode::io_error, "cannot create output file", {path_});
}

AtomicFile::~AtomicFile() {
    if (!committed_ && !direct_) {
        out_.close();
        std::remove(tmp_path_.c_str());
    }
}

void AtomicFile::commit() {
    out_.flush();
    bool ok = static_cast<bool>(out_);
    out_.close();
    if (!ok || out_.fail()) throw Error(ExitCode::io_error, "write failed (disk full?)", {path_});
    if (direct_) {
        committed_ = true;
        return;
    }
    std::error_code ec;
    std::filesystem::rename(tmp_path_, path_, ec);
    if (ec) throw Error(ExitCode::io_error, "cannot rename into place: " + ec.message(), {path_});
    committed_ = true;
}

void write_file_atomically(const std::string& path, const std::string& contents) {
    AtomicFile f(path);
    f.stream() << contents;
    f.commit();
}

void ensure_directory(const std::string& path) {
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    if (ec || !std::filesystem::is_directory(path))
        throw Error(ExitCode::io_error, "cannot create directory: " + ec.message(), {path});
}

} // namespace rafter
