//! What a batch reports: each file's [`FileReport`] (status, counts, diagnostics,
//! error class and message), the [`BatchSummary`] totals and their settling at the
//! end of the batch, and the JSON [`RunReport`] (`perfplan convert --report`).

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::time::Duration;

use serde::Serialize;

use super::batch::BatchOptions;
use super::sink::{Ending, Lost, Unfinished};
use crate::error::{Error, ExtractError};
use crate::model::{DiagCode, Diagnostic, Level};
use crate::spool::Converted;

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
    /// Not converted: after a failure with `fail_fast`, after an output failed,
    /// or because the batch was interrupted (see `error`).
    Skipped,
    /// Not converted again: the same file name and bytes as an earlier input of
    /// the batch, which stands for both (see `error` for which one).
    Duplicate,
}

/// Why a file was not converted ([`Status::Skipped`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SkipReason {
    /// An earlier file failed with `fail_fast`.
    FailFast,
    /// An output failed during the batch.
    OutputFailed,
    /// The batch was interrupted (SIGINT, SIGTERM) before or while the file was
    /// converted.
    Interrupted,
}

impl SkipReason {
    fn message(self) -> &'static str {
        match self {
            SkipReason::FailFast => "not started: an earlier file failed (--fail-fast)",
            SkipReason::OutputFailed => "not converted: an output failed and the batch stopped",
            SkipReason::Interrupted => "not converted: the batch was interrupted",
        }
    }
    fn kind(self) -> &'static str {
        match self {
            SkipReason::FailFast | SkipReason::OutputFailed => "skipped",
            SkipReason::Interrupted => "interrupted",
        }
    }
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
    /// Class of the failure: `io`, `not_pdf`, `damaged`, `password_required`, `wrong_password`,
    /// `decrypt`, `page`, `timeout`, `limit_exceeded`, `panic`, `write`,
    /// `no_objectives`; of a skipped file `skipped` or `interrupted`; of a
    /// duplicate `duplicate` (`null` when the file was converted).
    pub error_kind: Option<String>,
    /// The document was not converted again but read back from the output an
    /// earlier run wrote for this very file (`--skip-existing`).
    pub reused: bool,
    /// Wall-clock time of the conversion (0 for skipped files).
    pub duration_ms: u64,
}

impl FileReport {
    pub(super) fn converted(input: &Path, converted: &Converted, duration: Duration) -> Self {
        let doc = converted.head();
        let mut diagnostics = DiagnosticSummary { list: doc.diagnostics.clone(), ..Default::default() };
        for d in &doc.diagnostics {
            match d.level {
                Level::Info => diagnostics.info += 1,
                Level::Warning => diagnostics.warning += 1,
                Level::Error => diagnostics.error += 1,
            }
        }
        // The extractor worked around damage (see `DiagCode::RECOVERY`).
        let recovered = doc.diagnostics.iter().any(|d| DiagCode::is_recovery(&d.code));
        FileReport {
            path: input.to_string_lossy().into_owned(),
            status: if recovered { Status::Recovered } else { Status::Ok },
            pages: Some(doc.source.pages),
            objectives: converted.objective_count(),
            indicators: converted.indicator_count(),
            diagnostics,
            error: None,
            error_kind: None,
            reused: false,
            duration_ms: millis(duration),
        }
    }

    pub(super) fn failed(input: &Path, error: &Error, timeout: Option<Duration>, duration: Duration) -> Self {
        FileReport {
            path: input.to_string_lossy().into_owned(),
            status: Status::Failed,
            pages: None,
            objectives: 0,
            indicators: 0,
            diagnostics: DiagnosticSummary::default(),
            error: Some(error_message(error, timeout)),
            error_kind: Some(error_kind(error).to_string()),
            reused: false,
            duration_ms: millis(duration),
        }
    }

    pub(super) fn skipped(input: &Path, why: SkipReason) -> Self {
        FileReport {
            path: input.to_string_lossy().into_owned(),
            status: Status::Skipped,
            pages: None,
            objectives: 0,
            indicators: 0,
            diagnostics: DiagnosticSummary::default(),
            error: Some(why.message().to_string()),
            error_kind: Some(why.kind().to_string()),
            reused: false,
            duration_ms: 0,
        }
    }

    /// `input` repeats `first` (same file name and bytes): not converted again.
    pub(super) fn duplicate(input: &Path, first: &Path) -> Self {
        FileReport {
            path: input.to_string_lossy().into_owned(),
            status: Status::Duplicate,
            pages: None,
            objectives: 0,
            indicators: 0,
            diagnostics: DiagnosticSummary::default(),
            error: Some(format!(
                "the same file name and bytes as {}: converted once, as that input",
                first.to_string_lossy()
            )),
            error_kind: Some("duplicate".to_string()),
            reused: false,
            duration_ms: 0,
        }
    }

    /// A converted file whose output was lost at the end of the batch (see
    /// [`Lost::Documents`]) failed after all, with `message` and `kind` (`write`,
    /// or `interrupted` when the output was given up because the batch was).
    pub fn lose(&mut self, message: &str, kind: &str) {
        if matches!(self.status, Status::Ok | Status::Recovered) {
            self.status = Status::Failed;
            self.error = Some(message.to_string());
            self.error_kind = Some(kind.to_string());
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
        Error::NoObjectives { .. } => "no_objectives",
        Error::Extract { source, .. } => match source {
            ExtractError::NotPdf(_) => "not_pdf",
            ExtractError::Damaged(_) => "damaged",
            ExtractError::PasswordRequired => "password_required",
            ExtractError::WrongPassword => "wrong_password",
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
        Error::NoObjectives { .. } => "no objective found (--require-objectives)".to_string(),
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
    /// Files not converted (`fail_fast`, an output failed, interrupted).
    pub skipped: usize,
    /// Inputs that repeat an earlier one (same file name and bytes): not
    /// converted again.
    pub duplicates: usize,
    /// Documents read back from an earlier run's output (`--skip-existing`),
    /// also counted as converted.
    pub reused: usize,
    /// The batch was interrupted by this signal (its name, e.g. `SIGINT`): the
    /// files not converted by then are skipped.
    pub interrupted: Option<&'static str>,
    /// Timed-out conversions whose threads had not stopped yet at the end.
    pub still_running: usize,
    pub elapsed: Duration,
    /// What the sinks reported as they finished, in sink order.
    pub endings: Vec<Ending>,
    /// An output failed to write a document (disk full, I/O error): the batch
    /// stopped there, the files not yet recorded are skipped. The error, once.
    pub output_failed: Option<String>,
}

impl BatchSummary {
    /// Count what a sink reported at its end: a sink that lost every document
    /// fails every converted file, one that lost another output fails the run.
    pub fn settle(&mut self, end: Result<Option<String>, Unfinished>) {
        match end {
            Ok(None) => {}
            Ok(Some(note)) => self.endings.push(Ending::Note(note)),
            Err(unfinished) => {
                match unfinished.lost {
                    Lost::Documents => {
                        self.failures = self.files - self.skipped - self.duplicates;
                        self.recovered = 0;
                    }
                    // Given up because the batch was interrupted: that is
                    // what the run reports (exit 130/143), not a failure.
                    Lost::Output if self.interrupted.is_some() => {}
                    Lost::Output => self.failures = self.failures.max(1),
                }
                self.endings.push(Ending::Failed(unfinished));
            }
        }
    }

    /// The message every converted file failed with, when a sink lost every
    /// document ([`Lost::Documents`]).
    pub fn documents_lost(&self) -> Option<&str> {
        self.endings.iter().find_map(|e| match e {
            Ending::Failed(Unfinished { lost: Lost::Documents, message, .. }) => Some(message.as_str()),
            _ => None,
        })
    }
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
        )?;
        if self.duplicates > 0 {
            write!(f, " ({} duplicate input(s) converted once)", self.duplicates)?;
        }
        if self.reused > 0 {
            write!(f, " ({} reused from an earlier run)", self.reused)?;
        }
        if let Some(signal) = self.interrupted {
            write!(f, " (interrupted by {signal})")?;
        }
        Ok(())
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
    /// The run was interrupted by this signal (`SIGINT`, `SIGTERM`; `null` when it
    /// ran to its end): the files it did not convert are `skipped` with
    /// `error_kind` `interrupted`.
    pub interrupted: Option<String>,
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
    pub duplicates: usize,
    /// Documents read back from an earlier run's output (`--skip-existing`),
    /// among `ok` and `recovered`.
    pub reused: usize,
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
                Status::Duplicate => t.duplicates += 1,
            }
            t.reused += usize::from(f.reused);
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
            interrupted: summary.interrupted.map(str::to_string),
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

#[cfg(test)]
mod tests {
    use super::*;

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
            duplicates: 0,
            reused: 0,
            interrupted: None,
            still_running: 0,
            elapsed: Duration::from_millis(1234),
            endings: vec![],
            output_failed: None,
        };
        assert_eq!(
            s.to_string(),
            "3 files, 12 objectives, 40 indicators, 2 warnings, 1 recovered, 1 failed, 0 skipped, in 1.23s"
        );
    }

    #[test]
    fn seconds_are_printed_as_given() {
        assert_eq!(format_secs(Duration::from_secs(60)), "60");
        assert_eq!(format_secs(Duration::from_millis(500)), "0.5");
        assert_eq!(format_secs(Duration::from_secs_f64(1.25)), "1.25");
    }

    #[test]
    fn a_lost_document_fails_a_converted_file_only() {
        let report = |status| FileReport {
            path: "a.pdf".into(),
            status,
            pages: Some(1),
            objectives: 1,
            indicators: 0,
            diagnostics: DiagnosticSummary::default(),
            error: None,
            error_kind: None,
            reused: false,
            duration_ms: 1,
        };
        for status in [Status::Ok, Status::Recovered] {
            let mut f = report(status);
            f.lose("cannot write output x: gone", "write");
            assert_eq!(f.status, Status::Failed);
            assert_eq!(f.error.as_deref(), Some("cannot write output x: gone"));
            assert_eq!(f.error_kind.as_deref(), Some("write"));
        }
        let mut skipped = FileReport::skipped(Path::new("s.pdf"), SkipReason::FailFast);
        let before = skipped.clone();
        skipped.lose("m", "write");
        assert_eq!(skipped, before);
    }
}
