#!/usr/bin/env bash
# Robustness run on real-world PDFs nobody here wrote: the manuals that Debian
# packages ship as PDF (TeX, Texinfo, LilyPond, Ghostscript, ReportLab, cups test
# pages, DocBook, Doxygen...).
#
#   tools/wild_corpus.sh DIR [--bin PERFPLAN] [--jobs N] [--timeout SECS] [--packages "a b c"] [--mutate] [--tables]
#
# 1. `apt-get download`s the packages below into DIR/debs (no root needed; kept,
#    so a rerun does not download again) and unpacks them with `dpkg -x` into
#    DIR/root;
# 2. copies every regular *.pdf file into DIR/pdfs with a unique flat name
#    (<package>--<path with / as _>); with --mutate also a truncated and a
#    bit-rotten copy of each (tools/wild_corpus_mutate.py, fixed seed);
# 3. runs `perfplan convert DIR/pdfs --out DIR/out --report DIR/report.json`
#    under `/usr/bin/time -v` (and an overall time limit, to catch a hang);
# 4. prints: files, ok, recovered, failed (by error kind), panics, timeouts,
#    objectives (from the wild PDFs, from the damaged copies), total and max
#    duration, peak RSS (tools/wild_corpus_summary.py);
# 5. with --tables, how many of the (undamaged) PDFs print tables and how many
#    objectives came out of those (tools/wild_tables.py; a count, no check).
#
# Exit status: 0 when at least 100 PDFs were converted with no panic, no time-out,
# no hang and no objective from a wild PDF (none of them is a plan: an objective
# is a false one; damaged copies are counted apart); 1 otherwise; 3 when the
# packages could not be downloaded. The PDFs are not part of the repository: keep DIR
# outside the clone (or under target/).
set -euo pipefail

usage() { sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

[ $# -ge 1 ] || usage
DIR=$1; shift
HERE=$(cd "$(dirname "$0")" && pwd)
BIN="$HERE/../target/release/perfplan"
JOBS=0
TIMEOUT=60
MUTATE=0
TABLES=0
# Packages that ship their manuals (or test pages) as PDF, from many producers.
PACKAGES="asymptote-doc cups-filters debian-reference-it doxygen-doc ghostscript-doc gnuplot-doc
lilypond-doc-pdf octave-doc pari-doc python-reportlab-doc r-doc-pdf texlive-fonts-recommended-doc
texlive-humanities-doc texlive-lang-italian"
while [ $# -gt 0 ]; do
  case $1 in
    --bin) BIN=$2; shift 2 ;;
    --jobs) JOBS=$2; shift 2 ;;
    --timeout) TIMEOUT=$2; shift 2 ;;
    --packages) PACKAGES=$2; shift 2 ;;
    --mutate) MUTATE=1; shift ;;
    --tables) TABLES=1; shift ;;
    -h|--help) usage ;;
    *) echo "wild_corpus: unknown argument: $1" >&2; usage ;;
  esac
done
if [ ! -x "$BIN" ]; then
  echo "wild_corpus: no perfplan binary at $BIN (cargo build --release, or --bin)" >&2
  exit 2
fi
if [ ! -x /usr/bin/time ]; then
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time) >/dev/null
  else
    echo "wild_corpus: /usr/bin/time is missing (apt-get install time)" >&2
    exit 2
  fi
fi

mkdir -p "$DIR/debs"
DIR=$(cd "$DIR" && pwd)

echo "== downloading: $(echo $PACKAGES | wc -w) packages into $DIR/debs"
missing=()
for p in $PACKAGES; do
  compgen -G "$DIR/debs/${p}_*.deb" >/dev/null || missing+=("$p")
done
download() { (cd "$DIR/debs" && apt-get download -q "$@" >"$DIR/download.log" 2>&1); }
if [ ${#missing[@]} -gt 0 ] && ! download "${missing[@]}"; then
  # apt-cache finds nothing before the package lists are fetched.
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
  fi
  download "${missing[@]}" || { cat "$DIR/download.log" >&2; echo "wild_corpus: download failed" >&2; exit 3; }
fi

echo "== unpacking"
rm -rf "$DIR/root" "$DIR/pdfs"
mkdir -p "$DIR/root" "$DIR/pdfs"
for deb in "$DIR"/debs/*.deb; do
  pkg=$(basename "$deb"); pkg=${pkg%%_*}
  mkdir -p "$DIR/root/$pkg"
  dpkg -x "$deb" "$DIR/root/$pkg"
  (cd "$DIR/root/$pkg" && find . -type f -iname '*.pdf' -print0) | while IFS= read -r -d '' f; do
    rel=${f#./}
    cp "$DIR/root/$pkg/$rel" "$DIR/pdfs/${pkg}--${rel//\//_}"
  done
done
if [ "$MUTATE" = 1 ]; then
  python3 "$HERE/wild_corpus_mutate.py" "$DIR/pdfs"
fi
count=$(find "$DIR/pdfs" -type f | wc -l)
echo "PDFs: $count from $(ls "$DIR"/debs/*.deb | wc -l) packages, $(du -sh "$DIR/pdfs" | cut -f1)"

echo "== perfplan convert (jobs $JOBS, --timeout-per-file $TIMEOUT)"
rm -rf "$DIR/out" "$DIR/report.json"
# The whole run may take at most 10 s per file plus a minute: past that it hangs.
overall=$((count * 10 + 60))
set +e
timeout --kill-after=10 "$overall" /usr/bin/time -v -o "$DIR/time.txt" \
  "$BIN" convert "$DIR/pdfs" --out "$DIR/out" --report "$DIR/report.json" \
  --jobs "$JOBS" --timeout-per-file "$TIMEOUT" 2>"$DIR/stderr.txt"
rc=$?
set -e
tail -1 "$DIR/stderr.txt"
echo "perfplan exit code: $rc"
hung=0
if [ "$rc" -ge 124 ]; then
  echo "wild_corpus: perfplan did not finish within ${overall}s (hang) or was killed (exit $rc)" >&2
  hung=1
fi
summary_rc=0
python3 "$HERE/wild_corpus_summary.py" "$DIR/report.json" "$DIR/time.txt" --min-files 100 --exit "$rc" --hung "$hung" ||
  summary_rc=$?
if [ "$TABLES" = 1 ]; then
  echo "== tables in the wild PDFs (perfplan text)"
  python3 "$HERE/wild_tables.py" "$BIN" "$DIR/pdfs" --report "$DIR/report.json" || true
fi
exit "$summary_rc"
