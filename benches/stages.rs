//! Per-stage micro-benchmarks on the project's own fixtures (`fixtures/*.pdf`).
//!
//! Each benchmark runs one stage over every fixture that opens without a password,
//! with the input of that stage prepared once outside the timed loop:
//!
//! * `extract`: PDF bytes -> pages (`extract::extract_all`)
//! * `layout`:  pages -> layouts (`layout::analyze`, page by page)
//! * `parse`:   layouts -> objectives (`sheet::parse`, per document)
//! * `emit`:    documents -> contract JSON (`emit::to_json`)
//!
//! Throughput is reported in pages. Short measurement windows keep `cargo bench`
//! to a couple of minutes; the numbers are for comparing builds on one machine,
//! never assertions. Run: `cargo bench --bench stages` (add `-- extract` to filter).

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use perfplan::extract::{self, Page};
use perfplan::layout::{self, PageLayout};
use perfplan::model::Document;
use perfplan::params::Params;
use perfplan::pipeline::{self, Options};
use perfplan::{emit, sheet};

struct Fixture {
    name: String,
    bytes: Vec<u8>,
    pages: Vec<Page>,
    layouts: Vec<PageLayout>,
    doc: Document,
}

fn fixtures() -> Vec<Fixture> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures/ directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .collect();
    paths.sort();
    let params = Params::default();
    let opts = Options::default();
    let mut out = Vec::new();
    for path in paths {
        let bytes = std::fs::read(&path).expect("read fixture");
        // Fixtures that need a user password are left out: the stages are the same.
        let Ok(pages) = extract::extract_all(&bytes, None) else { continue };
        let layouts = pages.iter().map(|p| layout::analyze(p, &params)).collect();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Ok(doc) = pipeline::convert_bytes(&name, &bytes, &opts) else { continue };
        out.push(Fixture { name, bytes, pages, layouts, doc });
    }
    assert!(!out.is_empty(), "no fixture could be opened");
    out
}

fn stages(c: &mut Criterion) {
    let fx = fixtures();
    let params = Params::default();
    let pages: u64 = fx.iter().map(|f| f.pages.len() as u64).sum();
    eprintln!(
        "stages: {} fixtures, {} pages ({})",
        fx.len(),
        pages,
        fx.iter().map(|f| f.name.as_str()).collect::<Vec<_>>().join(", ")
    );

    // Where extraction time goes among the fixtures: best of 3 single runs each.
    let mut each: Vec<(Duration, &str, usize)> = fx
        .iter()
        .map(|f| {
            let best = (0..3)
                .map(|_| {
                    let t = Instant::now();
                    black_box(extract::extract_all(&f.bytes, None).unwrap());
                    t.elapsed()
                })
                .min()
                .unwrap();
            (best, f.name.as_str(), f.pages.len())
        })
        .collect();
    each.sort_by_key(|e| std::cmp::Reverse(e.0));
    for (t, name, n) in each.iter().take(5) {
        eprintln!("  extract {name}: {:.2} ms, {n} page(s)", t.as_secs_f64() * 1e3);
    }

    let mut g = c.benchmark_group("stages");
    // Flat sampling: a pass over all fixtures takes milliseconds, and 10 samples of
    // a few iterations each fit the 2 s window.
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .throughput(Throughput::Elements(pages));

    g.bench_function("extract", |b| {
        b.iter(|| {
            for f in &fx {
                black_box(extract::extract_all(black_box(&f.bytes), None).unwrap());
            }
        })
    });
    g.bench_function("layout", |b| {
        b.iter(|| {
            for f in &fx {
                for p in &f.pages {
                    black_box(layout::analyze(black_box(p), &params));
                }
            }
        })
    });
    g.bench_function("parse", |b| {
        b.iter(|| {
            for f in &fx {
                black_box(sheet::parse(black_box(&f.layouts), &params));
            }
        })
    });
    g.bench_function("emit", |b| {
        b.iter(|| {
            for f in &fx {
                black_box(emit::to_json(black_box(&f.doc)));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
