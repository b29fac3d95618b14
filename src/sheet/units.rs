//! Label units: lines -> the printed labels of the document.
//!
//! Owns finding where a label of [`crate::labels`] is printed: a whole ruled cell
//! whose text is a label, or a single line or short stack of lines of one column (a
//! wrapped label), and the style facts (weight, case, size) that later tell a label
//! from a value that reads like one.

use super::doc::{Doc, HashSet, LineRef, PagePos};
use crate::extract::BBox;
use crate::labels::{self, Label, Letters};
use crate::text::join_lines;

/// A long label in a narrow cell breaks into many short lines ("DESCRIZION" / "E" /
/// "DETTAGLIAT" / "A" / "DELL'OBIET" / "TIVO"); a cell of more lines is text.
const MAX_CELL_LABEL_LINES: usize = 8;

/// A label outside a cell wraps over at most this many lines.
const MAX_LABEL_STACK: usize = 4;

/// A run of consecutive lines naming a label (a label cell or a wrapped label).
#[derive(Clone, Debug)]
pub(super) struct LabelUnit {
    pub label: Label,
    pub lines: Vec<LineRef>,
    pub page: usize,
    pub bbox: BBox,
    pub cell: Option<usize>,
    pub bold: bool,
    /// Every letter is upper case.
    pub upper: bool,
    pub size: f32,
}

impl LabelUnit {
    /// The unit's top: its cell's top when it has one (the cell's border is where
    /// its section starts), else its text's.
    pub fn top(&self, doc: &Doc) -> PagePos {
        let top = self.cell.map(|c| doc.pages[self.page].cells[c].bbox.top).unwrap_or(self.bbox.top);
        PagePos { page: self.page, y: top.min(self.bbox.top) }
    }
}

/// A label printed over several lines: the lines joined with spaces, or, where a
/// narrow cell broke words without a hyphen ("CLASSIFICAZI" / "ONE"), the same
/// text compared without spaces.
fn lookup_wrapped(texts: &[&str]) -> Option<Label> {
    let joined = join_lines(texts.iter().copied());
    labels::lookup(&joined).or_else(|| if texts.len() > 1 { labels::lookup_squashed(&joined) } else { None })
}

/// The letters of lines to be joined and looked up as a label (see
/// [`labels::Letters`]).
fn spelled(texts: &[&str]) -> Letters {
    let mut l = Letters::default();
    for t in texts {
        l.push_line(t);
    }
    l
}

/// Find label units: whole ruled cells whose text is a label, and single lines or
/// short stacks of lines of one column (a wrapped label), inside one cell or outside
/// any cell. Sorted by page, row, then x.
pub(super) fn label_units(doc: &Doc, furniture: &HashSet<LineRef>, exclude: &HashSet<LineRef>) -> Vec<LabelUnit> {
    let mut out = Vec::new();
    for (pi, pg) in doc.pages.iter().enumerate() {
        let usable = |li: usize| {
            let r = LineRef { page: pi, line: li };
            !furniture.contains(&r) && !exclude.contains(&r)
        };
        let mut used: HashSet<usize> = HashSet::default();
        // A cell whose whole text is a label.
        for (ci, cell) in pg.cells.iter().enumerate() {
            let lines: Vec<usize> = cell.lines.iter().copied().filter(|&li| usable(li)).collect();
            if lines.is_empty() || lines.len() > MAX_CELL_LABEL_LINES {
                continue;
            }
            let texts: Vec<&str> = lines.iter().map(|&li| pg.lines[li].text.as_str()).collect();
            if !spelled(&texts).may_be_a_label() {
                continue;
            }
            if let Some(label) = lookup_wrapped(&texts) {
                used.extend(lines.iter().copied());
                out.push(unit(doc, pi, &lines, label, Some(ci)));
            }
        }
        // Otherwise stacks of 1..=4 lines of one column, sharing their cell (if any).
        // (One buffer for every line's stack: most lines are no label.)
        let mut stack: Vec<usize> = Vec::with_capacity(MAX_LABEL_STACK);
        for li in 0..pg.lines.len() {
            let l = &pg.lines[li];
            if !usable(li) || used.contains(&li) {
                continue;
            }
            stack.clear();
            stack.push(li);
            let mut letters = spelled(&[&l.text]);
            // Letters no label has are no label's (the lookup would read them
            // again to say so): most lines end here.
            let mut found = if letters.may_be_a_label() { labels::lookup(&l.text).map(|lab| (lab, 1)) } else { None };
            let mut prev = l;
            // Lines whose letters start no label start no wrapped label either.
            let wraps = if letters.may_start_a_label() { li + 1..pg.lines.len() } else { 0..0 };
            for lj in wraps {
                if stack.len() >= MAX_LABEL_STACK {
                    break;
                }
                let t = &pg.lines[lj];
                // Lines are in row order: past the block gap nothing more can join.
                if t.row != prev.row && t.bbox.top - prev.bbox.bottom > doc.p.block_gap * t.size {
                    break;
                }
                if t.row == prev.row || t.cell != l.cell || !usable(lj) || used.contains(&lj) {
                    continue;
                }
                if (t.bbox.x0 - l.bbox.x0).abs() > doc.p.align_tol {
                    continue;
                }
                stack.push(lj);
                prev = t;
                letters.push_line(&t.text);
                if !letters.may_start_a_label() {
                    break;
                }
                if !letters.may_be_a_label() {
                    continue;
                }
                let texts: Vec<&str> = stack.iter().map(|&k| pg.lines[k].text.as_str()).collect();
                if let Some(lab) = lookup_wrapped(&texts) {
                    found = Some((lab, stack.len()));
                }
            }
            if let Some((lab, n)) = found {
                stack.truncate(n);
                used.extend(stack.iter().copied());
                // The unit owns its cell only when it is the cell's whole text.
                let owns_cell = l.cell.filter(|&c| pg.cells[c].lines.iter().all(|k| stack.contains(k) || !usable(*k)));
                out.push(unit(doc, pi, &stack, lab, owns_cell));
            }
        }
    }
    out.sort_by_key(|u| (u.page, doc.line(u.lines[0]).row, u.bbox.x0 as i32));
    out
}

fn unit(doc: &Doc, pi: usize, lines: &[usize], label: Label, cell: Option<usize>) -> LabelUnit {
    let pg = &doc.pages[pi];
    let mut bbox = pg.lines[lines[0]].bbox;
    for &li in lines {
        bbox = bbox.union(&pg.lines[li].bbox);
    }
    LabelUnit {
        label,
        lines: lines.iter().map(|&li| LineRef { page: pi, line: li }).collect(),
        page: pi,
        bbox,
        cell,
        bold: lines.iter().all(|&li| pg.lines[li].bold),
        upper: lines.iter().all(|&li| pg.lines[li].text.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase)),
        size: pg.lines[lines[0]].size,
    }
}

/// The units of one sheet: those whose first line is in its `content`. `units`
/// come page by page: only those of the sheet's pages (from its heading's page
/// `first_page` to its last content line's) can be in it.
pub(super) fn sheet_units(units: &[LabelUnit], first_page: usize, content: &[LineRef]) -> Vec<LabelUnit> {
    let content_set: HashSet<LineRef> = content.iter().copied().collect();
    let last_page = content.iter().map(|r| r.page).max().unwrap_or(first_page);
    let lo = units.partition_point(|u| u.page < first_page);
    let hi = units.partition_point(|u| u.page <= last_page).max(lo);
    units[lo..hi].iter().filter(|u| content_set.contains(&u.lines[0])).cloned().collect()
}
