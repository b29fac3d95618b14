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
use lopdf::{Dictionary, Document, Object, ObjectId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub mod agl;
pub mod cmap;
pub mod font;
#[cfg(feature = "reference-extractor")]
pub mod reference;
mod interp;
pub mod lexer;
mod tables;

/// Upper bound for one decoded stream (content, font program, CMap).
pub(crate) const MAX_STREAM: usize = 256 * 1024 * 1024;

pub(crate) type FontCache = Mutex<HashMap<ObjectId, Arc<font::Font>>>;

/// An opened PDF, ready to be read page by page.
pub struct PdfDoc {
    doc: Document,
    pages: Vec<ObjectId>,
    fonts: FontCache,
}

fn panic_message(p: Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".into()
    }
}

/// Open a PDF from memory. `password` is tried as user password when the file is
/// encrypted (an owner-password-only file opens with the empty password).
pub fn open(bytes: &[u8], password: Option<&str>) -> Result<PdfDoc, ExtractError> {
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(ExtractError::NotPdf("no %PDF- header".into()));
    }
    let load = |filter: Option<lopdf::FilterFunc>| {
        let opts = lopdf::LoadOptions { password: password.map(|p| p.to_string()), filter, ..Default::default() };
        std::panic::catch_unwind(|| Document::load_mem_with_options(bytes, opts))
            .map_err(|p| ExtractError::Damaged(format!("parser panic: {}", panic_message(p))))
    };
    // First try skipping the logical-structure tree (tagged PDFs carry tens of
    // thousands of StructElem objects we never read); fall back to a full load,
    // which also lets lopdf rebuild a damaged page tree.
    let mut loaded = load(Some(skip_structure))?;
    let usable = matches!(&loaded, Ok(d) if d.trailer.has(b"Encrypt") || d.page_iter().next().is_some());
    if !usable {
        loaded = load(None)?;
    }
    let doc = match loaded {
        Ok(d) => d,
        Err(lopdf::Error::InvalidPassword) => return Err(ExtractError::PasswordRequired),
        Err(lopdf::Error::Decryption(e)) => return Err(ExtractError::Decrypt(e.to_string())),
        Err(e @ lopdf::Error::Parse(_)) if bytes.len() < 64 => return Err(ExtractError::NotPdf(e.to_string())),
        Err(e) => return Err(ExtractError::Damaged(e.to_string())),
    };
    if doc.trailer.has(b"Encrypt") {
        // the empty user password did not work and the given one (if any) neither
        return Err(ExtractError::PasswordRequired);
    }
    let pages: Vec<ObjectId> = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| doc.page_iter().collect()))
        .map_err(|p| ExtractError::Damaged(format!("page tree: {}", panic_message(p))))?;
    if pages.is_empty() && doc.catalog().is_err() {
        return Err(ExtractError::Damaged("no catalog / page tree".into()));
    }
    Ok(PdfDoc { doc, pages, fonts: Mutex::new(HashMap::new()) })
}

/// Resource limits for one document (stand-in; replaced by the hostile branch).
#[derive(Clone, Debug)]
pub struct Limits {
    pub deadline: Option<std::time::Instant>,
    pub cancel: Option<Arc<std::sync::atomic::AtomicBool>>,
    pub max_stream_bytes: usize,
    pub max_total_bytes: usize,
    pub max_pages: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { deadline: None, cancel: None, max_stream_bytes: MAX_STREAM, max_total_bytes: usize::MAX, max_pages: u32::MAX }
    }
}

/// [`open`] under `limits` (stand-in: checks the deadline and the cancel flag only).
pub fn open_with(bytes: &[u8], password: Option<&str>, limits: Limits) -> Result<PdfDoc, ExtractError> {
    let stop = || {
        limits.deadline.is_some_and(|d| std::time::Instant::now() >= d)
            || limits.cancel.as_ref().is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed))
    };
    if stop() {
        return Err(ExtractError::Timeout);
    }
    let doc = open(bytes, password)?;
    if stop() {
        return Err(ExtractError::Timeout);
    }
    Ok(doc)
}

/// Load filter: drop structure-tree objects, and object streams made only of them
/// (lopdf would parse them all eagerly).
fn skip_structure(id: ObjectId, obj: &mut Object) -> Option<(ObjectId, Object)> {
    match obj {
        Object::Dictionary(d)
            if (d.has_type(b"StructElem") || d.has_type(b"MCR") || d.has_type(b"OBJR")) => {
                return None;
            }
        Object::Stream(s) if s.dict.has_type(b"ObjStm") => {
            let n = s.dict.get(b"N").ok().and_then(|o| o.as_i64().ok()).unwrap_or(-1);
            if n > 0 {
                if let Ok(data) = s.decompressed_content_with_limit(MAX_STREAM) {
                    let first = s.dict.get(b"First").ok().and_then(|o| o.as_i64().ok()).unwrap_or(0) as usize;
                    let body = data.get(first..).unwrap_or(&[]);
                    let _ = body;
                    if only_struct_elems(&data, first, n as usize) {
                        return None;
                    }
                    // keep the decoded data so lopdf does not inflate it again
                    s.dict.remove(b"Filter");
                    s.dict.remove(b"DecodeParms");
                    s.set_content(data);
                }
            }
        }
        _ => {}
    }
    // lopdf keeps the (possibly modified) object in place for top-level objects and
    // uses the returned one for object-stream members; streams are never members.
    match obj {
        Object::Stream(_) => Some((id, Object::Null)),
        _ => Some((id, obj.clone())),
    }
}

/// True when every object of a decoded object stream is a structure element.
fn only_struct_elems(data: &[u8], first: usize, n: usize) -> bool {
    let header = std::str::from_utf8(data.get(..first).unwrap_or(&[])).unwrap_or("");
    let nums: Vec<usize> = header.split_ascii_whitespace().filter_map(|t| t.parse().ok()).collect();
    if nums.len() < 2 * n || n == 0 {
        return false;
    }
    let offs: Vec<usize> = (0..n).map(|k| first + nums[2 * k + 1]).collect();
    for k in 0..n {
        let s = offs[k];
        let e = if k + 1 < n { offs[k + 1] } else { data.len() };
        let Some(obj) = data.get(s..e.max(s)) else { return false };
        if !has_struct_type(obj) {
            return false;
        }
    }
    true
}

fn has_struct_type(obj: &[u8]) -> bool {
    let mut i = 0;
    while let Some(p) = obj[i..].windows(5).position(|w| w == b"/Type") {
        let mut j = i + p + 5;
        while j < obj.len() && matches!(obj[j], b' ' | b'\n' | b'\r' | b'\t') {
            j += 1;
        }
        let rest = &obj[j..];
        if rest.starts_with(b"/StructElem") || rest.starts_with(b"/MCR") || rest.starts_with(b"/OBJR") {
            return true;
        }
        i = j;
    }
    false
}

/// Open and extract every page. A page that cannot be read at all (damaged page
/// object) comes back empty with a warning, so one bad page does not lose the file.
pub fn extract_all(bytes: &[u8], password: Option<&str>) -> Result<Vec<Page>, ExtractError> {
    let doc = open(bytes, password)?;
    Ok((1..=doc.page_count())
        .map(|n| {
            doc.page(n).unwrap_or_else(|e| Page {
                number: n,
                width: 595.0,
                height: 842.0,
                warnings: vec![format!("page could not be read: {e}")],
                ..Default::default()
            })
        })
        .collect())
}

// ---- small object helpers (never panic) ----

/// Follow references (bounded).
pub(crate) fn deref<'a>(doc: &'a Document, mut o: &'a Object) -> &'a Object {
    for _ in 0..16 {
        match o {
            Object::Reference(id) => match doc.get_object(*id) {
                Ok(t) => o = t,
                Err(_) => return &Object::Null,
            },
            _ => return o,
        }
    }
    &Object::Null
}
pub(crate) fn dget<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let o = deref(doc, d.get(key).ok()?);
    if matches!(o, Object::Null) {
        None
    } else {
        Some(o)
    }
}
pub(crate) fn dget_dict<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
    match dget(doc, d, key)? {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}
pub(crate) fn obj_num(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) if r.is_finite() => Some(*r),
        _ => None,
    }
}
pub(crate) fn obj_name(o: &Object) -> Option<&[u8]> {
    match o {
        Object::Name(n) => Some(n),
        _ => None,
    }
}

fn rect_of(doc: &Document, o: &Object) -> Option<[f32; 4]> {
    let Object::Array(a) = deref(doc, o) else { return None };
    if a.len() != 4 {
        return None;
    }
    let mut v = [0.0; 4];
    for (k, x) in a.iter().enumerate() {
        v[k] = obj_num(deref(doc, x))?;
    }
    Some([v[0].min(v[2]), v[1].min(v[3]), v[0].max(v[2]), v[1].max(v[3])])
}

impl PdfDoc {
    /// Number of pages.
    pub fn page_count(&self) -> u32 {
        self.pages.len() as u32
    }

    /// Look up an inheritable page attribute.
    fn inherited<'a>(&'a self, page: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
        let mut d = page;
        for _ in 0..32 {
            if let Some(o) = dget(&self.doc, d, key) {
                return Some(o);
            }
            d = dget_dict(&self.doc, d, b"Parent")?;
        }
        None
    }

    /// Extract one page (1-based number).
    pub fn page(&self, number: u32) -> Result<Page, ExtractError> {
        let id = *self
            .pages
            .get((number as usize).wrapping_sub(1))
            .ok_or_else(|| ExtractError::Page { page: number, message: format!("no page {number}") })?;
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.page_inner(number, id))).unwrap_or_else(|p| {
            Err(ExtractError::Page { page: number, message: format!("internal panic: {}", panic_message(p)) })
        })
    }

    fn page_inner(&self, number: u32, id: ObjectId) -> Result<Page, ExtractError> {
        let doc = &self.doc;
        let pd = doc
            .get_object(id)
            .ok()
            .and_then(|o| o.as_dict().ok())
            .ok_or_else(|| ExtractError::Page { page: number, message: "page object is not a dictionary".into() })?;
        let mut warnings = Vec::new();
        let media = self.inherited(pd, b"MediaBox").and_then(|o| rect_of(doc, o)).unwrap_or_else(|| {
            warnings.push("no MediaBox, assuming A4".to_string());
            [0.0, 0.0, 595.0, 842.0]
        });
        let mut bx = media;
        if let Some(c) = self.inherited(pd, b"CropBox").and_then(|o| rect_of(doc, o)) {
            let i = [c[0].max(media[0]), c[1].max(media[1]), c[2].min(media[2]), c[3].min(media[3])];
            if i[2] - i[0] > 1.0 && i[3] - i[1] > 1.0 {
                bx = i;
            }
        }
        let rot = self.inherited(pd, b"Rotate").and_then(obj_num).unwrap_or(0.0) as i64;
        let rot = rot.rem_euclid(360) / 90 * 90;
        let [llx, lly, urx, ury] = bx;
        let (w, h) = (urx - llx, ury - lly);
        let (pm, width, height): (interp::M, f32, f32) = match rot {
            90 => ([0.0, 1.0, 1.0, 0.0, -lly, -llx], h, w),
            180 => ([-1.0, 0.0, 0.0, 1.0, urx, -lly], w, h),
            270 => ([0.0, -1.0, -1.0, 0.0, ury, urx], h, w),
            _ => ([1.0, 0.0, 0.0, -1.0, -llx, ury], w, h),
        };
        let res = self.inherited(pd, b"Resources").and_then(|o| match o {
            Object::Dictionary(d) => Some(d),
            _ => None,
        });
        // content streams (a single stream is used as decoded, without copying)
        let decode = |o: &Object, warnings: &mut Vec<String>| -> Option<Vec<u8>> {
            let s = deref(doc, o).as_stream().ok()?;
            match s.decompressed_content_with_limit(MAX_STREAM) {
                Ok(c) => Some(c),
                Err(e) => {
                    warnings.push(format!("content stream cannot be decoded: {e}"));
                    None
                }
            }
        };
        let content: Vec<u8> = match pd.get(b"Contents").ok().map(|o| deref(doc, o)) {
            Some(Object::Array(a)) => {
                let mut all = Vec::new();
                for o in a {
                    if let Some(c) = decode(o, &mut warnings) {
                        all.extend_from_slice(&c);
                        all.push(b'\n');
                    }
                }
                all
            }
            Some(o @ Object::Stream(_)) => decode(o, &mut warnings).unwrap_or_default(),
            _ => Vec::new(),
        };
        let mut it = interp::Interp::new(doc, &self.fonts, pm);
        it.out.glyphs.reserve((content.len() / 8).min(1 << 18));
        it.run(&content, res);
        let out = it.out;
        warnings.extend(out.warnings);
        Ok(Page {
            number,
            width,
            height,
            glyphs: out.glyphs,
            rules: out.rules,
            images: out.images,
            warnings,
        })
    }
}
