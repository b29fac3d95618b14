//! `perfplan convert` on batches of arbitrary files, as seen from the command line:
//! every class of bad input and its outcome, the run report (`--report`), time-outs,
//! `--fail-fast`, and byte-identical reruns. Every PDF is built here (lopdf) in a
//! temporary directory; the good ones are the golden fixtures.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use lopdf::{dictionary, Document, Object, Stream};
use serde_json::Value;

use common::{code, perfplan, stderr};

// ---------------------------------------------------------------------------
// Small PDFs

/// A PDF whose pages have the given content streams (Helvetica as /F1), with
/// `images` an image XObject /Im1 on every page.
fn pdf_doc(contents: &[&[u8]], with_image: bool) -> Document {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
    });
    let image = doc.add_object(Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Image", "Width" => 2, "Height" => 2,
            "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
        },
        vec![0, 255, 255, 0],
    ));
    let mut kids: Vec<Object> = Vec::new();
    for content in contents {
        let content_id = doc.add_object(Stream::new(dictionary! {}, content.to_vec()));
        let mut res = dictionary! { "Font" => dictionary! { "F1" => font } };
        if with_image {
            res.set("XObject", dictionary! { "Im1" => image });
        }
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content_id, "Resources" => res,
        });
        kids.push(page.into());
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => count,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    doc
}

fn save(doc: &mut Document) -> Vec<u8> {
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

const TEXT: &[u8] = b"BT /F1 12 Tf 72 700 Td (Relazione annuale: nessuna scheda obiettivo qui.) Tj ET";

/// A valid text PDF that holds no objective sheet.
fn plain_pdf() -> Vec<u8> {
    save(&mut pdf_doc(&[TEXT, TEXT], false))
}

/// Scanned pages: each page paints one image and no text.
fn scanned_pdf(pages: usize) -> Vec<u8> {
    let content: &[u8] = b"q 495 0 0 742 50 50 cm /Im1 Do Q";
    save(&mut pdf_doc(&vec![content; pages], true))
}

/// Encrypted with a user password (RC4 128).
fn encrypted_pdf(user: &str) -> Vec<u8> {
    let mut doc = pdf_doc(&[TEXT], false);
    common::encrypt_rc4(&mut doc, user);
    save(&mut doc)
}

/// Many pages that all draw one big shared content stream: slow to convert.
fn slow_pdf(pages: usize) -> Vec<u8> {
    let mut content = Vec::new();
    for row in 0..70 {
        content.extend_from_slice(format!("BT /F1 9 Tf 20 {} Td ", 800 - row * 11).as_bytes());
        for word in 0..12 {
            content.extend_from_slice(format!("(w{row}x{word} ) Tj ").as_bytes());
        }
        content.extend_from_slice(b"ET\n");
    }
    let mut doc = pdf_doc(&[&content], false);
    // Every further page reuses the first page's content stream.
    let first = doc.page_iter().next().unwrap();
    let page = doc.get_object(first).unwrap().as_dict().unwrap().clone();
    let pages_id = page.get(b"Parent").unwrap().as_reference().unwrap();
    let mut kids: Vec<Object> = vec![first.into()];
    for _ in 1..pages {
        kids.push(doc.add_object(page.clone()).into());
    }
    let pages_dict = doc.get_object_mut(pages_id).unwrap().as_dict_mut().unwrap();
    pages_dict.set("Count", kids.len() as i64);
    pages_dict.set("Kids", kids);
    save(&mut doc)
}

/// Fixture PDFs with ground truth, copied into `dir`; fails when there is none.
fn copy_fixtures(dir: &Path) -> Vec<PathBuf> {
    let pairs = common::golden_pairs();
    assert!(!pairs.is_empty(), "{}", common::NO_FIXTURES);
    std::fs::create_dir_all(dir).unwrap();
    pairs
        .iter()
        .map(|(_, pdf, _)| {
            let to = dir.join(pdf.file_name().unwrap());
            std::fs::copy(pdf, &to).unwrap();
            to
        })
        .collect()
}

fn stem(p: &Path) -> String {
    p.file_stem().unwrap().to_string_lossy().into_owned()
}

/// Run `convert DIR --out OUT --report REPORT ...` and read the report.
fn convert_with_report(inputs: &[&Path], out: &Path, report: &Path, extra: &[&str]) -> (Output, Value) {
    let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![&"convert"];
    for i in inputs {
        args.push(i);
    }
    args.extend([&"--out" as &dyn AsRef<std::ffi::OsStr>, &out, &"--report", &report]);
    for e in extra {
        args.push(e);
    }
    let o = perfplan(&args);
    let v = common::read_json(report);
    (o, v)
}

/// The report entry of the input whose file name is `name`.
fn entry<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| Path::new(f["path"].as_str().unwrap()).file_name().unwrap() == name)
        .unwrap_or_else(|| panic!("{name} is not in the report: {report:#}"))
}

fn codes(e: &Value) -> Vec<String> {
    e["diagnostics"]["list"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap().to_string()).collect()
}

/// The report without its timings (the only part that changes between runs).
fn without_timings(mut v: Value) -> Value {
    for f in v["files"].as_array_mut().unwrap() {
        f.as_object_mut().unwrap().remove("duration_ms");
    }
    let t = v["totals"].as_object_mut().unwrap();
    t.remove("duration_ms");
    t.remove("max_file_duration_ms");
    v
}

// ---------------------------------------------------------------------------
// Classes of bad input

#[test]
fn not_a_pdf_fails_with_not_a_pdf() {
    let t = tempfile::tempdir().unwrap();
    let inp = t.path().join("in");
    std::fs::create_dir(&inp).unwrap();
    std::fs::write(inp.join("page.pdf"), b"<!DOCTYPE html>\n<html><body>404 Not Found</body></html>\n").unwrap();
    let random: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    std::fs::write(inp.join("random.pdf"), random).unwrap();
    std::fs::write(inp.join("empty.pdf"), b"").unwrap();
    let (o, report) = convert_with_report(&[&inp], &t.path().join("out"), &t.path().join("r.json"), &[]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    for name in ["page.pdf", "random.pdf", "empty.pdf"] {
        let e = entry(&report, name);
        assert_eq!(e["status"], "failed", "{name}: {e:#}");
        assert_eq!(e["error_kind"], "not_pdf", "{name}: {e:#}");
        assert!(e["error"].as_str().unwrap().starts_with("not a PDF"), "{name}: {e:#}");
        assert!(stderr(&o).contains(&format!("{name}: not a PDF")), "{}", stderr(&o));
    }
    assert_eq!(std::fs::read_dir(t.path().join("out")).unwrap().count(), 0);
}

#[test]
fn truncated_pdf_fails_or_is_recovered_with_a_diagnostic() {
    let t = tempfile::tempdir().unwrap();
    let inp = t.path().join("in");
    std::fs::create_dir(&inp).unwrap();
    let good = plain_pdf();
    for (name, cut) in [("half.pdf", good.len() / 2), ("no-trailer.pdf", good.len() - 40), ("head.pdf", 20)] {
        std::fs::write(inp.join(name), &good[..cut]).unwrap();
    }
    let (o, report) = convert_with_report(&[&inp], &t.path().join("out"), &t.path().join("r.json"), &[]);
    assert!(matches!(code(&o), 0 | 1), "{}", stderr(&o));
    for name in ["half.pdf", "no-trailer.pdf", "head.pdf"] {
        let e = entry(&report, name);
        match e["status"].as_str().unwrap() {
            "failed" => assert!(!e["error"].as_str().unwrap().is_empty(), "{e:#}"),
            "recovered" => {
                let recovery =
                    ["page.extract_failed", "page.extract_warning", "document.extract_warning", "document.truncated"];
                assert!(codes(e).iter().any(|c| recovery.contains(&c.as_str())), "{e:#}");
                assert!(t.path().join("out").join(format!("{}.json", stem(Path::new(name)))).is_file());
            }
            other => panic!("{name}: a truncated PDF is {other}: {e:#}"),
        }
        assert_ne!(e["error_kind"], "panic", "{e:#}");
    }
}

#[test]
fn user_password_needs_password_and_converts_with_it() {
    let t = tempfile::tempdir().unwrap();
    let pdf = t.path().join("locked.pdf");
    std::fs::write(&pdf, encrypted_pdf("letmein")).unwrap();
    let out = t.path().join("out");
    let (o, report) = convert_with_report(&[&pdf], &out, &t.path().join("r.json"), &[]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let e = entry(&report, "locked.pdf");
    assert_eq!((&e["status"], &e["error_kind"]), (&Value::from("failed"), &Value::from("password_required")));
    assert!(e["error"].as_str().unwrap().contains("password required"), "{e:#}");
    assert!(stderr(&o).contains("locked.pdf: password required"), "{}", stderr(&o));
    assert!(!out.join("locked.json").exists());

    let (o, report) = convert_with_report(&[&pdf], &out, &t.path().join("r.json"), &["--password", "letmein"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(entry(&report, "locked.pdf")["status"], "ok");
    let doc = common::read_json(&out.join("locked.json"));
    assert_eq!(doc["source"]["pages"], 1);
}

#[test]
fn scanned_pages_are_ok_with_a_no_text_diagnostic_per_page() {
    let t = tempfile::tempdir().unwrap();
    let pdf = t.path().join("scan.pdf");
    std::fs::write(&pdf, scanned_pdf(3)).unwrap();
    let out = t.path().join("out");
    let (o, report) = convert_with_report(&[&pdf], &out, &t.path().join("r.json"), &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let e = entry(&report, "scan.pdf");
    assert_eq!(e["status"], "ok", "{e:#}");
    assert_eq!((&e["objectives"], &e["pages"]), (&Value::from(0), &Value::from(3)));
    let doc = common::read_json(&out.join("scan.json"));
    assert_eq!(doc["objectives"].as_array().unwrap().len(), 0);
    let no_text: Vec<&Value> =
        doc["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == "page.no_text").collect();
    assert_eq!(no_text.iter().map(|d| d["page"].as_u64().unwrap()).collect::<Vec<_>>(), [1, 2, 3]);
    for d in no_text {
        let m = d["message"].as_str().unwrap();
        assert!(m.contains("no text layer") && m.contains("image"), "{m}");
    }
    assert_eq!(e["diagnostics"]["list"], doc["diagnostics"], "the report lists the document's diagnostics");
    assert_eq!(e["diagnostics"]["warning"], doc["diagnostics"].as_array().unwrap().len());
}

#[test]
fn a_pdf_without_sheets_is_ok_with_no_objectives_diagnostic() {
    let t = tempfile::tempdir().unwrap();
    let pdf = t.path().join("letter.pdf");
    std::fs::write(&pdf, plain_pdf()).unwrap();
    let out = t.path().join("out");
    let (o, report) = convert_with_report(&[&pdf], &out, &t.path().join("r.json"), &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let e = entry(&report, "letter.pdf");
    assert_eq!(e["status"], "ok", "{e:#}");
    assert_eq!(codes(e), ["document.no_objectives"]);
    let doc = common::read_json(&out.join("letter.json"));
    assert_eq!(doc["objectives"], Value::Array(vec![]));
    assert_eq!(doc["diagnostics"][0]["code"], "document.no_objectives");
}

/// Every kind of bad input in one directory, next to the good fixtures.
fn mixed_batch(dir: &Path) -> (Vec<PathBuf>, Vec<&'static str>) {
    let good = copy_fixtures(dir);
    let plain = plain_pdf();
    let bad: Vec<(&str, Vec<u8>)> = vec![
        ("bad-html.pdf", b"<html><body>not found</body></html>".to_vec()),
        ("bad-empty.pdf", vec![]),
        ("bad-random.pdf", (0..2000u32).map(|i| (i.wrapping_mul(40503) >> 7) as u8).collect()),
        ("bad-truncated.pdf", plain[..plain.len() / 2].to_vec()),
        ("bad-locked.pdf", encrypted_pdf("letmein")),
        ("odd-scan.pdf", scanned_pdf(2)),
        ("odd-plain.pdf", plain),
    ];
    let mut names = Vec::new();
    for (name, bytes) in bad {
        std::fs::write(dir.join(name), bytes).unwrap();
        names.push(name);
    }
    (good, names)
}

#[test]
fn a_mixed_batch_accounts_for_every_file_and_writes_the_good_ones() {
    let t = tempfile::tempdir().unwrap();
    let inp = t.path().join("in");
    let (good, odd) = mixed_batch(&inp);
    let out = t.path().join("out");
    let report_path = t.path().join("reports/run.json");
    std::fs::create_dir_all(report_path.parent().unwrap()).unwrap();
    let (o, report) = convert_with_report(&[&inp], &out, &report_path, &["--jobs", "2"]);
    let err = stderr(&o);
    assert_eq!(code(&o), 1, "{err}");

    let files = report["files"].as_array().unwrap();
    assert_eq!(files.len(), good.len() + odd.len(), "every input is in the report");
    let paths: Vec<&str> = files.iter().map(|f| f["path"].as_str().unwrap()).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted, "in input order");
    for f in files {
        for key in
            ["path", "status", "pages", "objectives", "indicators", "diagnostics", "error", "error_kind", "duration_ms"]
        {
            assert!(f.get(key).is_some(), "no {key}: {f:#}");
        }
        assert!(f["duration_ms"].is_u64());
    }
    for name in ["bad-html.pdf", "bad-empty.pdf", "bad-random.pdf", "bad-locked.pdf"] {
        assert_eq!(entry(&report, name)["status"], "failed", "{name}");
        assert!(err.contains(&format!("{name}: ")), "{err}");
    }
    assert!(matches!(entry(&report, "bad-truncated.pdf")["status"].as_str(), Some("failed" | "recovered")));
    for name in ["odd-scan.pdf", "odd-plain.pdf"] {
        assert_eq!(entry(&report, name)["status"], "ok", "{name}");
        assert!(out.join(format!("{}.json", stem(Path::new(name)))).is_file());
    }
    let mut objectives = 0;
    for pdf in &good {
        let e = entry(&report, pdf.file_name().unwrap().to_str().unwrap());
        assert_eq!(e["status"], "ok", "{e:#}");
        let doc = common::read_json(&out.join(format!("{}.json", stem(pdf))));
        assert_eq!(e["objectives"], doc["objectives"].as_array().unwrap().len());
        objectives += e["objectives"].as_u64().unwrap();
    }
    assert!(objectives > 0);

    let totals = &report["totals"];
    let count = |s: &str| files.iter().filter(|f| f["status"] == s).count();
    assert_eq!(totals["files"], files.len());
    for s in ["ok", "recovered", "failed", "skipped"] {
        assert_eq!(totals[s], count(s), "{s}");
    }
    assert_eq!(totals["objectives"], objectives);
    assert_eq!(
        (&totals["panics"], &totals["timeouts"], &totals["skipped"]),
        (&Value::from(0), &Value::from(0), &Value::from(0))
    );
    let by_kind: u64 = totals["failed_by_kind"].as_object().unwrap().values().map(|v| v.as_u64().unwrap()).sum();
    assert_eq!(by_kind, totals["failed"].as_u64().unwrap());
    assert!(totals["failed_by_kind"]["not_pdf"].as_u64().unwrap() >= 3);
    assert_eq!(totals["failed_by_kind"]["password_required"], 1);
    assert_eq!(report["perfplan_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(report["timeout_per_file_s"], 60.0);
    assert_eq!(report["fail_fast"], false);
    let dir: Vec<_> =
        std::fs::read_dir(report_path.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(dir, ["run.json"], "the report is written atomically: no temporary file left");
}

#[test]
fn bad_files_do_not_change_the_good_files_output_and_reruns_are_byte_identical() {
    let t = tempfile::tempdir().unwrap();
    let mixed = t.path().join("mixed");
    let (good, _) = mixed_batch(&mixed);
    let clean = t.path().join("clean");
    copy_fixtures(&clean);

    let alone = t.path().join("alone");
    let o = perfplan(&[&"convert", &clean, &"--out", &alone, &"--jobs", &"1"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));

    let mut runs = Vec::new();
    for (i, jobs) in ["1", "2", "2"].iter().enumerate() {
        let out = t.path().join(format!("out{i}"));
        let (o, report) = convert_with_report(&[&mixed], &out, &t.path().join(format!("r{i}.json")), &["--jobs", jobs]);
        assert_eq!(code(&o), 1, "{}", stderr(&o));
        let nd = t.path().join(format!("all{i}.ndjson"));
        let nd_report = t.path().join(format!("nd{i}.json"));
        let o = perfplan(&[
            &"convert",
            &mixed,
            &"--format",
            &"ndjson",
            &"--out",
            &nd,
            &"--report",
            &nd_report,
            &"--jobs",
            jobs,
        ]);
        assert_eq!(code(&o), 1, "{}", stderr(&o));
        let mut files = common::dir_files(&out);
        files.push(("<ndjson>".into(), std::fs::read(&nd).unwrap()));
        let nd_report = without_timings(common::read_json(&nd_report));
        runs.push((files, without_timings(report), nd_report));
    }
    assert!(runs.windows(2).all(|w| w[0].0 == w[1].0), "outputs differ between runs (--jobs 1 vs 2)");
    assert!(runs.windows(2).all(|w| w[0].1 == w[1].1), "JSON run reports differ beyond their timings");
    assert!(runs.windows(2).all(|w| w[0].2 == w[1].2), "NDJSON run reports differ beyond their timings");
    assert_eq!(runs[0].1, runs[0].2, "the report does not depend on the output format");
    for pdf in &good {
        let name = format!("{}.json", stem(pdf));
        let with_bad = &runs[0].0.iter().find(|(n, _)| *n == name).unwrap().1;
        assert_eq!(with_bad, &std::fs::read(alone.join(&name)).unwrap(), "{name} changed next to bad files");
    }
}

#[test]
fn fail_fast_stops_at_the_first_failure_and_skips_the_rest() {
    let t = tempfile::tempdir().unwrap();
    let inp = t.path().join("in");
    let good = copy_fixtures(&inp);
    std::fs::write(inp.join("0-bad.pdf"), b"garbage").unwrap();
    let out = t.path().join("out");
    let (o, report) = convert_with_report(&[&inp], &out, &t.path().join("r.json"), &["--fail-fast", "--jobs", "1"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let files = report["files"].as_array().unwrap();
    assert_eq!(files.len(), good.len() + 1);
    assert_eq!(files[0]["status"], "failed");
    assert!(files[1..].iter().all(|f| f["status"] == "skipped" && f["error_kind"] == "skipped"), "{report:#}");
    assert_eq!(report["totals"]["skipped"], good.len());
    assert_eq!(report["fail_fast"], true);
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0, "nothing started after the failure");
    assert!(stderr(&o).contains(&format!("{} skipped", good.len())), "{}", stderr(&o));

    // --keep-going (the default) converts them all.
    let (o, report) = convert_with_report(&[&inp], &out, &t.path().join("r.json"), &["--keep-going"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert_eq!((&report["totals"]["ok"], &report["totals"]["failed"]), (&Value::from(good.len()), &Value::from(1)));
}

#[test]
fn a_file_past_the_time_limit_fails_and_the_batch_goes_on() {
    let t = tempfile::tempdir().unwrap();
    let inp = t.path().join("in");
    let good = copy_fixtures(&inp);
    std::fs::write(inp.join("slow.pdf"), slow_pdf(12_000)).unwrap();
    // Without a limit the slow file takes seconds.
    let start = Instant::now();
    let o = perfplan(&[
        &"convert",
        &inp.join("slow.pdf"),
        &"--out",
        &t.path().join("unlimited"),
        &"--timeout-per-file",
        &"0",
    ]);
    let unlimited = start.elapsed();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(unlimited > Duration::from_millis(1000), "the slow file is not slow enough: {unlimited:?}");

    let out = t.path().join("out");
    let start = Instant::now();
    let (o, report) =
        convert_with_report(&[&inp], &out, &t.path().join("r.json"), &["--timeout-per-file", "0.3", "--jobs", "2"]);
    let elapsed = start.elapsed();
    let err = stderr(&o);
    assert_eq!(code(&o), 1, "{err}");
    let e = entry(&report, "slow.pdf");
    assert_eq!((&e["status"], &e["error_kind"]), (&Value::from("failed"), &Value::from("timeout")), "{e:#}");
    assert_eq!(e["error"], "timed out after 0.3 s");
    assert!(err.contains("slow.pdf: timed out after 0.3 s"), "{err}");
    assert!(e["duration_ms"].as_u64().unwrap() >= 300);
    assert_eq!(report["totals"]["timeouts"], 1);
    assert_eq!(report["timeout_per_file_s"], 0.3);
    assert!(elapsed < unlimited, "waited for the slow file: {elapsed:?} vs {unlimited:?}");
    for pdf in &good {
        assert_eq!(entry(&report, pdf.file_name().unwrap().to_str().unwrap())["status"], "ok");
        assert!(out.join(format!("{}.json", stem(pdf))).is_file());
    }
    assert!(!out.join("slow.json").exists());
}

#[test]
fn bad_batch_options_are_usage_errors() {
    let t = tempfile::tempdir().unwrap();
    let pdf = t.path().join("a.pdf");
    std::fs::write(&pdf, plain_pdf()).unwrap();
    let out = t.path().join("out");
    for bad in [vec!["--timeout-per-file", "-1"], vec!["--timeout-per-file", "soon"], vec!["--report"]] {
        let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![&"convert", &pdf, &"--out", &out];
        for b in &bad {
            args.push(b);
        }
        let o = perfplan(&args);
        assert_eq!(code(&o), 2, "{bad:?}: {}", stderr(&o));
    }
    // A report that cannot be created (its parent is a file): usage error,
    // nothing converted. (A missing parent directory is created.)
    let file = t.path().join("file.txt");
    std::fs::write(&file, b"x").unwrap();
    let o = perfplan(&[&"convert", &pdf, &"--out", &out, &"--report", &file.join("dir/r.json")]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).starts_with("perfplan: error: --report "), "{}", stderr(&o));
    assert!(!out.exists());
}

#[test]
fn ndjson_to_a_file_and_the_report_are_atomic_and_complete() {
    let t = tempfile::tempdir().unwrap();
    let inp = t.path().join("in");
    let good = copy_fixtures(&inp);
    let dest = t.path().join("dest");
    std::fs::create_dir(&dest).unwrap();
    let nd = dest.join("all.ndjson");
    let rep = dest.join("report.json");
    std::fs::write(&nd, "old\n").unwrap();
    std::fs::write(&rep, "old\n").unwrap();
    let o = perfplan(&[&"convert", &inp, &"--format", &"ndjson", &"--out", &nd, &"--report", &rep]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let mut names: Vec<String> =
        std::fs::read_dir(&dest).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names, ["all.ndjson", "report.json"], "no temporary file left");
    let report = common::read_json(&rep);
    let lines = std::fs::read_to_string(&nd).unwrap();
    assert_eq!(lines.lines().count() as u64, report["totals"]["objectives"].as_u64().unwrap());
    assert_eq!(report["totals"]["ok"], good.len());
    for l in lines.lines() {
        let v: Value = serde_json::from_str(l).unwrap();
        assert!(v["code"].is_string());
    }
}

#[test]
fn wrong_password_is_told_apart_and_password_file_and_env_var_work() {
    let t = tempfile::tempdir().unwrap();
    let pdf = t.path().join("locked.pdf");
    std::fs::write(&pdf, encrypted_pdf("letmein")).unwrap();
    let out = t.path().join("out");
    let (o, report) = convert_with_report(&[&pdf], &out, &t.path().join("r.json"), &["--password", "nope"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let e = entry(&report, "locked.pdf");
    assert_eq!(e["error_kind"], "wrong_password", "{e:#}");
    assert!(stderr(&o).contains("locked.pdf: wrong password"), "{}", stderr(&o));

    let pw = t.path().join("pw.txt");
    std::fs::write(&pw, "letmein\r\nignored\n").unwrap();
    let pw_arg = pw.to_str().unwrap();
    let (o, report) = convert_with_report(&[&pdf], &out, &t.path().join("r.json"), &["--password-file", pw_arg]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(entry(&report, "locked.pdf")["status"], "ok");

    let (o, _) = convert_with_report(&[&pdf], &out, &t.path().join("r.json"), &["--password-file", "/nonexistent/pw"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("--password-file"), "{}", stderr(&o));
    let o = perfplan(&[&"convert", &pdf, &"--out", &out, &"--password", &"x", &"--password-file", &pw]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));

    let o = std::process::Command::new(env!("CARGO_BIN_EXE_perfplan"))
        .args([&"convert" as &dyn AsRef<std::ffi::OsStr>, &pdf, &"--out", &out, &"--report", &t.path().join("r.json")])
        .env("PERFPLAN_PASSWORD", "letmein")
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(entry(&common::read_json(&t.path().join("r.json")), "locked.pdf")["status"], "ok");
}

#[test]
fn a_vanished_path_in_the_input_list_fails_that_file_only() {
    let t = tempfile::tempdir().unwrap();
    let good = t.path().join("good.pdf");
    std::fs::write(&good, plain_pdf()).unwrap();
    let list = t.path().join("list.txt");
    let gone = t.path().join("gone.pdf");
    std::fs::write(&list, format!("{}\n{}\n", gone.display(), good.display())).unwrap();
    let list_arg = list.to_str().unwrap();
    let (o, report) =
        convert_with_report(&[], &t.path().join("out"), &t.path().join("r.json"), &["--inputs-from", list_arg]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert_eq!(entry(&report, "gone.pdf")["error_kind"], "io");
    assert_eq!(entry(&report, "good.pdf")["status"], "ok");
    assert!(t.path().join("out/good.json").is_file());
    // On the command line a missing path still stops the run before any work.
    let o = perfplan(&[&"convert", &gone, &good, &"--out", &t.path().join("out2")]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
}

#[test]
fn a_file_over_max_file_size_fails_without_being_read() {
    let t = tempfile::tempdir().unwrap();
    let good = t.path().join("good.pdf");
    std::fs::write(&good, plain_pdf()).unwrap();
    let big = t.path().join("big.pdf");
    // Sparse: 1 GiB that takes no disk, over the default limit of 512 MiB.
    std::fs::File::create(&big).unwrap().set_len(1 << 30).unwrap();
    let start = Instant::now();
    let (o, report) = convert_with_report(&[&big, &good], &t.path().join("out"), &t.path().join("r.json"), &[]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(start.elapsed() < Duration::from_secs(20));
    let e = entry(&report, "big.pdf");
    assert_eq!(e["error_kind"], "limit_exceeded", "{e:#}");
    assert!(e["error"].as_str().unwrap().contains("--max-file-size"), "{e:#}");
    assert_eq!(entry(&report, "good.pdf")["status"], "ok");

    let size = std::fs::metadata(&good).unwrap().len();
    let limit = (size - 1).to_string();
    let (o, report) =
        convert_with_report(&[&good], &t.path().join("out"), &t.path().join("r.json"), &["--max-file-size", &limit]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert_eq!(entry(&report, "good.pdf")["error_kind"], "limit_exceeded");
    let o = perfplan(&[&"convert", &good, &"--out", &t.path().join("out"), &"--max-file-size", &"1M"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    for bad in ["0", "-1", "lots", "99999999999G"] {
        let o = perfplan(&[&"convert", &good, &"--out", &t.path().join("out"), &"--max-file-size", &bad]);
        assert_eq!(code(&o), 2, "{bad}: {}", stderr(&o));
    }
}

/// `perfplan convert - ARGS` with `input` written to its standard input.
fn convert_stdin(input: impl std::io::Read + Send + 'static, args: &[&str]) -> Output {
    let mut all = vec!["convert", "-"];
    all.extend_from_slice(args);
    common::perfplan_with_stdin(&all, input)
}

#[test]
fn standard_input_is_checked_for_pdf_first_and_counted() {
    let t = tempfile::tempdir().unwrap();
    let report = t.path().join("r.json");
    let r = report.to_str().unwrap();
    // An endless non-PDF: only its first bytes are read.
    let start = Instant::now();
    let o = convert_stdin(std::io::repeat(0), &["--format", "ndjson", "--report", r]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(start.elapsed() < Duration::from_secs(20));
    assert_eq!(common::read_json(&report)["files"][0]["error_kind"], "not_pdf");
    // An endless PDF: reading stops at the limit.
    let endless = std::io::Read::chain(std::io::Cursor::new(b"%PDF-1.4\n".to_vec()), std::io::repeat(b' '));
    let o = convert_stdin(endless, &["--format", "ndjson", "--report", r, "--max-file-size", "1M"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert_eq!(common::read_json(&report)["files"][0]["error_kind"], "limit_exceeded");
}

#[test]
fn stdin_name_must_be_a_plain_file_name() {
    for bad in ["", ".", "..", "../x.pdf", "/etc/passwd", "a\\b.pdf"] {
        let o = convert_stdin(std::io::Cursor::new(plain_pdf()), &["--format", "ndjson", "--stdin-name", bad]);
        assert_eq!(code(&o), 2, "{bad:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("--stdin-name"), "{}", stderr(&o));
    }
    let t = tempfile::tempdir().unwrap();
    let out = t.path().to_str().unwrap();
    let o = convert_stdin(std::io::Cursor::new(plain_pdf()), &["--out", out, "--stdin-name", "piano 2024.pdf"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let doc = common::read_json(&t.path().join("piano 2024.json"));
    assert_eq!(doc["source"]["file"], "piano 2024.pdf", "{doc:#}");
}

#[cfg(unix)]
#[test]
fn names_with_control_characters_are_escaped_on_stderr() {
    let t = tempfile::tempdir().unwrap();
    let name = "a\nperfplan: 9 files, 9 objectives\u{1b}]0;pwned\u{7}.pdf";
    let bad = t.path().join(name);
    std::fs::write(&bad, b"not a pdf").unwrap();
    let o = perfplan(&[&"convert", &bad, &"--format", &"ndjson"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
    assert!(err.contains("a\\nperfplan: 9 files, 9 objectives\\x1b]0;pwned\\x07.pdf: not a PDF"), "{err}");
    assert!(!err.lines().any(|l| l.starts_with("perfplan: 9 files")), "{err}");
}

#[test]
fn summary_names_files_with_no_objective_and_require_objectives_fails_them() {
    let t = tempfile::tempdir().unwrap();
    let inp = t.path().join("in");
    let good = copy_fixtures(&inp);
    // A name holding a newline is printed escaped: it cannot forge a summary line.
    let empty = inp.join("let\nter.pdf");
    std::fs::write(&empty, plain_pdf()).unwrap();
    let (o, report) = convert_with_report(&[&inp], &t.path().join("out"), &t.path().join("r.json"), &[]);
    let err = stderr(&o);
    assert_eq!(code(&o), 0, "{err}");
    let empty_names: Vec<String> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["objectives"] == 0)
        .map(|f| f["path"].as_str().unwrap().replace('\n', "\\n"))
        .collect();
    let line = err.lines().find(|l| l.starts_with("perfplan: no objective in ")).expect(&err);
    assert!(line.contains(&format!(" {} file(s): ", empty_names.len())), "{line}");
    for name in &empty_names {
        assert!(line.contains(name.as_str()), "{line}");
    }
    assert!(line.contains("let\\nter.pdf"), "{err}");
    assert_eq!(entry(&report, "let\nter.pdf")["status"], "ok");
    let with_objectives: Vec<&PathBuf> =
        good.iter().filter(|p| entry(&report, &p.file_name().unwrap().to_string_lossy())["objectives"] != 0).collect();
    assert!(!with_objectives.is_empty());

    let out = t.path().join("out2");
    let (o, report) = convert_with_report(&[&inp], &out, &t.path().join("r2.json"), &["--require-objectives"]);
    let err = stderr(&o);
    assert_eq!(code(&o), 1, "no objective is a failure with --require-objectives: {err}");
    let e = entry(&report, "let\nter.pdf");
    assert_eq!(e["status"], "failed", "{e:#}");
    assert_eq!(e["error_kind"], "no_objectives", "{e:#}");
    assert!(!out.join("let\nter.json").exists(), "a file that failed is not written");
    for pdf in with_objectives {
        assert_eq!(entry(&report, &pdf.file_name().unwrap().to_string_lossy())["status"], "ok");
        assert!(out.join(format!("{}.json", stem(pdf))).is_file());
    }
    assert!(!err.contains("no objective in"), "a failed file is not counted as empty: {err}");
}

#[test]
fn summary_names_recovered_files() {
    let t = tempfile::tempdir().unwrap();
    let inp = t.path().join("in");
    std::fs::create_dir(&inp).unwrap();
    let good = plain_pdf();
    for (name, cut) in [("half.pdf", good.len() / 2), ("no-trailer.pdf", good.len() - 40)] {
        std::fs::write(inp.join(name), &good[..cut]).unwrap();
    }
    let (o, report) = convert_with_report(&[&inp], &t.path().join("out"), &t.path().join("r.json"), &[]);
    let err = stderr(&o);
    let recovered: Vec<&str> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "recovered")
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    let line = err.lines().find(|l| l.starts_with("perfplan: recovered (see their diagnostics) "));
    match line {
        None => assert!(recovered.is_empty(), "{err}"),
        Some(line) => {
            assert!(line.contains(&format!(" {} file(s): ", recovered.len())), "{line}");
            for path in recovered {
                assert!(line.contains(path), "{line}");
            }
        }
    }
}
