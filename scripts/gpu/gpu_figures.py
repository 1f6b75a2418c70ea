"""Turns the work folder of scripts/gpu-validate.sh into summary.md and summary.json.

Reads the step logs and the `rafter roofline --format json` outputs the steps wrote; computes the
validation figures (FLOP and byte errors against what the programs must do, Rafter against ncu,
CUPTI against Kineto, ceilings against the data sheet and PyTorch). A figure that could not be
obtained is written as missing with the reason, never as 0. Exit status 1 when the summary could
not be written or a step is absent from the status file."""
import argparse
import json
import os
import re
import sys

STEPS = ["env", "bundle", "metrics", "probe", "metric_probe", "triad_time", "triad_counters",
         "triad_counters_batch2", "ctest_gpu", "launch_bench", "sigterm", "ncu_sgemm", "ncu_triad", "torch_kineto",
         "ceilings", "torch_reference", "torch_both", "ceilings_counters", "gemm_fit", "torch_coexist"]

TRIAD_N = 1 << 27


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return None


def load_json(path):
    text = read(path)
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


class Figures:
    def __init__(self):
        self.rows = []  # (section, figure, value, reference, verdict)
        self.data = {}

    def add(self, section, figure, value, reference="", verdict=""):
        self.rows.append((section, figure, value, reference, verdict))
        self.data.setdefault(section, {})[figure] = {"value": value, "reference": reference, "verdict": verdict}

    def missing(self, section, figure, why):
        self.add(section, figure, "missing: " + why)


def pct(measured, expected):
    return 100.0 * (measured / expected - 1.0)


def fmt(x, unit=""):
    if x is None:
        return "missing"
    for scale, prefix in ((1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(x) >= scale:
            return "%.4g %s%s" % (x / scale, prefix, unit)
    return "%.4g %s" % (x, unit)


def groups(doc):
    return doc.get("groups", []) if isinstance(doc, dict) else []


def group_sum(doc, prefix, field, sub=None):
    total, n = 0.0, 0
    for g in groups(doc):
        if not g["name"].startswith(prefix):
            continue
        v = g.get(field)
        if sub is not None:
            v = v.get(sub) if isinstance(v, dict) else None
        if v is not None:
            total += v
            n += 1
    return total if n else None


def env_section(work, fig):
    text = read(os.path.join(work, "env.log")) or ""
    for key, pattern in (("device", r"Product Name\s*:\s*(.+)"), ("driver", r"Driver Version\s*:\s*(.+)"),
                         ("CUDA (driver)", r"CUDA Version\s*:\s*(.+)"), ("date", r"^date: (.+)$"),
                         ("nvcc", r"^nvcc: (.+)$"), ("ncu", r"^ncu: (.+)$"), ("torch", r"^torch: (.+)$"),
                         ("host", r"^host: (.+)$"), ("RmProfilingAdminOnly", r"^RmProfilingAdminOnly: (.+)$"),
                         ("bundle commit", r"^commit: (.+)$")):
        m = re.search(pattern, text, re.M)
        fig.add("environment", key, m.group(1).strip() if m else "missing: not in env.log")


def ctest_section(work, fig):
    text = read(os.path.join(work, "ctest_gpu.log"))
    if text is None:
        fig.missing("ctest -L gpu", "results", "ctest did not run")
        return
    for m in re.finditer(r"Test\s+#\d+: (\S+) \.+\s*(\*\*\*)?(Passed|Failed|Skipped|Not Run|Timeout|Exception)[^\n]*?([\d.]+) sec",
                         text):
        fig.add("ctest -L gpu", m.group(1), m.group(3), "", m.group(4) + " s")
    for m in re.finditer(r"(sgemm|hgemm|bf16) 4096\^3: (\d+) kernel\(s\), measured (\S+) FLOPs (\S+), expected 2MNK = (\S+) \((\S+) %\)",
                         text):
        fig.add("FLOPs vs 2MNK", m.group(1), "%s %s FLOPs in %s kernels" % (m.group(4), m.group(3), m.group(2)),
                m.group(5), "%s %%" % m.group(6))
    m = re.search(r"DRAM bytes (\S+), expected (\S+) \((\S+) %\)", text)
    if m:
        fig.add("DRAM bytes vs 3N*4 per triad", "gpu_triad (3 launches)", m.group(1), m.group(2), "%s %%" % m.group(3))
    for m in re.finditer(r"kernel (\d+) (.+?): DRAM bytes batch 64 (\S+), batch 2 (\S+)", text):
        fig.add("batch restart (ctest triad_batches)", "kernel %s %s" % (m.group(1), m.group(2)[:40]),
                "batch 2: %s" % m.group(4), "batch 64: %s" % m.group(3))


def triad_section(work, fig):
    t = load_json(os.path.join(work, "triad-time.json"))
    if t:
        launches = group_sum(t, "triad(", "launches")
        time = group_sum(t, "triad(", "time_s")
        fig.add("triad, time mode", "triad launches", launches, "3")
        if time and launches:
            fig.add("triad, time mode", "achieved DRAM bandwidth (3N*4 bytes / kernel time)",
                    fmt(3 * TRIAD_N * 4 * launches / time, "B/s"))
    else:
        fig.missing("triad, time mode", "trace", "triad-time.json not written (see triad_time in log.txt)")
    for name, label in (("triad-counters.json", "batch 64"), ("triad-counters-b2.json", "batch 2")):
        d = load_json(os.path.join(work, name))
        if not d:
            fig.missing("triad, counters mode", label, name + " not written")
            continue
        dram = group_sum(d, "triad(", "bytes", "dram")
        launches = group_sum(d, "triad(", "launches")
        if dram is None or not launches:
            fig.missing("triad, counters mode", label, "no DRAM bytes for the triad kernels")
            continue
        expected = 3 * TRIAD_N * 4 * launches
        err = pct(dram, expected)
        fig.add("triad, counters mode", label + ": DRAM bytes (%d launches)" % launches, "%.6g" % dram,
                "%.6g" % expected, "%+.2f %% %s" % (err, "pass" if abs(err) < 5 else "FAIL"))
        for level in ("l2", "l1"):
            v = group_sum(d, "triad(", "bytes", level)
            fig.add("triad, counters mode", label + ": %s bytes" % level.upper(), "%.6g" % v if v is not None else "missing")


def launch_section(work, fig):
    text = read(os.path.join(work, "launch_bench.log"))
    if not text:
        fig.missing("time-mode overhead", "bench_launch_overhead", "did not run")
        return
    b = re.search(r"baseline \(uninstrumented\): ([\d.]+) ns", text)
    p = re.search(r"rafter profile --mode time: ([\d.]+) ns", text)
    k = re.search(r"kernels in the last trace: (\d+) \(expected (\d+)\)", text)
    q = re.search(r"--no-api: ([\d.]+) ns", text)
    if b and q:
        base, noapi = float(b.group(1)), float(q.group(1))
        fig.add("time-mode overhead", "ns per launch with --no-api (kernel records only)", "%.1f -> %.1f" % (base, noapi),
                "baseline -> profiled", "%+.1f %%" % (100 * (noapi / base - 1)))
    if b and p:
        base, prof = float(b.group(1)), float(p.group(1))
        over = 100 * (prof / base - 1)
        fig.add("time-mode overhead", "ns per empty-kernel launch", "%.1f -> %.1f" % (base, prof), "baseline -> profiled",
                "%+.1f %% (target <= 2 %%: %s)" % (over, "met" if over <= 2 else "not met"))
    else:
        fig.missing("time-mode overhead", "ns per launch", "no figures in the benchmark output")
    if k:
        fig.add("time-mode overhead", "kernels traced", k.group(1), k.group(2),
                "none lost" if k.group(1) == k.group(2) else "LOST %d" % (int(k.group(2)) - int(k.group(1))))


def by_base(doc):
    out = {}
    for g in groups(doc):
        key = re.split(r"[(<]", g["name"].replace("void ", "", 1))[0].strip()
        e = out.setdefault(key, {"launches": 0, "time_s": 0.0, "flops": {}, "bytes": {}})
        e["launches"] += g.get("launches") or 0
        e["time_s"] += g.get("time_s") or 0.0
        for k, v in (g.get("flops") or {}).items():
            if v is not None:
                e["flops"][k] = e["flops"].get(k, 0.0) + v
        for k, v in (g.get("bytes") or {}).items():
            if v is not None:
                e["bytes"][k] = e["bytes"].get(k, 0.0) + v
    return out


def ncu_section(work, fig):
    for name in ("sgemm", "triad"):
        r = load_json(os.path.join(work, name + "-rafter.json"))
        n = load_json(os.path.join(work, name + "-ncu.json"))
        sec = "Rafter (CUPTI range profiler) vs ncu: " + name
        if not r or not n:
            fig.missing(sec, "comparison", "%s missing (see ncu_%s in log.txt)" %
                        ("Rafter's JSON" if not r else "ncu's JSON", name))
            continue
        rb, nb = by_base(r), by_base(n)
        for key in sorted(set(rb) & set(nb), key=lambda k: -nb[k]["time_s"])[:4]:
            a, b = rb[key], nb[key]
            fig.add(sec, key[:48] + ": launches", a["launches"], b["launches"])
            for kind in sorted(set(a["flops"]) | set(b["flops"])):
                if kind == "total" or (not a["flops"].get(kind) and not b["flops"].get(kind)):
                    continue
                av, bv = a["flops"].get(kind), b["flops"].get(kind)
                fig.add(sec, key[:48] + ": FLOPs " + kind, "%.6g" % av if av is not None else "missing",
                        "%.6g" % bv if bv is not None else "missing",
                        "%+.2f %%" % pct(av, bv) if av and bv else "")
            for level in ("dram", "l2", "l1"):
                av, bv = a["bytes"].get(level), b["bytes"].get(level)
                fig.add(sec, key[:48] + ": bytes " + level, "%.6g" % av if av is not None else "missing",
                        "%.6g" % bv if bv is not None else "missing", "%+.2f %%" % pct(av, bv) if av and bv else "")
            fig.add(sec, key[:48] + ": time (replay)", fmt(a["time_s"], "s"), fmt(b["time_s"], "s"),
                    "%+.2f %%" % pct(a["time_s"], b["time_s"]) if a["time_s"] and b["time_s"] else "")


def torch_section(work, fig):
    r = load_json(os.path.join(work, "torch-both.json"))
    k = load_json(os.path.join(work, "torch-kineto-k.json"))
    sec = "PyTorch step: Rafter injection (CUPTI) vs torch.profiler (Kineto)"
    if not r or not k:
        fig.missing(sec, "comparison", "%s missing (see torch_both / torch_kineto in log.txt)" %
                    ("Rafter's JSON" if not r else "Kineto's JSON"))
    else:
        rt, kt = r.get("totals", {}), k.get("totals", {})
        fig.add(sec, "kernel launches (Rafter: warm-up + 2 steps; Kineto: 2 steps)", rt.get("launches"), kt.get("launches"),
                "ratio %.3f (1.5 expected when every step launches the same kernels)" %
                (rt["launches"] / kt["launches"]) if rt.get("launches") and kt.get("launches") else "")
        fig.add(sec, "kernel time", fmt(rt.get("time_s"), "s"), fmt(kt.get("time_s"), "s"))
        fig.add(sec, "FLOPs total (Rafter: counters; Kineto: analytic op costs)", fmt((rt.get("flops") or {}).get("total")),
                fmt((kt.get("flops") or {}).get("total")))
        rb, kb = by_base(r), by_base(k)
        for key in sorted(set(rb) & set(kb), key=lambda x: -kb[x]["time_s"])[:10]:
            a, b = rb[key], kb[key]
            if not a["launches"] or not b["launches"]:
                continue
            ma, mb = a["time_s"] / a["launches"], b["time_s"] / b["launches"]
            fig.add(sec, key[:56] + ": mean kernel time", fmt(ma, "s"), fmt(mb, "s"), "%+.1f %%" % pct(ma, mb))
    op = load_json(os.path.join(work, "torch-kineto-op.json"))
    if op:
        for g in groups(op)[:8]:
            fig.add("Kineto op roofline (top ops by time)", g["name"][:56],
                    "%s, %s FLOP/s, bound %s" % (fmt(g.get("time_s"), "s"), fmt(g.get("flop_rate")), g.get("bound")),
                    "", "efficiency %s" % ("%.1f %%" % (100 * g["efficiency"]) if g.get("efficiency") is not None else "missing"))
    svg = os.path.join(work, "torch-both-roofline", "time-roofline.svg")
    fig.add(sec, "time-based roofline SVG", "written" if os.path.exists(svg) else "missing: not written")


def ceilings_section(work, fig):
    m = load_json(os.path.join(work, "gpu-ceilings.json"))
    ref = load_json(os.path.join(work, "torch-reference.json")) or {}
    sec = "rafter ceilings --gpu"
    if not m:
        fig.missing(sec, "machine file", "gpu-ceilings.json not written (see ceilings in log.txt)")
    else:
        log = read(os.path.join(work, "ceilings.log")) or ""
        fig.add(sec, "printed summary", "see log.txt (ceilings step)")
        pairs = [("bandwidths", "dram", "copy_bytes_per_s", "torch copy_ (read + write)"),
                 ("bandwidths", "l2", None, ""), ("bandwidths", "l1", None, ""),
                 ("peaks_flops", "fp64", None, ""), ("peaks_flops", "fp32", None, ""),
                 ("peaks_flops", "fp16", None, ""), ("peaks_flops", "bf16", None, ""),
                 ("peaks_flops", "tensor_fp16", "matmul_fp16_flops_per_s", "torch fp16 matmul 8192^3"),
                 ("peaks_flops", "tensor_bf16", "matmul_bf16_flops_per_s", "torch bf16 matmul 8192^3"),
                 ("peaks_flops", "tensor_tf32", "matmul_tf32_flops_per_s", "torch tf32 matmul 8192^3"),
                 ("peaks_flops", "tensor_fp64", None, ""), ("peaks_flops", "tensor_int8", None, "")]
        for group, key, ref_key, ref_label in pairs:
            v = (m.get(group) or {}).get(key)
            r = ref.get(ref_key) if ref_key else None
            fig.add(sec, "%s.%s" % (group, key), fmt(v, "B/s" if group == "bandwidths" else "FLOP/s"),
                    "%s: %s" % (ref_label, fmt(r)) if r else "", "ratio %.2f" % (v / r) if v and r else "")
        fig.add(sec, "launch_latency_s", fmt(m.get("launch_latency_s"), "s"))
        if "matmul_fp32_flops_per_s" in ref:
            fig.add(sec, "torch fp32 matmul (no TF32) 8192^3", fmt(ref["matmul_fp32_flops_per_s"], "FLOP/s"))
        del log
    c = load_json(os.path.join(work, "ceilings-counters.json"))
    q = load_json(os.path.join(work, "ceilings-quick.json")) or {}
    sec = "FLOP conventions: counted FLOP/s of the ceilings kernels vs their own figures"
    if not c:
        fig.missing(sec, "counters run", "ceilings-counters.json not written")
        return
    for g in sorted(groups(c), key=lambda g: -(g.get("flop_rate") or 0))[:12]:
        flops = {k: v for k, v in (g.get("flops") or {}).items() if v and k != "total"}
        if not flops or not g.get("time_s"):
            continue
        kind = max(flops, key=flops.get)
        rate = flops[kind] / g["time_s"]
        own = (q.get("peaks_flops") or {}).get(kind)
        fig.add(sec, g["name"][:60], "%s FLOP/s as %s" % (fmt(rate), kind),
                "ceilings: %s" % fmt(own) if own else "", "ratio %.2f" % (rate / own) if own else "")


def metric_probe_section(work, fig):
    text = read(os.path.join(work, "metric_probe.log"))
    if text is None:
        fig.missing("which metrics CUPTI collects (sgemm 2048^3)", "probe", "did not run")
        return
    for block in text.split("--- ")[1:]:
        title, _, body = block.partition("\n")
        m = re.search(r"metrics without values for the first kernel: (.+)", body)
        fig.add("which metrics CUPTI collects (sgemm 2048^3)", title.strip(),
                "without values: " + m.group(1) if m else "all collected", "", "")


def misc_section(work, fig):
    s = load_json(os.path.join(work, "sigterm.json"))
    text = read(os.path.join(work, "sigterm.log"))
    if text is None:
        fig.missing("SIGTERM during a time-mode run", "trace written", "did not run")
        text = ""
    else:
        m = re.search(r"exit status after SIGTERM: (\d+)", text)
        fig.add("SIGTERM during a time-mode run", "trace written",
                "yes, %s launches" % s["totals"]["launches"] if s else "no",
                "rafter exit %s" % (m.group(1) if m else "?"), "pass" if s else "FAIL")
    text = read(os.path.join(work, "torch_coexist.log"))
    if text is None:
        fig.missing("Rafter time mode + torch.profiler in one process", "result", "did not run")
    else:
        k = load_json(os.path.join(work, "coexist-kineto.json"))
        kernels = sum(1 for e in k.get("traceEvents", []) if e.get("cat") == "kernel") if k else None
        fig.add("Rafter time mode + torch.profiler in one process", "Kineto kernel events",
                kernels if kernels is not None else "missing: no Kineto trace written")
        for line in text.splitlines():
            if "rafter" in line.lower() and ("wrote" in line or "error" in line or "kernels_missing" in line or
                                             "subscriber" in line):
                fig.add("Rafter time mode + torch.profiler in one process", "log", line.strip()[:160])


def gemm_section(work, fig):
    c = load_json(os.path.join(work, "gemm-calibration.json"))
    name = "GEMM model fitted to a bf16 sweep (rafter calibrate gemm)"
    if c is None:
        fig.missing(name, "fit", "did not run or wrote nothing")
        return
    for f in c.get("fits", []):
        g = f.get("gemm")
        if not g:
            fig.add(name, f["precision"], "not fitted: %s" % f.get("reason"))
            continue
        fig.add(name, f["precision"] + " max_fraction / overhead",
                "%.1f%% / %.2f us" % (100 * g["max_fraction"], 1e6 * g["overhead_s"]),
                "%d shapes; |error| median %.1f%%, held out %.1f%%" %
                (f["shapes_fitted"], 100 * f["median_abs_error"], 100 * f["loo_median_abs_error"]))


def write(out, fig, status, dry):
    lines = ["# GPU validation summary", ""]
    if dry:
        lines += ["**Dry run** (no GPU): the steps that need one were skipped; nothing here is a GPU figure.", ""]
    lines += ["## Steps", "", "| step | result | seconds | detail |", "| --- | --- | --- | --- |"]
    for name in STEPS:
        st = status.get(name)
        lines.append("| %s | %s | %s | %s |" % ((name,) + (st if st else ("absent", "", "not run"))))
    section = None
    for sec, figure, value, reference, verdict in fig.rows:
        if sec != section:
            lines += ["", "## " + sec, "", "| figure | measured | reference | verdict |", "| --- | --- | --- | --- |"]
            section = sec
        lines.append("| %s | %s | %s | %s |" % (figure, value, reference, verdict))
    with open(os.path.join(out, "summary.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    doc = {"schema": "rafter.gpu_validation/1", "dry_run": dry,
           "steps": {k: {"result": v[0], "seconds": v[1], "detail": v[2]} for k, v in status.items()},
           "figures": fig.data}
    with open(os.path.join(out, "summary.json"), "w") as f:
        json.dump(doc, f, indent=1, default=str)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    ap.add_argument("--status", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--dry-run", action="store_true")
    a = ap.parse_args()
    status = {}
    for line in (read(a.status) or "").splitlines():
        parts = line.split("\t")
        if len(parts) == 4:
            status[parts[0]] = tuple(parts[1:])
    fig = Figures()
    for section in (env_section, ctest_section, metric_probe_section, triad_section, launch_section, ncu_section,
                    torch_section, ceilings_section, gemm_section, misc_section):
        try:
            section(a.work, fig)
        except Exception as e:  # one broken section must not cost the others
            fig.missing(section.__name__, "section", "%s: %s" % (type(e).__name__, e))
    write(a.out, fig, status, a.dry_run)
    absent = [s for s in STEPS if s not in status]
    if absent:
        print("gpu_figures: steps absent from the status file: " + ", ".join(absent), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
