#!/usr/bin/env bash
# Runs here, on a Debian machine without a GPU: prepares .gpu-deps/ for scripts/gpu-validate.sh,
# which runs on a GPU machine that has CUDA, CMake and PyTorch but none of Rafter's Debian
# libraries and no network (docs/validation/gpu-profiler.md, "How to run it on a GPU machine").
#
#   .gpu-deps/build/   a stripped Release build of only the GPU targets (rafter, the injection
#                      library, the CUDA ceilings module, the gpu-labelled tests and their CUDA
#                      programs, bench_launch_overhead), object files removed
#   .gpu-deps/root/    the Debian packages those binaries load (apt-get download + dpkg -x),
#                      found on their RPATH; libc/libstdc++ stay the GPU machine's own
#   .gpu-deps/MANIFEST packages and versions, the build's absolute path, the commit
#
# Building here saves the GPU lease the build time; the binaries are found again there through
# the absolute path they were built at (gpu-validate.sh links it to the copy). Everything must
# stay under the device tool's 64 MiB carry limit; the script fails if it does not.
#
#   usage: scripts/gpu-bundle.sh [--keep-objects]
set -euo pipefail
cd "$(dirname "$0")/.."

keep_objects=0
for a in "$@"; do
  case "$a" in
    --keep-objects) keep_objects=1 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "gpu-bundle: unknown argument '$a'" >&2; exit 2 ;;
  esac
done

top=$PWD
deps=.gpu-deps
libdir="$top/$deps/root/usr/lib/x86_64-linux-gnu"
limit_mib=56   # the working tree travels too (about 13 MiB): keep the sum under 64 MiB

command -v nvcc >/dev/null || [[ -x /usr/local/cuda/bin/nvcc ]] ||
  { echo "gpu-bundle: nvcc not found (the CUDA toolkit is needed to build the GPU targets)" >&2; exit 6; }
export PATH="$PATH:/usr/local/cuda/bin"
bash scripts/install-deps.sh

# Targets the gpu-labelled tests and gpu-validate.sh run; nothing else is built.
targets=(rafter_cli rafter_inject rafter_gpu_ceilings gpu_profile_test gpu_triad gpu_gemm
         bench_launch_overhead ceilings_gpu_device rafter_fake_cuda_driver)

mkdir -p "$deps"
cmake -S . -B "$deps/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CUDA_ARCHITECTURES="80;90" \
  -DCMAKE_BUILD_RPATH="$libdir" \
  -DCMAKE_EXE_LINKER_FLAGS=-s -DCMAKE_SHARED_LINKER_FLAGS=-s -DCMAKE_MODULE_LINKER_FLAGS=-s >/dev/null
cmake --build "$deps/build" -j"$(nproc)" --target "${targets[@]}"

# The Debian libraries the built binaries load, by package (the C and C++ runtimes and CUDA's
# own libraries excluded: the GPU machine has newer ones, and PyTorch needs its own).
mapfile -t binaries < <(find "$deps/build" -type f \( -perm -u+x -o -name '*.so' \) ! -name '*.o' \
                          ! -path '*/CMakeFiles/*' | sort)
mapfile -t libs < <(for b in "${binaries[@]}"; do ldd "$b" 2>/dev/null || true; done |
  awk '$2 == "=>" && $3 ~ /^\// {print $3}' | sort -u |
  grep -Ev '/(libc|libm|libpthread|libdl|librt|libstdc\+\+|libgcc_s|ld-linux-x86-64|libcu[a-z]*|libnv[a-z_]*)\.so' || true)
packages=()
for l in "${libs[@]}"; do
  [[ "$l" == "$libdir"/* ]] && l="/usr/lib/x86_64-linux-gnu/${l##*/}"
  # dpkg knows a library by the path its package installed (/lib or /usr/lib: merged /usr).
  p=$( { dpkg -S "$l" || dpkg -S "$(readlink -f "$l")" || dpkg -S "/usr$l"; } 2>/dev/null | head -1 | cut -d: -f1) || true
  [[ -n "$p" ]] && packages+=("$p")
done
# glibc, libgcc and libstdc++ stay the GPU machine's own, even where a library of theirs (libutil)
# was not caught by the name filter above.
mapfile -t packages < <(printf '%s\n' "${packages[@]}" | sort -u | grep -Evx 'libc6|libgcc-s1|libstdc\+\+6')

rm -rf "$deps/debs.tmp" "$deps/root.tmp"
mkdir -p "$deps/debs.tmp" "$deps/root.tmp"
(cd "$deps/debs.tmp" && apt-get download "${packages[@]}" >/dev/null)
for d in "$deps"/debs.tmp/*.deb; do dpkg -x "$d" "$deps/root.tmp"; done
# Only the shared libraries are needed there, in one folder (packages put some under /lib).
mkdir -p "$deps/root.tmp/usr/lib/x86_64-linux-gnu"
if [[ -d "$deps/root.tmp/lib/x86_64-linux-gnu" ]]; then
  cp -a "$deps/root.tmp/lib/x86_64-linux-gnu/." "$deps/root.tmp/usr/lib/x86_64-linux-gnu/"
fi
find "$deps/root.tmp" -mindepth 1 -maxdepth 1 ! -name usr -exec rm -rf {} +
find "$deps/root.tmp/usr" -mindepth 1 -maxdepth 1 ! -name lib -exec rm -rf {} +
rm -rf "$deps/root" && mv "$deps/root.tmp" "$deps/root"
rm -rf "$deps/debs.tmp"

if ((!keep_objects)); then
  find "$deps/build" \( -name '*.o' -o -name '*.a' -o -name '*.cubin' -o -name '*.fatbin*' \) -delete
fi

{
  echo "built_at: $top/$deps/build"
  echo "commit: $(git rev-parse HEAD)$(git diff --quiet HEAD -- . ':!.gpu-deps' || echo '+uncommitted')"
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "nvcc: $(nvcc --version | tail -1)"
  for p in "${packages[@]}"; do echo "package: $p $(dpkg-query -W -f='${Version}' "$p" 2>/dev/null)"; done
} >"$deps/MANIFEST"

size_mib=$(du -sm "$deps" | cut -f1)
echo "gpu-bundle: $deps is ${size_mib} MiB (${#packages[@]} packages: ${packages[*]})"
if ((size_mib > limit_mib)); then
  echo "gpu-bundle: $deps is over ${limit_mib} MiB; the device tool carries at most 64 MiB with the tree" >&2
  exit 1
fi
