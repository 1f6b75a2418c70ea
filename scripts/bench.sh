#!/usr/bin/env bash
# Builds the benchmarks in Release mode (build-bench/) and runs every bench executable, each on its
# default inputs from the real traces in tests/data/real (override with RAFTER_REAL_DATA_DIR).
# Benchmarks print throughput, peak RSS and a baseline measured in the same run; they are never
# pass/fail tests.
#   bash scripts/bench.sh [--reps N]
set -euo pipefail
cd "$(dirname "$0")/.."
reps=()
if [[ "${1:-}" == "--reps" && -n "${2:-}" ]]; then reps=(--reps "$2"); fi
data="${RAFTER_REAL_DATA_DIR:-$(pwd)/tests/data/real}"
export RAFTER_REAL_DATA_DIR="$data"

cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DRAFTER_BUILD_TESTS=OFF -DRAFTER_BUILD_BENCH=ON >/dev/null
# Only the benchmarks and what they link (the per-directory target of the Ninja generator).
cmake --build build-bench --target bench/all -j"$(nproc)"

status=0
for exe in build-bench/bench/bench_*; do
    [[ -f "$exe" && -x "$exe" ]] || continue
    name=$(basename "$exe")
    echo "== $name"
    case "$name" in
    bench_kineto) args=("${reps[@]}" --no-python "$data"/kineto/*.json.gz) ;;
    *) args=("${reps[@]}") ;;
    esac
    rc=0
    "$exe" "${args[@]}" || rc=$?
    # Exit code 4 (no_device): the hardware the benchmark measures is absent; it said why.
    if [[ $rc -eq 4 ]]; then echo "$name skipped (no device)"
    elif [[ $rc -ne 0 ]]; then echo "$name failed (exit $rc)"; status=1; fi
    echo
done
# A multi-rank set on 1 thread (the baseline) and on every core (bench/bench_rank_set.py).
echo "== bench_rank_set"
cmake --build build-bench --target rafter_cli -j"$(nproc)" >/dev/null
python3 bench/bench_rank_set.py build-bench/rafter "${reps[@]}" || status=1
echo

# The Python API against json.load + pandas (bench/bench_python_load.py), when the module is built.
if cmake --build build-bench --target rafter_python -j"$(nproc)" >/dev/null 2>&1; then
    echo "== bench_python_load"
    PYTHONPATH=build-bench/python /usr/bin/python3 bench/bench_python_load.py "${reps[@]}" \
        "$data"/kineto/a100-80gb-16rank-rank0.json.gz "$data"/kineto/a100-nccl-2rank-rank0.json.gz || status=1
else
    echo "bench_python_load skipped (the Python module is not built: see docs/python.md)"
fi
exit $status
