#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (every library instrumented with
# -fsanitize=fuzzer-no-link,address,undefined, in build-fuzz/) and runs each for a given time.
# The seed corpora in tests/fuzz/corpus_<format>/ are replayed by the normal tests
# (tests/traces/importers/test_fuzz_corpus.cpp).
#
#   tests/fuzz/run_fuzz.sh [SECONDS] [TARGET...]
#   TARGET: kineto_json nsys_rows ncu_csv native machine_json scenario_json io_json comm_text (default: all)
#
# Build, working corpora and logs go to $RAFTER_FUZZ_DIR (default build-fuzz/ in the repository);
# findings are written there as findings_<target>/crash-*|leak-*|timeout-* and the script exits
# non-zero. Works from a fresh clone with clang installed.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${RAFTER_FUZZ_DIR:-$ROOT/build-fuzz}
SECONDS_EACH=${1:-600}
shift || true
ALL=(kineto_json nsys_rows ncu_csv native machine_json scenario_json io_json comm_text)
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=("${ALL[@]}")
CC=${CC:-clang} CXX=${CXX:-clang++}
command -v "$CXX" > /dev/null || { echo "run_fuzz.sh: $CXX not found (libFuzzer needs clang)"; exit 6; }

mkdir -p "$OUT"
CC=$CC CXX=$CXX cmake -S "$ROOT" -B "$OUT" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRAFTER_FUZZ=ON \
    -DRAFTER_BUILD_TESTS=OFF -DRAFTER_BUILD_BENCH=OFF -DRAFTER_WITH_PYTHON=OFF -DRAFTER_WITH_CUPTI=OFF \
    -DRAFTER_WITH_PAPI=OFF > "$OUT/configure.log" 2>&1 || { cat "$OUT/configure.log"; exit 1; }
cmake --build "$OUT" --target $(printf 'fuzz_%s ' "${TARGETS[@]}") -j"$(nproc)" > "$OUT/build.log" 2>&1 ||
    { tail -30 "$OUT/build.log"; exit 1; }

status=0
for t in "${TARGETS[@]}"; do
    corpus="$ROOT/tests/fuzz/corpus_${t%%_*}"
    work="$OUT/corpus_$t"
    mkdir -p "$work" "$OUT/findings_$t"
    dict=()
    [ -f "$ROOT/tests/fuzz/${t%%_*}.dict" ] && dict=(-dict="$ROOT/tests/fuzz/${t%%_*}.dict")
    echo "fuzzing $t for ${SECONDS_EACH}s (log: $OUT/$t.log)"
    if ! "$OUT/tests/fuzz/fuzz_$t" "${dict[@]}" -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -max_len=65536 \
            -timeout=10 -print_final_stats=1 -artifact_prefix="$OUT/findings_$t/" "$work" "$corpus" > "$OUT/$t.log" 2>&1; then
        echo "FAILED: $t (see $OUT/$t.log and $OUT/findings_$t/)"
        status=1
    fi
    grep -E "^stat::number_of_executed_units|^stat::average_exec_per_sec|^stat::peak_rss_mb|cov: [0-9]+" "$OUT/$t.log" |
        grep -E "stat::|DONE" || tail -1 "$OUT/$t.log"
done
exit $status
