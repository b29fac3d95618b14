#!/usr/bin/env bash
# perfplan against pdftotext and mutool on one PDF, plus a batch throughput test.
#
#   bench/compare.sh [PDF]        (default ../shared/corpus/perf/peg-2021-valmarina-completo.pdf)
#
# Builds release, then times in ONE run and INTERLEAVED (round-robin, the starting
# tool rotating every round) `perfplan convert PDF --out TMP --jobs 1`,
# `pdftotext -layout PDF OUT` and `mutool draw -F txt -o OUT PDF`, each under
# `/usr/bin/time -f '%e %M'` (wall seconds, peak RSS KB; the wall reported is
# taken around that call with `date +%s%N`, since %e only has 10 ms resolution).
# Reports medians, the
# ratio perfplan/pdftotext and pages/s. Then a batch test on copies of
# fixtures/*.pdf: BATCH_FILES (920) files and PLAN_COPIES (20) copies of the plan
# with --jobs 1 and --jobs 2 (median of 5, each into a fresh directory) for the throughput ratio, and
# BATCH_FILES vs twice as many with --jobs 1 for peak RSS (it must not grow
# with the number of files). Finally rewrites the results table of BENCHMARKS.md
# (between the `compare:begin`/`compare:end` markers) with the machine and date.
#
# Environment: ROUNDS (default 7), BATCH_RUNS (default 5), BATCH_FILES (920),
# PLAN_COPIES (20), NO_WRITE=1 to leave
# BENCHMARKS.md alone, BIN=PERFPLAN to time another build (e.g. a baseline;
# nothing is built then). Wall times are noisy on a busy machine: look at the load
# average printed with the results, and prefer callgrind instruction counts
# (BENCHMARKS.md, "Instruction profile") when comparing builds.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
PDF=${1:-../shared/corpus/perf/peg-2021-valmarina-completo.pdf}
ROUNDS=${ROUNDS:-7}
BATCH_RUNS=${BATCH_RUNS:-5}
BATCH_FILES=${BATCH_FILES:-920}
PLAN_COPIES=${PLAN_COPIES:-20}
[ -f "$PDF" ] || { echo "compare.sh: no such PDF: $PDF" >&2; exit 2; }
for tool in pdftotext mutool pdfinfo /usr/bin/time; do
    command -v "$tool" >/dev/null || {
        echo "compare.sh: $tool missing (apt-get install poppler-utils mupdf-tools time)" >&2; exit 2; }
done

GIVEN_BIN=${BIN:-}
if [ -z "${BIN:-}" ]; then
    echo "== building release" >&2
    cargo build --release --quiet
    BIN="$ROOT/target/release/perfplan"
fi
BIN=$(realpath "$BIN")
[ -x "$BIN" ] || { echo "compare.sh: no perfplan binary at $BIN" >&2; exit 2; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "nan"; exit }
    if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# timed NAME CMD...: one run under /usr/bin/time, appends "NAME wall rss" to $TMP/runs.
timed() {
    local name=$1; shift
    local rc=0 t0 t1
    t0=$(date +%s%N)
    /usr/bin/time -f '%e %M' -o "$TMP/time.txt" "$@" >/dev/null 2>"$TMP/stderr.txt" || rc=$?
    t1=$(date +%s%N)
    if [ "$rc" -gt 1 ]; then   # perfplan exits 1 when some file got diagnostics/failed; worse is an error
        echo "compare.sh: $name failed (exit $rc):" >&2; tail -5 "$TMP/stderr.txt" >&2; exit 1
    fi
    # NAME, wall seconds (ms resolution, around /usr/bin/time), peak RSS KB, time's %e
    read -r e m < <(tail -1 "$TMP/time.txt")
    echo "$name $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }') $m $e" >> "$TMP/runs"
}

run_tool() {
    case $1 in
        perfplan)  rm -rf "$TMP/out"; timed perfplan "$BIN" convert "$PDF" --out "$TMP/out" --jobs 1 ;;
        pdftotext) timed pdftotext pdftotext -layout "$PDF" "$TMP/pdftotext.txt" ;;
        mutool)    timed mutool mutool draw -F txt -o "$TMP/mutool.txt" "$PDF" ;;
    esac
}

PAGES=$(pdfinfo "$PDF" 2>/dev/null | awk '/^Pages:/ { print $2 }')
TOOLS=(perfplan pdftotext mutool)
echo "== $PDF: $PAGES pages, $ROUNDS interleaved rounds" >&2
: > "$TMP/runs"
for ((r = 0; r < ROUNDS; r++)); do
    for ((i = 0; i < ${#TOOLS[@]}; i++)); do
        run_tool "${TOOLS[(r + i) % ${#TOOLS[@]}]}"
    done
done
declare -A WALL RSS
for t in "${TOOLS[@]}"; do
    WALL[$t]=$(awk -v t="$t" '$1 == t { print $2 }' "$TMP/runs" | median)
    RSS[$t]=$(awk -v t="$t" '$1 == t { print $3 }' "$TMP/runs" | median)
done

# Batch: copies of the fixtures (cycled) in a temp dir; fixtures that need a user
# password (pdfinfo cannot open them) are left out.
make_batch() {  # make_batch DIR N
    mkdir -p "$1"
    local files=() f i
    for f in fixtures/*.pdf; do pdfinfo "$f" >/dev/null 2>&1 && files+=("$f"); done
    for ((i = 0; i < $2; i++)); do
        f=${files[i % ${#files[@]}]}
        cp "$f" "$1/$(printf '%04d' "$i")-$(basename "$f")"
    done
}
N=$BATCH_FILES
make_batch "$TMP/bN" "$N"
make_batch "$TMP/b2N" "$((2 * N))"
# Plans: PLAN_COPIES copies (symlinks) of the benchmark plan.
mkdir -p "$TMP/plans"
for ((i = 0; i < PLAN_COPIES; i++)); do ln -s "$(realpath "$PDF")" "$TMP/plans/plan-$i.pdf"; done
batch() {  # batch NAME DIR JOBS
    rm -rf "$TMP/bout"; timed "$1" "$BIN" convert "$2" --out "$TMP/bout" --jobs "$3"
}
echo "== batch: $N fixture copies and $PLAN_COPIES plan copies, --jobs 1 / --jobs 2, and $((2 * N)) fixture copies --jobs 1; $BATCH_RUNS runs each" >&2
for ((r = 0; r < BATCH_RUNS; r++)); do
    batch bNj1 "$TMP/bN" 1
    batch bNj2 "$TMP/bN" 2
    batch b2Nj1 "$TMP/b2N" 1
    batch pj1 "$TMP/plans" 1
    batch pj2 "$TMP/plans" 2
done
for t in bNj1 bNj2 b2Nj1 pj1 pj2; do
    WALL[$t]=$(awk -v t="$t" '$1 == t { print $2 }' "$TMP/runs" | median)
    RSS[$t]=$(awk -v t="$t" '$1 == t { print $3 }' "$TMP/runs" | median)
done
BATCH_PAGES=$(for f in "$TMP"/bN/*.pdf; do pdfinfo "$f" 2>/dev/null | awk '/^Pages:/ { print $2 }'; done |
    awk '{ s += $1 } END { print s + 0 }')
PLAN_PAGES=$((PAGES * PLAN_COPIES))

# Memory against length: the plan joined with itself (qpdf) 5 and 10 times, each
# converted SCALE_RUNS times by perfplan and pdftotext (interleaved), and a mixed
# batch: the 10-fold plan among BATCH_FILES fixture copies, --jobs 2.
SCALE_RUNS=${SCALE_RUNS:-3}
SCALES=(1 5 10)
if command -v qpdf >/dev/null; then
    echo "== memory against length: the plan x ${SCALES[*]}, $SCALE_RUNS runs each" >&2
    for k in "${SCALES[@]}"; do
        if [ "$k" = 1 ]; then ln -s "$(realpath "$PDF")" "$TMP/plan-x1.pdf"; else
            args=(); for ((i = 0; i < k; i++)); do args+=("$PDF"); done
            qpdf --empty --pages "${args[@]}" -- "$TMP/plan-x$k.pdf"
        fi
        for ((r = 0; r < SCALE_RUNS; r++)); do
            rm -rf "$TMP/sout"; timed "sp$k" "$BIN" convert "$TMP/plan-x$k.pdf" --out "$TMP/sout" --jobs 1
            timed "st$k" pdftotext -layout "$TMP/plan-x$k.pdf" "$TMP/scale.txt"
        done
        WALL[sp$k]=$(awk -v t="sp$k" '$1 == t { print $2 }' "$TMP/runs" | median)
        RSS[sp$k]=$(awk -v t="sp$k" '$1 == t { print $3 }' "$TMP/runs" | median)
        WALL[st$k]=$(awk -v t="st$k" '$1 == t { print $2 }' "$TMP/runs" | median)
        RSS[st$k]=$(awk -v t="st$k" '$1 == t { print $3 }' "$TMP/runs" | median)
    done
    mkdir -p "$TMP/mixed"
    cp "$TMP"/bN/*.pdf "$TMP/mixed/"
    ln -s "$TMP/plan-x10.pdf" "$TMP/mixed/0500-plan-x10.pdf"
    rm -rf "$TMP/mout"; timed mixed "$BIN" convert "$TMP/mixed" --out "$TMP/mout" --jobs 2
    WALL[mixed]=$(awk '$1 == "mixed" { print $2 }' "$TMP/runs" | median)
    RSS[mixed]=$(awk '$1 == "mixed" { print $3 }' "$TMP/runs" | median)
fi

# Where the time goes: thread seconds per stage on the plan (one run).
rm -rf "$TMP/stout"
STAGES=$(PERFPLAN_STAGE_TIMES=1 "$BIN" convert "$PDF" --out "$TMP/stout" --jobs 1 -q 2>&1 >/dev/null |
    sed -n 's/^perfplan: stage times (thread seconds): //p')

div() { awk -v a="$1" -v b="$2" -v f="${3:-%.2f}" 'BEGIN { if (b > 0) printf f, a / b; else printf "n/a" }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
MEM=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(git diff --quiet HEAD -- src 2>/dev/null || echo " (+ uncommitted changes)")
BUILD="commit \`$COMMIT\`$DIRTY"
[ -n "$GIVEN_BIN" ] && BUILD="binary \`$GIVEN_BIN\`"

TABLE=$(cat <<TABLE
Run of \`bench/compare.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), $BUILD.
Machine: $(nproc) CPUs, $CPU, $MEM RAM; load average at the end $LOAD.
Input: \`$(basename "$PDF")\`, $PAGES pages; $ROUNDS interleaved rounds, medians.

| tool | command | wall (s) | peak RSS (MB) | pages/s | vs pdftotext |
|---|---|---:|---:|---:|---:|
| perfplan | \`perfplan convert PDF --out DIR --jobs 1\` | ${WALL[perfplan]} | $(mb "${RSS[perfplan]}") | $(div "$PAGES" "${WALL[perfplan]}" %.0f) | $(div "${WALL[perfplan]}" "${WALL[pdftotext]}")x |
| pdftotext | \`pdftotext -layout PDF OUT\` | ${WALL[pdftotext]} | $(mb "${RSS[pdftotext]}") | $(div "$PAGES" "${WALL[pdftotext]}" %.0f) | 1.00x |
| mutool | \`mutool draw -F txt -o OUT PDF\` | ${WALL[mutool]} | $(mb "${RSS[mutool]}") | $(div "$PAGES" "${WALL[mutool]}" %.0f) | $(div "${WALL[mutool]}" "${WALL[pdftotext]}")x |

Batches (median of $BATCH_RUNS): copies of \`fixtures/*.pdf\` (those that open without a
password) cycled to $N files ($BATCH_PAGES pages) and $((2 * N)) files, and $PLAN_COPIES copies of the plan above ($PLAN_PAGES pages).

| batch | wall (s) | peak RSS (MB) | pages/s |
|---|---:|---:|---:|
| $N fixture files, \`--jobs 1\` | ${WALL[bNj1]} | $(mb "${RSS[bNj1]}") | $(div "$BATCH_PAGES" "${WALL[bNj1]}" %.0f) |
| $N fixture files, \`--jobs 2\` | ${WALL[bNj2]} | $(mb "${RSS[bNj2]}") | $(div "$BATCH_PAGES" "${WALL[bNj2]}" %.0f) |
| $((2 * N)) fixture files, \`--jobs 1\` | ${WALL[b2Nj1]} | $(mb "${RSS[b2Nj1]}") | $(div "$((BATCH_PAGES * 2))" "${WALL[b2Nj1]}" %.0f) |
| $PLAN_COPIES plans, \`--jobs 1\` | ${WALL[pj1]} | $(mb "${RSS[pj1]}") | $(div "$PLAN_PAGES" "${WALL[pj1]}" %.0f) |
| $PLAN_COPIES plans, \`--jobs 2\` | ${WALL[pj2]} | $(mb "${RSS[pj2]}") | $(div "$PLAN_PAGES" "${WALL[pj2]}" %.0f) |

Throughput \`--jobs 2\` / \`--jobs 1\`: fixtures $(div "${WALL[bNj1]}" "${WALL[bNj2]}")x, plans $(div "${WALL[pj1]}" "${WALL[pj2]}")x.
Peak RSS $((2 * N)) files / $N files: $(div "${RSS[b2Nj1]}" "${RSS[bNj1]}")x.

Where the time goes on the plan (\`PERFPLAN_STAGE_TIMES=1\`, thread seconds per stage, summed over the
threads that lay out pages in parallel; one run): ${STAGES:-n/a}.
TABLE
)
if [ -n "${RSS[sp1]:-}" ]; then
    SCALE_TABLE="
Memory against length (median of $SCALE_RUNS; the plan joined with itself by \`qpdf --empty --pages\`):

| pages | perfplan peak RSS (MB) | pdftotext peak RSS (MB) | perfplan wall (s) | perfplan / pdftotext wall |
|---:|---:|---:|---:|---:|"
    for k in "${SCALES[@]}"; do
        SCALE_TABLE+="
| $((PAGES * k)) | $(mb "${RSS[sp$k]}") | $(mb "${RSS[st$k]}") | ${WALL[sp$k]} | $(div "${WALL[sp$k]}" "${WALL[st$k]}")x |"
    done
    SCALE_TABLE+="

Peak RSS $((PAGES * 10)) pages / $PAGES pages: $(div "${RSS[sp10]}" "${RSS[sp1]}")x.
Mixed batch, \`--jobs 2\`: the $((PAGES * 10))-page plan among $N fixture files: ${WALL[mixed]} s, peak RSS $(mb "${RSS[mixed]}") MB."
    TABLE+="
$SCALE_TABLE"
fi
echo "$TABLE"

if [ "${NO_WRITE:-}" != 1 ]; then
    MD="$ROOT/BENCHMARKS.md"
    if [ ! -f "$MD" ] || ! grep -q '<!-- compare:begin -->' "$MD"; then
        echo "compare.sh: $MD has no <!-- compare:begin --> marker; table printed only" >&2
    else
        printf '%s\n' "$TABLE" > "$TMP/table.md"
    { echo; echo 'Raw runs (tool, wall s, peak RSS KB, /usr/bin/time %e):'; echo; echo '```'
      cat "$TMP/runs"; echo '```'; } >> "$TMP/table.md"
        awk -v tf="$TMP/table.md" '
            /<!-- compare:begin -->/ { print; while ((getline l < tf) > 0) print l; skip = 1; next }
            /<!-- compare:end -->/ { skip = 0 }
            !skip { print }' "$MD" > "$TMP/md" && cat "$TMP/md" > "$MD"
        echo "== rewrote the table in BENCHMARKS.md" >&2
    fi
fi
