#!/usr/bin/env python3
"""Summarise `perfplan eval OUT --pdf OUT --format json` for a batch made by gen_random.py.

usage: report.py OUT_DIR [EVAL_JSON]   (EVAL_JSON defaults to OUT_DIR/eval.json)

Prints
  1. per file: score (correct/total), producer + main knobs, missing/extra objectives;
  2. wrong fields grouped by cause: (normalised field path, producer[/variant]); for each
     group the number of wrong fields and files, the knob values that are
     over-represented among the failing objectives/rows compared with all objectives/rows
     of that producer in the batch, and a few examples (expected vs actual).
Also writes OUT_DIR/mismatches.jsonl: every wrong field joined with its knobs.
"""
import collections
import glob
import json
import os
import re
import sys


def load_knobs(out):
    k = {}
    for f in glob.glob(os.path.join(out, "*.knobs.json")):
        d = json.load(open(f, encoding="utf-8"))
        k[d["stem"]] = d
    return k


def prod_key(kn):
    d = kn["doc"]
    p = d["producer"]
    if p == "reportlab" and "rl_variant" in d:
        p += "/" + d["rl_variant"]
    if d.get("family"):  # gen_random_v2.py: family/producer/kind
        return "%s/%s/%s" % (d["family"], p, d.get("kind", "?"))
    if p == "libreoffice":
        p += "/" + ("hdr" if d.get("heading_in_page_header") else "body")
    return p


def row_of(path):
    m = re.match(r"(dup_links|indicators)\[(\d+)\]", path)
    return (m.group(1), int(m.group(2))) if m else (None, None)


def norm_path(path):
    return re.sub(r"\[\d+\]", "[]", path)


def short(v, n=90):
    s = json.dumps(v, ensure_ascii=False)
    return s if len(s) <= n else s[:n - 3] + "..."


def knob_items(kn, code, path):
    """All knobs that apply to one wrong field: doc + objective + row."""
    items = {}
    for k, v in kn["doc"].items():
        items["doc." + k] = v
    if code in kn["codes"]:
        oi = kn["codes"].index(code)
        for k, v in kn["objectives"][oi].items():
            items["obj." + k] = v
        sect, r = row_of(path)
        if sect is not None:
            rows = kn["rows"][oi][sect]
            if r < len(rows):
                for k, v in rows[r].items():
                    items["row." + k] = v
    return items


def strict_description(out, ev, knobs):
    """The scorer compares `description` with line breaks and bullet markers normalised
    away, so a lost paragraph break or a paragraph read as a list item scores as right.
    Compare the converted files (OUT/actual/<stem>.json) exactly where the scorer said
    the description is right."""
    wrong_desc = {(m["file"], m["code"]) for m in ev["mismatches"] if m["field"] == "description"}
    rows = []
    for f in sorted(glob.glob(os.path.join(out, "*.expected.json"))):
        stem = os.path.basename(f)[:-len(".expected.json")]
        af = os.path.join(out, "actual", stem + ".json")
        if not os.path.exists(af):
            continue
        act = {o.get("code"): o for o in json.load(open(af, encoding="utf-8"))["objectives"]}
        for o in json.load(open(f, encoding="utf-8"))["objectives"]:
            a = act.get(o["code"])
            if a is None or (stem, o["code"]) in wrong_desc or a.get("description") == o["description"]:
                continue
            e_bl, a_bl = (o["description"] or "").split("\n\n"), (a.get("description") or "").split("\n\n")
            kind = []
            if len(a_bl) < len(e_bl):
                kind.append("paragraph breaks lost (%d blocks, expected %d)" % (len(a_bl), len(e_bl)))
            elif len(a_bl) > len(e_bl):
                kind.append("extra paragraph breaks (%d blocks, expected %d)" % (len(a_bl), len(e_bl)))
            e_items = sum(1 for b in e_bl for l in b.split("\n") if l.startswith("- "))
            a_items = sum(1 for b in a_bl for l in b.split("\n") if l.startswith("- "))
            if e_items != a_items:
                kind.append("list items %d, expected %d" % (a_items, e_items))
            rows.append((stem, o["code"], prod_key(knobs[stem]) if stem in knobs else "?", "; ".join(kind) or "other"))
    print("\nDESCRIPTION STRUCTURE (right for the scorer, wrong for the contract): %d objectives" % len(rows))
    by = collections.Counter((p, k.split(" (")[0].split(" %d")[0]) for _, _, p, k in rows)
    for (p, k), n in by.most_common():
        print("  %3d  %-28s %s" % (n, p, k))
    for stem, code, p, k in rows[:40]:
        print("   %s %s %s: %s" % (stem, code, p, k))


def main():
    out = sys.argv[1]
    ev = json.load(open(sys.argv[2] if len(sys.argv) > 2 else os.path.join(out, "eval.json"), encoding="utf-8"))
    knobs = load_knobs(out)
    print("=" * 100)
    print("batch %s: score %.4f  field_accuracy %.4f  objectives expected %d / found %d / matched %d"
          % (out, ev["score"], ev["field_accuracy"], ev["expected_objectives"], ev["actual_objectives"],
             ev["matched_objectives"]))
    print("=" * 100)
    print("\nPER FILE")
    for f in sorted(ev["files"], key=lambda f: f["stem"]):
        kn = knobs.get(f["stem"])
        d = kn["doc"] if kn else {}
        acc = f["correct"] / f["total"] if f["total"] else 1.0
        flag = "" if acc == 1.0 and not f["missing_codes"] and not f["extra_codes"] else "  <--"
        extra = []
        if f["missing_codes"]:
            extra.append("missing %s" % f["missing_codes"])
        if f["extra_codes"]:
            extra.append("extra %s" % f["extra_codes"])
        if f.get("error"):
            extra.append("error %s" % f["error"])
        print("%-34s %.4f %4d/%-4d %-26s font=%s %spt%s%s"
              % (f["stem"], acc, f["correct"], f["total"], prod_key(kn) if kn else "?",
                 d.get("font", "lmodern"), d.get("font_size", "?"), ("  " + "; ".join(extra)) if extra else "", flag))
    # ---------------------------------------------------------------- population of knobs
    pop = collections.defaultdict(lambda: collections.defaultdict(collections.Counter))  # prod -> level -> Counter((k,v))
    popn = collections.defaultdict(collections.Counter)
    for stem, kn in knobs.items():
        p = prod_key(kn)
        for oi, ok in enumerate(kn["objectives"]):
            base = {("doc." + k, json.dumps(v)) for k, v in kn["doc"].items()}
            base |= {("obj." + k, json.dumps(v)) for k, v in ok.items()}
            pop[p]["obj"].update(base)
            popn[p]["obj"] += 1
            for sect in ("dup_links", "indicators"):
                for rk in kn["rows"][oi][sect]:
                    pop[p][sect].update(base | {("row." + k, json.dumps(v)) for k, v in rk.items()})
                    popn[p][sect] += 1
    # ---------------------------------------------------------------- groups
    groups = collections.defaultdict(list)
    rows_out = []
    for m in ev["mismatches"]:
        kn = knobs.get(m["file"])
        if not kn:
            continue
        p = prod_key(kn)
        key = (norm_path(m["path"]), p)
        items = knob_items(kn, m["code"], m["path"])
        groups[key].append((m, items))
        rows_out.append(dict(m, producer=p, knobs=items))
    with open(os.path.join(out, "mismatches.jsonl"), "w", encoding="utf-8") as f:
        for r in rows_out:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    # missing / extra objectives
    miss = [(f["stem"], c) for f in ev["files"] for c in f["missing_codes"]]
    extra = [(f["stem"], c) for f in ev["files"] for c in f["extra_codes"]]
    print("\nMISSING OBJECTIVES (%d)" % len(miss))
    for stem, c in miss:
        kn = knobs.get(stem)
        oi = kn["codes"].index(c) if kn and c in kn["codes"] else None
        print("  %-34s %-14s %s %s" % (stem, c, prod_key(kn) if kn else "?",
                                       kn["objectives"][oi] if oi is not None else ""))
    print("\nEXTRA OBJECTIVES (%d)" % len(extra))
    for stem, c in extra:
        kn = knobs.get(stem)
        print("  %-34s %-14s %s" % (stem, c, prod_key(kn) if kn else "?"))
    strict_description(out, ev, knobs)
    print("\nWRONG FIELDS BY CAUSE (field path, producer); knobs over-represented among the failures")
    for (path, p), lst in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        files = sorted({m["file"] for m, _ in lst})
        level = path.split("[")[0] if "[]" in path else "obj"
        # knob enrichment: share among failures vs share in the population of the same level
        cnt = collections.Counter()
        for _, items in lst:
            cnt.update({(k, json.dumps(v)) for k, v in items.items()})
        n = len(lst)
        tot = popn[p][level] or 1
        enr = []
        for (k, v), c in cnt.items():
            share = c / n
            base = pop[p][level][(k, v)] / tot
            if share >= 0.6 and base < 0.95 and share - base >= 0.25:
                enr.append((share - base, "%s=%s (%d/%d fail vs %.0f%% all)" % (k, v, c, n, 100 * base)))
        enr.sort(reverse=True)
        print("\n[%d wrong, %d files] %s   %s" % (n, len(files), path, p))
        if enr:
            print("   knobs: " + "; ".join(e for _, e in enr[:6]))
        for m, items in lst[:4]:
            print("   %s %s %s p%s: expected %s | actual %s" % (m["file"], m["code"], m["path"], m["expected_pages"],
                                                             short(m["expected"]), short(m["actual"])))
        if len(files) > 1:
            print("   files: " + " ".join(files[:12]) + (" ..." if len(files) > 12 else ""))


if __name__ == "__main__":
    main()
