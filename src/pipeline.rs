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
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex, Once, PoisonError};
use std::time::{Duration, Instant};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{Error, ExtractError};
use crate::extract::{self, Limits, Page};
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
    convert_bytes_with(file_name, bytes, opts, Limits::default())
}

/// [`convert_bytes`] under resource `limits`: the extractor gets them, and the
/// deadline and the cancel flag are also checked before every page; once either
/// has passed the conversion stops with [`ExtractError::Timeout`].
pub fn convert_bytes_with(
    file_name: &str,
    bytes: &[u8],
    opts: &Options,
    limits: Limits,
) -> Result<Document, ExtractError> {
    let sha256 = hex_sha256(bytes);
    let stop = limits.clone();
    let pdf = extract::open_with(bytes, opts.password.as_deref(), limits)?;
    let pages = pdf.page_count();
    let source = Source { file: file_name.to_string(), sha256, pages };
    let mut stopped = false;
    let each_page = (1..=pages).map_while(|n| {
        stopped = stopped || should_stop(&stop);
        (!stopped).then(|| (n, pdf.page(n)))
    });
    let (layouts, mut diagnostics) = layout_pages(each_page, &opts.params);
    // Damage the extractor worked around (xref rebuilt or repaired, page-tree
    // cycles, pages past the limit, object streams over a byte budget).
    let warnings = pdf.warnings().iter().map(|w| Diagnostic::warning(None, "document.extract_warning", w.clone()));
    diagnostics.splice(0..0, warnings);
    // The parsed PDF is the largest thing in memory after the layouts: free it
    // before the sheet parser builds the objectives (peak RSS).
    drop(pdf);
    if stopped || should_stop(&stop) {
        return Err(ExtractError::Timeout);
    }
    let mut doc = parse_layouts(source, &layouts, diagnostics, &opts.params);
    if !ends_with_eof_marker(bytes) {
        let message = "the file does not end with %%EOF: it was probably cut short, and what it held \
                       after the cut is missing";
        doc.diagnostics.insert(0, Diagnostic::warning(None, "document.truncated", message));
    }
    if !opts.provenance {
        for o in &mut doc.objectives {
            o.provenance = None;
        }
    }
    Ok(doc)
}

/// A complete PDF ends with `%%EOF` (writers may add a little after it: line
/// ends, padding, so the last 1024 bytes are searched, as readers do).
fn ends_with_eof_marker(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    tail.windows(5).any(|w| w == b"%%EOF")
}

/// The deadline of `limits` has passed or its cancel flag is set.
pub fn should_stop(limits: &Limits) -> bool {
    limits.deadline.is_some_and(|d| Instant::now() >= d)
        || limits.cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed))
}

/// The stages after extraction: each page (taken one at a time, so only its layout
/// stays in memory) -> layout, then the sheet parser over all layouts, plus the
/// document-level diagnostics.
pub fn assemble(
    source: Source,
    pages: impl IntoIterator<Item = (u32, Result<Page, ExtractError>)>,
    params: &Params,
) -> Document {
    let (layouts, diagnostics) = layout_pages(pages, params);
    parse_layouts(source, &layouts, diagnostics, params)
}

/// Each page (taken one at a time, so only its layout stays in memory) -> layout,
/// with the per-page diagnostics.
fn layout_pages(
    pages: impl IntoIterator<Item = (u32, Result<Page, ExtractError>)>,
    params: &Params,
) -> (Vec<PageLayout>, Vec<Diagnostic>) {
    let pages = pages.into_iter();
    let mut diagnostics = Vec::new();
    let mut layouts = Vec::with_capacity(pages.size_hint().0);
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
    (layouts, diagnostics)
}

/// The sheet parser over all layouts, plus the document-level diagnostics.
fn parse_layouts(
    source: Source,
    layouts: &[PageLayout],
    mut diagnostics: Vec<Diagnostic>,
    params: &Params,
) -> Document {
    let (objectives, sheet_diagnostics) = sheet::parse(layouts, params);
    diagnostics.extend(sheet_diagnostics);
    if objectives.is_empty() {
        diagnostics.push(Diagnostic::warning(
            None,
            "document.no_objectives",
            "no objective sheet found in the document",
        ));
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
    convert_file_with(path, opts, Limits::default())
}

/// [`convert_file`] under resource `limits` (see [`convert_bytes_with`]).
pub fn convert_file_with(path: &Path, opts: &Options, limits: Limits) -> Result<Document, Error> {
    guarded(path, || {
        let bytes = std::fs::read(path).map_err(|source| Error::Io { file: path.to_path_buf(), source })?;
        convert_bytes_with(&file_name(path), &bytes, opts, limits)
            .map_err(|source| Error::Extract { file: path.to_path_buf(), source })
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
        let what = panic_text(payload.as_ref());
        let message = match PANIC_AT.with(|p| p.borrow_mut().take()) {
            Some(at) => format!("{what} (at {at})"),
            None => what,
        };
        Err(Error::Panic { file: file.to_path_buf(), message })
    })
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic payload".to_string()
    }
}

// ---------------------------------------------------------------------------
// Batches

/// Output work a sink has done on the worker threads, in parallel and in any
/// order, right after a file is converted (serializing it, writing a temporary
/// file): the sink completes it in input order in [`Sink::document_staged`].
/// Keeps the thread that records outcomes from being the bottleneck of a batch
/// of small files.
pub trait Stage: Send + Sync {
    fn stage(&self, input: &Path, doc: &Document) -> Result<Staged, Error>;
}

/// What a [`Stage`] hands over to its sink.
pub type Staged = Box<dyn std::any::Any + Send>;

/// Receives the outcome of every file of a batch, in input order.
pub trait Sink {
    /// A converted document: write it. An error here counts the file as failed.
    fn document(&mut self, input: &Path, doc: &Document) -> Result<(), Error>;
    /// Work of this sink to run on the worker threads (see [`Stage`]); `None`
    /// (the default): all output happens in [`Sink::document`].
    fn stage(&self) -> Option<Arc<dyn Stage>> {
        None
    }
    /// A converted document whose output [`Sink::stage`] prepared; by default the
    /// staged work is dropped and the document written through [`Sink::document`].
    fn document_staged(&mut self, input: &Path, doc: &Document, _staged: Staged) -> Result<(), Error> {
        self.document(input, doc)
    }
    /// A file that failed to convert or to be written.
    fn failure(&mut self, _input: &Path, _error: &Error) {}
    /// Every file's outcome (after [`Sink::document`] or [`Sink::failure`]), also
    /// for the files skipped after a failure with `fail_fast`.
    fn outcome(&mut self, _report: &FileReport) {}
}

/// Two sinks fed the same outcomes (JSON or NDJSON, and the tables): the first
/// may stage its output on the workers, the second writes in
/// [`Sink::document`]. A file the first fails to write is not given to the second.
pub struct Both<A, B>(pub A, pub B);

impl<A: Sink, B: Sink> Sink for Both<A, B> {
    fn document(&mut self, input: &Path, doc: &Document) -> Result<(), Error> {
        self.0.document(input, doc)?;
        self.1.document(input, doc)
    }
    fn stage(&self) -> Option<Arc<dyn Stage>> {
        self.0.stage()
    }
    fn document_staged(&mut self, input: &Path, doc: &Document, staged: Staged) -> Result<(), Error> {
        self.0.document_staged(input, doc, staged)?;
        self.1.document(input, doc)
    }
    fn failure(&mut self, input: &Path, error: &Error) {
        self.0.failure(input, error);
        self.1.failure(input, error);
    }
    fn outcome(&mut self, report: &FileReport) {
        self.0.outcome(report);
        self.1.outcome(report);
    }
}

/// An optional sink: `None` takes every outcome and writes nothing.
impl<S: Sink> Sink for Option<S> {
    fn document(&mut self, input: &Path, doc: &Document) -> Result<(), Error> {
        self.as_mut().map_or(Ok(()), |s| s.document(input, doc))
    }
    fn stage(&self) -> Option<Arc<dyn Stage>> {
        self.as_ref().and_then(Sink::stage)
    }
    fn document_staged(&mut self, input: &Path, doc: &Document, staged: Staged) -> Result<(), Error> {
        self.as_mut().map_or(Ok(()), |s| s.document_staged(input, doc, staged))
    }
    fn failure(&mut self, input: &Path, error: &Error) {
        if let Some(s) = self {
            s.failure(input, error);
        }
    }
    fn outcome(&mut self, report: &FileReport) {
        if let Some(s) = self {
            s.outcome(report);
        }
    }
}

/// How a batch runs (the conversion itself is tuned by [`Options`]).
#[derive(Clone, Debug)]
pub struct BatchOptions {
    /// Files converted in parallel (0 = one per core).
    pub jobs: usize,
    /// Time limit for one file (`None` = none). At the deadline the file fails
    /// with "timed out after N s" and the batch goes on without waiting for it.
    pub timeout: Option<Duration>,
    /// Stop starting files after the first failure (the others are `skipped`).
    pub fail_fast: bool,
}

impl Default for BatchOptions {
    fn default() -> Self {
        BatchOptions { jobs: 0, timeout: Some(DEFAULT_TIMEOUT), fail_fast: false }
    }
}

/// Default time limit for one file.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// What became of one input file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Converted and written.
    Ok,
    /// Converted and written, but the extractor had to work around damage (a
    /// page that failed, an extraction warning): see the diagnostics.
    Recovered,
    /// Not converted or not written: see `error`.
    Failed,
    /// Not started (`fail_fast` after an earlier failure).
    Skipped,
}

/// Diagnostics of one document, counted by level, and the list itself.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DiagnosticSummary {
    pub info: usize,
    pub warning: usize,
    pub error: usize,
    pub list: Vec<Diagnostic>,
}

/// One input file in the run report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FileReport {
    /// The input path as found (as given, or under a given directory).
    pub path: String,
    pub status: Status,
    /// Pages of the document (`null` when it did not open).
    pub pages: Option<u32>,
    pub objectives: usize,
    pub indicators: usize,
    pub diagnostics: DiagnosticSummary,
    /// Why the file failed or was skipped, without the path (`null` otherwise).
    pub error: Option<String>,
    /// Class of the failure: `io`, `not_pdf`, `damaged`, `password_required`,
    /// `decrypt`, `page`, `timeout`, `limit_exceeded`, `panic`, `write`,
    /// `skipped` (`null` when the file did not fail).
    pub error_kind: Option<String>,
    /// Wall-clock time of the conversion (0 for skipped files).
    pub duration_ms: u64,
}

/// Diagnostic codes that make a converted document `recovered` rather than `ok`:
/// the extractor worked around damage. (`page.extract_warning`, such as glyphs
/// without a Unicode mapping, is a finding about an intact file: still `ok`.)
pub const RECOVERY_CODES: &[&str] = &["page.extract_failed", "document.extract_warning", "document.truncated"];

impl FileReport {
    fn converted(input: &Path, doc: &Document, duration: Duration) -> Self {
        let mut diagnostics = DiagnosticSummary { list: doc.diagnostics.clone(), ..Default::default() };
        for d in &doc.diagnostics {
            match d.level {
                Level::Info => diagnostics.info += 1,
                Level::Warning => diagnostics.warning += 1,
                Level::Error => diagnostics.error += 1,
            }
        }
        let recovered = doc.diagnostics.iter().any(|d| RECOVERY_CODES.contains(&d.code.as_str()));
        FileReport {
            path: input.to_string_lossy().into_owned(),
            status: if recovered { Status::Recovered } else { Status::Ok },
            pages: Some(doc.source.pages),
            objectives: doc.objectives.len(),
            indicators: doc.objectives.iter().map(|o| o.indicators.len()).sum(),
            diagnostics,
            error: None,
            error_kind: None,
            duration_ms: millis(duration),
        }
    }

    fn failed(input: &Path, error: &Error, timeout: Option<Duration>, duration: Duration) -> Self {
        FileReport {
            path: input.to_string_lossy().into_owned(),
            status: Status::Failed,
            pages: None,
            objectives: 0,
            indicators: 0,
            diagnostics: DiagnosticSummary::default(),
            error: Some(error_message(error, timeout)),
            error_kind: Some(error_kind(error).to_string()),
            duration_ms: millis(duration),
        }
    }

    fn skipped(input: &Path) -> Self {
        FileReport {
            path: input.to_string_lossy().into_owned(),
            status: Status::Skipped,
            pages: None,
            objectives: 0,
            indicators: 0,
            diagnostics: DiagnosticSummary::default(),
            error: Some("not started: an earlier file failed (--fail-fast)".to_string()),
            error_kind: Some("skipped".to_string()),
            duration_ms: 0,
        }
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Seconds as the user wrote them: `60`, `0.5`.
pub fn format_secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0}")
    } else {
        format!("{}", (s * 1000.0).round() / 1000.0)
    }
}

/// The class of a per-file failure, as in [`FileReport::error_kind`].
#[allow(unreachable_patterns)]
pub fn error_kind(error: &Error) -> &'static str {
    match error {
        Error::Io { .. } => "io",
        Error::Panic { .. } => "panic",
        Error::Write { .. } => "write",
        Error::Extract { source, .. } => match source {
            ExtractError::NotPdf(_) => "not_pdf",
            ExtractError::Damaged(_) => "damaged",
            ExtractError::PasswordRequired => "password_required",
            ExtractError::Decrypt(_) => "decrypt",
            ExtractError::Page { .. } => "page",
            ExtractError::Timeout => "timeout",
            ExtractError::LimitExceeded(_) => "limit_exceeded",
            _ => "other",
        },
        _ => "other",
    }
}

/// The message of a per-file failure without the file name; a time-out reads
/// "timed out after N s" (`timeout` is the batch's limit).
#[allow(unreachable_patterns)]
pub fn error_message(error: &Error, timeout: Option<Duration>) -> String {
    match error {
        Error::Io { source, .. } => format!("cannot read: {source}"),
        Error::Panic { message, .. } => format!("internal error (panic): {message}"),
        Error::Write { out, source, .. } => format!("cannot write output {}: {source}", out.display()),
        Error::Extract { source: ExtractError::Timeout, .. } => match timeout {
            Some(t) => format!("timed out after {} s", format_secs(t)),
            None => "timed out".to_string(),
        },
        Error::Extract { source, .. } => source.to_string(),
        other => other.to_string(),
    }
}

/// Totals of one batch.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BatchSummary {
    pub files: usize,
    pub objectives: usize,
    pub indicators: usize,
    /// Diagnostics of level `warning` or `error` in the converted documents.
    pub warnings: usize,
    /// Files converted with extraction warnings (also counted as converted).
    pub recovered: usize,
    pub failures: usize,
    /// Files not started (`fail_fast`).
    pub skipped: usize,
    /// Timed-out conversions whose threads had not stopped yet at the end.
    pub still_running: usize,
    pub elapsed: Duration,
}

impl fmt::Display for BatchSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} files, {} objectives, {} indicators, {} warnings, {} recovered, {} failed, {} skipped, in {:.2}s",
            self.files,
            self.objectives,
            self.indicators,
            self.warnings,
            self.recovered,
            self.failures,
            self.skipped,
            self.elapsed.as_secs_f64()
        )
    }
}

/// The run report (`perfplan convert --report FILE`): every input file's outcome,
/// in input order, and the totals.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunReport {
    pub perfplan_version: String,
    /// The per-file time limit in seconds (`null` = none).
    pub timeout_per_file_s: Option<f64>,
    pub fail_fast: bool,
    pub files: Vec<FileReport>,
    pub totals: RunTotals,
}

/// Totals of a [`RunReport`].
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RunTotals {
    pub files: usize,
    pub ok: usize,
    pub recovered: usize,
    pub failed: usize,
    pub skipped: usize,
    pub objectives: usize,
    pub indicators: usize,
    /// Diagnostics of the converted documents by level.
    pub diagnostics: LevelCounts,
    /// Failed files by `error_kind`.
    pub failed_by_kind: BTreeMap<String, usize>,
    pub timeouts: usize,
    /// Timed-out conversions that had not stopped by the end of the run (they
    /// end with the process).
    pub timed_out_still_running: usize,
    pub panics: usize,
    /// Wall-clock time of the whole run.
    pub duration_ms: u64,
    /// The slowest file.
    pub max_file_duration_ms: u64,
}

/// Diagnostics counted by level.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct LevelCounts {
    pub info: usize,
    pub warning: usize,
    pub error: usize,
}

impl RunReport {
    /// The report of a run over `files` (each file's report, in input order).
    pub fn new(files: Vec<FileReport>, batch: &BatchOptions, summary: &BatchSummary) -> Self {
        let mut t = RunTotals {
            files: files.len(),
            duration_ms: millis(summary.elapsed),
            timed_out_still_running: summary.still_running,
            ..Default::default()
        };
        for f in &files {
            match f.status {
                Status::Ok => t.ok += 1,
                Status::Recovered => t.recovered += 1,
                Status::Failed => t.failed += 1,
                Status::Skipped => t.skipped += 1,
            }
            t.objectives += f.objectives;
            t.indicators += f.indicators;
            t.diagnostics.info += f.diagnostics.info;
            t.diagnostics.warning += f.diagnostics.warning;
            t.diagnostics.error += f.diagnostics.error;
            if f.status == Status::Failed {
                let kind = f.error_kind.clone().unwrap_or_default();
                t.timeouts += usize::from(kind == "timeout");
                t.panics += usize::from(kind == "panic");
                *t.failed_by_kind.entry(kind).or_default() += 1;
            }
            t.max_file_duration_ms = t.max_file_duration_ms.max(f.duration_ms);
        }
        RunReport {
            perfplan_version: env!("CARGO_PKG_VERSION").to_string(),
            timeout_per_file_s: batch.timeout.map(|d| d.as_secs_f64()),
            fail_fast: batch.fail_fast,
            files,
            totals: t,
        }
    }

    /// Pretty JSON (2-space indent) with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a run report always serializes");
        s.push('\n');
        s
    }
}

/// What one worker hands back: the conversion, its staged output (when the sink
/// stages), how long it took.
struct Outcome {
    result: Result<Document, Error>,
    staged: Option<Result<Staged, Error>>,
    duration: Duration,
}

/// What a worker needs to convert its files.
struct Worker<'a> {
    opts: &'a Arc<Options>,
    timeout: Option<Duration>,
    convert: &'a Arc<ConvertFn>,
    abandoned: &'a Arc<AtomicUsize>,
    stage: Option<&'a Arc<dyn Stage>>,
    /// The worker's conversion thread, kept from file to file.
    thread: Option<FileThread>,
}

impl Worker<'_> {
    /// Convert `input` (watched) and stage its output on this thread.
    fn run(&mut self, input: &Path) -> Outcome {
        let (result, duration) = self.watched(input);
        let staged = match (&result, self.stage) {
            (Ok(doc), Some(stage)) => Some(guarded(input, || stage.stage(input, doc))),
            _ => None,
        };
        Outcome { result, staged, duration }
    }
}

impl BatchSummary {
    /// Hand one outcome to the sink and count it; returns true when the file failed.
    fn record(&mut self, input: &Path, outcome: Outcome, timeout: Option<Duration>, sink: &mut dyn Sink) -> bool {
        let Outcome { result, staged, duration } = outcome;
        let written = result.and_then(|doc| {
            match staged {
                None => sink.document(input, &doc),
                Some(Ok(staged)) => sink.document_staged(input, &doc, staged),
                Some(Err(e)) => Err(e),
            }
            .map(|()| doc)
        });
        let report = match written {
            Ok(doc) => {
                let report = FileReport::converted(input, &doc, duration);
                self.objectives += report.objectives;
                self.indicators += report.indicators;
                self.warnings += report.diagnostics.warning + report.diagnostics.error;
                if report.status == Status::Recovered {
                    self.recovered += 1;
                }
                report
            }
            Err(e) => {
                self.failures += 1;
                sink.failure(input, &e);
                FileReport::failed(input, &e, timeout, duration)
            }
        };
        sink.outcome(&report);
        report.status == Status::Failed
    }

    fn skip(&mut self, input: &Path, sink: &mut dyn Sink) {
        self.skipped += 1;
        sink.outcome(&FileReport::skipped(input));
    }
}

/// Stack of the thread converting one file: deeply nested PDFs recurse deep in a
/// parser.
const WORKER_STACK: usize = extract::LARGE_STACK_BYTES;

/// The conversion run for each file (the tests swap in their own).
type ConvertFn = dyn Fn(&Path, &Options, Limits) -> Result<Document, Error> + Send + Sync;

/// Convert `inputs`, `batch.jobs` files at a time, handing every outcome to `sink`
/// in input order as soon as it and all files before it are done.
///
/// Each file is converted on a thread of its own, behind the panic boundary, and
/// watched: at `batch.timeout` its cancel flag is set (the extractor stops at its
/// next check), the file fails with "timed out after N s" and the batch goes on
/// without waiting for that thread. Files finish at most a few ahead of the oldest
/// unfinished one, so only that many documents are held in memory at a time.
pub fn convert_batch(inputs: &[PathBuf], opts: &Options, batch: &BatchOptions, sink: &mut dyn Sink) -> BatchSummary {
    convert_batch_with_stdin(inputs, opts, batch, sink, None)
}

/// The input path that stands for standard input (see [`convert_batch_with_stdin`]).
pub const STDIN: &str = "-";

/// A PDF read from standard input, and the file name to record for it
/// (`source.file`; it also names its `<stem>.json`).
pub struct StdinPdf {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// [`convert_batch`] where the input [`STDIN`] (`-`) is the PDF in `stdin`.
pub fn convert_batch_with_stdin(
    inputs: &[PathBuf],
    opts: &Options,
    batch: &BatchOptions,
    sink: &mut dyn Sink,
    stdin: Option<StdinPdf>,
) -> BatchSummary {
    let stdin = stdin.map(Arc::new);
    run_batch(
        inputs,
        opts,
        batch,
        sink,
        Arc::new(move |path: &Path, opts: &Options, limits| match &stdin {
            Some(pdf) if path.as_os_str() == STDIN => guarded(path, || {
                convert_bytes_with(&pdf.name, &pdf.bytes, opts, limits)
                    .map_err(|source| Error::Extract { file: path.to_path_buf(), source })
            }),
            _ => convert_file_with(path, opts, limits),
        }),
    )
}

/// Shared between the workers and the thread that records outcomes.
struct Queue {
    /// Next input index to start.
    next: usize,
    /// Every input before this index has been recorded.
    due: usize,
    /// No file is started any more (`fail_fast` after a failure).
    stop: bool,
}

fn run_batch(
    inputs: &[PathBuf],
    opts: &Options,
    batch: &BatchOptions,
    sink: &mut dyn Sink,
    convert: Arc<ConvertFn>,
) -> BatchSummary {
    let start = Instant::now();
    let mut summary = BatchSummary { files: inputs.len(), ..Default::default() };
    let jobs = if batch.jobs == 0 { std::thread::available_parallelism().map_or(1, |n| n.get()) } else { batch.jobs };
    let jobs = jobs.clamp(1, inputs.len().max(1));
    // How far a worker may run ahead of the oldest unrecorded file: bounds the
    // documents waiting in the reorder buffer.
    let window = 4 * jobs;
    let opts = Arc::new(opts.clone());
    let stage = sink.stage();
    let abandoned = Arc::new(AtomicUsize::new(0));
    let queue = Mutex::new(Queue { next: 0, due: 0, stop: false });
    let moved = Condvar::new();
    let (tx, rx) = mpsc::channel::<(usize, Outcome)>();
    let lock = || queue.lock().unwrap_or_else(PoisonError::into_inner);
    let mut workers = 0;
    std::thread::scope(|scope| {
        for w in 0..jobs {
            let tx = tx.clone();
            let (queue, moved) = (&queue, &moved);
            let mut worker = Worker {
                opts: &opts,
                timeout: batch.timeout,
                convert: &convert,
                abandoned: &abandoned,
                stage: stage.as_ref(),
                thread: None,
            };
            let abandoned = &abandoned;
            let spawned = std::thread::Builder::new().name(format!("perfplan-{w}")).spawn_scoped(scope, move || loop {
                // Timed-out conversions still running take cores from the live ones
                // (and could make them time out too): while there are `jobs` of
                // them, give them up to one more time limit to stop.
                if let Some(until) = batch.timeout.and_then(|t| Instant::now().checked_add(t)) {
                    while abandoned.load(Ordering::Acquire) >= jobs && Instant::now() < until {
                        std::thread::sleep(Duration::from_millis(20));
                    }
                }
                let i = {
                    let mut q = queue.lock().unwrap_or_else(PoisonError::into_inner);
                    while !q.stop && q.next < inputs.len() && q.next >= q.due + window {
                        q = moved.wait(q).unwrap_or_else(PoisonError::into_inner);
                    }
                    if q.stop || q.next >= inputs.len() {
                        break;
                    }
                    q.next += 1;
                    q.next - 1
                };
                let outcome = worker.run(&inputs[i]);
                if batch.fail_fast && (outcome.result.is_err() || outcome.staged.as_ref().is_some_and(|s| s.is_err())) {
                    queue.lock().unwrap_or_else(PoisonError::into_inner).stop = true;
                    moved.notify_all();
                }
                if tx.send((i, outcome)).is_err() {
                    break;
                }
            });
            workers += usize::from(spawned.is_ok());
        }
        drop(tx);
        let mut pending = BTreeMap::new();
        let mut due = 0;
        for (i, outcome) in rx {
            pending.insert(i, outcome);
            while let Some(outcome) = pending.remove(&due) {
                let failed = summary.record(&inputs[due], outcome, batch.timeout, sink);
                due += 1;
                let mut q = lock();
                q.due = due;
                q.stop |= failed && batch.fail_fast;
                drop(q);
                moved.notify_all();
            }
        }
    });
    if workers == 0 {
        // Not even one worker thread to be had: convert here, one file at a time.
        let mut worker = Worker {
            opts: &opts,
            timeout: batch.timeout,
            convert: &convert,
            abandoned: &abandoned,
            stage: stage.as_ref(),
            thread: None,
        };
        let mut q = lock();
        while q.next < inputs.len() && !q.stop {
            let i = q.next;
            q.next += 1;
            let failed = summary.record(&inputs[i], worker.run(&inputs[i]), batch.timeout, sink);
            q.stop |= failed && batch.fail_fast;
        }
    }
    // Every started file has been recorded; the rest were never started.
    let started = lock().next;
    for input in &inputs[started.min(inputs.len())..] {
        summary.skip(input, sink);
    }
    summary.still_running = abandoned.load(Ordering::Acquire);
    summary.elapsed = start.elapsed();
    summary
}

/// States of one file's conversion thread, for the hand-over at the deadline.
const RUNNING: u8 = 0;
const DONE: u8 = 1;
const ABANDONED: u8 = 2;

/// One file's conversion as handed to a [`FileThread`].
struct Job {
    input: PathBuf,
    opts: Arc<Options>,
    limits: Limits,
    state: Arc<AtomicU8>,
    abandoned: Arc<AtomicUsize>,
}

/// The thread a worker converts its files on, kept from one file to the next
/// (spawning a thread per file, with its stack and a fresh allocator heap, cost
/// more than converting a small PDF). A worker replaces it when it was abandoned
/// at a time-out (it then finishes its file alone and ends) or died.
struct FileThread {
    jobs: mpsc::Sender<Job>,
    results: mpsc::Receiver<Result<Document, Error>>,
    handle: std::thread::JoinHandle<()>,
}

impl FileThread {
    fn spawn(convert: &Arc<ConvertFn>, name: String) -> std::io::Result<FileThread> {
        let (jobs, job_rx) = mpsc::channel::<Job>();
        let (result_tx, results) = mpsc::sync_channel(1);
        let convert = Arc::clone(convert);
        let handle = std::thread::Builder::new().name(name).stack_size(WORKER_STACK).spawn(move || {
            extract::declare_large_stack();
            for job in job_rx {
                let result = convert(&job.input, &job.opts, job.limits);
                if job.state.compare_exchange(RUNNING, DONE, Ordering::AcqRel, Ordering::Acquire).is_err() {
                    // The watchdog gave up on this file and counted it: uncount.
                    job.abandoned.fetch_sub(1, Ordering::AcqRel);
                }
                if result_tx.send(result).is_err() {
                    break; // abandoned: nobody waits for this result any more
                }
            }
        })?;
        Ok(FileThread { jobs, results, handle })
    }
}

impl Worker<'_> {
    /// Convert one file on the worker's [`FileThread`] (started if there is none)
    /// and wait for it, at most the time limit. On time-out the file's cancel flag
    /// is set and the thread is left to finish alone (the worker lets go of it);
    /// `abandoned` counts such threads while they still run.
    fn watched(&mut self, input: &Path) -> (Result<Document, Error>, Duration) {
        let (opts, timeout, convert, abandoned, slot) =
            (self.opts, self.timeout, self.convert, self.abandoned, &mut self.thread);
        let start = Instant::now();
        let cancel = Arc::new(AtomicBool::new(false));
        let limits = Limits {
            deadline: timeout.and_then(|t| start.checked_add(t)),
            cancel: Some(Arc::clone(&cancel)),
            ..Limits::default()
        };
        let state = Arc::new(AtomicU8::new(RUNNING));
        if slot.is_none() {
            let name = format!("perfplan-file-{}", std::thread::current().name().unwrap_or("main"));
            *slot = FileThread::spawn(convert, name).ok();
        }
        let job = Job {
            input: input.to_path_buf(),
            opts: Arc::clone(opts),
            limits: limits.clone(),
            state: Arc::clone(&state),
            abandoned: Arc::clone(abandoned),
        };
        let sent = slot.as_ref().is_some_and(|t| t.jobs.send(job).is_ok());
        let Some(thread) = slot.take().filter(|_| sent) else {
            // No thread to be had (resource exhaustion): convert here, unwatched.
            let result = convert(input, opts, limits);
            return (result, start.elapsed());
        };
        let mut received = match timeout {
            Some(t) => thread.results.recv_timeout(t),
            None => thread.results.recv().map_err(|_| mpsc::RecvTimeoutError::Disconnected),
        };
        if let Err(mpsc::RecvTimeoutError::Timeout) = received {
            abandoned.fetch_add(1, Ordering::AcqRel);
            if state.compare_exchange(RUNNING, ABANDONED, Ordering::AcqRel, Ordering::Acquire).is_ok() {
                cancel.store(true, Ordering::Release);
                drop(thread); // detached: it stops at its next cancellation check, then ends
                let error = Error::Extract { file: input.to_path_buf(), source: ExtractError::Timeout };
                return (Err(error), start.elapsed());
            }
            // It finished just now: its result is on its way.
            abandoned.fetch_sub(1, Ordering::AcqRel);
            received = thread.results.recv().map_err(|_| mpsc::RecvTimeoutError::Disconnected);
        }
        let result = match received {
            Ok(result) => {
                *slot = Some(thread); // ready for the next file
                result
            }
            Err(_) => {
                // The thread died without a result (a panic outside the per-file
                // boundary): report it; the next file gets a new thread.
                drop(thread.jobs);
                let message = match thread.handle.join() {
                    Err(payload) => panic_text(payload.as_ref()),
                    Ok(()) => "the conversion thread ended without a result".to_string(),
                };
                Err(Error::Panic { file: input.to_path_buf(), message })
            }
        };
        (result, start.elapsed())
    }
}

// ---------------------------------------------------------------------------
// Inputs

/// Expand command-line paths: a file is taken as given (whatever its extension), a
/// directory is walked recursively for `*.pdf` (any case), its files sorted by path.
/// Symlinks to files are followed, symlinks to directories are not (no loops).
/// A path that does not exist or cannot be read is an error; `-` (standard input,
/// see [`STDIN`]) is kept as it is.
pub fn expand_inputs(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut out = Vec::new();
    for path in paths {
        if path.as_os_str() == STDIN {
            out.push(path.clone());
            continue;
        }
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
            recovered: 1,
            failures: 1,
            skipped: 0,
            still_running: 0,
            elapsed: Duration::from_millis(1234),
        };
        assert_eq!(
            s.to_string(),
            "3 files, 12 objectives, 40 indicators, 2 warnings, 1 recovered, 1 failed, 0 skipped, in 1.23s"
        );
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
            let batch = BatchOptions { jobs, ..Default::default() };
            let s = convert_batch(&inputs, &Options::default(), &batch, &mut sink);
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
        let ms = Duration::from_millis(5);
        s.record(
            Path::new("a.pdf"),
            Outcome {
                result: Ok(doc(2, 3, vec![Level::Info, Level::Warning, Level::Error])),
                staged: None,
                duration: ms,
            },
            None,
            &mut sink,
        );
        s.record(
            Path::new("bad.pdf"),
            Outcome { result: Ok(doc(5, 5, vec![Level::Warning])), staged: None, duration: ms },
            None,
            &mut sink,
        );
        let panic = Error::Panic { file: "c.pdf".into(), message: "x".into() };
        assert!(s.record(
            Path::new("c.pdf"),
            Outcome { result: Err(panic), staged: None, duration: ms },
            None,
            &mut sink
        ));
        assert_eq!((s.objectives, s.indicators, s.warnings, s.failures), (2, 6, 2, 2));
        assert_eq!(sink.order, ["a.pdf", "bad.pdf"]);
        assert_eq!(sink.failures, ["bad.pdf", "c.pdf"]);
    }

    /// A sink that keeps every file report.
    #[derive(Default)]
    struct Reports(Vec<FileReport>);
    impl Sink for Reports {
        fn document(&mut self, _input: &Path, _doc: &Document) -> Result<(), Error> {
            Ok(())
        }
        fn outcome(&mut self, report: &FileReport) {
            self.0.push(report.clone());
        }
    }

    /// Run a batch of made-up inputs through `convert`.
    fn fake_batch(
        names: &[&str],
        batch: BatchOptions,
        convert: impl Fn(&Path, &Options, Limits) -> Result<Document, Error> + Send + Sync + 'static,
    ) -> (BatchSummary, Vec<FileReport>) {
        let inputs: Vec<PathBuf> = names.iter().map(PathBuf::from).collect();
        let mut sink = Reports::default();
        let s = run_batch(&inputs, &Options::default(), &batch, &mut sink, Arc::new(convert));
        (s, sink.0)
    }

    fn statuses(files: &[FileReport]) -> Vec<(String, Status)> {
        files.iter().map(|f| (f.path.clone(), f.status)).collect()
    }

    #[test]
    fn report_statuses_counts_and_diagnostics() {
        let (s, files) = fake_batch(&["ok.pdf", "rec.pdf", "bad.pdf"], BatchOptions::default(), |p, _, _| {
            match p.to_str().unwrap() {
                "ok.pdf" => Ok(doc(2, 3, vec![Level::Info, Level::Warning])),
                "rec.pdf" => {
                    let mut d = doc(1, 1, vec![]);
                    d.diagnostics.push(Diagnostic {
                        level: Level::Error,
                        page: Some(2),
                        code: "page.extract_failed".into(),
                        message: "m".into(),
                    });
                    Ok(d)
                }
                _ => Err(Error::Extract { file: p.into(), source: ExtractError::NotPdf("no %PDF- header".into()) }),
            }
        });
        assert_eq!((s.files, s.recovered, s.failures, s.skipped, s.objectives, s.indicators), (3, 1, 1, 0, 3, 7));
        assert_eq!(
            statuses(&files),
            [("ok.pdf".into(), Status::Ok), ("rec.pdf".into(), Status::Recovered), ("bad.pdf".into(), Status::Failed)]
        );
        let d = &files[0].diagnostics;
        assert_eq!((d.info, d.warning, d.error, d.list.len()), (1, 1, 0, 2));
        assert_eq!(files[2].error.as_deref(), Some("not a PDF: no %PDF- header"));
        assert_eq!(files[2].error_kind.as_deref(), Some("not_pdf"));
        let report = RunReport::new(files, &BatchOptions::default(), &s);
        let t = &report.totals;
        assert_eq!(
            (t.files, t.ok, t.recovered, t.failed, t.skipped, t.objectives, t.indicators),
            (3, 1, 1, 1, 0, 3, 7)
        );
        assert_eq!((t.diagnostics.info, t.diagnostics.warning, t.diagnostics.error), (1, 1, 1));
        assert_eq!(t.failed_by_kind.get("not_pdf"), Some(&1));
        assert_eq!(report.timeout_per_file_s, Some(60.0));
        let v: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
        assert_eq!(v["files"][1]["status"], "recovered");
        assert_eq!(v["files"][1]["diagnostics"]["list"][0]["code"], "page.extract_failed");
        assert_eq!(v["perfplan_version"], env!("CARGO_PKG_VERSION"));
    }

    #[test]
    fn a_file_past_its_deadline_fails_and_the_batch_goes_on_without_it() {
        use std::sync::atomic::AtomicBool;
        static STOPPED: AtomicBool = AtomicBool::new(false);
        let batch = BatchOptions { jobs: 2, timeout: Some(Duration::from_millis(200)), fail_fast: false };
        let start = Instant::now();
        let (s, files) = fake_batch(&["a.pdf", "hang.pdf", "b.pdf", "c.pdf"], batch, |p, _, limits| {
            if p.to_str() == Some("hang.pdf") {
                // Hangs until cancelled, like an extractor between its checks.
                assert!(limits.deadline.is_some());
                while !should_stop(&limits) {
                    std::thread::sleep(Duration::from_millis(5));
                }
                std::thread::sleep(Duration::from_millis(300));
                STOPPED.store(true, Ordering::SeqCst);
                return Err(Error::Extract { file: p.into(), source: ExtractError::Timeout });
            }
            Ok(doc(1, 1, vec![]))
        });
        assert!(
            start.elapsed() < Duration::from_millis(450),
            "did not wait for the hung thread: {:?}",
            start.elapsed()
        );
        assert_eq!((s.failures, s.objectives), (1, 3));
        assert_eq!(files[1].status, Status::Failed);
        assert_eq!(files[1].error.as_deref(), Some("timed out after 0.2 s"));
        assert_eq!(files[1].error_kind.as_deref(), Some("timeout"));
        assert!(files[1].duration_ms >= 200);
        assert!(files.iter().filter(|f| f.path != "hang.pdf").all(|f| f.status == Status::Ok));
        assert!(!STOPPED.load(Ordering::SeqCst), "the hung thread was not waited for");
        // The abandoned thread saw its cancel flag and stops by itself.
        let waited = Instant::now();
        while !STOPPED.load(Ordering::SeqCst) && waited.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(STOPPED.load(Ordering::SeqCst));
        assert_eq!(s.still_running, 1, "the hung thread was still running at the end");
    }

    #[test]
    fn timed_out_threads_that_keep_running_hold_back_new_files() {
        // jobs 1: while one abandoned conversion still runs, the next file waits
        // (up to one more time limit) instead of competing with it.
        let batch = BatchOptions { jobs: 1, timeout: Some(Duration::from_millis(150)), fail_fast: false };
        let start = Instant::now();
        let (s, files) = fake_batch(&["stuck.pdf", "next.pdf"], batch, move |p, _, limits| {
            if p.to_str() == Some("stuck.pdf") {
                while !should_stop(&limits) {
                    std::thread::sleep(Duration::from_millis(5));
                }
                // Ignores the flag for another 100 ms.
                std::thread::sleep(Duration::from_millis(100));
                return Ok(doc(0, 0, vec![]));
            }
            Ok(doc(1, 0, vec![]))
        });
        assert_eq!(statuses(&files), [("stuck.pdf".into(), Status::Failed), ("next.pdf".into(), Status::Ok)]);
        assert_eq!(s.still_running, 0);
        assert!(start.elapsed() >= Duration::from_millis(250), "next.pdf started before stuck.pdf stopped");
    }

    #[test]
    fn a_worker_keeps_its_conversion_thread_until_a_file_times_out() {
        use std::collections::HashMap;
        let threads: Arc<Mutex<HashMap<String, std::thread::ThreadId>>> = Arc::default();
        let seen = Arc::clone(&threads);
        let batch = BatchOptions { jobs: 1, timeout: Some(Duration::from_millis(150)), fail_fast: false };
        let (_, files) = fake_batch(&["a.pdf", "b.pdf", "stuck.pdf", "c.pdf", "d.pdf"], batch, move |p, _, limits| {
            seen.lock().unwrap().insert(file_name(p), std::thread::current().id());
            if p.to_str() == Some("stuck.pdf") {
                while !should_stop(&limits) {
                    std::thread::sleep(Duration::from_millis(5));
                }
            }
            Ok(doc(1, 0, vec![]))
        });
        assert_eq!(files[2].status, Status::Failed);
        let t = threads.lock().unwrap();
        assert_eq!(t["a.pdf"], t["b.pdf"], "one thread for consecutive files");
        assert_eq!(t["b.pdf"], t["stuck.pdf"]);
        assert_ne!(t["stuck.pdf"], t["c.pdf"], "the abandoned thread is not reused");
        assert_eq!(t["c.pdf"], t["d.pdf"]);
        assert_ne!(t["a.pdf"], std::thread::current().id());
    }

    /// A sink that stages: the staged value is made on a worker thread, reaches
    /// `document_staged` in input order, and a stage error fails that file only.
    #[test]
    fn staged_output_is_made_on_the_workers_and_delivered_in_order() {
        struct Tag;
        impl Stage for Tag {
            fn stage(&self, input: &Path, _doc: &Document) -> Result<Staged, Error> {
                if file_name(input) == "nostage.pdf" {
                    return Err(Error::Write {
                        file: input.into(),
                        out: "o".into(),
                        source: std::io::Error::other("disk full"),
                    });
                }
                Ok(Box::new((file_name(input), std::thread::current().name().map(str::to_string))))
            }
        }
        #[derive(Default)]
        struct Staging(Vec<(String, Option<String>)>, Vec<String>);
        impl Sink for Staging {
            fn document(&mut self, _input: &Path, _doc: &Document) -> Result<(), Error> {
                panic!("a staging sink gets document_staged");
            }
            fn stage(&self) -> Option<Arc<dyn Stage>> {
                Some(Arc::new(Tag))
            }
            fn document_staged(&mut self, _input: &Path, _doc: &Document, staged: Staged) -> Result<(), Error> {
                self.0.push(*staged.downcast::<(String, Option<String>)>().unwrap());
                Ok(())
            }
            fn failure(&mut self, input: &Path, _error: &Error) {
                self.1.push(file_name(input));
            }
        }
        let names = ["a.pdf", "b.pdf", "nostage.pdf", "c.pdf", "d.pdf", "e.pdf"];
        let inputs: Vec<PathBuf> = names.iter().map(PathBuf::from).collect();
        let mut sink = Staging::default();
        let batch = BatchOptions { jobs: 2, ..Default::default() };
        let s = run_batch(
            &inputs,
            &Options::default(),
            &batch,
            &mut sink,
            Arc::new(|_: &Path, _: &Options, _| Ok(doc(1, 0, vec![]))),
        );
        assert_eq!(s.failures, 1);
        assert_eq!(sink.1, ["nostage.pdf"]);
        let order: Vec<&str> = sink.0.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(order, ["a.pdf", "b.pdf", "c.pdf", "d.pdf", "e.pdf"]);
        assert!(sink.0.iter().all(|(_, t)| t.as_deref().is_some_and(|t| t.starts_with("perfplan-"))), "{:?}", sink.0);
    }

    #[test]
    fn no_timeout_waits_as_long_as_it_takes() {
        let batch = BatchOptions { jobs: 1, timeout: None, fail_fast: false };
        let (s, files) = fake_batch(&["slow.pdf"], batch, |_, _, limits| {
            assert!(limits.deadline.is_none());
            std::thread::sleep(Duration::from_millis(100));
            Ok(doc(1, 0, vec![]))
        });
        assert_eq!((s.failures, files[0].status), (0, Status::Ok));
        assert!(files[0].duration_ms >= 100);
    }

    #[test]
    fn a_panic_on_a_worker_thread_fails_that_file_only() {
        for jobs in [1, 2] {
            let batch = BatchOptions { jobs, ..Default::default() };
            // A panic that escapes even the conversion's own boundary.
            let (s, files) = fake_batch(&["a.pdf", "boom.pdf", "b.pdf"], batch, |p, _, _| {
                if p.to_str() == Some("boom.pdf") {
                    panic!("kaboom");
                }
                Ok(doc(1, 2, vec![]))
            });
            assert_eq!((s.failures, s.objectives), (1, 2));
            assert_eq!(files[1].error_kind.as_deref(), Some("panic"));
            assert!(files[1].error.as_deref().unwrap().contains("kaboom"), "{:?}", files[1].error);
        }
    }

    #[test]
    fn fail_fast_skips_the_files_not_started() {
        let names: Vec<String> = (0..20).map(|i| format!("f{i:02}.pdf")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        for jobs in [1, 2, 3] {
            let batch = BatchOptions { jobs, timeout: None, fail_fast: true };
            let (s, files) = fake_batch(&names, batch, |p, _, _| {
                std::thread::sleep(Duration::from_millis(2));
                if p.to_str() == Some("f05.pdf") {
                    return Err(Error::Extract { file: p.into(), source: ExtractError::PasswordRequired });
                }
                Ok(doc(1, 0, vec![]))
            });
            assert_eq!(files.len(), 20, "every file accounted for");
            assert!(files[..5].iter().all(|f| f.status == Status::Ok), "jobs={jobs}: files before the failure all ran");
            assert_eq!(files[5].status, Status::Failed);
            let skipped = files.iter().filter(|f| f.status == Status::Skipped).count();
            assert_eq!(s.skipped, skipped);
            assert!(skipped >= 20 - 6 - 2 * jobs, "jobs={jobs}: only files in flight go on ({skipped} skipped)");
            // Skipped files come last: once one is skipped, all after it are.
            let first = files.iter().position(|f| f.status == Status::Skipped).unwrap();
            assert!(files[first..].iter().all(|f| f.status == Status::Skipped));
            assert_eq!(files[first].error_kind.as_deref(), Some("skipped"));
        }
        // Without fail_fast every file runs.
        let (s, _) = fake_batch(&names, BatchOptions { jobs: 2, timeout: None, fail_fast: false }, |p, _, _| {
            if p.to_str() == Some("f05.pdf") {
                return Err(Error::Extract { file: p.into(), source: ExtractError::PasswordRequired });
            }
            Ok(doc(1, 0, vec![]))
        });
        assert_eq!((s.failures, s.skipped, s.objectives), (1, 0, 19));
    }

    #[test]
    fn workers_run_only_a_few_files_ahead_of_the_oldest_unfinished() {
        use std::sync::atomic::AtomicUsize;
        static STARTED: AtomicUsize = AtomicUsize::new(0);
        let names: Vec<String> = (0..40).map(|i| format!("f{i:02}.pdf")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let (s, files) = fake_batch(&names, BatchOptions { jobs: 2, timeout: None, fail_fast: false }, |p, _, _| {
            STARTED.fetch_add(1, Ordering::SeqCst);
            if p.to_str() == Some("f00.pdf") {
                // The first file is slow: the others may not pile up behind it.
                std::thread::sleep(Duration::from_millis(300));
                let started = STARTED.load(Ordering::SeqCst);
                assert!(started <= 1 + 4 * 2, "{started} files started while the first was running");
            }
            Ok(doc(1, 0, vec![]))
        });
        assert_eq!((s.failures, s.objectives), (0, 40));
        let want: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        assert_eq!(files.iter().map(|f| f.path.clone()).collect::<Vec<_>>(), want);
    }

    #[test]
    fn seconds_are_printed_as_given() {
        assert_eq!(format_secs(Duration::from_secs(60)), "60");
        assert_eq!(format_secs(Duration::from_millis(500)), "0.5");
        assert_eq!(format_secs(Duration::from_secs_f64(1.25)), "1.25");
    }

    #[test]
    fn a_set_cancel_flag_stops_a_conversion() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("any.pdf");
        fs::write(&p, b"%PDF-1.4\n").unwrap();
        let cancel = Arc::new(std::sync::atomic::AtomicBool::new(true));
        let limits = Limits { cancel: Some(cancel), ..Limits::default() };
        let err = convert_file_with(&p, &Options::default(), limits).unwrap_err();
        assert_eq!(error_kind(&err), "timeout", "{err}");
        let limits = Limits { deadline: Some(Instant::now()), ..Limits::default() };
        let err = convert_file_with(&p, &Options::default(), limits).unwrap_err();
        assert_eq!(error_kind(&err), "timeout", "{err}");
    }

    #[test]
    fn assemble_reports_textless_and_failed_pages_and_goes_on() {
        use crate::extract::{BBox, Glyph};
        let glyph =
            Glyph { text: "A".into(), bbox: BBox::new(0.0, 0.0, 5.0, 10.0), baseline: 8.0, size: 10.0, bold: false };
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
        let mine: Vec<&Diagnostic> = doc
            .diagnostics
            .iter()
            .filter(|d| d.code.starts_with("page.") || d.code == "document.no_objectives")
            .collect();
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
    fn eof_marker_near_the_end() {
        assert!(ends_with_eof_marker(b"%PDF-1.4\n...%%EOF\n"));
        assert!(ends_with_eof_marker(b"%PDF-1.4\n...%%EOF"));
        let mut padded = b"%PDF-1.4\n%%EOF".to_vec();
        padded.extend([0u8; 1000]);
        assert!(ends_with_eof_marker(&padded));
        padded.extend([0u8; 100]);
        assert!(!ends_with_eof_marker(&padded));
        assert!(!ends_with_eof_marker(b"%PDF-1.4\n1 0 obj"));
        assert!(!ends_with_eof_marker(b""));
    }

    #[test]
    fn sha256_hex() {
        assert_eq!(hex_sha256(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
