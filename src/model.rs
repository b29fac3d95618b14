//! Output types: exactly the fields of the output contract (version 2), mirrored by
//! `schemas/perfplan-output.schema.json`. Field order here is the order in the JSON.

use serde::{Deserialize, Serialize};

pub const SCHEMA_VERSION: &str = "2";

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
    /// v2: *Livello obiettivo* as printed.
    pub level: Option<String>,
    /// v2: *Centro di Responsabilità* (code and name).
    pub responsibility_center: Option<ResponsibilityCenter>,
    /// v2: the objective's *Peso*.
    pub weight: Option<f64>,
    /// v2: *Finalità*, same text rules as `description`.
    pub purpose: Option<String>,
    /// v2: rows of the *FASI* table, in order, across page breaks.
    pub phases: Vec<Phase>,
    /// v2: the objective's degree of achievement (performance reports).
    pub achievement: Option<f64>,
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

/// v2: a *Centro di Responsabilità*: `code` is a leading number or code separated
/// from the name by ` - `.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ResponsibilityCenter {
    pub code: Option<String>,
    pub name: String,
}

/// v2: a row of the *FASI* table.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Phase {
    pub description: String,
    pub weight: Option<f64>,
    /// ISO date; a month is its first day.
    pub start: Option<String>,
    /// ISO date; a month is its last day.
    pub end: Option<String>,
    pub responsible: Option<String>,
    /// The phase's *Centro di Responsabilità* cell as printed.
    pub responsibility_center: Option<String>,
    pub notes: Option<String>,
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
    /// v2: the *Unità di misura* cell as printed.
    pub unit: Option<String>,
    /// v2: the indicator's *Peso*.
    pub weight: Option<f64>,
    /// v2: the starting value; null only when the table has no baseline column.
    pub baseline: Option<Baseline>,
    /// v2: every per-year target column, in column order.
    pub targets: Vec<YearTarget>,
    /// v2: the achieved value of a performance report.
    pub actual: Option<Target>,
    /// v2: the indicator's *% raggiungimento*.
    pub achievement: Option<f64>,
}

/// v2: an indicator's starting value.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    /// The year printed in the baseline's header, else null.
    pub year: Option<i32>,
    pub value: Target,
}

/// v2: one per-year target column's cell.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct YearTarget {
    pub year: i32,
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
    /// Stable dotted code, one of [`DiagCode`], e.g. `indicator.target.unparsed`, `page.no_text`.
    pub code: String,
    pub message: String,
}

impl Diagnostic {
    pub fn warning(page: Option<u32>, code: impl AsRef<str>, message: impl Into<String>) -> Self {
        Diagnostic { level: Level::Warning, page, code: code.as_ref().to_string(), message: message.into() }
    }
    pub fn info(page: Option<u32>, code: impl AsRef<str>, message: impl Into<String>) -> Self {
        Diagnostic { level: Level::Info, page, code: code.as_ref().to_string(), message: message.into() }
    }
    pub fn error(page: Option<u32>, code: impl AsRef<str>, message: impl Into<String>) -> Self {
        Diagnostic { level: Level::Error, page, code: code.as_ref().to_string(), message: message.into() }
    }
}

/// Every diagnostic code perfplan emits, and when. The output holds the dotted
/// string ([`DiagCode::as_str`]): the strings are part of the output contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DiagCode {
    /// `page.no_text`: a page without a text layer; the message mentions its
    /// images when it is probably a scan (OCR is not supported).
    PageNoText,
    /// `page.extract_failed` (level `error`): a page that could not be extracted;
    /// the other pages go on.
    PageExtractFailed,
    /// `page.extract_warning`: a finding of the extractor about an intact page
    /// (glyphs without a Unicode mapping...), once per distinct message.
    PageExtractWarning,
    /// `document.no_objectives`: no objective sheet found in the document.
    DocumentNoObjectives,
    /// `document.truncated`: the file does not end with `%%EOF`, it was probably
    /// cut short.
    DocumentTruncated,
    /// `document.extract_warning`: damage the extractor worked around (xref
    /// rebuilt or repaired, page-tree cycles, pages past the limit, object
    /// streams over a byte budget).
    DocumentExtractWarning,
    /// `sheet.grid.missing`: a sheet heading without a label grid after it.
    SheetGridMissing,
    /// `indicators.header.missing`: an indicator table without a recognizable
    /// header row (its rows are left out).
    IndicatorsHeaderMissing,
    /// `indicator.target.unparsed`: an indicator target with no number, date or
    /// yes/no in it (kept as `raw` only).
    IndicatorTargetUnparsed,
    /// `objective.value_unparsed`: a weight or achievement cell (of an objective,
    /// an indicator or a phase) that holds no number (`n.d.`, `-`): the field is
    /// null and the message names it.
    ObjectiveValueUnparsed,
    /// `phases.header.missing`: a phase table (*FASI*) without a recognizable
    /// header row (its rows are left out).
    PhasesHeaderMissing,
}

impl DiagCode {
    /// Every code, in the order above.
    pub const ALL: [DiagCode; 11] = [
        DiagCode::PageNoText,
        DiagCode::PageExtractFailed,
        DiagCode::PageExtractWarning,
        DiagCode::DocumentNoObjectives,
        DiagCode::DocumentTruncated,
        DiagCode::DocumentExtractWarning,
        DiagCode::SheetGridMissing,
        DiagCode::IndicatorsHeaderMissing,
        DiagCode::IndicatorTargetUnparsed,
        DiagCode::ObjectiveValueUnparsed,
        DiagCode::PhasesHeaderMissing,
    ];

    /// Codes that make a converted document `recovered` rather than `ok`: the
    /// extractor worked around damage. (`page.extract_warning`, such as glyphs
    /// without a Unicode mapping, is a finding about an intact file: still `ok`.)
    pub const RECOVERY: [DiagCode; 3] =
        [DiagCode::PageExtractFailed, DiagCode::DocumentExtractWarning, DiagCode::DocumentTruncated];

    /// The code as written in the output.
    pub const fn as_str(self) -> &'static str {
        match self {
            DiagCode::PageNoText => "page.no_text",
            DiagCode::PageExtractFailed => "page.extract_failed",
            DiagCode::PageExtractWarning => "page.extract_warning",
            DiagCode::DocumentNoObjectives => "document.no_objectives",
            DiagCode::DocumentTruncated => "document.truncated",
            DiagCode::DocumentExtractWarning => "document.extract_warning",
            DiagCode::SheetGridMissing => "sheet.grid.missing",
            DiagCode::IndicatorsHeaderMissing => "indicators.header.missing",
            DiagCode::IndicatorTargetUnparsed => "indicator.target.unparsed",
            DiagCode::ObjectiveValueUnparsed => "objective.value_unparsed",
            DiagCode::PhasesHeaderMissing => "phases.header.missing",
        }
    }

    /// `code` (a [`Diagnostic::code`]) is one of [`DiagCode::RECOVERY`].
    pub fn is_recovery(code: &str) -> bool {
        DiagCode::RECOVERY.iter().any(|c| c.as_str() == code)
    }
}

impl AsRef<str> for DiagCode {
    fn as_ref(&self) -> &str {
        self.as_str()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostic_codes_are_distinct_dotted_strings() {
        let codes: Vec<&str> = DiagCode::ALL.iter().map(|c| c.as_str()).collect();
        for (i, c) in codes.iter().enumerate() {
            assert!(!codes[..i].contains(c), "{c} twice");
            assert!(c.contains('.') && c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '.' || ch == '_'), "{c}");
        }
        assert_eq!(Diagnostic::warning(None, DiagCode::PageNoText, "m").code, "page.no_text");
    }

    #[test]
    fn recovery_codes() {
        let recovery: Vec<&str> =
            DiagCode::ALL.iter().filter(|c| DiagCode::is_recovery(c.as_str())).map(|c| c.as_str()).collect();
        assert_eq!(recovery, ["page.extract_failed", "document.truncated", "document.extract_warning"]);
        assert!(!DiagCode::is_recovery("page.extract_warning"));
        assert!(!DiagCode::is_recovery("x.y"));
    }
}
