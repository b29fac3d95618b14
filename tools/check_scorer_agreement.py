#!/usr/bin/env python3
"""Check that `perfplan eval` agrees with the reference scorer (score.py).

usage: check_scorer_agreement.py EXPECTED_DIR ACTUAL_DIR [--score-py PATH] [--perfplan BIN]

Runs `python3 score.py EXPECTED_DIR ACTUAL_DIR --json OUT` and
`perfplan eval EXPECTED_DIR ACTUAL_DIR --format json` (and the text report of
both, for the last `score:` line) and fails (exit 1) unless these agree exactly:
score, field_accuracy, objective_precision, objective_recall, every per-field
correct/total count, every per-file row (status, expected, actual, matched,
correct, total, missing_codes, extra_codes), the list of mismatches (where, field,
expected, actual, absent) and the printed `score: X.XXXX` line.

Defaults: score.py at ../shared/tools/score.py and perfplan at
target/release/perfplan, both relative to the repository root.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SUMMARY = ["score", "field_accuracy", "objective_precision", "objective_recall"]
FILE_KEYS = ["stem", "status", "expected", "actual", "matched", "correct", "total", "missing_codes", "extra_codes"]
MISMATCH_KEYS = ["where", "field", "expected", "actual", "absent"]


def canon(v):
    """Python's json writes non-finite floats as NaN/Infinity; perfplan as strings."""
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")
    if isinstance(v, list):
        return [canon(x) for x in v]
    if isinstance(v, dict):
        return {k: canon(x) for k, x in v.items()}
    return v


def last_line(text):
    lines = text.strip().splitlines()
    return lines[-1] if lines else ""


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("expected_dir")
    ap.add_argument("actual_dir")
    ap.add_argument("--score-py", default=os.path.join(ROOT, "..", "shared", "tools", "score.py"))
    ap.add_argument("--perfplan", default=os.path.join(ROOT, "target", "release", "perfplan"))
    a = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="agreement-") as tmp:
        py_json = os.path.join(tmp, "score.json")
        py = subprocess.run([sys.executable, a.score_py, a.expected_dir, a.actual_dir, "--json", py_json],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if py.returncode != 0:
            sys.exit("score.py failed (%d): %s" % (py.returncode, py.stderr))
        with open(py_json, encoding="utf-8") as f:
            ref = json.load(f)
    pp = subprocess.run([a.perfplan, "eval", a.expected_dir, a.actual_dir, "--format", "json"],
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if pp.returncode != 0:
        sys.exit("perfplan eval --format json failed (%d): %s" % (pp.returncode, pp.stderr))
    got = json.loads(pp.stdout)
    pt = subprocess.run([a.perfplan, "eval", a.expected_dir, a.actual_dir],
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if pt.returncode != 0:
        sys.exit("perfplan eval failed (%d): %s" % (pt.returncode, pt.stderr))

    problems = []
    for k in SUMMARY:
        if ref[k] != got.get(k):
            problems.append("%s: score.py %r, perfplan %r" % (k, ref[k], got.get(k)))
    if list(ref["fields"]) != list(got.get("fields", {})):
        problems.append("field list differs: %s vs %s" % (list(ref["fields"]), list(got.get("fields", {}))))
    for f, c in ref["fields"].items():
        g = got.get("fields", {}).get(f)
        if g is None or (g.get("correct"), g.get("total")) != (c["correct"], c["total"]):
            problems.append("field %s: score.py %d/%d, perfplan %s" % (f, c["correct"], c["total"],
                            "absent" if g is None else "%s/%s" % (g.get("correct"), g.get("total"))))
    rf = [{k: x[k] for k in FILE_KEYS} for x in ref["files"]]
    gf = [{k: x.get(k) for k in FILE_KEYS} for x in got.get("files", [])]
    if rf != gf:
        for x, y in zip(rf, gf):
            if x != y:
                problems.append("file %s: score.py %s\n    perfplan %s" % (x["stem"], x, y))
        if len(rf) != len(gf):
            problems.append("files: score.py %d, perfplan %d" % (len(rf), len(gf)))
    rm = [canon({k: m[k] for k in MISMATCH_KEYS}) for m in ref["mismatches"]]
    gm = [canon({k: m.get(k) for k in MISMATCH_KEYS}) for m in got.get("mismatches", [])]
    if rm != gm:
        problems.append("mismatches: score.py %d, perfplan %d" % (len(rm), len(gm)))
        for x, y in zip(rm, gm):
            if x != y:
                problems.append("  first difference:\n    score.py %s\n    perfplan %s" % (x, y))
                break
    if last_line(py.stdout) != last_line(pt.stdout):
        problems.append("last line: score.py %r, perfplan %r" % (last_line(py.stdout), last_line(pt.stdout)))

    name = "%s vs %s" % (a.expected_dir, a.actual_dir)
    if problems:
        print("scorer agreement FAILED (%s):" % name, file=sys.stderr)
        for p in problems:
            print("  " + p, file=sys.stderr)
        return 1
    print("scorer agreement OK (%s): score %.4f (score.py %r, perfplan %r), accuracy %.4f, precision %.4f, "
          "recall %.4f, %d fields, %d mismatches"
          % (name, ref["score"], ref["score"], got["score"], ref["field_accuracy"], ref["objective_precision"],
             ref["objective_recall"], sum(c["total"] for c in ref["fields"].values()), len(rm)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
