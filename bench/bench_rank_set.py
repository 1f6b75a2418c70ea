#!/usr/bin/env python3
"""Benchmark: a multi-rank set imported and analysed on 1 thread (the baseline) and on more.

Generates N ranks of synthetic Kineto traces (bench/gen_kineto_trace.py, --mb MB of raw JSON each,
distributedInfo rank r of N) unless a directory is given, then times
`rafter breakdown DIR --format json --jobs J` for J = 1, 2 and the core count, each in a fresh
process: median wall seconds of --reps runs, raw-JSON MB/s, CPU seconds, peak RSS, and the speed-up
over --jobs 1 measured in the same run. The outputs of every J must be byte-identical.

  python3 bench/bench_rank_set.py RAFTER_EXE [--ranks 16] [--mb 8] [--reps 3] [DIR]
"""
import argparse
import glob
import gzip
import os
import statistics
import subprocess
import sys
import tempfile
import time


def run(cmd):
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed")
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss * 1024, out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("rafter")
    ap.add_argument("dir", nargs="?")
    ap.add_argument("--ranks", type=int, default=16)
    ap.add_argument("--mb", type=float, default=8)
    ap.add_argument("--reps", type=int, default=3)
    a = ap.parse_args()
    tmp = None
    d = a.dir
    if not d:
        tmp = tempfile.TemporaryDirectory()
        d = tmp.name
        gen = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gen_kineto_trace.py")
        procs = []
        for r in range(a.ranks):
            procs.append(subprocess.Popen([sys.executable, gen, os.path.join(d, f"rank{r:05d}.json.gz"), "--mb", str(a.mb),
                                           "--seed", str(r + 1), "--rank", str(r), "--world", str(a.ranks)],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            if len(procs) >= os.cpu_count():
                procs.pop(0).wait()
        for p in procs:
            p.wait()
    files = sorted(glob.glob(os.path.join(d, "*")))
    raw = 0
    for f in files:
        with gzip.open(f, "rb") if f.endswith(".gz") else open(f, "rb") as fh:
            while chunk := fh.read(1 << 22):
                raw += len(chunk)
    cores = os.cpu_count()
    counts = sorted({1, 2, cores})
    print(f"{len(files)} rank files, {raw / 1e6:.0f} MB raw JSON, {cores} cores")
    print(f"{'jobs':>5} {'median s':>9} {'MB/s':>8} {'CPU s':>7} {'peak RSS MB':>12} {'speed-up':>9}")
    base = None
    outputs = set()
    for j in counts:
        runs = [run([a.rafter, "breakdown", d, "--format", "json", "--quiet", "--jobs", str(j)]) for _ in range(a.reps)]
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        rss = statistics.median(r[2] for r in runs)
        outputs.update(r[3] for r in runs)
        base = base or wall
        print(f"{j:>5} {wall:9.3f} {raw / wall / 1e6:8.0f} {cpu:7.2f} {rss / 1e6:12.0f} {base / wall:8.2f}x")
    print("outputs identical for every --jobs" if len(outputs) == 1 else "OUTPUTS DIFFER between --jobs counts")
    return 0 if len(outputs) == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
