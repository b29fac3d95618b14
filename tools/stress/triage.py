#!/usr/bin/env python3
"""Assign every failing objective of one or more batches to a known failure pattern.

usage: triage.py OUT_DIR [OUT_DIR...]

Reads OUT/eval.json, OUT/<stem>.knobs.json, OUT/<stem>.expected.json and (for the strict
description check) OUT/actual/<stem>.json. The patterns are the ones found so far (see
README.md, "Failure patterns"); the rules below are heuristics over the wrong fields and
the knobs, so an objective can carry several patterns, and "unclassified" ones are the
ones to look at with `perfplan text`."""
import collections
import difflib
import glob
import json
import os
import re
import sys

PATTERNS = {
    "P1": "Chromium/wk: indicator row split by a page break is lost, its tail glued to the previous row",
    "P2": "continuation page: unruled lines right under the repeated title are eaten as title lines",
    "P3": "reportlab running header 'CODE Title' wrapping to a 2nd line: the tail becomes content",
    "P4": "unruled (borderless/shaded) indicator table: cells assigned to the wrong column",
    "P5": "'NNN.' opening a wrapped paragraph line read as a numbered list item",
    "P6": "paragraph breaks lost: fixed-pt paragraph spacing < 0.35 em (pdflatex; LO >= 10pt; Chromium >= 11pt)",
    "P7": "landscape: page header below the 10% band is not furniture, sheet gets the next page",
    "P8": "pdflatex: page with only the running header (code) and footer not counted",
    "P9": "paragraph break that coincides with a page break is lost",
    "P10": "unruled label/value on one row merged into one line (gutter < 1.5 em)",
    "P12": "row cut by a page break whose tail also carries a wrapped Tipo: counted as a new row",
    "P13": "scanned / OCR text layer (no bold, no rules): a value that is a label word is taken as the label",
    "P11": "paragraph breaks lost when every paragraph is one line (normal gap = a paragraph gap)",
}


def words(s):
    return re.findall(r"\w+", s or "")


def inserted_fragments(e, a):
    sm = difflib.SequenceMatcher(None, words(e), words(a), autojunk=False)
    out = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op in ("insert", "replace"):
            out.append(words(a)[j1:j2])
    return out


def deleted_fragments(e, a):
    sm = difflib.SequenceMatcher(None, words(e), words(a), autojunk=False)
    return [words(e)[i1:i2] for op, i1, i2, j1, j2 in sm.get_opcodes() if op in ("delete", "replace")]


def classify(out, stem, code, ms, kn, exp, act):
    d = kn["doc"]
    prod = d["producer"]
    oi = kn["codes"].index(code)
    ok = kn["objectives"][oi]
    paths = {m["path"] for m in ms}
    pats = set()
    kind = d.get("kind")
    title_words = set(words(exp["title"]))
    for m in ms:
        f = m["path"]
        if isinstance(m["expected"], str) and isinstance(m["actual"], str) and ("description" in f or "dup_links" in f):
            for frag in inserted_fragments(m["expected"], m["actual"]):
                if len(frag) >= 1 and all(w in title_words for w in frag) and prod == "reportlab":
                    pats.add("P3")
            for frag in inserted_fragments(m["expected"], m["actual"]):
                if any(w.upper() in ("DELL", "OBIETTIVO", "DETTAGLIATA", "DESCRIZIONE", "TIPO", "DIRIGENTE", "DIRETTORE") for w in frag):
                    pats.add("P10")
            for frag in (deleted_fragments(m["expected"], m["actual"]) if f == "description" else []):
                if any(re.fullmatch(r"\d{1,3}", w) for w in frag[:1] + frag[-1:]) and len(frag) <= 2:
                    pats.add("P5")
        if f == "dup_links.count" and prod == "reportlab" and act:
            extra = [x for x in act.get("dup_links", [])[len(exp["dup_links"]):]]
            if any(set(words(x["label"])) <= title_words for x in extra):
                pats.add("P3")
    if prod in ("chromium", "wkhtmltopdf") and any(p.startswith("indicators") for p in paths):
        if act and len(act.get("indicators", [])) == len(exp["indicators"]) - 1:
            pats.add("P1")
    if prod in ("chromium", "wkhtmltopdf", "libreoffice") and "description" in paths and act:
        if len(words(act.get("description"))) < len(words(exp["description"])) - 3 and len(exp["pages"]) > 1:
            pats.add("P2")
    if d.get("scanned") and any(p in paths for p in ("directorate", "service", "classification", "typology", "director", "executive")):
        pats.add("P13")
    if ok.get("split_indicator") and act and len(act.get("indicators", [])) == len(exp["indicators"]) + 1:
        pats.add("P12")
    if prod == "reportlab" and (kind in ("none", "shaded") or d.get("scanned")) and any(re.match(r"indicators\[\d+\]\.(type|target|description)", p) for p in paths):
        if "P3" not in pats or any(re.match(r"indicators\[\d+\]\.type", p) for p in paths):
            pats.add("P4")
    if "pages" in paths and act:
        if (d.get("landscape") or d.get("rotate")) and d.get("page_header") and len(act["pages"]) == len(exp["pages"]) + 1:
            pats.add("P7")
        if prod == "pdflatex" and len(act["pages"]) < len(exp["pages"]):
            pats.add("P8")
    if prod == "reportlab" and (kind in ("none", "shaded") or d.get("scanned")) and any(p in paths for p in ("directorate", "director", "service", "executive", "classification", "typology")) or \
            any(re.match(r"dup_links\[\d+\]\.label", p) for p in paths) and prod == "reportlab":
        pats.add("P10")
    return pats or {"unclassified"}


def strict_patterns(prod, kn, exp, act):
    """Description right for the scorer, wrong for the contract."""
    e, a = exp["description"] or "", act.get("description") or ""
    if e == a:
        return set()
    pats = set()
    eb, ab = e.split("\n\n"), a.split("\n\n")
    fs = kn["doc"].get("font_size", 10)
    if len(ab) < len(eb) and (prod == "pdflatex" or (prod == "chromium" and fs >= 10.5) or (prod == "libreoffice" and fs >= 10)):
        pats.add("P6")
    if len(ab) < len(eb) and all("\n" not in b for b in eb) and len(e) < 400:
        pats.add("P11")
    if len(exp["pages"]) > 1 and len(ab) < len(eb) and not pats:
        pats.add("P9")
    return pats or {"unclassified-structure"}


def main():
    counts = collections.Counter()
    docs = collections.defaultdict(set)
    per_prod = collections.Counter()
    examples = collections.defaultdict(list)
    n_obj = collections.Counter()
    for out in sys.argv[1:]:
        ev = json.load(open(os.path.join(out, "eval.json"), encoding="utf-8"))
        invalid = set()
        if os.path.exists(os.path.join(out, "invalid.txt")):   # documents found wrong after the fact
            invalid = set(open(os.path.join(out, "invalid.txt")).read().split())
        by = collections.defaultdict(list)
        for m in ev["mismatches"]:
            by[(m["file"], m["code"])].append(m)
        for f in sorted(glob.glob(os.path.join(out, "*.expected.json"))):
            stem = os.path.basename(f)[:-len(".expected.json")]
            kp = os.path.join(out, stem + ".knobs.json")
            if not os.path.exists(kp) or stem in invalid:
                continue
            kn = json.load(open(kp, encoding="utf-8"))
            prod = kn["doc"]["producer"] + ("/" + kn["doc"]["rl_variant"] if kn["doc"]["producer"] == "reportlab" else "")
            ap = os.path.join(out, "actual", stem + ".json")
            act = {o.get("code"): o for o in json.load(open(ap, encoding="utf-8"))["objectives"]} if os.path.exists(ap) else {}
            for exp in json.load(open(f, encoding="utf-8"))["objectives"]:
                n_obj[prod] += 1
                ms = by.get((stem, exp["code"]), [])
                a = act.get(exp["code"])
                pats = set()
                if ms:
                    pats |= classify(out, stem, exp["code"], ms, kn, exp, a)
                if a and not any(m["path"] == "description" for m in ms):
                    pats |= strict_patterns(kn["doc"]["producer"], kn, exp, a)
                for p in pats:
                    counts[p] += 1
                    docs[p].add(stem)
                    per_prod[(p, prod)] += 1
                    if len(examples[p]) < 4:
                        examples[p].append("%s/%s %s p%s" % (os.path.basename(out), stem, exp["code"], exp["pages"]))
    print("objectives per producer: " + ", ".join("%s %d" % kv for kv in sorted(n_obj.items())))
    for p, n in counts.most_common():
        print("\n%-22s %3d objectives in %3d documents  %s" % (p, n, len(docs[p]), PATTERNS.get(p, "")))
        print("    by producer: " + ", ".join("%s %d" % (pp, c) for (q, pp), c in sorted(per_prod.items()) if q == p))
        for e in examples[p]:
            print("    e.g. " + e)


if __name__ == "__main__":
    main()
