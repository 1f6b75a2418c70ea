// Each rule of analysis/findings.h on a crafted input that triggers it and one that does not, with
// the gain computed by hand; and the rules on the real BERT-small trace.
#include <doctest/doctest.h>

#include "analysis/findings.h"
#include "test_support.h"

using namespace rafter;

namespace {

// One rank with a 1 s span; the other fields as the test sets them.
BreakdownReport rank_span(double host_launch_s, double sync_s, double exposed_comm_s) {
    BreakdownReport b;
    RankBreakdown r;
    r.rank = 0;
    r.totals.wall_s = 1.0;
    r.idle.host_launch_s = host_launch_s;
    r.idle.sync_s = sync_s;
    r.totals.exposed_comm_s = exposed_comm_s;
    r.totals.comm_s = exposed_comm_s;
    b.ranks.push_back(r);
    return b;
}

const Finding* find(const std::vector<Finding>& v, const std::string& rule) {
    for (const auto& f : v)
        if (f.rule == rule) return &f;
    return nullptr;
}

GroupMetrics group(const char* name, double time, double bound_time, Bound bound) {
    GroupMetrics g;
    g.name = name;
    g.time_s = time;
    g.bound_time_s = bound_time;
    g.efficiency = bound_time / time;
    g.bound = bound;
    g.launches = 10;
    return g;
}

RooflineReport roofline(std::vector<GroupMetrics> groups) {
    RooflineReport r;
    double total = 0;
    for (const auto& g : groups) total += *g.time_s;
    r.totals.time_s = total;
    r.groups = std::move(groups);
    return r;
}

} // namespace

TEST_CASE("host-launch bound: triggered at 20% of the span, gain = that idle time") {
    auto hit = find_issues(nullptr, &*std::make_unique<BreakdownReport>(rank_span(0.30, 0, 0)), 1);
    const Finding* f = find(hit, "host_launch_bound");
    REQUIRE(f);
    CHECK(f->gain_s == doctest::Approx(0.30));
    CHECK(*f->gain_share == doctest::Approx(0.30));
    BreakdownReport below = rank_span(0.10, 0, 0);
    CHECK_FALSE(find(find_issues(nullptr, &below, 1), "host_launch_bound"));
}

TEST_CASE("synchronizations and exposed communication") {
    BreakdownReport b = rank_span(0, 0.08, 0.25);
    auto v = find_issues(nullptr, &b, 1);
    REQUIRE(find(v, "sync_waits"));
    CHECK(find(v, "sync_waits")->gain_s == doctest::Approx(0.08));
    REQUIRE(find(v, "exposed_communication"));
    CHECK(find(v, "exposed_communication")->gain_s == doctest::Approx(0.25));
    CHECK(v.front().rule == "exposed_communication");  // ranked by gain
    BreakdownReport quiet = rank_span(0, 0.01, 0.05);
    CHECK(find_issues(nullptr, &quiet, 1).empty());
}

TEST_CASE("a rank the others wait for") {
    BreakdownReport b = rank_span(0, 0, 0);
    RankBreakdown r1 = b.ranks[0];
    r1.rank = 1;
    b.ranks.push_back(r1);
    CollectiveSkew k;
    k.instances = 10;
    k.max_skew_s = 0.01;
    k.ranks = {{0, 10, 1, 0.05, 0.01}, {1, 10, 9, 0.0, 0.0}};
    b.collective_skew = k;
    auto v = find_issues(nullptr, &b, 2);
    const Finding* f = find(v, "straggler");
    REQUIRE(f);
    CHECK(f->title.find("rank 1") != std::string::npos);
    CHECK(f->gain_s == doctest::Approx(0.05));  // rank 0's wait, the only other rank
    b.collective_skew->ranks = {{0, 10, 5, 0.05, 0.01}, {1, 10, 5, 0.05, 0.01}};  // both last half the time
    // 50% is the threshold: both qualify; with 4 of 10 neither does.
    CHECK(find_issues(nullptr, &b, 2).size() == 2);
    b.collective_skew->ranks = {{0, 10, 4, 0.05, 0.01}, {1, 10, 4, 0.05, 0.01}};
    CHECK_FALSE(find(find_issues(nullptr, &b, 2), "straggler"));
}

TEST_CASE("GEMMs below their bound: gain = time above the bound, per rank") {
    RooflineReport r = roofline({group("aten::addmm", 0.40, 0.10, Bound::compute), group("aten::softmax", 0.60, 0.55, Bound::dram)});
    auto v = find_issues(&r, nullptr, 2);
    const Finding* f = find(v, "low_efficiency_gemm");
    REQUIRE(f);
    CHECK(f->gain_s == doctest::Approx((0.40 - 0.10) / 2));
    // Efficient, small, or launch-floor bound GEMMs are left alone.
    RooflineReport good = roofline({group("aten::addmm", 0.40, 0.30, Bound::compute), group("x", 0.6, 0.6, Bound::dram)});
    CHECK_FALSE(find(find_issues(&good, nullptr, 1), "low_efficiency_gemm"));
    RooflineReport tiny = roofline({group("aten::addmm", 0.01, 0.001, Bound::compute), group("x", 0.99, 0.99, Bound::dram)});
    CHECK_FALSE(find(find_issues(&tiny, nullptr, 1), "low_efficiency_gemm"));
    RooflineReport floor = roofline({group("aten::addmm", 0.4, 0.1, Bound::launch_floor), group("x", 0.6, 0.6, Bound::dram)});
    CHECK_FALSE(find(find_issues(&floor, nullptr, 1), "low_efficiency_gemm"));
}

TEST_CASE("any other large group far from its bound") {
    RooflineReport r = roofline({group("col2im_kernel", 0.20, 0.02, Bound::dram), group("aten::addmm", 0.80, 0.70, Bound::compute)});
    auto found = find_issues(&r, nullptr, 1);
    const Finding* f = find(found, "far_from_bound");
    REQUIRE(f);
    CHECK(f->gain_s == doctest::Approx(0.18));
    RooflineReport ok = roofline({group("col2im_kernel", 0.20, 0.10, Bound::dram), group("aten::addmm", 0.80, 0.70, Bound::compute)});
    CHECK_FALSE(find(find_issues(&ok, nullptr, 1), "far_from_bound"));
    RooflineReport small = roofline({group("col2im_kernel", 0.05, 0.001, Bound::dram), group("aten::addmm", 0.95, 0.9, Bound::compute)});
    CHECK_FALSE(find(find_issues(&small, nullptr, 1), "far_from_bound"));
}

TEST_CASE("memory-bound elementwise chains above 10% of kernel time") {
    RooflineReport r = roofline({group("aten::add", 0.10, 0.06, Bound::dram), group("aten::gelu", 0.05, 0.03, Bound::dram),
                                 group("aten::addmm", 0.85, 0.80, Bound::compute)});
    auto found = find_issues(&r, nullptr, 1);
    const Finding* f = find(found, "memory_bound_elementwise");
    REQUIRE(f);
    CHECK(f->gain_s == doctest::Approx(0.04 + 0.02));
    RooflineReport small = roofline({group("aten::add", 0.05, 0.03, Bound::dram), group("aten::addmm", 0.95, 0.9, Bound::compute)});
    CHECK_FALSE(find(find_issues(&small, nullptr, 1), "memory_bound_elementwise"));
}

TEST_CASE("many small collectives") {
    GroupMetrics c = group("nccl all_reduce 0-1 MiB", 0.2, 0.02, Bound::link);
    c.collective = "all_reduce";
    c.launches = 100;
    c.message_bytes = 100 * 65536.0;  // 64 KiB per call
    c.link_time_s = 0.02;
    RooflineReport r = roofline({c, group("aten::addmm", 0.8, 0.7, Bound::compute)});
    auto found = find_issues(&r, nullptr, 1);
    const Finding* f = find(found, "small_collectives");
    REQUIRE(f);
    CHECK(f->gain_s == doctest::Approx(0.18));
    c.message_bytes = 100 * 4.0e6;  // 4 MB per call: not small
    RooflineReport big = roofline({c, group("aten::addmm", 0.8, 0.7, Bound::compute)});
    CHECK_FALSE(find(find_issues(&big, nullptr, 1), "small_collectives"));
}

TEST_CASE("rafter findings on the bundled BERT-small trace: launch-bound") {
    const std::string bert = std::string(RAFTER_SOURCE_DIR) + "/examples/kineto/h100-bert-small-infer.json.gz";
    auto r = test::run_rafter("findings " + bert + " --format json", test::scratch_dir("cli-findings"));
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("\"schema\": \"rafter.findings/1\"") != std::string::npos);
    CHECK(r.out.find("\"rule\": \"host_launch_bound\"") != std::string::npos);
}
