#!/usr/bin/env bash
# The whole test suite: a normal build and an AddressSanitizer + UndefinedBehaviorSanitizer build,
# each running every ctest test (GPU tests skip with a printed reason when there is no GPU), then a
# short fuzz pass over every input format when clang is present.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

bash scripts/install-deps.sh

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$jobs"
(cd build && ctest --output-on-failure -j"$jobs")

cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DRAFTER_SANITIZE=ON -DRAFTER_BUILD_BENCH=OFF
cmake --build build-asan -j"$jobs"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j"$jobs")

# A short fuzz pass over every input format (20 s per target) when clang is present
# (tests/fuzz/README.md): a crash, leak or sanitizer report fails the suite.
if command -v clang++ > /dev/null; then
  bash tests/fuzz/run_fuzz.sh 20
else
  echo "test.sh: clang++ not found: the short fuzz pass is skipped"
fi
