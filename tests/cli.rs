//! The `perfplan` binary end to end: exit codes, per-file failures, stderr summary,
//! NDJSON on stdout, determinism. Tests that need real conversions use the golden
//! fixtures (`fixtures/<name>.pdf` with `<name>.expected.json`) and fail when there
//! is none.

mod common;

use std::path::{Path, PathBuf};

use regex::Regex;
use serde_json::Value;

use common::{code, perfplan, stderr};

/// Fixture PDFs with ground truth, copied into `dir`; fails when there is none.
fn copy_fixtures(dir: &Path) -> Vec<PathBuf> {
    let pairs = common::golden_pairs();
    assert!(!pairs.is_empty(), "{}", common::NO_FIXTURES);
    pairs
        .iter()
        .map(|(_, pdf, _)| {
            let to = dir.join(pdf.file_name().unwrap());
            std::fs::copy(pdf, &to).unwrap();
            to
        })
        .collect()
}

fn summary_re() -> Regex {
    Regex::new(
        r"(?m)^perfplan: (\d+) files, (\d+) objectives, (\d+) indicators, (\d+) warnings, (\d+) recovered, (\d+) failed, (\d+) skipped, in \d+\.\d\ds$",
    )
        .unwrap()
}

#[test]
fn bad_arguments_exit_2() {
    for args in [
        vec!["convert"],
        vec!["frobnicate"],
        vec!["convert", "x.pdf", "--out", "o", "--format", "xml"],
        vec!["convert", "x.pdf", "--out", "o", "--jobs", "many"],
        vec![],
    ] {
        let a: Vec<&dyn AsRef<std::ffi::OsStr>> = args.iter().map(|s| s as _).collect();
        let o = perfplan(&a);
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn json_without_out_is_usage_error() {
    let t = tempfile::tempdir().unwrap();
    std::fs::write(t.path().join("a.pdf"), b"x").unwrap();
    let o = perfplan(&[&"convert", &t.path().join("a.pdf")]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("--out"), "{}", stderr(&o));
}

#[test]
fn missing_input_is_usage_error_and_nothing_is_written() {
    let t = tempfile::tempdir().unwrap();
    std::fs::write(t.path().join("a.pdf"), b"x").unwrap();
    let out = t.path().join("out");
    let o = perfplan(&[&"convert", &t.path().join("a.pdf"), &t.path().join("missing.pdf"), &"--out", &out]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).starts_with("perfplan: error: "), "{}", stderr(&o));
    assert!(stderr(&o).contains("missing.pdf"), "{}", stderr(&o));
    assert!(!out.exists(), "no output on a usage error");
}

#[test]
fn directory_without_pdf_is_usage_error() {
    let t = tempfile::tempdir().unwrap();
    std::fs::write(t.path().join("notes.txt"), b"x").unwrap();
    let o = perfplan(&[&"convert", &t.path(), &"--out", &t.path().join("out")]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("no PDF"), "{}", stderr(&o));
}

#[test]
fn garbage_file_fails_alone_with_one_error_line() {
    let t = tempfile::tempdir().unwrap();
    let inp = t.path().join("in");
    std::fs::create_dir(&inp).unwrap();
    std::fs::write(inp.join("garbage.pdf"), b"this is not a PDF at all\n").unwrap();
    std::fs::write(inp.join("empty.pdf"), b"").unwrap();
    let out = t.path().join("out/nested");
    let o = perfplan(&[&"convert", &inp, &"--out", &out]);
    let err = stderr(&o);
    assert_eq!(code(&o), 1, "{err}");
    assert!(out.is_dir(), "--out is created");
    // Off a terminal, progress comes as plain lines of its own.
    let progress = Regex::new(r"^perfplan: \d+/2 files, \d+ objectives, \d+ errors, [0-9.]+ files/s, ETA ").unwrap();
    assert_eq!(err.lines().filter(|l| progress.is_match(l)).count(), 2, "{err}");
    let lines: Vec<&str> = err.lines().filter(|l| !progress.is_match(l)).collect();
    assert_eq!(lines.len(), 3, "one line per failed file + the summary, nothing else:\n{err}");
    assert!(lines[0].starts_with("perfplan: error: ") && lines[0].contains("empty.pdf: "), "{err}");
    assert!(lines[1].starts_with("perfplan: error: ") && lines[1].contains("garbage.pdf: "), "{err}");
    let caps = summary_re().captures(lines[2]).unwrap_or_else(|| panic!("summary line: {err}"));
    assert_eq!((&caps[1], &caps[6], &caps[7]), ("2", "2", "0"));
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0, "nothing written for failed files");
}

#[test]
fn good_files_are_written_next_to_a_garbage_file() {
    let t = tempfile::tempdir().unwrap();
    let inp = t.path().join("in");
    std::fs::create_dir(&inp).unwrap();
    let good = copy_fixtures(&inp);
    std::fs::write(inp.join("0-garbage.pdf"), b"%PDF-1.7\nnot really\n").unwrap();
    let out = t.path().join("out");
    let o = perfplan(&[&"convert", &inp, &"--out", &out, &"--jobs", &"2"]);
    let err = stderr(&o);
    assert_eq!(code(&o), 1, "{err}");
    assert_eq!(err.lines().filter(|l| l.starts_with("perfplan: error: ")).count(), 1, "{err}");
    assert!(err.contains("0-garbage.pdf: "), "{err}");
    let caps = summary_re().captures(&err).unwrap_or_else(|| panic!("summary line: {err}"));
    assert_eq!(caps[1].parse::<usize>().unwrap(), good.len() + 1);
    assert_eq!(&caps[6], "1");
    let mut objectives = 0;
    for pdf in &good {
        let json = out.join(format!("{}.json", pdf.file_stem().unwrap().to_string_lossy()));
        let doc: Value = common::read_json(&json);
        assert_eq!(doc["source"]["file"], pdf.file_name().unwrap().to_string_lossy().as_ref());
        objectives += doc["objectives"].as_array().unwrap().len();
    }
    assert_eq!(caps[2].parse::<usize>().unwrap(), objectives);
    assert!(!out.join("0-garbage.json").exists());
}

#[test]
fn ndjson_on_stdout_is_one_json_object_per_line_in_input_order() {
    let t = tempfile::tempdir().unwrap();
    let good = copy_fixtures(t.path());
    let o = perfplan(&[&"convert", &t.path(), &"--format", &"ndjson", &"--jobs", &"2"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let stdout = String::from_utf8(o.stdout).expect("UTF-8");
    assert!(stdout.is_empty() || stdout.ends_with('\n'));
    let mut files = Vec::new();
    for line in stdout.lines() {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        assert!(v["source"]["sha256"].as_str().is_some_and(|s| s.len() == 64), "{line}");
        assert!(v["code"].is_string(), "{line}");
        let f = v["source"]["file"].as_str().unwrap().to_string();
        if files.last() != Some(&f) {
            files.push(f);
        }
    }
    let want: Vec<String> = good.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert!(!files.is_empty(), "no objective at all on stdout");
    let mut sorted = want.clone();
    sorted.sort();
    assert_eq!(want, sorted);
    assert!(files.iter().all(|f| want.contains(f)), "{files:?}");
    let positions: Vec<usize> = files.iter().map(|f| want.iter().position(|w| w == f).unwrap()).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "files out of input order or interleaved: {files:?}");
    // `-` means stdout too, and the same bytes come out.
    let o2 = perfplan(&[&"convert", &t.path(), &"--format", &"ndjson", &"--out", &"-", &"--jobs", &"1"]);
    assert_eq!(String::from_utf8(o2.stdout).unwrap(), stdout);
}

#[test]
fn rerun_gives_byte_identical_output() {
    let t = tempfile::tempdir().unwrap();
    let inp = t.path().join("in");
    std::fs::create_dir(&inp).unwrap();
    copy_fixtures(&inp);
    let mut runs = Vec::new();
    for (i, jobs) in ["1", "2", "2"].iter().enumerate() {
        let out = t.path().join(format!("out{i}"));
        let o = perfplan(&[&"convert", &inp, &"--out", &out, &"--jobs", jobs]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let nd = t.path().join(format!("all{i}.ndjson"));
        let o = perfplan(&[&"convert", &inp, &"--format", &"ndjson", &"--out", &nd, &"--jobs", jobs]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let mut files = common::dir_files(&out);
        files.push(("ndjson".into(), std::fs::read(&nd).unwrap()));
        runs.push(files);
    }
    assert!(runs[0].len() > 1);
    assert!(runs.windows(2).all(|w| w[0] == w[1]), "outputs differ between runs");
}

#[test]
fn schema_command_prints_the_shipped_schema() {
    let o = perfplan(&[&"schema"]);
    assert_eq!(code(&o), 0);
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/perfplan-output.schema.json");
    assert_eq!(o.stdout, std::fs::read(file).unwrap());
    let o = perfplan(&[&"schema", &"--ndjson"]);
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/perfplan-ndjson-record.schema.json");
    assert_eq!(o.stdout, std::fs::read(file).unwrap());
}

#[test]
fn text_of_garbage_fails_with_exit_1_and_missing_file_with_2() {
    let t = tempfile::tempdir().unwrap();
    let g = t.path().join("g.pdf");
    std::fs::write(&g, b"garbage").unwrap();
    let o = perfplan(&[&"text", &g]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stderr(&o).starts_with("perfplan: error: ") && stderr(&o).contains("g.pdf"), "{}", stderr(&o));
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    let o = perfplan(&[&"text", &t.path().join("nope.pdf")]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
}

#[test]
fn text_json_dumps_page_layouts() {
    let pairs = common::golden_pairs();
    assert!(!pairs.is_empty(), "{}", common::NO_FIXTURES);
    let pdf = &pairs[0].1;
    let o = perfplan(&[&"text", pdf, &"--json", &"--page", &"1"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let pages = v.as_array().unwrap();
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0]["number"], 1);
    assert!(pages[0]["lines"].is_array());
    let o = perfplan(&[&"text", pdf, &"--page", &"100000"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
}

fn args(a: &[&str]) -> std::process::Output {
    let a: Vec<&dyn AsRef<std::ffi::OsStr>> = a.iter().map(|s| s as _).collect();
    perfplan(&a)
}

#[test]
fn text_errors_are_said_once_and_a_directory_is_a_directory() {
    let t = tempfile::tempdir().unwrap();
    let pdf = &copy_fixtures(t.path())[0];
    let o = perfplan(&[&"text", pdf, &"--page", &"100000"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert_eq!(stderr(&o).lines().count(), 1, "one error line: {}", stderr(&o));
    assert_eq!(stderr(&o).matches("no such page").count(), 1, "{}", stderr(&o));
    let o = perfplan(&[&"text", pdf, &"--page", &"0"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert_eq!(stderr(&o).matches("error:").count(), 1, "{}", stderr(&o));
    let o = perfplan(&[&"text", &t.path()]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("is a directory") && !stderr(&o).contains("no such file"), "{}", stderr(&o));
}

#[test]
fn eval_html_that_cannot_be_written_is_exit_2() {
    let t = tempfile::tempdir().unwrap();
    let pairs = common::golden_pairs();
    let (name, pdf, expected) = pairs.first().expect(common::NO_FIXTURES);
    let exp = t.path().join("exp");
    std::fs::create_dir(&exp).unwrap();
    std::fs::copy(pdf, exp.join(format!("{name}.pdf"))).unwrap();
    std::fs::copy(expected, exp.join(format!("{name}.expected.json"))).unwrap();
    // Parents are created; a parent that is a file cannot be.
    std::fs::write(t.path().join("a-file"), b"x").unwrap();
    let html = t.path().join("a-file").join("x.html");
    let o = perfplan(&[&"eval", &exp, &"--pdf", &exp, &"--html", &html]);
    assert_eq!(code(&o), 2, "1 is kept for a score below --min-score: {}", stderr(&o));
    assert!(stderr(&o).contains("x.html"), "{}", stderr(&o));
    assert!(!stderr(&o).contains(".perfplan-"), "no temporary path: {}", stderr(&o));
}

#[test]
fn convert_without_out_prints_converts_usage() {
    let t = tempfile::tempdir().unwrap();
    std::fs::write(t.path().join("a.pdf"), b"x").unwrap();
    let o = perfplan(&[&"convert", &t.path().join("a.pdf")]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("perfplan convert"), "convert's usage: {}", stderr(&o));
    assert!(!stderr(&o).contains("<COMMAND>"), "not the top-level usage: {}", stderr(&o));
}

#[test]
fn write_errors_name_the_users_path_not_a_temporary_file() {
    let t = tempfile::tempdir().unwrap();
    std::fs::write(t.path().join("a.pdf"), b"x").unwrap();
    // Parents are created; a parent that is a file cannot be.
    std::fs::write(t.path().join("a-file"), b"x").unwrap();
    let report = t.path().join("a-file").join("r.json");
    let o = perfplan(&[&"convert", &t.path().join("a.pdf"), &"--format", &"ndjson", &"--report", &report]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("r.json"), "{}", stderr(&o));
    assert!(!stderr(&o).contains(".perfplan-"), "{}", stderr(&o));
}

#[test]
fn keep_going_and_fail_fast_conflict() {
    let o = args(&["convert", "x.pdf", "--out", "o", "--keep-going", "--fail-fast"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("cannot be used with"), "{}", stderr(&o));
}

#[test]
fn jobs_must_be_0_or_positive_and_are_capped() {
    for cmd in [&["convert", "x.pdf", "--out", "o"][..], &["eval", "e", "a"]] {
        let mut a = cmd.to_vec();
        a.extend(["--jobs", "-1"]);
        let o = args(&a);
        assert_eq!(code(&o), 2, "{}", stderr(&o));
        assert!(stderr(&o).contains("jobs must be 0 (one per CPU core) or positive"), "{}", stderr(&o));
    }
    let t = tempfile::tempdir().unwrap();
    std::fs::write(t.path().join("g.pdf"), b"garbage").unwrap();
    let o = perfplan(&[&"convert", &t.path().join("g.pdf"), &"--out", &t.path().join("o"), &"--jobs", &"100000"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("warning: --jobs 100000 is more than 4x the"), "{}", stderr(&o));
}
