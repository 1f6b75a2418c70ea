// Rank detection and trace file names for per-process GPU traces.
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "profiler/gpu/run_identity.h"

using namespace rafter::profiler;

namespace {

RunIdentity identify(const std::map<std::string, std::string>& env) {
    return identify_run(
        [&](const char* n) -> const char* {
            auto it = env.find(n);
            return it == env.end() ? nullptr : it->second.c_str();
        },
        "gpu-node-07", 4242);
}

} // namespace

TEST_CASE("torchrun's RANK wins over the srun task id around it") {
    auto id = identify({{"RANK", "11"}, {"LOCAL_RANK", "3"}, {"WORLD_SIZE", "16"}, {"SLURM_PROCID", "1"},
                        {"SLURM_NTASKS", "2"}});
    CHECK(id.rank == 11);
    CHECK(id.world_size == 16);
    CHECK(id.rank_source == "RANK");
    CHECK(trace_file_name(id) == "gpu-node-07-pid4242-rank11.rafter");
}

TEST_CASE("Open MPI, PMI and Slurm ranks in that order") {
    auto ompi = identify({{"OMPI_COMM_WORLD_RANK", "5"}, {"OMPI_COMM_WORLD_SIZE", "8"}, {"SLURM_PROCID", "2"}});
    CHECK(ompi.rank == 5);
    CHECK(ompi.world_size == 8);
    CHECK(ompi.rank_source == "OMPI_COMM_WORLD_RANK");
    auto pmi = identify({{"PMI_RANK", "6"}, {"PMI_SIZE", "12"}, {"SLURM_PROCID", "2"}});
    CHECK(pmi.rank == 6);
    CHECK(pmi.world_size == 12);
    auto slurm = identify({{"SLURM_PROCID", "2"}, {"SLURM_NTASKS", "4"}, {"RANK", "9"}});
    CHECK(slurm.rank == 2);  // a bare RANK (no torchrun markers) comes last
    CHECK(slurm.world_size == 4);
    CHECK(slurm.rank_source == "SLURM_PROCID");
    auto bare = identify({{"RANK", "9"}});
    CHECK(bare.rank == 9);
    CHECK(bare.world_size == -1);
}

TEST_CASE("no launcher: no rank; malformed values are ignored") {
    auto none = identify({});
    CHECK(none.rank == -1);
    CHECK(none.rank_source.empty());
    CHECK(trace_file_name(none) == "gpu-node-07-pid4242-norank.rafter");
    auto bad = identify({{"OMPI_COMM_WORLD_RANK", "abc"}, {"PMI_RANK", "-1"}, {"SLURM_PROCID", "1.5"},
                         {"RANK", "4"}});
    CHECK(bad.rank == 4);
    CHECK(bad.rank_source == "RANK");
}

TEST_CASE("host names are made safe for file names") {
    RunIdentity id;
    id.host = "node 1/a:b";
    id.pid = 7;
    id.rank = 0;
    CHECK(trace_file_name(id) == "node_1_a_b-pid7-rank0.rafter");
    CHECK_FALSE(current_run_identity().host.empty());
    CHECK(current_run_identity().pid > 0);
}
