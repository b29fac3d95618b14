//! Plans printed as a table: page layouts -> the objectives of tables whose header
//! row names an objective column and an indicator column, with a block of rows per
//! objective and one row per indicator (contract: "Plans printed as a table").
//!
//! Owns, in steps:
//! * header rows: on pages that hold no objective sheet, every band of known table
//!   headers (vocabulary [`labels::table_column`], lines stacked in a column joined
//!   first); a band naming an objective and an indicator column opens a table;
//! * tables: a header with the same columns on a later page repeats its table;
//!   pages with no header continue it while their lines start at its columns
//!   (a header printed once);
//! * segments (one page's part of a table): body lines -> group rows (a line whose
//!   cell or text spans several columns) and column cells (wrapped lines of one
//!   column, split by rules, ruled cells or a gap wider than a wrap);
//! * blocks: an objective starts at each cell of its key column (the code column,
//!   else the objective column), rows at each cell of the indicator column; the
//!   other columns' cells join the block or row their top falls in; rows above the
//!   first block of a page continue the previous page's block (a merged cell split
//!   by a page break);
//! * objectives: code and title, directorate and executive (columns, else the
//!   group row or heading the block sits under), DUP links per column, weights and
//!   achievements of the objective (once per block) or of the indicators (on every
//!   row), indicators read by the indicator table's own rules.

use super::doc::{re, Doc, HashSet, LineRef, Prov, RowRef};
use super::indicators;
use super::table::{header_rows_on_page, HeadCol, HeaderRow, TableHeader, TableRow};
use super::PLAN_YEARS;
use crate::columns::TableColumns;
use crate::labels::{self, GroupRow, IndColumn, TabColumn};
use crate::model::{Diagnostic, Objective};
use crate::number;
use crate::text::join_lines;
use regex::Regex;
use std::sync::OnceLock;

/// Header keys whose column may span year sub-columns ("Target" over "2025 2026").
fn spans_years(c: TabColumn) -> bool {
    matches!(c, TabColumn::Target | TabColumn::Baseline | TabColumn::Actual)
}

/// A header row opens a table of objectives when it names an objective column and
/// an indicator column (other tables of a plan, staff, budget, risks, name
/// neither both).
fn opens_table(cols: &[HeadCol<TabColumn>]) -> bool {
    let has = |k: TabColumn| cols.iter().any(|c| c.key == Some(k));
    (has(TabColumn::Objective) || has(TabColumn::ObjectiveDescription)) && has(TabColumn::Indicator)
}

/// A header row found on a page.
struct Hit {
    cols: Vec<HeadCol<TabColumn>>,
    row: HeaderRow,
}

impl Hit {
    /// What identifies a repetition of the header: its columns' keys and years.
    fn same_columns(&self, other: &Hit) -> bool {
        self.cols.len() == other.cols.len()
            && self.cols.iter().zip(&other.cols).all(|(a, b)| a.key == b.key && a.year == b.year)
    }
}

/// The meaning of each column of a table (indices into its header's columns).
#[derive(Default)]
struct Roles {
    code: Option<usize>,
    title: Option<usize>,
    description: Option<usize>,
    area: Option<usize>,
    service: Option<usize>,
    person: Option<usize>,
    dup: Vec<usize>,
    /// *Peso* columns and *% raggiungimento* columns: each the objective's or the
    /// indicators' by how it is printed (once per block, or on every row).
    weights: Vec<usize>,
    achievements: Vec<usize>,
    indicator: usize,
}

impl Roles {
    fn of(cols: &[HeadCol<TabColumn>]) -> Option<Roles> {
        let find = |k: TabColumn| cols.iter().position(|c| c.key == Some(k));
        let all = |k: TabColumn| (0..cols.len()).filter(|&i| cols[i].key == Some(k)).collect::<Vec<usize>>();
        let objective = find(TabColumn::Objective);
        let obj_desc = find(TabColumn::ObjectiveDescription);
        Some(Roles {
            // Codice before Cod. before N.
            code: find(TabColumn::Code).or_else(|| find(TabColumn::CodeShort)).or_else(|| find(TabColumn::Number)),
            title: objective.or(obj_desc),
            description: find(TabColumn::Description).or(objective.and(obj_desc)),
            area: find(TabColumn::Area),
            service: find(TabColumn::Service),
            person: find(TabColumn::Person),
            dup: all(TabColumn::Dup),
            weights: all(TabColumn::Weight),
            achievements: all(TabColumn::Achievement),
            indicator: find(TabColumn::Indicator)?,
        })
    }

    /// Columns whose cell belongs to the block (printed once per objective).
    fn block_columns(&self) -> Vec<usize> {
        let mut v: Vec<usize> = [self.code, self.title, self.description, self.area, self.service, self.person]
            .into_iter()
            .flatten()
            .collect();
        v.extend(self.dup.iter().copied());
        v
    }

    /// The key column: where an objective's block starts.
    fn key(&self) -> Option<usize> {
        self.code.or(self.title)
    }
}

/// A column's cell in one segment: wrapped lines of one column, top to bottom.
struct ColCell {
    col: usize,
    /// (line, text of the line's run in this column), in reading order.
    parts: Vec<(LineRef, String)>,
    /// Where the cell's slot starts: its ruled cell's top, else its text's top
    /// less the row pad.
    slot: f32,
    top: f32,
}

impl ColCell {
    fn text(&self) -> String {
        join_lines(self.parts.iter().map(|(_, t)| t.as_str()))
    }
}

/// A row of an objective's block: its column cells (text and lines per column).
struct Row {
    page: usize,
    cells: Vec<Vec<(LineRef, String)>>,
}

impl Row {
    fn new(page: usize, n: usize) -> Row {
        Row { page, cells: vec![Vec::new(); n] }
    }
}

/// An objective's block: the cells printed once for it, its rows, the group row it
/// sits under.
struct Block {
    cells: Vec<Vec<(LineRef, String)>>,
    rows: Vec<Row>,
    unit: Option<Unit>,
    pages: Vec<u32>,
}

/// An organisational unit named by a group row or heading.
#[derive(Clone, Debug, PartialEq)]
struct Unit {
    directorate: Option<String>,
    executive: Option<String>,
    lines: Vec<LineRef>,
}

/// The header rows that open tables of objectives, found over every page before
/// the sheets are read: a sheet ends where a table starts.
pub(super) struct Found {
    /// Each page's lines (no running header or footer), sorted by top.
    page_lines: Vec<Vec<LineRef>>,
    /// Header rows naming an objective and an indicator column, in document order.
    hits: Vec<(usize, Hit)>,
}

impl Found {
    /// Some page holds a table header.
    pub fn has_hits(&self) -> bool {
        !self.hits.is_empty()
    }

    /// Where each table header stands (its first row), in document order.
    pub fn starts(&self, doc: &Doc) -> Vec<RowRef> {
        self.hits
            .iter()
            .filter_map(|(_, h)| h.cols.iter().flat_map(|c| c.lines.iter()).map(|&r| doc.row_of(r)).min())
            .collect()
    }
}

/// The lines of page `pi` that `keep` keeps, sorted by top (then by index).
fn lines_by_top(doc: &Doc, pi: usize, keep: impl Fn(&LineRef) -> bool) -> Vec<LineRef> {
    let mut lines: Vec<LineRef> =
        (0..doc.pages[pi].lines.len()).map(|line| LineRef { page: pi, line }).filter(|r| keep(r)).collect();
    lines.sort_by(|&a, &b| doc.line(a).bbox.top.total_cmp(&doc.line(b).bbox.top).then(a.line.cmp(&b.line)));
    lines
}

/// Every header row of a table of objectives in the document, on the pages not in
/// `skip` (the pages where a sheet starts: its heading and grid fill them).
pub(super) fn find_tables(doc: &Doc, furniture: &HashSet<LineRef>, skip: &HashSet<usize>) -> Found {
    let page_lines = |pi: usize| lines_by_top(doc, pi, |r| !furniture.contains(r));
    let mut lines: Vec<Vec<LineRef>> = vec![Vec::new(); doc.pages.len()];
    let mut hits: Vec<(usize, Hit)> = Vec::new();
    for pi in (0..doc.pages.len()).filter(|pi| !skip.contains(pi)) {
        lines[pi] = page_lines(pi);
        for (cols, row) in header_rows_on_page(doc, &lines[pi], &labels::table_column, &spans_years) {
            if opens_table(&cols) {
                hits.push((pi, Hit { cols, row }));
            }
        }
    }
    // The skipped pages' lines only matter to a document with tables (title lines,
    // pages a table continues on).
    if !hits.is_empty() {
        for pi in skip.iter().copied().filter(|&pi| pi < doc.pages.len()) {
            lines[pi] = page_lines(pi);
        }
    }
    Found { page_lines: lines, hits }
}

/// Every objective of the tables of objectives, in document order (`lead`: what
/// the pages read before said of the plan year, see [`lead_year`]). `sheet_lines`
/// are the lines read as objective sheets: no table reads them, and a page that
/// holds them continues no table. `provenance`: say where each field was read.
pub(super) fn parse_tables(
    doc: &Doc,
    found: Found,
    sheet_lines: &HashSet<LineRef>,
    lead: super::Lead,
    provenance: bool,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Objective> {
    let Found { mut page_lines, hits } = found;
    if hits.is_empty() {
        return Vec::new();
    }
    let skip: HashSet<usize> = sheet_lines.iter().map(|r| r.page).collect();
    for lines in &mut page_lines {
        lines.retain(|r| !sheet_lines.contains(r));
    }
    let header_lines: HashSet<LineRef> =
        hits.iter().flat_map(|(_, h)| h.cols.iter().flat_map(|c| c.lines.iter().copied())).collect();
    // `lead`: the plan year found on the document's first pages when they are no
    // longer among `doc`'s (a document read in runs).
    let plan_year = match lead {
        super::Lead::Year(y) => Some(y),
        super::Lead::After(from) => plan_year(doc, &page_lines, from, hits[0].0, hits[0].1.row.top),
        super::Lead::Find(_) => plan_year(doc, &page_lines, 0, hits[0].0, hits[0].1.row.top),
    };

    let mut out = Vec::new();
    let mut unit: Option<Unit> = None;
    let mut k = 0;
    while k < hits.len() {
        // One table: its first header, its repetitions on later pages.
        let first = k;
        let mut last = k;
        // A header under an org heading opens a table of its own, though it repeats
        // the columns (one table per unit, each starting on a new page).
        while last + 1 < hits.len()
            && hits[last + 1].0 > hits[last].0
            && hits[last + 1].1.same_columns(&hits[first].1)
            && heading_above(doc, &page_lines, &hits, last + 1, &header_lines).is_none()
        {
            last += 1;
        }
        let next_hit = hits.get(last + 1).map(|(p, h)| (*p, h.row.top));
        let Some(roles) = Roles::of(&hits[first].1.cols) else {
            k = last + 1;
            continue;
        };
        // The heading the table sits under.
        if let Some(u) = heading_above(doc, &page_lines, &hits, first, &header_lines) {
            unit = Some(u);
        }
        let mut table = TableReader::new(doc, &roles, hits[first].1.cols.len(), unit.clone(), provenance);
        let mut columns: Option<TableColumns<usize>> = None;
        let mut page = hits[first].0;
        let mut h = first;
        loop {
            // This page's segment: under its header row (if any), above the next
            // table's header.
            let hit_here = (h <= last && hits[h].0 == page).then_some(h);
            let top = hit_here.map(|i| hits[i].1.row.bottom).unwrap_or(f32::NEG_INFINITY);
            let bottom = match next_hit {
                Some((p, y)) if p == page => y,
                _ => f32::INFINITY,
            };
            let body: Vec<LineRef> = page_lines[page]
                .iter()
                .copied()
                .filter(|&r| {
                    let l = doc.line(r);
                    !header_lines.contains(&r) && l.bbox.top >= top - doc.p.overlap_tol && l.bbox.cy() < bottom
                })
                .collect();
            let header = hit_here.map(|i| &hits[i].1).unwrap_or(&hits[first].1);
            let (spanning, plain): (Vec<LineRef>, Vec<LineRef>) =
                body.iter().partition(|&&r| spans_columns(doc, r, &header.cols));
            if hit_here.is_some() {
                if let Some(th) = TableHeader::from_rows(header.cols.clone(), vec![header.row]) {
                    columns = Some(th.columns(doc, &plain));
                }
            } else if !columns.as_ref().is_some_and(|c| fits(doc, &plain, &spanning, c)) {
                break;
            }
            let Some(cols) = columns.as_ref() else { break };
            let (more, plain): (Vec<LineRef>, Vec<LineRef>) =
                plain.into_iter().partition(|&r| runs_over_columns(doc, r, cols, &header.cols));
            if std::env::var_os("PERFPLAN_DEBUG_TABLES").is_some() {
                for &r in &more {
                    eprintln!("  runs over columns: {:?} {:?}", doc.line(r).text, doc.line(r).bbox);
                }
            }
            let spanning: Vec<LineRef> = spanning.into_iter().chain(more).collect();
            if std::env::var_os("PERFPLAN_DEBUG_TABLES").is_some() {
                eprintln!(
                    "table page {} header {:?} starts {:?} spanning {}",
                    doc.pages[page].number,
                    header.cols.iter().map(|c| (c.key, c.year, c.x0 as i32, c.x1 as i32)).collect::<Vec<_>>(),
                    cols.starts().iter().map(|s| s.1 as i32).collect::<Vec<_>>(),
                    spanning.len()
                );
            }
            table.segment(page, &plain, &spanning, cols, &header.cols);
            if hit_here.is_some() {
                h += 1;
            }
            // Next page: a repetition, else a continuation while the lines fit.
            page += 1;
            if page >= doc.pages.len() || skip.contains(&page) {
                break;
            }
            if let Some((p, _)) = next_hit {
                if page > p {
                    break;
                }
            }
        }
        unit = table.unit.clone();
        out.extend(table.finish(&hits[first].1.cols, plan_year, diags));
        k = last + 1;
    }
    out
}

/// Whether a line spans several columns of the header `cols` (a group row): it
/// starts in the first column, and its ruled cell holds the centres of two known header columns, or its text overlaps
/// the text of two known header cells.
fn spans_columns(doc: &Doc, r: LineRef, cols: &[HeadCol<TabColumn>]) -> bool {
    let l = doc.line(r);
    let tol = doc.p.edge_tol;
    // Unknown headers do not count: "Fonte del" / "dato" may stand as two.
    let known = || cols.iter().filter(|c| c.key.is_some());
    // A group row opens at the table's left edge; a line that starts further right
    // is values of adjacent cells set close together ("61.300,00 75.000,00").
    if known().nth(1).is_none_or(|second| l.bbox.x0 >= second.x0.min(second.start) - tol) {
        return false;
    }
    if let Some(c) = l.cell {
        let b = doc.pages[r.page].cells[c].bbox;
        let inside = known().filter(|c| (c.x0 + c.x1) / 2.0 > b.x0 + tol && (c.x0 + c.x1) / 2.0 < b.x1 - tol);
        if inside.count() >= 2 {
            return true;
        }
    }
    known().filter(|c| l.bbox.x0 < c.x1 - tol && l.bbox.x1 > c.x0 + tol).count() >= 2
}

/// Whether a page without a header continues a table: most of its lines start at
/// the table's columns, in two columns at least (prose after a table does not).
fn fits(doc: &Doc, plain: &[LineRef], spanning: &[LineRef], cols: &TableColumns<usize>) -> bool {
    let tol = doc.p.edge_tol;
    let mut used: Vec<usize> = Vec::new();
    let mut inside = 0;
    for &r in plain {
        let l = doc.line(r);
        if crossings(doc, r, cols).0 == 0 {
            inside += 1;
        }
        let c = cols.column_of(l.bbox.x0, tol);
        if !used.contains(&c) {
            used.push(c);
        }
    }
    used.len() >= 2 && inside * FIT_DEN >= (plain.len() + spanning.len()) * FIT_NUM
}

/// A page continues a table when at least this share (FIT_NUM / FIT_DEN) of its
/// lines stay inside one column each.
const FIT_NUM: usize = 4;
const FIT_DEN: usize = 5;

/// How many column starts a line crosses (starts strictly inside its extent), and
/// whether one of them falls inside a word (no word boundary at the column's edge).
fn crossings(doc: &Doc, r: LineRef, cols: &TableColumns<usize>) -> (usize, bool) {
    let l = doc.line(r);
    let tol = doc.p.edge_tol;
    let mut n = 0;
    let mut straddled = false;
    // The first column's start is its header's: its body may start left of it.
    let first = cols.starts().iter().map(|&(_, s)| s).fold(f32::INFINITY, f32::min);
    for &(_, s) in cols.starts().iter().filter(|&&(_, s)| s > first) {
        if l.bbox.x0 < s - tol && l.bbox.x1 > s + tol {
            n += 1;
            straddled |= l.words.iter().any(|w| w.bbox.x0 < s - tol && w.bbox.x1 > s + tol);
        }
    }
    (n, straddled)
}

/// A line of the first column that runs over the next columns' starts (a group
/// row shorter than the headers' text): over a start inside one of its words, or
/// over two starts. Values of two cells set close together cross one start at a
/// word boundary.
fn runs_over_columns(doc: &Doc, r: LineRef, cols: &TableColumns<usize>, head: &[HeadCol<TabColumn>]) -> bool {
    let l = doc.line(r);
    let tol = doc.p.edge_tol;
    let mut known = head.iter().filter(|c| c.key.is_some());
    if known.nth(1).is_none_or(|second| l.bbox.x0 >= second.x0.min(second.start) - tol) {
        return false;
    }
    let (n, straddled) = crossings(doc, r, cols);
    straddled || n >= 2
}

/// The heading of an organisational unit right above a table's first header row
/// (on its page, under any earlier table there): `Area ... - Responsabile: Name`.
fn heading_above(
    doc: &Doc,
    page_lines: &[Vec<LineRef>],
    hits: &[(usize, Hit)],
    first: usize,
    header_lines: &HashSet<LineRef>,
) -> Option<Unit> {
    let (page, hit) = (hits[first].0, &hits[first].1);
    let floor = hits[..first].iter().rev().find(|(p, _)| *p == page).map(|(_, h)| h.row.bottom);
    let mut above: Vec<LineRef> = page_lines[page]
        .iter()
        .copied()
        .filter(|&r| {
            let l = doc.line(r);
            !header_lines.contains(&r) && l.bbox.bottom <= hit.row.top + doc.p.overlap_tol
        })
        .collect();
    above.sort_by(|&a, &b| doc.reading_cmp(a, b));
    // The last lines above the header, nearest first; a heading names a unit.
    for &r in above.iter().rev().take(HEADING_REACH) {
        let l = doc.line(r);
        if floor.is_some_and(|f| l.bbox.top < f) {
            break;
        }
        let (kind, opens_unit) = labels::group_row(&l.text);
        if kind == GroupRow::Unit && (opens_unit || responsabile_at(&l.text).is_some()) {
            return Some(unit_of(&l.text, vec![r]));
        }
    }
    None
}

/// A heading is looked for among this many lines above a table's header (a
/// caption may stand between).
const HEADING_REACH: usize = 3;

/// Byte offset of a `Responsabile:` part in a group row's text.
fn responsabile_at(text: &str) -> Option<(usize, usize)> {
    static R: OnceLock<Regex> = OnceLock::new();
    let m = re(&R, r"(?i)\bresponsabile(?:\s+[a-z.]+)?\s*:").find(text)?;
    Some((m.start(), m.end()))
}

/// A group row or heading -> the unit: the text before `Responsabile:` (without the
/// dash before it) and the person after it.
fn unit_of(text: &str, lines: Vec<LineRef>) -> Unit {
    let text = crate::text::collapse(text);
    match responsabile_at(&text) {
        Some((s, e)) => {
            let dir = text[..s].trim_end().trim_end_matches(['-', '–', '—', ',', ';', '|']).trim_end();
            let person = text[e..].trim();
            Unit {
                directorate: (!dir.is_empty()).then(|| dir.to_string()),
                executive: (!person.is_empty()).then(|| person.to_string()),
                lines,
            }
        }
        None => Unit { directorate: Some(text), executive: None, lines },
    }
}

/// The plan year: the first year printed in the document's title lines (bold or
/// larger than the page's text, before the first table header), a range
/// `2024-2026` giving its first year; else the first year on the first page.
/// (Pages before `from` were looked at already: skipped.)
fn plan_year(doc: &Doc, page_lines: &[Vec<LineRef>], from: usize, hit_page: usize, hit_top: f32) -> Option<i32> {
    plan_year_at(doc, page_lines, from, hit_page, hit_top).map(|(_, y)| y)
}

/// The plan year a table would take if its first header came after every page of
/// `doc` (a document read in runs: the later runs no longer hold these pages),
/// with the page that decided it; the pages before `from` were looked at already.
pub(super) fn lead_year(
    doc: &Doc,
    furniture: &HashSet<LineRef>,
    sheet_lines: &HashSet<LineRef>,
    from: usize,
) -> Option<(usize, i32)> {
    let page_lines: Vec<Vec<LineRef>> = (0..doc.pages.len())
        .map(|pi| {
            if pi < from {
                Vec::new()
            } else {
                lines_by_top(doc, pi, |r| !furniture.contains(r) && !sheet_lines.contains(r))
            }
        })
        .collect();
    plan_year_at(doc, &page_lines, from, doc.pages.len().checked_sub(1)?, f32::INFINITY)
}

/// [`plan_year`], and the page that decided it (the first page holding a year).
fn plan_year_at(
    doc: &Doc,
    page_lines: &[Vec<LineRef>],
    from: usize,
    hit_page: usize,
    hit_top: f32,
) -> Option<(usize, i32)> {
    static R: OnceLock<Regex> = OnceLock::new();
    let r = re(&R, r"\b((?:19|20)\d\d)\b");
    let year_in =
        |s: &str| r.captures_iter(s).filter_map(|c| c[1].parse::<i32>().ok()).find(|y| PLAN_YEARS.contains(y));
    let mut fallback = None;
    for (pi, lines) in page_lines.iter().enumerate().take(hit_page + 1).skip(from) {
        let mut sizes: Vec<f32> = lines.iter().map(|&l| doc.line(l).size).collect();
        sizes.sort_by(f32::total_cmp);
        let body = sizes.get(sizes.len() / 2).copied().unwrap_or(0.0);
        let mut ordered = lines.clone();
        ordered.sort_by(|&a, &b| doc.reading_cmp(a, b));
        for l in ordered.iter().map(|&l| doc.line(l)) {
            if pi == hit_page && l.bbox.bottom > hit_top {
                break;
            }
            let Some(y) = year_in(&l.text) else { continue };
            if l.bold || l.size > body * TITLE_SIZE_RATIO {
                return Some((pi, y));
            }
            fallback = fallback.or(Some((pi, y)));
        }
        if !lines.is_empty() && fallback.is_some() {
            break;
        }
    }
    fallback
}

/// A font size for a segment without cells (nothing is measured with it then).
const DEFAULT_SIZE: f32 = 9.0;

/// A title line is printed this much larger than the page's median text (or bold).
const TITLE_SIZE_RATIO: f32 = 1.15;

/// Reads the segments of one table into blocks.
struct TableReader<'a, 'd> {
    doc: &'a Doc<'d>,
    roles: &'a Roles,
    n: usize,
    blocks: Vec<Block>,
    /// The group row the next block sits under.
    unit: Option<Unit>,
    /// A group row came after the last block: rows before the next block start
    /// continue nothing.
    closed: bool,
    /// Blocks before this one are complete: a segment only adds to the block
    /// still open from the previous page and to the blocks it starts, so each
    /// segment looks at those alone (time linear in the pages of a long table).
    settled: usize,
    /// A block's key cell opened with a code (sticky: a cell only grows, and a
    /// cell that opens with a code keeps it).
    code_in_title: bool,
    /// Say where each field was read.
    provenance: bool,
}

impl<'a, 'd> TableReader<'a, 'd> {
    fn new(doc: &'a Doc<'d>, roles: &'a Roles, n: usize, unit: Option<Unit>, provenance: bool) -> Self {
        TableReader {
            doc,
            roles,
            n,
            blocks: Vec::new(),
            unit,
            closed: true,
            settled: 0,
            code_in_title: false,
            provenance,
        }
    }

    /// One page's part of the table: `plain` lines cut into column cells,
    /// `spanning` lines are group rows.
    fn segment(
        &mut self,
        page: usize,
        plain: &[LineRef],
        spanning: &[LineRef],
        cols: &TableColumns<usize>,
        head: &[HeadCol<TabColumn>],
    ) {
        let doc = self.doc;
        // Columns printed on every row beside the indicator (targets, units, ...).
        let values: Vec<bool> = (0..head.len())
            .map(|c| head[c].key.is_some() && c != self.roles.indicator && !self.roles.block_columns().contains(&c))
            .collect();
        let cells = column_cells(doc, plain, cols, self.roles.indicator, &values);
        let key = self.roles.key();
        let (cells, short_groups) = self.short_group_rows(cells, head);
        let ind = self.roles.indicator;
        let block_cols = self.roles.block_columns();
        // Events top to bottom: group rows, block starts (key cells).
        enum Ev {
            Group(Unit, bool),
            Block(usize),
        }
        let mut events: Vec<(f32, Ev)> = Vec::new();
        let mut group_lines: Vec<LineRef> = spanning.iter().copied().chain(short_groups).collect();
        group_lines.sort_by(|&a, &b| doc.reading_cmp(a, b));
        for g in group_rows(doc, &group_lines) {
            let text = doc.join_reading(&g);
            let (kind, _) = labels::group_row(&text);
            let y = doc.line(g[0]).bbox.top;
            events.push((y, Ev::Group(unit_of(&text, g), kind == GroupRow::Unit)));
        }
        // A key cell at the top of a continued page that carries no code (the code
        // is in another column, or the cell does not open with one) continues the
        // block its merged cell started on the previous page.
        if self.roles.code.is_none() && !self.code_in_title {
            self.code_in_title =
                self.blocks[self.settled..].iter().any(|b| key.is_some_and(|k| split_code(&b.cells[k]).0.is_some()));
        }
        let codes_in_title = self.roles.code.is_none() && self.code_in_title;
        let first_key = cells.iter().filter(|c| Some(c.col) == key).map(|c| c.slot).fold(f32::INFINITY, f32::min);
        let first_group = events.iter().map(|(y, _)| *y).fold(f32::INFINITY, f32::min);
        for (i, c) in cells.iter().enumerate() {
            if Some(c.col) != key {
                continue;
            }
            let continues = !self.closed
                && c.slot <= first_key
                && c.top < first_group
                && match self.roles.code {
                    Some(_) => false,
                    None if codes_in_title => split_code(&c.parts).0.is_none(),
                    None => c.text().chars().next().is_some_and(|ch| ch.is_lowercase()),
                };
            if !continues {
                events.push((c.slot, Ev::Block(i)));
            }
        }
        events.sort_by(|a, b| a.0.total_cmp(&b.0));
        let tol = doc.p.row_pad * cells.first().map(|c| doc.line(c.parts[0].0).size).unwrap_or(DEFAULT_SIZE);
        // The block still open from the previous page (its merged cells continue).
        let open_before = if self.closed { None } else { self.blocks.len().checked_sub(1) };
        let first_new = self.blocks.len();
        let mut is_start = vec![false; cells.len()];
        // (y, block index; none after a group row)
        let mut starts: Vec<(f32, Option<usize>)> = Vec::new();
        for (y, ev) in events {
            match ev {
                Ev::Group(u, is_unit) => {
                    if is_unit {
                        self.unit = Some(u);
                    }
                    self.closed = true;
                    starts.push((y, None));
                }
                Ev::Block(i) => {
                    let mut block = Block {
                        cells: vec![Vec::new(); self.n],
                        rows: Vec::new(),
                        unit: self.unit.clone(),
                        pages: Vec::new(),
                    };
                    block.cells[cells[i].col].extend(cells[i].parts.iter().cloned());
                    self.blocks.push(block);
                    self.closed = false;
                    is_start[i] = true;
                    starts.push((y, Some(self.blocks.len() - 1)));
                }
            }
        }
        // The block at height y: the last start at or above it; above every start
        // of the page, the block continued from the previous page.
        let block_at = |y: f32| -> Option<usize> {
            match starts.iter().rev().find(|(s, _)| *s <= y + tol) {
                Some((_, b)) => *b,
                None => open_before,
            }
        };
        // Rows: the indicator column's cells. The page's first one, above every
        // block start, opening in lower case, continues the previous page's last
        // row (a row split by the page break).
        let mut rows: Vec<(f32, usize, usize)> = Vec::new(); // (slot, block, row index)
                                                             // The open block's last row from the previous page (this page's rows come
                                                             // after it).
        let open_last = open_before.and_then(|b| self.blocks[b].rows.len().checked_sub(1));
        for c in cells.iter().filter(|c| c.col == ind) {
            let Some(b) = block_at(c.slot) else { continue };
            let block = &mut self.blocks[b];
            let tail = rows.is_empty()
                && Some(b) == open_before
                && c.text().chars().next().is_some_and(char::is_lowercase)
                && !block.rows.is_empty();
            if tail {
                let ri = block.rows.len() - 1;
                block.rows[ri].cells[ind].extend(c.parts.iter().cloned());
                continue;
            }
            block.rows.push(Row::new(page, self.n));
            let ri = block.rows.len() - 1;
            block.rows[ri].cells[ind].extend(c.parts.iter().cloned());
            rows.push((c.slot, b, ri));
        }
        let row_at = |y: f32, b: usize| rows.iter().rev().find(|(s, rb, _)| *s <= y + tol && *rb == b).map(|r| r.2);
        for (i, c) in cells.iter().enumerate() {
            if c.col == ind || is_start[i] {
                continue;
            }
            let Some(b) = block_at(c.slot) else { continue };
            let block = &mut self.blocks[b];
            if block_cols.contains(&c.col) {
                block.cells[c.col].extend(c.parts.iter().cloned());
            } else {
                // A value above the block's first row on this page continues the
                // block's last row of the previous page (a row split by a page
                // break), not the last of this page's rows.
                let before = if Some(b) == open_before { open_last } else { None };
                match row_at(c.top, b).or(before).or_else(|| block.rows.len().checked_sub(1)) {
                    Some(ri) => block.rows[ri].cells[c.col].extend(c.parts.iter().cloned()),
                    None => {
                        let mut row = Row::new(page, self.n);
                        row.cells[c.col].extend(c.parts.iter().cloned());
                        block.rows.push(row);
                    }
                }
            }
        }
        let page_no = doc.pages[page].number;
        // Only the blocks this segment can have added to: the one open before it
        // and the ones it started.
        let touched = open_before.unwrap_or(first_new);
        for b in &mut self.blocks[touched..] {
            let on_page = b.cells.iter().flatten().chain(b.rows.iter().flat_map(|r| r.cells.iter().flatten()));
            if on_page.into_iter().any(|(r, _)| r.page == page) && !b.pages.contains(&page_no) {
                b.pages.push(page_no);
            }
        }
        self.settled = touched;
    }

    /// Group rows shorter than the table's first column, which no rule or text
    /// marks as spanning (unruled tables): a cell of the first column with nothing
    /// beside it (no other column's cell overlaps its height but pieces of its own
    /// lines), above a block's key cell on the page, whose text reads as a group
    /// row (a unit's or a strategic line's heading): the last lines of a block's
    /// cell may stand alone too.
    /// -> the other cells, the group rows' lines.
    fn short_group_rows(&self, cells: Vec<ColCell>, head: &[HeadCol<TabColumn>]) -> (Vec<ColCell>, Vec<LineRef>) {
        let doc = self.doc;
        let key = self.roles.key();
        let Some(first) = (0..head.len()).min_by(|&a, &b| head[a].x0.total_cmp(&head[b].x0)) else {
            return (cells, Vec::new());
        };
        let tol = doc.p.overlap_tol;
        let extent = |c: &ColCell| {
            let bb = c.parts.iter().map(|(r, _)| doc.line(*r).bbox);
            bb.fold((f32::INFINITY, f32::NEG_INFINITY), |(t, b), x| (t.min(x.top), b.max(x.bottom)))
        };
        let mut group = vec![false; cells.len()];
        for (i, c) in cells.iter().enumerate() {
            if c.col != first || group[i] {
                continue;
            }
            let (top, bottom) = extent(c);
            let own: HashSet<LineRef> = c.parts.iter().map(|(r, _)| *r).collect();
            let beside: Vec<usize> = (0..cells.len())
                .filter(|&j| j != i && cells[j].col != c.col)
                .filter(|&j| {
                    let (t, b) = extent(&cells[j]);
                    t < bottom - tol && b > top + tol
                })
                .collect();
            if beside.iter().any(|&j| cells[j].parts.iter().any(|(r, _)| !own.contains(r))) {
                continue;
            }
            if !cells.iter().any(|k| Some(k.col) == key && k.top > bottom) {
                continue;
            }
            let text = doc.join_reading(&part_lines(&c.parts));
            let (kind, opens_unit) = labels::group_row(&text);
            let reads_as_group = kind == GroupRow::Strategic || opens_unit || responsabile_at(&text).is_some();
            if !reads_as_group {
                continue;
            }
            group[i] = true;
            for j in beside {
                group[j] = true;
            }
        }
        let mut lines: Vec<LineRef> = Vec::new();
        let mut rest = Vec::new();
        for (c, g) in cells.into_iter().zip(group) {
            if g {
                lines.extend(c.parts.iter().map(|(r, _)| *r));
            } else {
                rest.push(c);
            }
        }
        lines.sort_by(|&a, &b| doc.reading_cmp(a, b));
        lines.dedup();
        (rest, lines)
    }

    /// The blocks -> objectives.
    fn finish(
        self,
        head: &[HeadCol<TabColumn>],
        plan_year: Option<i32>,
        diags: &mut Vec<Diagnostic>,
    ) -> Vec<Objective> {
        let doc = self.doc;
        let r = self.roles;
        // A weight or achievement printed on several rows of one block is the
        // indicators'; printed once per block, the objective's. Of several such
        // columns, the first of each kind counts.
        // A value printed on a block's later row, on the line of that row's
        // indicator, whose ruled cell (if any) starts below the block's first row,
        // is a row's too: a merged cell starts at the block's top (its value at
        // the top, or centred between rows). So a block whose other rows leave
        // the column empty still tells.
        let below_first = |b: &Block, row: &Row, c: usize| {
            let Some(first) = b.rows.first().and_then(|r0| r0.cells[r.indicator].first()) else { return false };
            let Some(ind) = row.cells[r.indicator].first() else { return false };
            let first_top = doc.line(first.0).bbox.top;
            row.cells[c].first().is_some_and(|(l, _)| {
                let line = doc.line(*l);
                let top = match line.cell {
                    Some(k) => doc.pages[l.page].cells[k].bbox.top,
                    None => line.bbox.top,
                };
                l.page == first.0.page && doc.row_of(*l) == doc.row_of(ind.0) && top > first_top + doc.p.overlap_tol
            })
        };
        let per_row = |c: usize| {
            self.blocks.iter().any(|b| {
                b.rows.iter().filter(|row| !row.cells[c].is_empty()).count() > 1
                    || b.rows.iter().skip(1).any(|row| below_first(b, row, c))
            })
        };
        let split = |cols: &[usize]| {
            let row = cols.iter().copied().find(|&c| per_row(c));
            let block = cols.iter().copied().find(|&c| !per_row(c));
            (row, block)
        };
        let (weight_row, weight_block) = split(&r.weights);
        let (ach_row, ach_block) = split(&r.achievements);
        // The indicator table as the sheet's indicator reader sees it.
        let ind_cols: Vec<HeadCol<IndColumn>> = head
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let key = match c.key {
                    _ if i == r.indicator => Some(IndColumn::Description),
                    Some(TabColumn::Type) => Some(IndColumn::Type),
                    Some(TabColumn::Unit) => Some(IndColumn::Unit),
                    Some(TabColumn::IndicatorWeight) => Some(IndColumn::Weight),
                    Some(TabColumn::Weight) if weight_row == Some(i) => Some(IndColumn::Weight),
                    Some(TabColumn::Baseline) => Some(IndColumn::Baseline),
                    Some(TabColumn::Target) => Some(IndColumn::Target),
                    Some(TabColumn::Actual) => Some(IndColumn::Actual),
                    Some(TabColumn::Achievement) if ach_row == Some(i) => Some(IndColumn::Achievement),
                    _ => None,
                };
                HeadCol {
                    key,
                    year: c.year,
                    lines: c.lines.clone(),
                    x0: c.x0,
                    x1: c.x1,
                    start: c.start,
                    ruled: c.ruled,
                }
            })
            .collect();
        let Some(ind_header) =
            TableHeader::from_rows(ind_cols, Vec::from([HeaderRow { page: 0, top: 0.0, bottom: 0.0 }]))
        else {
            return Vec::new();
        };
        // The widest line printed in the code column (its header, its cells): a
        // wrapped code whose two pieces glued would be no wider fitted on one line,
        // so the producer broke it at a space.
        let code_width = r.code.map_or(0.0, |c| {
            let head_w = head[c].lines.iter().map(|&l| doc.line(l).bbox.width());
            let cells_w = self.blocks.iter().flat_map(|b| b.cells[c].iter()).map(|p| part_width(doc, p));
            head_w.chain(cells_w).fold(0.0, f32::max)
        });
        let mut out = Vec::new();
        for b in self.blocks {
            // A key cell with nothing beside it and no row is a heading caught in the
            // table (the next table's unit, a note), not an objective.
            let beside = b.cells.iter().enumerate().any(|(c, parts)| Some(c) != r.key() && !parts.is_empty());
            if b.rows.is_empty() && !beside {
                continue;
            }
            let text = |c: Option<usize>| c.map(|c| cell_text(&b.cells[c])).unwrap_or_default();
            let lines = |c: Option<usize>| c.map(|c| part_lines(&b.cells[c])).unwrap_or_default();
            let (code, title) = match (r.code, r.title) {
                (Some(c), _) => (code_text(doc, &b.cells[c], code_width), text(r.title)),
                (None, Some(t)) => {
                    let (code, title) = split_code(&b.cells[t]);
                    (code.unwrap_or_default(), title)
                }
                (None, None) => (String::new(), String::new()),
            };
            if title.is_empty() && code.is_empty() {
                continue;
            }
            let mut obj = Objective { code, title, ..Default::default() };
            obj.year = obj
                .code
                .get(..4)
                .filter(|_| obj.code.as_bytes().get(4) == Some(&b'_'))
                .and_then(|y| y.parse::<i32>().ok())
                .filter(|y| PLAN_YEARS.contains(y))
                .or(plan_year);
            let mut prov = Prov::new(self.provenance);
            prov.add(doc, format_args!("code"), &lines(r.code.or(r.title)));
            prov.add(doc, format_args!("title"), &lines(r.title));
            let opt = |s: String| (!s.is_empty()).then_some(s);
            // A column wins; without one, the group row or heading the block sits under.
            let mut column_or_unit = |col: Option<usize>, field: &str, of_unit: fn(&Unit) -> &Option<String>| {
                let (value, src) = match (col, &b.unit) {
                    (Some(c), _) => (opt(text(Some(c))), lines(Some(c))),
                    (None, Some(u)) => (of_unit(u).clone(), u.lines.clone()),
                    (None, None) => (None, Vec::new()),
                };
                if col.is_some() || value.is_some() {
                    prov.add(doc, format_args!("{}", field), &src);
                }
                value
            };
            obj.directorate = column_or_unit(r.area, "directorate", |u| &u.directorate);
            obj.executive = column_or_unit(r.person, "executive", |u| &u.executive);
            if let Some(c) = r.service {
                obj.service = opt(text(Some(c)));
                prov.add(doc, format_args!("service"), &lines(Some(c)));
            }
            if let Some(c) = r.description {
                obj.description = opt(text(Some(c)));
                prov.add(doc, format_args!("description"), &lines(Some(c)));
            }
            for &c in &r.dup {
                let t = text(Some(c));
                if t.is_empty() {
                    continue;
                }
                let label = join_lines(head[c].lines.iter().map(|&l| doc.line(l).text.as_str()));
                let i = obj.dup_links.len();
                prov.add(doc, format_args!("dup_links[{i}].label"), &head[c].lines);
                prov.add(doc, format_args!("dup_links[{i}].text"), &lines(Some(c)));
                obj.dup_links.push(super::dup::link(label, &t));
            }
            let page_no = b.pages.first().copied();
            // Objective-level weight and achievement: the block's one cell.
            let once = |c: Option<usize>| -> Option<(String, Vec<LineRef>)> {
                let c = c?;
                let parts: Vec<(LineRef, String)> =
                    b.rows.iter().flat_map(|row| row.cells[c].iter().cloned()).collect();
                Some((cell_text(&parts), part_lines(&parts)))
            };
            for (field, c) in [("weight", weight_block), ("achievement", ach_block)] {
                let Some((t, src)) = once(c) else { continue };
                prov.add(doc, format_args!("{}", field), &src);
                let v = match number::parse_number(&t, number::Grammar::Target) {
                    Ok(v) => v,
                    Err(bad) => {
                        diags.push(number::unparsed_diagnostic(page_no, &obj.code, field, &bad));
                        None
                    }
                };
                if field == "weight" {
                    obj.weight = v;
                } else {
                    obj.achievement = v;
                }
            }
            let rows: Vec<TableRow> = b
                .rows
                .iter()
                .filter(|row| !row.cells[r.indicator].is_empty())
                .map(|row| TableRow {
                    page: row.page,
                    cells: row.cells.iter().map(|c| cell_text(c)).collect(),
                    lines: row.cells.iter().map(|c| part_lines(c)).collect(),
                })
                .collect();
            obj.indicators = indicators::indicators(doc, &ind_header, rows, &obj.code, obj.year, diags, &mut prov);
            obj.pages = b.pages;
            obj.provenance = prov.into_provenance();
            out.push(obj);
        }
        out
    }
}

fn cell_text(parts: &[(LineRef, String)]) -> String {
    join_lines(parts.iter().map(|(_, t)| t.as_str()))
}

/// A code cell -> the code as printed: each line's words with their spaces; a
/// line wrapped onto the next is joined with a space where the producer broke at
/// one (the pieces glued would have fitted the column, `width`: the widest line
/// printed in it), glued where it broke a word too wide for the column.
fn code_text(doc: &Doc, parts: &[(LineRef, String)], width: f32) -> String {
    let mut out = String::new();
    let mut last_w = 0.0;
    for p in parts {
        let t = crate::text::collapse(&p.1);
        if t.is_empty() {
            continue;
        }
        let w = part_width(doc, p);
        let first = t.split(' ').next().unwrap_or_default();
        let first_w = w * first.chars().count() as f32 / t.chars().count() as f32;
        if !out.is_empty() && last_w + first_w <= width + doc.p.edge_tol {
            out.push(' ');
        }
        out.push_str(&t);
        last_w = w;
    }
    out
}

/// The printed width of a line's run: the line's, in proportion to its characters.
fn part_width(doc: &Doc, (r, s): &(LineRef, String)) -> f32 {
    let l = doc.line(*r);
    let n = l.text.chars().count().max(1);
    l.bbox.width() * s.chars().count().min(n) as f32 / n as f32
}

fn part_lines(parts: &[(LineRef, String)]) -> Vec<LineRef> {
    let mut v: Vec<LineRef> = parts.iter().map(|(r, _)| *r).collect();
    v.dedup();
    v
}

/// Spanning lines -> group rows: lines of one row, or wrapped right under each
/// other in one cell, make one group row.
fn group_rows(doc: &Doc, lines: &[LineRef]) -> Vec<Vec<LineRef>> {
    let mut out: Vec<Vec<LineRef>> = Vec::new();
    for &r in lines {
        let l = doc.line(r);
        if let Some(g) = out.last_mut() {
            let p = doc.line(*g.last().expect("group rows are never empty"));
            let same_cell = l.cell.is_some() && l.cell == p.cell;
            let wrapped = l.cell.is_none() && l.bbox.top - p.bbox.bottom < doc.p.block_gap * l.size * 0.5;
            if p.row == l.row || same_cell || wrapped {
                g.push(r);
                continue;
            }
        }
        out.push(vec![r]);
    }
    out
}

/// Lines of a segment -> the cells of each column: runs of a line's words by
/// column, then the runs of one column joined while they are wrapped lines of one
/// cell (one ruled cell; else no rule between and no wider gap than a wrap).
fn column_cells(doc: &Doc, lines: &[LineRef], cols: &TableColumns<usize>, ind: usize, values: &[bool]) -> Vec<ColCell> {
    let n = values.len();
    let tol = doc.p.edge_tol;
    let mut pieces: Vec<(usize, LineRef, String)> = Vec::new();
    for &r in lines {
        cols.runs(&doc.line(r).words, tol, |c, s| pieces.push((c, r, s)));
    }
    pieces.sort_by(|a, b| doc.reading_cmp(a.1, b.1));
    // Rows that open a table row: an indicator beside a value. The line over such a
    // row's line in a column ends its cell, so its gap says nothing of a wrap.
    let rows_with = |pick: &dyn Fn(usize) -> bool| -> HashSet<RowRef> {
        pieces.iter().filter(|p| pick(p.0)).map(|p| doc.row_of(p.1)).collect()
    };
    let (ind_rows, value_rows) = (rows_with(&|c| c == ind), rows_with(&|c| values.get(c).copied().unwrap_or(false)));
    let opens = |row: RowRef| ind_rows.contains(&row) && value_rows.contains(&row);
    // The gap between the wrapped lines of one cell: the narrowest gap between a
    // line and the next one below it in its column, where the lower one opens no
    // row; with no such pair (no cell wraps), the narrowest gap between stacked
    // lines of one size on the page (a wrapped header, a paragraph).
    let mut wrap_gap = f32::INFINITY;
    for c in 0..n {
        let col: Vec<LineRef> = pieces.iter().filter(|p| p.0 == c).map(|p| p.1).collect();
        for w in col.windows(2) {
            let (a, b) = (doc.line(w[0]), doc.line(w[1]));
            if a.row != b.row && !opens(doc.row_of(w[1])) {
                wrap_gap = wrap_gap.min(b.bbox.top - a.bbox.bottom);
            }
        }
    }
    if !wrap_gap.is_finite() {
        if let Some(page) = lines.first().map(|r| r.page) {
            wrap_gap = page_wrap_gap(doc, page);
        }
    }
    let mut out: Vec<ColCell> = Vec::new();
    for c in 0..n {
        let mut cur: Option<ColCell> = None;
        for (_, r, s) in pieces.iter().filter(|p| p.0 == c) {
            let l = doc.line(*r);
            let pg = &doc.pages[r.page];
            if let Some(cell) = &mut cur {
                let (pr, _) = cell.parts.last().expect("cells are never empty");
                let p = doc.line(*pr);
                let join = if p.row == l.row {
                    true
                } else if let (Some(a), Some(b)) = (p.cell, l.cell) {
                    a == b
                } else {
                    let gap = l.bbox.top - p.bbox.bottom;
                    let ruled = pg.hedges_between(l.bbox.x0 + 1.0, p.bbox.cy(), l.bbox.cy()).next().is_some();
                    !ruled && wrap_gap.is_finite() && gap <= wrap_gap + doc.p.row_gap_extra * l.size
                };
                if join {
                    cell.parts.push((*r, s.clone()));
                    continue;
                }
                out.push(cur.take().expect("checked above"));
            }
            let slot = match l.cell.map(|k| pg.cells[k].bbox) {
                Some(b) if b.top <= l.bbox.top => b.top,
                _ => l.bbox.top - doc.p.row_pad * l.size,
            };
            cur = Some(ColCell { col: c, parts: vec![(*r, s.clone())], slot, top: l.bbox.top });
        }
        out.extend(cur);
    }
    out.sort_by(|a, b| a.slot.total_cmp(&b.slot));
    out
}

/// The narrowest gap between two lines of one font size stacked on a page (one
/// right under the other, overlapping it), if any.
fn page_wrap_gap(doc: &Doc, page: usize) -> f32 {
    let lines = &doc.pages[page].lines;
    let mut best = f32::INFINITY;
    for a in lines {
        let below = lines
            .iter()
            .filter(|b| {
                b.row != a.row
                    && b.bbox.top >= a.bbox.bottom - doc.p.overlap_tol
                    && b.bbox.x0 < a.bbox.x1
                    && b.bbox.x1 > a.bbox.x0
                    && (b.size - a.size).abs() < doc.p.same_size_tol
            })
            .map(|b| b.bbox.top - a.bbox.bottom)
            .fold(f32::INFINITY, f32::min);
        if below >= 0.0 {
            best = best.min(below);
        }
    }
    best
}

/// An objective code as printed opening a table's objective cell: one to three
/// tokens of letters, digits and `. _ - /`, no lower case, a digit in the last
/// one, letters-only tokens short (an abbreviation: `OP 1.1`), at most this long.
const MAX_CODE_CHARS: usize = 20;
/// A letters-only token of a code is an abbreviation of at most this many letters
/// (`OP 1.1`; `AREA 2` is a heading).
const MAX_CODE_PREFIX: usize = 3;
const MAX_CODE_TOKENS: usize = 3;

fn is_table_code(code: &str) -> bool {
    let toks: Vec<&str> = code.split(' ').collect();
    let token = |tok: &str| {
        !tok.is_empty()
            && tok.chars().all(|c| c.is_alphanumeric() || "._-/".contains(c))
            && tok.chars().next().is_some_and(|c| c.is_alphanumeric())
            && tok.chars().last().is_some_and(|c| c.is_alphanumeric())
            && !tok.chars().any(|c| c.is_lowercase())
            && (tok.chars().any(|c| c.is_ascii_digit()) || tok.chars().count() <= MAX_CODE_PREFIX)
    };
    code.chars().count() <= MAX_CODE_CHARS
        && toks.len() <= MAX_CODE_TOKENS
        && toks.iter().all(|t| token(t))
        && toks.last().is_some_and(|t| t.chars().any(|c| c.is_ascii_digit()))
}

/// An objective cell's lines -> its code (alone on its first line, or before ` – `,
/// ` - `, `: ` on it) and its title (the rest).
fn split_code(parts: &[(LineRef, String)]) -> (Option<String>, String) {
    let Some((_, first)) = parts.first() else { return (None, String::new()) };
    let first = crate::text::collapse(first);
    let rest = |head: &str| join_lines(std::iter::once(head).chain(parts[1..].iter().map(|(_, t)| t.as_str())));
    let alone = first.trim_end_matches([':', '-', '–', '—']).trim_end();
    if parts.len() > 1 && is_table_code(alone) {
        return (Some(alone.to_string()), rest(""));
    }
    // Before a dash or a colon on the first line.
    let cut = [" - ", " – ", " — ", ": "].iter().filter_map(|d| first.find(d).map(|i| (i, d.len()))).min();
    match cut {
        Some((i, len)) if is_table_code(&first[..i]) => (Some(first[..i].to_string()), rest(first[i + len..].trim())),
        _ => (None, cell_text(parts)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_open_objective_cells() {
        let r = LineRef { page: 0, line: 0 };
        let cell = |lines: &[&str]| lines.iter().map(|t| (r, t.to_string())).collect::<Vec<_>>();
        let split = |lines: &[&str]| split_code(&cell(lines));
        assert_eq!(
            split(&["OP01 - Passaggio al", "gestionale"]),
            (Some("OP01".into()), "Passaggio al gestionale".into())
        );
        assert_eq!(split(&["1.1.01", "Digitalizzazione"]), (Some("1.1.01".into()), "Digitalizzazione".into()));
        assert_eq!(split(&["A1.01 – Piano"]), (Some("A1.01".into()), "Piano".into()));
        assert_eq!(split(&["SP.2: Sportello"]), (Some("SP.2".into()), "Sportello".into()));
        // A number opening a title on its line, without a dash, is no code.
        assert_eq!(split(&["2 nuovi asili nido", "comunali"]), (None, "2 nuovi asili nido comunali".into()));
        assert_eq!(split(&["Riordino dell'archivio"]), (None, "Riordino dell'archivio".into()));
        assert_eq!(split(&["Covid19 - servizi"]).0, None);
        assert_eq!(split(&["OP 1.1", "Riorganizzazione"]), (Some("OP 1.1".into()), "Riorganizzazione".into()));
        assert_eq!(split(&["OB.3 - Sportello"]), (Some("OB.3".into()), "Sportello".into()));
        // An upper-case title line is no code.
        assert_eq!(split(&["PIANO NEVE 2024", "comunale"]).0, None);
        assert_eq!(split(&["Sportello - URP"]).0, None);
        assert_eq!(split(&["A2.02 –", "Efficientamento"]), (Some("A2.02".into()), "Efficientamento".into()));
        assert_eq!(split(&["AREA 2 - SERVIZI TECNICI"]).0, None, "a heading, not a code");
    }

    #[test]
    fn group_rows_name_a_unit_and_a_person() {
        let u = unit_of("SETTORE SERVIZI GENERALI - Responsabile: Elena Rossi", vec![]);
        assert_eq!(u.directorate.as_deref(), Some("SETTORE SERVIZI GENERALI"));
        assert_eq!(u.executive.as_deref(), Some("Elena Rossi"));
        let u = unit_of("AREA 1 - SEGRETERIA E PERSONALE", vec![]);
        assert_eq!(u.directorate.as_deref(), Some("AREA 1 - SEGRETERIA E PERSONALE"));
        assert_eq!(u.executive, None);
        let u = unit_of("Area Tecnica — Responsabile: Ugo Bassi", vec![]);
        assert_eq!(u.directorate.as_deref(), Some("Area Tecnica"));
        assert_eq!(labels::group_row("OBIETTIVO STRATEGICO 2 - Città sicura").0, GroupRow::Strategic);
        assert_eq!(labels::group_row("Area strategica 1").0, GroupRow::Strategic);
        assert_eq!(labels::group_row("Settore tecnico"), (GroupRow::Unit, true));
    }
}
