#!/usr/bin/env python3
"""Random PEG plan specs rendered by the fixture generators, with exact ground truth.

usage: gen_random.py N OUT_DIR [--seed S] [--jobs J] [--producers chromium,reportlab,...]

For i in 0..N-1 this draws a random plan spec (fixtures/README.md "Spec format") from
random.Random("S-i"), writes it to OUT_DIR/specs/<stem>.json and renders it with
fixtures/gen.py (imported generators, run as a subprocess so that gen.py's own checks --
spec validation, pages read back with pdftotext, every expected word printed on the
sheet's pages, no ligature glyphs -- stay in force).  gen.py writes OUT_DIR/<stem>.pdf and
OUT_DIR/<stem>.expected.json.  Next to them this script writes OUT_DIR/<stem>.knobs.json:
the producer and layout knobs of the document, of every objective and of every DUP /
indicator row, so that tools/stress/report.py can group wrong fields by cause.

Ground truth is written from the spec only.  Situations where a producer could print
something that the spec does not say are avoided instead of guessed:
  * no hyphen, no ')' and no list-marker-like token inside free text (a wrapped line
    could start with '-' or '1)' or end with '-'); the only hyphens are in targets;
  * no dotted numbers in DUP texts other than the refs listed in the spec;
  * layouts that do not print the code on a sheet's continuation page (LibreOffice with
    the heading in the body, wkhtmltopdf which does not repeat <thead>) must keep every
    sheet part on one page: a document with a page that holds neither a code, the index
    nor the cover is rejected and drawn again with less content (see OUT_DIR/gen_log.txt).
"""
import argparse
import json
import os
import random
import re
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.normpath(os.path.join(HERE, "..", "..", "fixtures"))
sys.path.insert(0, FIX)
import gen as G            # noqa: E402  (fixture generator: page texts, spec checks)


def _load_target_check():
    """fixtures/check_targets.py's parse() (the module runs its check at import: take the function only)."""
    import ast
    path = os.path.join(FIX, "check_targets.py")
    tree = ast.parse(open(path, encoding="utf-8").read())
    fn = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "parse"]
    ns = {"re": re}
    exec(compile(ast.Module(body=fn, type_ignores=[]), path, "exec"), ns)
    return ns["parse"]


parse_target = _load_target_check()   # independent reading of the target rules

PRODUCERS = ["chromium", "libreoffice", "reportlab", "pdflatex", "wkhtmltopdf"]
# --avoid P1,P3,...: keep away from the triggers of known failure patterns (README.md), to see
# what else fails once they are fixed
AVOID = set()
EXOTIC = 0.06   # --exotic: share of reportlab documents rotated / scanned
RL_VARIANTS = ["ruled", "borderless", "shaded", "packed", "landscape-columnar"]
HTML_FONTS = ["Liberation Sans", "Liberation Serif", "DejaVu Sans", "DejaVu Serif", "DejaVu Sans Condensed",
              "Liberation Sans Narrow", "Nimbus Sans", "Nimbus Roman", "Bitstream Charter", "URW Gothic"]
RL_FONTS = ["Helvetica", "Times-Roman", "Liberation Sans", "Liberation Serif", "DejaVu Sans", "DejaVu Sans Condensed"]

# --------------------------------------------------------------------------- vocabulary
# letters only (accents allowed); no hyphen, no parenthesis, no digits-with-dots
NOUNS = ["servizi", "procedimenti", "cittadini", "imprese", "uffici", "sportelli", "pratiche", "istanze",
         "contratti", "atti", "documenti", "archivi", "strutture", "impianti", "edifici", "scuole",
         "biblioteche", "parchi", "strade", "attività", "iniziative", "progetti", "interventi", "controlli",
         "verifiche", "convenzioni", "regolamenti", "bandi", "contributi", "tributi", "entrate", "spese",
         "risorse", "dipendenti", "associazioni", "famiglie", "utenti", "giovani", "anziani", "quartieri",
         "processi", "flussi", "dati", "piattaforme", "segnalazioni", "manutenzioni", "forniture", "eventi"]
ADJS = ["digitali", "comunali", "pubblici", "amministrativi", "territoriali", "sociali", "culturali",
        "ambientali", "efficaci", "trasparenti", "sostenibili", "integrati", "ordinari", "straordinari",
        "programmati", "innovativi", "condivisi", "accessibili", "semplificati", "periodici"]
VERBS = ["gestisce", "coordina", "promuove", "assicura", "garantisce", "monitora", "aggiorna", "organizza",
         "verifica", "sostiene", "realizza", "semplifica", "potenzia", "pianifica", "rendiconta", "cura"]
SUBJ = ["La Direzione", "Il Servizio", "L’Ufficio", "Il Settore", "L’Amministrazione", "Il gruppo di lavoro",
        "La struttura", "Il Comune"]
LINK = ["in raccordo con", "a favore di", "attraverso", "nell’ambito di", "con particolare attenzione a",
        "secondo le priorità di", "per conto di", "insieme a", "oltre a"]
TITLE_HEAD = ["Attività gestionali della Direzione", "Potenziamento dei", "Riorganizzazione dei",
              "Digitalizzazione dei", "Miglioramento della qualità dei", "Programmazione e controllo dei",
              "Gestione integrata dei", "Valorizzazione dei", "Semplificazione dei", "Monitoraggio dei"]
DIRECTORATES = ["AFFARI GENERALI E ISTITUZIONALI", "RISORSE FINANZIARIE E TRIBUTI", "LAVORI PUBBLICI",
                "SERVIZI SOCIALI", "CULTURA E TURISMO", "POLIZIA LOCALE", "URBANISTICA ED EDILIZIA PRIVATA",
                "AMBIENTE E VERDE PUBBLICO", "ISTRUZIONE E POLITICHE GIOVANILI", "SERVIZI DEMOGRAFICI",
                "SISTEMI INFORMATIVI", "PERSONALE E ORGANIZZAZIONE", "SPORT E TEMPO LIBERO", "MOBILITÀ E TRASPORTI"]
DIR_LONG = ["E COORDINAMENTO DEI SERVIZI DI SUPPORTO AGLI ORGANI ISTITUZIONALI",
            "CON FUNZIONI DI VICE SEGRETERIA GENERALE E CONTROLLO STRATEGICO",
            "E GESTIONE DEL PATRIMONIO IMMOBILIARE COMUNALE E DEGLI IMPIANTI",
            "E RAPPORTI CON LE SOCIETÀ PARTECIPATE E GLI ENTI STRUMENTALI"]
SURN = ["ROSSI", "BIANCHI", "MARCHETTI", "COLOMBO", "FERRARI", "ESPOSITO", "RICCI", "MARINO", "GRECO",
        "BRUNO", "GALLO", "CONTI", "DE LUCA", "MANCINI", "COSTA", "GIORDANO", "RIZZO", "LOMBARDI", "MORETTI"]
NAMES = ["ELENA", "MARCO", "GIULIA", "LUCA", "FRANCESCA", "ANDREA", "CHIARA", "PAOLO", "SARA", "STEFANO",
         "ANNA", "GIOVANNI", "MARIA", "ROBERTO", "LAURA"]
CLASSIF = ["DIREZIONALE", "SERVIZIO", "TRASVERSALE", "STRATEGICO"]
TYPOLOGY = ["SINTESI", "SVILUPPO", "MANTENIMENTO", "MIGLIORAMENTO", "INNOVAZIONE"]
IND_TYPES = ["EFFICACIA", "EFFICIENZA", "TEMPORALE", "REALIZZAZIONE FISICA", "OUTCOME", "RISULTATO",
             "QUALITÀ", "ECONOMICITÀ", "QUALITÀ PERCEPITA DAGLI UTENTI"]
IND_HEAD = ["Numero di", "Percentuale di", "Tempo medio di evasione delle", "Grado di soddisfazione per i",
            "Approvazione del piano dei", "Completamento dei", "Importo dei", "Rapporto tra", "Riduzione dei"]
DUP_LABELS = ["INDIRIZZO STRATEGICO D.U.P.", "Indirizzo Strategico D.U.P.", "Indirizzo Strategico",
              "Obiettivo Operativo Indirizzo Strategico del D.U.P.", "OBIETTIVO OPERATIVO INDIRIZZO STRATEGICO DEL D.U.P.",
              "Missione / Programma", "MISSIONE / PROGRAMMA", "Obiettivo operativo"]
DUP_THEMES = ["AMMINISTRAZIONE APERTA E VICINA AI CITTADINI", "CITTÀ SOLIDALE", "CONTI IN ORDINE E FISCALITÀ EQUA",
              "UNA CITTÀ CURATA, SICURA E ACCESSIBILE", "CULTURA BENE COMUNE", "ENTE DIGITALE E SEMPLIFICATO",
              "CRESCERE INSIEME", "TERRITORIO SOSTENIBILE E BEN PIANIFICATO", "SPORT PER TUTTI"]
MISSIONI = [("01", "Servizi istituzionali, generali e di gestione", [("02", "Segreteria generale"), ("08", "Statistica e sistemi informativi"), ("10", "Risorse umane")]),
            ("03", "Ordine pubblico e sicurezza", [("01", "Polizia locale e amministrativa"), ("02", "Sistema integrato di sicurezza urbana")]),
            ("05", "Tutela e valorizzazione dei beni e delle attività culturali", [("02", "Attività culturali e interventi diversi nel settore culturale")]),
            ("09", "Sviluppo sostenibile e tutela del territorio e dell’ambiente", [("02", "Tutela, valorizzazione e recupero ambientale"), ("03", "Rifiuti")]),
            ("12", "Diritti sociali, politiche sociali e famiglia", [("01", "Interventi per l’infanzia e i minori"), ("07", "Programmazione e governo della rete dei servizi sociosanitari e sociali")])]
COMUNI = ["Valfredda", "Roccanera", "Pontalto", "Sassoverde", "Montefosco", "Borgolieto", "Casalvento",
          "Acquaviva Alta", "Torrebruna", "Campolungo"]


def title_case(s):
    return s[:1].upper() + s[1:]


class Gen:
    def __init__(self, rnd, year, shrink=0, num_end=True):
        self.r = rnd
        self.year = year
        self.num_end = num_end   # a sentence / list item may end with a number ("... 365.")
        self.shrink = shrink     # 0, 1, 2: retries draw less content

    def ch(self, xs):
        return self.r.choice(xs)

    def words(self, n):
        out = []
        while len(out) < n:
            out += self.ch([[self.ch(NOUNS), self.ch(ADJS)], [self.ch(LINK)], ["i"], ["dei", self.ch(NOUNS)],
                            ["e", self.ch(NOUNS)], [self.ch(NOUNS)], [str(self.r.randint(2, 480))]])
        return " ".join(out[:n])

    def tail(self, s):
        """Without num_end no sentence ends with a number: a wrapped line could then open
        with "365. " and read as a numbered list item (a knob of its own)."""
        if not self.num_end and s.split()[-1].isdigit():
            s += " " + self.ch(NOUNS)
        return s

    def sentence(self, n=None):
        n = n or self.r.randint(6, 26)
        return "%s %s %s %s." % (self.ch(SUBJ), self.ch(VERBS), self.ch(NOUNS), self.tail(self.words(n)))

    def item(self, short):
        n = self.r.randint(3, 8) if short else self.r.randint(8, 34)
        w = self.tail(self.words(n))
        return title_case(w) if self.r.random() < 0.5 else w

    def description(self, size):
        """size: one_line | short | medium | long | very_long. Returns (text, markers, knobs)."""
        r = self.r
        if size == "one_line":
            return title_case(self.tail(self.words(r.randint(4, 9)))) + ".", [], {"desc_lists": 0}
        nblocks = {"short": (1, 2), "medium": (2, 5), "long": (5, 10), "very_long": (10, 18)}[size]
        nb = r.randint(*nblocks)
        blocks, markers, prev_list = [], [], False
        for b in range(nb):
            if b > 0 and not prev_list and r.random() < 0.35:
                items = [self.item(r.random() < 0.5) for _ in range(r.randint(2, 7))]
                end = self.ch([";", ",", ""])
                items = [it + (end if k < len(items) - 1 else ".") for k, it in enumerate(items)]
                blocks.append("\n".join("- " + it for it in items))
                markers.append(self.ch(["-", "•", "1)"]))
                prev_list = True
            else:
                blocks.append(" ".join(self.sentence() for _ in range(r.randint(1, 4))))
                prev_list = False
        return "\n\n".join(blocks), markers, {"desc_lists": len(markers),
                                              "desc_markers": "".join(sorted(set(markers)))}

    def target(self):
        r, y = self.r, self.year
        n = lambda a, b: r.randint(a, b)

        def itnum(v, dec=False):
            s = "{:,}".format(v).replace(",", ".")
            return s
        kinds = ["pct", "dec", "eur", "ge_pct", "geq_pct", "leq_gg", "lt", "almeno", "entro_date", "date",
                 "entro_giorni", "si", "no", "si_acc", "nd", "neg_pct", "empty", "int", "thousands", "non_oltre"]
        k = self.ch(kinds)
        T = lambda raw, value=None, unit=None, comp=None, date=None, boolean=None: {
            "raw": raw, "value": value, "unit": unit, "comparator": comp, "date": date, "boolean": boolean}
        if k == "pct":
            v = n(1, 100); t = T("%d%%" % v, float(v), "%")
        elif k == "dec":
            a, c = n(1, 99999), n(1, 99)
            t = T("%s,%02d" % (itnum(a), c), float("%d.%02d" % (a, c)))
        elif k == "eur":
            a = n(1, 999) * self.ch([1, 100, 1000]); c = self.ch([0, 0, 50, n(1, 99)])
            t = T("€ %s,%02d" % (itnum(a), c), float("%d.%02d" % (a, c)), "EUR")
        elif k == "ge_pct":
            v = n(50, 100); t = T(">= %d%%" % v, float(v), "%", ">=")
        elif k == "geq_pct":
            v = n(50, 100); t = T("≥ %d%%" % v, float(v), "%", ">=")
        elif k == "leq_gg":
            v = n(2, 90); t = T("≤ %d gg" % v, float(v), "days", "<=")
        elif k == "lt":
            v = n(1, 60); t = T("< %d" % v, float(v), None, "<")
        elif k == "almeno":
            v = n(2, 60000); t = T("almeno %s" % itnum(v), float(v), None, ">=")
        elif k in ("entro_date", "date"):
            m = n(1, 12); d = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
            d = self.ch([d, 15, 1]) if k == "date" else d
            ds = "%02d/%02d/%d" % (d, m, y)
            t = T(("entro il " if k == "entro_date" else "") + ds, date="%d-%02d-%02d" % (y, m, d))
        elif k == "entro_giorni":
            v = n(3, 120); t = T("entro %d giorni" % v, float(v), "days", "<=")
        elif k == "non_oltre":
            v = n(3, 120); t = T("non oltre %d giorni" % v, float(v), "days", "<=")
        elif k == "si":
            t = T("SI", boolean=True)
        elif k == "si_acc":
            t = T("Sì", boolean=True)
        elif k == "no":
            t = T("NO", boolean=False)
        elif k == "nd":
            t = T("n.d.")
        elif k == "neg_pct":
            v = n(1, 30); t = T("-%d%%" % v, float(-v), "%")
        elif k == "empty":
            t = T("")
        elif k == "int":
            v = n(0, 999); t = T(str(v), float(v))
        elif k == "thousands":
            v = n(1000, 999999); t = T(itnum(v), float(v))
        if parse_target(t["raw"]) != t:
            raise AssertionError("target %r: independent reading %r" % (t, parse_target(t["raw"])))
        return t, k

    def dup_link(self):
        r = self.r
        kind = self.ch(["strateg", "operativo", "missione", "plain"])
        label = self.ch(DUP_LABELS)
        y = self.year
        if kind == "strateg":
            code = "%d_IND_STRATEG_%02d" % (y, r.randint(1, 15)) if r.random() < 0.8 else None
            return {"label": label, "code": code, "text": self.ch(DUP_THEMES), "refs": []}, kind
        if kind == "operativo":
            code = "%d_OB_OPER_%04d" % (y, r.randint(101, 1599)) if r.random() < 0.6 else None
            refs, extra = [], ""
            for _ in range(r.randint(0, 2)):
                ref = "%02d.%02d.%02d" % (r.randint(1, 14), r.randint(1, 9), r.randint(1, 9))
                if ref not in refs:
                    refs.append(ref)
            if refs:
                extra = " (obiettiv%s operativ%s %s: %s)" % ("o" if len(refs) == 1 else "i", "o" if len(refs) == 1 else "i",
                                                               " e ".join(refs), self.words(r.randint(3, 12)))
            return {"label": label, "code": code, "text": self.ch(DUP_THEMES) + extra, "refs": refs}, kind
        if kind == "missione":
            m, mname, progs = self.ch(MISSIONI)
            ps = r.sample(progs, r.randint(1, len(progs)))
            text = "Missione %s – %s; " % (m, mname) + "; ".join("Programma %s.%s – %s" % (m, p, pn) for p, pn in ps)
            return {"label": label, "code": None, "text": text, "refs": ["%s.%s" % (m, p) for p, _ in ps]}, kind
        return {"label": label, "code": None, "text": (self.ch(DUP_THEMES) + " " + self.words(r.randint(0, 14)).upper()).strip(),
                "refs": []}, kind


def make_code(r, year, used):
    L = "ABCDEFGHILMNOPRSTUVZ"
    while True:
        f = r.choice(["A101", "AG07", "PMG12", "X2B3", "PL3A"])
        if f == "A101":
            s = r.choice(L) + "%03d" % r.randint(1, 999)
        elif f == "AG07":
            s = r.choice(L) + r.choice(L) + "%02d" % r.randint(1, 99)
        elif f == "PMG12":
            s = "".join(r.choice(L) for _ in range(3)) + "%02d" % r.randint(1, 99)
        elif f == "X2B3":
            s = r.choice(L) + str(r.randint(1, 9)) + r.choice(L) + str(r.randint(1, 9))
        else:
            s = r.choice(L) + r.choice(L) + str(r.randint(1, 9)) + r.choice(L)
        c = "%d_%s" % (year, s)
        if c not in used:
            used.add(c)
            return c, f


def pct_widths(r, n, lo, total=100.0):
    """n random widths (percent) >= lo summing to total."""
    w = [r.random() + 0.3 for _ in range(n)]
    s = sum(w)
    rest = total - lo * n
    out = [round(lo + rest * x / s, 1) for x in w]
    out[-1] = round(total - sum(out[:-1]), 1)
    return out


def need_pt(texts, fs, bold=False):
    """Width (pt) that the longest word of texts needs, with a generous per-character
    estimate (bold capitals of the widest fonts): a word that does not fit its cell is cut
    by LibreOffice, overflows in LaTeX / reportlab, and the page is no longer unambiguous."""
    w = 0.0
    for t in texts:
        for word in (t or "").split():
            up = sum(1 for c in word if c.isupper() or c.isdigit())
            lo = len(word) - up
            w = max(w, (up * (0.80 if bold else 0.74) + lo * (0.64 if bold else 0.58)) * fs)
    return w + 12.0


def fit_widths(r, needs_pt, total_pt, slack=1.0, weights=None):
    """Random column widths (percent) where column i gets at least needs_pt[i]."""
    need = [100.0 * n / total_pt for n in needs_pt]
    free = 100.0 - sum(need)
    if free < 0:
        return None
    w = [(r.random() ** 2 + 0.05) * (weights[k] if weights else 1) for k in range(len(need))]
    sw_ = sum(w)
    out = [round(n + free * slack * x / sw_, 1) for n, x in zip(need, w)]
    out[-1] = round(100.0 - sum(out[:-1]), 1)
    return out


GRID_KEYS = [("Direzione", "directorate"), ("Direttore", "director"), ("Classificazione", "classification"),
             ("Servizio", "service"), ("Dirigente", "executive"), ("Tipologia", "typology")]


def fit_spec_widths(r, spec, total_pt, grid="pairs6"):
    """Column widths of the grid / DUP / description / indicator tables that fit every word."""
    st, objs = spec["style"], spec["objectives"]
    fs = st["font_size"]
    lab = lambda n: (n.upper() if st.get("label_case") == "upper" else n) + (":" if st.get("label_colon") else "")
    if grid == "pairs6":
        order = [GRID_KEYS[0], GRID_KEYS[3]], [GRID_KEYS[1], GRID_KEYS[4]], [GRID_KEYS[2], GRID_KEYS[5]]
    else:  # pairs4: (Direzione, Direttore), (Servizio, Dirigente), (Classificazione, Tipologia) per row
        order = [GRID_KEYS[0], GRID_KEYS[3], GRID_KEYS[2]], [GRID_KEYS[1], GRID_KEYS[4], GRID_KEYS[5]]
    needs = []
    for col in order:
        needs.append(need_pt([lab(n) for n, _ in col], fs, bold=True))
        needs.append(need_pt([o[k] for o in objs for _, k in col], fs))
    gw = fit_widths(r, needs, total_pt)
    if gw is None:
        return False
    st["grid_widths"] = gw
    if True:
        dl = need_pt([d.get("label_display", d["label"] + ":") for o in objs for d in o["dup_links"]], fs, bold=True)
        st["dup_label_width"] = max(st.get("dup_label_width", 0), int(100 * dl / total_pt) + 1)
        dsl = need_pt([st.get("desc_label", st.get("labels", {}).get("description", "Descrizione dettagliata dell'obiettivo"))],
                      fs, bold=True)
        st["desc_label_width"] = max(st.get("desc_label_width", 0), int(100 * dsl / total_pt) + 1)
        iw = fit_widths(r, [need_pt([i["description"] for o in objs for i in o["indicators"]] + ["Descrizione"], fs, True),
                            need_pt([i["type"] for o in objs for i in o["indicators"]] + ["Tipo"], fs, True),
                            need_pt([i["target"]["raw"] for o in objs for i in o["indicators"]] + ["Valore Atteso", st.get("labels", {}).get("ind_target", "")], fs, True)],
                        total_pt, weights=[4, 1, 1])
        if iw is None:
            return False
        st["indicator_widths"] = iw
    return True


# --------------------------------------------------------------------------- spec

def make_objective(g, r, producer, variant, used, nobj, sizes):
    y = g.year
    code, cfmt = make_code(r, y, used)
    knobs = {"code_format": cfmt}
    tl = r.choice(["short", "normal", "long"]) if not ("P3" in AVOID and producer == "reportlab") else "short"
    if tl == "short":
        title = "%s %s" % (r.choice(TITLE_HEAD), r.choice(NOUNS))
    elif tl == "normal":
        title = "%s %s %s" % (r.choice(TITLE_HEAD), r.choice(NOUNS), g.words(r.randint(3, 8)))
    else:
        title = "%s %s %s" % (r.choice(TITLE_HEAD), r.choice(NOUNS), g.words(r.randint(14, 22)))
    knobs["title_len"] = tl
    dlong = r.random() < 0.25
    directorate = "DIREZIONE " + r.choice(DIRECTORATES) + ((" " + r.choice(DIR_LONG)) if dlong else "")
    slong = r.random() < 0.25
    service = r.choice(DIRECTORATES) + ((" " + r.choice(DIR_LONG)) if slong else "")
    knobs["long_grid_values"] = dlong or slong
    person = lambda: "%s %s" % (r.choice(SURN), r.choice(NAMES))
    director = person() if r.random() < 0.7 else None
    knobs["director_empty"] = director is None
    o = {"code": code, "year": y, "title": title, "directorate": directorate, "director": director,
         "service": service, "executive": person(), "classification": r.choice(CLASSIF),
         "typology": r.choice(TYPOLOGY)}
    # DUP links
    nd = r.choice([0, 1, 1, 2, 2, 3, 3, 4, 5])
    o["dup_links"], dkinds = [], []
    for _ in range(nd):
        d, k = g.dup_link()
        o["dup_links"].append(d)
        dkinds.append(k)
    knobs["n_dup"] = nd
    # description
    size = r.choice(sizes["desc"])
    text, markers, dk = g.description(size)
    o["description"] = text
    if markers:
        o["list_markers"] = markers
    knobs["desc_size"] = size
    knobs.update(dk)
    # indicators
    ni = r.choice(sizes["ind"])
    o["indicators"], ikn = [], []
    for _ in range(ni):
        t, tk = g.target()
        dl = r.choice(["short", "short", "medium", "long"]) if not ("P1" in AVOID and producer == "chromium") else "short"
        nw = {"short": (2, 6), "medium": (7, 14), "long": (15, 40)}[dl]
        desc = "%s %s %s" % (r.choice(IND_HEAD), r.choice(NOUNS), g.words(r.randint(*nw)))
        ty = r.choice(IND_TYPES) if r.random() < 0.85 else None
        if "P1" in AVOID and producer == "chromium" and ty and " " in ty:
            ty = ty.split()[0]
        o["indicators"].append({"description": desc, "type": ty, "target": t})
        ikn.append({"target_kind": tk, "type_empty": ty is None, "ind_desc_len": dl})
    knobs["n_ind"] = ni
    # page breaks inside the sheet (body-heading layouts)
    if producer in ("chromium", "reportlab") or (producer == "libreoffice" and not variant.get("heading_in_page_header")):
        if r.random() < 0.2 and not variant.get("packed"):
            o["break_before"] = [r.choice(["dup", "description", "indicators"])]
            knobs["break_before"] = o["break_before"][0]
    rows = {"dup_links": [{"dup_kind": k, "dup_has_code": d["code"] is not None, "dup_n_refs": len(d["refs"]),
                           "dup_label": d["label"]} for d, k in zip(o["dup_links"], dkinds)],
            "indicators": ikn}
    return o, knobs, rows


def make_spec(r, stem, shrink, producer, rl_variant):
    year = r.choice([2022, 2023, 2024, 2025])
    num_end = r.random() < 0.5 and "P5" not in AVOID
    g = Gen(r, year, shrink, num_end)
    comune = r.choice(COMUNI)
    dk = {"producer": producer, "num_sentence_end": num_end}
    st = {}
    fs = r.choice([8, 8.5, 9, 9.5, 10, 10.5, 11])
    variant = {}
    # content sizes: layouts that cannot carry a sheet part over to a new page stay small
    small = producer == "wkhtmltopdf" or (producer == "libreoffice")
    sizes = {"desc": ["one_line", "short", "medium", "long", "very_long"], "ind": list(range(0, 17))}
    if producer == "reportlab":
        v = rl_variant
        dk["rl_variant"] = v
        variant["packed"] = v == "packed"
        st["font"] = r.choice(RL_FONTS)
        st["margins"] = [r.choice([30, 42, 56]), r.choice([30, 42, 56]), r.choice([36, 48, 60]), r.choice([40, 48, 60])]
        st["kind"] = {"ruled": "ruled", "borderless": "none", "shaded": "shaded"}.get(v, r.choice(["ruled", "none", "shaded"]))
        if "P4" in AVOID:
            st["kind"] = "ruled"
        st["line_mode"] = r.choice(["re", "lines"])
        if v == "landscape-columnar":
            st["landscape"] = True
            st["grid"] = r.choice(["columnar3", "columnar6"])
        else:
            st["grid"] = r.choice(["pairs6", "pairs6", "pairs4", "columnar3"])
        if st["grid"] == "pairs6":
            st["grid_widths"] = pct_widths(r, 6, 8)
        elif st["grid"] == "pairs4":
            st["grid_widths"] = pct_widths(r, 4, 12)
        st["desc_mode"] = r.choice(["cell", "heading"])
        st["ind_title_mode"] = r.choice(["row", "heading"])
        st["repeat_ind_header"] = r.random() < 0.7
        st["title_rule"] = r.random() < 0.7
        st["justify"] = r.random() < 0.6
        if r.random() < 0.4 and not ("P7" in AVOID and v == "landscape-columnar"):
            st["page_header"] = "Comune di %s – Piano Esecutivo di Gestione %d" % (comune, year)
        if r.random() < 0.5:
            st["footer"] = r.choice(["Pag. {n} di {m}", "Pagina {n} di {m}", "PEG %d – Pag. {n} di {m}" % year])
        if r.random() < 0.1:
            st["shuffle"] = True
            st["seed"] = r.randint(1, 999)
        # rarer real-world shapes the fixture engine can draw: a page stored portrait with
        # /Rotate 90, and "scanned" pages (raster image + invisible OCR-like words)
        if v in ("ruled", "borderless", "shaded") and r.random() < EXOTIC:
            st["rotate"] = 90
        elif v != "packed" and r.random() < EXOTIC:
            st["scanned"] = True
            st["scan_dpi"] = r.choice([100, 150])
        if v == "packed":
            st["packed"] = True
            sizes = {"desc": ["one_line", "short", "short", "medium"], "ind": list(range(0, 6))}
        labels = {}
        if r.random() < 0.5:
            labels["dup"] = r.choice(["Collegato a", "Collegato a:", "COLLEGATO A", "COLLEGATO A:"])
        if r.random() < 0.5:
            labels["description"] = r.choice(["Descrizione dettagliata dell'obiettivo", "Descrizione dettagliata dell’obiettivo",
                                              "Descrizione dettagliata obiettivo", "DESCRIZIONE DETTAGLIATA DELL’OBIETTIVO",
                                              "DESCRIZIONE DETTAGLIATA OBIETTIVO"])
        if r.random() < 0.5:
            labels["ind_target"] = r.choice(["Valore Atteso", "Valore atteso", "VALORE ATTESO", "Valore / Atteso"])
            if labels["ind_target"] == "Valore / Atteso":
                st["wrap_header"] = True
        if r.random() < 0.3:
            labels.update({"ind_desc": "DESCRIZIONE", "ind_type": "TIPO", "indicators": "INDICATORI"})
        if labels:
            st["labels"] = labels
        dk["labels"] = "|".join("%s=%s" % kv for kv in sorted(labels.items())) or "default"
    elif producer in ("chromium", "wkhtmltopdf"):
        st["font"] = r.choice(HTML_FONTS)
        st["margin"] = "%dmm" % r.randint(10, 22)
        st["grid_widths"] = pct_widths(r, 6, 9)
        st["label_bg"] = r.choice(["#dfe6ee", "#ffffff", "#eeeeee", "#d9ead3"])
        if producer == "wkhtmltopdf":
            st["wk_margin_mm"] = r.randint(10, 20)
            st["wk_zoom"] = r.choice([1.0, 1.0, 1.2, 1.3])
            if r.random() < 0.5:
                st["footer"] = "Pag. {n} di {m}"
            sizes = {"desc": ["one_line", "short", "medium"], "ind": list(range(0, 9))}
    elif producer == "libreoffice":
        st["font"] = r.choice(HTML_FONTS)
        st["margin_cm"] = r.choice([1.2, 1.5, 2.0])
        st["grid_widths"] = pct_widths(r, 6, 9)
        st["label_bg"] = r.choice(["#dfe6ee", "#ffffff", "#eeeeee"])
        st["desc_align"] = r.choice(["justify", "left"])
        st["heading_in_page_header"] = r.random() < 0.5
        variant["heading_in_page_header"] = st["heading_in_page_header"]
        if r.random() < 0.5:
            st["running_header"] = "Comune di %s – PEG %d – Schede obiettivo" % (comune, year)
        if r.random() < 0.6:
            st["footer"] = r.choice(["Pag. {n} di {m}", "Pagina {n} di {m}"])
        if not st["heading_in_page_header"]:
            sizes = {"desc": ["one_line", "short", "medium"], "ind": list(range(0, 9))}
    elif producer == "pdflatex":
        fs = r.choice([10, 11])
        iw = pct_widths(r, 3, 14, total=92)
        st["indicator_widths"] = [round(w / 100.0, 2) for w in iw]
        if r.random() < 0.5:
            st["page_header"] = "Comune di %s" % comune
    st["font_size"] = fs
    if producer != "reportlab":
        st["label_colon"] = r.random() < 0.5
        # pdflatex: fixed narrow label columns, capitals overflow them
        st["label_case"] = r.choice(["title", "upper"]) if producer != "pdflatex" else "title"
        st["dup_label_colon"] = r.random() < 0.5
    else:
        st["label_colon"] = r.random() < 0.5
        st["label_case"] = r.choice(["title", "upper"])
        st["dup_label_colon"] = r.random() < 0.5
    if producer in ("chromium", "wkhtmltopdf", "libreoffice"):
        st["dup_label_width"] = r.randint(12, 35)
        st["desc_label_width"] = r.randint(11, 26)
        st["indicator_widths"] = pct_widths(r, 3, 12)
        st["desc_label"] = r.choice(["Descrizione dettagliata dell'obiettivo", "Descrizione dettagliata dell’obiettivo",
                                     "Descrizione dettagliata obiettivo", "DESCRIZIONE DETTAGLIATA DELL'OBIETTIVO"])
        dk["desc_label"] = st["desc_label"]
    if shrink:
        sizes = {"desc": sizes["desc"][:max(1, len(sizes["desc"]) - 2 * shrink)],
                 "ind": sizes["ind"][:max(1, len(sizes["ind"]) // (2 * shrink))]}
    nobj = r.randint(3, 6) if variant.get("packed") else r.randint(1, 4)
    used = set()
    objs, oknobs, rknobs = [], [], []
    for _ in range(nobj):
        o, k, rk = make_objective(g, r, producer, variant, used, nobj, sizes)
        objs.append(o)
        oknobs.append(k)
        rknobs.append(rk)
    # column widths that fit every word (random share of the rest)
    tmp = {"producer": producer, "style": st, "objectives": objs}
    total, grid = None, "pairs6"
    if producer in ("chromium", "wkhtmltopdf"):
        mm = int(st["margin"][:-2]) if producer == "chromium" else st["wk_margin_mm"]
        total = (210 - 2 * mm) * 72 / 25.4
    elif producer == "libreoffice":
        total = 17.0 * 72 / 2.54
    elif producer == "reportlab" and st["grid"] in ("pairs6", "pairs4"):
        total = (842.0 if st.get("landscape") else 595.0) - st["margins"][0] - st["margins"][1]
        grid = st["grid"]
    if total:
        # when the words cannot fit: title-case labels without colon, then smaller type
        tries = 0
        while not fit_spec_widths(r, tmp, total, grid=grid):
            tries += 1
            if st.get("label_case") == "upper" or st.get("label_colon"):
                st["label_case"], st["label_colon"] = "title", False
            elif st["font_size"] > 8:
                st["font_size"] -= 0.5
            else:
                break
        dk_fit = tries
    # forced indicator row split (reportlab)
    if producer == "reportlab" and not variant.get("packed") and r.random() < 0.3:
        cands = [(k, j) for k, o in enumerate(objs) for j, i in enumerate(o["indicators"])
                 if len(i["description"]) > 160]
        if cands:
            k, j = r.choice(cands)
            objs[k]["split_indicator"] = [j, 1]
            oknobs[k]["split_indicator"] = True
    for o in objs:
        for k in ("title", "directorate", "director", "service", "executive", "classification", "typology"):
            if o[k] is not None:
                assert o[k] == " ".join(o[k].split()), (k, o[k])
        for d in o["dup_links"]:
            assert d["text"] == " ".join(d["text"].split()) and d["label"] == " ".join(d["label"].split()), d
        for i in o["indicators"]:
            assert i["description"] == " ".join(i["description"].split()), i
    cover = None
    index = False
    if producer in ("chromium", "libreoffice", "wkhtmltopdf") and r.random() < 0.4:
        cover = ["Comune di %s" % comune, "Piano Esecutivo di Gestione %d" % year, "Piano dettagliato degli obiettivi"]
    if producer in ("chromium", "libreoffice") and r.random() < 0.35:
        index = True
    dk["cover"] = cover is not None
    if total:
        dk["width_refits"] = dk_fit
    dk["index"] = index
    for k in ["font", "font_size", "label_colon", "label_case", "dup_label_colon", "kind", "grid", "desc_mode",
              "ind_title_mode", "repeat_ind_header", "line_mode", "heading_in_page_header", "running_header",
              "footer", "page_header", "shuffle", "rotate", "scanned", "justify", "wrap_header", "landscape", "desc_align", "wk_zoom",
              "title_rule"]:
        if k in st:
            v = st[k]
            dk[k] = bool(v) if k in ("running_header", "page_header") else v
    spec = {"producer": producer, "doc_title": "Comune di %s – PEG %d" % (comune, year),
            "author": "Comune di %s" % comune, "municipality": "Comune di %s" % comune, "plan_year": year,
            "cover": cover, "index": index, "style": st, "objectives": objs}
    return spec, {"doc": dk, "objectives": oknobs, "rows": rknobs}


# --------------------------------------------------------------------------- render

LOCK = threading.Lock()


def log(out, msg):
    with LOCK:
        with open(os.path.join(out, "gen_log.txt"), "a", encoding="utf-8") as f:
            f.write(msg + "\n")
        print(msg, flush=True)


def unaccounted_pages(spec, pdf, exp):
    """Pages that hold neither a sheet (per gen.py), the index nor the cover."""
    texts = G.page_texts(pdf)
    sheet = {p for o in exp["objectives"] for p in o["pages"]}
    bad = []
    for i, t in enumerate(texts, 1):
        if i in sheet or G.INDEX_MARKER in t or (spec.get("cover") and i == 1):
            continue
        bad.append(i)
    return bad


def overlapping_words(pdf):
    """Words whose boxes overlap on the page (text overflowing its cell into the next one,
    e.g. a LaTeX p{} column narrower than a bold label): the printed page is then ambiguous,
    so the document is rejected rather than given a guessed ground truth."""
    import html as _h
    xml = subprocess.run(["pdftotext", "-bbox", pdf, "-"], stdout=subprocess.PIPE, check=True).stdout.decode("utf-8")
    bad = []
    for pno, page in enumerate(xml.split("<page ")[1:], 1):
        ws = [(float(a), float(b), float(c), float(d), _h.unescape(w)) for a, b, c, d, w in
              re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', page)]
        ws.sort(key=lambda w: w[1])
        for i, a in enumerate(ws):
            for b in ws[i + 1:]:
                if b[1] >= a[3]:
                    break
                ix = min(a[2], b[2]) - max(a[0], b[0])
                iy = min(a[3], b[3]) - max(a[1], b[1])
                if ix > 0.5 and iy > 0.3 * min(a[3] - a[1], b[3] - b[1]):
                    bad.append((pno, a[4], b[4]))
                    break
            if len(bad) > 3:
                return bad
    return bad


def missing_label_words(spec, pdf):
    """gen.py checks the words of the values; labels and headers must be printed whole too
    (LibreOffice cuts a word that is wider than its cell)."""
    st = spec["style"]
    labs = [G.grid_label(spec, n) for n, _ in GRID_KEYS]
    labs.append(st.get("desc_label", st.get("labels", {}).get("description", "")))
    labs += list(st.get("labels", {}).values()) + ["Descrizione", "Tipo", "Valore Atteso", "INDICATORI"]
    have = {w.lower() for w in G.words("\n".join(G.page_texts(pdf)))}
    return sorted({w for l in labs for w in G.words(l) if w.lower() not in have})


def build_one(i, out, seed, producers):
    stem0 = "s%s-%03d" % (seed, i)
    r0 = random.Random("%s-%d" % (seed, i))      # producer and variant stay the same over the retries
    producer, rl_variant = r0.choice(producers), r0.choice(RL_VARIANTS)
    for attempt in range(4):
        r = random.Random("%s-%d-%d" % (seed, i, attempt))
        spec, knobs = make_spec(r, stem0, min(attempt, 2), producer, rl_variant)
        stem = "%s-%s" % (stem0, spec["producer"] if spec["producer"] != "reportlab" else "rl-" + knobs["doc"]["rl_variant"])
        sp = os.path.join(out, "specs", stem + ".json")
        with open(sp, "w", encoding="utf-8") as f:
            json.dump(spec, f, ensure_ascii=False, indent=1)
        res = subprocess.run([sys.executable, os.path.join(FIX, "gen.py"), sp, "--outdir", out],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=900)
        pdf = os.path.join(out, stem + ".pdf")
        expf = os.path.join(out, stem + ".expected.json")
        why = None
        if res.returncode != 0:
            why = res.stderr.decode(errors="replace").strip().splitlines()[-1:]
        else:
            exp = json.load(open(expf, encoding="utf-8"))
            bad = unaccounted_pages(spec, pdf, exp)
            if bad:
                why = "pages without code/index/cover %r (continuation page without a printed code)" % bad
            elif missing_label_words(spec, pdf):
                why = "label words not printed whole: %r" % missing_label_words(spec, pdf)
            else:
                ov = overlapping_words(pdf)
                if ov:
                    why = "overlapping words (text overflows its cell): %r" % ov[:3]
        if why is None:
            knobs["stem"] = stem
            knobs["attempt"] = attempt
            knobs["codes"] = [o["code"] for o in spec["objectives"]]
            with open(os.path.join(out, stem + ".knobs.json"), "w", encoding="utf-8") as f:
                json.dump(knobs, f, ensure_ascii=False, indent=1)
            log(out, "ok   %s (attempt %d): %s" % (stem, attempt, res.stdout.decode(errors="replace").strip()))
            return stem
        log(out, "drop %s (attempt %d): %s" % (stem, attempt, why))
        for p in (pdf, expf, sp):
            if os.path.exists(p):
                os.remove(p)
    log(out, "FAIL %s: no valid document in 4 attempts" % stem0)
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", default="1")
    ap.add_argument("--jobs", type=int, default=max(1, os.cpu_count() or 1))
    ap.add_argument("--producers", default=",".join(PRODUCERS))
    ap.add_argument("--exotic", type=float, default=EXOTIC, help="share of reportlab documents rotated or scanned")
    ap.add_argument("--avoid", default="", help="known failure patterns to keep away from: P1,P3,P4,P5,P7")
    a = ap.parse_args()
    AVOID.update(x for x in a.avoid.split(",") if x)
    globals()["EXOTIC"] = a.exotic
    os.makedirs(os.path.join(a.out, "specs"), exist_ok=True)
    producers = a.producers.split(",")
    with ThreadPoolExecutor(a.jobs) as ex:
        stems = list(ex.map(lambda i: build_one(i, a.out, a.seed, producers), range(a.n)))
    ok = [s for s in stems if s]
    print("generated %d/%d documents in %s" % (len(ok), a.n, a.out))


if __name__ == "__main__":
    main()
