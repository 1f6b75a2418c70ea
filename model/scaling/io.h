#pragma once
// Data-loading cost per training step: how long the readers take to bring in one step's samples
// from the shared filesystem, a node-local staged copy or the page cache, and how much of that
// is not hidden behind compute by the data-loader workers' prefetching. Formulas in
// docs/scaling.md ("I/O model"); this file and io.cpp are their one source.
#include <optional>
#include <string>

namespace rafter {

// What a storage system delivers to one client, as measured by `rafter calibrate io` or fio.
// Missing figures stay missing (nullopt), never 0.
struct IoProfile {
    std::string source;                     // "measured: /scratch/x", "fio: run.json"
    std::optional<double> seq_read_bw;      // bytes/s
    std::optional<double> rand_read_bw;     // bytes/s at rand_block_bytes
    std::optional<double> rand_read_iops;   // reads/s
    std::optional<double> rand_block_bytes;
    std::optional<double> file_open_rate;   // open+close per second (metadata)
    std::optional<bool> o_direct;           // true when reads bypassed the page cache
    std::string notes;
};

enum class StagingMode { none, shard, full };
const char* to_string(StagingMode m);

// The storage side of a system.
struct IoSystem {
    double client_read_bw = 0;               // bytes/s one node can read from the shared FS
    std::optional<double> filesystem_bw;     // aggregate bytes/s of the shared FS (all clients)
    std::optional<double> metadata_rate;     // file opens/s the shared FS serves (all clients)
    StagingMode staging = StagingMode::none; // copy the dataset to node-local storage first
    std::optional<double> local_read_bw;     // bytes/s of node-local storage (staging)
    double page_cache_bytes = 0;             // memory per node that can cache the dataset
};

// The data side of a workload.
struct IoWorkload {
    double dataset_bytes = 0;
    double sample_bytes = 0;
    double samples_per_file = 1;     // 1: a file per sample; large for packed shards (TFRecord, ...)
    int epochs = 1;
    int loader_workers = 1;          // per GPU; 0 = loading in the training loop (synchronous)
    int prefetch_depth = 2;          // batches each worker keeps ahead (PyTorch prefetch_factor)
    double preprocess_s_per_sample = 0;  // CPU decode/augment time of one sample in one worker
};

struct IoStep {
    double bytes_per_node = 0;       // read per node per step
    double read_s = 0;               // data transfer per step, averaged over the epochs
    double metadata_s = 0;           // file opens per step, averaged over the epochs
    double preprocess_s = 0;         // decode per step per GPU with the workers in parallel
    double loader_s = 0;             // max of the three: the loaders' time per step
    double exposed_s = 0;            // the part of loader_s not hidden behind the step's compute
    double staging_once_s = 0;       // one-time copy to node-local storage (0 without staging)
    double cached_fraction = 0;      // of the reads served by the page cache over the run
    std::string limiter;             // "client_bandwidth", "filesystem_bandwidth",
                                     // "local_bandwidth", "metadata", "preprocess"
};

// One step with `samples_per_node` samples read per node on `nodes` nodes of `gpus_per_node`
// GPUs; `compute_step_s` is the step time without I/O, the window the loaders can hide behind.
// Throws rafter::Error naming the field when an input needed by the chosen mode is missing or
// not positive.
IoStep predict_io(const IoWorkload& w, const IoSystem& s, int nodes, int gpus_per_node,
                  double samples_per_node, double compute_step_s);

} // namespace rafter
