//! One file through every stage: PDF bytes -> [`Document`] (extract -> layout per
//! page on the page threads, then the sheet parser streamed over the pages, each
//! objective handed to a [`crate::spool::Objectives`] as its sheet completes: kept
//! as values for [`convert_bytes`], spooled as JSON for a batch), the pipeline's
//! own diagnostics (pages without text, pages that failed, damage worked around,
//! no objective found, a truncated file) and the input's SHA-256. Reading a file
//! and converting it happens behind the panic boundary of [`super::guard`].

use std::borrow::Cow;
use std::fmt;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::time::Instant;

use sha2::{Digest, Sha256};

use super::guard::guarded;
use super::inputs::{read_pdf, too_large_message, ReadPdf, DEFAULT_MAX_FILE_SIZE};
use super::stages::{timed, Stage};
use crate::error::{Error, ExtractError};
use crate::extract::{self, Limits, Page};
use crate::layout::{self, PageLayout};
use crate::model::{DiagCode, Diagnostic, Document, Source, SCHEMA_VERSION};
use crate::params::Params;
use crate::sheet;
use crate::spool::{Collected, Converted, Objectives, Spool, SPOOL_MEMORY};

/// Everything that tunes one conversion.
#[derive(Clone, Debug)]
pub struct Options {
    /// User password for encrypted PDFs (owner-password-only files need none).
    pub password: Option<String>,
    /// Layout thresholds.
    pub params: Params,
    /// Keep each objective's `provenance` (page and box of every field).
    pub provenance: bool,
    /// A file larger than this many bytes fails without being read
    /// (`--max-file-size`; default [`DEFAULT_MAX_FILE_SIZE`], 512 MiB).
    pub max_file_size: u64,
    /// Threads extracting and laying out the pages of one document in parallel
    /// (the sheet parser reads them in order on the calling thread). `None`: one
    /// for a single conversion; in a batch, the cores its jobs leave idle
    /// (`--jobs 1` on 4 cores: 4), so that a batch never runs more threads than
    /// cores. The output does not depend on it.
    pub page_threads: Option<usize>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            password: None,
            params: Params::default(),
            provenance: false,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            page_threads: None,
        }
    }
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
    let (mut doc, objectives) = convert_into(file_name, Cow::Borrowed(bytes), opts, limits, Collected::default())?;
    doc.objectives = objectives.into_vec();
    Ok(doc)
}

/// [`convert_bytes_with`] with the objectives written to a [`Spool`] as their
/// sheets complete (what the batch does: a document of any length is converted
/// and written holding one objective at a time).
///
/// `bytes` given as owned (a file read for this conversion) are dropped once
/// the document is loaded: the loaded objects hold what the pages need.
pub fn convert_bytes_spooled(
    file_name: &str,
    bytes: Cow<'_, [u8]>,
    opts: &Options,
    limits: Limits,
) -> Result<Converted, ExtractError> {
    let (doc, spool) = convert_into(file_name, bytes, opts, limits, Spool::new(SPOOL_MEMORY))?;
    Ok(Converted::spooled(doc, spool))
}

/// The conversion, the objectives handed to `out`: the document without its
/// objectives, and `out`.
fn convert_into<O: Objectives>(
    file_name: &str,
    bytes: Cow<'_, [u8]>,
    opts: &Options,
    limits: Limits,
    out: O,
) -> Result<(Document, O), ExtractError> {
    let truncated = !ends_with_eof_marker(&bytes);
    let stop = limits.clone();
    let open = || timed(Stage::Open, || extract::open_with(&bytes, opts.password.as_deref(), limits));
    let (sha256, pdf) = if bytes.len() >= HASH_ASIDE {
        // The open is serial (one core reads the cross-reference table and page
        // tree while the others wait): the hash of a large input is taken beside it.
        std::thread::scope(|sc| {
            let aside =
                std::thread::Builder::new().name("perfplan-hash".into()).spawn_scoped(sc, || hex_sha256(&bytes));
            let pdf = open();
            let sha256 = aside.ok().and_then(|h| h.join().ok()).unwrap_or_else(|| hex_sha256(&bytes));
            (sha256, pdf)
        })
    } else {
        (hex_sha256(&bytes), open())
    };
    let pdf = pdf?;
    // A document loaded whole no longer needs its input (a large one is always
    // loaded whole, see `extract::LAZY_MAX_INPUT`); one read on demand reads it
    // until its last page.
    match pdf.into_loaded() {
        Ok(pdf) => {
            let large = bytes.len() >= RELEASE_AFTER_LOAD;
            drop(bytes);
            if large {
                release_freed_memory();
            }
            convert_pages(file_name, sha256, truncated, pdf, opts, stop, out)
        }
        Err(pdf) => convert_pages(file_name, sha256, truncated, *pdf, opts, stop, out),
    }
}

/// The pages of the opened `pdf` through the sheet parser into `out`.
fn convert_pages<O: Objectives>(
    file_name: &str,
    sha256: String,
    truncated: bool,
    pdf: extract::PdfDoc<'_>,
    opts: &Options,
    stop: Limits,
    out: O,
) -> Result<(Document, O), ExtractError> {
    let pages = pdf.page_count();
    let source = Source { file: file_name.to_string(), sha256, pages };
    let mut sheets = SheetStream::new(&opts.params, out, opts.provenance);
    let threads = opts.page_threads.unwrap_or(1).clamp(1, MAX_PAGE_THREADS).min(pages as usize);
    let (mut diagnostics, stopped) = if threads > 1 {
        parallel_pages(&pdf, pages, &stop, &opts.params, threads, &mut sheets)
    } else {
        sequential_pages(&pdf, pages, &stop, &opts.params, &mut sheets)
    };
    // Damage the extractor worked around (xref rebuilt or repaired, page-tree
    // cycles, pages past the limit, object streams over a byte budget).
    let warnings =
        pdf.warnings().iter().map(|w| Diagnostic::warning(None, DiagCode::DocumentExtractWarning, w.clone()));
    diagnostics.splice(0..0, warnings);
    // Free the parsed PDF before the sheet parser reads the last pages (peak RSS).
    drop(pdf);
    if stopped || should_stop(&stop) {
        return Err(ExtractError::Timeout);
    }
    let (mut doc, out) = finish_document(source, sheets, diagnostics);
    if truncated {
        let message = "the file does not end with %%EOF: it was probably cut short, and what it held \
                       after the cut is missing";
        doc.diagnostics.insert(0, Diagnostic::warning(None, DiagCode::DocumentTruncated, message));
    }
    Ok((doc, out))
}

/// Inputs from this size on are hashed on a thread of their own while they are
/// opened (a thread costs more than hashing a small file: ~2 ms a 3 MB one).
const HASH_ASIDE: usize = 1 << 20;

/// Inputs from this size on hand back what their load freed (a small file's
/// load frees little, and a batch of them would pay for the call each time).
const RELEASE_AFTER_LOAD: usize = 1 << 20;

/// Hand the memory this thread has freed back to the system. The binary's
/// allocator (mimalloc) keeps what a thread frees for that thread's next
/// allocations; the load's temporaries (inflated object streams, the parsed
/// objects it dropped) would stay beside what the page threads allocate anew
/// (6 MB of a 600-page plan's 44 MB peak). A no-op under another allocator.
fn release_freed_memory() {
    // SAFETY: `mi_collect` takes no pointer and only works on the calling
    // thread's heap and mimalloc's own caches; it is safe to call at any time,
    // also when mimalloc serves no allocation of this process.
    unsafe { libmimalloc_sys::mi_collect(true) }
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

/// The stages after extraction: each page (taken one at a time) -> layout -> the
/// sheet parser, which holds only the pages of the sheets still open
/// ([`SheetStream`]), plus the document-level diagnostics.
pub fn assemble(
    source: Source,
    pages: impl IntoIterator<Item = (u32, Result<Page, ExtractError>)>,
    params: &Params,
) -> Document {
    let mut sheets = SheetStream::new(params, Collected::default(), true);
    let diagnostics = layout_pages(pages, params, &mut sheets);
    let (mut doc, objectives) = finish_document(source, sheets, diagnostics);
    doc.objectives = objectives.into_vec();
    doc
}

/// Each page (taken one at a time) -> layout, handed to `sheets`; returns the
/// per-page diagnostics.
fn layout_pages(
    pages: impl IntoIterator<Item = (u32, Result<Page, ExtractError>)>,
    params: &Params,
    sheets: &mut SheetStream<impl Objectives>,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for (n, page) in pages {
        let (diags, layout) = lay_out(n, page, params);
        diagnostics.extend(diags);
        if let Some(layout) = layout {
            sheets.push(layout);
        }
    }
    diagnostics
}

/// One extracted page -> its diagnostics and its layout (`None` when it could
/// not be extracted: an `error` diagnostic says why).
fn lay_out(n: u32, page: Result<Page, ExtractError>, params: &Params) -> (Vec<Diagnostic>, Option<PageLayout>) {
    let mut diagnostics = Vec::new();
    match page {
        Ok(page) => {
            page_diagnostics(&page, &mut diagnostics);
            let layout = timed(Stage::Layout, || layout::analyze(&page, params));
            (diagnostics, Some(layout))
        }
        Err(e) => {
            let message = match e {
                ExtractError::Page { message, .. } => message,
                other => other.to_string(),
            };
            diagnostics.push(Diagnostic::error(Some(n), DiagCode::PageExtractFailed, message));
            (diagnostics, None)
        }
    }
}

/// The pages of `pdf` extracted and laid out one after the other on this thread,
/// handed to `sheets`; returns the per-page diagnostics and whether the time
/// limit or the cancel flag stopped it (checked before every page).
fn sequential_pages(
    pdf: &extract::PdfDoc,
    pages: u32,
    stop: &Limits,
    params: &Params,
    sheets: &mut SheetStream<impl Objectives>,
) -> (Vec<Diagnostic>, bool) {
    let mut stopped = false;
    let each_page = (1..=pages).map_while(|n| {
        stopped = stopped || should_stop(stop);
        (!stopped).then(|| (n, timed(Stage::Extract, || pdf.page(n))))
    });
    let diagnostics = layout_pages(each_page, params, sheets);
    (diagnostics, stopped)
}

/// Most threads one document's pages are spread over.
const MAX_PAGE_THREADS: usize = 16;

/// The pages of `pdf` extracted and laid out on `threads` threads, handed to
/// `sheets` in page order on this thread. A thread lays out at most a few pages
/// ahead of the parser (memory stays bounded). Returns the per-page diagnostics
/// in page order, and whether the time limit or the cancel flag stopped it.
fn parallel_pages(
    pdf: &extract::PdfDoc,
    pages: u32,
    stop: &Limits,
    params: &Params,
    threads: usize,
    sheets: &mut SheetStream<impl Objectives>,
) -> (Vec<Diagnostic>, bool) {
    use std::sync::atomic::{AtomicBool, AtomicU32};
    use std::sync::{mpsc, Condvar, Mutex, PoisonError};
    // A page thread runs at most one parse's worth of pages ahead of the parser
    // (plus a few each): while the parser reads the pages held (every
    // `PARSE_EVERY` pages) the page threads keep working instead of waiting,
    // which costs the layouts of as many pages.
    let ahead = (PARSE_EVERY + 4 * threads) as u32;
    let next = AtomicU32::new(1);
    // The next page the parser takes.
    let wanted = Mutex::new(1u32);
    let moved = Condvar::new();
    let stopped = AtomicBool::new(false);
    let (tx, rx) = mpsc::channel::<(u32, Vec<Diagnostic>, Option<PageLayout>)>();
    let mut diagnostics = Vec::new();
    let mut spawned = 0;
    std::thread::scope(|scope| {
        for t in 0..threads {
            let tx = tx.clone();
            let (next, wanted, moved, stopped) = (&next, &wanted, &moved, &stopped);
            let worker = move || {
                extract::declare_large_stack();
                loop {
                    let n = next.fetch_add(1, Ordering::AcqRel);
                    if n > pages {
                        break;
                    }
                    let mut w = wanted.lock().unwrap_or_else(PoisonError::into_inner);
                    while n >= *w + ahead && !stopped.load(Ordering::Acquire) {
                        w = moved.wait(w).unwrap_or_else(PoisonError::into_inner);
                    }
                    drop(w);
                    if stopped.load(Ordering::Acquire) || should_stop(stop) {
                        stopped.store(true, Ordering::Release);
                        moved.notify_all();
                        break;
                    }
                    let page = timed(Stage::Extract, || pdf.page(n));
                    let (diags, layout) = lay_out(n, page, params);
                    if tx.send((n, diags, layout)).is_err() {
                        break;
                    }
                }
            };
            let built = std::thread::Builder::new()
                .name(format!("perfplan-page-{t}"))
                .stack_size(extract::LARGE_STACK_BYTES)
                .spawn_scoped(scope, worker);
            spawned += usize::from(built.is_ok());
        }
        drop(tx);
        if spawned == 0 {
            return;
        }
        let mut pending = std::collections::BTreeMap::new();
        let mut want = 1u32;
        for (n, diags, layout) in rx {
            pending.insert(n, (diags, layout));
            while let Some((diags, layout)) = pending.remove(&want) {
                diagnostics.extend(diags);
                if let Some(layout) = layout {
                    sheets.push(layout);
                }
                want += 1;
                *wanted.lock().unwrap_or_else(PoisonError::into_inner) = want;
                moved.notify_all();
            }
        }
    });
    if spawned == 0 {
        // No thread to be had: lay the pages out here.
        return sequential_pages(pdf, pages, stop, params, sheets);
    }
    (diagnostics, stopped.load(Ordering::Acquire))
}

/// Pages held around the sheets being read, for the facts the parser reads from
/// the pages around a page (`Params::fact_window`: running headers and footers,
/// label columns) and for a heading's grid, looked for on the next pages.
fn context_pages(params: &Params) -> usize {
    params.fact_window.max(sheet::GRID_PAGE_REACH)
}
/// The parser runs again once this many more pages have come in (or the pages
/// held have doubled: a long sheet is not parsed again for every page).
const PARSE_EVERY: usize = 48;

/// The sheet parser over a document streamed page by page: it holds only the
/// pages of the sheets still open (plus the pages around them the parser reads
/// facts from, `Params::fact_window`), takes every sheet as soon as the next one is
/// certain, and drops its pages. A sheet longer than any bound is held whole
/// (bounded by the sheet, not the document); so is a document from the first
/// header of a table of objectives on (the table's rows run to its end).
pub struct SheetStream<'p, O> {
    params: &'p Params,
    /// The pages held, from document page index `base` on.
    pages: Vec<PageLayout>,
    base: usize,
    /// Parse again when this many pages are held.
    parse_at: usize,
    assembler: sheet::Assembler<O>,
    /// The most pages held at once (see [`SheetStream::peak_pages`]).
    peak: usize,
    /// Document pages before this index have had their years counted.
    counted: usize,
    /// The plan year for a table of objectives as the first page holding a year
    /// says it (`sheet::Lead`), once that page is dropped: (document page, year).
    lead: Option<(usize, i32)>,
    /// Document pages before this index hold no year for it.
    lead_scanned: usize,
    /// Document pages in the range of the sheets already taken (from the first
    /// one's heading: a sheet runs to the next one's heading).
    covered: std::ops::Range<usize>,
    /// Keep where each field was read (`--provenance`).
    provenance: bool,
}

impl<'p, O: Objectives> SheetStream<'p, O> {
    /// Each objective goes to `out` as soon as its sheet is complete.
    /// `provenance`: keep where each field was read (else it is not recorded:
    /// it costs more to make than the fields).
    pub fn new(params: &'p Params, out: O, provenance: bool) -> Self {
        SheetStream {
            params,
            pages: Vec::new(),
            base: 0,
            parse_at: PARSE_EVERY + 2 * context_pages(params),
            assembler: sheet::Assembler::new(out),
            peak: 0,
            covered: 0..0,
            counted: 0,
            lead: None,
            lead_scanned: 0,
            provenance,
        }
    }

    /// The next page of the document.
    pub fn push(&mut self, page: PageLayout) {
        self.pages.push(page);
        self.peak = self.peak.max(self.pages.len());
        if self.pages.len() >= self.parse_at {
            self.take_complete();
        }
    }

    /// Where the sheets not taken yet start, as (index into the pages held, row).
    fn taken_here(&self) -> (usize, usize) {
        let (page, row) = self.assembler.taken();
        if page < self.base {
            (0, 0)
        } else {
            (page - self.base, row)
        }
    }

    /// [`SheetStream::covered`] as indices into the pages held.
    fn covered_here(&self) -> std::ops::Range<usize> {
        self.covered.start.saturating_sub(self.base)..self.covered.end.saturating_sub(self.base)
    }

    /// The most pages held at once so far: bounded by the longest sheet, not by
    /// the document.
    pub fn peak_pages(&self) -> usize {
        self.peak
    }

    /// Parse the pages held, take the sheets that are complete and drop the pages
    /// nobody needs any more.
    fn take_complete(&mut self) {
        // Pages of the sheets taken are looked at once, when their sheet was whole.
        let scan_from = self.lead_scanned.max(self.covered.end).saturating_sub(self.base);
        let lead = if self.lead.is_none() { sheet::Lead::Find(scan_from) } else { sheet::Lead::After(0) };
        let n = self.pages.len();
        let context = context_pages(self.params);
        let want = sheet::Want { from: self.taken_here(), open_within: Some(context), provenance: self.provenance };
        let mut chunk =
            timed(Stage::Parse, || sheet::parse_chunk(&self.pages, self.params, self.covered_here(), lead, want));
        // The sheets from `upto` on are still open (their next sheet is not certain
        // yet): their pages stay, with the pages the parser reads around them.
        let upto = chunk.upto.expect("a run told of the context says where its open sheets start");
        let keep_from = upto.0.saturating_sub(context);
        let upto = (self.base + upto.0, upto.1);
        // A table of objectives may run over any page from its header on, and
        // only the whole document says where it is looked for: hold everything.
        // Nor is a page dropped before its years are counted with the pages
        // around it held on both sides (below).
        let keep_from = if chunk.table_hits { 0 } else { keep_from.min(n.saturating_sub(2 * context)) };
        let years = std::mem::take(&mut chunk.page_years);
        // The first page (outside the sheets) that holds a year decides the plan
        // year of a later table of objectives; once it is dropped, only this says
        // it. Only pages before the open sheet are final (which of their lines
        // are a sheet's is known).
        match chunk.lead {
            Some((page, year)) if self.base + page < upto.0 => self.lead = Some((self.base + page, year)),
            _ => self.lead_scanned = self.lead_scanned.max(upto.0),
        }
        if let Some(first) = chunk.sheets.first().filter(|s| (self.base + s.page, s.row) < upto) {
            let from = if self.covered.is_empty() { self.base + first.page } else { self.covered.start };
            self.covered = from..upto.0.max(self.covered.end);
        }
        self.assembler.take(chunk, self.base, Some(upto), false);
        // A page's years are counted once, from a parse that held the pages
        // around it on both sides (its lines are cut at label columns read
        // there): the pages up to `context` before the end.
        let count_end = self.base + n.saturating_sub(context);
        for i in self.counted.max(self.base)..count_end {
            self.assembler.count(&years[i - self.base]);
        }
        self.counted = self.counted.max(count_end);
        self.pages.drain(..keep_from);
        self.base += keep_from;
        self.parse_at = (self.pages.len() + PARSE_EVERY).max(2 * self.pages.len());
    }

    /// The end of the document: `out` (which has had every objective, in
    /// document order) and the parser's diagnostics.
    pub fn finish(mut self) -> (O, Vec<Diagnostic>) {
        // The first pages are gone: what they said of the plan year (when they
        // decided it, before the pages held).
        let lead = match self.lead {
            Some((page, year)) if page < self.base => sheet::Lead::Year(year),
            _ => sheet::Lead::After(self.lead_scanned.saturating_sub(self.base)),
        };
        let want = sheet::Want { from: self.taken_here(), open_within: None, provenance: self.provenance };
        let chunk =
            timed(Stage::Parse, || sheet::parse_chunk(&self.pages, self.params, self.covered_here(), lead, want));
        for y in chunk.page_years.iter().skip(self.counted.saturating_sub(self.base)) {
            self.assembler.count(y);
        }
        self.assembler.take(chunk, self.base, None, true);
        self.assembler.finish()
    }
}

/// The sheet parser's end, plus the document-level diagnostics: the document
/// without its objectives, and where they went.
fn finish_document<O: Objectives>(
    source: Source,
    sheets: SheetStream<O>,
    mut diagnostics: Vec<Diagnostic>,
) -> (Document, O) {
    let (out, sheet_diagnostics) = sheets.finish();
    diagnostics.extend(sheet_diagnostics);
    if out.is_empty() {
        diagnostics.push(Diagnostic::warning(
            None,
            DiagCode::DocumentNoObjectives,
            "no objective sheet found in the document",
        ));
    }
    (Document { schema_version: SCHEMA_VERSION.to_string(), source, objectives: Vec::new(), diagnostics }, out)
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
        out.push(Diagnostic::warning(Some(page.number), DiagCode::PageNoText, message));
    }
    let mut seen: Vec<&str> = Vec::new();
    for w in &page.warnings {
        if !seen.contains(&w.as_str()) {
            seen.push(w);
            out.push(Diagnostic::warning(Some(page.number), DiagCode::PageExtractWarning, w.clone()));
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
        let bytes = read_input_file(path, opts.max_file_size)?;
        convert_bytes_with(&file_name(path), &bytes, opts, limits)
            .map_err(|source| Error::Extract { file: path.to_path_buf(), source })
    })
}

/// The bytes of the PDF at `path`: its size checked against `max_size` before it
/// is read, its first bytes checked for the `%PDF-` header before the rest is
/// (a file without one yields only its first bytes, which the extractor then
/// rejects as not a PDF).
pub fn read_input_file(path: &Path, max_size: u64) -> Result<Vec<u8>, Error> {
    let io_err = |source| Error::Io { file: path.to_path_buf(), source };
    let extract_err = |source| Error::Extract { file: path.to_path_buf(), source };
    let file = std::fs::File::open(path).map_err(io_err)?;
    let size = file.metadata().map_err(io_err)?.len();
    if size > max_size {
        return Err(extract_err(ExtractError::LimitExceeded(too_large_message(Some(size), max_size))));
    }
    let bytes = match read_pdf(file, max_size, size).map_err(io_err)? {
        ReadPdf::Pdf(bytes) | ReadPdf::NotPdf(bytes) => bytes,
        ReadPdf::TooLarge => return Err(extract_err(ExtractError::LimitExceeded(too_large_message(None, max_size)))),
    };
    Ok(bytes)
}

/// File name without its directory, as recorded in `source.file`.
pub fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Level;
    use crate::pipeline::error_kind;
    use std::fs;
    use std::sync::Arc;

    #[test]
    fn pages_laid_out_on_several_threads_give_the_same_document() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut pdfs: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
            .collect();
        pdfs.sort();
        assert!(pdfs.len() > 10, "fixtures/*.pdf");
        let mut multi_page = 0;
        for pdf in &pdfs {
            let bytes = fs::read(pdf).unwrap();
            let name = file_name(pdf);
            let one = Options { page_threads: Some(1), provenance: true, ..Default::default() };
            let three = Options { page_threads: Some(3), ..one.clone() };
            let (a, b) = (convert_bytes(&name, &bytes, &one), convert_bytes(&name, &bytes, &three));
            match (a, b) {
                (Ok(a), Ok(b)) => {
                    multi_page += usize::from(a.source.pages > 3);
                    assert!(a == b, "{name}: the documents differ");
                }
                (a, b) => assert_eq!(a.is_err(), b.is_err(), "{name}"),
            }
        }
        assert!(multi_page > 3, "several fixtures have more pages than threads");
    }

    #[test]
    fn every_fixture_spooled_to_a_file_writes_the_json_of_the_whole_document() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut checked = 0;
        for entry in fs::read_dir(&dir).unwrap() {
            let pdf = entry.unwrap().path();
            if pdf.extension().is_none_or(|x| x != "pdf") {
                continue;
            }
            let (bytes, name) = (fs::read(&pdf).unwrap(), file_name(&pdf));
            for provenance in [false, true] {
                let opts = Options { provenance, ..Default::default() };
                let Ok(whole) = convert_bytes(&name, &bytes, &opts) else { continue };
                // A budget of 0: every objective goes to the temporary file.
                let (doc, spool) =
                    convert_into(&name, Cow::Borrowed(&bytes), &opts, Limits::default(), Spool::new(0)).unwrap();
                assert_eq!(spool.spilled(), !whole.objectives.is_empty(), "{name}");
                let spooled = Converted::spooled(doc, spool);
                let mut json = Vec::new();
                crate::emit::write_converted_json(&spooled, &mut json).unwrap();
                assert!(json == crate::emit::to_json(&whole).into_bytes(), "{name}: the JSON differs");
                let mut ndjson = Vec::new();
                crate::emit::write_ndjson(&spooled, &mut ndjson).unwrap();
                assert!(ndjson == crate::emit::to_ndjson(&whole).into_bytes(), "{name}: the NDJSON differs");
                assert!(spooled.into_document().unwrap() == whole, "{name}");
                checked += usize::from(!whole.objectives.is_empty());
            }
        }
        assert!(checked > 40, "fixtures with objectives: {checked}");
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
