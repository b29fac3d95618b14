//! Where a batch's outcomes go: the [`Sink`] trait and its lifecycle.
//!
//! A batch hands its sinks, in order: [`Sink::begin`] before the first file; for
//! each file in input order [`Sink::document`] (or [`Sink::document_staged`] with
//! what the sink's [`Stage`] prepared on a worker thread), [`Sink::failure`] when it
//! failed, and [`Sink::outcome`]; then [`Sink::finish`] after the last file, where
//! a sink completes its output. A sink that cannot complete it says what is lost
//! ([`Unfinished`]) and the batch settles its totals accordingly (see
//! `BatchSummary::endings`).

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::convert::Options;
use super::report::{BatchSummary, FileReport};
use crate::error::Error;
use crate::model::Document;
use crate::spool::Converted;

/// Output work a sink has done on the worker threads, in parallel and in any
/// order, right after a file is converted (serializing it, writing a temporary
/// file): the sink completes it in input order in [`Sink::document_staged`].
/// Keeps the thread that records outcomes from being the bottleneck of a batch
/// of small files.
pub trait Stage: Send + Sync {
    fn stage(&self, input: &Path, doc: &Converted) -> Result<Staged, Error>;
    /// Before converting `input`: the document this sink's output already holds
    /// for this very input, written by an earlier run with the same options
    /// (`--skip-existing`), or `None` (the default) to convert it. A document
    /// returned here is not converted again: the other sinks get it as if it
    /// were, and this one gets [`Staged::Kept`].
    fn existing(&self, _input: &Path, _opts: &Options) -> Option<Document> {
        None
    }
}

/// What a [`Stage`] hands over to its sink.
pub enum Staged {
    /// The output written (and synced, if asked) to a temporary file beside its
    /// destination: only the rename into place is left. Dropped, it is deleted.
    File(tempfile::NamedTempFile),
    /// The output already holds this document ([`Stage::existing`]): nothing
    /// to write.
    Kept,
    /// The bytes to append to the output (NDJSON lines), in memory or in a
    /// temporary file.
    Bytes(crate::spool::Bytes),
}

/// Receives the outcome of every file of a batch, in input order.
pub trait Sink {
    /// Before the first file; `total` files will follow.
    fn begin(&mut self, _total: usize) {}
    /// A converted document: write it. An error here counts the file as failed
    /// (and the sinks after this one do not get the document).
    fn document(&mut self, input: &Path, doc: &Converted) -> Result<(), Error>;
    /// Work of this sink to run on the worker threads (see [`Stage`]); `None`
    /// (the default): all output happens in [`Sink::document`].
    fn stage(&self) -> Option<Arc<dyn Stage>> {
        None
    }
    /// A converted document whose output [`Sink::stage`] prepared; by default the
    /// staged work is dropped and the document written through [`Sink::document`].
    fn document_staged(&mut self, input: &Path, doc: &Converted, _staged: Staged) -> Result<(), Error> {
        self.document(input, doc)
    }
    /// A file that failed to convert or to be written.
    fn failure(&mut self, _input: &Path, _error: &Error) {}
    /// Every file's outcome (after [`Sink::document`] or [`Sink::failure`]), also
    /// for the files skipped after a failure with `fail_fast`.
    fn outcome(&mut self, _report: &FileReport) {}
    /// After the last file: complete the output (rename it into place...).
    /// `summary` holds the batch's totals, settled with what the sinks finished
    /// before this one reported. `Ok(Some(note))`: done, with a remark for the
    /// user.
    fn finish(&mut self, _summary: &BatchSummary) -> Result<Option<String>, Unfinished> {
        Ok(None)
    }
}

/// A sink that could not complete its output at the end of a batch.
#[derive(Clone, Debug, PartialEq)]
pub struct Unfinished {
    /// The output that is missing.
    pub out: PathBuf,
    /// What went wrong, without the output's path (`cannot write the tables: ...`).
    pub message: String,
    pub lost: Lost,
}

/// What an [`Unfinished`] sink lost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lost {
    /// Every document written to it (an NDJSON file that never reached its
    /// destination): every converted file failed after all.
    Documents,
    /// An output beside the documents (the tables, the run report): the documents
    /// stand, the run failed.
    Output,
}

/// What a sink reported at [`Sink::finish`], kept in `BatchSummary::endings`.
#[derive(Clone, Debug, PartialEq)]
pub enum Ending {
    /// A remark for the user.
    Note(String),
    Failed(Unfinished),
}

/// The line for the user, without the `perfplan: ` prefix.
impl fmt::Display for Ending {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ending::Note(note) => f.write_str(note),
            Ending::Failed(u) => write!(f, "error: {}: {}", u.out.display(), u.message),
        }
    }
}
