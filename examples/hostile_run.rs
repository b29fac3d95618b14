//! Hostile-input measurement aid.
//!   hostile_run gen DIR     write the hostile fixtures of tests/hostile.rs to DIR
//!   hostile_run [--max-pages N] FILE...
//!                           open each with default Limits, extract every page, print
//!                           the outcome and the time (measure memory with
//!                           /usr/bin/time -v)
#[path = "../tests/hostile/gen.rs"]
mod gen;

use perfplan::extract;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("gen") {
        let dir = std::path::Path::new(args.get(1).expect("gen DIR"));
        std::fs::create_dir_all(dir).unwrap();
        let mut deep = gen::hello();
        deep.obj(8, gen::nested_array(100_000)).obj(9, gen::nested_dict(100_000));
        deep.obj(1, "<< /Type /Catalog /Pages 2 0 R /Foo 8 0 R /Bar 9 0 R >>");
        let mut deep_content = gen::hello();
        let c = [
            gen::nested_array(100_000),
            b" TJ ".to_vec(),
            gen::nested_dict(100_000),
            b" pop ".to_vec(),
            gen::HELLO.to_vec(),
        ]
        .concat();
        deep_content.stream(4, "", &c);
        let mut objstm = gen::hello();
        objstm.stream(9, "/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", &gen::zeros_zlib(4096));
        let files: Vec<(&str, Vec<u8>)> = vec![
            ("hello.pdf", gen::hello().bytes()),
            ("bomb_content_4g.pdf", gen::content_bomb(4096).bytes()),
            ("bomb_chain_4g.pdf", gen::chain_bomb(4096).bytes()),
            ("bomb_font_4g.pdf", gen::font_bomb(4096).bytes()),
            ("bomb_image_4g.pdf", gen::image_page(&gen::zeros_zlib(4096), "/Filter /FlateDecode", true).bytes()),
            ("bomb_objstm_4g.pdf", objstm.bytes()),
            ("deep_body.pdf", deep.bytes()),
            ("deep_content.pdf", deep_content.bytes()),
            ("pages_50k.pdf", gen::many_pages(50_000).bytes()),
        ];
        for (name, bytes) in files {
            std::fs::write(dir.join(name), &bytes).unwrap();
            println!("{name}: {} bytes", bytes.len());
        }
        return;
    }
    // --max-pages N before the files
    let mut limits = extract::Limits::default();
    let mut paths = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--max-pages" {
            limits.max_pages = it.next().and_then(|n| n.parse().ok()).expect("--max-pages N");
        } else {
            paths.push(a.clone());
        }
    }
    for path in &paths {
        let bytes = std::fs::read(path).expect("read");
        let t = Instant::now();
        match extract::open_with(&bytes, None, limits.clone()) {
            Err(e) => println!("{path}: open failed: {e} ({:.3}s)", t.elapsed().as_secs_f64()),
            Ok(doc) => {
                let (mut glyphs, mut failed, mut first_err) = (0usize, 0u32, None);
                for n in 1..=doc.page_count() {
                    match doc.page(n) {
                        Ok(p) => glyphs += p.glyphs.len(),
                        Err(e) => {
                            failed += 1;
                            first_err.get_or_insert(e.to_string());
                        }
                    }
                }
                println!(
                    "{path}: {} pages, {glyphs} glyphs, {failed} failed{}, decoded {} bytes, warnings {:?} ({:.3}s)",
                    doc.page_count(),
                    first_err.map(|e| format!(" (first: {e})")).unwrap_or_default(),
                    doc.decoded_bytes(),
                    doc.warnings(),
                    t.elapsed().as_secs_f64()
                );
            }
        }
    }
}
