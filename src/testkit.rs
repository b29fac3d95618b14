//! Synthetic pages for unit tests: glyph boxes and rules placed by hand (shared by
//! the layout and the sheet tests).

use crate::extract::{BBox, Glyph, Page, Paint, Rule};

/// Lay out a string as glyphs of width 0.5 em starting at (x, baseline).
pub fn text(glyphs: &mut Vec<Glyph>, s: &str, x: f32, baseline: f32, size: f32, bold: bool) {
    let mut x = x;
    for ch in s.chars() {
        let w = 0.5 * size;
        glyphs.push(Glyph {
            text: ch.to_string().into(),
            bbox: BBox::new(x, baseline - 0.8 * size, x + w, baseline + 0.2 * size),
            baseline,
            size,
            bold,
        });
        x += w;
    }
}

/// A black stroked rule covering the box (`x0`, `top`) - (`x1`, `bottom`).
pub fn stroke(x0: f32, top: f32, x1: f32, bottom: f32) -> Rule {
    Rule { bbox: BBox::new(x0, top, x1, bottom), paint: Paint::Stroke, gray: 0.0 }
}

/// A 600 x 800 pt page numbered `number` with the given glyphs and rules.
pub fn page(number: u32, glyphs: Vec<Glyph>, rules: Vec<Rule>) -> Page {
    Page { number, width: 600.0, height: 800.0, glyphs, rules, images: 0, warnings: vec![] }
}
