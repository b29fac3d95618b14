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
use crate::text::join_lines;
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
/// the x where lines holding just that kind of label start on the pages around
/// (`label_starts`): a borderless grid whose value ran up to the next
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
    // Most lines that may hold a label hold none: nothing is copied until one is
    // found. The words read since the last label are `w[plain..i]`, after the
    // value cut off the colon of that label (`glued`) if any.
    let mut groups: Vec<Vec<Word>> = Vec::new();
    let mut plain = 0;
    let mut glued: Option<Word> = None;
    // The words before a label found at `i` go as a group of their own.
    let flush = |groups: &mut Vec<Vec<Word>>, glued: &mut Option<Word>, plain: usize, i: usize| {
        if glued.is_some() || plain < i {
            groups.push(glued.take().into_iter().chain(w[plain..i].iter().cloned()).collect());
        }
    };
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
                flush(&mut groups, &mut glued, plain, i);
                groups.push(w[i..i + k].to_vec());
                i += k;
                plain = i;
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
            flush(&mut groups, &mut glued, plain, i);
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
                glued = Some(Word { text: rest.to_string(), bbox: BBox { x0: xm, ..last.bbox }, ..last.clone() });
            }
            groups.push(lab);
            i += k;
            plain = i;
            continue 'words;
        }
        i += 1;
    }
    if groups.is_empty() {
        return None;
    }
    flush(&mut groups, &mut glued, plain, w.len());
    (groups.len() > 1).then_some(groups)
}

/// A table header row of a borderless table drawn as one line ("Peso %
/// (consuntivo)   Target 2026   Target 2027"): outside ruled cells, a line whose
/// gutter-separated word groups name at least [`MIN_HEADER_GROUPS`] known table
/// columns (indicator or phase table) is cut at every gutter, so that each header
/// cell is a line of its own (a group naming no column, such as the second line of
/// a stacked header, is kept as a line too: the table header stacks it).
///
/// `after` holds the page's lines after `line` in reading order: the header lines
/// stacked under it, whose text may end a header cell that `line` only begins.
pub(super) fn header_cell_groups(line: &Line, after: &[Line], params: &Params) -> Option<Vec<Vec<Word>>> {
    if line.cell.is_some() || line.words.len() < 2 {
        return None;
    }
    let ind_words = |g: &[Word]| spelled(g) && labels::column(&text(g)).is_some();
    let phase_words = |g: &[Word]| spelled(g) && labels::phase_column(&text(g)).is_some();
    let ind = |t: &str| labels::column(t).is_some();
    let phase = |t: &str| labels::phase_column(t).is_some();
    let gaps = word_gaps(&line.words);
    let cuts: Vec<usize> = (1..line.words.len()).filter(|&i| is_gutter(&gaps, i - 1, line.size, params)).collect();
    if !cuts.is_empty() {
        let groups = cut_words(&line.words, cuts);
        let known = groups.iter().filter(|g| ind_words(g) || phase_words(g)).count();
        if known >= MIN_HEADER_GROUPS {
            return Some(groups);
        }
    }
    // Header cells packed closer than a gutter ("Pesatura Data inizio Data fine"):
    // the line is cut where it reads as consecutive column names of one table,
    // and only when the whole line names none.
    if ind_words(&line.words) || phase_words(&line.words) {
        return None;
    }
    let w = &line.words;
    // (Words whose letters are no label's are no column's either: `spelled` spares
    // most runs the joining.)
    let alone =
        |known: &dyn Fn(&str) -> bool| label_segments(w.len(), &|j, i| spelled(&w[j..i]) && known(&text(&w[j..i])));
    // ... also where a packed header cell wraps onto the lines stacked under its
    // words ("Peso  Valore di" over "partenza"): its words name the column together
    // with those lines. (A line naming a column with the lines under it all along is
    // one header cell: it is not cut.)
    let stacked = |known: &dyn Fn(&str) -> bool| {
        label_segments(w.len(), &|j, i| {
            let run = text(&w[j..i]);
            known(&run) || names_with_stack(line, j, i, &run, after, params, known)
        })
    };
    // Such a cell needs a line stacked under a few of the words, not all of them
    // (the next line of a paragraph runs under all of its words), and together
    // they make no more words than a header cell.
    let under_few = || {
        lines_under(after, line.bbox.bottom, line.row, params).any(|l| {
            let k = w.iter().filter(|x| x.bbox.x0 < l.bbox.x1 && x.bbox.x1 > l.bbox.x0).count();
            k + l.words.len() <= MAX_HEADER_WORDS && k < w.len() && l.bbox.x0 < line.bbox.x1 && l.bbox.x1 > line.bbox.x0
        })
    };
    let cuts = alone(&ind)
        .or_else(|| alone(&phase))
        .or_else(|| under_few().then(|| stacked(&ind).or_else(|| stacked(&phase))).flatten())?;
    Some(cut_words(w, cuts))
}

/// The second lines of header cells set side by side closer than a word gap
/// ("atteso 2024 raggiunto" under "Risultato" and "Valore"): outside ruled cells, a
/// line right under two or more separate header lines (from `before`, the page's
/// lines before it in reading order) is cut between words standing under different
/// ones, when at least [`MIN_HEADER_GROUPS`] of the parts name a column together
/// with the line above them (a table of objectives', an indicator or a phase
/// table's).
fn header_tail_groups(line: &Line, before: &[Line], params: &Params) -> Option<Vec<Vec<Word>>> {
    let w = &line.words;
    if line.cell.is_some() || w.len() < 2 || w.len() > MAX_HEADER_WORDS * 2 {
        return None;
    }
    let above: Vec<&Line> = before
        .iter()
        .rev()
        .take_while(|l| line.bbox.top - l.bbox.bottom <= params.block_gap * line.size)
        .filter(|l| {
            l.row < line.row
                && l.cell.is_none()
                && l.bbox.bottom - params.overlap_tol <= line.bbox.top
                && l.bbox.x0 < line.bbox.x1
                && l.bbox.x1 > line.bbox.x0
                && l.words.len() <= MAX_HEADER_WORDS
        })
        .collect();
    if above.len() < 2 {
        return None;
    }
    // Each word goes to the line above nearest to its centre.
    let nearest = |x: &Word| {
        let cx = (x.bbox.x0 + x.bbox.x1) / 2.0;
        (0..above.len())
            .min_by(|&a, &b| {
                let d = |l: &Line| (l.bbox.x0 - cx).max(cx - l.bbox.x1).max(0.0);
                d(above[a]).total_cmp(&d(above[b]))
            })
            .expect("two lines above at least")
    };
    let owner: Vec<usize> = w.iter().map(nearest).collect();
    let cuts: Vec<usize> = (1..w.len()).filter(|&i| owner[i] != owner[i - 1]).collect();
    if cuts.is_empty() {
        return None;
    }
    let groups = cut_words(w, cuts);
    let names = |g: &[Word]| {
        let head = &above[nearest(&g[0])].text;
        let t = join_lines([head.as_str(), text(g).as_str()]);
        labels::table_column(&t).is_some() || labels::column(&t).is_some() || labels::phase_column(&t).is_some()
    };
    (groups.iter().filter(|g| names(g)).count() >= MIN_HEADER_GROUPS).then_some(groups)
}

/// The lines right under a line that ends at `bottom` on layout row `row`: those of
/// `after` (the lines that follow it in reading order) on later rows, outside ruled
/// cells, whose top is within the block gap below `bottom`. Lines are in reading
/// order (by row): the look stops at the first line that starts further below.
fn lines_under<'a>(after: &'a [Line], bottom: f32, row: usize, params: &'a Params) -> impl Iterator<Item = &'a Line> {
    after
        .iter()
        .take_while(move |l| l.bbox.top - bottom <= params.block_gap * l.size)
        .filter(move |l| l.row > row && l.cell.is_none() && l.bbox.top - bottom > -params.overlap_tol)
}

/// Whether words `j..i` of `line` (their text `run`) name a column (`known`)
/// together with the header lines stacked under them: up to two lines, from `after`
/// (the page's lines after `line`, in reading order), each right below the previous
/// one (within the block gap), outside ruled cells, overlapping the words and
/// reaching over none of the line's other words; all of them at most
/// [`MAX_HEADER_WORDS`] words.
fn names_with_stack(
    line: &Line,
    j: usize,
    i: usize,
    run: &str,
    after: &[Line],
    params: &Params,
    known: &dyn Fn(&str) -> bool,
) -> bool {
    let w = &line.words;
    let (x0, x1) = (w[j].bbox.x0, w[i - 1].bbox.x1);
    let lo = if j > 0 { w[j - 1].bbox.x1 } else { f32::NEG_INFINITY };
    let hi = w.get(i).map_or(f32::INFINITY, |n| n.bbox.x0);
    let (mut bottom, mut row) = (line.bbox.bottom, line.row);
    let mut stack: Option<String> = None;
    let mut words = i - j;
    for _ in 1..super::table::MAX_HEADER_LINES {
        let next = lines_under(after, bottom, row, params)
            .find(|l| l.bbox.x0 < x1 && l.bbox.x1 > x0 && l.bbox.x0 > lo && l.bbox.x1 < hi);
        let Some(n) = next else { return false };
        words += n.words.len();
        if words > MAX_HEADER_WORDS {
            return false;
        }
        let t = join_lines([stack.as_deref().unwrap_or(run), n.text.as_str()]);
        if known(&t) {
            return true;
        }
        stack = Some(t);
        (bottom, row) = (n.bbox.bottom, n.row);
    }
    false
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

/// Where to cut `n` consecutive words into the fewest runs (at least two) that are
/// each a known label (`known(j, i)`: words `j..i`), if they can be so cut.
fn label_segments(n: usize, known: &dyn Fn(usize, usize) -> bool) -> Option<Vec<usize>> {
    // best[i]: the fewest runs covering words[..i], and where the last run starts
    let mut best: Vec<Option<(usize, usize)>> = vec![None; n + 1];
    best[0] = Some((0, 0));
    for i in 1..=n {
        for j in i.saturating_sub(MAX_HEADER_WORDS)..i {
            let Some((k, _)) = best[j] else { continue };
            if best[i].is_none_or(|(b, _)| k + 1 < b) && known(j, i) {
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
    Some(cuts)
}

/// A table header cell names its column in at most this many words.
const MAX_HEADER_WORDS: usize = 5;

/// A line is cut into header cells only when this many of its groups name a column.
const MIN_HEADER_GROUPS: usize = 2;

/// Pages with inline labels (and header rows of borderless tables) split out of
/// their lines (a copy of those pages only).
pub(super) fn split_inline_labels<'a>(pages: &'a [PageLayout], params: &Params) -> Vec<Cow<'a, PageLayout>> {
    // Each page's label columns, from the pages around it.
    let starts: Vec<Vec<ColumnStart>> = pages.iter().map(label_starts).collect();
    let columns: Vec<ColumnStarts> = (0..pages.len())
        .map(|i| {
            let window = i.saturating_sub(params.fact_window)..(i + params.fact_window + 1).min(pages.len());
            ColumnStarts::distinct(starts[window].iter().flatten().copied(), params.label_column_merge)
        })
        .collect();
    // line `k` of page `pi`: cut or kept whole
    let split = |pi: usize, k: usize| {
        let p = &pages[pi];
        let l = &p.lines[k];
        inline_label_groups(l, params, &columns[pi])
            .or_else(|| header_cell_groups(l, &p.lines[k + 1..], params))
            .or_else(|| header_tail_groups(l, &p.lines[..k], params))
    };
    pages
        .iter()
        .enumerate()
        .map(|(pi, p)| {
            // Each line is looked at once: up to the first line that is cut, the page
            // is borrowed; from there on it is copied and cut.
            let Some((first, groups)) = (0..p.lines.len()).find_map(|k| split(pi, k).map(|g| (k, g))) else {
                return Cow::Borrowed(p);
            };
            let mut page = p.clone();
            let mut groups = Some(groups);
            // split_lines hands the lines over in order
            let mut k = 0;
            split_lines(&mut page, |_| {
                k += 1;
                match (k - 1).cmp(&first) {
                    std::cmp::Ordering::Less => None,
                    std::cmp::Ordering::Equal => groups.take(),
                    std::cmp::Ordering::Greater => split(pi, k - 1),
                }
            });
            Cow::Owned(page)
        })
        .collect()
}

/// Where (x, font size) lines made of just a grid label start on one page: with
/// the pages around it (`fact_window`), the label columns of the grids, also on
/// a page where a value ran into the next label and no line starts there.
fn label_starts(page: &PageLayout) -> Vec<ColumnStart> {
    page.lines
        .iter()
        .filter(|l| {
            l.text.len() <= MAX_LABEL_BYTES && l.words.len() <= MAX_LABEL_WORDS && labels::grid_field(&l.text).is_some()
        })
        .map(|l| ColumnStart { x: l.bbox.x0, size: l.size })
        .collect()
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

    /// A line of `words` (text, x) at `top`, on layout row `row`.
    fn line_at(words: &[(&str, f32)], top: f32, row: usize) -> Line {
        let mut l = line(words, true);
        for w in &mut l.words {
            (w.bbox.top, w.bbox.bottom) = (top, top + 10.0);
        }
        Line { row, ..Line::from_words(l.words, row) }
    }

    #[test]
    fn a_packed_header_cell_wrapped_under_its_words_is_cut_out() {
        let p = Params::default();
        // "Peso" then "Valore di" one space apart (no gutter), "partenza" right under
        // "Valore di": the second cell names its column only with its second line.
        let head = line_at(&[("Peso", 100.0), ("Valore", 123.0), ("di", 156.0)], 100.0, 0);
        let under = |x: f32| vec![line_at(&[("partenza", x)], 111.0, 1)];
        let g = header_cell_groups(&head, &under(123.0), &p).unwrap();
        assert_eq!(texts(&g), ["Peso", "Valore di"]);
        // Without the line under it, or with one reaching under "Peso" too (a line of
        // another cell), or too far below (another row), the line stays whole.
        assert!(header_cell_groups(&head, &[], &p).is_none());
        assert!(header_cell_groups(&head, &under(110.0), &p).is_none());
        assert!(header_cell_groups(&head, &[line_at(&[("partenza", 123.0)], 120.0, 1)], &p).is_none());
        // Ruled cells bound their headers: no stacking across them.
        let mut ruled = under(123.0);
        ruled[0].cell = Some(0);
        assert!(header_cell_groups(&head, &ruled, &p).is_none());
        // A line naming one column together with the lines under it is one header
        // cell: "Valore" / "di partenza" is not cut.
        let whole = line_at(&[("Valore", 100.0), ("di", 133.0)], 100.0, 0);
        assert!(header_cell_groups(&whole, &under(100.0), &p).is_none());
    }
}
