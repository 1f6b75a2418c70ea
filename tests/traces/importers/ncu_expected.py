#!/usr/bin/env python3
"""Independent reference numbers for tests/traces/importers/test_ncu_csv.cpp, computed with Python's csv
module straight from the ncu CSV files (no Rafter code involved). Run:
    python3 tests/traces/importers/ncu_expected.py [NCU_DIR]   (default tests/data/real/ncu)
"""
import csv, glob, os, sys
from collections import defaultdict

def rows(path):
    lines = open(path, newline='').read().splitlines()
    start = next(i for i, l in enumerate(lines) if l.startswith('"ID",'))
    r = list(csv.reader(lines[start:]))
    h = r[0]
    return [dict(zip(h, x)) for x in r[1:] if len(x) == len(h)]

def num(s):
    return float(s.replace(',', ''))

here = os.path.dirname(os.path.abspath(__file__))
base = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, '..', '..', 'data', 'real', 'ncu')
# gpp: one launch, long format with thousands separators.
m = {r['Metric Name']: num(r['Metric Value']) for r in rows(os.path.join(base, 'gpp-cc89-details.csv'))}
p = 'sm__sass_thread_inst_executed_op_'
fp64 = m[p+'dadd_pred_on.sum'] + m[p+'dmul_pred_on.sum'] + 2*m[p+'dfma_pred_on.sum']
fp32 = m[p+'fadd_pred_on.sum'] + m[p+'fmul_pred_on.sum'] + 2*m[p+'ffma_pred_on.sum']
fp16 = m[p+'hadd_pred_on.sum'] + m[p+'hmul_pred_on.sum'] + 2*m[p+'hfma_pred_on.sum']
t = m['sm__cycles_elapsed.avg'] / m['sm__cycles_elapsed.avg.per_second']
print('gpp time_s %.17g fp64 %.17g fp32 %.17g fp16 %.17g total %.17g dram %.17g l2 %.17g l1 %.17g ai_dram %.17g' % (
    t, fp64, fp32, fp16, fp64+fp32+fp16, m['dram__bytes.sum'], m['lts__t_bytes.sum'], m['l1tex__t_bytes.sum'],
    (fp64+fp32+fp16)/m['dram__bytes.sum']))

# deepcam: twelve files, one metric each, merged by launch ID.
d = defaultdict(dict); names = {}
for f in sorted(glob.glob(os.path.join(base, 'deepcam-v100-fw', 'out.*'))):
    for r in rows(f):
        i = int(r['ID']); d[i][r['Metric Name']] = num(r['Metric Value']); names[i] = r['Kernel Name']
print('deepcam launches', len(d), 'distinct names', len(set(names.values())))
def tot(metric): return sum(v[metric] for v in d.values())
fp16 = sum(v[p+'hadd_pred_on.sum'] + v[p+'hmul_pred_on.sum'] + 2*v[p+'hfma_pred_on.sum'] for v in d.values())
fp32 = sum(v[p+'fadd_pred_on.sum'] + v[p+'fmul_pred_on.sum'] + 2*v[p+'ffma_pred_on.sum'] for v in d.values())
time = sum(v['sm__cycles_elapsed.avg'] / v['sm__cycles_elapsed.avg.per_second'] for v in d.values())
print('deepcam dram %.17g l2 %.17g l1 %.17g fp16 %.17g fp32 %.17g tensor_inst %.17g tensor_flops_volta %.17g time_s %.17g' % (
    tot('dram__bytes.sum'), tot('lts__t_bytes.sum'), tot('l1tex__t_bytes.sum'), fp16, fp32,
    tot('sm__inst_executed_pipe_tensor.sum'), 512*tot('sm__inst_executed_pipe_tensor.sum'), time))
for i in (0, 2, 400, 796):
    v = d[i]
    print('deepcam id %d dram %.17g tensor_inst %.17g time_s %.17g fp16 %.17g name %s' % (
        i, v['dram__bytes.sum'], v['sm__inst_executed_pipe_tensor.sum'],
        v['sm__cycles_elapsed.avg'] / v['sm__cycles_elapsed.avg.per_second'],
        v[p+'hadd_pred_on.sum'] + v[p+'hmul_pred_on.sum'] + 2*v[p+'hfma_pred_on.sum'], names[i][:60]))

# gene: three kernels x four launches.
g = defaultdict(dict); gn = {}
for r in rows(os.path.join(base, 'gene-v100-details.csv')):
    g[int(r['ID'])][r['Metric Name']] = num(r['Metric Value']); gn[int(r['ID'])] = r['Kernel Name']
fp64 = sum(v[p+'dadd_pred_on.sum'] + v[p+'dmul_pred_on.sum'] + 2*v[p+'dfma_pred_on.sum'] for v in g.values())
print('gene launches', len(g), 'distinct', len(set(gn.values())), 'fp64 %.17g dram %.17g time_s %.17g' % (
    fp64, sum(v['dram__bytes.sum'] for v in g.values()),
    sum(v['sm__cycles_elapsed.avg'] / v['sm__cycles_elapsed.avg.per_second'] for v in g.values())))
from collections import Counter
print('gene per-name launch counts', sorted(Counter(gn.values()).values()))
