// I/O model against hand-computed values (docs/scaling.md, "I/O model").
#include <doctest/doctest.h>

#include "core/error.h"
#include "model/scaling/io.h"

using namespace rafter;

namespace {

IoWorkload data() {
    IoWorkload w;
    w.dataset_bytes = 1e12;
    w.sample_bytes = 1e6;
    w.samples_per_file = 1;
    w.epochs = 1;
    w.loader_workers = 4;
    w.prefetch_depth = 2;
    w.preprocess_s_per_sample = 0.01;
    return w;
}

IoSystem storage() {
    IoSystem s;
    s.client_read_bw = 2e9;
    s.filesystem_bw = 10e9;
    s.metadata_rate = 2e4;
    return s;
}

} // namespace

TEST_CASE("shared filesystem: the filesystem share limits 8 nodes") {
    // 8 nodes x 8 GPUs x 64 samples of 1 MB: 512 MB per node; share 10 GB/s / 8 = 1.25 GB/s.
    IoStep s = predict_io(data(), storage(), 8, 8, 512, 0.3);
    CHECK(s.bytes_per_node == doctest::Approx(512e6));
    CHECK(s.read_s == doctest::Approx(0.4096));
    CHECK(s.metadata_s == doctest::Approx(4096 / 2e4));  // 4096 opens on a shared metadata server
    CHECK(s.preprocess_s == doctest::Approx(64 * 0.01 / 4));
    CHECK(s.loader_s == doctest::Approx(0.4096));
    CHECK(s.limiter == "filesystem_bandwidth");
    CHECK(s.exposed_s == doctest::Approx(0.4096 - 0.3));
    // One node: its client link (2 GB/s) is the limit and the reads hide behind compute.
    IoStep one = predict_io(data(), storage(), 1, 8, 512, 0.3);
    CHECK(one.read_s == doctest::Approx(0.256));
    CHECK(one.limiter == "client_bandwidth");
    CHECK(one.exposed_s == 0);
}

TEST_CASE("staging, page cache and synchronous loading") {
    IoSystem st = storage();
    st.staging = StagingMode::shard;
    st.local_read_bw = 5e9;
    IoStep s = predict_io(data(), st, 8, 8, 512, 0.3);
    // One-time copy D / min(8 x 2 GB/s, 10 GB/s) = 100 s; then 512 MB from 5 GB/s local disks.
    CHECK(s.staging_once_s == doctest::Approx(100));
    CHECK(s.read_s == doctest::Approx(0.1024));
    CHECK(s.metadata_s == 0);
    CHECK(s.limiter == "preprocess");
    CHECK(s.loader_s == doctest::Approx(0.16));
    CHECK(s.exposed_s == 0);
    st.staging = StagingMode::full;
    CHECK(predict_io(data(), st, 8, 8, 512, 0.3).staging_once_s == doctest::Approx(800));

    // 10 epochs with the whole dataset in the page cache: 9 of 10 epochs read from memory.
    IoWorkload w = data();
    w.epochs = 10;
    IoSystem cached = storage();
    cached.page_cache_bytes = 2e12;
    IoStep c = predict_io(w, cached, 8, 8, 512, 0.3);
    CHECK(c.cached_fraction == doctest::Approx(0.9));
    CHECK(c.read_s == doctest::Approx(0.04096));

    // No workers: loading is on the critical path, decoding by the training process.
    w = data();
    w.loader_workers = 0;
    IoStep sync = predict_io(w, storage(), 8, 8, 512, 10.0);
    CHECK(sync.preprocess_s == doctest::Approx(0.64));
    CHECK(sync.exposed_s == doctest::Approx(0.64));
}

TEST_CASE("I/O bad input") {
    IoSystem s = storage();
    s.client_read_bw = 0;
    CHECK_THROWS_WITH_AS(predict_io(data(), s, 1, 8, 64, 1), doctest::Contains("system.io.client_read_bandwidth must be > 0"), Error);
    s = storage();
    s.staging = StagingMode::shard;
    CHECK_THROWS_WITH_AS(predict_io(data(), s, 1, 8, 64, 1), doctest::Contains("local_read_bandwidth"), Error);
    IoWorkload w = data();
    w.sample_bytes = -1;
    CHECK_THROWS_WITH_AS(predict_io(w, storage(), 1, 8, 64, 1), doctest::Contains("workload.data.sample_bytes"), Error);
}
