#!/usr/bin/env bash
# Installs Rafter into a temporary prefix, then builds examples/consumer against the installed
# package twice: with find_package(rafter) and with pkg-config. Each build must run and report the
# DeepCAM example's 797 launches in 45 groups. With a Python site directory (relative to the prefix)
# given, the installed Python package must import from there and load the same example.
set -euo pipefail
build_dir=$1 source_dir=$2 python_site=${3:-} python=${4:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

cmake --install "$build_dir" --prefix "$prefix" > "$work/install.log"
test -f "$prefix/lib/cmake/rafter/rafterConfig.cmake"
test -f "$prefix/lib/pkgconfig/rafter.pc"
test -f "$prefix/include/rafter/traces/trace.h"

expect="45 groups, 797 launches"
input="$source_dir/examples/ncu/deepcam-v100-fw"

cmake -S "$source_dir/examples/consumer" -B "$work/cmake-build" -G Ninja \
      -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release > "$work/configure.log"
cmake --build "$work/cmake-build" -j2 > "$work/build.log" || { cat "$work/build.log"; exit 1; }
out=$("$work/cmake-build/top_kernels" v100-sxm2 "$input")
echo "$out"
grep -q "$expect" <<< "$out" || { echo "find_package consumer: expected '$expect'"; exit 1; }

export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
flags=$(pkg-config --cflags --libs --static rafter)
c++ -O1 "$source_dir/examples/consumer/main.cpp" -o "$work/top_kernels_pc" $flags
out=$("$work/top_kernels_pc" v100-sxm2 "$input")
grep -q "$expect" <<< "$out" || { echo "pkg-config consumer: expected '$expect'"; exit 1; }
if [[ -n "$python_site" ]]; then
  test -f "$prefix/$python_site/rafter/__init__.py"
  launches=$(cd "$work" && PYTHONPATH="$prefix/$python_site" "$python" -c \
    "import rafter, sys; print(int(rafter.load(sys.argv[1]).kernels['launches'].sum()))" "$input")
  [[ "$launches" == 797 ]] || { echo "installed Python package: expected 797 launches, got '$launches'"; exit 1; }
  echo "package test: the installed Python package imports from $python_site"
fi
echo "package test: find_package and pkg-config consumers both work"
