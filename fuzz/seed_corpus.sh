#!/usr/bin/env bash
# Fill the fuzz corpora with seeds made from the project's fixtures (fixtures/*.pdf).
# Nothing here is committed: fuzz/corpus/ is ignored by git, run this before fuzzing.
#
#   fuzz/seed_corpus.sh            # both targets
#   fuzz/seed_corpus.sh convert    # only fuzz/corpus/convert
#
# convert: every fixture PDF as is, plus (when qpdf is installed: apt-get install
#          qpdf) a decrypted copy with every stream uncompressed and no object
#          streams, so that mutations reach fonts, CMaps and content streams instead
#          of breaking zlib.
# content: the decoded content stream of every page of every fixture (needs qpdf).
# Existing corpus files are kept (libFuzzer names its own files by their SHA-1).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(convert content)
have_qpdf=$(command -v qpdf >/dev/null && echo 1 || echo 0)
[ "$have_qpdf" = 1 ] || echo "seed_corpus.sh: qpdf not found, only the fixture PDFs as they are" >&2

for target in "${targets[@]}"; do
    dir="$root/fuzz/corpus/$target"
    mkdir -p "$dir"
    n=0
    for pdf in "$root"/fixtures/*.pdf; do
        stem=$(basename "$pdf" .pdf)
        case "$target" in
        convert)
            cp "$pdf" "$dir/$stem.pdf"; n=$((n + 1))
            if [ "$have_qpdf" = 1 ]; then
                # exit code 3 = warnings, the output is still written
                qpdf --decrypt --stream-data=uncompress --object-streams=disable \
                    "$pdf" "$dir/$stem.uncompressed.pdf" 2>/dev/null || [ $? -eq 3 ]
                # past libFuzzer's default -max_len (1 MiB) a seed is cut anyway
                if [ "$(wc -c < "$dir/$stem.uncompressed.pdf")" -gt 1048576 ]; then
                    rm "$dir/$stem.uncompressed.pdf"
                else
                    n=$((n + 1))
                fi
            fi
            ;;
        content)
            [ "$have_qpdf" = 1 ] || { echo "seed_corpus.sh: the content target needs qpdf" >&2; exit 1; }
            page=0
            # "page N: X 0 R" then "  content:" then one "    Y 0 R" per stream
            while read -r line; do
                case "$line" in
                page*) page=$((page + 1)); : > "$dir/$stem.p$page.content"; n=$((n + 1)) ;;
                *" 0 R")
                    qpdf --show-object="${line%% *}" --filtered-stream-data "$pdf" >> "$dir/$stem.p$page.content" 2>/dev/null || true
                    echo >> "$dir/$stem.p$page.content"
                    ;;
                esac
            done < <(qpdf --show-pages "$pdf" 2>/dev/null)
            ;;
        *) echo "seed_corpus.sh: unknown target $target" >&2; exit 2 ;;
        esac
    done
    echo "seed_corpus.sh: $target: $n seed(s) written to fuzz/corpus/$target ($(ls "$dir" | wc -l) file(s) in all)"
done
