//! Layout stage: a [`Page`] of glyphs and rules -> words, lines and cells.
//!
//! Owns the geometry: which glyphs form a word, which words form a line (a run of
//! words on one baseline that no rule or column gutter interrupts), and which ruled
//! cell, if any, holds each line. Content-stream order is never used: glyphs are
//! ordered by position only, because report generators draw text in any order.
//!
//! Ruling evidence: thin painted paths are rule lines; larger stroked or non-white
//! filled rectangles contribute their four sides (a shaded row is bounded by its
//! fill even when no line is drawn). Borderless pages simply have no edges and the
//! parser falls back on alignment. The column mechanics shared with the parser
//! (word gaps, gutters, column starts from aligned left edges) are in
//! [`crate::columns`].

use crate::columns::{cut_words, word_gaps, ColumnStart, ColumnStarts, GapRule};
use crate::extract::{BBox, Page, Paint};
use crate::params::Params;
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct Word {
    pub text: String,
    pub bbox: BBox,
    /// Median font size of the word's glyphs.
    pub size: f32,
    pub bold: bool,
}

/// Positioned text line: words on one baseline, not crossing a rule or a gutter.
#[derive(Clone, Debug, Serialize)]
pub struct Line {
    pub text: String,
    pub bbox: BBox,
    /// Median font size of the glyphs.
    pub size: f32,
    /// Every word is bold.
    pub bold: bool,
    pub words: Vec<Word>,
    /// Index of the row (baseline cluster) on the page; lines sharing a row sit side
    /// by side.
    pub row: usize,
    /// Index into [`PageLayout::cells`] of the ruled cell that encloses the line.
    pub cell: Option<usize>,
}

impl Line {
    /// A line made of `words` (in left-to-right order) on row `row`.
    pub fn from_words(words: Vec<Word>, row: usize) -> Line {
        let mut bbox = words.first().map(|w| w.bbox).unwrap_or_default();
        let mut text = String::with_capacity(words.iter().map(|w| w.text.len() + 1).sum());
        for w in &words {
            bbox = bbox.union(&w.bbox);
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(&w.text);
        }
        let bold = !words.is_empty() && words.iter().all(|w| w.bold);
        let size = common_value(words.iter().map(|w| w.size))
            .unwrap_or_else(|| median_in_place(&mut words.iter().map(|w| w.size).collect::<Vec<f32>>()));
        Line { text, bbox, size, bold, words, row, cell: None }
    }
}

/// Replace every line for which `split` returns word groups by one line per group
/// (same row, left to right), keeping reading order and the cell of each line.
pub fn split_lines(layout: &mut PageLayout, mut split: impl FnMut(&Line) -> Option<Vec<Vec<Word>>>) {
    let mut changed = false;
    let mut out = Vec::with_capacity(layout.lines.len());
    for line in layout.lines.drain(..) {
        match split(&line).filter(|g| g.len() > 1 && g.iter().all(|w| !w.is_empty())) {
            Some(groups) => {
                changed = true;
                for g in groups {
                    out.push(Line { cell: line.cell, ..Line::from_words(g, line.row) });
                }
            }
            None => out.push(line),
        }
    }
    layout.lines = out;
    if changed {
        for c in &mut layout.cells {
            c.lines.clear();
        }
        for (i, l) in layout.lines.iter().enumerate() {
            if let Some(c) = l.cell {
                layout.cells[c].lines.push(i);
            }
        }
    }
}

/// A straight edge: horizontal (`pos` = y, `from..to` = x) or vertical (`pos` = x,
/// `from..to` = y).
#[derive(Clone, Copy, Debug, Serialize, PartialEq)]
pub struct Edge {
    pub pos: f32,
    pub from: f32,
    pub to: f32,
}

/// A box closed on all four sides by edges, with the lines it holds.
#[derive(Clone, Debug, Serialize)]
pub struct Cell {
    pub bbox: BBox,
    pub lines: Vec<usize>,
}

/// The page as the parser sees it.
#[derive(Clone, Debug, Default, Serialize)]
pub struct PageLayout {
    pub number: u32,
    pub width: f32,
    pub height: f32,
    /// Lines in reading order: by row (top to bottom), then left to right.
    pub lines: Vec<Line>,
    pub cells: Vec<Cell>,
    pub hedges: Vec<Edge>,
    pub vedges: Vec<Edge>,
    pub glyph_count: usize,
    pub images: u32,
}

impl PageLayout {
    /// Human-readable dump (the `perfplan text` view): every line with its box,
    /// font size, bold flag, row and cell, then the cells with their boxes.
    pub fn write_text(&self, w: &mut impl std::io::Write) -> std::io::Result<()> {
        writeln!(
            w,
            "--- page {} ({:.1} x {:.1} pt, {} glyphs, {} images, {} lines, {} cells, {}+{} edges) ---",
            self.number,
            self.width,
            self.height,
            self.glyph_count,
            self.images,
            self.lines.len(),
            self.cells.len(),
            self.hedges.len(),
            self.vedges.len()
        )?;
        for l in &self.lines {
            let b = &l.bbox;
            let cell = l.cell.map(|c| format!("c{c}")).unwrap_or_else(|| "-".into());
            writeln!(
                w,
                "[{:7.1} {:7.1} {:7.1} {:7.1}] {:5.1}{} r{:<3} {:>5} {}",
                b.x0,
                b.top,
                b.x1,
                b.bottom,
                l.size,
                if l.bold { "B" } else { " " },
                l.row,
                cell,
                l.text
            )?;
        }
        for (i, c) in self.cells.iter().enumerate() {
            let b = &c.bbox;
            writeln!(
                w,
                "cell c{i}: [{:7.1} {:7.1} {:7.1} {:7.1}] {} lines",
                b.x0,
                b.top,
                b.x1,
                b.bottom,
                c.lines.len()
            )?;
        }
        Ok(())
    }

    /// Edges (horizontal) that cross the vertical line `x` strictly between `y0` and `y1`.
    pub fn hedges_between(&self, x: f32, y0: f32, y1: f32) -> impl Iterator<Item = &Edge> {
        self.hedges.iter().filter(move |e| e.pos > y0 && e.pos < y1 && e.from <= x && e.to >= x)
    }
}

/// Run the layout stage on one page.
pub fn analyze(page: &Page, params: &Params) -> PageLayout {
    let (hedges, vedges) = edges(page, params);
    let mut layout = PageLayout {
        number: page.number,
        width: page.width,
        height: page.height,
        glyph_count: page.glyphs.len(),
        images: page.images,
        hedges,
        vedges,
        ..Default::default()
    };
    let vsorted = SortedEdges::new(&layout.vedges);
    layout.lines = lines(page, &vsorted, params);
    split_at_column_starts(&mut layout, params);
    assign_cells(&mut layout, &vsorted, params);
    layout
}

/// Edges sorted by position, for the range queries of the layout (each line asks
/// for the nearest edge on every side: a scan of all edges per line is the
/// quadratic part of a ruled page). The layout's own edge lists keep drawing order.
struct SortedEdges(Vec<Edge>);

impl SortedEdges {
    fn new(edges: &[Edge]) -> Self {
        // a NaN position never satisfies a comparison: such an edge is never found
        let mut v: Vec<Edge> = edges.iter().copied().filter(|e| !e.pos.is_nan()).collect();
        v.sort_by(|a, b| a.pos.total_cmp(&b.pos));
        SortedEdges(v)
    }

    fn spans(e: &Edge, at: f32) -> bool {
        e.from <= at && e.to >= at
    }

    /// Some edge with `lo <= pos <= hi` spans `at`.
    fn any_between(&self, lo: f32, hi: f32, at: f32) -> bool {
        if lo.is_nan() || hi.is_nan() {
            return false;
        }
        let start = self.0.partition_point(|e| e.pos < lo);
        self.0[start..].iter().take_while(|e| e.pos <= hi).any(|e| Self::spans(e, at))
    }

    /// The largest position `<= x` of an edge spanning `at` (-inf if none).
    fn last_at_most(&self, x: f32, at: f32) -> f32 {
        let end = self.0.partition_point(|e| e.pos <= x);
        self.0[..end].iter().rev().find(|e| Self::spans(e, at)).map_or(f32::NEG_INFINITY, |e| e.pos)
    }

    /// The smallest position `>= x` of an edge spanning `at` (+inf if none).
    fn first_at_least(&self, x: f32, at: f32) -> f32 {
        if x.is_nan() {
            return f32::INFINITY;
        }
        let start = self.0.partition_point(|e| e.pos < x);
        self.0[start..].iter().find(|e| Self::spans(e, at)).map_or(f32::INFINITY, |e| e.pos)
    }
}

/// Rules -> horizontal and vertical edges.
fn edges(page: &Page, params: &Params) -> (Vec<Edge>, Vec<Edge>) {
    let mut h = Vec::new();
    let mut v = Vec::new();
    for r in &page.rules {
        if r.paint == Paint::Fill && r.gray >= params.white_fill {
            continue;
        }
        let b = r.bbox;
        let (w, ht) = (b.width(), b.height());
        if w <= params.rule_thickness && ht <= params.rule_thickness {
            continue;
        }
        if ht <= params.rule_thickness {
            h.push(Edge { pos: b.cy(), from: b.x0, to: b.x1 });
        } else if w <= params.rule_thickness {
            v.push(Edge { pos: b.cx(), from: b.top, to: b.bottom });
        } else {
            h.push(Edge { pos: b.top, from: b.x0, to: b.x1 });
            h.push(Edge { pos: b.bottom, from: b.x0, to: b.x1 });
            v.push(Edge { pos: b.x0, from: b.top, to: b.bottom });
            v.push(Edge { pos: b.x1, from: b.top, to: b.bottom });
        }
    }
    (h, v)
}

/// The row tolerance of a glyph is taken from at least this font size (points), so
/// that glyphs of a degenerate size still cluster.
const MIN_ROW_SIZE: f32 = 1.0;

/// Cells are told apart by their edges rounded to half a point: the same box drawn
/// twice with sub-point differences is one cell.
const CELL_KEY_STEPS_PER_POINT: f32 = 2.0;

/// Glyphs -> rows -> words -> lines.
fn lines(page: &Page, vedges: &SortedEdges, params: &Params) -> Vec<Line> {
    let glyphs = &page.glyphs;
    // Sort keys copied out of the glyphs (one pass, no indirection in the sort):
    // by baseline, then x, ties in content order.
    // The key packs both positions in `f32::total_cmp` order into one integer
    // (baseline high, x low): one integer comparison instead of two float ones.
    let mut keyed = KeyRuns::with_capacity(glyphs.len());
    for (i, g) in glyphs.iter().enumerate() {
        if g.size > 0.0 {
            keyed.push(u64::from(total_key(g.baseline)) << 32 | u64::from(total_key(g.bbox.x0)), i as u32);
        }
    }
    let mut order = keyed.sorted();

    // Rows: baseline clusters, anchored on the first baseline of the cluster so that
    // a slow drift cannot chain two rows together. Each row is a range of `order`.
    let mut rows: Vec<std::ops::Range<usize>> = Vec::new();
    let mut anchor = f32::NEG_INFINITY;
    for (k, &(_, i)) in order.iter().enumerate() {
        let g = &glyphs[i as usize];
        let baseline = g.baseline;
        if rows.is_empty() || baseline - anchor > params.baseline_tol * g.size.max(MIN_ROW_SIZE) {
            rows.push(k..k);
            anchor = baseline;
        }
        rows.last_mut().unwrap().end = k + 1;
    }

    // A word under construction: the word, its glyph sizes (a range of `sizes`),
    // the size of its last glyph, every glyph bold.
    struct Building {
        word: Word,
        sizes: std::ops::Range<usize>,
        last_size: f32,
        bold: bool,
    }
    let mut sizes: Vec<f32> = Vec::new();
    let mut words: Vec<Building> = Vec::new();
    // The words of the line being built (see `take_exact`).
    let mut line_words: Vec<Word> = Vec::new();
    let mut out = Vec::new();
    for (row_idx, range) in rows.into_iter().enumerate() {
        let row = &mut order[range];
        // left to right; ties keep the (baseline, content order) order from above
        // (stable). A row of one baseline (its first and last keys share it) is
        // already left to right.
        let one_baseline = row.first().map(|e| e.0 >> 32) == row.last().map(|e| e.0 >> 32);
        if !one_baseline && !row.is_sorted_by_key(|e| e.0 as u32) {
            row.sort_by_key(|e| e.0 as u32);
        }
        // Words.
        sizes.clear();
        words.clear();
        let mut cur: Option<Building> = None;
        let mut last_x1 = f32::NEG_INFINITY;
        let mut prev: Option<usize> = None;
        for &(_, i) in row.iter() {
            let i = i as usize;
            let g = &glyphs[i];
            let text = g.text.as_str();
            let is_space = is_blank(text);
            let gap = g.bbox.x0 - last_x1;
            // A glyph drawn again on top of the previous one (fake bold, shadow) adds
            // nothing. (Positions first: they rule out nearly every glyph, cheaper
            // than comparing texts.)
            if let Some(p) = prev {
                let pg = &glyphs[p];
                if !is_space && (pg.bbox.x0 - g.bbox.x0).abs() < params.overdraw_tol * g.size && pg.text == g.text {
                    continue;
                }
            }
            prev = Some(i);
            if is_space || gap > params.word_gap * g.size {
                if let Some(w) = cur.take() {
                    words.push(w);
                }
            }
            if is_space {
                last_x1 = last_x1.max(g.bbox.x1);
                continue;
            }
            sizes.push(g.size);
            match &mut cur {
                Some(b) => {
                    push_glyph_text(&mut b.word.text, text);
                    b.word.bbox = b.word.bbox.union(&g.bbox);
                    b.sizes.end = sizes.len();
                    b.last_size = g.size;
                    b.bold &= g.bold;
                }
                None => {
                    cur = Some(Building {
                        word: Word { text: with_room(text), bbox: g.bbox, size: g.size, bold: g.bold },
                        sizes: sizes.len() - 1..sizes.len(),
                        last_size: g.size,
                        bold: g.bold,
                    })
                }
            }
            last_x1 = g.bbox.x1;
        }
        if let Some(w) = cur.take() {
            words.push(w);
        }
        // Lines: split at wide gaps and at vertical rules.
        line_words.clear();
        // size of the last glyph of the line's last word (set with the first word)
        let mut prev_last_size = 0.0f32;
        for b in words.drain(..) {
            if let Some(prev) = line_words.last() {
                let size = prev_last_size.max(b.last_size);
                let gap = b.word.bbox.x0 - prev.bbox.x1;
                // (a rule between the words is looked for only when the gap does not split already)
                let ruled = || {
                    let cy = (prev.bbox.cy() + b.word.bbox.cy()) * 0.5;
                    vedges.any_between(prev.bbox.x1 - params.edge_tol, b.word.bbox.x0 + params.edge_tol, cy)
                };
                if gap > params.phrase_gap * size || ruled() {
                    out.push(Line::from_words(take_exact(&mut line_words), row_idx));
                }
            }
            let mut w = b.word;
            w.size = median_in_place(&mut sizes[b.sizes]);
            w.bold = b.bold;
            prev_last_size = b.last_size;
            line_words.push(w);
        }
        if !line_words.is_empty() {
            out.push(Line::from_words(take_exact(&mut line_words), row_idx));
        }
    }
    out
}

/// Glyph sort keys (`(key, glyph index)`) in content order, and where each run of
/// consecutive keys on one baseline starts. A text line is drawn in one go, so a
/// page of thousands of glyphs has a few dozen such runs, nearly one per baseline:
/// sorting the runs is far cheaper than sorting the glyphs.
struct KeyRuns {
    keyed: Vec<(u64, u32)>,
    /// `(baseline, index into keyed)` of each run's first key.
    starts: Vec<(u32, usize)>,
}

impl KeyRuns {
    fn with_capacity(glyphs: usize) -> Self {
        KeyRuns { keyed: Vec::with_capacity(glyphs), starts: Vec::new() }
    }

    /// Append the key of the next glyph in content order (baseline in the high half).
    fn push(&mut self, key: u64, glyph: u32) {
        let baseline = (key >> 32) as u32;
        if self.starts.last().is_none_or(|&(b, _)| b != baseline) {
            self.starts.push((baseline, self.keyed.len()));
        }
        self.keyed.push((key, glyph));
    }

    /// The keys sorted by key, ties in content order: what a stable sort by key
    /// gives. The runs are sorted by baseline (stable, so runs of one baseline keep
    /// content order), and only a baseline whose glyphs are not already left to
    /// right is sorted by key (stable again: ties keep content order).
    // Kept out of `lines`: inlined there, it costs the whole layout 2% more
    // instructions (measured on the perf plan).
    #[inline(never)]
    fn sorted(self) -> Vec<(u64, u32)> {
        let KeyRuns { keyed, starts } = self;
        let ends = starts.iter().skip(1).map(|&(_, k)| k).chain(std::iter::once(keyed.len()));
        let mut runs: Vec<(u32, std::ops::Range<usize>)> =
            starts.iter().zip(ends).map(|(&(b, k), e)| (b, k..e)).collect();
        runs.sort_by_key(|r| r.0);
        let mut order = Vec::with_capacity(keyed.len());
        for group in runs.chunk_by(|a, b| a.0 == b.0) {
            let start = order.len();
            for (_, r) in group {
                order.extend_from_slice(&keyed[r.clone()]);
            }
            let same_baseline = &mut order[start..];
            if !same_baseline.is_sorted_by_key(|e| e.0) {
                same_baseline.sort_by_key(|e| e.0);
            }
        }
        order
    }
}

/// The items of `v` moved into a vector of their exact size, `v` left empty with
/// its buffer (`mem::take` would hand the buffer over and the next line grow a
/// new one from empty).
fn take_exact<T>(v: &mut Vec<T>) -> Vec<T> {
    let mut out = Vec::with_capacity(v.len());
    out.append(v);
    out
}

/// `v` as an unsigned integer in `f32::total_cmp` order (the bit trick of
/// `total_cmp` itself, with the sign bit flipped to order as unsigned).
fn total_key(v: f32) -> u32 {
    let b = v.to_bits() as i32;
    ((b ^ ((((b >> 31) as u32) >> 1) as i32)) as u32) ^ 0x8000_0000
}

/// `s` in a string with room for a typical word, so that appending its glyphs one
/// by one does not reallocate at every doubling.
fn with_room(s: &str) -> String {
    let mut t = String::with_capacity(s.len().max(16));
    t.push_str(s);
    t
}

/// Whether a glyph's text is blank (a space glyph, or no text at all). Nearly
/// every glyph is one ASCII byte: that case needs no UTF-8 decoding.
fn is_blank(text: &str) -> bool {
    match text.as_bytes() {
        [b] if b.is_ascii() => char::from(*b).is_whitespace(),
        _ => text.chars().all(char::is_whitespace),
    }
}

/// Append a glyph's text to a word. A one-byte (ASCII) glyph, nearly every one,
/// is pushed as a char: `push_str` would call `memcpy` for it.
fn push_glyph_text(word: &mut String, text: &str) {
    match text.as_bytes() {
        [b] if b.is_ascii() => word.push(char::from(*b)),
        _ => word.push_str(text),
    }
}

/// The value every item of `v` has (equal under `total_cmp`), if `v` is not empty
/// and uniform: then it is the median, with no selection and no copy. The words
/// and lines of a page are nearly all set in one size.
fn common_value(mut v: impl Iterator<Item = f32>) -> Option<f32> {
    let first = v.next()?;
    v.all(|x| x.total_cmp(&first).is_eq()).then_some(first)
}

/// Median (upper middle) of `v`, reordering it; 0 when empty.
fn median_in_place(v: &mut [f32]) -> f32 {
    if let Some(x) = common_value(v.iter().copied()) {
        return x;
    }
    if v.is_empty() {
        return 0.0;
    }
    let mid = v.len() / 2;
    *v.select_nth_unstable_by(mid, |a, b| a.total_cmp(b)).1
}

/// Alignment evidence on borderless pages: where lines of several rows start at the
/// same x (a column), a line of another row that has a word starting exactly there
/// runs across that column's gutter (a value printed up to the next label) and is
/// split at that word. A change between bold and regular after a gutter-wide gap is
/// the same boundary (a bold label after a regular value).
fn split_at_column_starts(layout: &mut PageLayout, params: &Params) {
    let starts = layout.lines.iter().map(|l| (ColumnStart { x: l.bbox.x0, size: l.size }, l.row)).collect();
    let columns = ColumnStarts::aligned(starts, params);
    let (gutter, restyle) = (GapRule::gutter(params), GapRule::restyle(params));
    split_lines(layout, |line| {
        let w = &line.words;
        // Measured only for a line with a candidate cut: most lines have none.
        let mut gaps: Option<Vec<f32>> = None;
        let cuts: Vec<usize> = (1..w.len())
            .filter(|&i| {
                let aligned = columns.contains(w[i].bbox.x0, line.size, params);
                // A label set in bold right after a regular value (or the reverse):
                // the change of weight is evidence enough for a narrower gutter.
                let restyled = w[i].bold != w[i - 1].bold;
                if !(aligned || restyled) {
                    return false;
                }
                let gaps = gaps.get_or_insert_with(|| word_gaps(w));
                (aligned && gutter.passes(gaps, i - 1, line.size, params))
                    || (restyled && restyle.passes(gaps, i - 1, line.size, params))
            })
            .collect();
        if cuts.is_empty() {
            return None;
        }
        Some(cut_words(w, cuts))
    });
}

/// Find, for every line, the closest edge on each side; lines closed on all four
/// sides by the same box share a cell.
fn assign_cells(layout: &mut PageLayout, vedges: &SortedEdges, params: &Params) {
    let tol = params.edge_tol;
    let hedges = SortedEdges::new(&layout.hedges);
    let mut keys: Vec<(i32, i32, i32, i32)> = Vec::new();
    for li in 0..layout.lines.len() {
        let b = layout.lines[li].bbox;
        let (cx, cy) = (b.cx(), b.cy());
        let left = vedges.last_at_most(b.x0 + tol, cy);
        let right = vedges.first_at_least(b.x1 - tol, cy);
        let top = hedges.last_at_most(b.top + tol, cx);
        let bottom = hedges.first_at_least(b.bottom - tol, cx);
        if !(left.is_finite() && right.is_finite() && top.is_finite() && bottom.is_finite()) {
            continue;
        }
        // A frame around the whole page is not a cell.
        if bottom - top > layout.height * params.page_frame || right - left <= 0.0 {
            continue;
        }
        let q = |v: f32| (v * CELL_KEY_STEPS_PER_POINT).round() as i32;
        let key = (q(left), q(top), q(right), q(bottom));
        let ci = match keys.iter().position(|k| *k == key) {
            Some(ci) => ci,
            None => {
                keys.push(key);
                layout.cells.push(Cell { bbox: BBox::new(left, top, right, bottom), lines: Vec::new() });
                keys.len() - 1
            }
        };
        layout.cells[ci].lines.push(li);
        layout.lines[li].cell = Some(ci);
    }
    dissolve_containers(layout, params);
}

/// A ruled cell that holds several rows of side-by-side lines starting at the same
/// columns (a table nested in one cell of an outer ruled table) is a container, not
/// a cell: its lines are left without a cell, so the rows and columns inside it are
/// read from their geometry like those of a borderless table.
fn dissolve_containers(layout: &mut PageLayout, params: &Params) {
    let tol = params.align_tol;
    let container = |c: &Cell| {
        // The starts of the lines after the first in each row holding several lines.
        let mut rows: Vec<(usize, Vec<f32>)> = Vec::new();
        for &li in &c.lines {
            let l = &layout.lines[li];
            match rows.iter_mut().find(|(r, _)| *r == l.row) {
                Some((_, xs)) => xs.push(l.bbox.x0),
                None => rows.push((l.row, vec![l.bbox.x0])),
            }
        }
        let starts: Vec<Vec<f32>> = rows
            .into_iter()
            .filter(|(_, xs)| xs.len() > 1)
            .map(|(_, mut xs)| {
                xs.sort_by(f32::total_cmp);
                xs.split_off(1)
            })
            .collect();
        // A column start inside the cell (not its left edge) shared by as many rows
        // as evidence a column.
        starts.iter().flatten().any(|&x| {
            starts.iter().filter(|xs| xs.iter().any(|&y| (x - y).abs() <= tol)).count() >= params.column_rows.max(2)
        })
    };
    let keep: Vec<bool> = layout.cells.iter().map(|c| !container(c)).collect();
    if keep.iter().all(|&k| k) {
        return;
    }
    let mut renumber = vec![None; keep.len()];
    let mut next = 0;
    for (i, &k) in keep.iter().enumerate() {
        if k {
            renumber[i] = Some(next);
            next += 1;
        }
    }
    let mut i = 0;
    layout.cells.retain(|_| {
        i += 1;
        keep[i - 1]
    });
    for l in &mut layout.lines {
        l.cell = l.cell.and_then(|c| renumber[c]);
    }
}

#[cfg(test)]
mod tests {
    use super::total_key;

    #[test]
    fn total_key_orders_as_total_cmp() {
        let v = [
            f32::NEG_INFINITY,
            -1e30,
            -2.5,
            -1.0,
            -0.0,
            0.0,
            1e-40,
            1.0,
            2.5,
            1e30,
            f32::INFINITY,
            f32::NAN,
            -f32::NAN,
        ];
        for a in v {
            for b in v {
                assert_eq!(total_key(a).cmp(&total_key(b)), a.total_cmp(&b), "{a} {b}");
            }
        }
    }

    use super::*;
    use crate::extract::{Glyph, Rule};
    use crate::testkit::{page, stroke, text};

    /// The sorted-edge queries give what a scan of every edge gives, on random
    /// edges with repeated positions and queries on and between them.
    #[test]
    fn sorted_edge_queries_match_a_full_scan() {
        let mut seed = 0x2545_f491u32;
        let mut next = move |n: u32| {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            (seed % n) as f32
        };
        for _ in 0..200 {
            let edges: Vec<Edge> = (0..next(12) as usize)
                .map(|_| {
                    let from = next(50);
                    Edge { pos: next(20), from, to: from + next(30) }
                })
                .collect();
            let sorted = SortedEdges::new(&edges);
            for _ in 0..20 {
                let (x, at, w) = (next(22) - 1.0, next(60), next(6));
                let spans = |e: &&Edge| e.from <= at && e.to >= at;
                let last =
                    edges.iter().filter(|e| e.pos <= x).filter(spans).map(|e| e.pos).fold(f32::NEG_INFINITY, f32::max);
                let first =
                    edges.iter().filter(|e| e.pos >= x).filter(spans).map(|e| e.pos).fold(f32::INFINITY, f32::min);
                let any = edges.iter().filter(|e| e.pos >= x && e.pos <= x + w).any(|e| spans(&e));
                assert_eq!(sorted.last_at_most(x, at), last);
                assert_eq!(sorted.first_at_least(x, at), first);
                assert_eq!(sorted.any_between(x, x + w, at), any);
            }
        }
        assert_eq!(
            SortedEdges::new(&[Edge { pos: 1.0, from: 0.0, to: 9.0 }]).first_at_least(f32::NAN, 1.0),
            f32::INFINITY
        );
    }

    /// The run sort gives what a stable sort by key gives, on keys with few
    /// baselines (long runs, repeated out of order) and repeated x positions.
    #[test]
    fn baseline_run_sort_matches_a_stable_sort() {
        let mut seed = 0x9e37_79b9u32;
        let mut next = move |n: u32| {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed % n
        };
        for _ in 0..300 {
            let len = next(60) as usize;
            let mut keyed = Vec::new();
            let mut baseline = next(5);
            for i in 0..len {
                if next(6) == 0 {
                    baseline = next(5);
                }
                keyed.push((u64::from(baseline) << 32 | u64::from(next(8)), i as u32));
            }
            let mut runs = KeyRuns::with_capacity(len);
            for &(key, i) in &keyed {
                runs.push(key, i);
            }
            let mut expected = keyed.clone();
            expected.sort_by_key(|e| e.0);
            assert_eq!(runs.sorted(), expected);
        }
    }

    #[test]
    fn words_and_lines_from_unordered_glyphs() {
        let mut g = Vec::new();
        text(&mut g, "Valore atteso", 300.0, 100.0, 10.0, false);
        text(&mut g, "Descrizione", 50.0, 100.0, 10.0, true);
        text(&mut g, "seconda riga", 50.0, 112.0, 10.0, false);
        g.reverse();
        let l = analyze(&page(1, g, vec![]), &Params::default());
        let texts: Vec<&str> = l.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["Descrizione", "Valore atteso", "seconda riga"]);
        assert!(l.lines[0].bold && !l.lines[1].bold);
        assert_eq!(l.lines[0].row, l.lines[1].row);
        assert_ne!(l.lines[0].row, l.lines[2].row);
    }

    #[test]
    fn justified_gaps_without_space_glyphs() {
        let mut g = Vec::new();
        text(&mut g, "parola", 50.0, 100.0, 10.0, false);
        text(&mut g, "giustificata", 50.0 + 30.0 + 6.0, 100.0, 10.0, false);
        let l = analyze(&page(1, g, vec![]), &Params::default());
        assert_eq!(l.lines.len(), 1);
        assert_eq!(l.lines[0].text, "parola giustificata");
        assert_eq!(l.lines[0].words.len(), 2);
    }

    #[test]
    fn vertical_rule_splits_a_line_and_cells_are_found() {
        let mut g = Vec::new();
        text(&mut g, "Direzione", 52.0, 100.0, 10.0, true);
        text(&mut g, "AFFARI", 102.0, 100.0, 10.0, false);
        let rules = vec![
            stroke(50.0, 90.0, 200.0, 90.5),
            stroke(50.0, 110.0, 200.0, 110.5),
            stroke(50.0, 90.0, 50.5, 110.0),
            stroke(100.0, 90.0, 100.5, 110.0),
            stroke(200.0, 90.0, 200.5, 110.0),
        ];
        let l = analyze(&page(1, g, rules), &Params::default());
        assert_eq!(l.lines.len(), 2, "{:?}", l.lines);
        assert_eq!(l.cells.len(), 2);
        let c0 = l.lines[0].cell.unwrap();
        let c1 = l.lines[1].cell.unwrap();
        assert!((l.cells[c0].bbox.x1 - l.cells[c1].bbox.x0).abs() < 0.01);
    }

    #[test]
    fn shaded_fill_bounds_cells_and_white_fill_does_not() {
        let mut g = Vec::new();
        text(&mut g, "riga", 60.0, 100.0, 10.0, false);
        let fill = |gray| Rule { bbox: BBox::new(50.0, 90.0, 300.0, 104.0), paint: Paint::Fill, gray };
        let shaded = analyze(&page(1, g.clone(), vec![fill(0.85)]), &Params::default());
        assert_eq!(shaded.lines[0].cell, Some(0));
        assert_eq!(shaded.hedges.len(), 2);
        let white = analyze(&page(1, g, vec![fill(1.0)]), &Params::default());
        assert_eq!(white.lines[0].cell, None);
        assert!(white.hedges.is_empty());
    }

    #[test]
    fn wide_gutter_splits_borderless_columns() {
        let mut g = Vec::new();
        text(&mut g, "Tipo", 50.0, 100.0, 10.0, false);
        text(&mut g, "OUTCOME", 50.0 + 20.0 + 20.0, 100.0, 10.0, false);
        let l = analyze(&page(1, g, vec![]), &Params::default());
        assert_eq!(l.lines.len(), 2);
    }
    #[test]
    fn value_running_into_an_aligned_label_column_is_split() {
        // Labels start at x=300 on two rows; on a third row a value (words 5 pt
        // apart) runs up to the label column, 12 pt (1.2 em, under the phrase gap)
        // short of it.
        let mut g = Vec::new();
        text(&mut g, "VALORE LUNGO", 300.0 - 12.0 - 60.0, 100.0, 10.0, false);
        text(&mut g, "Etichetta", 300.0, 100.0, 10.0, false);
        text(&mut g, "Seconda", 300.0, 120.0, 10.0, false);
        text(&mut g, "Terza", 300.0, 140.0, 10.0, false);
        let l = analyze(&page(1, g.clone(), vec![]), &Params::default());
        let row0: Vec<&str> = l.lines.iter().filter(|x| x.row == 0).map(|x| x.text.as_str()).collect();
        assert_eq!(row0, ["VALORE LUNGO", "Etichetta"]);
        // Without the aligned rows below, the same gap is just a wide space.
        let single: Vec<Glyph> = g.into_iter().filter(|gl| gl.baseline == 100.0).collect();
        let l = analyze(&page(1, single, vec![]), &Params::default());
        assert_eq!(l.lines.len(), 1);
    }

    #[test]
    fn bold_label_after_a_gutter_is_split_but_not_after_a_space() {
        let mut g = Vec::new();
        text(&mut g, "VALORE", 100.0, 100.0, 10.0, false);
        text(&mut g, "Dirigente", 100.0 + 30.0 + 8.0, 100.0, 10.0, true);
        text(&mut g, "testo in", 100.0, 130.0, 10.0, false);
        text(&mut g, "grassetto", 100.0 + 40.0 + 2.5, 130.0, 10.0, true);
        let l = analyze(&page(1, g, vec![]), &Params::default());
        let texts: Vec<&str> = l.lines.iter().map(|x| x.text.as_str()).collect();
        assert_eq!(texts, ["VALORE", "Dirigente", "testo in grassetto"]);
        assert!(l.lines[1].bold && !l.lines[0].bold && !l.lines[2].bold);
    }
}
