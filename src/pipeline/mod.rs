//! One file through every stage, and batches of files.
//!
//! * [`convert`]: PDF bytes -> [`Document`](crate::model::Document) (extract ->
//!   layout per page, then sheet over all pages); per-page extraction failures
//!   become diagnostics. [`convert_file`] reads a file and converts it behind the
//!   panic boundary ([`guard`]), so a bug anywhere in the stages fails that one
//!   file with [`Error::Panic`](crate::error::Error::Panic) instead of taking the
//!   process down.
//! * [`batch`]: many files on a pool of worker threads; results reach the
//!   [`Sink`]s ([`sink`]: the lifecycle `begin` / per file / `finish`) in input
//!   order, and one bad file never stops the batch.
//! * [`report`]: each file's outcome, the batch totals, the run report.
//! * [`inputs`]: command-line paths -> the list of PDFs to convert.
//! * [`command`]: `perfplan convert` as a validated [`ConvertPlan`] and [`run`]:
//!   outputs created, batch run, its end settled and reported.
//! * [`inspect`]: the page layouts of one PDF (`perfplan text`).
//!
//! This module never sees command-line types; `main.rs` maps arguments to plain
//! values ([`ConvertRequest`], [`Options`]).

pub mod batch;
pub mod command;
pub mod convert;
pub mod escape;
pub mod guard;
pub mod inputs;
pub mod inspect;
pub mod interrupt;
pub mod outputs;
pub mod report;
pub mod sink;
pub mod stages;

pub use batch::{convert_batch, convert_batch_with_stdin, BatchOptions, DEFAULT_TIMEOUT};
pub use command::{run, ConvertPlan, ConvertRequest, DocumentOutput, OutputFormat, OutputPlan, RunOutcome};
pub use convert::{
    assemble, convert_bytes, convert_bytes_with, convert_file, convert_file_with, file_name, should_stop, Options,
    SheetStream,
};
pub use escape::escape;
pub use guard::guarded;
pub use inputs::{expand_inputs, expand_listed_inputs, read_input_list, StdinPdf, DEFAULT_MAX_FILE_SIZE, STDIN};
pub use inspect::{layout_file, write_layouts};
pub use interrupt::Interrupt;
pub use report::{
    error_kind, error_message, format_secs, BatchSummary, DiagnosticSummary, FileReport, LevelCounts, RunReport,
    RunTotals, Status,
};
pub use sink::{Ending, Lost, Sink, Stage, Staged, Unfinished};
