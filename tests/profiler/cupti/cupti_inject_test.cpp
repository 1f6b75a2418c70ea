// The injection library loaded into a program the way the CUDA driver would use it (dlopen, then
// InitializeInjection), on a machine without a usable driver: it must say why once and do nothing.
// Each scenario runs in a forked child because InitializeInjection acts once per process.
#include <doctest/doctest.h>

#include <cstdlib>
#include <dlfcn.h>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

#include "profiler/gpu/backend_abi.h"
#include "profiler/gpu/backend_module.h"
#include "profiler/cupti/device_probe.h"
#include "test_support.h"
#include "traces/native_format.h"

using namespace rafter;
using namespace rafter::cupti;
using namespace rafter::profiler;
namespace fs = std::filesystem;

namespace {

struct ChildResult {
    int exit_code = -1;
    std::string err;
};

// Runs `body` in a child with stderr captured; the child's exit code is body's return value.
template <class F> ChildResult in_child(const std::string& scratch, F&& body) {
    const std::string err_path = scratch + "/stderr.txt";
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        int fd = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0) _exit(90);
        dup2(fd, 2);
        close(fd);
        int rc = body();
        std::fflush(nullptr);
        _exit(rc);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    ChildResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 100 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    std::ifstream in(err_path);
    std::stringstream ss;
    ss << in.rdbuf();
    r.err = ss.str();
    return r;
}

using InitFn = int (*)();

// 0-9: InitializeInjection's results (first call * 2 + second call); 50+: loading failed.
int load_and_initialize_twice() {
    std::string path = find_backend_library();
    if (path.empty()) return 50;
    void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        std::fprintf(stderr, "dlopen: %s\n", dlerror());
        return 51;
    }
    auto init = reinterpret_cast<InitFn>(dlsym(h, "InitializeInjection"));
    if (!init) return 52;
    int first = init();
    int second = init();
    return first * 2 + second;
}

size_t count_occurrences(const std::string& s, const std::string& what) {
    size_t n = 0;
    for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
    return n;
}

} // namespace

TEST_CASE("the injection library is built and exports only its two entry points") {
    std::string path = find_backend_library();
    REQUIRE_MESSAGE(!path.empty(), "librafter_inject.so not found");
    void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    REQUIRE_MESSAGE(h, dlerror());
    CHECK(dlsym(h, "InitializeInjection") != nullptr);
    auto api_fn = reinterpret_cast<RafterGpuBackendApiFn>(dlsym(h, RAFTER_GPU_BACKEND_API_SYMBOL));
    REQUIRE(reinterpret_cast<void*>(api_fn) != nullptr);
    const RafterGpuBackendApi* api = api_fn();
    CHECK(api->abi_version == RAFTER_GPU_BACKEND_ABI_VERSION);
    CHECK(std::string(api->nvtx_injection_library()).find("libcupti.so") != std::string::npos);
    // Internals stay hidden: the only functions the library exports are its two entry points
    // (nm -D lists defined text symbols as " T "; template instantiations are weak, " W ").
    std::set<std::string> exported;
    if (FILE* p = popen(("nm -D --defined-only '" + path + "' 2>/dev/null").c_str(), "r")) {
        char line[4096];
        while (std::fgets(line, sizeof line, p)) {
            std::string l(line);
            auto t = l.find(" T ");
            if (t != std::string::npos) exported.insert(l.substr(t + 3, l.find_last_not_of("\n") - t - 2));
        }
        pclose(p);
    }
    CHECK(exported == std::set<std::string>{"InitializeInjection", "rafter_gpu_backend_api"});
    // Without a session, annotations are harmless no-ops.
    api->annotation_push("outside any session");
    api->annotation_pop();
    // The trace crosses the module boundary as native-format bytes that this side's reader
    // accepts (the module carries its own copy of the trace code). No session ran: empty trace.
    std::string bytes;
    char error[256] = {};
    auto sink = [](void* ctx, const char* data, size_t n) { static_cast<std::string*>(ctx)->append(data, n); };
    REQUIRE(api->write_trace(sink, &bytes, error, sizeof error) == 0);
    CHECK(bytes.compare(0, kNativeMagic.size(), kNativeMagic) == 0);
    Trace t = read_native_trace_bytes(bytes, "module trace");
    CHECK(t.kernels.size() == 0);
    // Stopping without a session is not an error; starting one here fails with the device reason.
    CHECK(api->stop(error, sizeof error) == 0);
}

TEST_CASE("InitializeInjection without a driver logs 'no CUDA device' once, returns 0 and writes nothing") {
    auto scratch = test::scratch_dir("inject-nodriver");
    const std::string out_dir = scratch + "/traces";
    auto r = in_child(scratch, [&] {
        setenv("RAFTER_CUDA_DRIVER_LIBRARY", "/nonexistent/libcuda.so.1", 1);
        setenv("RAFTER_PROFILE_DIR", out_dir.c_str(), 1);
        return load_and_initialize_twice();
    });
    CHECK(r.exit_code == 0);  // both calls returned 0: not profiling, no crash
    const std::string expected =
        "no CUDA device: the NVIDIA driver library /nonexistent/libcuda.so.1 could not be loaded "
        "(/nonexistent/libcuda.so.1: cannot open shared object file: No such file or directory)";
    CHECK(r.err.find(expected) != std::string::npos);
    CHECK(count_occurrences(r.err, "no CUDA device") == 1);  // logged once
    CHECK(r.err.find("rafter[") == 0);                        // with its prefix
    CHECK_FALSE(fs::exists(out_dir));                         // nothing written
    MESSAGE("injected library said: " << r.err);
}

TEST_CASE("InitializeInjection on this machine: without a device it says why, with the probe's reason") {
    DriverProbe probe = probe_cuda_driver();
    if (probe.ok) {
        MESSAGE("SKIPPED: this machine has a CUDA device; the GPU tests cover injection with a device");
        return;
    }
    auto scratch = test::scratch_dir("inject-real");
    auto r = in_child(scratch, [] {
        unsetenv("RAFTER_CUDA_DRIVER_LIBRARY");
        return load_and_initialize_twice();
    });
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("no CUDA device: " + probe.reason) != std::string::npos);
    CHECK(count_occurrences(r.err, "no CUDA device") == 1);
}

TEST_CASE("malformed RAFTER_PROFILE_* values are reported, not fatal") {
    auto scratch = test::scratch_dir("inject-badenv");
    auto r = in_child(scratch, [] {
        setenv("RAFTER_CUDA_DRIVER_LIBRARY", "/nonexistent/libcuda.so.1", 1);
        setenv("RAFTER_PROFILE_MODE", "fast", 1);
        setenv("RAFTER_PROFILE_BATCH", "0", 1);
        return load_and_initialize_twice();
    });
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("RAFTER_PROFILE_MODE='fast' is not 'time' or 'counters'; using time") != std::string::npos);
    CHECK(r.err.find("RAFTER_PROFILE_BATCH='0' is not an integer in [1, 100000]; using 64") != std::string::npos);
    CHECK(r.err.find("no CUDA device") != std::string::npos);
}
