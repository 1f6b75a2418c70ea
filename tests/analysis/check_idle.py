#!/usr/bin/env python3
"""Independent check of the idle split tests/analysis/test_idle.cpp asserts on real Kineto traces.

Reads the Kineto JSON with Python's json module (not Rafter's importer) and recomputes, with its
own code, the rule of analysis/idle.h: the GPU's idle gaps (no kernel, memcpy or memset on any
stream) over the rank's activity span, each classified by the activity starting at the gap's end
and the runtime call that launched it (correlation id): host_launch when that call returned at or
after the gap began, sync when in addition the launching thread was in a *Synchronize call (or a
blocking cudaMemcpy) when the gap began (2 us tolerance), kernel_gap when the next work was
launched before the gap and the gap is shorter than 10 us, other otherwise.

usage: python3 tests/analysis/check_idle.py [DATA_DIR]   (default tests/data/real/kineto)
"""
import gzip
import json
import os
import sys
from decimal import Decimal

TOL = 2000  # ns
KERNEL_GAP = 10000  # ns


def ns(x):
    return int((Decimal(str(x)) * 1000).to_integral_value())


def is_sync(name):
    return 'Synchronize' in name or name in ('cudaMemcpy', 'hipMemcpy', 'cuMemcpyDtoH_v2', 'cuMemcpyHtoD_v2',
                                             'cuMemcpyDtoH', 'cuMemcpyHtoD')


def split(path):
    with gzip.open(path, 'rt') as f:
        d = json.load(f)
    ev = [e for e in d['traceEvents'] if e.get('ph') == 'X']
    acts = []
    for e in ev:
        if e.get('cat') in ('kernel', 'gpu_memcpy', 'gpu_memset'):
            s = ns(e['ts'])
            acts.append((s, s + ns(e.get('dur', 0)), e.get('args', {}).get('correlation', 0)))
    acts.sort(key=lambda a: a[0])
    launch, syncs = {}, {}
    for e in ev:
        if e.get('cat') in ('cuda_runtime', 'cuda_driver'):
            s, t = ns(e['ts']), ns(e['ts']) + ns(e.get('dur', 0))
            c = e.get('args', {}).get('correlation', 0)
            if c:
                launch.setdefault(c, (s, t, e['pid'], e['tid']))
            if is_sync(e['name']):
                syncs.setdefault((e['pid'], e['tid']), []).append((s, t))
    out = {'host_launch': 0, 'sync': 0, 'kernel_gap': 0, 'other': 0}
    busy_end = acts[0][1]
    first = acts[0][0]
    i = 0
    while i < len(acts):
        j = i
        while j < len(acts) and acts[j][0] == acts[i][0]:
            j += 1
        a, b = busy_end, acts[i][0]
        if b > a and acts[i][0] > first:
            ls = [launch[x[2]] for x in acts[i:j] if x[2] in launch]
            cause = 'other'
            if ls:
                l = max(ls, key=lambda l: l[1])
                if l[1] < a and b - a < KERNEL_GAP:
                    cause = 'kernel_gap'
                if l[1] >= a:
                    cause = 'host_launch'
                    before = [s for s in syncs.get((l[2], l[3]), []) if s[0] <= a]
                    if before and max(before)[1] + TOL >= a:
                        cause = 'sync'
            out[cause] += b - a
        for x in acts[i:j]:
            busy_end = max(busy_end, x[1])
        i = j
    span = busy_end - first
    busy = span - sum(out.values())
    return span, busy, out


def main():
    data = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '../data/real/kineto')
    for f in sorted(os.listdir(data)):
        if f.endswith('.json.gz'):
            span, busy, out = split(os.path.join(data, f))
            idle = sum(out.values())
            print(f'{f}: span {span} ns, idle {idle} ns: host_launch {out["host_launch"]}, sync {out["sync"]}, '
                  f'kernel_gap {out["kernel_gap"]}, other {out["other"]}')


if __name__ == '__main__':
    main()
