#!/usr/bin/env python3
"""Benchmark: rafter.load(...).kernels against json.load + pandas, on the same traces in one run.

For each trace, each variant runs in a fresh child process (so that its peak RSS is its own) and
is timed from just before the load to the finished kernel DataFrame; medians over --reps runs:
  rafter:   rafter.load(path).kernels                    (C++ import, columnar DataFrame)
  baseline: json.load(gzip) + pandas.json_normalize(kernel events)   (what HTA-style tools do)
Prints seconds, MB/s of raw JSON, peak RSS and the ratios. A synthetic trace of --synthetic-mb MB
of raw JSON (bench/gen_kineto_trace.py) is added unless --synthetic-mb 0.

  PYTHONPATH=build-bench/python python3 bench/bench_python_load.py [--reps 3] [--synthetic-mb 256] TRACE...
"""
import argparse
import gzip
import os
import statistics
import subprocess
import sys
import tempfile

CHILD = r'''
import gzip, json, resource, sys, time
variant, path = sys.argv[1], sys.argv[2]
import pandas as pd
if variant == "rafter":
    import rafter
t0 = time.perf_counter()
if variant == "rafter":
    k = rafter.load(path).kernels
else:
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        d = json.load(f)
    events = d["traceEvents"] if isinstance(d, dict) else d
    k = pd.json_normalize([e for e in events if e.get("cat") in ("kernel", "Kernel")])
dt = time.perf_counter() - t0
print(dt, len(k), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
'''


def raw_size(path):
    if not path.endswith(".gz"):
        return os.path.getsize(path)
    n = 0
    with gzip.open(path, "rb") as f:
        while chunk := f.read(1 << 22):
            n += len(chunk)
    return n


def run(variant, path):
    out = subprocess.run([sys.executable, "-c", CHILD, variant, path], check=True, capture_output=True, text=True)
    dt, rows, rss = out.stdout.split()
    return float(dt), int(rows), int(rss)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("traces", nargs="*")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--synthetic-mb", type=int, default=256)
    a = ap.parse_args()
    traces = list(a.traces)
    tmp = tempfile.TemporaryDirectory()
    if a.synthetic_mb:
        syn = os.path.join(tmp.name, f"synthetic-{a.synthetic_mb}mb.json.gz")
        subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "gen_kineto_trace.py"), syn,
                        "--mb", str(a.synthetic_mb)], check=True, stdout=subprocess.DEVNULL)
        traces.append(syn)
    print(f"{'trace':44} {'variant':9} {'kernels':>8} {'median s':>9} {'MB/s':>8} {'peak RSS MB':>12}")
    for path in traces:
        raw = raw_size(path)
        res = {}
        for variant in ("baseline", "rafter"):
            runs = [run(variant, path) for _ in range(a.reps)]
            t = statistics.median(r[0] for r in runs)
            rss = statistics.median(r[2] for r in runs)
            res[variant] = (t, rss, runs[0][1])
            print(f"{os.path.basename(path)[:44]:44} {variant:9} {runs[0][1]:8d} {t:9.3f} {raw / t / 1e6:8.0f} "
                  f"{rss / 1e6:12.0f}")
        (tb, mb, kb), (tr, mr, kr) = res["baseline"], res["rafter"]
        note = "" if kb == kr else f"  (kernel rows differ: {kb} vs {kr})"
        print(f"{'':44} rafter is {tb / tr:.1f}x faster, {mr / mb:.2f}x the memory "
              f"({raw / 1e6:.0f} MB raw JSON){note}\n")


if __name__ == "__main__":
    main()
