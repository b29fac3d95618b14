//! The JSON Schemas in `schemas/` against the Rust output types and real output.
//!
//! (a) Key sets: a fully populated document (every Option `Some`, every list
//!     non-empty) and an all-`None` one are serialized through serde, and at every
//!     object level the set of keys must equal the schema's `properties`, which must
//!     equal its `required`, with `additionalProperties: false`. A field added or
//!     renamed on either side fails here. Same for one NDJSON record.
//! (b) Validation with the `jsonschema` crate (formats checked): synthetic documents,
//!     every `fixtures/*.expected.json`, and the pipeline's actual output (JSON
//!     document and NDJSON lines) for every `fixtures/*.pdf`.

mod common;

use std::collections::BTreeSet;

use perfplan::emit::ndjson_records;
use perfplan::model::*;
use perfplan::pipeline::{convert_file, Options};
use serde_json::{json, Value};

fn load(name: &str) -> Value {
    common::read_json(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas").join(name))
}
fn output_schema() -> Value {
    load("perfplan-output.schema.json")
}
fn ndjson_schema() -> Value {
    load("perfplan-ndjson-record.schema.json")
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::draft202012::options().should_validate_formats(true).build(schema).expect("schema compiles")
}

fn errors(v: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    v.iter_errors(instance).map(|e| format!("{} at {}", e, e.instance_path())).collect()
}

fn full_document() -> Document {
    Document {
        schema_version: SCHEMA_VERSION.into(),
        source: Source { file: "peg.pdf".into(), sha256: "0123456789abcdef".repeat(4), pages: 7 },
        objectives: vec![
            Objective {
                code: "2020_Z101".into(),
                year: Some(2020),
                title: "Attività gestionali".into(),
                directorate: Some("UFFICIO DEL SINDACO".into()),
                director: Some("ROSSI".into()),
                service: Some("S".into()),
                executive: Some("SANTORO FRANCESCA".into()),
                classification: Some("DIREZIONALE".into()),
                typology: Some("SINTESI".into()),
                dup_links: vec![DupLink {
                    label: "Indirizzo Strategico".into(),
                    code: Some("2020_IND_STRATEG_13".into()),
                    text: "CITTA'".into(),
                    refs: vec!["12.1.06".into()],
                }],
                description: Some("a\n\n- b".into()),
                indicators: vec![Indicator {
                    description: "Delegazioni".into(),
                    kind: Some("OUTCOME".into()),
                    target: Target {
                        raw: ">= 95% entro il 31/12/2020 SI".into(),
                        value: Some(95.0),
                        unit: Some("%".into()),
                        comparator: Some(">=".into()),
                        date: Some("2020-12-31".into()),
                        boolean: Some(true),
                    },
                    unit: Some("n.".into()),
                    weight: Some(40.0),
                    baseline: Some(Baseline {
                        year: Some(2023),
                        value: Target { raw: "62%".into(), value: Some(62.0), ..Default::default() },
                    }),
                    targets: vec![YearTarget { year: 2024, target: Target { raw: "".into(), ..Default::default() } }],
                    actual: Some(Target { raw: "SI".into(), boolean: Some(true), ..Default::default() }),
                    achievement: Some(100.0),
                }],
                pages: vec![1, 2],
                level: Some("SPECIFICO".into()),
                responsibility_center: Some(ResponsibilityCenter {
                    code: Some("101".into()),
                    name: "DIREZIONE".into(),
                }),
                weight: Some(15.0),
                purpose: Some("p".into()),
                phases: vec![Phase {
                    description: "Ricognizione".into(),
                    weight: Some(30.0),
                    start: Some("2024-03-01".into()),
                    end: Some("2024-06-30".into()),
                    responsible: Some("ROSSI MARIO".into()),
                    responsibility_center: Some("101 - DIREZIONE".into()),
                    notes: Some("n".into()),
                }],
                achievement: Some(96.5),
                provenance: Some(
                    [
                        ("title".to_string(), vec![Region { page: 1, bbox: [40.0, 60.5, 300.0, 71.25] }]),
                        (
                            "indicators[0].target".to_string(),
                            vec![
                                Region { page: 1, bbox: [1.0, 2.0, 3.0, 4.0] },
                                Region { page: 2, bbox: [1.0, 2.0, 3.0, 4.0] },
                            ],
                        ),
                    ]
                    .into_iter()
                    .collect(),
                ),
            },
            // Every Option None, every list empty.
            Objective {
                code: "2020_Z102".into(),
                indicators: vec![Indicator::default()],
                dup_links: vec![DupLink::default()],
                phases: vec![Phase::default()],
                responsibility_center: Some(ResponsibilityCenter::default()),
                ..Default::default()
            },
        ],
        diagnostics: vec![
            Diagnostic::warning(Some(3), "page.no_text", "no text layer"),
            Diagnostic::info(None, "x.y", "m"),
            Diagnostic { level: Level::Error, page: Some(1), code: "page.extract_failed".into(), message: "m".into() },
        ],
    }
}

fn none_document() -> Document {
    Document {
        schema_version: SCHEMA_VERSION.into(),
        source: Source { file: "x.pdf".into(), sha256: "f".repeat(64), pages: 0 },
        objectives: vec![Objective { code: "C".into(), ..Default::default() }],
        diagnostics: vec![Diagnostic::info(None, "c", "")],
    }
}

fn resolve<'a>(schema: &'a Value, root: &'a Value, used: &mut BTreeSet<String>) -> &'a Value {
    // A nullable object is `anyOf: [{$ref}, {type: null}]`: a value that is present
    // follows the referenced branch.
    if let Some(branch) =
        schema.get("anyOf").and_then(Value::as_array).and_then(|bs| bs.iter().find(|b| b.get("$ref").is_some()))
    {
        return resolve(branch, root, used);
    }
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.strip_prefix("#/$defs/").unwrap_or_else(|| panic!("unexpected $ref {r}"));
            used.insert(name.to_string());
            root["$defs"].get(name).unwrap_or_else(|| panic!("dangling $ref {r}"))
        }
        None => schema,
    }
}

fn keys(v: &Value) -> BTreeSet<String> {
    match v {
        Value::Object(m) => m.keys().cloned().collect(),
        Value::Array(a) => a.iter().map(|x| x.as_str().expect("string").to_string()).collect(),
        _ => BTreeSet::new(),
    }
}

/// Walk `instance` and `schema` together; collect every key-set disagreement.
fn check_keys(
    instance: &Value,
    schema: &Value,
    root: &Value,
    path: &str,
    used: &mut BTreeSet<String>,
    errs: &mut Vec<String>,
) {
    let schema = resolve(schema, root, used);
    match instance {
        Value::Object(map) => {
            let Some(props) = schema.get("properties") else {
                // A map (provenance: field path -> regions): every value against the
                // schema of the values.
                match schema.get("additionalProperties") {
                    Some(vs @ Value::Object(_)) => {
                        for (k, v) in map {
                            check_keys(v, vs, root, &format!("{path}.{k}"), used, errs);
                        }
                    }
                    _ => errs.push(format!("{path}: schema has no properties for an object")),
                }
                return;
            };
            let inst = keys(instance);
            let declared = keys(props);
            let required = keys(schema.get("required").unwrap_or(&Value::Null));
            for k in inst.difference(&declared) {
                errs.push(format!("{path}.{k}: serialized by Rust but not in the schema"));
            }
            for k in required.difference(&inst) {
                errs.push(format!("{path}.{k}: required by the schema but not serialized by Rust"));
            }
            // Optional keys are the known opt-in outputs only, and the full document
            // serializes them (so their content is checked too).
            let optional: BTreeSet<String> = declared.difference(&required).cloned().collect();
            let known: BTreeSet<String> = OPTIONAL_KEYS.iter().map(|k| k.to_string()).collect();
            if !optional.is_subset(&known) {
                errs.push(format!("{path}: optional properties {optional:?} beyond the known opt-in ones {known:?}"));
            }
            for k in optional.difference(&inst) {
                seen_absent(k);
            }
            for k in optional.intersection(&inst) {
                seen_present(k);
            }
            if schema.get("additionalProperties") != Some(&Value::Bool(false)) {
                errs.push(format!("{path}: additionalProperties is not false"));
            }
            for (k, v) in map {
                if let Some(ps) = props.get(k) {
                    check_keys(v, ps, root, &format!("{path}.{k}"), used, errs);
                }
            }
        }
        Value::Array(items) => {
            let Some(item_schema) = schema.get("items") else {
                errs.push(format!("{path}: schema has no items for an array"));
                return;
            };
            for (i, it) in items.iter().enumerate() {
                check_keys(it, item_schema, root, &format!("{path}[{i}]"), used, errs);
            }
        }
        _ => {}
    }
}

/// Properties that serde omits unless asked for (`--provenance`).
const OPTIONAL_KEYS: &[&str] = &["provenance"];

thread_local! {
    static OPTIONAL_SEEN: std::cell::RefCell<(BTreeSet<String>, BTreeSet<String>)> = Default::default();
}
fn seen_present(k: &str) {
    OPTIONAL_SEEN.with(|s| s.borrow_mut().0.insert(k.to_string()));
}
fn seen_absent(k: &str) {
    OPTIONAL_SEEN.with(|s| s.borrow_mut().1.insert(k.to_string()));
}

fn assert_keys_agree(instances: &[Value], schema: &Value) {
    OPTIONAL_SEEN.with(|s| *s.borrow_mut() = Default::default());
    let mut used = BTreeSet::new();
    let mut errs = Vec::new();
    for inst in instances {
        check_keys(inst, schema, schema, "$", &mut used, &mut errs);
    }
    let defs = keys(&schema["$defs"]);
    for unused in defs.difference(&used) {
        errs.push(format!("$defs.{unused} is never reached from the Rust types"));
    }
    // Every optional key was seen both serialized and omitted.
    let (present, absent) = OPTIONAL_SEEN.with(|s| s.borrow().clone());
    for k in OPTIONAL_KEYS {
        if !present.contains(*k) || !absent.contains(*k) {
            errs.push(format!("optional property {k}: not exercised both present and absent"));
        }
    }
    assert!(errs.is_empty(), "schema and Rust types disagree:\n  {}", errs.join("\n  "));
}

#[test]
fn schemas_are_valid_draft_2020_12() {
    for s in [output_schema(), ndjson_schema()] {
        assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
        jsonschema::meta::validate(&s).expect("valid against its meta-schema");
    }
}

#[test]
fn output_schema_keys_match_rust_types() {
    let docs = [serde_json::to_value(full_document()).unwrap(), serde_json::to_value(none_document()).unwrap()];
    assert_keys_agree(&docs, &output_schema());
}

#[test]
fn ndjson_schema_keys_match_rust_types() {
    let recs: Vec<Value> = [full_document(), none_document()]
        .iter()
        .flat_map(|d| ndjson_records(d).map(|r| serde_json::to_value(r).unwrap()).collect::<Vec<_>>())
        .collect();
    assert_keys_agree(&recs, &ndjson_schema());
}

#[test]
fn ndjson_schema_repeats_the_output_definitions() {
    let out = output_schema();
    let nd = ndjson_schema();
    for (name, def) in nd["$defs"].as_object().unwrap() {
        assert_eq!(def, &out["$defs"][name], "$defs.{name} differs between the two schemas");
    }
    let obj = &out["$defs"]["Objective"];
    let mut props = nd["properties"].as_object().unwrap().clone();
    assert!(props.remove("source").is_some());
    assert_eq!(&Value::Object(props), &obj["properties"], "NDJSON record = Objective + source");
    assert_eq!(nd["properties"]["source"]["properties"]["sha256"], out["properties"]["source"]["properties"]["sha256"]);
}

#[test]
fn enums_match_contract_and_rust() {
    let out = output_schema();
    let levels: Vec<Value> =
        [Level::Info, Level::Warning, Level::Error].iter().map(|l| serde_json::to_value(l).unwrap()).collect();
    assert_eq!(out["$defs"]["Diagnostic"]["properties"]["level"]["enum"], Value::Array(levels));
    assert_eq!(out["$defs"]["Target"]["properties"]["comparator"]["enum"], json!([">=", "<=", ">", "<", "=", null]));
    assert_eq!(out["properties"]["schema_version"]["const"], SCHEMA_VERSION);
}

#[test]
fn synthetic_documents_validate() {
    let v = validator(&output_schema());
    let nd = validator(&ndjson_schema());
    for d in [full_document(), none_document()] {
        let e = errors(&v, &serde_json::to_value(&d).unwrap());
        assert!(e.is_empty(), "{e:#?}");
        for r in ndjson_records(&d) {
            let e = errors(&nd, &serde_json::to_value(r).unwrap());
            assert!(e.is_empty(), "{e:#?}");
        }
    }
}

#[test]
fn schema_rejects_contract_violations() {
    let v = validator(&output_schema());
    let good = serde_json::to_value(full_document()).unwrap();
    type Mutation = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(&str, Mutation)> = vec![
        ("extra field", Box::new(|d| d["objectives"][0]["extra"] = json!(1))),
        ("missing field", Box::new(|d| drop(d["objectives"][0].as_object_mut().unwrap().remove("director")))),
        ("bad comparator", Box::new(|d| d["objectives"][0]["indicators"][0]["target"]["comparator"] = json!("≥"))),
        ("bad date", Box::new(|d| d["objectives"][0]["indicators"][0]["target"]["date"] = json!("2020-13-45"))),
        ("date not ISO", Box::new(|d| d["objectives"][0]["indicators"][0]["target"]["date"] = json!("31/12/2020"))),
        ("year as string", Box::new(|d| d["objectives"][0]["year"] = json!("2020"))),
        ("value as string", Box::new(|d| d["objectives"][0]["indicators"][0]["target"]["value"] = json!("10"))),
        ("boolean as string", Box::new(|d| d["objectives"][0]["indicators"][0]["target"]["boolean"] = json!("SI"))),
        ("bad level", Box::new(|d| d["diagnostics"][0]["level"] = json!("fatal"))),
        ("page zero", Box::new(|d| d["objectives"][0]["pages"] = json!([0]))),
        ("short sha", Box::new(|d| d["source"]["sha256"] = json!("abc"))),
        ("schema version", Box::new(|d| d["schema_version"] = json!("1"))),
        ("weight as string", Box::new(|d| d["objectives"][0]["weight"] = json!("15%"))),
        ("missing v2 field", Box::new(|d| drop(d["objectives"][0].as_object_mut().unwrap().remove("phases")))),
        ("phase date not ISO", Box::new(|d| d["objectives"][0]["phases"][0]["start"] = json!("03/2024"))),
        (
            "target year as string",
            Box::new(|d| d["objectives"][0]["indicators"][0]["targets"][0]["year"] = json!("2024")),
        ),
        (
            "baseline without value",
            Box::new(|d| {
                drop(d["objectives"][0]["indicators"][0]["baseline"].as_object_mut().unwrap().remove("value"))
            }),
        ),
        ("null title", Box::new(|d| d["objectives"][0]["title"] = Value::Null)),
    ];
    for (what, mutate) in cases {
        let mut d = good.clone();
        mutate(&mut d);
        assert!(!v.is_valid(&d), "schema accepted a document with {what}");
    }
}

#[test]
fn fixture_expected_files_validate() {
    let files = common::expected_files();
    assert!(!files.is_empty(), "{}", common::NO_FIXTURES);
    let v = validator(&output_schema());
    let mut problems = Vec::new();
    for f in files {
        let mut doc = common::read_json(&f);
        // Ground truth is about objectives; it may leave out the (output-only)
        // diagnostics list. Everything else must be exactly the contract.
        if let Some(m) = doc.as_object_mut() {
            m.entry("diagnostics").or_insert_with(|| json!([]));
        }
        for e in errors(&v, &doc) {
            problems.push(format!("{}: {e}", f.display()));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn pipeline_output_of_fixtures_validates() {
    let pdfs = common::fixture_pdfs();
    assert!(!pdfs.is_empty(), "{}", common::NO_FIXTURES);
    let v = validator(&output_schema());
    let nd = validator(&ndjson_schema());
    let mut problems = Vec::new();
    let with_provenance = Options { provenance: true, ..Default::default() };
    let runs = pdfs
        .iter()
        .filter(|p| common::expected_for(p).is_some())
        .flat_map(|p| [(p, Options::default()), (p, with_provenance.clone())]);
    for (pdf, opts) in runs {
        match convert_file(pdf, &opts) {
            Err(e) => problems.push(format!("{}: conversion failed: {e}", pdf.display())),
            Ok(doc) => {
                if opts.provenance
                    && doc.objectives.iter().any(|o| o.provenance.as_ref().is_none_or(|p| !p.contains_key("title")))
                {
                    problems.push(format!("{}: --provenance output lacks the title's region", pdf.display()));
                }
                let json: Value = serde_json::from_str(&perfplan::emit::to_json(&doc)).unwrap();
                for e in errors(&v, &json) {
                    problems.push(format!("{}: {e}", pdf.display()));
                }
                for line in perfplan::emit::to_ndjson(&doc).lines() {
                    for e in errors(&nd, &serde_json::from_str(line).unwrap()) {
                        problems.push(format!("{} (ndjson): {e}", pdf.display()));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn ndjson_records_carry_the_v2_fields_at_the_top_level() {
    let doc = full_document();
    let line = perfplan::emit::to_ndjson(&doc);
    let first: Value = serde_json::from_str(line.lines().next().unwrap()).unwrap();
    assert_eq!(first["source"], json!({"file": "peg.pdf", "sha256": doc.source.sha256}));
    assert_eq!(first["level"], "SPECIFICO");
    assert_eq!(first["responsibility_center"], json!({"code": "101", "name": "DIREZIONE"}));
    assert_eq!((first["weight"].as_f64(), first["achievement"].as_f64()), (Some(15.0), Some(96.5)));
    assert_eq!(first["purpose"], "p");
    assert_eq!(first["phases"][0]["start"], "2024-03-01");
    assert_eq!(first["phases"][0]["responsibility_center"], "101 - DIREZIONE");
    let ind = &first["indicators"][0];
    assert_eq!((ind["unit"].as_str(), ind["weight"].as_f64()), (Some("n."), Some(40.0)));
    assert_eq!(ind["baseline"]["year"], 2023);
    assert_eq!(ind["baseline"]["value"]["raw"], "62%");
    assert_eq!(ind["targets"][0]["year"], 2024);
    assert_eq!(ind["actual"]["boolean"], true);
    assert_eq!(ind["achievement"].as_f64(), Some(100.0));
    // The empty objective: v2 values null / [] (present, not absent).
    let second: Value = serde_json::from_str(line.lines().nth(1).unwrap()).unwrap();
    for k in ["level", "weight", "purpose", "achievement"] {
        assert_eq!(second.get(k), Some(&Value::Null), "{k}");
    }
    assert_eq!(second["indicators"][0]["targets"], json!([]));
    assert_eq!(second["indicators"][0]["baseline"], Value::Null);
    // Every v2 key is required by the NDJSON schema, and a record reads back whole.
    let schema = ndjson_schema();
    let required: Vec<&str> = schema["required"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    for k in ["level", "responsibility_center", "weight", "purpose", "phases", "achievement"] {
        assert!(required.contains(&k), "{k} not required in the NDJSON record schema");
    }
    let back: perfplan::model::NdjsonRecord = serde_json::from_value(first).unwrap();
    assert_eq!(back.objective, doc.objectives[0]);
}
