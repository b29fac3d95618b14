//! Indicator table: the indicator section's lines -> the objective's indicators
//! (description, type, normalized target).
//!
//! Owns the table's reading in steps: the header row (known and unknown columns,
//! repetitions after page breaks), the body and its column starts (a centred
//! header's column may start at a gutter left of it), the rows (anchored on the
//! description column, a row cut by a page break rejoined), the cells of each row,
//! and the target of each indicator.

use super::doc::{Doc, HashSet, LineRef, Prov};
use super::table::table_rows;
use super::units::LabelUnit;
use crate::columns::{leftmost_recurring, uncovered_gaps, widest_gap_ending_in, Span, TableColumns};
use crate::labels::{IndColumn, Label};
use crate::model::{DiagCode, Diagnostic, Indicator};
use crate::target;
use crate::text::join_lines;

/// A table needs at least this many known columns (one of them the description).
const MIN_KNOWN_COLUMNS: usize = 2;

/// A font size for a table with no body (nothing is measured with it then).
const DEFAULT_SIZE: f32 = 9.0;

/// On a body of more than this many lines, a column start must recur on two rows
/// (a lone phrase inside a justified description is no column start) ...
const FEW_BODY_LINES: usize = 3;
/// ... on a smaller body, one line is all there is.
const RECUR_MANY: usize = 2;
const RECUR_FEW: usize = 1;

/// The columns read into an indicator, in the order of a row's cells.
const CELLS: [IndColumn; 3] = [IndColumn::Description, IndColumn::Type, IndColumn::Target];

/// A column key: `None` is a column the label table does not know (a weight, a
/// baseline...): its text is kept out of the known columns.
type Col = Option<IndColumn>;

/// Read the indicator table of the section's `lines`, with `cols` the header units
/// of the sheet (column labels). Problems go to `diags`, sources to `prov`.
pub(super) fn parse_indicators(
    doc: &Doc,
    lines: &[LineRef],
    cols: &[&LabelUnit],
    code: &str,
    diags: &mut Vec<Diagnostic>,
    prov: &mut Prov,
) -> Vec<Indicator> {
    let header = Header::read(doc, lines, cols);
    let body: Vec<LineRef> = lines.iter().copied().filter(|&r| header.is_body(doc, r)).collect();
    let known = header.starts.iter().filter(|(c, _)| c.is_some()).count();
    if known < MIN_KNOWN_COLUMNS || !header.starts.iter().any(|(c, _)| *c == Some(IndColumn::Description)) {
        if !body.is_empty() {
            diags.push(Diagnostic::warning(
                Some(doc.pages[body[0].page].number),
                DiagCode::IndicatorsHeaderMissing,
                format!("{code}: indicator table without a recognizable header row"),
            ));
        }
        return Vec::new();
    }
    let columns = header.columns(doc, &body);
    let body = header.keep_ruled(doc, body);
    let rows = read_rows(doc, &body, &columns);
    indicators(doc, rows, code, diags, prov)
}

/// A header row of the table: its page and vertical extent.
#[derive(Clone, Copy, Debug)]
struct HeaderRow {
    page: usize,
    top: f32,
    bottom: f32,
}

impl HeaderRow {
    fn holds(&self, page: usize, cy: f32) -> bool {
        self.page == page && cy > self.top && cy < self.bottom
    }
}

/// The header of the table: its units, their lines, the columns the first header
/// row defines (where each starts as printed) and every header row (the first, and
/// its repetitions after page breaks).
struct Header<'u> {
    units: Vec<&'u LabelUnit>,
    lines: HashSet<LineRef>,
    /// Column starts, left to right.
    starts: Vec<(Col, f32)>,
    rows: Vec<HeaderRow>,
}

impl<'u> Header<'u> {
    /// Header units of this section, in document order; the first header row
    /// defines the columns, later ones (repeated after a page break) are skipped.
    fn read(doc: &Doc, lines: &[LineRef], cols: &[&'u LabelUnit]) -> Header<'u> {
        let mut units: Vec<&LabelUnit> =
            cols.iter().copied().filter(|u| lines.iter().any(|r| r.page == u.page)).collect();
        units.sort_by(|a, b| {
            a.page.cmp(&b.page).then(a.bbox.top.total_cmp(&b.bbox.top)).then(a.bbox.x0.total_cmp(&b.bbox.x0))
        });
        let header_lines: HashSet<LineRef> = units.iter().flat_map(|u| u.lines.iter().copied()).collect();
        let mut starts: Vec<(Col, f32)> = Vec::new();
        let mut rows: Vec<HeaderRow> = Vec::new();
        if let Some(first) = units.first() {
            let row: Vec<&&LabelUnit> = units
                .iter()
                .filter(|u| {
                    u.page == first.page && (u.bbox.top - first.bbox.top).abs() < doc.p.header_row_band * u.size
                })
                .collect();
            let (top, bottom) = row
                .iter()
                .fold((f32::INFINITY, f32::NEG_INFINITY), |(t, b), u| (t.min(u.bbox.top), b.max(u.bbox.bottom)));
            for u in &row {
                if let Label::Column(c) = u.label {
                    if !starts.iter().any(|(k, _)| *k == Some(c)) {
                        let x = u.cell.map(|ci| doc.pages[u.page].cells[ci].bbox.x0).unwrap_or(u.bbox.x0);
                        starts.push((Some(c), x));
                    }
                }
            }
            // Unknown header cells on the same row.
            for &r in lines.iter().filter(|r| r.page == first.page && !header_lines.contains(r)) {
                let l = doc.line(r);
                if l.bbox.cy() > top
                    && l.bbox.cy() < bottom
                    && !starts.iter().any(|(_, x)| (x - l.bbox.x0).abs() < doc.p.column_slack * l.size)
                {
                    starts.push((None, l.cell.map(|ci| doc.pages[r.page].cells[ci].bbox.x0).unwrap_or(l.bbox.x0)));
                }
            }
            rows.push(HeaderRow { page: first.page, top, bottom });
        }
        // Every header repetition: a row of column labels.
        for u in &units {
            if !rows.iter().any(|hr| hr.holds(u.page, u.bbox.cy())) {
                rows.push(HeaderRow { page: u.page, top: u.bbox.top, bottom: u.bbox.bottom });
            }
        }
        starts.sort_by(|a, b| a.1.total_cmp(&b.1));
        Header { units, lines: header_lines, starts, rows }
    }

    /// Whether line `r` is in the table's body: not a header line, below a header,
    /// and in no header row.
    fn is_body(&self, doc: &Doc, r: LineRef) -> bool {
        let l = doc.line(r);
        let after_header = self
            .units
            .iter()
            .any(|h| h.page < r.page || (h.page == r.page && h.bbox.bottom <= l.bbox.top + doc.p.overlap_tol));
        let in_header_row = self.rows.iter().any(|hr| hr.holds(r.page, l.bbox.cy()));
        !self.lines.contains(&r) && after_header && !in_header_row
    }

    /// The units of column `c`.
    fn units_of(&self, c: Col) -> impl Iterator<Item = &&'u LabelUnit> {
        self.units.iter().filter(move |h| c.map(Label::Column) == Some(h.label))
    }

    /// The table's columns. Where headers are not in cells, body columns may start
    /// left of a centred header. The gutter between two columns is a gap that no
    /// body word covers on any row: the widest such gap between the two headers'
    /// centres gives the start of the right column. Without a clear gutter, the
    /// leftmost body line start that recurs between the headers does.
    fn columns(&self, doc: &Doc, body: &[LineRef]) -> TableColumns<Col> {
        let p = doc.p;
        let mut starts = self.starts.clone();
        let size = body.first().map(|&r| doc.line(r).size).unwrap_or(DEFAULT_SIZE);
        let spans = body.iter().flat_map(|&r| doc.line(r).words.iter().map(|w| Span { x0: w.bbox.x0, x1: w.bbox.x1 }));
        let gaps = uncovered_gaps(spans.collect());
        let centre = |c: Col, fallback: f32| self.units_of(c).map(|h| h.bbox.cx()).next().unwrap_or(fallback);
        let ruled_header = |c: Col| self.units_of(c).any(|h| h.cell.is_some());
        let need = if body.len() > FEW_BODY_LINES { RECUR_MANY } else { RECUR_FEW };
        for i in 1..starts.len() {
            if ruled_header(starts[i].0) {
                continue;
            }
            let (lo, hi) = (centre(starts[i - 1].0, starts[i - 1].1), centre(starts[i].0, starts[i].1));
            // The gap may open left of the left header's centre (a short value under a
            // wide centred header): what matters is where it ends, the right column's start.
            if let Some(g) = widest_gap_ending_in(&gaps, lo, hi + p.column_slack * size, p.table_gutter_min * size) {
                starts[i].1 = g.x1;
                continue;
            }
            let prev_end = self.units_of(starts[i - 1].0).map(|h| h.bbox.x1).fold(starts[i - 1].1, f32::max);
            let s = starts[i].1;
            let xs: Vec<f32> = body
                .iter()
                .map(|&r| doc.line(r).bbox.x0)
                .filter(|&x| x < s - p.header_start_margin && x > prev_end + p.header_end_margin)
                .collect();
            // A column start recurs on several rows; a lone phrase inside a justified
            // description does not.
            starts[i].1 = leftmost_recurring(&xs, p.align_tol, need, s);
        }
        TableColumns::new(starts)
    }

    /// Ruled tables: keep only lines in cells, or between the table's vertical rules
    /// (a cell cut open by a page break has no bottom rule); a footer below the table
    /// is neither.
    fn keep_ruled(&self, doc: &Doc, body: Vec<LineRef>) -> Vec<LineRef> {
        let ruled = self.units.iter().any(|h| h.cell.is_some());
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

/// A parsed row: first page, the three cells' texts, and the lines behind each.
struct Row {
    page: usize,
    cells: [String; 3],
    lines: [Vec<LineRef>; 3],
}

/// The rows of the body, anchored on the description column, each split into its
/// cells; a row cut by a page break is joined to the row it continues.
fn read_rows(doc: &Doc, body: &[LineRef], columns: &TableColumns<Col>) -> Vec<Row> {
    let tol = doc.p.edge_tol;
    let desc_col = |r: LineRef| columns.column_of(doc.line(r).bbox.x0, tol) == Some(IndColumn::Description);
    let mut rows: Vec<Row> = Vec::new();
    for row in table_rows(doc, body, &desc_col) {
        let (texts, srcs) = row_cells(doc, &row, columns);
        if texts.iter().all(String::is_empty) {
            continue;
        }
        let page = row.iter().map(|r| r.page).min().unwrap_or(0);
        // A row cut by a page break: its tail opens the next page with a description
        // fragment only; it belongs to the last row of the previous page.
        // (Its type may carry the last line of a wrapped type: "FISICA".)
        if let Some(prev) = rows.last_mut() {
            // A tail continues a sentence: it starts in lower case (a new indicator
            // starts with a capital, even when its type and target are empty).
            let first_on_page = page > prev.page && texts[0].chars().next().is_some_and(|c| !c.is_uppercase());
            let tail = texts[2].is_empty()
                && !texts[0].is_empty()
                && !prev.cells[0].is_empty()
                && (texts[1].is_empty() || (!prev.cells[1].is_empty() && !prev.cells[2].is_empty()));
            if first_on_page && tail {
                for k in 0..2 {
                    if !texts[k].is_empty() {
                        prev.cells[k] = join_lines([prev.cells[k].as_str(), texts[k].as_str()]);
                        prev.lines[k].extend(srcs[k].iter().copied());
                    }
                }
                continue;
            }
        }
        rows.push(Row { page, cells: texts, lines: srcs });
    }
    rows
}

/// The cells of one row: per column of [`CELLS`], its text in reading order and
/// the lines it came from. Each line's words are split at the column starts
/// (borderless gutters can be narrower than the phrase gap).
fn row_cells(doc: &Doc, row: &[LineRef], columns: &TableColumns<Col>) -> ([String; 3], [Vec<LineRef>; 3]) {
    let tol = doc.p.edge_tol;
    let mut cells: Vec<(Col, LineRef, String)> = Vec::new();
    for &r in row {
        columns.runs(&doc.line(r).words, tol, |c, s| cells.push((c, r, s)));
    }
    cells.sort_by(|a, b| doc.reading_cmp(a.1, b.1));
    let texts = CELLS.map(|c| join_lines(cells.iter().filter(|x| x.0 == Some(c)).map(|x| x.2.as_str())));
    let srcs = CELLS.map(|c| cells.iter().filter(|x| x.0 == Some(c)).map(|x| x.1).collect::<Vec<_>>());
    (texts, srcs)
}

/// The indicators of the rows, with their targets normalized and their sources
/// recorded.
fn indicators(doc: &Doc, rows: Vec<Row>, code: &str, diags: &mut Vec<Diagnostic>, prov: &mut Prov) -> Vec<Indicator> {
    let mut out = Vec::new();
    for (i, Row { page, cells: [description, kind, raw], lines }) in rows.into_iter().enumerate() {
        let (t, status) = target::parse_with_status(&raw);
        if status == target::TargetStatus::Unrecognized {
            diags.push(Diagnostic::warning(
                Some(doc.pages[page].number),
                DiagCode::IndicatorTargetUnparsed,
                format!("{code}: target {raw:?} has no number, date or yes/no"),
            ));
        }
        for (name, l) in ["description", "type", "target"].iter().zip(&lines) {
            prov.add(doc, format!("indicators[{i}].{name}"), l);
        }
        out.push(Indicator {
            description,
            kind: if kind.is_empty() { None } else { Some(kind) },
            target: t,
            ..Default::default()
        });
    }
    out
}
