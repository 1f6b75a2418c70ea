#pragma once
// Empirical CPU ceilings (ERT style): a working-set sweep of a triad kernel over all threads,
// plateau detection for L1, L2 (L3) and DRAM bandwidth, and FMA peaks for fp64 and fp32 on one
// thread and on all threads. The result becomes a Rafter machine file (docs/ceilings.md).
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "profiler/ceilings/cpu_kernels.h"
#include "profiler/ceilings/plateau.h"
#include "model/machines/machine.h"

namespace rafter::ceilings {

struct CpuCeilingOptions {
    bool quick = false;   // fewer sizes, shorter trials (tests, a first look)
    int threads = 0;      // 0 = every hardware thread
    int trials = 0;       // per point; 0 = 5 (quick: 3)
    double max_bytes = 0; // largest working set; 0 = 6x the caches, at least 1 GiB (quick: 256 MiB)
};

struct SweepSample {
    double bytes = 0;               // working set over all threads (three arrays)
    double bandwidth = 0;           // best trial, bytes/s (ERT convention)
    std::vector<double> trials;     // bytes/s of each trial
};

struct FlopPeak {
    double one_thread = 0;   // FLOP/s, best trial
    double all_threads = 0;
};

struct CpuCeilings {
    Isa isa = Isa::scalar;
    int threads = 1;
    bool pinned = false;
    double l1_bytes = 0, l2_bytes = 0, l3_bytes = 0;  // per core/share as the OS reports; 0 = unknown
    std::vector<SweepSample> sweep;
    std::vector<Plateau> plateaus;
    LevelPlateaus levels;
    FlopPeak fp64, fp32;
    double seconds = 0;  // wall time of the measurement
};

CpuCeilings measure_cpu_ceilings(const CpuCeilingOptions& options);

// The caches `threads` threads see together, as the OS reports them (0 = every hardware thread):
// the capacities the sweep's levels and its DRAM cut are judged by.
CacheCapacity os_cache_capacity(int threads);

// One FMA-peak figure (FLOP/s, best of `trials`) on `threads` threads.
double measure_fma_peak(Isa isa, bool fp64, int threads, double seconds_per_trial, int trials);
// Triad bandwidth (bytes/s, best of `trials`) for one working set on `threads` threads.
double measure_triad_bandwidth(Isa isa, double working_set_bytes, int threads, int trials);

// The caller's words in the machine file, which may name its own commands and options (this
// library names none).
struct CpuMachineWording {
    std::string source = "Rafter's CPU ceilings sweep (measured)";  // the machine's `source` line
    // What a user can do when the sweep stopped short of DRAM, appended to that reason; empty: nothing.
    std::string longer_sweep_hint;
};

// The machine file: peaks (fp64, fp32 all threads) and bandwidths (l1, l2, dram; null when no
// plateau was found) with a source line per figure.
Machine ceilings_machine(const CpuCeilings& c, const std::string& name, const CpuMachineWording& words = {});
// The raw data (sweep, plateaus, single-thread peaks) as a "rafter.ceilings_sweep/1" document.
void write_sweep_json(std::ostream& out, const CpuCeilings& c);

} // namespace rafter::ceilings
