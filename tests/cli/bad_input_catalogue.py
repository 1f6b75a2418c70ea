#!/usr/bin/env python3
"""The bad-input catalogue (issue "No silent wrong output"): several hundred bad inputs across every
format Rafter reads, generated here (no committed blobs), each run through the CLI and checked:

  error cases: the exit code, stderr names the file (and the position, where one exists: line,
               byte offset, event index or row), and the output directory (or file) that existed
               before the run is byte-for-byte unchanged, with no temporary files left behind;
  diagnostic cases: exit 0 and the counted diagnostic is in the output's diagnostics table.

  python3 bad_input_catalogue.py RAFTER_EXE [--list] [--survey] [--only SUBSTRING]

--survey prints what each case gives without judging (for writing new cases).
"""
import gzip
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.abspath(os.path.join(HERE, "..", ".."))
REAL = os.path.join(SOURCE, "tests", "data", "real")
POSITION = r"(:\d+|: byte \d+|: event \d+|: row \d+|line \d+|column \d+)"

CASES = []


def case(name, files, args, rc, pos=False, diag=None, out="dir"):
    """files: {relative name: bytes | str | callable(path)}; args: the CLI arguments, where {f} is
    the first file and {d} the case directory; rc: the exit code expected; pos: stderr must name a
    position; diag: with rc 0, the diagnostic code the output must hold; out: "dir" (-o out/, a
    directory with an earlier run's files), "file" (-o out.json) or None."""
    CASES.append(dict(name=name, files=files, args=args, rc=rc, pos=pos, diag=diag, out=out))


# ---------------------------------------------------------------------------------------------
# Kineto (PyTorch profiler) JSON

def kineto_doc(events=None, extra=None):
    doc = {
        "schemaVersion": 1,
        "deviceProperties": [{"id": 0, "name": "NVIDIA H100 80GB HBM3", "totalGlobalMem": 85000000000,
                              "computeMajor": 9, "computeMinor": 0, "numSms": 132}],
        "traceEvents": events if events is not None else [
            {"ph": "X", "cat": "cpu_op", "name": "aten::mm", "pid": 1, "tid": 1, "ts": 100, "dur": 50,
             "args": {"External id": 7, "Input Dims": [[64, 128], [128, 256]], "Input type": ["float", "float"]}},
            {"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 1, "tid": 1, "ts": 110, "dur": 5,
             "args": {"correlation": 9, "External id": 7}},
            {"ph": "X", "cat": "kernel", "name": "sgemm_128x64", "pid": 0, "tid": 7, "ts": 120, "dur": 20,
             "args": {"device": 0, "stream": 7, "correlation": 9, "External id": 7, "grid": [4, 1, 1],
                      "block": [128, 1, 1]}},
            {"ph": "X", "cat": "kernel", "name": "elementwise", "pid": 0, "tid": 7, "ts": 150, "dur": 4,
             "args": {"device": 0, "stream": 7, "correlation": 10}},
        ],
    }
    if extra:
        doc.update(extra)
    return doc


def kineto_text(**kw):
    return json.dumps(kineto_doc(**kw), indent=1)


def kernel(**over):
    e = {"ph": "X", "cat": "kernel", "name": "k", "pid": 0, "tid": 7, "ts": 120, "dur": 20,
         "args": {"device": 0, "stream": 7, "correlation": 9}}
    e.update(over)
    return e


def kineto_cases():
    good = kineto_text()
    # Truncated anywhere: an error at a byte offset, never a partial trace.
    for i in range(1, 31):
        cut = len(good) * i // 31
        case(f"kineto truncated at {cut}", {"t.json": good[:cut]}, ["roofline", "{f}"], 3, pos=True)
    # Gzip: truncated or corrupt streams.
    gz = gzip.compress(good.encode())
    for cut in (10, len(gz) // 2, len(gz) - 4):
        case(f"kineto gzip truncated at {cut}", {"t.json.gz": gz[:cut]}, ["roofline", "{f}"], 3)
    corrupt = bytearray(gz)
    corrupt[len(corrupt) // 2] ^= 0xFF
    case("kineto gzip corrupt", {"t.json.gz": bytes(corrupt)}, ["roofline", "{f}"], 3)
    # Syntax errors at several places.
    syntax = {
        "semicolon for comma": good.replace(",", ";", 3),
        "stray closing brace": good.replace('"traceEvents": [', '"traceEvents": [}', 1),
        "bad literal": good.replace('"ph": "X"', '"ph": tru', 1),
        "unterminated string": good.replace('"aten::mm"', '"aten::mm', 1),
        "trailing comma in array": good.replace("\n ]\n}", ",\n ]\n}"),
        "missing colon": good.replace('"dur": 50', '"dur" 50', 1),
        "single quotes": good.replace('"name": "elementwise"', "'name': 'elementwise'", 1),
        "nan literal": good.replace('"dur": 4', '"dur": NaN', 1),
        "leading garbage": "xx" + good,
        "unbalanced": good[:-2],
        "number overflow token": good.replace('"dur": 4', '"dur": 1' + "0" * 400, 1),
    }
    for name, text in syntax.items():
        # Garbage before the JSON is no format at all: "unrecognized input format", no position.
        case(f"kineto syntax: {name}", {"t.json": text}, ["roofline", "{f}"], 3, pos=name != "leading garbage")
    # A raw control character inside a string is invalid JSON that loses nothing: read as written.
    case("kineto control char in a name", {"t.json": good.replace("elementwise", "element\x01wise", 1)},
         ["roofline", "{f}", "-o", "{d}/out"], 0, diag="")
    # Structure.
    case("kineto empty file", {"t.json": ""}, ["roofline", "{f}"], 3)
    case("kineto whitespace only", {"t.json": "   \n"}, ["roofline", "{f}"], 3)
    case("kineto traceEvents not an array", {"t.json": json.dumps({"traceEvents": {"a": 1}})},
         ["roofline", "{f}"], 3)
    case("kineto traceEvents missing", {"t.json": json.dumps({"schemaVersion": 1, "other": []})},
         ["roofline", "{f}"], 3)
    case("kineto traceEvents empty", {"t.json": json.dumps({"traceEvents": []})}, ["roofline", "{f}", "-o", "{d}/out"], 0,
         diag="kineto.no_kernels")
    case("kineto event not an object", {"t.json": kineto_text(events=[kernel(), 5])}, ["roofline", "{f}"], 3,
         pos=True)
    case("kineto only cpu ops", {"t.json": kineto_text(events=[
        {"ph": "X", "cat": "cpu_op", "name": "aten::mm", "pid": 1, "tid": 1, "ts": 1, "dur": 2}])},
         ["roofline", "{f}", "-o", "{d}/out"], 0, diag="kineto.no_kernels")
    case("kineto launches but no kernels", {"t.json": kineto_text(events=[
        {"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 1, "tid": 1, "ts": 1, "dur": 2,
         "args": {"correlation": 3}}])}, ["roofline", "{f}"], 3)
    # Values that cannot be trusted: an error at the event, or a counted diagnostic.
    # (override, exit code, diagnostic): 3 is an error naming the event; 0 a counted diagnostic.
    bad_values = {
        "negative dur": (dict(dur=-5), 0, "kineto.negative_duration"),
        "dur string": (dict(dur="20"), 3, None),
        "dur huge": (dict(dur=1e300), 3, None),
        "ts huge": (dict(ts=1e300), 3, None),
        "ts negative huge": (dict(ts=-1e300), 3, None),
        "ts missing": (dict(ts=None), 3, None),
        "dur missing": (dict(dur=None), 3, None),
        "name number": (dict(name=12), 3, None),
        "name missing": (dict(name=None), 3, None),
        "args array": (dict(args=[1, 2]), 0, "kineto.args_not_object"),
        "args null": (dict(args=None), 0, ""),  # null is "no args": a kernel without device and stream
        "device negative": (dict(args={"device": -3, "stream": 7, "correlation": 9}), 3, None),
        "device huge": (dict(args={"device": 1e20, "stream": 7, "correlation": 9}), 3, None),
        "stream string": (dict(args={"device": 0, "stream": "x", "correlation": 9}), 3, None),
        "stream negative": (dict(args={"device": 0, "stream": -7, "correlation": 9}), 3, None),
        "correlation negative": (dict(args={"device": 0, "stream": 7, "correlation": -1}), 3, None),
        "correlation fractional": (dict(args={"device": 0, "stream": 7, "correlation": 1.5}), 3, None),
        "grid negative": (dict(args={"device": 0, "stream": 7, "correlation": 9, "grid": [-4, 1, 1]}), 3, None),
        "grid huge": (dict(args={"device": 0, "stream": 7, "correlation": 9, "grid": [1e30, 1, 1]}), 3, None),
        "grid not array": (dict(args={"device": 0, "stream": 7, "correlation": 9, "grid": "4,1,1"}), 3, None),
        # Up to three dimensions are read; the ones not given stay unknown (0), not guessed.
        "grid too short": (dict(args={"device": 0, "stream": 7, "correlation": 9, "grid": [4]}), 0, ""),
        "registers negative": (dict(args={"device": 0, "stream": 7, "correlation": 9, "registers per thread": -2}), 3, None),
        "External id string": (dict(args={"device": 0, "stream": 7, "correlation": 9, "External id": "7"}), 3, None),
    }
    for name, (over, rc, diag) in bad_values.items():
        ev = kernel()
        for k, v in over.items():
            if v is None:
                ev.pop(k, None)
            else:
                ev[k] = v
        case(f"kineto kernel {name}", {"t.json": kineto_text(events=[kernel(ts=10, dur=3), ev])},
             ["roofline", "{f}", "--group-by", "kernel", "-o", "{d}/out"], rc, pos=rc == 3, diag=diag)
    raw = kineto_text(events=[kernel(name="bad\u00e9name")]).encode().replace("bad\u00e9name".encode(), b"bad\xff\xfename")
    case("kineto invalid utf8 in name", {"t.json": raw}, ["roofline", "{f}", "-o", "{d}/out"], 0, diag="")
    props = {
        "deviceProperties huge memory": [{"id": 0, "name": "NVIDIA H100 80GB HBM3", "totalGlobalMem": 1e32}],
        "deviceProperties negative sms": [{"id": 0, "name": "NVIDIA H100 80GB HBM3", "numSms": -1}],
        "deviceProperties not array": {"id": 0},
        "deviceProperties name number": [{"id": 0, "name": 5}],
    }
    for name, p in props.items():
        ok = name.endswith("name number")  # the device stays unnamed: no machine detected, said so
        case(f"kineto {name}", {"t.json": kineto_text(extra={"deviceProperties": p})},
             ["roofline", "{f}", "-o", "{d}/out"], 0 if ok else 3, pos=not ok, diag="machine.none" if ok else None)
    case("kineto distributedInfo bad rank", {"t.json": kineto_text(extra={"distributedInfo": {"rank": -4, "world_size": 2}})},
         ["roofline", "{f}", "-o", "{d}/out"], 3, pos=True)
    case("kineto distributedInfo rank beyond world", {"t.json": kineto_text(extra={"distributedInfo": {"rank": 9, "world_size": 2}})},
         ["roofline", "{f}", "-o", "{d}/out"], 3, pos=True)
    case("kineto two files claim rank 0", {
        "a.json": kineto_text(extra={"distributedInfo": {"rank": 0, "world_size": 2}}),
        "b.json": kineto_text(extra={"distributedInfo": {"rank": 0, "world_size": 2}})},
         ["breakdown", "{d}/a.json", "{d}/b.json", "--format", "json", "-o", "{d}/out"], 0, diag="import.duplicate_rank")
    case("kineto old capitalized categories", {"t.json": kineto_text(events=[
        dict(kernel(), cat="Kernel"), {"ph": "X", "cat": "Operator", "name": "aten::mm", "pid": 1, "tid": 1, "ts": 100,
                                       "dur": 50, "args": {"External id": 7}}])},
         ["roofline", "{f}", "-o", "{d}/out"], 0, diag="")
    case("kineto unknown device category", {"t.json": kineto_text(events=[dict(kernel(), cat="mtia_kernel")])},
         ["roofline", "{f}"], 3)
    case("kineto end before start across events", {"t.json": kineto_text(events=[kernel(ts=200, dur=10), kernel(ts=205, dur=10)])},
         ["breakdown", "{f}", "--format", "json", "-o", "{d}/out"], 0, diag="")


# ---------------------------------------------------------------------------------------------
# Nsight Compute CSV

NCU_HEADER = ('"ID","Process ID","Process Name","Host Name","Kernel Name","Context","Stream","Block Size",'
              '"Grid Size","Device","CC","Section Name","Metric Name","Metric Unit","Metric Value"\n')


def ncu_row(metric, unit, value, kid=0, name="kernel_a"):
    return (f'"{kid}","100","app","host","{name}","1","7","(32, 1, 1)","(4, 1, 1)","0","8.0",'
            f'"Command line profiler metrics","{metric}","{unit}","{value}"\n')


def ncu_good():
    return (NCU_HEADER + ncu_row("gpu__time_duration.sum", "usecond", "10") +
            ncu_row("dram__bytes.sum", "byte", "4096") +
            ncu_row("smsp__sass_thread_inst_executed_op_ffma_pred_on.sum", "inst", "1000") +
            ncu_row("gpu__time_duration.sum", "usecond", "5", kid=1, name="kernel_b"))


def ncu_cases():
    good = ncu_good()
    lines = good.splitlines(keepends=True)
    for n in range(1, len(lines)):
        cut = "".join(lines[:n]) + lines[n][: len(lines[n]) // 2]
        case(f"ncu truncated in line {n + 1}", {"k.csv": cut}, ["roofline", "{f}"], 3, pos=True)
    values = {
        "negative bytes": ("dram__bytes.sum", "byte", "-4096"),
        "huge bytes": ("dram__bytes.sum", "byte", "1e308"),
        "inf bytes": ("dram__bytes.sum", "byte", "inf"),
        "nan time": ("gpu__time_duration.sum", "usecond", "nan"),
        "negative time": ("gpu__time_duration.sum", "usecond", "-3"),
        "zero time": ("gpu__time_duration.sum", "usecond", "0"),
        "text value": ("dram__bytes.sum", "byte", "lots"),
        "unknown unit": ("dram__bytes.sum", "furlong", "3"),
        "wrong unit kind": ("dram__bytes.sum", "usecond", "3"),
        "thousands separators": ("dram__bytes.sum", "byte", "4,096"),
        "hex value": ("dram__bytes.sum", "byte", "0x1000"),
        "empty value": ("dram__bytes.sum", "byte", ""),
        "huge inst": ("smsp__sass_thread_inst_executed_op_ffma_pred_on.sum", "inst", "1e309"),
    }
    counted = {"negative bytes": "ncu.implausible_value", "huge bytes": "ncu.implausible_value",
               "negative time": "ncu.implausible_value", "empty value": "ncu.value_na",
               "thousands separators": ""}  # ncu writes "4,096" in some locales: read as 4096
    for name, (metric, unit, value) in values.items():
        text = NCU_HEADER + ncu_row("gpu__time_duration.sum", "usecond", "10") + ncu_row(metric, unit, value)
        diag = counted.get(name)
        case(f"ncu {name}", {"k.csv": text}, ["roofline", "{f}", "--machine", "a100-sxm4-40gb", "-o", "{d}/out"],
             0 if diag is not None else 3, pos=diag is None, diag=diag)
    structure = {
        "empty": "",
        "header only": NCU_HEADER,
        "no kernel name column": NCU_HEADER.replace('"Kernel Name"', '"Kernel"') + ncu_row("gpu__time_duration.sum", "usecond", "1"),
        "no metric value column": NCU_HEADER.replace(',"Metric Value"', "") + ncu_row("gpu__time_duration.sum", "usecond", "1"),
        "extra field": NCU_HEADER + ncu_row("gpu__time_duration.sum", "usecond", "1").replace('"1"\n', '"1","x"\n'),
        "missing field": NCU_HEADER + ncu_row("gpu__time_duration.sum", "usecond", "1").replace(',"1"\n', "\n"),
        "unterminated quote": NCU_HEADER + ncu_row("gpu__time_duration.sum", "usecond", "1").replace('"1"\n', '"1\n'),
        "NUL byte": NCU_HEADER + ncu_row("gpu__time_duration.sum", "usecond", "1").replace("kernel_a", "kern\0el"),
        "NUL in header": NCU_HEADER.replace("Stream", "Str\0eam") + ncu_row("gpu__time_duration.sum", "usecond", "1"),
        "binary garbage": bytes(range(256)) * 8,
        "bad grid": NCU_HEADER + ncu_row("gpu__time_duration.sum", "usecond", "1").replace('"(4, 1, 1)"', '"(-4, x, 1)"'),
        "id not a number": NCU_HEADER + ncu_row("gpu__time_duration.sum", "usecond", "1").replace('"0","100"', '"zero","100"'),
        "cc not a number": NCU_HEADER + ncu_row("gpu__time_duration.sum", "usecond", "1").replace('"8.0"', '"eight"'),
        "only log lines": "==PROF== Connected to process 1\n==PROF== Disconnected\n",
        "crlf and bom": ("\ufeff" + ncu_good()).replace("\n", "\r\n"),
    }
    # Not recognized as ncu at all (no header before the bad bytes): an error without a position.
    unrecognized = {"NUL in header", "binary garbage", "only log lines", "empty", "header only"}
    for name, text in structure.items():
        ok = name == "crlf and bom"
        case(f"ncu {name}", {"k.csv": text}, ["roofline", "{f}", "--machine", "a100-sxm4-40gb", "-o", "{d}/out"],
             0 if ok else 3, pos=not ok and name not in unrecognized, diag="" if ok else None)


# ---------------------------------------------------------------------------------------------
# Nsight Systems SQLite

NSYS_REAL = os.path.join(REAL, "nsys", "a100-cloverleaf-nsys2024.5.sqlite")


def nsys_mutation(sql):
    def make(path):
        shutil.copy(NSYS_REAL, path)
        con = sqlite3.connect(path)
        con.executescript(sql)
        con.commit()
        con.close()
    return make


def nsys_cases():
    if not os.path.exists(NSYS_REAL):
        return
    data = open(NSYS_REAL, "rb").read()
    for frac in (0.1, 0.5, 0.9):
        case(f"nsys truncated at {frac:.0%}", {"r.sqlite": data[: int(len(data) * frac)]}, ["roofline", "{f}"], 3)
    head = bytearray(data)
    head[100:4096] = b"\xff" * (4096 - 100)
    case("nsys corrupt pages", {"r.sqlite": bytes(head)}, ["roofline", "{f}"], 3)
    muts = {
        "no kernel table": "DROP TABLE CUPTI_ACTIVITY_KIND_KERNEL;",
        "no string table": "DROP TABLE StringIds;",
        "kernel end before start": "UPDATE CUPTI_ACTIVITY_KIND_KERNEL SET end = start - 1000 WHERE rowid = 1;",
        "kernel end near int64 max": "UPDATE CUPTI_ACTIVITY_KIND_KERNEL SET end = 9223372036854775000 WHERE rowid = 2;",
        "kernel start negative": "UPDATE CUPTI_ACTIVITY_KIND_KERNEL SET start = -9223372036854775000 WHERE rowid = 3;",
        "kernel name id dangling": "UPDATE CUPTI_ACTIVITY_KIND_KERNEL SET shortName = 999999999 WHERE rowid = 1;",
        "kernel name blob": "UPDATE StringIds SET value = X'41004242FF' WHERE id = (SELECT shortName FROM CUPTI_ACTIVITY_KIND_KERNEL LIMIT 1);",
        "grid negative": "UPDATE CUPTI_ACTIVITY_KIND_KERNEL SET gridX = -4 WHERE rowid = 1;",
        "kernel start text": "UPDATE CUPTI_ACTIVITY_KIND_KERNEL SET start = 'soon' WHERE rowid = 1;",
        "all kernels deleted": "DELETE FROM CUPTI_ACTIVITY_KIND_KERNEL;",
        "memcpy negative bytes": "UPDATE CUPTI_ACTIVITY_KIND_MEMCPY SET bytes = -5 WHERE rowid = 1;",
        "memcpy end before start": "UPDATE CUPTI_ACTIVITY_KIND_MEMCPY SET end = start - 10 WHERE rowid = 1;",
        "schema version 2.9.1": "UPDATE META_DATA_EXPORT SET value = '2.9.1' WHERE name = 'EXPORT_SCHEMA_VERSION';",
        "schema version 99": "UPDATE META_DATA_EXPORT SET value = '99.0.0' WHERE name = 'EXPORT_SCHEMA_VERSION';",
    }
    expect = {
        "no kernel table": (3, None), "no string table": (0, "nsys.unknown_string_id"),
        "kernel end before start": (0, "nsys.bad_interval"), "kernel end near int64 max": (0, "nsys.bad_interval"),
        "kernel start negative": (0, "nsys.bad_interval"), "kernel name id dangling": (0, ""),
        "kernel name blob": (0, ""), "grid negative": (0, "nsys.bad_launch_dim"), "kernel start text": (3, "row"),
        "all kernels deleted": (3, None), "memcpy negative bytes": (3, "row"),
        "memcpy end before start": (0, "nsys.bad_interval"), "schema version 2.9.1": (0, "nsys.schema_version_untested"),
        "schema version 99": (0, "nsys.schema_version_untested"),
    }
    for name, sql in muts.items():
        rc, diag = expect[name]
        case(f"nsys {name}", {"r.sqlite": nsys_mutation(sql)}, ["breakdown", "{f}", "--format", "json", "-o", "{d}/out"],
             rc, pos=diag == "row", diag=None if diag == "row" else diag)


# ---------------------------------------------------------------------------------------------
# JSON parameter files: machines, scenarios, I/O profiles, fio, ERT

def json_syntax_variants(text):
    return {
        "truncated": text[: len(text) // 2],
        "trailing comma": text.replace("}", ",}", 1) if "}" in text else text + ",",
        "missing comma": text.replace(",\n", "\n", 1),
        "bad literal": text.replace(":", ": nul,", 1),
        "comment": "// machine\n" + text,
        "empty": "",
        "array not object": "[" + text + "]",
    }


def machine_doc():
    return json.loads(subprocess.run([RAFTER, "machines", "--show", "h100-sxm"], capture_output=True, text=True,
                                     check=True).stdout)


def param_cases():
    kin = os.path.join(SOURCE, "examples/kineto/h100-bert-small-infer.json.gz")
    m = machine_doc()
    mtext = json.dumps(m, indent=2)
    for name, text in json_syntax_variants(mtext).items():
        case(f"machine file {name}", {"m.json": text}, ["roofline", kin, "--machine", "{f}", "-o", "{d}/out"], 3,
             pos=name != "array not object")
    bad_fields = {
        "negative peak": ("peaks_flops", "fp32", -1),
        "string peak": ("peaks_flops", "fp32", "fast"),
        "huge bandwidth": ("bandwidths", "dram", 1e300),
        "zero bandwidth": ("bandwidths", "dram", 0),
        "unknown flop kind": ("peaks_flops", "fp3", 1e12),
        "unknown level": ("bandwidths", "l4", 1e12),
    }
    for name, (obj, key, val) in bad_fields.items():
        d = json.loads(mtext)
        d[obj][key] = val
        case(f"machine file {name}", {"m.json": json.dumps(d, indent=2)}, ["roofline", kin, "--machine", "{f}", "-o", "{d}/out"], 3)
    for key in ("name", "peaks_flops", "bandwidths", "schema"):
        d = json.loads(mtext)
        d.pop(key, None)
        # Peaks and bandwidths may be unknown (the groups then say which bound is missing);
        # a machine needs its name; the schema key is optional.
        missing = {"name": (3, None), "peaks_flops": (0, "roofline.no_peak.fp32"),
                   "bandwidths": (0, "roofline.no_bandwidth.dram"), "schema": (0, "")}[key]
        case(f"machine file without {key}", {"m.json": json.dumps(d, indent=2)},
             ["roofline", kin, "--machine", "{f}", "--group-by", "kernel", "-o", "{d}/out"], missing[0], diag=missing[1])
    for bad in ("negative launch latency", "nan-like latency"):
        d = json.loads(mtext)
        d["launch_latency_s"] = -1 if bad.startswith("negative") else "nan"
        case(f"machine file {bad}", {"m.json": json.dumps(d, indent=2)}, ["roofline", kin, "--machine", "{f}", "-o", "{d}/out"], 3)

    scen = open(os.path.join(SOURCE, "examples/scenarios/gpt-13b-h100.json")).read()
    for name, text in json_syntax_variants(scen).items():
        case(f"scenario {name}", {"s.json": text}, ["scale", "{f}", "-o", "{d}/out"], 3, pos=name != "array not object")
    sdoc = json.loads(scen)

    def scen_mut(path_keys, value):
        d = json.loads(scen)
        o = d
        for k in path_keys[:-1]:
            o = o[k]
        if value is KeyError:
            o.pop(path_keys[-1], None)
        else:
            o[path_keys[-1]] = value
        return json.dumps(d, indent=2)

    def walk(o, prefix=()):
        for k, v in o.items():
            if isinstance(v, dict):
                yield from walk(v, prefix + (k,))
            else:
                yield prefix + (k,), v

    # Every field of the example scenario: a negative number or a string where a number belongs is
    # an error; so is an unknown value of an enumeration (free text excepted), and a missing
    # required field. A missing optional field takes its documented default.
    required = {"workload.parameters", "workload.batch_per_gpu", "workload.forward_s", "workload.backward_s",
                "workload.layers", "workload.hidden_size", "scaling.global_batch", "system.topology.gpus_per_node",
                "system.topology.intra_node.bandwidth", "system.topology.inter_node.bandwidth"}
    free_text = {"name", "description"}
    for keys, v in walk(sdoc):
        if keys == ("schema",):
            continue
        label = ".".join(keys)
        run = ["scale", "{f}", "-o", "{d}/out"]
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            case(f"scenario {label} negative", {"s.json": scen_mut(keys, -abs(v) - 1)}, run, 3)
            case(f"scenario {label} string", {"s.json": scen_mut(keys, "many")}, run, 3)
        elif isinstance(v, str):
            case(f"scenario {label} unknown value", {"s.json": scen_mut(keys, "no-such-" + v)}, run,
                 0 if label in free_text else 3, diag="" if label in free_text else None)
        case(f"scenario without {label}", {"s.json": scen_mut(keys, KeyError)}, run,
             3 if label in required else 0, diag=None if label in required else "")

    fio = {"jobs": [{"jobname": "r", "read": {"bw_bytes": 1e9, "iops": 1000, "runtime": 1000, "io_bytes": 1e9}}]}
    ftext = json.dumps(fio, indent=2)
    for name, text in json_syntax_variants(ftext).items():
        case(f"fio {name}", {"f.json": text}, ["calibrate", "io", "--from-fio", "{f}", "-o", "{d}/out.json"], 3,
             pos=name != "array not object", out="file")
    for name, val in {"negative bandwidth": -1e9, "string bandwidth": "fast", "zero runtime": 0}.items():
        d = json.loads(ftext)
        if name == "zero runtime":
            d["jobs"][0]["read"]["runtime"] = 0
        else:
            d["jobs"][0]["read"]["bw_bytes"] = val
        case(f"fio {name}", {"f.json": json.dumps(d)}, ["calibrate", "io", "--from-fio", "{f}", "-o", "{d}/out.json"],
             0 if name == "zero runtime" else 3, diag="" if name == "zero runtime" else None,
             out="file")
    case("fio no jobs", {"f.json": json.dumps({"jobs": []})}, ["calibrate", "io", "--from-fio", "{f}", "-o", "{d}/out.json"], 3,
         out="file")

    iop = {"schema": "rafter.io_profile/1", "source": "fio", "seq_read_bw": 2.1e9, "rand_read_bw": 4.0e8,
           "rand_read_iops": 97000, "rand_block_bytes": 4096, "file_open_rate": 21000}
    ptext = json.dumps(iop, indent=2)
    for name, text in json_syntax_variants(ptext).items():
        case(f"io profile {name}", {"p.json": text}, ["scale", os.path.join(SOURCE, "examples/scenarios/gpt-13b-h100.json"),
                                                      "--io-profile", "{f}", "-o", "{d}/out"], 3,
             pos=name != "array not object")


# ---------------------------------------------------------------------------------------------
# nccl-tests / OSU text for calibrate comm

NCCL_HEAD = """# nThread 1 nGpus 8 minBytes 8 maxBytes 134217728 step: 2(factor) warmup iters: 5 iters: 20
#
#                                                              out-of-place                       in-place
#       size         count      type   redop    root     time   algbw   busbw #wrong     time   algbw   busbw #wrong
#        (B)    (elements)                               (us)  (GB/s)  (GB/s)            (us)  (GB/s)  (GB/s)
"""


def nccl_rows(rows):
    out = NCCL_HEAD
    for size, t in rows:
        out += f"{size:>12} {size // 4:>12}     float     sum      -1  {t:>7}  {0.1:>6}  {0.2:>6}      0  {t:>7}  {0.1:>6}  {0.2:>6}      0\n"
    return out + "# Avg bus bandwidth    : 1.0\n"


def comm_cases():
    sizes = [8 << i for i in range(20)]
    good = [(s, f"{10 + s / 1e5:.2f}") for s in sizes]
    case("nccl-tests good", {"n.txt": nccl_rows(good)}, ["calibrate", "comm", "{f}", "--collective", "all_reduce", "--ranks", "8", "-o", "{d}/out.json"], 0,
         out="file")
    for bad in ("0", "-5.0", "nan", "inf", "x", "1e400"):
        for where in (0, 10, 19):
            rows = list(good)
            rows[where] = (rows[where][0], bad)
            case(f"nccl-tests time {bad} in row {where}", {"n.txt": nccl_rows(rows)},
                 ["calibrate", "comm", "{f}", "--collective", "all_reduce", "--ranks", "8", "-o", "{d}/out.json"], 3, pos=True, out="file")
    case("nccl-tests no rows", {"n.txt": NCCL_HEAD}, ["calibrate", "comm", "{f}", "--collective", "all_reduce", "--ranks", "8", "-o", "{d}/out.json"], 3,
         out="file")
    # Two sizes determine the two parameters exactly; the output says points 2 (residual 0).
    case("nccl-tests two rows", {"n.txt": nccl_rows(good[:2])}, ["calibrate", "comm", "{f}", "--collective", "all_reduce", "--ranks", "8", "-o", "{d}/out.json"],
         0, out="file")
    case("nccl-tests size not a number", {"n.txt": nccl_rows(good).replace(f"{sizes[3]:>12}", "        many", 1)},
         ["calibrate", "comm", "{f}", "--collective", "all_reduce", "--ranks", "8", "-o", "{d}/out.json"], 3, pos=True, out="file")
    case("nccl-tests binary", {"n.txt": bytes(range(256))}, ["calibrate", "comm", "{f}", "--collective", "all_reduce", "--ranks", "8", "-o", "{d}/out.json"], 3,
         out="file")
    osu = "# OSU MPI Allreduce Latency Test v7.1\n# Size       Avg Latency(us)\n" + "".join(
        f"{s:<12}{10 + s / 1e5:>16.2f}\n" for s in sizes[:12])
    case("osu good", {"o.txt": osu}, ["calibrate", "comm", "{f}", "--collective", "all_reduce", "--ranks", "8", "-o", "{d}/out.json"], 0, out="file")
    for bad in ("-1.00", "nan", "0.00"):
        case(f"osu latency {bad}", {"o.txt": osu.replace("10.00\n", bad + "\n", 1)},
             ["calibrate", "comm", "{f}", "--collective", "all_reduce", "--ranks", "8", "-o", "{d}/out.json"], 3, pos=True, out="file")


# ---------------------------------------------------------------------------------------------
# Native .rafter traces and the generic cases

def native_cases():
    kin = os.path.join(SOURCE, "examples/kineto/h100-bert-small-infer.json.gz")
    tmp = tempfile.mkdtemp()
    try:
        native = os.path.join(tmp, "t.rafter")
        r = subprocess.run([RAFTER, "import", kin, "-o", native], capture_output=True)
        if r.returncode != 0 or not os.path.exists(native):
            return
        data = open(native, "rb").read()
    finally:
        shutil.rmtree(tmp)
    for frac in (0.05, 0.3, 0.6, 0.95):
        case(f"native truncated at {frac:.0%}", {"t.rafter": data[: int(len(data) * frac)]}, ["roofline", "{f}"], 3)
    for off in (len(data) // 7, len(data) // 3, len(data) // 2):
        b = bytearray(data)
        b[off:off + 16] = b"\xff" * 16
        case(f"native corrupted at byte {off}", {"t.rafter": bytes(b)}, ["roofline", "{f}", "-o", "{d}/out"], 3, pos=True)


def generic_cases():
    case("unknown format", {"x.bin": b"\x00\x01\x02hello"}, ["roofline", "{f}"], 3)
    case("directory without inputs", {"empty/.keep": ""}, ["roofline", "{d}/empty"], 3)
    case("missing file", {}, ["roofline", "{d}/nope.json"], 3)
    case("gzip of garbage", {"g.json.gz": gzip.compress(b"\x00\xff" * 100)}, ["roofline", "{f}"], 3)
    case("gzip of empty", {"g.json.gz": gzip.compress(b"")}, ["roofline", "{f}"], 3)
    case("bad option", {"t.json": kineto_text()}, ["roofline", "{f}", "--top", "many"], 2, out=None)
    case("bad group-by", {"t.json": kineto_text()}, ["roofline", "{f}", "--group-by", "layer"], 2, out=None)
    case("unknown machine", {"t.json": kineto_text()}, ["roofline", "{f}", "--machine", "z9000"], 2)


# ---------------------------------------------------------------------------------------------

OLD = {"summary.json": "old summary\n", "kernels.csv": "old csv\n", "roofline.svg": "<svg/>\n",
       "time-roofline.svg": "<svg/>\n", "breakdown.json": "old\n", "scaling.json": "old\n", "scaling.csv": "old\n",
       "scaling.svg": "<svg/>\n"}


def snapshot(root):
    out = {}
    for dirpath, _, files in os.walk(root):
        for f in files:
            p = os.path.join(dirpath, f)
            out[os.path.relpath(p, root)] = open(p, "rb").read()
    return out


def run_case(c, work):
    d = os.path.join(work, re.sub(r"[^A-Za-z0-9]+", "-", c["name"]).strip("-"))
    os.makedirs(d)
    first = None
    for name, content in c["files"].items():
        p = os.path.join(d, name)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        if callable(content):
            content(p)
        else:
            with open(p, "wb") as f:
                f.write(content.encode() if isinstance(content, str) else content)
        first = first or p
    if c["out"] == "dir":
        os.makedirs(os.path.join(d, "out"))
        for n, t in OLD.items():
            with open(os.path.join(d, "out", n), "w") as f:
                f.write(t)
    elif c["out"] == "file":
        with open(os.path.join(d, "out.json"), "w") as f:
            f.write("old output\n")
    args = [a.replace("{f}", first or "").replace("{d}", d) for a in c["args"]]
    if c["out"] == "dir" and "-o" not in args:
        args += ["-o", os.path.join(d, "out")]
    before = snapshot(d)
    try:
        r = subprocess.run([RAFTER, *args], capture_output=True, timeout=120)
        rc, err = r.returncode, r.stderr.decode(errors="replace")
    except subprocess.TimeoutExpired:
        rc, err = "timeout", ""
    after = snapshot(d)
    return d, first, args, rc, err, before, after


def diagnostics_of(d):
    codes = set()
    for n in ("out/summary.json", "out/breakdown.json", "out/scaling.json", "out.json"):
        p = os.path.join(d, n)
        try:
            doc = json.load(open(p))
        except (OSError, ValueError):
            continue
        for x in doc.get("diagnostics", []) if isinstance(doc, dict) else []:
            codes.add(x.get("code"))
    return codes


def check(c, d, first, rc, err, before, after):
    problems = []
    if rc == "timeout":
        return ["timed out"]
    if rc < 0 or rc in (134, 139):
        return [f"crashed (rc {rc})"]
    debris = [k for k in after if ".tmp-" in k]
    if debris:
        problems.append(f"temporary files left: {debris}")
    expected = c["rc"]
    if expected == "?":
        return problems + ["no expectation"]
    if rc != expected:
        problems.append(f"exit {rc}, expected {expected}")
    if rc != 0:
        if first and os.path.basename(first) not in err and rc == 3:
            problems.append("stderr does not name the file")
        if c["pos"] and not re.search(POSITION, err):
            problems.append("stderr names no position")
        if before != after:
            problems.append("outputs changed by a failed run")
    else:
        if c["diag"] and c["diag"] not in diagnostics_of(d):
            problems.append(f"diagnostic {c['diag']} missing (have {sorted(diagnostics_of(d))})")
        # What a successful run wrote is valid UTF-8, and its JSON parses.
        for name, data in after.items():
            if name.startswith("out") and before.get(name) != data:
                try:
                    text = data.decode("utf-8")
                    if name.endswith(".json"):
                        json.loads(text)
                except ValueError as e:
                    problems.append(f"{name} is not valid output: {e}")
    return problems


def main():
    global RAFTER
    args = sys.argv[1:]
    if not args:
        print(__doc__)
        return 2
    RAFTER = os.path.abspath(args[0])
    survey = "--survey" in args
    only = args[args.index("--only") + 1] if "--only" in args else None
    kineto_cases(); ncu_cases(); nsys_cases(); param_cases(); comm_cases(); native_cases(); generic_cases()
    cases = [c for c in CASES if not only or only in c["name"]]
    if "--list" in args:
        for c in cases:
            print(c["name"])
        print(len(cases), "cases")
        return 0
    work = tempfile.mkdtemp(prefix="rafter-catalogue-")
    failures = 0
    try:
        for c in cases:
            d, first, argv, rc, err, before, after = run_case(c, work)
            if survey:
                line = err.strip().splitlines()[-1] if err.strip() else ""
                diags = sorted(diagnostics_of(d)) if rc == 0 else []
                print(f"{c['name'][:55]:55} rc={rc} {line[:150]} {diags if diags else ''}")
                continue
            problems = check(c, d, first, rc, err, before, after)
            if problems:
                failures += 1
                print(f"FAIL {c['name']}: {'; '.join(problems)}\n     rafter {' '.join(argv)}\n     {err.strip()[:300]}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if not survey:
        print(f"{len(cases) - failures} of {len(cases)} bad-input cases behave")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
