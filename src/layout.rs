//! Layout stage: a [`Page`] of glyphs and rules -> words, lines and cells.

use crate::extract::{BBox, Page};
use crate::params::Params;
use serde::Serialize;

/// Positioned text line (a run of words on one baseline, not crossing a rule or a
/// wide gap).
#[derive(Clone, Debug, Serialize)]
pub struct Line {
    pub text: String,
    pub bbox: BBox,
    pub size: f32,
    pub bold: bool,
}

/// The page as the parser sees it.
#[derive(Clone, Debug, Default, Serialize)]
pub struct PageLayout {
    pub number: u32,
    pub width: f32,
    pub height: f32,
    pub lines: Vec<Line>,
    pub glyph_count: usize,
    pub images: u32,
}

pub fn analyze(page: &Page, _params: &Params) -> PageLayout {
    PageLayout { number: page.number, width: page.width, height: page.height, glyph_count: page.glyphs.len(), images: page.images, ..Default::default() }
}
