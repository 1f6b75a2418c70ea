"""Ceilings measured through PyTorch in the same run as `rafter ceilings --gpu`, as an independent
reference: device-to-device copy bandwidth (bytes read + written) and dense matrix products on
random data (fp32 without TF32, tf32, fp16, bf16). Medians of CUDA-event timings after warm-up.
Prints one JSON object."""
import json
import statistics

import torch


def timed(fn, reps=20, warmup=3):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    ts = []
    for _ in range(reps):
        a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        a.record()
        fn()
        b.record()
        b.synchronize()
        ts.append(a.elapsed_time(b) * 1e-3)
    return statistics.median(ts)


def main():
    out = {"device": torch.cuda.get_device_name(0), "torch": torch.__version__, "cuda": torch.version.cuda}
    n = 1 << 30  # 4 GiB of fp32 per buffer: far beyond the 60 MB L2
    src = torch.rand(n, device="cuda")
    dst = torch.empty_like(src)
    t = timed(lambda: dst.copy_(src), reps=10)
    out["copy_bytes_per_s"] = 2 * n * 4 / t
    del src, dst
    torch.cuda.empty_cache()
    m = 8192
    for name, dtype, tf32 in (("fp32", torch.float32, False), ("tf32", torch.float32, True),
                              ("fp16", torch.float16, False), ("bf16", torch.bfloat16, False)):
        torch.backends.cuda.matmul.allow_tf32 = tf32
        a = torch.randn(m, m, device="cuda", dtype=dtype)
        b = torch.randn(m, m, device="cuda", dtype=dtype)
        t = timed(lambda: a @ b, reps=10)
        out["matmul_%s_flops_per_s" % name] = 2 * m ** 3 / t
    torch.backends.cuda.matmul.allow_tf32 = False
    print(json.dumps(out))


if __name__ == "__main__":
    main()
