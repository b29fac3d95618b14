//! Table rows: the lines of a table region -> its rows. Shared by the table
//! sections (DUP links, indicators).
//!
//! Owns where a row starts: at each block of one anchor column (a ruled cell, or
//! lines closer than the block gap), or at the horizontal rules that cross the
//! region; the other columns' lines join the row their top falls in.

use super::doc::{Doc, HashSet, LineRef, PagePos};
use crate::columns::{leftmost_recurring, most_recurring, uncovered_gaps, widest_gap_ending_in, Span, TableColumns};
use crate::labels::Letters;
use crate::text::join_lines;
use std::borrow::Cow;

/// Rules between two anchor lines are looked for this far (points) inside the
/// lower line's left edge: on the rule that crosses the column, not on a vertical
/// rule that bounds it.
const RULE_PROBE_INSET: f32 = 1.0;

/// Rows of a table region anchored on one column: each row starts at a block of the
/// anchor column (a ruled cell, or lines closer than the block gap, or, borderless,
/// lines no further apart than the wrapped lines of one cell) and takes the lines
/// of the other columns whose top falls before the next block. Where horizontal
/// edges cross the region, they bound the rows instead.
pub(super) fn table_rows(doc: &Doc, lines: &[LineRef], is_anchor: &dyn Fn(LineRef) -> bool) -> Vec<Vec<LineRef>> {
    let mut sorted = lines.to_vec();
    sorted.sort_by(|&a, &b| {
        let (la, lb) = (doc.line(a), doc.line(b));
        a.page.cmp(&b.page).then(la.bbox.top.total_cmp(&lb.bbox.top)).then(la.bbox.x0.total_cmp(&lb.bbox.x0))
    });
    let pad = |size: f32| doc.p.row_pad * size;
    // Rows that open a table row as far as their lines tell: a line of the anchor
    // column beside lines of other columns (its row's other cells).
    let opening: HashSet<(usize, usize)> = {
        let rows_of = |anchor: bool| -> HashSet<(usize, usize)> {
            sorted.iter().filter(|&&r| is_anchor(r) == anchor).map(|&r| (r.page, doc.line(r).row)).collect()
        };
        let (anchors, others) = (rows_of(true), rows_of(false));
        anchors.intersection(&others).copied().collect()
    };
    // The ordinary gap between the wrapped lines of one cell: the narrowest gap
    // between a line and the next line below it that it overlaps, on one page, in
    // any column, where the lower line continues a cell (its row opens no table
    // row). Borderless tables set rows apart only by a wider gap than that, often
    // narrower than the block gap. A table where no line continues a cell (every
    // row one line high) shows no wrap gap: the gap between two of its rows is no
    // evidence of one, so the wrap gap of the table's pages (in em, see
    // `page_wrap_gap`) stands in at the line's size.
    let table_gap = sorted
        .iter()
        .enumerate()
        .filter_map(|(ia, &a)| {
            let la = doc.line(a);
            // Lines below `a` on its page come after it in `sorted` (by page, then
            // top): the rest of the table need not be looked at, and the first
            // line that qualifies is the nearest.
            sorted[ia + 1..]
                .iter()
                .take_while(|b| b.page == a.page)
                .map(|&b| (b, doc.line(b)))
                .find(|(b, lb)| {
                    b.page == a.page
                        && lb.row != la.row
                        && lb.bbox.top > la.bbox.top
                        && lb.bbox.x0 < la.bbox.x1
                        && lb.bbox.x1 > la.bbox.x0
                        && !opening.contains(&(b.page, lb.row))
                })
                .map(|(_, lb)| lb.bbox.top - la.bbox.bottom)
        })
        .fold(f32::INFINITY, f32::min);
    let page_gap_em = if table_gap.is_finite() {
        f32::INFINITY
    } else {
        let mut pages: Vec<usize> = sorted.iter().map(|r| r.page).collect();
        pages.dedup();
        pages.into_iter().map(|pg| page_wrap_gap(doc, pg)).fold(f32::INFINITY, f32::min)
    };
    let line_gap = |size: f32| if table_gap.is_finite() { table_gap } else { page_gap_em * size };
    // The gaps that set rows apart where the lines tell (above an opening anchor
    // line, from the anchor line before it, no cells): a row whose only printed
    // cell is the anchor's opens no row by its lines, but it stands as far below
    // the row before as the other rows do (a paragraph break inside one cell
    // rarely matches that gap to the point).
    let anchors: Vec<LineRef> = sorted.iter().copied().filter(|&r| is_anchor(r)).collect();
    let row_gaps: Vec<f32> = anchors
        .windows(2)
        .filter(|w| w[0].page == w[1].page && opening.contains(&(w[1].page, doc.line(w[1]).row)))
        .map(|w| (doc.line(w[0]), doc.line(w[1])))
        .filter(|(a, b)| a.row != b.row && a.cell.is_none() && b.cell.is_none())
        .map(|(a, b)| b.bbox.top - a.bbox.bottom)
        .collect();
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
                    let like_a_row = opening.contains(&(r.page, l.row))
                        || row_gaps.iter().any(|g| (gap - g).abs() <= doc.p.row_gap_match * l.size);
                    let spaced = line_gap(l.size).is_finite()
                        && gap > line_gap(l.size) + doc.p.row_gap_extra * l.size
                        && pl.cell.is_none()
                        && l.cell.is_none()
                        && like_a_row;
                    ruled || gap > doc.p.block_gap * l.size || spaced
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

/// The narrowest gap (em) between a line of page `page` and a line of the same font
/// size below it that it overlaps: the gap between the wrapped lines of one block
/// (a paragraph, a label, a header cell) as the page's producer sets them. Lines
/// overlapping by more than `row_overlap_max` sit side by side and do not count.
/// Infinite when no line stands over another.
fn page_wrap_gap(doc: &Doc, page: usize) -> f32 {
    let p = doc.p;
    let lines = &doc.pages[page].lines;
    lines
        .iter()
        .filter_map(|la| {
            lines
                .iter()
                .filter(|lb| {
                    lb.row != la.row
                        && lb.bbox.top > la.bbox.top
                        && lb.bbox.x0 < la.bbox.x1
                        && lb.bbox.x1 > la.bbox.x0
                        && (lb.size - la.size).abs() <= p.same_size_tol
                        && lb.size > 0.0
                })
                .map(|lb| (lb.bbox.top - la.bbox.bottom, lb.size))
                .filter(|&(gap, _)| gap > -p.row_overlap_max)
                .map(|(gap, size)| gap / size)
                .reduce(f32::min)
        })
        .fold(f32::INFINITY, f32::min)
}

// ---------------------------------------------------------------------------
// Table header: header cells joined by column, any set of known columns

/// No line stacks under one more than this far (points) below it: the block gap of
/// a 72 pt font (a bound for the search in lines sorted by top).
const STACK_REACH: f32 = 72.0;

/// A header cell joins at most this many wrapped lines ("Centro di" /
/// "Responsabilità", "Valore" / "Atteso" / "2024").
pub(super) const MAX_HEADER_LINES: usize = 3;

/// A header row (the first, or one repeated after a page break) names at least
/// this many known columns.
pub(super) const MIN_KNOWN_COLUMNS: usize = 2;

/// A header row of a table: its page and vertical extent.
#[derive(Clone, Copy, Debug)]
pub(super) struct HeaderRow {
    pub page: usize,
    pub top: f32,
    pub bottom: f32,
}

impl HeaderRow {
    fn holds(&self, page: usize, cy: f32) -> bool {
        self.page == page && cy > self.top && cy < self.bottom
    }
}

/// One column of a table header.
#[derive(Clone, Debug)]
pub(super) struct HeadCol<K> {
    /// What the column holds (`None`: a header the label table does not know).
    pub key: Option<K>,
    /// The year printed in the header ("Target 2024"), or the year sub-column under
    /// a spanning header.
    pub year: Option<i32>,
    /// The header's lines.
    pub lines: Vec<LineRef>,
    /// Printed extent of the header text.
    pub x0: f32,
    pub x1: f32,
    /// Where the column starts: its ruled cell's left edge, else the text's.
    pub start: f32,
    /// The header is in a ruled cell.
    pub ruled: bool,
}

/// A table's header: its columns (left to right), every header row (the first and
/// its repetitions after page breaks) and their lines.
pub(super) struct TableHeader<K> {
    pub cols: Vec<HeadCol<K>>,
    pub rows: Vec<HeaderRow>,
    pub lines: HashSet<LineRef>,
    first: HeaderRow,
}

/// Up to [`MAX_HEADER_LINES`] lines held in place: a stack is looked for from
/// every line of a table region, and most stay one line.
#[derive(Clone, Copy)]
struct Chain {
    refs: [LineRef; MAX_HEADER_LINES],
    len: usize,
}

impl Chain {
    fn one(r: LineRef) -> Chain {
        Chain { refs: [r; MAX_HEADER_LINES], len: 1 }
    }
    fn push(&mut self, r: LineRef) {
        self.refs[self.len] = r;
        self.len += 1;
    }
    fn truncate(&mut self, n: usize) {
        self.len = self.len.min(n);
    }
}

impl std::ops::Deref for Chain {
    type Target = [LineRef];
    fn deref(&self) -> &[LineRef] {
        &self.refs[..self.len]
    }
}

/// Header lines stacked in one column (a header cell wrapped over lines).
struct Stack<'a, K> {
    lines: Chain,
    key: Option<K>,
    /// The joined text of a known header cell, the line's own text else (borrowed:
    /// most lines of a page are no header).
    text: Cow<'a, str>,
    top: f32,
    bottom: f32,
    x0: f32,
    x1: f32,
    cell: Option<usize>,
}

impl<K> Stack<'_, K> {
    fn cy(&self) -> f32 {
        (self.top + self.bottom) / 2.0
    }
    fn overlaps(&self, top: f32, bottom: f32) -> bool {
        self.top < bottom && self.bottom > top
    }
}

/// A line that holds a year and nothing else ("2026" under a spanning "Target").
fn is_bare_year(text: &str) -> bool {
    let t = text.trim();
    // (Most lines start with a letter: they are told at once.)
    if !t.starts_with(|c: char| c == '(' || c == ')' || c.is_ascii_digit()) {
        return false;
    }
    let t = t.trim_matches(|c| c == '(' || c == ')');
    t.len() == 4 && crate::labels::header_year(t).is_some()
}

/// The stacks of one page's `lines` (sorted by top): from each line not yet used,
/// the lines right below it that overlap it horizontally and share its cell (if
/// any); the longest prefix whose joined text the caller knows (`classify`) is a
/// header cell, else the line stands alone. (`classify` is a label lookup: lines
/// whose [`Letters`] start no label are not stacked or looked up.) A bare year joins a stack only inside
/// one ruled cell or when no other bare year shares its row (years side by side are
/// a sub-row under a spanning header).
fn stacks<'a, K: Copy>(
    doc: &Doc<'a>,
    lines: &[LineRef],
    classify: &dyn Fn(&str) -> Option<K>,
    spelling: fn() -> Letters,
) -> Vec<Stack<'a, K>> {
    let mut used: HashSet<LineRef> = HashSet::default();
    let mut out = Vec::new();
    let year_rows: Vec<usize> =
        lines.iter().filter(|&&r| is_bare_year(&doc.line(r).text)).map(|&r| doc.line(r).row).collect();
    for (i, &r) in lines.iter().enumerate() {
        if used.contains(&r) {
            continue;
        }
        let l = doc.line(r);
        let mut chain = Chain::one(r);
        let (mut x0, mut x1, mut last) = (l.bbox.x0, l.bbox.x1, l);
        // A line whose letters start no label starts no header cell: no stack.
        let mut first = spelling();
        first.push_line(&l.text);
        let room = if first.may_start_a_label() { MAX_HEADER_LINES } else { 1 };
        while chain.len() < room {
            // `lines` are sorted by top: past the largest block gap, no line can
            // stack (this keeps the search short on long pages).
            let bottom = last.bbox.bottom;
            let near = lines[i + 1..].iter().copied().take_while(|&c| doc.line(c).bbox.top - bottom <= STACK_REACH);
            let next = near.filter(|c| !used.contains(c)).find(|&c| {
                let t = doc.line(c);
                let gap = t.bbox.top - last.bbox.bottom;
                let shared_year_row = year_rows.iter().filter(|&&y| y == t.row).count() > 1;
                t.row != last.row
                    && t.bbox.x0 < x1
                    && t.bbox.x1 > x0
                    && gap > -doc.p.overlap_tol
                    && gap <= doc.p.block_gap * t.size
                    && t.cell == l.cell
                    && (!is_bare_year(&t.text) || t.cell.is_some() || !shared_year_row)
            });
            let Some(n) = next else { break };
            let t = doc.line(n);
            x0 = x0.min(t.bbox.x0);
            x1 = x1.max(t.bbox.x1);
            last = t;
            chain.push(n);
        }
        let mut found: Option<(usize, K, String)> = None;
        let mut found_whole: Option<String> = None;
        // (The first line's letters are read already; a line whose letters start
        // no label has no lines below it and is looked up no further.)
        let mut letters = first;
        for k in 1..=chain.len() {
            if k > 1 {
                letters.push_line(&doc.line(chain[k - 1]).text);
            }
            if !letters.may_be_a_label() {
                if letters.may_start_a_label() {
                    continue;
                }
                break;
            }
            let text = join_lines(chain[..k].iter().map(|&c| doc.line(c).text.as_str()));
            if let Some(key) = classify(&text) {
                found = Some((k, key, text));
            }
        }
        // A ruled cell is one header: when its lines hold a label and, below it,
        // another label (`Note` / `obiettivo`), cutting it would make a column of
        // each; the whole cell is an unknown header instead.
        let whole_cell = l.cell.is_some_and(|c| {
            let cell_lines = &doc.pages[r.page].cells[c].lines;
            cell_lines.len() == chain.len() && chain.iter().all(|k| cell_lines.contains(&k.line))
        });
        if let Some((k, _, _)) = found.as_ref().filter(|(k, _, _)| whole_cell && *k < chain.len()) {
            let rest = join_lines(chain[*k..].iter().map(|&c| doc.line(c).text.as_str()));
            if classify(&rest).is_some() {
                found = None;
                let text = join_lines(chain.iter().map(|&c| doc.line(c).text.as_str()));
                found_whole = Some(text);
            }
        }
        let (n, key, text) = match (found, found_whole) {
            (Some((k, key, text)), _) => (k, Some(key), Cow::Owned(text)),
            (None, Some(text)) => (chain.len(), None, Cow::Owned(text)),
            (None, None) => (1, None, Cow::Borrowed(l.text.as_str())),
        };
        chain.truncate(n);
        used.extend(chain.iter().copied());
        // The header owns its cell only when it is the cell's whole text (a shaded
        // band around a whole header row is no column's cell).
        let cell = l.cell.filter(|&c| {
            doc.pages[r.page].cells[c].lines.iter().all(|&k| chain.contains(&LineRef { page: r.page, line: k }))
        });
        let mut s = Stack {
            lines: chain,
            key,
            text,
            top: f32::INFINITY,
            bottom: f32::NEG_INFINITY,
            x0: f32::INFINITY,
            x1: f32::NEG_INFINITY,
            cell,
        };
        for &c in chain.iter() {
            let b = doc.line(c).bbox;
            s.top = s.top.min(b.top);
            s.bottom = s.bottom.max(b.bottom);
            s.x0 = s.x0.min(b.x0);
            s.x1 = s.x1.max(b.x1);
        }
        out.push(s);
    }
    out
}

/// The header row on one page's `lines` (sorted by top), if any: the first known
/// header cell, every known cell overlapping its band (transitively), unknown
/// cells centred in the band, and year sub-columns under a spanning header whose
/// key `spans` years. Returns the columns and the band.
fn header_on_page<K: Copy>(
    doc: &Doc,
    lines: &[LineRef],
    classify: &dyn Fn(&str) -> Option<K>,
    spans: &dyn Fn(K) -> bool,
) -> Option<(Vec<HeadCol<K>>, HeaderRow)> {
    let st = stacks(doc, lines, classify, Letters::default);
    let s0 = st.iter().position(|s| s.key.is_some())?;
    let (cols, row, _) = header_band(doc, lines, &st, s0, spans);
    Some((cols, row))
}

/// Every header row on one page's `lines` (sorted by top), top to bottom: each
/// band grown from a known header cell not in an earlier band (a table of
/// objectives may sit under prose or under another table on its page). Its header
/// cells are those of tables of objectives (the letters test spells
/// [`crate::labels::TabColumn`] headers).
pub(super) fn header_rows_on_page<K: Copy>(
    doc: &Doc,
    lines: &[LineRef],
    classify: &dyn Fn(&str) -> Option<K>,
    spans: &dyn Fn(K) -> bool,
) -> Vec<(Vec<HeadCol<K>>, HeaderRow)> {
    let st = stacks(doc, lines, classify, Letters::of_table_headers);
    let mut used = vec![false; st.len()];
    let mut out = Vec::new();
    for s0 in 0..st.len() {
        if used[s0] || st[s0].key.is_none() {
            continue;
        }
        let (cols, row, members) = header_band(doc, lines, &st, s0, spans);
        for k in members {
            used[k] = true;
        }
        out.push((cols, row));
    }
    out
}

/// The header row grown from stack `s0` of `st`: every known header cell
/// overlapping its band (transitively), unknown cells centred in the band, and
/// year sub-columns under a spanning header whose key `spans` years. Returns the
/// columns, the band and the stacks it took.
fn header_band<K: Copy>(
    doc: &Doc,
    lines: &[LineRef],
    st: &[Stack<'_, K>],
    s0: usize,
    spans: &dyn Fn(K) -> bool,
) -> (Vec<HeadCol<K>>, HeaderRow, Vec<usize>) {
    let s0 = &st[s0];
    let (mut top, mut bottom) = (s0.top, s0.bottom);
    let mut in_band: Vec<usize> = Vec::new();
    loop {
        let before = in_band.len();
        for (k, s) in st.iter().enumerate() {
            if s.key.is_some() && !in_band.contains(&k) && s.overlaps(top, bottom) {
                in_band.push(k);
                top = top.min(s.top);
                bottom = bottom.max(s.bottom);
            }
        }
        if in_band.len() == before {
            break;
        }
    }
    let size = s0.lines.first().map(|&r| doc.line(r).size).unwrap_or(1.0);
    // Unknown header cells centred in the band; bare years are looked at below.
    for (k, s) in st.iter().enumerate() {
        if s.key.is_none() && !is_bare_year(&s.text) && s.cy() > top && s.cy() < bottom {
            in_band.push(k);
        }
    }
    in_band.sort_by(|&a, &b| st[a].x0.total_cmp(&st[b].x0));
    // Year sub-columns: bare years in the band or in the row right under it, under
    // a spanning header (its cell, else the room between its neighbours).
    let sub_bottom = bottom + doc.p.header_row_band * size;
    let zone = |pos: usize| -> (f32, f32) {
        let s = &st[in_band[pos]];
        if let Some(c) = s.cell {
            let b = doc.pages[s.lines[0].page].cells[c].bbox;
            return (b.x0, b.x1);
        }
        let lo = if pos > 0 { st[in_band[pos - 1]].x1 } else { f32::NEG_INFINITY };
        let hi = in_band.get(pos + 1).map(|&n| st[n].x0).unwrap_or(f32::INFINITY);
        (lo, hi)
    };
    let mut candidates: Vec<(usize, Vec<usize>)> = Vec::new(); // (stack, spanner positions in in_band)
    let mut lone_years: Vec<usize> = Vec::new();
    for (k, s) in st.iter().enumerate() {
        if s.key.is_some() || !is_bare_year(&s.text) {
            continue;
        }
        let in_row = s.cy() > top && s.cy() < bottom;
        // in the band or in the row right under it (a sub-row may start inside the
        // band of a header centred over both rows)
        let under = s.cy() > top && s.top <= sub_bottom;
        if !in_row && !under {
            continue;
        }
        let cx = (s.x0 + s.x1) / 2.0;
        let spanners: Vec<usize> = (0..in_band.len())
            .filter(|&pos| {
                let h = &st[in_band[pos]];
                let (lo, hi) = zone(pos);
                h.key.is_some_and(spans)
                    && crate::labels::header_year(&h.text).is_none()
                    && h.top < s.top
                    && cx > lo
                    && cx < hi
            })
            .collect();
        if !spanners.is_empty() {
            candidates.push((k, spanners));
        } else if in_row {
            lone_years.push(k);
        }
    }
    let years = assign_years(st, &in_band, candidates);
    let mut cols: Vec<HeadCol<K>> = Vec::new();
    let col_of = |s: &Stack<'_, K>, key: Option<K>, year: Option<i32>| {
        let start = s.cell.map(|c| doc.pages[s.lines[0].page].cells[c].bbox.x0).unwrap_or(s.x0);
        HeadCol { key, year, lines: s.lines.to_vec(), x0: s.x0, x1: s.x1, start, ruled: s.cell.is_some() }
    };
    for (pos, &k) in in_band.iter().enumerate() {
        let s = &st[k];
        let subs: Vec<usize> = years.iter().filter(|(p, _)| *p == pos).map(|(_, y)| *y).collect();
        if subs.is_empty() {
            let year = s.key.and_then(|_| crate::labels::header_year(&s.text));
            cols.push(col_of(s, s.key, year));
        } else {
            for y in subs {
                let ys = &st[y];
                let mut c = col_of(ys, s.key, crate::labels::header_year(&ys.text));
                c.lines.extend(s.lines.iter().copied());
                cols.push(c);
                bottom = bottom.max(ys.bottom);
            }
        }
    }
    for &k in &lone_years {
        cols.push(col_of(&st[k], None, None));
    }
    cols.sort_by(|a, b| a.start.total_cmp(&b.start));
    let page = lines.first().map(|r| r.page).unwrap_or(0);
    let mut members = in_band;
    members.extend(years.iter().map(|&(_, k)| k).chain(lone_years));
    (cols, HeaderRow { page, top, bottom }, members)
}

/// Which spanning header each bare year under a header row belongs to: `(spanner
/// position in in_band, stack)`. Without rules, a year may lie in the room of two
/// spanning headers (a "Baseline" left of a "Valore atteso" narrower than its
/// year sub-columns: the first year starts left of the wide header's text). A
/// spanning header is centred over its sub-columns, so of the assignments that
/// keep the years in the headers' order, the one whose headers are best centred
/// over their years wins; a header may take no year (a "Baseline" without one).
fn assign_years<K: Copy>(
    st: &[Stack<'_, K>],
    in_band: &[usize],
    mut cands: Vec<(usize, Vec<usize>)>,
) -> Vec<(usize, usize)> {
    cands.sort_by(|a, b| st[a.0].x0.total_cmp(&st[b.0].x0));
    let first = |c: &[(usize, Vec<usize>)]| c.iter().map(|(k, p)| (p[0], *k)).collect::<Vec<_>>();
    // Few years and few headers in a row: every order-keeping choice is tried, and
    // only when a year has a choice (otherwise the first candidate is the only one).
    if cands.iter().all(|(_, p)| p.len() == 1) || cands.len() > MAX_YEARS_SEARCHED {
        return first(&cands);
    }
    let centre = |k: usize| (st[k].x0 + st[k].x1) / 2.0;
    let cost = |choice: &[usize]| -> f32 {
        let mut total = 0.0;
        for &pos in choice.iter().collect::<std::collections::BTreeSet<_>>() {
            let mine = cands.iter().zip(choice).filter(|(_, &p)| p == pos).map(|((k, _), _)| *k);
            let (x0, x1) =
                mine.fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), k| (a.min(st[k].x0), b.max(st[k].x1)));
            total += (centre(in_band[pos]) - (x0 + x1) / 2.0).abs();
        }
        total
    };
    let mut best: Option<(f32, Vec<usize>)> = None;
    let mut choice: Vec<usize> = Vec::with_capacity(cands.len());
    fn search(
        i: usize,
        cands: &[(usize, Vec<usize>)],
        choice: &mut Vec<usize>,
        best: &mut Option<(f32, Vec<usize>)>,
        cost: &dyn Fn(&[usize]) -> f32,
    ) {
        if i == cands.len() {
            let c = cost(choice);
            if best.as_ref().is_none_or(|(b, _)| c < *b) {
                *best = Some((c, choice.clone()));
            }
            return;
        }
        for &pos in &cands[i].1 {
            if choice.last().is_some_and(|&last| pos < last) {
                continue;
            }
            choice.push(pos);
            search(i + 1, cands, choice, best, cost);
            choice.pop();
        }
    }
    search(0, &cands, &mut choice, &mut best, &cost);
    match best {
        Some((_, choice)) => cands.iter().zip(choice).map(|((k, _), pos)| (pos, *k)).collect(),
        None => first(&cands),
    }
}

/// More bare years than this under one header row are assigned to their first
/// spanning header without a search (a year row that long is no header's).
const MAX_YEARS_SEARCHED: usize = 10;

impl<K: Copy + PartialEq> TableHeader<K> {
    /// The header of a table region's `lines`: the first header row naming at least
    /// [`MIN_KNOWN_COLUMNS`] known columns defines the columns; later pages'
    /// header rows are repetitions. Header cells are found by column: lines stacked
    /// in one column are joined before `classify` looks them up. `classify` is a
    /// label lookup ([`crate::labels::column`], [`crate::labels::phase_column`]):
    /// a text whose [`Letters`] are no label's is no header cell.
    pub fn read(
        doc: &Doc,
        lines: &[LineRef],
        classify: &dyn Fn(&str) -> Option<K>,
        spans: &dyn Fn(K) -> bool,
    ) -> Option<TableHeader<K>> {
        let mut sorted = lines.to_vec();
        sorted.sort_by(|&a, &b| {
            let (la, lb) = (doc.line(a), doc.line(b));
            a.page.cmp(&b.page).then(la.bbox.top.total_cmp(&lb.bbox.top)).then(la.bbox.x0.total_cmp(&lb.bbox.x0))
        });
        let mut header: Option<TableHeader<K>> = None;
        for page_lines in sorted.chunk_by(|a, b| a.page == b.page) {
            let Some((cols, row)) = header_on_page(doc, page_lines, classify, spans) else { continue };
            if cols.iter().filter(|c| c.key.is_some()).count() < MIN_KNOWN_COLUMNS {
                continue;
            }
            match &mut header {
                None => {
                    let lines = cols.iter().flat_map(|c| c.lines.iter().copied()).collect();
                    header = Some(TableHeader { cols, rows: vec![row], lines, first: row });
                }
                Some(h) => {
                    h.lines.extend(cols.iter().flat_map(|c| c.lines.iter().copied()));
                    h.rows.push(row);
                }
            }
        }
        header
    }

    /// A header made of given columns and header rows (the first row defines
    /// where the body starts).
    pub fn from_rows(cols: Vec<HeadCol<K>>, rows: Vec<HeaderRow>) -> Option<TableHeader<K>> {
        let first = *rows.first()?;
        let lines = cols.iter().flat_map(|c| c.lines.iter().copied()).collect();
        Some(TableHeader { cols, rows, lines, first })
    }

    /// Index of the first column of key `k`.
    pub fn find(&self, k: K) -> Option<usize> {
        self.cols.iter().position(|c| c.key == Some(k))
    }

    /// Whether line `r` is in the table's body: not a header line, below the first
    /// header row, and in no header row.
    pub fn is_body(&self, doc: &Doc, r: LineRef) -> bool {
        let l = doc.line(r);
        let f = self.first;
        let after = r.page > f.page || (r.page == f.page && f.bottom <= l.bbox.top + doc.p.overlap_tol);
        // Above a header repeated after a page break stands the page's running
        // heading, not the table (a split row continues under the repetition).
        let above_repeat = self.rows.iter().any(|hr| hr.page == r.page && l.bbox.cy() <= hr.top);
        !self.lines.contains(&r) && after && !above_repeat && !self.rows.iter().any(|hr| hr.holds(r.page, l.bbox.cy()))
    }

    /// The table's columns (by index into `cols`). Where headers are not in cells,
    /// body columns may start left of a centred header. The gutter between two
    /// columns is a gap that no body word covers on any row: the widest such gap
    /// between the two headers' centres gives the start of the right column, in the
    /// middle of the gap.
    /// Without a clear gutter, the leftmost body line start that recurs between the
    /// headers does.
    pub fn columns(&self, doc: &Doc, body: &[LineRef]) -> TableColumns<usize> {
        let p = doc.p;
        let mut starts: Vec<(usize, f32)> = self.cols.iter().enumerate().map(|(i, c)| (i, c.start)).collect();
        let size = body.first().map(|&r| doc.line(r).size).unwrap_or(DEFAULT_SIZE);
        let centre = |i: usize| (self.cols[i].x0 + self.cols[i].x1) / 2.0;
        // A word over the centres of two adjacent headers is two cells' values set
        // with no gap ("30/11/202430/11/2025"): it hides the gutter, so it does not
        // count here.
        let glued = |x0: f32, x1: f32| (1..self.cols.len()).any(|i| x0 < centre(i - 1) && x1 > centre(i));
        let spans: Vec<Span> = body
            .iter()
            .flat_map(|&r| doc.line(r).words.iter().map(|w| Span { x0: w.bbox.x0, x1: w.bbox.x1 }))
            .filter(|s| !glued(s.x0, s.x1))
            .collect();
        // Leading columns with no words on this page (a merged cell continuing from
        // the page before, the first columns empty) are bounded by their headers:
        // the gutter before the first column with words opens at the header left of
        // it. (Only these: a header over a column with words may stand right of
        // them, and would open a gap inside its own column.)
        let leftmost = spans.iter().map(|s| s.x0).fold(f32::INFINITY, f32::min);
        let heads = self.cols.iter().filter(|c| !c.ruled && c.x1 < leftmost).map(|c| Span { x0: c.x0, x1: c.x1 });
        let gaps = uncovered_gaps(spans.iter().copied().chain(heads).collect());
        // The values a gap opens onto (runs of words on a line, up to the next
        // gutter-wide space) belong to the header they lie under most, or, under
        // neither, to the nearer one: a short right-aligned value starts right of its
        // own header's centre (or past its end), and the gap before it starts that
        // header's column, not the next one.
        let gutter = p.table_gutter_min * size;
        let per_line: Vec<Vec<Span>> = body.iter().map(|&r| word_runs(&doc.line(r).words, gutter)).collect();
        let runs: Vec<Span> = per_line.iter().flatten().copied().collect();
        // the first run of each line (the value the line opens with)
        let line_runs: Vec<Span> = per_line.iter().filter_map(|l| l.first().copied()).collect();
        // overlap with the header's text, less the distance to it when apart; a
        // value under neither header counts as the left one's only when clearly
        // nearer to it (a right-aligned value just past its header's end), not when
        // about as far from both (it starts a wide column whose header is centred
        // far to its right)
        let affinity = |c: &HeadCol<K>, s: &Span| s.x1.min(c.x1) - s.x0.max(c.x0);
        let run_is_left = |s: &Span, i: usize| {
            let (l, r) = (affinity(&self.cols[i - 1], s), affinity(&self.cols[i], s));
            l > r && (l > 0.0 || -l < p.value_header_nearer * -r)
        };
        let opens_onto_left = |g: &Span, i: usize| {
            let (left, right) = runs
                .iter()
                .filter(|s| (s.x0 - g.x1).abs() <= p.edge_tol)
                .fold((0usize, 0usize), |(l, r), s| if run_is_left(s, i) { (l + 1, r) } else { (l, r + 1) });
            left > right
        };
        let need = if body.len() > FEW_BODY_LINES { RECUR_MANY } else { RECUR_FEW };
        for i in 1..starts.len() {
            if self.cols[i].ruled {
                continue;
            }
            let (lo, hi) = (centre(i - 1), centre(i));
            // The gap may open left of the left header's centre (a short value under a
            // wide centred header): what matters is where it ends, the right column's start.
            let own: Vec<Span> = gaps.iter().copied().filter(|g| !opens_onto_left(g, i)).collect();
            if let Some(g) = widest_gap_ending_in(&own, lo, hi + p.column_slack * size, p.table_gutter_min * size) {
                // The column starts in the middle of the gutter, not at the first word
                // right of it: on a page that reuses these starts (the header not
                // repeated), a wider centred value of the right column starts
                // further left than any word here.
                starts[i].1 = g.x0 + g.width() * p.gutter_split;
                continue;
            }
            let prev_end = self.cols[i - 1].x1.max(starts[i - 1].1);
            let s = starts[i].1;
            // (the value a line opens with must be this column's: right-aligned values
            // of the column to the left start at recurring x too when equally wide)
            let xs: Vec<f32> = line_runs
                .iter()
                .filter(|r| !run_is_left(r, i))
                .map(|r| r.x0)
                .filter(|&x| x < s - p.header_start_margin && x > prev_end + p.header_end_margin)
                .collect();
            // A column start recurs on several rows; a lone phrase inside a justified
            // description does not.
            starts[i].1 = leftmost_recurring(&xs, p.align_tol, need, s);
            if starts[i].1 == s {
                // No line starts there: the column's values may all sit on the lines
                // of the column to their left (a gutter narrower than the space that
                // separates phrases, "... delle risorse   EFFICACIA"). A value still
                // opens a run of words (after a gutter-wide space) at the same x on
                // several rows, where words inside a text do so only by chance: the
                // x that most runs open at, on at least two rows.
                let xs: Vec<f32> = runs
                    .iter()
                    .filter(|r| !run_is_left(r, i))
                    .map(|r| r.x0)
                    .filter(|&x| x < s - p.header_start_margin && x > prev_end + p.header_end_margin)
                    .collect();
                starts[i].1 = most_recurring(&xs, p.align_tol, need.max(2)).unwrap_or(s);
            }
        }
        TableColumns::new(starts)
    }

    /// Ruled tables: keep only lines in cells, or between the table's vertical rules
    /// (a cell cut open by a page break has no bottom rule); a footer below the table
    /// is neither.
    pub fn keep_ruled(&self, doc: &Doc, body: Vec<LineRef>) -> Vec<LineRef> {
        let ruled = self.cols.iter().any(|c| c.ruled);
        let tol = doc.p.overlap_tol;
        let between_rules = |r: LineRef| {
            let (l, pg) = (doc.line(r), &doc.pages[r.page]);
            let cy = l.bbox.cy();
            let side = |left: bool| {
                pg.vedges.iter().any(|e| {
                    e.from <= cy && e.to >= cy && if left { e.pos <= l.bbox.x0 + tol } else { e.pos >= l.bbox.x1 - tol }
                })
            };
            side(true) && side(false)
        };
        body.into_iter().filter(|&r| !ruled || doc.line(r).cell.is_some() || between_rules(r)).collect()
    }
}

/// The runs of `words` (in reading order on one line) separated by spaces of at
/// least `gutter`: the values a line holds side by side.
fn word_runs(words: &[crate::layout::Word], gutter: f32) -> Vec<Span> {
    let mut runs: Vec<Span> = Vec::new();
    for w in words {
        match runs.last_mut() {
            Some(run) if w.bbox.x0 - run.x1 < gutter => run.x1 = run.x1.max(w.bbox.x1),
            _ => runs.push(Span { x0: w.bbox.x0, x1: w.bbox.x1 }),
        }
    }
    runs
}

/// A font size for a table with no body (nothing is measured with it then).
const DEFAULT_SIZE: f32 = 9.0;
/// On a body of more than this many lines, a column start must recur on two rows
/// (a lone phrase inside a justified description is no column start) ...
const FEW_BODY_LINES: usize = 3;
/// ... on a smaller body, one line is all there is.
const RECUR_MANY: usize = 2;
const RECUR_FEW: usize = 1;

/// A row of a table: its first page, each column's text (by column index) and the
/// lines behind each.
pub(super) struct TableRow {
    pub page: usize,
    pub cells: Vec<String>,
    pub lines: Vec<Vec<LineRef>>,
}

impl TableRow {
    /// The text of column `i` (`""` for no column).
    pub fn text(&self, i: Option<usize>) -> &str {
        i.map(|i| self.cells[i].as_str()).unwrap_or("")
    }
    /// The lines of column `i`.
    pub fn src(&self, i: Option<usize>) -> &[LineRef] {
        i.map(|i| self.lines[i].as_slice()).unwrap_or(&[])
    }
}

/// The rows of a table body, anchored on column `anchor`, each split into its
/// cells (only columns whose header is `known` count). A row cut by a page break is
/// joined to the row it continues: its tail opens the next page in lower case with
/// the anchor cell and, at most, cells of the `tail_ok` columns, which continue
/// only when the previous row has them and a value.
pub(super) fn read_rows(
    doc: &Doc,
    body: &[LineRef],
    columns: &TableColumns<usize>,
    known: &[bool],
    anchor: usize,
    tail_ok: &[usize],
) -> Vec<TableRow> {
    let tol = doc.p.edge_tol;
    let n = known.len();
    let is_anchor = |r: LineRef| columns.column_of(doc.line(r).bbox.x0, tol) == anchor;
    let mut rows: Vec<TableRow> = Vec::new();
    for row in table_rows(doc, body, &is_anchor) {
        let mut parts: Vec<(usize, LineRef, String)> = Vec::new();
        for &r in &row {
            columns.runs(&doc.line(r).words, tol, |c, s| parts.push((c, r, s)));
        }
        parts.sort_by(|a, b| doc.reading_cmp(a.1, b.1));
        let cells: Vec<String> =
            (0..n).map(|c| join_lines(parts.iter().filter(|x| x.0 == c).map(|x| x.2.as_str()))).collect();
        let lines: Vec<Vec<LineRef>> =
            (0..n).map(|c| parts.iter().filter(|x| x.0 == c).map(|x| x.1).collect()).collect();
        if (0..n).all(|c| !known[c] || cells[c].is_empty()) {
            continue;
        }
        let page = row.iter().map(|r| r.page).min().unwrap_or(0);
        if let Some(prev) = rows.last_mut() {
            // A tail continues a sentence: it starts in lower case (a new row starts
            // with a capital, even when its other cells are empty).
            let first_on_page = page > prev.page && cells[anchor].chars().next().is_some_and(|c| !c.is_uppercase());
            let value_cols = |c: usize| known[c] && c != anchor && !tail_ok.contains(&c);
            let prev_has_value = (0..n).any(|c| value_cols(c) && !prev.cells[c].is_empty());
            let tail = (0..n).all(|c| !value_cols(c) || cells[c].is_empty())
                && !prev.cells[anchor].is_empty()
                && tail_ok.iter().all(|&t| cells[t].is_empty() || (!prev.cells[t].is_empty() && prev_has_value));
            if first_on_page && tail {
                for c in (0..n).filter(|&c| c == anchor || tail_ok.contains(&c)) {
                    if !cells[c].is_empty() {
                        prev.cells[c] = join_lines([prev.cells[c].as_str(), cells[c].as_str()]);
                        prev.lines[c].extend(lines[c].iter().copied());
                    }
                }
                continue;
            }
        }
        rows.push(TableRow { page, cells, lines });
    }
    rows
}
