//! Label grid: the grid section's lines -> the objective's grid fields
//! (directorate, director, service, executive, classification, typology; v2:
//! level, responsibility centre, weight, achievement).
//!
//! Owns where a grid label's value is: to its right up to the next label of its row
//! (in its cell's row band, or down to the next label row when borderless), or,
//! for a columnar row of labels with nothing beside them, in the row below, column
//! by column, cut where a word starts exactly under the next label.

use super::doc::{Doc, LineRef, Prov};
use super::units::LabelUnit;
use crate::labels::{GridField, Label};
use crate::model::{Diagnostic, Objective, ResponsibilityCenter};
use crate::number::{parse_number, unparsed_diagnostic, Grammar};
use crate::text::{collapse, join_lines};

/// A row of at least this many labels with nothing beside them is a columnar header
/// (values below, column by column).
const MIN_COLUMNAR_LABELS: usize = 2;

/// A vertical band of a page, `top..bottom` (points, exclusive).
#[derive(Clone, Copy, Debug)]
struct Band {
    top: f32,
    bottom: f32,
}

impl Band {
    fn contains(&self, y: f32) -> bool {
        y > self.top && y < self.bottom
    }
}

/// Read the grid fields from the grid section's `lines`, given the grid's label
/// units (one per field).
pub(super) fn parse_grid(
    doc: &Doc,
    grid: &[&LabelUnit],
    lines: &[LineRef],
    obj: &mut Objective,
    prov: &mut Prov,
    diags: &mut Vec<Diagnostic>,
) {
    let p = doc.p;
    let tol = p.edge_tol;
    // Row band of each label: its cell, else down to the next label row below.
    let band = |u: &LabelUnit| -> Band {
        match u.cell {
            Some(c) => {
                let b = doc.pages[u.page].cells[c].bbox;
                Band { top: b.top, bottom: b.bottom }
            }
            None => {
                let next = grid
                    .iter()
                    .filter(|o| o.page == u.page && o.bbox.top > u.bbox.bottom)
                    .map(|o| o.bbox.top)
                    .fold(f32::INFINITY, f32::min);
                Band { top: u.bbox.top - p.row_pad * u.size, bottom: next - p.band_gap }
            }
        }
    };
    // A line is in a box when its centre is in the band and it starts between x0 and x1.
    let in_box = |r: LineRef, page: usize, x0: f32, x1: f32, band: Band| {
        let b = doc.line(r).bbox;
        r.page == page && band.contains(b.cy()) && b.x0 >= x0 - tol && b.x0 < x1 - tol
    };
    // Label rows: labels whose centres share a band, left to right.
    let mut rows: Vec<Vec<&LabelUnit>> = Vec::new();
    for u in grid {
        let b = band(u);
        match rows.iter_mut().find(|row| row[0].page == u.page && b.contains(row[0].bbox.cy())) {
            Some(row) => row.push(u),
            None => rows.push(vec![u]),
        }
    }
    for row in &mut rows {
        row.sort_by(|a, b| a.bbox.x0.total_cmp(&b.bbox.x0));
    }
    let mut values: Vec<(GridField, String, Vec<LineRef>)> = Vec::new();
    for row in &rows {
        // Values to the right of each label, up to the next label of the row.
        let mut right_vals: Vec<Vec<LineRef>> = Vec::new();
        for (i, u) in row.iter().enumerate() {
            let b = band(u);
            let right = row.get(i + 1).map(|o| o.bbox.x0).unwrap_or(f32::INFINITY);
            let left = u.cell.map(|c| doc.pages[u.page].cells[c].bbox.x1).unwrap_or(u.bbox.x1);
            right_vals.push(lines.iter().copied().filter(|&r| in_box(r, u.page, left, right, b)).collect());
        }
        let mut cut = None;
        // Columnar header: a row of labels with nothing beside them takes its values
        // from the row below, column by column.
        if row.len() >= MIN_COLUMNAR_LABELS && right_vals.iter().all(|v| v.is_empty()) {
            let page = row[0].page;
            let row_bottom = row
                .iter()
                .map(|u| u.cell.map(|c| doc.pages[page].cells[c].bbox.bottom).unwrap_or(u.bbox.bottom))
                .fold(f32::NEG_INFINITY, f32::max);
            let next_top = grid
                .iter()
                .filter(|o| o.page == page && o.bbox.top > row_bottom)
                .map(|o| o.bbox.top)
                .fold(f32::INFINITY, f32::min);
            let below = Band { top: row_bottom - p.value_overlap, bottom: next_top - p.band_gap };
            // A column starts at its label's cell, or a little left of the label.
            let col_left = |u: &LabelUnit| {
                u.cell.map(|c| doc.pages[page].cells[c].bbox.x0).unwrap_or(u.bbox.x0 - p.column_slack * u.size)
            };
            for (i, u) in row.iter().enumerate() {
                let col_right = row.get(i + 1).map(|o| col_left(o)).unwrap_or(f32::INFINITY);
                right_vals[i] =
                    lines.iter().copied().filter(|&r| in_box(r, page, col_left(u), col_right, below)).collect();
            }
            // Borderless: a value that ran into the next column, whose words start
            // exactly under the next label ("DIREZIONE SPORT E TEMPO SISTEMI
            // INFORMATIVI" under "Direzione:" and "Servizio:"), is cut there.
            if row.iter().all(|u| u.cell.is_none()) {
                cut = cut_at_label_starts(doc, row, &right_vals);
            }
        }
        let per_label = cut.unwrap_or_else(|| right_vals.into_iter().map(|v| (doc.join_reading(&v), v)).collect());
        for (u, (text, from)) in row.iter().zip(per_label) {
            if let Label::Grid(f) = u.label {
                prov.add(doc, format_args!("{}", f.name()), &from);
                values.push((f, text, from));
            }
        }
    }
    for (field, text, from) in values {
        let page = from.first().map(|r| doc.pages[r.page].number);
        assign(obj, field, &text, page, diags);
    }
}

/// Store a grid field's value `text` (as printed; empty when the cell is) in the
/// objective: text fields as they are, the responsibility centre split into code
/// and name, numbers parsed (a value without a number is null and reported on
/// `page`).
pub(super) fn assign(
    obj: &mut Objective,
    field: GridField,
    text: &str,
    page: Option<u32>,
    diags: &mut Vec<Diagnostic>,
) {
    let text = collapse(text);
    let number = |diags: &mut Vec<Diagnostic>| match parse_number(&text, Grammar::Target) {
        Ok(v) => v,
        Err(bad) => {
            diags.push(unparsed_diagnostic(page, &obj.code, field.name(), &bad));
            None
        }
    };
    match field {
        GridField::Weight => obj.weight = number(diags),
        GridField::Achievement => obj.achievement = number(diags),
        GridField::ResponsibilityCenter => obj.responsibility_center = responsibility_center(&text),
        GridField::Level => obj.level = (!text.is_empty()).then_some(text),
        _ => {
            if let Some(s) = slot(obj, field) {
                *s = (!text.is_empty()).then_some(text);
            }
        }
    }
}

/// The objective's text field for a text grid field (`None` for the typed v2 fields).
fn slot(obj: &mut Objective, field: GridField) -> Option<&mut Option<String>> {
    Some(match field {
        GridField::Directorate => &mut obj.directorate,
        GridField::Director => &mut obj.director,
        GridField::Service => &mut obj.service,
        GridField::Executive => &mut obj.executive,
        GridField::Classification => &mut obj.classification,
        GridField::Typology => &mut obj.typology,
        GridField::Level | GridField::ResponsibilityCenter | GridField::Weight | GridField::Achievement => return None,
    })
}

/// A responsibility centre as printed -> code and name: a leading number or code
/// (one token holding a digit: `104`, `CDR_12`, `A.3`) separated from the name by a
/// dash between spaces (` - `, ` – `, ` — `) is the code; otherwise the whole text is
/// the name. Empty -> `None`.
pub fn responsibility_center(text: &str) -> Option<ResponsibilityCenter> {
    let text = collapse(text);
    if text.is_empty() {
        return None;
    }
    for dash in [" - ", " – ", " — "] {
        if let Some((code, name)) = text.split_once(dash) {
            let code = code.trim();
            let is_code = !code.is_empty()
                && !code.contains(' ')
                && code.chars().any(|c| c.is_ascii_digit())
                && code.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '/' | '-'));
            if is_code && !name.trim().is_empty() {
                return Some(ResponsibilityCenter { code: Some(code.to_string()), name: name.trim().to_string() });
            }
        }
    }
    Some(ResponsibilityCenter { code: None, name: text })
}

/// The values of a borderless columnar label row (`vals[i]`: the lines under label
/// `i`) with every line cut where one of its words starts exactly under a later
/// label: per label, its text and the lines it came from; `None` when no line runs
/// into the next column.
fn cut_at_label_starts(doc: &Doc, row: &[&LabelUnit], vals: &[Vec<LineRef>]) -> Option<Vec<(String, Vec<LineRef>)>> {
    let starts: Vec<f32> = row.iter().map(|u| u.bbox.x0).collect();
    let mut parts: Vec<Vec<(LineRef, String)>> = vec![Vec::new(); row.len()];
    let mut cut_any = false;
    for (i, lines) in vals.iter().enumerate() {
        for &r in lines {
            let mut col = i;
            let mut part: Vec<&str> = Vec::new();
            for (k, w) in doc.line(r).words.iter().enumerate() {
                let next = starts
                    .iter()
                    .enumerate()
                    .skip(col + 1)
                    .find(|&(_, &x)| (w.bbox.x0 - x).abs() < doc.p.align_tol)
                    .map(|(j, _)| j);
                if let (Some(j), true) = (next, k > 0) {
                    parts[col].push((r, part.join(" ")));
                    part.clear();
                    col = j;
                    cut_any = true;
                }
                part.push(&w.text);
            }
            parts[col].push((r, part.join(" ")));
        }
    }
    cut_any.then(|| {
        parts
            .into_iter()
            .map(|mut p| {
                p.sort_by(|a, b| doc.reading_cmp(a.0, b.0));
                let text = join_lines(p.iter().map(|(_, t)| t.as_str()));
                let mut from: Vec<LineRef> = p.iter().map(|(r, _)| *r).collect();
                from.dedup();
                (text, from)
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_grid_field_has_its_slot_under_its_name() {
        // The provenance key of a grid field is the name of the JSON field it fills.
        for f in GridField::ALL {
            let mut obj = Objective::default();
            *slot(&mut obj, f).unwrap() = Some("x".into());
            let json = serde_json::to_value(&obj).unwrap();
            assert_eq!(json[f.name()], "x", "{f:?}");
        }
        for f in GridField::V2 {
            let mut obj = Objective::default();
            assign(&mut obj, f, "12", None, &mut Vec::new());
            let json = serde_json::to_value(&obj).unwrap();
            assert!(!json[f.name()].is_null(), "{f:?}");
        }
    }

    #[test]
    fn v2_values_are_typed() {
        let mut obj = Objective { code: "2024_A101".into(), ..Default::default() };
        let mut diags = Vec::new();
        assign(&mut obj, GridField::Weight, "40%", Some(1), &mut diags);
        assign(&mut obj, GridField::Achievement, "96,5 %", Some(1), &mut diags);
        assign(&mut obj, GridField::Level, "  SPECIFICO ", Some(1), &mut diags);
        assert_eq!((obj.weight, obj.achievement, obj.level.as_deref()), (Some(40.0), Some(96.5), Some("SPECIFICO")));
        assert!(diags.is_empty());
        assign(&mut obj, GridField::Weight, "", Some(1), &mut diags);
        assert_eq!(obj.weight, None);
        assert!(diags.is_empty(), "an empty cell is no finding");
        assign(&mut obj, GridField::Weight, "n.d.", Some(2), &mut diags);
        assert_eq!(obj.weight, None);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, "objective.value_unparsed");
        assert_eq!(diags[0].message, "2024_A101: weight \"n.d.\" has no number");
    }

    #[test]
    fn responsibility_centre_code_and_name() {
        let rc = |s: &str| responsibility_center(s).map(|r| (r.code, r.name));
        assert_eq!(
            rc("104 - DIREZIONE AFFARI GENERALI"),
            Some((Some("104".into()), "DIREZIONE AFFARI GENERALI".into()))
        );
        assert_eq!(rc("CDR_12 – Servizi sociali"), Some((Some("CDR_12".into()), "Servizi sociali".into())));
        assert_eq!(rc("DIREZIONE UFFICIO DEL SINDACO"), Some((None, "DIREZIONE UFFICIO DEL SINDACO".into())));
        assert_eq!(rc("AREA TECNICA - MANUTENZIONI"), Some((None, "AREA TECNICA - MANUTENZIONI".into())));
        assert_eq!(rc("Servizi - Cultura"), Some((None, "Servizi - Cultura".into())), "no digit: no code");
        assert_eq!(rc(""), None);
    }
}
