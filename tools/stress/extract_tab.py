#!/usr/bin/env python3
"""Cut a generated tabular document (gen_random_tab.py) down to a small repro and render it.

usage: extract_tab.py SPEC NAME [--codes C1,C2] [--rows N] [--style JSON] [--no-groups]
                      [--outdir DIR] [--save DIR]

Keeps the named blocks (all when --codes is absent; group / line / heading rows before a
kept block stay unless --no-groups), at most N rows per block, merges JSON into the
style, renders DIR/NAME.pdf + .expected.json with fixtures/gen.py (default DIR
/tmp/stress-tab/ex/NAME) and, with --save, writes the spec to SAVE/NAME.json (the committed
examples: tools/stress/examples-tab/)."""
import argparse, json, os, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.normpath(os.path.join(HERE, "..", "..", "fixtures"))
ap = argparse.ArgumentParser()
ap.add_argument("spec")
ap.add_argument("name")
ap.add_argument("--codes", default="")
ap.add_argument("--rows", type=int, default=0)
ap.add_argument("--style", default="{}")
ap.add_argument("--no-groups", action="store_true")
ap.add_argument("--outdir", default="")
ap.add_argument("--save", default="")
a = ap.parse_args()
spec = json.load(open(a.spec, encoding="utf-8"))
codes = [c for c in a.codes.split(",") if c]
body, pend = [], []
for it in spec["body"]:
    if "code" not in it:
        if not a.no_groups:
            pend.append(it)
        continue
    if codes and it["code"] not in codes:
        continue
    body += pend
    pend = []
    if a.rows:
        it["rows"] = it["rows"][:a.rows]
    body.append(it)
spec["body"] = body
spec["style"].update(json.loads(a.style))
a.outdir = a.outdir or os.path.join("/tmp/stress-tab/ex", a.name)
os.makedirs(a.outdir, exist_ok=True)
dst = a.save or os.path.join(a.outdir, "specs")
os.makedirs(dst, exist_ok=True)
sp = os.path.join(dst, a.name + ".json")
with open(sp, "w", encoding="utf-8") as f:
    json.dump(spec, f, ensure_ascii=False, indent=1)
    f.write("\n")
r = subprocess.run([sys.executable, os.path.join(FIX, "gen.py"), sp, "--outdir", a.outdir])
sys.exit(r.returncode)
