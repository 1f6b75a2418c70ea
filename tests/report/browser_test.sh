#!/usr/bin/env bash
# Browser test of `rafter report` (ctest report_browser): headless Chromium loads the reports,
# the page's own self-test (?selftest=1) clicks a table header, a chart point, a row and the
# filter and writes what happened into the DOM, which --dump-dom prints; no script errors may be
# recorded; a screenshot of each report is saved in OUT and checked not blank.
# usage: browser_test.sh RAFTER_EXE SOURCE_DIR REAL_DATA_DIR OUT_DIR  (REAL_DATA_DIR: tests/data/real)
set -euo pipefail
exe=$1 src=$2 data=$3 out=$4
rm -rf "$out" && mkdir -p "$out"

browser=""
for b in chromium chromium-browser google-chrome; do
  if command -v "$b" >/dev/null 2>&1; then browser=$b; break; fi
done
if [ -z "$browser" ]; then
  echo "SKIP: no chromium found (install the Debian package 'chromium': scripts/deps.txt)"
  exit 77
fi
echo "browser: $("$browser" --version 2>/dev/null || echo "$browser")"

run_browser() {  # run_browser ARGS...: headless, no GPU, no sandbox (containers), own profile dir
  timeout 120 "$browser" --headless --disable-gpu --no-sandbox --no-first-run --hide-scrollbars \
    --user-data-dir="$out/profile" --disable-extensions --disable-dev-shm-usage "$@"
}

check_report() {  # check_report NAME EXPECTED_ROWS
  local name=$1 rows=$2 html="$out/$1.html"
  # Not a single external resource: no http(s) URL outside the SVG/XML namespace declarations.
  if grep -oE '(src|href)="(https?:)?//[^"]*"' "$html" | grep -v 'www.w3.org' ; then
    echo "FAIL: $name.html refers to external resources"; exit 1
  fi
  run_browser --virtual-time-budget=5000 --dump-dom "file://$html?selftest=1" >"$out/$name.dom.html" 2>"$out/$name.browser.log" || true
  python3 "$src/tests/report/check_selftest.py" "$out/$name.dom.html" "$rows"
  run_browser --virtual-time-budget=3000 --window-size=1280,2000 --screenshot="$out/$name.png" "file://$html" >>"$out/$name.browser.log" 2>&1 || true
  [ -s "$out/$name.png" ] || { echo "FAIL: no screenshot for $name"; cat "$out/$name.browser.log"; exit 1; }
  python3 "$src/tests/report/png_check.py" "$out/$name.png" 16 0.02
}

# 1. Nsight Compute: the twelve deepcam-v100-fw exports, 45 kernel names (counted with Python
#    over the CSV: 797 rows, 45 distinct "Kernel Name" values).
"$exe" report "$src/examples/ncu/deepcam-v100-fw" --machine v100-sxm2 -o "$out/deepcam.html" --quiet
check_report deepcam 45

# 2. Kineto with timestamps (GPU time per rank section), grouped by op. The trace is part of the
#    repository, so a missing one fails the test instead of skipping this part.
bert="$data/kineto/h100-bert-small-infer.json.gz"
[ -f "$bert" ] || { echo "FAIL: missing test fixture $bert (see tests/data/real/README.md)"; exit 1; }
"$exe" report "$bert" --group-by op -o "$out/bert.html" --quiet
grep -q 'id="breakdown"' "$out/bert.html" || { echo "FAIL: no GPU-time section in the Kineto report"; exit 1; }
# The Layers section at its automatic depth (the deepest with at most 16 modules): BERT's four
# encoder layers are depth 4 (BertLMHeadModel_0/BertModel_0/BertEncoder_0/BertLayer_N).
grep -q 'paths cut at depth 4' "$out/bert.html" || { echo "FAIL: Layers section not at depth 4"; exit 1; }
for n in 0 1 2 3; do
  grep -q ">BertLMHeadModel_0/BertModel_0/BertEncoder_0/BertLayer_$n</td>" "$out/bert.html" ||
    { echo "FAIL: no row for BertLayer_$n in the Layers section"; exit 1; }
done
# Rows written into the group table of the file; the browser must show all of them.
rows=$(python3 -c 'import re,sys; t=open(sys.argv[1]).read().split("<table class=\"groups")[1].split("</table>")[0]; print(len(re.findall("<tr data-group=", t)))' "$out/bert.html")
check_report bert "$rows"
echo "PASS: screenshots in $out"
