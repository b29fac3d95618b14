//! Typed library errors: fatal per-file failures ([`Error`], [`ExtractError`]) and
//! requests that cannot run ([`UsageError`]); non-fatal findings are
//! [`crate::model::Diagnostic`]s in the output.

use std::path::PathBuf;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum ExtractError {
    #[error("not a PDF: {0}")]
    NotPdf(String),
    #[error("damaged PDF: {0}")]
    Damaged(String),
    #[error("password required (the file is encrypted with a user password)")]
    PasswordRequired,
    /// A user password was given and it does not open the file.
    #[error("wrong password (the given password does not open this encrypted file)")]
    WrongPassword,
    #[error("cannot decrypt: {0}")]
    Decrypt(String),
    #[error("page {page}: {message}")]
    Page { page: u32, message: String },
    /// The deadline of [`crate::extract::Limits`] passed, or its cancel flag was set.
    #[error("timed out")]
    Timeout,
    /// A resource limit of [`crate::extract::Limits`] was hit (decoded bytes of one
    /// stream or of the whole document, page count, operators of one page...).
    #[error("limit exceeded: {0}")]
    LimitExceeded(String),
}

#[derive(Debug, Error)]
pub enum Error {
    #[error("{file}: cannot read: {source}")]
    Io { file: PathBuf, source: std::io::Error },
    #[error("{file}: {source}")]
    Extract { file: PathBuf, source: ExtractError },
    #[error("{file}: internal error (panic): {message}")]
    Panic { file: PathBuf, message: String },
    #[error("{file}: cannot write output {out}: {source}")]
    Write { file: PathBuf, out: PathBuf, source: std::io::Error },
    /// Converted to no objective, and objectives were required
    /// (`--require-objectives`): nothing of the file is written.
    #[error("{file}: no objective found (--require-objectives)")]
    NoObjectives { file: PathBuf },
}

/// A `perfplan convert` request that cannot run (bad arguments, an input path
/// that does not exist, no PDF found, an output that cannot be created): nothing
/// is converted.
#[derive(Debug, Error)]
pub enum UsageError {
    /// No output at all: `--format json` without `--out DIR` or `--tables DIR`.
    #[error("--out DIR is required with --format json (unless only --tables DIR is wanted)")]
    MissingOut,
    #[error("{0}")]
    Invalid(String),
}
