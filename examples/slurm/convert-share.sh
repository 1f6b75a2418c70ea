#!/usr/bin/env bash
# One task of a cluster job: converts its share of a rank set to Rafter's native format, so that
# the parsing of thousands of JSON traces is spread over nodes and one process then analyses the
# compact .rafter files (docs/scale-out.md, "On a cluster").
#
#   usage: convert-share.sh OUT_DIR FILE...
#
# Task i of n takes the files i, i+n, i+2n, ... (in the order given) and writes OUT_DIR/NAME.rafter
# for each input NAME.json(.gz), one rafter import per file, as many at once as the task has cores
# (SLURM_CPUS_PER_TASK, else nproc). Outputs are named after the inputs, not the ranks, so that no
# task can overwrite another's file; the analysis reads the ranks from the files. The task number and count come from
# Slurm (SLURM_PROCID, SLURM_NTASKS), else Open MPI (OMPI_COMM_WORLD_RANK, OMPI_COMM_WORLD_SIZE),
# else 0 of 1. RAFTER names the executable (default: rafter on PATH). A bad file stops the task
# with rafter's error (file and position) and a non-zero exit, which fails the srun step.
set -euo pipefail
if (($# < 2)); then
  echo "usage: $0 OUT_DIR FILE..." >&2
  exit 2
fi
out=$1
shift
task=${SLURM_PROCID:-${OMPI_COMM_WORLD_RANK:-0}}
tasks=${SLURM_NTASKS:-${OMPI_COMM_WORLD_SIZE:-1}}
mine=()
i=0
for f in "$@"; do
  if ((i % tasks == task)); then mine+=("$f"); fi
  i=$((i + 1))
done
mkdir -p "$out"
((${#mine[@]} == 0)) && exit 0
export out
export RAFTER=${RAFTER:-rafter}
# xargs exits non-zero when any import failed; rafter's error (file and position) is on stderr.
printf '%s\0' "${mine[@]}" | xargs -0 -n 1 -P "${SLURM_CPUS_PER_TASK:-$(nproc)}" bash -c '
  name=$(basename "$1"); name=${name%.gz}; name=${name%.json}
  exec "$RAFTER" import "$1" -o "$out/$name.rafter" --quiet' convert
