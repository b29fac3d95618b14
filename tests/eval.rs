//! `perfplan eval`: exact numbers on small hand-made expected/actual directories
//! (computed by hand from score.py's rules), exit codes, the JSON report's shape,
//! and `--pdf` mode on the fixtures. Needs nothing outside the repository.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use perfplan::eval::{self, Actual, ALL_FIELDS};
use serde_json::{json, Value};

fn objective(code: &str, pages: &[u32], dup_links: usize, indicators: usize) -> Value {
    let dups: Vec<Value> = (0..dup_links)
        .map(|i| json!({"label": format!("Indirizzo {i}"), "code": null, "text": "BUONA AMMINISTRAZIONE", "refs": ["12.1.06"]}))
        .collect();
    let inds: Vec<Value> = (0..indicators)
        .map(|i| {
            json!({"description": format!("Indicatore {i}"), "type": "OUTCOME",
                   "target": {"raw": "10,00", "value": 10.0, "unit": null, "comparator": null, "date": null, "boolean": null}})
        })
        .collect();
    json!({
        "code": code, "year": 2024, "title": format!("Obiettivo {code}"), "directorate": "DIREZIONE",
        "director": null, "service": "SERVIZIO", "executive": "ROSSI MARIO", "classification": "DIREZIONALE",
        "typology": "SINTESI", "dup_links": dups, "description": "Intro:\n\n- uno;\n- due", "indicators": inds,
        "pages": pages,
    })
}

fn doc(objectives: Vec<Value>) -> Value {
    json!({"schema_version": "1", "source": {"file": "x.pdf", "sha256": "00", "pages": 9}, "objectives": objectives, "diagnostics": []})
}

fn write(dir: &Path, name: &str, v: &Value) {
    std::fs::write(dir.join(name), serde_json::to_string_pretty(v).unwrap()).unwrap();
}

/// Expected and actual directories with every kind of damage:
///
/// | file | expected | actual | fields |
/// |---|---|---|---|
/// | a | A1 (1 DUP, 2 ind.: 32 fields), A2 (0 DUP, 1 ind.: 20) | A1 with a wrong title and indicator 1 dropped (10 wrong), A2, extra X9, A2 again | 42/52 |
/// | b | B1 (20) | B1: director `""` for null, other pages (wrong); year 2024.0, `•` bullets, value +1e-12 (right) | 18/20 |
/// | c | C1 (20) | invalid JSON | 0/20 |
/// | d | D1 (20) | no file | 0/20 |
/// | e | E1, E2 (20 each) | only E2, its code with spaces around | 20/40 |
///
/// Totals: 80/152 fields; objectives expected 7, actual 6, matched 4.
fn corpus() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let (exp, act) = (t.path().join("expected"), t.path().join("actual"));
    std::fs::create_dir_all(&exp).unwrap();
    std::fs::create_dir_all(&act).unwrap();

    let a1 = objective("A1", &[1], 1, 2);
    let a2 = objective("A2", &[2, 3], 0, 1);
    write(&exp, "a.expected.json", &doc(vec![a1.clone(), a2.clone()]));
    let mut a1x = a1.clone();
    a1x["title"] = json!("Obiettivo sbagliato");
    a1x["indicators"].as_array_mut().unwrap().pop();
    let x9 = objective("X9", &[7], 0, 0);
    write(&act, "a.json", &doc(vec![a1x, a2.clone(), x9, a2]));

    let b1 = objective("B1", &[4], 0, 1);
    write(&exp, "b.expected.json", &doc(vec![b1.clone()]));
    let mut b1x = b1;
    b1x["director"] = json!("");
    b1x["year"] = json!(2024.0);
    b1x["description"] = json!("Intro:\n\n• uno;\n  2) due");
    b1x["indicators"][0]["target"]["value"] = json!(10.000000000001);
    b1x["pages"] = json!([5]);
    write(&act, "b.json", &doc(vec![b1x]));

    write(&exp, "c.expected.json", &doc(vec![objective("C1", &[1], 0, 1)]));
    std::fs::write(act.join("c.json"), "{\"objectives\": [").unwrap();

    write(&exp, "d.expected.json", &doc(vec![objective("D1", &[1], 0, 1)]));

    let e2 = objective("E2", &[2], 0, 1);
    write(&exp, "e.expected.json", &doc(vec![objective("E1", &[1], 0, 1), e2.clone()]));
    let mut e2x = e2;
    e2x["code"] = json!(" E2\t");
    write(&act, "e.json", &doc(vec![e2x]));
    t
}

fn perfplan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_perfplan")).args(args).output().expect("run perfplan")
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn hand_computed_numbers() {
    let t = corpus();
    let r = eval::evaluate(&t.path().join("expected"), &Actual::Dir(t.path().join("actual")), 1).unwrap();
    assert_eq!((r.correct, r.total), (80, 152));
    assert_eq!((r.expected_objectives, r.actual_objectives, r.matched_objectives), (7, 6, 4));
    assert!(close(r.field_accuracy, 80.0 / 152.0));
    assert!(close(r.objective_recall, 4.0 / 7.0));
    assert!(close(r.objective_precision, 4.0 / 6.0));
    assert_eq!(r.score, (80.0 / 152.0) * (4.0 / 6.0));

    let rows: Vec<(&str, &str, usize, usize, usize, usize, usize)> = r
        .files
        .iter()
        .map(|f| (f.stem.as_str(), f.status.as_str(), f.expected, f.actual, f.matched, f.correct, f.total))
        .collect();
    assert_eq!(
        rows,
        [
            ("a", "ok", 2, 4, 2, 42, 52),
            ("b", "ok", 1, 1, 1, 18, 20),
            ("c", "invalid JSON", 1, 0, 0, 0, 20),
            ("d", "missing", 1, 0, 0, 0, 20),
            ("e", "ok", 2, 1, 1, 20, 40),
        ]
    );
    // Duplicates first (as written), then unexpected codes.
    assert_eq!(r.files[0].extra_codes, [Some("A2".to_string()), Some("X9".to_string())]);
    assert_eq!(r.files[0].extra[1].pages, [7]);
    assert_eq!(r.files[4].missing_codes, ["E1"]);
    assert_eq!(r.files[4].missing[0].pages, [1]);

    let count = |f: &str| {
        let c = r.fields.get(f).unwrap();
        (c.correct, c.total)
    };
    assert_eq!(count("title"), (3, 7));
    assert_eq!(count("director"), (3, 7));
    assert_eq!(count("year"), (4, 7));
    assert_eq!(count("description"), (4, 7));
    assert_eq!(count("pages"), (3, 7));
    assert_eq!(count("dup_links.label"), (1, 1));
    assert_eq!(count("dup_links.count"), (4, 7));
    assert_eq!(count("indicators.description"), (4, 8));
    assert_eq!(count("indicators.target.value"), (4, 8));
    assert_eq!(count("indicators.count"), (3, 7));
    assert_eq!(r.fields.iter().map(|(f, _)| f).collect::<Vec<_>>(), ALL_FIELDS);

    // Every wrong field of a matched objective, with its place.
    let wrong: Vec<(&str, &str, &str, bool)> =
        r.mismatches.iter().map(|m| (m.location.as_str(), m.field.as_str(), m.path.as_str(), m.absent)).collect();
    let mut want = vec![("a A1", "title", "title", false)];
    for f in [
        "description",
        "type",
        "target.raw",
        "target.value",
        "target.unit",
        "target.comparator",
        "target.date",
        "target.boolean",
    ] {
        want.push(("a A1 indicators[1]", "", "", true));
        let last = want.last_mut().unwrap();
        last.1 = Box::leak(format!("indicators.{f}").into_boxed_str());
        last.2 = Box::leak(format!("indicators[1].{f}").into_boxed_str());
    }
    want.push(("a A1", "indicators.count", "indicators.count", false));
    want.push(("b B1", "director", "director", false));
    want.push(("b B1", "pages", "pages", false));
    assert_eq!(wrong, want);
    let m = &r.mismatches[0];
    assert_eq!((m.file.as_str(), m.code.as_str()), ("a", "A1"));
    assert_eq!((&m.expected, &m.actual), (&json!("Obiettivo A1"), &json!("Obiettivo sbagliato")));
    assert_eq!((m.expected_pages.as_slice(), m.actual_pages.as_slice()), (&[1][..], &[1][..]));
    let count_m = &r.mismatches[9];
    assert_eq!((&count_m.expected, &count_m.actual), (&json!(2), &json!(1)));
    let pages_m = &r.mismatches[11];
    assert_eq!((pages_m.expected_pages.as_slice(), pages_m.actual_pages.as_slice()), (&[4][..], &[5][..]));
    assert_eq!(r.mismatches[10].actual, json!(""));
    assert_eq!(r.mismatches[10].expected, Value::Null);
}

#[test]
fn duplicate_expected_code_and_python_json() {
    // An expected code listed twice matches the one actual objective twice (as in
    // score.py: precision 2/1); NaN is accepted as Python's json does, and wrong.
    let t = tempfile::tempdir().unwrap();
    let f1 = objective("F1", &[1], 0, 1);
    write(t.path(), "f.expected.json", &doc(vec![f1.clone(), f1.clone()]));
    let text = serde_json::to_string(&doc(vec![f1])).unwrap().replace("\"value\":10.0", "\"value\":NaN");
    assert!(text.contains("NaN"));
    let act = t.path().join("act");
    std::fs::create_dir(&act).unwrap();
    std::fs::write(act.join("f.json"), format!("\u{feff}{text}")).unwrap();
    let r = eval::evaluate(t.path(), &Actual::Dir(act), 0).unwrap();
    assert_eq!((r.expected_objectives, r.actual_objectives, r.matched_objectives), (2, 1, 2));
    assert_eq!((r.correct, r.total), (38, 40));
    assert_eq!(r.objective_precision, 2.0);
    assert_eq!(r.score, 38.0 / 40.0 * 2.0);
    assert_eq!(r.files[0].status, "ok");
    assert_eq!(r.mismatches[0].path, "indicators[0].target.value");
    assert_eq!(r.mismatches[0].actual, json!("NaN"));
}

#[test]
fn odd_actual_documents() {
    let t = tempfile::tempdir().unwrap();
    let act = t.path().join("act");
    std::fs::create_dir(&act).unwrap();
    for (stem, body) in
        [("l", "[]"), ("n", "{\"objectives\": null}"), ("x", "{\"objectives\": [1, {\"code\": 5}, {}]}")]
    {
        write(t.path(), &format!("{stem}.expected.json"), &doc(vec![objective("Z1", &[1], 0, 0)]));
        std::fs::write(act.join(format!("{stem}.json")), body).unwrap();
    }
    let r = eval::evaluate(t.path(), &Actual::Dir(act), 0).unwrap();
    let st: Vec<(&str, usize)> = r.files.iter().map(|f| (f.status.as_str(), f.actual)).collect();
    assert_eq!(st, [("not an object", 0), ("no objectives array", 0), ("ok", 3)]);
    assert_eq!(r.files[2].extra_codes, [None, None, None]);
    assert_eq!((r.correct, r.total, r.objective_precision), (0, 36, 0.0));
    assert_eq!(r.score, 0.0);
}

#[test]
fn cli_text_report_and_min_score() {
    let t = corpus();
    let (exp, act) = (t.path().join("expected"), t.path().join("actual"));
    let (exp, act) = (exp.to_str().unwrap(), act.to_str().unwrap());
    let score = (80.0 / 152.0) * (4.0 / 6.0);

    let out = perfplan(&["eval", exp, act]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().last().unwrap(), format!("score: {score:.4}"));
    assert_eq!(text.lines().last().unwrap(), "score: 0.3509");
    let all = format!("{:<28}  {:>8}  {:>8}  {:>6.1}%", "ALL FIELDS", 80, 152, 52.6);
    assert!(text.contains(&all), "{all:?} not in\n{text}");
    for needle in [
        "DIFF     a A1  indicators[1].target.raw  (pages: expected 1, actual 1)",
        "DIFF     b B1  pages  (pages: expected 4, actual 5)",
        "           actual   <absent>",
        "MISSING  e E1  (expected pages 1)",
        "EXTRA    a X9  (objectives[2], pages 7)",
        "EXTRA    a A2  (objectives[3], pages 2,3)",
        "objective recall:    0.5714",
        "objective precision: 0.6667",
        "field accuracy:      0.5263",
    ] {
        assert!(text.contains(needle), "{needle:?} not in\n{text}");
    }

    assert_eq!(perfplan(&["eval", exp, act, "--min-score", "0.35"]).status.code(), Some(0));
    assert_eq!(perfplan(&["eval", exp, act, "--min-score", &format!("{score}")]).status.code(), Some(0));
    let below = perfplan(&["eval", exp, act, "--min-score", "0.351"]);
    assert_eq!(below.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&below.stderr).contains("below --min-score"));
}

#[test]
fn cli_usage_errors() {
    let t = corpus();
    let (exp, act) = (t.path().join("expected"), t.path().join("actual"));
    let (exp, act) = (exp.to_str().unwrap(), act.to_str().unwrap());
    let nowhere = t.path().join("nowhere");
    let nowhere = nowhere.to_str().unwrap();
    for args in [
        vec!["eval", nowhere, act],
        vec!["eval", exp, nowhere],
        vec!["eval", act, act],                     // no *.expected.json
        vec!["eval", exp],                          // neither ACTUAL_DIR nor --pdf
        vec!["eval", exp, act, "--pdf", act],       // both
        vec!["eval", exp, act, "--min-score", "x"], // not a number
        vec!["eval", exp, "--pdf", nowhere],
    ] {
        let out = perfplan(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    // Ground truth that is not JSON: a usage error too.
    std::fs::write(t.path().join("expected").join("z.expected.json"), "nope").unwrap();
    let out = perfplan(&["eval", exp, act]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("z.expected.json"));
}

#[test]
fn cli_json_report() {
    let t = corpus();
    let (exp, act) = (t.path().join("expected"), t.path().join("actual"));
    let out =
        perfplan(&["eval", exp.to_str().unwrap(), act.to_str().unwrap(), "--format", "json", "--min-score", "0.9"]);
    assert_eq!(out.status.code(), Some(1));
    let r: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    for key in ["score", "field_accuracy", "objective_recall", "objective_precision"] {
        assert!(r[key].is_f64(), "{key}");
    }
    assert_eq!(r["score"], json!((80.0 / 152.0) * (4.0 / 6.0)));
    let mut fields: Vec<&String> = r["fields"].as_object().unwrap().keys().collect();
    fields.sort();
    let mut want = ALL_FIELDS.to_vec();
    want.sort();
    assert_eq!(fields, want);
    // In the scorer's order in the document (serde_json::Value sorts its keys).
    let raw = String::from_utf8(out.stdout.clone()).unwrap();
    let at: Vec<usize> = ALL_FIELDS.iter().map(|f| raw.find(&format!("\"{f}\": {{")).unwrap()).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "fields out of order");
    assert_eq!(r["fields"]["title"], json!({"correct": 3, "total": 7}));
    let files = r["files"].as_array().unwrap();
    assert_eq!(files.len(), 5);
    for key in ["stem", "status", "expected", "actual", "matched", "correct", "total", "missing_codes", "extra_codes"] {
        assert!(files[0].get(key).is_some(), "files[].{key}");
    }
    assert_eq!(files[2]["status"], "invalid JSON");
    assert_eq!(files[4]["missing_codes"], json!(["E1"]));
    let m = &r["mismatches"][1];
    assert_eq!(
        m,
        &json!({"where": "a A1 indicators[1]", "field": "indicators.description", "expected": "Indicatore 1",
                "actual": null, "absent": true, "file": "a", "code": "A1", "path": "indicators[1].description",
                "expected_pages": [1], "actual_pages": [1]})
    );
    assert_eq!(r["mismatches"].as_array().unwrap().len(), 12);
}

#[test]
fn pdf_mode_scores_the_fixtures_perfectly() {
    let fixtures = common::fixtures_dir();
    let expected = common::expected_files().len();
    assert!(expected > 0, "{}", common::NO_FIXTURES);
    let out = perfplan(&[
        "eval",
        fixtures.to_str().unwrap(),
        "--pdf",
        fixtures.to_str().unwrap(),
        "--format",
        "json",
        "--min-score",
        "1",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["score"], json!(1.0), "{:#}", r["mismatches"]);
    assert_eq!(r["files"].as_array().unwrap().len(), expected);
    assert!(r["files"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["status"] == "ok" && f["actual_file"].as_str().unwrap().ends_with(".pdf")));

    // A stem without its PDF is missing, not an error.
    let t = tempfile::tempdir().unwrap();
    let first = &common::expected_files()[0];
    std::fs::copy(first, t.path().join(first.file_name().unwrap())).unwrap();
    std::fs::write(t.path().join("ghost.expected.json"), doc(vec![objective("G1", &[1], 0, 0)]).to_string()).unwrap();
    let r = eval::evaluate(t.path(), &Actual::Pdf { dir: fixtures, options: Default::default() }, 0).unwrap();
    assert_eq!(r.files.iter().map(|f| f.status.as_str()).collect::<Vec<_>>(), ["ok", "missing"]);
    assert_eq!(r.objective_recall, (r.expected_objectives - 1) as f64 / r.expected_objectives as f64);
}

#[test]
fn html_report_lists_wrong_fields_and_draws_the_sheets() {
    // One fixture, its ground truth and PDF side by side, and an actual output with
    // one wrong title and one wrong executive.
    let pdf =
        common::fixture_pdfs().into_iter().find(|p| common::expected_for(p).is_some()).expect(common::NO_FIXTURES);
    let stem = pdf.file_stem().unwrap().to_str().unwrap().to_string();
    let t = tempfile::tempdir().unwrap();
    let (exp, act) = (t.path().join("expected"), t.path().join("actual"));
    std::fs::create_dir_all(&exp).unwrap();
    std::fs::create_dir_all(&act).unwrap();
    std::fs::copy(&pdf, exp.join(format!("{stem}.pdf"))).unwrap();
    std::fs::copy(common::expected_for(&pdf).unwrap(), exp.join(format!("{stem}.expected.json"))).unwrap();
    let doc = perfplan::pipeline::convert_file(&pdf, &Default::default()).unwrap();
    let mut v = serde_json::to_value(&doc).unwrap();
    let code = v["objectives"][0]["code"].as_str().unwrap().to_string();
    v["objectives"][0]["title"] = json!("<script>not a title</script>");
    v["objectives"][0]["executive"] = json!("NESSUNO");
    write(&act, &format!("{stem}.json"), &v);
    let html = t.path().join("report.html");
    let out = perfplan(&["eval", exp.to_str().unwrap(), act.to_str().unwrap(), "--html", html.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>") && page.trim_end().ends_with("</html>"));
    assert!(page.contains("Wrong fields (2)"), "both wrong fields announced");
    assert!(
        page.contains("&lt;script&gt;not a title&lt;/script&gt;") && !page.contains("<script>"),
        "values are escaped, no script"
    );
    assert!(page.contains("<code>title</code>") && page.contains("<code>executive</code>"));
    // The sheet is drawn with its pages and both wrong fields marked red.
    let sheet = page.split(&format!(r#"id="s-{stem}-{code}""#)).nth(1).expect("the sheet's section");
    let sheet = sheet.split("<h3").next().unwrap();
    assert!(sheet.contains(r#"<svg class="page""#));
    let wrong_marks: Vec<&str> =
        sheet.split(r#"class="mark wrong""#).skip(1).map(|s| s.split("</title>").next().unwrap()).collect();
    assert!(
        wrong_marks.iter().any(|m| m.ends_with("<title>title"))
            && wrong_marks.iter().any(|m| m.ends_with("<title>executive")),
        "{wrong_marks:?}"
    );
    assert!(sheet.contains(r#"class="mark right""#));
    // No external resource: the report stands alone.
    assert!(!page.contains("src=") && !page.contains("<link"));
}

fn v2_target(raw: &str, value: Option<f64>) -> Value {
    json!({"raw": raw, "value": value, "unit": "%", "comparator": null, "date": null, "boolean": null})
}

/// A contract v2 objective: level, responsibility centre, weight, purpose,
/// achievement, two phases and one indicator with a baseline, two per-year targets
/// and an actual value. 20 v1 fields, 47 v2 fields.
fn v2_objective(code: &str) -> Value {
    let mut o = objective(code, &[1, 2], 0, 1);
    let phase = |d: &str, start: &str| {
        json!({"description": d, "weight": 50.0, "start": start, "end": "2024-06-30", "responsible": "ROSSI MARIO",
               "responsibility_center": "104 - DIREZIONE", "notes": null})
    };
    let extra = json!({
        "level": "SPECIFICO", "responsibility_center": {"code": "104", "name": "DIREZIONE AFFARI GENERALI"},
        "weight": 25.5, "purpose": "Finalità:\n\n- uno;\n- due", "achievement": 96.5,
        "phases": [phase("Ricognizione", "2024-01-08"), phase("Analisi", "2024-03-01")],
    });
    for (k, v) in extra.as_object().unwrap() {
        o[k] = v.clone();
    }
    let ind = &mut o["indicators"][0];
    ind["unit"] = json!("%");
    ind["weight"] = json!(40.0);
    ind["baseline"] = json!({"year": 2023, "value": v2_target("62%", Some(62.0))});
    ind["targets"] = json!([{"year": 2024, "target": v2_target("100%", Some(100.0))},
                            {"year": 2025, "target": v2_target("90%", Some(90.0))}]);
    ind["actual"] = v2_target("46,2%", Some(46.2));
    ind["achievement"] = json!(100.0);
    o
}

#[test]
fn v2_fields_are_scored_only_for_v2_ground_truth() {
    let t = tempfile::tempdir().unwrap();
    let (exp, act) = (t.path().join("expected"), t.path().join("actual"));
    std::fs::create_dir_all(&exp).unwrap();
    std::fs::create_dir_all(&act).unwrap();
    let v1 = v2_objective("V1");
    let mut v2doc = doc(vec![v1.clone()]);
    v2doc["schema_version"] = json!("2");
    write(&exp, "v.expected.json", &v2doc);
    // The same objective under v1 ground truth (integer 2 would be v2, as in score.py).
    write(&exp, "w.expected.json", &doc(vec![v2_objective("W1")]));
    let mut n = doc(vec![v2_objective("N1")]);
    n["schema_version"] = json!(2);
    write(&exp, "n.expected.json", &n);
    write(&act, "n.json", &doc(vec![v2_objective("N1")]));

    let mut a = v1;
    a["weight"] = json!("25,5"); // wrong: a string
    a["achievement"] = json!(96.5000000001); // right: within 1e-9
    a["purpose"] = json!("Finalità:\n\n• uno;\n2) due"); // right: bullets stripped
    a["responsibility_center"] = Value::Null; // code and name wrong
    a["phases"].as_array_mut().unwrap().pop(); // phases[1].* (7) and phases.count wrong
    a["indicators"][0]["targets"][1]["target"]["value"] = json!(91.0); // one wrong
    a["indicators"][0]["baseline"]["value"]["raw"] = json!(""); // the whole baseline.value wrong
    a["indicators"][0]["actual"] = Value::Null; // six wrong
    write(&act, "v.json", &doc(vec![a.clone()]));
    let mut w = a;
    w["code"] = json!("W1");
    w["title"] = json!("Obiettivo W1");
    write(&act, "w.json", &doc(vec![w]));

    let r = eval::evaluate(&exp, &Actual::Dir(act.clone()), 1).unwrap();
    let rows: Vec<(&str, usize, usize)> = r.files.iter().map(|f| (f.stem.as_str(), f.correct, f.total)).collect();
    assert_eq!(rows, [("n", 67, 67), ("v", 48, 67), ("w", 20, 20)]);
    let count = |f: &str| {
        let c = r.fields.get(f).unwrap();
        (c.correct, c.total)
    };
    assert_eq!(count("weight"), (1, 2));
    assert_eq!(count("achievement"), (2, 2));
    assert_eq!(count("purpose"), (2, 2));
    assert_eq!(count("responsibility_center.name"), (1, 2));
    assert_eq!(count("phases.start"), (3, 4));
    assert_eq!(count("phases.count"), (1, 2));
    assert_eq!(count("indicators.baseline.value"), (1, 2));
    assert_eq!(count("indicators.targets.year"), (4, 4));
    assert_eq!(count("indicators.targets.target.value"), (3, 4));
    assert_eq!(count("indicators.targets.count"), (2, 2));
    assert_eq!(count("indicators.actual.raw"), (1, 2));
    // The v2 rows follow the v1 rows, in score.py's order.
    let names: Vec<&str> = r.fields.iter().map(|(f, _)| f).collect();
    assert_eq!(names[..ALL_FIELDS.len()], ALL_FIELDS);
    assert_eq!(names[ALL_FIELDS.len()..], eval::V2_FIELDS);

    let wrong: Vec<(&str, &str, &str)> =
        r.mismatches.iter().map(|m| (m.location.as_str(), m.field.as_str(), m.path.as_str())).collect();
    let mut want = vec![
        ("v V1", "weight", "weight"),
        ("v V1", "responsibility_center.code", "responsibility_center.code"),
        ("v V1", "responsibility_center.name", "responsibility_center.name"),
    ];
    for f in eval::PHASE_FIELDS {
        let (field, path) = (format!("phases.{f}"), format!("phases[1].{f}"));
        want.push(("v V1 phases[1]", Box::leak(field.into_boxed_str()), Box::leak(path.into_boxed_str())));
    }
    want.push(("v V1", "phases.count", "phases.count"));
    want.push(("v V1 indicators[0]", "indicators.baseline.value", "indicators[0].baseline.value"));
    want.push((
        "v V1 indicators[0].targets[1]",
        "indicators.targets.target.value",
        "indicators[0].targets[1].target.value",
    ));
    for f in eval::TARGET_FIELDS {
        want.push((
            "v V1 indicators[0]",
            Box::leak(format!("indicators.actual.{f}").into_boxed_str()),
            Box::leak(format!("indicators[0].actual.{f}").into_boxed_str()),
        ));
    }
    assert_eq!(wrong, want);
    assert!(r.mismatches[3].absent, "a dropped phase is absent");
    assert_eq!((&r.mismatches[1].expected, &r.mismatches[1].actual), (&json!("104"), &Value::Null));
    assert!(r.mismatches[1].absent, "a key of a null parent is absent, as in score.py");
    assert_eq!(r.mismatches[11].expected, v2_target("62%", Some(62.0)), "the whole expected Target");

    // Text and JSON reports list the v2 rows; a v1-only corpus does not.
    let text = r.to_text();
    assert!(text.contains("\nindicators.targets.target.comparator  "), "{text}");
    assert!(text.contains("DIFF     v V1  phases[1].start  (pages: expected 1,2, actual 1,2)"), "{text}");
    let out = perfplan(&["eval", exp.to_str().unwrap(), act.to_str().unwrap(), "--format", "json"]);
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["fields"]["phases.count"], json!({"correct": 1, "total": 2}));
    assert_eq!(j["fields"].as_object().unwrap().len(), ALL_FIELDS.len() + eval::V2_FIELDS.len());
    std::fs::remove_file(exp.join("v.expected.json")).unwrap();
    std::fs::remove_file(exp.join("n.expected.json")).unwrap();
    let r = eval::evaluate(&exp, &Actual::Dir(act), 1).unwrap();
    assert_eq!(r.fields.iter().count(), ALL_FIELDS.len());
    assert!(!r.to_text().contains("phases.count"));
}

#[cfg(unix)]
#[test]
fn names_in_the_text_report_are_escaped() {
    let t = tempfile::tempdir().unwrap();
    let (exp, act) = (t.path().join("exp"), t.path().join("act"));
    std::fs::create_dir_all(&exp).unwrap();
    std::fs::create_dir_all(&act).unwrap();
    let stem = "a\u{1b}]0;pwned\u{7}\rb";
    write(&exp, &format!("{stem}.expected.json"), &doc(vec![objective("X1", &[1], 1, 1)]));
    write(&act, &format!("{stem}.json"), &doc(vec![objective("X2", &[1], 1, 1)]));
    let o = Command::new(env!("CARGO_BIN_EXE_perfplan")).arg("eval").arg(&exp).arg(&act).output().unwrap();
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}') && !out.contains('\r'), "{out:?}");
    assert!(out.contains("a\\x1b]0;pwned\\x07\\rb"), "{out}");
    assert!(out.contains("MISSING  a\\x1b"), "{out}");
}
