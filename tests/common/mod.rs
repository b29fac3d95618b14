//! Shared by the integration tests: the fixture corpus and the golden comparison.
//!
//! The comparison mirrors the project's scorer (`tools/score.py` of the shared
//! material) field by field: Unicode NFC, whitespace collapsed and trimmed, leading
//! bullet markers stripped from every line of `description`, numbers equal within
//! 1e-9, null equal only to null (`""` is not null), an absent field is wrong, and
//! list lengths (`dup_links.count`, `indicators.count`) must match.
#![allow(dead_code)]

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use regex::Regex;
use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// `fixtures/*.pdf` (any case), sorted. Empty when the directory is missing.
pub fn fixture_pdfs() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = match std::fs::read_dir(fixtures_dir()) {
        Ok(rd) => rd
            .map(|e| e.expect("read fixtures/").path())
            .filter(|p| p.is_file() && p.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")))
            .collect(),
        Err(_) => Vec::new(),
    };
    v.sort();
    v
}

/// `fixtures/*.expected.json`, sorted.
pub fn expected_files() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = match std::fs::read_dir(fixtures_dir()) {
        Ok(rd) => rd
            .map(|e| e.expect("read fixtures/").path())
            .filter(|p| p.to_string_lossy().ends_with(".expected.json"))
            .collect(),
        Err(_) => Vec::new(),
    };
    v.sort();
    v
}

/// The expected JSON of a fixture PDF, if it has one.
pub fn expected_for(pdf: &Path) -> Option<PathBuf> {
    let stem = pdf.file_stem()?.to_string_lossy().into_owned();
    let p = pdf.with_file_name(format!("{stem}.expected.json"));
    p.is_file().then_some(p)
}

/// `(name, pdf, expected)` for every fixture PDF that has ground truth.
pub fn golden_pairs() -> Vec<(String, PathBuf, PathBuf)> {
    fixture_pdfs()
        .into_iter()
        .filter_map(|pdf| {
            let exp = expected_for(&pdf)?;
            Some((pdf.file_stem().unwrap().to_string_lossy().into_owned(), pdf, exp))
        })
        .collect()
}

pub const NO_FIXTURES: &str = "no golden fixture: expected at least one fixtures/<name>.pdf with \
     fixtures/<name>.expected.json";

pub fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(text.trim_start_matches('\u{feff}')).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

// ---------------------------------------------------------------------------
// Normalisation and equality, as in the scorer

fn ws() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"\s+").unwrap())
}

fn bullet() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"^\s*(?:[-•–—·▪◦*]|\d{1,3}\))\s+").unwrap())
}

fn line_break() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new("\r\n|\r|\n|\u{2028}|\u{2029}").unwrap())
}

pub fn norm(s: &str) -> String {
    let nfc: String = s.nfc().collect();
    ws().replace_all(&nfc, " ").trim().to_string()
}

pub fn norm_desc(s: &str) -> String {
    let nfc: String = s.nfc().collect();
    let lines: Vec<String> = line_break().split(&nfc).map(|l| bullet().replace(l, "").into_owned()).collect();
    norm(&lines.join(" "))
}

#[derive(Clone, Copy)]
enum Kind {
    Str,
    Desc,
    Num,
    Bool,
    NumList,
    StrList,
}

fn eq(kind: Kind, e: &Value, a: Option<&Value>) -> bool {
    let Some(a) = a else { return false };
    if e.is_null() {
        return a.is_null();
    }
    match kind {
        Kind::Str => matches!((e, a), (Value::String(e), Value::String(a)) if norm(e) == norm(a)),
        Kind::Desc => matches!((e, a), (Value::String(e), Value::String(a)) if norm_desc(e) == norm_desc(a)),
        Kind::Num => {
            a.is_number()
                && match (e.as_f64(), a.as_f64()) {
                    (Some(e), Some(a)) => a.is_finite() && (e - a).abs() <= 1e-9,
                    _ => false,
                }
        }
        Kind::Bool => a.is_boolean() && a == e,
        Kind::NumList | Kind::StrList => {
            let inner = if matches!(kind, Kind::NumList) { Kind::Num } else { Kind::Str };
            match (e.as_array(), a.as_array()) {
                (Some(e), Some(a)) => e.len() == a.len() && e.iter().zip(a).all(|(x, y)| eq(inner, x, Some(y))),
                _ => false,
            }
        }
    }
}

const OBJ_FIELDS: &[(&str, Kind)] = &[
    ("year", Kind::Num),
    ("title", Kind::Str),
    ("directorate", Kind::Str),
    ("director", Kind::Str),
    ("service", Kind::Str),
    ("executive", Kind::Str),
    ("classification", Kind::Str),
    ("typology", Kind::Str),
    ("description", Kind::Desc),
    ("pages", Kind::NumList),
];
const DUP_FIELDS: &[(&str, Kind)] =
    &[("label", Kind::Str), ("code", Kind::Str), ("text", Kind::Str), ("refs", Kind::StrList)];
const IND_FIELDS: &[(&str, Kind)] = &[("description", Kind::Str), ("type", Kind::Str)];
const TARGET_FIELDS: &[(&str, Kind)] = &[
    ("raw", Kind::Str),
    ("value", Kind::Num),
    ("unit", Kind::Str),
    ("comparator", Kind::Str),
    ("date", Kind::Str),
    ("boolean", Kind::Bool),
];

/// Result of comparing one actual document with its expected document.
#[derive(Default, Debug)]
pub struct Diff {
    /// Fields compared (as the scorer counts them).
    pub total: usize,
    /// One readable line per wrong field or objective-level problem.
    pub wrong: Vec<String>,
}

impl Diff {
    fn field(&mut self, ok: bool, where_: &str, e: &Value, a: Option<&Value>) {
        self.total += 1;
        if !ok {
            self.wrong.push(format!("{where_}\n      expected {}\n      actual   {}", show(Some(e)), show(a)));
        }
    }
    pub fn is_empty(&self) -> bool {
        self.wrong.is_empty()
    }
    pub fn report(&self) -> String {
        let mut s = format!("{} problem(s) ({} fields compared):\n", self.wrong.len(), self.total);
        for w in &self.wrong {
            s.push_str("  - ");
            s.push_str(w);
            s.push('\n');
        }
        s
    }
}

fn show(v: Option<&Value>) -> String {
    match v {
        None => "<absent>".to_string(),
        Some(v) => {
            let s = v.to_string();
            if s.chars().count() > 200 {
                format!("{}...", s.chars().take(197).collect::<String>())
            } else {
                s
            }
        }
    }
}

/// Compare `actual` (a document as written) with `expected` (ground truth).
pub fn compare(expected: &Value, actual: &Value) -> Diff {
    let mut d = Diff::default();
    // Source metadata, when the ground truth records it (not scored, but a
    // mismatch means the fixture and its ground truth disagree).
    for key in ["file", "sha256", "pages"] {
        if let Some(e) = expected.pointer(&format!("/source/{key}")) {
            let a = actual.pointer(&format!("/source/{key}"));
            if a != Some(e) {
                d.wrong.push(format!("source.{key}\n      expected {}\n      actual   {}", show(Some(e)), show(a)));
            }
        }
    }
    let empty = Vec::new();
    let exp_objs = expected.get("objectives").and_then(Value::as_array).unwrap_or(&empty);
    let act_objs = actual.get("objectives").and_then(Value::as_array).unwrap_or(&empty);

    let code_of = |o: &Value| o.get("code").and_then(Value::as_str).map(norm);
    let mut by_code: HashMap<String, &Value> = HashMap::new();
    let mut act_order = Vec::new();
    for o in act_objs {
        match code_of(o) {
            Some(c) if !by_code.contains_key(&c) => {
                act_order.push(c.clone());
                by_code.insert(c, o);
            }
            c => d.wrong.push(format!("extra objective (duplicate or without code): {}", show(c.map(Value::String).as_ref()))),
        }
    }
    let exp_codes: Vec<String> = exp_objs.iter().map(|o| code_of(o).expect("expected objective without code")).collect();
    let exp_set: HashSet<&String> = exp_codes.iter().collect();
    for c in &act_order {
        if !exp_set.contains(c) {
            d.wrong.push(format!("extra objective {c}"));
        }
    }
    let common_act: Vec<&String> = act_order.iter().filter(|c| exp_set.contains(c)).collect();
    let common_exp: Vec<&String> = exp_codes.iter().filter(|c| by_code.contains_key(*c)).collect();
    if common_act != common_exp {
        d.wrong.push(format!("objective order\n      expected {common_exp:?}\n      actual   {common_act:?}"));
    }

    for (eo, code) in exp_objs.iter().zip(&exp_codes) {
        match by_code.get(code) {
            Some(ao) => compare_objective(&mut d, code, eo, ao),
            None => d.wrong.push(format!("missing objective {code}")),
        }
    }
    d
}

fn compare_objective(d: &mut Diff, code: &str, e: &Value, a: &Value) {
    for (f, kind) in OBJ_FIELDS {
        let ev = e.get(*f).unwrap_or(&Value::Null);
        d.field(eq(*kind, ev, a.get(*f)), &format!("{code} {f}"), ev, a.get(*f));
    }
    compare_list(d, code, "dup_links", e, a, |d, where_, el, al| {
        for (f, kind) in DUP_FIELDS {
            let ev = el.get(*f).unwrap_or(&Value::Null);
            let av = al.and_then(|x| x.get(*f));
            d.field(eq(*kind, ev, av), &format!("{where_}.{f}"), ev, av);
        }
    });
    compare_list(d, code, "indicators", e, a, |d, where_, ei, ai| {
        for (f, kind) in IND_FIELDS {
            let ev = ei.get(*f).unwrap_or(&Value::Null);
            let av = ai.and_then(|x| x.get(*f));
            d.field(eq(*kind, ev, av), &format!("{where_}.{f}"), ev, av);
        }
        let et = ei.get("target").unwrap_or(&Value::Null);
        let at = ai.and_then(|x| x.get("target"));
        for (f, kind) in TARGET_FIELDS {
            let ev = et.get(*f).unwrap_or(&Value::Null);
            let av = at.and_then(|x| x.get(*f));
            d.field(eq(*kind, ev, av), &format!("{where_}.target.{f}"), ev, av);
        }
    });
}

fn compare_list(
    d: &mut Diff,
    code: &str,
    key: &str,
    e: &Value,
    a: &Value,
    row: impl Fn(&mut Diff, &str, &Value, Option<&Value>),
) {
    let empty = Vec::new();
    let el = e.get(key).and_then(Value::as_array).unwrap_or(&empty);
    let al = a.get(key).and_then(Value::as_array);
    for (i, er) in el.iter().enumerate() {
        row(d, &format!("{code} {key}[{i}]"), er, al.and_then(|l| l.get(i)));
    }
    let ec = Value::from(el.len());
    let ac = al.map(|l| Value::from(l.len()));
    d.field(ac.as_ref() == Some(&ec), &format!("{code} {key}.count"), &ec, ac.as_ref().or(a.get(key)));
}
