//! Inline labels: lines -> lines with grid labels cut out of them.
//!
//! Owns the one place where the parser rewrites the layout: a grid label printed in
//! the same line as its value ("Direzione: AFFARI", "DIRETTORE:ROSSI"), or a value
//! that ran up to the next label of a borderless grid, becomes a line of its own
//! before the document structure is read. Only the pages that need it are copied.

use crate::columns::{cut_words, is_gutter, word_gaps, ColumnStart, ColumnStarts};
use crate::extract::BBox;
use crate::labels;
use crate::layout::{split_lines, Line, PageLayout, Word};
use crate::params::Params;
use std::borrow::Cow;

/// A grid label is at most this many words ("Direttore di area", "Dirigente
/// responsabile").
const MAX_LABEL_WORDS: usize = 4;

/// A line holding just a grid label is at most this long (bytes).
const MAX_LABEL_BYTES: usize = 40;

/// Where a grid label ending in a colon opens a line or follows a gutter-wide gap
/// ("Direzione: AFFARI", "SERVIZI AL   Direttore: ROSSI", "DIRETTORE:ROSSI"), the
/// word groups of the line with the label cut out as a group of its own. (A label
/// word after an ordinary space is running text: "... della Direzione:".)
///
/// Without a colon, a grid label is cut out where it starts after a gutter at
/// the x where lines holding just that kind of label start elsewhere in the
/// document (`label_columns`): a borderless grid whose value ran up to the next
/// label ("DIREZIONE CULTURA E   Direttore"). Outside ruled cells it is also cut
/// where it stands as a phrase of its own, a gutter before it and a gutter or the
/// line's end after it: on an OCR text layer (every word placed alone, no rules) a
/// value can run up to the next label of its row without any label column in the
/// document ("RICCI ELENA  Classificazione"), and a known label is never part of
/// another field's value.
pub(super) fn inline_label_groups(
    line: &Line,
    params: &Params,
    label_columns: &ColumnStarts,
) -> Option<Vec<Vec<Word>>> {
    let at_label_column = |x: f32| label_columns.contains(x, line.size, params);
    let w = &line.words;
    let gaps = word_gaps(w);
    let opens_run = |i: usize| i == 0 || i == w.len() || is_gutter(&gaps, i - 1, line.size, params);
    // A boundary before word `i`: a gutter, or a change between bold and regular
    // (a bold label right after a regular value, however narrow the gap: OCR
    // layers place the next word wherever the engine measured it).
    let apart = |i: usize| opens_run(i) || w[i].bold != w[i - 1].bold;
    // Outside ruled cells, a label set apart from the words around it is cut out
    // wherever it stands.
    let borderless = line.cell.is_none();
    let may_hold_a_label = line.text.contains(':')
        || line.words.iter().skip(1).any(|w| at_label_column(w.bbox.x0))
        || (borderless && (1..w.len()).any(apart));
    if !may_hold_a_label {
        return None;
    }
    let colons = w.iter().any(|x| x.text.contains(':'));
    let mut groups: Vec<Vec<Word>> = Vec::new();
    let mut cur: Vec<Word> = Vec::new();
    let mut found = false;
    let mut i = 0;
    'words: while i < w.len() {
        let at_column = at_label_column(w[i].bbox.x0);
        if i > 0 && (at_column || (borderless && apart(i))) {
            // the longest run of words from here that is a grid label: at a label
            // column, set apart from the words before or after it; elsewhere (outside
            // cells), a phrase of its own, set apart on both sides
            let capital = w[i].text.chars().next().is_some_and(char::is_uppercase);
            let label_len = (1..=MAX_LABEL_WORDS.min(w.len() - i)).rev().find(|&k| {
                let ends = i + k == w.len() || apart(i + k);
                // away from a label column, a label also starts with a capital
                // (running text does not: "... della   direzione")
                let set_apart = if at_column { apart(i) || ends } else { ends && capital };
                set_apart && spelled(&w[i..i + k]) && labels::grid_field(&text(&w[i..i + k])).is_some()
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
        // a label ending in a colon (no word has one: none)
        let colon_label_words = if colons { MAX_LABEL_WORDS.min(w.len() - i) } else { 0 };
        for k in 1..=colon_label_words {
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

/// A table header row of a borderless table drawn as one line ("Peso %
/// (consuntivo)   Target 2026   Target 2027"): outside ruled cells, a line whose
/// gutter-separated word groups name at least [`MIN_HEADER_GROUPS`] known table
/// columns (indicator or phase table) is cut at every gutter, so that each header
/// cell is a line of its own (a group naming no column, such as the second line of
/// a stacked header, is kept as a line too: the table header stacks it).
pub(super) fn header_cell_groups(line: &Line, params: &Params) -> Option<Vec<Vec<Word>>> {
    if line.cell.is_some() || line.words.len() < 2 {
        return None;
    }
    let ind = |g: &[Word]| spelled(g) && labels::column(&text(g)).is_some();
    let phase = |g: &[Word]| spelled(g) && labels::phase_column(&text(g)).is_some();
    let gaps = word_gaps(&line.words);
    let cuts: Vec<usize> = (1..line.words.len()).filter(|&i| is_gutter(&gaps, i - 1, line.size, params)).collect();
    if !cuts.is_empty() {
        let groups = cut_words(&line.words, cuts);
        let known = groups.iter().filter(|g| ind(g) || phase(g)).count();
        if known >= MIN_HEADER_GROUPS {
            return Some(groups);
        }
    }
    // Header cells packed closer than a gutter ("Pesatura Data inizio Data fine"):
    // the line is cut where it reads as consecutive column names of one table,
    // and only when the whole line names none.
    if ind(&line.words) || phase(&line.words) {
        return None;
    }
    label_segments(&line.words, &ind).or_else(|| label_segments(&line.words, &phase))
}

/// The words' texts joined with spaces.
fn text(words: &[Word]) -> String {
    words.iter().map(|w| w.text.as_str()).collect::<Vec<_>>().join(" ")
}

/// Whether the words' text may be a label (the cheap test before joining and
/// looking it up: see [`labels::Letters`]).
fn spelled(words: &[Word]) -> bool {
    let mut l = labels::Letters::default();
    for w in words {
        l.push(&w.text);
    }
    l.may_be_a_label()
}

/// The fewest consecutive runs of `words` (at least two) whose texts are each a
/// `known` label, if the words can be so cut.
fn label_segments(words: &[Word], known: &dyn Fn(&[Word]) -> bool) -> Option<Vec<Vec<Word>>> {
    let n = words.len();
    // best[i]: the fewest runs covering words[..i], and where the last run starts
    let mut best: Vec<Option<(usize, usize)>> = vec![None; n + 1];
    best[0] = Some((0, 0));
    for i in 1..=n {
        for j in i.saturating_sub(MAX_HEADER_WORDS)..i {
            let Some((k, _)) = best[j] else { continue };
            if known(&words[j..i]) && best[i].is_none_or(|(b, _)| k + 1 < b) {
                best[i] = Some((k + 1, j));
            }
        }
    }
    let (count, _) = best[n]?;
    if count < MIN_HEADER_GROUPS {
        return None;
    }
    let mut cuts = Vec::new();
    let mut i = n;
    while i > 0 {
        let (_, j) = best[i]?;
        if j > 0 {
            cuts.push(j);
        }
        i = j;
    }
    cuts.reverse();
    Some(cut_words(words, cuts))
}

/// A table header cell names its column in at most this many words.
const MAX_HEADER_WORDS: usize = 5;

/// A line is cut into header cells only when this many of its groups name a column.
const MIN_HEADER_GROUPS: usize = 2;

/// Pages with inline labels (and header rows of borderless tables) split out of
/// their lines (a copy of those pages only).
pub(super) fn split_inline_labels<'a>(pages: &'a [PageLayout], params: &Params) -> Vec<Cow<'a, PageLayout>> {
    let columns = label_columns(pages, params);
    let split = |l: &Line| inline_label_groups(l, params, &columns).or_else(|| header_cell_groups(l, params));
    pages
        .iter()
        .map(|p| {
            if p.lines.iter().any(|l| split(l).is_some()) {
                let mut page = p.clone();
                split_lines(&mut page, split);
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
        .filter(|l| {
            l.text.len() <= MAX_LABEL_BYTES && l.words.len() <= MAX_LABEL_WORDS && labels::grid_field(&l.text).is_some()
        })
        .map(|l| ColumnStart { x: l.bbox.x0, size: l.size });
    ColumnStarts::distinct(label_starts, params.label_column_merge)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(words: &[(&str, f32)], bold: bool) -> Line {
        let size = 10.0;
        let words = words
            .iter()
            .map(|&(t, x)| Word {
                text: t.into(),
                bbox: BBox::new(x, 90.0, x + 0.5 * size * t.chars().count() as f32, 100.0),
                size,
                bold,
            })
            .collect();
        Line::from_words(words, 0)
    }

    fn texts(groups: &[Vec<Word>]) -> Vec<String> {
        groups.iter().map(|g| g.iter().map(|w| w.text.as_str()).collect::<Vec<_>>().join(" ")).collect()
    }

    #[test]
    fn colon_labels_are_cut_out_and_glued_values_split() {
        let p = Params::default();
        let none = ColumnStarts::default();
        let g = inline_label_groups(&line(&[("DIRETTORE:ROSSI", 40.0), ("ANNA", 120.0)], false), &p, &none).unwrap();
        assert_eq!(texts(&g), ["DIRETTORE:", "ROSSI ANNA"]);
        // The label's box ends where the colon does (10 of 15 characters).
        assert_eq!(g[0][0].bbox.x1, 40.0 + 75.0 * 10.0 / 15.0);
        // After an ordinary space a label word is running text.
        let running = line(&[("Compiti", 40.0), ("della", 77.0), ("Direzione:", 104.0), ("atti", 156.0)], false);
        assert!(inline_label_groups(&running, &p, &none).is_none());
    }

    #[test]
    fn a_label_without_colon_is_cut_only_at_a_label_column() {
        let p = Params::default();
        // "CULTURA" then, after a 20 pt gutter, "Direttore" at x = 100, in a ruled
        // cell (outside cells a label set apart by gutters is always cut: below).
        let mut l = line(&[("CULTURA", 45.0), ("Direttore", 100.0)], false);
        l.cell = Some(0);
        assert!(inline_label_groups(&l, &p, &ColumnStarts::default()).is_none());
        let cols = ColumnStarts::distinct([ColumnStart { x: 100.0, size: 10.0 }], p.label_column_merge);
        let g = inline_label_groups(&l, &p, &cols).unwrap();
        assert_eq!(texts(&g), ["CULTURA", "Direttore"]);
    }

    #[test]
    fn a_label_set_apart_by_gutters_is_cut_outside_cells() {
        let p = Params::default();
        let none = ColumnStarts::default();
        // OCR: "RICCI ELENA" then, after a 1 em gutter, "Classificazione" ends the line.
        let l = line(&[("RICCI", 40.0), ("ELENA", 68.0), ("Classificazione", 103.0)], false);
        let g = inline_label_groups(&l, &p, &none).unwrap();
        assert_eq!(texts(&g), ["RICCI ELENA", "Classificazione"]);
        // ... also with a value after it, set apart by a gutter.
        let l = line(&[("RICCI", 40.0), ("ELENA", 68.0), ("Tipologia", 103.0), ("SVILUPPO", 158.0)], false);
        assert_eq!(texts(&inline_label_groups(&l, &p, &none).unwrap()), ["RICCI ELENA", "Tipologia", "SVILUPPO"]);
        // A label word after an ordinary space, or running on into more words, is text.
        let l = line(&[("Ufficio", 40.0), ("Servizio", 79.0)], false);
        assert!(inline_label_groups(&l, &p, &none).is_none());
        let l = line(&[("ROSSI", 40.0), ("Servizio", 75.0), ("clienti", 119.0)], false);
        assert!(inline_label_groups(&l, &p, &none).is_none());
        let l = line(&[("ufficio", 40.0), ("di", 78.0), ("direzione", 100.0)], false);
        assert!(inline_label_groups(&l, &p, &none).is_none(), "no capital: running text");
        // OCR: the value ran right up to a bold label at a label column (2.3 pt gap,
        // no gutter): the change of weight and the column set it apart.
        let mut l = line(&[("SANTAMBROGIO", 40.0), ("PIERLUIGI", 102.0), ("Classificazione", 149.3)], false);
        l.words[2].bold = true;
        assert!(inline_label_groups(&l, &p, &none).is_some(), "bold after regular, line end: a phrase of its own");
        let cols = ColumnStarts::distinct([ColumnStart { x: 149.3, size: 10.0 }], p.label_column_merge);
        l.words[2].bold = false;
        assert_eq!(texts(&inline_label_groups(&l, &p, &cols).unwrap()), ["SANTAMBROGIO PIERLUIGI", "Classificazione"]);
        // Inside a ruled cell the cell is the unit: no cut without a label column.
        let mut l = line(&[("RICCI", 40.0), ("ELENA", 68.0), ("Classificazione", 103.0)], false);
        l.cell = Some(0);
        assert!(inline_label_groups(&l, &p, &none).is_none());
    }
}
