//! `perfplan convert` as a library call. The request, plain values as given on the
//! command line ([`ConvertRequest`]), is validated once into a [`ConvertPlan`]
//! (inputs found, standard input read, outputs decided); [`run`] creates the
//! outputs, runs the batch through them and reports on stderr: each failed file as
//! it happens, the progress, what the outputs reported at their end, the summary
//! line. A request that cannot run is a [`UsageError`] and converts nothing.

use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::batch::{convert_batch_with_stdin, BatchOptions};
use super::convert::Options;
use super::escape::{escape, plain_file_name_problem};
use super::inputs::{expand_inputs, expand_listed_inputs, read_input_list, StdinPdf, STDIN};
use super::interrupt::Interrupt;
use super::outputs::{self, OutputFile};
use super::report::{BatchSummary, FileReport, RunReport, Status};
use super::sink::{Ending, Lost, Sink, Unfinished};
use crate::emit::{JsonDirSink, NdjsonFile, NdjsonSink, PendingFile};
use crate::error::{Error, UsageError};
use crate::progress::{self, Progress};
use crate::spool::Converted;
use crate::tables::{TableFormat, TablesSink, TABLES};

/// How the documents are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    /// One `<stem>.json` per input PDF, in a directory.
    Json,
    /// One line per objective, all inputs in one stream (a file, or stdout).
    Ndjson,
}

/// A `perfplan convert` request, as given.
#[derive(Clone, Debug)]
pub struct ConvertRequest {
    /// Input PDF files and/or directories; `-` is one PDF on standard input.
    pub inputs: Vec<PathBuf>,
    /// A file listing more inputs, one per line (`-`: standard input).
    pub inputs_from: Option<PathBuf>,
    /// File name recorded for the PDF read from standard input.
    pub stdin_name: String,
    pub format: OutputFormat,
    /// JSON: the output directory. NDJSON: the output file, `-` or `None` for stdout.
    pub out: Option<PathBuf>,
    /// Flush each JSON file to disk before it is renamed into place.
    pub fsync: bool,
    /// Also write the relational tables into this directory.
    pub tables: Option<PathBuf>,
    pub tables_format: TableFormat,
    /// Write the JSON run report here.
    pub report: Option<PathBuf>,
    pub options: Options,
    /// Files converted in parallel (0 = one per core).
    pub jobs: usize,
    /// Time limit for one file, in seconds (0 = none).
    pub timeout_per_file: f64,
    /// Stop at the first failed file.
    pub fail_fast: bool,
    /// A file converted to no objective fails.
    pub require_objectives: bool,
    /// JSON: an input whose `<stem>.json` an earlier run wrote for it is not
    /// converted again (see [`JsonDirSink::skip_existing`]).
    pub skip_existing: bool,
    /// Watched during the batch (the binary's SIGINT/SIGTERM handler sets it).
    pub interrupt: Option<Arc<Interrupt>>,
    /// No progress, no notes and no summary line on stderr (errors are still reported).
    pub quiet: bool,
}

/// A validated request: what to convert, how, and where the output goes.
pub struct ConvertPlan {
    /// The files to convert, in order ([`STDIN`] stands for `stdin`).
    pub inputs: Vec<PathBuf>,
    pub stdin: Option<StdinPdf>,
    pub options: Options,
    pub batch: BatchOptions,
    pub outputs: OutputPlan,
    pub progress: progress::Mode,
    pub quiet: bool,
}

/// Where the output of a run goes.
#[derive(Clone, Debug, PartialEq)]
pub struct OutputPlan {
    pub documents: DocumentOutput,
    pub tables: Option<(PathBuf, TableFormat)>,
    pub report: Option<PathBuf>,
}

/// Where the documents go.
#[derive(Clone, Debug, PartialEq)]
pub enum DocumentOutput {
    /// `<stem>.json` files in a directory (created if missing).
    JsonDir { dir: PathBuf, fsync: bool, skip_existing: bool },
    /// One NDJSON file, renamed into place at the end.
    NdjsonFile(PathBuf),
    /// NDJSON on standard output.
    NdjsonStdout,
    /// Nowhere: only the tables are wanted.
    None,
}

impl OutputPlan {
    /// Check the outputs against `inputs` before any work: a file where a file is
    /// meant, a directory where a directory is meant, and no output file that is
    /// an input or the file of another output (see [`outputs`]).
    pub fn check(&self, inputs: &[PathBuf], stdin_name: &str) -> Result<(), UsageError> {
        let mut files = Vec::new();
        match &self.documents {
            DocumentOutput::JsonDir { dir, .. } => {
                outputs::check_dir_target("--out", dir)?;
                for input in inputs {
                    let name = if input.as_os_str() == STDIN {
                        Path::new(stdin_name).file_stem().map(|s| s.to_os_string())
                    } else {
                        input.file_stem().map(|s| s.to_os_string())
                    };
                    let mut name = name.unwrap_or_else(|| "output".into());
                    name.push(".json");
                    files.push(OutputFile { flag: "--out", path: dir.join(name) });
                }
            }
            DocumentOutput::NdjsonFile(file) => {
                outputs::check_file_target("--out", file)?;
                files.push(OutputFile { flag: "--out", path: file.clone() });
            }
            DocumentOutput::NdjsonStdout | DocumentOutput::None => {}
        }
        if let Some((dir, format)) = &self.tables {
            outputs::check_dir_target("--tables", dir)?;
            for def in TABLES {
                files.push(OutputFile {
                    flag: "--tables",
                    path: dir.join(format!("{}.{}", def.name, format.extension())),
                });
            }
        }
        if let Some(report) = &self.report {
            outputs::check_file_target("--report", report)?;
            files.push(OutputFile { flag: "--report", path: report.clone() });
        }
        let inputs: Vec<PathBuf> = inputs.iter().filter(|p| p.as_os_str() != STDIN).cloned().collect();
        outputs::check_no_clobber(&inputs, &files)
    }

    /// Create every output's directory and prove it writable, before any work;
    /// then remove the temporary files a killed perfplan left in those
    /// directories. Returns the directories cleaned, with how many files each.
    pub fn prepare(&self) -> Result<Vec<(PathBuf, usize)>, UsageError> {
        let mut dirs: Vec<PathBuf> = Vec::new();
        if let Some(report) = &self.report {
            outputs::prepare_file("--report", report)?;
            dirs.push(parent_dir(report));
        }
        match &self.documents {
            DocumentOutput::JsonDir { dir, .. } => {
                outputs::prepare_dir("--out", dir)?;
                dirs.push(dir.clone());
            }
            DocumentOutput::NdjsonFile(file) => {
                outputs::prepare_file("--out", file)?;
                dirs.push(parent_dir(file));
            }
            DocumentOutput::NdjsonStdout | DocumentOutput::None => {}
        }
        if let Some((dir, _)) = &self.tables {
            outputs::prepare_dir("--tables", dir)?;
            dirs.push(dir.clone());
        }
        let mut cleaned: Vec<(PathBuf, usize)> = Vec::new();
        for dir in dirs {
            if cleaned.iter().any(|(d, _)| outputs::file_id(d) == outputs::file_id(&dir)) {
                continue;
            }
            let removed = crate::emit::remove_stale_temp_files(&dir);
            cleaned.push((dir, removed));
        }
        cleaned.retain(|(_, n)| *n > 0);
        Ok(cleaned)
    }
}

/// The directory a file is written in (`.` for a bare name).
fn parent_dir(file: &Path) -> PathBuf {
    match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn usage(message: impl Into<String>) -> UsageError {
    UsageError::Invalid(message.into())
}

impl ConvertPlan {
    /// Validate `request`: an output to write, inputs to convert (the input list
    /// read, directories walked, standard input read at most once).
    pub fn new(request: ConvertRequest) -> Result<ConvertPlan, UsageError> {
        let ConvertRequest {
            inputs: given,
            inputs_from,
            stdin_name,
            format,
            out,
            fsync,
            tables,
            tables_format,
            report,
            options,
            jobs,
            timeout_per_file,
            fail_fast,
            require_objectives,
            skip_existing,
            interrupt,
            quiet,
        } = request;
        let documents = match (format, out.filter(|o| o.as_os_str() != STDIN)) {
            (OutputFormat::Json, Some(dir)) => DocumentOutput::JsonDir { dir, fsync, skip_existing },
            (OutputFormat::Json, None) if tables.is_none() => return Err(UsageError::MissingOut),
            (OutputFormat::Json, None) => DocumentOutput::None,
            (OutputFormat::Ndjson, Some(file)) => DocumentOutput::NdjsonFile(file),
            (OutputFormat::Ndjson, None) => DocumentOutput::NdjsonStdout,
        };
        if skip_existing && !matches!(documents, DocumentOutput::JsonDir { .. }) {
            return Err(usage(
                "--skip-existing needs --format json with --out DIR: it reuses the <stem>.json files an earlier run \
                 wrote there (an NDJSON file and the tables are written whole, at the end of a run)",
            ));
        }
        let mut listed = Vec::new();
        if let Some(list) = &inputs_from {
            match read_input_list(list) {
                Ok(paths) => listed = paths,
                Err(e) => return Err(usage(format!("{}: cannot read the input list: {e}", list.display()))),
            }
        }
        if given.is_empty() && listed.is_empty() {
            return Err(usage(
                "no input: give PDF files or directories, `-` for standard input, or --inputs-from FILE",
            ));
        }
        let stdin_inputs = given.iter().chain(&listed).filter(|p| p.as_os_str() == STDIN).count();
        if stdin_inputs > 1 || (stdin_inputs == 1 && inputs_from.as_deref() == Some(Path::new(STDIN))) {
            return Err(usage("standard input can be read once: `-` as an input, or --inputs-from -, not both"));
        }
        if stdin_inputs == 1 {
            if let Some(problem) = plain_file_name_problem(&stdin_name) {
                return Err(usage(format!(
                    "--stdin-name \"{}\": not a plain file name ({problem})",
                    escape(&stdin_name)
                )));
            }
        }
        let mut inputs = expand_inputs(&given).map_err(|e| usage(e.to_string()))?;
        inputs.extend(expand_listed_inputs(&listed));
        if inputs.is_empty() {
            let given: Vec<String> = given.iter().chain(&listed).map(|p| p.display().to_string()).collect();
            return Err(usage(format!("no PDF file found in {}", given.join(", "))));
        }
        let outputs = OutputPlan { documents, tables: tables.map(|dir| (dir, tables_format)), report };
        outputs.check(&inputs, &stdin_name)?;
        let stdin = if stdin_inputs == 1 {
            let pdf = StdinPdf::read(&stdin_name, options.max_file_size)
                .map_err(|e| usage(format!("cannot read the PDF from standard input: {e}")))?;
            Some(pdf)
        } else {
            None
        };
        let batch = BatchOptions {
            jobs,
            timeout: (timeout_per_file > 0.0).then(|| Duration::from_secs_f64(timeout_per_file)),
            fail_fast,
            require_objectives,
            interrupt,
        };
        let progress = if quiet {
            progress::Mode::Off
        } else if io::stderr().is_terminal() {
            progress::Mode::Bar
        } else {
            progress::Mode::Lines
        };
        Ok(ConvertPlan { inputs, stdin, options, batch, outputs, progress, quiet })
    }
}

/// What a run came to.
pub struct RunOutcome {
    /// The batch's totals, settled with the end of every output.
    pub summary: BatchSummary,
}

impl RunOutcome {
    /// Every file converted (`ok` or `recovered`) and every output complete.
    pub fn success(&self) -> bool {
        self.summary.failures == 0
    }
    /// An output failed during the batch (disk full, I/O error) and stopped it.
    pub fn output_failed(&self) -> bool {
        self.summary.output_failed.is_some()
    }
    /// The batch was interrupted, by this cause (`SIGINT`, `SIGTERM`).
    pub fn interrupted(&self) -> Option<&'static str> {
        self.summary.interrupted
    }
}

/// Run `plan`: create every output (an output that cannot be created is a usage
/// error, before any work), convert the inputs into them, report on stderr.
pub fn run(plan: ConvertPlan) -> Result<RunOutcome, UsageError> {
    let ConvertPlan { inputs, stdin, options, batch, outputs, progress, quiet } = plan;
    for (dir, removed) in outputs.prepare()? {
        if !quiet {
            eprintln!(
                "perfplan: removed {removed} temporary file(s) left in {} by an interrupted perfplan",
                escape(&dir.display().to_string())
            );
        }
    }
    let resumable = matches!(outputs.documents, DocumentOutput::JsonDir { .. });
    let mut report = match &outputs.report {
        Some(path) => match PendingFile::create(path) {
            Ok(file) => Some(RunReportSink { file: Some(file), files: Vec::new(), batch: batch.clone() }),
            Err(e) => return Err(usage(format!("--report {}: cannot create the run report: {e}", path.display()))),
        },
        None => None,
    };
    // Every output is created before any work, so that an unwritable one is a
    // usage error rather than a batch of failed files.
    let mut documents: Option<Box<dyn Sink>> = match outputs.documents {
        DocumentOutput::JsonDir { dir, fsync, skip_existing } => {
            if let Err(e) = std::fs::create_dir_all(&dir) {
                return Err(usage(format!("--out {}: cannot create output directory: {e}", dir.display())));
            }
            Some(Box::new(JsonDirSink::new(dir).sync(fsync).skip_existing(skip_existing)))
        }
        DocumentOutput::NdjsonFile(file) => match NdjsonFile::create(&file) {
            Ok(f) => Some(Box::new(f)),
            Err(e) => return Err(usage(format!("--out {}: cannot create output file: {e}", file.display()))),
        },
        DocumentOutput::NdjsonStdout => Some(Box::new(NdjsonSink::new(io::stdout().lock(), "<stdout>"))),
        DocumentOutput::None => None,
    };
    let mut tables = match outputs.tables {
        Some((dir, format)) => match std::fs::create_dir_all(&dir).and_then(|()| TablesSink::create(&dir, format)) {
            Ok(sink) => Some(Tables { sink: Some(sink), dir }),
            Err(e) => return Err(usage(format!("--tables {}: cannot create the tables: {e}", dir.display()))),
        },
        None => None,
    };
    // The reporter comes first: its progress bar is gone before the other
    // outputs finish.
    let mut reporter = Reporter {
        mode: Some(progress),
        progress: None,
        output_failed: false,
        empty: Vec::new(),
        recovered: Vec::new(),
        duplicates: Vec::new(),
    };
    let mut sinks: Vec<&mut dyn Sink> = vec![&mut reporter];
    if let Some(documents) = &mut documents {
        sinks.push(documents.as_mut());
    }
    if let Some(tables) = &mut tables {
        sinks.push(tables);
    }
    if let Some(report) = &mut report {
        sinks.push(report);
    }
    let summary = convert_batch_with_stdin(&inputs, &options, &batch, &mut sinks, stdin);
    if let Some(error) = &summary.output_failed {
        eprintln!(
            "perfplan: error: output failed, the batch stopped: {}; {} file(s) not converted",
            escape(error),
            summary.skipped
        );
    }
    for ending in &summary.endings {
        if !(quiet && matches!(ending, Ending::Note(_))) {
            eprintln!("perfplan: {}", escape(&ending.to_string()));
        }
    }
    if summary.still_running > 0 {
        eprintln!(
            "perfplan: {} conversion(s) given up (timed out or interrupted) had not stopped yet; they end with perfplan",
            summary.still_running
        );
    }
    if !quiet {
        eprintln!("perfplan: {summary}");
        if let Some(line) = name_files("no objective in", &reporter.empty) {
            eprintln!("perfplan: {line}");
        }
        if let Some(line) = name_files("recovered (see their diagnostics)", &reporter.recovered) {
            eprintln!("perfplan: {line}");
        }
        if let Some(line) = name_files("converted once, repeated (same file name and bytes) in", &reporter.duplicates) {
            eprintln!("perfplan: {line}");
        }
    }
    if let Some(cause) = summary.interrupted {
        let hint =
            if resumable { "; the same command with --skip-existing continues where this run stopped" } else { "" };
        eprintln!("perfplan: interrupted ({cause}): {} file(s) not converted{hint}", summary.skipped);
    }
    Ok(RunOutcome { summary })
}

/// Files named in the summary at most; the others are counted.
const NAMED_FILES: usize = 20;

/// "`what` N file(s): a.pdf, b.pdf" with the names escaped, the first
/// [`NAMED_FILES`] of them (`None` for no file).
fn name_files(what: &str, paths: &[String]) -> Option<String> {
    if paths.is_empty() {
        return None;
    }
    let names: Vec<String> = paths.iter().take(NAMED_FILES).map(|p| escape(p)).collect();
    let more = paths.len().saturating_sub(NAMED_FILES);
    let more = if more > 0 { format!(" and {more} more (see --report)") } else { String::new() };
    Some(format!("{what} {} file(s): {}{more}", paths.len(), names.join(", ")))
}

/// Shows the batch on stderr: the progress, and each failed file as it happens.
struct Reporter {
    /// How to show progress, until [`Sink::begin`] starts it.
    mode: Option<progress::Mode>,
    progress: Option<Progress<io::Stderr>>,
    /// An output failed: reported once, after the batch.
    output_failed: bool,
    /// Converted files that yielded no objective, and recovered files, named in
    /// the summary.
    empty: Vec<String>,
    recovered: Vec<String>,
    /// Inputs that repeat an earlier one, named in the summary.
    duplicates: Vec<String>,
}

impl Sink for Reporter {
    fn begin(&mut self, total: usize) {
        if let Some(mode) = self.mode.take() {
            self.progress = Some(Progress::new(io::stderr(), mode, total));
        }
    }
    fn document(&mut self, _input: &Path, _doc: &Converted) -> Result<(), Error> {
        Ok(())
    }
    fn failure(&mut self, _input: &Path, error: &Error) {
        if let Error::Write { source, .. } = error {
            if source.kind() == io::ErrorKind::BrokenPipe {
                // The reader of stdout went away (`| head`): stop quietly.
                std::process::exit(0);
            }
            self.output_failed = true;
        }
    }
    fn outcome(&mut self, report: &FileReport) {
        if matches!(report.status, Status::Ok | Status::Recovered) && report.objectives == 0 {
            self.empty.push(report.path.clone());
        }
        if report.status == Status::Recovered {
            self.recovered.push(report.path.clone());
        }
        if report.status == Status::Duplicate {
            self.duplicates.push(report.path.clone());
        }
        let Some(progress) = &mut self.progress else { return };
        if report.status == Status::Failed && !std::mem::take(&mut self.output_failed) {
            progress.message(&format!(
                "perfplan: error: {}: {}",
                escape(&report.path),
                escape(report.error.as_deref().unwrap_or("failed"))
            ));
        }
        progress.file_done(report);
    }
    fn finish(&mut self, _summary: &BatchSummary) -> Result<Option<String>, Unfinished> {
        if let Some(progress) = &mut self.progress {
            progress.finish();
        }
        Ok(None)
    }
}

/// The relational tables of the run, renamed into place at the end.
struct Tables {
    /// `None` once finished.
    sink: Option<TablesSink>,
    dir: PathBuf,
}

impl Sink for Tables {
    fn document(&mut self, input: &Path, doc: &Converted) -> Result<(), Error> {
        self.sink.as_mut().map_or(Ok(()), |tables| tables.document(input, doc))
    }
    fn finish(&mut self, summary: &BatchSummary) -> Result<Option<String>, Unfinished> {
        let Some(tables) = self.sink.take() else { return Ok(None) };
        if let Some(cause) = summary.interrupted {
            // Tables of part of the batch would look whole: their temporary
            // files go, what was there stays.
            drop(tables);
            return Err(Unfinished {
                out: self.dir.clone(),
                message: format!(
                    "not written: the batch was interrupted ({cause}); the tables there, if any, are left as they were"
                ),
                lost: Lost::Output,
            });
        }
        let duplicates = tables.duplicates();
        match tables.finish() {
            Ok(_) => Ok((duplicates > 0).then(|| {
                format!(
                    "tables: {duplicates} input(s) repeat an earlier one (same file name and content): their rows are in the tables once"
                )
            })),
            Err(e) => Err(Unfinished {
                out: self.dir.clone(),
                message: format!("cannot write the tables: {e}"),
                lost: Lost::Output,
            }),
        }
    }
}

/// The run report (`--report`), written at the end. Every file's report is kept
/// only for it: without it, memory does not grow with the number of files.
struct RunReportSink {
    /// `None` once written.
    file: Option<PendingFile>,
    files: Vec<FileReport>,
    batch: BatchOptions,
}

impl Sink for RunReportSink {
    fn document(&mut self, _input: &Path, _doc: &Converted) -> Result<(), Error> {
        Ok(())
    }
    fn outcome(&mut self, report: &FileReport) {
        self.files.push(report.clone());
    }
    fn finish(&mut self, summary: &BatchSummary) -> Result<Option<String>, Unfinished> {
        let Some(file) = self.file.take() else { return Ok(None) };
        let mut files = std::mem::take(&mut self.files);
        if let Some(message) = summary.documents_lost() {
            let kind = if summary.interrupted.is_some() { "interrupted" } else { "write" };
            files.iter_mut().for_each(|f| f.lose(message, kind));
        }
        let path = file.path().to_path_buf();
        let report = RunReport::new(files, &self.batch, summary);
        match file.commit(report.to_json().as_bytes()) {
            Ok(_) => Ok(None),
            Err(e) => {
                Err(Unfinished { out: path, message: format!("cannot write the run report: {e}"), lost: Lost::Output })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::file_name;
    use std::fs;

    fn request(inputs: &[&Path]) -> ConvertRequest {
        ConvertRequest {
            inputs: inputs.iter().map(|p| p.to_path_buf()).collect(),
            inputs_from: None,
            stdin_name: "stdin.pdf".into(),
            format: OutputFormat::Json,
            out: Some("out".into()),
            fsync: false,
            tables: None,
            tables_format: TableFormat::Csv,
            report: None,
            options: Options::default(),
            jobs: 0,
            timeout_per_file: 60.0,
            fail_fast: false,
            require_objectives: false,
            skip_existing: false,
            interrupt: None,
            quiet: true,
        }
    }

    fn valid(request: ConvertRequest) -> ConvertPlan {
        ConvertPlan::new(request).unwrap_or_else(|e| panic!("a valid request: {e}"))
    }

    fn usage_message(request: ConvertRequest) -> String {
        match ConvertPlan::new(request).err().expect("a usage error") {
            UsageError::Invalid(m) => m,
            e @ UsageError::MissingOut => e.to_string(),
        }
    }

    #[test]
    fn a_plan_knows_its_inputs_and_outputs() {
        let t = tempfile::tempdir().unwrap();
        fs::write(t.path().join("b.pdf"), b"x").unwrap();
        fs::write(t.path().join("a.PDF"), b"x").unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        let list = elsewhere.path().join("list.txt");
        fs::write(&list, format!("{}\n\n", elsewhere.path().join("listed.pdf").display())).unwrap();
        fs::write(elsewhere.path().join("listed.pdf"), b"x").unwrap();
        let mut r = request(&[t.path()]);
        r.inputs_from = Some(list);
        r.timeout_per_file = 0.0;
        r.tables = Some("t".into());
        let plan = valid(r);
        let names: Vec<String> = plan.inputs.iter().map(|p| file_name(p)).collect();
        assert_eq!(names, ["a.PDF", "b.pdf", "listed.pdf"]);
        assert_eq!(plan.batch.timeout, None, "0 s: no time limit");
        assert!(plan.stdin.is_none());
        assert_eq!(
            plan.outputs.documents,
            DocumentOutput::JsonDir { dir: "out".into(), fsync: false, skip_existing: false }
        );
        assert_eq!(plan.outputs.tables, Some(("t".into(), TableFormat::Csv)));
        assert!(matches!(plan.progress, progress::Mode::Off), "quiet");
        // NDJSON goes to stdout without --out or with `-`; JSON may go nowhere but the tables.
        for out in [None, Some(PathBuf::from("-"))] {
            let r = ConvertRequest { format: OutputFormat::Ndjson, out, ..request(&[t.path()]) };
            assert_eq!(valid(r).outputs.documents, DocumentOutput::NdjsonStdout);
        }
        let r = ConvertRequest { out: None, tables: Some("t".into()), ..request(&[t.path()]) };
        assert_eq!(valid(r).outputs.documents, DocumentOutput::None);
    }

    #[test]
    fn summary_names_files_escaped_and_counts_the_rest() {
        assert_eq!(name_files("x", &[]), None);
        let paths = vec!["a\nperfplan: 0 failed".to_string(), "\u{1b}]0;t\u{7}b.pdf".to_string()];
        assert_eq!(
            name_files("no objective in", &paths).unwrap(),
            "no objective in 2 file(s): a\\nperfplan: 0 failed, \\x1b]0;t\\x07b.pdf"
        );
        let many: Vec<String> = (0..25).map(|i| format!("{i}.pdf")).collect();
        let line = name_files("recovered", &many).unwrap();
        assert!(line.starts_with("recovered 25 file(s): 0.pdf, 1.pdf"), "{line}");
        assert!(line.ends_with("19.pdf and 5 more (see --report)"), "{line}");
    }

    #[test]
    fn requests_that_cannot_run_are_usage_errors() {
        let t = tempfile::tempdir().unwrap();
        let r = ConvertRequest { out: None, ..request(&[t.path()]) };
        assert!(matches!(ConvertPlan::new(r).err(), Some(UsageError::MissingOut)));
        assert!(usage_message(request(&[])).starts_with("no input: "));
        let stdin = Path::new(STDIN);
        assert!(usage_message(request(&[stdin, stdin])).starts_with("standard input can be read once"));
        let r = ConvertRequest { inputs_from: Some(STDIN.into()), ..request(&[stdin]) };
        assert!(usage_message(r).starts_with("standard input can be read once"));
        assert!(usage_message(request(&[t.path()])).starts_with("no PDF file found in "));
        assert!(usage_message(request(&[&t.path().join("missing.pdf")])).contains("missing.pdf: cannot read"));
        let list = t.path().join("nolist");
        let r = ConvertRequest { inputs_from: Some(list.clone()), ..request(&[]) };
        assert!(usage_message(r).starts_with(&format!("{}: cannot read the input list: ", list.display())));
    }
}
