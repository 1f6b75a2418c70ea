// Replays the fuzzers' seed corpora (tests/fuzz/corpus_*) through the importers: every input
// either imports or throws rafter::Error, never anything else.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "fuzz/nsys_rows_input.h"
#include "core/error.h"
#include "test_support.h"
#include "test_util.h"
#include "model/machines/machine.h"
#include "model/scaling/comm_benchmark_import.h"
#include "model/scaling/fio_import.h"
#include "model/scaling/io_profile.h"
#include "model/scaling/scenario.h"
#include "traces/importer.h"
#include "traces/importers/kineto/kineto_importer.h"
#include "traces/native_format.h"

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

namespace {

// Every file of a corpus through `read`: it returns or throws rafter::Error (bad input); returns
// how many were read without an error.
template <typename Read>
size_t replay(const std::string& name, Read read) {
    auto files = corpus(name);
    CHECK(files.size() >= 2);
    size_t ok = 0;
    for (const auto& f : files) {
        CAPTURE(f);
        try {
            read(f, test::slurp(f));
            ++ok;
        } catch (const Error& e) {
            CHECK(e.code() == ExitCode::bad_input);
        }
    }
    MESSAGE(name << ": " << ok << " of " << files.size() << " read");
    return ok;
}

} // namespace

TEST_CASE("the other formats' fuzz corpora: read or rafter::Error") {
    CHECK(replay("corpus_ncu", [](const std::string& f, const std::string&) {
              ImportOptions o;
              o.quiet = true;
              find_importer("ncu-csv")->read({f}, o);
          }) > 0);
    CHECK(replay("corpus_native", [](const std::string& f, const std::string& b) { read_native_trace_bytes(b, f); }) ==
          2);
    CHECK(replay("corpus_machine", [](const std::string& f, const std::string& b) {
              if (f.find("roofline") != std::string::npos) parse_ert_json(b, f);
              else parse_machine_json(b, f);
          }) == 3);
    CHECK(replay("corpus_scenario", [](const std::string& f, const std::string& b) { parse_scenario_json(b, f); }) >= 3);
    CHECK(replay("corpus_io", [](const std::string& f, const std::string& b) {
              if (f.find("fio") != std::string::npos) parse_fio_json(b, f);
              else parse_io_profile_json(b, f);
          }) == 2);
    CHECK(replay("corpus_comm", [](const std::string& f, const std::string& b) {
              CommMeasurement m = looks_like_osu(b) ? parse_osu(b, f, Collective::all_reduce, 4, 1)
                                                    : parse_nccl_tests(b, f, std::nullopt, false);
              if (!m.collective) m.collective = Collective::all_reduce;
              if (m.ranks < 1) m.ranks = 8;
              fit_comm(m);
          }) >= 3);
}
