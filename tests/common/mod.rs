//! Shared by the integration tests: the fixture corpus and the golden comparison.
//!
//! The comparison is the library's (`perfplan::eval`, which implements the project's
//! scorer, `tools/score.py` of the shared material, field by field: Unicode NFC,
//! whitespace collapsed and trimmed, leading bullet markers stripped from every line
//! of `description`, numbers equal within 1e-9, null equal only to null (`""` is not
//! null), an absent field is wrong, and list lengths (`dup_links.count`,
//! `indicators.count`) must match).
#![allow(dead_code)]

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use perfplan::eval;
use serde_json::Value;

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
// The golden comparison: the library's scorer (`perfplan::eval`, the same rules as
// the project's score.py), plus checks that are not scored.

/// Result of comparing one actual document with its expected document.
#[derive(Default, Debug)]
pub struct Diff {
    /// Fields compared (as the scorer counts them).
    pub total: usize,
    /// One readable line per wrong field or objective-level problem.
    pub wrong: Vec<String>,
}

impl Diff {
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
        Some(v) => v.to_string(),
    }
}

/// Compare `actual` (a document as written) with `expected` (ground truth): every
/// scored field (`perfplan::eval::score_documents`), missing and extra objectives,
/// and, not scored but checked, the source metadata the ground truth records and
/// the order of the matched objectives.
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
    let report = eval::score_documents("actual", expected, actual).unwrap_or_else(|e| panic!("ground truth: {e}"));
    d.total = report.total;
    d.wrong.extend(eval::describe_problems(&report));

    // Matched objectives in the same order.
    let codes = |doc: &Value| -> Vec<String> {
        let mut seen = HashSet::new();
        doc.get("objectives")
            .and_then(Value::as_array)
            .map(|l| l.iter().filter_map(|o| o.get("code").and_then(Value::as_str)).map(eval::norm).collect::<Vec<_>>())
            .unwrap_or_default()
            .into_iter()
            .filter(|c| seen.insert(c.clone()))
            .collect()
    };
    let (exp, act) = (codes(expected), codes(actual));
    let common_act: Vec<&String> = act.iter().filter(|c| exp.contains(c)).collect();
    let common_exp: Vec<&String> = exp.iter().filter(|c| act.contains(c)).collect();
    if common_act != common_exp {
        d.wrong.push(format!("objective order\n      expected {common_exp:?}\n      actual   {common_act:?}"));
    }
    d
}

/// Run the built `perfplan` binary (panic traces off, so stderr is what users see).
pub fn perfplan(args: &[&dyn AsRef<std::ffi::OsStr>]) -> std::process::Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_perfplan"));
    for a in args {
        cmd.arg(a);
    }
    cmd.env_remove("PERFPLAN_PANIC_TRACE");
    cmd.output().expect("run perfplan")
}

/// Run the built `perfplan` binary with `args`, `input` written to its standard
/// input (on a thread of its own, so that a reader that stops early is fine).
#[allow(dead_code)] // not every test binary feeds standard input
pub fn perfplan_with_stdin(args: &[&str], input: impl std::io::Read + Send + 'static) -> std::process::Output {
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_perfplan"))
        .args(args)
        .env_remove("PERFPLAN_PANIC_TRACE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run perfplan");
    let mut stdin = child.stdin.take().expect("piped stdin");
    let mut input = input;
    let feeder = std::thread::spawn(move || {
        let _ = std::io::copy(&mut input, &mut stdin);
    });
    let out = child.wait_with_output().expect("wait for perfplan");
    feeder.join().expect("stdin feeder");
    out
}

pub fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn code(o: &std::process::Output) -> i32 {
    o.status.code().expect("exited normally")
}

/// Every file of `dir` as (name, bytes), sorted by name (to compare whole outputs).
pub fn dir_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// Encrypt `doc` in place with RC4-128, the given user password and an owner password.
pub fn encrypt_rc4(doc: &mut lopdf::Document, user: &str) {
    let id = lopdf::Object::string_literal(b"0123456789abcdef".to_vec());
    doc.trailer.set("ID", vec![id.clone(), id]);
    let state = lopdf::EncryptionState::try_from(lopdf::EncryptionVersion::V2 {
        document: doc,
        owner_password: "owner-secret",
        user_password: user,
        key_length: 128,
        permissions: lopdf::Permissions::PRINTABLE,
    })
    .unwrap();
    doc.encrypt(&state).unwrap();
}
