// The injection library decodes the last counter batch in an atexit handler. Everything that path
// uses must outlive the destructors of statics (found on an H200: the metric-name lists were
// destroyed first, and counters mode lost fp32 FLOPs and L1/L2 bytes).
#include <doctest/doctest.h>

#include <cstdio>
#include <string>
#include <sys/wait.h>

TEST_CASE("counter values are interpreted correctly inside an atexit handler") {
    FILE* p = popen("'" RAFTER_EXIT_DECODE_PROGRAM "' 2>&1", "r");
    REQUIRE(p != nullptr);
    std::string out;
    char buf[512];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    int status = pclose(p);
    INFO("output: " << out);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(out.find("fp32 present 4000") != std::string::npos);  // add + mul + 2 fma, 1000 each
    CHECK(out.find("l1 present 1000") != std::string::npos);
    CHECK(out.find("l2 present 1000") != std::string::npos);
}
