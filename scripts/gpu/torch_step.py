"""A small transformer trained on random data in bf16: the PyTorch workload of scripts/gpu-validate.sh.

Runs unchanged under `rafter profile` (zero-code injection) or, with --torch-profiler FILE, under
torch.profiler, which writes a Kineto Chrome trace that Rafter imports. The shapes are fixed so
that both runs launch the same kernels; the step times printed are for people, not assertions.

  python3 torch_step.py [--steps N] [--warmup N] [--torch-profiler trace.json]
"""
import argparse
import time

import torch
import torch.nn as nn


def build(d_model, heads, layers, vocab=8192):
    layer = nn.TransformerEncoderLayer(d_model, heads, dim_feedforward=4 * d_model, batch_first=True,
                                       norm_first=True, dropout=0.0)
    model = nn.Sequential(nn.Embedding(vocab, d_model), nn.TransformerEncoder(layer, layers),
                          nn.Linear(d_model, vocab))
    return model.cuda()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--seq", type=int, default=512)
    ap.add_argument("--d-model", type=int, default=1024)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--torch-profiler", metavar="FILE")
    ap.add_argument("--nvtx", action="store_true", help="emit an NVTX range per op (torch.autograd.profiler.emit_nvtx)")
    a = ap.parse_args()

    torch.manual_seed(0)
    model = build(a.d_model, a.d_model // 64, a.layers)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, fused=True)
    x = torch.randint(0, 8192, (a.batch, a.seq), device="cuda")
    y = torch.randint(0, 8192, (a.batch, a.seq), device="cuda")
    loss_fn = nn.CrossEntropyLoss()

    def step():
        with torch.autocast("cuda", dtype=torch.bfloat16):
            loss = loss_fn(model(x).flatten(0, 1), y.flatten())
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        return loss

    for _ in range(a.warmup):
        step()
    torch.cuda.synchronize()

    times = []
    if a.torch_profiler:
        from torch.profiler import ProfilerActivity, profile
        with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA], record_shapes=True) as prof:
            for i in range(a.steps):
                t0 = time.perf_counter()
                step()
                torch.cuda.synchronize()
                times.append(time.perf_counter() - t0)
                prof.step()
        prof.export_chrome_trace(a.torch_profiler)
    else:
        import contextlib
        ctx = torch.autograd.profiler.emit_nvtx() if a.nvtx else contextlib.nullcontext()
        with ctx:
            for i in range(a.steps):
                t0 = time.perf_counter()
                step()
                torch.cuda.synchronize()
                times.append(time.perf_counter() - t0)
    print("torch_step: %s, torch %s, steps %d, step times ms: %s" %
          (torch.cuda.get_device_name(0), torch.__version__, a.steps, " ".join("%.2f" % (t * 1e3) for t in times)))


if __name__ == "__main__":
    main()
