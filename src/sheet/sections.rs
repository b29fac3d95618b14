//! Sections: one sheet's content lines -> its sections in document order (label
//! grid, DUP links, description, indicator table), each with its lines.
//!
//! Owns choosing the grid's label units (a value that reads like a label is told
//! apart by style and alignment), the anchors that open each section, and which
//! lines fall between two anchors. What a section's lines mean is the business of
//! the section's own parser.

use super::doc::{Doc, HashSet, LineRef, PagePos};
use super::units::LabelUnit;
use crate::labels::{GridField, IndColumn, Label};

/// Score of a grid-label candidate set in the majority weight of the sure labels,
/// and the same for the majority case ...
const SAME_STYLE_SCORE: i32 = 2;
/// ... and for standing in a column or a row with another label: style counts more.
const ALIGNED_SCORE: i32 = 1;

#[derive(Clone, Copy, PartialEq, Debug)]
pub(super) enum Section {
    Grid,
    Dup,
    Desc,
    Ind,
    /// v2: "Finalità", read like the description.
    Purpose,
    /// v2: the FASI table (read by the phase table's parser).
    Phases,
}

/// The sections of one sheet.
pub(super) struct Sections<'u> {
    /// The label units of the grid, one per field.
    pub grid: Vec<&'u LabelUnit>,
    /// Each section in document order, with its lines (label lines left out).
    pub parts: Vec<(Section, Vec<LineRef>)>,
    /// Grid fields printed on their own past the grid (`Grado di raggiungimento
    /// dell'obiettivo: 96,5%` under the indicator table): the label unit and the
    /// lines of its value, both kept out of every section.
    pub fields: Vec<(&'u LabelUnit, Vec<LineRef>)>,
    /// Top of the first non-grid section (DUP, description, indicators), if any.
    first_section: Option<PagePos>,
}

/// Whether another label unit stands in the row of `u` (boxes overlapping
/// vertically on its page): `u` is then a header cell of a table, not a label of
/// the sheet's label column.
fn shares_row_with_label(u: &LabelUnit, units: &[LabelUnit]) -> bool {
    units
        .iter()
        .any(|o| !std::ptr::eq(o, u) && o.page == u.page && o.bbox.top < u.bbox.bottom && o.bbox.bottom > u.bbox.top)
}

/// The section a label unit opens, if any. A bare *Descrizione* (the indicator
/// table's description header) opens the description when it stands in the
/// sheet's label column: alone in its row and above the first table section
/// (`table_start`: the first INDICATORI or FASI title).
fn anchor_section(doc: &Doc, u: &LabelUnit, units: &[LabelUnit], table_start: Option<PagePos>) -> Option<Section> {
    Some(match u.label {
        Label::DupSection => Section::Dup,
        Label::Description => Section::Desc,
        Label::Indicators => Section::Ind,
        Label::Purpose => Section::Purpose,
        Label::Phases => Section::Phases,
        Label::Column(IndColumn::Description)
            if table_start.is_none_or(|t| u.top(doc).is_before(t)) && !shares_row_with_label(u, units) =>
        {
            Section::Desc
        }
        _ => return None,
    })
}

impl<'u> Sections<'u> {
    /// Find the sections of a sheet from its `content` lines and label `units`.
    pub fn find(doc: &Doc, content: &[LineRef], units: &'u [LabelUnit]) -> Sections<'u> {
        // Grid labels: one unit per field; when a value looks like a label (a
        // classification "SERVIZIO"), keep the unit whose style and alignment match the
        // other labels.
        // Grid labels come before the first section; a "Tipologia" header inside the
        // indicator table is that table's type column, not the grid field.
        let table_start = units
            .iter()
            .filter(|u| matches!(u.label, Label::Indicators | Label::Phases))
            .map(|u| u.top(doc))
            .min_by(|a, b| a.total_cmp(b));
        let anchor_units: Vec<(&LabelUnit, Section)> =
            units.iter().filter_map(|u| anchor_section(doc, u, units, table_start).map(|s| (u, s))).collect();
        let first_section = anchor_units.iter().map(|(u, _)| u.top(doc)).min_by(|a, b| a.total_cmp(b));
        let mut sections = Sections { grid: Vec::new(), parts: Vec::new(), fields: Vec::new(), first_section };
        let grid_candidates: Vec<&LabelUnit> =
            units.iter().filter(|u| matches!(u.label, Label::Grid(_)) && sections.before_sections(doc, u)).collect();
        sections.grid = choose_grid_units(doc, &grid_candidates);
        sections.fields = standalone_fields(doc, content, units, &sections);
        let label_lines: HashSet<LineRef> = units
            .iter()
            .filter(|u| !matches!(u.label, Label::Grid(_) | Label::Column(_) | Label::PhaseColumn(_)))
            .flat_map(|u| u.lines.iter().copied())
            .chain(anchor_units.iter().flat_map(|(u, _)| u.lines.iter().copied()))
            .chain(sections.grid.iter().flat_map(|u| u.lines.iter().copied()))
            .chain(sections.fields.iter().flat_map(|(u, v)| u.lines.iter().chain(v).copied()))
            .chain(empty_standalone_labels(doc, units, &sections).flat_map(|u| u.lines.iter().copied()))
            .collect();

        // Section anchors in document order.
        let mut anchors: Vec<(Section, PagePos)> = Vec::new();
        if let Some(first) = sections.grid.iter().min_by(|a, b| a.top(doc).total_cmp(&b.top(doc))) {
            anchors.push((Section::Grid, first.top(doc)));
        }
        for &(u, s) in &anchor_units {
            // A repeated section title (INDICATORI on a continuation page) continues it.
            if anchors.last().is_some_and(|a| a.0 == s) {
                continue;
            }
            anchors.push((s, u.top(doc)));
        }
        anchors.sort_by(|a, b| a.1.total_cmp(&b.1));

        for (k, &(section, start)) in anchors.iter().enumerate() {
            let end = anchors.get(k + 1).map(|a| a.1);
            let lines = content
                .iter()
                .copied()
                .filter(|&r| {
                    // a line whose top is a little above the anchor (the label cell's
                    // border is above its text) still belongs to the section
                    let p = doc.pos(r);
                    let p_tol = PagePos { y: p.y + doc.p.anchor_tol * doc.line(r).size, ..p };
                    !p_tol.is_before(start) && end.is_none_or(|e| p_tol.is_before(e))
                })
                .filter(|r| !label_lines.contains(r))
                .collect();
            sections.parts.push((section, lines));
        }
        sections
    }

    /// Whether `u` lies before the first non-grid section (where grid labels are).
    fn before_sections(&self, doc: &Doc, u: &LabelUnit) -> bool {
        self.first_section.is_none_or(|f| u.top(doc).is_before(f))
    }
}

/// Grid fields that may stand alone ([`GridField::stands_alone`]) printed past the
/// grid, each with the lines of its value: the lines of the sheet that start right
/// of the label in its row (its cell's band, or its text's). A unit in a table's
/// header row (beside another label) is a column header, and a label with nothing
/// beside it is no field.
fn standalone_fields<'u>(
    doc: &Doc,
    content: &[LineRef],
    units: &'u [LabelUnit],
    sections: &Sections,
) -> Vec<(&'u LabelUnit, Vec<LineRef>)> {
    let mut out = Vec::new();
    for u in units {
        let Label::Grid(f) = u.label else { continue };
        if !f.stands_alone() || sections.before_sections(doc, u) || shares_row_with_label(u, units) {
            continue;
        }
        let pad = doc.p.row_pad * u.size;
        let (top, bottom, right) = match u.cell {
            Some(c) => {
                let b = doc.pages[u.page].cells[c].bbox;
                (b.top, b.bottom, b.x1)
            }
            None => (u.bbox.top - pad, u.bbox.bottom + pad, u.bbox.x1),
        };
        let values: Vec<LineRef> = content
            .iter()
            .copied()
            .filter(|r| r.page == u.page && !u.lines.contains(r))
            .filter(|&r| {
                let b = doc.line(r).bbox;
                b.cy() > top && b.cy() < bottom && b.x0 >= right - doc.p.edge_tol
            })
            .collect();
        if !values.is_empty() {
            out.push((u, values));
        }
    }
    out
}

/// Stand-alone grid labels printed past the grid with nothing beside them (an
/// objective's degree of achievement left blank under the indicator table): a
/// field without a value, whose label is no content of the section it stands in.
/// Only labels that cannot be a table's column header ("Grado di raggiungimento
/// dell'obiettivo", not "Grado di raggiungimento"), alone on their row.
fn empty_standalone_labels<'u>(
    doc: &'u Doc,
    units: &'u [LabelUnit],
    sections: &'u Sections,
) -> impl Iterator<Item = &'u LabelUnit> + 'u {
    units.iter().filter(move |u| {
        let Label::Grid(f) = u.label else { return false };
        f.stands_alone()
            && !sections.before_sections(doc, u)
            && !shares_row_with_label(u, units)
            && !sections.fields.iter().any(|(v, _)| std::ptr::eq(*v, *u))
            && crate::labels::column(&doc.join_reading(&u.lines)).is_none()
            && u.lines.iter().all(|&r| doc.row_mates(r).all(|m| u.lines.iter().any(|l| l.line == m)))
    })
}

/// One unit per grid field among `units`: where several units name one field, the
/// one set like the unambiguous labels and aligned with the other labels.
fn choose_grid_units<'u>(doc: &Doc, units: &[&'u LabelUnit]) -> Vec<&'u LabelUnit> {
    let grid: Vec<&LabelUnit> = units.iter().copied().filter(|u| matches!(u.label, Label::Grid(_))).collect();
    let mut by_field: Vec<(GridField, Vec<&LabelUnit>)> = Vec::new();
    for &u in &grid {
        if let Label::Grid(f) = u.label {
            match by_field.iter_mut().find(|(g, _)| *g == f) {
                Some((_, v)) => v.push(u),
                None => by_field.push((f, vec![u])),
            }
        }
    }
    // Style of the unambiguous labels: weight and case (a value such as
    // "SERVIZIO" is set like the other values, not like the labels).
    let sure: Vec<&LabelUnit> = by_field.iter().filter(|(_, v)| v.len() == 1).map(|(_, v)| v[0]).collect();
    let majority = |f: &dyn Fn(&LabelUnit) -> bool| -> Option<bool> {
        let yes = sure.iter().filter(|u| f(u)).count();
        (!sure.is_empty() && yes * 2 != sure.len()).then_some(yes * 2 > sure.len())
    };
    let want_bold = majority(&|u: &LabelUnit| u.bold);
    let want_upper = majority(&|u: &LabelUnit| u.upper);
    let tol = doc.p.label_align_tol;
    let mut out = Vec::new();
    for (_, v) in &by_field {
        let score = |u: &LabelUnit| {
            let mut score = 0;
            if want_bold == Some(u.bold) {
                score += SAME_STYLE_SCORE;
            }
            if want_upper == Some(u.upper) {
                score += SAME_STYLE_SCORE;
            }
            // Labels stand in columns and rows with the other labels.
            let aligned = |o: &&LabelUnit| {
                !std::ptr::eq(*o, u)
                    && o.label != u.label
                    && ((o.bbox.x0 - u.bbox.x0).abs() < tol
                        || (o.bbox.top - u.bbox.top).abs() < tol && o.page == u.page)
            };
            if grid.iter().any(aligned) {
                score += ALIGNED_SCORE;
            }
            score
        };
        // The best score; on a tie the first in reading order (a label precedes
        // its value).
        let mut best: Option<(&LabelUnit, i32)> = None;
        for u in v {
            let sc = score(u);
            if best.is_none_or(|(_, b)| sc > b) {
                best = Some((u, sc));
            }
        }
        if let Some((b, _)) = best {
            out.push(b);
        }
    }
    out
}
