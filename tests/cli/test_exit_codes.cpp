// Every exit code in docs/exit-codes.md, produced by at least one real `rafter` invocation on a
// machine without a GPU, with the message that goes with it.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <zlib.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "test_support.h"

using namespace rafter::test;
namespace fs = std::filesystem;

namespace {

bool has(const std::string& s, const std::string& what) { return s.find(what) != std::string::npos; }

struct ScopedEnv {
    std::string name;
    ScopedEnv(std::string n, const std::string& value) : name(std::move(n)) { ::setenv(name.c_str(), value.c_str(), 1); }
    ~ScopedEnv() { ::unsetenv(name.c_str()); }
};

const std::string kSmallTrace = "kineto/a100-alexnet-1gpu.json.gz";

} // namespace

TEST_CASE("docs/exit-codes.md lists exactly the codes 0-6 that this file checks") {
    std::string doc = slurp(source_dir() + "/docs/exit-codes.md");
    // Table rows "| 3 | bad_input | ... |" (no std::regex: GCC 12 warns inside it under ASan).
    std::set<int> codes;
    std::map<int, std::string> names;
    std::istringstream lines(doc);
    for (std::string line; std::getline(lines, line);) {
        if (line.size() < 3 || line.compare(0, 2, "| ") != 0 || !std::isdigit(static_cast<unsigned char>(line[2])))
            continue;
        std::istringstream row(line.substr(2));
        int code = -1;
        std::string bar, name;
        row >> code >> bar >> name;
        codes.insert(code);
        names[code] = name;
    }
    CHECK(codes == std::set<int>{0, 1, 2, 3, 4, 5, 6});
    // The names are those of core/error.h's ExitCode.
    CHECK(names[0] == "ok");
    CHECK(names[1] == "failure");
    CHECK(names[2] == "usage");
    CHECK(names[3] == "bad_input");
    CHECK(names[4] == "no_device");
    CHECK(names[5] == "io_error");
    CHECK(names[6] == "not_available");
}

TEST_CASE("exit 0: success") {
    auto dir = scratch_dir("exit0");
    auto v = run_rafter("--version", dir);
    CHECK(v.exit_code == 0);
    CHECK(v.out.rfind("rafter ", 0) == 0);
    auto r = run_rafter("import '" + real_data(kSmallTrace) + "' -o '" + dir + "/t.rafter'", dir);
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK(has(r.out, "79 kernels"));
    CHECK(fs::is_regular_file(dir + "/t.rafter"));
}

#if !defined(__SANITIZE_ADDRESS__)
// AddressSanitizer reserves terabytes of address space, so a ulimit on it cannot be used there.
TEST_CASE("exit 1: out of memory (an allocation the address-space limit refuses)") {
    auto dir = scratch_dir("exit1");
    // A Kineto trace whose one event holds a 200 MB string: the reader's window must grow to
    // 256 MiB to hold it, which a 192 MiB address-space limit refuses. Compressed it is 200 KB.
    std::string path = dir + "/huge-event.json.gz";
    gzFile gz = gzopen(path.c_str(), "wb1");
    REQUIRE(gz);
    std::string head = R"({"traceEvents": [{"ph": "X", "name": ")";
    gzwrite(gz, head.data(), static_cast<unsigned>(head.size()));
    std::string block(1 << 20, 'a');
    for (int i = 0; i < 200; ++i) gzwrite(gz, block.data(), static_cast<unsigned>(block.size()));
    std::string tail = R"(", "ts": 1, "dur": 1}]})";
    gzwrite(gz, tail.data(), static_cast<unsigned>(tail.size()));
    REQUIRE(gzclose(gz) == Z_OK);

    std::string cmd = "ulimit -v 196608; '" + rafter_exe() + "' import '" + path + "' -o '" + dir +
                      "/out.rafter' >'" + dir + "/out.txt' 2>'" + dir + "/err.txt' </dev/null";
    int status = std::system(cmd.c_str());
    REQUIRE(WIFEXITED(status));
    std::string err = slurp(dir + "/err.txt");
    CHECK_MESSAGE(WEXITSTATUS(status) == 1, err);
    CHECK(err == "rafter import: error: out of memory\n");
    CHECK_FALSE(fs::exists(dir + "/out.rafter"));
}
#endif

TEST_CASE("exit 2: bad command line") {
    auto dir = scratch_dir("exit2");
    auto unknown = run_rafter("frobnicate", dir);
    CHECK(unknown.exit_code == 2);
    CHECK(has(unknown.err, "rafter: unknown command 'frobnicate'"));
    auto option = run_rafter("import --bogus", dir);
    CHECK(option.exit_code == 2);
    CHECK(has(option.err, "unrecognised option '--bogus'"));
    auto no_output = run_rafter("import x.json", dir);
    CHECK(no_output.exit_code == 2);
    CHECK(has(no_output.err, "no output given"));
    auto value = run_rafter("breakdown x.json --format xml", dir);
    CHECK(value.exit_code == 2);
    CHECK(has(value.err, "--format expects table, csv or json"));
}

TEST_CASE("exit 3: an input that cannot be read or parsed names the file") {
    auto dir = scratch_dir("exit3");
    auto missing = run_rafter("import '" + dir + "/nope.json' -o '" + dir + "/o.rafter'", dir);
    CHECK(missing.exit_code == 3);
    CHECK(has(missing.err, dir + "/nope.json: no such file or directory"));
    std::ofstream(dir + "/bad.json") << R"({"traceEvents": [{"ph": "X", "name": "k", "ts": 1,, "dur": 2}]})";
    auto bad = run_rafter("import '" + dir + "/bad.json' -o '" + dir + "/o.rafter'", dir);
    CHECK(bad.exit_code == 3);
    CHECK(has(bad.err, dir + "/bad.json"));
    CHECK(has(bad.err, "byte"));
    CHECK_FALSE(fs::exists(dir + "/o.rafter"));
}

TEST_CASE("exit 4: the hardware is absent (no CUDA driver)") {
    auto dir = scratch_dir("exit4");
    // A driver path that cannot exist: the no-device path on any machine, GPU or not.
    ScopedEnv env("RAFTER_CUDA_DRIVER_LIBRARY", "/nonexistent/libcuda.so.1");
    auto r = run_rafter("ceilings --gpu --quick -o '" + dir + "/g.json'", dir);
    CHECK(r.exit_code == 4);
    CHECK(has(r.err, "no CUDA device: the NVIDIA driver library /nonexistent/libcuda.so.1 could not be loaded"));
    CHECK_FALSE(fs::exists(dir + "/g.json"));
}

TEST_CASE("exit 5: an output that cannot be written, nothing partial left") {
    auto dir = scratch_dir("exit5");
    std::string in = "'" + real_data(kSmallTrace) + "'";
    auto parent = run_rafter("import " + in + " -o '" + dir + "/no-such-dir/t.rafter'", dir);
    CHECK(parent.exit_code == 5);
    CHECK(has(parent.err, dir + "/no-such-dir/t.rafter: cannot create output file"));
    CHECK_FALSE(fs::exists(dir + "/no-such-dir"));

    // A regular file where the output directory should be.
    std::ofstream(dir + "/afile") << "x";
    auto notdir = run_rafter("breakdown " + in + " -o '" + dir + "/afile'", dir);
    CHECK(notdir.exit_code == 5);
    CHECK(has(notdir.err, dir + "/afile: cannot create directory"));

    // A device that is always full: written in place (never renamed over), the error is seen.
    struct stat st {};
    if (::stat("/dev/full", &st) == 0 && S_ISCHR(st.st_mode)) {
        auto full = run_rafter("import " + in + " -o /dev/full", dir);
        CHECK(full.exit_code == 5);
        CHECK(has(full.err, "/dev/full: write failed"));
        REQUIRE(::stat("/dev/full", &st) == 0);
        CHECK(S_ISCHR(st.st_mode));  // still the device (as root a rename would have replaced it)
    }
}

TEST_CASE("exit 6: a feature this build or machine lacks (CUPTI backend that cannot be loaded)") {
    auto dir = scratch_dir("exit6");
    // The stand-in driver reports one device; the CUPTI backend named is not a library. A build
    // without CUPTI says so instead; both are "not available".
    ScopedEnv driver("RAFTER_CUDA_DRIVER_LIBRARY", RAFTER_FAKE_CUDA_DRIVER);
    ScopedEnv module("RAFTER_INJECT_LIBRARY", "/etc/hostname");
    auto r = run_rafter("profile -o '" + dir + "/p' -- /bin/true", dir);
    CHECK(r.exit_code == 6);
    CHECK_MESSAGE((has(r.err, "cannot load /etc/hostname") || has(r.err, "CUPTI")), r.err);
    CHECK_FALSE(fs::exists(dir + "/p"));
}
