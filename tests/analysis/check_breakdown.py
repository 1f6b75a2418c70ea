#!/usr/bin/env python3
"""Independent check of the numbers tests/analysis/test_ops_real.cpp asserts on the real Kineto traces.

Reads the Kineto JSON with Python's json module (not Rafter's importer) and recomputes, with its
own code: event counts, NCCL kernel counts, steps, kernel -> op attribution counts, the GPU-time
breakdown (busy/idle/compute/comm/exposed/memcpy/memset, whole span and per step), the top ops,
the aten::addmm totals of the bert trace, and the clock offset between the two sampled ranks.

usage: python3 tests/analysis/check_breakdown.py [DATA_DIR]   (default tests/data/real/kineto)
"""
import bisect
import collections
import gzip
import json
import os
import sys
from decimal import Decimal


def ns(x):
    # Kineto times are microseconds with nanosecond decimals; Decimal keeps them exact.
    return int((Decimal(str(x)) * 1000).to_integral_value())


def load(path):
    with gzip.open(path, 'rt') as f:
        return json.load(f)


def events(d):
    for e in d['traceEvents']:
        if e.get('ph') == 'X':
            yield e


def is_step(e):
    return e.get('cat') in ('cpu_op', 'user_annotation') and e['name'].startswith('ProfilerStep#')


def attribute(evs):
    """kernel/copy -> innermost cpu_op enclosing the launching runtime call (midpoint), else the
    runtime call's External id, else the kernel's External id when it differs from its correlation."""
    ops = [e for e in evs if e.get('cat') == 'cpu_op' and not e['name'].startswith('ProfilerStep#')]
    by_thread = collections.defaultdict(list)
    for o in ops:
        s = ns(o['ts'])
        by_thread[(o['pid'], o['tid'])].append((s, s + ns(o['dur']), o))
    for v in by_thread.values():
        v.sort(key=lambda t: (t[0], -t[1]))
    starts = {k: [t[0] for t in v] for k, v in by_thread.items()}
    by_ext = {}
    for o in ops:
        x = o.get('args', {}).get('External id')
        if x is not None and x != 0:
            by_ext.setdefault(x, o)
    launches = {}
    for e in evs:
        if e.get('cat') in ('cuda_runtime', 'cuda_driver'):
            c = e.get('args', {}).get('correlation')
            if c:
                launches.setdefault(c, e)

    def innermost(pid, tid, t2):
        v = by_thread.get((pid, tid))
        if not v:
            return None
        # every op containing the point; the innermost is the one starting last (then ending first)
        i = bisect.bisect_right([2 * s for s in starts[(pid, tid)]], t2)
        best = None
        for s, e, o in v[:i]:
            if 2 * s <= t2 <= 2 * e:
                if best is None or s > best[0] or (s == best[0] and e <= best[1]):
                    best = (s, e, o)
        return best[2] if best else None

    res = {}
    stats = collections.Counter()
    for e in evs:
        if e.get('cat') not in ('kernel', 'gpu_memcpy', 'gpu_memset'):
            continue
        a = e.get('args', {})
        corr, ext = a.get('correlation', 0) or 0, a.get('External id', 0) or 0
        op = None
        how = 'none'
        rt = launches.get(corr) if corr else None
        if rt is not None:
            s = ns(rt['ts'])
            op = innermost(rt['pid'], rt['tid'], 2 * s + ns(rt['dur']))
            if op is not None:
                how = 'correlation'
            else:
                rx = rt.get('args', {}).get('External id', 0) or 0
                if rx and rx != corr and rx in by_ext:
                    op, how = by_ext[rx], 'runtime_external_id'
        if op is None and ext and ext != corr and ext in by_ext:
            op, how = by_ext[ext], 'external_id'
        if e.get('cat') == 'kernel':
            stats[how] += 1
            if op is None:
                stats['no_launch' if rt is None else 'outside_op'] += 1
        res[id(e)] = op
    return res, stats


def sweep(intervals):
    """intervals: (start, end, cls) -> list of (start, end, set of classes) segments."""
    ev = []
    for s, e, c in intervals:
        if e > s:
            ev.append((s, 1, c))
            ev.append((e, -1, c))
    ev.sort(key=lambda x: x[0])
    active = collections.Counter()
    segs = []
    i = 0
    while i < len(ev):
        t = ev[i][0]
        while i < len(ev) and ev[i][0] == t:
            active[ev[i][2]] += ev[i][1]
            i += 1
        if i == len(ev):
            break
        cls = frozenset(k for k, v in active.items() if v > 0)
        if cls:
            segs.append((t, ev[i][0], cls))
    return segs


def window(segs, ws, we):
    r = collections.Counter()
    for s, e, cls in segs:
        d = min(e, we) - max(s, ws)
        if d <= 0:
            continue
        r['busy'] += d
        for c in cls:
            r[c] += d
        if 'comm' in cls and 'compute' not in cls:
            r['exposed'] += d
    r['idle'] = (we - ws) - r['busy']
    return {k: v * 1e-9 for k, v in r.items()}


def analyze(path, top=5):
    d = load(path)
    evs = list(events(d))
    cats = collections.Counter(e.get('cat') for e in evs)
    kernels = [e for e in evs if e.get('cat') == 'kernel']
    nccl = [k for k in kernels if 'nccl' in k['name'].lower()]
    steps = sorted([e for e in evs if is_step(e)], key=lambda e: ns(e['ts']))
    attr, stats = attribute(evs)
    iv = []
    for e in evs:
        c = e.get('cat')
        if c == 'kernel':
            cls = 'comm' if 'nccl' in e['name'].lower() else 'compute'
        elif c == 'gpu_memcpy':
            cls = 'memcpy'
        elif c == 'gpu_memset':
            cls = 'memset'
        else:
            continue
        s = ns(e['ts'])
        iv.append((s, s + ns(e['dur']), cls))
    segs = sweep(iv)
    span = (min(s for s, _, _ in iv), max(e for _, e, _ in iv))
    total = window(segs, *span)
    per_step = []
    for st in steps:
        s = ns(st['ts'])
        w = window(segs, s, s + ns(st['dur']))
        # Kernels of the step: those starting inside its window. Kernel time of the NCCL ones,
        # and the op with the most kernel time.
        inside = [k for k in kernels if s <= ns(k['ts']) < s + ns(st['dur'])]
        w['kernels'] = len(inside)
        w['nccl_kernels'] = sum(1 for k in inside if 'nccl' in k['name'].lower())
        w['nccl_time'] = sum(ns(k['dur']) for k in inside if 'nccl' in k['name'].lower()) * 1e-9
        step_ops = collections.defaultdict(float)
        for k in inside:
            if attr[id(k)] is not None:
                step_ops[attr[id(k)]['name']] += ns(k['dur']) * 1e-9
        w['top_op'] = max(step_ops.items(), key=lambda kv: kv[1]) if step_ops else ('-', 0.0)
        per_step.append((st['name'], (ns(st['dur'])) * 1e-9, w))
    op_time = collections.defaultdict(float)
    op_calls = collections.defaultdict(set)
    for k in kernels:
        op = attr[id(k)]
        if op is not None:
            op_time[op['name']] += ns(k['dur']) * 1e-9
            op_calls[op['name']].add(id(op))
    tops = sorted(op_time.items(), key=lambda kv: -kv[1])[:top]
    return {
        'file': os.path.basename(path),
        'counts': {'kernels': len(kernels), 'memcpy': cats['gpu_memcpy'], 'memset': cats['gpu_memset'],
                   'cpu_ops': sum(1 for e in evs if e.get('cat') == 'cpu_op' and not is_step(e)),
                   'runtime': cats['cuda_runtime'], 'driver': cats['cuda_driver'],
                   'nccl_kernels': len(nccl), 'steps': len(steps)},
        'attribution': dict(stats),
        'total': {'span_s': (span[1] - span[0]) * 1e-9, **total},
        'steps': per_step,
        'top_ops': [(n, t, len(op_calls[n])) for n, t in tops],
        'attr_map': attr, 'events': evs, 'kernels': kernels,
    }


def bert_addmm(r):
    """aten::addmm totals with the TraceLens GEMM rule: 2MNK + MN, bytes (MK + KN + MN + N) * 2."""
    calls = set()
    flops = byts = t = 0.0
    launches = 0
    for k in r['kernels']:
        op = r['attr_map'][id(k)]
        if op is None or op['name'] != 'aten::addmm':
            continue
        launches += 1
        t += ns(k['dur']) * 1e-9
        if id(op) in calls:
            continue
        calls.add(id(op))
        dims = op['args']['Input Dims']
        m, kk = dims[1]
        n = dims[2][1]
        flops += 2 * m * n * kk + m * n
        byts += (m * kk + kk * n + m * n + dims[0][0]) * 2
    return len(calls), launches, t, flops, byts


def clock_offset(path_ref, path_other, max_shift=8, tol=100000):
    """Consensus offset of the rank's NCCL kernel end times to the reference's: pairs (k+s, k) per
    collective type for |s| <= max_shift; the difference most pairs agree with (within tol ns,
    one shift per type, ties to the smaller |offset|); then the median of the agreeing pairs."""
    seqs = []
    for p in (path_ref, path_other):
        d = load(p)
        base = int(d.get('baseTimeNanoseconds', 0))
        by_type = collections.defaultdict(list)
        for e in sorted((e for e in events(d) if e.get('cat') == 'kernel' and 'nccl' in e['name'].lower()),
                        key=lambda e: ns(e['ts'])):
            typ = e['name'].split('(')[0].split('_')[1]
            by_type[typ].append(ns(e['ts']) + ns(e['dur']) + base)
        seqs.append(by_type)
    ref, oth = seqs
    keys = []
    for typ, ends in oth.items():
        if typ not in ref:
            continue
        r = ref[typ]
        keys.append({s: [r[k + s] - ends[k] for k in range(len(ends)) if 0 <= k + s < len(r)]
                     for s in range(-max_shift, max_shift + 1)})

    def count(diffs, c):
        return sum(1 for x in diffs if abs(x - c) <= tol)

    best = None
    for key in keys:
        for diffs in key.values():
            for c in diffs:
                sup = sum(max(count(d, c) for d in k.values()) for k in keys)
                if best is None or sup > best[0] or (sup == best[0] and abs(c) < abs(best[1])):
                    best = (sup, c)
    inliers, shifts = [], []
    for key in keys:
        s = max(key, key=lambda s: (count(key[s], best[1]), -abs(s)))
        inliers += [x for x in key[s] if abs(x - best[1]) <= tol]
        shifts.append(s)
    inliers.sort()
    n = len(inliers)
    med = inliers[n // 2] if n % 2 else inliers[n // 2 - 1] + (inliers[n // 2] - inliers[n // 2 - 1]) // 2
    mad = sorted(abs(x - med) for x in inliers)
    mad = mad[n // 2] if n % 2 else mad[n // 2 - 1] + (mad[n // 2] - mad[n // 2 - 1]) // 2
    return med, n, sorted(shifts)[len(shifts) // 2], mad


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    data = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, '..', 'data', 'real', 'kineto')
    for f in sorted(os.listdir(data)):
        if not f.endswith('.json.gz'):
            continue
        r = analyze(os.path.join(data, f))
        print('==', r['file'])
        print('  counts', r['counts'])
        print('  attribution', r['attribution'])
        t = r['total']
        print('  total span %.9f busy %.9f idle %.9f compute %.9f comm %.9f exposed %.9f memcpy %.9f memset %.9f' % (
            t['span_s'], t.get('busy', 0), t.get('idle', 0), t.get('compute', 0), t.get('comm', 0),
            t.get('exposed', 0), t.get('memcpy', 0), t.get('memset', 0)))
        for name, dur, w in r['steps']:
            print('  step %s dur %.9f busy %.9f compute %.9f comm %.9f exposed %.9f' % (
                name, dur, w.get('busy', 0), w.get('compute', 0), w.get('comm', 0), w.get('exposed', 0)))
            print('    kernels %d nccl %d nccl kernel time %.9f top op %s %.9f' % (
                w['kernels'], w['nccl_kernels'], w['nccl_time'], w['top_op'][0], w['top_op'][1]))
        for n, tm, calls in r['top_ops']:
            print('  top %s %.9f calls %d' % (n, tm, calls))
        if f.startswith('h100-bert'):
            calls, launches, tm, fl, by = bert_addmm(r)
            print('  bert aten::addmm calls %d launches %d time %.9f flops %.0f bytes %.0f' % (calls, launches, tm, fl, by))
    r0 = os.path.join(data, 'sampled-128rank-rank0.json.gz')
    r1 = os.path.join(data, 'sampled-128rank-rank1.json.gz')
    if os.path.exists(r0) and os.path.exists(r1):
        med, n, s, mad = clock_offset(r0, r1)
        print('== sampled rank1 -> rank0 clock offset %d ns from %d NCCL kernels (shift %d, MAD %d ns)' % (med, n, s, mad))


if __name__ == '__main__':
    main()
