"""A GEMM sweep for `rafter calibrate gemm` on the GPU: dense matrix products of transformer-like
shapes (M tokens x N outputs x K inputs, M from 1024 to 16384, N and K from 1024 to 16384) in one
precision, each timed a few times under torch.profiler with record_shapes=True, written as one
Kineto trace. Then

    rafter calibrate gemm SWEEP.json [-o gemm.json]

fits the GEMM model's share of peak and per-call overhead to them (docs/scaling.md, "GEMM
efficiency from a profile"), and `rafter scale SCENARIO --profile SWEEP.json` uses the fit.

    usage: python3 gemm_sweep.py --out SWEEP.json [--dtype bf16|fp16|tf32|fp32] [--reps N] [--quick]
"""
import argparse
import itertools
import sys

import torch

DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16, "tf32": torch.float32, "fp32": torch.float32}


def shapes(quick):
    ms = (2048, 8192) if quick else (1024, 2048, 4096, 8192, 16384)
    nk = (1024, 4096, 12288) if quick else (1024, 2048, 4096, 8192, 12288, 16384)
    return [(m, n, k) for m, n, k in itertools.product(ms, nk, nk)]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, help="the Kineto trace to write")
    p.add_argument("--dtype", choices=sorted(DTYPES), default="bf16")
    p.add_argument("--reps", type=int, default=3, help="timed calls per shape (default 3)")
    p.add_argument("--quick", action="store_true", help="18 shapes instead of 180")
    a = p.parse_args()
    if not torch.cuda.is_available():
        sys.exit("gemm_sweep: no CUDA device (torch.cuda.is_available() is False)")
    torch.backends.cuda.matmul.allow_tf32 = a.dtype == "tf32"
    dtype = DTYPES[a.dtype]
    todo = shapes(a.quick)
    mats = {}
    for m, n, k in todo:  # allocate and warm up outside the profile
        x = torch.randn(m, k, device="cuda", dtype=dtype)
        w = torch.randn(k, n, device="cuda", dtype=dtype)
        torch.mm(x, w)
        mats[(m, n, k)] = (x, w)
    torch.cuda.synchronize()
    acts = [torch.profiler.ProfilerActivity.CPU, torch.profiler.ProfilerActivity.CUDA]
    with torch.profiler.profile(activities=acts, record_shapes=True) as prof:
        for key in todo:
            x, w = mats[key]
            for _ in range(a.reps):
                torch.mm(x, w)
        torch.cuda.synchronize()
    prof.export_chrome_trace(a.out)
    print(f"gemm_sweep: {len(todo)} shapes x {a.reps} calls, {a.dtype}, on {torch.cuda.get_device_name(0)}: {a.out}")


if __name__ == "__main__":
    main()
