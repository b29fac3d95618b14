//! Sheet stage: page layouts -> objective records (the rule-based parser).
//!
//! This module only runs the steps in order; each file transforms one thing:
//!
//! | step | file | transforms |
//! |---|---|---|
//! | inline labels | `inline.rs` | lines -> lines with grid labels cut out ("Direzione: AFFARI") |
//! | structure | `structure.rs` | lines -> headings, running headers/footers, sheet ranges, plan year |
//! | label units | `units.rs` | lines -> printed labels (cells, wrapped stacks) |
//! | sections | `sections.rs` | a sheet's lines -> its sections (grid, DUP, description, indicators) |
//! | grid | `grid.rs` | grid lines -> directorate, director, service, executive, ... |
//! | DUP links | `dup.rs` | "Collegato a" lines -> DUP links |
//! | description | `description.rs` | description (and purpose) lines -> paragraphs and lists |
//! | indicators | `indicators.rs` | indicator table lines -> indicators with targets |
//! | phases | `phases.rs` | phase table lines -> phases (v2) |
//! | tables of objectives | `tabular.rs` | pages with no sheet -> objectives of a plan printed as a table |
//!
//! plus `doc.rs` (the document view, typed positions, reading order, provenance)
//! and `table.rs` (header, columns and rows of a table region, shared by the table
//! sections), `value.rs` (numbers and dates of v2 cells). Every
//! decision is made from geometry (rows, cells, columns, gaps; see
//! [`crate::columns`]) and from the label table in [`crate::labels`], never from
//! the order in which text was drawn.

mod description;
mod doc;
mod dup;
mod grid;
mod indicators;
mod inline;
mod phases;
mod sections;
mod structure;
mod table;
mod tabular;
mod units;
mod value;

#[cfg(test)]
mod tests;

use crate::labels;
use crate::layout::PageLayout;
use crate::model::{DiagCode, Diagnostic, Objective};
use crate::params::Params;
use crate::spool::{Collected, Objectives};
use doc::{Doc, HashMap, HashSet, LineRef, Prov, RowRef};
use sections::{Section, Sections};
use structure::Heading;
pub use structure::GRID_PAGE_REACH;
use units::LabelUnit;

/// Years a code's leading digits may name (`2023_A101`); other digits are no year.
const PLAN_YEARS: std::ops::RangeInclusive<i32> = 1990..=2100;

/// Parse every objective sheet of a document, in document order.
pub fn parse(pages: &[PageLayout], params: &Params) -> (Vec<Objective>, Vec<Diagnostic>) {
    let chunk = parse_chunk(pages, params, 0..0, Lead::After(0), Want::ALL);
    let mut assembler = Assembler::new(Collected::default());
    for years in &chunk.page_years {
        assembler.count(years);
    }
    assembler.take(chunk, 0, None, true);
    let (objectives, diags) = assembler.finish();
    (objectives.into_vec(), diags)
}

/// One objective sheet read from a run of pages ([`parse_chunk`]).
pub struct ParsedSheet {
    /// Index (in the run) of the page of its heading, and the heading's row there.
    pub page: usize,
    pub row: usize,
    /// Index (in the run) of the page where the next sheet starts, `None` when
    /// the sheet runs to the end of the run (it may go on after it).
    pub next: Option<usize>,
    /// Its year only as its code gives it: the document's year is filled in at
    /// the end ([`Assembler::finish`]), when every page has been counted. `None`:
    /// a sheet the caller does not want from this run ([`Want`]), only located.
    pub objective: Option<Objective>,
    pub diags: Vec<Diagnostic>,
}

/// What the parser made of a run of consecutive pages of a document.
pub struct Chunk {
    pub sheets: Vec<ParsedSheet>,
    /// Objectives of tables of objectives, and their diagnostics.
    pub tables: Vec<Objective>,
    pub table_diags: Vec<Diagnostic>,
    /// Some page holds the header of a table of objectives.
    pub table_hits: bool,
    /// Per page of the run: the years printed in its short lines (for the plan
    /// year, see [`Assembler::finish`]).
    pub page_years: Vec<Vec<i32>>,
    /// With [`Lead::Find`]: the plan year for a table of objectives that comes
    /// after the run, and the page (index in the run) that decided it.
    pub lead: Option<(usize, i32)>,
    /// With [`Want::open_within`]: the sheets whose heading stands from here on
    /// (page index in the run, row) are left to a later run.
    pub upto: Option<(usize, usize)>,
}

/// Which of a run's sheets [`parse_chunk`] reads through: a streamed document is
/// parsed in overlapping runs of pages, and a sheet is taken from one run only
/// (the others are only located: reading one costs far more than finding it).
#[derive(Clone, Copy, Debug)]
pub struct Want {
    /// The sheets whose heading stands before this (page index in the run, row)
    /// were taken from an earlier run.
    pub from: (usize, usize),
    /// `Some(context)`: the run may end before the document does. A sheet is
    /// complete when the next one starts more than `context` pages before the
    /// run's end (the pages the parser reads around it are held); the first that
    /// is not, and those after it, are left to a later run ([`Chunk::upto`]).
    pub open_within: Option<usize>,
    /// Build each objective's provenance (else it is `None`).
    pub provenance: bool,
}

impl Want {
    /// Every sheet, with provenance (a whole document).
    pub const ALL: Want = Want { from: (0, 0), open_within: None, provenance: true };
}

/// The objectives of a document assembled from the [`Chunk`]s of overlapping
/// runs of its pages, each sheet taken once, in document order, and handed to
/// `out` as soon as it is taken.
pub struct Assembler<O> {
    out: O,
    diags: Vec<Diagnostic>,
    tables: Vec<Objective>,
    table_diags: Vec<Diagnostic>,
    year_counts: HashMap<i32, usize>,
    /// Sheets whose heading stands before this (document page index, row) are
    /// taken already.
    taken: (usize, usize),
}

impl<O: Objectives> Assembler<O> {
    /// (Where each field was read comes with the objectives when the runs were
    /// told to keep it: [`Want::provenance`].)
    pub fn new(out: O) -> Self {
        Assembler {
            out,
            diags: Vec::new(),
            tables: Vec::new(),
            table_diags: Vec::new(),
            year_counts: HashMap::default(),
            taken: (0, 0),
        }
    }

    /// Take from `chunk` (a run of pages starting at document page `base`) the
    /// sheets not taken yet whose heading stands before `upto` (document page
    /// index, row; `None`: every sheet left). `last`: the run reaches the end of
    /// the document, its tables of objectives are the document's. (Page years
    /// are counted apart, each page once: [`Assembler::count`].)
    pub fn take(&mut self, chunk: Chunk, base: usize, upto: Option<(usize, usize)>, last: bool) {
        for sheet in chunk.sheets {
            let at = (base + sheet.page, sheet.row);
            if at < self.taken || upto.is_some_and(|u| at >= u) {
                continue;
            }
            self.taken = (at.0, at.1 + 1);
            let objective = sheet.objective.expect("a sheet taken is one the run was told to read");
            let wants_year = objective.year.is_none();
            self.out.push(objective, wants_year);
            self.diags.extend(sheet.diags);
        }
        if let Some(u) = upto {
            self.taken = self.taken.max(u);
        }
        if last {
            self.tables = chunk.tables;
            self.table_diags = chunk.table_diags;
        }
    }

    /// Sheets whose heading stands before this (document page index, row) are
    /// taken already.
    pub fn taken(&self) -> (usize, usize) {
        self.taken
    }

    /// Count the years printed on one page (each page once).
    pub fn count(&mut self, years: &[i32]) {
        for &y in years {
            *self.year_counts.entry(y).or_default() += 1;
        }
    }

    /// The end of the document: `out`, given the document's year (the most
    /// printed one) and the tables of objectives, and the diagnostics.
    pub fn finish(mut self) -> (O, Vec<Diagnostic>) {
        let doc_year = self.year_counts.iter().max_by_key(|&(y, n)| (*n, *y)).map(|(y, _)| *y);
        self.out.finish(doc_year, self.tables);
        self.diags.extend(self.table_diags);
        (self.out, self.diags)
    }
}

/// The plan year of a document's first pages, for its tables of objectives
/// (see `tabular::lead_year`), in a run of pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lead {
    /// Find it on the run's pages from this index on, if one decides it
    /// (`Chunk::lead`).
    Find(usize),
    /// The page that decided it is no longer in the run: this is what it said.
    Year(i32),
    /// The run's pages before this index were looked at already and hold no
    /// year for it (they are read without the sheets they belong to).
    After(usize),
}

/// Parse a run of consecutive pages: its sheets (each with its own
/// diagnostics), the tables of objectives in it, the years on its pages. The
/// pages `covered` lie in the range of sheets read before the run (a sheet runs
/// to the next one's heading): no table is looked for there, as in the whole
/// document. Only the sheets `want`ed are read through.
pub fn parse_chunk(
    pages: &[PageLayout],
    params: &Params,
    covered: std::ops::Range<usize>,
    lead: Lead,
    want: Want,
) -> Chunk {
    let pages = inline::split_inline_labels(pages, params);
    let doc = Doc { pages: &pages, p: params };
    let mut diags = Vec::new();
    let headings = structure::find_headings(&doc);
    let heading_lines: HashSet<LineRef> = headings.iter().flat_map(|h| h.lines.iter().copied()).collect();
    let furniture = structure::find_furniture(&doc, &headings, &heading_lines);

    // All grid-label units of the document, to tell sheet headings from index rows.
    let units = units::label_units(&doc, &furniture, &heading_lines);
    debug_assert!(units.is_sorted_by_key(|u| u.page));

    // Tables of objectives, looked for outside the sheets and after the last one's
    // first page (a plan may end with a table): a sheet ends where one starts.
    let sheets = structure::find_sheets(&doc, &headings, &units);
    let last_start = sheets.last().map(|s| s.heading.page);
    let inside: HashSet<usize> = sheets
        .iter()
        .flat_map(|s| s.heading.page..s.end.page.min(doc.pages.len().saturating_sub(1)) + 1)
        .filter(|&p| last_start.is_none_or(|l| p <= l))
        .chain(covered.start.min(doc.pages.len())..covered.end.min(doc.pages.len()))
        .collect();
    let tables = tabular::find_tables(&doc, &furniture, &inside);
    let table_hits = tables.has_hits();
    let table_starts = tables.starts(&doc);
    let mut sheet_lines: HashSet<LineRef> = HashSet::default();

    let starts: Vec<usize> = sheets.iter().map(|s| s.heading.page).collect();
    let n = doc.pages.len();
    let upto = want.open_within.map(|context| {
        // The oldest sheet not known to be complete: its next sheet is not certain
        // yet (it starts too close to the end of the run, or none does).
        let open = sheets.iter().enumerate().find(|&(k, _)| starts.get(k + 1).is_none_or(|&next| next + context >= n));
        match open {
            Some((_, s)) => (s.heading.page, s.heading.pos.row),
            None => (n.saturating_sub(context), 0),
        }
    });
    let mut parsed = Vec::new();
    for (k, mut sheet) in sheets.into_iter().enumerate() {
        let h = sheet.heading;
        let before = diags.len();
        if let Some(&t) = table_starts.iter().find(|&&t| t > h.pos && t < sheet.end) {
            // On a later page, the lines above the table's header are its title or
            // caption, not the sheet's.
            sheet.end = if t.page > h.pos.page { RowRef::page_start(t.page) } else { t };
        }
        let content = sheet.content(&doc, &furniture, &heading_lines);
        sheet_lines.extend(content.iter().copied().chain(h.lines.iter().copied()));
        let at = (h.page, h.pos.row);
        let objective = (at >= want.from && upto.is_none_or(|u| at < u)).then(|| {
            let pages = sheet.page_numbers(&doc, &content);
            let sheet_units = units::sheet_units(&units, h.page, &content);
            let obj = parse_sheet(&doc, h, &content, &sheet_units, want.provenance, &mut diags);
            Objective { pages, ..obj }
        });
        parsed.push(ParsedSheet {
            page: h.page,
            row: h.pos.row,
            next: starts.get(k + 1).copied(),
            objective,
            diags: diags.split_off(before),
        });
    }
    // Plans printed as a table, outside the sheets.
    let lead_found = match lead {
        Lead::Find(from) => tabular::lead_year(&doc, &furniture, &sheet_lines, from),
        _ => None,
    };
    let tables = tabular::parse_tables(&doc, tables, &sheet_lines, lead, want.provenance, &mut diags);
    let page_years = doc.pages.iter().map(|p| structure::page_years(p)).collect();
    Chunk { sheets: parsed, tables, table_diags: diags, table_hits, page_years, lead: lead_found, upto }
}

/// One sheet's content lines and label units -> its objective (with where each
/// field was read when `provenance`).
fn parse_sheet(
    doc: &Doc,
    h: &Heading,
    content: &[LineRef],
    units: &[LabelUnit],
    provenance: bool,
    diags: &mut Vec<Diagnostic>,
) -> Objective {
    let page_no = doc.pages[h.page].number;
    let mut obj = Objective { code: h.code.clone(), title: h.title.clone(), ..Default::default() };
    obj.year = h.code.get(..4).and_then(|y| y.parse::<i32>().ok()).filter(|y| PLAN_YEARS.contains(y));
    let mut prov = Prov::new(provenance);
    prov.add(doc, format_args!("code"), &h.lines[..1]);
    prov.add(doc, format_args!("title"), &h.lines[1..]);

    let sections = Sections::find(doc, content, units);
    let parts = phases::fold_headerless(doc, &sections.parts, &obj.code, diags);
    for (section, lines) in &parts {
        match section {
            Section::Grid => grid::parse_grid(doc, &sections.grid, lines, &mut obj, &mut prov, diags),
            Section::Dup => dup::parse_links(doc, lines, &mut obj, &mut prov),
            Section::Desc => {
                obj.description = description::parse_description(doc, lines);
                prov.add(doc, format_args!("description"), lines);
            }
            Section::Purpose => {
                obj.purpose = description::parse_description(doc, lines);
                prov.add(doc, format_args!("purpose"), lines);
            }
            Section::Ind => {
                obj.indicators = indicators::parse_indicators(doc, lines, &obj.code, obj.year, diags, &mut prov);
            }
            Section::Phases => obj.phases = phases::parse_phases(doc, lines, &obj.code, diags, &mut prov),
        }
    }
    // Fields printed on their own past the grid (the objective's achievement under
    // the indicator table).
    for (u, values) in &sections.fields {
        if let labels::Label::Grid(f) = u.label {
            let text = doc.join_reading(values);
            prov.add(doc, format_args!("{}", f.name()), values);
            grid::assign(&mut obj, f, &text, Some(doc.pages[u.page].number), diags);
        }
    }
    if sections.grid.is_empty() {
        diags.push(Diagnostic::warning(
            Some(page_no),
            DiagCode::SheetGridMissing,
            format!("{}: no label grid found", h.code),
        ));
    }
    obj.provenance = prov.into_provenance();
    obj
}
