//! Content-stream interpreter: text, paths, colours, XObjects.

use super::font::Font;
use super::lexer::{clear_operands, Lexer, Operand, Token};
use super::{deref, dget, dget_dict, obj_name, obj_num, BBox, FontCache, Glyph, GlyphText, Paint, Rule};
use lopdf::{Dictionary, Object, ObjectId};

use super::Store;
use std::collections::HashMap;
use std::sync::Arc;

pub type M = [f32; 6];

#[inline]
pub fn mul(a: &M, b: &M) -> M {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}
#[inline]
fn apply(m: &M, x: f32, y: f32) -> (f32, f32) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

const IDENT: M = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];
const MAX_DEPTH: usize = 12;
const MAX_OPERANDS: usize = 4096;
const MAX_QDEPTH: usize = 256;
/// Fonts remembered by name for `Tf` (searched in turn; a page uses a few).
const RECENT_FONTS: usize = 16;
/// Subpaths / points of one path kept (a path is only a bbox source for rules).
const MAX_SUBPATHS: usize = 100_000;
const MAX_POINTS: usize = 1_000_000;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Cs {
    Gray,
    Rgb,
    Cmyk,
    /// Separation / DeviceN: tint, 1 = full ink.
    Tint,
    /// Indexed, Pattern, Lab, unknown.
    Other,
}

#[derive(Clone)]
struct GState {
    ctm: M,
    fill: f32,
    stroke: f32,
    fill_cs: Cs,
    stroke_cs: Cs,
    lw: f32,
    font: Option<Arc<Font>>,
    fs: f32,
    tc: f32,
    tw: f32,
    th: f32,
    tl: f32,
    ts: f32,
    /// The clipping region's bounding box (device space), when a clip was set:
    /// glyphs outside it are not visible (a spreadsheet export draws a merged
    /// cell again on the next page, clipped to the part that shows there).
    clip: Option<BBox>,
}

#[derive(Default)]
struct SubPath {
    pts: Vec<(f32, f32)>, // device (page) space
    curve: bool,
    closed: bool,
    rect: bool,
}

pub struct Out {
    pub glyphs: Vec<Glyph>,
    pub rules: Vec<Rule>,
    pub images: u32,
    pub warnings: Vec<String>,
}

pub struct Interp<'d> {
    doc: &'d Store<'d>,
    cache: &'d FontCache,
    local_fonts: HashMap<usize, Arc<Font>>,
    /// Fonts found by `Tf`, by resource dictionary (address) and name: the
    /// same lookup again gives the same font (the resources do not change
    /// while the page is read).
    recent_fonts: Vec<(usize, Vec<u8>, Arc<Font>)>,
    gs: GState,
    stack: Vec<GState>,
    tm: M,
    tlm: M,
    path: Vec<SubPath>,
    /// `W` / `W*` seen: the current path becomes the clip when it is painted or
    /// ended (`n`).
    clip_pending: bool,
    /// The page in device space: a clip holding all of it hides nothing.
    page_box: Option<BBox>,
    cur: (f32, f32), // user-space current point
    start: (f32, f32),
    form_stack: Vec<ObjectId>,
    pub out: Out,
    warned: std::collections::HashSet<String>,
    guard: &'d super::Guard,
    forms: &'d super::FormCache,
    /// Operators + operand tokens run so far on this page (forms included).
    ticks: u64,
    /// Interpretation stopped: deadline passed (`timeout`) or a page limit hit.
    stop: bool,
    timeout: bool,
}

fn lum_rgb(r: f32, g: f32, b: f32) -> f32 {
    (0.299 * r + 0.587 * g + 0.114 * b).clamp(0.0, 1.0)
}

fn color_lum(cs: Cs, ops: &[Operand]) -> f32 {
    if matches!(ops.last(), Some(Operand::Name(_))) {
        return 0.5;
    }
    let v: Vec<f32> = ops.iter().filter_map(|o| o.num()).collect();
    match (cs, v.len()) {
        (Cs::Gray, 1) => v[0].clamp(0.0, 1.0),
        (Cs::Rgb, 3) => lum_rgb(v[0], v[1], v[2]),
        (Cs::Cmyk, 4) => {
            let k = 1.0 - v[3].clamp(0.0, 1.0);
            lum_rgb(
                (1.0 - v[0].clamp(0.0, 1.0)) * k,
                (1.0 - v[1].clamp(0.0, 1.0)) * k,
                (1.0 - v[2].clamp(0.0, 1.0)) * k,
            )
        }
        (Cs::Tint, n) if n >= 1 => (1.0 - v.iter().sum::<f32>() / n as f32).clamp(0.0, 1.0),
        // operand count decides for unknown/ICC spaces that slipped through
        (Cs::Other, _) => 0.5,
        (_, 1) => v[0].clamp(0.0, 1.0),
        (_, 3) => lum_rgb(v[0], v[1], v[2]),
        (_, 4) => color_lum(Cs::Cmyk, ops),
        _ => 0.5,
    }
}

impl<'d> Interp<'d> {
    pub fn new(
        doc: &'d Store<'d>,
        cache: &'d FontCache,
        forms: &'d super::FormCache,
        page_matrix: M,
        guard: &'d super::Guard,
    ) -> Self {
        Interp {
            doc,
            cache,
            local_fonts: HashMap::new(),
            recent_fonts: Vec::new(),
            gs: GState {
                ctm: page_matrix,
                fill: 0.0,
                stroke: 0.0,
                fill_cs: Cs::Gray,
                stroke_cs: Cs::Gray,
                lw: 1.0,
                font: None,
                fs: 0.0,
                tc: 0.0,
                tw: 0.0,
                th: 1.0,
                tl: 0.0,
                ts: 0.0,
                clip: None,
            },
            stack: Vec::new(),
            tm: IDENT,
            tlm: IDENT,
            path: Vec::new(),
            clip_pending: false,
            page_box: None,
            cur: (0.0, 0.0),
            start: (0.0, 0.0),
            form_stack: Vec::new(),
            out: Out { glyphs: Vec::new(), rules: Vec::new(), images: 0, warnings: Vec::new() },
            warned: Default::default(),
            guard,
            forms,
            ticks: 0,
            stop: false,
            timeout: false,
        }
    }

    /// Interpretation was cut short because the deadline passed.
    pub fn timed_out(&self) -> bool {
        self.timeout
    }

    /// Count one token; every 4096 check the deadline and the page budgets.
    /// Always inlined: it runs for every token and glyph (2.5 million calls on a
    /// 617-page plan), and a call costs more than the counting.
    #[inline(always)]
    fn tick(&mut self) -> bool {
        self.ticks += 1;
        if self.ticks & 4095 == 0 {
            if self.guard.expired() {
                self.timeout = true;
                self.stop = true;
            } else if self.ticks > super::MAX_PAGE_OPS {
                self.stop = true;
                self.warn(format!("page truncated: more than {} content-stream tokens", super::MAX_PAGE_OPS));
            }
        }
        if self.out.glyphs.len() >= super::MAX_PAGE_ITEMS || self.out.rules.len() >= super::MAX_PAGE_ITEMS {
            self.stop = true;
            self.warn(format!("page truncated: more than {} glyphs or rules", super::MAX_PAGE_ITEMS));
        }
        !self.stop
    }

    fn warn(&mut self, w: String) {
        if self.warned.len() < 100 && self.warned.insert(w.clone()) {
            self.out.warnings.push(w);
        }
    }

    /// Run a content stream with the given resources.
    pub fn run(&mut self, content: &[u8], res: Option<&'d Dictionary>) {
        let mut lex = Lexer::new(content);
        let mut ops: Vec<Operand> = Vec::with_capacity(16);
        while let Some(tok) = lex.next_token() {
            if !self.tick() {
                return;
            }
            match tok {
                Token::Operand(o) => {
                    if ops.len() >= MAX_OPERANDS {
                        clear_operands(&mut ops);
                    }
                    ops.push(o);
                }
                Token::ArrayClose | Token::DictClose => {}
                Token::Op(op) => {
                    if op == b"BI" {
                        // inline image: header until ID, then data until EI
                        loop {
                            match lex.next_token() {
                                None => break,
                                Some(Token::Op(b"ID")) => {
                                    lex.skip_inline_image();
                                    break;
                                }
                                Some(_) => {}
                            }
                        }
                        self.out.images += 1;
                    } else {
                        self.op(op, &ops, res);
                    }
                    clear_operands(&mut ops);
                }
            }
        }
    }

    fn op(&mut self, op: &[u8], a: &[Operand], res: Option<&'d Dictionary>) {
        let n = |i: usize| a.get(i).and_then(|o| o.num()).unwrap_or(0.0);
        let nums6 = || -> Option<M> {
            if a.len() < 6 {
                return None;
            }
            let s = &a[a.len() - 6..];
            let mut m = [0.0; 6];
            for (k, o) in s.iter().enumerate() {
                m[k] = o.num()?;
            }
            Some(m)
        };
        match op {
            b"q" if self.stack.len() < MAX_QDEPTH => {
                self.stack.push(self.gs.clone());
            }
            b"Q" => {
                if let Some(g) = self.stack.pop() {
                    self.gs = g;
                }
            }
            b"cm" => {
                if let Some(m) = nums6() {
                    self.gs.ctm = mul(&m, &self.gs.ctm);
                }
            }
            b"w" => self.gs.lw = n(0).abs(),
            b"gs" => self.ext_gstate(a, res),
            // text
            b"BT" => {
                self.tm = IDENT;
                self.tlm = IDENT;
            }
            b"ET" => {}
            b"Tf" if a.len() >= 2 => {
                self.gs.fs = n(1);
                if let Some(Operand::Name(name)) = a.first() {
                    self.gs.font = self.font(name, res);
                }
            }
            b"Tc" => self.gs.tc = n(0),
            b"Tw" => self.gs.tw = n(0),
            b"Tz" => self.gs.th = n(0) / 100.0,
            b"TL" => self.gs.tl = n(0),
            b"Ts" => self.gs.ts = n(0),
            b"Tr" => {}
            b"Td" => self.td(n(0), n(1)),
            b"TD" => {
                self.gs.tl = -n(1);
                self.td(n(0), n(1));
            }
            b"Tm" => {
                if let Some(m) = nums6() {
                    self.tm = m;
                    self.tlm = m;
                }
            }
            b"T*" => self.td(0.0, -self.gs.tl),
            b"Tj" => {
                if let Some(Operand::Str(s)) = a.last() {
                    self.show(s);
                }
            }
            b"'" => {
                self.td(0.0, -self.gs.tl);
                if let Some(Operand::Str(s)) = a.last() {
                    self.show(s);
                }
            }
            b"\"" => {
                if a.len() >= 3 {
                    self.gs.tw = n(0);
                    self.gs.tc = n(1);
                }
                self.td(0.0, -self.gs.tl);
                if let Some(Operand::Str(s)) = a.last() {
                    self.show(s);
                }
            }
            b"TJ" => {
                if let Some(Operand::Array(items)) = a.last() {
                    for it in items {
                        match it {
                            Operand::Str(s) => self.show(s),
                            Operand::Num(v) => {
                                if self.gs.font.as_ref().is_some_and(|f| f.vertical) {
                                    let ty = -v / 1000.0 * self.gs.fs;
                                    self.tm[4] += ty * self.tm[2];
                                    self.tm[5] += ty * self.tm[3];
                                } else {
                                    let tx = -v / 1000.0 * self.gs.fs * self.gs.th;
                                    self.advance(tx);
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
            // paths
            b"m" | b"l" | b"c" | b"v" | b"y" | b"re" if self.path.len() >= MAX_SUBPATHS => {
                self.warn(format!("path with more than {MAX_SUBPATHS} subpaths truncated"));
            }
            b"m" => {
                let p = (n(0), n(1));
                self.cur = p;
                self.start = p;
                let d = apply(&self.gs.ctm, p.0, p.1);
                self.path.push(SubPath { pts: vec![d], ..Default::default() });
            }
            b"l" => {
                let p = (n(0), n(1));
                self.line_to(p, false);
            }
            b"c" if a.len() >= 6 => {
                self.curve(&[(n(0), n(1)), (n(2), n(3)), (n(4), n(5))]);
            }
            b"v" | b"y" if a.len() >= 4 => {
                self.curve(&[(n(0), n(1)), (n(2), n(3))]);
            }
            b"h" => self.close(),
            b"re" => {
                let (x, y, w, h) = (n(0), n(1), n(2), n(3));
                let c = &self.gs.ctm;
                let pts = vec![apply(c, x, y), apply(c, x + w, y), apply(c, x + w, y + h), apply(c, x, y + h)];
                self.path.push(SubPath { pts, curve: false, closed: true, rect: true });
                self.cur = (x, y);
                self.start = (x, y);
            }
            b"S" => self.paint(false, true, false),
            b"s" => self.paint(false, true, true),
            b"f" | b"F" | b"f*" => self.paint(true, false, false),
            b"B" | b"B*" => self.paint(true, true, false),
            b"b" | b"b*" => self.paint(true, true, true),
            b"n" => {
                self.apply_clip();
                self.path.clear();
            }
            b"W" | b"W*" => self.clip_pending = true,
            // colours
            b"g" => {
                self.gs.fill_cs = Cs::Gray;
                self.gs.fill = n(0).clamp(0.0, 1.0);
            }
            b"G" => {
                self.gs.stroke_cs = Cs::Gray;
                self.gs.stroke = n(0).clamp(0.0, 1.0);
            }
            b"rg" => {
                self.gs.fill_cs = Cs::Rgb;
                self.gs.fill = lum_rgb(n(0), n(1), n(2));
            }
            b"RG" => {
                self.gs.stroke_cs = Cs::Rgb;
                self.gs.stroke = lum_rgb(n(0), n(1), n(2));
            }
            b"k" => {
                self.gs.fill_cs = Cs::Cmyk;
                self.gs.fill = color_lum(Cs::Cmyk, a);
            }
            b"K" => {
                self.gs.stroke_cs = Cs::Cmyk;
                self.gs.stroke = color_lum(Cs::Cmyk, a);
            }
            b"cs" | b"CS" => {
                let cs = match a.last() {
                    Some(Operand::Name(nm)) => self.colorspace(nm, res),
                    _ => Cs::Other,
                };
                let initial = match cs {
                    Cs::Gray | Cs::Rgb => 0.0,
                    Cs::Cmyk => 0.0,
                    Cs::Tint => 0.0,
                    Cs::Other => 0.5,
                };
                if op == b"cs" {
                    self.gs.fill_cs = cs;
                    self.gs.fill = initial;
                } else {
                    self.gs.stroke_cs = cs;
                    self.gs.stroke = initial;
                }
            }
            b"sc" | b"scn" => self.gs.fill = color_lum(self.gs.fill_cs, a),
            b"SC" | b"SCN" => self.gs.stroke = color_lum(self.gs.stroke_cs, a),
            b"Do" => {
                if let Some(Operand::Name(nm)) = a.last() {
                    self.xobject(nm, res);
                }
            }
            _ => {}
        }
    }

    fn ext_gstate(&mut self, a: &[Operand], res: Option<&'d Dictionary>) {
        let Some(Operand::Name(nm)) = a.last() else { return };
        let doc = self.doc;
        let Some(gs) = res.and_then(|r| dget_dict(doc, r, b"ExtGState")).and_then(|d| dget_dict(doc, d, nm)) else {
            return;
        };
        if let Some(lw) = dget(doc, gs, b"LW").and_then(obj_num) {
            self.gs.lw = lw.abs();
        }
        if let Some(Object::Array(f)) = dget(doc, gs, b"Font") {
            if f.len() == 2 {
                if let (Ok(id), Some(sz)) = (f[0].as_reference(), obj_num(deref(doc, &f[1]))) {
                    if let Ok(fd) = doc.get_dictionary(id) {
                        self.gs.font = Some(self.font_by_dict(Some(id), fd));
                        self.gs.fs = sz;
                    }
                }
            }
        }
    }

    fn colorspace(&mut self, name: &[u8], res: Option<&'d Dictionary>) -> Cs {
        match name {
            b"DeviceGray" | b"G" | b"CalGray" => return Cs::Gray,
            b"DeviceRGB" | b"RGB" | b"CalRGB" => return Cs::Rgb,
            b"DeviceCMYK" | b"CMYK" => return Cs::Cmyk,
            b"Pattern" => return Cs::Other,
            _ => {}
        }
        let doc = self.doc;
        let Some(o) = res.and_then(|r| dget_dict(doc, r, b"ColorSpace")).and_then(|d| dget(doc, d, name)) else {
            return Cs::Other;
        };
        cs_of_object(doc, o, 0)
    }

    fn font(&mut self, name: &[u8], res: Option<&'d Dictionary>) -> Option<Arc<Font>> {
        // `Tf` picks the same few fonts again and again (one per text object in
        // spreadsheet exports): a hit skips the resource lookups, the object
        // lookup and the cache lock (1,200 instructions a `Tf`).
        let res_key = res.map_or(0, |r| r as *const Dictionary as usize);
        if let Some((_, _, f)) = self.recent_fonts.iter().find(|(r, n, _)| *r == res_key && n.as_slice() == name) {
            return Some(f.clone());
        }
        let f = self.font_lookup(name, res)?;
        if self.recent_fonts.len() < RECENT_FONTS {
            self.recent_fonts.push((res_key, name.to_vec(), f.clone()));
        }
        Some(f)
    }

    fn font_lookup(&mut self, name: &[u8], res: Option<&'d Dictionary>) -> Option<Arc<Font>> {
        let doc = self.doc;
        let fonts = res.and_then(|r| dget_dict(doc, r, b"Font"));
        let Some(fonts) = fonts else {
            self.warn(format!("font {} not found (no /Font resources)", String::from_utf8_lossy(name)));
            return None;
        };
        let raw = fonts.get(name).ok();
        let (id, fd) = match raw {
            Some(Object::Reference(id)) => match doc.get_object(*id).ok().and_then(|o| o.as_dict().ok()) {
                Some(d) => (Some(*id), d),
                None => {
                    self.warn(format!("font {} is not a dictionary", String::from_utf8_lossy(name)));
                    return None;
                }
            },
            Some(Object::Dictionary(d)) => (None, d),
            _ => {
                self.warn(format!("font {} not found", String::from_utf8_lossy(name)));
                return None;
            }
        };
        Some(self.font_by_dict(id, fd))
    }

    fn font_by_dict(&mut self, id: Option<ObjectId>, fd: &'d Dictionary) -> Arc<Font> {
        let key = fd as *const Dictionary as usize;
        if let Some(f) = self.local_fonts.get(&key) {
            return f.clone();
        }
        let f = match id {
            Some(id) => {
                let hit = self.cache.lock().ok().and_then(|c| c.get(&id).cloned());
                match hit {
                    Some(f) => f,
                    None => {
                        let f = Arc::new(Font::load(self.doc, fd));
                        if let Ok(mut c) = self.cache.lock() {
                            c.insert(id, f.clone());
                        }
                        f
                    }
                }
            }
            None => Arc::new(Font::load(self.doc, fd)),
        };
        for w in f.warnings.clone() {
            self.warn(w);
        }
        self.local_fonts.insert(key, f.clone());
        f
    }

    fn xobject(&mut self, name: &[u8], res: Option<&'d Dictionary>) {
        let doc = self.doc;
        let Some(xd) = res.and_then(|r| dget_dict(doc, r, b"XObject")) else { return };
        let Ok(raw) = xd.get(name) else { return };
        let id = raw.as_reference().ok();
        let Ok(stream) = deref(doc, raw).as_stream() else { return };
        let sub = dget(doc, &stream.dict, b"Subtype").and_then(obj_name).unwrap_or(b"");
        if sub == b"Image" {
            self.out.images += 1;
            return;
        }
        if sub != b"Form" {
            return;
        }
        if self.form_stack.len() >= MAX_DEPTH {
            self.warn("form XObject nesting too deep".into());
            return;
        }
        if let Some(id) = id {
            if self.form_stack.contains(&id) {
                self.warn("form XObject cycle".into());
                return;
            }
        }
        let cached = id.and_then(|id| self.forms.get(id));
        let hit = cached.is_some();
        let content = match cached.map(Ok).unwrap_or_else(|| self.guard.decode(stream).map(Arc::new)) {
            Ok(c) => {
                if let (Some(id), false) = (id, hit) {
                    self.forms.put(id, &c);
                }
                c
            }
            Err(crate::error::ExtractError::Timeout) => {
                self.timeout = true;
                self.stop = true;
                return;
            }
            Err(e) => {
                self.warn(format!("form XObject skipped: {e}"));
                return;
            }
        };
        let form_res = dget_dict(doc, &stream.dict, b"Resources").or(res);
        let saved = self.gs.clone();
        let saved_stack = self.stack.len();
        if let Some(Object::Array(m)) = dget(doc, &stream.dict, b"Matrix") {
            let v: Vec<f32> = m.iter().filter_map(|o| obj_num(deref(doc, o))).collect();
            if v.len() == 6 {
                let m = [v[0], v[1], v[2], v[3], v[4], v[5]];
                self.gs.ctm = mul(&m, &self.gs.ctm);
            }
        }
        let (tm, tlm) = (self.tm, self.tlm);
        self.form_stack.push(id.unwrap_or((u32::MAX, 0)));
        let saved_path = std::mem::take(&mut self.path);
        self.run(&content, form_res);
        self.path = saved_path;
        self.form_stack.pop();
        self.stack.truncate(saved_stack);
        self.gs = saved;
        self.tm = tm;
        self.tlm = tlm;
    }

    #[inline]
    fn td(&mut self, tx: f32, ty: f32) {
        let m = [1.0, 0.0, 0.0, 1.0, tx, ty];
        self.tlm = mul(&m, &self.tlm);
        self.tm = self.tlm;
    }

    #[inline]
    fn advance(&mut self, tx: f32) {
        self.tm[4] += tx * self.tm[0];
        self.tm[5] += tx * self.tm[1];
    }

    fn show(&mut self, s: &[u8]) {
        let Some(font) = self.gs.font.clone() else {
            if !s.is_empty() {
                self.warn("text shown without a font".into());
            }
            return;
        };
        let fs = self.gs.fs;
        let th = self.gs.th;
        let (tc, tw, ts) = (self.gs.tc, self.gs.tw, self.gs.ts);
        let single_byte = matches!(font.split, super::font::CodeSplit::One);
        // text rendering matrix at the start of the string; each glyph is offset
        // along its first row by the accumulated advance
        let trm = mul(&self.tm, &self.gs.ctm);
        let (ax, ay) = (trm[0], trm[1]);
        let size = fs.abs() * (trm[2] * trm[2] + trm[3] * trm[3]).sqrt();
        let base = apply(&trm, 0.0, ts);
        let (asc_x, asc_y) = (trm[2] * font.ascent * fs, trm[3] * font.ascent * fs);
        let (dsc_x, dsc_y) = (trm[2] * font.descent * fs, trm[3] * font.descent * fs);
        // A glyph's box is the parallelogram spanned by its advance (origin to
        // end) and the ascent/descent offsets; per axis its bounding box is the
        // lesser end plus the lesser offset (greater plus greater): the min/max
        // of the four corners to the bit (rounding is monotonic), with a third
        // of the comparisons per glyph.
        let (lo_x, hi_x) = (asc_x.min(dsc_x), asc_x.max(dsc_x));
        let (lo_y, hi_y) = (asc_y.min(dsc_y), asc_y.max(dsc_y));
        let bold = font.bold;
        if font.vertical {
            self.show_vertical(s, &font);
            return;
        }
        let mut xoff = 0.0f32;
        let mut missing = false;
        let mut i = 0;
        while i < s.len() {
            if !self.tick() {
                break;
            }
            let (code, len) = font.next_code(&s[i..]);
            i += len;
            let w0 = if font.cid { font.width(font.cid_of(code)) } else { font.width(code) };
            let adv = w0 * fs * th;
            let t = font.glyph_text(code);
            if t.is_none_or(|t| !t.is_empty()) {
                let ox = base.0 + xoff * ax;
                let oy = base.1 + xoff * ay;
                let ex = ox + adv * ax;
                let ey = oy + adv * ay;
                let (x0, x1) = (ox.min(ex) + lo_x, ox.max(ex) + hi_x);
                let (y0, y1) = (oy.min(ey) + lo_y, oy.max(ey) + hi_y);
                if x0.is_finite() && x1.is_finite() && y0.is_finite() && y1.is_finite() {
                    let text = match t {
                        Some(t) => t.clone(),
                        None => {
                            missing = true;
                            GlyphText::new("\u{FFFD}")
                        }
                    };
                    let bbox = BBox { x0, top: y0, x1, bottom: y1 };
                    if self.visible(&bbox) {
                        self.out.glyphs.push(Glyph { text, bbox, baseline: oy, size, bold });
                    }
                }
            }
            let mut tx = adv + tc * th;
            if single_byte && len == 1 && code == 32 {
                tx += tw * th;
            }
            xoff += tx;
        }
        self.advance(xoff);
        if missing {
            let name = font.name.clone();
            self.warn(format!("font {name}: codes without Unicode mapping"));
        }
    }

    /// Vertical writing (Identity-V): glyphs advance downwards by DW2's default
    /// displacement (1 em), positioned with the default vertical origin (w0/2, 0.88 em).
    fn show_vertical(&mut self, s: &[u8], font: &Font) {
        let fs = self.gs.fs;
        let (tc, ts) = (self.gs.tc, self.gs.ts);
        let mut i = 0;
        while i < s.len() {
            if !self.tick() {
                break;
            }
            let (code, len) = font.next_code(&s[i..]);
            i += len;
            let w0 = font.width(font.cid_of(code));
            let trm = mul(&self.tm, &self.gs.ctm);
            if let Some(t) = font.text(code).filter(|t| !t.is_empty()) {
                let hx = -w0 * fs / 2.0;
                let hy = ts - 0.88 * fs;
                let p0 = apply(&trm, hx, hy + font.descent * fs);
                let p1 = apply(&trm, hx + w0 * fs, hy + font.ascent * fs);
                let (_, oy) = apply(&trm, hx, hy);
                let size = fs.abs() * (trm[2] * trm[2] + trm[3] * trm[3]).sqrt();
                let bb = BBox::new(p0.0, p0.1, p1.0, p1.1);
                if bb.x0.is_finite()
                    && bb.x1.is_finite()
                    && bb.top.is_finite()
                    && bb.bottom.is_finite()
                    && self.visible(&bb)
                {
                    self.out.glyphs.push(Glyph {
                        text: GlyphText::new(t),
                        bbox: bb,
                        baseline: oy,
                        size,
                        bold: font.bold,
                    });
                }
            }
            let ty = -fs + tc;
            self.tm[4] += ty * self.tm[2];
            self.tm[5] += ty * self.tm[3];
        }
    }

    // ---- paths ----

    fn line_to(&mut self, p: (f32, f32), curve: bool) {
        let d = apply(&self.gs.ctm, p.0, p.1);
        match self.path.last_mut() {
            Some(sp) if !sp.rect && !sp.closed => {
                if sp.pts.len() >= MAX_POINTS {
                    return;
                }
                sp.pts.push(d);
                sp.curve |= curve;
            }
            _ => {
                let s = apply(&self.gs.ctm, self.cur.0, self.cur.1);
                self.start = self.cur;
                self.path.push(SubPath { pts: vec![s, d], curve, ..Default::default() });
            }
        }
        self.cur = p;
    }

    fn curve(&mut self, pts: &[(f32, f32)]) {
        if self.path.len() > 100_000 || self.path.last().is_some_and(|sp| sp.pts.len() >= MAX_POINTS) {
            return;
        }
        // control points included: bbox of the subpath is what we emit for curves
        let ctm = self.gs.ctm;
        let last = *pts.last().unwrap_or(&self.cur);
        self.line_to(last, true);
        if let Some(sp) = self.path.last_mut() {
            let end = sp.pts.pop();
            for p in &pts[..pts.len() - 1] {
                sp.pts.push(apply(&ctm, p.0, p.1));
            }
            if let Some(e) = end {
                sp.pts.push(e);
            }
        }
    }

    fn close(&mut self) {
        if let Some(sp) = self.path.last_mut() {
            if !sp.rect {
                sp.closed = true;
            }
        }
        self.cur = self.start;
    }

    /// The page's size (device space): clips that hold the whole page are none.
    pub fn set_page_size(&mut self, width: f32, height: f32) {
        self.page_box = Some(BBox { x0: 0.0, top: 0.0, x1: width, bottom: height });
    }

    /// A pending clip: the current path's bounding box narrows the clip region
    /// (a bounding box, so a non-rectangular clip hides less, never more).
    fn apply_clip(&mut self) {
        if !std::mem::take(&mut self.clip_pending) {
            return;
        }
        let pts: Vec<(f32, f32)> = self.path.iter().flat_map(|sp| sp.pts.iter().copied()).collect();
        if pts.is_empty() {
            return;
        }
        let b = pts_bbox(&pts);
        if !(b.x0.is_finite() && b.x1.is_finite() && b.top.is_finite() && b.bottom.is_finite()) {
            return;
        }
        let clip = match self.gs.clip {
            Some(c) => {
                BBox { x0: c.x0.max(b.x0), top: c.top.max(b.top), x1: c.x1.min(b.x1), bottom: c.bottom.min(b.bottom) }
            }
            None => b,
        };
        // A clip around the whole page hides nothing on it (text off the page is
        // dropped later anyway): no glyph-by-glyph check then.
        let whole_page = self.page_box.is_some_and(|p| {
            clip.x0 <= p.x0 + CLIP_SLACK
                && clip.top <= p.top + CLIP_SLACK
                && clip.x1 >= p.x1 - CLIP_SLACK
                && clip.bottom >= p.bottom - CLIP_SLACK
        });
        self.gs.clip = if whole_page { None } else { Some(clip) };
    }

    /// Whether a glyph's centre lies inside the clip region (with a little slack:
    /// a clip drawn on a cell's border still shows its text).
    fn visible(&self, b: &BBox) -> bool {
        let Some(c) = self.gs.clip else { return true };
        let (cx, cy) = ((b.x0 + b.x1) / 2.0, (b.top + b.bottom) / 2.0);
        cx >= c.x0 - CLIP_SLACK && cx <= c.x1 + CLIP_SLACK && cy >= c.top - CLIP_SLACK && cy <= c.bottom + CLIP_SLACK
    }

    fn paint(&mut self, fill: bool, stroke: bool, close: bool) {
        if close {
            self.close();
        }
        self.apply_clip();
        let path = std::mem::take(&mut self.path);
        let lw = {
            let c = &self.gs.ctm;
            let det = (c[0] * c[3] - c[1] * c[2]).abs().sqrt();
            (self.gs.lw * det).max(0.1)
        };
        for sp in &path {
            if sp.pts.is_empty() {
                continue;
            }
            let bb = pts_bbox(&sp.pts);
            if !(bb.x0.is_finite() && bb.x1.is_finite() && bb.top.is_finite() && bb.bottom.is_finite())
                || bb.x0.abs().max(bb.x1.abs()).max(bb.top.abs()).max(bb.bottom.abs()) > 1.0e6
            {
                continue;
            }
            if fill && bb.width() > 0.01 && bb.height() > 0.01 && sp.pts.len() >= 3 {
                self.out.rules.push(Rule { bbox: bb, paint: Paint::Fill, gray: self.gs.fill });
            }
            if stroke {
                let gray = self.gs.stroke;
                if sp.rect || sp.curve {
                    self.out.rules.push(Rule { bbox: grow(bb, lw / 2.0, lw / 2.0), paint: Paint::Stroke, gray });
                } else {
                    let n = sp.pts.len();
                    let segs = if sp.closed && n > 2 { n } else { n - 1 };
                    if n == 1 {
                        continue;
                    }
                    for k in 0..segs {
                        let a = sp.pts[k];
                        let b = sp.pts[(k + 1) % n];
                        let sb = BBox::new(a.0, a.1, b.0, b.1);
                        let (gx, gy) = if sb.height() < 0.01 {
                            (0.0, lw / 2.0)
                        } else if sb.width() < 0.01 {
                            (lw / 2.0, 0.0)
                        } else {
                            (lw / 2.0, lw / 2.0)
                        };
                        if sb.width() < 0.01 && sb.height() < 0.01 {
                            continue;
                        }
                        self.out.rules.push(Rule { bbox: grow(sb, gx, gy), paint: Paint::Stroke, gray });
                    }
                }
            }
        }
    }
}

fn grow(b: BBox, gx: f32, gy: f32) -> BBox {
    BBox { x0: b.x0 - gx, top: b.top - gy, x1: b.x1 + gx, bottom: b.bottom + gy }
}

/// Slack (points) around a clip region within which a glyph's centre still shows.
const CLIP_SLACK: f32 = 1.0;

fn pts_bbox(p: &[(f32, f32)]) -> BBox {
    let mut b = BBox { x0: f32::MAX, top: f32::MAX, x1: f32::MIN, bottom: f32::MIN };
    for &(x, y) in p {
        b.x0 = b.x0.min(x);
        b.x1 = b.x1.max(x);
        b.top = b.top.min(y);
        b.bottom = b.bottom.max(y);
    }
    b
}

fn cs_of_object(doc: &Store<'_>, o: &Object, depth: u32) -> Cs {
    if depth > 4 {
        return Cs::Other;
    }
    match deref(doc, o) {
        Object::Name(n) => match n.as_slice() {
            b"DeviceGray" | b"CalGray" => Cs::Gray,
            b"DeviceRGB" | b"CalRGB" => Cs::Rgb,
            b"DeviceCMYK" => Cs::Cmyk,
            _ => Cs::Other,
        },
        Object::Array(a) => {
            let fam = a.first().map(|o| deref(doc, o)).and_then(obj_name).unwrap_or(b"");
            match fam {
                b"ICCBased" => {
                    let n = a
                        .get(1)
                        .and_then(|o| deref(doc, o).as_stream().ok())
                        .and_then(|s| dget(doc, &s.dict, b"N"))
                        .and_then(obj_num)
                        .unwrap_or(0.0) as i32;
                    match n {
                        1 => Cs::Gray,
                        3 => Cs::Rgb,
                        4 => Cs::Cmyk,
                        _ => Cs::Other,
                    }
                }
                b"CalGray" => Cs::Gray,
                b"CalRGB" => Cs::Rgb,
                b"Separation" | b"DeviceN" => Cs::Tint,
                b"DeviceGray" => Cs::Gray,
                b"DeviceRGB" => Cs::Rgb,
                b"DeviceCMYK" => Cs::Cmyk,
                _ => Cs::Other,
            }
        }
        _ => Cs::Other,
    }
}
