// `rafter profile` end to end on a machine without a GPU: it must refuse before running anything,
// name the reason and exit non-zero; --list-metrics works without a GPU.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sys/wait.h>

#include "profiler/gpu/backend_module.h"
#include "profiler/cupti/device_probe.h"
#include "test_support.h"

using namespace rafter;
using rafter::test::run_rafter;
namespace fs = std::filesystem;

TEST_CASE("without a driver nothing is run and no output directory is made") {
    auto scratch = test::scratch_dir("profile-nodriver");
    const std::string marker = scratch + "/ran";
    // A command with a visible effect shows whether it was run.
    std::string cmd = "env RAFTER_CUDA_DRIVER_LIBRARY=/nonexistent/libcuda.so.1 '" + test::rafter_exe() +
                      "' profile -o '" + scratch + "/out' -- /bin/sh -c 'touch " + marker + "' >'" + scratch +
                      "/o.txt' 2>'" + scratch + "/e.txt'";
    int status = std::system(cmd.c_str());
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == (profiler::gpu_backend_built() ? 4 : 6));
    CHECK_FALSE(fs::exists(marker));
    CHECK_FALSE(fs::exists(scratch + "/out"));
}

TEST_CASE("rafter profile -- /bin/true on this machine") {
    auto scratch = test::scratch_dir("profile-true");
    auto r = run_rafter("profile -o '" + scratch + "/out' -- /bin/true", scratch);
    if (!profiler::gpu_backend_built()) {
        CHECK(r.exit_code == 6);
        CHECK(r.err.find("built without the CUPTI profiler") != std::string::npos);
        return;
    }
    cupti::DriverProbe probe = cupti::probe_cuda_driver();
    if (probe.ok) {
        MESSAGE("SKIPPED: this machine has a CUDA device (the gpu-labelled tests profile real programs)");
        return;
    }
    CHECK(r.exit_code == 4);
    CHECK(r.err == "rafter profile: error: no CUDA device: " + probe.reason + "\n");
    CHECK(r.out.empty());
    CHECK_FALSE(fs::exists(scratch + "/out"));
    MESSAGE("rafter profile said: " << r.err);
}

TEST_CASE("a missing driver library is named in the reason") {
    auto scratch = test::scratch_dir("profile-missing-lib");
    std::string cmd = "env RAFTER_CUDA_DRIVER_LIBRARY=/nonexistent/libcuda.so.1 '" + test::rafter_exe() +
                      "' profile -- /bin/true >'" + scratch + "/o.txt' 2>'" + scratch + "/e.txt'";
    int status = std::system(cmd.c_str());
    std::ifstream in(scratch + "/e.txt");
    std::string err((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!profiler::gpu_backend_built()) {
        CHECK(WEXITSTATUS(status) == 6);
        return;
    }
    CHECK(WEXITSTATUS(status) == 4);
    CHECK(err == "rafter profile: error: no CUDA device: the NVIDIA driver library /nonexistent/libcuda.so.1 could "
                 "not be loaded (/nonexistent/libcuda.so.1: cannot open shared object file: No such file or "
                 "directory); is the NVIDIA driver installed?\n");
}

TEST_CASE("usage errors: no command, bad mode, --list-metrics without --chip, unknown chip") {
    auto scratch = test::scratch_dir("profile-usage");
    auto help = run_rafter("profile --help", scratch);
    CHECK(help.exit_code == 0);
    CHECK(help.out.find("usage: rafter profile [options] -- COMMAND [ARGS...]") == 0);
    auto none = run_rafter("profile", scratch);
    CHECK(none.exit_code == 2);
    CHECK(none.err.find("give the program to profile after '--'") != std::string::npos);
    auto mode = run_rafter("profile --mode fast -- /bin/true", scratch);
    CHECK(mode.exit_code == 2);
    CHECK(mode.err.find("--mode must be time, counters or both, got 'fast'") != std::string::npos);
    auto nochip = run_rafter("profile --list-metrics", scratch);
    CHECK(nochip.exit_code == 2);
    if (!profiler::gpu_backend_built()) return;
    auto bad = run_rafter("profile --list-metrics --chip GX999", scratch);
#if defined(__SANITIZE_ADDRESS__)
    // The chip list comes from the host API, which AddressSanitizer builds cannot load (see below).
    CHECK(bad.exit_code == 6);
    CHECK(bad.err.find("AddressSanitizer") != std::string::npos);
    return;
#endif
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("unknown chip 'GX999'") != std::string::npos);
    CHECK(bad.err.find("GH100") != std::string::npos);
}

TEST_CASE("--list-metrics plans counters for a chip without a GPU") {
    if (!profiler::gpu_backend_built()) return;
    auto scratch = test::scratch_dir("profile-list");
    auto r = run_rafter("profile --list-metrics --chip GA100", scratch);
#if defined(__SANITIZE_ADDRESS__)
    CHECK(r.exit_code == 6);  // the host API refuses under AddressSanitizer, with the reason
    CHECK(r.err.find("AddressSanitizer") != std::string::npos);
    MESSAGE("SKIPPED planning checks: " << r.err);
    return;
#endif
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("chip: GA100\n") == 0);
    CHECK(r.out.find("replay passes per kernel: 7 (computed on the host by CUPTI)") != std::string::npos);
    CHECK(r.out.find("tensor-core FLOPs from: ops_path") != std::string::npos);
    CHECK(r.out.find("metrics (20):") != std::string::npos);
    CHECK(r.out.find("  sm__ops_path_tensor_src_tf32_dst_fp32.sum\n") != std::string::npos);
    CHECK(r.out.find("  dram__bytes.sum\n") != std::string::npos);
}
