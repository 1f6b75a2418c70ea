#include <doctest/doctest.h>

#include "cli/parse_bytes.h"
#include "core/error.h"

using rafter::cli::parse_bytes;

TEST_CASE("sizes on the command line: plain, binary suffixes, B and iB tails") {
    CHECK(parse_bytes("--x", "4096") == 4096);
    CHECK(parse_bytes("--x", "2e9") == 2e9);
    CHECK(parse_bytes("--x", "64K") == 64 * 1024);
    CHECK(parse_bytes("--x", " 4k ") == 4096);
    CHECK(parse_bytes("--x", "256M") == 256.0 * 1024 * 1024);
    CHECK(parse_bytes("--x", "64MB") == 64.0 * 1024 * 1024);
    CHECK(parse_bytes("--x", "1.5G") == 1.5 * 1024 * 1024 * 1024);
    CHECK(parse_bytes("--x", "1GiB") == 1024.0 * 1024 * 1024);
    CHECK(parse_bytes("--x", "2Gi") == 2048.0 * 1024 * 1024);
    CHECK(parse_bytes("--x", "1T") == 1024.0 * 1024 * 1024 * 1024);
}

TEST_CASE("not a size: a usage error (exit 2) naming the option and the text") {
    for (const char* bad : {"", "b", "k", "gib", "-1", "2b", "1i", "1ib", "12x", "inf", "nan", "1e300", "2P"}) {
        try {
            parse_bytes("--max-bytes", bad);
            FAIL("accepted '" << bad << "'");
        } catch (const rafter::Error& e) {
            CHECK(e.code() == rafter::ExitCode::usage);
            CHECK(std::string(e.what()).find("--max-bytes") != std::string::npos);
            CHECK(std::string(e.what()).find(std::string("'") + bad + "'") != std::string::npos);
        }
    }
}
