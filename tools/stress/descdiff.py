#!/usr/bin/env python3
"""Where two strings differ (expected vs actual description), with some context.
usage: descdiff.py PDF CODE [FIELD]   (FIELD default: description)"""
import difflib, json, os, subprocess, sys
HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.environ.get("PERFPLAN", os.path.join(HERE, "..", "..", "target", "release", "perfplan"))
pdf, code = sys.argv[1], sys.argv[2]
field = sys.argv[3] if len(sys.argv) > 3 else "description"
exp = [o for o in json.load(open(pdf[:-4] + ".expected.json"))["objectives"] if o["code"] == code][0]
out = subprocess.run([BIN, "convert", "--format", "ndjson", pdf], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout.decode()
act = [json.loads(l) for l in out.splitlines() if json.loads(l).get("code") == code][0]
e, a = exp[field] or "", act[field] or ""
for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, e, a, autojunk=False).get_opcodes():
    if op != "equal":
        print("%s\n  expected ...%r...\n  actual   ...%r..." % (op, e[max(0, i1 - 45):i2 + 25], a[max(0, j1 - 45):j2 + 25]))
