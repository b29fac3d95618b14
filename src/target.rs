//! Target normalization: the raw *Valore Atteso* cell -> [`Target`] (number with
//! Italian separators, unit, comparator, ISO deadline date, SI/NO boolean).
//!
//! # Grammar (informal)
//!
//! The cell is first collapsed (NFC, whitespace runs -> one space, trimmed); that text
//! is `raw`. Parsing works on a lower-cased copy where typographic variants are folded:
//! `−` (U+2212, optionally followed by one space), `‒`, `–`, `﹣`, `－` become `-`;
//! `’`, `‘`, backtick and `´` become `'`; `≥ ≧ ⩾` become `>=`, `≤ ≦ ⩽` become `<=`; `=>`/`> =` are `>=`,
//! `=<`/`< =` are `<=`.
//!
//! 1. **Empty** cell -> everything null ([`TargetStatus::Empty`]).
//! 2. **Not available**: only dashes/slashes/dots/stars (`-`, `—`, `/`), the letter codes
//!    `n.d.`, `N/A`, `n.a.`, `n.p.`, `n.r.`, `n.q.`, `n.v.`, `n.c.`, `tbd`, or a cell
//!    without digits starting with `da definire`, `da determinare`, `non disponibile`,
//!    `non applicabile`, ... -> everything null ([`TargetStatus::NotAvailable`]).
//! 3. **Boolean**: the whole cell is `si`/`sì`/`sí`/`si'` (any case) -> `true`, `no` ->
//!    `false` (a trailing `.`/`!` is allowed; `✓ ✔` / `✗ ✘` too). Value etc. stay null.
//! 4. **Dates** (anywhere in the cell): `dd/mm/yyyy`, `dd.mm.yyyy`, `dd-mm-yyyy` (same
//!    separator twice; a 2-digit year is 20yy), `yyyy-mm-dd` / `yyyy/mm/dd`,
//!    `d[°] <mese> yyyy` with Italian month names or their abbreviations (`dic.`),
//!    `<mese> yyyy` and `mm/yyyy` (-> last day of that month), `entro [il|l'anno|fine]
//!    yyyy` (-> 31 December). Years must be 1900..=2199 and the day must exist (31/02 is
//!    not a date). A date-shaped token that is not a valid date, or a day-month without
//!    year (`31 dicembre`), yields neither a date nor a number. When several dates occur,
//!    the latest one (the final deadline) is `date`; a date right after `dal`,
//!    `rispetto al`, `dalla data del` is a starting point or baseline, never `date`
//!    (`entro 30 gg dal 01/01/2021`; in `dal 01/01/2021 al 31/12/2021` the end wins). The words around a date (`entro il`)
//!    do not set `comparator`: `entro il 31/12/2020` has comparator null (as in the
//!    corpus); the comparator only ever qualifies the number.
//! 5. **Number**: the first number-shaped token that is not a date. Italian separators:
//!    - both `.` and `,` present: the last one is the decimal mark, the other groups
//!      thousands (`1.250,50` = 1250.5; `1,250.50` = 1250.5);
//!    - only commas: one comma is a decimal comma (`12,5`, `10,00`); several commas with
//!      3-digit groups are thousands (`1,250,000`);
//!    - only dots: several dots are thousands (`1.150.000`); a single dot followed by
//!      exactly 3 digits after a 1..3-digit non-zero integer part is a thousands
//!      separator (`1.250` = 1250, `3.500` = 3500), otherwise it is a decimal point
//!      (`3.5` = 3.5, `0.500` = 0.5, `12.25` = 12.25);
//!    - groups of exactly three digits separated by single spaces are thousands
//!      (`1 250 000`), and `'` also works as a thousands separator (`1'250`);
//!    - malformed groupings (`1.25.3`) yield no number.
//!
//!    A `-`/`+` glued to the number (not preceded by a letter/digit) is its sign.
//!    A multiplier may follow: `mila`/`k` (x1000), `milioni`/`mln` (x10^6),
//!    `miliardi`/`mld` (x10^9).
//! 6. **Ranges and ratios** (`da 10 a 20`, `10-20`, `10 - 20`, `tra 10 e 20`, `8 su 10`,
//!    `1/2`) cannot be expressed by one `value`: value, unit and comparator stay null
//!    (the status is then `Unrecognized` unless a date was found, so the caller emits a
//!    diagnostic; `raw` keeps the text).
//! 7. **Unit**, right after the number (after the multiplier, optionally `di`): `%`,
//!    `per cento`, `percento` -> `%`; `€`, `euro`, `eur` -> `EUR` (also right before the
//!    number, possibly before a comparator's article: `almeno € 500`); `gg`, `gg.`,
//!    `g.g.`, `giorni`, `giorno` -> `days`. Other units (`mesi`, `ore`) -> null.
//! 8. **Comparator**, right before the number (and a currency), skipping articles and
//!    prepositions (`il`, `al`, `del`, `l'`, `n.`, `numero`, ...):
//!    `>=` `<=` `>` `<` `=` (and the folded symbols above);
//!    `>=`: `almeno`, `non meno di`, `non inferiore a`, `minimo`, `min`, `come minimo`,
//!    `maggiore o uguale a`, `almeno pari a`, ...;
//!    `<=`: `entro`, `non oltre`, `entro e non oltre`, `massimo`, `al massimo`, `max`,
//!    `non più di`, `non superiore a`, `fino a`, `minore o uguale a`, ...;
//!    `>`: `oltre`, `più di`, `superiore a`, `maggiore di`, `sopra`, `al di sopra di`;
//!    `<`: `meno di`, `inferiore a`, `minore di`, `sotto`, `al di sotto di`;
//!    `=`: `pari a`, `uguale a`, `esattamente`.
//!    When nothing precedes, a trailing `o più`, `o superiore`, `e oltre`, `minimo` gives
//!    `>=` and `o meno`, `o inferiore`, `massimo`, `al massimo` gives `<=`.
//! 9. Anything that yields no value, date or boolean is [`TargetStatus::Unrecognized`]
//!    (everything but `raw` null). Parsing never panics, on any input.

use crate::model::Target;
use regex::Regex;
use std::sync::OnceLock;

/// How a cell was understood, so the caller can emit a diagnostic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TargetStatus {
    /// The cell is empty.
    Empty,
    /// A value, a date or a boolean was found.
    Parsed,
    /// An explicit "not available" marker (`n.d.`, `N/A`, `-`, `da definire`, ...).
    NotAvailable,
    /// Text that yields no value, date or boolean.
    Unrecognized,
}

/// Normalize one target cell. `raw` is the cell text (whitespace is collapsed here too).
pub fn parse(raw: &str) -> Target {
    parse_with_status(raw).0
}

/// Normalize one target cell and tell how it was understood.
pub fn parse_with_status(raw: &str) -> (Target, TargetStatus) {
    let raw = crate::text::collapse(raw);
    let mut t = Target { raw, ..Default::default() };
    if t.raw.is_empty() {
        return (t, TargetStatus::Empty);
    }
    let w = fold(&t.raw);
    if is_not_available(&w) {
        return (t, TargetStatus::NotAvailable);
    }
    if let Some(b) = boolean(&w) {
        t.boolean = Some(b);
        return (t, TargetStatus::Parsed);
    }

    let mut dates: Vec<String> = Vec::new();
    // Byte spans of `w` that belong to dates (valid or not): no number comes from them.
    let mut spans: Vec<(usize, usize)> = Vec::new();
    textual_dates(&w, &mut dates, &mut spans);

    let tokens = scan_tokens(&w, &spans);
    let mut first_number: Option<(usize, usize, Num)> = None;
    let mut blocked_first = false;
    for tok in tokens {
        match tok.kind {
            TokKind::Date(d) => {
                if !is_reference_date(&w, tok.start) {
                    dates.push(d);
                }
            }
            TokKind::Blocked => {
                if first_number.is_none() {
                    blocked_first = true;
                }
            }
            TokKind::Number(n) => {
                if first_number.is_none() && !blocked_first {
                    first_number = Some((tok.start, tok.end, n));
                }
            }
        }
    }
    t.date = dates.into_iter().max();

    if let Some((start, end, num)) = first_number {
        if let Some(q) = quantity(&w, start, end, num) {
            t.value = Some(q.value);
            t.unit = q.unit.map(str::to_string);
            t.comparator = q.comparator.map(str::to_string);
        }
    }

    let status = if t.value.is_some() || t.date.is_some() { TargetStatus::Parsed } else { TargetStatus::Unrecognized };
    (t, status)
}

// ---------------------------------------------------------------------------------
// Folding

/// Lower-case and fold typographic variants (see the module docs).
fn fold(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + 8);
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        match c {
            '\u{2212}' => {
                out.push('-');
                // A true minus sign may be typeset with a space before the digits.
                let mut ahead = chars.clone();
                if ahead.next() == Some(' ') && ahead.next().is_some_and(|d| d.is_ascii_digit()) {
                    chars.next();
                }
            }
            '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{FE63}' | '\u{FF0D}' => out.push('-'),
            '\u{2019}' | '\u{2018}' | '`' | '\u{00B4}' => out.push('\''),
            '\u{2265}' | '\u{2267}' | '\u{2A7E}' => out.push_str(">="),
            '\u{2264}' | '\u{2266}' | '\u{2A7D}' => out.push_str("<="),
            // Most of a target is ASCII: no case-mapping table to look up.
            _ if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            _ => out.extend(c.to_lowercase()),
        }
    }
    // Every spelling rewritten below has a '<' or '>': most targets have neither
    // and are done. (The rewrites are applied in turn, each to the previous one's
    // result: one may make what a later one rewrites, "> =>" -> ">=>" -> ">>=".)
    if !out.contains(['<', '>']) {
        return out;
    }
    out.replace("> =", ">=").replace("< =", "<=").replace("=>", ">=").replace("=<", "<=")
}

// ---------------------------------------------------------------------------------
// Not available / boolean

const NA_CODES: &[&str] = &["nd", "na", "np", "nr", "nq", "nv", "nc", "tbd", "tbc"];

const NA_PHRASES: &[&str] = &[
    "da definire",
    "da determinare",
    "da quantificare",
    "da stabilire",
    "da individuare",
    "da calcolare",
    "da valutare",
    "da concordare",
    "da rilevare",
    "in corso di definizione",
    "in fase di definizione",
    "non disponibile",
    "non disponibili",
    "non applicabile",
    "non rilevabile",
    "non rilevato",
    "non previsto",
    "non prevista",
    "non pertinente",
    "non definito",
    "non definita",
    "non quantificabile",
    "non valutabile",
    "non determinabile",
    "non calcolabile",
    "nessun target",
    "not available",
    "not applicable",
];

fn is_not_available(w: &str) -> bool {
    if w.chars().all(|c| matches!(c, '-' | '_' | '.' | '/' | '*' | ' ' | '\\')) {
        return true;
    }
    if w.chars().any(|c| c.is_ascii_digit()) {
        return false;
    }
    // The letters of `w` on their own ("n.d." -> "nd"), compared without being
    // collected: this runs on every target.
    let letters = || w.chars().filter(|c| c.is_alphabetic());
    if NA_CODES.iter().any(|code| letters().eq(code.chars())) {
        return true;
    }
    // Its words (runs of letters): a phrase is their start, whole words only.
    let words = || w.split(|c: char| !c.is_alphabetic()).filter(|s| !s.is_empty());
    NA_PHRASES.iter().any(|p| {
        let mut ws = words();
        p.split(' ').all(|pw| ws.next() == Some(pw))
    })
}

fn boolean(w: &str) -> Option<bool> {
    let s = w.trim_end_matches(['.', '!', ' ']);
    match s {
        "si" | "sì" | "sí" | "si'" | "sì'" | "✓" | "✔" => Some(true),
        "no" | "✗" | "✘" => Some(false),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------
// Dates

const MONTHS: &str = "gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|\
ottobre|novembre|dicembre|gen|feb|mar|apr|mag|giu|lug|ago|sett|set|ott|nov|dic";

fn month_number(name: &str) -> Option<u32> {
    let n = match name.get(..3)? {
        "gen" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "mag" => 5,
        "giu" => 6,
        "lug" => 7,
        "ago" => 8,
        "set" => 9,
        "ott" => 10,
        "nov" => 11,
        "dic" => 12,
        _ => return None,
    };
    Some(n)
}

fn re_day_month() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(&format!(r"\b(\d{{1,2}})\s*(?:°|º|\.)?\s*({MONTHS})\b\.?(?:\s*,?\s*(\d{{4}})\b)?"))
            .expect("day-month regex")
    })
}

fn re_month_year() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(&format!(r"\b({MONTHS})\b\.?\s*(?:del\s+|dell'\s*anno\s+)?(\d{{4}})\b")).expect("month-year regex")
    })
}

fn re_entro_year() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"\bentro\s+(?:il\s+|l'\s*anno\s+|l'\s*|la\s+fine\s+del(?:l'anno)?\s+|(?:la\s+)?fine\s+(?:anno\s+|dell'\s*anno\s+|del\s+)?)?(\d{4})\b",
        )
        .expect("entro-year regex")
    })
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// ISO date when `y-m-d` exists (and the year is plausible for a plan).
fn iso(y: i32, m: u32, d: u32) -> Option<String> {
    if !(1900..=2199).contains(&y) || !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

fn end_of_month(y: i32, m: u32) -> Option<String> {
    if !(1..=12).contains(&m) {
        return None;
    }
    iso(y, m, days_in_month(y, m))
}

fn overlaps(spans: &[(usize, usize)], s: usize, e: usize) -> bool {
    spans.iter().any(|&(a, b)| s < b && a < e)
}

/// Is the byte just after `end` the start of a further number part (`2020.5`, `2020/1`)?
fn continues_number(w: &str, end: usize) -> bool {
    let b = w.as_bytes();
    matches!(b.get(end), Some(b'.' | b',' | b'/' | b'-')) && b.get(end + 1).is_some_and(u8::is_ascii_digit)
}

/// Dates written with words (and `entro 2021`). Every match becomes a span.
fn textual_dates(w: &str, dates: &mut Vec<String>, spans: &mut Vec<(usize, usize)>) {
    // Every pattern needs a digit (`\d` is any Unicode decimal digit, which
    // `is_numeric` covers): most cells with none are spared the regexes, whose
    // Unicode word boundaries make them slow on accented text.
    if !w.chars().any(char::is_numeric) {
        return;
    }
    for c in re_day_month().captures_iter(w) {
        let (Some(m0), Some(day), Some(mon)) = (c.get(0), c.get(1), c.get(2)) else { continue };
        if continues_number(w, m0.end()) || preceded_by_number_part(w, m0.start()) {
            continue;
        }
        spans.push((m0.start(), m0.end()));
        if is_reference_date(w, m0.start()) {
            continue;
        }
        if let (Some(y), Ok(d), Some(m)) = (c.get(3), day.as_str().parse::<u32>(), month_number(mon.as_str())) {
            if let Ok(y) = y.as_str().parse::<i32>() {
                if let Some(iso) = iso(y, m, d) {
                    dates.push(iso);
                }
            }
        }
    }
    for c in re_month_year().captures_iter(w) {
        let (Some(m0), Some(mon), Some(y)) = (c.get(0), c.get(1), c.get(2)) else { continue };
        if overlaps(spans, m0.start(), m0.end()) || continues_number(w, m0.end()) {
            continue;
        }
        spans.push((m0.start(), m0.end()));
        if is_reference_date(w, m0.start()) {
            continue;
        }
        if let (Some(m), Ok(y)) = (month_number(mon.as_str()), y.as_str().parse::<i32>()) {
            if let Some(iso) = end_of_month(y, m) {
                dates.push(iso);
            }
        }
    }
    for c in re_entro_year().captures_iter(w) {
        let (Some(m0), Some(y)) = (c.get(0), c.get(1)) else { continue };
        if overlaps(spans, m0.start(), m0.end()) || continues_number(w, m0.end()) {
            continue;
        }
        // Only a plain year: "entro 2021 giorni" is no deadline, "entro 2021" is.
        let rest = w[m0.end()..].trim_start();
        if rest.starts_with(|c: char| c.is_alphanumeric() || c == '%' || c == '€') {
            continue;
        }
        if let Some(iso) = y.as_str().parse::<i32>().ok().and_then(|y| iso(y, 12, 31)) {
            spans.push((y.start(), y.end()));
            dates.push(iso);
        }
    }
}

/// A date introduced by `dal`, `rispetto al`, `a decorrere dal` is a starting point or a
/// baseline (`entro 30 gg dal 01/01/2021`), not the deadline.
fn is_reference_date(w: &str, start: usize) -> bool {
    let head = w[..start].trim_end();
    ["dal", "dall'", "rispetto al", "rispetto all'", "dalla data del", "dalla data"]
        .iter()
        .any(|p| ends_with_word(head, p).is_some())
}

fn preceded_by_number_part(w: &str, start: usize) -> bool {
    let b = w.as_bytes();
    start >= 2 && matches!(b[start - 1], b'.' | b',' | b'/' | b'-') && b[start - 2].is_ascii_digit()
}

// ---------------------------------------------------------------------------------
// Number-shaped tokens

#[derive(Debug, Clone, PartialEq)]
struct Num {
    /// Integer digits (no sign, no separators).
    int: String,
    /// Fraction digits.
    frac: String,
    negative: bool,
}

#[derive(Debug)]
enum TokKind {
    Date(String),
    Number(Num),
    /// Date-shaped but invalid, range, ratio or malformed grouping.
    Blocked,
}

#[derive(Debug)]
struct Tok {
    /// Byte span in the folded text, sign included.
    start: usize,
    end: usize,
    kind: TokKind,
}

/// Split `w` into number-shaped tokens: digit runs joined by single separators
/// (`.`, `,`, `/`, `-`, `'`, or a space before an exact 3-digit group).
fn scan_tokens(w: &str, spans: &[(usize, usize)]) -> Vec<Tok> {
    let b = w.as_bytes();
    let n = b.len();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < n {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        // A digit run glued to a preceding letter (`Q4`, `art3`) is a name, not a number.
        let prev_char = w[..i].chars().next_back();
        let glued_to_letter = prev_char.is_some_and(|c| c.is_alphabetic());
        let start = i;
        let mut groups: Vec<&str> = Vec::new();
        let mut seps: Vec<u8> = Vec::new();
        let mut j = i;
        while j < n && b[j].is_ascii_digit() {
            j += 1;
        }
        groups.push(&w[i..j]);
        loop {
            if j + 1 < n && matches!(b[j], b'.' | b',' | b'/' | b'-' | b'\'') && b[j + 1].is_ascii_digit() {
                let g0 = j + 1;
                let mut k = g0;
                while k < n && b[k].is_ascii_digit() {
                    k += 1;
                }
                seps.push(b[j]);
                groups.push(&w[g0..k]);
                j = k;
                continue;
            }
            // Space thousands: `1 250 000` (first group 1..3 digits, exact 3-digit groups).
            if j + 3 < n
                && b[j] == b' '
                && b[j + 1..j + 4].iter().all(u8::is_ascii_digit)
                && !b.get(j + 4).is_some_and(u8::is_ascii_digit)
                && seps.iter().all(|&s| s == b' ')
                && groups[0].len() <= 3
                && !groups[0].starts_with('0')
            {
                seps.push(b' ');
                groups.push(&w[j + 1..j + 4]);
                j += 4;
                continue;
            }
            break;
        }
        let end = j;
        i = end;
        if glued_to_letter || overlaps(spans, start, end) {
            continue;
        }
        // Sign glued to the number, not preceded by a letter or digit.
        let mut s = start;
        let mut negative = false;
        if start > 0 && matches!(b[start - 1], b'-' | b'+') {
            let before = w[..start - 1].chars().next_back();
            if !before.is_some_and(|c| c.is_alphanumeric()) {
                negative = b[start - 1] == b'-';
                s = start - 1;
            }
        }
        let kind = classify(&groups, &seps, negative);
        toks.push(Tok { start: s, end, kind });
    }
    toks
}

fn all_digits_len(g: &str, lo: usize, hi: usize) -> bool {
    (lo..=hi).contains(&g.len())
}

fn classify(groups: &[&str], seps: &[u8], negative: bool) -> TokKind {
    let num = |g: &str| g.parse::<u32>().unwrap_or(0);
    let same = seps.windows(2).all(|p| p[0] == p[1]);
    // Dates: d/m/y, y-m-d, m/y.
    if groups.len() == 3 && same && matches!(seps[0], b'/' | b'-' | b'.') {
        let (a, m, c) = (groups[0], groups[1], groups[2]);
        if all_digits_len(a, 1, 2) && all_digits_len(m, 1, 2) && (c.len() == 4 || c.len() == 2) {
            let y = if c.len() == 2 { 2000 + num(c) as i32 } else { num(c) as i32 };
            return match iso(y, num(m), num(a)) {
                Some(d) => TokKind::Date(d),
                None => TokKind::Blocked,
            };
        }
        if a.len() == 4 && all_digits_len(m, 1, 2) && all_digits_len(c, 1, 2) && seps[0] != b'.' {
            return match iso(num(a) as i32, num(m), num(c)) {
                Some(d) => TokKind::Date(d),
                None => TokKind::Blocked,
            };
        }
    }
    if seps.iter().any(|&s| s == b'/' || s == b'-') {
        if groups.len() == 2 && all_digits_len(groups[0], 1, 2) && groups[1].len() == 4 {
            if let Some(d) = end_of_month(num(groups[1]) as i32, num(groups[0])) {
                return TokKind::Date(d);
            }
        }
        // Range (`10-20`) or ratio (`1/2`, `31/12` without year).
        return TokKind::Blocked;
    }
    match number(groups, seps) {
        Some((int, frac)) => TokKind::Number(Num { int, frac, negative }),
        None => TokKind::Blocked,
    }
}

/// Check thousands groups: first 1..3 digits, the others exactly 3.
fn thousands_ok(groups: &[&str]) -> bool {
    !groups.is_empty()
        && all_digits_len(groups[0], 1, 3)
        && groups[1..].iter().all(|g| g.len() == 3)
        && !(groups.len() > 1 && groups[0] == "0")
}

/// Italian number grammar over digit groups and separators (`.`, `,`, `'`, ` `).
fn number(groups: &[&str], seps: &[u8]) -> Option<(String, String)> {
    if seps.is_empty() {
        return Some((groups[0].to_string(), String::new()));
    }
    let has = |c: u8| seps.contains(&c);
    let last = *seps.last()?;
    let n_last = seps.iter().filter(|&&s| s == last).count();
    let (dec, thou): (Option<u8>, &[u8]) = if has(b'.') && has(b',') {
        // Both: the last one is the decimal mark, used once.
        if n_last != 1 {
            return None;
        }
        (Some(last), if last == b',' { b".' " } else { b",' " })
    } else if has(b',') {
        if seps.iter().filter(|&&s| s == b',').count() == 1 {
            (if last == b',' { Some(b',') } else { return None }, b"' ")
        } else {
            (None, b",' ")
        }
    } else if has(b'.') {
        let dots = seps.iter().filter(|&&s| s == b'.').count();
        if dots == 1 && last == b'.' {
            let (int_groups, frac) = (&groups[..groups.len() - 1], groups[groups.len() - 1]);
            let int_is_thousand_head = int_groups.len() == 1
                && all_digits_len(int_groups[0], 1, 3)
                && int_groups[0] != "0"
                && !int_groups[0].starts_with('0');
            if frac.len() == 3 && int_is_thousand_head {
                (None, b".")
            } else {
                (Some(b'.'), b"' ")
            }
        } else if dots > 1 {
            (None, b".' ")
        } else {
            // a `.` followed by `'`/space groups: malformed
            return None;
        }
    } else {
        (None, b"' ")
    };
    // Split at the decimal mark (it is the last separator when present).
    let (int_groups, frac) = match dec {
        Some(_) => (&groups[..groups.len() - 1], groups[groups.len() - 1].to_string()),
        None => (groups, String::new()),
    };
    let int_seps = if dec.is_some() { &seps[..seps.len() - 1] } else { seps };
    if !int_seps.iter().all(|s| thou.contains(s)) {
        return None;
    }
    if int_groups.len() > 1 && !thousands_ok(int_groups) {
        return None;
    }
    Some((int_groups.concat(), frac))
}

// ---------------------------------------------------------------------------------
// Quantity: number + multiplier + unit + comparator

struct Quantity {
    value: f64,
    unit: Option<&'static str>,
    comparator: Option<&'static str>,
}

/// Match `word` at the start of `s` (after spaces), ending at a word boundary.
/// Returns the rest.
fn eat<'a>(s: &'a str, word: &str) -> Option<&'a str> {
    let s = s.trim_start();
    let rest = s.strip_prefix(word)?;
    let word_end_is_letter = word.chars().next_back().is_some_and(|c| c.is_alphanumeric());
    if word_end_is_letter && rest.chars().next().is_some_and(|c| c.is_alphanumeric()) {
        return None;
    }
    Some(rest)
}

fn eat_any<'a, T: Copy>(s: &'a str, table: &[(&str, T)]) -> Option<(&'a str, T)> {
    table.iter().find_map(|&(w, v)| eat(s, w).map(|r| (r, v)))
}

/// Match `word` at the end of `s` (spaces already trimmed), starting at a word boundary.
fn ends_with_word<'a>(s: &'a str, word: &str) -> Option<&'a str> {
    let head = s.strip_suffix(word)?;
    let word_starts_with_letter = word.chars().next().is_some_and(|c| c.is_alphanumeric());
    if word_starts_with_letter && head.chars().next_back().is_some_and(|c| c.is_alphanumeric()) {
        return None;
    }
    Some(head)
}

const MULTIPLIERS: &[(&str, usize)] = &[
    ("miliardi", 9),
    ("miliardo", 9),
    ("mld.", 9),
    ("mld", 9),
    ("milioni", 6),
    ("milione", 6),
    ("mln.", 6),
    ("mln", 6),
    ("mila", 3),
    ("k", 3),
];

const UNITS_AFTER: &[(&str, &str)] = &[
    ("%", "%"),
    ("per cento", "%"),
    ("percento", "%"),
    ("€", "EUR"),
    ("euro", "EUR"),
    ("eur", "EUR"),
    ("g.g.", "days"),
    ("gg.", "days"),
    ("gg", "days"),
    ("giorni", "days"),
    ("giorno", "days"),
];

const CURRENCY_BEFORE: &[&str] = &["€", "euro", "eur"];

const FILLERS: &[&str] = &[
    "il", "lo", "la", "l'", "i", "gli", "le", "un", "uno", "una", "un'", "a", "ad", "al", "allo", "alla", "all'", "ai",
    "agli", "alle", "di", "del", "dello", "della", "dell'", "dei", "degli", "delle", "d'", "n.", "n°", "nº", "nr.",
    "nr", "num.", "num", "numero", "n",
];

const COMPARATOR_PHRASES: &[(&str, &str)] = &[
    // >=
    ("almeno pari", ">="),
    ("almeno", ">="),
    ("non meno", ">="),
    ("non inferiore", ">="),
    ("non inferiori", ">="),
    ("non minore", ">="),
    ("non al di sotto", ">="),
    ("maggiore o uguale", ">="),
    ("superiore o uguale", ">="),
    ("uguale o superiore", ">="),
    ("uguale o maggiore", ">="),
    ("pari o superiore", ">="),
    ("come minimo", ">="),
    ("minimo", ">="),
    ("min.", ">="),
    ("min", ">="),
    // <=
    ("entro e non oltre", "<="),
    ("non oltre", "<="),
    ("entro", "<="),
    ("al massimo", "<="),
    ("massimo", "<="),
    ("max.", "<="),
    ("max", "<="),
    ("non più", "<="),
    ("non piu'", "<="),
    ("non piu", "<="),
    ("non superiore", "<="),
    ("non superiori", "<="),
    ("non maggiore", "<="),
    ("non al di sopra", "<="),
    ("minore o uguale", "<="),
    ("inferiore o uguale", "<="),
    ("uguale o inferiore", "<="),
    ("uguale o minore", "<="),
    ("pari o inferiore", "<="),
    ("fino", "<="),
    ("sino", "<="),
    // >
    ("al di sopra", ">"),
    ("oltre", ">"),
    ("più", ">"),
    ("piu'", ">"),
    ("piu", ">"),
    ("superiore", ">"),
    ("superiori", ">"),
    ("maggiore", ">"),
    ("sopra", ">"),
    // <
    ("al di sotto", "<"),
    ("meno", "<"),
    ("inferiore", "<"),
    ("inferiori", "<"),
    ("minore", "<"),
    ("sotto", "<"),
    // =
    ("pari", "="),
    ("uguale", "="),
    ("esattamente", "="),
];

const COMPARATOR_SYMBOLS: &[(&str, &str)] =
    &[(">=", ">="), ("<=", "<="), ("==", "="), (">", ">"), ("<", "<"), ("=", "=")];

const COMPARATOR_AFTER: &[(&str, &str)] = &[
    ("o più", ">="),
    ("o piu'", ">="),
    ("o piu", ">="),
    ("o superiore", ">="),
    ("o superiori", ">="),
    ("o maggiore", ">="),
    ("e oltre", ">="),
    ("o oltre", ">="),
    ("come minimo", ">="),
    ("minimo", ">="),
    ("o meno", "<="),
    ("o inferiore", "<="),
    ("o inferiori", "<="),
    ("o minore", "<="),
    ("al massimo", "<="),
    ("massimo", "<="),
    ("max", "<="),
];

const RANGE_JOINERS: &[&str] = &["-", "÷", "~", "/", "fino a", "fino al", "al", "ad", "a", "e", "o", "su"];

fn sorted_by_len_desc<T: Copy>(table: &[(&'static str, T)]) -> Vec<(&'static str, T)> {
    let mut v = table.to_vec();
    v.sort_by_key(|(w, _)| std::cmp::Reverse(w.chars().count()));
    v
}

fn quantity(w: &str, start: usize, end: usize, num: Num) -> Option<Quantity> {
    // --- after the number: multiplier, unit, trailing comparator, range
    let mut rest = &w[end..];
    let mut shift = 0usize;
    if let Some((r, k)) = eat_any(rest, MULTIPLIERS) {
        rest = r;
        shift = k;
        if let Some(r) = eat(rest, "di") {
            if eat_any(r, UNITS_AFTER).is_some() {
                rest = r;
            }
        }
    }
    let mut unit: Option<&'static str> = None;
    if let Some((r, u)) = eat_any(rest, UNITS_AFTER) {
        unit = Some(u);
        rest = r;
        // `gg lavorativi`, `giorni naturali e consecutivi`: still days.
    }
    if is_range(rest) {
        return None;
    }
    static AFTER: OnceLock<Vec<(&str, &str)>> = OnceLock::new();
    static PHRASES: OnceLock<Vec<(&str, &str)>> = OnceLock::new();
    let mut comparator = eat_any(rest, AFTER.get_or_init(|| sorted_by_len_desc(COMPARATOR_AFTER))).map(|(_, c)| c);

    // --- before the number: currency, fillers, comparator
    let mut head = w[..start].trim_end();
    loop {
        let h = head.trim_end_matches([' ', ':', '(']);
        if h.len() != head.len() {
            head = h;
            continue;
        }
        if let Some(hh) = CURRENCY_BEFORE.iter().find_map(|c| ends_with_word(head, c)) {
            unit = unit.or(Some("EUR"));
            head = hh.trim_end();
            continue;
        }
        if let Some(hh) = FILLERS.iter().find_map(|f| ends_with_word(head, f)) {
            head = hh.trim_end();
            continue;
        }
        break;
    }
    let before_comparator = match COMPARATOR_SYMBOLS.iter().find(|(s, _)| head.ends_with(s)) {
        Some(&(_, c)) => Some(c),
        None => PHRASES
            .get_or_init(|| sorted_by_len_desc(COMPARATOR_PHRASES))
            .iter()
            .copied()
            .find(|(p, _)| ends_with_word(head, p).is_some())
            .map(|(_, c)| c),
    };
    if before_comparator.is_some() {
        comparator = before_comparator;
    }

    let value = to_f64(&num, shift)?;
    Some(Quantity { value, unit, comparator })
}

fn is_range(rest: &str) -> bool {
    // Joiner, optional currency, then a number.
    for j in RANGE_JOINERS {
        if let Some(r) = eat(rest, j) {
            let mut r = r.trim_start();
            for c in CURRENCY_BEFORE {
                if let Some(rr) = eat(r, c) {
                    r = rr.trim_start();
                    break;
                }
            }
            let r = r.trim_start_matches(['-', '+']);
            if r.as_bytes().first().is_some_and(u8::is_ascii_digit) {
                return true;
            }
        }
    }
    false
}

fn to_f64(num: &Num, shift: usize) -> Option<f64> {
    let mut int = num.int.clone();
    let mut frac = num.frac.clone();
    // Multiply by 10^shift by moving digits from the fraction to the integer part.
    for _ in 0..shift {
        if frac.is_empty() {
            int.push('0');
        } else {
            int.push(frac.remove(0));
        }
    }
    if int.is_empty() {
        int.push('0');
    }
    let text = if frac.is_empty() { int } else { format!("{int}.{frac}") };
    let v: f64 = text.parse().ok()?;
    if !v.is_finite() {
        return None;
    }
    let v = if num.negative { -v } else { v };
    // No negative zero in the output.
    Some(if v == 0.0 { 0.0 } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `fold` as first written (a character vector, then the four rewrites in
    /// turn): the one-pass `fold` must agree with it, chained rewrites included.
    fn fold_reference(raw: &str) -> String {
        let chars: Vec<char> = raw.chars().collect();
        let mut out = String::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            match c {
                '\u{2212}' => {
                    out.push('-');
                    if chars.get(i + 1) == Some(&' ') && chars.get(i + 2).is_some_and(|d| d.is_ascii_digit()) {
                        i += 1;
                    }
                }
                '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{FE63}' | '\u{FF0D}' => out.push('-'),
                '\u{2019}' | '\u{2018}' | '`' | '\u{00B4}' => out.push('\''),
                '\u{2265}' | '\u{2267}' | '\u{2A7E}' => out.push_str(">="),
                '\u{2264}' | '\u{2266}' | '\u{2A7D}' => out.push_str("<="),
                _ => out.extend(c.to_lowercase()),
            }
            i += 1;
        }
        out.replace("> =", ">=").replace("< =", "<=").replace("=>", ">=").replace("=<", "<=")
    }

    #[test]
    fn fold_agrees_with_the_rewrites_in_turn() {
        for s in [
            "",
            "Almeno 80%",
            "\u{2212} 5",
            "\u{2212} x",
            "\u{2212}",
            "\u{2212} ",
            "ÀÉ İ ß Σ",
            "> = 3",
            "> =>",
            "=><",
            "=>=>",
            "< = =< > =",
            "\u{2265} 90 =\u{2264}",
            "l`anno d\u{00B4}oro \u{2018}x\u{2019}",
            "1\u{2013}2\u{2014}3\u{FE63}4\u{FF0D}5\u{2012}6",
        ] {
            assert_eq!(fold(s), fold_reference(s), "{s:?}");
        }
    }

    #[test]
    fn not_available_by_code_or_phrase_start() {
        for s in ["n.d.", "N/A", "tbd", "---", "", "da definire", "da definire entro l'anno", "non disponibile."] {
            assert!(is_not_available(&fold(s)), "{s:?}");
        }
        for s in ["nda", "da definirsi", "dati non disponibili", "2024 n.d.", "definire"] {
            assert!(!is_not_available(&fold(s)), "{s:?}");
        }
    }

    type Case =
        (&'static str, Option<f64>, Option<&'static str>, Option<&'static str>, Option<&'static str>, Option<bool>);

    fn check(case: &Case) {
        let (raw, value, unit, comparator, date, boolean) = *case;
        let t = parse(raw);
        let expected = Target {
            raw: crate::text::collapse(raw),
            value,
            unit: unit.map(str::to_string),
            comparator: comparator.map(str::to_string),
            date: date.map(str::to_string),
            boolean,
        };
        assert_eq!(t, expected, "raw = {raw:?}");
    }

    /// Every distinct raw target of the dev, dev-hard and perf corpora.
    const CORPUS: &[Case] = &[
        (">= 55%", Some(55.0_f64), Some("%"), Some(">="), None, None),
        ("100%", Some(100.0_f64), Some("%"), None, None, None),
        ("<= 3 gg", Some(3.0_f64), Some("days"), Some("<="), None, None),
        ("almeno 600", Some(600.0_f64), None, Some(">="), None, None),
        ("10", Some(10.0_f64), None, None, None, None),
        ("entro il 31/05/2022", None, None, None, Some("2022-05-31"), None),
        ("< 5%", Some(5.0_f64), Some("%"), Some("<"), None, None),
        ("30", Some(30.0_f64), None, None, None, None),
        ("€ 3,90", Some(3.9_f64), Some("EUR"), None, None, None),
        ("3", Some(3.0_f64), None, None, None, None),
        ("entro il 30/09/2022", None, None, None, Some("2022-09-30"), None),
        ("n.d.", None, None, None, None, None),
        ("≥ 90%", Some(90.0_f64), Some("%"), Some(">="), None, None),
        ("-8%", Some(-8.0_f64), Some("%"), None, None, None),
        ("12", Some(12.0_f64), None, None, None, None),
        ("<= 5 gg", Some(5.0_f64), Some("days"), Some("<="), None, None),
        ("entro il 30/11/2022", None, None, None, Some("2022-11-30"), None),
        ("40", Some(40.0_f64), None, None, None, None),
        ("almeno 60%", Some(60.0_f64), Some("%"), Some(">="), None, None),
        ("15", Some(15.0_f64), None, None, None, None),
        ("€ 48.000", Some(48000.0_f64), Some("EUR"), None, None, None),
        ("8", Some(8.0_f64), None, None, None, None),
        ("almeno 9.000", Some(9000.0_f64), None, Some(">="), None, None),
        ("> 200", Some(200.0_f64), None, Some(">"), None, None),
        ("31/12/2022", None, None, None, Some("2022-12-31"), None),
        ("0", Some(0.0_f64), None, None, None, None),
        ("almeno 420.000", Some(420000.0_f64), None, Some(">="), None, None),
        ("3.500", Some(3500.0_f64), None, None, None, None),
        ("€ 1.150.000", Some(1150000.0_f64), Some("EUR"), None, None, None),
        (">= 8", Some(8.0_f64), None, Some(">="), None, None),
        ("entro il 31/03/2022", None, None, None, Some("2022-03-31"), None),
        ("almeno 80", Some(80.0_f64), None, Some(">="), None, None),
        ("65", Some(65.0_f64), None, None, None, None),
        ("4", Some(4.0_f64), None, None, None, None),
        ("entro il 30/04/2022", None, None, None, Some("2022-04-30"), None),
        ("> 5.000", Some(5000.0_f64), None, Some(">"), None, None),
        ("10,00", Some(10.0_f64), None, None, None, None),
        ("1.250", Some(1250.0_f64), None, None, None, None),
        ("entro il 31/12/2020", None, None, None, Some("2020-12-31"), None),
        ("SI", None, None, None, None, Some(true)),
        (">= 95%", Some(95.0_f64), Some("%"), Some(">="), None, None),
        ("≤ 30 gg", Some(30.0_f64), Some("days"), Some("<="), None, None),
        ("-15%", Some(-15.0_f64), Some("%"), None, None, None),
        ("almeno 12", Some(12.0_f64), None, Some(">="), None, None),
        ("30/06/2020", None, None, None, Some("2020-06-30"), None),
        ("", None, None, None, None, None),
        ("2", Some(2.0_f64), None, None, None, None),
        ("entro il 30/11/2020", None, None, None, Some("2020-11-30"), None),
        ("€ 150.000,00", Some(150000.0_f64), Some("EUR"), None, None, None),
        ("entro il 30/04/2021", None, None, None, Some("2021-04-30"), None),
        ("30/09/2021", None, None, None, Some("2021-09-30"), None),
        ("almeno 4", Some(4.0_f64), None, Some(">="), None, None),
        ("NO", None, None, None, None, Some(false)),
        ("€ 2.500.000,00", Some(2500000.0_f64), Some("EUR"), None, None, None),
        ("≥ 60%", Some(60.0_f64), Some("%"), Some(">="), None, None),
        ("≤ 60 gg", Some(60.0_f64), Some("days"), Some("<="), None, None),
        ("entro il 31/05/2021", None, None, None, Some("2021-05-31"), None),
        ("< 8%", Some(8.0_f64), Some("%"), Some("<"), None, None),
        ("almeno 3.000", Some(3000.0_f64), None, Some(">="), None, None),
        ("> 70%", Some(70.0_f64), Some("%"), Some(">"), None, None),
        ("4.500", Some(4500.0_f64), None, None, None, None),
        ("€ 640.000", Some(640000.0_f64), Some("EUR"), None, None, None),
        ("Sì", None, None, None, None, Some(true)),
        ("≤ 0 gg", Some(0.0_f64), Some("days"), Some("<="), None, None),
        ("entro il 30/09/2021", None, None, None, Some("2021-09-30"), None),
        ("non oltre 20 giorni", Some(20.0_f64), Some("days"), Some("<="), None, None),
        ("entro il 31/03/2021", None, None, None, Some("2021-03-31"), None),
        ("almeno 6", Some(6.0_f64), None, Some(">="), None, None),
        (">= 98%", Some(98.0_f64), Some("%"), Some(">="), None, None),
        ("<= 30 gg", Some(30.0_f64), Some("days"), Some("<="), None, None),
        (">= 80%", Some(80.0_f64), Some("%"), Some(">="), None, None),
        ("1.250,50", Some(1250.5_f64), None, None, None, None),
        ("€ 85.000,00", Some(85000.0_f64), Some("EUR"), None, None, None),
        ("almeno 3,5", Some(3.5_f64), None, Some(">="), None, None),
        ("30/04/2021", None, None, None, Some("2021-04-30"), None),
        ("-10%", Some(-10.0_f64), Some("%"), None, None, None),
        ("entro il 30/06/2021", None, None, None, Some("2021-06-30"), None),
        ("-5%", Some(-5.0_f64), Some("%"), None, None, None),
        (">= 40%", Some(40.0_f64), Some("%"), Some(">="), None, None),
        ("≥ 95%", Some(95.0_f64), Some("%"), Some(">="), None, None),
        ("almeno 300", Some(300.0_f64), None, Some(">="), None, None),
        ("-20%", Some(-20.0_f64), Some("%"), None, None, None),
        ("≤ 2 gg", Some(2.0_f64), Some("days"), Some("<="), None, None),
        ("120", Some(120.0_f64), None, None, None, None),
        ("30/11/2021", None, None, None, Some("2021-11-30"), None),
        ("12,5", Some(12.5_f64), None, None, None, None),
        ("< 10", Some(10.0_f64), None, Some("<"), None, None),
        ("2.400", Some(2400.0_f64), None, None, None, None),
        ("entro 20 giorni", Some(20.0_f64), Some("days"), Some("<="), None, None),
        ("≥ 80%", Some(80.0_f64), Some("%"), Some(">="), None, None),
        ("30/06/2021", None, None, None, Some("2021-06-30"), None),
        ("85%", Some(85.0_f64), Some("%"), None, None, None),
        ("31/03/2021", None, None, None, Some("2021-03-31"), None),
        (">= 70%", Some(70.0_f64), Some("%"), Some(">="), None, None),
        ("> 1.000", Some(1000.0_f64), None, Some(">"), None, None),
        ("< 15 gg", Some(15.0_f64), Some("days"), Some("<"), None, None),
        (">= 90%", Some(90.0_f64), Some("%"), Some(">="), None, None),
        ("entro il 31/12/2021", None, None, None, Some("2021-12-31"), None),
        ("95,5%", Some(95.5_f64), Some("%"), None, None, None),
        ("almeno 500", Some(500.0_f64), None, Some(">="), None, None),
        (">= 4", Some(4.0_f64), None, Some(">="), None, None),
        ("almeno 34", Some(34.0_f64), None, Some(">="), None, None),
        ("€ 12.000,00", Some(12000.0_f64), Some("EUR"), None, None, None),
        ("almeno 37", Some(37.0_f64), None, Some(">="), None, None),
        ("almeno 29", Some(29.0_f64), None, Some(">="), None, None),
        ("almeno 10", Some(10.0_f64), None, Some(">="), None, None),
        ("almeno 9", Some(9.0_f64), None, Some(">="), None, None),
        ("almeno 18", Some(18.0_f64), None, Some(">="), None, None),
        ("almeno 11", Some(11.0_f64), None, Some(">="), None, None),
        ("almeno 23", Some(23.0_f64), None, Some(">="), None, None),
        ("almeno 8", Some(8.0_f64), None, Some(">="), None, None),
        ("almeno 40", Some(40.0_f64), None, Some(">="), None, None),
        ("almeno 3", Some(3.0_f64), None, Some(">="), None, None),
        ("almeno 28", Some(28.0_f64), None, Some(">="), None, None),
        ("almeno 35", Some(35.0_f64), None, Some(">="), None, None),
        ("almeno 33", Some(33.0_f64), None, Some(">="), None, None),
        ("almeno 2", Some(2.0_f64), None, Some(">="), None, None),
        ("almeno 36", Some(36.0_f64), None, Some(">="), None, None),
        ("almeno 32", Some(32.0_f64), None, Some(">="), None, None),
        ("almeno 22", Some(22.0_f64), None, Some(">="), None, None),
        ("almeno 16", Some(16.0_f64), None, Some(">="), None, None),
        ("almeno 7", Some(7.0_f64), None, Some(">="), None, None),
        ("almeno 25", Some(25.0_f64), None, Some(">="), None, None),
        ("almeno 38", Some(38.0_f64), None, Some(">="), None, None),
        ("almeno 24", Some(24.0_f64), None, Some(">="), None, None),
        ("almeno 15", Some(15.0_f64), None, Some(">="), None, None),
        ("almeno 26", Some(26.0_f64), None, Some(">="), None, None),
        ("almeno 31", Some(31.0_f64), None, Some(">="), None, None),
        ("almeno 21", Some(21.0_f64), None, Some(">="), None, None),
        ("almeno 39", Some(39.0_f64), None, Some(">="), None, None),
        ("almeno 27", Some(27.0_f64), None, Some(">="), None, None),
    ];

    #[test]
    fn corpus_targets() {
        for c in CORPUS {
            check(c);
        }
    }

    const EDGE: &[Case] = &[
        // numbers
        ("1.250,50", Some(1250.5), None, None, None, None),
        ("1,250.50", Some(1250.5), None, None, None, None),
        ("1,250,000", Some(1250000.0), None, None, None, None),
        ("3.5", Some(3.5), None, None, None, None),
        ("0.500", Some(0.5), None, None, None, None),
        ("12.25", Some(12.25), None, None, None, None),
        ("1234.567", Some(1234.567), None, None, None, None),
        ("1 250 000", Some(1250000.0), None, None, None, None),
        ("1'250", Some(1250.0), None, None, None, None),
        ("0,75", Some(0.75), None, None, None, None),
        ("−15%", Some(-15.0), Some("%"), None, None, None),
        ("− 15%", Some(-15.0), Some("%"), None, None, None),
        ("–3%", Some(-3.0), Some("%"), None, None, None),
        ("+5%", Some(5.0), Some("%"), None, None, None),
        ("-0", Some(0.0), None, None, None, None),
        ("95 %", Some(95.0), Some("%"), None, None, None),
        ("10 per cento", Some(10.0), Some("%"), None, None, None),
        // currency
        ("1.000 euro", Some(1000.0), Some("EUR"), None, None, None),
        ("EUR 5.000,00", Some(5000.0), Some("EUR"), None, None, None),
        ("5.000 EUR", Some(5000.0), Some("EUR"), None, None, None),
        ("Euro 250", Some(250.0), Some("EUR"), None, None, None),
        ("€1.000", Some(1000.0), Some("EUR"), None, None, None),
        ("almeno € 500", Some(500.0), Some("EUR"), Some(">="), None, None),
        ("1,5 milioni di euro", Some(1500000.0), Some("EUR"), None, None, None),
        ("€ 1,15 mln", Some(1150000.0), Some("EUR"), None, None, None),
        ("10 mila euro", Some(10000.0), Some("EUR"), None, None, None),
        // days
        ("30 gg.", Some(30.0), Some("days"), None, None, None),
        ("30gg", Some(30.0), Some("days"), None, None, None),
        ("1 giorno", Some(1.0), Some("days"), None, None, None),
        ("entro 20 giorni", Some(20.0), Some("days"), Some("<="), None, None),
        ("entro 30 giorni lavorativi", Some(30.0), Some("days"), Some("<="), None, None),
        ("entro 2 mesi", Some(2.0), None, Some("<="), None, None),
        // comparators
        (">=90%", Some(90.0), Some("%"), Some(">="), None, None),
        ("≥90%", Some(90.0), Some("%"), Some(">="), None, None),
        ("=> 10", Some(10.0), None, Some(">="), None, None),
        ("= 100%", Some(100.0), Some("%"), Some("="), None, None),
        ("pari al 100%", Some(100.0), Some("%"), Some("="), None, None),
        ("non meno di 10", Some(10.0), None, Some(">="), None, None),
        ("non inferiore al 90%", Some(90.0), Some("%"), Some(">="), None, None),
        ("minimo 5", Some(5.0), None, Some(">="), None, None),
        ("almeno il 90%", Some(90.0), Some("%"), Some(">="), None, None),
        ("almeno n. 5", Some(5.0), None, Some(">="), None, None),
        ("massimo 10 gg", Some(10.0), Some("days"), Some("<="), None, None),
        ("al massimo 3", Some(3.0), None, Some("<="), None, None),
        ("non più di 5 giorni", Some(5.0), Some("days"), Some("<="), None, None),
        ("non piu' di 5", Some(5.0), None, Some("<="), None, None),
        ("entro e non oltre 30 gg", Some(30.0), Some("days"), Some("<="), None, None),
        ("oltre 100", Some(100.0), None, Some(">"), None, None),
        ("più di 100", Some(100.0), None, Some(">"), None, None),
        ("superiore al 50%", Some(50.0), Some("%"), Some(">"), None, None),
        ("inferiore al 5%", Some(5.0), Some("%"), Some("<"), None, None),
        ("meno di 3", Some(3.0), None, Some("<"), None, None),
        ("al di sotto del 2%", Some(2.0), Some("%"), Some("<"), None, None),
        ("Tempo medio ≤ 30 gg", Some(30.0), Some("days"), Some("<="), None, None),
        ("90% o più", Some(90.0), Some("%"), Some(">="), None, None),
        ("5 giorni al massimo", Some(5.0), Some("days"), Some("<="), None, None),
        ("ALMENO 12", Some(12.0), None, Some(">="), None, None),
        // dates
        ("entro il 31/12/2020", None, None, None, Some("2020-12-31"), None),
        ("31.12.2020", None, None, None, Some("2020-12-31"), None),
        ("31-12-2020", None, None, None, Some("2020-12-31"), None),
        ("2020-12-31", None, None, None, Some("2020-12-31"), None),
        ("1/3/2021", None, None, None, Some("2021-03-01"), None),
        ("31/12/21", None, None, None, Some("2021-12-31"), None),
        ("entro il 31 dicembre 2020", None, None, None, Some("2020-12-31"), None),
        ("Entro il 1° marzo 2021", None, None, None, Some("2021-03-01"), None),
        ("30 giu. 2021", None, None, None, Some("2021-06-30"), None),
        ("entro dicembre 2021", None, None, None, Some("2021-12-31"), None),
        ("entro febbraio 2024", None, None, None, Some("2024-02-29"), None),
        ("entro 06/2021", None, None, None, Some("2021-06-30"), None),
        ("entro il 2021", None, None, None, Some("2021-12-31"), None),
        ("29/02/2024", None, None, None, Some("2024-02-29"), None),
        ("29/02/2023", None, None, None, None, None),
        ("31/02/2020", None, None, None, None, None),
        ("32/01/2020", None, None, None, None, None),
        ("31 dicembre", None, None, None, None, None),
        ("dal 01/01/2021 al 31/12/2021", None, None, None, Some("2021-12-31"), None),
        ("entro 30 gg dal 01/01/2021", Some(30.0), Some("days"), Some("<="), None, None),
        ("-10% rispetto al 31/12/2020", Some(-10.0), Some("%"), None, None, None),
        ("entro 60 giorni dal 1 marzo 2021", Some(60.0), Some("days"), Some("<="), None, None),
        ("100% entro il 31/12/2021", Some(100.0), Some("%"), None, Some("2021-12-31"), None),
        ("almeno 2 entro il 30/06/2021", Some(2.0), None, Some(">="), Some("2021-06-30"), None),
        // booleans
        ("SI", None, None, None, None, Some(true)),
        ("si", None, None, None, None, Some(true)),
        ("SÌ", None, None, None, None, Some(true)),
        ("Sí", None, None, None, None, Some(true)),
        ("SI'", None, None, None, None, Some(true)),
        ("Si.", None, None, None, None, Some(true)),
        ("No", None, None, None, None, Some(false)),
        ("Sì\u{0020}\u{0020}", None, None, None, None, Some(true)),
        ("Si\u{300}", None, None, None, None, Some(true)),
        // ranges / ratios: not one value
        ("da 10 a 20", None, None, None, None, None),
        ("10-20", None, None, None, None, None),
        ("10 - 20%", None, None, None, None, None),
        ("tra 10 e 20", None, None, None, None, None),
        ("8 su 10", None, None, None, None, None),
        ("1/2", None, None, None, None, None),
        ("2021-2023", None, None, None, None, None),
        // free text with one number
        ("2 al mese", Some(2.0), None, None, None, None),
        ("n. 4 report", Some(4.0), None, None, None, None),
        ("Q4", None, None, None, None, None),
        // garbage
        ("Realizzazione", None, None, None, None, None),
        ("%", None, None, None, None, None),
        ("€", None, None, None, None, None),
        (">=", None, None, None, None, None),
        ("1.25.3", None, None, None, None, None),
    ];

    #[test]
    fn edge_cases() {
        for c in EDGE {
            check(c);
        }
    }

    #[test]
    fn statuses() {
        let st = |s: &str| parse_with_status(s).1;
        assert_eq!(st(""), TargetStatus::Empty);
        assert_eq!(st("   \n\t "), TargetStatus::Empty);
        for na in [
            "n.d.",
            "N.D.",
            "nd",
            "n/d",
            "N/A",
            "n.a.",
            "-",
            "--",
            "—",
            "–",
            "/",
            "da definire",
            "Da definire in corso d'anno",
            "non applicabile",
            "Non disponibile",
            "TBD",
        ] {
            assert_eq!(st(na), TargetStatus::NotAvailable, "{na:?}");
            let t = parse(na);
            assert_eq!((t.value, t.unit, t.comparator, t.date, t.boolean), (None, None, None, None, None));
        }
        for ok in ["10", "SI", "NO", "entro il 31/12/2020", "≥ 90%"] {
            assert_eq!(st(ok), TargetStatus::Parsed, "{ok:?}");
        }
        for bad in ["Realizzazione progetto", "da 10 a 20", "31/02/2020", "???", "%", "31 dicembre"] {
            assert_eq!(st(bad), TargetStatus::Unrecognized, "{bad:?}");
        }
    }

    #[test]
    fn raw_is_collapsed() {
        let t = parse("  >=\n 95 %  ");
        assert_eq!(t.raw, ">= 95 %");
        assert_eq!(t.value, Some(95.0));
        assert_eq!(parse("").raw, "");
    }

    #[test]
    fn never_panics() {
        let long_digits = "9".repeat(5000);
        let long_text = "almeno ".repeat(2000) + "5";
        let inputs = [
            "\u{0}",
            "\u{FEFF}",
            "İ1",
            "ǅ",
            "ß",
            "ﬁ10",
            "１２",
            "٣",
            "𝟙𝟚",
            "🙂 10 🙂",
            "\u{202E}10%",
            "e\u{301}\u{301}\u{301}",
            "-",
            "+",
            "−",
            "− ",
            "−−5",
            "..,,",
            "1.",
            ",5",
            "1,,2",
            "1..2",
            "1/",
            "/1",
            "31/",
            "/12/2020",
            "99/99/9999",
            "00/00/0000",
            "0/0/0",
            "2020-02-30",
            "entro il",
            "entro",
            "almeno",
            "almeno €",
            "€ €",
            "%%%",
            "1%%",
            ">=<=><",
            "≥≤",
            "⩾⩽",
            "gennaio",
            "1 gennaio",
            "gennaio 99999",
            "entro il 99999",
            "entro 1899",
            "mila",
            "5 mln mln",
            "1e308",
            "1E5",
            "0x10",
            "NaN",
            "inf",
            "1 000 000 000 000 000 000 000",
            &long_digits,
            &long_text,
            "\u{10FFFF}",
            "a\u{0}1",
            "Sì Sì",
            "NO NO",
        ];
        for s in inputs {
            let (t, _) = parse_with_status(s);
            if let Some(v) = t.value {
                assert!(v.is_finite(), "{s:?}");
            }
        }
        // Every char of a spread of code points, alone and around a number.
        let mut cp = 0u32;
        while cp < 0x11000 {
            if let Some(c) = char::from_u32(cp) {
                let _ = parse(&c.to_string());
                let _ = parse(&format!("{c}1{c}2{c}.{c}3{c}"));
            }
            cp += 7;
        }
        let t = parse(&long_digits);
        assert_eq!(t.value, None);
    }
}
