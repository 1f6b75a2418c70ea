#pragma once
// The rafter side of `rafter calibrate comm --mpi`: find the rafter-comm-sweep executable, build
// the launcher command (mpirun, srun, or what --mpirun says) and run it, capturing its stdout
// (nccl-tests text, parsed by model/scaling/comm_benchmark_import). rafter itself does not link MPI: the sweep is
// a separate program, so rafter runs where no MPI runtime is installed.
#include <optional>
#include <string>
#include <vector>

namespace rafter {

struct CommSweepRequest {
    std::vector<std::string> launcher = {"mpirun"};  // --mpirun, split at whitespace
    bool default_launcher = true;                    // no --mpirun: local mpirun, --np defaults to 2
    std::optional<int> np;                           // ranks; nullopt: the launcher decides (srun, hostfile)
    std::string op = "all_reduce";                   // all_reduce, all_gather or reduce_scatter
    long long min_bytes = 8;
    long long max_bytes = 64ll << 20;
    int iters = 20;
    int warmup = 5;
};

// Whether this build has the sweep (configure found MPI); when not, why, for the error message.
bool comm_sweep_built();
std::string comm_sweep_missing_reason();

// The sweep executable: $RAFTER_COMM_SWEEP, next to the running rafter, <rafter>/../bin, or the
// build tree. Throws rafter::Error(not_available) naming where it looked.
std::string comm_sweep_executable();

// The full command: launcher, rank count (-np N, or -n N for srun), --oversubscribe when the
// default mpirun is asked for more ranks than `cores`, then the sweep and its options.
std::vector<std::string> comm_sweep_command(const CommSweepRequest& r, const std::string& sweep_exe,
                                            unsigned cores);

// Whether the command's program (its first word) is an executable file or found on PATH.
bool launcher_found(const std::vector<std::string>& command);

// Runs the command with stdout captured (stderr passes through: MPI's own messages). As root,
// OpenMPI refuses to start unless OMPI_ALLOW_RUN_AS_ROOT=1 and OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1:
// those are set for the child only (unless already set). Throws rafter::Error: not_available
// when the launcher is not on PATH, failure when it exits non-zero.
std::string run_comm_sweep(const std::vector<std::string>& command);

} // namespace rafter
