//! What perfplan promises about your files: every output path is checked before
//! any work (never an input, never another output, a file where a file is meant
//! and a directory where a directory is), and an output that fails during the
//! batch stops it once, with exit status 3.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{code, perfplan, stderr};

/// A real fixture PDF copied into `dir` as `name`.
fn pdf(dir: &Path, name: &str) -> PathBuf {
    let pairs = common::golden_pairs();
    assert!(!pairs.is_empty(), "{}", common::NO_FIXTURES);
    let to = dir.join(name);
    std::fs::copy(&pairs[0].1, &to).unwrap();
    to
}

fn args<'a>(a: &'a [&'a dyn AsRef<std::ffi::OsStr>]) -> &'a [&'a dyn AsRef<std::ffi::OsStr>] {
    a
}

/// A usage error naming `flag`, and the input untouched.
fn refused(o: &std::process::Output, flag: &str, input: &Path, bytes: &[u8]) {
    let err = stderr(o);
    assert_eq!(code(o), 2, "{err}");
    assert!(err.starts_with(&format!("perfplan: error: {flag} ")), "{err}");
    assert_eq!(std::fs::read(input).unwrap(), bytes, "the input is untouched");
    assert!(!err.contains("files,"), "nothing converted: {err}");
}

#[test]
fn no_output_flag_clobbers_an_input() {
    let t = tempfile::tempdir().unwrap();
    let x = pdf(t.path(), "x.pdf");
    let bytes = std::fs::read(&x).unwrap();
    let out = t.path().join("o");
    let o = perfplan(args(&[&"convert", &x, &"--format", &"ndjson", &"--out", &x]));
    refused(&o, "--out", &x, &bytes);
    let o = perfplan(args(&[&"convert", &x, &"--out", &out, &"--report", &x]));
    refused(&o, "--report", &x, &bytes);
    assert!(!out.exists(), "nothing created on a usage error");
    // Through a symlink, and through `..`.
    std::os::unix::fs::symlink(&x, t.path().join("link.pdf")).unwrap();
    let o = perfplan(args(&[&"convert", &x, &"--out", &out, &"--report", &t.path().join("link.pdf")]));
    refused(&o, "--report", &x, &bytes);
    let o = perfplan(args(&[&"convert", &x, &"-f", &"ndjson", &"--out", &t.path().join("o/../x.pdf")]));
    refused(&o, "--out", &x, &bytes);
    // --tables is a directory: an input file there is refused.
    let o = perfplan(args(&[&"convert", &x, &"--tables", &x]));
    refused(&o, "--tables", &x, &bytes);
    // An input named like a table.
    let tables = t.path().join("tables");
    std::fs::create_dir(&tables).unwrap();
    let objectives = tables.join("objectives.csv");
    std::fs::write(&objectives, b"mine").unwrap();
    let o = perfplan(args(&[&"convert", &x, &objectives, &"--tables", &tables]));
    refused(&o, "--tables", &objectives, b"mine");
    // A JSON input where --out would write its <stem>.json.
    let j = t.path().join("x.json");
    std::fs::write(&j, b"mine").unwrap();
    let o = perfplan(args(&[&"convert", &j, &"--out", &t.path()]));
    refused(&o, "--out", &j, b"mine");
}

#[test]
fn eval_html_never_clobbers_an_input() {
    let t = tempfile::tempdir().unwrap();
    let x = pdf(t.path(), "x.pdf");
    let bytes = std::fs::read(&x).unwrap();
    std::fs::write(t.path().join("x.expected.json"), b"{}").unwrap();
    let o = perfplan(args(&[&"eval", &t.path(), &"--pdf", &t.path(), &"--html", &x]));
    refused(&o, "--html", &x, &bytes);
}

#[test]
fn outputs_never_clobber_each_other() {
    let t = tempfile::tempdir().unwrap();
    let x = pdf(t.path(), "x.pdf");
    let bytes = std::fs::read(&x).unwrap();
    let out = t.path().join("o");
    let o = perfplan(args(&[&"convert", &x, &"--out", &out, &"--report", &out.join("x.json")]));
    refused(&o, "--report", &x, &bytes);
    let o = perfplan(args(&[&"convert", &x, &"--tables", &out, &"--report", &out.join("phases.csv")]));
    refused(&o, "--report", &x, &bytes);
    let n = t.path().join("all.ndjson");
    let o = perfplan(args(&[&"convert", &x, &"-f", &"ndjson", &"--out", &n, &"--report", &n]));
    refused(&o, "--report", &x, &bytes);
    assert!(!out.exists() && !n.exists(), "nothing created on a usage error");
}

#[test]
fn a_directory_where_a_file_is_meant_and_the_reverse() {
    let t = tempfile::tempdir().unwrap();
    let x = pdf(t.path(), "x.pdf");
    let bytes = std::fs::read(&x).unwrap();
    let dir = t.path().join("existing");
    std::fs::create_dir(&dir).unwrap();
    let o = perfplan(args(&[&"convert", &x, &"--format", &"ndjson", &"--out", &dir]));
    refused(&o, "--out", &x, &bytes);
    let o = perfplan(args(&[&"convert", &x, &"--out", &t.path().join("o"), &"--report", &dir]));
    refused(&o, "--report", &x, &bytes);
    let file = t.path().join("file.txt");
    std::fs::write(&file, b"mine").unwrap();
    let o = perfplan(args(&[&"convert", &x, &"--out", &file]));
    refused(&o, "--out", &file, b"mine");
    let o = perfplan(args(&[&"convert", &x, &"--tables", &file]));
    refused(&o, "--tables", &file, b"mine");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
}

#[test]
fn missing_parents_of_every_output_are_created() {
    let t = tempfile::tempdir().unwrap();
    let x = pdf(t.path(), "x.pdf");
    let new = t.path().join("new");
    let o = perfplan(args(&[&"convert", &x, &"--out", &new, &"--report", &new.join("report.json"), &"-q"]));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(new.join("x.json").is_file() && new.join("report.json").is_file());
    let n = t.path().join("a/b/all.ndjson");
    let r = t.path().join("c/d/report.json");
    let o = perfplan(args(&[&"convert", &x, &"-f", &"ndjson", &"--out", &n, &"--report", &r, &"-q"]));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(n.is_file() && r.is_file());
    let h = t.path().join("e/f/review.html");
    std::fs::copy(&common::golden_pairs()[0].2, t.path().join("x.expected.json")).unwrap();
    let o = perfplan(args(&[&"eval", &t.path(), &"--pdf", &t.path(), &"--html", &h]));
    assert!(h.is_file(), "{}", stderr(&o));
}

#[cfg(target_os = "linux")]
#[test]
fn a_sink_failing_mid_batch_stops_once_with_status_3() {
    let t = tempfile::tempdir().unwrap();
    let inputs: Vec<PathBuf> = (0..4).map(|i| pdf(t.path(), &format!("x{i}.pdf"))).collect();
    let out = t.path().join("o");
    let o = Command::new(env!("CARGO_BIN_EXE_perfplan"))
        .arg("convert")
        .args(&inputs)
        .args(["--format", "ndjson", "--jobs", "1", "--tables"])
        .arg(&out)
        .stdout(Stdio::from(std::fs::File::create("/dev/full").unwrap()))
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(code(&o), 3, "{err}");
    let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("perfplan: error: ")).collect();
    assert_eq!(errors.len(), 1, "one message:\n{err}");
    assert!(
        errors[0].contains("output failed, the batch stopped") && errors[0].contains("3 file(s) not converted"),
        "{err}"
    );
    assert!(err.contains("1 failed, 3 skipped"), "{err}");
    // What is written is complete: the tables hold no row of the unwritten files.
    assert!(out.join("objectives.csv").is_file(), "{err}");
}
