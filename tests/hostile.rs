//! Hostile and broken inputs: the extractor answers each class with a clear
//! `ExtractError` or a (possibly partial) result with a warning, in bounded time
//! and memory, without panicking or overflowing the stack.
//!
//! Fixtures are built in code (`tests/hostile/gen.rs`), except the encrypted files
//! under `tests/hostile/` (made with qpdf from the same one-page document, user
//! password "secret", owner password "owner").

#[path = "hostile/gen.rs"]
mod gen;

use gen::*;
use perfplan::error::ExtractError;
use perfplan::extract::{self, Limits, Page, PdfDoc};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Generous bound for "does not hang" (debug builds, loaded CI machines).
const SLOW: Duration = Duration::from_secs(30);

fn text(p: &Page) -> String {
    p.glyphs.iter().map(|g| g.text.as_str()).collect()
}

fn open(bytes: &[u8]) -> Result<PdfDoc<'_>, ExtractError> {
    extract::open(bytes, None)
}

fn hello_text(doc: &PdfDoc) -> String {
    text(&doc.page(1).expect("page 1"))
}

fn has_warning(doc: &PdfDoc, prefix: &str) -> bool {
    doc.warnings().iter().any(|w| w.starts_with(prefix))
}

// ---------------------------------------------------------------- not a PDF

#[test]
fn not_a_pdf_html_random_empty() {
    let html = b"<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>".repeat(20);
    let e = open(&html).err().expect("html must fail");
    assert!(matches!(e, ExtractError::NotPdf(_)), "{e}");
    assert!(e.to_string().contains("not a PDF"), "{e}");

    // deterministic pseudo-random bytes
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    let random: Vec<u8> = (0..100_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    assert!(matches!(open(&random), Err(ExtractError::NotPdf(_))));

    let e = open(b"").err().expect("empty must fail");
    assert!(matches!(e, ExtractError::NotPdf(_)));
    assert!(e.to_string().contains("empty"), "{e}");

    // a header and nothing else, a header followed by garbage
    let e = open(b"%PDF-1.7\n").err().expect("header only");
    assert!(matches!(e, ExtractError::Damaged(_)), "{e}");
    assert!(e.to_string().contains("cross reference") && e.to_string().contains("scanning"), "{e}");
    let mut junk = b"%PDF-1.7\n".to_vec();
    junk.extend_from_slice(&random);
    match open(&junk) {
        Err(ExtractError::Damaged(_) | ExtractError::NotPdf(_)) => {}
        Err(e) => panic!("unexpected error kind: {e}"),
        Ok(d) => assert_eq!(d.page_count(), 0),
    }
}

// ---------------------------------------------------------------- truncated / broken xref

#[test]
fn truncated_files_recover_or_fail_clearly() {
    // padding after the page objects so that a cut at 50% keeps them
    let mut p = hello();
    p.stream(9, "", &b"% padding\n".repeat(200));
    let full = p.bytes();
    for pct in [50usize, 90, 99] {
        let cut = &full[..full.len() * pct / 100];
        match open(cut) {
            Ok(doc) => {
                assert!(has_warning(&doc, "xref rebuilt"), "{pct}%: {:?}", doc.warnings());
                assert_eq!(hello_text(&doc), "Hello hostile world", "{pct}%");
            }
            Err(e) => {
                assert!(matches!(e, ExtractError::Damaged(_)), "{pct}%: {e}");
                assert!(pct < 90, "{pct}% should be recoverable: {e}");
            }
        }
    }
    // cut inside the header area / first object: clear error, no panic
    for n in [5usize, 12, 30, 60] {
        let _ = open(&full[..n]);
    }
}

#[test]
fn bad_startxref_is_recovered_with_warning() {
    let b = hello().build(1);
    let s = String::from_utf8_lossy(&b.bytes).into_owned();
    let bad = s.replace(&format!("startxref\n{}\n", b.xref_pos), "startxref\n999999\n");
    assert_ne!(bad, s);
    let doc = open(bad.as_bytes()).expect("recovered");
    assert!(has_warning(&doc, "xref"), "{:?}", doc.warnings());
    assert_eq!(hello_text(&doc), "Hello hostile world");

    // startxref pointing into the middle of an object
    let bad = s.replace(&format!("startxref\n{}\n", b.xref_pos), &format!("startxref\n{}\n", b.offsets[&3] + 7));
    let doc = open(bad.as_bytes()).expect("recovered");
    assert!(has_warning(&doc, "xref"), "{:?}", doc.warnings());
    assert_eq!(hello_text(&doc), "Hello hostile world");
}

#[test]
fn shifted_offsets_are_recovered_with_warning() {
    // 37 bytes inserted after the header shift every object away from its xref offset
    let b = hello().build(1);
    let mut shifted = b.bytes[..15].to_vec();
    shifted.extend_from_slice(b"% thirty-seven bytes of inserted junk\n");
    shifted.extend_from_slice(&b.bytes[15..]);
    let doc = open(&shifted).expect("recovered");
    assert!(has_warning(&doc, "xref"), "{:?}", doc.warnings());
    assert_eq!(hello_text(&doc), "Hello hostile world");

    // the xref table itself replaced by garbage
    let mut garbled = b.bytes[..b.xref_pos].to_vec();
    garbled.extend_from_slice(b"xref\n0 6\nthis is not a cross-reference table at all\n");
    garbled.extend_from_slice(
        format!("trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n{}\n%%EOF\n", b.xref_pos).as_bytes(),
    );
    let doc = open(&garbled).expect("recovered");
    assert!(has_warning(&doc, "xref rebuilt"), "{:?}", doc.warnings());
    assert_eq!(hello_text(&doc), "Hello hostile world");
}

#[test]
fn intact_file_has_no_document_warnings() {
    let input = hello().bytes();
    let doc = open(&input).unwrap();
    assert!(doc.warnings().is_empty(), "{:?}", doc.warnings());
    assert_eq!(hello_text(&doc), "Hello hostile world");
}

// ---------------------------------------------------------------- encryption

#[test]
fn user_password_required_wrong_password_told_apart_and_right_password_opens() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile");
    for name in ["rc4-40.pdf", "rc4-128.pdf", "aes-128.pdf", "aes-256.pdf"] {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let e = extract::open(&bytes, None).err().unwrap_or_else(|| panic!("{name}: opened without password"));
        assert!(matches!(e, ExtractError::PasswordRequired), "{name}: {e}");
        assert!(e.to_string().starts_with("password required"), "{e}");
        let e = extract::open(&bytes, Some("wrong")).err().expect("wrong password");
        assert!(matches!(e, ExtractError::WrongPassword), "{name}: {e}");
        assert!(e.to_string().starts_with("wrong password"), "{e}");
        let doc = extract::open(&bytes, Some("secret")).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(hello_text(&doc), "Secret hostile text", "{name}");
    }
}

// ---------------------------------------------------------------- image-only pages

#[test]
fn image_only_page_has_images_and_no_glyphs() {
    let input = image_page(&[0x80; 64], "", false).bytes();
    let doc = open(&input).unwrap();
    let p = doc.page(1).unwrap();
    assert!(p.glyphs.is_empty());
    assert_eq!(p.images, 1);
}

// ---------------------------------------------------------------- cycles

#[test]
fn page_tree_cycle_through_an_ancestor() {
    let mut p = hello();
    p.obj(2, "<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 >>")
        .obj(6, "<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 6 0 R 3 0 R] /Count 1 >>");
    let t = Instant::now();
    let input = p.bytes();
    let doc = open(&input).expect("opens");
    assert_eq!(doc.page_count(), 1);
    assert!(has_warning(&doc, "page tree"), "{:?}", doc.warnings());
    assert_eq!(hello_text(&doc), "Hello hostile world");
    assert!(t.elapsed() < SLOW);

    // a page whose /Parent chain loops (inherited attributes are looked up through it)
    let mut p = hello();
    p.obj(3, "<< /Type /Page /Parent 3 0 R /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>");
    let input = p.bytes();
    let doc = open(&input).expect("opens");
    assert_eq!(hello_text(&doc), "Hello hostile world");
}

#[test]
fn xref_prev_chain_that_loops() {
    // an incremental update whose /Prev points at itself, then one pair pointing at
    // each other
    let b = hello().build(1);
    let mut bytes = b.bytes.clone();
    let x1 = bytes.len();
    bytes.extend_from_slice(
        format!(
            "xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 6 /Root 1 0 R /Prev {x1} >>\nstartxref\n{x1}\n%%EOF\n"
        )
        .as_bytes(),
    );
    let doc = open(&bytes).expect("self loop");
    assert_eq!(hello_text(&doc), "Hello hostile world");

    let mut bytes = b.bytes.clone();
    let x1 = bytes.len();
    let sec =
        |prev: usize| format!("xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 6 /Root 1 0 R /Prev {prev:010} >>\n");
    let len1 = sec(0).len();
    let x2 = x1 + len1;
    bytes.extend_from_slice(sec(x2).as_bytes());
    bytes.extend_from_slice(sec(x1).as_bytes());
    bytes.extend_from_slice(format!("startxref\n{x2}\n%%EOF\n").as_bytes());
    let t = Instant::now();
    match open(&bytes) {
        Ok(doc) => assert_eq!(hello_text(&doc), "Hello hostile world"),
        Err(e) => assert!(matches!(e, ExtractError::Damaged(_)), "{e}"),
    }
    assert!(t.elapsed() < SLOW);
}

#[test]
fn objects_referencing_themselves() {
    let mut p = hello();
    p.obj(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox 7 0 R /Rotate 7 0 R >>")
        .obj(3, "<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 5 0 R /F2 7 0 R >> /XObject 7 0 R /ExtGState 7 0 R >> /Contents [4 0 R 7 0 R 8 0 R] >>")
        .obj(7, "7 0 R")
        .obj(8, "9 0 R")
        .obj(9, "8 0 R")
        .stream(4, "", b"/F2 10 Tf /X Do /G gs BT /F1 12 Tf 72 720 Td (Hello hostile world) Tj ET");
    let input = p.bytes();
    let doc = open(&input).expect("opens");
    let page = doc.page(1).expect("page");
    assert_eq!(text(&page), "Hello hostile world");
    // a Form XObject that draws itself
    let mut p = hello();
    p.obj(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> /XObject << /X 6 0 R >> >> /Contents 4 0 R >>")
        .stream(4, "", &[b"/X Do ".as_slice(), HELLO].concat())
        .stream(6, "/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /X 6 0 R >> >>", b"/X Do /X Do");
    let input = p.bytes();
    let doc = open(&input).expect("opens");
    assert_eq!(hello_text(&doc), "Hello hostile world");
}

// ---------------------------------------------------------------- deep nesting

const DEEP: usize = 100_000;

#[test]
fn deeply_nested_objects_in_the_file_body() {
    // an unused object, an object the catalog points to, and the page dictionary
    // itself carrying 100,000 levels of arrays / dictionaries
    let mut p = hello();
    p.obj(8, nested_array(DEEP)).obj(9, nested_dict(DEEP)).obj(10, [b"[".repeat(DEEP), b"(unclosed".to_vec()].concat());
    p.obj(1, "<< /Type /Catalog /Pages 2 0 R /Foo 8 0 R /Bar 9 0 R >>");
    let t = Instant::now();
    let input = p.bytes();
    let doc = open(&input).expect("opens");
    assert_eq!(hello_text(&doc), "Hello hostile world");
    assert!(t.elapsed() < SLOW);

    let mut p = hello();
    let mut page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots ".to_vec();
    page.extend_from_slice(&nested_array(DEEP));
    page.extend_from_slice(b" /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>");
    p.obj(3, page);
    match open(&p.bytes()) {
        Ok(doc) => {
            for n in 1..=doc.page_count() {
                let _ = doc.page(n);
            }
        }
        Err(e) => assert!(matches!(e, ExtractError::Damaged(_)), "{e}"),
    }
}

#[test]
fn deeply_nested_operands_in_a_content_stream() {
    let mut content = nested_array(DEEP);
    content.extend_from_slice(b" TJ\n");
    content.extend_from_slice(&nested_dict(DEEP));
    content.extend_from_slice(b" BDC EMC\n");
    content.extend_from_slice(&b"[".repeat(DEEP));
    content.extend_from_slice(b"\n<< << <<\n] ] ] >> >>\n");
    content.extend_from_slice(HELLO);
    let mut p = hello();
    p.stream(4, "", &content);
    let input = p.bytes();
    let doc = open(&input).unwrap();
    let page = doc.page(1).expect("page");
    // the unclosed arrays may swallow what follows; what matters: no overflow, no hang
    let _ = text(&page);

    let mut content = nested_array(DEEP);
    content.extend_from_slice(b" pop\n");
    content.extend_from_slice(HELLO);
    p.stream(4, "", &content);
    let input = p.bytes();
    let doc = open(&input).unwrap();
    assert_eq!(hello_text(&doc), "Hello hostile world");
}

// ---------------------------------------------------------------- decompression bombs

/// 2 GiB of zeros in one FlateDecode stream (about 2 MB of file).
const BOMB_MIB: usize = 2048;

#[test]
fn bomb_generator_is_valid_deflate() {
    use std::io::Read;
    let z = zeros_zlib(3);
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(&z[..]).read_to_end(&mut out).unwrap();
    assert_eq!(out.len(), 3 << 20);
    assert!(out.iter().all(|&b| b == 0));
}

#[test]
fn content_stream_bomb_fails_the_page_within_budget() {
    let bytes = content_bomb(BOMB_MIB).bytes();
    assert!(bytes.len() < 4 << 20, "{}", bytes.len());
    let t = Instant::now();
    let doc = open(&bytes).unwrap();
    let e = doc.page(1).expect_err("bomb page must fail");
    assert!(matches!(e, ExtractError::LimitExceeded(_)), "{e}");
    assert!(e.to_string().contains("decompression bomb"), "{e}");
    assert!(t.elapsed() < SLOW);
    // extract_all keeps going with a warning page
    let pages = extract::extract_all(&bytes, None).unwrap();
    assert!(pages[0].warnings.iter().any(|w| w.contains("limit exceeded")), "{:?}", pages[0].warnings);
}

#[test]
fn filter_chain_bomb_of_a_few_kilobytes() {
    let bytes = chain_bomb(BOMB_MIB).bytes();
    assert!(bytes.len() < 64 << 10, "{}", bytes.len());
    let t = Instant::now();
    let doc = open(&bytes).unwrap();
    let e = doc.page(1).expect_err("bomb page must fail");
    assert!(matches!(e, ExtractError::LimitExceeded(_)), "{e}");
    assert!(t.elapsed() < SLOW);
    // a smaller per-stream limit is honoured as well
    let limits = Limits { max_stream_bytes: 1 << 20, ..Limits::default() };
    let doc = extract::open_with(&bytes, None, limits).unwrap();
    let e = doc.page(1).err().unwrap();
    assert!(e.to_string().contains(&format!("more than {} bytes", 1 << 20)), "{e}");
}

#[test]
fn font_file_bomb_is_skipped_with_a_warning() {
    let input = font_bomb(BOMB_MIB).bytes();
    let doc = open(&input).unwrap();
    let p = doc.page(1).expect("page survives a font bomb");
    assert!(p.warnings.iter().any(|w| w.contains("limit exceeded")), "{:?}", p.warnings);
    assert_eq!(p.glyphs.len(), "Hello hostile world".len());
}

#[test]
fn image_bomb_is_never_decoded() {
    let input = image_page(&zeros_zlib(BOMB_MIB), "/Filter /FlateDecode", true).bytes();
    let doc = open(&input).unwrap();
    let p = doc.page(1).unwrap();
    assert_eq!(p.images, 1);
    assert_eq!(text(&p), "Hello hostile world");
    assert!(doc.decoded_bytes() < 1 << 20, "{}", doc.decoded_bytes());
}

#[test]
fn object_stream_bomb_is_dropped_at_load() {
    let mut p = hello();
    p.stream(9, "/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", &zeros_zlib(BOMB_MIB));
    let t = Instant::now();
    let b = p.build(1);
    // read on demand: no page reaches the bomb, which is never inflated
    let doc = open(&b.bytes).expect("the rest of the file opens");
    assert_eq!(hello_text(&doc), "Hello hostile world");
    assert!(doc.decoded_bytes() < 1 << 20, "{}", doc.decoded_bytes());
    assert!(doc.warnings().is_empty(), "{:?}", doc.warnings());
    // loaded whole (a startxref pointing nowhere: the table is rebuilt by
    // scanning): the load drops it, with a warning
    let from = format!("startxref\n{}\n", b.xref_pos);
    let at = b.bytes.windows(from.len()).position(|w| w == from.as_bytes()).expect("startxref");
    let bad = [&b.bytes[..at], b"startxref\n999999\n".as_slice(), &b.bytes[at + from.len()..]].concat();
    let doc = open(&bad).expect("the rest of the file loads");
    assert!(doc.warnings().iter().any(|w| w.contains("object stream 9 0 dropped")), "{:?}", doc.warnings());
    assert_eq!(hello_text(&doc), "Hello hostile world");
    assert!(t.elapsed() < SLOW);
}

#[test]
fn document_byte_budget_caps_many_medium_streams() {
    // 12 pages, each with its own 1 MiB content stream
    let mut p = many_pages(12);
    let page_content = [HELLO, b"\n".as_slice(), &vec![b' '; 1 << 20]].concat();
    for i in 0..12u32 {
        p.stream(100 + i, "/Filter /FlateDecode", &zlib(&page_content));
        p.obj(10 + i, format!("<< /Type /Page /Parent 22 0 R /Contents {} 0 R >>", 100 + i));
    }
    let limits = Limits { max_total_bytes: 4 << 20, ..Limits::default() };
    let input = p.bytes();
    let doc = extract::open_with(&input, None, limits).unwrap();
    assert_eq!(doc.page_count(), 12);
    let results: Vec<_> = (1..=12).map(|n| doc.page(n)).collect();
    let ok = results.iter().filter(|r| r.is_ok()).count();
    assert!((3..=4).contains(&ok), "{ok} pages within a 4 MiB budget");
    assert!(results[11].as_ref().is_err_and(|e| matches!(e, ExtractError::LimitExceeded(_))));
    assert!(doc.decoded_bytes() <= 4 << 20);
}

// ---------------------------------------------------------------- many pages

#[test]
fn fifty_thousand_pages_are_truncated_to_max_pages() {
    let bytes = many_pages(50_000).bytes();
    let t = Instant::now();
    let doc = open(&bytes).unwrap();
    assert_eq!(doc.page_count(), 20_000);
    assert!(has_warning(&doc, "document truncated"), "{:?}", doc.warnings());
    assert_eq!(hello_text(&doc), "Hello hostile world");
    assert_eq!(text(&doc.page(20_000).unwrap()), "Hello hostile world");
    let e = doc.page(20_001).err().unwrap();
    assert!(matches!(e, ExtractError::LimitExceeded(_)), "{e}");
    assert!(matches!(doc.page(50_001), Err(ExtractError::Page { .. })));
    assert!(t.elapsed() < SLOW);

    let doc = extract::open_with(&bytes, None, Limits { max_pages: 60_000, ..Limits::default() }).unwrap();
    assert_eq!(doc.page_count(), 50_000);
    assert!(doc.warnings().is_empty(), "{:?}", doc.warnings());
    assert_eq!(text(&doc.page(50_000).unwrap()), "Hello hostile world");
}

// ---------------------------------------------------------------- deadline / cancel

#[test]
fn passed_deadline_fails_open_with_timeout() {
    let limits = Limits { deadline: Some(Instant::now()), ..Limits::default() };
    let e = extract::open_with(&hello().bytes(), None, limits).err().unwrap();
    assert!(matches!(e, ExtractError::Timeout));
    assert_eq!(e.to_string(), "timed out");
}

#[test]
fn cancel_flag_stops_between_pages() {
    let cancel = Arc::new(AtomicBool::new(false));
    let limits = Limits { cancel: Some(cancel.clone()), ..Limits::default() };
    let input = many_pages(3).bytes();
    let doc = extract::open_with(&input, None, limits).unwrap();
    assert!(doc.page(1).is_ok());
    cancel.store(true, Ordering::Relaxed);
    assert!(matches!(doc.page(2), Err(ExtractError::Timeout)));
}

#[test]
fn cancel_flag_stops_a_long_page_inside_interpretation() {
    // the page draws a 1 MiB form XObject 400 times: tens of millions of operators
    let mut p = hello();
    let form = b"0 0 m 1 1 l ".repeat((1 << 20) / 12);
    p.obj(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /X 6 0 R >> >> /Contents 4 0 R >>")
        .stream(4, "", &b"/X Do ".repeat(400))
        .stream(6, "/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Filter /FlateDecode", &zlib(&form));
    let cancel = Arc::new(AtomicBool::new(false));
    let limits = Limits { cancel: Some(cancel.clone()), ..Limits::default() };
    let input = p.bytes();
    let doc = extract::open_with(&input, None, limits).unwrap();
    let c = cancel.clone();
    let setter = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(10));
        c.store(true, Ordering::Relaxed);
    });
    let t = Instant::now();
    let r = doc.page(1);
    setter.join().unwrap();
    assert!(matches!(r, Err(ExtractError::Timeout)), "{:?}", r.map(|p| p.warnings));
    assert!(t.elapsed() < SLOW);
}

// ---------------------------------------------------------------- amplification

#[test]
fn one_huge_operand_array_is_bounded() {
    // 8 MiB of numbers in one TJ array, then a dictionary of a million pairs
    let mut content = b"BT /F1 12 Tf [".to_vec();
    content.extend_from_slice(&b"0 ".repeat(4 << 20));
    content.extend_from_slice(b"] TJ ET\n<<");
    content.extend_from_slice(&b"/a 1 ".repeat(1 << 20));
    content.extend_from_slice(b">> BDC EMC\n");
    content.extend_from_slice(HELLO);
    let mut p = hello();
    p.stream(4, "/Filter /FlateDecode", &zlib(&content));
    let t = Instant::now();
    let input = p.bytes();
    let doc = open(&input).unwrap();
    assert_eq!(hello_text(&doc), "Hello hostile world");
    assert!(t.elapsed() < SLOW);
}

#[test]
fn glyph_flood_is_truncated_with_a_warning() {
    // one 16 MiB string: 16 million glyphs without a cap
    let mut content = b"BT /F1 1 Tf 0 0 Td (".to_vec();
    content.extend_from_slice(&b"A".repeat(16 << 20));
    content.extend_from_slice(b") Tj ET");
    let mut p = hello();
    p.stream(4, "/Filter /FlateDecode", &zlib(&content));
    let input = p.bytes();
    let doc = open(&input).unwrap();
    let page = doc.page(1).unwrap();
    assert!(page.glyphs.len() <= 500_000, "{}", page.glyphs.len());
    assert!(page.warnings.iter().any(|w| w.starts_with("page truncated")), "{:?}", page.warnings);
}

#[test]
fn path_flood_is_bounded() {
    let mut content = b"0 0 m ".repeat(1 << 20);
    content.extend_from_slice(&b"1 1 l ".repeat(2 << 20));
    content.extend_from_slice(b"S\n");
    content.extend_from_slice(&b"0 0 1 1 re ".repeat(1 << 20));
    content.extend_from_slice(b"f\n");
    content.extend_from_slice(HELLO);
    let mut p = hello();
    p.stream(4, "/Filter /FlateDecode", &zlib(&content));
    let input = p.bytes();
    let doc = open(&input).unwrap();
    let page = doc.page(1).unwrap();
    assert!(page.rules.len() <= 500_000, "{}", page.rules.len());
    assert_eq!(text(&page), "Hello hostile world");
}

#[test]
fn hostile_cmap_and_width_arrays_are_bounded() {
    // ToUnicode: 200,000 overlapping 64K bfranges over 4-byte codes (13 billion
    // mappings if expanded); encoding CMap: 100,000 cidranges; /W: 100,000 ranges
    // each covering 64K CIDs
    // (6 MB: beyond the 4 MiB parsed of a CMap, so the real mapping comes first)
    let mut tu = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n1 beginbfchar <0041> <0048> endbfchar\n".to_vec();
    for chunk in 0..2000u32 {
        tu.extend_from_slice(b"100 beginbfrange\n");
        for k in 0..100u32 {
            let hi = 1 + (chunk * 100 + k) % 0xFFFF;
            tu.extend_from_slice(format!("<{hi:04X}0000> <{hi:04X}FFFF> <0041>\n").as_bytes());
        }
        tu.extend_from_slice(b"endbfrange\n");
    }
    tu.extend_from_slice(b"endcmap\n");
    let mut enc = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n".to_vec();
    for chunk in 0..1000u32 {
        enc.extend_from_slice(b"100 begincidrange\n");
        for k in 0..100u32 {
            let lo = (chunk * 100 + k) % 0x1_0000;
            enc.extend_from_slice(format!("<{lo:04X}> <{lo:04X}> {lo}\n").as_bytes());
        }
        enc.extend_from_slice(b"endcidrange\n");
    }
    enc.extend_from_slice(b"endcmap\n");
    let w: String = (0..100_000).map(|_| "0 65535 500 ").collect();
    let mut p = hello();
    p.obj(5, "<< /Type /Font /Subtype /Type0 /BaseFont /Hostile /Encoding 8 0 R /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>")
        .obj(6, format!("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Hostile /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /W [{w}] >>"))
        .stream(7, "/Filter /FlateDecode", &zlib(&tu))
        .stream(8, "/Type /CMap /CMapName /Hostile /Filter /FlateDecode", &zlib(&enc))
        .stream(4, "", &[b"BT /F1 12 Tf 72 720 Td <".as_slice(), &b"0041".repeat(1 << 16), b"> Tj ET"].concat());
    let t = Instant::now();
    let input = p.bytes();
    let doc = open(&input).unwrap();
    let page = doc.page(1).unwrap();
    assert_eq!(page.glyphs.len(), 1 << 16, "{:?}", page.warnings);
    assert!(page.glyphs.iter().all(|g| g.text == "H"));
    assert!(t.elapsed() < SLOW);
}

#[test]
fn deadline_expiring_during_a_long_load_fails_with_timeout() {
    let bytes = many_pages(50_000).bytes();
    let limits = Limits { deadline: Some(Instant::now() + Duration::from_millis(1)), ..Limits::default() };
    let t = Instant::now();
    let e = extract::open_with(&bytes, None, limits).err().expect("a 5 MB file does not load in 1 ms");
    assert!(matches!(e, ExtractError::Timeout), "{e}");
    assert!(t.elapsed() < SLOW);
}

#[test]
fn a_form_drawn_on_every_page_is_charged_once() {
    // 40 pages each drawing the same 200 KB form 10 times: 80 MB if decoded each time
    let mut p = many_pages(40);
    let form = [b"0 0 m 1 1 l S\n".repeat(200_000 / 14), HELLO.to_vec()].concat();
    p.stream(4, "", &b"/X Do ".repeat(10)).stream(
        6,
        "/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Filter /FlateDecode",
        &zlib(&form),
    );
    let mut s = String::from_utf8_lossy(&p.objs[&2]).into_owned();
    s = s.replace("/Resources << /Font << /F1 5 0 R >> >>", "/Resources << /XObject << /X 6 0 R >> >>");
    p.obj(2, s);
    let limits = Limits { max_total_bytes: 16 << 20, ..Limits::default() };
    let input = p.bytes();
    let doc = extract::open_with(&input, None, limits).unwrap();
    for n in 1..=40 {
        let page = doc.page(n).unwrap_or_else(|e| panic!("page {n}: {e}"));
        assert_eq!(page.glyphs.len(), 10 * "Hello hostile world".len());
    }
    assert!(doc.decoded_bytes() < 1 << 20, "{}", doc.decoded_bytes());
}

#[test]
fn page_tree_100000_levels_deep() {
    // /Pages -> /Pages -> ... 100,000 levels, the page at the bottom
    let mut p = hello();
    let depth = 100_000u32;
    for k in 0..depth {
        let id = 10 + k;
        let kid = if k + 1 < depth { id + 1 } else { 3 };
        let parent = if k == 0 { 2 } else { id - 1 };
        p.obj(id, format!("<< /Type /Pages /Parent {parent} 0 R /Kids [{kid} 0 R] /Count 1 >>"));
    }
    p.obj(2, "<< /Type /Pages /Kids [10 0 R] /Count 1 >>");
    p.obj(
        3,
        format!(
            "<< /Type /Page /Parent {} 0 R /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
            10 + depth - 1
        ),
    );
    let t = Instant::now();
    match open(&p.bytes()) {
        Ok(doc) => {
            // lopdf walks at most 256 levels: the page may be out of reach
            assert!(doc.page_count() <= 1);
            for n in 1..=doc.page_count() {
                assert_eq!(text(&doc.page(n).unwrap()), "Hello hostile world");
            }
        }
        Err(e) => assert!(matches!(e, ExtractError::Damaged(_)), "{e}"),
    }
    assert!(t.elapsed() < SLOW);
}
