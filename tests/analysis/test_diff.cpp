// rafter diff: groups of two runs joined by name, against hand-computed values; the CLI on the
// bundled traces (a run against itself changes nothing; H100 against MI300X).
#include <doctest/doctest.h>

#include <simdjson.h>

#include <cmath>
#include <sstream>

#include "analysis/diff.h"
#include "report/diff_report.h"
#include "test_support.h"

using namespace rafter;

namespace {

GroupMetrics group(const char* name, std::optional<double> time, uint64_t launches, std::optional<double> flops = {}) {
    GroupMetrics g;
    g.name = name;
    g.time_s = time;
    g.launches = launches;
    g.flops_total = flops;
    return g;
}

RooflineReport run(std::vector<GroupMetrics> groups, double total) {
    RooflineReport r;
    r.group_by = GroupBy::op;
    r.groups = std::move(groups);
    r.totals.time_s = total;
    return r;
}

const DiffRow& row(const DiffReport& d, const std::string& name) {
    for (const auto& r : d.rows)
        if (r.name == name) return r;
    FAIL("no row " << name);
    return d.rows.front();
}

} // namespace

TEST_CASE("groups are joined by name; new and vanished groups count from zero") {
    RooflineReport a = run({group("mm", 10e-3, 4, 8e12), group("add", 2e-3, 10), group("old", 1e-3, 1)}, 13e-3);
    RooflineReport b = run({group("mm", 6e-3, 4, 8e12), group("add", 3e-3, 10), group("new", 4e-3, 2)}, 13e-3);
    DiffReport d = diff_rooflines(a, b);
    REQUIRE(d.rows.size() == 4);
    // Sorted by |change|: mm -4 ms, new +4 ms (stable: mm first), add +1 ms, old -1 ms.
    CHECK(d.rows[0].name == "mm");
    CHECK(d.rows[1].name == "new");
    CHECK(d.rows[2].name == "add");
    CHECK(d.rows[3].name == "old");
    CHECK(*row(d, "mm").delta_s == doctest::Approx(-4e-3));
    CHECK(*row(d, "mm").ratio == doctest::Approx(0.6));
    CHECK(row(d, "mm").status == DiffStatus::both);
    CHECK(row(d, "new").status == DiffStatus::added);
    CHECK(*row(d, "new").delta_s == doctest::Approx(4e-3));
    CHECK_FALSE(row(d, "new").ratio.has_value());
    CHECK(row(d, "old").status == DiffStatus::removed);
    CHECK(*row(d, "old").delta_s == doctest::Approx(-1e-3));
    CHECK(d.increase_s == doctest::Approx(5e-3));
    CHECK(d.decrease_s == doctest::Approx(-5e-3));
    CHECK(*d.total_delta_s == doctest::Approx(0));
}

TEST_CASE("a group without a time gets no change, and is listed last with a warning") {
    RooflineReport a = run({group("x", std::nullopt, 1), group("y", 1e-3, 1)}, 1e-3);
    RooflineReport b = run({group("x", 2e-3, 1), group("y", 1.5e-3, 1)}, 3.5e-3);
    DiffReport d = diff_rooflines(a, b);
    CHECK(d.rows.back().name == "x");
    CHECK_FALSE(d.rows.back().delta_s.has_value());
    CHECK(d.diagnostics.count("diff.unknown_time") == 1);
    CHECK(d.increase_s == doctest::Approx(0.5e-3));  // the unknown group is not summed
}

TEST_CASE("per step divides each run by its own steps; differing steps warn otherwise") {
    RooflineReport a = run({group("mm", 30e-3, 3)}, 30e-3);
    RooflineReport b = run({group("mm", 50e-3, 5)}, 50e-3);
    DiffReport per = diff_rooflines(a, b, 3, 5, true);
    CHECK(per.per_step);
    CHECK(*per.rows[0].time_a == doctest::Approx(10e-3));
    CHECK(*per.rows[0].time_b == doctest::Approx(10e-3));
    CHECK(*per.rows[0].delta_s == doctest::Approx(0).epsilon(1e-12));
    DiffReport total = diff_rooflines(a, b, 3, 5, false);
    CHECK(*total.rows[0].delta_s == doctest::Approx(20e-3));
    CHECK(total.diagnostics.count("diff.steps_differ") == 1);
}

TEST_CASE("rafter diff on the bundled traces") {
    const std::string h100 = std::string(RAFTER_SOURCE_DIR) + "/examples/kineto/h100-bert-small-infer.json.gz";
    const std::string mi300 = std::string(RAFTER_SOURCE_DIR) + "/examples/kineto/mi300x-bert-small-infer.json.gz";
    std::string dir = test::scratch_dir("cli-diff");

    auto self = test::run_rafter("diff " + h100 + " " + h100 + " --format json", dir);
    REQUIRE(self.exit_code == 0);
    simdjson::dom::parser parser;
    simdjson::dom::element doc = parser.parse(self.out);
    CHECK(std::string_view(doc["schema"]) == "rafter.diff/1");
    CHECK(double(doc["delta_s"]) == 0);
    for (auto g : doc["groups"].get_array()) {
        CHECK(std::string_view(g["status"]) == "both");
        CHECK(double(g["delta_s"]) == 0);
        CHECK(double(g["time_a_s"]) == double(g["time_b_s"]));
    }

    auto cross = test::run_rafter("diff " + h100 + " " + mi300 + " --format json", dir);
    REQUIRE(cross.exit_code == 0);
    simdjson::dom::parser p2;
    simdjson::dom::element d = p2.parse(cross.out);
    CHECK(std::string_view(d["a"]["machine"]) == "h100-sxm");
    CHECK(std::string_view(d["b"]["machine"]) == "mi300x");
    // The JSON's change is B - A of the runs' totals, and the groups' deltas sum to it when every
    // group has a time.
    double sum = 0, prev = INFINITY;
    for (auto g : d["groups"].get_array()) {
        double delta = g["delta_s"];
        sum += delta;
        CHECK(std::abs(delta) <= prev);  // largest change first
        prev = std::abs(delta);
    }
    CHECK(sum == doctest::Approx(double(d["delta_s"])).epsilon(1e-9));
    CHECK(double(d["b"]["time_s"]) - double(d["a"]["time_s"]) == doctest::Approx(double(d["delta_s"])));

    auto bad = test::run_rafter("diff " + h100, dir);
    CHECK(bad.exit_code == 2);
    const std::string ncu = std::string(RAFTER_SOURCE_DIR) + "/examples/ncu/gpp-cc89-details.csv";  // no steps
    auto no_steps = test::run_rafter("diff " + ncu + " " + h100 + " --per-step", dir);
    CHECK(no_steps.exit_code == 3);
    CHECK(no_steps.err.find("no profiler steps") != std::string::npos);
}
