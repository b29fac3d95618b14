//! `perfplan._perfplan`: the native half of the Python package. It converts with
//! the `perfplan` library in this process (no subprocess) and hands back the
//! document as the JSON text the command line writes for the same file (which
//! `perfplan/__init__.py` turns into a `dict`), or the warehouse tables as Arrow
//! C streams for pyarrow. The GIL is released while documents convert, so
//! Python threads convert in parallel; `to_arrow`'s paths convert on threads of
//! their own.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use perfplan::error::{Error as PpError, ExtractError};
use perfplan::extract::Limits;
use perfplan::model::Document;
use perfplan::pipeline::{self, Options};
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

// The Rust code of this module allocates through mimalloc, as the `perfplan`
// binary does (Python's own objects keep Python's allocator).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The default time allowed for one file, in seconds: the CLI's `--timeout-per-file`.
const DEFAULT_TIMEOUT_SECS: Option<f64> = Some(pipeline::DEFAULT_TIMEOUT.as_secs_f64());

create_exception!(_perfplan, Error, PyException, "A PDF could not be converted.");
create_exception!(_perfplan, NotPdfError, Error, "The input is not a PDF.");
create_exception!(_perfplan, PasswordError, Error, "Encrypted: no password, a wrong one, or it cannot be decrypted.");
create_exception!(_perfplan, DamagedError, Error, "The PDF is damaged beyond what the converter recovers.");
create_exception!(_perfplan, LimitError, Error, "A resource limit was hit (file size, decoded bytes, pages).");
create_exception!(_perfplan, TimeoutError, Error, "The conversion ran out of time.");
create_exception!(_perfplan, ReadError, Error, "The file could not be read.");
create_exception!(_perfplan, InternalError, Error, "An internal error (a panic) was caught.");

/// The exception for a failed conversion: its class follows the CLI's error
/// kind (`error_kind` in the run report), its message the CLI's message,
/// prefixed by the file's path when one of several failed.
fn to_py(e: &PpError, settings: &Settings, path: Option<&Path>) -> PyErr {
    let message = match path {
        Some(p) => format!("{}: {}", p.display(), settings.message(e)),
        None => settings.message(e),
    };
    match e {
        PpError::Extract { source, .. } => match source {
            ExtractError::NotPdf(_) => NotPdfError::new_err(message),
            ExtractError::PasswordRequired | ExtractError::WrongPassword | ExtractError::Decrypt(_) => {
                PasswordError::new_err(message)
            }
            ExtractError::Timeout => TimeoutError::new_err(message),
            ExtractError::LimitExceeded(_) => LimitError::new_err(message),
            _ => DamagedError::new_err(message),
        },
        PpError::Io { .. } => ReadError::new_err(message),
        PpError::Panic { .. } => InternalError::new_err(message),
        _ => Error::new_err(message),
    }
}

/// How one file is converted: the library's options and the time allowed.
struct Settings {
    opts: Options,
    /// `None`: no limit
    timeout: Option<Duration>,
}

impl Settings {
    /// From the Python keywords. `timeout` in seconds (`None` or 0: no limit, as
    /// the CLI's `--timeout-per-file 0`); `max_file_size` in bytes (default the
    /// CLI's 512 MiB); `page_threads` `None`: every core lays out the pages of the
    /// document, as `perfplan convert FILE` does (the output does not depend on it).
    fn new(
        password: Option<String>,
        provenance: bool,
        page_threads: Option<usize>,
        timeout: Option<f64>,
        max_file_size: Option<u64>,
    ) -> PyResult<Self> {
        let timeout = match timeout {
            None => None,
            Some(0.0) => None,
            Some(t) if t.is_finite() && t > 0.0 && t < 1e9 => Some(Duration::from_secs_f64(t)),
            Some(t) => {
                return Err(pyo3::exceptions::PyValueError::new_err(format!(
                    "timeout must be a number of seconds (0 or None: no limit), not {t}"
                )))
            }
        };
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let opts = Options {
            password,
            provenance,
            page_threads: Some(page_threads.unwrap_or(cores).max(1)),
            max_file_size: max_file_size.unwrap_or(pipeline::DEFAULT_MAX_FILE_SIZE),
            ..Options::default()
        };
        Ok(Settings { opts, timeout })
    }

    /// The limits of one conversion starting now: its deadline.
    fn limits(&self) -> Limits {
        Limits { deadline: self.timeout.and_then(|t| Instant::now().checked_add(t)), ..Limits::default() }
    }

    /// The CLI's message for a failure (a time-out says after how long).
    fn message(&self, e: &PpError) -> String {
        pipeline::error_message(e, self.timeout)
    }

    /// The conversion of the PDF at `path`, without the GIL.
    fn convert_path(&self, py: Python<'_>, path: &Path) -> Result<Document, PpError> {
        py.detach(|| pipeline::convert_file_with(path, &self.opts, self.limits()))
    }
}

/// The conversion of `source` (a path or bytes), without the GIL.
fn run(
    py: Python<'_>,
    source: &Bound<'_, PyAny>,
    settings: &Settings,
    name: Option<String>,
) -> PyResult<Result<Document, PpError>> {
    if let Ok(b) = source.cast::<PyBytes>() {
        // a bytes object is immutable: its buffer is read in place, not copied
        let bytes = b.as_bytes();
        let name = name.unwrap_or_else(|| pipeline::STDIN.to_string());
        let path = PathBuf::from(&name);
        let max = settings.opts.max_file_size;
        Ok(py.detach(|| {
            pipeline::guarded(&path, || {
                let converted = if bytes.len() as u64 > max {
                    Err(ExtractError::LimitExceeded(pipeline::inputs::too_large_message(Some(bytes.len() as u64), max)))
                } else {
                    pipeline::convert_bytes_with(&name, bytes, &settings.opts, settings.limits())
                };
                converted.map_err(|source| PpError::Extract { file: path.clone(), source })
            })
        }))
    } else {
        let path: PathBuf = source.extract()?;
        Ok(settings.convert_path(py, &path))
    }
}

/// `(status, error_kind, error, json)` of one file, as `convert_result` returns it.
type Outcome = (String, Option<String>, Option<String>, Option<String>);

/// One file of a batch, never raising for the file's own failure: `(status,
/// error_kind, error, json)` with the run report's status (`ok`, `recovered`:
/// the extractor worked around damage, `failed`) and error kind, and the
/// document's JSON text (`None` when failed).
#[pyfunction]
#[pyo3(signature = (source, *, password=None, provenance=false, name=None, page_threads=None, timeout=DEFAULT_TIMEOUT_SECS, max_file_size=None))]
#[allow(clippy::too_many_arguments)] // the Python keywords
fn convert_result(
    py: Python<'_>,
    source: &Bound<'_, PyAny>,
    password: Option<String>,
    provenance: bool,
    name: Option<String>,
    page_threads: Option<usize>,
    timeout: Option<f64>,
    max_file_size: Option<u64>,
) -> PyResult<Outcome> {
    let settings = Settings::new(password, provenance, page_threads, timeout, max_file_size)?;
    Ok(match run(py, source, &settings, name)? {
        Ok(doc) => {
            let recovered = doc.diagnostics.iter().any(|d| perfplan::model::DiagCode::is_recovery(&d.code));
            let status = if recovered { "recovered" } else { "ok" };
            (status.to_string(), None, None, Some(perfplan::emit::to_json(&doc)))
        }
        Err(e) => ("failed".to_string(), Some(pipeline::error_kind(&e).to_string()), Some(settings.message(&e)), None),
    })
}

/// Convert one PDF, given as a path or as bytes (`name` is then recorded as
/// `source.file`), to the JSON text of its document.
#[pyfunction]
#[pyo3(signature = (source, *, password=None, provenance=false, name=None, timeout=DEFAULT_TIMEOUT_SECS, max_file_size=None))]
fn convert_json(
    py: Python<'_>,
    source: &Bound<'_, PyAny>,
    password: Option<String>,
    provenance: bool,
    name: Option<String>,
    timeout: Option<f64>,
    max_file_size: Option<u64>,
) -> PyResult<String> {
    let settings = Settings::new(password, provenance, None, timeout, max_file_size)?;
    let doc = run(py, source, &settings, name)?;
    let doc = doc.map_err(|e| to_py(&e, &settings, None))?;
    Ok(perfplan::emit::to_json(&doc))
}

/// The documents of the paths among `inputs`, in their order, converted `jobs`
/// at a time (0: one per core; the cores the jobs leave idle lay out pages).
/// Files are taken in input order, so when `stop_on_error` ends the work after
/// a failure, every path before the failure has its result; later ones may be
/// `None`.
fn convert_paths(
    inputs: &[TableInput],
    settings: &Settings,
    jobs: usize,
    stop_on_error: bool,
) -> Vec<Option<Result<Document, PpError>>> {
    let paths: Vec<&Path> = inputs
        .iter()
        .filter_map(|input| match input {
            TableInput::Path(p) => Some(p.as_path()),
            TableInput::Document(_) => None,
        })
        .collect();
    if paths.is_empty() {
        return Vec::new();
    }
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let jobs = if jobs == 0 { cores } else { jobs }.min(paths.len()).max(1);
    let opts = Options { page_threads: Some((cores / jobs).max(1)), ..settings.opts.clone() };
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let results: Vec<Mutex<Option<Result<Document, PpError>>>> = paths.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= paths.len() || stop.load(Ordering::Relaxed) {
                    break;
                }
                let result = pipeline::convert_file_with(paths[i], &opts, settings.limits());
                if result.is_err() && stop_on_error {
                    stop.store(true, Ordering::Relaxed);
                }
                *results[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
            });
        }
    });
    results.into_iter().map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner())).collect()
}

/// One input of `tables_streams`.
enum TableInput {
    /// a document already converted (a dict, or a `("json", text)` pair)
    Document(Box<perfplan::model::Document>),
    /// a PDF to convert
    Path(PathBuf),
}

/// A file of `tables_streams` that failed: `(index in items, path, error kind,
/// message)`.
type TableFailure = (usize, String, String, String);

/// The warehouse tables (as `--tables DIR --tables-format parquet` writes them:
/// same names, columns, types and rows) of `items`, each a document `dict` (read
/// into the model directly, no JSON), a `("json", text)` pair (a document's JSON
/// text) or a path (the file is converted). A file that fails raises its
/// exception when `stop_on_error`, else it is left out of the tables, like a
/// failed file of a batch, and listed in the failures returned. Returns the
/// `(table name, capsule)` pairs, each capsule an Arrow C stream
/// (`arrow_array_stream`) for pyarrow to import without copying, and the
/// failures. The paths are converted `jobs` at a time (0: one per core).
#[pyfunction]
#[pyo3(signature = (items, *, password=None, stop_on_error=false, timeout=DEFAULT_TIMEOUT_SECS, max_file_size=None, jobs=0))]
#[allow(clippy::type_complexity)] // the pairs and failures, as Python sees them
fn tables_streams<'py>(
    py: Python<'py>,
    items: Vec<Bound<'py, PyAny>>,
    password: Option<String>,
    stop_on_error: bool,
    timeout: Option<f64>,
    max_file_size: Option<u64>,
    jobs: usize,
) -> PyResult<(Vec<(String, Bound<'py, pyo3::types::PyCapsule>)>, Vec<TableFailure>)> {
    let settings = Settings::new(password, false, None, timeout, max_file_size)?;
    let mut inputs = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let not_a_document = |e: &dyn std::fmt::Display| {
            pyo3::exceptions::PyValueError::new_err(format!("item {i}: not a perfplan document: {e}"))
        };
        inputs.push(if item.is_instance_of::<pyo3::types::PyDict>() {
            let doc: perfplan::model::Document = pythonize::depythonize(item).map_err(|e| not_a_document(&e))?;
            TableInput::Document(Box::new(doc))
        } else if let Ok((kind, text)) = item.extract::<(String, String)>() {
            if kind != "json" {
                return Err(pyo3::exceptions::PyValueError::new_err(format!("item {i}: unknown kind {kind:?}")));
            }
            let doc: perfplan::model::Document = serde_json::from_str(&text).map_err(|e| not_a_document(&e))?;
            TableInput::Document(Box::new(doc))
        } else {
            TableInput::Path(item.extract()?)
        });
    }
    let built = py.detach(|| {
        let mut converted = convert_paths(&inputs, &settings, jobs, stop_on_error).into_iter();
        let mut tables = perfplan::tables::ArrowTables::default();
        let mut failures = Vec::new();
        for (i, input) in inputs.iter().enumerate() {
            match input {
                TableInput::Document(doc) => tables.push(doc),
                TableInput::Path(path) => match converted.next().flatten() {
                    Some(Ok(doc)) => tables.push(&doc),
                    Some(Err(e)) if stop_on_error => return Err(to_py(&e, &settings, Some(path))),
                    Some(Err(e)) => failures.push((
                        i,
                        path.display().to_string(),
                        pipeline::error_kind(&e).to_string(),
                        settings.message(&e),
                    )),
                    // not converted: an earlier file failed and stopped the rest
                    None => break,
                },
            }
        }
        Ok((tables.finish(), failures))
    });
    let (tables, failures) = built?;
    let name = std::ffi::CString::new("arrow_array_stream").expect("no NUL");
    let streams = tables
        .into_iter()
        .map(|(table, batch)| {
            let schema = batch.schema();
            let reader = arrow_array::RecordBatchIterator::new([Ok(batch)], schema);
            let stream = arrow_array::ffi_stream::FFI_ArrowArrayStream::new(Box::new(reader));
            Ok((table.to_string(), pyo3::types::PyCapsule::new(py, stream, Some(name.clone()))?))
        })
        .collect::<PyResult<Vec<_>>>()?;
    Ok((streams, failures))
}

#[pymodule]
fn _perfplan(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(convert_json, m)?)?;
    m.add_function(wrap_pyfunction!(convert_result, m)?)?;
    m.add_function(wrap_pyfunction!(tables_streams, m)?)?;
    let py = m.py();
    m.add("Error", py.get_type::<Error>())?;
    m.add("NotPdfError", py.get_type::<NotPdfError>())?;
    m.add("PasswordError", py.get_type::<PasswordError>())?;
    m.add("DamagedError", py.get_type::<DamagedError>())?;
    m.add("LimitError", py.get_type::<LimitError>())?;
    m.add("TimeoutError", py.get_type::<TimeoutError>())?;
    m.add("ReadError", py.get_type::<ReadError>())?;
    m.add("InternalError", py.get_type::<InternalError>())?;
    Ok(())
}
