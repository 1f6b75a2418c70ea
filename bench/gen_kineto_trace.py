#!/usr/bin/env python3
"""Generates a large synthetic PyTorch profiler (Kineto) trace for bench/bench_kineto.

The event mix and formatting follow real Kineto output (native Kineto layout as in
tests/data/real/kineto/a100-nccl-2rank-rank0.json.gz): per training step a ProfilerStep#N
annotation, a forward pass of transformer layers (cpu_op aten::linear > aten::addmm and friends
with Input Dims/Input type/Input Strides/Concrete Inputs, cudaLaunchKernel runtime calls,
kernels with grid/block/registers, ac2g flow pairs), a backward pass (autograd evaluate_function
ops with Sequence numbers), NCCL all-reduce kernels with collective args, memcpy/memset, a few
python_function events and cpu_instant_event memory events. Timestamps are relative
microseconds with nanosecond decimals plus baseTimeNanoseconds.

Usage: python3 bench/gen_kineto_trace.py OUT.json.gz [--mb 1100] [--seed 1] [--rank R --world N]
The size is of the raw (decompressed) JSON. Compression runs in a gzip child process.
"""
import argparse
import random
import subprocess
import sys

HIDDEN = [1024, 2048, 4096]
DTYPES = ["c10::BFloat16", "float", "c10::Half"]


class Writer:
    def __init__(self, out):
        self.out = out
        self.buf = []
        self.size = 0
        self.first = True
        self.events = 0

    def event(self, text):
        if not self.first:
            text = ",\n" + text
        self.first = False
        self.buf.append(text)
        self.size += len(text)
        self.events += 1

    def raw(self, text):
        self.buf.append(text)
        self.size += len(text)

    def flush(self):
        self.out.write("".join(self.buf).encode())
        self.buf = []


def us(t):
    return "%.3f" % t


class Gen:
    def __init__(self, w, rng):
        self.w = w
        self.rng = rng
        self.ext = 1
        self.corr = 100000
        self.seq = 5000
        self.pid = 2910249
        self.tid = 2919752
        self.t = 4458676388068.751  # relative us, as in the real trace
        self.gpu_t = self.t

    def cpu_op(self, name, ts, dur, dims, types, strides=None, concrete=None, seq=None):
        args = '"External id": %d,      "Record function id": %d' % (self.ext, self.ext - 1)
        if seq is not None:
            args += ', "Fwd thread id": 0, "Sequence number": %d' % seq
        args += ', "Input Dims": %s, "Input type": %s' % (dims, types)
        if strides is not None:
            args += ', "Input Strides": %s' % strides
        if concrete is not None:
            args += ', "Concrete Inputs": %s' % concrete
        self.w.event('  {\n    "ph": "X", "cat": "cpu_op", "name": "%s", "pid": %d, "tid": %d,\n'
                     '    "ts": %s, "dur": %s,\n    "args": {\n      %s\n    }\n  }'
                     % (name, self.pid, self.tid, us(ts), us(dur), args))
        self.ext += 1
        return self.ext - 1

    def launch(self, ext, ts, kernel, grid, block, regs, smem, dur, stream=7, extra=""):
        self.corr += 1
        c = self.corr
        self.w.event('  {\n    "ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": %d, "tid": %d,\n'
                     '    "ts": %s, "dur": %s,\n    "args": {\n      "External id": %d,      "cbid": 211, '
                     '"correlation": %d\n    }\n  }' % (self.pid, self.tid, us(ts), us(4.1 + self.rng.random()), ext, c))
        self.w.event('  {\n    "ph": "s", "id": %d, "pid": %d, "tid": %d, "ts": %s,\n    "cat": "ac2g", "name": "ac2g"\n  }'
                     % (c, self.pid, self.tid, us(ts)))
        self.gpu_t = max(self.gpu_t, ts + 6.0) + self.rng.random()
        self.w.event('  {\n    "ph": "X", "cat": "kernel", "name": "%s", "pid": 0, "tid": %d,\n'
                     '    "ts": %s, "dur": %s,\n    "args": {\n      "External id": %d,      "queued": 0, '
                     '"device": 0, "context": 1,      "stream": %d, "correlation": %d,      "registers per thread": %d,'
                     '      "shared memory": %d,      "blocks per SM": %.6f,      "warps per SM": %.6f,'
                     '      "grid": [%d, %d, %d],      "block": [%d, 1, 1],      "est. achieved occupancy %%": %d%s\n'
                     '    }\n  }' % (kernel, stream, us(self.gpu_t), us(dur), ext, stream, c, regs, smem,
                                     grid[0] / 108.0, grid[0] * block / 32 / 108.0, grid[0], grid[1], grid[2], block,
                                     self.rng.randint(10, 100), extra))
        self.w.event('  {\n    "ph": "f", "id": %d, "pid": 0, "tid": %d, "ts": %s,\n    "cat": "ac2g", "name": "ac2g", "bp": "e"\n  }'
                     % (c, stream, us(self.gpu_t)))
        self.gpu_t += dur

    def linear(self, m, k, n, dtype, seq):
        t0 = self.t
        dims_lin = "[[%d, %d], [%d, %d], [%d]]" % (m, k, n, k, n)
        types = '["%s", "%s", "%s"]' % (dtype, dtype, dtype)
        self.cpu_op("aten::linear", t0, 60.0, dims_lin, types, "[[%d, 1], [%d, 1], [1]]" % (k, k), '["", "", ""]', seq)
        self.cpu_op("aten::t", t0 + 2, 5.5, "[[%d, %d]]" % (n, k), '["%s"]' % dtype, "[[%d, 1]]" % k, '[""]', seq)
        ext = self.cpu_op("aten::addmm", t0 + 9, 45.0, "[[%d], [%d, %d], [%d, %d], [], []]" % (n, m, k, k, n),
                          '["%s", "%s", "%s", "Scalar", "Scalar"]' % (dtype, dtype, dtype),
                          "[[1], [%d, 1], [1, %d], [], []]" % (k, k), '["", "", "", "1", "1"]', seq)
        flops = 2.0 * m * n * k
        dur = max(3.0, flops / 150e12 * 1e6 * (1 + self.rng.random()))
        kern = ("void cutlass::Kernel2<cutlass_80_tensorop_bf16_s16816gemm_relu_bf16_64x64_64x4_tn_align8>"
                "(cutlass_80_tensorop_bf16_s16816gemm_relu_bf16_64x64_64x4_tn_align8::Params)")
        self.launch(ext, t0 + 20, kern, [max(1, m // 64), max(1, n // 64), 1], 128, 238, 73728, dur)
        self.t = t0 + 62.0 + self.rng.random() * 3

    def elementwise(self, name, shape, dtype, seq=None):
        t0 = self.t
        ext = self.cpu_op(name, t0, 18.0, "[[%d, %d], [%d, %d]]" % (shape + shape),
                          '["%s", "%s"]' % (dtype, dtype), "[[%d, 1], [%d, 1]]" % (shape[1], shape[1]),
                          '["", ""]', seq)
        n = shape[0] * shape[1]
        kern = ("void at::native::vectorized_elementwise_kernel<4, at::native::CUDAFunctor_add<c10::BFloat16>, "
                "at::detail::Array<char*, 3> >(int, at::native::CUDAFunctor_add<c10::BFloat16>, at::detail::Array<char*, 3>)")
        self.launch(ext, t0 + 6, kern, [max(1, n // 512), 1, 1], 128, 28, 0, max(1.5, n * 6 / 1.5e12 * 1e6))
        self.t = t0 + 20.0 + self.rng.random()

    def step(self, n):
        rng = self.rng
        start = self.t
        # The step annotation is written first with a placeholder duration, as Kineto does
        # (ranges are emitted at their start); its duration is patched in the buffer.
        self.w.event('  {\n    "ph": "X", "cat": "user_annotation", "name": "ProfilerStep#%d", "pid": %d, "tid": %d,\n'
                     '    "ts": %s, "dur": @DUR@,\n    "args": {\n      "External id": %d,      "Record function id": 0\n    }\n  }'
                     % (n, self.pid, self.pid, us(start), self.ext))
        step_ext = self.ext
        self.ext += 1
        h = rng.choice(HIDDEN)
        m = rng.choice([2048, 4096, 8192])
        dtype = DTYPES[n % len(DTYPES)]
        seqs = []
        for layer in range(24):
            self.seq += 1
            seqs.append(self.seq)
            self.linear(m, h, 3 * h, dtype, self.seq)
            self.linear(m, h, h, dtype, self.seq)
            self.elementwise("aten::add", (m, h), dtype, self.seq)
            self.linear(m, h, 4 * h, dtype, self.seq)
            self.elementwise("aten::gelu", (m, 4 * h), dtype, self.seq)
            self.linear(m, 4 * h, h, dtype, self.seq)
            if layer % 6 == 0:
                self.w.event('  {\n    "ph": "X", "cat": "python_function", "name": "torch/nn/modules/module.py(1501): _call_impl",'
                             ' "pid": %d, "tid": %d,\n    "ts": %s, "dur": %s,\n    "args": {\n      "Python parent id": 1, "Python id": %d\n    }\n  }'
                             % (self.pid, self.tid, us(self.t - 500), us(480.0), layer))
                self.w.event('  {\n    "ph": "i", "cat": "cpu_instant_event", "s": "t", "name": "[memory]", "pid": %d, "tid": %d,\n'
                             '    "ts": %s,\n    "args": {\n      "Total Reserved": 2097152000, "Total Allocated": %d, "Bytes": %d\n    }\n  }'
                             % (self.pid, self.tid, us(self.t), rng.randint(1 << 30, 1 << 31), m * h * 2))
        for seq in reversed(seqs):
            t0 = self.t
            self.cpu_op("autograd::engine::evaluate_function: AddmmBackward0", t0, 120.0, "[]", "[]", seq=seq)
            self.t = t0 + 3
            self.linear(m, h, h, dtype, seq)
            self.linear(h, m, h, dtype, seq)
            self.t = t0 + 125
        # Gradient all-reduce (NCCL) with collective args, then an optimizer memcpy/memset.
        for b in range(4):
            t0 = self.t
            nel = h * h * 6
            ext = self.cpu_op("record_param_comms", t0, 15.0, "[[%d]]" % nel, '["%s"]' % dtype)
            extra = (', "Collective name": "allreduce", "In msg nelems": %d, "Out msg nelems": %d, "Group size": 8, '
                     '"dtype": "BFloat16", "In split size": "[]", "Out split size": "[]", "Process Group Name": "0", '
                     '"Process Group Description": "default_pg", "Process Group Ranks": "[0, 1, 2, 3, 4, 5, 6, 7]"' % (nel, nel))
            self.launch(ext, t0 + 3, "ncclDevKernel_AllReduce_Sum_bf16_RING_LL(ncclDevComm*, unsigned long, ncclWork*)",
                        [8, 1, 1], 544, 96, 87568, nel * 2 / 100e9 * 1e6, stream=40, extra=extra)
            self.t = t0 + 20
        for cat, name, nbytes in (("gpu_memcpy", "Memcpy HtoD (Pinned -> Device)", m * 8),
                                  ("gpu_memset", "Memset (Device)", h * 4)):
            self.corr += 1
            self.w.event('  {\n    "ph": "X", "cat": "%s", "name": "%s", "pid": 0, "tid": 7,\n    "ts": %s, "dur": %s,\n'
                         '    "args": {\n      "External id": %d,      "device": 0, "context": 1,      "stream": 7, '
                         '"correlation": %d,      "bytes": %d, "memory bandwidth (GB/s)": %.6f\n    }\n  }'
                         % (cat, name, us(self.gpu_t), us(2.5), self.ext, self.corr, nbytes, nbytes / 2.5e3))
            self.ext += 1
        dur = self.t - start
        for i in range(len(self.w.buf) - 1, -1, -1):
            if "@DUR@" in self.w.buf[i]:
                self.w.buf[i] = self.w.buf[i].replace("@DUR@", us(dur))
                break
        else:
            raise RuntimeError("step annotation was flushed before its duration was known")
        del step_ext
        self.t += 50


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--mb", type=float, default=1100, help="raw JSON size in MB (10^6 bytes)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rank", type=int, default=0, help="distributedInfo rank (one file of a rank set)")
    ap.add_argument("--world", type=int, default=8, help="distributedInfo world_size")
    a = ap.parse_args()
    target = int(a.mb * 1e6)
    gz = subprocess.Popen(["gzip", "-6", "-c"], stdin=subprocess.PIPE, stdout=open(a.out, "wb"))
    w = Writer(gz.stdin)
    w.raw('{\n  "schemaVersion": 1,\n  "deviceProperties": [\n    {\n      "id": 0, "name": "NVIDIA A100-SXM4-80GB", '
          '"totalGlobalMem": 85899345920,\n      "computeMajor": 8, "computeMinor": 0,\n      "maxThreadsPerBlock": 1024, '
          '"maxThreadsPerMultiprocessor": 2048,\n      "regsPerBlock": 65536, "warpSize": 32,\n      "sharedMemPerBlock": 49152, '
          '"numSms": 108\n    }\n  ],\n  "distributedInfo": {"backend": "nccl", "rank": %d, "world_size": %d},\n'
          '  "traceEvents": [\n' % (a.rank, a.world))
    g = Gen(w, random.Random(a.seed))
    n = 1
    while w.size < target:
        g.step(n)
        n += 1
        w.flush()  # after each step: the step annotation's duration is patched in the buffer
    w.raw('\n  ],\n  "traceName": "synthetic.json",\n  "displayTimeUnit": "ms",\n  "baseTimeNanoseconds": 1711964646000000000\n}\n')
    w.flush()
    gz.stdin.close()
    gz.wait()
    print("wrote %s: %.1f MB raw JSON, %d events, %d steps" % (a.out, w.size / 1e6, w.events, n - 1), file=sys.stderr)


if __name__ == "__main__":
    main()
