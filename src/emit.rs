//! Emit stage: [`Document`] -> contract JSON (`<stem>.json`) and NDJSON lines.
//!
//! Output is deterministic: field order is the order of the `model` structs, JSON is
//! pretty-printed with two-space indentation and ends with a newline. Files are
//! written atomically (temporary file in the same directory, then rename), so a
//! reader never sees a half-written output.

use std::collections::HashMap;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::Error;
use crate::model::{Document, NdjsonRecord, NdjsonSource, Objective};
use crate::pipeline::{BatchSummary, Lost, Options, Sink, Stage, Staged, Unfinished};
use crate::spool::Converted;

/// The document as pretty JSON (2-space indent) with a trailing newline.
pub fn to_json(doc: &Document) -> String {
    let mut s = serde_json::to_string_pretty(doc).expect("a Document always serializes");
    s.push('\n');
    s
}

/// [`to_json`] written straight to `w` (no copy of the whole text in memory:
/// a plan of thousands of pages serializes to tens of MB).
pub fn write_json(doc: &Document, w: impl Write) -> io::Result<()> {
    crate::pipeline::stages::timed(crate::pipeline::stages::Stage::Emit, || write_json_untimed(doc, w))
}

fn write_json_untimed(doc: &Document, w: impl Write) -> io::Result<()> {
    let mut w = BufWriter::with_capacity(64 << 10, w);
    serde_json::to_writer_pretty(&mut w, doc).map_err(io::Error::from)?;
    w.write_all(b"\n")?;
    w.flush()
}

/// A converted document's JSON, byte for byte [`write_json`] of the whole
/// document (its objectives copied from its spool).
pub fn write_converted_json(doc: &Converted, w: impl Write) -> io::Result<()> {
    crate::pipeline::stages::timed(crate::pipeline::stages::Stage::Emit, || {
        let mut w = BufWriter::with_capacity(64 << 10, w);
        doc.write_json(&mut w)?;
        w.flush()
    })
}

/// `doc` as JSON ([`write_converted_json`]) in a temporary file beside `path`,
/// synced if asked.
fn staged_json(path: &Path, doc: &Converted, sync: bool) -> io::Result<tempfile::NamedTempFile> {
    let mut tmp = temp_beside(path)?;
    write_converted_json(doc, &mut tmp)?;
    if sync {
        tmp.as_file().sync_all()?;
    }
    Ok(tmp)
}

/// Output file name for a document: `<stem of source.file>.json`.
pub fn json_file_name(doc: &Document) -> String {
    let stem = Path::new(&doc.source.file).file_stem().map(|s| s.to_string_lossy().into_owned());
    format!("{}.json", stem.as_deref().unwrap_or("output"))
}

/// Write `bytes` to `path` atomically: a temporary file in the same directory,
/// flushed to disk, then renamed over `path`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_with(path, bytes, true)
}

/// [`write_atomic`], flushing to disk before the rename only when `sync` is set.
/// Without it the output is still never seen half-written (the rename happens
/// after the last byte), but a power loss may lose it; with it each file costs a
/// disk flush (about 1 ms here), which caps a batch of small files at about a
/// thousand files a second whatever the number of jobs.
pub fn write_atomic_with(path: &Path, bytes: &[u8], sync: bool) -> io::Result<()> {
    let tmp = staged_file(path, bytes, sync).map_err(without_temp_path)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// `bytes` written (and synced if asked) to a temporary file beside `path`.
fn staged_file(path: &Path, bytes: &[u8], sync: bool) -> io::Result<tempfile::NamedTempFile> {
    let mut tmp = temp_beside(path)?;
    tmp.write_all(bytes)?;
    if sync {
        tmp.as_file().sync_all()?;
    }
    Ok(tmp)
}

/// A file that appears at its path only once complete. The temporary file beside
/// the destination is created up front, so an unwritable destination is known
/// before any work; [`PendingFile::commit`] writes, syncs and renames it into place.
pub struct PendingFile {
    tmp: tempfile::NamedTempFile,
    path: PathBuf,
}

impl PendingFile {
    pub fn create(path: &Path) -> io::Result<Self> {
        Ok(PendingFile { tmp: temp_beside(path)?, path: path.to_path_buf() })
    }
    pub fn path(&self) -> &Path {
        &self.path
    }
    pub fn commit(mut self, bytes: &[u8]) -> io::Result<PathBuf> {
        self.tmp.write_all(bytes).map_err(without_temp_path)?;
        self.tmp.as_file().sync_all()?;
        self.tmp.persist(&self.path).map_err(|e| e.error)?;
        Ok(self.path)
    }
}

pub(crate) fn temp_beside(path: &Path) -> io::Result<tempfile::NamedTempFile> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    temp_in(dir)
}

/// Start of the name of every temporary file perfplan creates:
/// `.perfplan-<pid>-<random>.tmp`.
const TEMP_PREFIX: &str = ".perfplan-";
const TEMP_SUFFIX: &str = ".tmp";

/// A new temporary file in `dir`, named after this process and locked (an
/// advisory `flock`) for as long as it is open, so that a later run can tell a
/// file left by a killed process from one a live perfplan is writing (see
/// [`remove_stale_temp_files`]). It is deleted when dropped unless persisted.
pub(crate) fn temp_in(dir: &Path) -> io::Result<tempfile::NamedTempFile> {
    let prefix = format!("{TEMP_PREFIX}{}-", std::process::id());
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(TEMP_SUFFIX);
    // Outputs are ordinary files (0644 less the umask), not tempfile's private 0600.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    let tmp = builder.tempfile_in(dir).map_err(without_temp_path)?;
    // A filesystem without locks leaves it unlocked: the process id in the name
    // still protects it while this process lives.
    let _ = tmp.as_file().try_lock();
    Ok(tmp)
}

/// Remove from `dir` the temporary files that an earlier perfplan left behind
/// when it was killed (SIGKILL, a power cut): files named like [`temp_in`]'s
/// whose process is gone and that no process holds locked. Returns how many
/// were removed. Files of a perfplan still running (here or, sharing the
/// folder, elsewhere) are left alone; so is anything not named like ours.
pub fn remove_stale_temp_files(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(temp_file_pid) else { continue };
        if pid == std::process::id() || process_alive(pid) {
            continue;
        }
        // Never follow a symlink nor touch a directory.
        if !entry.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path();
        let Ok(file) = std::fs::File::open(&path) else { continue };
        if file.try_lock().is_err() {
            continue; // a live writer elsewhere (another machine, a pid namespace)
        }
        if std::fs::remove_file(&path).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// The process id in a temporary file name of ours, `None` for any other name.
fn temp_file_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix(TEMP_PREFIX)?.strip_suffix(TEMP_SUFFIX)?;
    let (pid, random) = rest.split_once('-')?;
    if random.is_empty() || pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    pid.parse().ok()
}

/// Whether a process with this id exists (signal 0 probes without sending).
#[cfg(unix)]
fn process_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else { return false };
    if pid <= 0 {
        return false;
    }
    // SAFETY: kill with signal 0 sends nothing; it only checks the process.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(not(unix))]
fn process_alive(_pid: u32) -> bool {
    false // the lock alone tells
}

/// Write `<dir>/<stem>.json` atomically (and synced); returns the path written.
pub fn write_json_atomic(dir: &Path, doc: &Document) -> io::Result<PathBuf> {
    let path = dir.join(json_file_name(doc));
    write_atomic(&path, to_json(doc).as_bytes())?;
    Ok(path)
}

/// One NDJSON record per objective, in document order.
pub fn ndjson_records(doc: &Document) -> impl Iterator<Item = NdjsonRecord> + '_ {
    doc.objectives.iter().map(move |o| NdjsonRecord {
        source: NdjsonSource { file: doc.source.file.clone(), sha256: doc.source.sha256.clone() },
        objective: o.clone(),
    })
}

/// The document's NDJSON lines (compact JSON, one objective per line, each ending
/// with a newline). Empty when the document has no objective.
pub fn to_ndjson(doc: &Document) -> String {
    let mut s = String::new();
    for rec in ndjson_records(doc) {
        s.push_str(&serde_json::to_string(&rec).expect("a record always serializes"));
        s.push('\n');
    }
    s
}

fn write_error(input: &Path, out: &Path, source: io::Error) -> Error {
    Error::Write { file: input.to_path_buf(), out: out.to_path_buf(), source: without_temp_path(source) }
}

/// `e` without the path of the hidden temporary file that tempfile adds to its
/// errors ("... at path \"dir/.perfplan-XXXX.tmp\""): messages name the user's
/// path, not ours.
pub fn without_temp_path(e: io::Error) -> io::Error {
    let message = e.to_string();
    match message.rfind(" at path \"") {
        Some(at) if message[at..].contains(".perfplan-") => io::Error::new(e.kind(), &message[..at]),
        _ => e,
    }
}

/// Batch sink writing one `<stem>.json` per document into a directory. Two inputs of
/// one batch with the same stem would overwrite each other: the later one fails.
pub struct JsonDirSink {
    dir: PathBuf,
    written: HashMap<String, PathBuf>,
    sync: bool,
    skip_existing: bool,
}

impl JsonDirSink {
    /// `dir` must exist. Files are not flushed to disk one by one (see
    /// [`JsonDirSink::sync`]).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        JsonDirSink { dir: dir.into(), written: HashMap::new(), sync: false, skip_existing: false }
    }

    /// Take the document a `<stem>.json` already holds for an input instead of
    /// converting it again, when that file is exactly what this run would write
    /// for this input: the same file name and SHA-256 in `source`, the same
    /// `--provenance`, and byte for byte perfplan's own serialization of it
    /// (`--skip-existing`, to continue an interrupted batch). The document still
    /// goes to the other outputs, so they come out as from an uninterrupted run.
    pub fn skip_existing(mut self, skip: bool) -> Self {
        self.skip_existing = skip;
        self
    }

    /// Flush every file to disk before it is renamed into place (see
    /// [`write_atomic_with`] for the cost).
    pub fn sync(mut self, sync: bool) -> Self {
        self.sync = sync;
        self
    }

    /// The output name of `doc`, unless an earlier input of the run took it.
    fn claim(&self, input: &Path, doc: &Document) -> Result<(String, PathBuf), Error> {
        let name = json_file_name(doc);
        let out = self.dir.join(&name);
        if let Some(first) = self.written.get(&name) {
            let msg = format!("{} was already written for {} in this run", out.display(), first.display());
            return Err(write_error(input, &out, io::Error::new(io::ErrorKind::AlreadyExists, msg)));
        }
        Ok((name, out))
    }
}

impl Sink for JsonDirSink {
    fn document(&mut self, input: &Path, doc: &Converted) -> Result<(), Error> {
        let (name, out) = self.claim(input, doc.head())?;
        let tmp = staged_json(&out, doc, self.sync).map_err(|e| write_error(input, &out, e))?;
        tmp.persist(&out).map_err(|e| write_error(input, &out, e.error))?;
        self.written.insert(name, input.to_path_buf());
        Ok(())
    }

    /// Serializing and writing (and syncing) run on the workers; only the name
    /// check and the rename stay in input order.
    fn stage(&self) -> Option<Arc<dyn Stage>> {
        Some(Arc::new(JsonStage { dir: self.dir.clone(), sync: self.sync, skip_existing: self.skip_existing }))
    }

    fn document_staged(&mut self, input: &Path, doc: &Converted, staged: Staged) -> Result<(), Error> {
        // On a name clash the staged file is dropped, which deletes it.
        let (name, out) = self.claim(input, doc.head())?;
        match staged {
            Staged::File(tmp) => {
                tmp.persist(&out).map_err(|e| write_error(input, &out, e.error))?;
            }
            Staged::Kept => {}
            // Not what this sink stages: written here.
            Staged::Bytes(_) => return self.document(input, doc),
        }
        self.written.insert(name, input.to_path_buf());
        Ok(())
    }
}

/// The worker-side half of [`JsonDirSink`]: the document's JSON written (and
/// synced) to a temporary file beside its destination.
struct JsonStage {
    dir: PathBuf,
    sync: bool,
    skip_existing: bool,
}

/// The largest `<stem>.json` read back by `--skip-existing` (a plan of a
/// thousand pages writes a few MB).
const MAX_EXISTING_JSON: u64 = 256 << 20;

impl Stage for JsonStage {
    fn stage(&self, input: &Path, doc: &Converted) -> Result<Staged, Error> {
        let out = self.dir.join(json_file_name(doc.head()));
        let tmp = staged_json(&out, doc, self.sync).map_err(|e| write_error(input, &out, e))?;
        Ok(Staged::File(tmp))
    }

    fn existing(&self, input: &Path, opts: &Options) -> Option<Document> {
        if !self.skip_existing || input.as_os_str() == crate::pipeline::STDIN {
            return None;
        }
        let name = crate::pipeline::file_name(input);
        let stem = Path::new(&name).file_stem()?.to_string_lossy().into_owned();
        let out = self.dir.join(format!("{stem}.json"));
        let file = std::fs::File::open(&out).ok()?;
        let mut text = String::new();
        io::Read::read_to_string(&mut io::Read::take(file, MAX_EXISTING_JSON + 1), &mut text).ok()?;
        let doc: Document = serde_json::from_str(&text).ok()?;
        let provenance = doc.objectives.iter().any(|o| o.provenance.is_some());
        if doc.source.file != name || provenance != opts.provenance || to_json(&doc) != text {
            return None;
        }
        // Made from these very bytes (read and hashed only now that the rest holds).
        let sha = crate::pipeline::inputs::file_sha256_hex(input, opts.max_file_size)?;
        (sha == doc.source.sha256).then_some(doc)
    }
}

/// Batch sink streaming NDJSON lines to a writer (stdout), flushed after each
/// document so that a reader sees whole documents.
pub struct NdjsonSink<W: Write> {
    out: W,
    name: PathBuf,
}

impl<W: Write> NdjsonSink<W> {
    /// `name` is how the destination is called in error messages (e.g. `<stdout>`).
    pub fn new(out: W, name: impl Into<PathBuf>) -> Self {
        NdjsonSink { out, name: name.into() }
    }
    pub fn into_inner(self) -> W {
        self.out
    }
}

impl<W: Write> Sink for NdjsonSink<W> {
    fn document(&mut self, input: &Path, doc: &Converted) -> Result<(), Error> {
        crate::pipeline::stages::timed(crate::pipeline::stages::Stage::Emit, || write_ndjson(doc, &mut self.out))
            .and_then(|()| self.out.flush())
            .map_err(|e| write_error(input, &self.name, e))
    }

    /// The lines are made on the workers; only the copy stays in input order.
    fn stage(&self) -> Option<Arc<dyn Stage>> {
        Some(Arc::new(NdjsonStage))
    }

    fn document_staged(&mut self, input: &Path, doc: &Converted, staged: Staged) -> Result<(), Error> {
        match staged {
            Staged::Bytes(mut lines) => lines
                .copy_to(&mut self.out)
                .and_then(|()| self.out.flush())
                .map_err(|e| write_error(input, &self.name, e)),
            _ => self.document(input, doc),
        }
    }
}

/// The worker-side half of the NDJSON sinks: a document's lines, held like its
/// objectives (in memory up to [`crate::spool::SPOOL_MEMORY`], then in a
/// temporary file).
struct NdjsonStage;

impl Stage for NdjsonStage {
    fn stage(&self, input: &Path, doc: &Converted) -> Result<Staged, Error> {
        let mut lines = crate::spool::Bytes::new(crate::spool::SPOOL_MEMORY);
        crate::pipeline::stages::timed(crate::pipeline::stages::Stage::Emit, || write_ndjson(doc, &mut lines))
            .map_err(|e| write_error(input, Path::new("<NDJSON>"), e))?;
        lines.flush();
        Ok(Staged::Bytes(lines))
    }
}

/// A converted document's NDJSON lines ([`to_ndjson`]), one objective at a time.
pub fn write_ndjson(doc: &Converted, w: &mut impl Write) -> io::Result<()> {
    let source = NdjsonSource { file: doc.head().source.file.clone(), sha256: doc.head().source.sha256.clone() };
    let mut line = Vec::new();
    doc.for_each_objective(|o| {
        line.clear();
        serde_json::to_writer(&mut line, &NdjsonRecordRef { source: &source, objective: &o })?;
        line.push(b'\n');
        w.write_all(&line)
    })
}

/// [`NdjsonRecord`] borrowing its parts (same JSON).
#[derive(serde::Serialize)]
struct NdjsonRecordRef<'a> {
    source: &'a NdjsonSource,
    #[serde(flatten)]
    objective: &'a Objective,
}

/// An NDJSON file written atomically: lines go to a temporary file beside the
/// destination, which replaces the destination only at the end of the batch
/// ([`Sink::finish`]); if that fails, every document written to it is lost.
pub struct NdjsonFile {
    /// `None` once finished.
    sink: Option<NdjsonSink<BufWriter<tempfile::NamedTempFile>>>,
    path: PathBuf,
    /// A write failed: the file is incomplete and never replaces the destination.
    failed: bool,
}

impl NdjsonFile {
    pub fn create(path: &Path) -> io::Result<Self> {
        let tmp = temp_beside(path)?;
        Ok(NdjsonFile {
            sink: Some(NdjsonSink::new(BufWriter::new(tmp), path)),
            path: path.to_path_buf(),
            failed: false,
        })
    }

    /// Flush, sync and rename into place.
    fn complete(sink: NdjsonSink<BufWriter<tempfile::NamedTempFile>>, path: &Path) -> io::Result<()> {
        let tmp = sink.into_inner().into_inner().map_err(|e| without_temp_path(e.into_error()))?;
        tmp.as_file().sync_all()?;
        tmp.persist(path).map_err(|e| e.error)?;
        Ok(())
    }
}

impl Sink for NdjsonFile {
    fn document(&mut self, input: &Path, doc: &Converted) -> Result<(), Error> {
        match &mut self.sink {
            Some(sink) => {
                let written = sink.document(input, doc);
                self.failed |= written.is_err();
                written
            }
            None => Err(write_error(input, &self.path, io::Error::other("the NDJSON file is already complete"))),
        }
    }

    fn stage(&self) -> Option<Arc<dyn Stage>> {
        Some(Arc::new(NdjsonStage))
    }

    fn document_staged(&mut self, input: &Path, doc: &Converted, staged: Staged) -> Result<(), Error> {
        match &mut self.sink {
            Some(sink) => {
                let written = sink.document_staged(input, doc, staged);
                self.failed |= written.is_err();
                written
            }
            None => Err(write_error(input, &self.path, io::Error::other("the NDJSON file is already complete"))),
        }
    }

    fn finish(&mut self, summary: &BatchSummary) -> Result<Option<String>, Unfinished> {
        let Some(sink) = self.sink.take() else { return Ok(None) };
        if let Some(cause) = summary.interrupted {
            // A file that looks complete but is not would be worse than none.
            drop(sink);
            return Err(Unfinished {
                out: self.path.clone(),
                message: format!(
                    "not written: the batch was interrupted ({cause}); the file there, if any, is left as it was"
                ),
                lost: Lost::Documents,
            });
        }
        if self.failed {
            // Its temporary file goes; whatever was at the destination stays.
            drop(sink);
            return Err(Unfinished {
                out: self.path.clone(),
                message: "not written: a write failed during the batch (the file there, if any, is left as it was)"
                    .into(),
                lost: Lost::Documents,
            });
        }
        NdjsonFile::complete(sink, &self.path).map(|()| None).map_err(|e| Unfinished {
            out: self.path.clone(),
            message: format!("cannot write output {}: {e}", self.path.display()),
            lost: Lost::Documents,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;

    #[test]
    fn errors_name_no_temporary_file() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("missing").join("x.json");
        for e in [temp_beside(&out).err().unwrap(), write_atomic(&out, b"x").err().unwrap()] {
            assert!(!e.to_string().contains(".perfplan-"), "{e}");
            assert_eq!(e.kind(), io::ErrorKind::NotFound, "{e}");
        }
    }

    fn sample() -> Document {
        Document {
            schema_version: SCHEMA_VERSION.into(),
            source: Source { file: "peg-2020.pdf".into(), sha256: "ab".repeat(32), pages: 2 },
            objectives: vec![
                Objective {
                    code: "2020_Z101".into(),
                    year: Some(2020),
                    title: "Attività".into(),
                    indicators: vec![Indicator {
                        description: "d".into(),
                        kind: Some("OUTCOME".into()),
                        target: Target { raw: "10,00".into(), value: Some(10.0), ..Default::default() },
                        ..Default::default()
                    }],
                    pages: vec![1, 2],
                    ..Default::default()
                },
                Objective { code: "2020_Z102".into(), title: "Due".into(), pages: vec![2], ..Default::default() },
            ],
            diagnostics: vec![Diagnostic::warning(Some(1), "page.no_text", "no text layer")],
        }
    }

    #[test]
    fn json_is_pretty_two_space_with_newline_and_roundtrips() {
        let d = sample();
        let s = to_json(&d);
        assert!(s.starts_with("{\n  \"schema_version\": \"2\",\n  \"source\": {\n    \"file\""), "{s}");
        assert!(s.ends_with("}\n") && !s.ends_with("\n\n"));
        assert!(s.contains("\"type\": \"OUTCOME\""));
        assert!(s.contains("\"value\": 10.0"));
        assert!(s.contains("Attività"), "non-ASCII is written as UTF-8, not escaped");
        assert_eq!(to_json(&d), s, "deterministic");
        let back: Document = serde_json::from_str(&s).unwrap();
        assert_eq!(back, d);
    }

    #[test]
    fn output_name_from_source_stem() {
        let mut d = sample();
        assert_eq!(json_file_name(&d), "peg-2020.json");
        d.source.file = "Plan.2021.PDF".into();
        assert_eq!(json_file_name(&d), "Plan.2021.json");
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp() {
        let t = tempfile::tempdir().unwrap();
        let d = sample();
        std::fs::write(t.path().join("peg-2020.json"), "old").unwrap();
        let p = write_json_atomic(t.path(), &d).unwrap();
        assert_eq!(p, t.path().join("peg-2020.json"));
        assert_eq!(std::fs::read_to_string(&p).unwrap(), to_json(&d));
        let names: Vec<_> = std::fs::read_dir(t.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["peg-2020.json"], "no temporary file left behind");
    }

    #[test]
    fn atomic_write_into_missing_dir_fails_without_output() {
        let t = tempfile::tempdir().unwrap();
        assert!(write_json_atomic(&t.path().join("nope"), &sample()).is_err());
        assert!(!t.path().join("nope").exists());
    }

    #[test]
    fn ndjson_one_compact_line_per_objective_with_source() {
        let d = sample();
        let s = to_ndjson(&d);
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(s.ends_with('\n'));
        for (line, obj) in lines.iter().zip(&d.objectives) {
            assert!(!line.contains('\n') && !line.contains("  "));
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            assert_eq!(v["source"]["file"], "peg-2020.pdf");
            assert_eq!(v["source"]["sha256"], d.source.sha256.as_str());
            assert!(v["source"].get("pages").is_none());
            assert_eq!(v["code"], obj.code.as_str());
            let rec: NdjsonRecord = serde_json::from_str(line).unwrap();
            assert_eq!(&rec.objective, obj);
        }
        let first = lines[0];
        assert!(first.starts_with("{\"source\":{\"file\":\"peg-2020.pdf\",\"sha256\":"), "{first}");
        let empty = Document { objectives: vec![], ..d };
        assert_eq!(to_ndjson(&empty), "");
    }

    #[test]
    fn json_dir_sink_rejects_stem_collisions() {
        let t = tempfile::tempdir().unwrap();
        let mut sink = JsonDirSink::new(t.path());
        let d = sample();
        sink.document(Path::new("a/peg-2020.pdf"), &Converted::from(d.clone())).unwrap();
        let err = sink.document(Path::new("b/peg-2020.pdf"), &Converted::from(d.clone())).unwrap_err();
        assert!(err.to_string().contains("already written for a/peg-2020.pdf"), "{err}");
    }

    /// The staged path (worker writes a temporary file, the sink renames it in
    /// order) writes the same bytes as the direct one, synced or not, and a name
    /// clash deletes the staged file instead of leaving it behind.
    #[test]
    fn json_dir_sink_staged_writes_the_same_file_and_cleans_up_clashes() {
        let d = sample();
        let direct = tempfile::tempdir().unwrap();
        JsonDirSink::new(direct.path()).document(Path::new("a/peg-2020.pdf"), &Converted::from(d.clone())).unwrap();
        let expected = std::fs::read(direct.path().join("peg-2020.json")).unwrap();
        for sync in [false, true] {
            let t = tempfile::tempdir().unwrap();
            let mut sink = JsonDirSink::new(t.path()).sync(sync);
            let stage = sink.stage().expect("the JSON sink stages its writes");
            let first = stage.stage(Path::new("a/peg-2020.pdf"), &Converted::from(d.clone())).unwrap();
            let second = stage.stage(Path::new("b/peg-2020.pdf"), &Converted::from(d.clone())).unwrap();
            assert!(!t.path().join("peg-2020.json").exists(), "staged output must not appear before its turn");
            sink.document_staged(Path::new("a/peg-2020.pdf"), &Converted::from(d.clone()), first).unwrap();
            let err =
                sink.document_staged(Path::new("b/peg-2020.pdf"), &Converted::from(d.clone()), second).unwrap_err();
            assert!(err.to_string().contains("already written for a/peg-2020.pdf"), "{err}");
            let names: Vec<String> = std::fs::read_dir(t.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            assert_eq!(names, ["peg-2020.json"], "sync={sync}");
            assert_eq!(std::fs::read(t.path().join("peg-2020.json")).unwrap(), expected);
        }
    }

    #[test]
    fn ndjson_file_appears_only_at_finish() {
        let t = tempfile::tempdir().unwrap();
        let path = t.path().join("all.ndjson");
        let mut f = NdjsonFile::create(&path).unwrap();
        f.document(Path::new("x.pdf"), &Converted::from(sample())).unwrap();
        f.document(Path::new("y.pdf"), &Converted::from(sample())).unwrap();
        assert!(!path.exists(), "nothing visible before finish");
        assert_eq!(f.finish(&BatchSummary::default()), Ok(None));
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text, to_ndjson(&sample()).repeat(2));
        assert_eq!(std::fs::read_dir(t.path()).unwrap().count(), 1);
        assert!(f.document(Path::new("z.pdf"), &Converted::from(sample())).is_err(), "no document after finish");
    }

    /// A file that cannot be renamed into place at the end loses every document
    /// written to it, and says so.
    #[test]
    fn ndjson_file_that_cannot_be_completed_loses_its_documents() {
        let t = tempfile::tempdir().unwrap();
        let path = t.path().join("all.ndjson");
        let mut f = NdjsonFile::create(&path).unwrap();
        f.document(Path::new("x.pdf"), &Converted::from(sample())).unwrap();
        // A directory in the way of the rename.
        std::fs::create_dir(&path).unwrap();
        std::fs::write(path.join("keep"), "x").unwrap();
        let end = f.finish(&BatchSummary::default()).unwrap_err();
        assert_eq!((end.out.as_path(), end.lost), (path.as_path(), Lost::Documents));
        assert!(end.message.starts_with(&format!("cannot write output {}: ", path.display())), "{}", end.message);
    }

    #[test]
    fn pending_file_appears_only_at_commit() {
        let t = tempfile::tempdir().unwrap();
        let path = t.path().join("report.json");
        std::fs::write(&path, "old").unwrap();
        let f = PendingFile::create(&path).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old", "the old file stays until commit");
        assert_eq!(f.commit(b"new\n").unwrap(), path);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\n");
        assert_eq!(std::fs::read_dir(t.path()).unwrap().count(), 1, "no temporary file left behind");
        assert!(PendingFile::create(&t.path().join("missing/report.json")).is_err());
        // Dropped without commit: nothing appears, nothing is left behind.
        drop(PendingFile::create(&t.path().join("never.json")).unwrap());
        assert_eq!(std::fs::read_dir(t.path()).unwrap().count(), 1);
    }

    #[test]
    fn ndjson_stream_sink_writes_in_call_order() {
        let mut sink = NdjsonSink::new(Vec::new(), "<stdout>");
        let mut d = sample();
        sink.document(Path::new("x.pdf"), &Converted::from(d.clone())).unwrap();
        d.source.file = "z.pdf".into();
        sink.document(Path::new("z.pdf"), &Converted::from(d.clone())).unwrap();
        let out = String::from_utf8(sink.into_inner()).unwrap();
        let files: Vec<String> = out
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["source"]["file"].as_str().unwrap().to_string()
            })
            .collect();
        assert_eq!(files, ["peg-2020.pdf", "peg-2020.pdf", "z.pdf", "z.pdf"]);
    }

    #[test]
    fn temp_files_carry_the_process_id_and_are_locked_while_open() {
        let t = tempfile::tempdir().unwrap();
        let tmp = temp_beside(&t.path().join("x.json")).unwrap();
        let name = tmp.path().file_name().unwrap().to_str().unwrap().to_string();
        assert_eq!(temp_file_pid(&name), Some(std::process::id()), "{name}");
        let again = std::fs::File::open(tmp.path()).unwrap();
        assert!(again.try_lock().is_err(), "held by its writer");
        drop(again);
        let path = tmp.path().to_path_buf();
        drop(tmp);
        assert!(!path.exists());
    }

    #[test]
    fn temp_file_names_are_ours_only_with_a_pid() {
        assert_eq!(temp_file_pid(".perfplan-123-aB9x.tmp"), Some(123));
        for other in
            [".perfplan-aB9x.tmp", ".perfplan--x.tmp", ".perfplan-12-.tmp", "perfplan-1-x.tmp", ".perfplan-1-x.json"]
        {
            assert_eq!(temp_file_pid(other), None, "{other}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn stale_temp_files_of_gone_processes_are_removed_live_and_locked_ones_kept() {
        let t = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let gone = child.id();
        child.wait().unwrap();
        let stale = t.path().join(format!(".perfplan-{gone}-abc.tmp"));
        let own = t.path().join(format!(".perfplan-{}-abc.tmp", std::process::id()));
        let locked = t.path().join(format!(".perfplan-{gone}-locked.tmp"));
        let not_ours = [t.path().join(".perfplan-abc.tmp"), t.path().join("x.json")];
        for f in [&stale, &own, &locked].into_iter().chain(&not_ours) {
            std::fs::write(f, b"x").unwrap();
        }
        let dir = t.path().join(format!(".perfplan-{gone}-dir.tmp"));
        std::fs::create_dir(&dir).unwrap();
        let holder = std::fs::File::open(&locked).unwrap();
        holder.lock().unwrap();
        assert_eq!(remove_stale_temp_files(t.path()), 1);
        assert!(!stale.exists());
        assert!(own.exists() && locked.exists() && dir.is_dir());
        assert!(not_ours.iter().all(|p| p.exists()));
        drop(holder);
        assert_eq!(remove_stale_temp_files(t.path()), 1, "unlocked now");
        assert!(!locked.exists());
    }
}
