#!/usr/bin/env bash
# Every output perfplan makes, for byte comparison between two builds (a refactor
# must leave them identical):
#   tools/snapshot_outputs.sh BIN OUTDIR [CORPUS_DIR...]
#   diff -r OUTDIR_BEFORE OUTDIR_AFTER
# For each corpus directory (default: fixtures/ and, when present, every
# ../shared/corpus/*): JSON per file, JSON with --provenance, NDJSON, CSV and
# Parquet tables, the run report (durations zeroed); plus `text` and `eval` output.
set -u
BIN=$(realpath "$1"); OUT=$2; shift 2
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then
  set -- fixtures
  for c in ../shared/corpus/*/; do [ -d "$c" ] && set -- "$@" "${c%/}"; done
fi
rm -rf "$OUT"; mkdir -p "$OUT"
for c in "$@"; do
  n=$(basename "$c"); mkdir -p "$OUT/$n"
  "$BIN" convert "$c" --out "$OUT/$n/json" --quiet --report "$OUT/$n/report.json" --tables "$OUT/$n/csv" >/dev/null 2>&1
  "$BIN" convert "$c" --out "$OUT/$n/prov" --provenance --quiet >/dev/null 2>&1
  "$BIN" convert "$c" --format ndjson --out "$OUT/$n/all.ndjson" --quiet --tables "$OUT/$n/pq" --tables-format parquet >/dev/null 2>&1
  [ -f "$OUT/$n/report.json" ] && sed -i -E 's/"([a-z_]*duration_ms)": *[0-9.]+/"\1": 0/g' "$OUT/$n/report.json"
  first=$(ls "$c"/*.pdf 2>/dev/null | head -1)
  if [ -n "$first" ]; then
    "$BIN" text "$first" > "$OUT/$n/text.txt" 2>&1
    "$BIN" text "$first" --json > "$OUT/$n/text.json" 2>&1
  fi
  if ls "$c"/*.expected.json >/dev/null 2>&1; then
    "$BIN" eval "$c" --pdf "$c" --format json > "$OUT/$n/eval.json" 2>&1
  fi
done
