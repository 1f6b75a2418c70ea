#!/usr/bin/env python3
"""Independent reference counts for the Kineto importer tests.

Reads each Kineto trace with Python's json module (no Rafter code) and prints the numbers that
tests/traces/importers/test_kineto_real.cpp asserts. Timestamps are parsed as Decimal so that microsecond
values with nanosecond decimals convert to integer nanoseconds exactly.

Usage: python3 tests/traces/importers/count_events.py tests/data/real/kineto/*.json.gz
"""
import gzip
import json
import sys
from decimal import Decimal, ROUND_HALF_UP

KNOWN = {"kernel", "gpu_memcpy", "gpu_memset", "cuda_runtime", "cuda_driver", "cpu_op",
         "user_annotation", "gpu_user_annotation", "ac2g", "cuda_sync", "python_function",
         "fwdbwd", "Trace"}


def ns(us):
    return int((Decimal(us) * 1000).to_integral_value(rounding=ROUND_HALF_UP))


def count(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        doc = json.load(f, parse_float=Decimal)
    ev = doc["traceEvents"]
    c = dict(kernels=0, nccl_kernels=0, memcpy=0, memset=0, cpu_ops=0, runtime=0, driver=0,
             steps=0, user_annotations=0, gpu_user_annotations=0, cuda_sync=0, python=0, nn_modules=0,
             unknown_category_events=0, kernel_time_ns=0, memcpy_bytes=0, memset_bytes=0,
             kernels_with_collective=0, cpu_collectives_without_kernel=0,
             ops_with_input_dims=0, first_kernel_start_ns=None, last_kernel_end_ns=None,
             step_names=[])
    kernel_coll_ext = set()
    cpu_coll_ext = []
    for e in ev:
        cat = e.get("cat")
        ph = e.get("ph")
        name = e.get("name", "")
        args = e.get("args") or {}
        if cat is None:
            continue
        if cat not in KNOWN:
            c["unknown_category_events"] += 1
            continue
        if ph != "X":
            continue
        if name.startswith("ProfilerStep#") and cat in ("user_annotation", "cpu_op"):
            c["steps"] += 1
            c["step_names"].append(name)
            continue
        if cat == "kernel":
            c["kernels"] += 1
            if "nccl" in name.lower():
                c["nccl_kernels"] += 1
            c["kernel_time_ns"] += ns(e["dur"])
            s = ns(e["ts"])
            end = s + ns(e["dur"])
            if c["first_kernel_start_ns"] is None or s < c["first_kernel_start_ns"]:
                c["first_kernel_start_ns"] = s
            if c["last_kernel_end_ns"] is None or end > c["last_kernel_end_ns"]:
                c["last_kernel_end_ns"] = end
            if "Collective name" in args:
                c["kernels_with_collective"] += 1
                kernel_coll_ext.add(args.get("External id"))
        elif cat == "gpu_memcpy":
            c["memcpy"] += 1
            c["memcpy_bytes"] += int(args.get("bytes", 0))
        elif cat == "gpu_memset":
            c["memset"] += 1
            c["memset_bytes"] += int(args.get("bytes", 0))
        elif cat == "cpu_op":
            c["cpu_ops"] += 1
            if "Input Dims" in args:
                c["ops_with_input_dims"] += 1
            if "Collective name" in args:
                cpu_coll_ext.append(args.get("External id"))
        elif cat == "cuda_runtime":
            c["runtime"] += 1
        elif cat == "cuda_driver":
            c["driver"] += 1
        elif cat == "user_annotation":
            c["user_annotations"] += 1
        elif cat == "gpu_user_annotation":
            c["gpu_user_annotations"] += 1
        elif cat == "cuda_sync":
            c["cuda_sync"] += 1
        elif cat == "python_function":
            c["python"] += 1
            if e.get("ph") == "X" and str(e.get("name", "")).startswith("nn.Module: "):
                c["nn_modules"] += 1
    c["cpu_collectives_without_kernel"] = sum(1 for x in cpu_coll_ext if x not in kernel_coll_ext)
    dist = doc.get("distributedInfo", {})
    c["rank"] = dist.get("rank", -1)
    c["world_size"] = dist.get("world_size", -1)
    c["base_time_ns"] = int(doc.get("baseTimeNanoseconds", 0))
    c["devices"] = len(doc.get("deviceProperties", []))
    c["events"] = len(ev)
    return c


if __name__ == "__main__":
    for p in sys.argv[1:]:
        r = count(p)
        names = r.pop("step_names")
        print(p.split("/")[-1], json.dumps(r), "steps:", names[:3], "..." if len(names) > 3 else "")
