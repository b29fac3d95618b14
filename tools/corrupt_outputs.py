#!/usr/bin/env python3
"""Write deliberately imperfect copies of perfplan output, to check the scorers on them.

usage: corrupt_outputs.py IN_DIR OUT_DIR [--seed N]

Reads every IN_DIR/<stem>.json and writes OUT_DIR/<stem>.json with perturbations
(deterministic for a seed): a changed title, a dropped indicator, an extra objective,
a duplicate code, values set to null, "" or removed, numbers nudged within and
beyond 1e-9, a boolean as 1, NaN, pages and refs changed, an extra DUP row, an
NFD/whitespace/bullet variant that must still count as correct, wrong types. Some
files also get whole-file damage: invalid JSON, a missing file, a non-object
document, `objectives` that is not a list.
"""
import argparse
import copy
import json
import os
import random
import sys
import unicodedata


def perturb_objective(o, rng, log):
    """Apply 1-3 random field-level perturbations to one objective (a dict)."""
    ops = [
        ("title changed", lambda: o.__setitem__("title", (o.get("title") or "") + " (bis)")),
        ("title NFD + spaces (still correct)", lambda: o.__setitem__(
            "title", "  " + unicodedata.normalize("NFD", o.get("title") or "") + " ") if isinstance(o.get("title"), str) else None),
        ("director null<->''", lambda: o.__setitem__("director", "" if o.get("director") is None else None)),
        ("executive removed", lambda: o.pop("executive", None)),
        ("year nudged 1e-12 (still correct)", lambda: o.__setitem__("year", o["year"] + 1e-12) if isinstance(o.get("year"), int) else None),
        ("year nudged 1e-6 (wrong)", lambda: o.__setitem__("year", o["year"] + 1e-6) if isinstance(o.get("year"), int) else None),
        ("target.value nudged 1e-10 (still correct)", lambda: o["indicators"][0]["target"].__setitem__(
            "value", o["indicators"][0]["target"]["value"] + 1e-10) if o.get("indicators") and isinstance(o["indicators"][0]["target"].get("value"), (int, float)) else None),
        ("year as string", lambda: o.__setitem__("year", str(o.get("year")))),
        ("pages changed", lambda: o.__setitem__("pages", (o.get("pages") or []) + [99])),
        ("description bullets changed (still correct)", lambda: o.__setitem__(
            "description", o["description"].replace("\n- ", "\n• ")) if isinstance(o.get("description"), str) else None),
        ("description truncated", lambda: o.__setitem__("description", (o.get("description") or "")[:20])),
        ("typology lower case", lambda: o.__setitem__("typology", (o.get("typology") or "x").lower())),
        ("dup_links dropped", lambda: o.__setitem__("dup_links", [])),
        ("dup_links extra row", lambda: o.setdefault("dup_links", []).append({"label": "X", "code": None, "text": "t", "refs": []})),
        ("dup refs changed", lambda: o["dup_links"][0].__setitem__("refs", ["0.0.0"]) if o.get("dup_links") else None),
        ("dup_links not a list", lambda: o.__setitem__("dup_links", {"label": "X"})),
        ("indicator dropped", lambda: o["indicators"].pop(rng.randrange(len(o["indicators"]))) if o.get("indicators") else None),
        ("indicator duplicated", lambda: o["indicators"].append(copy.deepcopy(o["indicators"][-1])) if o.get("indicators") else None),
        ("target.value null", lambda: o["indicators"][0]["target"].__setitem__("value", None) if o.get("indicators") else None),
        ("target.value +1", lambda: o["indicators"][-1]["target"].__setitem__(
            "value", (o["indicators"][-1]["target"].get("value") or 0) + 1) if o.get("indicators") else None),
        ("target.value NaN", lambda: o["indicators"][0]["target"].__setitem__("value", float("nan")) if o.get("indicators") else None),
        ("target.boolean as 1", lambda: o["indicators"][0]["target"].__setitem__("boolean", 1) if o.get("indicators") else None),
        ("target.raw ''", lambda: o["indicators"][0]["target"].__setitem__("raw", "") if o.get("indicators") else None),
        ("target removed", lambda: o["indicators"][0].pop("target", None) if o.get("indicators") else None),
        ("indicator type null", lambda: o["indicators"][0].__setitem__("type", None) if o.get("indicators") else None),
        ("indicators not a list", lambda: o.__setitem__("indicators", None)),
    ]
    for _ in range(rng.randint(1, 3)):
        name, op = rng.choice(ops)
        try:
            op()
            log.append(name)
        except (KeyError, IndexError, TypeError, AttributeError):
            pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("in_dir")
    ap.add_argument("out_dir")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    os.makedirs(a.out_dir, exist_ok=True)
    stems = sorted(f[:-5] for f in os.listdir(a.in_dir) if f.endswith(".json") and not f.endswith(".expected.json"))
    if not stems:
        sys.exit("no *.json in %s" % a.in_dir)
    for n, stem in enumerate(stems):
        with open(os.path.join(a.in_dir, stem + ".json"), encoding="utf-8") as f:
            doc = json.load(f)
        out = os.path.join(a.out_dir, stem + ".json")
        log = []
        # Whole-file damage on the first files (when there are enough of them).
        damage = n % 8 if len(stems) >= 8 else (a.seed % 4 if n == 0 else None)
        if damage == 0:
            with open(out, "w", encoding="utf-8") as f:
                f.write(json.dumps(doc, ensure_ascii=False)[:-40])
            print("%s: invalid JSON" % stem)
            continue
        if damage == 1:
            print("%s: missing" % stem)
            continue
        if damage == 2:
            doc = [doc]
            log.append("document is a list")
        objs = doc.get("objectives") if isinstance(doc, dict) else None
        if isinstance(objs, list):
            for o in objs:
                if isinstance(o, dict) and rng.random() < 0.7:
                    perturb_objective(o, rng, log)
            if objs and rng.random() < 0.5:
                x = copy.deepcopy(objs[0])
                x["code"] = "ZZ_EXTRA_%d" % n
                objs.append(x)
                log.append("extra objective")
            if objs and rng.random() < 0.4:
                objs.append(copy.deepcopy(objs[-1]))
                log.append("duplicate code")
            if objs and rng.random() < 0.3:
                objs.insert(0, {"code": 12345})
                objs.append("not an objective")
                log.append("objective with a non-string code, a non-object objective")
            if len(objs) > 1 and rng.random() < 0.3:
                objs.pop(rng.randrange(len(objs)))
                log.append("objective dropped")
            if objs and isinstance(objs[0], dict) and isinstance(objs[0].get("code"), str) and rng.random() < 0.3:
                objs[0]["code"] = " " + objs[0]["code"] + "\t"
                log.append("code with spaces (still matched)")
        if damage == 3 and isinstance(doc, dict):
            doc["objectives"] = {"not": "a list"}
            log = ["objectives not a list"]
        with open(out, "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False, indent=1)  # NaN written as NaN, as Python does
        print("%s: %s" % (stem, "; ".join(log) or "unchanged"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
