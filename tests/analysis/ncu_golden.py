#!/usr/bin/env python3
"""Independent check of the golden values in test_roofline_golden.cpp.

Reads the Nsight Compute CSV exports with Python's csv module (no Rafter code) and prints, per
input, launches, groups (by kernel name), time, FLOPs per kind, bytes per level and AI, using the
formulas of docs/architecture.md ("Formulas"):
  time   = sm__cycles_elapsed.avg / sm__cycles_elapsed.avg.per_second   (per launch, then summed)
  fp64   = dadd + dmul + 2*dfma, fp32 = fadd + fmul + 2*ffma, fp16 = hadd + hmul + 2*hfma
  tensor = sm__inst_executed_pipe_tensor.sum * 512  (Volta HMMA.884; Ada uses sm__ops_path_tensor
           when present, and this file's tensor count is 0)
Usage: python3 tests/analysis/ncu_golden.py [DATA_DIR]   (default tests/data/real, which holds ncu/)
"""
import collections
import csv
import io
import os
import sys


def read_rows(path):
    text = open(path, encoding="utf-8").read()
    start = text.index('"ID","Process ID"')  # skip the application log before the header
    return list(csv.DictReader(io.StringIO(text[start:])))


def num(s):
    return float(s.replace(",", ""))


def launches(paths):
    by_id = collections.OrderedDict()
    for p in paths:
        for r in read_rows(p):
            entry = by_id.setdefault(r["ID"], {"name": r["Kernel Name"], "m": {}})
            entry["m"][r["Metric Name"]] = num(r["Metric Value"])
    return by_id


def flops(m, tensor_per_inst):
    def op(p):
        keys = [f"sm__sass_thread_inst_executed_op_{p}{o}_pred_on.sum" for o in ("add", "mul", "fma")]
        if not all(k in m for k in keys):
            return None
        return m[keys[0]] + m[keys[1]] + 2 * m[keys[2]]
    out = {"fp64": op("d"), "fp32": op("f"), "fp16": op("h")}
    if "sm__inst_executed_pipe_tensor.sum" in m:
        out["tensor"] = m["sm__inst_executed_pipe_tensor.sum"] * tensor_per_inst
    return {k: v for k, v in out.items() if v is not None}


def summarize(label, paths, tensor_per_inst, v100=False):
    ls = launches(paths)
    groups = collections.OrderedDict()
    tot = collections.Counter()
    for entry in ls.values():
        m = entry["m"]
        t = m["sm__cycles_elapsed.avg"] / m["sm__cycles_elapsed.avg.per_second"]
        f = flops(m, tensor_per_inst)
        g = groups.setdefault(entry["name"], collections.Counter())
        rec = {"launches": 1, "time_s": t, "flops_total": sum(f.values())}
        rec.update({"flops_" + k: v for k, v in f.items()})
        for level, metric in (("l1", "l1tex__t_bytes.sum"), ("l2", "lts__t_bytes.sum"), ("dram", "dram__bytes.sum")):
            if metric in m:
                rec["bytes_" + level] = m[metric]
        g.update(rec)
        tot.update(rec)
    print(f"== {label}: {len(ls)} launches, {len(groups)} groups")
    for k in sorted(tot):
        print(f"  total {k} = {tot[k]:.10g}")
    if "bytes_dram" in tot:
        print(f"  total ai_dram = {tot['flops_total'] / tot['bytes_dram']:.10g}")
    top = sorted(groups.items(), key=lambda kv: -kv[1]["time_s"])
    for name, g in top[:3]:
        print(f"  group {name[:70]!r}: launches {g['launches']}, time {g['time_s']:.10g}, "
              f"flops {g['flops_total']:.10g}, dram {g.get('bytes_dram', 0):.10g}")
        if v100:
            bound, t = bound_v100(g)
            print(f"    on v100-sxm2: bound {bound}, bound_time {t:.10g}, efficiency {t / g['time_s']:.10g}")


# V100 SXM2 ceilings as in model/machines/data/v100-sxm2.json.
V100_PEAK = {"fp64": 7.8e12, "fp32": 15.7e12, "fp16": 31.4e12, "tensor": 125e12}
V100_BW = {"dram": 900e9, "l2": 3.13344e12, "l1": 15.6672e12}


def bound_v100(g):
    terms = {"compute": sum(g.get("flops_" + k, 0) / p for k, p in V100_PEAK.items())}
    for level, bw in V100_BW.items():
        if "bytes_" + level in g:
            terms[level] = g["bytes_" + level] / bw
    terms["latency"] = g["launches"] * 4e-6
    bound = max(terms, key=terms.get)
    return bound, terms[bound]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "data", "real")
    ncu = os.path.join(root, "ncu")
    summarize("gpp-cc89", [os.path.join(ncu, "gpp-cc89-details.csv")], 0)
    d = os.path.join(ncu, "deepcam-v100-fw")
    summarize("deepcam-v100-fw", sorted(os.path.join(d, f) for f in os.listdir(d)), 512, True)
    summarize("gene-v100", [os.path.join(ncu, "gene-v100-details.csv")], 512, True)


if __name__ == "__main__":
    main()
