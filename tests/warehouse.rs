//! Feeding a warehouse, end to end through the binary: `--tables` (CSV and
//! Parquet) against the JSON of the same run, stable keys across reruns, standard
//! input (`-` and `--inputs-from -`), and the batch progress on stderr (plain
//! lines, `--quiet`, and the bar in a pseudo-terminal). The DuckDB load test of
//! the three formats is `tools/duckdb_load_test.py` (run by `.ci/run`).

mod common;

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use common::{code, dir_files, fixture_pdfs, perfplan, stderr};

const TABLE_NAMES: [&str; 5] = ["objectives", "dup_links", "indicators", "phases", "indicator_targets"];

/// (objectives, dup links, indicators, phases, per-year indicator targets) in a
/// directory of `<stem>.json` outputs.
fn json_counts(dir: &Path) -> [usize; 5] {
    let mut n = [0; 5];
    for (_, bytes) in dir_files(dir) {
        let doc: Value = serde_json::from_slice(&bytes).unwrap();
        for o in doc["objectives"].as_array().unwrap() {
            n[0] += 1;
            n[1] += o["dup_links"].as_array().unwrap().len();
            n[2] += o["indicators"].as_array().unwrap().len();
            n[3] += o["phases"].as_array().unwrap().len();
            for i in o["indicators"].as_array().unwrap() {
                n[4] += i["targets"].as_array().unwrap().len();
            }
        }
    }
    n
}

/// Records of an RFC 4180 file (quoted fields may hold commas, quotes, newlines).
fn csv_records(text: &str) -> Vec<Vec<String>> {
    let (mut records, mut record, mut field) = (Vec::new(), Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {
                chars.next();
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(field.is_empty() && record.is_empty(), "the file ends with CRLF");
    records
}

#[test]
fn tables_hold_what_the_json_holds_with_stable_unique_keys() {
    let t = tempfile::tempdir().unwrap();
    let fixtures = common::fixtures_dir();
    let (json, csv, pq) = (t.path().join("json"), t.path().join("csv"), t.path().join("pq"));
    let o = perfplan(&[&"convert", &fixtures, &"--out", &json, &"--tables", &csv, &"-q"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let counts = json_counts(&json);
    assert!(counts[0] > 0 && counts[2] > 0);

    let mut keys = Vec::new();
    for (i, name) in TABLE_NAMES.iter().enumerate() {
        let text = std::fs::read_to_string(csv.join(format!("{name}.csv"))).unwrap();
        let records = csv_records(&text);
        assert_eq!(records.len() - 1, counts[i], "{name}: one row per item of the JSON");
        assert!(records.iter().all(|r| r.len() == records[0].len()), "{name}: every row has every column");
        assert_eq!(records[0][0], "objective_key");
        if i == 0 {
            keys = records[1..].iter().map(|r| r[0].clone()).collect();
        } else {
            assert!(records[1..].iter().all(|r| keys.contains(&r[0])), "{name}: every row belongs to an objective");
        }
    }
    let mut unique = keys.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), keys.len(), "objective keys are unique");

    // A rerun, with other files around and another job count, gives the same keys.
    let again = t.path().join("again");
    let first = &fixture_pdfs()[0];
    let o = perfplan(&[&"convert", &fixtures, &first, &"--tables", &again, &"-q", &"--jobs", &"1"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let again_keys: Vec<String> = csv_records(&std::fs::read_to_string(again.join("objectives.csv")).unwrap())[1..]
        .iter()
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(again_keys, keys, "the repeated input adds no rows and the keys are the same");
    assert_eq!(dir_files(&again), dir_files(&csv), "byte-identical tables on a rerun");

    // Parquet: same row counts, read back with the parquet crate.
    let o = perfplan(&[&"convert", &fixtures, &"--tables", &pq, &"--tables-format", &"parquet", &"-q"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    for (i, name) in TABLE_NAMES.iter().enumerate() {
        let (_, rows) = perfplan::tables::parquet_summary(&pq.join(format!("{name}.parquet"))).unwrap();
        assert_eq!(rows, counts[i], "{name}.parquet");
    }
    let names: Vec<String> = dir_files(&pq).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "dup_links.parquet",
            "indicator_targets.parquet",
            "indicators.parquet",
            "objectives.parquet",
            "phases.parquet"
        ],
        "no temporary file left"
    );
}

#[test]
fn an_unwritable_tables_directory_is_a_usage_error() {
    let t = tempfile::tempdir().unwrap();
    let file = t.path().join("file");
    std::fs::write(&file, b"x").unwrap();
    let o = perfplan(&[&"convert", &common::fixtures_dir(), &"--tables", &file.join("sub")]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).starts_with("perfplan: error: --tables "), "{}", stderr(&o));
    let o =
        perfplan(&[&"convert", &common::fixtures_dir(), &"--out", &t.path().join("o"), &"--tables-format", &"parquet"]);
    assert_eq!(code(&o), 2, "--tables-format needs --tables: {}", stderr(&o));
}

fn run_with_stdin(args: &[&str], input: &[u8]) -> std::process::Output {
    common::perfplan_with_stdin(args, std::io::Cursor::new(input.to_vec()))
}

#[test]
fn a_pdf_on_standard_input_converts_like_the_file() {
    let pdf = &fixture_pdfs()[0];
    let name = pdf.file_name().unwrap().to_str().unwrap();
    let from_file = perfplan(&[&"convert", pdf, &"--format", &"ndjson", &"-q"]);
    assert_eq!(code(&from_file), 0, "{}", stderr(&from_file));
    let from_stdin = run_with_stdin(
        &["convert", "-", "--format", "ndjson", "--stdin-name", name, "-q"],
        &std::fs::read(pdf).unwrap(),
    );
    assert_eq!(code(&from_stdin), 0, "{}", stderr(&from_stdin));
    assert!(!from_file.stdout.is_empty());
    assert_eq!(from_stdin.stdout, from_file.stdout, "same NDJSON, with the name given by --stdin-name");

    // Without a name: stdin.pdf. Not a PDF on stdin: that input fails, exit 1.
    let o = run_with_stdin(&["convert", "-", "--format", "ndjson", "-q"], &std::fs::read(pdf).unwrap());
    assert!(String::from_utf8_lossy(&o.stdout).lines().all(|l| l.contains(r#""file":"stdin.pdf""#)));
    let o = run_with_stdin(&["convert", "-", "--format", "ndjson"], b"<html>not a pdf</html>");
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("perfplan: error: -: "), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
}

#[test]
fn input_paths_can_come_from_standard_input() {
    let pdfs = fixture_pdfs();
    let list: String = pdfs.iter().take(3).map(|p| format!("{}\n", p.display())).collect::<String>() + "\n";
    let o = run_with_stdin(&["convert", "--inputs-from", "-", "--format", "ndjson", "-q"], list.as_bytes());
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let direct = perfplan(&[&"convert", &pdfs[0], &pdfs[1], &pdfs[2], &"--format", &"ndjson", &"-q"]);
    assert_eq!(o.stdout, direct.stdout);
    let o = run_with_stdin(&["convert", "-", "--inputs-from", "-", "--format", "ndjson"], b"");
    assert_eq!(code(&o), 2, "stdin cannot be both: {}", stderr(&o));
}

#[test]
fn progress_is_plain_lines_off_a_terminal_and_quiet_silences_it() {
    let t = tempfile::tempdir().unwrap();
    let fixtures = common::fixtures_dir();
    let n = fixture_pdfs().len();
    let o = perfplan(&[&"convert", &fixtures, &"--out", &t.path().join("a")]);
    assert_eq!(code(&o), 0);
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().filter(|l| l.contains(" files, ") && l.contains("files/s, ETA")).collect();
    assert!(lines.len() >= 2, "{err}");
    assert!(lines.last().unwrap().starts_with(&format!("perfplan: {n}/{n} files, ")), "{err}");
    assert!(!err.contains('\r'), "no redraws in a log: {err:?}");

    let o = perfplan(&[&"convert", &fixtures, &"--out", &t.path().join("b"), &"--quiet"]);
    assert_eq!((code(&o), stderr(&o)), (0, String::new()));
    // --quiet keeps the errors.
    let bad = t.path().join("bad.pdf");
    std::fs::write(&bad, b"garbage").unwrap();
    let o = perfplan(&[&"convert", &bad, &"--out", &t.path().join("c"), &"-q"]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).starts_with("perfplan: error: "), "{}", stderr(&o));
}

/// In a pseudo-terminal (util-linux `script`) stderr is a terminal: the bar is
/// redrawn in place and cleared before the summary.
#[test]
fn progress_is_a_bar_in_a_terminal() {
    if Command::new("script").arg("--version").output().is_err() {
        panic!("util-linux `script` is needed for the pseudo-terminal test");
    }
    let t = tempfile::tempdir().unwrap();
    let cmd = format!(
        "{} convert {} --out {} 2>&1",
        env!("CARGO_BIN_EXE_perfplan"),
        common::fixtures_dir().display(),
        t.path().join("o").display()
    );
    let o = Command::new("script").args(["-qec", &cmd, "/dev/null"]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let tty = String::from_utf8_lossy(&o.stdout);
    let n = fixture_pdfs().len();
    assert!(tty.contains(&format!("] {n}/{n} files")), "{tty:?}");
    assert!(tty.contains("\r["), "redrawn in place: {tty:?}");
    assert!(tty.contains("\x1b[K"), "cleared: {tty:?}");
    assert!(!tty.contains(&format!("perfplan: {n}/{n} files,")), "no plain lines in a terminal: {tty:?}");
    assert!(tty.contains(&format!("perfplan: {n} files, ")), "the summary line: {tty:?}");
}

/// A contract v2 document (the parser does not fill these fields yet): two
/// objectives, one with phases, weights, a baseline, per-year targets and an actual
/// value, one with none of them.
fn v2_document() -> perfplan::model::Document {
    let t = |raw: &str, value: Option<f64>, date: Option<&str>| serde_json::json!({"raw": raw, "value": value, "unit": null, "comparator": null, "date": date, "boolean": null});
    let ind = |d: &str, baseline: Value, targets: Value, actual: Value| {
        serde_json::json!({"description": d, "type": "EFFICACIA", "target": t("100%", Some(100.0), None),
            "unit": "%", "weight": 30.5, "baseline": baseline, "targets": targets, "actual": actual, "achievement": 96.5})
    };
    let phase = |d: &str, w: Option<f64>, start: Option<&str>, end: Option<&str>| {
        serde_json::json!({"description": d, "weight": w, "start": start, "end": end, "responsible": "ROSSI MARIO",
            "responsibility_center": "104 - DIREZIONE", "notes": null})
    };
    let v = serde_json::json!({
        "schema_version": "2",
        "source": {"file": "peg-2024-v2.pdf", "sha256": "ab".repeat(32), "pages": 3},
        "objectives": [
            {"code": "2024_A101", "year": 2024, "title": "Semplificazione", "directorate": null, "director": null,
             "service": null, "executive": null, "classification": null, "typology": null, "dup_links": [],
             "description": null, "pages": [1, 2], "level": "SPECIFICO",
             "responsibility_center": {"code": "104", "name": "DIREZIONE AFFARI GENERALI"}, "weight": 25.5,
             "purpose": "Finalità", "achievement": 96.5,
             "phases": [phase("Ricognizione", Some(30.0), Some("2024-03-01"), Some("2024-06-30")),
                        phase("Analisi", Some(70.0), Some("2024-07-01"), None), phase("Chiusura", None, None, None)],
             "indicators": [
                ind("Procedimenti mappati", serde_json::json!({"year": 2023, "value": t("62%", Some(62.0), None)}),
                    serde_json::json!([{"year": 2024, "target": t("100%", Some(100.0), None)},
                                       {"year": 2025, "target": t("entro il 31/12/2025", None, Some("2025-12-31"))},
                                       {"year": 2026, "target": t("1.250,50", Some(1250.5), None)}]),
                    t("46,2%", Some(46.2), None)),
                ind("Atti digitali", serde_json::json!({"year": null, "value": t("", None, None)}),
                    serde_json::json!([]), Value::Null)]},
            {"code": "2024_A102", "year": 2024, "title": "Senza v2", "directorate": null, "director": null,
             "service": null, "executive": null, "classification": null, "typology": null, "dup_links": [],
             "description": null, "pages": [3], "level": null, "responsibility_center": null, "weight": null,
             "purpose": null, "achievement": null, "phases": [],
             "indicators": [ind("Solo target", Value::Null, serde_json::json!([]), Value::Null)]}
        ],
        "diagnostics": []
    });
    serde_json::from_value(v).expect("a v2 document")
}

/// Sum of a Float64 column (nulls skipped) and its non-null count, from a Parquet file.
fn parquet_sum(path: &Path, column: &str) -> (f64, usize) {
    use arrow_array::{Array, Float64Array};
    let file = std::fs::File::open(path).unwrap();
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file).unwrap().build().unwrap();
    let (mut sum, mut n) = (0.0, 0);
    for batch in reader {
        let batch = batch.unwrap();
        let col = batch.column_by_name(column).unwrap().as_any().downcast_ref::<Float64Array>().unwrap().clone();
        for i in 0..col.len() {
            if col.is_valid(i) {
                sum += col.value(i);
                n += 1;
            }
        }
    }
    (sum, n)
}

/// Sum and non-null count of a CSV column (an empty unquoted field is null).
fn csv_sum(path: &Path, column: &str) -> (f64, usize) {
    let records = csv_records(&std::fs::read_to_string(path).unwrap());
    let at = records[0].iter().position(|c| c == column).unwrap();
    let values: Vec<f64> = records[1..].iter().filter(|r| !r[at].is_empty()).map(|r| r[at].parse().unwrap()).collect();
    (values.iter().sum(), values.len())
}

#[test]
fn v2_tables_hold_the_weights_targets_and_actual_values_of_the_json() {
    use perfplan::pipeline::Sink;
    use perfplan::tables::{TableFormat, TablesSink};
    let doc = v2_document();
    let t = tempfile::tempdir().unwrap();
    for format in [TableFormat::Csv, TableFormat::Parquet] {
        let dir = t.path().join(format.extension());
        std::fs::create_dir(&dir).unwrap();
        let mut sink = TablesSink::create(&dir, format).unwrap();
        sink.document(Path::new("peg-2024-v2.pdf"), &perfplan::spool::Converted::from(doc.clone())).unwrap();
        assert_eq!(sink.row_counts(), [2, 0, 3, 3, 3]);
        sink.finish().unwrap();
    }
    // What the JSON says, summed over the document.
    let objs = &doc.objectives;
    let inds = || objs.iter().flat_map(|o| &o.indicators);
    let sum = |it: &mut dyn Iterator<Item = Option<f64>>| it.flatten().fold((0.0, 0), |(s, n), v| (s + v, n + 1));
    let want = [
        ("objectives", "weight", sum(&mut objs.iter().map(|o| o.weight))),
        ("objectives", "achievement", sum(&mut objs.iter().map(|o| o.achievement))),
        ("phases", "weight", sum(&mut objs.iter().flat_map(|o| &o.phases).map(|p| p.weight))),
        ("indicators", "weight", sum(&mut inds().map(|i| i.weight))),
        ("indicators", "achievement", sum(&mut inds().map(|i| i.achievement))),
        ("indicators", "baseline_value", sum(&mut inds().map(|i| i.baseline.as_ref().and_then(|b| b.value.value)))),
        ("indicators", "actual_value", sum(&mut inds().map(|i| i.actual.as_ref().and_then(|a| a.value)))),
        ("indicator_targets", "value", sum(&mut inds().flat_map(|i| &i.targets).map(|y| y.target.value))),
    ];
    assert_eq!(want[2].2, (100.0, 2), "the fixture sums what it means to");
    for (table, column, (s, n)) in want {
        for got in [
            csv_sum(&t.path().join(format!("csv/{table}.csv")), column),
            parquet_sum(&t.path().join(format!("parquet/{table}.parquet")), column),
        ] {
            assert_eq!(got.1, n, "{table}.{column}: non-null count");
            assert!((got.0 - s).abs() < 1e-9, "{table}.{column}: {} vs {s}", got.0);
        }
    }
    // A null baseline is null in every flattened column, an empty baseline cell is "".
    let inds = csv_records(&std::fs::read_to_string(t.path().join("csv/indicators.csv")).unwrap());
    let col = |name: &str| inds[0].iter().position(|c| c == name).unwrap();
    let raw = std::fs::read_to_string(t.path().join("csv/indicators.csv")).unwrap();
    assert_eq!(inds[2][col("baseline_raw")], "");
    assert!(raw.lines().nth(2).unwrap().contains(",%,30.5,,\"\","), "{raw}");
    assert!(raw.lines().nth(3).unwrap().contains(",%,30.5,,,,,,,,,,,,,,96.5"), "{raw}");
    let phases = std::fs::read_to_string(t.path().join("csv/phases.csv")).unwrap();
    assert!(phases.contains(",1,Ricognizione,30,2024-03-01,2024-06-30,ROSSI MARIO,104 - DIREZIONE,\r\n"), "{phases}");
    let targets = std::fs::read_to_string(t.path().join("csv/indicator_targets.csv")).unwrap();
    assert!(targets.contains(",1,2,2025,entro il 31/12/2025,,,,2025-12-31,\r\n"), "{targets}");
}
