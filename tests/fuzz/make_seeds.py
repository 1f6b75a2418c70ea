#!/usr/bin/env python3
"""Writes the small seed corpora for the fuzz targets (tests/fuzz/corpus_kineto, corpus_nsys).

Kineto seeds are short traces covering every category, both timestamp styles, gzip, escapes and
typical mistakes; a few are cut from the real traces in tests/data/real/kineto. nsys seeds follow
the byte layout documented in nsys_rows_input.h. The test suite replays both directories.
Usage: python3 tests/fuzz/make_seeds.py [KINETO_DIR]   (default tests/data/real/kineto)
"""
import gzip
import json
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
KDIR = os.path.join(HERE, "corpus_kineto")
NDIR = os.path.join(HERE, "corpus_nsys")


def put(d, name, data):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def kineto_seeds(shared):
    ev = [
        {"ph": "X", "cat": "user_annotation", "name": "ProfilerStep#3", "pid": 1, "tid": 1, "ts": 100.5, "dur": 900},
        {"ph": "X", "cat": "cpu_op", "name": "aten::mm", "pid": 1, "tid": 1, "ts": 101.25, "dur": 20,
         "args": {"External id": 7, "Sequence number": 3, "Input Dims": [[64, 128], [128, 256]],
                  "Input type": ["float", "float"], "Input Strides": [[128, 1], [256, 1]],
                  "Concrete Inputs": ["", ""]}},
        {"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 1, "tid": 1, "ts": 102, "dur": 5,
         "args": {"External id": 7, "cbid": 211, "correlation": 11}},
        {"ph": "X", "cat": "cuda_driver", "name": "cuLaunchKernel", "pid": 1, "tid": 1, "ts": 103, "dur": 4,
         "args": {"External id": 7, "correlation": 12}},
        {"ph": "s", "id": 11, "pid": 1, "tid": 1, "ts": 102, "cat": "ac2g", "name": "ac2g"},
        {"ph": "X", "cat": "kernel", "name": "ampere_sgemm_64x64_nn", "pid": 0, "tid": 7, "ts": 110.001,
         "dur": 30.5, "args": {"External id": 7, "device": 0, "stream": 7, "correlation": 11,
                                "registers per thread": 128, "shared memory": 16384, "grid": [4, 2, 1],
                                "block": [256, 1, 1]}},
        {"ph": "f", "id": 11, "pid": 0, "tid": 7, "ts": 110.001, "cat": "ac2g", "name": "ac2g", "bp": "e"},
        {"ph": "X", "cat": "gpu_memcpy", "name": "Memcpy HtoD (Pageable -> Device)", "pid": 0, "tid": 7,
         "ts": 150, "dur": 3, "args": {"device": 0, "stream": 7, "correlation": 13, "bytes": 4096}},
        {"ph": "X", "cat": "gpu_memset", "name": "Memset (Device)", "pid": 0, "tid": 7, "ts": 155, "dur": 1,
         "args": {"device": 0, "stream": 7, "correlation": 14, "bytes": 512}},
        {"ph": "X", "cat": "cuda_sync", "name": "Stream Sync", "pid": 0, "tid": 7, "ts": 160, "dur": 2,
         "args": {"device": 0, "stream": 4294967295, "correlation": 15}},
        {"ph": "X", "cat": "gpu_user_annotation", "name": "## forward ##", "pid": 0, "tid": 7, "ts": 110,
         "dur": 50},
        {"ph": "X", "cat": "python_function", "name": "model.py(12): forward", "pid": 1, "tid": 1, "ts": 100,
         "dur": 60, "args": {"Python id": 1}},
        {"ph": "X", "cat": "kernel", "name": "ncclKernel_AllReduce_RING_LL_Sum_float(ncclDevComm*)", "pid": 0,
         "tid": 40, "ts": 170, "dur": 80, "args": {"External id": 9, "device": 0, "stream": 40,
                                                  "correlation": 16, "Collective name": "allreduce",
                                                  "In msg nelems": 1024, "Out msg nelems": 1024,
                                                  "Group size": 2, "dtype": "Float",
                                                  "Process Group Name": "0", "Process Group Ranks": "[0, 1]"}},
        {"ph": "X", "cat": "cpu_op", "name": "record_param_comms", "pid": 1, "tid": 1, "ts": 165, "dur": 6,
         "args": {"External id": 10, "Collective name": "wait", "In msg nelems": 0, "Out msg nelems": 0,
                  "Group size": 2, "dtype": "Float"}},
        {"ph": "i", "cat": "cpu_instant_event", "s": "t", "name": "[memory]", "pid": 1, "tid": 1, "ts": 120,
         "args": {"Bytes": 4}},
        {"name": "process_name", "ph": "M", "ts": 0, "pid": 1, "tid": 0, "args": {"name": "python3"}},
    ]
    full = {"schemaVersion": 1, "deviceProperties": [{"id": 0, "name": "NVIDIA A100-SXM4-80GB",
                                                       "totalGlobalMem": 84990623744, "computeMajor": 8,
                                                       "computeMinor": 0, "numSms": 108}],
            "distributedInfo": {"backend": "nccl", "rank": 0, "world_size": 2},
            "traceEvents": ev, "baseTimeNanoseconds": 1711964646000000000}
    text = json.dumps(full)
    put(KDIR, "all_categories.json", text)
    put(KDIR, "all_categories.json.gz", gzip.compress(text.encode(), mtime=0))
    put(KDIR, "truncated.json.gz", gzip.compress(text.encode(), mtime=0)[:300])
    put(KDIR, "truncated.json", text[: len(text) // 2])
    epoch = {"traceEvents": [{"ph": "X", "cat": "kernel", "name": "k", "pid": 0, "tid": 7,
                              "ts": 1683564901553999, "dur": 3, "args": {"device": 0, "stream": 7}}],
             "distributedInfo": {"rank": 5, "world_size": 16}}
    put(KDIR, "epoch_us_rank_after.json", json.dumps(epoch))
    put(KDIR, "wrong_ts_type.json", '{"traceEvents":[{"ph":"X","cat":"kernel","name":"k","ts":"abc","dur":1}]}')
    put(KDIR, "wrong_arg_type.json",
        '{"traceEvents":[{"ph":"X","cat":"cpu_op","name":"a","ts":1,"dur":1,"args":{"External id":"x","grid":[1,2]}}]}')
    put(KDIR, "missing_trace_events.json", '{"schemaVersion": 1, "deviceProperties": []}')
    put(KDIR, "escapes.json", r'{"traceEvents":[{"ph":"X","cat":"cpu_op","name":"a\"b\\\u00e9\ud83d\ude00","ts":1.23456e2,"dur":-1}]}')
    put(KDIR, "nested.json", '{"traceEvents":[{"ph":"X","cat":"cpu_op","name":"a","ts":1,"dur":1,"args":{"x":[[[[{"y":[1,{"z":null}]}]]]],"Input Dims":[[[1,2],[3]],[]]}}]}')
    put(KDIR, "empty.json", "{}")
    put(KDIR, "numbers.json", '{"traceEvents":[{"ph":"X","cat":"kernel","name":"k","ts":-0.0,"dur":1E+2,"args":{"grid":[1,1,1],"device":-1,"stream":2147483648}}]}')
    if shared and os.path.isdir(shared):
        for name in ("h100-bert-small-infer.json.gz", "a100-nccl-2rank-rank0.json.gz",
                     "sampled-128rank-rank0.json.gz"):
            p = os.path.join(shared, name)
            if not os.path.exists(p):
                continue
            doc = json.load(gzip.open(p))
            cats = {}
            for e in doc["traceEvents"]:
                cats.setdefault(e.get("cat"), []).append(e)
            small = {k: v for k, v in doc.items() if k != "traceEvents"}
            small.pop("metadata", None)
            small["traceEvents"] = [e for v in cats.values() for e in v[:3]]
            put(KDIR, "real_" + name.replace(".json.gz", ".json"), json.dumps(small))


def nsys_seed(table, strings, columns, rows):
    out = bytearray([table, len(strings)])
    for sid, s in strings:
        b = s.encode()
        out += bytes([sid, len(b)]) + b
    out.append(len(columns))
    out += bytes(columns)
    for row in rows:
        for v in row:
            if v is None:
                out.append(0)
            elif isinstance(v, int):
                out.append(1)
                out += struct.pack("<q", v)
            elif isinstance(v, float):
                out.append(2)
                out += struct.pack("<d", v)
            else:
                b = v.encode()
                out += bytes([3, len(b)]) + b
    return bytes(out)


def nsys_seeds():
    # Column indices into kColumnNames (nsys_rows_input.h).
    start, end, dev, stream, corr, gtid, dem, short = 0, 1, 2, 3, 4, 5, 6, 7
    name_id, gx, gy, gz, bx, by, bz, regs, ss, ds, nbytes, ckind, etype, text, text_id = \
        10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24
    strings = [(1, "void gemm<float>(float*)"), (2, "gemm"), (3, "cudaLaunchKernel_v7000"), (5, "forward")]
    put(NDIR, "kernel.bin", nsys_seed(0, strings, [start, end, dev, stream, corr, dem, short, gx, gy, gz, bx, by, bz,
                                                   regs, ss, ds],
                                      [[1000, 3500, 0, 7, 101, 1, 2, 120, 1, 1, 256, 1, 1, 64, 1024, 2048],
                                       [4000, 4800, 0, 7, 102, 9, 2, 1, 1, 1, 32, 1, 1, 16, 0, 0]]))
    put(NDIR, "runtime.bin", nsys_seed(1, strings, [start, end, gtid, corr, name_id],
                                       [[900, 1100, (4242 << 24) | 4243, 101, 3]]))
    put(NDIR, "memcpy.bin", nsys_seed(3, [], [start, end, dev, stream, corr, nbytes, ckind],
                                      [[200, 700, 0, 7, 99, 65536, 1], [800, 900, 0, 7, 98, 10, 10]]))
    put(NDIR, "memset_bad.bin", nsys_seed(4, [], [start, end, nbytes], [[1, 2, -4]]))
    put(NDIR, "nvtx.bin", nsys_seed(5, strings, [start, end, etype, text, text_id, gtid],
                                    [[500, 900, 59, "fwd", None, 1], [600, None, 60, None, 5, 1],
                                     [650, 651, 34, "mark", None, 1]]))
    put(NDIR, "kernel_text_start.bin", nsys_seed(0, strings, [start, end, dem], [["abc", 1, 1]]))
    put(NDIR, "kernel_no_name_column.bin", nsys_seed(0, strings, [start, end], [[1, 2]]))
    put(NDIR, "real_values.bin", nsys_seed(0, strings, [start, end, dem], [[1.0, 2.5, 1]]))


if __name__ == "__main__":
    shared = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "../data/real/kineto")
    kineto_seeds(shared)
    nsys_seeds()
    print("seeds written to", KDIR, "and", NDIR)
