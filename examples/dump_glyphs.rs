//! Print per page the glyph text sorted into lines by position (debug aid).
//! Usage: dump_glyphs FILE.pdf [--words] [--rules] [--time]
use perfplan::extract;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).expect("usage: dump_glyphs FILE.pdf [--words] [--rules] [--time]");
    let bytes = std::fs::read(path).expect("read");
    let flag = |f: &str| args.iter().any(|a| a == f);
    if flag("--bench") {
        // min of 7 runs of open + all pages (pages dropped as they are produced)
        let mut best = f64::MAX;
        let mut best_open = f64::MAX;
        for _ in 0..7 {
            let t = std::time::Instant::now();
            let doc = extract::open(&bytes, None).expect("open");
            best_open = best_open.min(t.elapsed().as_secs_f64());
            let mut n = 0usize;
            for p in 1..=doc.page_count() {
                n += doc.page(p).expect("page").glyphs.len();
            }
            drop(doc);
            best = best.min(t.elapsed().as_secs_f64());
            assert!(n > 0 || doc_is_empty(&bytes));
        }
        let mut best_all = f64::MAX;
        for _ in 0..7 {
            let t = std::time::Instant::now();
            let pages = extract::extract_all(&bytes, None).expect("extract_all");
            best_all = best_all.min(t.elapsed().as_secs_f64());
            drop(pages);
        }
        println!(
            "best of 7: open {:.3}s, open+pages (streamed) {:.3}s, extract_all (all pages kept) {:.3}s",
            best_open, best, best_all
        );
        return;
    }
    if flag("--time") {
        let t = std::time::Instant::now();
        let doc = extract::open(&bytes, None).expect("open");
        let t_open = t.elapsed();
        let pages: Vec<extract::Page> = (1..=doc.page_count()).map(|n| doc.page(n).expect("page")).collect();
        let el = t.elapsed();
        println!("open {:.3}s", t_open.as_secs_f64());
        let g: usize = pages.iter().map(|p| p.glyphs.len()).sum();
        let r: usize = pages.iter().map(|p| p.rules.len()).sum();
        println!("{} pages, {} glyphs, {} rules in {:.3}s", pages.len(), g, r, el.as_secs_f64());
        return;
    }
    let pages = match extract::extract_all(&bytes, None) {
        Ok(p) => p,
        Err(e) => {
            println!("ERROR: {e}");
            return;
        }
    };
    for p in &pages {
        println!("=== page {} ({} x {}) images={} warnings={:?}", p.number, p.width, p.height, p.images, p.warnings);
        // group glyphs into lines by baseline
        let mut gl: Vec<&extract::Glyph> = p.glyphs.iter().collect();
        gl.sort_by(|a, b| {
            a.baseline.partial_cmp(&b.baseline).unwrap().then(a.bbox.x0.partial_cmp(&b.bbox.x0).unwrap())
        });
        let mut lines: Vec<Vec<&extract::Glyph>> = Vec::new();
        for g in gl {
            match lines.last_mut() {
                Some(l) if (l[0].baseline - g.baseline).abs() < 1.5 => l.push(g),
                _ => lines.push(vec![g]),
            }
        }
        for l in lines.iter_mut() {
            l.sort_by(|a, b| a.bbox.x0.partial_cmp(&b.bbox.x0).unwrap());
            if flag("--words") {
                // words: split at spaces / gaps, print x0 x1 top bottom word
                let mut word = String::new();
                let mut wb: Option<extract::BBox> = None;
                let mut last_x1 = f32::MIN;
                let flush = |word: &mut String, wb: &mut Option<extract::BBox>| {
                    if let Some(b) = wb.take() {
                        if !word.trim().is_empty() {
                            println!("{:8.2} {:8.2} {:8.2} {:8.2} {}", b.x0, b.top, b.x1, b.bottom, word);
                        }
                    }
                    word.clear();
                };
                for g in l.iter() {
                    if g.text == " " || g.bbox.x0 - last_x1 > g.size * 0.15 {
                        flush(&mut word, &mut wb);
                    }
                    last_x1 = g.bbox.x1;
                    if g.text == " " {
                        continue;
                    }
                    word.push_str(&g.text);
                    wb = Some(match wb {
                        Some(b) => b.union(&g.bbox),
                        None => g.bbox,
                    });
                }
                flush(&mut word, &mut wb);
            } else {
                let mut s = String::new();
                let mut last_x1 = f32::MIN;
                for g in l.iter() {
                    if last_x1 > f32::MIN && g.bbox.x0 - last_x1 > g.size * 0.25 && !s.ends_with(' ') && g.text != " " {
                        s.push(' ');
                    }
                    s.push_str(&g.text);
                    last_x1 = g.bbox.x1;
                }
                println!("{:7.2} {:5.1}{} {}", l[0].baseline, l[0].size, if l[0].bold { "B" } else { " " }, s);
            }
        }
        if flag("--rules") {
            for r in &p.rules {
                println!(
                    "RULE {:?} {:8.2} {:8.2} {:8.2} {:8.2} gray={:.2}",
                    r.paint, r.bbox.x0, r.bbox.top, r.bbox.x1, r.bbox.bottom, r.gray
                );
            }
        }
    }
}

fn doc_is_empty(_b: &[u8]) -> bool {
    true
}
