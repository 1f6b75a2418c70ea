#!/usr/bin/env python3
"""Parallel import gives the same output as one thread: breakdown and roofline JSON of a set of
real traces (Kineto, nsys, a merged ncu group) are byte-identical for --jobs 1, 2 and 7, and with
two bad files in the set every count reports the first of them.

  python3 check_jobs_deterministic.py RAFTER_EXE SOURCE_DIR
"""
import glob
import os
import shutil
import subprocess
import sys
import tempfile


def run(exe, *args):
    r = subprocess.run([exe, *args], capture_output=True)
    return r.returncode, r.stdout, r.stderr.decode(errors="replace")


def main():
    exe, source = sys.argv[1], sys.argv[2]
    real = os.path.join(source, "tests", "data", "real")
    kineto = sorted(glob.glob(os.path.join(real, "kineto", "*.json.gz")))
    nsys = sorted(glob.glob(os.path.join(real, "nsys", "*.sqlite")))
    ncu = os.path.join(real, "ncu", "deepcam-v100-fw") if os.path.isdir(os.path.join(real, "ncu", "deepcam-v100-fw")) \
        else os.path.join(source, "examples", "ncu", "deepcam-v100-fw")
    inputs = kineto + nsys
    failures = 0
    for cmd in (["breakdown", *inputs, "--format", "json"],
                ["roofline", *inputs, "--group-by", "kernel", "--format", "json", "--quiet"],
                ["roofline", ncu, *kineto[:3], "--format", "json", "--quiet"]):
        outs = {}
        for jobs in ("1", "2", "7"):
            rc, out, err = run(exe, *cmd, "--jobs", jobs)
            if rc != 0:
                print(f"FAIL rafter {' '.join(cmd)} --jobs {jobs}: exit {rc}: {err.strip()[:300]}")
                failures += 1
            outs[jobs] = out
        if len(set(outs.values())) != 1 or not outs["1"]:
            print(f"FAIL rafter {cmd[0]}: output differs between --jobs 1, 2 and 7")
            failures += 1
        else:
            print(f"ok   rafter {cmd[0]} over {sum(os.path.exists(a) for a in cmd[1:])} inputs: identical for --jobs 1, 2, 7 ({len(outs['1'])} bytes)")

    work = tempfile.mkdtemp()
    try:
        files = []
        for i, src in enumerate(kineto[:6]):
            dst = os.path.join(work, f"r{i}.json.gz")
            shutil.copy(src, dst)
            files.append(dst)
        for i in (2, 4):  # two bad files: the error is always the first one's
            with open(files[i], "wb") as f:
                f.write(b'{"traceEvents": [{"ph": "X", "cat": "kernel", "name": "k", "ts": 1, "dur": "x"}]}')
        errs = set()
        for jobs in ("1", "2", "6"):
            rc, _, err = run(exe, "breakdown", *files, "--jobs", jobs, "--quiet")
            if rc != 3 or files[2] not in err:
                print(f"FAIL --jobs {jobs}: exit {rc}, expected 3 naming {files[2]}: {err.strip()[:300]}")
                failures += 1
            errs.add(err)
        if len(errs) != 1:
            print("FAIL the error message depends on --jobs")
            failures += 1
        else:
            print("ok   a set with two bad files reports the first for --jobs 1, 2, 6")
    finally:
        shutil.rmtree(work)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
