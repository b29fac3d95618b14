//! Shared harness for perfplan's fuzz targets.
//!
//! * [`run`]: runs one input the way the command line does (on a thread with the
//!   batch runner's 32 MiB worker stack) and turns every panic that escapes the
//!   pipeline into an abort, with the panic's message, location and backtrace on
//!   stderr, so libFuzzer records a crash.
//! * [`install_panic_hook`]: by default only panics that *escape* are crashes; a
//!   panic that the extractor catches itself (it wraps lopdf in `catch_unwind`) is
//!   handled input, exactly as in production. `PERFPLAN_FUZZ_STRICT=1` keeps
//!   libFuzzer's own hook instead, which aborts on every panic, caught or not
//!   (finds lopdf panics that the extractor swallows).
//! * [`wrap_content`]: a one-page PDF around a content stream (the `content` target).
//! * [`pipeline`]: what both targets run on a PDF: `convert_bytes`, then the emitters.

use std::backtrace::Backtrace;
use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};

use perfplan::pipeline::{convert_bytes, Options};

/// The batch runner's worker stack (`WORKER_STACK` in `src/pipeline.rs`).
pub const WORKER_STACK: usize = 32 << 20;

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Call from the target's `init:` block (after libfuzzer-sys has set its hook).
pub fn install_panic_hook() {
    if std::env::var_os("PERFPLAN_FUZZ_STRICT").is_some_and(|v| !v.is_empty() && v != "0") {
        return; // libfuzzer-sys' hook: print, then abort on any panic
    }
    panic::set_hook(Box::new(|info| {
        // Remember it; whether it is a crash is known only when it escapes.
        let report = format!("{info}\nstack backtrace:\n{}", Backtrace::force_capture());
        LAST_PANIC.with(|p| *p.borrow_mut() = Some(report));
    }));
}

/// Run `f` on a worker-sized stack; a panic escaping `f` aborts the process.
pub fn run(f: impl FnOnce() + Send) {
    std::thread::scope(|s| {
        let worker = std::thread::Builder::new().stack_size(WORKER_STACK).spawn_scoped(s, move || {
            if panic::catch_unwind(AssertUnwindSafe(f)).is_err() {
                let report = LAST_PANIC.with(|p| p.borrow_mut().take());
                eprintln!(
                    "perfplan-fuzz: panic escaped the pipeline: {}",
                    report.as_deref().unwrap_or("(no message recorded)")
                );
                std::process::abort();
            }
            LAST_PANIC.with(|p| p.borrow_mut().take());
        });
        worker.expect("spawn fuzz worker").join().expect("fuzz worker");
    });
}

/// The per-file pipeline as the command line runs it, plus the emitters on its
/// result. A returned error is fine; a panic is a bug.
pub fn pipeline(bytes: &[u8]) {
    // Provenance on for odd lengths, so both output shapes are exercised.
    let opts = Options { provenance: bytes.len() % 2 == 1, ..Options::default() };
    if let Ok(doc) = convert_bytes("fuzz.pdf", bytes, &opts) {
        let json = perfplan::emit::to_json(&doc);
        // The emitter's output is always valid JSON.
        serde_json::from_str::<serde_json::Value>(&json).expect("to_json wrote invalid JSON");
        for line in perfplan::emit::to_ndjson(&doc).lines() {
            serde_json::from_str::<serde_json::Value>(line).expect("to_ndjson wrote an invalid line");
        }
    }
}

/// A valid one-page PDF whose page content stream is `content` (uncompressed), with
/// fonts `/F1`.. (standard-14 with WinAnsi and `/Differences`, a bold one, a
/// composite Identity-H font with a `/ToUnicode` CMap), a form XObject `/Fm1` and an
/// image `/Im1`.
pub fn wrap_content(content: &[u8]) -> Vec<u8> {
    let cmap = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
/CMapName /Fuzz def /CMapType 2 def\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
2 beginbfrange <0020> <007E> <0020> <00E0> <00FF> <00E0> endbfrange\n\
1 beginbfchar <0100> <0066006C> endbfchar\nendcmap CMapName currentdict /CMap defineresource pop end end\n";
    let form = b"q 0 0 0 RG 1 w 10 10 m 200 10 l S BT /F2 9 Tf 12 14 Td (Obiettivo) Tj ET Q\n";
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << \
/Font << /F1 5 0 R /F2 6 0 R /F3 7 0 R /F4 8 0 R /TT1 5 0 R /TT2 6 0 R >> \
/XObject << /Fm1 11 0 R /Im1 12 0 R >> >> >>"
            .to_vec(),
        stream(b"", content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>".to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman /Encoding << /Type /Encoding \
/BaseEncoding /WinAnsiEncoding /Differences [128 /fi /fl /agrave /egrave /eacute /igrave /ograve /ugrave] >> >>"
            .to_vec(),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+Arial-BoldMT /Encoding /Identity-H \
/DescendantFonts [9 0 R] /ToUnicode 10 0 R >>"
            .to_vec(),
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+Arial-BoldMT /CIDSystemInfo \
<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 556 /W [32 [278] 48 57 556] >>"
            .to_vec(),
        stream(b"", cmap),
        stream(b"/Type /XObject /Subtype /Form /BBox [0 0 300 40] /Resources << /Font << /F2 6 0 R >> >> ", form),
        stream(b"/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 ", b"\x80"),
    ];
    let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes(),
    );
    out
}

fn stream(dict: &[u8], data: &[u8]) -> Vec<u8> {
    let mut s = b"<< ".to_vec();
    s.extend_from_slice(dict);
    s.extend_from_slice(format!("/Length {} >>\nstream\n", data.len()).as_bytes());
    s.extend_from_slice(data);
    s.extend_from_slice(b"\nendstream");
    s
}
