//! One file through every stage, and batches of files.
//!
//! * [`convert_bytes`]: PDF bytes -> [`Document`] (extract -> layout per page, then
//!   sheet over all pages). Per-page extraction failures become diagnostics.
//! * [`convert_file`]: reads a file and runs [`convert_bytes`] behind a panic
//!   boundary, so a bug anywhere in the stages fails that one file with
//!   [`Error::Panic`] instead of taking the process down.
//! * [`convert_batch`]: many files on a pool of worker threads; results reach a
//!   [`Sink`] in input order, and one bad file never stops the batch.
//! * [`expand_inputs`]: command-line paths -> the list of PDFs to convert.
//!
//! This module never sees command-line types; `main.rs` maps arguments to [`Options`].

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Once};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::error::{Error, ExtractError};
use crate::extract::{self, Page};
use crate::layout::{self, PageLayout};
use crate::model::{Diagnostic, Document, Level, Source, SCHEMA_VERSION};
use crate::params::Params;
use crate::sheet;

/// Everything that tunes one conversion.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// User password for encrypted PDFs (owner-password-only files need none).
    pub password: Option<String>,
    /// Layout thresholds.
    pub params: Params,
    /// Keep each objective's `provenance` (page and box of every field).
    pub provenance: bool,
}

/// Convert one PDF held in memory. `file_name` is recorded as `source.file`.
///
/// Fails only when the document as a whole cannot be opened; a page that cannot be
/// extracted becomes an `error` diagnostic and the other pages go on.
pub fn convert_bytes(file_name: &str, bytes: &[u8], opts: &Options) -> Result<Document, ExtractError> {
    let sha256 = hex_sha256(bytes);
    let pdf = extract::open(bytes, opts.password.as_deref())?;
    let pages = pdf.page_count();
    let source = Source { file: file_name.to_string(), sha256, pages };
    let mut doc = assemble(source, (1..=pages).map(|n| (n, pdf.page(n))), &opts.params);
    if !opts.provenance {
        for o in &mut doc.objectives {
            o.provenance = None;
        }
    }
    Ok(doc)
}

/// The stages after extraction: each page (taken one at a time, so only its layout
/// stays in memory) -> layout, then the sheet parser over all layouts, plus the
/// document-level diagnostics.
pub fn assemble(
    source: Source,
    pages: impl IntoIterator<Item = (u32, Result<Page, ExtractError>)>,
    params: &Params,
) -> Document {
    let mut diagnostics = Vec::new();
    let mut layouts = Vec::with_capacity(source.pages as usize);
    for (n, page) in pages {
        match page {
            Ok(page) => {
                page_diagnostics(&page, &mut diagnostics);
                layouts.push(layout::analyze(&page, params));
            }
            Err(e) => diagnostics.push(Diagnostic {
                level: Level::Error,
                page: Some(n),
                code: "page.extract_failed".to_string(),
                message: match e {
                    ExtractError::Page { message, .. } => message,
                    other => other.to_string(),
                },
            }),
        }
    }
    let (objectives, sheet_diagnostics) = sheet::parse(&layouts, params);
    diagnostics.extend(sheet_diagnostics);
    if objectives.is_empty() {
        diagnostics.push(Diagnostic::warning(None, "document.no_objectives", "no objective sheet found in the document"));
    }
    Document { schema_version: SCHEMA_VERSION.to_string(), source, objectives, diagnostics }
}

/// Findings about one extracted page: no text layer, extractor warnings.
fn page_diagnostics(page: &Page, out: &mut Vec<Diagnostic>) {
    if page.glyphs.iter().all(|g| g.text.trim().is_empty()) {
        let message = if page.images > 0 {
            format!(
                "no text layer: the page only holds {} image(s), probably a scan (OCR is not supported)",
                page.images
            )
        } else {
            "no text layer: the page holds no text".to_string()
        };
        out.push(Diagnostic::warning(Some(page.number), "page.no_text", message));
    }
    let mut seen: Vec<&str> = Vec::new();
    for w in &page.warnings {
        if !seen.contains(&w.as_str()) {
            seen.push(w);
            out.push(Diagnostic::warning(Some(page.number), "page.extract_warning", w.clone()));
        }
    }
}

fn hex_sha256(bytes: &[u8]) -> String {
    use fmt::Write;
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Read `path` and convert it, behind the panic boundary.
pub fn convert_file(path: &Path, opts: &Options) -> Result<Document, Error> {
    guarded(path, || {
        let bytes = std::fs::read(path).map_err(|source| Error::Io { file: path.to_path_buf(), source })?;
        convert_bytes(&file_name(path), &bytes, opts).map_err(|source| Error::Extract { file: path.to_path_buf(), source })
    })
}

/// Debug view: the layout of every page (or of page `only`) of one PDF, behind the
/// panic boundary.
pub fn layout_file(path: &Path, opts: &Options, only: Option<u32>) -> Result<Vec<PageLayout>, Error> {
    guarded(path, || {
        let extract_err = |source| Error::Extract { file: path.to_path_buf(), source };
        let bytes = std::fs::read(path).map_err(|source| Error::Io { file: path.to_path_buf(), source })?;
        let pdf = extract::open(&bytes, opts.password.as_deref()).map_err(extract_err)?;
        let count = pdf.page_count();
        let numbers: Vec<u32> = match only {
            Some(n) if n == 0 || n > count => {
                return Err(extract_err(ExtractError::Page {
                    page: n,
                    message: format!("no such page (the document has {count} pages)"),
                }))
            }
            Some(n) => vec![n],
            None => (1..=count).collect(),
        };
        numbers
            .into_iter()
            .map(|n| pdf.page(n).map(|p| layout::analyze(&p, &opts.params)).map_err(extract_err))
            .collect()
    })
}

/// File name without its directory, as recorded in `source.file`.
pub fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.to_string_lossy().into_owned())
}

// ---------------------------------------------------------------------------
// Panic boundary

thread_local! {
    /// Set while this thread runs inside [`guarded`]: the hook stays quiet then.
    static IN_BOUNDARY: Cell<bool> = const { Cell::new(false) };
    /// Where the last quiet panic of this thread happened.
    static PANIC_AT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Install (once per process) a panic hook that stays quiet for panics inside the
/// boundary (their message ends up in [`Error::Panic`]) and defers to the previous
/// hook everywhere else. With `PERFPLAN_PANIC_TRACE=1` in the environment, boundary
/// panics go to the previous hook too (message, location, backtrace on stderr).
fn install_quiet_hook() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        let verbose = std::env::var_os("PERFPLAN_PANIC_TRACE").is_some_and(|v| !v.is_empty() && v != "0");
        panic::set_hook(Box::new(move |info| {
            if IN_BOUNDARY.with(Cell::get) {
                let at = info.location().map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
                PANIC_AT.with(|p| *p.borrow_mut() = at);
                if !verbose {
                    return;
                }
            }
            previous(info)
        }));
    });
}

/// Run `f`; a panic inside becomes `Error::Panic` for `file`.
pub fn guarded<T>(file: &Path, f: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    install_quiet_hook();
    let outer = IN_BOUNDARY.with(|b| b.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    IN_BOUNDARY.with(|b| b.set(outer));
    result.unwrap_or_else(|payload| {
        let what = if let Some(s) = payload.downcast_ref::<&str>() {
            (*s).to_string()
        } else if let Some(s) = payload.downcast_ref::<String>() {
            s.clone()
        } else {
            "unknown panic payload".to_string()
        };
        let message = match PANIC_AT.with(|p| p.borrow_mut().take()) {
            Some(at) => format!("{what} (at {at})"),
            None => what,
        };
        Err(Error::Panic { file: file.to_path_buf(), message })
    })
}

// ---------------------------------------------------------------------------
// Batches

/// Receives the outcome of every file of a batch, in input order.
pub trait Sink {
    /// A converted document: write it. An error here counts the file as failed.
    fn document(&mut self, input: &Path, doc: &Document) -> Result<(), Error>;
    /// A file that failed to convert or to be written.
    fn failure(&mut self, _input: &Path, _error: &Error) {}
}

/// Totals of one batch.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BatchSummary {
    pub files: usize,
    pub objectives: usize,
    pub indicators: usize,
    /// Diagnostics of level `warning` or `error` in the converted documents.
    pub warnings: usize,
    pub failures: usize,
    pub elapsed: Duration,
}

impl fmt::Display for BatchSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} files, {} objectives, {} indicators, {} warnings, {} failed, in {:.2}s",
            self.files,
            self.objectives,
            self.indicators,
            self.warnings,
            self.failures,
            self.elapsed.as_secs_f64()
        )
    }
}

impl BatchSummary {
    fn record(&mut self, input: &Path, result: Result<Document, Error>, sink: &mut dyn Sink) {
        let outcome = result.and_then(|doc| sink.document(input, &doc).map(|()| doc));
        match outcome {
            Ok(doc) => {
                self.objectives += doc.objectives.len();
                self.indicators += doc.objectives.iter().map(|o| o.indicators.len()).sum::<usize>();
                self.warnings += doc.diagnostics.iter().filter(|d| d.level != Level::Info).count();
            }
            Err(e) => {
                self.failures += 1;
                sink.failure(input, &e);
            }
        }
    }
}

/// Worker thread stack: deeply nested PDFs recurse deep in a parser.
const WORKER_STACK: usize = 32 << 20;

/// Convert `inputs` on a pool of `jobs` threads (0 = one per core), handing every
/// outcome to `sink` in input order as soon as it and all files before it are done.
pub fn convert_batch(inputs: &[PathBuf], opts: &Options, jobs: usize, sink: &mut dyn Sink) -> BatchSummary {
    let start = Instant::now();
    let mut summary = BatchSummary { files: inputs.len(), ..Default::default() };
    let jobs = if jobs == 0 { std::thread::available_parallelism().map_or(1, |n| n.get()) } else { jobs };
    let jobs = jobs.clamp(1, inputs.len().max(1));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .stack_size(WORKER_STACK)
        .thread_name(|i| format!("perfplan-{i}"))
        .build();
    match pool {
        Ok(pool) => {
            let (tx, rx) = mpsc::channel::<(usize, Result<Document, Error>)>();
            let next = AtomicUsize::new(0);
            std::thread::scope(|scope| {
                scope.spawn(|| {
                    // Each worker pulls the next index, so files finish roughly in
                    // input order and the reorder buffer below stays small.
                    pool.scope(|s| {
                        for _ in 0..jobs {
                            let tx = tx.clone();
                            let next = &next;
                            s.spawn(move |_| loop {
                                let i = next.fetch_add(1, Ordering::Relaxed);
                                if i >= inputs.len() || tx.send((i, convert_file(&inputs[i], opts))).is_err() {
                                    break;
                                }
                            });
                        }
                    });
                    drop(tx);
                });
                let mut pending = BTreeMap::new();
                let mut due = 0;
                for (i, result) in rx {
                    pending.insert(i, result);
                    while let Some(result) = pending.remove(&due) {
                        summary.record(&inputs[due], result, sink);
                        due += 1;
                    }
                }
            });
        }
        Err(_) => {
            for input in inputs {
                summary.record(input, convert_file(input, opts), sink);
            }
        }
    }
    summary.elapsed = start.elapsed();
    summary
}

// ---------------------------------------------------------------------------
// Inputs

/// Expand command-line paths: a file is taken as given (whatever its extension), a
/// directory is walked recursively for `*.pdf` (any case), its files sorted by path.
/// Symlinks to files are followed, symlinks to directories are not (no loops).
/// A path that does not exist or cannot be read is an error.
pub fn expand_inputs(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut out = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|source| Error::Io { file: path.clone(), source })?;
        if meta.is_dir() {
            let mut found = Vec::new();
            walk(path, &mut found)?;
            found.sort();
            out.extend(found);
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> Result<(), Error> {
    let io_err = |source| Error::Io { file: dir.to_path_buf(), source };
    for entry in std::fs::read_dir(dir).map_err(io_err)? {
        let entry = entry.map_err(io_err)?;
        let path = entry.path();
        let kind = entry.file_type().map_err(io_err)?;
        if kind.is_dir() {
            walk(&path, found)?;
        } else if is_pdf_name(&path) && (kind.is_file() || path.is_file()) {
            found.push(path);
        }
    }
    Ok(())
}

fn is_pdf_name(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Indicator, Objective};
    use std::fs;

    fn doc(objectives: usize, indicators_each: usize, diags: Vec<Level>) -> Document {
        Document {
            schema_version: SCHEMA_VERSION.into(),
            source: Source { file: "x.pdf".into(), sha256: String::new(), pages: 1 },
            objectives: (0..objectives)
                .map(|i| Objective {
                    code: format!("C{i}"),
                    indicators: vec![Indicator::default(); indicators_each],
                    ..Default::default()
                })
                .collect(),
            diagnostics: diags
                .into_iter()
                .map(|level| Diagnostic { level, page: None, code: "c".into(), message: "m".into() })
                .collect(),
        }
    }

    #[test]
    fn expand_walks_dirs_sorted_and_keeps_files_as_given() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        fs::create_dir_all(d.join("b/sub")).unwrap();
        fs::create_dir_all(d.join("a")).unwrap();
        for f in ["b/z.pdf", "b/sub/y.PDF", "a/x.Pdf", "a/notes.txt", "a/pdf", "top.pdf"] {
            fs::write(d.join(f), b"x").unwrap();
        }
        fs::write(d.join("given.bin"), b"x").unwrap();
        let got = expand_inputs(&[d.join("given.bin"), d.to_path_buf()]).unwrap();
        let rel: Vec<String> =
            got.iter().map(|p| p.strip_prefix(d).unwrap().to_string_lossy().replace('\\', "/")).collect();
        assert_eq!(rel, ["given.bin", "a/x.Pdf", "b/sub/y.PDF", "b/z.pdf", "top.pdf"]);
    }

    #[test]
    fn expand_rejects_missing_path() {
        let t = tempfile::tempdir().unwrap();
        let err = expand_inputs(&[t.path().join("nope.pdf")]).unwrap_err();
        assert!(matches!(err, Error::Io { .. }), "{err}");
        assert!(err.to_string().contains("nope.pdf"));
    }

    #[test]
    fn summary_line_format() {
        let s = BatchSummary {
            files: 3,
            objectives: 12,
            indicators: 40,
            warnings: 2,
            failures: 1,
            elapsed: Duration::from_millis(1234),
        };
        assert_eq!(s.to_string(), "3 files, 12 objectives, 40 indicators, 2 warnings, 1 failed, in 1.23s");
    }

    #[test]
    fn guarded_turns_panic_into_error_with_message() {
        let r: Result<(), Error> = guarded(Path::new("f.pdf"), || panic!("boom {}", 42));
        match r {
            Err(Error::Panic { file, message }) => {
                assert_eq!(file, Path::new("f.pdf"));
                assert!(message.starts_with("boom 42 (at "), "{message}");
                assert!(message.contains("pipeline.rs"), "{message}");
            }
            other => panic!("expected a panic error, got {other:?}"),
        }
        // The boundary is left again: the flag is off outside.
        assert!(!IN_BOUNDARY.with(Cell::get));
    }

    #[test]
    fn stub_or_garbage_input_fails_that_file_only() {
        // Whatever the extractor does with garbage (today a todo!() panic, later a
        // NotPdf error), the file fails cleanly with a typed error.
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("garbage.pdf");
        fs::write(&p, b"this is not a pdf").unwrap();
        let err = convert_file(&p, &Options::default()).unwrap_err();
        assert!(matches!(err, Error::Panic { .. } | Error::Extract { .. }), "{err:?}");
        let err = convert_file(&t.path().join("missing.pdf"), &Options::default()).unwrap_err();
        assert!(matches!(err, Error::Io { .. }), "{err:?}");
    }

    struct Recorder {
        order: Vec<String>,
        fail_write: &'static str,
        failures: Vec<String>,
    }
    impl Sink for Recorder {
        fn document(&mut self, input: &Path, _doc: &Document) -> Result<(), Error> {
            self.order.push(file_name(input));
            if file_name(input) == self.fail_write {
                return Err(Error::Write {
                    file: input.into(),
                    out: "o".into(),
                    source: std::io::Error::other("disk full"),
                });
            }
            Ok(())
        }
        fn failure(&mut self, input: &Path, _error: &Error) {
            self.failures.push(file_name(input));
        }
    }

    #[test]
    fn batch_delivers_in_input_order_and_counts_failures() {
        let t = tempfile::tempdir().unwrap();
        let inputs: Vec<PathBuf> = (0..9).map(|i| t.path().join(format!("f{i}.pdf"))).collect();
        for p in &inputs[..5] {
            fs::write(p, b"not a pdf").unwrap();
        }
        // f5..f8 do not exist: Io errors. f0..f4 fail in extraction (stub panics today).
        for jobs in [1, 2, 4] {
            let mut sink = Recorder { order: vec![], fail_write: "", failures: vec![] };
            let s = convert_batch(&inputs, &Options::default(), jobs, &mut sink);
            assert_eq!(s.files, 9);
            assert_eq!(s.failures, 9);
            let want: Vec<String> = (0..9).map(|i| format!("f{i}.pdf")).collect();
            assert_eq!(sink.failures, want, "jobs={jobs}");
        }
    }

    #[test]
    fn summary_counts_documents_and_sink_errors() {
        let mut s = BatchSummary::default();
        let mut sink = Recorder { order: vec![], fail_write: "bad.pdf", failures: vec![] };
        s.record(Path::new("a.pdf"), Ok(doc(2, 3, vec![Level::Info, Level::Warning, Level::Error])), &mut sink);
        s.record(Path::new("bad.pdf"), Ok(doc(5, 5, vec![Level::Warning])), &mut sink);
        s.record(
            Path::new("c.pdf"),
            Err(Error::Panic { file: "c.pdf".into(), message: "x".into() }),
            &mut sink,
        );
        assert_eq!((s.objectives, s.indicators, s.warnings, s.failures), (2, 6, 2, 2));
        assert_eq!(sink.order, ["a.pdf", "bad.pdf"]);
        assert_eq!(sink.failures, ["bad.pdf", "c.pdf"]);
    }

    #[test]
    fn assemble_reports_textless_and_failed_pages_and_goes_on() {
        use crate::extract::{BBox, Glyph};
        let glyph = Glyph { text: "A".into(), bbox: BBox::new(0.0, 0.0, 5.0, 10.0), baseline: 8.0, size: 10.0, bold: false };
        let page = |number, glyphs: Vec<Glyph>, images, warnings: Vec<&str>| Page {
            number,
            width: 595.0,
            height: 842.0,
            glyphs,
            images,
            warnings: warnings.into_iter().map(String::from).collect(),
            ..Default::default()
        };
        let pages = vec![
            (1, Ok(page(1, vec![glyph.clone()], 0, vec!["odd font", "odd font"]))),
            (2, Ok(page(2, vec![], 3, vec![]))),
            (3, Err(ExtractError::Page { page: 3, message: "bad content stream".into() })),
            (4, Ok(page(4, vec![], 0, vec![]))),
        ];
        let source = Source { file: "s.pdf".into(), sha256: hex_sha256(b""), pages: 4 };
        let doc = assemble(source.clone(), pages, &Params::default());
        assert_eq!(doc.source, source);
        assert_eq!(doc.schema_version, SCHEMA_VERSION);
        // The pipeline's own diagnostics (the sheet parser may add its own).
        let mine: Vec<&Diagnostic> =
            doc.diagnostics.iter().filter(|d| d.code.starts_with("page.") || d.code == "document.no_objectives").collect();
        let got: Vec<(Level, Option<u32>, &str)> = mine.iter().map(|d| (d.level, d.page, d.code.as_str())).collect();
        assert_eq!(
            got,
            [
                (Level::Warning, Some(1), "page.extract_warning"),
                (Level::Warning, Some(2), "page.no_text"),
                (Level::Error, Some(3), "page.extract_failed"),
                (Level::Warning, Some(4), "page.no_text"),
                (Level::Warning, None, "document.no_objectives"),
            ]
        );
        assert!(mine[1].message.contains("no text layer") && mine[1].message.contains("3 image"));
        assert!(!mine[3].message.contains("image"));
        assert_eq!(mine[2].message, "bad content stream");
    }

    #[test]
    fn sha256_hex() {
        assert_eq!(hex_sha256(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
