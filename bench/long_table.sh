#!/usr/bin/env bash
# Scaling of the tabular family: a plan printed as one long table, at several sizes.
#
#   bench/long_table.sh [--sizes "100 200 400 800 1600"] [--producer chromium|calc]
#                       [--bin PERFPLAN] [--runs 3] [--min-score S]
#
# 1. makes (once; cached under target/bench-long/<producer>-<N>/) the plan of N
#    objectives with fixtures/gen_long_table.py and its expected JSON (the first
#    run takes minutes: Chromium needs about 6 min for N = 1600, Calc under one);
# 2. converts each with `perfplan convert PDF --out DIR --jobs 1` under
#    `/usr/bin/time -v`, RUNS times (mean CPU time = user + sys, median wall
#    time and peak RSS);
# 3. prints per size: pages, objectives found / expected, CPU and wall seconds,
#    peak RSS, CPU ms per page, the marginal CPU and RSS per page (added per page
#    since the previous size) and the score (../shared/tools/score.py, when
#    present, else `perfplan eval`);
# 4. checks that conversion grows no faster than the pages, on the last two
#    steps (the largest sizes, where the 10 ms resolution of the CPU time and the
#    start-up cost matter least): a cost that grows with objectives x pages
#    doubles the marginal cost per page when the size doubles, a linear one keeps it:
#      * marginal CPU per page of the last step <= TIME_FACTOR (1.5) x that of the
#        step before;
#      * marginal RSS per page of the last step <= RSS_FACTOR (2.0) x that of the
#        step before, plus RSS_SLACK_KB (2048) over the step for the allocator's
#        granularity;
#      * with --min-score, every size scores at least S.
#
# Exit status: 0 when the checks hold, 1 when one fails, 2 on usage / missing tools.
# Environment: TIME_FACTOR, RSS_FACTOR, RSS_SLACK_KB (see above). CPU time is used
# for the check because wall time is noisy on a shared machine; the wall is printed.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SIZES="100 200 400 800 1600"
PRODUCER=chromium
BIN="$ROOT/target/release/perfplan"
RUNS=3
MIN_SCORE=""
TIME_FACTOR=${TIME_FACTOR:-1.5}
RSS_FACTOR=${RSS_FACTOR:-2.0}
RSS_SLACK_KB=${RSS_SLACK_KB:-2048}
usage() { sed -n '2,33p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
while [ $# -gt 0 ]; do
    case $1 in
        --sizes) SIZES=$2; shift 2 ;;
        --producer) PRODUCER=$2; shift 2 ;;
        --bin) BIN=$(realpath "$2"); shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        --min-score) MIN_SCORE=$2; shift 2 ;;
        -h|--help) usage ;;
        *) echo "long_table.sh: unknown argument: $1" >&2; usage ;;
    esac
done
case $PRODUCER in chromium|calc) ;; *) echo "long_table.sh: --producer chromium|calc" >&2; exit 2 ;; esac
for tool in python3 pdfinfo /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "long_table.sh: $tool missing" >&2; exit 2; }
done
if [ ! -x "$BIN" ]; then
    echo "== building release" >&2
    cargo build --release --quiet
fi
[ -x "$BIN" ] || { echo "long_table.sh: no binary at $BIN" >&2; exit 2; }
SCORER=""
[ -f "$ROOT/../shared/tools/score.py" ] && SCORER="$ROOT/../shared/tools/score.py"

CACHE="$ROOT/target/bench-long"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$CACHE"

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "nan"; exit }
    if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

printf '%6s %6s %11s %8s %8s %8s %10s %11s %11s %7s\n' N pages objectives cpu_s wall_s rss_MB cpu_ms/pg dCPU_ms/pg dRSS_KB/pg score
ROWS=()
for n in $SIZES; do
    dir="$CACHE/$PRODUCER-$n"
    pdf="$dir/lungavalle-$n.pdf"
    if [ ! -f "$pdf" ] || [ ! -f "$dir/lungavalle-$n.expected.json" ]; then
        mkdir -p "$dir"
        echo "== generating $pdf" >&2
        python3 fixtures/gen_long_table.py "$n" "$pdf" --producer "$PRODUCER" >"$dir/gen.log" 2>&1 || {
            tail -5 "$dir/gen.log" >&2; echo "long_table.sh: generation failed (N=$n)" >&2; exit 2; }
    fi
    pages=$(pdfinfo "$pdf" | awk '/^Pages:/ { print $2 }')
    : > "$TMP/runs"
    for ((r = 0; r < RUNS; r++)); do
        rm -rf "$TMP/out"
        t0=$(date +%s%N)
        rc=0
        /usr/bin/time -v -o "$TMP/time.txt" "$BIN" convert "$pdf" --out "$TMP/out" --jobs 1 --quiet \
            >/dev/null 2>"$TMP/stderr.txt" || rc=$?
        t1=$(date +%s%N)
        if [ "$rc" -gt 1 ]; then
            echo "long_table.sh: perfplan failed on $pdf (exit $rc)" >&2; tail -5 "$TMP/stderr.txt" >&2; exit 2
        fi
        awk -v w="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')" '
            /User time \(seconds\)/ { u = $NF } /System time \(seconds\)/ { s = $NF }
            /Maximum resident set size/ { m = $NF }
            END { printf "%.2f %s %d\n", u + s, w, m }' "$TMP/time.txt" >> "$TMP/runs"
    done
    cpu=$(awk '{ s += $1 } END { printf "%.3f", s / NR }' "$TMP/runs")
    wall=$(awk '{ print $2 }' "$TMP/runs" | median)
    rss=$(awk '{ print $3 }' "$TMP/runs" | median)
    found=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["objectives"]))' "$TMP/out/lungavalle-$n.json")
    expected=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["objectives"]))' "$dir/lungavalle-$n.expected.json")
    if [ -n "$SCORER" ]; then
        score=$(python3 "$SCORER" "$dir" "$TMP/out" | awk '/^score:/ { print $2 }')
    else
        score=$("$BIN" eval "$dir" --pdf "$dir" --format json | python3 -c 'import json,sys; print("%.4f" % json.load(sys.stdin)["score"])')
    fi
    ROWS+=("$n $pages $cpu $rss $score")
    prev=${ROWS[${#ROWS[@]} - 2]:-}
    drss="-"
    dcpu="-"
    if [ ${#ROWS[@]} -gt 1 ]; then
        read -r _ ppages pcpu prss _ <<<"$prev"
        drss=$(awk -v a="$rss" -v b="$prss" -v p="$pages" -v q="$ppages" 'BEGIN { printf "%.0f", (a - b) / (p - q) }')
        dcpu=$(awk -v a="$cpu" -v b="$pcpu" -v p="$pages" -v q="$ppages" 'BEGIN { printf "%.2f", 1000 * (a - b) / (p - q) }')
    fi
    printf '%6s %6s %11s %8s %8s %8.1f %10.2f %11s %11s %7s\n' "$n" "$pages" "$found/$expected" "$cpu" "$wall" \
        "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" "$(awk -v c="$cpu" -v p="$pages" 'BEGIN { print 1000 * c / p }')" \
        "$dcpu" "$drss" "$score"
done

[ ${#ROWS[@]} -ge 3 ] || { echo "long_table.sh: give three sizes at least to check the growth" >&2; exit 2; }
python3 - "$TIME_FACTOR" "$RSS_FACTOR" "$RSS_SLACK_KB" "$MIN_SCORE" "${ROWS[@]}" <<'PY'
import sys
tf, rf, slack, min_score = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
rows = [r.split() for r in sys.argv[5:]]
rows = [(int(n), int(p), float(c), float(m), s) for n, p, c, m, s in rows]
fail = []
a, b, c = rows[-3], rows[-2], rows[-1]
t0 = (b[2] - a[2]) / (b[1] - a[1])
t1 = (c[2] - b[2]) / (c[1] - b[1])
print(f"CPU added per page: {1000 * t0:.2f} ms (N={a[0]}->{b[0]}), {1000 * t1:.2f} ms (N={b[0]}->{c[0]}); "
      f"ratio {t1 / t0 if t0 > 0 else float('inf'):.2f} (limit {tf})")
if t1 > tf * max(t0, 0):
    fail.append("CPU time grows faster than the pages")
d0 = (b[3] - a[3]) / (b[1] - a[1])
d1 = (c[3] - b[3]) / (c[1] - b[1])
limit = rf * max(d0, 0) + slack / (c[1] - b[1])
print(f"RSS added per page: {d0:.0f} KB (N={a[0]}->{b[0]}), {d1:.0f} KB (N={b[0]}->{c[0]}); limit {limit:.0f} KB")
if d1 > limit:
    fail.append("peak RSS grows faster than the pages")
if min_score:
    low = [f"N={n}: {s}" for n, _, _, _, s in rows if s in ("", "nan") or float(s) < float(min_score)]
    if low:
        fail.append("score below " + min_score + " (" + ", ".join(low) + ")")
if fail:
    print("FAIL: " + "; ".join(fail))
    sys.exit(1)
print("PASS")
PY
