#!/usr/bin/env bash
# The GPU validation run, as one command on a GPU machine (docs/validation/gpu-profiler.md):
# validates Rafter's profiler and GPU ceilings on the device and writes what it found into $OUT:
#
#   summary.md        device, driver, versions, date, every figure, pass/fail per step
#   summary.json      the same figures, machine-readable (schema rafter.gpu_validation/1)
#   log.txt           every step's command and output
#   artifacts.tar.gz  the traces (*.rafter), roofline JSON/CSV/SVG, ncu CSVs, machine files
#
# It uses the build that scripts/gpu-bundle.sh prepared in .gpu-deps/ (the GPU machine has no
# Rafter dependencies and no network), or --build DIR. Every step runs under `timeout`; a step
# that fails is recorded and the run goes on. The run stays within a time budget (default 480 s)
# by skipping the optional steps that would not fit, saying so.
#
#   usage: scripts/gpu-validate.sh [--dry-run] [--build DIR] [--out DIR] [--budget SECONDS] [--only A,B]
#
#   --only      run only the named steps (comma-separated), e.g. a second try of what failed
#
#   --dry-run   run here, without a GPU: every step that needs none (bundle check, metric plan,
#               ctest -L gpu, which skips) and the summary; GPU steps are listed as skipped.
#               Exit status 0 when those steps and the summary work, 1 otherwise (CI runs this:
#               ctest gpu_validate_dry_run).
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

dry=0
build=.gpu-deps/build
out=${OUT:-$repo/out/gpu-validate}
budget=480
only=""
while (($#)); do
  case "$1" in
    --dry-run) dry=1 ;;
    --build) build=${2:?--build needs a directory}; shift ;;
    --out) out=${2:?--out needs a directory}; shift ;;
    --budget) budget=${2:?--budget needs seconds}; shift ;;
    --only) only=",${2:?--only needs step names},"; shift ;;
    -h|--help) sed -n '2,/^set -uo/p' "$0" | grep '^#'; exit 0 ;;
    *) echo "gpu-validate: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ "$budget" =~ ^[0-9]+$ ]] || { echo "gpu-validate: --budget takes whole seconds, not '$budget'" >&2; exit 2; }

start_s=$SECONDS
mkdir -p "$out"
work=$(mktemp -d "${TMPDIR:-/tmp}/rafter-gpu-validate.XXXXXX")
log=$out/log.txt
status=$work/status.tsv
: >"$log"
: >"$status"
note() { echo "$*" | tee -a "$log"; }

# --- Where the build is, and making it runnable here -------------------------------------------
# The bundle was built at another path; its binaries and CTest files name that path. Link it to
# this copy when it does not exist here (the GPU machine runs as root).
relocate() {
  local manifest=$build/../MANIFEST built_at
  [[ -f "$manifest" ]] || return 0
  built_at=$(sed -n 's/^built_at: //p' "$manifest")
  [[ -z "$built_at" || "$built_at" == "$(cd "$build" && pwd)" ]] && return 0
  local built_root=${built_at%/.gpu-deps/build}
  if [[ -e "$built_root" ]]; then
    note "relocate: $built_root exists here and is not this checkout; the bundle's absolute paths may not resolve"
    return 1
  fi
  if ((dry)); then
    note "relocate: would link $built_root -> $repo (dry run: not done)"
    return 0
  fi
  mkdir -p "$(dirname "$built_root")" && ln -s "$repo" "$built_root" &&
    note "relocate: linked $built_root -> $repo (the bundle's build path)"
}

# libcupti, libnvperf_host, cuBLAS and the CUDA runtime: the toolkit's when the binaries' RUNPATH
# finds them, else wherever this machine has them (PyTorch's wheels carry them too).
add_cuda_libs() {
  local missing lib dir
  missing=$( { ldd "$build/librafter_inject.so" 2>/dev/null; ldd "$build/tests/profiler/cupti/device/gpu_gemm" 2>/dev/null; } |
             awk '/not found/ {print $1}' | sort -u)
  for lib in $missing; do
    dir=$(find /usr/local /usr/lib /opt "$(python3 -c 'import site; print(site.getsitepackages()[0])' 2>/dev/null || echo /nonexistent)" \
            -name "$lib" -print -quit 2>/dev/null | xargs -r dirname)
    if [[ -n "$dir" ]]; then
      export LD_LIBRARY_PATH="$dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
      note "libraries: $lib from $dir"
    else
      note "libraries: $lib not found on this machine"
    fi
  done
}

# --- Steps -------------------------------------------------------------------------------------
# step NAME NEEDS TIMEOUT CMD...: NEEDS is "gpu" or "none"; optional steps use "gpu-optional"
# (skipped when the budget is spent). The step's output goes to $work/NAME.log and the log.
step() {
  local name=$1 needs=$2 limit=$3; shift 3
  local t0=$SECONDS rc
  if [[ -n "$only" && "$only" != *",$name,"* ]]; then
    printf '%s\tskipped\t0\tnot in --only\n' "$name" >>"$status"
    return 0
  fi
  if ((dry)) && [[ $needs != none ]]; then
    printf '%s\tskipped\t0\tdry run: needs a GPU\n' "$name" >>"$status"
    return 0
  fi
  local left=$((budget - (SECONDS - start_s)))
  if [[ $needs == gpu-optional ]] && ((left < limit)); then
    printf '%s\tskipped\t0\ttime budget: %ss left, the step may take %ss\n' "$name" "$left" "$limit" >>"$status"
    note "== $name: skipped (budget)"
    return 0
  fi
  ((limit > left && left > 30)) && limit=$left
  note "== $name ($(date -u +%H:%M:%S), limit ${limit}s): $*"
  timeout -k 10 "$limit" bash -c '"$@"' step "$@" >"$work/$name.log" 2>&1
  rc=$?
  cat "$work/$name.log" >>"$log"
  local verdict=fail
  ((rc == 0)) && verdict=pass
  ((rc == 124 || rc == 137)) && verdict=timeout
  ((rc == 6)) && verdict=unavailable   # Rafter's "not part of this build" (e.g. CUPTI under ASan)
  printf '%s\t%s\t%s\trc=%s\n' "$name" "$verdict" "$((SECONDS - t0))" "$rc" >>"$status"
  note "== $name: $verdict (rc $rc, $((SECONDS - t0)) s)"
  return 0
}

R=$build/rafter
triad=$build/tests/profiler/cupti/device/gpu_triad
gemm=$build/tests/profiler/cupti/device/gpu_gemm
n=134217728   # 2^27 floats: 512 MiB per array, far beyond the 50-60 MB L2 of an A100/H100/H200

# ncu collects exactly the metrics Rafter's plan for this chip collects (rafter profile
# --list-metrics), so that both paths measure the same counters; both go through rafter roofline.
ncu_bin=$(command -v ncu || find /opt/nvidia /usr/local -name ncu -type f -perm -u+x -print -quit 2>/dev/null || true)

env_info() {
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host: $(hostname) $(uname -r), $(nproc) cores, uid $(id -u)"
  if command -v nvidia-smi >/dev/null; then
    nvidia-smi -q | head -40
    nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem,clocks.max.sm,power.limit,persistence_mode,compute_mode --format=csv
  else
    echo "nvidia-smi: not found"
  fi
  echo "RmProfilingAdminOnly: $(grep RmProfilingAdminOnly /proc/driver/nvidia/params 2>/dev/null || echo 'no /proc/driver/nvidia/params')"
  echo "nvcc: $( (nvcc --version || /usr/local/cuda/bin/nvcc --version) 2>/dev/null | tail -1)"
  echo "ncu: ${ncu_bin:-not found} $([[ -n "$ncu_bin" ]] && "$ncu_bin" --version | tail -1)"
  echo "torch: $(python3 -c 'import torch; print(torch.__version__, torch.version.cuda)' 2>&1 | tail -1)"
  echo "bundle:"; cat "$build/../MANIFEST" 2>/dev/null || echo "(no MANIFEST: $build is not a gpu-bundle.sh build)"
}

bundle_check() {
  set -e
  [[ -x "$R" ]] || { echo "missing: $R"; exit 1; }
  if [[ ! -e "$build/librafter_inject.so" ]]; then
    echo "no $build/librafter_inject.so: this build has no CUPTI profiler (no CUDA toolkit at configure time)"
    exit 6
  fi
  ldd "$R" "$build/librafter_inject.so" | grep -E 'not found' && exit 1
  "$R" --version
  "$R" machines >/dev/null && echo "rafter machines: ok"
}


# Counters of one program through Rafter and through ncu, both analysed by `rafter roofline`.
rafter_vs_ncu() {
  local name=$1; shift
  set -e
  "$R" profile --mode counters -o "$work/$name-rafter" -- "$@"
  "$R" roofline "$work/$name-rafter" --machine h200-sxm --format json --quiet >"$work/$name-rafter.json"
  [[ -n "$ncu_bin" ]] || { echo "ncu not found on this machine"; exit 1; }
  local metrics
  metrics=$("$R" profile --list-metrics --chip GH100 | awk '/^  [a-z]/ {print $1}' | paste -sd, -)
  "$ncu_bin" --clock-control none --metrics "$metrics" --csv --page details --log-file "$work/$name-ncu.csv" "$@"
  "$R" roofline "$work/$name-ncu.csv" --machine h200-sxm --format json --quiet >"$work/$name-ncu.json"
}

sigterm_run() {
  # A time-mode run killed by SIGTERM (what Slurm sends at the time limit) still writes its trace.
  "$R" profile --mode time -o "$work/sigterm" -- "$triad" "$n" 20000 &
  local pid=$!
  sleep 6
  kill -TERM "$pid"
  wait "$pid"
  echo "rafter profile exit status after SIGTERM: $?"
  ls -la "$work/sigterm"
  ls "$work"/sigterm/*.rafter >/dev/null && "$R" roofline "$work/sigterm" --machine h200-sxm --format json --quiet \
    >"$work/sigterm.json"
}

# Kernel replay saves and restores the program's device memory around every pass: the model is
# kept small so that counters mode finishes within the budget (a 4-layer d=1024 model did not
# finish in 165 s on an H200).
small="--d-model 512 --layers 2 --batch 4 --seq 256"

# The metrics CUPTI returns for one SGEMM kernel, with the full plan, hardware counters alone,
# SASS counters alone and eager module loading (the log line "first kernel's metric values").
metric_probe() {
  local hw="l1tex__t_bytes.sum,lts__t_bytes.sum,dram__bytes.sum,gpu__time_duration.sum"
  local sass="sm__sass_thread_inst_executed_op_fadd_pred_on.sum,sm__sass_thread_inst_executed_op_fmul_pred_on.sum,sm__sass_thread_inst_executed_op_ffma_pred_on.sum"
  echo "--- default plan"; "$R" profile --mode counters -o "$work/mp-default" -- "$gemm" sgemm 2048 2048 2048 2>&1 | grep -v "^rafter profile: running\|^wrote\|^  /" || true
  echo "--- hardware metrics only"; RAFTER_PROFILE_METRICS=$hw "$R" profile --mode counters -o "$work/mp-hw" -- "$gemm" sgemm 2048 2048 2048 2>&1 | grep -v "^rafter profile: running\|^wrote\|^  /" || true
  echo "--- sass metrics only"; RAFTER_PROFILE_METRICS=$sass "$R" profile --mode counters -o "$work/mp-sass" -- "$gemm" sgemm 2048 2048 2048 2>&1 | grep -v "^rafter profile: running\|^wrote\|^  /" || true
  echo "--- default plan, eager module loading"; CUDA_MODULE_LOADING=EAGER "$R" profile --mode counters -o "$work/mp-eager" -- "$gemm" sgemm 2048 2048 2048 2>&1 | grep -v "^rafter profile: running\|^wrote\|^  /" || true
  for d in mp-default mp-hw mp-sass mp-eager; do
    "$R" roofline "$work/$d" --machine h200-sxm --format json --quiet >"$work/$d.json" 2>/dev/null || true
  done
}

torch_both() {
  set -e
  "$R" profile --mode both -o "$work/torch-both" -- python3 "$repo/scripts/gpu/torch_step.py" --steps 2 --warmup 1 $small --nvtx
  "$R" roofline "$work/torch-both" --format json --quiet -o "$work/torch-both-roofline" >"$work/torch-both.json"
  "$R" roofline "$work/torch-both" --group-by base --top 15
  "$R" roofline "$work/torch-both" --group-by region --top 15 || true
}

# Counters (or times) of one traced program as roofline JSON, grouped by kernel.
traced() {
  local name=$1 mode=$2; shift 2
  set -e
  "$R" profile --mode "$mode" -o "$work/$name" "$@"
  "$R" roofline "$work/$name" --machine h200-sxm --format json --quiet >"$work/$name.json"
  "$R" roofline "$work/$name" --machine h200-sxm --top 10
}

torch_kineto() {
  set -e
  python3 "$repo/scripts/gpu/torch_step.py" --steps 2 --warmup 1 $small --torch-profiler "$work/torch-kineto.json"
  "$R" roofline "$work/torch-kineto.json" --format json --quiet -o "$work/torch-kineto-roofline" >"$work/torch-kineto-k.json"
  "$R" roofline "$work/torch-kineto.json" --group-by op --format json --quiet >"$work/torch-kineto-op.json"
  "$R" roofline "$work/torch-kineto.json" --group-by op --top 15
}

# The GEMM sweep fitted by `rafter calibrate gemm` (docs/scaling.md, "GEMM efficiency from a profile").
gemm_fit() {
  set -e
  python3 "$repo/scripts/gpu/gemm_sweep.py" --quick --out "$work/gemm-sweep.json"
  "$R" calibrate gemm "$work/gemm-sweep.json" --quiet -o "$work/gemm-calibration.json"
}

export R triad gemm n work repo build ncu_bin small
export -f gemm_fit env_info bundle_check rafter_vs_ncu sigterm_run torch_both torch_kineto traced metric_probe

relocate_rc=0
relocate || relocate_rc=1
((dry)) || add_cuda_libs

step env none 60 env_info
step bundle none 30 bundle_check
step metrics none 60 "$R" profile --list-metrics --chip GH100
step probe gpu 30 "$R" profile --mode time -o "$work/probe" -- "$triad" 1048576 1
step metric_probe gpu 60 metric_probe
step triad_time gpu 60 traced triad-time time -- "$triad" "$n" 3
step triad_counters gpu 90 traced triad-counters counters -- "$triad" "$n" 3
step triad_counters_batch2 gpu 90 traced triad-counters-b2 counters --batch 2 -- "$triad" "$n" 3
step ctest_gpu none 300 ctest --test-dir "$build" -L gpu -V --timeout 240
step launch_bench gpu 90 "$build/bench/bench_launch_overhead" --launches 100000 --reps 5
step sigterm gpu-optional 40 sigterm_run
step ncu_sgemm gpu-optional 60 rafter_vs_ncu sgemm "$gemm" sgemm 4096 4096 4096
step ncu_triad gpu-optional 60 rafter_vs_ncu triad "$triad" "$n" 2
step torch_kineto gpu-optional 60 torch_kineto
step ceilings gpu-optional 60 "$R" ceilings --gpu -o "$work/gpu-ceilings.json"
step torch_reference gpu-optional 45 sh -c "python3 '$repo/scripts/gpu/torch_reference.py' >'$work/torch-reference.json'"
step torch_both gpu-optional 120 torch_both
step ceilings_counters gpu-optional 90 sh -c "'$R' profile --mode counters -o '$work/ceilings-counters' -- '$R' ceilings --gpu --quick -o '$work/ceilings-quick.json' && '$R' roofline '$work/ceilings-counters' --machine h200-sxm --format json --quiet >'$work/ceilings-counters.json'"
step gemm_fit gpu-optional 60 gemm_fit
step torch_coexist gpu-optional 60 sh -c "'$R' profile --mode time -o '$work/coexist' -- python3 '$repo/scripts/gpu/torch_step.py' --steps 2 --warmup 1 $small --torch-profiler '$work/coexist-kineto.json'; ls -la '$work/coexist'"

# --- Summary -----------------------------------------------------------------------------------
python3 "$repo/scripts/gpu/gpu_figures.py" --work "$work" --status "$status" --out "$out" \
  $( ((dry)) && echo --dry-run ) >>"$log" 2>&1
figures_rc=$?
tar -czf "$out/artifacts.tar.gz" -C "$work" --exclude='*.log' . 2>>"$log"
[[ -f "$out/summary.md" ]] && cat "$out/summary.md"
note "gpu-validate: $((SECONDS - start_s)) s in all; results in $out"
rm -rf "$work"
if ((figures_rc != 0 || relocate_rc != 0)); then exit 1; fi
if ((dry)) && grep -qP '\t(fail|timeout)\t' "$status"; then
  note "gpu-validate: a step that needs no GPU failed in the dry run"
  exit 1
fi
exit 0
