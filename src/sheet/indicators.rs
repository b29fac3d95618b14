//! Indicator table: the indicator section's lines -> the objective's indicators
//! (description, type, normalized target).
//!
//! Owns the table's reading in steps: the header row (known and unknown columns,
//! repetitions after page breaks), the body and its column starts (a centred
//! header's column may start at a gutter left of it), the rows (anchored on the
//! description column, a row cut by a page break rejoined), the cells of each row,
//! and the target of each indicator.

use super::doc::{Doc, LineRef, Prov};
use super::table::{read_rows, TableHeader, TableRow};
use crate::labels::{self, IndColumn};
use crate::model::{Baseline, DiagCode, Diagnostic, Indicator, Target, YearTarget};
use crate::number::{parse_number, Grammar};
use crate::target;

/// Header keys whose column may span year sub-columns ("Target" over "2024 2025").
fn spans_years(c: IndColumn) -> bool {
    matches!(c, IndColumn::Target | IndColumn::Baseline | IndColumn::Actual)
}

/// Read the indicator table of the section's `lines`; `year` is the objective's
/// (it picks the `target` among per-year columns). Problems go to `diags`, sources
/// to `prov`.
pub(super) fn parse_indicators(
    doc: &Doc,
    lines: &[LineRef],
    code: &str,
    year: Option<i32>,
    diags: &mut Vec<Diagnostic>,
    prov: &mut Prov,
) -> Vec<Indicator> {
    let Some(header) = TableHeader::read(doc, lines, &labels::column, &spans_years) else {
        return missing_header(doc, lines, code, diags);
    };
    let Some(desc) = header.find(IndColumn::Description) else {
        return missing_header(doc, lines, code, diags);
    };
    let body: Vec<LineRef> = lines.iter().copied().filter(|&r| header.is_body(doc, r)).collect();
    let columns = header.columns(doc, &body);
    let body = header.keep_ruled(doc, body);
    let known: Vec<bool> = header.cols.iter().map(|c| c.key.is_some()).collect();
    let tail_ok: Vec<usize> = header.find(IndColumn::Type).into_iter().collect();
    let rows = read_rows(doc, &body, &columns, &known, desc, &tail_ok);
    indicators(doc, &header, rows, code, year, diags, prov)
}

/// No header row: a warning when some header cell was printed (a section with no
/// table at all says nothing), and no indicators.
fn missing_header(doc: &Doc, lines: &[LineRef], code: &str, diags: &mut Vec<Diagnostic>) -> Vec<Indicator> {
    let mut sorted = lines.to_vec();
    sorted.sort();
    if let Some(first) = sorted.iter().find(|&&r| labels::column(&doc.line(r).text).is_some()) {
        diags.push(Diagnostic::warning(
            Some(doc.pages[first.page].number),
            DiagCode::IndicatorsHeaderMissing,
            format!("{code}: indicator table without a recognizable header row"),
        ));
    }
    Vec::new()
}

/// The indicators of the rows, with their targets normalized and their sources
/// recorded.
pub(super) fn indicators(
    doc: &Doc,
    header: &TableHeader<IndColumn>,
    rows: Vec<TableRow>,
    code: &str,
    year: Option<i32>,
    diags: &mut Vec<Diagnostic>,
    prov: &mut Prov,
) -> Vec<Indicator> {
    let col = |k: IndColumn| header.find(k);
    let (desc, kind, unit, weight, base, actual, ach) = (
        col(IndColumn::Description),
        col(IndColumn::Type),
        col(IndColumn::Unit),
        col(IndColumn::Weight),
        col(IndColumn::Baseline),
        col(IndColumn::Actual),
        col(IndColumn::Achievement),
    );
    // Target columns: per-year ones (in column order), else the single one.
    let year_cols: Vec<(usize, i32)> = header
        .cols
        .iter()
        .enumerate()
        .filter_map(|(i, c)| (c.key == Some(IndColumn::Target)).then_some(c.year.map(|y| (i, y))).flatten())
        .collect();
    let target_col = year
        .and_then(|y| year_cols.iter().find(|(_, cy)| *cy == y))
        .or(year_cols.first())
        .map(|(i, _)| *i)
        .or_else(|| col(IndColumn::Target));
    let mut out = Vec::new();
    for (i, row) in rows.into_iter().enumerate() {
        let page_no = doc.pages[row.page].number;
        let raw = row.text(target_col);
        let (t, status) = target::parse_with_status(raw);
        if status == target::TargetStatus::Unrecognized {
            diags.push(Diagnostic::warning(
                Some(page_no),
                DiagCode::IndicatorTargetUnparsed,
                format!("{code}: target {raw:?} has no number, date or yes/no"),
            ));
        }
        for (name, c) in [("description", desc), ("type", kind), ("target", target_col)] {
            prov.add(doc, format_args!("indicators[{i}].{name}"), row.src(c));
        }
        let mut number = |c: Option<usize>, name: &str, prov: &mut Prov| -> Option<f64> {
            let c = c?;
            prov.add(doc, format_args!("indicators[{i}].{name}"), row.src(Some(c)));
            match parse_number(row.text(Some(c)), Grammar::Plain) {
                Ok(v) => v,
                Err(_) => {
                    diags.push(Diagnostic::warning(
                        Some(page_no),
                        DiagCode::ObjectiveValueUnparsed,
                        format!("{code}: indicators[{i}].{name} {:?} holds no number", row.text(Some(c))),
                    ));
                    None
                }
            }
        };
        let weight_v = number(weight, "weight", prov);
        let achievement_v = number(ach, "achievement", prov);
        let baseline = base.map(|c| {
            prov.add(doc, format_args!("indicators[{i}].baseline"), row.src(Some(c)));
            Baseline { year: header.cols[c].year, value: target::parse(row.text(Some(c))) }
        });
        let targets: Vec<YearTarget> = year_cols
            .iter()
            .enumerate()
            .map(|(j, &(c, y))| {
                prov.add(doc, format_args!("indicators[{i}].targets[{j}]"), row.src(Some(c)));
                YearTarget { year: y, target: target::parse(row.text(Some(c))) }
            })
            .collect();
        let actual_v: Option<Target> = actual.map(|c| {
            prov.add(doc, format_args!("indicators[{i}].actual"), row.src(Some(c)));
            target::parse(row.text(Some(c)))
        });
        let unit_v = unit.and_then(|c| {
            prov.add(doc, format_args!("indicators[{i}].unit"), row.src(Some(c)));
            let u = row.text(Some(c));
            (!u.is_empty()).then(|| u.to_string())
        });
        let kind_v = row.text(kind);
        out.push(Indicator {
            description: row.text(desc).to_string(),
            kind: if kind_v.is_empty() { None } else { Some(kind_v.to_string()) },
            target: t,
            unit: unit_v,
            weight: weight_v,
            baseline,
            targets,
            actual: actual_v,
            achievement: achievement_v,
        });
    }
    out
}
