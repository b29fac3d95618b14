//! Wall time of each stage on one PDF, best of N runs (development aid):
//! `cargo run --release --example stage_times -- PLAN.pdf [N]`.
use std::time::{Duration, Instant};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: stage_times PDF [RUNS]");
    let runs: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(5);
    let bytes = std::fs::read(&path).unwrap();
    let p = perfplan::params::Params::default();
    let mut best = [Duration::MAX; 5];
    for _ in 0..runs {
        let t = Instant::now();
        let doc = perfplan::extract::open(&bytes, None).unwrap();
        let t_open = t.elapsed();
        let t = Instant::now();
        let pages: Vec<_> = (1..=doc.page_count()).map(|n| doc.page(n).unwrap()).collect();
        let t_pages = t.elapsed();
        let t = Instant::now();
        let layouts: Vec<_> = pages.iter().map(|pg| perfplan::layout::analyze(pg, &p)).collect();
        let t_layout = t.elapsed();
        let t = Instant::now();
        drop(pages);
        drop(doc);
        let t_drop = t.elapsed();
        let t = Instant::now();
        let (objs, _) = perfplan::sheet::parse(&layouts, &p);
        let t_parse = t.elapsed();
        std::hint::black_box(objs);
        for (b, d) in best.iter_mut().zip([t_open, t_pages, t_layout, t_drop, t_parse]) {
            *b = (*b).min(d);
        }
    }
    for (name, d) in ["open", "pages", "layout", "drop", "parse"].iter().zip(best) {
        println!("{name:>7} {:8.1} ms", d.as_secs_f64() * 1e3);
    }
}
