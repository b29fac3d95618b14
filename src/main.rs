//! `perfplan` command line: argument parsing and exit codes only; the work, and
//! what it reports on stderr, is in the library (`perfplan::pipeline::run` for
//! `convert`, `perfplan::eval` for `eval`).
//!
//! `eval` scores output against ground truth (`perfplan::eval`): exit 0, 1 when the
//! score is below `--min-score`, 2 on a usage error (an `--html` file that cannot
//! be written included).
//!
//! `text`: exit 0, 1 when the PDF cannot be read or has no such page, 2 on a usage
//! error (a path that does not exist or is a directory).
//!
//! Exit codes of `convert`: 0 every file converted (`ok` or `recovered`), 1 some
//! file failed (with `--require-objectives`, converted to no objective) or was skipped (the others are
//! written), 2 usage error (bad arguments, an input path that does not exist, no PDF found, an output that
//! cannot be created or that is an input or another output); nothing is converted on a usage error; 3 an
//! output failed during the batch (disk full, I/O error): the batch stopped there.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

use perfplan::error::UsageError;
use perfplan::eval::{self, Actual};
use perfplan::pipeline::{self, ConvertPlan, ConvertRequest, Interrupt, Options, OutputFormat};
use perfplan::tables::TableFormat;

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
#[command(after_help = "Exit status: 0 every file converted; 1 some file failed (with --require-objectives: \
yielded no objective) or was skipped (the others are written); 2 usage error (bad arguments, no input, output \
not writable, an output that is an input or another output); 3 an output failed during the batch (disk full, \
I/O error): the batch stopped.\n\
Environment: PERFPLAN_PASSWORD is the user password when neither --password nor --password-file is given; PERFPLAN_PANIC_TRACE=1 prints the backtrace of an internal error caught at the file boundary; PERFPLAN_STAGE_TIMES=1 prints the time spent by stage.")]
struct ConvertArgs {
    /// Input PDF files and/or directories; `-` reads one PDF from standard input.
    #[arg(value_name = "PDF|DIR|-")]
    inputs: Vec<PathBuf>,
    /// json: output directory (created if missing; required unless --tables is
    /// given). ndjson: output file, `-` or omitted for stdout.
    #[arg(short, long, value_name = "DIR|FILE")]
    out: Option<PathBuf>,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = Format::Json)]
    format: Format,
    /// Files converted in parallel (0 = one per CPU core; at most 4x the cores:
    /// more is capped, with a warning).
    #[arg(short, long, value_name = "N", default_value_t = 0, allow_negative_numbers = true, value_parser = parse_jobs)]
    jobs: usize,
    #[command(flatten)]
    password: PasswordArgs,
    /// Add to every objective where each field was read (page and box).
    #[arg(long)]
    provenance: bool,
    /// Time limit for one file, in seconds, fractions allowed (0 = none): at the limit the file fails
    /// with "timed out after N s" and the batch goes on.
    #[arg(long, value_name = "SECS", default_value = "60", value_parser = parse_timeout)]
    timeout_per_file: f64,
    /// Go on after a failed file (the default).
    #[arg(long, conflicts_with = "fail_fast")]
    keep_going: bool,
    /// Stop at the first failed file: files not yet started are reported as skipped.
    #[arg(long)]
    fail_fast: bool,
    /// A file that converts to no objective fails (status `failed`, error kind
    /// `no_objectives`, exit 1), for loads that must not proceed on nothing.
    #[arg(long)]
    require_objectives: bool,
    /// JSON: do not convert again an input whose `<stem>.json` in --out an
    /// earlier run wrote for this very file (same name and SHA-256, same
    /// --provenance, perfplan's exact serialization): the document is read back
    /// and still goes to --tables and --report. Continues an interrupted batch;
    /// the outputs are those of an uninterrupted run.
    #[arg(long)]
    skip_existing: bool,
    /// Flush each JSON file to disk before it is renamed into place, so that it
    /// survives a power loss (outputs are always written atomically: a file is
    /// never seen half-written; this costs a disk flush per file).
    #[arg(long)]
    fsync: bool,
    /// Write a JSON run report here: every input's status, counts, diagnostics,
    /// error and duration, and the totals.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Also write the batch as relational tables into DIR: objectives, dup_links,
    /// indicators, phases and indicator_targets (keys stable across runs and unique
    /// across files).
    #[arg(long, value_name = "DIR")]
    tables: Option<PathBuf>,
    /// Format of --tables.
    #[arg(long, value_enum, default_value_t = TablesFormat::Csv, requires = "tables")]
    tables_format: TablesFormat,
    /// Also convert the files listed in FILE, one path per line (`-`: read the
    /// list from standard input, e.g. from a `find` or from Spark's `pipe`; the
    /// input `-` instead reads one PDF's bytes).
    #[arg(long, value_name = "FILE")]
    inputs_from: Option<PathBuf>,
    /// File name recorded for the PDF read from standard input (input `-`): a plain
    /// file name (no `/` or `\\`, not empty, not `.` or `..`).
    #[arg(long, value_name = "NAME", default_value = "stdin.pdf")]
    stdin_name: String,
    /// A larger input fails without being read (its size is checked before reading
    /// it; standard input is counted while read). Bytes, or with a K, M or G suffix
    /// (KiB, MiB, GiB).
    #[arg(long, value_name = "BYTES", default_value = "512M", value_parser = parse_size)]
    max_file_size: u64,
    /// No progress and no summary line on stderr (errors are still reported).
    #[arg(short, long)]
    quiet: bool,
}

/// The user password of encrypted PDFs (not needed for PDFs protected only by an
/// owner password: those open without it), from one of three places.
#[derive(clap::Args)]
struct PasswordArgs {
    /// User password for encrypted PDFs (visible to other users in `ps`: prefer
    /// --password-file or the PERFPLAN_PASSWORD environment variable).
    #[arg(long, value_name = "PW", conflicts_with = "password_file")]
    password: Option<String>,
    /// Read the user password from the first line of FILE (line end excluded).
    #[arg(long, value_name = "FILE")]
    password_file: Option<PathBuf>,
}

/// The environment variable holding the user password when neither --password
/// nor --password-file is given.
const PASSWORD_ENV: &str = "PERFPLAN_PASSWORD";

impl PasswordArgs {
    /// The password: --password, else the first line of --password-file, else
    /// $PERFPLAN_PASSWORD (an empty value is none).
    fn resolve(self) -> Result<Option<String>, String> {
        if let Some(pw) = self.password {
            return Ok(Some(pw));
        }
        if let Some(file) = self.password_file {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| format!("--password-file {}: cannot read: {e}", file.display()))?;
            let line = text.lines().next().unwrap_or("").trim_end_matches('\r');
            return Ok(Some(line.to_string()));
        }
        Ok(std::env::var(PASSWORD_ENV).ok().filter(|p| !p.is_empty()))
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum TablesFormat {
    /// RFC 4180 CSV, UTF-8, with a header row.
    Csv,
    /// Parquet with typed columns.
    Parquet,
}

fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (digits, shift) = match t.char_indices().last() {
        Some((i, 'k' | 'K')) => (&t[..i], 10),
        Some((i, 'm' | 'M')) => (&t[..i], 20),
        Some((i, 'g' | 'G')) => (&t[..i], 30),
        _ => (t, 0),
    };
    match digits.parse::<u64>() {
        Ok(n) if n > 0 && n.checked_shl(shift).is_some_and(|v| v >> shift == n) => Ok(n << shift),
        _ => Err(format!("not a size in bytes (e.g. 1048576, 512M, 2G): {s}")),
    }
}

fn parse_jobs(s: &str) -> Result<usize, String> {
    match s.trim().parse::<i64>() {
        Ok(n) if n < 0 => Err(format!("jobs must be 0 (one per CPU core) or positive, not {n}")),
        Ok(n) => usize::try_from(n).map_err(|_| format!("too many jobs: {n}")),
        Err(_) => Err(format!("jobs must be 0 (one per CPU core) or a positive whole number, not {s:?}")),
    }
}

/// `jobs` bounded by 4x the cores: more only adds memory (each job holds a
/// whole document), so it is capped with a warning.
fn bounded_jobs(jobs: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let max = cores.saturating_mul(4);
    if jobs > max {
        eprintln!("perfplan: warning: --jobs {jobs} is more than 4x the {cores} CPU core(s): using {max}");
        max
    } else {
        jobs
    }
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
#[command(after_help = "Exit status: 0 scored (and at or above --min-score); 1 below --min-score; \
2 usage error or unreadable input.")]
struct EvalArgs {
    /// Directory holding the ground truth, <stem>.expected.json.
    #[arg(value_name = "EXPECTED_DIR")]
    expected: PathBuf,
    /// Directory holding the output to score, <stem>.json (give this or --pdf,
    /// exactly one).
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
    /// With --pdf: files converted in parallel (0 = one per CPU core; at most 4x
    /// the cores: more is capped, with a warning).
    #[arg(short, long, value_name = "N", default_value_t = 0, allow_negative_numbers = true, value_parser = parse_jobs)]
    jobs: usize,
    #[command(flatten)]
    password: PasswordArgs,
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
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    page: Option<u32>,
    /// Dump the page layouts as JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    password: PasswordArgs,
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
        eprintln!("perfplan: error: {}", pipeline::escape(&format!("{e:#}")));
        ExitCode::FAILURE
    })
}

const USAGE: u8 = 2;
/// `convert`: an output failed during the batch (disk full, I/O error); the batch
/// stopped at it.
const OUTPUT_FAILED: u8 = 3;

/// SIGINT and SIGTERM during `convert`: the first lets the files in progress
/// finish and starts no more, the second abandons them; either way the batch
/// ends cleanly (outputs completed or given up whole, temporary files removed,
/// the run report written) and perfplan exits 130 (SIGINT) or 143 (SIGTERM). A
/// third ends the process at once (the next run into the same folders removes
/// the temporary files it leaves). `None` when signals cannot be watched: they
/// then end the process as usual.
#[cfg(unix)]
fn watch_signals() -> Option<Arc<Interrupt>> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let interrupt = Arc::new(Interrupt::new());
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]).ok()?;
    let watched = Arc::clone(&interrupt);
    std::thread::Builder::new()
        .name("perfplan-signals".into())
        .spawn(move || {
            for signal in signals.forever() {
                let name = if signal == SIGTERM { "SIGTERM" } else { "SIGINT" };
                match watched.request(name) {
                    1 => eprintln!(
                        "perfplan: {name}: finishing the files in progress, starting no more (again: abandon them)"
                    ),
                    2 => eprintln!("perfplan: {name}: abandoning the files in progress"),
                    _ => {
                        eprintln!("perfplan: {name}: stopping now");
                        std::process::exit(128 + signal);
                    }
                }
            }
        })
        .ok()?;
    Some(interrupt)
}

#[cfg(not(unix))]
fn watch_signals() -> Option<Arc<Interrupt>> {
    None
}

fn usage_error(message: impl std::fmt::Display) -> anyhow::Result<ExitCode> {
    eprintln!("perfplan: error: {}", pipeline::escape(&message.to_string()));
    Ok(ExitCode::from(USAGE))
}

fn convert(args: ConvertArgs) -> anyhow::Result<ExitCode> {
    let password = match args.password.resolve() {
        Ok(pw) => pw,
        Err(e) => return usage_error(e),
    };
    let request = ConvertRequest {
        inputs: args.inputs,
        inputs_from: args.inputs_from,
        stdin_name: args.stdin_name,
        format: match args.format {
            Format::Json => OutputFormat::Json,
            Format::Ndjson => OutputFormat::Ndjson,
        },
        out: args.out,
        fsync: args.fsync,
        tables: args.tables,
        tables_format: match args.tables_format {
            TablesFormat::Csv => TableFormat::Csv,
            TablesFormat::Parquet => TableFormat::Parquet,
        },
        report: args.report,
        options: Options {
            password,
            provenance: args.provenance,
            max_file_size: args.max_file_size,
            ..Default::default()
        },
        jobs: bounded_jobs(args.jobs),
        timeout_per_file: args.timeout_per_file,
        fail_fast: args.fail_fast,
        require_objectives: args.require_objectives,
        skip_existing: args.skip_existing,
        interrupt: watch_signals(),
        quiet: args.quiet,
    };
    let outcome = ConvertPlan::new(request).and_then(pipeline::run);
    if std::env::var_os("PERFPLAN_STAGE_TIMES").is_some_and(|v| v == "1") {
        let times: Vec<String> = pipeline::stages::stage_times()
            .iter()
            .map(|(stage, t)| format!("{} {:.3}", stage.name(), t.as_secs_f64()))
            .collect();
        eprintln!("perfplan: stage times (thread seconds): {}", times.join(", "));
    }
    match outcome {
        Ok(outcome) if outcome.interrupted().is_some() => {
            Ok(ExitCode::from(if outcome.interrupted() == Some("SIGTERM") { 128 + 15 } else { 128 + 2 }))
        }
        Ok(outcome) if outcome.output_failed() => Ok(ExitCode::from(OUTPUT_FAILED)),
        Ok(outcome) => Ok(if outcome.success() { ExitCode::SUCCESS } else { ExitCode::FAILURE }),
        Err(e @ UsageError::MissingOut) => {
            // The error and usage of `perfplan convert`, not of `perfplan`.
            let mut cli = Cli::command();
            cli.build();
            let convert = cli.find_subcommand_mut("convert").expect("convert is a subcommand");
            convert.error(clap::error::ErrorKind::MissingRequiredArgument, e).exit()
        }
        Err(e) => usage_error(e),
    }
}

fn evaluate(args: EvalArgs) -> anyhow::Result<ExitCode> {
    let password = match args.password.resolve() {
        Ok(pw) => pw,
        Err(e) => return usage_error(e),
    };
    let options = Options { password, ..Default::default() };
    if let Some(path) = &args.html {
        let dirs: Vec<&std::path::Path> = [Some(args.expected.as_path()), args.actual.as_deref(), args.pdf.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        if let Err(e) = pipeline::outputs::check_output_file("--html", path, &dirs) {
            return usage_error(e);
        }
    }
    let actual = match (args.actual, args.pdf) {
        (Some(dir), None) => Actual::Dir(dir),
        (None, Some(dir)) => Actual::Pdf { dir, options: Box::new(options.clone()) },
        _ => unreachable!("clap: exactly one of ACTUAL_DIR and --pdf"),
    };
    let report = match eval::evaluate(&args.expected, &actual, bounded_jobs(args.jobs)) {
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
        // An output that cannot be written is a usage/IO error (2): 1 is kept for
        // a score below --min-score.
        if let Err(e) = perfplan::emit::write_atomic(path, page.as_bytes()) {
            return usage_error(format!("{}: cannot write the HTML report (--html): {e}", path.display()));
        }
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
    if args.pdf.is_dir() {
        return usage_error(format!("{}: is a directory (`text` shows one PDF file)", args.pdf.display()));
    }
    if !args.pdf.is_file() {
        return usage_error(format!("{}: no such file", args.pdf.display()));
    }
    let password = match args.password.resolve() {
        Ok(pw) => pw,
        Err(e) => return usage_error(e),
    };
    let opts = Options { password, ..Default::default() };
    let layouts = match pipeline::layout_file(&args.pdf, &opts, args.page) {
        Ok(layouts) => layouts,
        Err(e) => {
            // The error's own message names the file and its cause once (`{e:#}`
            // would repeat the cause).
            eprintln!("perfplan: error: {}", pipeline::escape(&e.to_string()));
            return Ok(ExitCode::FAILURE);
        }
    };
    match pipeline::write_layouts(&mut io::BufWriter::new(io::stdout().lock()), &layouts, args.json) {
        // The reader went away (`| head`): not an error.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        r => r.context("cannot write to stdout")?,
    }
    Ok(ExitCode::SUCCESS)
}
