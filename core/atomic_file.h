#pragma once
// Output files are written to "<path>.tmp-<pid>" and renamed into place on commit(), so a failed
// run never leaves a file that looks complete, and an existing file is replaced only by a whole one.
#include <fstream>
#include <string>

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
    std::string path_, tmp_path_;
    std::ofstream out_;
    bool committed_ = false;
};

// Writes a whole file atomically.
void write_file_atomically(const std::string& path, const std::string& contents);
// Creates a directory (and parents); throws rafter::Error(io_error) naming it on failure.
void ensure_directory(const std::string& path);

} // namespace rafter
