//! Sheet stage: page layouts -> objective records (the rule-based parser).
//!
//! Owns the document structure: which lines are running headers/footers, where each
//! objective sheet starts and ends (a code heading followed by the label grid; the
//! heading repeated on a continuation page continues the sheet), where the sections
//! of a sheet are (grid, "Collegato a", description, indicators), and how the lines
//! of a section become fields. Every decision is made from geometry (rows, cells,
//! columns, gaps) and from the label table in [`crate::labels`], never from the
//! order in which text was drawn.

use crate::columns::{is_gutter, word_gaps, ColumnStart, ColumnStarts};
use crate::extract::BBox;
use crate::labels::{self, GridField, IndColumn, Label};
use crate::layout::{Line, PageLayout, Word};
use crate::model::{Diagnostic, DupLink, Indicator, Objective, Provenance, Region};
use crate::params::Params;
use crate::target;
use crate::text::{collapse, join_lines};
use regex::Regex;
use std::borrow::Cow;
use std::collections::BTreeSet;

// foldhash: several times faster than SipHash on the small keys used here (line
// references, page numbers), and still seeded per process.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
type HashSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;
use std::sync::OnceLock;

/// A line of the document: (page index, line index on that page).
type LRef = (usize, usize);

fn re(cell: &'static OnceLock<Regex>, pat: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pat).expect("static regex"))
}

/// An objective code as printed in a sheet heading: one token of letters, digits and
/// `_ . / -`, with at least one digit and one letter or underscore, no lower case.
fn is_code(tok: &str) -> bool {
    let n = tok.chars().count();
    (4..=32).contains(&n)
        && tok.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || "_./-".contains(c))
        && tok.chars().any(|c| c.is_ascii_digit())
        && tok.chars().any(|c| c.is_ascii_uppercase() || c == '_')
        && tok.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
}

/// A DUP code opening a link value (`2020_IND_STRATEG_13`): groups joined by underscores.
fn is_dup_code(tok: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    re(&R, r"^[A-Z0-9]+(?:_[A-Z0-9]+)+$").is_match(tok) && tok.chars().any(|c| c.is_ascii_digit())
}

/// Every further DUP code quoted in a link text: dotted numbers (`12.1.06`,
/// `Programma 01.10`) and underscore codes.
fn dup_refs(text: &str) -> Vec<String> {
    static R: OnceLock<Regex> = OnceLock::new();
    let r = re(&R, r"(?:^|[^\w.,])(\d{1,3}(?:\.\d{1,3}){1,3}|[A-Z0-9]+(?:_[A-Z0-9]+)+)(?:$|[^\w])");
    let mut out: Vec<String> = Vec::new();
    for c in r.captures_iter(text) {
        let m = c.get(1).map(|m| m.as_str()).unwrap_or("");
        // A thousands-grouped amount (1.250 / 12.000) is a number, not a code.
        let thousands = m.split('.').skip(1).all(|g| g.len() == 3) && !m.starts_with('0');
        if m.contains('_') && !is_dup_code(m) {
            continue;
        }
        if !m.contains('_') && thousands {
            continue;
        }
        if !out.iter().any(|x| x == m) {
            out.push(m.to_string());
        }
    }
    out
}

/// A list marker and the item text after it. `Some(n)`: the item's ordinal for
/// numbered (`3)`, `3.`) and lettered (`c)`) items, which only open an item when
/// they continue a count (a wrapped line may start with "365. L'Ente...").
fn list_marker(s: &str) -> Option<(Option<u32>, &str)> {
    static R: OnceLock<Regex> = OnceLock::new();
    let r = re(&R, r"^\s*(?:([-•–—·▪◦●○■□➢►\*])|(\d{1,3})[)\.]|([a-z])[)])\s+");
    let c = r.captures(s)?;
    let rest = &s[c.get(0)?.end()..];
    let ordinal = if let Some(n) = c.get(2) {
        Some(n.as_str().parse().ok()?)
    } else {
        c.get(3).map(|l| l.as_str().as_bytes()[0] as u32 - b'a' as u32 + 1)
    };
    Some((ordinal, rest))
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

struct Heading {
    code: String,
    title: String,
    /// Code line and title lines.
    lines: Vec<LRef>,
    page: usize,
    /// Position of the code line in document order.
    pos: (usize, usize),
}

/// A run of consecutive lines naming a label (a label cell or a wrapped label).
#[derive(Clone, Debug)]
struct LabelUnit {
    label: Label,
    lines: Vec<LRef>,
    page: usize,
    bbox: BBox,
    cell: Option<usize>,
    bold: bool,
    /// Every letter is upper case.
    upper: bool,
    size: f32,
}

struct Doc<'a> {
    /// The pages, each borrowed as laid out or owned when the parser had to split
    /// inline labels out of its lines.
    pages: &'a [Cow<'a, PageLayout>],
    p: &'a Params,
}

impl<'a> Doc<'a> {
    fn line(&self, r: LRef) -> &'a Line {
        &self.pages[r.0].lines[r.1]
    }
    /// Lines sharing the row of `r` on its page.
    fn row_mates(&self, r: LRef) -> impl Iterator<Item = usize> + 'a {
        let row = self.pages[r.0].lines[r.1].row;
        let lines = &self.pages[r.0].lines;
        (0..lines.len()).filter(move |&i| lines[i].row == row && i != r.1)
    }
}

/// Parse every objective sheet of a document, in document order.
pub fn parse(pages: &[PageLayout], params: &Params) -> (Vec<Objective>, Vec<Diagnostic>) {
    let pages = split_inline_labels(pages, params);
    let doc = Doc { pages: &pages, p: params };
    let mut diags = Vec::new();
    let headings = find_headings(&doc);
    let heading_lines: HashSet<LRef> = headings.iter().flat_map(|h| h.lines.iter().copied()).collect();
    let furniture = find_furniture(&doc, &headings, &heading_lines);

    // All grid-label units of the document, to tell sheet headings from index rows.
    let units = label_units(&doc, &furniture, &heading_lines);
    debug_assert!(units.is_sorted_by_key(|u| u.page));
    let grid_pos: Vec<((usize, usize), GridField)> = units
        .iter()
        .filter_map(|u| match u.label {
            Label::Grid(f) => Some(((u.lines[0].0, doc.line(u.lines[0]).row), f)),
            _ => None,
        })
        .collect();

    // Sheet starts: a heading followed, before the next heading and within the
    // next page, by a label grid (two different grid fields at least: a lone word
    // such as "Area" in a manual is no grid). A heading that repeats the current
    // sheet's code continues it.
    let mut starts: Vec<usize> = Vec::new();
    let mut repeats: Vec<usize> = Vec::new();
    for (i, h) in headings.iter().enumerate() {
        let end = headings.get(i + 1).map(|n| n.pos).unwrap_or((usize::MAX, usize::MAX)).min((h.pos.0 + 2, 0));
        let mut fields: Vec<GridField> =
            grid_pos.iter().filter(|(g, _)| *g > h.pos && *g < end).map(|(_, f)| *f).collect();
        fields.sort_by_key(|f| *f as u8);
        fields.dedup();
        let has_grid = fields.len() >= 2;
        let current = starts.last().map(|&s| headings[s].code.as_str());
        if has_grid {
            starts.push(i);
        } else if current == Some(h.code.as_str()) {
            repeats.push(i);
        }
    }

    let mut objectives = Vec::new();
    let mut doc_year: Option<Option<i32>> = None;
    for (k, &si) in starts.iter().enumerate() {
        let h = &headings[si];
        let end = starts.get(k + 1).map(|&n| headings[n].pos).unwrap_or((usize::MAX, usize::MAX));
        let reps: Vec<&Heading> =
            repeats.iter().map(|&r| &headings[r]).filter(|r| r.pos > h.pos && r.pos < end).collect();
        // Content: lines after the heading and before the next sheet, minus furniture,
        // minus repeated headings and whatever sits above them on their page.
        let mut content: Vec<LRef> = Vec::new();
        for (pi, page) in pages.iter().enumerate() {
            if pi < h.page || (pi, 0) > end {
                continue;
            }
            let rep_on_page = reps.iter().filter(|r| r.page == pi).map(|r| r.pos.1).min();
            for li in 0..page.lines.len() {
                let r = (pi, li);
                let pos = (pi, page.lines[li].row);
                if pos <= h.pos || pos >= end || furniture.contains(&r) || heading_lines.contains(&r) {
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
        let mut page_set: BTreeSet<u32> = content.iter().map(|r| pages[r.0].number).collect();
        page_set.insert(pages[h.page].number);
        // A page of the sheet's range that holds nothing but its running header and
        // footer (the sheet's content ended at the page break before) still belongs
        // to it when that header names the sheet's code.
        let last = end.0.min(pages.len().saturating_sub(1));
        for (pi, page) in pages.iter().enumerate().take(last + 1).skip(h.page + 1) {
            if (pi, 0) < end && page.lines.iter().any(|l| l.text.split_whitespace().any(|t| t == h.code)) {
                page_set.insert(page.number);
            }
        }
        let content_set: HashSet<LRef> = content.iter().copied().collect();
        // Units come page by page: only those of the sheet's pages can be in it.
        let last_page = content.iter().map(|r| r.0).max().unwrap_or(h.page);
        let lo = units.partition_point(|u| u.page < h.page);
        let hi = units.partition_point(|u| u.page <= last_page).max(lo);
        let sheet_units: Vec<LabelUnit> =
            units[lo..hi].iter().filter(|u| content_set.contains(&u.lines[0])).cloned().collect();
        let mut obj = parse_sheet(&doc, h, &content, &sheet_units, &mut diags);
        if obj.year.is_none() {
            obj.year = *doc_year.get_or_insert_with(|| document_year(&doc));
        }
        objectives.push(Objective { pages: page_set.into_iter().collect(), ..obj });
    }
    (objectives, diags)
}

/// Where a grid label ending in a colon opens a line or follows a gutter-wide gap
/// ("Direzione: AFFARI", "SERVIZI AL   Direttore: ROSSI", "DIRETTORE:ROSSI"), the
/// word groups of the line with the label cut out as a group of its own. (A label
/// word after an ordinary space is running text: "... della Direzione:".)
///
/// Without a colon, a grid label is cut out only where it starts after a gutter at
/// the x where lines holding just that kind of label start elsewhere in the
/// document (`label_columns`): a borderless grid whose value ran up to the next
/// label ("DIREZIONE CULTURA E   Direttore").
fn inline_label_groups(line: &Line, params: &Params, label_columns: &ColumnStarts) -> Option<Vec<Vec<Word>>> {
    let at_label_column = |x: f32| label_columns.contains(x, line.size, params);
    if !line.text.contains(':') && !line.words.iter().skip(1).any(|w| at_label_column(w.bbox.x0)) {
        return None;
    }
    let w = &line.words;
    let gaps = word_gaps(w);
    let opens_run = |i: usize| i == 0 || is_gutter(&gaps, i - 1, line.size, params);
    let mut groups: Vec<Vec<Word>> = Vec::new();
    let mut cur: Vec<Word> = Vec::new();
    let mut found = false;
    let mut i = 0;
    'words: while i < w.len() {
        if i > 0 && at_label_column(w[i].bbox.x0) && opens_run(i) {
            // the longest run of words from here that is a grid label
            let label_len = (1..=4.min(w.len() - i)).rev().find(|&k| {
                let text: Vec<&str> = w[i..i + k].iter().map(|x| x.text.as_str()).collect();
                labels::grid_field(&text.join(" ")).is_some()
            });
            if let Some(k) = label_len {
                found = true;
                if !cur.is_empty() {
                    groups.push(std::mem::take(&mut cur));
                }
                groups.push(w[i..i + k].to_vec());
                i += k;
                continue 'words;
            }
        }
        for k in 1..=4.min(w.len() - i) {
            let last = &w[i + k - 1];
            let Some(colon) = last.text.find(':') else { continue };
            let mut label: Vec<&str> = w[i..i + k - 1].iter().map(|x| x.text.as_str()).collect();
            label.push(&last.text[..=colon]);
            if !opens_run(i) || labels::grid_field(&label.join(" ")).is_none() {
                continue;
            }
            found = true;
            if !cur.is_empty() {
                groups.push(std::mem::take(&mut cur));
            }
            let mut lab: Vec<Word> = w[i..i + k - 1].to_vec();
            let rest = &last.text[colon + 1..];
            if rest.is_empty() {
                lab.push(last.clone());
            } else {
                // The value is glued to the colon: cut the word where the colon ends,
                // sharing its box in proportion to the characters.
                let n = last.text.chars().count().max(1) as f32;
                let head = last.text[..=colon].chars().count() as f32;
                let xm = last.bbox.x0 + last.bbox.width() * head / n;
                lab.push(Word {
                    text: last.text[..=colon].to_string(),
                    bbox: BBox { x1: xm, ..last.bbox },
                    ..last.clone()
                });
                cur.push(Word { text: rest.to_string(), bbox: BBox { x0: xm, ..last.bbox }, ..last.clone() });
            }
            groups.push(lab);
            i += k;
            continue 'words;
        }
        cur.push(w[i].clone());
        i += 1;
    }
    if !cur.is_empty() {
        groups.push(cur);
    }
    (found && groups.len() > 1).then_some(groups)
}

/// Pages with inline labels split out of their lines (a copy of those pages only).
fn split_inline_labels<'a>(pages: &'a [PageLayout], params: &Params) -> Vec<Cow<'a, PageLayout>> {
    let columns = label_columns(pages, params);
    pages
        .iter()
        .map(|p| {
            if p.lines.iter().any(|l| inline_label_groups(l, params, &columns).is_some()) {
                let mut page = p.clone();
                crate::layout::split_lines(&mut page, |l| inline_label_groups(l, params, &columns));
                Cow::Owned(page)
            } else {
                Cow::Borrowed(p)
            }
        })
        .collect()
}

/// Where (x, font size) lines made of just a grid label start, over the whole
/// document: the label columns of its grids, also on pages where a value ran into
/// the next label and no line of that page starts there. Sorted by x.
fn label_columns(pages: &[PageLayout], params: &Params) -> ColumnStarts {
    let label_starts = pages
        .iter()
        .flat_map(|p| &p.lines)
        .filter(|l| l.text.len() <= 40 && l.words.len() <= 4 && labels::grid_field(&l.text).is_some())
        .map(|l| ColumnStart { x: l.bbox.x0, size: l.size });
    ColumnStarts::distinct(label_starts, params.label_column_merge)
}

/// The plan year when codes carry none: the year printed most often in running
/// headers, footers, titles and cover lines (short lines), e.g. "PEG 2022".
fn document_year(doc: &Doc) -> Option<i32> {
    static R: OnceLock<Regex> = OnceLock::new();
    let r = re(&R, r"\b((?:19|20)\d\d)\b");
    let mut counts: HashMap<i32, usize> = HashMap::default();
    for pg in doc.pages {
        for l in pg.lines.iter().filter(|l| l.text.len() < 80) {
            for c in r.captures_iter(&l.text) {
                if let Ok(y) = c[1].parse::<i32>() {
                    *counts.entry(y).or_default() += 1;
                }
            }
        }
    }
    counts.into_iter().max_by_key(|&(y, n)| (n, y)).map(|(y, _)| y)
}

/// Code headings: a code alone on its row, with the title on the lines just below.
fn find_headings(doc: &Doc) -> Vec<Heading> {
    let mut out = Vec::new();
    for (pi, page) in doc.pages.iter().enumerate() {
        for (li, l) in page.lines.iter().enumerate() {
            let mut toks = l.text.split_whitespace();
            let first = toks.next().unwrap_or("");
            if !is_code(first) || doc.row_mates((pi, li)).next().is_some() {
                continue;
            }
            let rest: String = toks.collect::<Vec<_>>().join(" ");
            let rest = rest.trim_start_matches(['-', '–', ':', '—']).trim().to_string();
            let mut lines = vec![(pi, li)];
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
                let alone = doc.row_mates((pi, lj)).next().is_none();
                if !alone
                    || gap > doc.p.title_gap * t.size.max(prev.size)
                    || t.cell.is_some()
                    || labels::lookup(&t.text).is_some()
                    || is_code(t.text.split_whitespace().next().unwrap_or(""))
                {
                    break;
                }
                if (t.bbox.x0 - l.bbox.x0).abs() > 2.0 * t.size && t.bbox.x0 > l.bbox.x1 {
                    break;
                }
                if style.is_some_and(|(size, bold)| (size - t.size).abs() > 0.5 || bold != t.bold) {
                    break;
                }
                style = Some((t.size, t.bold));
                title_lines.push(&t.text);
                lines.push((pi, lj));
                prev = t;
            }
            out.push(Heading {
                code: first.to_string(),
                title: join_lines(title_lines),
                lines,
                page: pi,
                pos: (pi, l.row),
            });
        }
    }
    out
}

/// Running headers and footers: lines in the top or bottom margin band whose text
/// (digits masked) recurs at the same place on other pages, or that are page
/// numbers. A whole row goes when one of its lines is running text; a page number
/// takes its row only when nothing else stands on it.
fn find_furniture(doc: &Doc, headings: &[Heading], exempt: &HashSet<LRef>) -> HashSet<LRef> {
    let band = doc.p.margin_band;
    // The top band reaches down to the page's first code heading when that is
    // lower (a running header above the heading of a landscape page).
    let first_heading: HashMap<usize, f32> =
        headings.iter().rev().map(|h| (h.page, doc.line(h.lines[0]).bbox.top)).collect();
    let in_band = |pi: usize, l: &Line| {
        let pg = &doc.pages[pi];
        let top_band = (band * pg.height).max(first_heading.get(&pi).copied().unwrap_or(0.0));
        l.bbox.bottom <= top_band || l.bbox.top >= pg.height * (1.0 - band)
    };
    let mut seen: HashMap<String, Vec<(usize, f32)>> = HashMap::default();
    for (pi, pg) in doc.pages.iter().enumerate() {
        for (li, l) in pg.lines.iter().enumerate() {
            if in_band(pi, l) && !exempt.contains(&(pi, li)) {
                seen.entry(masked(&l.text)).or_default().push((pi, l.bbox.top));
            }
        }
    }
    let mut out = HashSet::default();
    for (pi, pg) in doc.pages.iter().enumerate() {
        // Lines that are furniture by themselves: repeated across pages at the same
        // height (digits masked), or a page number.
        let mut marks: Vec<(usize, bool)> = Vec::new(); // (row, only a number)
        for (li, l) in pg.lines.iter().enumerate() {
            if !in_band(pi, l) || exempt.contains(&(pi, li)) || l.cell.is_some() {
                continue;
            }
            let repeated = seen
                .get(&masked(&l.text))
                .is_some_and(|v| v.iter().any(|&(pj, t)| pj != pi && (t - l.bbox.top).abs() <= doc.p.furniture_y_tol));
            let number = is_page_number(&l.text);
            if repeated || number {
                marks.push((l.row, number));
            }
        }
        // A row with running text is furniture whole (a footer's date or author
        // beside it); a row marked by a number only when nothing else is on it: a
        // bare number beside text at the page bottom is a table value (an
        // indicator's target in the last row), not a page number.
        let mut rows = HashSet::default();
        for &(row, number) in &marks {
            let others = pg.lines.iter().filter(|o| o.row == row).count() - marks.iter().filter(|m| m.0 == row).count();
            if !number || others == 0 {
                rows.insert(row);
            }
        }
        for (li, l) in pg.lines.iter().enumerate() {
            if rows.contains(&l.row) && in_band(pi, l) && !exempt.contains(&(pi, li)) {
                out.insert((pi, li));
            }
        }
    }
    out
}

/// A label printed over several lines: the lines joined with spaces, or, where a
/// narrow cell broke words without a hyphen ("CLASSIFICAZI" / "ONE"), the same
/// text compared without spaces.
fn lookup_wrapped(texts: &[&str]) -> Option<Label> {
    let joined = join_lines(texts.iter().copied());
    labels::lookup(&joined).or_else(|| if texts.len() > 1 { labels::lookup_squashed(&joined) } else { None })
}

/// Find label units: whole ruled cells whose text is a label, and single lines or
/// short stacks of lines of one column (a wrapped label), inside one cell or outside
/// any cell.
fn label_units(doc: &Doc, furniture: &HashSet<LRef>, exclude: &HashSet<LRef>) -> Vec<LabelUnit> {
    let mut out = Vec::new();
    for (pi, pg) in doc.pages.iter().enumerate() {
        let usable = |li: usize| !furniture.contains(&(pi, li)) && !exclude.contains(&(pi, li));
        let mut used: HashSet<usize> = HashSet::default();
        // A cell whose whole text is a label.
        for (ci, cell) in pg.cells.iter().enumerate() {
            let lines: Vec<usize> = cell.lines.iter().copied().filter(|&li| usable(li)).collect();
            // a long label in a narrow cell breaks into many short lines
            // ("DESCRIZION" / "E" / "DETTAGLIAT" / "A" / "DELL'OBIET" / "TIVO")
            if lines.is_empty() || lines.len() > 8 {
                continue;
            }
            let texts: Vec<&str> = lines.iter().map(|&li| pg.lines[li].text.as_str()).collect();
            if let Some(label) = lookup_wrapped(&texts) {
                used.extend(lines.iter().copied());
                out.push(unit(doc, pi, &lines, label, Some(ci)));
            }
        }
        // Otherwise stacks of 1..=4 lines of one column, sharing their cell (if any).
        for li in 0..pg.lines.len() {
            let l = &pg.lines[li];
            if !usable(li) || used.contains(&li) {
                continue;
            }
            let mut stack = vec![li];
            let mut found = labels::lookup(&l.text).map(|lab| (lab, 1));
            let mut prev = l;
            for lj in li + 1..pg.lines.len() {
                if stack.len() >= 4 {
                    break;
                }
                let t = &pg.lines[lj];
                // Lines are in row order: past the block gap nothing more can join.
                if t.row != prev.row && t.bbox.top - prev.bbox.bottom > doc.p.block_gap * t.size {
                    break;
                }
                if t.row == prev.row || t.cell != l.cell || !usable(lj) || used.contains(&lj) {
                    continue;
                }
                if (t.bbox.x0 - l.bbox.x0).abs() > 1.0 {
                    continue;
                }
                stack.push(lj);
                prev = t;
                let texts: Vec<&str> = stack.iter().map(|&k| pg.lines[k].text.as_str()).collect();
                if let Some(lab) = lookup_wrapped(&texts) {
                    found = Some((lab, stack.len()));
                }
            }
            if let Some((lab, n)) = found {
                stack.truncate(n);
                used.extend(stack.iter().copied());
                // The unit owns its cell only when it is the cell's whole text.
                let owns_cell = l.cell.filter(|&c| pg.cells[c].lines.iter().all(|k| stack.contains(k) || !usable(*k)));
                out.push(unit(doc, pi, &stack, lab, owns_cell));
            }
        }
    }
    out.sort_by(|a, b| {
        (a.page, doc.line(a.lines[0]).row, a.bbox.x0 as i32).cmp(&(b.page, doc.line(b.lines[0]).row, b.bbox.x0 as i32))
    });
    out
}

fn unit(doc: &Doc, pi: usize, lines: &[usize], label: Label, cell: Option<usize>) -> LabelUnit {
    let pg = &doc.pages[pi];
    let mut bbox = pg.lines[lines[0]].bbox;
    for &li in lines {
        bbox = bbox.union(&pg.lines[li].bbox);
    }
    LabelUnit {
        label,
        lines: lines.iter().map(|&li| (pi, li)).collect(),
        page: pi,
        bbox,
        cell,
        bold: lines.iter().all(|&li| pg.lines[li].bold),
        upper: lines.iter().all(|&li| pg.lines[li].text.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase)),
        size: pg.lines[lines[0]].size,
    }
}

/// Positions: (page, top) for ordering sections.
fn pos_of(doc: &Doc, r: LRef) -> (usize, f32) {
    (r.0, doc.line(r).bbox.top)
}

fn before(a: (usize, f32), b: (usize, f32)) -> bool {
    a.0 < b.0 || (a.0 == b.0 && a.1 < b.1)
}

/// Where the fields of one objective were read.
#[derive(Default)]
struct Prov(Provenance);

impl Prov {
    /// Record `lines` as the source of `field` (one region per page: the union of
    /// the lines' boxes there).
    fn add(&mut self, doc: &Doc, field: String, lines: &[LRef]) {
        let mut per_page: Vec<(u32, BBox)> = Vec::new();
        for &r in lines {
            let (page, b) = (doc.pages[r.0].number, doc.line(r).bbox);
            match per_page.iter_mut().find(|(p, _)| *p == page) {
                Some((_, bb)) => *bb = bb.union(&b),
                None => per_page.push((page, b)),
            }
        }
        if !per_page.is_empty() {
            let r2 = |v: f32| (v * 100.0).round() / 100.0;
            let regions = per_page
                .into_iter()
                .map(|(page, b)| Region { page, bbox: [r2(b.x0), r2(b.top), r2(b.x1), r2(b.bottom)] });
            self.0.entry(field).or_default().extend(regions);
        }
    }
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Section {
    Grid,
    Dup,
    Desc,
    Ind,
}

fn parse_sheet(
    doc: &Doc,
    h: &Heading,
    content: &[LRef],
    units: &[LabelUnit],
    diags: &mut Vec<Diagnostic>,
) -> Objective {
    let page_no = doc.pages[h.page].number;
    let mut obj = Objective { code: h.code.clone(), title: h.title.clone(), ..Default::default() };
    obj.year = h.code.get(..4).and_then(|y| y.parse::<i32>().ok()).filter(|y| (1990..=2100).contains(y));
    let mut prov = Prov::default();
    prov.add(doc, "code".into(), &h.lines[..1]);
    prov.add(doc, "title".into(), &h.lines[1..]);

    // Grid labels: one unit per field; when a value looks like a label (a
    // classification "SERVIZIO"), keep the unit whose style and alignment match the
    // other labels.
    // Grid labels come before the first section; a "Tipologia" header inside the
    // indicator table is that table's type column, not the grid field.
    let first_section = units
        .iter()
        .filter(|u| matches!(u.label, Label::DupSection | Label::Description | Label::Indicators))
        .map(|u| unit_top(doc, u))
        .min_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let before_sections = |u: &LabelUnit| first_section.is_none_or(|f| before(unit_top(doc, u), f));
    let grid_candidates: Vec<LabelUnit> =
        units.iter().filter(|u| matches!(u.label, Label::Grid(_)) && before_sections(u)).cloned().collect();
    let grid: Vec<&LabelUnit> = choose_grid_units(&grid_candidates);
    let label_lines: HashSet<LRef> = units
        .iter()
        .filter(|u| !matches!(u.label, Label::Grid(_) | Label::Column(_)))
        .flat_map(|u| u.lines.iter().copied())
        .chain(grid.iter().flat_map(|u| u.lines.iter().copied()))
        .collect();

    // Section anchors in document order.
    let mut anchors: Vec<(Section, (usize, f32), Option<&LabelUnit>)> = Vec::new();
    if let Some(first) = grid.iter().min_by(|a, b| {
        let (pa, pb) = (unit_top(doc, a), unit_top(doc, b));
        pa.0.cmp(&pb.0).then(pa.1.total_cmp(&pb.1))
    }) {
        anchors.push((Section::Grid, unit_top(doc, first), None));
    }
    for u in units {
        let s = match u.label {
            Label::DupSection => Section::Dup,
            Label::Description => Section::Desc,
            Label::Indicators => Section::Ind,
            _ => continue,
        };
        // A repeated section title (INDICATORI on a continuation page) continues it.
        if anchors.last().is_some_and(|a| a.0 == s) {
            continue;
        }
        anchors.push((s, unit_top(doc, u), Some(u)));
    }
    anchors.sort_by(|a, b| a.1 .0.cmp(&b.1 .0).then(a.1 .1.total_cmp(&b.1 .1)));

    let section_lines = |k: usize| -> Vec<LRef> {
        let start = anchors[k].1;
        let end = anchors.get(k + 1).map(|a| a.1);
        content
            .iter()
            .copied()
            .filter(|&r| {
                let p = pos_of(doc, r);
                let p_tol = (p.0, p.1 + 0.5 * doc.line(r).size);
                !before(p_tol, start) && end.is_none_or(|e| before(p_tol, e))
            })
            .filter(|r| !label_lines.contains(r))
            .collect()
    };

    for (k, anchor) in anchors.iter().enumerate() {
        let lines = section_lines(k);
        match anchor.0 {
            Section::Grid => parse_grid(doc, &grid, &lines, &mut obj, &mut prov),
            Section::Dup => {
                for (i, (link, lab, val)) in parse_dup(doc, &lines).into_iter().enumerate() {
                    prov.add(doc, format!("dup_links[{i}].label"), &lab);
                    if link.code.is_some() {
                        prov.add(doc, format!("dup_links[{i}].code"), &val);
                    }
                    prov.add(doc, format!("dup_links[{i}].text"), &val);
                    obj.dup_links.push(link);
                }
            }
            Section::Desc => {
                obj.description = parse_description(doc, &lines);
                prov.add(doc, "description".into(), &lines);
            }
            Section::Ind => {
                let cols: Vec<LabelUnit> = units
                    .iter()
                    .filter_map(|u| match u.label {
                        Label::Column(_) => Some(u.clone()),
                        Label::Grid(GridField::Typology) if !before_sections(u) => {
                            Some(LabelUnit { label: Label::Column(IndColumn::Type), ..u.clone() })
                        }
                        _ => None,
                    })
                    .collect();
                let cols: Vec<&LabelUnit> = cols.iter().collect();
                obj.indicators = parse_indicators(doc, &lines, &cols, &obj.code, diags, &mut prov);
            }
        }
    }
    if grid.is_empty() {
        diags.push(Diagnostic::warning(
            Some(page_no),
            "sheet.grid.missing",
            format!("{}: no label grid found", h.code),
        ));
    }
    obj.provenance = Some(prov.0);
    obj
}

fn unit_top(doc: &Doc, u: &LabelUnit) -> (usize, f32) {
    let top = u.cell.map(|c| doc.pages[u.page].cells[c].bbox.top).unwrap_or(u.bbox.top);
    (u.page, top.min(u.bbox.top))
}

fn choose_grid_units(units: &[LabelUnit]) -> Vec<&LabelUnit> {
    let grid: Vec<&LabelUnit> = units.iter().filter(|u| matches!(u.label, Label::Grid(_))).collect();
    let mut by_field: Vec<(GridField, Vec<&LabelUnit>)> = Vec::new();
    for u in &grid {
        if let Label::Grid(f) = u.label {
            match by_field.iter_mut().find(|(g, _)| *g == f) {
                Some((_, v)) => v.push(u),
                None => by_field.push((f, vec![u])),
            }
        }
    }
    // Style of the unambiguous labels: weight and case (a value such as
    // "SERVIZIO" is set like the other values, not like the labels).
    let sure: Vec<&LabelUnit> = by_field.iter().filter(|(_, v)| v.len() == 1).map(|(_, v)| v[0]).collect();
    let majority = |f: &dyn Fn(&LabelUnit) -> bool| -> Option<bool> {
        let yes = sure.iter().filter(|u| f(u)).count();
        (!sure.is_empty() && yes * 2 != sure.len()).then_some(yes * 2 > sure.len())
    };
    let want_bold = majority(&|u: &LabelUnit| u.bold);
    let want_upper = majority(&|u: &LabelUnit| u.upper);
    let mut out = Vec::new();
    for (_, v) in &by_field {
        let score = |u: &LabelUnit| {
            let mut score = 0;
            if want_bold == Some(u.bold) {
                score += 2;
            }
            if want_upper == Some(u.upper) {
                score += 2;
            }
            // Labels stand in columns and rows with the other labels.
            let aligned = |o: &&LabelUnit| {
                !std::ptr::eq(*o, u)
                    && o.label != u.label
                    && ((o.bbox.x0 - u.bbox.x0).abs() < 2.0
                        || (o.bbox.top - u.bbox.top).abs() < 2.0 && o.page == u.page)
            };
            if grid.iter().any(aligned) {
                score += 1;
            }
            score
        };
        // The best score; on a tie the first in reading order (a label precedes
        // its value).
        let mut best: Option<(&LabelUnit, i32)> = None;
        for u in v {
            let sc = score(u);
            if best.is_none_or(|(_, b)| sc > b) {
                best = Some((u, sc));
            }
        }
        if let Some((b, _)) = best {
            out.push(b);
        }
    }
    out
}

/// Reading order of two lines: page, then row (top to bottom), then x.
fn reading_cmp(doc: &Doc, a: LRef, b: LRef) -> std::cmp::Ordering {
    a.0.cmp(&b.0).then(doc.line(a).row.cmp(&doc.line(b).row)).then(doc.line(a).bbox.x0.total_cmp(&doc.line(b).bbox.x0))
}

/// `lines` sorted in reading order.
fn in_reading_order(doc: &Doc, lines: &[LRef]) -> Vec<LRef> {
    let mut v: Vec<LRef> = lines.to_vec();
    v.sort_by(|&a, &b| reading_cmp(doc, a, b));
    v
}

/// Join lines in reading order (top to bottom, then left to right), merging lines
/// that share a row with one space.
fn join_reading(doc: &Doc, lines: &[LRef]) -> String {
    join_lines(in_reading_order(doc, lines).iter().map(|&r| doc.line(r).text.as_str()))
}

/// The values of a borderless columnar label row (`vals[i]`: the lines under label
/// `i`) with every line cut where one of its words starts exactly under a later
/// label: per label, its text and the lines it came from; `None` when no line runs
/// into the next column.
fn cut_at_label_starts(doc: &Doc, row: &[&LabelUnit], vals: &[Vec<LRef>]) -> Option<Vec<(String, Vec<LRef>)>> {
    let starts: Vec<f32> = row.iter().map(|u| u.bbox.x0).collect();
    let mut parts: Vec<Vec<(LRef, String)>> = vec![Vec::new(); row.len()];
    let mut cut_any = false;
    for (i, lines) in vals.iter().enumerate() {
        for &r in lines {
            let mut col = i;
            let mut part: Vec<&str> = Vec::new();
            for (k, w) in doc.line(r).words.iter().enumerate() {
                let next = starts
                    .iter()
                    .enumerate()
                    .skip(col + 1)
                    .find(|&(_, &x)| (w.bbox.x0 - x).abs() < 1.0)
                    .map(|(j, _)| j);
                if let (Some(j), true) = (next, k > 0) {
                    parts[col].push((r, part.join(" ")));
                    part.clear();
                    col = j;
                    cut_any = true;
                }
                part.push(&w.text);
            }
            parts[col].push((r, part.join(" ")));
        }
    }
    cut_any.then(|| {
        parts
            .into_iter()
            .map(|mut p| {
                p.sort_by(|a, b| reading_cmp(doc, a.0, b.0));
                let text = join_lines(p.iter().map(|(_, t)| t.as_str()));
                let mut from: Vec<LRef> = p.iter().map(|(r, _)| *r).collect();
                from.dedup();
                (text, from)
            })
            .collect()
    })
}

fn parse_grid(doc: &Doc, grid: &[&LabelUnit], lines: &[LRef], obj: &mut Objective, prov: &mut Prov) {
    let tol = doc.p.edge_tol;
    // Row band of each label: its cell, else down to the next label row below.
    let band = |u: &LabelUnit| -> (f32, f32) {
        match u.cell {
            Some(c) => {
                let b = doc.pages[u.page].cells[c].bbox;
                (b.top, b.bottom)
            }
            None => {
                let next = grid
                    .iter()
                    .filter(|o| o.page == u.page && o.bbox.top > u.bbox.bottom)
                    .map(|o| o.bbox.top)
                    .fold(f32::INFINITY, f32::min);
                (u.bbox.top - 0.3 * u.size, next - 0.1)
            }
        }
    };
    let in_box = |r: LRef, page: usize, x0: f32, x1: f32, top: f32, bottom: f32| {
        let b = doc.line(r).bbox;
        r.0 == page && b.cy() > top && b.cy() < bottom && b.x0 >= x0 - tol && b.x0 < x1 - tol
    };
    // Label rows: labels whose centres share a band, left to right.
    let mut rows: Vec<Vec<&LabelUnit>> = Vec::new();
    for u in grid {
        let (t, b) = band(u);
        match rows.iter_mut().find(|row| row[0].page == u.page && row[0].bbox.cy() > t && row[0].bbox.cy() < b) {
            Some(row) => row.push(u),
            None => rows.push(vec![u]),
        }
    }
    for row in &mut rows {
        row.sort_by(|a, b| a.bbox.x0.total_cmp(&b.bbox.x0));
    }
    let mut values: Vec<(GridField, Option<String>)> = Vec::new();
    for row in &rows {
        // Values to the right of each label, up to the next label of the row.
        let mut right_vals: Vec<Vec<LRef>> = Vec::new();
        for (i, u) in row.iter().enumerate() {
            let (top, bottom) = band(u);
            let right = row.get(i + 1).map(|o| o.bbox.x0).unwrap_or(f32::INFINITY);
            let left = u.cell.map(|c| doc.pages[u.page].cells[c].bbox.x1).unwrap_or(u.bbox.x1);
            right_vals.push(lines.iter().copied().filter(|&r| in_box(r, u.page, left, right, top, bottom)).collect());
        }
        let mut cut = None;
        // Columnar header: a row of labels with nothing beside them takes its values
        // from the row below, column by column.
        if row.len() >= 2 && right_vals.iter().all(|v| v.is_empty()) {
            let page = row[0].page;
            let row_bottom = row
                .iter()
                .map(|u| u.cell.map(|c| doc.pages[page].cells[c].bbox.bottom).unwrap_or(u.bbox.bottom))
                .fold(f32::NEG_INFINITY, f32::max);
            let next_top = grid
                .iter()
                .filter(|o| o.page == page && o.bbox.top > row_bottom)
                .map(|o| o.bbox.top)
                .fold(f32::INFINITY, f32::min);
            for (i, u) in row.iter().enumerate() {
                let col_left = u.cell.map(|c| doc.pages[page].cells[c].bbox.x0).unwrap_or(u.bbox.x0 - u.size);
                let col_right = row
                    .get(i + 1)
                    .map(|o| o.cell.map(|c| doc.pages[page].cells[c].bbox.x0).unwrap_or(o.bbox.x0 - o.size))
                    .unwrap_or(f32::INFINITY);
                right_vals[i] = lines
                    .iter()
                    .copied()
                    .filter(|&r| in_box(r, page, col_left, col_right, row_bottom - 0.5, next_top - 0.1))
                    .collect();
            }
            // Borderless: a value that ran into the next column, whose words start
            // exactly under the next label ("DIREZIONE SPORT E TEMPO SISTEMI
            // INFORMATIVI" under "Direzione:" and "Servizio:"), is cut there.
            if row.iter().all(|u| u.cell.is_none()) {
                cut = cut_at_label_starts(doc, row, &right_vals);
            }
        }
        let per_label = cut.unwrap_or_else(|| right_vals.into_iter().map(|v| (join_reading(doc, &v), v)).collect());
        for (u, (text, from)) in row.iter().zip(per_label) {
            if let Label::Grid(f) = u.label {
                prov.add(doc, grid_field_name(f).into(), &from);
                values.push((f, (!text.is_empty()).then_some(text)));
            }
        }
    }
    for (field, value) in values {
        let slot = match field {
            GridField::Directorate => &mut obj.directorate,
            GridField::Director => &mut obj.director,
            GridField::Service => &mut obj.service,
            GridField::Executive => &mut obj.executive,
            GridField::Classification => &mut obj.classification,
            GridField::Typology => &mut obj.typology,
        };
        *slot = value;
    }
}

fn grid_field_name(f: GridField) -> &'static str {
    match f {
        GridField::Directorate => "directorate",
        GridField::Director => "director",
        GridField::Service => "service",
        GridField::Executive => "executive",
        GridField::Classification => "classification",
        GridField::Typology => "typology",
    }
}

/// Rows of a table region anchored on one column: each row starts at a block of the
/// anchor column (a ruled cell, or lines closer than the block gap) and takes the
/// lines of the other columns whose top falls before the next block. Where
/// horizontal edges cross the region, they bound the rows instead.
fn table_rows(doc: &Doc, lines: &[LRef], is_anchor: &dyn Fn(LRef) -> bool) -> Vec<Vec<LRef>> {
    let mut sorted = lines.to_vec();
    sorted.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(doc.line(*a).bbox.top.total_cmp(&doc.line(*b).bbox.top))
            .then(doc.line(*a).bbox.x0.total_cmp(&doc.line(*b).bbox.x0))
    });
    // Row starts.
    let mut starts: Vec<(usize, f32)> = Vec::new(); // (page, top of row)
    let mut prev: Option<LRef> = None;
    for &r in sorted.iter().filter(|&&r| is_anchor(r)) {
        let l = doc.line(r);
        let new_row = match prev {
            None => true,
            Some(p) => {
                let pl = doc.line(p);
                if p.0 != r.0 {
                    true
                } else if pl.row == l.row {
                    false
                } else if let (Some(a), Some(b)) = (pl.cell, l.cell) {
                    a != b
                } else {
                    let gap = l.bbox.top - pl.bbox.bottom;
                    let ruled =
                        doc.pages[r.0].hedges_between(l.bbox.x0 + 1.0, pl.bbox.cy(), l.bbox.cy()).next().is_some();
                    ruled || gap > doc.p.block_gap * l.size
                }
            }
        };
        if new_row {
            let top = l.cell.map(|c| doc.pages[r.0].cells[c].bbox.top).unwrap_or(l.bbox.top - 0.3 * l.size);
            starts.push((r.0, top.min(l.bbox.top - 0.3 * l.size)));
        }
        prev = Some(r);
    }
    let mut rows: Vec<Vec<LRef>> = vec![Vec::new(); starts.len()];
    for &r in &sorted {
        let l = doc.line(r);
        let key = (r.0, l.bbox.cy());
        // Last row start at or before this line (same page); lines above the first
        // row start of their page join the last row of the previous page (a cell
        // split by a page break).
        let idx = starts.iter().rposition(|s| s.0 < key.0 || (s.0 == key.0 && s.1 <= key.1));
        if let Some(i) = idx {
            rows[i].push(r);
        } else if !rows.is_empty() {
            rows[0].push(r);
        }
    }
    rows
}

/// The label lines of a DUP row with its value run into one of them: "INDIRIZZO
/// STRATEGICO D.U.P.: 2023_IND_STRATEG_05 UNA CITTÀ ..." (cut after the colon) or
/// "Obiettivo Operativo 2023_IND_STRATEG_09 TERRITORIO ..." (cut before the DUP
/// code). Returns the label (all label lines, that one cut), the value, and the
/// line the value came from.
fn split_merged_dup(doc: &Doc, lab: &[LRef]) -> Option<(String, String, LRef)> {
    let v = in_reading_order(doc, lab);
    for (k, &r) in v.iter().enumerate() {
        let words: Vec<&str> = doc.line(r).text.split_whitespace().collect();
        // after a word ending in a colon, or before a DUP code; never at the first word
        let cut = (1..words.len()).find(|&i| words[i - 1].ends_with(':') || is_dup_code(words[i]));
        let Some(i) = cut else { continue };
        let mut parts: Vec<String> = v[..k].iter().map(|&q| doc.line(q).text.clone()).collect();
        parts.push(words[..i].join(" "));
        parts.extend(v[k + 1..].iter().map(|&q| doc.line(q).text.clone()));
        let label = join_lines(parts.iter().map(String::as_str));
        return Some((label, words[i..].join(" "), r));
    }
    None
}

fn parse_dup(doc: &Doc, lines: &[LRef]) -> Vec<(DupLink, Vec<LRef>, Vec<LRef>)> {
    if lines.is_empty() {
        return Vec::new();
    }
    // Label column: lines starting at the leftmost x (within 1 em).
    let min_x = lines.iter().map(|&r| doc.line(r).bbox.x0).fold(f32::INFINITY, f32::min);
    let is_label = |r: LRef| doc.line(r).bbox.x0 <= min_x + doc.line(r).size;
    let mut out = Vec::new();
    for row in table_rows(doc, lines, &is_label) {
        let (lab, mut val): (Vec<LRef>, Vec<LRef>) = row.iter().partition(|&&r| is_label(r));
        let (label, value) = match split_merged_dup(doc, &lab) {
            // A borderless row whose label ran into its value on one line.
            Some((label, value, line)) if val.is_empty() => {
                val.push(line);
                (label, value)
            }
            _ => (join_reading(doc, &lab), join_reading(doc, &val)),
        };
        let label = label.trim_end().trim_end_matches(':').trim_end().to_string();
        if label.is_empty() && value.is_empty() {
            continue;
        }
        let mut code = None;
        let mut text = value.clone();
        if let Some(first) = value.split_whitespace().next() {
            if is_dup_code(first) {
                code = Some(first.to_string());
                text = value[value.find(first).unwrap_or(0) + first.len()..].trim().to_string();
            }
        }
        let refs = dup_refs(&text);
        out.push((DupLink { label, code, text, refs }, lab, val));
    }
    out
}

fn parse_description(doc: &Doc, lines: &[LRef]) -> Option<String> {
    // Merge lines sharing a row (a bullet glyph drawn apart from its text).
    let mut rows: Vec<(LRef, String, BBox, f32)> = Vec::new();
    let mut sorted = lines.to_vec();
    sorted.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(doc.line(*a).row.cmp(&doc.line(*b).row))
            .then(doc.line(*a).bbox.x0.total_cmp(&doc.line(*b).bbox.x0))
    });
    for r in sorted {
        let l = doc.line(r);
        if let Some(last) = rows.last_mut() {
            if last.0 .0 == r.0 && doc.line(last.0).row == l.row {
                last.1.push(' ');
                last.1.push_str(&l.text);
                last.2 = last.2.union(&l.bbox);
                continue;
            }
        }
        rows.push((r, l.text.clone(), l.bbox, l.size));
    }
    if rows.is_empty() {
        return None;
    }
    // Typical line gap, to tell paragraph breaks.
    let mut gaps: Vec<f32> = rows
        .windows(2)
        .filter(|w| w[0].0 .0 == w[1].0 .0)
        .map(|w| w[1].2.top - w[0].2.bottom)
        .filter(|g| *g > -5.0)
        .collect();
    gaps.sort_by(|a, b| a.total_cmp(b));
    let normal_gap = gaps.first().copied().unwrap_or(0.0).max(0.0);

    enum Block {
        Para(Vec<String>),
        List(Vec<Vec<String>>),
    }
    let mut blocks: Vec<Block> = Vec::new();
    let mut item_x: f32 = 0.0; // x of the current list item's marker
    let mut last_ordinal: Option<u32> = None; // number of the last numbered item
    let mut prev: Option<(usize, BBox, f32)> = None;
    for (r, text, bbox, size) in &rows {
        let gap_break = match prev {
            Some((pp, pb, _)) if pp == r.0 => bbox.top - pb.bottom > normal_gap + doc.p.paragraph_gap * size,
            _ => false,
        };
        let marker = list_marker(text).filter(|(ordinal, _)| match ordinal {
            None => true,
            // A numbered item starts a count or continues the current one.
            Some(n) => {
                *n == 1
                    || (last_ordinal.is_some()
                        && last_ordinal == n.checked_sub(1)
                        && matches!(blocks.last(), Some(Block::List(_))))
            }
        });
        if let Some((ordinal, item)) = marker {
            last_ordinal = ordinal;
            item_x = bbox.x0;
            match blocks.last_mut() {
                Some(Block::List(items)) => items.push(vec![item.to_string()]),
                _ => blocks.push(Block::List(vec![vec![item.to_string()]])),
            }
        } else {
            let in_list = matches!(blocks.last(), Some(Block::List(_)));
            let continues_item = in_list && bbox.x0 > item_x + 0.3 * size && !gap_break;
            match blocks.last_mut() {
                Some(Block::List(items)) if continues_item => {
                    items.last_mut().expect("non-empty list").push(text.clone())
                }
                Some(Block::Para(ls)) if !gap_break => ls.push(text.clone()),
                _ => blocks.push(Block::Para(vec![text.clone()])),
            }
        }
        prev = Some((r.0, *bbox, *size));
    }
    let parts: Vec<String> = blocks
        .iter()
        .map(|b| match b {
            Block::Para(ls) => join_lines(ls.iter().map(String::as_str)),
            Block::List(items) => items
                .iter()
                .map(|it| format!("- {}", join_lines(it.iter().map(String::as_str))))
                .collect::<Vec<_>>()
                .join("\n"),
        })
        .filter(|s| !s.is_empty())
        .collect();
    if parts.is_empty() {
        None
    } else {
        Some(parts.join("\n\n"))
    }
}

fn parse_indicators(
    doc: &Doc,
    lines: &[LRef],
    cols: &[&LabelUnit],
    code: &str,
    diags: &mut Vec<Diagnostic>,
    prov: &mut Prov,
) -> Vec<Indicator> {
    // Header units of this section, in document order; the first header row
    // defines the columns, later ones (repeated after a page break) are skipped.
    let mut headers: Vec<&LabelUnit> = cols.iter().copied().filter(|u| lines.iter().any(|r| r.0 == u.page)).collect();
    headers.sort_by(|a, b| {
        a.page.cmp(&b.page).then(a.bbox.top.total_cmp(&b.bbox.top)).then(a.bbox.x0.total_cmp(&b.bbox.x0))
    });
    let header_lines: HashSet<LRef> = headers.iter().flat_map(|u| u.lines.iter().copied()).collect();
    // Column starts. `None` is a column the label table does not know (a weight, a
    // baseline...): its text is kept out of the known columns.
    let mut starts: Vec<(Option<IndColumn>, f32)> = Vec::new();
    let mut header_rows: Vec<(usize, f32, f32)> = Vec::new(); // (page, top, bottom) of header rows
    if let Some(first) = headers.first() {
        let row: Vec<&&LabelUnit> = headers
            .iter()
            .filter(|u| u.page == first.page && (u.bbox.top - first.bbox.top).abs() < 2.0 * u.size)
            .collect();
        let (top, bottom) =
            row.iter().fold((f32::INFINITY, f32::NEG_INFINITY), |(t, b), u| (t.min(u.bbox.top), b.max(u.bbox.bottom)));
        for u in &row {
            if let Label::Column(c) = u.label {
                if !starts.iter().any(|(k, _)| *k == Some(c)) {
                    let x = u.cell.map(|ci| doc.pages[u.page].cells[ci].bbox.x0).unwrap_or(u.bbox.x0);
                    starts.push((Some(c), x));
                }
            }
        }
        // Unknown header cells on the same row.
        for &r in lines.iter().filter(|r| r.0 == first.page && !header_lines.contains(r)) {
            let l = doc.line(r);
            if l.bbox.cy() > top && l.bbox.cy() < bottom && !starts.iter().any(|(_, x)| (x - l.bbox.x0).abs() < l.size)
            {
                starts.push((None, l.cell.map(|ci| doc.pages[r.0].cells[ci].bbox.x0).unwrap_or(l.bbox.x0)));
            }
        }
        header_rows.push((first.page, top, bottom));
    }
    // Every header repetition: a row of column labels.
    for u in &headers {
        if !header_rows.iter().any(|&(p, t, b)| p == u.page && u.bbox.cy() > t && u.bbox.cy() < b) {
            header_rows.push((u.page, u.bbox.top, u.bbox.bottom));
        }
    }
    starts.sort_by(|a, b| a.1.total_cmp(&b.1));
    let known = starts.iter().filter(|(c, _)| c.is_some()).count();
    let after_header = |r: &LRef| {
        headers.iter().any(|h| h.page < r.0 || (h.page == r.0 && h.bbox.bottom <= doc.line(*r).bbox.top + 1.0))
    };
    let in_header_row = |r: &LRef| {
        let l = doc.line(*r);
        header_rows.iter().any(|&(p, t, b)| p == r.0 && l.bbox.cy() > t && l.bbox.cy() < b)
    };
    let body: Vec<LRef> =
        lines.iter().copied().filter(|r| !header_lines.contains(r) && after_header(r) && !in_header_row(r)).collect();
    if known < 2 || !starts.iter().any(|(c, _)| *c == Some(IndColumn::Description)) {
        if !body.is_empty() {
            diags.push(Diagnostic::warning(
                Some(doc.pages[body[0].0].number),
                "indicators.header.missing",
                format!("{code}: indicator table without a recognizable header row"),
            ));
        }
        return Vec::new();
    }
    // Where headers are not in cells, body columns may start left of a centred
    // header. The gutter between two columns is a gap that no body word covers on
    // any row: the widest such gap between the two headers' centres gives the start
    // of the right column. Without a clear gutter, the leftmost body line start
    // that recurs between the headers does.
    let size = body.first().map(|&r| doc.line(r).size).unwrap_or(9.0);
    let mut covered: Vec<(f32, f32)> =
        body.iter().flat_map(|&r| doc.line(r).words.iter().map(|w| (w.bbox.x0, w.bbox.x1))).collect();
    covered.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut gaps: Vec<(f32, f32)> = Vec::new();
    let mut reach = f32::NEG_INFINITY;
    for &(x0, x1) in &covered {
        if reach.is_finite() && x0 > reach {
            gaps.push((reach, x0));
        }
        reach = reach.max(x1);
    }
    let centre = |c: Option<IndColumn>, fallback: f32| {
        headers.iter().filter(|h| c.map(Label::Column) == Some(h.label)).map(|h| h.bbox.cx()).next().unwrap_or(fallback)
    };
    let ruled_header =
        |c: Option<IndColumn>| headers.iter().any(|h| c.map(Label::Column) == Some(h.label) && h.cell.is_some());
    for i in 1..starts.len() {
        if ruled_header(starts[i].0) {
            continue;
        }
        let (lo, hi) = (centre(starts[i - 1].0, starts[i - 1].1), centre(starts[i].0, starts[i].1));
        // The gap may open left of the left header's centre (a short value under a
        // wide centred header): what matters is where it ends, the right column's start.
        let gutter = gaps
            .iter()
            .filter(|g| g.1 > lo && g.1 <= hi + size && g.1 - g.0 >= 0.5 * size)
            .max_by(|a, b| (a.1 - a.0).total_cmp(&(b.1 - b.0)));
        if let Some(g) = gutter {
            starts[i].1 = g.1;
            continue;
        }
        let prev_end = headers
            .iter()
            .filter(|h| Some(h.label) == starts[i - 1].0.map(Label::Column))
            .map(|h| h.bbox.x1)
            .fold(starts[i - 1].1, f32::max);
        let s = starts[i].1;
        let xs: Vec<f32> =
            body.iter().map(|&r| doc.line(r).bbox.x0).filter(|&x| x < s - 0.5 && x > prev_end + 1.0).collect();
        // A column start recurs on several rows; a lone phrase inside a justified
        // description does not.
        let need = if body.len() > 3 { 2 } else { 1 };
        starts[i].1 = xs
            .iter()
            .copied()
            .filter(|&x| xs.iter().filter(|&&y| (y - x).abs() < 1.0).count() >= need)
            .fold(s, f32::min);
    }
    let tol = doc.p.edge_tol;
    let col_of = |x: f32| -> Option<IndColumn> {
        starts.iter().rev().find(|(_, s)| x >= s - tol).map(|(c, _)| *c).unwrap_or(starts[0].0)
    };
    // Ruled tables: keep only lines in cells, or between the table's vertical rules
    // (a cell cut open by a page break has no bottom rule); a footer below the table
    // is neither.
    let ruled = headers.iter().any(|h| h.cell.is_some());
    let between_rules = |r: LRef| {
        let (l, pg) = (doc.line(r), &doc.pages[r.0]);
        let cy = l.bbox.cy();
        let side = |left: bool| {
            pg.vedges.iter().any(|e| {
                e.from <= cy && e.to >= cy && if left { e.pos <= l.bbox.x0 + 1.0 } else { e.pos >= l.bbox.x1 - 1.0 }
            })
        };
        side(true) && side(false)
    };
    let body: Vec<LRef> =
        body.into_iter().filter(|&r| !ruled || doc.line(r).cell.is_some() || between_rules(r)).collect();
    let desc_col = |r: LRef| col_of(doc.line(r).bbox.x0) == Some(IndColumn::Description);

    // Rows -> (first page, description, type, target) with lines split by column.
    /// A parsed row: first page, the three cells' texts, and the lines behind each.
    struct Row {
        page: usize,
        cells: [String; 3],
        lines: [Vec<LRef>; 3],
    }
    let mut rows: Vec<Row> = Vec::new();
    for row in table_rows(doc, &body, &desc_col) {
        let mut cells: Vec<(Option<IndColumn>, LRef, String)> = Vec::new();
        for &r in &row {
            // Split the line's words at column starts (borderless gutters can be
            // narrower than the phrase gap).
            let mut cur: Option<(Option<IndColumn>, String)> = None;
            for w in &doc.line(r).words {
                let c = col_of(w.bbox.x0);
                match &mut cur {
                    Some((cc, s)) if *cc == c => {
                        s.push(' ');
                        s.push_str(&w.text);
                    }
                    _ => {
                        if let Some((cc, s)) = cur.take() {
                            cells.push((cc, r, s));
                        }
                        cur = Some((c, w.text.clone()));
                    }
                }
            }
            if let Some((cc, s)) = cur.take() {
                cells.push((cc, r, s));
            }
        }
        cells.sort_by(|a, b| {
            a.1 .0
                .cmp(&b.1 .0)
                .then(doc.line(a.1).row.cmp(&doc.line(b.1).row))
                .then(doc.line(a.1).bbox.x0.total_cmp(&doc.line(b.1).bbox.x0))
        });
        let col = [IndColumn::Description, IndColumn::Type, IndColumn::Target];
        let texts = col.map(|c| join_lines(cells.iter().filter(|x| x.0 == Some(c)).map(|x| x.2.as_str())));
        let srcs = col.map(|c| cells.iter().filter(|x| x.0 == Some(c)).map(|x| x.1).collect::<Vec<_>>());
        if texts.iter().all(String::is_empty) {
            continue;
        }
        let page = row.iter().map(|r| r.0).min().unwrap_or(0);
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
    let mut out = Vec::new();
    for (i, Row { page, cells: [description, kind, raw], lines }) in rows.into_iter().enumerate() {
        let (t, status) = target::parse_with_status(&raw);
        if status == target::TargetStatus::Unrecognized {
            diags.push(Diagnostic::warning(
                Some(doc.pages[page].number),
                "indicator.target.unparsed",
                format!("{code}: target {raw:?} has no number, date or yes/no"),
            ));
        }
        for (name, l) in ["description", "type", "target"].iter().zip(&lines) {
            prov.add(doc, format!("indicators[{i}].{name}"), l);
        }
        out.push(Indicator { description, kind: if kind.is_empty() { None } else { Some(kind) }, target: t });
    }
    out
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
        assert!(is_dup_code("2020_IND_STRATEG_13"));
        assert!(!is_dup_code("BUONA"));
    }

    #[test]
    fn refs_in_link_text() {
        assert_eq!(dup_refs("CITTA' (incluso obiettivo operativo: 12.1.06: Sviluppare)"), vec!["12.1.06"]);
        assert_eq!(
            dup_refs("(Programma 01.01 – Organi; obiettivo operativo 01.02: garantire)"),
            vec!["01.01", "01.02"]
        );
        assert_eq!(dup_refs("Missione 13 - Tutela; Programma 13.07 - Ulteriori"), vec!["13.07"]);
        assert!(dup_refs("almeno 1.250 utenti").is_empty());
    }

    #[test]
    fn bullets_and_page_numbers() {
        assert_eq!(list_marker("- voce"), Some((None, "voce")));
        assert_eq!(list_marker("• voce"), Some((None, "voce")));
        assert_eq!(list_marker("1) voce"), Some((Some(1), "voce")));
        assert_eq!(list_marker("La Direzione"), None);
        assert_eq!(list_marker("3. terza voce"), Some((Some(3), "terza voce")));
        assert_eq!(list_marker("b) seconda"), Some((Some(2), "seconda")));
        assert_eq!(list_marker("• voce"), Some((None, "voce")));
        assert!(is_page_number("Pag. 3 di 7"));
        assert!(is_page_number("12"));
        assert!(!is_page_number("Comune di Valmarina"));
    }
}

#[cfg(test)]
mod synthetic {
    //! The parser on synthetic pages: glyph boxes and rules placed by hand.
    use super::*;
    use crate::extract::{Glyph, Page, Paint, Rule};
    use crate::layout;

    struct P {
        glyphs: Vec<Glyph>,
        rules: Vec<Rule>,
    }
    impl P {
        fn new() -> Self {
            P { glyphs: vec![], rules: vec![] }
        }
        fn text(&mut self, s: &str, x: f32, baseline: f32, bold: bool) -> &mut Self {
            let size = 9.0;
            let mut x = x;
            for ch in s.chars() {
                let w = 0.5 * size;
                self.glyphs.push(Glyph {
                    text: ch.to_string().into(),
                    bbox: BBox::new(x, baseline - 0.8 * size, x + w, baseline + 0.2 * size),
                    baseline,
                    size,
                    bold,
                });
                x += w;
            }
            self
        }
        /// A ruled row of cells with the given x boundaries.
        fn row(&mut self, xs: &[f32], top: f32, bottom: f32) -> &mut Self {
            let r = |x0, t, x1, b| Rule { bbox: BBox::new(x0, t, x1, b), paint: Paint::Stroke, gray: 0.0 };
            let (x0, x1) = (xs[0], *xs.last().unwrap());
            self.rules.push(r(x0, top, x1, top + 0.5));
            self.rules.push(r(x0, bottom, x1, bottom + 0.5));
            for &x in xs {
                self.rules.push(r(x, top, x + 0.5, bottom));
            }
            self
        }
        /// A ruled row cut open at the bottom (a page break inside it).
        fn open_row(&mut self, xs: &[f32], top: f32, bottom: f32) -> &mut Self {
            let r = |x0, t, x1, b| Rule { bbox: BBox::new(x0, t, x1, b), paint: Paint::Stroke, gray: 0.0 };
            self.rules.push(r(xs[0], top, *xs.last().unwrap(), top + 0.5));
            for &x in xs {
                self.rules.push(r(x, top, x + 0.5, bottom));
            }
            self
        }
        fn page(&self, number: u32) -> Page {
            Page {
                number,
                width: 600.0,
                height: 800.0,
                glyphs: self.glyphs.clone(),
                rules: self.rules.clone(),
                images: 0,
                warnings: vec![],
            }
        }
    }

    fn run(pages: &[Page]) -> Vec<Objective> {
        let p = Params::default();
        let layouts: Vec<PageLayout> = pages.iter().map(|pg| layout::analyze(pg, &p)).collect();
        parse(&layouts, &p).0
    }

    /// A ruled sheet: heading, 2x6 grid with an empty Direttore cell, indicators.
    /// A page opening with the test sheet's heading (code, then title), and nothing else.
    fn heading_page(code: &str) -> P {
        let mut p = P::new();
        p.text(code, 40.0, 60.0, true).text("Titolo dell obiettivo di prova", 40.0, 75.0, true);
        p
    }

    fn sheet_page(code: &str) -> P {
        let mut p = heading_page(code);
        let xs = [40.0, 100.0, 200.0, 260.0, 360.0, 440.0, 560.0];
        p.row(&xs, 90.0, 104.0).row(&xs, 104.0, 118.0);
        p.text("Direzione", 42.0, 100.0, true).text("AFFARI", 102.0, 100.0, false);
        p.text("Direttore", 202.0, 100.0, true);
        p.text("Classificazione", 362.0, 100.0, true).text("SERVIZIO", 442.0, 100.0, false);
        p.text("Servizio", 42.0, 114.0, true).text("UFFICIO", 102.0, 114.0, false);
        p.text("Dirigente", 202.0, 114.0, true).text("ROSSI ANNA", 262.0, 114.0, false);
        p.text("Tipologia", 362.0, 114.0, true).text("SVILUPPO", 442.0, 114.0, false);
        p.text("INDICATORI", 40.0, 150.0, true);
        let cols = [40.0, 300.0, 400.0, 560.0];
        p.row(&cols, 155.0, 169.0).row(&cols, 169.0, 195.0);
        p.text("Descrizione", 42.0, 165.0, true).text("Tipo", 302.0, 165.0, true).text(
            "Valore Atteso",
            402.0,
            165.0,
            true,
        );
        p.text("Pratiche evase", 42.0, 179.0, false).text("nei termini", 42.0, 190.0, false);
        p.text("EFFICACIA", 302.0, 179.0, false).text("≥ 90%", 402.0, 179.0, false);
        p
    }

    #[test]
    fn ruled_sheet_with_empty_cell_and_value_that_looks_like_a_label() {
        let objs = run(&[sheet_page("2023_A101").page(1)]);
        assert_eq!(objs.len(), 1);
        let o = &objs[0];
        assert_eq!(o.code, "2023_A101");
        assert_eq!(o.year, Some(2023));
        assert_eq!(o.title, "Titolo dell obiettivo di prova");
        assert_eq!(o.directorate.as_deref(), Some("AFFARI"));
        assert_eq!(o.director, None);
        assert_eq!(o.classification.as_deref(), Some("SERVIZIO"));
        assert_eq!(o.service.as_deref(), Some("UFFICIO"));
        assert_eq!(o.executive.as_deref(), Some("ROSSI ANNA"));
        assert_eq!(o.typology.as_deref(), Some("SVILUPPO"));
        assert_eq!(o.indicators.len(), 1);
        assert_eq!(o.indicators[0].description, "Pratiche evase nei termini");
        assert_eq!(o.indicators[0].kind.as_deref(), Some("EFFICACIA"));
        assert_eq!(o.indicators[0].target.raw, "≥ 90%");
        assert_eq!(o.pages, vec![1]);
        // Provenance: the value's own box, nothing for the empty cell.
        let prov = o.provenance.as_ref().unwrap();
        let dir = &prov["directorate"];
        assert_eq!(dir.len(), 1);
        assert_eq!(dir[0].page, 1);
        assert_eq!(dir[0].bbox[0], 102.0);
        assert!(!prov.contains_key("director"));
        assert!(prov.contains_key("indicators[0].target") && prov.contains_key("title"));
    }

    #[test]
    fn index_page_and_footers_yield_nothing() {
        let mut index = P::new();
        index.text("Indice degli obiettivi", 40.0, 60.0, true);
        index
            .text("2023_A101", 40.0, 80.0, false)
            .text("Titolo dell obiettivo di prova", 120.0, 80.0, false)
            .text("2", 540.0, 80.0, false);
        index.text("Pag. 1 di 2", 500.0, 780.0, false);
        let mut sheet = sheet_page("2023_A101");
        sheet.text("Pag. 2 di 2", 500.0, 780.0, false);
        let objs = run(&[index.page(1), sheet.page(2)]);
        assert_eq!(objs.len(), 1);
        assert_eq!(objs[0].pages, vec![2]);
        assert_eq!(objs[0].indicators.len(), 1, "the footer is not an indicator row");
        assert!(run(&[index.page(1)]).is_empty());
    }

    #[test]
    fn repeated_heading_continues_the_sheet() {
        let first = sheet_page("2023_A101");
        let mut cont = heading_page("2023_A101");
        let cols = [40.0, 300.0, 400.0, 560.0];
        cont.row(&cols, 90.0, 104.0).row(&cols, 104.0, 118.0);
        cont.text("Descrizione", 42.0, 100.0, true).text("Tipo", 302.0, 100.0, true).text(
            "Valore Atteso",
            402.0,
            100.0,
            true,
        );
        cont.text("Atti adottati", 42.0, 114.0, false).text("TEMPORALE", 302.0, 114.0, false).text(
            "entro il 31/12/2023",
            402.0,
            114.0,
            false,
        );
        let objs = run(&[first.page(1), cont.page(2)]);
        assert_eq!(objs.len(), 1);
        let o = &objs[0];
        assert_eq!(o.pages, vec![1, 2]);
        assert_eq!(o.indicators.len(), 2);
        assert_eq!(o.indicators[1].description, "Atti adottati");
        assert_eq!(o.indicators[1].target.date.as_deref(), Some("2023-12-31"));
    }

    #[test]
    fn borderless_grid_by_alignment() {
        let mut p = P::new();
        p.text("2024_B2", 40.0, 60.0, true).text("Titolo", 40.0, 75.0, true);
        p.text("Direzione", 40.0, 100.0, true)
            .text("DIREZIONE CON UN NOME", 120.0, 100.0, false)
            .text("LUNGO", 120.0, 111.0, false);
        p.text("Direttore", 300.0, 100.0, true).text("BIANCHI LUCA", 380.0, 100.0, false);
        p.text("Servizio", 40.0, 130.0, true).text("UFFICIO", 120.0, 130.0, false);
        p.text("Dirigente", 300.0, 130.0, true);
        let objs = run(&[p.page(1)]);
        assert_eq!(objs.len(), 1);
        assert_eq!(objs[0].directorate.as_deref(), Some("DIREZIONE CON UN NOME LUNGO"));
        assert_eq!(objs[0].director.as_deref(), Some("BIANCHI LUCA"));
        assert_eq!(objs[0].service.as_deref(), Some("UFFICIO"));
        assert_eq!(objs[0].executive, None);
    }

    #[test]
    fn columnar_grid_labels_above_values() {
        let mut p = P::new();
        p.text("2024_C9", 40.0, 60.0, true).text("Titolo", 40.0, 75.0, true);
        p.text("Direzione", 40.0, 100.0, true).text("Direttore", 200.0, 100.0, true).text(
            "Classificazione",
            360.0,
            100.0,
            true,
        );
        p.text("CULTURA", 40.0, 114.0, false)
            .text("NERI ADA", 200.0, 114.0, false)
            .text("SERVIZIO", 360.0, 114.0, false);
        p.text("Servizio", 40.0, 134.0, true).text("Dirigente", 200.0, 134.0, true).text(
            "Tipologia",
            360.0,
            134.0,
            true,
        );
        p.text("MUSEI", 40.0, 148.0, false).text("SVILUPPO", 360.0, 148.0, false);
        let objs = run(&[p.page(1)]);
        assert_eq!(objs.len(), 1);
        let o = &objs[0];
        assert_eq!(o.directorate.as_deref(), Some("CULTURA"));
        assert_eq!(o.director.as_deref(), Some("NERI ADA"));
        assert_eq!(o.classification.as_deref(), Some("SERVIZIO"));
        assert_eq!(o.service.as_deref(), Some("MUSEI"));
        assert_eq!(o.executive, None);
        assert_eq!(o.typology.as_deref(), Some("SVILUPPO"));
    }
    #[test]
    fn unknown_column_and_row_split_by_page_break() {
        let mut first = sheet_page("2023_A101");
        let cols = [40.0, 300.0, 400.0, 560.0];
        first.row(&cols, 195.0, 221.0);
        first
            .text("Riga spezzata dal cambio", 42.0, 205.0, false)
            .text("RISULTATO", 302.0, 205.0, false)
            .text("12", 402.0, 205.0, false);
        let mut cont = heading_page("2023_A101");
        cont.row(&cols, 90.0, 104.0);
        cont.text("di pagina", 42.0, 100.0, false);
        let objs = run(&[first.page(1), cont.page(2)]);
        let o = &objs[0];
        assert_eq!(o.indicators.len(), 2);
        assert_eq!(o.indicators[1].description, "Riga spezzata dal cambio di pagina");
        assert_eq!(o.indicators[1].target.value, Some(12.0));

        // A fourth column the label table does not know stays out of the target.
        let mut p = P::new();
        p.text("2024_Q1", 40.0, 60.0, true).text("Titolo", 40.0, 75.0, true);
        p.text("Direzione", 40.0, 100.0, true).text("AFFARI", 120.0, 100.0, false);
        p.text("INDICATORI", 40.0, 130.0, true);
        p.text("Descrizione", 40.0, 150.0, true)
            .text("Tipologia", 250.0, 150.0, true)
            .text("Valore atteso 2024", 350.0, 150.0, true)
            .text("Peso", 480.0, 150.0, true);
        p.text("Atti adottati", 40.0, 165.0, false)
            .text("RISULTATO", 250.0, 165.0, false)
            .text("5", 350.0, 165.0, false)
            .text("30%", 480.0, 165.0, false);
        let objs = run(&[p.page(1)]);
        assert_eq!(objs[0].indicators.len(), 1);
        assert_eq!(objs[0].indicators[0].target.raw, "5");
        assert_eq!(objs[0].indicators[0].kind.as_deref(), Some("RISULTATO"));
        assert_eq!(objs[0].typology, None, "the table's Tipologia header is not the grid field");
    }
    #[test]
    fn inline_colon_labels_are_cut_out_of_their_lines() {
        let mut p = P::new();
        p.text("2024_K7", 40.0, 60.0, true).text("Titolo", 40.0, 75.0, true);
        // "DIRETTORE:" glued to its value; a label after a gutter inside a value line.
        p.text("Direzione: AFFARI GENERALI", 40.0, 100.0, false);
        p.text("DIRETTORE:ROSSI ANNA", 300.0, 100.0, false);
        p.text("Servizio: PROTOCOLLO", 40.0, 120.0, false);
        p.text("Dirigente: BIANCHI", 40.0 + 100.0 + 15.0, 120.0, false);
        p.text("Descrizione dettagliata dell'obiettivo", 40.0, 150.0, true);
        p.text("Compiti della Direzione: gestione degli atti.", 40.0, 165.0, false);
        let objs = run(&[p.page(1)]);
        assert_eq!(objs.len(), 1);
        let o = &objs[0];
        assert_eq!(o.directorate.as_deref(), Some("AFFARI GENERALI"));
        assert_eq!(o.director.as_deref(), Some("ROSSI ANNA"));
        assert_eq!(o.service.as_deref(), Some("PROTOCOLLO"));
        assert_eq!(o.executive.as_deref(), Some("BIANCHI"));
        assert_eq!(o.description.as_deref(), Some("Compiti della Direzione: gestione degli atti."));
    }
    #[test]
    fn a_code_like_word_and_a_lone_label_are_no_sheet() {
        // A manual page: "UTF-8" alone on its row, then a line that happens to be a
        // grid label ("Area").
        let mut p = P::new();
        p.text("UTF-8", 40.0, 60.0, false).text("encoding of the connection", 40.0, 75.0, false);
        p.text("Area", 40.0, 100.0, false).text("land area in square miles", 120.0, 100.0, false);
        assert!(run(&[p.page(1)]).is_empty());
    }
    #[test]
    fn a_row_cut_open_by_the_page_break_is_kept_and_rejoined() {
        let mut first = sheet_page("2023_A101");
        let cols = [40.0, 300.0, 400.0, 560.0];
        first.open_row(&cols, 195.0, 221.0);
        first
            .text("Riga aperta dal cambio", 42.0, 205.0, false)
            .text("OUTCOME", 302.0, 205.0, false)
            .text("7", 402.0, 205.0, false);
        first.text("Pag. 1 di 2", 500.0, 780.0, false);
        let mut cont = heading_page("2023_A101");
        cont.row(&cols, 90.0, 104.0);
        cont.text("di pagina", 42.0, 100.0, false);
        cont.text("Pag. 2 di 2", 500.0, 780.0, false);
        let objs = run(&[first.page(1), cont.page(2)]);
        let o = &objs[0];
        assert_eq!(o.indicators.len(), 2, "{:?}", o.indicators);
        assert_eq!(o.indicators[1].description, "Riga aperta dal cambio di pagina");
        assert_eq!(o.indicators[1].kind.as_deref(), Some("OUTCOME"));
    }
}
