#!/usr/bin/env python3
"""Random contract-v2 sheets (families "v2" and "report", fixtures/gen_v2.py) with exact ground truth.

usage: gen_random_v2.py N OUT_DIR [--seed S] [--jobs J] [--producers chromium,libreoffice,reportlab]
                                  [--families v2,report]

Same approach and output layout as gen_random.py (OUT_DIR/specs/<stem>.json, <stem>.pdf,
<stem>.expected.json written by fixtures/gen.py from the spec, <stem>.knobs.json, gen_log.txt),
so report.py / diff.py / extract.py work on a v2 batch unchanged.  Stem: s<seed>-<i>-<family>-<producer>.

Randomised: family, producer (chromium, libreoffice, reportlab: what gen_v2 draws), fonts,
sizes, margins, ruled / borderless (/ shaded for reportlab), label case and colons, label
synonyms of the contract (grid: Livello, Tipo di Obiettivo, CdR, Centro di costo, Pesatura,
...; sections Finalità, Fasi di attuazione, Cronoprogramma, Indicatori di risultato, ...;
column headers U.M. / UdM / Unità di misura, Baseline [YEAR] / Valore di partenza / Rilev.
YEAR / Valore YEAR (consuntivo), Target YEAR / Valore atteso YEAR / bare years under a
spanning header, Valore raggiunto / consuntivo / finale / Risultato conseguito, %
raggiungimento / Grado di raggiungimento), grid layouts, table title as heading or row,
text sections as label cell or heading, 0..8 phases with empty cells and dates printed as
dd/mm/yyyy, mm/yyyy or month names, 0..12 indicators, objective / indicator / phase weights
with and without %, baselines empty / numeric / target-shaped, 1..3 year columns (starting
at the objective's year, the year before or after), every target shape of gen_random.py,
actual values and achievement % (report), the degree of achievement as a line or a grid
cell, long titles / texts / indicator descriptions, sections starting a new page, empty
phase tables, codes and years 2022-2026.

Ground truth: the spec is the contract JSON (gen.py writes it); targets are checked against
fixtures/check_targets.py; column widths are fitted so that every word fits its cell; a
document with overlapping words, label words not printed whole or pages without a code is
drawn again (logged in gen_log.txt).  Free text has no hyphen, ')' or list-like token.
"""
import argparse
import calendar
import json
import os
import random
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_random as R   # noqa: E402  (vocabulary, Gen, codes, width fitting, checks)

G = R.G
PRODUCERS = ["chromium", "libreoffice", "reportlab"]
FAMILIES = ["v2", "report"]
# --avoid V1,V2,...: keep away from the triggers of known failure patterns (README.md)
AVOID = set()
MONTHS = ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
          "settembre", "ottobre", "novembre", "dicembre"]
MDAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
LEVELS = ["STRATEGICO", "GESTIONALE", "SPECIFICO", "OPERATIVO", "TRASVERSALE"]
UNITS = ["n.", "%", "gg", "ore", "km", "euro", "data", "giorni", "numero", "mq", "SI/NO", "utenti"]
RC_NAMES = ["POLIZIA LOCALE", "SEGRETERIA GENERALE", "SERVIZI DEMOGRAFICI", "UFFICIO TRIBUTI",
            "MANUTENZIONE STRADE E SEGNALETICA", "EVENTI E PROMOZIONE DEL TERRITORIO", "BIBLIOTECA CIVICA",
            "SPORTELLO UNICO ATTIVITÀ PRODUTTIVE", "UFFICIO PERSONALE", "SISTEMI INFORMATIVI"]
PHASE_HEAD = ["Ricognizione dei", "Analisi dei", "Predisposizione del piano dei", "Affidamento dei",
              "Avvio dei", "Verifica dei", "Rendicontazione dei", "Pubblicazione dei"]

# label synonyms (all in src/labels.rs and the contract)
GRID_SYN = {
    "level": ["Livello obiettivo", "Livello", "Livello dell'obiettivo"],
    "typology_v2": ["Tipo di Obiettivo", "Tipologia", "Tipo obiettivo", "Tipologia obiettivo"],
    "typology_report": ["Tipologia", "Tipo obiettivo"],
    "rc": ["Centro di Responsabilità", "CdR", "Centro di costo"],
    "weight": ["Peso", "Pesatura", "Peso obiettivo"],
    "directorate": ["Direzione", "Settore", "Area"],
    "executive": ["Dirigente", "Dirigente responsabile"],
    "achievement": ["Grado di raggiungimento dell'obiettivo", "% di raggiungimento dell'obiettivo",
                    "Percentuale di raggiungimento"],
}
SEC_SYN = {
    "dup": ["Collegato a", "Collegato a:", "COLLEGATO A", "Collegamento al DUP"],
    "purpose": ["Finalità", "Finalità dell'obiettivo", "FINALITÀ", "Finalità dell’obiettivo"],
    "description_v2": ["Descrizione", "DESCRIZIONE", "Descrizione dell'obiettivo", "Descrizione dettagliata"],
    "description_report": ["Descrizione dettagliata dell'obiettivo", "Descrizione dettagliata dell’obiettivo",
                           "Descrizione dettagliata obiettivo", "DESCRIZIONE DETTAGLIATA DELL'OBIETTIVO"],
    "phases": ["FASI", "Fasi di attuazione", "Cronoprogramma", "Fasi di realizzazione", "FASI DI ATTUAZIONE"],
    "indicators": ["INDICATORI", "Indicatori di risultato", "INDICATORI DI PERFORMANCE", "Indicatori"],
    "achievement_line": ["Grado di raggiungimento dell'obiettivo:", "% di raggiungimento dell'obiettivo:",
                         "Grado di raggiungimento obiettivo:", "GRADO DI RAGGIUNGIMENTO DELL'OBIETTIVO:"],
}
PH_SYN = {"description": ["Descrizione", "Fase", "Attività", "Descrizione fase"],
          "weight": ["Peso", "Pesatura", "Peso %"],
          "start": ["Inizio / Previsto", "Inizio previsto", "Data inizio", "Dal", "Data di / inizio"],
          "end": ["Fine / Prevista", "Fine prevista", "Data fine", "Al", "Scadenza"],
          "responsible": ["Responsabile"],
          "rc": ["Centro di / Responsabilità", "CdR", "Centro di Responsabilità"],
          "notes": ["Note", "Annotazioni"]}
IND_SYN = {"description": ["Descrizione", "Indicatore", "Descrizione indicatore"],
           "type": ["Tipo", "Tipo indicatore"],
           "unit": ["Unità di / misura", "U.M.", "UdM"],
           "weight": ["Peso", "Peso %", "Pesatura"],
           "target": ["Valore Atteso", "Valore atteso", "VALORE ATTESO", "Valore / Atteso", "Target"],
           "actual": ["Valore raggiunto", "Valore / consuntivo", "Valore finale", "Risultato / conseguito"],
           "achievement": ["% raggiungimento", "% di / raggiungimento", "Grado di / raggiungimento"]}


def baseline_header(r, year):
    """(printed header, baseline year or None)."""
    by = year - 1
    k = r.choice(["plain", "year", "partenza", "iniziale", "rilev", "consuntivo", "year_wrap"])
    return {"plain": ("Baseline", None), "year": ("Baseline %d" % by, by), "year_wrap": ("Baseline / %d" % by, by),
            "partenza": ("Valore di / partenza", None), "iniziale": ("Valore iniziale", None),
            "rilev": ("Rilev. %d" % by, by), "consuntivo": ("Valore %d / (consuntivo)" % by, by)}[k] + (k,)


def weight_raw(r, v, kind):
    """kind: pct | plain | dec (15,0) | dec_pct (7,5%)."""
    if kind == "pct":
        return ("%g" % v).replace(".", ",") + "%"
    if kind == "plain":
        return ("%g" % v).replace(".", ",")
    if kind == "dec":
        return ("%.1f" % v).replace(".", ",")
    return ("%.1f" % v).replace(".", ",") + "%"


def draw_weight(r, kind, empty=0.0):
    if r.random() < empty:
        return None, ""
    v = r.choice([5, 10, 15, 20, 25, 30, 35, 40, 50, 60, 100, 7.5, 12.5, 33.3])
    return float(v), weight_raw(r, v, kind)


def draw_date(r, year, which, style):
    """(iso, printed) of a phase start/end; style: dmy | my | name | empty."""
    if style == "empty":
        return None, ""
    m = r.randint(1, 12)
    if style == "dmy":
        d = r.randint(1, MDAYS[m - 1])
        return "%d-%02d-%02d" % (year, m, d), "%02d/%02d/%d" % (d, m, year)
    d = 1 if which == "start" else calendar.monthrange(year, m)[1]   # a month is its last day (leap years)
    iso = "%d-%02d-%02d" % (year, m, d)
    return iso, ("%02d/%d" % (m, year)) if style == "my" else ("%s %d" % (MONTHS[m - 1], year))


def text_block(g, r, size):
    text, markers, _ = g.description(size)
    return text, markers


def make_objective(g, r, fam, used, st, sizes, kn_doc):
    y = g.year
    code, cfmt = R.make_code(r, y, used)
    kn = {"code_format": cfmt}
    tl = r.choice(["short", "normal", "long"])
    title = {"short": lambda: "%s %s" % (r.choice(R.TITLE_HEAD), r.choice(R.NOUNS)),
             "normal": lambda: "%s %s %s" % (r.choice(R.TITLE_HEAD), r.choice(R.NOUNS), g.words(r.randint(3, 8))),
             "long": lambda: "%s %s %s" % (r.choice(R.TITLE_HEAD), r.choice(R.NOUNS), g.words(r.randint(14, 22)))}[tl]()
    if "V9" in AVOID:   # a title line that is a label word ("attività") ends the title (V9)
        title = " ".join("azioni" if w == "attività" else w for w in title.split())
    kn["title_len"] = tl
    person = lambda: "%s %s" % (r.choice(R.SURN), r.choice(R.NAMES))
    directorate = "DIREZIONE " + r.choice(R.DIRECTORATES) + ((" " + r.choice(R.DIR_LONG)) if r.random() < 0.2 else "")
    o = {"code": code, "year": y, "title": title, "directorate": directorate, "executive": person(),
         "typology": r.choice(R.TYPOLOGY)}
    if fam == "v2":
        o.update({"director": None, "service": None, "classification": None})
        o["level"] = r.choice(LEVELS) if r.random() < 0.9 else None
        kn["level_empty"] = o["level"] is None
        rk = r.choice(["num", "dotted", "none", "empty"])
        if rk == "empty" and r.random() < 0.5:
            rk = "num"
        name = r.choice(RC_NAMES)
        o["responsibility_center"] = None if rk == "empty" else {
            "code": {"num": str(r.randint(100, 999)), "dotted": "C.%02d" % r.randint(1, 20), "none": None}[rk],
            "name": name}
        kn["rc_kind"] = rk
        wk = r.choice(["pct", "plain", "dec", "dec_pct", "nd"])
        if wk == "nd":
            o["weight"], o["weight_raw"] = None, "n.d."
        else:
            o["weight"], o["weight_raw"] = draw_weight(r, wk, empty=0.1)
        kn["obj_weight_kind"] = wk if o["weight_raw"] else "empty"
    else:
        o["director"] = person() if r.random() < 0.7 else None
        o["service"] = r.choice(R.DIRECTORATES)
        o["classification"] = r.choice(R.CLASSIF)
        ak = r.choice(["pct", "dec_pct", "plain", "empty"])
        if ak == "empty" and "V3" in AVOID and st.get("achievement_mode") == "line" and st["kind"] != "b":
            ak = "pct"
        if ak == "empty":
            o["achievement"], o["achievement_raw"] = None, ""
        else:
            v = r.choice([100, 95, 87.5, 92.4, 61.5, 0, 73, 100, 33.3])
            o["achievement"] = float(v)
            o["achievement_raw"] = weight_raw(r, v, {"pct": "pct", "dec_pct": "dec_pct", "plain": "plain"}[ak])
        kn["obj_achievement_kind"] = ak
    # DUP
    nd = r.choice([0, 1, 1, 2, 2, 3])
    o["dup_links"] = [g.dup_link()[0] for _ in range(nd)]
    kn["n_dup"] = nd
    # texts
    if fam == "v2":
        if r.random() < 0.85:
            ps = r.choice(sizes["desc"])
            o["purpose"], pm = text_block(g, r, ps)
            if pm:
                o["purpose_list_markers"] = pm
            kn["purpose_size"] = ps
        else:
            o["purpose"] = None
            kn["purpose_size"] = "none"
    if fam == "report" or r.random() < 0.8:
        ds = r.choice(sizes["desc"])
        o["description"], dm = text_block(g, r, ds)
        if dm:
            o["list_markers"] = dm
        kn["desc_size"] = ds
    else:
        o["description"] = None
        kn["desc_size"] = "none"
    # phases
    if fam == "v2":
        np_ = r.choice(sizes["phases"])
        cols = st["phase_columns"]
        keys = [k for k, _ in cols]
        wk = st["_phase_weight_kind"]
        dstyle = st["_phase_date_style"]
        o["phases"] = []
        for _ in range(np_):
            dl = r.choice(["short", "short", "long"])
            desc = "%s %s %s" % (r.choice(PHASE_HEAD), r.choice(R.NOUNS), g.words(r.randint(1, 4) if dl == "short" else r.randint(8, 20)))
            ph = {"description": desc}
            if "weight" in keys:
                ph["weight"], ph["weight_raw"] = draw_weight(r, wk, empty=0.15)
            else:
                ph["weight"] = None
            for k in ("start", "end"):
                if k in keys:
                    sty = dstyle if r.random() > 0.1 else "empty"
                    ph[k], raw = draw_date(r, y, k, sty)
                    ph[k + "_raw"] = raw
                else:
                    ph[k] = None
            ph["responsible"] = person() if "responsible" in keys and r.random() < 0.8 else None
            ph["responsibility_center"] = (("%d - %s" % (r.randint(100, 999), r.choice(RC_NAMES))) if r.random() < 0.7
                                           else r.choice(RC_NAMES)) if "rc" in keys and r.random() < 0.8 else None
            ph["notes"] = R.title_case(g.words(r.randint(2, 7))) if "notes" in keys and r.random() < 0.4 else None
            if "V4" in AVOID and st["kind"] != "b" and len(keys) > 1 and not any(
                    ph.get(k + "_raw") if k in ("weight", "start", "end") else ph.get({"rc": "responsibility_center"}.get(k, k))
                    for k in keys[1:]):
                # a row whose only printed cell is the description (V4): fill one more cell
                k = keys[1]
                if k == "weight":
                    ph["weight"], ph["weight_raw"] = 10.0, weight_raw(r, 10, wk)
                elif k in ("start", "end"):
                    ph[k], ph[k + "_raw"] = draw_date(r, y, k, dstyle if dstyle != "empty" else "dmy")
                elif k == "responsible":
                    ph["responsible"] = person()
                elif k == "rc":
                    ph["responsibility_center"] = r.choice(RC_NAMES)
                else:
                    ph["notes"] = R.title_case(g.words(3))
            if "V5" in AVOID and desc.split()[-1].isdigit():
                ph["description"] = desc + " " + r.choice(R.NOUNS)
            o["phases"].append(ph)
        kn["n_phases"] = np_
    # indicators
    ni = r.choice(sizes["ind"])
    icols = [k for k, _ in st["indicator_columns"]]
    years = [int(k.split(":")[1]) for k in icols if k.startswith("target:")]
    o["indicators"] = []
    ikn = []
    for _ in range(ni):
        dl = r.choice(["short", "short", "medium", "long"])
        nw = {"short": (2, 6), "medium": (7, 14), "long": (15, 32)}[dl]
        idesc = "%s %s %s" % (r.choice(R.IND_HEAD), r.choice(R.NOUNS), g.words(r.randint(*nw)))
        if "V5" in AVOID and idesc.split()[-1].isdigit():
            idesc += " " + r.choice(R.NOUNS)
        i = {"description": idesc,
             "type": r.choice(R.IND_TYPES) if r.random() < 0.85 else None}
        k_ = {"ind_desc_len": dl, "type_empty": i["type"] is None}
        if "unit" in icols:
            i["unit"] = r.choice(UNITS) if r.random() < 0.85 else None
        if "weight" in icols:
            i["weight"], i["weight_raw"] = draw_weight(r, st["_ind_weight_kind"], empty=0.1)
        if "baseline" in icols:
            bk = r.choice(["empty", "num", "num", "target"])
            if bk == "empty":
                bv = R.parse_target("")
            elif bk == "num":
                v = r.choice([r.randint(0, 99), r.randint(100, 99999)])
                bv = {"raw": "{:,}".format(v).replace(",", "."), "value": float(v), "unit": None, "comparator": None,
                      "date": None, "boolean": None}
            else:
                bv, _ = g.target()
            assert R.parse_target(bv["raw"]) == bv, bv
            i["baseline"] = {"year": st["_baseline_year"], "value": bv}
            k_["baseline_kind"] = bk
        if years:
            i["targets"] = []
            for yy in years:
                t, tk = g.target()
                i["targets"].append({"year": yy, "target": t})
            i["target"] = next((yt["target"] for yt in i["targets"] if yt["year"] == y), i["targets"][0]["target"])
            k_["target_kind"] = tk
        else:
            i["target"], k_["target_kind"] = g.target()
        if "actual" in icols:
            i["actual"], k_["actual_kind"] = g.target()
        if "achievement" in icols:
            ak = r.choice(["pct", "pct", "dec_pct", "plain", "empty"])
            if ak == "empty":
                i["achievement"], i["achievement_raw"] = None, ""
            else:
                v = r.choice([100, 92, 83.3, 50, 0, 100, 76.5])
                i["achievement"], i["achievement_raw"] = float(v), weight_raw(r, v, ak)
            k_["ind_achievement_kind"] = ak
        o["indicators"].append(i)
        ikn.append(k_)
    kn["n_ind"] = ni
    if r.random() < 0.12:
        secs = st.get("sections") or (["purpose", "description", "phases", "indicators"] if fam == "v2" else ["description", "indicators"])
        o["page_break_before"] = [r.choice(secs[1:])]
        kn["page_break_before"] = o["page_break_before"][0]
    return o, kn, {"dup_links": [{} for _ in o["dup_links"]], "indicators": ikn}


def cell_need(texts, fs, bold=False):
    """need_pt for header texts (' / ' = line break)."""
    return R.need_pt([p for t in texts for p in (t or "").split(" / ")], fs, bold)


def fit(spec, r, total_pt):
    """Fit grid / indicator / phase column widths so that every word fits. False if impossible."""
    st, objs, fam = spec["style"], spec["objectives"], spec["family"]
    import gen_v2 as V
    fs = st["font_size"]
    # grid
    layout = st.get("grid_layout")
    ncol = 4 if fam == "v2" else 6
    needs = [0.0] * ncol
    for o in objs:
        for row in layout:
            for k, key in enumerate(row):
                needs[2 * k] = max(needs[2 * k], cell_need([V.grid_label(spec, o, key)], fs, True))
                span_end = 2 * k + 1 if k < len(row) - 1 else ncol - 1
                w = cell_need([V.grid_value(o, key)], fs)
                if span_end == 2 * k + 1:
                    needs[2 * k + 1] = max(needs[2 * k + 1], w)
    gw = R.fit_widths(r, needs, total_pt)
    if gw is None:
        return False
    st["grid_widths"] = gw
    dl = cell_need([G.dup_label(d, spec) for o in objs for d in o["dup_links"]], fs, True)
    st["dup_label_width"] = max(st.get("dup_label_width", 12), int(100 * dl / total_pt) + 1)
    tl = cell_need([V.lab(spec, o, s, "Descrizione dettagliata dell'obiettivo") for o in objs for s in ("purpose", "description")], fs, True)
    st["text_label_width"] = max(st.get("text_label_width", 11), int(100 * tl / total_pt) + 1)
    if st["text_label_width"] > 40:
        return False
    # indicator table
    cols = st["indicator_columns"]
    needs = []
    for key, head in cols:
        vals = [V.ind_cell(i, key) for o in objs for i in o["indicators"]]
        h = head if not (st.get("target_span") and key.startswith("target:")) else head
        needs.append(max(cell_need([h], fs, True), cell_need(vals, fs)))
    if st.get("target_span"):
        ny = sum(1 for k, _ in cols if k.startswith("target:"))
        span_need = cell_need([st["target_span"]], fs, True)
        idx = [n for n, (k, _) in enumerate(cols) if k.startswith("target:")]
        if sum(needs[n] for n in idx) < span_need:
            for n in idx:
                needs[n] = max(needs[n], span_need / ny)
    wts = [5 if k == "description" else 1 for k, _ in cols]
    iw = R.fit_widths(r, needs, total_pt, weights=wts)
    if iw is None:
        return False
    st["indicator_widths"] = iw
    if fam == "v2":
        import gen_v2
        pcols = st["phase_columns"]
        needs = []
        for key, head in pcols:
            vals = [gen_v2.phase_cell(ph, key) for o in objs for ph in o.get("phases", [])]
            needs.append(max(cell_need([head], fs, True), cell_need(vals, fs)))
        pw = R.fit_widths(r, needs, total_pt, weights=[5 if k == "description" else 1 for k, _ in pcols])
        if pw is None:
            return False
        st["phase_widths"] = pw
    return True


def make_spec(r, shrink, producer, fam):
    year = r.choice([2022, 2023, 2024, 2025, 2026])
    g = R.Gen(r, year, shrink, num_end=False)   # P5 (v1) is known: keep sentences from ending in a number
    comune = r.choice(R.COMUNI)
    st = {}
    dk = {"producer": producer, "family": fam}
    fs = r.choice([7.5, 8, 8.5, 9, 9.5, 10])
    if producer == "reportlab":
        st["font"] = r.choice(R.RL_FONTS)
        st["margins"] = [r.choice([30, 42, 56]), r.choice([30, 42, 56]), r.choice([36, 48, 60]), r.choice([40, 48, 60])]
        st["kind"] = r.choice(["b", "n", "s"])
        st["line_mode"] = r.choice(["re", "lines"])
        st["title_rule"] = r.random() < 0.7
        st["justify"] = r.random() < 0.5
        if r.random() < 0.4:
            st["page_header"] = "Comune di %s – Piano Esecutivo di Gestione %d" % (comune, year)
        if r.random() < 0.5:
            st["footer"] = r.choice(["Pag. {n} di {m}", "Pagina {n} di {m}"])
        total = 595.0 - st["margins"][0] - st["margins"][1]
    elif producer == "chromium":
        st["font"] = r.choice(R.HTML_FONTS)
        mm = r.randint(10, 20)
        st["margin"] = "%dmm" % mm
        st["kind"] = r.choice(["b", "n"]) if "V6" not in AVOID else "b"
        st["label_bg"] = r.choice(["#dfe6ee", "#ffffff", "#eeeeee"])
        total = (210 - 2 * mm) * 72 / 25.4
    else:
        st["font"] = r.choice(R.HTML_FONTS)
        st["margin_cm"] = r.choice([1.2, 1.5, 2.0])
        st["kind"] = r.choice(["b", "n"])
        st["label_bg"] = r.choice(["#dfe6ee", "#ffffff", "#eeeeee"])
        if r.random() < 0.5:
            st["running_header"] = "Comune di %s – PEG %d – Schede obiettivo" % (comune, year)
        if r.random() < 0.6:
            st["footer"] = r.choice(["Pag. {n} di {m}", "Pagina {n} di {m}"])
        total = (21.0 - 2 * st["margin_cm"]) * 72 / 2.54
    st["font_size"] = fs
    st["label_colon"] = r.random() < 0.5
    st["label_case"] = r.choice(["title", "upper"])
    st["dup_label_colon"] = r.random() < 0.5
    st["text_mode"] = r.choice(["cell", "heading"])
    st["table_title_mode"] = r.choice(["heading", "row"])
    st["num_align"] = r.choice(["c", "l", "r"])
    if "V1" in AVOID and st["kind"] != "b" and st["num_align"] == "r":
        st["num_align"] = r.choice(["c", "l"])
    labels = {}
    if fam == "v2":
        st["grid_layout"] = r.choice([[["level", "typology"], ["rc"], ["weight", "directorate"], ["executive"]],
                                      [["level", "weight"], ["typology", "rc"], ["directorate", "executive"]],
                                      [["level", "rc"], ["weight", "typology"], ["directorate", "executive"]],
                                      [["rc"], ["level", "weight"], ["typology", "directorate"], ["executive"]]])
        for k in ("level", "rc", "weight", "directorate", "executive"):
            if r.random() < 0.5:
                labels[k] = r.choice(GRID_SYN[k])
        if r.random() < 0.5:
            labels["typology"] = r.choice(GRID_SYN["typology_v2"])
        for k in ("purpose", "phases"):
            if r.random() < 0.6:
                labels[k] = r.choice(SEC_SYN[k])
        if r.random() < 0.5:
            labels["description"] = r.choice(SEC_SYN["description_v2"])
        # phase table
        pkeys = ["description"] + [k for k in ["weight", "start", "end", "responsible", "rc", "notes"] if r.random() < 0.7]
        if r.random() < 0.3:
            r.shuffle(pkeys)
            pkeys.remove("description")
            pkeys.insert(0, "description")
        # Dal/Al pairs go together
        pc = []
        for k in pkeys:
            h = r.choice(PH_SYN[k])
            pc.append([k, h])
        st["phase_columns"] = pc
        st["_phase_weight_kind"] = r.choice(["pct", "plain", "dec", "dec_pct"])
        st["_phase_date_style"] = r.choice(["dmy", "dmy", "my", "name"])
        st["empty_phase_table"] = r.random() < 0.2
        dk.update({"phase_cols": ",".join(k for k, _ in pc), "phase_date_style": st["_phase_date_style"],
                   "phase_weight_kind": st["_phase_weight_kind"], "empty_phase_table": st["empty_phase_table"]})
        # indicator table
        ic = [["description", r.choice(IND_SYN["description"])]]
        mid = []
        if r.random() < 0.75:
            mid.append(["unit", r.choice(IND_SYN["unit"])])
        mid.append(["type", r.choice(IND_SYN["type"])])
        if r.random() < 0.75:
            mid.append(["weight", r.choice(IND_SYN["weight"])])
            st["_ind_weight_kind"] = r.choice(["pct", "plain", "dec", "dec_pct"])
        if r.random() < 0.8:
            bh, by, bk = baseline_header(r, year)
            mid.append(["baseline", bh])
            st["_baseline_year"] = by
            dk["baseline_header"] = bk
        if r.random() < 0.3:
            r.shuffle(mid)
        ic += mid
        ny = r.choice([0, 1, 2, 3, 3])
        if ny:
            y0 = year + r.choice([0, 0, 0, -1, 1])
            ys = list(range(y0, y0 + ny))
            hk = r.choice(["target", "valore_atteso", "valore_atteso_wrap", "span_target", "span_valore"])
            if hk.startswith("span") and "V7" in AVOID and st["kind"] != "b":
                hk = "target"
            if hk.startswith("span"):
                st["target_span"] = "Target" if hk == "span_target" else "Valore atteso"
                ic += [["target:%d" % yy, str(yy)] for yy in ys]
            else:
                fmt = {"target": "Target %d", "valore_atteso": "Valore atteso %d", "valore_atteso_wrap": "Valore atteso / %d"}[hk]
                ic += [["target:%d" % yy, fmt % yy] for yy in ys]
            dk["target_header"] = hk
            dk["target_years_offset"] = y0 - year
        else:
            ic.append(["target", r.choice(IND_SYN["target"])])
            dk["target_header"] = "single"
        dk["n_target_years"] = ny
        st["indicator_columns"] = ic
        sizes = {"desc": ["one_line", "short", "short", "medium", "long"], "ind": list(range(0, 13)),
                 "phases": list(range(0, 9))}
    else:
        grid = [["directorate", "director", "classification"], ["service", "executive", "typology"]]
        st["achievement_mode"] = r.choice(["line", "grid"])
        if st["achievement_mode"] == "grid":
            grid.append(["achievement"])
            if r.random() < 0.6 or "V2" in AVOID:
                labels["achievement"] = r.choice(GRID_SYN["achievement"])
        else:
            if r.random() < 0.6:
                labels["achievement_line"] = r.choice(SEC_SYN["achievement_line"])
        st["grid_layout"] = grid
        if r.random() < 0.4:
            labels["typology"] = r.choice(GRID_SYN["typology_report"])
        if r.random() < 0.5:
            labels["description"] = r.choice(SEC_SYN["description_report"])
        ic = [["description", r.choice(IND_SYN["description"])]]
        if r.random() < 0.3:
            ic.append(["unit", r.choice(IND_SYN["unit"])])
        ic.append(["type", r.choice(IND_SYN["type"])])
        ic.append(["target", r.choice(IND_SYN["target"])])
        ic.append(["actual", r.choice(IND_SYN["actual"])])
        if r.random() < 0.9:
            ic.append(["achievement", r.choice(IND_SYN["achievement"])])
        st["indicator_columns"] = ic
        dk["achievement_mode"] = st["achievement_mode"]
        sizes = {"desc": ["one_line", "short", "short", "medium", "long"], "ind": list(range(0, 13)), "phases": [0]}
    dk["ind_cols"] = ",".join(k.split(":")[0] for k, _ in ic)
    if r.random() < 0.5:
        labels["dup"] = r.choice(SEC_SYN["dup"])
    if r.random() < 0.5:
        labels["indicators"] = r.choice(SEC_SYN["indicators"])
    st["labels"] = labels
    dk["labels"] = "|".join("%s=%s" % kv for kv in sorted(labels.items())) or "default"
    if shrink:
        sizes = {"desc": sizes["desc"][:max(1, len(sizes["desc"]) - 2 * shrink)],
                 "ind": sizes["ind"][:max(1, len(sizes["ind"]) // (2 * shrink))],
                 "phases": sizes["phases"][:max(1, len(sizes["phases"]) // (2 * shrink))]}
    nobj = r.randint(1, 4)
    used = set()
    objs, okn, rkn = [], [], []
    spec = {"producer": producer, "family": fam, "doc_title": "Comune di %s – %s %d" % (
        comune, "Piano degli obiettivi" if fam == "v2" else "Relazione sulla performance", year),
        "author": "Comune di %s" % comune, "municipality": "Comune di %s" % comune, "plan_year": year,
        "cover": None, "index": False, "style": st, "objectives": objs}
    for _ in range(nobj):
        o, k, rk = make_objective(g, r, fam, used, st, sizes, dk)
        objs.append(o)
        okn.append(k)
        rkn.append(rk)
    tries = 0
    while not fit(spec, r, total):
        tries += 1
        if st["label_case"] == "upper" or st["label_colon"]:
            st["label_case"], st["label_colon"] = "title", False
        elif st["font_size"] > 7.5:
            st["font_size"] -= 0.5
        else:
            return None, "columns cannot fit their words"
    dk["width_refits"] = tries
    if producer in ("chromium", "libreoffice") and r.random() < 0.3:
        spec["cover"] = ["Comune di %s" % comune, "%s %d" % ("Piano degli obiettivi" if fam == "v2" else "Relazione sulla performance", year)]
    if producer in ("chromium", "libreoffice") and r.random() < 0.25:
        spec["index"] = True
    dk["cover"], dk["index"] = spec["cover"] is not None, spec["index"]
    if any(o.get("weight_raw") == "n.d." for o in objs):
        spec["expect_diagnostics"] = [{"code": "objective.value_unparsed", "field": "weight"}]
    for k in ["font", "font_size", "label_colon", "label_case", "dup_label_colon", "kind", "line_mode", "text_mode",
              "table_title_mode", "num_align", "running_header", "footer", "page_header", "justify", "title_rule",
              "target_span", "grid_layout"]:
        if k in st:
            v = st[k]
            dk[k] = bool(v) if k in ("running_header", "page_header") else (json.dumps(v) if k == "grid_layout" else v)
    # private drawing hints out of the spec's style
    for k in [k for k in st if k.startswith("_")]:
        del st[k]
    return spec, {"doc": dk, "objectives": okn, "rows": rkn}


def missing_label_words(spec, pdf):
    import gen_v2 as V
    st = spec["style"]
    labs = [V.grid_label(spec, o, k) for o in spec["objectives"] for row in st["grid_layout"] for k in row]
    objs = spec["objectives"]
    printed = {"dup": True, "indicators": True, "purpose": any(o.get("purpose") for o in objs),
               "description": any(o.get("description") for o in objs),
               "phases": any(o.get("phases") for o in objs) or st.get("empty_phase_table", False),
               "achievement_line": st.get("achievement_mode", "line") == "line"}
    labs += [h for _, h in st.get("indicator_columns", [])]
    if printed["phases"]:
        labs += [h for _, h in st.get("phase_columns", [])]
    labs += [v for k, v in st.get("labels", {}).items() if printed.get(k, True)]
    have = {w.lower() for w in G.words("\n".join(G.page_texts(pdf)))}
    return sorted({w for l in labs for w in G.words(l) if w.lower() not in have})


def build_one(i, out, seed, producers, families):
    stem0 = "s%s-%03d" % (seed, i)
    r0 = random.Random("v2-%s-%d" % (seed, i))
    producer, fam = r0.choice(producers), r0.choice(families)
    stem = "%s-%s-%s" % (stem0, fam, {"chromium": "chr", "libreoffice": "lo", "reportlab": "rl"}[producer])
    for attempt in range(4):
        r = random.Random("v2-%s-%d-%d" % (seed, i, attempt))
        spec, knobs = make_spec(r, min(attempt, 2), producer, fam)
        if spec is None:
            R.log(out, "drop %s (attempt %d): %s" % (stem, attempt, knobs))
            continue
        sp = os.path.join(out, "specs", stem + ".json")
        with open(sp, "w", encoding="utf-8") as f:
            json.dump(spec, f, ensure_ascii=False, indent=1)
        res = subprocess.run([sys.executable, os.path.join(R.FIX, "gen.py"), sp, "--outdir", out],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=900)
        pdf = os.path.join(out, stem + ".pdf")
        expf = os.path.join(out, stem + ".expected.json")
        why = None
        if res.returncode != 0:
            why = res.stderr.decode(errors="replace").strip().splitlines()[-1:]
        else:
            exp = json.load(open(expf, encoding="utf-8"))
            bad = R.unaccounted_pages(spec, pdf, exp)
            if bad:
                why = "pages without code/index/cover %r" % bad
            elif missing_label_words(spec, pdf):
                why = "label words not printed whole: %r" % missing_label_words(spec, pdf)
            else:
                ov = R.overlapping_words(pdf)
                if ov:
                    why = "overlapping words (text overflows its cell): %r" % ov[:3]
        if why is None:
            knobs.update({"stem": stem, "attempt": attempt, "codes": [o["code"] for o in spec["objectives"]]})
            with open(os.path.join(out, stem + ".knobs.json"), "w", encoding="utf-8") as f:
                json.dump(knobs, f, ensure_ascii=False, indent=1)
            R.log(out, "ok   %s (attempt %d): %s" % (stem, attempt, res.stdout.decode(errors="replace").strip()))
            return stem
        R.log(out, "drop %s (attempt %d): %s" % (stem, attempt, why))
        for p in (pdf, expf, sp):
            if os.path.exists(p):
                os.remove(p)
    R.log(out, "FAIL %s: no valid document in 4 attempts" % stem0)
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", default="1")
    ap.add_argument("--jobs", type=int, default=max(1, os.cpu_count() or 1))
    ap.add_argument("--producers", default=",".join(PRODUCERS))
    ap.add_argument("--families", default=",".join(FAMILIES))
    ap.add_argument("--avoid", default="", help="known failure patterns to keep away from: V1-V7, V9")
    ap.add_argument("--start", type=int, default=0, help="first document index (to extend a batch)")
    a = ap.parse_args()
    AVOID.update(x for x in a.avoid.split(",") if x)
    os.makedirs(os.path.join(a.out, "specs"), exist_ok=True)
    producers, families = a.producers.split(","), a.families.split(",")
    with ThreadPoolExecutor(a.jobs) as ex:
        stems = list(ex.map(lambda i: build_one(i, a.out, a.seed, producers, families), range(a.start, a.start + a.n)))
    ok = [s for s in stems if s]
    print("generated %d/%d documents in %s" % (len(ok), a.n, a.out))


if __name__ == "__main__":
    main()
