//! Label grid: the grid section's lines -> the objective's grid fields
//! (directorate, director, service, executive, classification, typology).
//!
//! Owns where a grid label's value is: to its right up to the next label of its row
//! (in its cell's row band, or down to the next label row when borderless), or,
//! for a columnar row of labels with nothing beside them, in the row below, column
//! by column, cut where a word starts exactly under the next label.

use super::doc::{Doc, LineRef, Prov};
use super::units::LabelUnit;
use crate::labels::{GridField, Label};
use crate::model::Objective;
use crate::text::join_lines;

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
pub(super) fn parse_grid(doc: &Doc, grid: &[&LabelUnit], lines: &[LineRef], obj: &mut Objective, prov: &mut Prov) {
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
    let mut values: Vec<(GridField, Option<String>)> = Vec::new();
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
                prov.add(doc, f.name().into(), &from);
                values.push((f, (!text.is_empty()).then_some(text)));
            }
        }
    }
    for (field, value) in values {
        *slot(obj, field) = value;
    }
}

/// The objective's field for a grid field.
fn slot(obj: &mut Objective, field: GridField) -> &mut Option<String> {
    match field {
        GridField::Directorate => &mut obj.directorate,
        GridField::Director => &mut obj.director,
        GridField::Service => &mut obj.service,
        GridField::Executive => &mut obj.executive,
        GridField::Classification => &mut obj.classification,
        GridField::Typology => &mut obj.typology,
    }
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
            *slot(&mut obj, f) = Some("x".into());
            let json = serde_json::to_value(&obj).unwrap();
            assert_eq!(json[f.name()], "x", "{f:?}");
        }
    }
}
