#!/usr/bin/env python3
"""Reads the DOM that `chromium --dump-dom REPORT.html?selftest=1` printed and checks what the
page's self-test recorded: no script errors, both charts laid out with linked points, a click on
the time header sorts the rows (both directions), chart click <-> row highlight, filtering.
usage: check_selftest.py DOM.html EXPECTED_ROWS"""
import html, json, re, sys

dom = open(sys.argv[1], encoding='utf-8').read()
expected_rows = int(sys.argv[2])
fail = []
m = re.search(r'<pre id="rafter-errors"[^>]*>(.*?)</pre>', dom, re.S)
if m is None: fail.append('no #rafter-errors element in the DOM')
elif m.group(1).strip(): fail.append('script errors: ' + html.unescape(m.group(1)))
m = re.search(r'<pre id="selftest"[^>]*>(.*?)</pre>', dom, re.S)
if m is None or not m.group(1).strip():
    print('\n'.join(fail + ['the self-test did not run (empty #selftest)']))
    sys.exit(1)
t = json.loads(html.unescape(m.group(1)))
print(json.dumps({k: v for k, v in t.items() if k != 'order_before' and k not in ('first_click', 'second_click')}))
if t['rows'] != expected_rows: fail.append(f"table has {t['rows']} rows, expected {expected_rows}")
fc, sc = t['first_click'], t['second_click']
if fc['dir'] != 'descending' or not fc['sorted']: fail.append(f"first click on 'time': {fc['dir']}, sorted={fc['sorted']}")
if sc['dir'] != 'ascending' or not sc['sorted']: fail.append(f"second click on 'time': {sc['dir']}, sorted={sc['sorted']}")
if expected_rows > 1 and fc['order'] == sc['order']: fail.append('the row order did not change between clicks')
if not t['name_click']['sorted'] or t['name_click']['dir'] != 'ascending': fail.append(f"name sort: {t['name_click']}")
cc = t.get('chart_click')
if not cc or cc['group'] != cc['row'] or cc['chart_points_highlighted'] < 1: fail.append(f'chart click: {cc}')
rc = t['row_click']
if rc['chart_points_highlighted'] < 1 and rc['group'] is not None:
    # A group without plottable figures has no point; then nothing may be highlighted.
    pass
f = t['filter']
if not (1 <= f['visible'] <= expected_rows): fail.append(f'filter: {f}')
if len(t['charts']) < 2: fail.append(f"{len(t['charts'])} charts")
for c in t['charts']:
    if c['width'] < 200 or c['height'] < 150: fail.append(f'chart not laid out: {c}')
    if c['id'] != 'chart-scaling' and (c['groups'] < 1 or c['linked'] != c['groups']):
        fail.append(f'chart points not all linked to rows: {c}')
if fail:
    print('\n'.join(fail))
    sys.exit(1)
print('selftest ok')
