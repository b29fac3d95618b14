//! Golden tests: every `fixtures/<name>.pdf` that has `fixtures/<name>.expected.json`
//! is converted with the library and compared field by field with its ground truth,
//! with the library's scorer (`perfplan::eval`, via `common::compare`). One trial per fixture, so
//! `cargo test --test golden -- <name>` runs one; a failure lists every wrong field.
//!
//! Also: a trial that fails when there is no golden fixture at all, a no-panic trial
//! for each fixture PDF without ground truth, and self-tests of the comparison.

mod common;

use libtest_mimic::{Arguments, Failed, Trial};
use perfplan::error::Error;
use perfplan::pipeline::{convert_file, Options};
use serde_json::{json, Value};

fn main() {
    let args = Arguments::from_args();
    let mut trials = Vec::new();

    let pairs = common::golden_pairs();
    trials.push(Trial::test("fixtures_present", move || {
        if pairs.is_empty() {
            Err(common::NO_FIXTURES.into())
        } else {
            Ok(())
        }
    }));

    for (name, pdf, expected) in common::golden_pairs() {
        trials.push(Trial::test(format!("golden::{name}"), move || {
            let doc =
                convert_file(&pdf, &Options::default()).map_err(|e| Failed::from(format!("conversion failed: {e}")))?;
            let actual = serde_json::to_value(&doc).expect("serialize");
            let diff = common::compare(&common::read_json(&expected), &actual);
            if diff.is_empty() {
                Ok(())
            } else {
                Err(format!("{}: {}", pdf.display(), diff.report()).into())
            }
        }));
    }

    for pdf in common::fixture_pdfs().into_iter().filter(|p| common::expected_for(p).is_none()) {
        let name = pdf.file_stem().unwrap().to_string_lossy().into_owned();
        trials.push(Trial::test(format!("no_panic::{name}"), move || match convert_file(&pdf, &Options::default()) {
            Err(e @ Error::Panic { .. }) => Err(e.to_string().into()),
            _ => Ok(()),
        }));
    }

    for (name, f) in self_tests() {
        trials.push(Trial::test(format!("compare_self_test::{name}"), f));
    }

    libtest_mimic::run(&args, trials).exit();
}

fn sample() -> Value {
    json!({
        "schema_version": "1",
        "source": {"file": "x.pdf", "sha256": "00", "pages": 2},
        "objectives": [{
            "code": "2020_Z101", "year": 2020, "title": "Attività  gestionali",
            "directorate": "UFFICIO", "director": null, "service": "S", "executive": "E",
            "classification": "C", "typology": "T",
            "dup_links": [{"label": "L", "code": null, "text": "t", "refs": ["12.1.06"]}],
            "description": "Intro:\n\n- uno;\n- due\n\n1) tre",
            "indicators": [{"description": "d", "type": "OUTCOME",
                "target": {"raw": "10,00", "value": 10.0, "unit": null, "comparator": ">=", "date": null, "boolean": null}}],
            "pages": [1, 2]
        }],
        "diagnostics": []
    })
}

type SelfTest = fn() -> Result<(), Failed>;

fn expect_wrong(mutate: impl Fn(&mut Value), needle: &str) -> Result<(), Failed> {
    let e = sample();
    let mut a = sample();
    mutate(&mut a);
    let d = common::compare(&e, &a);
    if d.wrong.iter().any(|w| w.contains(needle)) {
        Ok(())
    } else {
        Err(format!("expected a problem mentioning {needle:?}, got {}", d.report()).into())
    }
}

fn self_tests() -> Vec<(&'static str, SelfTest)> {
    vec![
        ("identity_is_clean", || {
            let d = common::compare(&sample(), &sample());
            if d.is_empty() && d.total == 10 + 4 + 1 + 8 + 1 {
                Ok(())
            } else {
                Err(format!("total {} {}", d.total, d.report()).into())
            }
        }),
        ("normalisation_is_forgiven", || {
            let mut a = sample();
            let o = &mut a["objectives"][0];
            o["title"] = json!(" Attivita\u{300} gestionali ");
            o["description"] = json!("Intro:\n\n• uno;\n* due\n\n– tre");
            o["indicators"][0]["target"]["value"] = json!(10.0000000001);
            o["year"] = json!(2020.0);
            let d = common::compare(&sample(), &a);
            if d.is_empty() {
                Ok(())
            } else {
                Err(d.report().into())
            }
        }),
        ("empty_string_is_not_null", || {
            expect_wrong(|a| a["objectives"][0]["director"] = json!(""), "2020_Z101 director")
        }),
        ("absent_field_is_wrong", || {
            expect_wrong(|a| drop(a["objectives"][0].as_object_mut().unwrap().remove("typology")), "<absent>")
        }),
        ("number_tolerance", || {
            expect_wrong(|a| a["objectives"][0]["indicators"][0]["target"]["value"] = json!(10.001), "target.value")
        }),
        ("bool_is_not_number", || {
            expect_wrong(|a| a["objectives"][0]["indicators"][0]["target"]["boolean"] = json!(1), "target.boolean")
        }),
        ("extra_row_counts", || {
            expect_wrong(
                |a| {
                    let row = a["objectives"][0]["indicators"][0].clone();
                    a["objectives"][0]["indicators"].as_array_mut().unwrap().push(row)
                },
                "indicators.count",
            )
        }),
        ("refs_compared", || {
            expect_wrong(|a| a["objectives"][0]["dup_links"][0]["refs"] = json!([]), "dup_links[0].refs")
        }),
        ("missing_objective", || expect_wrong(|a| a["objectives"] = json!([]), "missing objective 2020_Z101")),
        ("extra_objective", || {
            expect_wrong(
                |a| {
                    let mut o = a["objectives"][0].clone();
                    o["code"] = json!("2020_Z999");
                    a["objectives"].as_array_mut().unwrap().push(o)
                },
                "extra objective 2020_Z999",
            )
        }),
        ("source_pages", || expect_wrong(|a| a["source"]["pages"] = json!(3), "source.pages")),
    ]
}
