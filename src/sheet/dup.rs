//! DUP links: the "Collegato a" section's lines -> the objective's links to the
//! DUP (label, DUP code, text, further codes quoted in the text).
//!
//! Owns the two-column reading of the section (labels at the left edge, values
//! beside them, one row per label block) and the recognition of DUP codes.

use super::doc::{re, Doc, LineRef, Prov};
use super::table::table_rows;
use crate::model::{DupLink, Objective};
use crate::text::join_lines;
use regex::Regex;
use std::sync::OnceLock;

/// A DUP code (contract v2): four digits, an underscore, then upper-case letters,
/// digits and underscores (`2020_IND_STRATEG_13`, `2024_01_M`, `2024_10`).
fn is_dup_code(tok: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    re(&R, r"^\d{4}_[A-Z0-9_]+$").is_match(tok)
}

/// Every code quoted in a link text, wherever it stands (also at its start), each
/// once, in order: dotted numbers of two or three parts of one or two digits
/// (`01.07`, `12.1.06`, `Programma 01.10`), not part of a longer number or a date,
/// and underscore DUP codes ([`is_dup_code`]).
fn dup_refs(text: &str) -> Vec<String> {
    static R: OnceLock<Regex> = OnceLock::new();
    let r = re(&R, r"\d+(?:\.\d+)+|[0-9A-Za-z_]*_[0-9A-Za-z_]*");
    let bytes = text.as_bytes();
    let mut out: Vec<String> = Vec::new();
    for m in r.find_iter(text) {
        let tok = m.as_str();
        // Not glued to a word, a number or a decimal part on either side.
        let before = text[..m.start()].chars().next_back();
        let after = &bytes[m.end()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.' || c == ',') {
            continue;
        }
        if after.first().is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
            || (after.first().is_some_and(|c| *c == b'.' || *c == b',') && after.get(1).is_some_and(u8::is_ascii_digit))
        {
            continue;
        }
        let ok = if tok.contains('_') {
            is_dup_code(tok)
        } else {
            let parts: Vec<&str> = tok.split('.').collect();
            (2..=3).contains(&parts.len()) && parts.iter().all(|p| (1..=2).contains(&p.len()))
        };
        if ok && !out.iter().any(|x| x == tok) {
            out.push(tok.to_string());
        }
    }
    out
}

/// A link of a table's DUP column: the header as label, the cell as text (its
/// leading DUP code split off), the codes quoted in it.
pub(super) fn link(label: String, cell: &str) -> DupLink {
    let (code, text) = split_code(cell);
    let refs = dup_refs(&text);
    DupLink { label, code, text, refs }
}

/// The label lines of a DUP row with its value run into one of them: "INDIRIZZO
/// STRATEGICO D.U.P.: 2023_IND_STRATEG_05 UNA CITTÀ ..." (cut after the colon) or
/// "Obiettivo Operativo 2023_IND_STRATEG_09 TERRITORIO ..." (cut before the DUP
/// code). Returns the label (all label lines, that one cut), the value, and the
/// line the value came from.
fn split_merged_dup(doc: &Doc, lab: &[LineRef]) -> Option<(String, String, LineRef)> {
    let v = doc.in_reading_order(lab);
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

/// A link value -> its leading DUP code (a token followed by a space or the end)
/// and the text after it; no code: the whole value.
fn split_code(value: &str) -> (Option<String>, String) {
    let value = value.trim();
    let first = value.split(' ').next().unwrap_or("");
    if is_dup_code(first) {
        (Some(first.to_string()), value[first.len()..].trim().to_string())
    } else {
        (None, value.to_string())
    }
}

/// A row of the link table cut before every label line that follows a label line
/// ending in a colon: a colon closes a label, so on a borderless page with tight
/// line spacing "programma:" over "obiettivo strategico:" are two rows, not one
/// wrapped label. The other lines go to the part their middle falls in.
fn split_after_colon(doc: &Doc, row: Vec<LineRef>, is_label: &dyn Fn(LineRef) -> bool) -> Vec<Vec<LineRef>> {
    let mut labels: Vec<LineRef> = row.iter().copied().filter(|&r| is_label(r)).collect();
    labels.sort_by(|&a, &b| doc.reading_cmp(a, b));
    let starts: Vec<(usize, f32)> = labels
        .windows(2)
        .filter(|w| w[0].page == w[1].page && doc.line(w[0]).text.trim_end().ends_with(':'))
        .map(|w| (w[1].page, doc.line(w[1]).bbox.top - doc.p.row_pad * doc.line(w[1]).size))
        .collect();
    if starts.is_empty() {
        return vec![row];
    }
    let mut parts: Vec<Vec<LineRef>> = vec![Vec::new(); starts.len() + 1];
    for r in row {
        let cy = doc.line(r).bbox.cy();
        let k = starts.iter().filter(|&&(page, top)| page == r.page && top <= cy).count();
        parts[k].push(r);
    }
    parts.retain(|p| !p.is_empty());
    parts
}

fn parse_rows(doc: &Doc, lines: &[LineRef]) -> Vec<(DupLink, Vec<LineRef>, Vec<LineRef>)> {
    if lines.is_empty() {
        return Vec::new();
    }
    // Label column: lines starting at the leftmost x (within the column slack).
    let min_x = lines.iter().map(|&r| doc.line(r).bbox.x0).fold(f32::INFINITY, f32::min);
    let is_label = |r: LineRef| doc.line(r).bbox.x0 <= min_x + doc.p.column_slack * doc.line(r).size;
    let mut out = Vec::new();
    let rows = table_rows(doc, lines, &is_label).into_iter().flat_map(|row| split_after_colon(doc, row, &is_label));
    for row in rows {
        let (lab, mut val): (Vec<LineRef>, Vec<LineRef>) = row.iter().partition(|&&r| is_label(r));
        let (label, value) = match split_merged_dup(doc, &lab) {
            // A borderless row whose label ran into its value on one line.
            Some((label, value, line)) if val.is_empty() => {
                val.push(line);
                (label, value)
            }
            _ => (doc.join_reading(&lab), doc.join_reading(&val)),
        };
        let label = label.trim_end().trim_end_matches(':').trim_end().to_string();
        if label.is_empty() && value.is_empty() {
            continue;
        }
        let (code, text) = split_code(&value);
        let refs = dup_refs(&text);
        out.push((DupLink { label, code, text, refs }, lab, val));
    }
    out
}

/// Read the DUP links of the section's `lines` into `obj`, recording where each
/// link's label, code and text were read.
pub(super) fn parse_links(doc: &Doc, lines: &[LineRef], obj: &mut Objective, prov: &mut Prov) {
    for (i, (link, lab, val)) in parse_rows(doc, lines).into_iter().enumerate() {
        prov.add(doc, format_args!("dup_links[{i}].label"), &lab);
        if link.code.is_some() {
            prov.add(doc, format_args!("dup_links[{i}].code"), &val);
        }
        prov.add(doc, format_args!("dup_links[{i}].text"), &val);
        obj.dup_links.push(link);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dup_codes() {
        assert!(is_dup_code("2020_IND_STRATEG_13"));
        assert!(is_dup_code("2024_01_M"));
        assert!(is_dup_code("2024_10"));
        assert!(is_dup_code("2023_OB_OPER_1207"));
        assert!(!is_dup_code("BUONA"));
        assert!(!is_dup_code("IND_STRATEG_13"), "no year prefix");
        assert!(!is_dup_code("24_01"));
        assert!(!is_dup_code("2024_"));
        assert!(!is_dup_code("2024_01_m"));
    }

    #[test]
    fn a_leading_code_is_split_from_the_text() {
        let (code, text) = split_code("2024_01_M Servizi istituzionali");
        assert_eq!((code.as_deref(), text.as_str()), (Some("2024_01_M"), "Servizi istituzionali"));
        let (code, text) = split_code("2024_10");
        assert_eq!((code.as_deref(), text.as_str()), (Some("2024_10"), ""));
        let (code, text) = split_code("2024_10: Buona");
        assert_eq!((code, text.as_str()), (None, "2024_10: Buona"), "a code is followed by a space or the end");
        let (code, text) = split_code("Missione 01");
        assert_eq!((code, text.as_str()), (None, "Missione 01"));
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
    fn refs_v2_rules() {
        assert_eq!(dup_refs("01.07 Segreteria"), vec!["01.07"], "also at the start");
        assert_eq!(dup_refs("12.1.06 e 12.1.06, poi 01.02"), vec!["12.1.06", "01.02"], "each once, in order");
        assert!(dup_refs("entro il 31.12.2024").is_empty(), "a date is no code");
        assert!(dup_refs("importo 1.250,50").is_empty());
        assert!(dup_refs("versione 1.2.3.4").is_empty(), "four parts");
        assert!(dup_refs("codice 123.45").is_empty(), "three digits");
        assert_eq!(dup_refs("vedi 2024_10_02 e IND_13"), vec!["2024_10_02"]);
        assert_eq!(dup_refs("(obiettivo operativo 12.09)"), vec!["12.09"]);
    }
}
