// Replays the fuzzers' seed corpora (tests/fuzz/corpus_*) through the importers: every input
// either imports or throws rafter::Error, never anything else.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "fuzz/nsys_rows_input.h"
#include "core/error.h"
#include "test_support.h"
#include "test_util.h"
#include "traces/importers/kineto/kineto_importer.h"

using namespace rafter;

namespace {
std::vector<std::string> corpus(const std::string& name) {
    std::vector<std::string> files;
    for (const auto& e : std::filesystem::directory_iterator(test::source_dir() + "/tests/fuzz/" + name))
        if (e.is_regular_file()) files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    return files;
}
} // namespace

TEST_CASE("Kineto fuzz corpus: imports or throws rafter::Error") {
    auto files = corpus("corpus_kineto");
    CHECK(files.size() >= 10);
    size_t ok = 0, errors = 0;
    for (const auto& f : files) {
        CAPTURE(f);
        std::string bytes = test::slurp(f);
        for (bool python : {false, true}) {
            ImportOptions opt;
            opt.include_python_events = python;
            try {
                read_kineto_bytes(bytes, f, opt);
                ++ok;
            } catch (const Error& e) {
                CHECK(e.code() == ExitCode::bad_input);
                ++errors;
            }
        }
    }
    MESSAGE("kineto corpus: " << ok << " imported, " << errors << " rejected");
    CHECK(ok > 0);
    CHECK(errors > 0);
}

TEST_CASE("nsys row fuzz corpus: converts or throws rafter::Error") {
    auto files = corpus("corpus_nsys");
    CHECK(files.size() >= 5);
    size_t ok = 0, errors = 0;
    for (const auto& f : files) {
        CAPTURE(f);
        try {
            fuzz::run_nsys_rows(test::slurp(f));
            ++ok;
        } catch (const Error& e) {
            CHECK(e.code() == ExitCode::bad_input);
            ++errors;
        }
    }
    MESSAGE("nsys corpus: " << ok << " converted, " << errors << " rejected");
    CHECK(ok > 0);
}
