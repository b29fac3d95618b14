//! Phase table (*FASI*, *Cronoprogramma*): the phase section's lines -> the
//! objective's phases (description, weight, start and end dates, responsible,
//! responsibility centre, notes).
//!
//! Shares the table machinery of `table.rs` with the indicator table: the header
//! (cells joined by column, repeated after page breaks), the column starts, the
//! rows anchored on the description column and rejoined across page breaks. Owns
//! what each cell means: weights as numbers, dates as ISO dates (a month is its
//! first day for a start, its last for an end), empty cells as null.

use super::doc::{Doc, LineRef, Prov};
use super::sections::Section;
use super::table::{read_rows, TableHeader, TableRow};
use super::value::{date_cell, MonthEnd};
use crate::labels::{self, PhaseColumn};
use crate::model::{DiagCode, Diagnostic, Phase};
use crate::number::{parse_number, Grammar};

/// Read the phase table of the section's `lines`. Problems go to `diags`, sources
/// to `prov`.
pub(super) fn parse_phases(
    doc: &Doc,
    lines: &[LineRef],
    code: &str,
    diags: &mut Vec<Diagnostic>,
    prov: &mut Prov,
) -> Vec<Phase> {
    let header = TableHeader::read(doc, lines, &labels::phase_column, &|_| false);
    let Some((header, desc)) = header.and_then(|h| h.find(PhaseColumn::Description).map(|d| (h, d))) else {
        if let Some(first) = lines.iter().min() {
            diags.push(Diagnostic::warning(
                Some(doc.pages[first.page].number),
                DiagCode::PhasesHeaderMissing,
                format!("{code}: phase table without a recognizable header row"),
            ));
        }
        return Vec::new();
    };
    let body: Vec<LineRef> = lines.iter().copied().filter(|&r| header.is_body(doc, r)).collect();
    let columns = header.columns(doc, &body);
    let body = header.keep_ruled(doc, body);
    let known: Vec<bool> = header.cols.iter().map(|c| c.key.is_some()).collect();
    let rows = read_rows(doc, &body, &columns, &known, desc, &[]);
    rows.iter().enumerate().map(|(i, row)| phase(doc, &header, row, i, code, diags, prov)).collect()
}

/// The sections of a sheet with every phase section that has no table header
/// (a "Fasi" sub-heading inside the description) given back to the description
/// before it, with a `phases.header.missing` warning; the others unchanged.
pub(super) fn fold_headerless(
    doc: &Doc,
    parts: &[(Section, Vec<LineRef>)],
    code: &str,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(Section, Vec<LineRef>)> {
    let mut out: Vec<(Section, Vec<LineRef>)> = Vec::with_capacity(parts.len());
    for (section, lines) in parts {
        let headerless = *section == Section::Phases && !has_header(doc, lines);
        match out.last_mut() {
            Some((Section::Desc, prev)) if headerless => {
                if let Some(first) = lines.iter().min() {
                    diags.push(Diagnostic::warning(
                        Some(doc.pages[first.page].number),
                        DiagCode::PhasesHeaderMissing,
                        format!("{code}: phase title without a table header; its lines are read as description"),
                    ));
                }
                prev.extend(lines.iter().copied());
            }
            _ => out.push((*section, lines.clone())),
        }
    }
    out
}

/// Whether `lines` open with a phase-table header (with a description column).
fn has_header(doc: &Doc, lines: &[LineRef]) -> bool {
    TableHeader::read(doc, lines, &labels::phase_column, &|_| false)
        .is_some_and(|h| h.find(PhaseColumn::Description).is_some())
}

/// One row -> one phase.
fn phase(
    doc: &Doc,
    header: &TableHeader<PhaseColumn>,
    row: &TableRow,
    i: usize,
    code: &str,
    diags: &mut Vec<Diagnostic>,
    prov: &mut Prov,
) -> Phase {
    let mut cell = |k: PhaseColumn, name: &str| -> Option<String> {
        let c = header.find(k);
        prov.add(doc, format_args!("phases[{i}].{name}"), row.src(c));
        let t = row.text(c);
        (!t.is_empty()).then(|| t.to_string())
    };
    let description = cell(PhaseColumn::Description, "description").unwrap_or_default();
    let weight_raw = cell(PhaseColumn::Weight, "weight");
    let start_raw = cell(PhaseColumn::Start, "start");
    let end_raw = cell(PhaseColumn::End, "end");
    let responsible = cell(PhaseColumn::Responsible, "responsible");
    let responsibility_center = cell(PhaseColumn::ResponsibilityCenter, "responsibility_center");
    let notes = cell(PhaseColumn::Notes, "notes");
    let weight = match weight_raw.as_deref().map(|s| parse_number(s, Grammar::Plain)) {
        Some(Ok(v)) => v,
        Some(Err(_)) => {
            diags.push(Diagnostic::warning(
                Some(doc.pages[row.page].number),
                DiagCode::ObjectiveValueUnparsed,
                format!("{code}: phases[{i}].weight {:?} holds no number", weight_raw.as_deref().unwrap_or("")),
            ));
            None
        }
        None => None,
    };
    Phase {
        description,
        weight,
        start: start_raw.as_deref().and_then(|s| date_cell(s, MonthEnd::First)),
        end: end_raw.as_deref().and_then(|s| date_cell(s, MonthEnd::Last)),
        responsible,
        responsibility_center,
        notes,
    }
}
