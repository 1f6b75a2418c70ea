#!/usr/bin/env bash
# One command on a fresh Debian machine: install what is missing, build, and run
# `rafter roofline` on a bundled example. A no-op for packages already present.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$(nproc)"

mkdir -p out/example
./build/rafter roofline examples/ncu/deepcam-v100-fw --machine v100-sxm2 --top 15 -o out/example
echo "setup: charts and reports written to out/example/"
