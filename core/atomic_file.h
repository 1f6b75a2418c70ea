#pragma once
// Output files are written to "<path>.tmp-<pid>" and renamed into place on commit(), so a failed
// run never leaves a file that looks complete, and an existing file is replaced only by a whole one.
// An existing target that is not a regular file (/dev/stdout, /dev/full, a FIFO) is written in
// place instead: renaming over it would replace the device node itself (as root, even in /dev).
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace rafter {

class AtomicFile {
public:
    explicit AtomicFile(std::string path);
    ~AtomicFile();  // removes the temporary file unless committed
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    std::ostream& stream() { return out_; }
    void commit();  // flushes, checks for write errors, renames; throws rafter::Error(io_error)
    const std::string& path() const { return path_; }

private:
    friend void commit_all(std::vector<std::unique_ptr<AtomicFile>>& files);
    void finish_writing();  // flush, close, throw on a write error (no rename)
    std::string path_, tmp_path_;
    std::ofstream out_;
    bool committed_ = false;
    bool direct_ = false;  // writing in place: the target is a device or FIFO
};

// Commits a set of files as one: all are written and checked first; the old targets are moved
// aside, the new ones renamed in, and if any rename fails the ones already placed are taken back
// and the old set restored, so a run leaves either all new files or all old ones.
// Temporary files of uncommitted AtomicFiles are removed on SIGINT/SIGTERM too.
void commit_all(std::vector<std::unique_ptr<AtomicFile>>& files);

// Writes a whole file atomically.
void write_file_atomically(const std::string& path, const std::string& contents);
// Creates a directory (and parents); throws rafter::Error(io_error) naming it on failure.
void ensure_directory(const std::string& path);

} // namespace rafter
