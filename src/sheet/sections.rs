//! Sections: one sheet's content lines -> its sections in document order (label
//! grid, DUP links, description, indicator table), each with its lines.
//!
//! Owns choosing the grid's label units (a value that reads like a label is told
//! apart by style and alignment), the anchors that open each section, and which
//! lines fall between two anchors. What a section's lines mean is the business of
//! the section's own parser.

use super::doc::{Doc, HashSet, LineRef, PagePos};
use super::units::LabelUnit;
use crate::labels::{GridField, Label};

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
    /// v2: the phase table (*FASI*).
    Phases,
}

/// The sections of one sheet.
pub(super) struct Sections<'u> {
    /// The label units of the grid, one per field.
    pub grid: Vec<&'u LabelUnit>,
    /// Each section in document order, with its lines (label lines left out).
    pub parts: Vec<(Section, Vec<LineRef>)>,
    /// Top of the first non-grid section (DUP, description, indicators), if any.
    first_section: Option<PagePos>,
}

impl<'u> Sections<'u> {
    /// Find the sections of a sheet from its `content` lines and label `units`.
    pub fn find(doc: &Doc, content: &[LineRef], units: &'u [LabelUnit]) -> Sections<'u> {
        // Grid labels: one unit per field; when a value looks like a label (a
        // classification "SERVIZIO"), keep the unit whose style and alignment match the
        // other labels.
        // Grid labels come before the first section; a "Tipologia" header inside the
        // indicator table is that table's type column, not the grid field.
        let first_section = units
            .iter()
            .filter(|u| matches!(u.label, Label::DupSection | Label::Description | Label::Indicators | Label::Phases))
            .map(|u| u.top(doc))
            .min_by(|a, b| a.total_cmp(b));
        let mut sections = Sections { grid: Vec::new(), parts: Vec::new(), first_section };
        let grid_candidates: Vec<&LabelUnit> =
            units.iter().filter(|u| matches!(u.label, Label::Grid(_)) && sections.before_sections(doc, u)).collect();
        sections.grid = choose_grid_units(doc, &grid_candidates);
        let label_lines: HashSet<LineRef> = units
            .iter()
            .filter(|u| !matches!(u.label, Label::Grid(_) | Label::Column(_) | Label::PhaseColumn(_)))
            .flat_map(|u| u.lines.iter().copied())
            .chain(sections.grid.iter().flat_map(|u| u.lines.iter().copied()))
            .collect();

        // Section anchors in document order.
        let mut anchors: Vec<(Section, PagePos)> = Vec::new();
        if let Some(first) = sections.grid.iter().min_by(|a, b| a.top(doc).total_cmp(&b.top(doc))) {
            anchors.push((Section::Grid, first.top(doc)));
        }
        for u in units {
            let s = match u.label {
                Label::DupSection => Section::Dup,
                Label::Description => Section::Desc,
                Label::Indicators => Section::Ind,
                // v2: the phase table
                Label::Phases => Section::Phases,
                _ => continue,
            };
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
