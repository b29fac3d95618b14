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
use doc::{Doc, HashSet, LineRef, Prov, RowRef};
use sections::{Section, Sections};
use structure::Heading;
use units::LabelUnit;

/// Years a code's leading digits may name (`2023_A101`); other digits are no year.
const PLAN_YEARS: std::ops::RangeInclusive<i32> = 1990..=2100;

/// Parse every objective sheet of a document, in document order.
pub fn parse(pages: &[PageLayout], params: &Params) -> (Vec<Objective>, Vec<Diagnostic>) {
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
        .collect();
    let tables = tabular::find_tables(&doc, &furniture, &inside);
    let table_starts = tables.starts(&doc);
    let mut sheet_lines: HashSet<LineRef> = HashSet::default();

    let mut objectives = Vec::new();
    let mut doc_year: Option<Option<i32>> = None;
    for mut sheet in sheets {
        let h = sheet.heading;
        if let Some(&t) = table_starts.iter().find(|&&t| t > h.pos && t < sheet.end) {
            // On a later page, the lines above the table's header are its title or
            // caption, not the sheet's.
            sheet.end = if t.page > h.pos.page { RowRef::page_start(t.page) } else { t };
        }
        let content = sheet.content(&doc, &furniture, &heading_lines);
        sheet_lines.extend(content.iter().copied().chain(h.lines.iter().copied()));
        let pages = sheet.page_numbers(&doc, &content);
        let sheet_units = units::sheet_units(&units, h.page, &content);
        let mut obj = parse_sheet(&doc, h, &content, &sheet_units, &mut diags);
        if obj.year.is_none() {
            obj.year = *doc_year.get_or_insert_with(|| structure::document_year(&doc));
        }
        objectives.push(Objective { pages, ..obj });
    }
    // Plans printed as a table, outside the sheets.
    let tables = tabular::parse_tables(&doc, tables, &sheet_lines, &mut diags);
    if !tables.is_empty() {
        objectives.extend(tables);
        // Document order: by first page (a sort that keeps each family's order).
        objectives.sort_by_key(|o| o.pages.first().copied().unwrap_or(u32::MAX));
    }
    (objectives, diags)
}

/// One sheet's content lines and label units -> its objective.
fn parse_sheet(
    doc: &Doc,
    h: &Heading,
    content: &[LineRef],
    units: &[LabelUnit],
    diags: &mut Vec<Diagnostic>,
) -> Objective {
    let page_no = doc.pages[h.page].number;
    let mut obj = Objective { code: h.code.clone(), title: h.title.clone(), ..Default::default() };
    obj.year = h.code.get(..4).and_then(|y| y.parse::<i32>().ok()).filter(|y| PLAN_YEARS.contains(y));
    let mut prov = Prov::default();
    prov.add(doc, "code".into(), &h.lines[..1]);
    prov.add(doc, "title".into(), &h.lines[1..]);

    let sections = Sections::find(doc, content, units);
    let parts = phases::fold_headerless(doc, &sections.parts, &obj.code, diags);
    for (section, lines) in &parts {
        match section {
            Section::Grid => grid::parse_grid(doc, &sections.grid, lines, &mut obj, &mut prov, diags),
            Section::Dup => dup::parse_links(doc, lines, &mut obj, &mut prov),
            Section::Desc => {
                obj.description = description::parse_description(doc, lines);
                prov.add(doc, "description".into(), lines);
            }
            Section::Purpose => {
                obj.purpose = description::parse_description(doc, lines);
                prov.add(doc, "purpose".into(), lines);
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
            prov.add(doc, f.name().into(), values);
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
    obj.provenance = Some(prov.0);
    obj
}
