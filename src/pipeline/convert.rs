//! One file through every stage: PDF bytes -> [`Document`] (extract -> layout per
//! page, then sheet over all pages), the pipeline's own diagnostics (pages without
//! text, pages that failed, damage worked around, no objective found, a truncated
//! file) and the input's SHA-256. Reading a file and converting it happens behind
//! the panic boundary of [`super::guard`].

use std::fmt;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::time::Instant;

use sha2::{Digest, Sha256};

use super::guard::guarded;
use super::inputs::{read_pdf, too_large_message, ReadPdf, DEFAULT_MAX_FILE_SIZE};
use crate::error::{Error, ExtractError};
use crate::extract::{self, Limits, Page};
use crate::layout::{self, PageLayout};
use crate::model::{DiagCode, Diagnostic, Document, Source, SCHEMA_VERSION};
use crate::params::Params;
use crate::sheet;

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
}

impl Default for Options {
    fn default() -> Self {
        Options { password: None, params: Params::default(), provenance: false, max_file_size: DEFAULT_MAX_FILE_SIZE }
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
    let warnings =
        pdf.warnings().iter().map(|w| Diagnostic::warning(None, DiagCode::DocumentExtractWarning, w.clone()));
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
        doc.diagnostics.insert(0, Diagnostic::warning(None, DiagCode::DocumentTruncated, message));
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
            Err(e) => diagnostics.push(Diagnostic::error(
                Some(n),
                DiagCode::PageExtractFailed,
                match e {
                    ExtractError::Page { message, .. } => message,
                    other => other.to_string(),
                },
            )),
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
            DiagCode::DocumentNoObjectives,
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
