#!/usr/bin/env bash
# Render perfplan's HTML review report in a real headless browser (Debian's
# chromium) and fail unless it loads with no console message at all, shows every
# wrong field and draws the sheets' pages.
#
# usage: tools/check_html_report.sh [PERFPLAN_BIN]
# Needs chromium (apt-get install chromium) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/perfplan}
chromium=$(command -v chromium || command -v chromium-browser || true)
[[ -n $chromium ]] || { echo "check_html_report: chromium not found" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Imperfect output, so the report has wrong fields to show.
"$bin" convert fixtures --out "$work/out" >/dev/null 2>&1
python3 tools/corrupt_outputs.py --seed 3 "$work/out" "$work/bad" >/dev/null
"$bin" eval fixtures "$work/bad" --format json --html "$work/report.html" >"$work/report.json"

run_chromium() {
  "$chromium" --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$work/profile" \
    --enable-logging=stderr --v=0 "$@"
}
run_chromium --dump-dom "file://$work/report.html" >"$work/dom.html" 2>"$work/console.log"
run_chromium --window-size=1300,2000 --screenshot="$work/report.png" "file://$work/report.html" >/dev/null 2>>"$work/console.log"

python3 - "$work" <<'PY'
import json, re, sys, os
work = sys.argv[1]
console = [l for l in open(os.path.join(work, "console.log"), errors="replace") if ":CONSOLE" in l]
if console:
    sys.exit("console messages while loading the report:\n" + "".join(console))
dom = open(os.path.join(work, "dom.html"), encoding="utf-8").read()
rep = json.load(open(os.path.join(work, "report.json")))
rows = dom.count('<tr class="bad"><td>')
wrong = len(rep["mismatches"])
if wrong == 0 or f"Wrong fields ({wrong})" not in dom:
    sys.exit(f"the report does not announce the {wrong} wrong fields")
svgs = dom.count('<svg class="page"')
marks = dom.count('class="mark wrong"')
if svgs == 0 or marks == 0:
    sys.exit(f"no page view drawn (svg pages {svgs}, wrong marks {marks})")
png = os.path.getsize(os.path.join(work, "report.png"))
if png < 20000:
    sys.exit(f"screenshot suspiciously small ({png} bytes)")
print(f"check_html_report: ok: {wrong} wrong fields listed, {svgs} page views, {marks} wrong-field marks, no console message, screenshot {png} bytes")
PY
