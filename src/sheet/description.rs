//! Description: the description section's lines -> the objective's description
//! text (paragraphs, and lists as "- item" lines).
//!
//! Owns paragraph breaks (a vertical gap beyond the block's normal line gap), list
//! items (a marker that opens or continues a count) and their continuation lines.

use super::doc::{re, Doc, LineRef};
use crate::extract::BBox;
use crate::text::join_lines;
use regex::Regex;
use std::sync::OnceLock;

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

/// The description text of the section's `lines`; `None` when they hold none.
pub(super) fn parse_description(doc: &Doc, lines: &[LineRef]) -> Option<String> {
    // Merge lines sharing a row (a bullet glyph drawn apart from its text).
    let mut rows: Vec<(LineRef, String, BBox, f32)> = Vec::new();
    for r in doc.in_reading_order(lines) {
        let l = doc.line(r);
        if let Some(last) = rows.last_mut() {
            if last.0.page == r.page && doc.line(last.0).row == l.row {
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
        .filter(|w| w[0].0.page == w[1].0.page)
        .map(|w| w[1].2.top - w[0].2.bottom)
        .filter(|g| *g > -doc.p.row_overlap_max)
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
            Some((pp, pb, _)) if pp == r.page => bbox.top - pb.bottom > normal_gap + doc.p.paragraph_gap * size,
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
            let continues_item = in_list && bbox.x0 > item_x + doc.p.item_indent * size && !gap_break;
            match blocks.last_mut() {
                Some(Block::List(items)) if continues_item => {
                    items.last_mut().expect("non-empty list").push(text.clone())
                }
                Some(Block::Para(ls)) if !gap_break => ls.push(text.clone()),
                _ => blocks.push(Block::Para(vec![text.clone()])),
            }
        }
        prev = Some((r.page, *bbox, *size));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bullets() {
        assert_eq!(list_marker("- voce"), Some((None, "voce")));
        assert_eq!(list_marker("• voce"), Some((None, "voce")));
        assert_eq!(list_marker("1) voce"), Some((Some(1), "voce")));
        assert_eq!(list_marker("La Direzione"), None);
        assert_eq!(list_marker("3. terza voce"), Some((Some(3), "terza voce")));
        assert_eq!(list_marker("b) seconda"), Some((Some(2), "seconda")));
        assert_eq!(list_marker("• voce"), Some((None, "voce")));
    }
}
