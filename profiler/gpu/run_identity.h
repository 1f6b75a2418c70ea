#pragma once
// Who is this process in a distributed job? One trace is written per process and named with the
// host, pid and rank, so that the traces of a torchrun/srun/mpirun job land side by side.
#include <cstdint>
#include <functional>
#include <string>

namespace rafter::profiler {

struct RunIdentity {
    std::string host;
    int64_t pid = 0;
    int32_t rank = -1;        // -1 = not launched by a known launcher
    int32_t world_size = -1;
    std::string rank_source;  // the environment variable the rank came from, e.g. "RANK"
};

using EnvLookup = std::function<const char*(const char*)>;

// Reads the rank from the launcher's environment. The innermost launcher wins: torchrun's RANK
// (recognized by LOCAL_RANK or TORCHELASTIC_RUN_ID next to it) over OMPI_COMM_WORLD_RANK (Open
// MPI), PMI_RANK (MPICH, Intel MPI, srun --mpi=pmi2), PMIX_RANK, SLURM_PROCID (srun), then a bare
// RANK. With srun around torchrun, SLURM_PROCID numbers nodes while RANK numbers workers.
RunIdentity identify_run(const EnvLookup& env, std::string host, int64_t pid);
// The identity of this process (getenv, gethostname, getpid).
RunIdentity current_run_identity();

// "<host>-pid<pid>-rank<rank>.rafter" ("...-norank.rafter" without a rank); the host is reduced to
// characters that are safe in file names.
std::string trace_file_name(const RunIdentity& id);

} // namespace rafter::profiler
