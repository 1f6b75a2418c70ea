#include "report/html/html_assets.h"

namespace rafter {

const char* const kReportErrorHarnessJs = R"JS(
(function () {
  var log = [];
  function show() {
    var e = document.getElementById('rafter-errors');
    if (e) { e.textContent = log.join('\n'); e.setAttribute('data-count', String(log.length)); }
  }
  function rec(m) { log.push(String(m)); show(); }
  window.addEventListener('error', function (ev) {
    rec('error: ' + ev.message + ' at ' + (ev.filename || '') + ':' + (ev.lineno || 0));
  });
  var orig = console.error;
  console.error = function () {
    rec('console.error: ' + Array.prototype.join.call(arguments, ' '));
    return orig.apply(console, arguments);
  };
  document.addEventListener('DOMContentLoaded', show);
})();
)JS";

const char* const kReportCss = R"CSS(
:root { --fg: #1a1a1a; --muted: #5a5a5a; --line: #d9d9d9; --bg: #ffffff; --hl: #fff3b0; --accent: #0072B2; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--fg);
       background: var(--bg); margin: 0 auto; max-width: 1240px; padding: 16px 24px 48px; font-size: 14px; line-height: 1.4; }
h1 { font-size: 22px; margin: 4px 0 2px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.sub { color: var(--muted); margin: 0 0 12px; }
nav a { margin-right: 14px; color: var(--accent); text-decoration: none; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 10px 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; min-width: 140px; }
.card .k { color: var(--muted); font-size: 12px; }
.card .v { font-size: 18px; font-weight: 600; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid var(--line); padding: 3px 6px; text-align: right; vertical-align: top; white-space: nowrap; }
th { background: #f4f4f4; position: sticky; top: 0; font-weight: 600; white-space: nowrap; }
th.sortable { cursor: pointer; user-select: none; }
th[aria-sort="ascending"]::after { content: " \25B2"; font-size: 10px; }
th[aria-sort="descending"]::after { content: " \25BC"; font-size: 10px; }
td.name, th.name, td.text, th.text { text-align: left; }
td.msg { white-space: normal; }
td.name { white-space: normal; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; word-break: break-all; max-width: 520px; }
tr.hl td { background: var(--hl); }
tbody tr { cursor: default; }
table.groups tbody tr, table.modules tbody tr { cursor: pointer; }
.missing { color: #9a9a9a; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
.chart { flex: 1 1 100%; min-width: 0; max-width: 1060px; }
.chart svg { width: 100%; height: auto; border: 1px solid var(--line); border-radius: 4px; }
.chart svg g[data-group] { cursor: pointer; }
.chart svg g.hl { stroke: #000; stroke-width: 2.5; }
.chart svg.dim g.group:not(.hl) { opacity: 0.25; }
.bar { display: inline-block; height: 10px; background: var(--accent); vertical-align: middle; }
.effbar { display: inline-block; width: 80px; height: 10px; background: #eee; vertical-align: middle; margin-left: 6px; }
.effbar > span { display: block; height: 100%; background: #009E73; }
.stack { display: flex; height: 16px; width: 100%; min-width: 200px; border: 1px solid var(--line); }
.stack > span { display: block; height: 100%; }
.legend span.sw { display: inline-block; width: 10px; height: 10px; margin: 0 4px 0 12px; vertical-align: middle; }
.controls { margin: 6px 0; }
.controls input { font: inherit; padding: 3px 6px; width: 320px; }
.sev-error { color: #b00020; font-weight: 600; }
.sev-warning { color: #a05a00; }
#rafter-errors:empty, #selftest:empty { display: none; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
)CSS";

const char* const kReportJs = R"JS(
(function () {
  'use strict';
  function cellValue(td) {
    var v = td.getAttribute('data-v');
    if (v === null) return { num: false, text: td.textContent.trim().toLowerCase() };
    if (v === '') return { missing: true };
    return { num: true, value: parseFloat(v) };
  }
  function sortTable(table, col, dir) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a.cells[col]), y = cellValue(b.cells[col]);
      if (x.missing || y.missing) return (x.missing ? 1 : 0) - (y.missing ? 1 : 0);  // missing last
      var c = x.num ? x.value - y.value : (x.text < y.text ? -1 : x.text > y.text ? 1 : 0);
      return dir === 'ascending' ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
      if (i === col) th.setAttribute('aria-sort', dir); else th.removeAttribute('aria-sort');
    });
  }
  function setupSorting(table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
      th.classList.add('sortable');
      th.addEventListener('click', function () {
        var cur = th.getAttribute('aria-sort');
        var dir = cur === 'descending' ? 'ascending' : cur === 'ascending' ? 'descending'
                : (th.classList.contains('text') || th.classList.contains('name') ? 'ascending' : 'descending');
        sortTable(table, i, dir);
      });
    });
  }
  function highlight(group, scroll) {
    Array.prototype.forEach.call(document.querySelectorAll('.hl'), function (e) { e.classList.remove('hl'); });
    var svgs = document.querySelectorAll('.chart svg');
    Array.prototype.forEach.call(svgs, function (s) { s.classList.toggle('dim', group !== null); });
    if (group === null) return;
    Array.prototype.forEach.call(document.querySelectorAll('[data-group="' + group + '"]'), function (e) {
      e.classList.add('hl');
    });
    var row = document.querySelector('tr[data-group="' + group + '"]');
    if (row && scroll && row.scrollIntoView) row.scrollIntoView({ block: 'nearest' });
  }
  function current() {
    var r = document.querySelector('tr.hl[data-group]');
    return r ? r.getAttribute('data-group') : null;
  }
  function setupLinks() {
    Array.prototype.forEach.call(document.querySelectorAll('.chart svg g[data-group]'), function (g) {
      g.addEventListener('click', function (ev) {
        ev.stopPropagation();
        var id = g.getAttribute('data-group');
        highlight(current() === id ? null : id, true);
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll('table.groups tbody tr[data-group], table.modules tbody tr[data-group]'), function (tr) {
      tr.addEventListener('click', function () {
        var id = tr.getAttribute('data-group');
        highlight(current() === id ? null : id, false);
      });
    });
  }
  function setupFilter() {
    var input = document.getElementById('filter');
    if (!input) return;
    var table = document.querySelector('table.groups');
    var count = document.getElementById('filter-count');
    input.addEventListener('input', function () {
      var q = input.value.trim().toLowerCase(), shown = 0;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (tr) {
        var ok = q === '' || tr.textContent.toLowerCase().indexOf(q) >= 0;
        tr.style.display = ok ? '' : 'none';
        if (ok) ++shown;
      });
      if (count) count.textContent = shown + ' of ' + table.tBodies[0].rows.length + ' shown';
    });
  }
  function columnValues(table, col) {
    return Array.prototype.map.call(table.tBodies[0].rows, function (r) { return cellValue(r.cells[col]); });
  }
  function isSorted(vals, dir) {
    var seenMissing = false;
    for (var i = 0; i < vals.length; ++i) {
      if (vals[i].missing) { seenMissing = true; continue; }
      if (seenMissing) return false;
      if (i > 0 && !vals[i - 1].missing) {
        var a = vals[i - 1].num ? vals[i - 1].value : vals[i - 1].text, b = vals[i].num ? vals[i].value : vals[i].text;
        if (dir === 'ascending' ? a > b : a < b) return false;
      }
    }
    return true;
  }
  function selftest() {
    var out = { ran: true };
    var table = document.querySelector('table.groups');
    if (table) {
      var ths = table.tHead.rows[0].cells, col = -1;
      for (var i = 0; i < ths.length; ++i) if (ths[i].getAttribute('data-key') === 'time') col = i;
      var nameCol = 1;
      var names = function () {
        return Array.prototype.map.call(table.tBodies[0].rows, function (r) { return r.getAttribute('data-group'); });
      };
      out.rows = table.tBodies[0].rows.length;
      out.order_before = names();
      ths[col].dispatchEvent(new MouseEvent('click', { bubbles: true }));
      out.first_click = { dir: ths[col].getAttribute('aria-sort'), order: names(),
                          sorted: isSorted(columnValues(table, col), ths[col].getAttribute('aria-sort')) };
      ths[col].dispatchEvent(new MouseEvent('click', { bubbles: true }));
      out.second_click = { dir: ths[col].getAttribute('aria-sort'), order: names(),
                           sorted: isSorted(columnValues(table, col), ths[col].getAttribute('aria-sort')) };
      ths[nameCol].dispatchEvent(new MouseEvent('click', { bubbles: true }));
      out.name_click = { dir: ths[nameCol].getAttribute('aria-sort'),
                         sorted: isSorted(columnValues(table, nameCol), ths[nameCol].getAttribute('aria-sort')) };
      var g = document.querySelector('.chart svg g[data-group]');
      if (g) {
        g.dispatchEvent(new MouseEvent('click', { bubbles: true }));
        var hl = table.querySelector('tr.hl');
        out.chart_click = { group: g.getAttribute('data-group'), row: hl ? hl.getAttribute('data-group') : null,
                            chart_points_highlighted: document.querySelectorAll('.chart svg g.hl').length };
      }
      var tr = table.tBodies[0].rows[table.tBodies[0].rows.length - 1];
      tr.dispatchEvent(new MouseEvent('click', { bubbles: true }));
      out.row_click = { group: tr.getAttribute('data-group'),
                        chart_points_highlighted: document.querySelectorAll('.chart svg g.hl').length };
      var input = document.getElementById('filter');
      var first = table.tBodies[0].rows[0].cells[nameCol].textContent.trim();
      input.value = first;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      out.filter = { query: first, visible: Array.prototype.filter.call(table.tBodies[0].rows,
                     function (r) { return r.style.display !== 'none'; }).length };
      input.value = '';
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }
    out.charts = Array.prototype.map.call(document.querySelectorAll('.chart svg'), function (s) {
      var b = s.getBoundingClientRect();
      return { id: s.parentNode.id, width: Math.round(b.width), height: Math.round(b.height),
               groups: s.querySelectorAll('g.group').length, linked: s.querySelectorAll('g[data-group]').length };
    });
    document.getElementById('selftest').textContent = JSON.stringify(out);
  }
  document.addEventListener('DOMContentLoaded', function () {
    Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), setupSorting);
    setupLinks();
    setupFilter();
    if (/[?&]selftest=1\b/.test(window.location.search)) selftest();
  });
})();
)JS";

} // namespace rafter
