//! A second, independent extractor behind the same boundary: `pdf-extract`'s
//! `OutputDev` (positioned characters, stroked and filled paths) turned into
//! [`Page`]s. Built only with the `reference-extractor` feature.
//!
//! It is not the product's extractor (pdf-extract 0.12 pins lopdf 0.42, panics on
//! some fonts, ignores `/Rotate` and misses `f*`, `B`, `b`, `s`), but it is what
//! the product was designed around, and it keeps the boundary honest: the
//! differential test (`tests/reference_extractor.rs`) runs the layout and sheet
//! stages on its pages too, and compares its text with ours page by page.

use super::{BBox, Glyph, Page, Paint, Rule};
use pdf_extract::{ColorSpace, MediaBox, OutputDev, OutputError, Path, PathOp, Transform};
use unicode_normalization::UnicodeNormalization;

#[derive(Default)]
struct Collect {
    pages: Vec<Page>,
    height: f32,
}

impl Collect {
    fn page(&mut self) -> Option<&mut Page> {
        self.pages.last_mut()
    }
    fn gray(colorspace: &ColorSpace, color: &[f64]) -> f32 {
        let g = match (colorspace, color) {
            (ColorSpace::DeviceGray | ColorSpace::CalGray(_), [g, ..]) => *g,
            (ColorSpace::DeviceRGB | ColorSpace::CalRGB(_), [r, g, b, ..]) => 0.299 * r + 0.587 * g + 0.114 * b,
            (ColorSpace::DeviceCMYK, [c, m, y, k, ..]) => (1.0 - k) * (1.0 - (0.299 * c + 0.587 * m + 0.114 * y)),
            _ => 0.5,
        };
        g.clamp(0.0, 1.0) as f32
    }
    fn path(&mut self, ctm: &Transform, colorspace: &ColorSpace, color: &[f64], path: &Path, paint: Paint) {
        let h = self.height;
        let pt = |x: f64, y: f64| -> (f32, f32) {
            let dx = x * ctm.m11 + y * ctm.m21 + ctm.m31;
            let dy = x * ctm.m12 + y * ctm.m22 + ctm.m32;
            (dx as f32, h - dy as f32)
        };
        let gray = Self::gray(colorspace, color);
        let mut rules = Vec::new();
        let mut cur = (0.0f32, 0.0f32);
        let mut start = cur;
        for op in &path.ops {
            match *op {
                PathOp::MoveTo(x, y) => {
                    cur = pt(x, y);
                    start = cur;
                }
                PathOp::LineTo(x, y) => {
                    let p = pt(x, y);
                    rules.push(BBox::new(cur.0, cur.1, p.0, p.1));
                    cur = p;
                }
                PathOp::CurveTo(_, _, _, _, x, y) => {
                    let p = pt(x, y);
                    rules.push(BBox::new(cur.0, cur.1, p.0, p.1));
                    cur = p;
                }
                PathOp::Rect(x, y, w, hh) => {
                    let (a, b) = (pt(x, y), pt(x + w, y + hh));
                    rules.push(BBox::new(a.0, a.1, b.0, b.1));
                }
                PathOp::Close => {
                    if cur != start {
                        rules.push(BBox::new(cur.0, cur.1, start.0, start.1));
                    }
                    cur = start;
                }
            }
        }
        if let Some(page) = self.page() {
            page.rules.extend(rules.into_iter().map(|bbox| Rule { bbox, paint, gray }));
        }
    }
}

impl OutputDev for Collect {
    fn begin_page(
        &mut self,
        page_num: u32,
        media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        let (w, h) = ((media_box.urx - media_box.llx) as f32, (media_box.ury - media_box.lly) as f32);
        self.height = media_box.ury as f32;
        self.pages.push(Page { number: page_num, width: w, height: h, ..Default::default() });
        Ok(())
    }
    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        ch: &str,
    ) -> Result<(), OutputError> {
        // Glyph origin and advance in device space; size from the matrix' scale.
        let (x, y) = (trm.m31 as f32, self.height - trm.m32 as f32);
        let scale = (trm.m11 * trm.m22 - trm.m12 * trm.m21).abs().sqrt();
        let size = (font_size * scale) as f32;
        let advance = (width * font_size * trm.m11) as f32;
        let text: String = ch.nfkc().filter(|c| !c.is_control()).collect();
        if text.is_empty() || size <= 0.0 {
            return Ok(());
        }
        let glyph = Glyph {
            text: text.into(),
            bbox: BBox::new(x, y - 0.8 * size, x + advance, y + 0.2 * size),
            baseline: y,
            size,
            bold: false,
        };
        if let Some(page) = self.page() {
            page.glyphs.push(glyph);
        }
        Ok(())
    }
    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
    fn stroke(
        &mut self,
        ctm: &Transform,
        colorspace: &ColorSpace,
        color: &[f64],
        path: &Path,
    ) -> Result<(), OutputError> {
        self.path(ctm, colorspace, color, path, Paint::Stroke);
        Ok(())
    }
    fn fill(
        &mut self,
        ctm: &Transform,
        colorspace: &ColorSpace,
        color: &[f64],
        path: &Path,
    ) -> Result<(), OutputError> {
        self.path(ctm, colorspace, color, path, Paint::Fill);
        Ok(())
    }
}

/// Extract every page with pdf-extract. Errors and panics inside pdf-extract
/// become `Err` with their message.
pub fn extract_all(bytes: &[u8]) -> Result<Vec<Page>, String> {
    let run = || -> Result<Vec<Page>, String> {
        let mut doc = pdf_extract::Document::load_mem(bytes).map_err(|e| e.to_string())?;
        if doc.is_encrypted() {
            doc.decrypt("").map_err(|e| format!("decrypt: {e}"))?;
        }
        let mut out = Collect::default();
        pdf_extract::output_doc(&doc, &mut out).map_err(|e| e.to_string())?;
        Ok(out.pages)
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)) {
        Ok(r) => r,
        Err(p) => Err(format!(
            "pdf-extract panicked: {}",
            p.downcast_ref::<String>().map(String::as_str).or_else(|| p.downcast_ref::<&str>().copied()).unwrap_or("?")
        )),
    }
}
