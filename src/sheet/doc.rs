//! The document as the sheet parser sees it: the pages ([`Doc`]), typed positions
//! on them ([`LineRef`], [`RowRef`], [`PagePos`]), reading order, and the recorder
//! of where each field was read ([`Prov`]). Shared by every section parser.

use crate::extract::BBox;
use crate::layout::{Line, PageLayout};
use crate::model::{Provenance, Region};
use crate::params::Params;
use crate::text::join_lines;
use regex::Regex;
use std::borrow::Cow;
use std::cmp::Ordering;
use std::sync::OnceLock;

// foldhash: several times faster than SipHash on the small keys used here (line
// references, page numbers), and still seeded per process.
pub(super) type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
pub(super) type HashSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

/// A static regex, compiled on first use.
pub(super) fn re(cell: &'static OnceLock<Regex>, pat: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pat).expect("static regex"))
}

/// A line of the document: its page (index into the document's pages) and its
/// index on that page. Ordered by page, then line (the page's reading order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) struct LineRef {
    pub page: usize,
    pub line: usize,
}

/// A row (baseline cluster) of the document: page index, then row index on the
/// page. Ordered by page, then row: document order of rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) struct RowRef {
    pub page: usize,
    pub row: usize,
}

impl RowRef {
    /// After every row of the document.
    pub const END: RowRef = RowRef { page: usize::MAX, row: usize::MAX };

    /// The first row of page `page`.
    pub fn page_start(page: usize) -> RowRef {
        RowRef { page, row: 0 }
    }
}

/// A height on a page of the document (page index, y in points from the top), for
/// ordering sections.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct PagePos {
    pub page: usize,
    pub y: f32,
}

impl PagePos {
    /// Strictly above `other` (an earlier page, or higher on the same page).
    pub fn is_before(self, other: PagePos) -> bool {
        self.page < other.page || (self.page == other.page && self.y < other.y)
    }

    /// At or above `other` (an earlier page, or no lower on the same page).
    pub fn is_at_or_before(self, other: PagePos) -> bool {
        self.page < other.page || (self.page == other.page && self.y <= other.y)
    }

    /// A total order: page, then y.
    pub fn total_cmp(&self, other: &PagePos) -> Ordering {
        self.page.cmp(&other.page).then(self.y.total_cmp(&other.y))
    }
}

pub(super) struct Doc<'a> {
    /// The pages, each borrowed as laid out or owned when the parser had to split
    /// inline labels out of its lines.
    pub pages: &'a [Cow<'a, PageLayout>],
    pub p: &'a Params,
}

impl<'a> Doc<'a> {
    pub fn line(&self, r: LineRef) -> &'a Line {
        &self.pages[r.page].lines[r.line]
    }

    /// Lines sharing the row of `r` on its page.
    pub fn row_mates(&self, r: LineRef) -> impl Iterator<Item = usize> + 'a {
        let lines = &self.pages[r.page].lines;
        let row = lines[r.line].row;
        (0..lines.len()).filter(move |&i| lines[i].row == row && i != r.line)
    }

    /// The line's row in document order.
    pub fn row_of(&self, r: LineRef) -> RowRef {
        RowRef { page: r.page, row: self.line(r).row }
    }

    /// The line's top: its position for ordering sections.
    pub fn pos(&self, r: LineRef) -> PagePos {
        PagePos { page: r.page, y: self.line(r).bbox.top }
    }

    /// Reading order of two lines: page, then row (top to bottom), then x.
    pub fn reading_cmp(&self, a: LineRef, b: LineRef) -> Ordering {
        let (la, lb) = (self.line(a), self.line(b));
        a.page.cmp(&b.page).then(la.row.cmp(&lb.row)).then(la.bbox.x0.total_cmp(&lb.bbox.x0))
    }

    /// `lines` sorted in reading order.
    pub fn in_reading_order(&self, lines: &[LineRef]) -> Vec<LineRef> {
        let mut v: Vec<LineRef> = lines.to_vec();
        v.sort_by(|&a, &b| self.reading_cmp(a, b));
        v
    }

    /// Join lines in reading order (top to bottom, then left to right), merging
    /// lines that share a row with one space.
    pub fn join_reading(&self, lines: &[LineRef]) -> String {
        join_lines(self.in_reading_order(lines).iter().map(|&r| self.line(r).text.as_str()))
    }
}

/// Provenance boxes are rounded to this fraction of a point (1/100): enough to find
/// the text, stable across platforms.
const PROV_STEPS_PER_POINT: f32 = 100.0;

/// Where the fields of one objective were read: kept only when asked for
/// (`--provenance`), it costs more to make than the objective's fields.
pub(super) struct Prov(Option<Provenance>);

impl Prov {
    /// `keep`: record the sources (else [`Prov::add`] does nothing).
    pub fn new(keep: bool) -> Self {
        Prov(keep.then(Provenance::default))
    }

    /// What was recorded (`None` when nothing is kept).
    pub fn into_provenance(self) -> Option<Provenance> {
        self.0
    }

    /// Record `lines` as the source of `field` (one region per page: the union of
    /// the lines' boxes there). The field's name is written out only when it has
    /// lines (many cells are empty), and the lines are mostly on one page: no list
    /// of pages is made for them then.
    pub fn add(&mut self, doc: &Doc, field: std::fmt::Arguments, lines: &[LineRef]) {
        let Some(kept) = &mut self.0 else { return };
        let Some((&r0, rest)) = lines.split_first() else { return };
        let at = |r: LineRef| (doc.pages[r.page].number, doc.line(r).bbox);
        let (first_page, mut first) = at(r0);
        // Pages after the first, in the order their lines come.
        let mut others: Vec<(u32, BBox)> = Vec::new();
        for &r in rest {
            let (page, b) = at(r);
            if page == first_page {
                first = first.union(&b);
                continue;
            }
            match others.iter_mut().find(|(p, _)| *p == page) {
                Some((_, bb)) => *bb = bb.union(&b),
                None => others.push((page, b)),
            }
        }
        let r2 = |v: f32| (v * PROV_STEPS_PER_POINT).round() / PROV_STEPS_PER_POINT;
        let region = |(page, b): (u32, BBox)| Region { page, bbox: [r2(b.x0), r2(b.top), r2(b.x1), r2(b.bottom)] };
        // (`fmt::format` sizes the name from its pieces, as `format!` does.)
        let name = std::fmt::format(field);
        let regions = kept.entry(name).or_default();
        regions.push(region((first_page, first)));
        regions.extend(others.into_iter().map(region));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_order_like_document_order() {
        let l = |page, line| LineRef { page, line };
        let mut v = vec![l(1, 0), l(0, 5), l(0, 2)];
        v.sort();
        assert_eq!(v, vec![l(0, 2), l(0, 5), l(1, 0)]);
        assert!(RowRef { page: 0, row: 9 } < RowRef::page_start(1));
        assert!(RowRef { page: 7, row: 3 } < RowRef::END);
        let p = |page, y| PagePos { page, y };
        assert!(p(0, 500.0).is_before(p(1, 10.0)));
        assert!(p(1, 10.0).is_before(p(1, 10.5)));
        assert!(!p(1, 10.0).is_before(p(1, 10.0)));
        assert!(p(1, 10.0).is_at_or_before(p(1, 10.0)));
        assert!(!p(1, 10.5).is_at_or_before(p(1, 10.0)));
        assert_eq!(p(2, 1.0).total_cmp(&p(1, 9.0)), Ordering::Greater);
    }
}
