#!/usr/bin/env python3
"""Independent check of the per-module GPU time tests/analysis/test_module_view.cpp asserts.

Reads the Kineto JSON with Python's json module (not Rafter's importer, nor its op attribution)
and, for every nn.Module python_function event, sums the GPU time (kernels, memcpys, memsets) of
the activities whose launching runtime call (same correlation id) starts inside the module's
interval on the module's thread. Rafter's --group-by module charges kernels to ops and ops to the
innermost module enclosing the op's start; for a module that owns all the ops it contains, the two
agree.

usage: python3 tests/analysis/check_modules.py TRACE.json.gz [NAME_PREFIX]
"""
import gzip
import json
import sys
from decimal import Decimal


def ns(x):
    return int((Decimal(str(x)) * 1000).to_integral_value())


def main():
    path = sys.argv[1]
    prefix = sys.argv[2] if len(sys.argv) > 2 else ''
    with gzip.open(path, 'rt') as f:
        ev = [e for e in json.load(f)['traceEvents'] if e.get('ph') == 'X']
    launches = {}
    for e in ev:
        if e.get('cat') in ('cuda_runtime', 'cuda_driver') and e.get('args', {}).get('correlation'):
            launches[e['args']['correlation']] = (ns(e['ts']), e['tid'])
    gpu = []
    for e in ev:
        if e.get('cat') in ('kernel', 'gpu_memcpy', 'gpu_memset'):
            c = e.get('args', {}).get('correlation')
            if c in launches:
                gpu.append((launches[c][0], launches[c][1], ns(e.get('dur', 0))))
    for m in ev:
        if m.get('cat') != 'python_function' or not m['name'].startswith('nn.Module: ' + prefix):
            continue
        a, b = ns(m['ts']), ns(m['ts']) + ns(m['dur'])
        total = sum(d for (t, tid, d) in gpu if tid == m['tid'] and a <= t < b)
        n = sum(1 for (t, tid, d) in gpu if tid == m['tid'] and a <= t < b)
        print(f'{m["name"][len("nn.Module: "):]}: {total} ns in {n} activities')


if __name__ == '__main__':
    main()
