// Output files: all-or-nothing commits of a set (commit_all) and no temporary file left behind
// by SIGTERM (core/atomic_file.h).
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/atomic_file.h"
#include "core/error.h"
#include "test_support.h"

using namespace rafter;
namespace fs = std::filesystem;

namespace {
std::string read(const std::string& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}
size_t entries(const std::string& dir) {
    size_t n = 0;
    for (auto it = fs::directory_iterator(dir); it != fs::directory_iterator(); ++it) ++n;
    return n;
}
} // namespace

TEST_CASE("commit_all replaces a set of files together, or none of them") {
    std::string dir = test::scratch_dir("atomic-commit-all");
    {
        std::ofstream(dir + "/a.txt") << "OLD A";
        std::ofstream(dir + "/b.txt") << "OLD B";
    }
    std::vector<std::unique_ptr<AtomicFile>> files;
    files.push_back(std::make_unique<AtomicFile>(dir + "/a.txt"));
    files.push_back(std::make_unique<AtomicFile>(dir + "/b.txt"));
    files[0]->stream() << "NEW A";
    files[1]->stream() << "NEW B";
    commit_all(files);
    CHECK(read(dir + "/a.txt") == "NEW A");
    CHECK(read(dir + "/b.txt") == "NEW B");
    CHECK(entries(dir) == 2);  // no temporaries, no backups

    // The second target cannot be replaced (a non-empty directory): the first keeps its old content.
    fs::remove(dir + "/b.txt");
    fs::create_directory(dir + "/b.txt");
    std::ofstream(dir + "/b.txt/inside") << "x";
    files.clear();
    files.push_back(std::make_unique<AtomicFile>(dir + "/a.txt"));
    files.push_back(std::make_unique<AtomicFile>(dir + "/b.txt"));
    files[0]->stream() << "NEWER A";
    files[1]->stream() << "NEWER B";
    CHECK_THROWS_AS(commit_all(files), Error);
    files.clear();  // destructors remove the temporaries
    CHECK(read(dir + "/a.txt") == "NEW A");
    CHECK(entries(dir) == 2);
}

TEST_CASE("SIGTERM during a write leaves no temporary file") {
    std::string dir = test::scratch_dir("atomic-sigterm");
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        signal(SIGTERM, SIG_DFL);  // as in the rafter executable (doctest installs its own)
        AtomicFile f(dir + "/out.json");
        f.stream() << std::string(1 << 20, 'x');
        f.stream().flush();
        raise(SIGTERM);
        _exit(0);  // not reached
    }
    int status = 0;
    waitpid(child, &status, 0);
    CHECK(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGTERM);
    CHECK(entries(dir) == 0);
}
