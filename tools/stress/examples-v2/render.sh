#!/bin/sh
# Render the minimal failing examples (one spec per failure pattern, see ../README.md)
# into DIR (default /tmp/perfplan-stress/examples-v2) and score them.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
DIR=${1:-/tmp/perfplan-stress/examples-v2}
mkdir -p "$DIR"
for s in "$HERE"/*.json; do python3 "$ROOT/fixtures/gen.py" "$s" --outdir "$DIR"; done
"${PERFPLAN:-$ROOT/target/release/perfplan}" eval "$DIR" --pdf "$DIR" || true
