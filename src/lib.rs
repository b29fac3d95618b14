//! perfplan: Italian municipal performance-plan (PEG) PDFs to normalized JSON.
//!
//! The pipeline is a chain of stages, one module each, every stage a function from
//! one typed value to the next:
//!
//! ```text
//! PDF bytes --extract--> Page (glyphs + rules) --layout--> PageLayout (lines, cells)
//!           --sheet--> Objective records --emit--> contract JSON / NDJSON
//! ```
//!
//! `pipeline` wires the stages together for one file (behind a panic boundary) and
//! for batches.

pub mod columns;
pub mod emit;
pub mod error;
pub mod eval;
pub mod extract;
pub mod labels;
pub mod layout;
pub mod model;
pub mod number;
pub mod params;
pub mod pipeline;
pub mod progress;
pub mod report;
pub mod sheet;
pub mod spool;
pub mod tables;
pub mod target;
#[cfg(test)]
mod testkit;
pub mod text;
