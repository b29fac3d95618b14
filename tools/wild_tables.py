#!/usr/bin/env python3
"""How many of the PDFs under DIR print tables, as perfplan's layout stage sees them.

    wild_tables.py PERFPLAN DIR [--report REPORT.json] [--timeout SECS] [--list]

Runs `perfplan text PDF` on every *.pdf under DIR (damaged copies `--cut.pdf` /
`--flip.pdf` left out) and counts, per page:

* a ruled table: at least MIN_CELLS ruled cells holding text;
* a borderless table: at least MIN_ROWS text rows holding MIN_COLS lines or more
  side by side (the layout stage cuts a line at a column gap: three lines on one
  row are three columns; a running header of three parts is one row only).

Prints the PDFs with a table page (ruled / borderless), the table pages, and,
with --report (a `perfplan convert --report` run over the same files), the
objectives found in the PDFs with tables. Exit 0 (a count, not a check).
"""

import argparse
import json
import os
import re
import subprocess
import sys

MIN_CELLS = 4
MIN_ROWS = 3
MIN_COLS = 3

PAGE = re.compile(r"^--- page (\d+) ")
LINE = re.compile(r"^\[[^\]]*\]\s+[\d.]+B?\s+r(\d+)\s")
CELL = re.compile(r"^cell c\d+: \[[^\]]*\] (\d+) lines$")


def table_pages(perfplan: str, pdf: str, timeout: float):
    """(ruled pages, borderless pages) of one PDF; None when it cannot be read."""
    try:
        p = subprocess.run([perfplan, "text", pdf], capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    if p.returncode != 0:
        return None
    ruled = borderless = 0
    rows = {}
    cells = 0

    def close():
        nonlocal ruled, borderless
        if cells >= MIN_CELLS:
            ruled += 1
        elif sum(1 for n in rows.values() if n >= MIN_COLS) >= MIN_ROWS:
            borderless += 1

    started = False
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        if PAGE.match(line):
            if started:
                close()
            started, rows, cells = True, {}, 0
            continue
        m = LINE.match(line)
        if m:
            rows[m.group(1)] = rows.get(m.group(1), 0) + 1
            continue
        m = CELL.match(line)
        if m and int(m.group(1)) > 0:
            cells += 1
    if started:
        close()
    return ruled, borderless


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("perfplan")
    ap.add_argument("dir")
    ap.add_argument("--report")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--list", action="store_true", help="print every PDF with a table page")
    a = ap.parse_args()

    pdfs = sorted(
        os.path.join(d, f)
        for d, _, fs in os.walk(a.dir)
        for f in fs
        if f.lower().endswith(".pdf") and not f.endswith(("--cut.pdf", "--flip.pdf"))
    )
    objectives = {}
    if a.report:
        with open(a.report, encoding="utf-8") as f:
            for e in json.load(f)["files"]:
                objectives[os.path.realpath(e["path"])] = e.get("objectives", 0)
    unread = 0
    with_ruled = with_borderless = pages_ruled = pages_borderless = 0
    tabled = []
    for pdf in pdfs:
        r = table_pages(a.perfplan, pdf, a.timeout)
        if r is None:
            unread += 1
            continue
        ruled, borderless = r
        pages_ruled += ruled
        pages_borderless += borderless
        with_ruled += ruled > 0
        with_borderless += borderless > 0
        if ruled or borderless:
            tabled.append((pdf, ruled, borderless))
    print(f"PDFs: {len(pdfs)} ({unread} not readable by `perfplan text`)")
    print(f"PDFs with a table page: {len(tabled)} (ruled {with_ruled}, borderless {with_borderless})")
    print(f"table pages: {pages_ruled + pages_borderless} (ruled {pages_ruled}, borderless {pages_borderless})")
    if a.report:
        found = [(p, objectives.get(os.path.realpath(p))) for p, _, _ in tabled]
        missing = sum(1 for _, n in found if n is None)
        total = sum(n for _, n in found if n)
        print(f"objectives found in the PDFs with tables: {total}"
              + (f" ({missing} not in the run report)" if missing else ""))
    if a.list:
        for pdf, ruled, borderless in tabled:
            print(f"  ruled {ruled:>4}  borderless {borderless:>4}  {pdf}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
