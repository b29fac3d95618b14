//! Extraction stage: PDF bytes -> pages of positioned glyphs and drawn rules/fills.
//!
//! This module is the only place that knows about PDF objects, content streams and
//! fonts. Everything downstream sees [`Page`], so the interpreter behind it can be
//! replaced without touching layout or parsing.
//!
//! Coordinates: PDF points, origin at the top-left corner of the (rotated) page,
//! `y` growing downwards.

use serde::{Deserialize, Serialize};

/// Axis-aligned box in page space (points, origin top-left, y down).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct BBox {
    pub x0: f32,
    pub top: f32,
    pub x1: f32,
    pub bottom: f32,
}

impl BBox {
    pub fn new(x0: f32, top: f32, x1: f32, bottom: f32) -> Self {
        BBox { x0: x0.min(x1), top: top.min(bottom), x1: x0.max(x1), bottom: top.max(bottom) }
    }
    pub fn width(&self) -> f32 {
        self.x1 - self.x0
    }
    pub fn height(&self) -> f32 {
        self.bottom - self.top
    }
    pub fn union(&self, o: &BBox) -> BBox {
        BBox { x0: self.x0.min(o.x0), top: self.top.min(o.top), x1: self.x1.max(o.x1), bottom: self.bottom.max(o.bottom) }
    }
    pub fn cx(&self) -> f32 {
        (self.x0 + self.x1) * 0.5
    }
    pub fn cy(&self) -> f32 {
        (self.top + self.bottom) * 0.5
    }
}

/// One drawn glyph (or ligature expanded to its letters).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Glyph {
    /// Unicode text of the glyph, NFC; ligatures are expanded ("fi", never U+FB01).
    /// A space glyph is kept as " " (layout decides word breaks from geometry anyway).
    pub text: String,
    /// x0..x1 is the advance of the glyph; top..bottom spans ascent..descent of the font
    /// at its rendered size.
    pub bbox: BBox,
    /// Baseline y (page space, y down).
    pub baseline: f32,
    /// Rendered font size in points (font size x text matrix x CTM scale).
    pub size: f32,
    /// The font is bold (from the font name or descriptor weight/flags).
    pub bold: bool,
}

/// How a path was painted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Paint {
    Stroke,
    Fill,
}

/// A painted path piece: a rectangle (`re`) or a line segment / polyline bbox, in page
/// space. Stroked lines have the line width folded into the box.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    pub bbox: BBox,
    pub paint: Paint,
    /// Luminance of the paint colour, 0 = black, 1 = white.
    pub gray: f32,
}

/// One page as the extractor sees it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Page {
    /// 1-based page number.
    pub number: u32,
    pub width: f32,
    pub height: f32,
    pub glyphs: Vec<Glyph>,
    pub rules: Vec<Rule>,
    /// Number of images painted on the page (a page with images and no glyphs is
    /// likely a scan without a text layer).
    pub images: u32,
    /// Non-fatal extraction findings (unknown encoding, undecodable glyphs...).
    pub warnings: Vec<String>,
}

use crate::error::ExtractError;

/// An opened PDF, ready to be read page by page.
pub struct PdfDoc {
    _private: (),
}

/// Open a PDF from memory. `password` is tried as user password when the file is
/// encrypted (an owner-password-only file opens with the empty password).
pub fn open(_bytes: &[u8], _password: Option<&str>) -> Result<PdfDoc, ExtractError> {
    todo!("extractor")
}

impl PdfDoc {
    /// Number of pages.
    pub fn page_count(&self) -> u32 {
        todo!("extractor")
    }
    /// Extract one page (1-based number).
    pub fn page(&self, _number: u32) -> Result<Page, ExtractError> {
        todo!("extractor")
    }
}
