#!/usr/bin/env bash
# Builds the benchmarks in Release mode (build-bench/) and runs every bench executable, each on its
# default inputs from the shared data set (override with RAFTER_SHARED_DATA_DIR). Benchmarks print
# throughput, peak RSS and a baseline measured in the same run; they are never pass/fail tests.
#   bash scripts/bench.sh [--reps N]
set -euo pipefail
cd "$(dirname "$0")/.."
reps=()
if [[ "${1:-}" == "--reps" && -n "${2:-}" ]]; then reps=(--reps "$2"); fi
data="${RAFTER_SHARED_DATA_DIR:-$(pwd)/../shared/data}"
export RAFTER_SHARED_DATA_DIR="$data"

cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DRAFTER_BUILD_TESTS=OFF -DRAFTER_BUILD_BENCH=ON >/dev/null
cmake --build build-bench -j"$(nproc)"

status=0
for exe in build-bench/bench/bench_*; do
    [[ -f "$exe" && -x "$exe" ]] || continue
    name=$(basename "$exe")
    echo "== $name"
    case "$name" in
    bench_kineto) args=("${reps[@]}" --no-python "$data"/kineto/*.json.gz) ;;
    *) args=("${reps[@]}") ;;
    esac
    "$exe" "${args[@]}" || { echo "$name failed (exit $?)"; status=1; }
    echo
done
exit $status
