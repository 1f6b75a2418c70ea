#include "core/atomic_file.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>

#include "core/error.h"

namespace rafter {

namespace {

// Temporary files in flight, for the signal handler: fixed slots of pointers to the owners'
// strings, so the handler only reads memory and calls unlink (async-signal-safe).
constexpr size_t kSlots = 256;
std::atomic<const char*> g_tmp[kSlots];

// The handlers that were in place before ours (a host program's, doctest's), called after the
// temporaries are gone.
struct sigaction g_previous[2];

extern "C" void remove_temporaries(int sig) {
    for (auto& slot : g_tmp)
        if (const char* p = slot.load()) ::unlink(p);
    const struct sigaction& prev = g_previous[sig == SIGINT ? 0 : 1];
    if (prev.sa_handler != SIG_DFL && prev.sa_handler != SIG_IGN && prev.sa_handler != remove_temporaries) {
        prev.sa_handler(sig);
        return;
    }
    std::signal(sig, SIG_DFL);
    std::raise(sig);
}

// Installed whenever ours is not the current handler (a forked child, a program that set its own
// after us); an ignored signal stays ignored.
void install_handlers() {
    const int sigs[2] = {SIGINT, SIGTERM};
    for (int i = 0; i < 2; ++i) {
        struct sigaction cur {};
        if (sigaction(sigs[i], nullptr, &cur) != 0) continue;
        if (cur.sa_handler == remove_temporaries || cur.sa_handler == SIG_IGN) continue;
        if (cur.sa_flags & SA_SIGINFO) continue;  // a three-argument handler: leave it alone
        g_previous[i] = cur;
        struct sigaction sa {};
        sa.sa_handler = remove_temporaries;
        sigemptyset(&sa.sa_mask);
        sigaction(sigs[i], &sa, nullptr);
    }
}

void track(const std::string& tmp) {
    install_handlers();
    for (auto& slot : g_tmp) {
        const char* expected = nullptr;
        if (slot.compare_exchange_strong(expected, tmp.c_str())) return;
    }
}

void untrack(const std::string& tmp) {
    for (auto& slot : g_tmp) {
        const char* expected = tmp.c_str();
        if (slot.compare_exchange_strong(expected, nullptr)) return;
    }
}

} // namespace

AtomicFile::AtomicFile(std::string path)
    : path_(std::move(path)), tmp_path_(path_ + ".tmp-" + std::to_string(::getpid())) {
    std::error_code ec;
    auto st = std::filesystem::status(path_, ec);  // follows links: /dev/stdout -> the terminal
    if (!ec && std::filesystem::exists(st) && !std::filesystem::is_regular_file(st) &&
        !std::filesystem::is_directory(st)) {
        direct_ = true;
        tmp_path_ = path_;
    }
    if (!direct_) track(tmp_path_);
    out_.open(tmp_path_, std::ios::binary | std::ios::trunc);
    if (!out_) {
        if (!direct_) untrack(tmp_path_);
        throw Error(ExitCode::io_error, "cannot create output file", {path_});
    }
}

AtomicFile::~AtomicFile() {
    if (!committed_ && !direct_) {
        out_.close();
        std::remove(tmp_path_.c_str());
    }
    if (!direct_) untrack(tmp_path_);
}

void AtomicFile::finish_writing() {
    if (!out_.is_open()) return;
    out_.flush();
    bool ok = static_cast<bool>(out_);
    out_.close();
    if (!ok || out_.fail()) throw Error(ExitCode::io_error, "write failed (disk full?)", {path_});
}

void AtomicFile::commit() {
    finish_writing();
    if (direct_) {
        committed_ = true;
        return;
    }
    std::error_code ec;
    std::filesystem::rename(tmp_path_, path_, ec);
    if (ec) throw Error(ExitCode::io_error, "cannot rename into place: " + ec.message(), {path_});
    committed_ = true;
}

void commit_all(std::vector<std::unique_ptr<AtomicFile>>& files) {
    for (auto& f : files) f->finish_writing();  // any write error: nothing is replaced
    namespace fs = std::filesystem;
    struct Moved {
        AtomicFile* file;
        std::string backup;  // the old target, moved aside; empty when there was none
        bool placed = false;
    };
    std::vector<Moved> done;
    auto roll_back = [&] {
        std::error_code ec;
        for (auto it = done.rbegin(); it != done.rend(); ++it) {
            if (it->placed) fs::rename(it->file->path_, it->file->tmp_path_, ec);  // new file back to temp
            if (!it->backup.empty()) fs::rename(it->backup, it->file->path_, ec);
            it->file->committed_ = false;
        }
    };
    const std::string suffix = ".old-" + std::to_string(::getpid());
    for (auto& f : files) {
        if (f->direct_) {
            f->committed_ = true;
            continue;
        }
        Moved m{f.get(), {}, false};
        std::error_code ec;
        if (fs::is_regular_file(f->path_, ec)) {
            m.backup = f->path_ + suffix;
            fs::rename(f->path_, m.backup, ec);
            if (ec) {
                roll_back();
                throw Error(ExitCode::io_error, "cannot move the previous file aside: " + ec.message(), {f->path_});
            }
        }
        done.push_back(m);
        fs::rename(f->tmp_path_, f->path_, ec);
        if (ec) {
            roll_back();
            throw Error(ExitCode::io_error,
                        "cannot rename into place: " + ec.message() + " (the previous outputs are kept)", {f->path_});
        }
        done.back().placed = true;
        f->committed_ = true;
    }
    std::error_code ec;
    for (const auto& m : done)
        if (!m.backup.empty()) fs::remove(m.backup, ec);
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
