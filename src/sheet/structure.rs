//! Document structure: pages of lines -> objective sheets.
//!
//! Owns code headings (a code alone on its row, the title below), running headers
//! and footers (furniture: repeated text in the page margins, page numbers), where
//! each sheet starts and ends (a heading followed by a label grid; the heading
//! repeated on a continuation page continues the sheet), which lines and pages
//! belong to a sheet, and the document's plan year.

use super::doc::{re, Doc, HashMap, HashSet, LineRef, PagePos, RowRef};
use super::units::LabelUnit;
use crate::labels::{self, GridField, Label};
use crate::layout::Line;
use crate::text::{collapse, join_lines};
use regex::Regex;
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// Length (characters) of an objective code: shorter tokens are numbers or words,
/// longer ones are not codes printed in a heading.
const CODE_LEN: std::ops::RangeInclusive<usize> = 4..=32;

/// A heading starts a sheet when at least this many different grid fields follow it:
/// a lone word such as "Area" in a manual is no grid.
const MIN_GRID_FIELDS: usize = 2;

/// The label grid follows its heading on the same page or the next one: it is
/// looked for before the start of the page this many pages after the heading's.
pub const GRID_PAGE_REACH: usize = 2;

/// Lines shorter than this (bytes) are the headers, footers, titles and cover lines
/// where the plan year is printed.
const SHORT_LINE_BYTES: usize = 80;

/// An objective code as printed in a sheet heading: one token of letters, digits and
/// `_ . / -`, with at least one digit and one letter or underscore, no lower case.
pub(super) fn is_code(tok: &str) -> bool {
    let n = tok.chars().count();
    CODE_LEN.contains(&n)
        && tok.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || "_./-".contains(c))
        && tok.chars().any(|c| c.is_ascii_digit())
        && tok.chars().any(|c| c.is_ascii_uppercase() || c == '_')
        && tok.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
}

/// Page-number furniture: `Pag. 3 di 7`, `Pagina 3/7`, `3 / 7`, `- 3 -`, `3`.
fn is_page_number(s: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    re(&R, r"(?i)^[-–\s]*(?:pag\.?|pagina|page|p\.)?\s*\d{1,4}\s*(?:(?:di|of|/|su)\s*\d{1,4})?[-–\s]*$")
        .is_match(s.trim())
}

fn masked(s: &str) -> String {
    collapse(s).to_lowercase().chars().map(|c| if c.is_ascii_digit() { '#' } else { c }).collect()
}

pub(super) struct Heading {
    pub code: String,
    pub title: String,
    /// Code line and title lines.
    pub lines: Vec<LineRef>,
    pub page: usize,
    /// Row of the code line in document order.
    pub pos: RowRef,
}

/// Code headings: a code alone on its row, with the title on the lines just below.
pub(super) fn find_headings(doc: &Doc) -> Vec<Heading> {
    let mut out = Vec::new();
    for (pi, page) in doc.pages.iter().enumerate() {
        for (li, l) in page.lines.iter().enumerate() {
            let mut toks = l.text.split_whitespace();
            let first = toks.next().unwrap_or("");
            if !is_code(first) || doc.row_mates(LineRef { page: pi, line: li }).next().is_some() {
                continue;
            }
            let rest: String = toks.collect::<Vec<_>>().join(" ");
            let rest = rest.trim_start_matches(['-', '–', ':', '—']).trim().to_string();
            let mut lines = vec![LineRef { page: pi, line: li }];
            let mut title_lines: Vec<&str> = Vec::new();
            // Style of the title's lines: a wrapped title keeps its font (a
            // description continuing right under a repeated heading does not).
            let mut style: Option<(f32, bool)> = None;
            if !rest.is_empty() {
                title_lines.push(&l.text[l.text.len() - rest.len()..]);
                style = Some((l.size, l.bold));
            }
            // Title (or the rest of a wrapped one): the following rows, each a
            // single line, close below, in the title's style.
            let mut prev = l;
            for (lj, t) in page.lines.iter().enumerate().skip(li + 1) {
                if t.row == prev.row {
                    continue;
                }
                let gap = t.bbox.top - prev.bbox.bottom;
                let alone = doc.row_mates(LineRef { page: pi, line: lj }).next().is_none();
                if !alone
                    || gap > doc.p.title_gap * t.size.max(prev.size)
                    // a title in a cell only in the code's own (a heading box)
                    || (t.cell.is_some() && t.cell != l.cell)
                    || labels::lookup(&t.text).is_some()
                    || is_code(t.text.split_whitespace().next().unwrap_or(""))
                {
                    break;
                }
                if (t.bbox.x0 - l.bbox.x0).abs() > doc.p.title_indent * t.size && t.bbox.x0 > l.bbox.x1 {
                    break;
                }
                if style.is_some_and(|(size, bold)| (size - t.size).abs() > doc.p.same_size_tol || bold != t.bold) {
                    break;
                }
                style = Some((t.size, t.bold));
                title_lines.push(&t.text);
                lines.push(LineRef { page: pi, line: lj });
                prev = t;
            }
            out.push(Heading {
                code: first.to_string(),
                title: join_lines(title_lines),
                lines,
                page: pi,
                pos: RowRef { page: pi, row: l.row },
            });
        }
    }
    out
}

/// Running headers and footers: lines in the top or bottom margin band whose text
/// (digits masked) recurs at the same place on another page nearby (within
/// `fact_window` pages), or that are page numbers. A whole row goes when one of its lines is running text; a page number
/// takes its row only when nothing else stands on it.
pub(super) fn find_furniture(doc: &Doc, headings: &[Heading], exempt: &HashSet<LineRef>) -> HashSet<LineRef> {
    let band = doc.p.margin_band;
    // On a page with a code heading the top band ends at the first heading: it
    // reaches down to it when that is lower (a running header above the heading of
    // a landscape page), and stops there when it is higher (the sheet's first grid
    // row, "LIVELLO ... PESO: 50%", printed at the same height on every page is
    // content, not a running header).
    let first_heading: HashMap<usize, f32> =
        headings.iter().rev().map(|h| (h.page, doc.line(h.lines[0]).bbox.top)).collect();
    let in_band = |pi: usize, l: &Line| {
        let pg = &doc.pages[pi];
        let top_band = first_heading.get(&pi).copied().unwrap_or(band * pg.height);
        l.bbox.bottom <= top_band || l.bbox.top >= pg.height * (1.0 - band)
    };
    let usable = |pi: usize, li: usize| !exempt.contains(&LineRef { page: pi, line: li });
    let mut seen: HashMap<String, Vec<PagePos>> = HashMap::default();
    for (pi, pg) in doc.pages.iter().enumerate() {
        for (li, l) in pg.lines.iter().enumerate() {
            if in_band(pi, l) && usable(pi, li) {
                seen.entry(masked(&l.text)).or_default().push(PagePos { page: pi, y: l.bbox.top });
            }
        }
    }
    let mut out = HashSet::default();
    for (pi, pg) in doc.pages.iter().enumerate() {
        // Lines that are furniture by themselves: repeated across pages at the same
        // height (digits masked), or a page number.
        let mut marks: Vec<(usize, bool)> = Vec::new(); // (row, only a number)
        for (li, l) in pg.lines.iter().enumerate() {
            if !in_band(pi, l) || !usable(pi, li) || l.cell.is_some() {
                continue;
            }
            let repeated = seen.get(&masked(&l.text)).is_some_and(|v| {
                v.iter().any(|at| {
                    at.page != pi
                        && at.page.abs_diff(pi) <= doc.p.fact_window
                        && (at.y - l.bbox.top).abs() <= doc.p.furniture_y_tol
                })
            });
            let number = is_page_number(&l.text);
            if repeated || number {
                marks.push((l.row, number));
            }
        }
        // A row with running text is furniture whole (a footer's date or author
        // beside it); a row marked by a number only when nothing else is on it: a
        // bare number beside text at the page bottom is a table value (an
        // indicator's target in the last row), not a page number.
        // A row that holds a ruled table cell's text is a table row (a merged cell
        // clipped by the page break leaves its text outside the cell, and a code
        // or a value printed at the same height on another page is no running
        // text then).
        // A row continuing the page's flow (see `flow_rows`) is content even when
        // it repeats: a repeated table header, a first body row equal to the
        // previous page's once digits are masked, a wrapped cell's last line that
        // is a bare number.
        let flow = flow_rows(doc, pi, &in_band, exempt);
        let mut rows = HashSet::default();
        for &(row, number) in &marks {
            if flow.contains(&row) || pg.lines.iter().any(|o| o.row == row && o.cell.is_some()) {
                continue;
            }
            let others = pg.lines.iter().filter(|o| o.row == row).count() - marks.iter().filter(|m| m.0 == row).count();
            if !number || others == 0 {
                rows.insert(row);
            }
        }
        for (li, l) in pg.lines.iter().enumerate() {
            if rows.contains(&l.row) && in_band(pi, l) && usable(pi, li) {
                out.insert(LineRef { page: pi, line: li });
            }
        }
    }
    out
}

/// Rows of page `pi` in its margin bands that continue the page's flow: a band row
/// close to the next row toward the body (within `flow_gap` em, at the normal
/// spacing of lines or table rows) and overlapping it across, when that row is body
/// text (outside the bands, not a heading) or itself continues the flow. Running
/// headers and footers stand apart from the body: a gap separates them from it.
fn flow_rows(
    doc: &Doc,
    pi: usize,
    in_band: &dyn Fn(usize, &Line) -> bool,
    headings: &HashSet<LineRef>,
) -> HashSet<usize> {
    struct RowSpan {
        row: usize,
        top: f32,
        bottom: f32,
        size: f32,
        band: bool,
        heading: bool,
        xs: Vec<(f32, f32)>,
    }
    let pg = &doc.pages[pi];
    let mut spans: Vec<RowSpan> = Vec::new();
    for (li, l) in pg.lines.iter().enumerate() {
        let heading = headings.contains(&LineRef { page: pi, line: li });
        match spans.iter_mut().find(|s| s.row == l.row) {
            Some(s) => {
                s.top = s.top.min(l.bbox.top);
                s.bottom = s.bottom.max(l.bbox.bottom);
                s.size = s.size.max(l.size);
                s.band &= in_band(pi, l);
                s.heading |= heading;
                s.xs.push((l.bbox.x0, l.bbox.x1));
            }
            None => spans.push(RowSpan {
                row: l.row,
                top: l.bbox.top,
                bottom: l.bbox.bottom,
                size: l.size,
                band: in_band(pi, l),
                heading,
                xs: vec![(l.bbox.x0, l.bbox.x1)],
            }),
        }
    }
    spans.sort_by(|a, b| a.top.total_cmp(&b.top));
    // `a` above `b`: close, and either side by side in one band (the rows of a
    // header printed over two or three staggered rows overlap vertically) or
    // overlapping across
    let near = |a: &RowSpan, b: &RowSpan| b.top - a.bottom <= doc.p.flow_gap * a.size.max(b.size);
    let joined = |a: &RowSpan, b: &RowSpan| {
        near(a, b) && (b.top < a.bottom || a.xs.iter().any(|&(x0, x1)| b.xs.iter().any(|&(y0, y1)| x0 < y1 && y0 < x1)))
    };
    let body = |s: &RowSpan| !s.band && !s.heading;
    let mut flow: Vec<bool> = vec![false; spans.len()];
    let mid = pg.height / 2.0;
    // Top band: from the body upward (any close row below, not only the next one:
    // a staggered header row may sit between).
    for i in (0..spans.len().saturating_sub(1)).rev() {
        let a = &spans[i];
        if !(a.band && a.top < mid) {
            continue;
        }
        flow[i] = (i + 1..spans.len())
            .take_while(|&j| near(a, &spans[j]))
            .any(|j| (body(&spans[j]) || flow[j]) && joined(a, &spans[j]));
    }
    // Bottom band: from the body downward.
    for i in 1..spans.len() {
        let b = &spans[i];
        if !(b.band && b.top >= mid) {
            continue;
        }
        flow[i] = (0..i).rev().any(|j| (body(&spans[j]) || flow[j]) && joined(&spans[j], b));
    }
    spans.iter().zip(flow).filter(|(_, f)| *f).map(|(s, _)| s.row).collect()
}

/// The years printed on one page in its running headers, footers, titles and
/// cover lines (short lines), e.g. "PEG 2022": the plan year when codes carry
/// none is the year printed most often in the document (see
/// `Assembler::finish`).
pub(super) fn page_years(pg: &crate::layout::PageLayout) -> Vec<i32> {
    static R: OnceLock<Regex> = OnceLock::new();
    let r = re(&R, r"\b((?:19|20)\d\d)\b");
    let mut out = Vec::new();
    // A year starts with an ASCII "19" or "20": a line with no ASCII digit holds
    // none, and the regex (Unicode word boundaries) is the costly part. The group is
    // the whole match (the boundaries match no text): no captures are needed.
    for l in pg.lines.iter().filter(|l| l.text.len() < SHORT_LINE_BYTES && l.text.bytes().any(|b| b.is_ascii_digit())) {
        for m in r.find_iter(&l.text) {
            if let Ok(y) = m.as_str().parse::<i32>() {
                out.push(y);
            }
        }
    }
    out
}

/// One objective sheet of the document: its heading, where it ends (the next
/// sheet's heading), and the repeated headings (continuation pages) inside it.
pub(super) struct SheetRange<'h> {
    pub heading: &'h Heading,
    pub end: RowRef,
    pub repeats: Vec<&'h Heading>,
}

/// Sheet starts: a heading followed, before the next heading and within the next
/// page, by a label grid (two different grid fields at least: a lone word such as
/// "Area" in a manual is no grid). A heading that repeats the current sheet's code
/// continues it. `units` are all label units of the document, to tell sheet
/// headings from index rows.
pub(super) fn find_sheets<'h>(doc: &Doc, headings: &'h [Heading], units: &[LabelUnit]) -> Vec<SheetRange<'h>> {
    let grid_pos: Vec<(RowRef, GridField)> = units
        .iter()
        .filter_map(|u| match u.label {
            Label::Grid(f) => Some((doc.row_of(u.lines[0]), f)),
            _ => None,
        })
        .collect();
    let mut starts: Vec<usize> = Vec::new();
    let mut repeats: Vec<usize> = Vec::new();
    for (i, h) in headings.iter().enumerate() {
        let reach = RowRef::page_start(h.pos.page + GRID_PAGE_REACH);
        let end = headings.get(i + 1).map(|n| n.pos).unwrap_or(RowRef::END).min(reach);
        let mut fields: Vec<GridField> =
            grid_pos.iter().filter(|(g, _)| *g > h.pos && *g < end).map(|(_, f)| *f).collect();
        fields.sort_by_key(|f| *f as u8);
        fields.dedup();
        let has_grid = fields.len() >= MIN_GRID_FIELDS;
        let current = starts.last().map(|&s| headings[s].code.as_str());
        // A heading repeating the current sheet's code continues it, even above
        // grid labels: a continued table's header (FASI: "Peso", "Responsabile",
        // "Centro di Responsabilità") names grid fields too.
        if current == Some(h.code.as_str()) {
            repeats.push(i);
        } else if has_grid {
            starts.push(i);
        }
    }
    starts
        .iter()
        .enumerate()
        .map(|(k, &si)| {
            let h = &headings[si];
            let end = starts.get(k + 1).map(|&n| headings[n].pos).unwrap_or(RowRef::END);
            let repeats = repeats.iter().map(|&r| &headings[r]).filter(|r| r.pos > h.pos && r.pos < end).collect();
            SheetRange { heading: h, end, repeats }
        })
        .collect()
}

impl SheetRange<'_> {
    /// Content: lines after the heading and before the next sheet, minus furniture,
    /// minus repeated headings and whatever sits above them on their page.
    pub fn content(&self, doc: &Doc, furniture: &HashSet<LineRef>, heading_lines: &HashSet<LineRef>) -> Vec<LineRef> {
        let h = self.heading;
        let mut content: Vec<LineRef> = Vec::new();
        for (pi, page) in doc.pages.iter().enumerate() {
            if pi < h.page || RowRef::page_start(pi) > self.end {
                continue;
            }
            let rep_on_page = self.repeats.iter().filter(|r| r.page == pi).map(|r| r.pos.row).min();
            for li in 0..page.lines.len() {
                let r = LineRef { page: pi, line: li };
                let pos = RowRef { page: pi, row: page.lines[li].row };
                if pos <= h.pos || pos >= self.end || furniture.contains(&r) || heading_lines.contains(&r) {
                    continue;
                }
                if let Some(rrow) = rep_on_page {
                    if page.lines[li].row <= rrow {
                        continue;
                    }
                }
                content.push(r);
            }
        }
        content
    }

    /// The page numbers of the sheet: its heading's, its content's, and those of
    /// the pages in its range that hold nothing but a running header with its code.
    pub fn page_numbers(&self, doc: &Doc, content: &[LineRef]) -> Vec<u32> {
        let h = self.heading;
        let pages = doc.pages;
        let mut page_set: BTreeSet<u32> = content.iter().map(|r| pages[r.page].number).collect();
        page_set.insert(pages[h.page].number);
        // A page of the sheet's range that holds nothing but its running header and
        // footer (the sheet's content ended at the page break before) still belongs
        // to it when that header names the sheet's code.
        let last = self.end.page.min(pages.len().saturating_sub(1));
        for (pi, page) in pages.iter().enumerate().take(last + 1).skip(h.page + 1) {
            if RowRef::page_start(pi) < self.end
                && page.lines.iter().any(|l| l.text.split_whitespace().any(|t| t == h.code))
            {
                page_set.insert(page.number);
            }
        }
        page_set.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert!(is_code("2020_Z101"));
        assert!(is_code("2021_PMG02"));
        assert!(!is_code("2020"));
        assert!(!is_code("Pag."));
        assert!(!is_code("12.1.06"));
    }

    #[test]
    fn page_numbers() {
        assert!(is_page_number("Pag. 3 di 7"));
        assert!(is_page_number("12"));
        assert!(!is_page_number("Comune di Valmarina"));
    }
}
