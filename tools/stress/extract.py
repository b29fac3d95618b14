#!/usr/bin/env python3
"""Cut a failing generated document down to the named objectives and render it again.

usage: extract.py SPEC NAME CODE [CODE...] [--outdir DIR] [--drop-cover] [--drop-index]

SPEC is OUT/specs/<stem>.json written by gen_random.py. The new spec keeps only the
named objectives (document order) and is rendered by fixtures/gen.py into
DIR/NAME.pdf + DIR/NAME.expected.json (DIR defaults to /tmp/perfplan-stress/examples),
so a failure can be kept as a small, stable example. Sheets start on a new page, so a
non-packed sheet keeps its layout when the others are dropped; check with diff.py."""
import argparse, json, os, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.normpath(os.path.join(HERE, "..", "..", "fixtures"))
ap = argparse.ArgumentParser()
ap.add_argument("spec")
ap.add_argument("name")
ap.add_argument("codes", nargs="+")
ap.add_argument("--outdir", default="/tmp/perfplan-stress/examples")
ap.add_argument("--drop-cover", action="store_true")
ap.add_argument("--drop-index", action="store_true")
a = ap.parse_args()
spec = json.load(open(a.spec, encoding="utf-8"))
spec["objectives"] = [o for o in spec["objectives"] if o["code"] in a.codes]
if a.drop_cover:
    spec["cover"] = None
if a.drop_index:
    spec["index"] = False
os.makedirs(os.path.join(a.outdir, "specs"), exist_ok=True)
sp = os.path.join(a.outdir, "specs", a.name + ".json")
json.dump(spec, open(sp, "w", encoding="utf-8"), ensure_ascii=False, indent=1)
r = subprocess.run([sys.executable, os.path.join(FIX, "gen.py"), sp, "--outdir", a.outdir])
sys.exit(r.returncode)
