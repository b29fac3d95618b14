//! `perfplan` command line: argument parsing and reporting only; the work is in the
//! library (`perfplan::pipeline`, `perfplan::emit`).
//!
//! `eval` scores output against ground truth (`perfplan::eval`): exit 0, 1 when the
//! score is below `--min-score`, 2 on a usage error.
//!
//! Exit codes of `convert`: 0 every file converted (`ok` or `recovered`), 1 some
//! file failed or was skipped (the others are written), 2 usage error (bad arguments, an input path that does not exist, no PDF found, an
//! output that cannot be created); nothing is converted on a usage error.

use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

use perfplan::emit::{JsonDirSink, NdjsonFile, NdjsonSink, PendingFile};
use perfplan::error::Error;
use perfplan::eval::{self, Actual};
use perfplan::layout::PageLayout;
use perfplan::model::Document;
use perfplan::pipeline::{self, BatchOptions, Both, FileReport, Options, RunReport, Sink, Stage, Staged, Status};
use perfplan::progress::{self, Progress};
use perfplan::tables::{TableFormat, TablesSink};
use std::sync::Arc;

// The work allocates many small, short-lived strings and vectors per page (glyphs,
// words, lines); mimalloc serves them about twice as fast as glibc's allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SCHEMA: &str = include_str!("../schemas/perfplan-output.schema.json");
const NDJSON_SCHEMA: &str = include_str!("../schemas/perfplan-ndjson-record.schema.json");

#[derive(Parser)]
#[command(name = "perfplan", version, about = "Turn Italian municipal performance-plan (PEG) PDFs into JSON")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Convert PDFs (files, or directories searched recursively for *.pdf) to JSON.
    Convert(ConvertArgs),
    /// Debug view: the text lines the layout stage sees, page by page.
    Text(TextArgs),
    /// Score output against ground truth (<stem>.expected.json), field by field.
    Eval(EvalArgs),
    /// Print the JSON Schema of the output.
    Schema {
        /// Print the schema of one NDJSON line instead of the per-PDF document.
        #[arg(long)]
        ndjson: bool,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// One `<stem>.json` per input PDF, in the --out directory.
    Json,
    /// One line per objective, all inputs in one stream (--out FILE, or stdout).
    Ndjson,
}

#[derive(clap::Args)]
struct ConvertArgs {
    /// Input PDF files and/or directories; `-` reads one PDF from standard input.
    #[arg(value_name = "PDF|DIR|-")]
    inputs: Vec<PathBuf>,
    /// json: output directory (created if missing; required). ndjson: output file,
    /// `-` or omitted for stdout.
    #[arg(short, long, value_name = "DIR|FILE")]
    out: Option<PathBuf>,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = Format::Json)]
    format: Format,
    /// Files converted in parallel (0 = one per CPU core).
    #[arg(short, long, value_name = "N", default_value_t = 0)]
    jobs: usize,
    /// User password for encrypted PDFs.
    #[arg(long, value_name = "PW")]
    password: Option<String>,
    /// Add to every objective where each field was read (page and box).
    #[arg(long)]
    provenance: bool,
    /// Time limit for one file, in seconds (0 = none): at the limit the file fails
    /// with "timed out after N s" and the batch goes on.
    #[arg(long, value_name = "SECS", default_value = "60", value_parser = parse_timeout)]
    timeout_per_file: f64,
    /// Go on after a failed file (the default).
    #[arg(long, overrides_with = "fail_fast")]
    keep_going: bool,
    /// Stop at the first failed file: files not yet started are reported as skipped.
    #[arg(long, overrides_with = "keep_going")]
    fail_fast: bool,
    /// Flush each JSON file to disk before it is renamed into place, so that it
    /// survives a power loss (outputs are always written atomically: a file is
    /// never seen half-written; this costs a disk flush per file).
    #[arg(long)]
    fsync: bool,
    /// Write a JSON run report here: every input's status, counts, diagnostics,
    /// error and duration, and the totals.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Also write the batch as three relational tables into DIR: objectives,
    /// dup_links and indicators (keys stable across runs and unique across files).
    #[arg(long, value_name = "DIR")]
    tables: Option<PathBuf>,
    /// Format of --tables.
    #[arg(long, value_enum, default_value_t = TablesFormat::Csv, requires = "tables")]
    tables_format: TablesFormat,
    /// Also convert the files listed in FILE, one path per line (`-`: standard
    /// input, e.g. from a `find` or from Spark's `pipe`).
    #[arg(long, value_name = "FILE")]
    inputs_from: Option<PathBuf>,
    /// File name recorded for the PDF read from standard input (input `-`).
    #[arg(long, value_name = "NAME", default_value = "stdin.pdf")]
    stdin_name: String,
    /// No progress and no summary line on stderr (errors are still reported).
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum TablesFormat {
    /// RFC 4180 CSV, UTF-8, with a header row.
    Csv,
    /// Parquet with typed columns.
    Parquet,
}

fn parse_timeout(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if (0.0..1e9).contains(&x) => Ok(x),
        _ => Err(format!("not a number of seconds (0 = no limit): {s}")),
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ReportFormat {
    /// Tables, every wrong field, and `score: X.XXXX` last.
    Text,
    /// One JSON document (the keys of score.py's --json report, and more).
    Json,
}

#[derive(clap::Args)]
struct EvalArgs {
    /// Directory holding the ground truth, <stem>.expected.json.
    #[arg(value_name = "EXPECTED_DIR")]
    expected: PathBuf,
    /// Directory holding the output to score, <stem>.json.
    #[arg(value_name = "ACTUAL_DIR", required_unless_present = "pdf", conflicts_with = "pdf")]
    actual: Option<PathBuf>,
    /// Convert <stem>.pdf of this directory (in memory) and score that instead.
    #[arg(long, value_name = "PDF_DIR")]
    pdf: Option<PathBuf>,
    /// Exit 1 when the score is below X.
    #[arg(long, value_name = "X", value_parser = parse_score)]
    min_score: Option<f64>,
    /// Report format.
    #[arg(short, long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
    /// With --pdf: files converted in parallel (0 = one per CPU core).
    #[arg(short, long, value_name = "N", default_value_t = 0)]
    jobs: usize,
    /// With --pdf: user password for encrypted PDFs.
    #[arg(long, value_name = "PW")]
    password: Option<String>,
    /// Also write a self-contained HTML review report here: every wrong field, and
    /// each sheet's pages as the parser saw them with the fields highlighted (the
    /// PDFs are the converted ones with --pdf, else <stem>.pdf beside the ground truth).
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
}

fn parse_score(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        _ => Err(format!("not a finite number: {s}")),
    }
}

#[derive(clap::Args)]
struct TextArgs {
    /// The PDF to show.
    #[arg(value_name = "PDF")]
    pdf: PathBuf,
    /// Only this page (1-based).
    #[arg(short, long, value_name = "N")]
    page: Option<u32>,
    /// Dump the page layouts as JSON.
    #[arg(long)]
    json: bool,
    /// User password for encrypted PDFs.
    #[arg(long, value_name = "PW")]
    password: Option<String>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Convert(args) => convert(args),
        Command::Text(args) => text(args),
        Command::Eval(args) => evaluate(args),
        Command::Schema { ndjson } => {
            print!("{}", if ndjson { NDJSON_SCHEMA } else { SCHEMA });
            Ok(ExitCode::SUCCESS)
        }
    };
    result.unwrap_or_else(|e| {
        eprintln!("perfplan: error: {e:#}");
        ExitCode::FAILURE
    })
}

const USAGE: u8 = 2;

fn usage_error(message: impl std::fmt::Display) -> anyhow::Result<ExitCode> {
    eprintln!("perfplan: error: {message}");
    Ok(ExitCode::from(USAGE))
}

fn convert(args: ConvertArgs) -> anyhow::Result<ExitCode> {
    let out = args.out.filter(|o| o.as_os_str() != "-");
    if args.format == Format::Json && out.is_none() && args.tables.is_none() {
        Cli::command()
            .error(
                clap::error::ErrorKind::MissingRequiredArgument,
                "--out DIR is required with --format json (unless only --tables DIR is wanted)",
            )
            .exit();
    }
    let mut given = args.inputs.clone();
    if let Some(list) = &args.inputs_from {
        match read_input_list(list) {
            Ok(paths) => given.extend(paths),
            Err(e) => return usage_error(format!("{}: cannot read the input list: {e}", list.display())),
        }
    }
    if given.is_empty() {
        return usage_error("no input: give PDF files or directories, `-` for standard input, or --inputs-from FILE");
    }
    let stdin_inputs = given.iter().filter(|p| p.as_os_str() == pipeline::STDIN).count();
    if stdin_inputs > 1 || (stdin_inputs == 1 && args.inputs_from.as_deref() == Some(Path::new("-"))) {
        return usage_error("standard input can be read once: `-` as an input, or --inputs-from -, not both");
    }
    let inputs = match pipeline::expand_inputs(&given) {
        Ok(inputs) => inputs,
        Err(e) => return usage_error(e),
    };
    if inputs.is_empty() {
        let given: Vec<String> = given.iter().map(|p| p.display().to_string()).collect();
        return usage_error(format!("no PDF file found in {}", given.join(", ")));
    }
    let stdin = if stdin_inputs == 1 {
        let mut bytes = Vec::new();
        if let Err(e) = io::stdin().lock().read_to_end(&mut bytes) {
            return usage_error(format!("cannot read the PDF from standard input: {e}"));
        }
        Some(pipeline::StdinPdf { name: args.stdin_name.clone(), bytes })
    } else {
        None
    };
    let opts = Options { password: args.password, provenance: args.provenance, ..Default::default() };
    let batch = BatchOptions {
        jobs: args.jobs,
        timeout: (args.timeout_per_file > 0.0).then(|| Duration::from_secs_f64(args.timeout_per_file)),
        fail_fast: args.fail_fast,
    };
    let report_file = match &args.report {
        Some(path) => match PendingFile::create(path) {
            Ok(f) => Some(f),
            Err(e) => return usage_error(format!("{}: cannot create the run report: {e}", path.display())),
        },
        None => None,
    };
    // Every output is created before any work, so that an unwritable one is a
    // usage error rather than a batch of failed files.
    let primary = match (args.format, out) {
        (Format::Json, Some(dir)) => {
            if let Err(e) = std::fs::create_dir_all(&dir) {
                return usage_error(format!("{}: cannot create output directory: {e}", dir.display()));
            }
            Primary::Json(JsonDirSink::new(dir).sync(args.fsync))
        }
        (Format::Json, None) => Primary::None,
        (Format::Ndjson, Some(file)) => match NdjsonFile::create(&file) {
            Ok(f) => Primary::NdjsonFile(f, file),
            Err(e) => return usage_error(format!("{}: cannot create output file: {e}", file.display())),
        },
        (Format::Ndjson, None) => Primary::Stdout(NdjsonSink::new(io::stdout().lock(), "<stdout>")),
    };
    let tables = match &args.tables {
        Some(dir) => {
            let format = match args.tables_format {
                TablesFormat::Csv => TableFormat::Csv,
                TablesFormat::Parquet => TableFormat::Parquet,
            };
            match std::fs::create_dir_all(dir).and_then(|()| TablesSink::create(dir, format)) {
                Ok(t) => Some(t),
                Err(e) => return usage_error(format!("{}: cannot create the tables: {e}", dir.display())),
            }
        }
        None => None,
    };
    let mode = if args.quiet {
        progress::Mode::Off
    } else if io::stderr().is_terminal() {
        progress::Mode::Bar
    } else {
        progress::Mode::Lines
    };

    // Every file's report is kept only for --report: without it, memory does not
    // grow with the number of files.
    let mut files = Vec::new();
    let mut sink = Report {
        inner: Both(primary, tables),
        files: &mut files,
        keep: report_file.is_some(),
        progress: Progress::new(io::stderr(), mode, inputs.len()),
    };
    let mut summary = pipeline::convert_batch_with_stdin(&inputs, &opts, &batch, &mut sink, stdin);
    sink.progress.finish();
    let Both(primary, tables) = sink.inner;
    if let Primary::NdjsonFile(ndjson, file) = primary {
        if let Err(e) = ndjson.finish() {
            // Nothing of the stream reached the destination: every converted
            // file failed after all.
            let message = format!("cannot write output {}: {e}", file.display());
            eprintln!("perfplan: error: {}: {message}", file.display());
            summary.failures = summary.files - summary.skipped;
            summary.recovered = 0;
            for f in files.iter_mut().filter(|f| matches!(f.status, Status::Ok | Status::Recovered)) {
                f.status = Status::Failed;
                f.error = Some(message.clone());
                f.error_kind = Some("write".to_string());
            }
        }
    }
    if let Some(tables) = tables {
        let duplicates = tables.duplicates();
        match tables.finish() {
            Ok(_) if duplicates > 0 && !args.quiet => eprintln!(
                "perfplan: tables: {duplicates} input(s) repeat an earlier one (same file name and content): their rows are in the tables once"
            ),
            Ok(_) => {}
            Err(e) => {
                let dir = args.tables.as_deref().unwrap_or(Path::new("."));
                eprintln!("perfplan: error: {}: cannot write the tables: {e}", dir.display());
                summary.failures = summary.failures.max(1);
            }
        }
    }
    if let Some(report_file) = report_file {
        let path = report_file.path().to_path_buf();
        let report = RunReport::new(files, &batch, &summary);
        if let Err(e) = report_file.commit(report.to_json().as_bytes()) {
            eprintln!("perfplan: error: {}: cannot write the run report: {e}", path.display());
            summary.failures = summary.failures.max(1);
        }
    }
    if summary.still_running > 0 {
        eprintln!(
            "perfplan: {} timed-out conversion(s) had not stopped yet; they end with perfplan",
            summary.still_running
        );
    }
    if !args.quiet {
        eprintln!("perfplan: {summary}");
    }
    Ok(if summary.failures == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// Input paths listed in a file (or `-`, standard input), one per line; blank
/// lines are skipped.
fn read_input_list(list: &Path) -> io::Result<Vec<PathBuf>> {
    let text = if list.as_os_str() == "-" {
        let mut s = String::new();
        io::stdin().lock().read_to_string(&mut s)?;
        s
    } else {
        std::fs::read_to_string(list)?
    };
    Ok(text.lines().map(|l| l.trim_end_matches('\r')).filter(|l| !l.trim().is_empty()).map(PathBuf::from).collect())
}

/// Where the documents go besides the tables.
enum Primary {
    Json(JsonDirSink),
    NdjsonFile(NdjsonFile, PathBuf),
    Stdout(NdjsonSink<io::StdoutLock<'static>>),
    /// Only the tables.
    None,
}

impl Primary {
    fn sink(&mut self) -> Option<&mut dyn Sink> {
        match self {
            Primary::Json(s) => Some(s),
            Primary::NdjsonFile(s, _) => Some(s),
            Primary::Stdout(s) => Some(s),
            Primary::None => None,
        }
    }
}

impl Sink for Primary {
    fn document(&mut self, input: &Path, doc: &Document) -> Result<(), Error> {
        self.sink().map_or(Ok(()), |s| s.document(input, doc))
    }
    fn stage(&self) -> Option<Arc<dyn Stage>> {
        match self {
            Primary::Json(s) => s.stage(),
            _ => None,
        }
    }
    fn document_staged(&mut self, input: &Path, doc: &Document, staged: Staged) -> Result<(), Error> {
        self.sink().map_or(Ok(()), |s| s.document_staged(input, doc, staged))
    }
}

/// Wraps the output sinks: shows progress, reports each failed file on stderr as
/// it happens, and keeps every file's report if `keep` (for `--report`).
struct Report<'a, S> {
    inner: S,
    files: &'a mut Vec<FileReport>,
    keep: bool,
    progress: Progress<io::Stderr>,
}

impl<S: Sink> Sink for Report<'_, S> {
    fn document(&mut self, input: &Path, doc: &Document) -> Result<(), Error> {
        let r = self.inner.document(input, doc);
        exit_on_broken_pipe(&r);
        r
    }
    fn stage(&self) -> Option<Arc<dyn Stage>> {
        self.inner.stage()
    }
    fn document_staged(&mut self, input: &Path, doc: &Document, staged: Staged) -> Result<(), Error> {
        let r = self.inner.document_staged(input, doc, staged);
        exit_on_broken_pipe(&r);
        r
    }
    fn failure(&mut self, input: &Path, error: &Error) {
        self.inner.failure(input, error);
    }
    fn outcome(&mut self, report: &FileReport) {
        self.inner.outcome(report);
        if report.status == Status::Failed {
            self.progress.message(&format!(
                "perfplan: error: {}: {}",
                report.path,
                report.error.as_deref().unwrap_or("failed")
            ));
        }
        self.progress.file_done(report);
        if self.keep {
            self.files.push(report.clone());
        }
    }
}

fn exit_on_broken_pipe(r: &Result<(), Error>) {
    if let Err(Error::Write { source, .. }) = r {
        if source.kind() == io::ErrorKind::BrokenPipe {
            // The reader of stdout went away (`| head`): stop quietly.
            std::process::exit(0);
        }
    }
}

fn evaluate(args: EvalArgs) -> anyhow::Result<ExitCode> {
    let options = Options { password: args.password, ..Default::default() };
    let actual = match (args.actual, args.pdf) {
        (Some(dir), None) => Actual::Dir(dir),
        (None, Some(dir)) => Actual::Pdf { dir, options: options.clone() },
        _ => unreachable!("clap: exactly one of ACTUAL_DIR and --pdf"),
    };
    let report = match eval::evaluate(&args.expected, &actual, args.jobs) {
        Ok(r) => r,
        Err(e) => return usage_error(e),
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    let written = match args.format {
        ReportFormat::Text => report.write_text(&mut out),
        ReportFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &report).map_err(io::Error::from).and_then(|()| writeln!(out))
        }
    };
    match written.and_then(|()| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        r => r.context("cannot write to stdout")?,
    }
    if let Some(path) = &args.html {
        let page = perfplan::report::html(&report, &perfplan::report::views(&report, &options));
        perfplan::emit::write_atomic(path, page.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    if let Some(min) = args.min_score {
        if report.score < min {
            eprintln!("perfplan: score {:.4} is below --min-score {min}", report.score);
            return Ok(ExitCode::FAILURE);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn text(args: TextArgs) -> anyhow::Result<ExitCode> {
    if !args.pdf.is_file() {
        return usage_error(format!("{}: no such file", args.pdf.display()));
    }
    let opts = Options { password: args.password, ..Default::default() };
    let layouts = pipeline::layout_file(&args.pdf, &opts, args.page)?;
    match print_layouts(&mut io::BufWriter::new(io::stdout().lock()), &layouts, args.json) {
        // The reader went away (`| head`): not an error.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        r => r.context("cannot write to stdout")?,
    }
    Ok(ExitCode::SUCCESS)
}

fn print_layouts(w: &mut impl Write, layouts: &[PageLayout], json: bool) -> io::Result<()> {
    if json {
        serde_json::to_writer_pretty(&mut *w, layouts)?;
        writeln!(w)?;
    } else {
        for page in layouts {
            page.write_text(w)?;
        }
    }
    w.flush()
}
