"""Rafter for Python: roofline analysis and performance models of deep-learning runs.

The analyses run in Rafter's C++ core (the same code as the ``rafter`` command, with the GIL
released); this package returns their results as pandas DataFrames whose values equal the CLI's
JSON output for the same inputs. See docs/python.md.

    >>> import rafter
    >>> t = rafter.load("trace.json.gz")          # Kineto, nsys, ncu, Rafter traces; files or dirs
    >>> t.kernels.groupby("name").duration_s.sum()
    >>> r = rafter.roofline(t)                     # or rafter.roofline("trace.json.gz")
    >>> r.groups[["name", "time_s", "bound", "efficiency"]]
    >>> r.chart("time")                            # displays inline in Jupyter
"""
import json
import os
import sys

from . import _frames
from ._errors import Error, InputError, OutputError, UnavailableError, UsageError
from ._svg import SVG
from . import _rafter

__version__ = _rafter.__version__
__all__ = ["load", "roofline", "breakdown", "diff", "findings", "report", "scale", "machines", "machine", "Trace", "Roofline",
           "Breakdown", "Diff", "Scaling", "SVG", "Error", "InputError", "UsageError", "OutputError", "UnavailableError"]


def _paths(inputs):
    if isinstance(inputs, (str, bytes, os.PathLike)):
        inputs = [inputs]
    paths = [os.fsdecode(os.fspath(p)) for p in inputs]
    if not paths:
        raise UsageError("no inputs given", exit_code=2)
    return paths


class Trace:
    """Imported traces (one per rank file), as tables.

    Each table is a DataFrame built column by column from the C++ arrays. Times are integers in
    nanoseconds on each trace's own clock (``meta["traces"][i]["base_time_ns"]`` turns them into
    epoch time), durations in seconds; missing numbers are NaN (float columns) and missing strings
    are NaN in categorical columns. ``rank`` is the rank the trace records, else its position.
    """

    def __init__(self, loaded):
        self._loaded = loaded
        self._cache = {}

    def _table(self, name, make):
        if name not in self._cache:
            self._cache[name] = _frames.from_columns(make())
        return self._cache[name]

    @property
    def kernels(self):
        """GPU kernels: rank, name, device, stream, start_ns, end_ns, duration_s, launches, grid and
        block dimensions, registers, shared memory, correlation and external ids, and flops_<kind>
        / bytes_<level> columns for the counters some row has (NaN where missing)."""
        return self._table("kernels", self._loaded.kernel_columns)

    @property
    def ops(self):
        """CPU-side events: framework ops, runtime and driver calls, syncs (kind), with their
        external id (the op -> kernel link), correlation id and input shapes/types as recorded."""
        return self._table("ops", self._loaded.op_columns)

    @property
    def copies(self):
        """Memory copies and memsets: kind, bytes, times."""
        return self._table("copies", self._loaded.copy_columns)

    @property
    def collectives(self):
        """Collective calls (NCCL/RCCL): name, message elements, dtype, group size, process group."""
        return self._table("collectives", self._loaded.collective_columns)

    @property
    def steps(self):
        """Profiler steps (ProfilerStep#N ranges)."""
        return self._table("steps", self._loaded.step_columns)

    @property
    def regions(self):
        """Annotated ranges: user annotations, NVTX, Rafter regions."""
        return self._table("regions", self._loaded.region_columns)

    @property
    def meta(self):
        """A dict: inputs, machine (name, or None with machine_missing_reason) and per-trace
        metadata (source_format, source_files, host, rank, world_size, devices, ...)."""
        return self._loaded.meta()

    @property
    def diagnostics(self):
        """Problems found in the inputs, counted (severity, code, message, count, rank)."""
        d = self._loaded.diagnostics()
        return _frames.diagnostics([dict(zip(d, row)) for row in zip(*d.values())])

    def __len__(self):
        return self._loaded.trace_count()

    def __repr__(self):
        m = self.meta
        return (f"<rafter.Trace: {len(self)} trace(s), {len(self.kernels)} kernels, "
                f"machine {m['machine'] or 'none'}>")


def load(paths, machine=None, *, progress=False, exclude_unlaunched=False, jobs=None):
    """Imports traces: PyTorch profiler (Kineto) JSON, Nsight Systems SQLite, Nsight Compute CSV
    and Rafter traces; files, directories (one file per rank) or a list of them.

    machine: a built-in name (see machines()), a machine file or an ERT roofline.json; default:
    detected from the traces' devices. progress: draw a progress bar (rate and ETA) for imports
    longer than two seconds, on the terminal or, in a notebook, in the cell's output; off by
    default.
    exclude_unlaunched: drop kernels launched before the profiling window (no op to attribute).
    jobs: threads importing the files (one file per task; default one per core); the result is
    the same for every count.
    Raises rafter.InputError naming the file and position for bad input.
    """
    mode = "off"
    if progress:
        mode = "terminal" if sys.stderr is sys.__stderr__ and sys.stderr.isatty() else "python"
    return Trace(_rafter.load(_paths(paths), machine, mode, exclude_unlaunched, 2.0, int(jobs or 0)))


def _as_trace(inputs, machine, progress):
    if isinstance(inputs, Trace):
        if machine is not None:
            raise UsageError("machine= is given to rafter.load() when the inputs are a Trace", exit_code=2)
        return inputs
    return load(inputs, machine, progress=progress)


class Roofline:
    """A roofline report (schema rafter.roofline/2, docs/architecture.md "JSON contracts").

    groups: one row per group with the JSON's fields flattened (flops.fp32, bytes.dram,
    ai.dram, provenance.time_s, collective.busbw, ...), largest time first; every group is
    listed (the CLI's summary.json caps at 10000). totals, machine, group_by: as in the JSON.
    """

    def __init__(self, core):
        self._core = core
        self.json = json.loads(core.json())
        self.groups = _frames.from_records(self.json["groups"], drop_null_objects=("collective",))
        self.totals = self.json["totals"]
        self.machine = self.json["machine"]
        self.group_by = self.json["group_by"]
        self.diagnostics = _frames.diagnostics(self.json["diagnostics"])

    def chart(self, kind="time"):
        """The time-based ("time") or hierarchical ("hierarchical") roofline as an SVG."""
        return SVG(self._core.svg(kind))

    def __repr__(self):
        return (f"<rafter.Roofline by {self.group_by}: {len(self.groups)} groups, "
                f"{self.totals['time_s']} s on {self.machine['name'] if self.machine else 'no machine'}>")


def roofline(inputs, machine=None, group_by=None, *, gpus_per_node=None, depth=None, progress=False):
    """Roofline analysis of a Trace or of input paths (as `rafter roofline`).

    group_by: 'kernel', 'base', 'op', 'op-shape', 'module' or 'region'; default: 'op' for traces
    with framework ops, else 'kernel'. depth: module levels kept with group_by='module'.
    gpus_per_node: tells collectives inside a node from those across nodes (default 8).
    """
    t = _as_trace(inputs, machine, progress)
    return Roofline(_rafter.roofline(t._loaded, group_by, gpus_per_node or 0, depth or 0))


class Breakdown:
    """Where the GPU time goes (schema rafter.breakdown/1, as `rafter breakdown --format json`).

    ranks: per rank busy/idle/compute/communication/exposed communication/copies, idle causes
    and launch statistics (dotted columns). steps: the same per rank and step. categories and
    top_ops: per rank. step_spread: steps seen on several ranks with their spread and
    stragglers. clock_alignment: each rank's clock offset. collective_waits (several ranks): per
    rank the matched collectives, how often it arrived last, and the time it waited for the last
    one; collective_skew: the whole JSON section with the worst instances.
    """

    def __init__(self, text):
        self.json = d = json.loads(text)
        lists = ("categories", "top_ops", "steps")
        self.ranks = _frames.from_records([{k: v for k, v in r.items() if k not in lists} for r in d["ranks"]])
        self.steps = _frames.from_records([{"rank": r["rank"], **{k: v for k, v in s.items() if k not in lists}}
                                           for r in d["ranks"] for s in r.get("steps", [])])
        self.categories = _frames.from_records([{"rank": r["rank"], **c} for r in d["ranks"]
                                                for c in r.get("categories", [])])
        self.top_ops = _frames.from_records([{"rank": r["rank"], **o} for r in d["ranks"] for o in r.get("top_ops", [])])
        self.step_spread = _frames.from_records(d.get("steps", []))
        self.clock_alignment = _frames.from_records(d["clock_alignment"]["ranks"])
        skew = d.get("collective_skew")
        self.collective_skew = skew
        self.collective_waits = _frames.from_records(skew["ranks"]) if skew else None
        self.diagnostics = _frames.diagnostics(d["diagnostics"])

    def __repr__(self):
        return f"<rafter.Breakdown: {len(self.ranks)} rank(s), {len(self.steps)} rank-steps>"


def breakdown(inputs, *, top_ops=10, straggler_threshold=0.05, progress=False):
    """GPU-time breakdown per rank and per step of a Trace or of input paths (as `rafter breakdown`)."""
    t = _as_trace(inputs, None, progress)
    return Breakdown(_rafter.breakdown_json(t._loaded, int(top_ops), float(straggler_threshold)))


class Diff:
    """Two runs compared group by group (schema rafter.diff/1, as `rafter diff --format json`).

    groups: name, status ("both", "new", "vanished"), time_a_s, time_b_s, delta_s, ratio,
    launches_a/b, flops_a/b, efficiency_a/b; largest change first. a, b: each run's inputs,
    machine, steps and time_s; delta_s, increase_s, decrease_s: the totals.
    """

    def __init__(self, text):
        self.json = d = json.loads(text)
        self.groups = _frames.from_records(d["groups"])
        self.a, self.b = d["a"], d["b"]
        self.delta_s, self.increase_s, self.decrease_s = d["delta_s"], d["increase_s"], d["decrease_s"]
        self.group_by = d["group_by"]
        self.diagnostics = _frames.diagnostics(d["diagnostics"])

    def __repr__(self):
        return f"<rafter.Diff by {self.group_by}: {len(self.groups)} groups, change {self.delta_s} s>"


def diff(a, b, *, group_by=None, per_step=False, machine=None, progress=False):
    """Compares run B with run A (as `rafter diff A B`): each a Trace or input paths.

    group_by: as in roofline() (default: op when both record ops, else kernel); per_step: divide
    each run's times by its profiler steps; machine: for both runs when they are paths (default:
    each run's own, detected).
    """
    ta, tb = _as_trace(a, machine, progress), _as_trace(b, machine, progress)
    return Diff(_rafter.diff_json(ta._loaded, tb._loaded, group_by, bool(per_step)))


def findings(inputs, machine=None, *, progress=False):
    """What limits the run and what to try first (as `rafter findings`), largest possible gain
    first: a DataFrame with rule, title, advice, gain_s, gain_share, gain_bound and the evidence as a
    dict per row. docs/findings.md lists the rules and their thresholds."""
    import pandas as pd
    t = _as_trace(inputs, machine, progress)
    d = json.loads(_rafter.findings_json(t._loaded))
    cols = ["rule", "title", "advice", "gain_s", "gain_share", "gain_bound", "evidence"]
    return pd.DataFrame(d["findings"], columns=cols)


def calibrate_gemm(inputs, machine=None, *, progress=False):
    """The GEMM model of `rafter scale` fitted to a profile's measured GEMMs (as `rafter calibrate
    gemm`): a dict in the rafter.gemm_calibration/1 schema (one entry per precision in "fits", whose
    "gemm" block is a scenario's system.gemm) plus "shapes", a DataFrame of every shape with its
    precision, measured and modeled time. docs/scaling.md, "GEMM efficiency from a profile"."""
    t = _as_trace(inputs, machine, progress)
    d = json.loads(_rafter.gemm_calibration_json(t._loaded))
    rows = [dict(precision=f["precision"], **s) for f in d["fits"] for s in (f.get("shapes") or [])]
    cols = ["precision", "batch", "m", "n", "k", "calls", "measured_s", "memory_bound", "model_s", "loo_model_s"]
    import pandas as pd
    d["shapes"] = pd.DataFrame(rows, columns=cols)
    return d


class Scaling:
    """A scaling prediction (schema rafter.scaling/2, as `rafter scale --format json`).

    points: one row per GPU count (step time, throughput, efficiency, compute/communication/I/O
    parts, memory, MFU, layout.tp/pp/dp, ...). search: the top layouts at the largest count when
    searched (else None), search_info: the search's counts and where the scenario's own layout
    ranks. chart(): the scaling curves as an SVG.
    """

    def __init__(self, core):
        self._core = core
        self.json = d = json.loads(core.json())
        self.points = _frames.from_records(d["points"])
        s = d.get("search")
        self.search = _frames.from_records(s["layouts"]) if s else None
        self.search_info = {k: v for k, v in s.items() if k != "layouts"} if s else None
        self.fit = d.get("fit")
        self.profile = d.get("profile")
        self.diagnostics = _frames.diagnostics(d["diagnostics"])

    def chart(self):
        return SVG(self._core.svg())

    def __repr__(self):
        return f"<rafter.Scaling: {len(self.points)} points>"


def _scenario_text(scenario):
    if isinstance(scenario, dict):
        return json.dumps(scenario), "<scenario dict>"
    path = os.fsdecode(os.fspath(scenario))
    return _rafter.read_file(path), path


def scale(scenario, *, gpus=None, search=False, profile=None):
    """Predicts a scenario (a rafter.scenario/1 dict or file, docs/scaling.md) over GPU counts.

    gpus: a list of counts (default: the scenario's or powers of two to 1024). search: the best
    layout per count and the top layouts at the largest. profile: measured traces (paths or a
    Trace): their GEMMs set a transformer scenario's GEMM model (as calibrate_gemm), and their
    steps are replayed with the model's collective times when they hold collectives.
    """
    text, origin = _scenario_text(scenario)
    prof = _as_trace(profile, None, False)._loaded if profile is not None else None
    return Scaling(_rafter.scale(text, origin, [int(g) for g in (gpus or [])], bool(search), prof))


def report(inputs, path, machine=None, *, group_by=None, title=None, scenario=None, progress=False):
    """Writes the self-contained HTML report (as `rafter report`) to path; returns path.

    scenario: adds scaling curves (a dict or a scenario file)."""
    t = _as_trace(inputs, machine, progress)
    scaling = None
    if scenario is not None:
        text, origin = _scenario_text(scenario)
        scaling = _rafter.scale(text, origin, [], False, None)
    path = os.fsdecode(os.fspath(path))
    _rafter.report(t._loaded, path, group_by, title or "", scaling)
    return path


def machines():
    """The built-in machines as a DataFrame (name, arch, peaks_flops.*, bandwidths.*, ...)."""
    return _frames.from_records(json.loads(_rafter.machines_json())["machines"])


def machine(name):
    """One machine (built-in name, machine file or ERT roofline.json) as a dict, with the source
    of every figure."""
    return json.loads(_rafter.machine_json(os.fsdecode(os.fspath(name))))
