//! Output types: exactly the fields of the output contract (version 1), mirrored by
//! `schemas/perfplan-output.schema.json`. Field order here is the order in the JSON.

use serde::{Deserialize, Serialize};

pub const SCHEMA_VERSION: &str = "1";

/// One JSON document per input PDF (`<stem>.json`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub schema_version: String,
    pub source: Source,
    pub objectives: Vec<Objective>,
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Source {
    /// File name (no directory) of the input PDF.
    pub file: String,
    /// Hex SHA-256 of the input bytes.
    pub sha256: String,
    /// Page count of the input.
    pub pages: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Objective {
    pub code: String,
    pub year: Option<i32>,
    pub title: String,
    pub directorate: Option<String>,
    pub director: Option<String>,
    pub service: Option<String>,
    pub executive: Option<String>,
    pub classification: Option<String>,
    pub typology: Option<String>,
    pub dup_links: Vec<DupLink>,
    pub description: Option<String>,
    pub indicators: Vec<Indicator>,
    pub pages: Vec<u32>,
    /// Where each field was read (only with `--provenance`): field path
    /// (`title`, `dup_links[0].text`, `indicators[2].target`...) -> the regions of
    /// the page(s) that hold it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
}

/// Field path -> regions, in field order of appearance.
pub type Provenance = std::collections::BTreeMap<String, Vec<Region>>;

/// A box on a page: `bbox` is `[x0, top, x1, bottom]` in PDF points, origin at the
/// top-left corner of the displayed page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Region {
    pub page: u32,
    pub bbox: [f32; 4],
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DupLink {
    pub label: String,
    pub code: Option<String>,
    pub text: String,
    pub refs: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    pub description: String,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub target: Target,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Target {
    pub raw: String,
    pub value: Option<f64>,
    pub unit: Option<String>,
    pub comparator: Option<String>,
    pub date: Option<String>,
    pub boolean: Option<bool>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Info,
    Warning,
    Error,
}

/// A non-fatal finding about the input (fatal ones are errors, see `error`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub level: Level,
    /// 1-based page, when the finding is about one page.
    pub page: Option<u32>,
    /// Stable dotted code, e.g. `indicator.target.unparsed`, `page.no_text`.
    pub code: String,
    pub message: String,
}

impl Diagnostic {
    pub fn warning(page: Option<u32>, code: &str, message: impl Into<String>) -> Self {
        Diagnostic { level: Level::Warning, page, code: code.to_string(), message: message.into() }
    }
    pub fn info(page: Option<u32>, code: &str, message: impl Into<String>) -> Self {
        Diagnostic { level: Level::Info, page, code: code.to_string(), message: message.into() }
    }
}

/// One NDJSON line: an objective plus the `source` it came from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NdjsonRecord {
    pub source: NdjsonSource,
    #[serde(flatten)]
    pub objective: Objective,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NdjsonSource {
    pub file: String,
    pub sha256: String,
}
