#include "model/scaling/io.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace rafter {

namespace {

void require_positive(double v, const char* field) {
    if (!(std::isfinite(v) && v > 0))
        throw Error(ExitCode::bad_input, std::string(field) + " must be > 0");
}

} // namespace

const char* to_string(StagingMode m) {
    switch (m) {
    case StagingMode::none: return "none";
    case StagingMode::shard: return "shard";
    case StagingMode::full: return "full";
    }
    return "none";
}

IoStep predict_io(const IoWorkload& w, const IoSystem& s, int nodes, int gpus_per_node,
                  double samples_per_node, double compute_step_s) {
    require_positive(w.sample_bytes, "workload.data.sample_bytes");
    require_positive(w.dataset_bytes, "workload.data.dataset_bytes");
    require_positive(w.samples_per_file, "workload.data.samples_per_file");
    if (w.epochs < 1) throw Error(ExitCode::bad_input, "workload.data.epochs must be >= 1");
    if (w.loader_workers < 0 || w.prefetch_depth < 0)
        throw Error(ExitCode::bad_input, "workload.data.loader_workers and prefetch_depth must be >= 0");
    require_positive(s.client_read_bw, "system.io.client_read_bandwidth");
    if (s.filesystem_bw) require_positive(*s.filesystem_bw, "system.io.filesystem_bandwidth");
    if (s.metadata_rate) require_positive(*s.metadata_rate, "system.io.metadata_rate");

    IoStep out;
    double N = std::max(1, nodes);
    out.bytes_per_node = samples_per_node * w.sample_bytes;

    // The slowest of the node's client link and its share of the filesystem.
    double fs_share = s.filesystem_bw ? *s.filesystem_bw / N : INFINITY;
    double shared_bw = std::min(s.client_read_bw, fs_share);
    const char* shared_limiter = fs_share < s.client_read_bw ? "filesystem_bandwidth" : "client_bandwidth";

    double bw = shared_bw;
    const char* limiter = shared_limiter;
    double resident_bytes = w.dataset_bytes;  // what a node must hold for the cache to serve it
    if (s.staging != StagingMode::none) {
        if (!s.local_read_bw)
            throw Error(ExitCode::bad_input, "system.io.local_read_bandwidth is required when staging");
        require_positive(*s.local_read_bw, "system.io.local_read_bandwidth");
        double fs_bw = s.filesystem_bw ? *s.filesystem_bw : INFINITY;
        // Sharded staging: each node copies the 1/N of the dataset its ranks read, all nodes at
        // once: D / min(N x client bandwidth, filesystem bandwidth). A full copy per node moves
        // N times the bytes through the same bottleneck.
        double moved = s.staging == StagingMode::full ? w.dataset_bytes * N : w.dataset_bytes;
        out.staging_once_s = moved / std::min(N * s.client_read_bw, fs_bw);
        if (s.staging == StagingMode::shard) resident_bytes = w.dataset_bytes / N;
        bw = *s.local_read_bw;
        limiter = "local_bandwidth";
    }

    // Epochs after the first come from the page cache when what the node reads fits in it.
    if (resident_bytes <= s.page_cache_bytes && w.epochs > 1)
        out.cached_fraction = static_cast<double>(w.epochs - 1) / w.epochs;
    double uncached = 1 - out.cached_fraction;

    out.read_s = out.bytes_per_node / bw * uncached;
    if (s.staging == StagingMode::none && s.metadata_rate) {
        // The metadata server is shared by every node's opens.
        double opens_total = samples_per_node * N / w.samples_per_file;
        out.metadata_s = opens_total / *s.metadata_rate * uncached;
    }
    int workers = std::max(1, w.loader_workers);
    double samples_per_gpu = samples_per_node / std::max(1, gpus_per_node);
    out.preprocess_s = samples_per_gpu * w.preprocess_s_per_sample / workers;

    out.loader_s = out.read_s;
    out.limiter = limiter;
    if (out.metadata_s > out.loader_s) {
        out.loader_s = out.metadata_s;
        out.limiter = "metadata";
    }
    if (out.preprocess_s > out.loader_s) {
        out.loader_s = out.preprocess_s;
        out.limiter = "preprocess";
    }
    // Workers with prefetching load the next batches while the GPU computes this one; without
    // workers or prefetch the loading is on the critical path.
    bool overlapped = w.loader_workers > 0 && w.prefetch_depth > 0;
    out.exposed_s = overlapped ? std::max(0.0, out.loader_s - compute_step_s) : out.loader_s;
    return out;
}

} // namespace rafter
