//! Write the warehouse outputs of documents given as JSON (ground truth, or any
//! perfplan document), without converting a PDF: for the DuckDB load test of the
//! contract v2 columns and tables, which the parser does not fill everywhere yet.
//!
//!   v2_tables OUT_DIR DOC.json...
//!
//! writes `OUT_DIR/all.ndjson` (as `convert --format ndjson`), `OUT_DIR/csv/` and
//! `OUT_DIR/parquet/` (as `convert --tables`). Fields missing from a document
//! (`diagnostics`, an objective's v2 fields in an older file) take their empty value.
use std::path::{Path, PathBuf};

use perfplan::model::{Document, Indicator, Objective};
use perfplan::pipeline::Sink;
use perfplan::tables::{TableFormat, TablesSink};
use serde_json::Value;

/// `v` with every key of `defaults` it lacks.
fn fill(v: &mut Value, defaults: &Value) {
    if let (Value::Object(m), Value::Object(d)) = (v, defaults) {
        for (k, dv) in d {
            m.entry(k.clone()).or_insert_with(|| dv.clone());
        }
    }
}

fn read(path: &Path) -> Document {
    let mut v: Value = serde_json::from_slice(&std::fs::read(path).expect("read")).expect("JSON");
    fill(&mut v, &serde_json::json!({"diagnostics": []}));
    let obj = serde_json::to_value(Objective::default()).unwrap();
    let ind = serde_json::to_value(Indicator::default()).unwrap();
    for o in v["objectives"].as_array_mut().expect("objectives").iter_mut() {
        fill(o, &obj);
        for i in o["indicators"].as_array_mut().expect("indicators").iter_mut() {
            fill(i, &ind);
        }
    }
    serde_json::from_value(v).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn main() {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let (out, docs) = args.split_first().expect("usage: v2_tables OUT_DIR DOC.json...");
    let docs: Vec<(PathBuf, Document)> = docs.iter().map(|p| (p.clone(), read(p))).collect();
    std::fs::create_dir_all(out).expect("create OUT_DIR");
    let ndjson: String = docs.iter().map(|(_, d)| perfplan::emit::to_ndjson(d)).collect();
    std::fs::write(out.join("all.ndjson"), ndjson).expect("write NDJSON");
    for format in [TableFormat::Csv, TableFormat::Parquet] {
        let dir = out.join(format.extension());
        std::fs::create_dir_all(&dir).expect("create table dir");
        let mut sink = TablesSink::create(&dir, format).expect("tables");
        for (path, doc) in &docs {
            sink.document(path, &perfplan::spool::Converted::from(doc.clone())).expect("rows");
        }
        sink.finish().expect("finish");
    }
}
