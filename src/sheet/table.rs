//! Table rows: the lines of a table region -> its rows. Shared by the table
//! sections (DUP links, indicators).
//!
//! Owns where a row starts: at each block of one anchor column (a ruled cell, or
//! lines closer than the block gap), or at the horizontal rules that cross the
//! region; the other columns' lines join the row their top falls in.

use super::doc::{Doc, LineRef, PagePos};

/// Rules between two anchor lines are looked for this far (points) inside the
/// lower line's left edge: on the rule that crosses the column, not on a vertical
/// rule that bounds it.
const RULE_PROBE_INSET: f32 = 1.0;

/// Rows of a table region anchored on one column: each row starts at a block of the
/// anchor column (a ruled cell, or lines closer than the block gap) and takes the
/// lines of the other columns whose top falls before the next block. Where
/// horizontal edges cross the region, they bound the rows instead.
pub(super) fn table_rows(doc: &Doc, lines: &[LineRef], is_anchor: &dyn Fn(LineRef) -> bool) -> Vec<Vec<LineRef>> {
    let mut sorted = lines.to_vec();
    sorted.sort_by(|&a, &b| {
        let (la, lb) = (doc.line(a), doc.line(b));
        a.page.cmp(&b.page).then(la.bbox.top.total_cmp(&lb.bbox.top)).then(la.bbox.x0.total_cmp(&lb.bbox.x0))
    });
    let pad = |size: f32| doc.p.row_pad * size;
    // Row starts: the top of each row.
    let mut starts: Vec<PagePos> = Vec::new();
    let mut prev: Option<LineRef> = None;
    for &r in sorted.iter().filter(|&&r| is_anchor(r)) {
        let l = doc.line(r);
        let new_row = match prev {
            None => true,
            Some(p) => {
                let pl = doc.line(p);
                if p.page != r.page {
                    true
                } else if pl.row == l.row {
                    false
                } else if let (Some(a), Some(b)) = (pl.cell, l.cell) {
                    a != b
                } else {
                    let gap = l.bbox.top - pl.bbox.bottom;
                    let probe = l.bbox.x0 + RULE_PROBE_INSET;
                    let ruled = doc.pages[r.page].hedges_between(probe, pl.bbox.cy(), l.bbox.cy()).next().is_some();
                    ruled || gap > doc.p.block_gap * l.size
                }
            }
        };
        if new_row {
            let top = l.cell.map(|c| doc.pages[r.page].cells[c].bbox.top).unwrap_or(l.bbox.top - pad(l.size));
            starts.push(PagePos { page: r.page, y: top.min(l.bbox.top - pad(l.size)) });
        }
        prev = Some(r);
    }
    let mut rows: Vec<Vec<LineRef>> = vec![Vec::new(); starts.len()];
    for &r in &sorted {
        let key = PagePos { page: r.page, y: doc.line(r).bbox.cy() };
        // Last row start at or before this line (same page); lines above the first
        // row start of their page join the last row of the previous page (a cell
        // split by a page break).
        let idx = starts.iter().rposition(|s| s.is_at_or_before(key));
        if let Some(i) = idx {
            rows[i].push(r);
        } else if !rows.is_empty() {
            rows[0].push(r);
        }
    }
    rows
}
