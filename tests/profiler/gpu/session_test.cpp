// The embedding session API and the injection environment, on a machine without a GPU.
#include <doctest/doctest.h>

#include <cstdlib>
#include <map>

#include "core/error.h"
#include "profiler/gpu/backend_module.h"
#include "profiler/cupti/device_probe.h"
#include "profiler/cupti/inject_env.h"
#include "profiler/session.h"

using namespace rafter;
using namespace rafter::cupti;
using namespace rafter::profiler;

TEST_CASE("a GPU session without a device fails with the probe's reason") {
    profiler::GpuSession s;
    if (!gpu_backend_built()) {
        CHECK_THROWS_WITH_AS(s.start(), doctest::Contains("built without the CUPTI profiler"), Error);
        return;
    }
    DriverProbe probe = probe_cuda_driver();
    if (probe.ok) {
        MESSAGE("SKIPPED: this machine has a CUDA device");
        return;
    }
    try {
        s.start();
        FAIL("start() should have failed");
    } catch (const Error& e) {
        CHECK(e.code() == ExitCode::no_device);
        CHECK(std::string(e.what()) == "no CUDA device: " + probe.reason);
    }
    CHECK_FALSE(s.running());
    CHECK_THROWS_WITH_AS(s.trace(), "the GPU session has not been stopped; stop() it first", Error);
    profiler::GpuSessionOptions both;
    both.mode = ProfileMode::both;
    CHECK_THROWS_AS(s.start(both), Error);
}

TEST_CASE("annotation hooks are harmless without a profiler") {
    for (int i = 0; i < 3000; ++i) {  // crosses the periodic re-check of the hook
        profiler::gpu_annotation_push("step");
        profiler::gpu_annotation_pop();
    }
    CHECK(true);
}

TEST_CASE("the injection environment round-trips") {
    InjectConfig c;
    c.mode = ProfileMode::counters;
    c.dir = "/tmp/rafter out";
    c.ranges_per_batch = 16;
    c.trace_api = false;
    c.buffer_mb = 32;
    c.quiet = true;
    std::map<std::string, std::string> env;
    for (const auto& [k, v] : inject_environment(c)) env[k] = v;
    CHECK(env.at("RAFTER_PROFILE_MODE") == "counters");
    std::vector<std::string> problems;
    InjectConfig back = read_inject_config(
        [&](const char* n) -> const char* {
            auto it = env.find(n);
            return it == env.end() ? nullptr : it->second.c_str();
        },
        &problems);
    CHECK(problems.empty());
    CHECK(back.mode == ProfileMode::counters);
    CHECK(back.dir == "/tmp/rafter out");
    CHECK(back.ranges_per_batch == 16);
    CHECK_FALSE(back.trace_api);
    CHECK(back.buffer_mb == 32);
    CHECK(back.quiet);
    // 'both' is the runner's business; a process is told time or counters.
    auto both = read_inject_config([](const char* n) -> const char* {
        return std::string(n) == "RAFTER_PROFILE_MODE" ? "both" : nullptr;
    });
    CHECK(both.mode == ProfileMode::time);
    CHECK(both.metrics.empty());
}

TEST_CASE("RAFTER_PROFILE_METRICS replaces the plan's metrics, names trimmed, empty items dropped") {
    auto c = read_inject_config([](const char* n) -> const char* {
        return std::string(n) == "RAFTER_PROFILE_METRICS" ? " dram__bytes.sum, ,lts__t_bytes.sum " : nullptr;
    });
    CHECK(c.metrics == std::vector<std::string>{"dram__bytes.sum", "lts__t_bytes.sum"});
}

TEST_CASE("RAFTER_INJECT_LIBRARY is the first place the backend is looked for") {
    setenv("RAFTER_INJECT_LIBRARY", "/opt/custom/librafter_inject.so", 1);
    auto c = backend_library_candidates();
    unsetenv("RAFTER_INJECT_LIBRARY");
    REQUIRE(!c.empty());
    CHECK(c.front() == "/opt/custom/librafter_inject.so");
    if (gpu_backend_built()) CHECK_FALSE(find_backend_library().empty());
}
