#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (-fsanitize=fuzzer,address,undefined) and runs each for
# a given time, one job each. Not part of the test suite; the seed corpora in tests/fuzz/corpus_*
# are replayed by the normal tests (tests/traces/importers/test_fuzz_corpus.cpp).
#
#   tests/fuzz/run_fuzz.sh [SECONDS] [TARGET...]     TARGET: kineto_json nsys_rows (default: both)
#
# Build and working corpora go to $RAFTER_FUZZ_DIR (default build-fuzz/ in the repository);
# findings are written there as crash-*/leak-*/timeout-* files and the script exits non-zero.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${RAFTER_FUZZ_DIR:-$ROOT/build-fuzz}
SECONDS_EACH=${1:-600}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=(kineto_json nsys_rows)
CXX=${CXX:-clang++}
mkdir -p "$OUT/obj"

CXXFLAGS=(-std=c++20 -O1 -g -fno-omit-frame-pointer -I"$ROOT" -I"$ROOT/tests/fuzz")
SAN=(-fsanitize=address,undefined -fno-sanitize-recover=undefined)
COMMON_SRCS=(core/error.cpp core/diagnostics.cpp core/metric_kinds.cpp core/progress.cpp core/text.cpp traces/trace.cpp
             traces/import_progress.cpp)
declare -A SRCS LIBS
SRCS[kineto_json]="traces/gzip_stream.cpp traces/importers/kineto/kineto_json.cpp traces/importers/kineto/kineto_events.cpp traces/importers/kineto/kineto_importer.cpp"
LIBS[kineto_json]="-lsimdjson -lz -ldeflate"
SRCS[nsys_rows]="traces/importers/nsys/nsys_rows.cpp"
LIBS[nsys_rows]=""

compile() {  # compile SRC into $OUT/obj (only when the source is newer)
    local src=$1 obj="$OUT/obj/$(echo "$1" | tr / _).o"
    if [ ! -f "$obj" ] || [ "$ROOT/$src" -nt "$obj" ] || [ -n "$(find "$ROOT/core" "$ROOT/traces" -name '*.h' -newer "$obj" -print -quit)" ]; then
        "$CXX" "${CXXFLAGS[@]}" "${SAN[@]}" -fsanitize=fuzzer-no-link -c "$ROOT/$src" -o "$obj"
    fi
    echo "$obj"
}

status=0
for t in "${TARGETS[@]}"; do
    objs=()
    for s in "${COMMON_SRCS[@]}" ${SRCS[$t]}; do objs+=("$(compile "$s")"); done
    bin="$OUT/fuzz_$t"
    "$CXX" "${CXXFLAGS[@]}" "${SAN[@]}" -fsanitize=fuzzer "$ROOT/tests/fuzz/fuzz_$t.cpp" "${objs[@]}" ${LIBS[$t]} -o "$bin"
    seeds="$ROOT/tests/fuzz/corpus_${t%%_*}"
    work="$OUT/corpus_$t"
    mkdir -p "$work" "$OUT/findings_$t"
    dict=()
    [ "$t" = kineto_json ] && dict=(-dict="$ROOT/tests/fuzz/kineto.dict")
    echo "fuzzing $t for ${SECONDS_EACH}s (log: $OUT/$t.log)"
    if ! "$bin" "${dict[@]}" -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -max_len=65536 -timeout=10 \
            -print_final_stats=1 -artifact_prefix="$OUT/findings_$t/" "$work" "$seeds" > "$OUT/$t.log" 2>&1; then
        echo "FAILED: $t (see $OUT/$t.log and $OUT/findings_$t/)"
        status=1
    fi
    grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|Done [0-9]+ runs" "$OUT/$t.log" || true
done
exit $status
