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

fn parse_rows(doc: &Doc, lines: &[LineRef]) -> Vec<(DupLink, Vec<LineRef>, Vec<LineRef>)> {
    if lines.is_empty() {
        return Vec::new();
    }
    // Label column: lines starting at the leftmost x (within the column slack).
    let min_x = lines.iter().map(|&r| doc.line(r).bbox.x0).fold(f32::INFINITY, f32::min);
    let is_label = |r: LineRef| doc.line(r).bbox.x0 <= min_x + doc.p.column_slack * doc.line(r).size;
    let mut out = Vec::new();
    for row in table_rows(doc, lines, &is_label) {
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

/// Read the DUP links of the section's `lines` into `obj`, recording where each
/// link's label, code and text were read.
pub(super) fn parse_links(doc: &Doc, lines: &[LineRef], obj: &mut Objective, prov: &mut Prov) {
    for (i, (link, lab, val)) in parse_rows(doc, lines).into_iter().enumerate() {
        prov.add(doc, format!("dup_links[{i}].label"), &lab);
        if link.code.is_some() {
            prov.add(doc, format!("dup_links[{i}].code"), &val);
        }
        prov.add(doc, format!("dup_links[{i}].text"), &val);
        obj.dup_links.push(link);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dup_codes() {
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
}
