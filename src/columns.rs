//! Column toolkit: the geometry of columns and gutters shared by the layout stage
//! and every table parser of the sheet stage.
//!
//! Owns the mechanics only: gaps between the words of a line and which of them are
//! gutters, column starts evidenced by aligned left edges, the gutters no word of a
//! table body covers, and assigning words to columns. What a column means (a grid
//! label, an indicator-table header) stays with the parser that asks.

use crate::layout::Word;
use crate::params::Params;

/// A horizontal extent on a page, `x0..x1` (points).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Span {
    pub x0: f32,
    pub x1: f32,
}

impl Span {
    pub fn width(&self) -> f32 {
        self.x1 - self.x0
    }
}

// ---------------------------------------------------------------------------
// Gaps inside one line

/// The gaps between consecutive words of a line (`gaps[k]` lies between word `k`
/// and word `k + 1`).
pub fn word_gaps(words: &[Word]) -> Vec<f32> {
    (1..words.len()).map(|i| words[i].bbox.x0 - words[i - 1].bbox.x1).collect()
}

/// How much wider than the line's ordinary word space a gap must be to separate
/// columns: at least `min_em` em and `space_ratio` times the narrowest other gap.
#[derive(Clone, Copy, Debug)]
pub struct GapRule {
    pub min_em: f32,
    pub space_ratio: f32,
}

impl GapRule {
    /// A gutter between aligned columns.
    pub fn gutter(params: &Params) -> GapRule {
        GapRule { min_em: params.gutter_min, space_ratio: params.gutter_space_ratio }
    }

    /// A narrower gap that splits a line only together with a change between bold
    /// and regular (a bold label right after a regular value, or the reverse).
    pub fn restyle(params: &Params) -> GapRule {
        GapRule { min_em: params.restyle_gap_min, space_ratio: params.restyle_space_ratio }
    }

    /// Whether gap `k` of a line's word `gaps` (font size `size`) passes the rule.
    /// The ordinary word space is the line's narrowest other gap, or the default
    /// space when it has none.
    pub fn passes(&self, gaps: &[f32], k: usize, size: f32, params: &Params) -> bool {
        let space = gaps.iter().enumerate().filter(|&(j, _)| j != k).map(|(_, g)| *g).fold(f32::INFINITY, f32::min);
        let space = if space.is_finite() { space } else { params.default_space * size };
        gaps[k] >= (self.min_em * size).max(self.space_ratio * space)
    }
}

/// Whether gap `k` of a line's word gaps is a gutter: at least `gutter_min` em and
/// twice the line's ordinary word space (its narrowest other gap).
pub fn is_gutter(gaps: &[f32], k: usize, size: f32, params: &Params) -> bool {
    GapRule::gutter(params).passes(gaps, k, size, params)
}

/// `words` cut before each index of `cuts` (increasing, inside `1..words.len()`).
pub fn cut_words(words: &[Word], cuts: impl IntoIterator<Item = usize>) -> Vec<Vec<Word>> {
    let mut groups = Vec::new();
    let mut prev = 0;
    for c in cuts.into_iter().chain(std::iter::once(words.len())) {
        groups.push(words[prev..c].to_vec());
        prev = c;
    }
    groups
}

// ---------------------------------------------------------------------------
// Column starts from aligned left edges

/// Where a column starts: the x of its left edge and the font size of its text.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ColumnStart {
    pub x: f32,
    pub size: f32,
}

/// A set of column starts, sorted by x.
#[derive(Clone, Debug, Default)]
pub struct ColumnStarts(Vec<ColumnStart>);

impl ColumnStarts {
    /// Columns evidenced by alignment: an x (and font size) where lines of at least
    /// `column_rows` different rows start, within `align_tol`. `starts` holds each
    /// line's start and row. The leftmost start of a cluster stands for it.
    pub fn aligned(mut starts: Vec<(ColumnStart, usize)>, params: &Params) -> ColumnStarts {
        starts.sort_by(|a, b| a.0.x.total_cmp(&b.0.x));
        let tol = params.align_tol;
        let mut columns = ColumnStarts::default();
        // the rows of the start being looked at (one buffer for all starts)
        let mut rows: Vec<usize> = Vec::new();
        for (i, &(s, _)) in starts.iter().enumerate() {
            if columns.contains(s.x, s.size, params) {
                continue;
            }
            rows.clear();
            for &(s2, r2) in starts[i..].iter().take_while(|e| e.0.x - s.x < tol) {
                if (s2.size - s.size).abs() < params.same_size_tol && (s2.x - s.x).abs() < tol && !rows.contains(&r2) {
                    rows.push(r2);
                }
            }
            if rows.len() >= params.column_rows {
                // starts are visited by increasing x: the list stays sorted
                columns.0.push(s);
            }
        }
        columns
    }

    /// Every distinct start of `starts` (the first of those closer than `merge` in
    /// x and in size stands for them), with no evidence required.
    pub fn distinct(starts: impl IntoIterator<Item = ColumnStart>, merge: f32) -> ColumnStarts {
        let mut out: Vec<ColumnStart> = Vec::new();
        for s in starts {
            if !out.iter().any(|c| (c.x - s.x).abs() < merge && (c.size - s.size).abs() < merge) {
                out.push(s);
            }
        }
        out.sort_by(|a, b| a.x.total_cmp(&b.x));
        ColumnStarts(out)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether a column starts at `x` (within `align_tol`) for text of font size
    /// `size` (within `same_size_tol`).
    pub fn contains(&self, x: f32, size: f32, params: &Params) -> bool {
        let tol = params.align_tol;
        // The list is sorted by x: look only at the starts near x (a window twice
        // the tolerance wide, so that rounding cannot leave a match outside it).
        let from = self.0.partition_point(|c| c.x < x - 2.0 * tol);
        self.0[from..]
            .iter()
            .take_while(|c| c.x < x + 2.0 * tol)
            .any(|c| (c.x - x).abs() < tol && (c.size - size).abs() < params.same_size_tol)
    }
}

// ---------------------------------------------------------------------------
// Table columns

/// The gaps between `spans` that no span covers (the gutters of a table body when
/// the spans are the words of all its rows), left to right.
pub fn uncovered_gaps(mut spans: Vec<Span>) -> Vec<Span> {
    spans.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    let mut gaps = Vec::new();
    let mut reach = f32::NEG_INFINITY;
    for s in &spans {
        if reach.is_finite() && s.x0 > reach {
            gaps.push(Span { x0: reach, x1: s.x0 });
        }
        reach = reach.max(s.x1);
    }
    gaps
}

/// The widest of `gaps` at least `min_width` wide whose right end lies in
/// `(lo, hi]`: a gutter that ends where the next column starts.
pub fn widest_gap_ending_in(gaps: &[Span], lo: f32, hi: f32, min_width: f32) -> Option<Span> {
    gaps.iter()
        .copied()
        .filter(|g| g.x1 > lo && g.x1 <= hi && g.width() >= min_width)
        .max_by(|a, b| a.width().total_cmp(&b.width()))
}

/// The leftmost of `xs` that occurs at least `need` times (within `tol`), or
/// `init` when that is further left or no x recurs: a column start evidenced by
/// several rows rather than a lone phrase.
pub fn leftmost_recurring(xs: &[f32], tol: f32, need: usize, init: f32) -> f32 {
    xs.iter().copied().filter(|&x| xs.iter().filter(|&&y| (y - x).abs() < tol).count() >= need).fold(init, f32::min)
}

/// The x among `xs` that most others lie within `tol` of, when at least `need`
/// do (itself included); of equally frequent ones the leftmost.
pub fn most_recurring(xs: &[f32], tol: f32, need: usize) -> Option<f32> {
    let count = |x: f32| xs.iter().filter(|&&y| (y - x).abs() < tol).count();
    xs.iter()
        .map(|&x| (count(x), x))
        .filter(|&(n, _)| n >= need)
        .max_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)))
        .map(|(_, x)| x)
}

/// Columns of a table: each a key (what the column holds) and the x where it
/// starts, sorted by x.
#[derive(Clone, Debug)]
pub struct TableColumns<K>(Vec<(K, f32)>);

impl<K: Copy + PartialEq> TableColumns<K> {
    /// Columns from their starts, left to right (a start moved by a gutter may
    /// break the order; the lookup then still takes the last one that fits).
    pub fn new(starts: Vec<(K, f32)>) -> Self {
        TableColumns(starts)
    }

    pub fn starts(&self) -> &[(K, f32)] {
        &self.0
    }

    /// Column holding text that starts at `x`: the last one starting at or left of
    /// it (within `tol`), else the first. Panics on a table without columns.
    pub fn column_of(&self, x: f32, tol: f32) -> K {
        self.0.iter().rev().find(|(_, s)| x >= s - tol).map(|(c, _)| *c).unwrap_or(self.0[0].0)
    }

    /// The words of a line in runs of consecutive words of one column, each run's
    /// column and text (joined with single spaces) handed to `emit` left to right.
    pub fn runs(&self, words: &[Word], tol: f32, mut emit: impl FnMut(K, String)) {
        let mut cur: Option<(K, String)> = None;
        for w in words {
            let c = self.column_of(w.bbox.x0, tol);
            match &mut cur {
                Some((cc, s)) if *cc == c => {
                    s.push(' ');
                    s.push_str(&w.text);
                }
                _ => {
                    if let Some((cc, s)) = cur.take() {
                        emit(cc, s);
                    }
                    cur = Some((c, w.text.clone()));
                }
            }
        }
        if let Some((cc, s)) = cur {
            emit(cc, s);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::BBox;

    fn word(text: &str, x0: f32, x1: f32) -> Word {
        Word { text: text.into(), bbox: BBox::new(x0, 90.0, x1, 100.0), size: 10.0, bold: false }
    }

    #[test]
    fn gaps_and_gutters() {
        let p = Params::default();
        let w = [word("a", 0.0, 10.0), word("b", 12.0, 20.0), word("c", 30.0, 40.0)];
        let gaps = word_gaps(&w);
        assert_eq!(gaps, vec![2.0, 10.0]);
        // 10 pt: over 0.6 em and twice the 2 pt space
        assert!(is_gutter(&gaps, 1, 10.0, &p));
        assert!(!is_gutter(&gaps, 0, 10.0, &p));
        // A lone gap is measured against the default space (0.25 em).
        assert!(is_gutter(&[6.0], 0, 10.0, &p));
        assert!(!is_gutter(&[5.9], 0, 10.0, &p));
        // Restyle: 0.3 em and 1.5 spaces.
        assert!(GapRule::restyle(&p).passes(&[2.0, 3.0], 1, 10.0, &p));
        assert!(!GapRule::restyle(&p).passes(&[2.0, 2.9], 1, 10.0, &p));
        let groups = cut_words(&w, [2]);
        assert_eq!(groups.iter().map(Vec::len).collect::<Vec<_>>(), vec![2, 1]);
    }

    #[test]
    fn aligned_starts_need_several_rows_and_one_size() {
        let p = Params::default();
        let s = |x, size| ColumnStart { x, size };
        let starts = vec![(s(300.5, 9.0), 0), (s(300.0, 9.0), 1), (s(100.0, 9.0), 2), (s(300.2, 12.0), 3)];
        let cols = ColumnStarts::aligned(starts.clone(), &p);
        assert!(cols.contains(300.9, 9.0, &p));
        assert!(!cols.contains(301.1, 9.0, &p), "the leftmost start stands for the column");
        assert!(!cols.contains(100.0, 9.0, &p), "one row is no evidence");
        assert!(!cols.contains(300.0, 12.0, &p), "another font size is another column");
        // Two lines of one row are no column either.
        let one_row = ColumnStarts::aligned(vec![(s(50.0, 9.0), 4), (s(50.0, 9.0), 4)], &p);
        assert!(one_row.is_empty());
    }

    #[test]
    fn distinct_starts_merge_near_duplicates_only() {
        let p = Params::default();
        let s = |x, size| ColumnStart { x, size };
        let cols = ColumnStarts::distinct([s(300.0, 9.0), s(300.1, 9.0), s(40.0, 9.0), s(300.0, 11.0)], 0.25);
        assert_eq!(cols.0, vec![s(40.0, 9.0), s(300.0, 9.0), s(300.0, 11.0)]);
        assert!(cols.contains(40.9, 9.4, &p));
        assert!(!cols.contains(41.0, 9.0, &p));
    }

    #[test]
    fn table_gutters_and_columns() {
        let sp = |x0, x1| Span { x0, x1 };
        // Two rows: words of the first column end at 90 and 110, the second starts at 150.
        let gaps = uncovered_gaps(vec![sp(150.0, 200.0), sp(10.0, 90.0), sp(20.0, 110.0), sp(150.0, 180.0)]);
        assert_eq!(gaps, vec![sp(110.0, 150.0)]);
        assert_eq!(widest_gap_ending_in(&gaps, 100.0, 150.0, 5.0), Some(sp(110.0, 150.0)));
        assert_eq!(widest_gap_ending_in(&gaps, 150.0, 200.0, 5.0), None, "the end must be past lo");
        assert_eq!(widest_gap_ending_in(&gaps, 100.0, 150.0, 41.0), None, "too narrow");
        // A start recurring on two rows moves the column left; a lone one does not.
        assert_eq!(leftmost_recurring(&[120.0, 120.5, 110.0], 1.0, 2, 140.0), 120.0);
        assert_eq!(leftmost_recurring(&[120.0, 110.0], 1.0, 2, 140.0), 140.0);
        assert_eq!(leftmost_recurring(&[110.0], 1.0, 1, 140.0), 110.0);
        // The most frequent x wins over a leftmost pair; fewer than `need`: none.
        assert_eq!(most_recurring(&[100.0, 100.3, 120.0, 120.2, 119.9], 1.0, 2), Some(119.9));
        assert_eq!(most_recurring(&[100.0, 100.3, 120.0, 120.2], 1.0, 2), Some(100.0), "a tie: the leftmost");
        assert_eq!(most_recurring(&[100.0, 110.0, 120.0], 1.0, 2), None);

        let cols = TableColumns::new(vec![('a', 10.0), ('b', 150.0)]);
        assert_eq!(cols.column_of(5.0, 1.5), 'a', "left of every column: the first");
        assert_eq!(cols.column_of(148.6, 1.5), 'b');
        assert_eq!(cols.column_of(148.4, 1.5), 'a');
        let w = [word("uno", 10.0, 30.0), word("due", 35.0, 50.0), word("tre", 150.0, 170.0)];
        let mut runs = Vec::new();
        cols.runs(&w, 1.5, |c, s| runs.push((c, s)));
        assert_eq!(runs, vec![('a', "uno due".to_string()), ('b', "tre".to_string())]);
    }
}
