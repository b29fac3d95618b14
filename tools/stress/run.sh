#!/bin/sh
# usage: [AVOID=P1,P3,P4,P5,P7] [PRODUCERS=a,b] [JOBS=n] tools/stress/run.sh N SEED [OUT]
# Generates N random plans (seed SEED) into OUT (default /tmp/perfplan-stress/sSEED),
# scores them with `perfplan eval OUT --pdf OUT --format json` and prints the per-file
# scores and the wrong fields grouped by cause (tools/stress/report.py).
set -eu
N=${1:?usage: run.sh N SEED [OUT]}
SEED=${2:?usage: run.sh N SEED [OUT]}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=${3:-/tmp/perfplan-stress/s$SEED}
BIN=${PERFPLAN:-$ROOT/target/release/perfplan}
[ -x "$BIN" ] || (cd "$ROOT" && cargo build --release)
rm -rf "$OUT"
mkdir -p "$OUT"
python3 "$HERE/gen_random.py" "$N" "$OUT" --seed "$SEED" ${JOBS:+--jobs "$JOBS"} ${PRODUCERS:+--producers "$PRODUCERS"} ${AVOID:+--avoid "$AVOID"} ${EXOTIC:+--exotic "$EXOTIC"} >"$OUT/gen_stdout.txt"
tail -1 "$OUT/gen_stdout.txt"
set +e
# the scorer's view (PDFs converted in memory) ...
"$BIN" eval "$OUT" --pdf "$OUT" --format json >"$OUT/eval.json"
rc=$?
# ... and the converted files themselves, for the strict checks of report.py (the scorer
# compares descriptions with paragraph breaks and bullet markers normalised away)
"$BIN" convert "$OUT" -o "$OUT/actual" >"$OUT/convert.log" 2>&1
set -e
[ -s "$OUT/eval.json" ] || { echo "perfplan eval failed (exit $rc)"; exit 1; }
python3 "$HERE/report.py" "$OUT" | tee "$OUT/report.txt"
