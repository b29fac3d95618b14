//! Field-level evaluation of perfplan output against ground truth: the comparison
//! rules of the project's scorer (`tools/score.py` of the shared material), in Rust.
//!
//! For every `<stem>.expected.json` in the expected directory, the actual document is
//! `<stem>.json` of the actual directory ([`Actual::Dir`]), or the conversion of
//! `<stem>.pdf` with the library's pipeline ([`Actual::Pdf`], in memory). A missing or
//! unreadable/invalid actual file counts as an output with no objectives.
//!
//! * Objectives are matched by `code` (normalized; first occurrence wins; duplicates
//!   and codes that are not expected are extra objectives). An expected code that is
//!   listed twice matches the same actual objective twice, as in the scorer.
//! * Per matched objective the [`ALL_FIELDS`] are compared: the objective's fields,
//!   `dup_links[i].*` and `indicators[i].*` aligned by index, and the list lengths
//!   `dup_links.count`, `indicators.count` (so extra rows are not free). Where the
//!   EXPECTED document has `schema_version` "2", the [`V2_FIELDS`] too, after the v1
//!   fields of each objective: `level`, `responsibility_center.{code,name}`,
//!   `weight`, `purpose`, `achievement`, `phases[i].*` and `phases.count`, and per
//!   indicator `unit`, `weight`, `baseline.year`, `baseline.value` (the whole
//!   Target), `targets[j].year`, `targets[j].target.*`, `targets.count`,
//!   `actual.*`, `achievement`; a sub-field of an expected null (`actual`,
//!   `responsibility_center`, `baseline`) is right only when the actual parent is
//!   null. The reports list the v2 rows only when some were compared. A missing
//!   expected objective counts all of its fields wrong (they are not listed as
//!   mismatches; the objective is listed as missing).
//! * Normalization: Unicode NFC (not NFKC), whitespace collapsed and trimmed; in
//!   `description` a leading bullet marker is stripped from every line first.
//!   Numbers are equal within 1e-9; null equals only null (`""` is not null); a field
//!   absent from the actual objective is wrong.
//! * score = field accuracy × objective precision.
//!
//! Actual files are read as Python's `json` module reads them (so that the numbers
//! agree with the scorer on imperfect files too): a UTF-8 BOM is skipped, `NaN`,
//! `Infinity`, `-Infinity`, numbers that overflow a double and lone UTF-16
//! surrogate escapes are accepted (they never compare equal to a valid value).
//!
//! The result is an [`EvalReport`], a plain serde value: the command line prints it
//! as text ([`EvalReport::write_text`]) or JSON (keys of the scorer's `--json`
//! report, plus more), and other reports (HTML) can be built from it.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rayon::prelude::*;
use regex::Regex;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

use crate::pipeline::{self, Options};

// ---------------------------------------------------------------------------
// Fields

/// Objective fields compared, in the scorer's order.
pub const OBJ_FIELDS: [&str; 10] = [
    "year",
    "title",
    "directorate",
    "director",
    "service",
    "executive",
    "classification",
    "typology",
    "description",
    "pages",
];
/// DUP link fields compared.
pub const DUP_FIELDS: [&str; 4] = ["label", "code", "text", "refs"];
/// Target fields compared.
pub const TARGET_FIELDS: [&str; 6] = ["raw", "value", "unit", "comparator", "date", "boolean"];
/// Indicator fields compared (target fields prefixed with `target.`).
pub const IND_FIELDS: [&str; 8] = [
    "description",
    "type",
    "target.raw",
    "target.value",
    "target.unit",
    "target.comparator",
    "target.date",
    "target.boolean",
];
/// Every scored field, in the scorer's order (the rows of the per-field table).
pub const ALL_FIELDS: [&str; 24] = [
    "year",
    "title",
    "directorate",
    "director",
    "service",
    "executive",
    "classification",
    "typology",
    "description",
    "pages",
    "dup_links.label",
    "dup_links.code",
    "dup_links.text",
    "dup_links.refs",
    "dup_links.count",
    "indicators.description",
    "indicators.type",
    "indicators.target.raw",
    "indicators.target.value",
    "indicators.target.unit",
    "indicators.target.comparator",
    "indicators.target.date",
    "indicators.target.boolean",
    "indicators.count",
];

/// Contract v2 objective fields compared (only where the expected document has
/// `schema_version` "2").
pub const V2_OBJ_FIELDS: [&str; 6] =
    ["level", "responsibility_center.code", "responsibility_center.name", "weight", "purpose", "achievement"];
/// Phase fields compared (v2), aligned by index.
pub const PHASE_FIELDS: [&str; 7] =
    ["description", "weight", "start", "end", "responsible", "responsibility_center", "notes"];
/// The contract v2 fields, in the scorer's order (`V2_FIELDS` of score.py): scored
/// only for objectives whose EXPECTED document has `schema_version` "2", and listed
/// in the reports only when some were compared.
pub const V2_FIELDS: [&str; 33] = [
    "level",
    "responsibility_center.code",
    "responsibility_center.name",
    "weight",
    "purpose",
    "achievement",
    "phases.description",
    "phases.weight",
    "phases.start",
    "phases.end",
    "phases.responsible",
    "phases.responsibility_center",
    "phases.notes",
    "phases.count",
    "indicators.unit",
    "indicators.weight",
    "indicators.baseline.year",
    "indicators.baseline.value",
    "indicators.targets.count",
    "indicators.targets.year",
    "indicators.targets.target.raw",
    "indicators.targets.target.value",
    "indicators.targets.target.unit",
    "indicators.targets.target.comparator",
    "indicators.targets.target.date",
    "indicators.targets.target.boolean",
    "indicators.actual.raw",
    "indicators.actual.value",
    "indicators.actual.unit",
    "indicators.actual.comparator",
    "indicators.actual.date",
    "indicators.actual.boolean",
    "indicators.achievement",
];

/// Every field counted: [`ALL_FIELDS`] then [`V2_FIELDS`].
const FIELD_SLOTS: usize = ALL_FIELDS.len() + V2_FIELDS.len();

/// The name of a counted field by its slot.
fn slot_name(i: usize) -> &'static str {
    if i < ALL_FIELDS.len() {
        ALL_FIELDS[i]
    } else {
        V2_FIELDS[i - ALL_FIELDS.len()]
    }
}

fn field_index(field: &str) -> usize {
    ALL_FIELDS
        .iter()
        .position(|f| *f == field)
        .or_else(|| V2_FIELDS.iter().position(|f| *f == field).map(|i| ALL_FIELDS.len() + i))
        .expect("a scored field")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cmp {
    Str,
    Desc,
    Num,
    Bool,
    NumList,
    StrList,
    /// A whole Target (v2 `baseline.value`): every sub-field with its own rule.
    Target,
}

fn cmp_for(field: &str) -> Cmp {
    match field {
        "year"
        | "indicators.target.value"
        | "weight"
        | "achievement"
        | "phases.weight"
        | "indicators.weight"
        | "indicators.baseline.year"
        | "indicators.targets.year"
        | "indicators.targets.target.value"
        | "indicators.actual.value"
        | "indicators.achievement" => Cmp::Num,
        "description" | "purpose" => Cmp::Desc,
        "pages" => Cmp::NumList,
        "dup_links.refs" => Cmp::StrList,
        "indicators.target.boolean" | "indicators.targets.target.boolean" | "indicators.actual.boolean" => Cmp::Bool,
        "indicators.baseline.value" => Cmp::Target,
        _ => Cmp::Str,
    }
}

// ---------------------------------------------------------------------------
// Normalization and equality

fn ws() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    // Python's `\s` on str: Unicode whitespace, plus the separators \x1c-\x1f.
    R.get_or_init(|| Regex::new(r"[\s\x1c-\x1f]+").unwrap())
}

fn bullet() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    // `\d`: any Unicode decimal digit, as Python's `\d` on str.
    R.get_or_init(|| Regex::new(r"^[\s\x1c-\x1f]*(?:[-•–—·▪◦*]|\d{1,3}\))[\s\x1c-\x1f]+").unwrap())
}

fn line_break() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new("\r\n|\r|\n|\u{2028}|\u{2029}").unwrap())
}

/// Python's `str.strip()` whitespace (Unicode `White_Space` plus \x1c-\x1f).
fn py_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// Unicode NFC, whitespace runs collapsed to one space, trimmed.
pub fn norm(s: &str) -> String {
    let nfc: String = s.nfc().collect();
    ws().replace_all(&nfc, " ").trim_matches(py_space).to_string()
}

/// [`norm`] after stripping a leading bullet marker (`- `, `• `, `1) `, …) from
/// every line: how `description` is compared.
pub fn norm_desc(s: &str) -> String {
    let nfc: String = s.nfc().collect();
    let lines: Vec<String> = line_break().split(&nfc).map(|l| bullet().replace(l, "").into_owned()).collect();
    norm(&lines.join(" "))
}

/// Prefix of the strings that stand for the non-finite numbers of an actual file.
const NONFINITE: &str = "\u{0}perfplan-nonfinite:";

#[cfg(test)]
fn is_nonfinite(v: &Value) -> bool {
    matches!(v, Value::String(s) if s.starts_with(NONFINITE))
}

/// A JSON string (a code), unless it stands for a non-finite number.
fn as_text(v: &Value) -> Option<&str> {
    v.as_str().filter(|s| !s.starts_with(NONFINITE))
}

fn eq_str(e: &Value, a: Option<&Value>) -> bool {
    match (e, a) {
        (Value::Null, a) => matches!(a, Some(Value::Null)),
        (Value::String(e), Some(a)) => as_text(a).is_some_and(|a| norm(e) == norm(a)),
        _ => false,
    }
}

fn eq_desc(e: &Value, a: Option<&Value>) -> bool {
    match (e, a) {
        (Value::Null, a) => matches!(a, Some(Value::Null)),
        (Value::String(e), Some(a)) => as_text(a).is_some_and(|a| norm_desc(e) == norm_desc(a)),
        _ => false,
    }
}

fn eq_num(e: &Value, a: Option<&Value>) -> bool {
    match (e, a) {
        (Value::Null, a) => matches!(a, Some(Value::Null)),
        (e, Some(Value::Number(a))) => match (e.as_f64(), a.as_f64()) {
            (Some(e), Some(a)) => a.is_finite() && (e - a).abs() <= 1e-9,
            _ => false,
        },
        _ => false,
    }
}

fn eq_bool(e: &Value, a: Option<&Value>) -> bool {
    match (e, a) {
        (Value::Null, a) => matches!(a, Some(Value::Null)),
        (Value::Bool(e), Some(Value::Bool(a))) => e == a,
        // Python: `True == 1`.
        (Value::Number(e), Some(Value::Bool(a))) => e.as_f64() == Some(if *a { 1.0 } else { 0.0 }),
        _ => false,
    }
}

fn eq_list(e: &Value, a: Option<&Value>, item: fn(&Value, Option<&Value>) -> bool) -> bool {
    match (e, a) {
        (Value::Array(e), Some(Value::Array(a))) => {
            e.len() == a.len() && e.iter().zip(a).all(|(x, y)| item(x, Some(y)))
        }
        _ => false,
    }
}

/// A whole Target: null only equals null; otherwise an object whose every
/// [`TARGET_FIELDS`] sub-field compares as `indicators.target.<field>` (an absent
/// sub-field is wrong).
fn eq_target(e: &Value, a: Option<&Value>) -> bool {
    match (e, a) {
        (Value::Null, a) => matches!(a, Some(Value::Null)),
        (e, Some(a @ Value::Object(_))) => TARGET_FIELDS.iter().all(|f| {
            let ef = e.get(f).unwrap_or(&Value::Null);
            field_eq(&format!("indicators.target.{f}"), ef, a.get(f))
        }),
        _ => false,
    }
}

/// Does `actual` (`None`: absent) count as equal to `expected` for `field` (one of
/// [`ALL_FIELDS`] or [`V2_FIELDS`])?
pub fn field_eq(field: &str, expected: &Value, actual: Option<&Value>) -> bool {
    match cmp_for(field) {
        Cmp::Str => eq_str(expected, actual),
        Cmp::Desc => eq_desc(expected, actual),
        Cmp::Num => eq_num(expected, actual),
        Cmp::Bool => eq_bool(expected, actual),
        Cmp::NumList => eq_list(expected, actual, eq_num),
        Cmp::StrList => eq_list(expected, actual, eq_str),
        Cmp::Target => eq_target(expected, actual),
    }
}

// ---------------------------------------------------------------------------
// Reading JSON as Python's `json` does

/// Parse an actual file as the scorer does (`bytes.decode("utf-8-sig")` then
/// `json.loads`): `None` when it is not valid (for Python) JSON. Non-finite numbers
/// and lone surrogates, which Python accepts and serde_json does not, are kept as
/// values that never compare equal to a valid one.
pub fn parse_json(bytes: &[u8]) -> Option<Value> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).ok()?;
    match serde_json::from_str(text) {
        Ok(v) => Some(v),
        Err(_) => serde_json::from_str(&python_compat(text)).ok(),
    }
}

/// Rewrite what Python's JSON parser accepts beyond the standard: `NaN`,
/// `Infinity`, `-Infinity` and numbers that overflow a double become marker strings,
/// lone surrogate escapes become U+FFFD.
///
/// Kept on purpose (issue 10 asked whether it could go): without it, a file with
/// one `NaN` is invalid JSON and all its fields count wrong, where the scorer
/// counts only that field; the agreement check of `.ci/run` then fails on 6 of
/// the 8 corrupted copies (`tools/corrupt_outputs.py` writes `NaN`). A lenient
/// parser crate does not read what Python reads either: `json5` turns `NaN` and
/// `1e999` into `null` in a `serde_json::Value` (a NaN where null is expected
/// would then count right; the corrupted fixtures have one), rejects lone
/// surrogates, and accepts trailing commas, comments, single quotes and hex
/// numbers, which make a file invalid JSON for the scorer.
fn python_compat(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 16);
    let marker = |name: &str| format!("\"\\u0000{}{name}\"", &NONFINITE[1..]);
    let mut i = 0;
    while i < b.len() {
        let rest = &text[i..];
        match b[i] {
            b'"' => {
                // A string: copy up to its closing quote, fixing lone surrogates.
                out.push('"');
                i += 1;
                while i < b.len() {
                    match b[i] {
                        b'"' => {
                            out.push('"');
                            i += 1;
                            break;
                        }
                        b'\\' if b.get(i + 1) == Some(&b'u') => {
                            let hex = |at: usize| text.get(at..at + 4).and_then(|h| u16::from_str_radix(h, 16).ok());
                            match hex(i + 2) {
                                Some(0xD800..=0xDBFF) => {
                                    let paired = text.get(i + 6..i + 8) == Some("\\u")
                                        && hex(i + 8).is_some_and(|lo| (0xDC00..=0xDFFF).contains(&lo));
                                    if paired {
                                        out.push_str(&text[i..i + 12]);
                                        i += 12;
                                    } else {
                                        out.push_str("\\ufffd");
                                        i += 6;
                                    }
                                }
                                Some(0xDC00..=0xDFFF) => {
                                    out.push_str("\\ufffd");
                                    i += 6;
                                }
                                _ => {
                                    out.push_str("\\u");
                                    i += 2;
                                }
                            }
                        }
                        b'\\' if i + 1 < b.len() => {
                            out.push('\\');
                            i += 1;
                            let c = text[i..].chars().next().unwrap();
                            out.push(c);
                            i += c.len_utf8();
                        }
                        _ => {
                            let c = text[i..].chars().next().unwrap();
                            out.push(c);
                            i += c.len_utf8();
                        }
                    }
                }
            }
            _ if rest.starts_with("NaN") => {
                out.push_str(&marker("NaN"));
                i += 3;
            }
            _ if rest.starts_with("Infinity") => {
                out.push_str(&marker("Infinity"));
                i += 8;
            }
            _ if rest.starts_with("-Infinity") => {
                out.push_str(&marker("-Infinity"));
                i += 9;
            }
            b'-' | b'0'..=b'9' => {
                let len =
                    rest.bytes().take_while(|c| matches!(c, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')).count();
                let token = &rest[..len];
                match token.parse::<f64>() {
                    Ok(x) if x.is_infinite() => out.push_str(&marker(if x > 0.0 { "Infinity" } else { "-Infinity" })),
                    _ => out.push_str(token),
                }
                i += len;
            }
            _ => {
                let c = rest.chars().next().unwrap();
                out.push(c);
                i += c.len_utf8();
            }
        }
    }
    out
}

/// A value for a report: the markers of non-finite numbers shown as `"NaN"` etc.
fn clean(v: &Value) -> Value {
    match v {
        Value::String(s) if s.starts_with(NONFINITE) => Value::String(s[NONFINITE.len()..].to_string()),
        Value::Array(a) => Value::Array(a.iter().map(clean).collect()),
        Value::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.clone(), clean(v))).collect()),
        v => v.clone(),
    }
}

// ---------------------------------------------------------------------------
// Report types

/// Correct and total count of one field.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FieldCount {
    pub correct: usize,
    pub total: usize,
}

impl FieldCount {
    /// correct / total (1.0 when nothing was compared).
    pub fn accuracy(&self) -> f64 {
        if self.total == 0 {
            1.0
        } else {
            self.correct as f64 / self.total as f64
        }
    }
}

/// One [`FieldCount`] per field of [`ALL_FIELDS`] and then of [`V2_FIELDS`], in
/// that order. Serialized as a map `field -> {correct, total}`, like the scorer's
/// `fields`: the v2 fields only when some of them were compared (as the scorer
/// shows them only then).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldCounts(pub [FieldCount; FIELD_SLOTS]);

impl Default for FieldCounts {
    fn default() -> Self {
        FieldCounts([FieldCount::default(); FIELD_SLOTS])
    }
}

impl FieldCounts {
    /// Were any contract v2 fields compared (an expected document of version 2)?
    pub fn has_v2(&self) -> bool {
        self.0[ALL_FIELDS.len()..].iter().any(|c| c.total > 0)
    }

    /// `(field, count)` of the fields shown in a report: [`ALL_FIELDS`], then
    /// [`V2_FIELDS`] when any of them was compared.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &FieldCount)> {
        let n = if self.has_v2() { FIELD_SLOTS } else { ALL_FIELDS.len() };
        self.0[..n].iter().enumerate().map(|(i, c)| (slot_name(i), c))
    }
    /// The count of one field of [`ALL_FIELDS`] or [`V2_FIELDS`].
    pub fn get(&self, field: &str) -> Option<&FieldCount> {
        ALL_FIELDS
            .iter()
            .position(|f| *f == field)
            .or_else(|| V2_FIELDS.iter().position(|f| *f == field).map(|i| ALL_FIELDS.len() + i))
            .map(|i| &self.0[i])
    }
    fn add(&mut self, other: &FieldCounts) {
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            a.correct += b.correct;
            a.total += b.total;
        }
    }
}

impl Serialize for FieldCounts {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        for (f, c) in self.iter() {
            m.serialize_entry(f, c)?;
        }
        m.end()
    }
}

/// An objective of one side that has no counterpart on the other.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ObjectiveRef {
    /// Its code as written (`None`: no code, or not a string).
    pub code: Option<String>,
    /// Its `pages` (the 1-based pages of its sheet), as far as they are integers.
    pub pages: Vec<u32>,
    /// Its position in its document's `objectives`.
    pub index: usize,
}

/// One wrong field of a matched objective.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Mismatch {
    /// As the scorer writes it: `<stem> <code>`, `<stem> <code> indicators[3]`.
    #[serde(rename = "where")]
    pub location: String,
    /// The scored field, one of [`ALL_FIELDS`] (`indicators.target.raw`).
    pub field: String,
    /// Expected value.
    pub expected: Value,
    /// Actual value (`null` when absent: see `absent`).
    pub actual: Value,
    /// The field is absent from the actual objective (or the row is missing).
    pub absent: bool,
    /// The file's stem.
    pub file: String,
    /// The objective's code (as in the expected file).
    pub code: String,
    /// Path of the field inside the objective: `title`, `indicators[3].target.raw`,
    /// `dup_links.count`.
    pub path: String,
    /// Pages of the expected objective.
    pub expected_pages: Vec<u32>,
    /// Pages of the actual objective.
    pub actual_pages: Vec<u32>,
}

/// The score of one file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FileReport {
    pub stem: String,
    /// `ok`, `missing`, `invalid JSON`, `not an object`, `no objectives array`, or
    /// (`--pdf`) `conversion failed`.
    pub status: String,
    /// Expected objectives.
    pub expected: usize,
    /// Actual objectives (every entry of `objectives`, duplicates included).
    pub actual: usize,
    /// Expected objectives found.
    pub matched: usize,
    /// Correct fields.
    pub correct: usize,
    /// Fields compared.
    pub total: usize,
    /// Expected codes not found.
    pub missing_codes: Vec<String>,
    /// Actual objectives not matched: duplicates and objectives without a code
    /// first (code as written, `null` if none), then unexpected codes (normalized).
    pub extra_codes: Vec<Option<String>>,
    /// The missing objectives, with their expected pages.
    pub missing: Vec<ObjectiveRef>,
    /// The extra objectives, with their pages, in the order of `extra_codes`.
    pub extra: Vec<ObjectiveRef>,
    /// Per-field counts of this file.
    pub fields: FieldCounts,
    /// The ground-truth file.
    pub expected_file: PathBuf,
    /// The actual file read, or the PDF converted.
    pub actual_file: PathBuf,
    /// Why the actual document could not be used (conversion error), if known.
    pub error: Option<String>,
    /// The wrong fields of this file (also in [`EvalReport::mismatches`]).
    #[serde(skip)]
    pub mismatches: Vec<Mismatch>,
}

impl FileReport {
    /// correct / total (1.0 when nothing was compared).
    pub fn accuracy(&self) -> f64 {
        if self.total == 0 {
            1.0
        } else {
            self.correct as f64 / self.total as f64
        }
    }
}

/// The evaluation of a directory of ground truth.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EvalReport {
    /// field accuracy × objective precision.
    pub score: f64,
    pub field_accuracy: f64,
    pub objective_recall: f64,
    pub objective_precision: f64,
    /// Per-field counts over every file.
    pub fields: FieldCounts,
    pub files: Vec<FileReport>,
    /// Every wrong field of a matched objective, file by file, in document order.
    pub mismatches: Vec<Mismatch>,
    /// Correct fields.
    pub correct: usize,
    /// Fields compared.
    pub total: usize,
    pub expected_objectives: usize,
    pub actual_objectives: usize,
    pub matched_objectives: usize,
    pub expected_dir: PathBuf,
    /// `dir` (JSON files read) or `pdf` (PDFs converted).
    pub mode: &'static str,
    /// The directory of actual JSON files, or of PDFs.
    pub actual_dir: PathBuf,
}

impl EvalReport {
    /// Totals over scored files (in the given order).
    pub fn from_files(
        expected_dir: &Path,
        mode: &'static str,
        actual_dir: &Path,
        files: Vec<FileReport>,
    ) -> EvalReport {
        let mut fields = FieldCounts::default();
        let (mut exp, mut act, mut hit) = (0, 0, 0);
        let mut mismatches = Vec::new();
        for f in &files {
            fields.add(&f.fields);
            exp += f.expected;
            act += f.actual;
            hit += f.matched;
            mismatches.extend(f.mismatches.iter().cloned());
        }
        let correct: usize = fields.0.iter().map(|c| c.correct).sum();
        let total: usize = fields.0.iter().map(|c| c.total).sum();
        let acc = if total > 0 { correct as f64 / total as f64 } else { 1.0 };
        let recall = if exp > 0 { hit as f64 / exp as f64 } else { 1.0 };
        let precision = if act > 0 {
            hit as f64 / act as f64
        } else if exp == 0 {
            1.0
        } else {
            0.0
        };
        EvalReport {
            score: acc * precision,
            field_accuracy: acc,
            objective_recall: recall,
            objective_precision: precision,
            fields,
            files,
            mismatches,
            correct,
            total,
            expected_objectives: exp,
            actual_objectives: act,
            matched_objectives: hit,
            expected_dir: expected_dir.to_path_buf(),
            mode,
            actual_dir: actual_dir.to_path_buf(),
        }
    }
}

// ---------------------------------------------------------------------------
// Scoring one document

/// Why an evaluation cannot run (a usage error: nothing is scored).
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("{0}: not a directory")]
    NotADirectory(PathBuf),
    #[error("no *.expected.json file in {0}")]
    NoExpected(PathBuf),
    #[error("{file}: invalid ground truth: {message}")]
    Expected { file: PathBuf, message: String },
    #[error("{dir}: cannot list: {source}")]
    List { dir: PathBuf, source: io::Error },
    #[error("cannot start worker threads: {0}")]
    Threads(String),
}

/// The actual document of a file, as the scorer sees it.
#[derive(Clone, Debug)]
pub struct ActualDoc {
    /// See [`FileReport::status`].
    pub status: String,
    pub objectives: Vec<Value>,
    pub error: Option<String>,
}

impl ActualDoc {
    /// No document: `status` (`missing`, `conversion failed`).
    pub fn none(status: &str, error: Option<String>) -> ActualDoc {
        ActualDoc { status: status.to_string(), objectives: Vec::new(), error }
    }

    /// A parsed document (or `None`: invalid JSON).
    pub fn from_value(doc: Option<Value>) -> ActualDoc {
        match doc {
            None => ActualDoc::none("invalid JSON", None),
            Some(Value::Object(mut m)) => match m.remove("objectives") {
                Some(Value::Array(objs)) => ActualDoc { status: "ok".into(), objectives: objs, error: None },
                _ => ActualDoc::none("no objectives array", None),
            },
            Some(_) => ActualDoc::none("not an object", None),
        }
    }

    /// The bytes of an actual file.
    pub fn from_bytes(bytes: &[u8]) -> ActualDoc {
        ActualDoc::from_value(parse_json(bytes))
    }

    /// Read `path` (missing or unreadable: `missing`, as the scorer's
    /// `os.path.isfile` + read).
    pub fn read(path: &Path) -> ActualDoc {
        if !path.is_file() {
            return ActualDoc::none("missing", None);
        }
        match std::fs::read(path) {
            Ok(bytes) => ActualDoc::from_bytes(&bytes),
            Err(e) => ActualDoc::none("invalid JSON", Some(e.to_string())),
        }
    }
}

fn pages_of(o: Option<&Value>) -> Vec<u32> {
    o.and_then(|o| o.get("pages"))
        .and_then(Value::as_array)
        .map(|p| p.iter().filter_map(|x| x.as_u64().and_then(|n| u32::try_from(n).ok())).collect())
        .unwrap_or_default()
}

/// `d.get(key)` when `d` is an object.
fn get<'a>(d: Option<&'a Value>, key: &str) -> Option<&'a Value> {
    d?.as_object()?.get(key)
}

struct Tally<'a> {
    fields: FieldCounts,
    mismatches: Vec<Mismatch>,
    stem: &'a str,
}

struct ObjCtx<'a> {
    code: &'a str,
    expected_pages: Vec<u32>,
    actual_pages: Vec<u32>,
}

impl Tally<'_> {
    /// Count one field; a wrong field of a matched objective (`ctx`) is listed.
    fn add(&mut self, field: &str, ok: bool, ctx: Option<(&ObjCtx, &str, &str)>, e: &Value, a: Option<&Value>) {
        let c = &mut self.fields.0[field_index(field)];
        c.total += 1;
        if ok {
            c.correct += 1;
            return;
        }
        if let Some((obj, row, path)) = ctx {
            let location = if row.is_empty() {
                format!("{} {}", self.stem, obj.code)
            } else {
                format!("{} {} {row}", self.stem, obj.code)
            };
            self.mismatches.push(Mismatch {
                location,
                field: field.to_string(),
                expected: clean(e),
                actual: a.map(clean).unwrap_or(Value::Null),
                absent: a.is_none(),
                file: self.stem.to_string(),
                code: obj.code.to_string(),
                path: path.to_string(),
                expected_pages: obj.expected_pages.clone(),
                actual_pages: obj.actual_pages.clone(),
            });
        }
    }
}

fn as_list(v: Option<&Value>) -> &[Value] {
    v.and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[])
}

/// The scorer's `score_objective`: `act` is `None` when the objective is missing
/// (every field wrong, none listed).
fn score_objective(t: &mut Tally, exp: &Value, act: Option<&Value>, code: &str) {
    let null = Value::Null;
    let ctx = ObjCtx { code, expected_pages: pages_of(Some(exp)), actual_pages: pages_of(act) };
    let matched = act.is_some();
    let add = |t: &mut Tally, field: &str, e: &Value, a: Option<&Value>, loc: Option<(&ObjCtx, String, String)>| {
        let ok = matched && field_eq(field, e, a);
        t.add(field, ok, loc.as_ref().map(|(c, r, p)| (*c, r.as_str(), p.as_str())), e, a);
    };

    for f in OBJ_FIELDS {
        let e = exp.get(f).unwrap_or(&null);
        let a = get(act, f);
        add(t, f, e, a, matched.then(|| (&ctx, String::new(), f.to_string())));
    }

    // DUP links, aligned by index.
    let ed = as_list(exp.get("dup_links"));
    let ad = get(act, "dup_links");
    let ad_list = as_list(ad);
    for (i, el) in ed.iter().enumerate() {
        let al = ad_list.get(i);
        for f in DUP_FIELDS {
            let e = el.get(f).unwrap_or(&null);
            let a = get(al, f);
            add(
                t,
                &format!("dup_links.{f}"),
                e,
                a,
                matched.then(|| (&ctx, format!("dup_links[{i}]"), format!("dup_links[{i}].{f}"))),
            );
        }
    }
    count_field(t, "dup_links.count", matched, ed.len(), ad, &ctx);

    // Indicators, aligned by index.
    let ei = as_list(exp.get("indicators"));
    let ai = get(act, "indicators");
    let ai_list = as_list(ai);
    for (i, ind) in ei.iter().enumerate() {
        let an = ai_list.get(i);
        for f in IND_FIELDS {
            let (e, a) = match f.strip_prefix("target.") {
                Some(sub) => {
                    let et = ind.get("target").filter(|t| truthy(t));
                    (et.and_then(|t| t.get(sub)).unwrap_or(&null), get(get(an, "target"), sub))
                }
                None => (ind.get(f).unwrap_or(&null), get(an, f)),
            };
            add(
                t,
                &format!("indicators.{f}"),
                e,
                a,
                matched.then(|| (&ctx, format!("indicators[{i}]"), format!("indicators[{i}].{f}"))),
            );
        }
    }
    count_field(t, "indicators.count", matched, ei.len(), ai, &ctx);
}

/// The scorer's `score_objective_v2`: the contract v2 fields of one objective,
/// counted after its v1 fields.
fn score_objective_v2(t: &mut Tally, exp: &Value, act: Option<&Value>, code: &str) {
    let null = Value::Null;
    let ctx = ObjCtx { code, expected_pages: pages_of(Some(exp)), actual_pages: pages_of(act) };
    let matched = act.is_some();
    // One field: `row` is the scorer's `where` suffix, `path` the field's path.
    let add = |t: &mut Tally, field: &str, e: &Value, a: Option<&Value>, row: &str, path: &str| {
        let ok = matched && field_eq(field, e, a);
        t.add(field, ok, matched.then_some((&ctx, row, path)), e, a);
    };
    // The scorer's `_sub`: `parent[key]`; a null expected parent wants a null actual parent.
    let sub = |t: &mut Tally, field: &str, ep: &Value, ap: Option<&Value>, key: &str, row: &str, path: &str| {
        if ep.is_null() {
            let ok = matched && matches!(ap, Some(Value::Null));
            t.add(field, ok, matched.then_some((&ctx, row, path)), &null, ap);
        } else {
            let e = ep.get(key).unwrap_or(&null);
            add(t, field, e, get(ap, key), row, &format!("{path}.{key}"));
        }
    };
    // A list's length, as `phases.count` / `indicators[i].targets.count`.
    let count = |t: &mut Tally, field: &str, expected_len: usize, a: Option<&Value>, row: &str, path: &str| {
        let ok = matched && a.and_then(Value::as_array).is_some_and(|l| l.len() == expected_len);
        let shown = match a {
            Some(Value::Array(l)) => Some(Value::from(l.len())),
            other => other.cloned(),
        };
        t.add(field, ok, matched.then_some((&ctx, row, path)), &Value::from(expected_len), shown.as_ref());
    };

    for f in ["level", "weight", "purpose", "achievement"] {
        add(t, f, exp.get(f).unwrap_or(&null), get(act, f), "", f);
    }
    let erc = exp.get("responsibility_center").unwrap_or(&null);
    let arc = get(act, "responsibility_center");
    for k in ["code", "name"] {
        sub(t, &format!("responsibility_center.{k}"), erc, arc, k, "", "responsibility_center");
    }

    // Phases, aligned by index.
    let ep = as_list(exp.get("phases"));
    let ap = get(act, "phases");
    let ap_list = as_list(ap);
    for (i, ph) in ep.iter().enumerate() {
        let aph = ap_list.get(i);
        let row = format!("phases[{i}]");
        for f in PHASE_FIELDS {
            add(t, &format!("phases.{f}"), ph.get(f).unwrap_or(&null), get(aph, f), &row, &format!("{row}.{f}"));
        }
    }
    count(t, "phases.count", ep.len(), ap, "", "phases.count");

    // Indicators, aligned by index.
    let ei = as_list(exp.get("indicators"));
    let ai_list = as_list(get(act, "indicators"));
    for (i, ind) in ei.iter().enumerate() {
        let an = ai_list.get(i);
        let row = format!("indicators[{i}]");
        for f in ["unit", "weight", "achievement"] {
            add(t, &format!("indicators.{f}"), ind.get(f).unwrap_or(&null), get(an, f), &row, &format!("{row}.{f}"));
        }
        let eb = ind.get("baseline").unwrap_or(&null);
        let ab = get(an, "baseline");
        let base = format!("{row}.baseline");
        sub(t, "indicators.baseline.year", eb, ab, "year", &row, &base);
        sub(t, "indicators.baseline.value", eb, ab, "value", &row, &base);
        let et = as_list(ind.get("targets"));
        let at = get(an, "targets");
        let at_list = as_list(at);
        for (j, yt) in et.iter().enumerate() {
            let ayt = at_list.get(j);
            let trow = format!("{row}.targets[{j}]");
            add(
                t,
                "indicators.targets.year",
                yt.get("year").unwrap_or(&null),
                get(ayt, "year"),
                &trow,
                &format!("{trow}.year"),
            );
            let etg = yt.get("target").unwrap_or(&null);
            let atg = get(ayt, "target");
            let tpath = format!("{trow}.target");
            for f in TARGET_FIELDS {
                sub(t, &format!("indicators.targets.target.{f}"), etg, atg, f, &trow, &tpath);
            }
        }
        count(t, "indicators.targets.count", et.len(), at, &row, &format!("{row}.targets.count"));
        let ea = ind.get("actual").unwrap_or(&null);
        let aa = get(an, "actual");
        let apath = format!("{row}.actual");
        for f in TARGET_FIELDS {
            sub(t, &format!("indicators.actual.{f}"), ea, aa, f, &row, &apath);
        }
    }
}

/// Is the ground truth a contract v2 document? As the scorer decides it
/// (`str(schema_version) == "2"`: the string "2" or the integer 2).
pub fn is_v2_document(expected: &Value) -> bool {
    match expected.get("schema_version") {
        Some(Value::String(s)) => s == "2",
        Some(Value::Number(n)) => n.as_i64() == Some(2) && !n.is_f64(),
        _ => false,
    }
}

/// Python truthiness of a JSON value (for `x or {}`).
fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

fn count_field(t: &mut Tally, field: &str, matched: bool, expected_len: usize, actual: Option<&Value>, ctx: &ObjCtx) {
    let ok = matched && actual.and_then(Value::as_array).is_some_and(|l| l.len() == expected_len);
    let e = Value::from(expected_len);
    let a = match actual {
        Some(Value::Array(l)) => Some(Value::from(l.len())),
        other => other.cloned(),
    };
    t.add(field, ok, matched.then_some((ctx, "", field)), &e, a.as_ref());
}

/// Score one file: `expected` is the ground-truth document, `actual` what was read
/// (or converted). Fails only when the ground truth is not a document with an
/// `objectives` array of objects with a string `code`.
pub fn score_file(stem: &str, expected: &Value, actual: &ActualDoc) -> Result<FileReport, String> {
    let exp_objs: &[Value] = match expected {
        Value::Object(m) => match m.get("objectives") {
            None => &[],
            Some(Value::Array(a)) => a,
            Some(_) => return Err("`objectives` is not an array".into()),
        },
        _ => return Err("not a JSON object".into()),
    };
    let mut exp_codes = Vec::with_capacity(exp_objs.len());
    for (i, eo) in exp_objs.iter().enumerate() {
        match eo.get("code").and_then(Value::as_str) {
            Some(c) if eo.is_object() => exp_codes.push(c),
            _ => return Err(format!("objectives[{i}] has no string `code`")),
        }
    }

    // Actual objectives by normalized code, first occurrence wins.
    let mut by_code: HashMap<String, usize> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut extra_codes = Vec::new();
    let mut extra = Vec::new();
    for (i, o) in actual.objectives.iter().enumerate() {
        let code = if o.is_object() { o.get("code").and_then(as_text) } else { None };
        match code.map(norm) {
            Some(key) if !by_code.contains_key(&key) => {
                by_code.insert(key.clone(), i);
                order.push(key);
            }
            _ => {
                extra_codes.push(code.map(str::to_string));
                extra.push(ObjectiveRef { code: code.map(str::to_string), pages: pages_of(Some(o)), index: i });
            }
        }
    }

    let v2 = is_v2_document(expected);
    let mut t = Tally { fields: FieldCounts::default(), mismatches: Vec::new(), stem };
    let mut matched = 0;
    let mut expected_set = HashSet::new();
    let mut missing_codes = Vec::new();
    let mut missing = Vec::new();
    for (i, (eo, code)) in exp_objs.iter().zip(&exp_codes).enumerate() {
        let key = norm(code);
        let ao = by_code.get(&key).map(|&j| &actual.objectives[j]);
        if ao.is_some() {
            matched += 1;
        } else {
            missing_codes.push(code.to_string());
            missing.push(ObjectiveRef { code: Some(code.to_string()), pages: pages_of(Some(eo)), index: i });
        }
        expected_set.insert(key);
        score_objective(&mut t, eo, ao, code);
        if v2 {
            score_objective_v2(&mut t, eo, ao, code);
        }
    }
    for key in order.iter().filter(|k| !expected_set.contains(*k)) {
        let j = by_code[key];
        extra_codes.push(Some(key.clone()));
        extra.push(ObjectiveRef { code: Some(key.clone()), pages: pages_of(Some(&actual.objectives[j])), index: j });
    }

    let correct = t.fields.0.iter().map(|c| c.correct).sum();
    let total = t.fields.0.iter().map(|c| c.total).sum();
    Ok(FileReport {
        stem: stem.to_string(),
        status: actual.status.clone(),
        expected: exp_objs.len(),
        actual: actual.objectives.len(),
        matched,
        correct,
        total,
        missing_codes,
        extra_codes,
        missing,
        extra,
        fields: t.fields,
        expected_file: PathBuf::new(),
        actual_file: PathBuf::new(),
        error: actual.error.clone(),
        mismatches: t.mismatches,
    })
}

/// Score one actual document (as written by perfplan, or any JSON value) against
/// its ground truth.
pub fn score_documents(stem: &str, expected: &Value, actual: &Value) -> Result<FileReport, String> {
    score_file(stem, expected, &ActualDoc::from_value(Some(actual.clone())))
}

// ---------------------------------------------------------------------------
// Directories

/// Where the actual documents come from.
#[derive(Clone, Debug)]
pub enum Actual {
    /// `<stem>.json` files in this directory.
    Dir(PathBuf),
    /// `<stem>.pdf` (extension in any case) in this directory, converted in memory.
    Pdf { dir: PathBuf, options: Box<Options> },
}

/// The stems of the `*.expected.json` files of `dir`, sorted (by code point).
pub fn expected_stems(dir: &Path) -> Result<Vec<String>, EvalError> {
    if !dir.is_dir() {
        return Err(EvalError::NotADirectory(dir.to_path_buf()));
    }
    let rd = std::fs::read_dir(dir).map_err(|source| EvalError::List { dir: dir.to_path_buf(), source })?;
    let mut stems: Vec<String> = rd
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.strip_suffix(".expected.json")).map(str::to_string))
        .collect();
    stems.sort();
    if stems.is_empty() {
        return Err(EvalError::NoExpected(dir.to_path_buf()));
    }
    Ok(stems)
}

/// `stem -> PDF` for the PDFs directly in `dir` (`.pdf` in any case; the exact
/// `.pdf` wins over other cases).
fn pdfs_by_stem(dir: &Path) -> Result<HashMap<String, PathBuf>, EvalError> {
    let rd = std::fs::read_dir(dir).map_err(|source| EvalError::List { dir: dir.to_path_buf(), source })?;
    let mut paths: Vec<PathBuf> = rd
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.is_file() && p.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
        })
        .collect();
    paths.sort();
    let mut map = HashMap::new();
    for p in paths {
        let Some(stem) = p.file_stem().and_then(|s| s.to_str()).map(str::to_string) else { continue };
        let exact = p.extension().is_some_and(|e| e == "pdf");
        if exact || !map.contains_key(&stem) {
            map.insert(stem, p);
        }
    }
    Ok(map)
}

/// Score every `<stem>.expected.json` of `expected_dir` against `actual`, with
/// `jobs` worker threads (0: one per core).
pub fn evaluate(expected_dir: &Path, actual: &Actual, jobs: usize) -> Result<EvalReport, EvalError> {
    let stems = expected_stems(expected_dir)?;
    let (mode, actual_dir) = match actual {
        Actual::Dir(d) => ("dir", d),
        Actual::Pdf { dir, .. } => ("pdf", dir),
    };
    if !actual_dir.is_dir() {
        return Err(EvalError::NotADirectory(actual_dir.clone()));
    }
    let pdfs = match actual {
        Actual::Pdf { dir, .. } => pdfs_by_stem(dir)?,
        Actual::Dir(_) => HashMap::new(),
    };

    let one = |stem: &String| -> Result<FileReport, EvalError> {
        let expected_file = expected_dir.join(format!("{stem}.expected.json"));
        let bad = |message: String| EvalError::Expected { file: expected_file.clone(), message };
        let bytes = std::fs::read(&expected_file).map_err(|e| bad(e.to_string()))?;
        let expected = parse_json(&bytes).ok_or_else(|| bad("not valid JSON".into()))?;
        let (doc, actual_file) = match actual {
            Actual::Dir(dir) => {
                let path = dir.join(format!("{stem}.json"));
                (ActualDoc::read(&path), path)
            }
            Actual::Pdf { dir, options } => match pdfs.get(stem) {
                None => (ActualDoc::none("missing", None), dir.join(format!("{stem}.pdf"))),
                Some(pdf) => match pipeline::convert_file(pdf, options) {
                    Ok(d) => {
                        let v = serde_json::to_value(&d)
                            .map_err(|e| bad(format!("cannot serialize the conversion: {e}")))?;
                        (ActualDoc::from_value(Some(v)), pdf.clone())
                    }
                    Err(e) => (ActualDoc::none("conversion failed", Some(e.to_string())), pdf.clone()),
                },
            },
        };
        let mut report = score_file(stem, &expected, &doc).map_err(bad)?;
        report.expected_file = expected_file.clone();
        report.actual_file = actual_file;
        Ok(report)
    };

    let pool =
        rayon::ThreadPoolBuilder::new().num_threads(jobs).build().map_err(|e| EvalError::Threads(e.to_string()))?;
    let results: Vec<Result<FileReport, EvalError>> = pool.install(|| stems.par_iter().map(one).collect());
    let files = results.into_iter().collect::<Result<Vec<_>, _>>()?;
    Ok(EvalReport::from_files(expected_dir, mode, actual_dir, files))
}

// ---------------------------------------------------------------------------
// Text report

/// A value as shown in the text report (JSON, long values shortened).
fn show(v: &Value, absent: bool) -> String {
    if absent {
        return "<absent>".to_string();
    }
    let s = v.to_string();
    if s.chars().count() <= 160 {
        s
    } else {
        format!("{}...", s.chars().take(157).collect::<String>())
    }
}

/// Where two long strings part (after normalization): a few words of context, so
/// a difference deep inside a description is visible.
fn divergence(m: &Mismatch) -> Option<String> {
    let (Value::String(e), Value::String(a)) = (&m.expected, &m.actual) else { return None };
    let (e, a) = if m.field == "description" { (norm_desc(e), norm_desc(a)) } else { (norm(e), norm(a)) };
    if e.chars().count() <= 150 && a.chars().count() <= 150 {
        return None;
    }
    let ec: Vec<char> = e.chars().collect();
    let ac: Vec<char> = a.chars().collect();
    let at = ec.iter().zip(&ac).take_while(|(x, y)| x == y).count();
    let from = at.saturating_sub(30);
    let cut = |c: &[char]| -> String {
        let end = (at + 50).min(c.len());
        let s: String = c[from.min(c.len())..end].iter().collect();
        format!("{}{s}{}", if from > 0 { "…" } else { "" }, if end < c.len() { "…" } else { "" })
    };
    Some(format!("differ at char {at}: expected {:?} / actual {:?}", cut(&ec), cut(&ac)))
}

fn pages_str(p: &[u32]) -> String {
    if p.is_empty() {
        "-".to_string()
    } else {
        p.iter().map(u32::to_string).collect::<Vec<_>>().join(",")
    }
}

fn pct(c: usize, n: usize) -> f64 {
    if n == 0 {
        100.0
    } else {
        100.0 * c as f64 / n as f64
    }
}

impl EvalReport {
    /// The text report: per-field table, per-file table, missing and extra
    /// objectives, every wrong field, the objective and field summary, and last
    /// `score: X.XXXX` (as the scorer prints it).
    pub fn write_text(&self, w: &mut impl Write) -> io::Result<()> {
        let fw = self.fields.iter().map(|(f, _)| f.len()).max().unwrap_or(5);
        writeln!(w, "{:<fw$}  {:>8}  {:>8}  {:>7}", "field", "correct", "total", "acc")?;
        writeln!(w, "{}", "-".repeat(fw + 29))?;
        for (f, c) in self.fields.iter() {
            writeln!(w, "{f:<fw$}  {:>8}  {:>8}  {:>6.1}%", c.correct, c.total, pct(c.correct, c.total))?;
        }
        writeln!(w, "{}", "-".repeat(fw + 29))?;
        writeln!(
            w,
            "{:<fw$}  {:>8}  {:>8}  {:>6.1}%",
            "ALL FIELDS",
            self.correct,
            self.total,
            100.0 * self.field_accuracy
        )?;
        writeln!(w)?;

        // Names and codes come from file names and documents: printed escaped,
        // never interpreted by a terminal (see `pipeline::escape`).
        use crate::pipeline::escape as esc;
        let sw = self.files.iter().map(|f| esc(&f.stem).chars().count()).max().unwrap_or(0).max(4);
        writeln!(
            w,
            "{:<sw$}  {:<19}  {:>4}  {:>4}  {:>5}  {:>15}  {:>7}",
            "file", "status", "exp", "act", "match", "fields", "acc"
        )?;
        for f in &self.files {
            writeln!(
                w,
                "{:<sw$}  {:<19}  {:>4}  {:>4}  {:>5}  {:>7}/{:<7}  {:>6.1}%",
                esc(&f.stem),
                f.status,
                f.expected,
                f.actual,
                f.matched,
                f.correct,
                f.total,
                100.0 * f.accuracy()
            )?;
        }

        let problems = self.files.iter().any(|f| f.error.is_some() || !f.missing.is_empty() || !f.extra.is_empty());
        if problems {
            writeln!(w)?;
        }
        for f in &self.files {
            if let Some(e) = &f.error {
                writeln!(w, "FAILED   {}: {}", esc(&f.stem), esc(e))?;
            }
            for m in &f.missing {
                writeln!(
                    w,
                    "MISSING  {} {}  (expected pages {})",
                    esc(&f.stem),
                    esc(m.code.as_deref().unwrap_or("?")),
                    pages_str(&m.pages)
                )?;
            }
            for x in &f.extra {
                let code = match &x.code {
                    Some(c) => esc(c),
                    None => "<no code>".to_string(),
                };
                writeln!(
                    w,
                    "EXTRA    {} {code}  (objectives[{}], pages {})",
                    esc(&f.stem),
                    x.index,
                    pages_str(&x.pages)
                )?;
            }
        }

        if !self.mismatches.is_empty() {
            writeln!(w)?;
            writeln!(w, "{} wrong field(s):", self.mismatches.len())?;
        }
        for m in &self.mismatches {
            writeln!(
                w,
                "DIFF     {} {}  {}  (pages: expected {}, actual {})",
                esc(&m.file),
                esc(&m.code),
                esc(&m.path),
                pages_str(&m.expected_pages),
                pages_str(&m.actual_pages)
            )?;
            writeln!(w, "           expected {}", show(&m.expected, false))?;
            writeln!(w, "           actual   {}", show(&m.actual, m.absent))?;
            if let Some(d) = divergence(m) {
                writeln!(w, "           {d}")?;
            }
        }

        writeln!(w)?;
        writeln!(
            w,
            "objectives: expected {}, actual {}, matched {}",
            self.expected_objectives, self.actual_objectives, self.matched_objectives
        )?;
        writeln!(w, "objective recall:    {:.4}", self.objective_recall)?;
        writeln!(w, "objective precision: {:.4}", self.objective_precision)?;
        writeln!(w, "field accuracy:      {:.4}", self.field_accuracy)?;
        writeln!(w, "score: {:.4}", self.score)?;
        Ok(())
    }

    /// [`EvalReport::write_text`] into a string.
    pub fn to_text(&self) -> String {
        let mut v = Vec::new();
        self.write_text(&mut v).expect("write to memory");
        String::from_utf8(v).expect("UTF-8")
    }
}

/// One line per wrong field or objective-level problem of a file (for test
/// failures): `2020_Z101 indicators[3].target.raw`, expected and actual values.
pub fn describe_problems(f: &FileReport) -> Vec<String> {
    let mut out = Vec::new();
    for m in &f.missing {
        out.push(format!("missing objective {}", m.code.as_deref().unwrap_or("?")));
    }
    for x in &f.extra {
        let mut s = String::new();
        let _ = match &x.code {
            Some(c) => write!(s, "extra objective {c}"),
            None => write!(s, "extra objective without code (objectives[{}])", x.index),
        };
        out.push(s);
    }
    for m in &f.mismatches {
        out.push(format!(
            "{} {}\n      expected {}\n      actual   {}",
            m.code,
            m.path,
            show(&m.expected, false),
            show(&m.actual, m.absent)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn grid_fields_are_the_labels_grid_fields() {
        // The grid's field names live in `labels::GridField`; the scorer's
        // list must follow them (a rename there fails here).
        let names: Vec<&str> = crate::labels::GridField::ALL.iter().map(|f| f.name()).collect();
        assert_eq!(OBJ_FIELDS[2..8], names[..]);
        assert_eq!(ALL_FIELDS[2..8], names[..]);
    }

    #[test]
    fn normalization() {
        assert_eq!(norm("  a\u{a0}\t b\n"), "a b");
        assert_eq!(norm("Attivita\u{300}"), "Attività");
        assert_ne!(norm("\u{fb01}ne"), "fine");
        assert_eq!(norm_desc("Intro:\n\n- uno;\n• due\n1) tre\n12 mesi"), "Intro: uno; due tre 12 mesi");
        assert_eq!(norm_desc("-no space"), "-no space");
        assert_eq!(norm_desc("\u{661}) uno\n\u{1c}- due"), "uno due");
        assert_eq!(norm("a\u{1f}b\u{85}"), "a b");
    }

    #[test]
    fn equality_rules() {
        assert!(field_eq("title", &json!(null), Some(&json!(null))));
        assert!(!field_eq("title", &json!(null), Some(&json!(""))));
        assert!(!field_eq("title", &json!(""), Some(&json!(null))));
        assert!(!field_eq("title", &json!(null), None));
        assert!(field_eq("year", &json!(2020), Some(&json!(2020.0000000001))));
        assert!(!field_eq("year", &json!(2020), Some(&json!(2020.001))));
        assert!(!field_eq("year", &json!(2020), Some(&json!("2020"))));
        assert!(!field_eq("indicators.target.boolean", &json!(true), Some(&json!(1))));
        assert!(field_eq("indicators.target.boolean", &json!(true), Some(&json!(true))));
        assert!(field_eq("pages", &json!([1, 2]), Some(&json!([1.0, 2]))));
        assert!(!field_eq("pages", &json!([1, 2]), Some(&json!([1]))));
        assert!(field_eq("dup_links.refs", &json!([" a "]), Some(&json!(["a"]))));
    }

    #[test]
    fn python_json_extensions() {
        let v = parse_json(
            b"\xef\xbb\xbf{\"a\": NaN, \"b\": [-Infinity, 1e999], \"c\": \"x\\ud800y\", \"d\": \"\\ud83d\\ude00\"}",
        )
        .expect("python accepts it");
        assert!(is_nonfinite(&v["a"]) && is_nonfinite(&v["b"][0]) && is_nonfinite(&v["b"][1]));
        assert_eq!(v["c"], json!("x\u{fffd}y"));
        assert_eq!(v["d"], json!("😀"));
        assert!(!field_eq("year", &json!(1), Some(&v["a"])));
        assert!(!field_eq("title", &json!("NaN"), Some(&v["a"])));
        assert_eq!(clean(&v["b"]), json!(["-Infinity", "Infinity"]));
        assert!(parse_json(b"{\"a\": 1,}").is_none());
        assert!(parse_json(b"\xff").is_none());
        assert!(parse_json(b"").is_none());
    }
}
