"""The cluster recipe of docs/scale-out.md: examples/slurm/convert-share.sh run as 3 tasks
(SLURM_PROCID 0..2 of SLURM_NTASKS 3) over 4 real rank files converts each file exactly once
(named after its input, two of them rank 0 of different jobs), and
`rafter breakdown` and `rafter roofline` of the native files are identical to those of the
original files; a bad file fails its task with the file named and a non-zero exit.

usage: check_cluster_share.py RAFTER SOURCE_DIR"""
import json
import os
import subprocess
import sys
import tempfile


def main():
    rafter, source = sys.argv[1], sys.argv[2]
    script = os.path.join(source, "examples", "slurm", "convert-share.sh")
    real = os.path.join(source, "tests", "data", "real", "kineto")
    files = [os.path.join(real, f) for f in ("a100-nccl-2rank-rank0.json.gz", "sampled-128rank-rank0.json.gz",
                                             "sampled-128rank-rank1.json.gz", "a100-80gb-16rank-rank0.json.gz")]
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "native")
        for task in range(3):
            env = dict(os.environ, RAFTER=rafter, SLURM_PROCID=str(task), SLURM_NTASKS="3")
            subprocess.run(["bash", script, out] + files, env=env, check=True)
        made = sorted(os.listdir(out))
        want = sorted(os.path.basename(f).replace(".json.gz", ".rafter") for f in files)
        if made != want:
            failures.append("3 tasks over 4 files wrote %s, expected %s" % (made, want))
        # The comparison: the sampled 128-rank pair, converted by two tasks of two.
        pair = files[1:3]
        out2 = os.path.join(tmp, "pair")
        for task in range(2):
            env = dict(os.environ, RAFTER=rafter, SLURM_PROCID=str(task), SLURM_NTASKS="2")
            subprocess.run(["bash", script, out2] + pair, env=env, check=True)
        if sorted(os.listdir(out2)) != ["sampled-128rank-rank0.rafter", "sampled-128rank-rank1.rafter"]:
            failures.append("pair: wrote %s" % sorted(os.listdir(out2)))
        for cmd in (["breakdown"], ["roofline"]):
            a = subprocess.run([rafter] + cmd + pair + ["--format", "json", "--quiet"], check=True,
                               capture_output=True, text=True).stdout
            b = subprocess.run([rafter] + cmd + [out2, "--format", "json", "--quiet"], check=True,
                               capture_output=True, text=True).stdout
            ja, jb = json.loads(a), json.loads(b)
            for k in ja:
                if ja[k] != jb.get(k):
                    failures.append("%s: %s differs between the JSON traces and the native files" % (cmd[0], k))
        # A bad file fails the task that owns it, naming the file.
        bad = os.path.join(tmp, "bad.json")
        with open(bad, "w") as f:
            f.write('{"traceEvents": [{"ph": "X", "cat": "kernel", "name": "k", "ts": 1, "dur": ')
        env = dict(os.environ, RAFTER=rafter, SLURM_PROCID="1", SLURM_NTASKS="2")
        r = subprocess.run(["bash", script, os.path.join(tmp, "b")] + [pair[0], bad], env=env, capture_output=True,
                           text=True)
        if r.returncode == 0 or "bad.json" not in r.stderr:
            failures.append("bad file: exit %d, stderr %r" % (r.returncode, r.stderr[-300:]))
    for f in failures:
        print("FAIL:", f)
    print("cluster share: %d failures" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
