#!/usr/bin/env python3
"""Write deliberately imperfect copies of perfplan output, to check the scorers on them.

usage: corrupt_outputs.py IN_DIR OUT_DIR [--seed N] [--v2] [--from-expected] [--no-file-damage]

Reads every IN_DIR/<stem>.json and writes OUT_DIR/<stem>.json with perturbations
(deterministic for a seed): a changed title, a dropped indicator, an extra objective,
a duplicate code, values set to null, "" or removed, numbers nudged within and
beyond 1e-9, a boolean as 1, NaN, pages and refs changed, an extra DUP row, an
NFD/whitespace/bullet variant that must still count as correct, wrong types. Some
files also get whole-file damage: invalid JSON, a missing file, a non-object
document, `objectives` that is not a list.

--v2 also perturbs the contract v2 fields (changed, null, absent and invented
responsibility centres, phases, baselines, per-year targets and actual values,
numbers nudged within and beyond 1e-9, NaN, wrong types); --from-expected reads
ground truth (`<stem>.expected.json`) as the input, to build imperfect "actual"
copies of a corpus without converting it.
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


def _ind(o, rng):
    """A random indicator of o (a dict), or None."""
    inds = o.get("indicators")
    if isinstance(inds, list) and inds and isinstance(inds[0], dict):
        return inds[rng.randrange(len(inds))]
    return None


def _phase(o, rng):
    ph = o.get("phases")
    if isinstance(ph, list) and ph and isinstance(ph[0], dict):
        return ph[rng.randrange(len(ph))]
    return None


def _ytarget(o, rng):
    ind = _ind(o, rng)
    ts = ind.get("targets") if ind else None
    if isinstance(ts, list) and ts and isinstance(ts[0], dict):
        return ts[rng.randrange(len(ts))]
    return None


def perturb_objective_v2(o, rng, log):
    """Apply 1-3 random perturbations to the contract v2 fields of one objective."""
    def num(x, d):
        return (x + d) if isinstance(x, (int, float)) and not isinstance(x, bool) else d

    ops = [
        ("level changed", lambda: o.__setitem__("level", (o.get("level") or "") + "X")),
        ("level null<->''", lambda: o.__setitem__("level", "" if o.get("level") is None else None)),
        ("level removed", lambda: o.pop("level", None)),
        ("weight +0.5", lambda: o.__setitem__("weight", num(o.get("weight"), 0.5))),
        ("weight nudged 1e-12 (still correct)", lambda: o.__setitem__("weight", o["weight"] + 1e-12)
         if isinstance(o.get("weight"), float) else None),
        ("weight as string", lambda: o.__setitem__("weight", str(o.get("weight")))),
        ("weight NaN", lambda: o.__setitem__("weight", float("nan"))),
        ("achievement null", lambda: o.__setitem__("achievement", None)),
        ("achievement 96.5", lambda: o.__setitem__("achievement", 96.5)),
        ("purpose bullets changed (still correct)", lambda: o.__setitem__(
            "purpose", o["purpose"].replace("\n- ", "\n• ")) if isinstance(o.get("purpose"), str) else None),
        ("purpose truncated", lambda: o.__setitem__("purpose", (o.get("purpose") or "")[:15])),
        ("responsibility_center null", lambda: o.__setitem__("responsibility_center", None)),
        ("responsibility_center.code changed", lambda: o["responsibility_center"].__setitem__("code", "999")
         if isinstance(o.get("responsibility_center"), dict) else None),
        ("responsibility_center.name removed", lambda: o["responsibility_center"].pop("name", None)
         if isinstance(o.get("responsibility_center"), dict) else None),
        ("responsibility_center invented", lambda: o.__setitem__("responsibility_center", {"code": None, "name": "X"})
         if o.get("responsibility_center") is None else None),
        ("responsibility_center a string", lambda: o.__setitem__("responsibility_center", "104 - X")),
        ("phases dropped", lambda: o.__setitem__("phases", [])),
        ("phases not a list", lambda: o.__setitem__("phases", {"description": "x"})),
        ("phases removed", lambda: o.pop("phases", None)),
        ("phase dropped", lambda: o["phases"].pop(rng.randrange(len(o["phases"])))
         if isinstance(o.get("phases"), list) and o["phases"] else None),
        ("phase extra row", lambda: o.setdefault("phases", []).append(
            {"description": "Fase extra", "weight": None, "start": None, "end": None, "responsible": None,
             "responsibility_center": None, "notes": None}) if isinstance(o.get("phases", []), list) else None),
        ("phase start changed", lambda: (_phase(o, rng) or {}).__setitem__("start", "2024-01-02")),
        ("phase end removed", lambda: (_phase(o, rng) or {}).pop("end", None)),
        ("phase weight +1", lambda: (lambda p: p.__setitem__("weight", num(p.get("weight"), 1)) if p else None)(_phase(o, rng))),
        ("phase notes ''", lambda: (_phase(o, rng) or {}).__setitem__("notes", "")),
        ("phase description NFD + spaces (still correct)", lambda: (lambda p: p.__setitem__(
            "description", " " + unicodedata.normalize("NFD", p["description"]) + "  ")
            if p and isinstance(p.get("description"), str) else None)(_phase(o, rng))),
        ("indicator unit changed", lambda: (_ind(o, rng) or {}).__setitem__("unit", "n.")),
        ("indicator weight null", lambda: (_ind(o, rng) or {}).__setitem__("weight", None)),
        ("indicator achievement +1e-10 (still correct)", lambda: (lambda i: i.__setitem__(
            "achievement", i["achievement"] + 1e-10) if i and isinstance(i.get("achievement"), float) else None)(_ind(o, rng))),
        ("indicator achievement 0", lambda: (_ind(o, rng) or {}).__setitem__("achievement", 0)),
        ("baseline null", lambda: (_ind(o, rng) or {}).__setitem__("baseline", None)),
        ("baseline removed", lambda: (_ind(o, rng) or {}).pop("baseline", None)),
        ("baseline year +1", lambda: (lambda i: i["baseline"].__setitem__("year", num(i["baseline"].get("year"), 1))
         if i and isinstance(i.get("baseline"), dict) else None)(_ind(o, rng))),
        ("baseline value.raw ''", lambda: (lambda i: i["baseline"]["value"].__setitem__("raw", "")
         if i and isinstance(i.get("baseline"), dict) and isinstance(i["baseline"].get("value"), dict) else None)(_ind(o, rng))),
        ("baseline value.boolean as 1", lambda: (lambda i: i["baseline"]["value"].__setitem__("boolean", 1)
         if i and isinstance(i.get("baseline"), dict) and isinstance(i["baseline"].get("value"), dict) else None)(_ind(o, rng))),
        ("baseline value unit removed", lambda: (lambda i: i["baseline"]["value"].pop("unit", None)
         if i and isinstance(i.get("baseline"), dict) and isinstance(i["baseline"].get("value"), dict) else None)(_ind(o, rng))),
        ("baseline invented", lambda: (lambda i: i.__setitem__("baseline", {"year": None, "value": {
            "raw": "", "value": None, "unit": None, "comparator": None, "date": None, "boolean": None}})
            if i and i.get("baseline") is None else None)(_ind(o, rng))),
        ("targets dropped", lambda: (_ind(o, rng) or {}).__setitem__("targets", [])),
        ("targets not a list", lambda: (_ind(o, rng) or {}).__setitem__("targets", None)),
        ("target year +1", lambda: (lambda y: y.__setitem__("year", num(y.get("year"), 1)) if y else None)(_ytarget(o, rng))),
        ("target year as string", lambda: (lambda y: y.__setitem__("year", str(y.get("year"))) if y else None)(_ytarget(o, rng))),
        ("year target value +1", lambda: (lambda y: y["target"].__setitem__("value", num(y["target"].get("value"), 1))
         if y and isinstance(y.get("target"), dict) else None)(_ytarget(o, rng))),
        ("year target null", lambda: (lambda y: y.__setitem__("target", None) if y else None)(_ytarget(o, rng))),
        ("year target date changed", lambda: (lambda y: y["target"].__setitem__("date", "2030-01-01")
         if y and isinstance(y.get("target"), dict) else None)(_ytarget(o, rng))),
        ("year target comparator removed", lambda: (lambda y: y["target"].pop("comparator", None)
         if y and isinstance(y.get("target"), dict) else None)(_ytarget(o, rng))),
        ("year target extra", lambda: (lambda i: i["targets"].append({"year": 2099, "target": {
            "raw": "1", "value": 1.0, "unit": None, "comparator": None, "date": None, "boolean": None}})
            if i and isinstance(i.get("targets"), list) else None)(_ind(o, rng))),
        ("actual null", lambda: (_ind(o, rng) or {}).__setitem__("actual", None)),
        ("actual invented", lambda: (lambda i: i.__setitem__("actual", {"raw": "5", "value": 5.0, "unit": None,
            "comparator": None, "date": None, "boolean": None}) if i and i.get("actual") is None else None)(_ind(o, rng))),
        ("actual value NaN", lambda: (lambda i: i["actual"].__setitem__("value", float("nan"))
         if i and isinstance(i.get("actual"), dict) else None)(_ind(o, rng))),
        ("actual raw NFD/spaces (still correct)", lambda: (lambda i: i["actual"].__setitem__(
            "raw", "  " + i["actual"]["raw"] + " ") if i and isinstance(i.get("actual"), dict)
            and isinstance(i["actual"].get("raw"), str) else None)(_ind(o, rng))),
        ("actual a list", lambda: (_ind(o, rng) or {}).__setitem__("actual", [1])),
    ]
    for _ in range(rng.randint(1, 3)):
        name, op = rng.choice(ops)
        try:
            op()
            log.append(name)
        except (KeyError, IndexError, TypeError, AttributeError, ValueError):
            pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("in_dir")
    ap.add_argument("out_dir")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--v2", action="store_true",
                    help="also perturb the contract v2 fields (level, weight, phases, baseline, targets, actual...)")
    ap.add_argument("--from-expected", action="store_true",
                    help="read IN_DIR/<stem>.expected.json (ground truth) instead of <stem>.json")
    ap.add_argument("--no-file-damage", action="store_true",
                    help="only field-level perturbations: no invalid, missing or non-object files")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    os.makedirs(a.out_dir, exist_ok=True)
    suffix = ".expected.json" if a.from_expected else ".json"
    stems = sorted(f[:-len(suffix)] for f in os.listdir(a.in_dir)
                   if f.endswith(suffix) and (a.from_expected or not f.endswith(".expected.json")))
    if not stems:
        sys.exit("no *%s in %s" % (suffix, a.in_dir))
    for n, stem in enumerate(stems):
        with open(os.path.join(a.in_dir, stem + suffix), encoding="utf-8") as f:
            doc = json.load(f)
        out = os.path.join(a.out_dir, stem + ".json")
        log = []
        # Whole-file damage on the first files (when there are enough of them).
        damage = n % 8 if len(stems) >= 8 else (a.seed % 4 if n == 0 else None)
        if a.no_file_damage:
            damage = None
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
                if a.v2 and isinstance(o, dict) and rng.random() < 0.8:
                    perturb_objective_v2(o, rng, log)
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
