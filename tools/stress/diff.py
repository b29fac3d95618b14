#!/usr/bin/env python3
"""Expected vs actual of one generated document, field by field (only the differences).

usage: diff.py PDF [CODE]     (PDF is OUT/<stem>.pdf; <stem>.expected.json lies beside it)
Runs `perfplan convert --format ndjson` (PERFPLAN or target/release/perfplan)."""
import json, os, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.environ.get("PERFPLAN", os.path.join(HERE, "..", "..", "target", "release", "perfplan"))


def walk(e, a, path, out):
    if isinstance(e, dict) and isinstance(a, dict):
        for k in e:
            walk(e[k], a.get(k, "<absent>"), path + "." + k, out)
    elif isinstance(e, list) and isinstance(a, list):
        if len(e) != len(a):
            out.append((path + ".count", len(e), len(a)))
        for i in range(max(len(e), len(a))):
            walk(e[i] if i < len(e) else "<none>", a[i] if i < len(a) else "<none>", "%s[%d]" % (path, i), out)
    elif e != a:
        out.append((path, e, a))


pdf = sys.argv[1]
only = sys.argv[2] if len(sys.argv) > 2 else None
exp = json.load(open(pdf[:-4] + ".expected.json", encoding="utf-8"))
res = subprocess.run([BIN, "convert", "--format", "ndjson", pdf], stdout=subprocess.PIPE, check=True)
act = {}
for ln in res.stdout.decode().splitlines():
    o = json.loads(ln)
    act.setdefault(o.get("code"), o)
for o in exp["objectives"]:
    if only and o["code"] != only:
        continue
    a = act.get(o["code"])
    if a is None:
        print("%s: MISSING (expected pages %s)" % (o["code"], o["pages"]))
        continue
    diffs = []
    walk(o, a, "", diffs)
    print("%s pages %s: %d differences" % (o["code"], o["pages"], len(diffs)))
    for p, e, x in diffs:
        print("  %s\n     expected %s\n     actual   %s" % (p, json.dumps(e, ensure_ascii=False), json.dumps(x, ensure_ascii=False)))
extra = set(act) - {o["code"] for o in exp["objectives"]}
if extra:
    print("EXTRA objectives: %s" % sorted(map(str, extra)))
