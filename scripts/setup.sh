#!/usr/bin/env bash
# One command on a fresh Debian machine: install what is missing, build, and run
# `rafter roofline` on a bundled example. A no-op for packages already present.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$(nproc)"

# The Python package into the Debian interpreter's site-packages (docs/python.md); without the
# rights to write there, it is used in-tree with PYTHONPATH=build/python.
if [[ -f build/python/rafter/__init__.py ]]; then
  if cmake --install build --component python > /dev/null 2>&1; then
    /usr/bin/python3 -c "import rafter; print('setup: Python package rafter', rafter.__version__, 'installed')"
  else
    echo "setup: could not install the Python package (no write access?): use PYTHONPATH=$PWD/build/python"
  fi
fi

mkdir -p out/example
./build/rafter roofline examples/ncu/deepcam-v100-fw --machine v100-sxm2 --top 15 -o out/example
echo "setup: charts and reports written to out/example/"
