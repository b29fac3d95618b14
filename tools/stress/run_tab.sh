#!/bin/sh
# usage: [AVOID=T1,T2,T3,T4,T7] [PRODUCERS=calc,chromium] [JOBS=n] [PERFPLAN=bin] tools/stress/run_tab.sh N SEED [OUT]
# Random plans printed as a table (gen_random_tab.py) into OUT (default /tmp/stress-tab/tSEED),
# scored with `perfplan eval OUT --pdf OUT`; wrong fields grouped by knob (report.py).
set -eu
N=${1:?usage: run_tab.sh N SEED [OUT]}
SEED=${2:?usage: run_tab.sh N SEED [OUT]}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=${3:-/tmp/stress-tab/t$SEED}
BIN=${PERFPLAN:-$ROOT/target/release/perfplan}
rm -rf "$OUT"
mkdir -p "$OUT"
python3 "$HERE/gen_random_tab.py" "$N" "$OUT" --seed "$SEED" ${JOBS:+--jobs "$JOBS"} ${PRODUCERS:+--producers "$PRODUCERS"} ${AVOID:+--avoid "$AVOID"} >"$OUT/gen_stdout.txt"
tail -1 "$OUT/gen_stdout.txt"
set +e
"$BIN" eval "$OUT" --pdf "$OUT" --format json >"$OUT/eval.json"
"$BIN" convert "$OUT" -o "$OUT/actual" >"$OUT/convert.log" 2>&1
set -e
[ -s "$OUT/eval.json" ] || { echo "perfplan eval failed"; exit 1; }
python3 "$HERE/report.py" "$OUT" | tee "$OUT/report.txt"
