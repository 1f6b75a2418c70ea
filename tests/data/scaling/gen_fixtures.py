# Generates the synthetic benchmark outputs in tests/data/scaling/ (see README.md there).
import json
def t_fmt(us):
    return "%7.2f" % us if us < 1e4 else "%7.0f" % us
def nccl_rows(p, alpha_total, busbw_gbs, factor, sizes, dtype_bytes=4, redop="sum", root="-1", newstyle=True):
    rows = []
    for n in sizes:
        t = alpha_total + n * factor / (busbw_gbs * 1e9)   # seconds
        us = t * 1e6
        alg = n / t / 1e9
        bus = alg * factor
        cnt = n // dtype_bytes
        if newstyle:
            rows.append("%12d  %12d     float     %s  %6s  %s  %6.2f  %6.2f      0  %s  %6.2f  %6.2f      0" % (
                n, cnt, redop, root, t_fmt(us), alg, bus, t_fmt(us * 1.003), alg / 1.003, bus / 1.003))
        else:
            rows.append("%12d  %12d   float  %s  %6.2f  %6.2f  0e+00  %s  %6.2f  %6.2f  0e+00" % (
                n, cnt, t_fmt(us), alg, bus, t_fmt(us * 1.003), alg / 1.003, bus / 1.003))
    return rows

# 1) all_reduce_perf, one DGX-like node, 8 ranks, new-style output.
sizes = [8 * 2**k for k in range(0, 31)]   # 8 B .. 8 GiB
p = 8
lines = ["# nccl-tests version 2.13.9 nccl-headers=22105 nccl-library=22105 (synthetic example)",
         "# Collective test starting: all_reduce_perf",
         "# nThread 1 nGpus 1 minBytes 8 maxBytes 8589934592 step: 2(factor) warmup iters: 5 iters: 20 agg iters: 1 validation: 1 graph: 0",
         "#", "# Using devices"]
for r in range(p):
    lines.append("#  Rank %2d Group  0 Pid %6d on     node01 device %2d [0x%02x] NVIDIA A100-SXM4-80GB" % (r, 40000 + r, r, 7 + r))
lines += ["#",
          "#                                                              out-of-place                       in-place          ",
          "#       size         count      type   redop    root     time   algbw   busbw #wrong     time   algbw   busbw #wrong",
          "#        (B)    (elements)                               (us)  (GB/s)  (GB/s)            (us)  (GB/s)  (GB/s)       "]
lines += nccl_rows(p, 2 * (p - 1) * 2.0e-6, 230.0, 2 * (p - 1) / p, sizes)
lines += ["# Out of bounds values : 0 OK", "# Avg bus bandwidth    : 104.2 ", "#"]
open("all_reduce_perf-8gpu.txt", "w").write("\n".join(lines) + "\n")

# 2) all_gather_perf, 2 nodes x 8 ranks, old-style output (no redop/root columns), no
#    "Collective test starting" line: the collective comes from the file name.
p, hosts = 16, ["node01", "node02"]
lines = ["# nThread 1 nGpus 1 minBytes 1024 maxBytes 1073741824 step: 4(factor) warmup iters: 5 iters: 20 validation: 1",
         "#", "# Using devices"]
for r in range(p):
    lines.append("#   Rank %2d Pid %6d on %s device %2d [0x%02x] NVIDIA A100-SXM4-80GB" % (r, 50000 + r, hosts[r // 8], r % 8, 7 + r % 8))
lines += ["#", "#                                             out-of-place                       in-place",
          "#       size         count    type     time   algbw   busbw  error     time   algbw   busbw  error",
          "#        (B)    (elements)              (us)  (GB/s)  (GB/s)            (us)  (GB/s)  (GB/s)"]
sizes = [1024 * 4**k for k in range(0, 11)]   # 1 KiB .. 1 GiB
for n in sizes:
    t = (14 * 2.0e-6 + 1 * 8.0e-6) + n * (15 / 16) / 90e9
    us = t * 1e6
    alg = n / t / 1e9
    lines.append("%12d  %12d   float  %s  %6.2f  %6.2f  0e+00  %s  %6.2f  %6.2f  0e+00" % (
        n, n // 4, t_fmt(us), alg, alg * 15 / 16, t_fmt(us), alg, alg * 15 / 16))
lines += ["# Out of bounds values : 0 OK", "# Avg bus bandwidth    : 31.7 "]
open("all_gather_perf-2node.txt", "w").write("\n".join(lines) + "\n")

# 3) osu_allreduce on 4 ranks (OSU does not print the rank count).
lines = ["# OSU MPI Allreduce Latency Test v7.1 (synthetic example)", "# Datatype: MPI_CHAR.",
         "# Size       Avg Latency(us)"]
for k in range(2, 21):
    n = 2**k
    t = 2 * 3 * 1.5e-6 + n * (2 * 3 / 4) / 5e9
    lines.append("%-10d %18.2f" % (n, t * 1e6))
open("osu_allreduce-4rank.txt", "w").write("\n".join(lines) + "\n")

# 4) fio --output-format=json: a sequential and a random read job.
fio = {"fio version": "fio-3.33", "timestamp": 1700000000, "time": "synthetic example",
       "global options": {"directory": "/scratch", "direct": "1", "size": "4G"},
       "jobs": [
           {"jobname": "seq", "groupid": 0, "error": 0, "job options": {"rw": "read", "bs": "1M"},
            "read": {"io_bytes": 4294967296, "bw_bytes": 2147483648, "bw": 2097152, "iops": 2048.0, "runtime": 2000},
            "write": {"io_bytes": 0, "bw_bytes": 0, "bw": 0, "iops": 0.0, "runtime": 0}},
           {"jobname": "rand", "groupid": 1, "error": 0, "job options": {"rw": "randread", "bs": "128k", "stonewall": ""},
            "read": {"io_bytes": 1073741824, "bw": 524288, "iops": 4096.0, "runtime": 2000},
            "write": {"io_bytes": 0, "bw_bytes": 0, "bw": 0, "iops": 0.0, "runtime": 0}}]}
json.dump(fio, open("fio-read.json", "w"), indent=2)

# 5) a broken nccl-tests table (time column is not a number on line 9).
lines = ["# Collective test starting: all_reduce_perf", "#  Rank  0 Group  0 Pid 1 on h device 0 [0x1] GPU",
         "#  Rank  1 Group  0 Pid 2 on h device 1 [0x2] GPU",
         "#       size         count      type   redop    root     time   algbw   busbw #wrong     time   algbw   busbw #wrong",
         "#        (B)    (elements)                               (us)  (GB/s)  (GB/s)            (us)  (GB/s)  (GB/s)",
         "        1024           256     float     sum      -1    12.00    0.09    0.09      0    12.00    0.09    0.09      0",
         "        2048           512     float     sum      -1    12.50    0.16    0.16      0    12.50    0.16    0.16      0",
         "        4096          1024     float     sum      -1    13.00    0.32    0.32      0    13.00    0.32    0.32      0",
         "        8192          2048     float     sum      -1     abc     0.60    0.60      0    14.00    0.59    0.59      0"]
open("all_reduce_perf-bad.txt", "w").write("\n".join(lines) + "\n")
