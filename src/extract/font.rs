//! Font loading: code splitting, widths, Unicode text per code, metrics.

use super::agl::glyph_to_unicode;
use super::cmap::CMap;
use super::tables;
use super::{deref, dget, dget_dict, obj_name, obj_num, GlyphText};
use lopdf::{Dictionary, Object};

use super::Store;

/// How the bytes of a shown string split into codes.
#[derive(Debug, Clone)]
pub enum CodeSplit {
    One,
    Two,
    CMap(Box<CMap>),
}

/// A loaded font, ready for fast per-glyph use.
#[derive(Debug)]
pub struct Font {
    pub name: String,
    pub split: CodeSplit,
    /// Type0 (CID) font: codes map to CIDs, widths from /W.
    pub cid: bool,
    /// Embedded encoding CMap used for code -> CID (None = identity).
    pub cid_map: Option<Box<CMap>>,
    /// Widths per code (simple) or per CID (Type0), in text space units (1/1000 em scaled).
    pub widths: Vec<f32>,
    pub default_width: f32,
    /// Text per code (dense); None = unknown.
    pub texts: Vec<Option<GlyphText>>,
    /// Sparse text for codes beyond the dense table.
    pub texts_sparse: std::collections::HashMap<u32, GlyphText>,
    /// Ascent/descent as fractions of the em (descent negative).
    pub ascent: f32,
    pub descent: f32,
    pub bold: bool,
    /// Horizontal scale of glyph space for Type3 (FontMatrix a * 1000), else 1.
    pub vertical: bool,
    pub warnings: Vec<String>,
}

const MAX_DENSE: u32 = 65536;

impl Font {
    #[inline]
    pub fn width(&self, code_or_cid: u32) -> f32 {
        self.widths.get(code_or_cid as usize).copied().unwrap_or(self.default_width)
    }

    /// The CID for a code (identity when no embedded CMap).
    #[inline]
    pub fn cid_of(&self, code: u32) -> u32 {
        match &self.cid_map {
            Some(cm) => cm.cid(code).unwrap_or(code),
            None => code,
        }
    }

    #[inline]
    pub fn text(&self, code: u32) -> Option<&str> {
        self.glyph_text(code).map(GlyphText::as_str)
    }

    /// [`Font::text`] as stored, ready to be copied into a glyph.
    #[inline]
    pub fn glyph_text(&self, code: u32) -> Option<&GlyphText> {
        match self.texts.get(code as usize) {
            Some(t) => t.as_ref(),
            None => self.texts_sparse.get(&code),
        }
    }

    /// Split the next code off `bytes`; returns (code, byte length).
    /// Always inlined for the one- and two-byte splits: it runs once a glyph,
    /// and the call cost more than the split (a CMap's split stays a call).
    #[inline(always)]
    pub fn next_code(&self, bytes: &[u8]) -> (u32, usize) {
        match &self.split {
            CodeSplit::One => (bytes[0] as u32, 1),
            CodeSplit::Two => {
                if bytes.len() >= 2 {
                    ((bytes[0] as u32) << 8 | bytes[1] as u32, 2)
                } else {
                    (bytes[0] as u32, 1)
                }
            }
            CodeSplit::CMap(cm) => next_code_cmap(cm, bytes),
        }
    }

    /// Load a font from its dictionary. Never fails: unknown pieces fall back to defaults.
    pub(crate) fn load(doc: &Store<'_>, fd: &Dictionary) -> Font {
        let subtype = dget(doc, fd, b"Subtype").and_then(obj_name).unwrap_or(b"Type1");
        if subtype == b"Type0" {
            load_type0(doc, fd)
        } else {
            load_simple(doc, fd, subtype)
        }
    }
}

/// [`Font::next_code`] through an encoding CMap's codespaces.
#[inline(never)]
fn next_code_cmap(cm: &CMap, bytes: &[u8]) -> (u32, usize) {
    let n = cm.code_len(bytes).unwrap_or_else(|| {
        // fall back to the shortest codespace length
        cm.codespaces.iter().map(|c| c.len).min().unwrap_or(1).min(bytes.len())
    });
    let n = n.clamp(1, bytes.len().min(4));
    (bytes[..n].iter().fold(0u32, |a, &b| a << 8 | b as u32), n)
}

fn base_font_name(doc: &Store<'_>, fd: &Dictionary) -> String {
    let raw = dget(doc, fd, b"BaseFont").and_then(obj_name).unwrap_or(b"");
    let s = String::from_utf8_lossy(raw).into_owned();
    match s.find('+') {
        Some(6) => s[7..].to_string(),
        _ => s,
    }
}

fn is_bold(name: &str, desc: Option<&Dictionary>, doc: &Store<'_>) -> bool {
    let lower = name.to_ascii_lowercase();
    if ["bold", "black", "heavy", "semibold", "demi"].iter().any(|k| lower.contains(k)) {
        return true;
    }
    // "Bd" as a style marker: ArialBd, Foo-Bd, FooBdIt
    if let Some(p) = name.find("Bd") {
        let after = name[p + 2..].chars().next();
        if after.is_none_or(|c| !c.is_ascii_lowercase()) {
            return true;
        }
    }
    if let Some(d) = desc {
        if let Some(w) = dget(doc, d, b"FontWeight").and_then(obj_num) {
            if w >= 600.0 {
                return true;
            }
        }
        if let Some(f) = dget(doc, d, b"Flags").and_then(obj_num) {
            if (f as i64) & (1 << 18) != 0 {
                return true;
            }
        }
    }
    false
}

fn metrics(doc: &Store<'_>, desc: Option<&Dictionary>, std: Option<Std14>) -> (f32, f32) {
    let (mut a, mut d) = match std {
        Some(s) => s.ascent_descent(),
        None => (0.8, -0.2),
    };
    if let Some(desc) = desc {
        let fa = dget(doc, desc, b"Ascent").and_then(obj_num).map(|v| v / 1000.0);
        let fdsc = dget(doc, desc, b"Descent").and_then(obj_num).map(|v| v / 1000.0);
        if let (Some(fa), Some(fdsc)) = (fa, fdsc) {
            if fa > 0.2 && fa < 2.0 && fdsc <= 0.0 && fdsc > -1.0 {
                a = fa;
                d = fdsc;
            }
        }
    }
    (a, d)
}

/// Standard-14 families we carry widths for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Std14 {
    Helvetica,
    HelveticaBold,
    TimesRoman,
    TimesBold,
    TimesItalic,
    TimesBoldItalic,
    Courier,
    Symbol,
    Other,
}

impl Std14 {
    pub fn from_name(name: &str) -> Option<Std14> {
        let n: String = name.chars().filter(|c| *c != ' ').collect::<String>().to_ascii_lowercase();
        let bold = n.contains("bold");
        let italic = n.contains("italic") || n.contains("oblique");
        if n.starts_with("helvetica") || n.starts_with("arial") {
            return Some(if bold { Std14::HelveticaBold } else { Std14::Helvetica });
        }
        if n.starts_with("times") {
            return Some(match (bold, italic) {
                (false, false) => Std14::TimesRoman,
                (true, false) => Std14::TimesBold,
                (false, true) => Std14::TimesItalic,
                (true, true) => Std14::TimesBoldItalic,
            });
        }
        if n.starts_with("courier") {
            return Some(Std14::Courier);
        }
        if n.starts_with("symbol") {
            return Some(Std14::Symbol);
        }
        if n.starts_with("zapfdingbats") {
            return Some(Std14::Other);
        }
        None
    }
    fn ascent_descent(self) -> (f32, f32) {
        match self {
            Std14::Helvetica | Std14::HelveticaBold => (0.718, -0.207),
            Std14::TimesRoman | Std14::TimesBold | Std14::TimesItalic | Std14::TimesBoldItalic => (0.683, -0.217),
            Std14::Courier => (0.627, -0.194),
            Std14::Symbol | Std14::Other => (0.8, -0.2),
        }
    }
    /// Width (1/1000 em) of the glyph for Unicode text `t`.
    pub fn width_of(self, t: &str) -> Option<f32> {
        let table: &[(u32, u16)] = match self {
            Std14::Helvetica => tables::HELVETICA,
            Std14::HelveticaBold => tables::HELVETICA_BOLD,
            Std14::TimesRoman => tables::TIMES_ROMAN,
            Std14::TimesBold => tables::TIMES_BOLD,
            Std14::TimesItalic => tables::TIMES_ITALIC,
            Std14::TimesBoldItalic => tables::TIMES_BOLD_ITALIC,
            Std14::Courier => return Some(600.0),
            Std14::Symbol => tables::SYMBOL_WIDTHS,
            Std14::Other => return None,
        };
        let mut it = t.chars();
        let c = it.next()?;
        if c == '\u{20AC}' && t.len() == 3 {
            // the Euro postdates the classic AFMs; later metrics give it the figure width
            return Some(match self {
                Std14::Helvetica | Std14::HelveticaBold => 556.0,
                _ => 500.0,
            });
        }
        if it.next().is_some() {
            // ligature text: look up the ligature code point
            let lig = match t {
                "fi" => 0xFB01,
                "fl" => 0xFB02,
                _ => return None,
            };
            return table.binary_search_by_key(&lig, |e| e.0).ok().map(|i| table[i].1 as f32);
        }
        table.binary_search_by_key(&(c as u32), |e| e.0).ok().map(|i| table[i].1 as f32)
    }
}

/// Base encoding tables by name.
pub fn base_encoding(name: &[u8]) -> Option<&'static [&'static str; 256]> {
    match name {
        b"WinAnsiEncoding" => Some(&tables::WIN_ANSI),
        b"MacRomanEncoding" | b"MacExpertEncoding" => Some(&tables::MAC_ROMAN),
        b"StandardEncoding" => Some(&tables::STANDARD),
        b"PDFDocEncoding" => Some(&tables::PDF_DOC),
        _ => None,
    }
}

/// Glyph names per code for a simple font: base encoding + Differences.
/// `builtin` is the font program's own encoding when known.
pub(crate) fn encoding_names(
    doc: &Store<'_>,
    fd: &Dictionary,
    default: &'static [&'static str; 256],
    builtin: Option<Vec<String>>,
    warnings: &mut Vec<String>,
) -> Vec<String> {
    let mut names: Vec<String> = match builtin {
        Some(b) => b,
        None => default.iter().map(|s| s.to_string()).collect(),
    };
    match dget(doc, fd, b"Encoding") {
        Some(Object::Name(n)) => match base_encoding(n) {
            Some(t) => names = t.iter().map(|s| s.to_string()).collect(),
            None => warnings.push(format!("unknown font encoding {}", String::from_utf8_lossy(n))),
        },
        Some(Object::Dictionary(ed)) => {
            if let Some(t) = dget(doc, ed, b"BaseEncoding").and_then(obj_name).and_then(base_encoding) {
                names = t.iter().map(|s| s.to_string()).collect();
            }
            if let Some(Object::Array(diffs)) = dget(doc, ed, b"Differences") {
                apply_differences(doc, diffs, &mut names);
            }
        }
        _ => {}
    }
    names
}

pub(crate) fn apply_differences(doc: &Store<'_>, diffs: &[Object], names: &mut [String]) {
    let mut code: i64 = 0;
    for o in diffs {
        match deref(doc, o) {
            Object::Integer(i) => code = *i,
            Object::Real(r) => code = *r as i64,
            Object::Name(n) => {
                if (0..256).contains(&code) {
                    names[code as usize] = String::from_utf8_lossy(n).into_owned();
                }
                code += 1;
            }
            _ => {}
        }
    }
}

/// Parse the cleartext part of an embedded Type1 font program for its built-in
/// encoding (`/Encoding StandardEncoding def` or `dup <code> /<name> put` lines).
pub fn type1_builtin_encoding(program: &[u8]) -> Option<Vec<String>> {
    let end = find(program, b"eexec").unwrap_or(program.len());
    let clear = &program[..end];
    let p = find(clear, b"/Encoding")?;
    let rest = &clear[p + 9..];
    let first_tok = rest.split(|b| b.is_ascii_whitespace()).find(|t| !t.is_empty())?;
    if first_tok == b"StandardEncoding" {
        return Some(tables::STANDARD.iter().map(|s| s.to_string()).collect());
    }
    let mut names = vec![String::new(); 256];
    let toks: Vec<&[u8]> = rest.split(|b| b.is_ascii_whitespace() || *b == b'/').filter(|t| !t.is_empty()).collect();
    let mut i = 0;
    let mut found = false;
    while i < toks.len() {
        let t = toks[i];
        if (t == b"readonly" || t == b"def") && found {
            break;
        }
        if t == b"dup" && i + 3 < toks.len() && toks[i + 3] == b"put" {
            if let Some(code) = std::str::from_utf8(toks[i + 1]).ok().and_then(|s| s.parse::<usize>().ok()) {
                if code < 256 {
                    names[code] = String::from_utf8_lossy(toks[i + 2]).into_owned();
                    found = true;
                }
            }
            i += 4;
            continue;
        }
        i += 1;
    }
    if found {
        Some(names)
    } else {
        None
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Normalize a glyph's Unicode text: NFC, ligatures expanded, controls dropped,
/// Unicode spaces -> " ".
pub fn normalize_text(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\u{FB00}' => out.push_str("ff"),
            '\u{FB01}' => out.push_str("fi"),
            '\u{FB02}' => out.push_str("fl"),
            '\u{FB03}' => out.push_str("ffi"),
            '\u{FB04}' => out.push_str("ffl"),
            '\u{FB05}' | '\u{FB06}' => out.push_str("st"),
            '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' => out.push(' '),
            '\u{200B}'..='\u{200F}' | '\u{FEFF}' | '\u{2060}' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    if out.is_ascii() {
        out
    } else {
        out.nfc().collect()
    }
}

fn to_unicode_cmap(doc: &Store<'_>, fd: &Dictionary) -> Option<CMap> {
    let o = dget(doc, fd, b"ToUnicode")?;
    let s = o.as_stream().ok()?;
    let data = super::decode_stream(s).ok()?;
    Some(CMap::parse(&data))
}

fn dense_texts(map: impl Iterator<Item = (u32, String)>, font: &mut Font) {
    for (code, t) in map {
        let t = GlyphText::new(&normalize_text(&t));
        if t.is_empty() && font.text(code).is_some_and(|old| !old.is_empty()) {
            // a ToUnicode entry mapping to nothing (e.g. <0000>) must not hide a
            // glyph whose name gave a real character
            continue;
        }
        if code < MAX_DENSE {
            let i = code as usize;
            if font.texts.len() <= i {
                font.texts.resize(i + 1, None);
            }
            font.texts[i] = Some(t);
        } else {
            font.texts_sparse.insert(code, t);
        }
    }
}

fn load_simple(doc: &Store<'_>, fd: &Dictionary, subtype: &[u8]) -> Font {
    let name = base_font_name(doc, fd);
    let desc = dget_dict(doc, fd, b"FontDescriptor");
    let std = Std14::from_name(&name);
    let embedded = desc.is_some_and(|d| d.has(b"FontFile") || d.has(b"FontFile2") || d.has(b"FontFile3"));
    let mut warnings = Vec::new();
    let type3 = subtype == b"Type3";
    // Type3 glyph space scale
    let mut scale = 0.001f32;
    if type3 {
        if let Some(Object::Array(m)) = dget(doc, fd, b"FontMatrix") {
            if let Some(a) = m.first().and_then(|o| obj_num(deref(doc, o))) {
                if a.is_finite() && a != 0.0 {
                    scale = a;
                }
            }
        }
    }
    // built-in encoding of an embedded Type1 program
    let mut builtin = None;
    let has_encoding = fd.has(b"Encoding");
    if !has_encoding || matches!(dget(doc, fd, b"Encoding"), Some(Object::Dictionary(d)) if !d.has(b"BaseEncoding")) {
        if let Some(d) = desc {
            if let Some(Object::Stream(s)) = dget(doc, d, b"FontFile") {
                match super::decode_stream(s) {
                    Ok(data) => builtin = type1_builtin_encoding(&data),
                    Err(e @ crate::error::ExtractError::LimitExceeded(_)) => {
                        warnings.push(format!("font program skipped: {e}"))
                    }
                    Err(_) => {}
                }
            }
        }
    }
    let symbolic = desc
        .and_then(|d| dget(doc, d, b"Flags"))
        .and_then(obj_num)
        .is_some_and(|f| (f as i64) & 4 != 0 && (f as i64) & 32 == 0);
    // The standard Symbol font has its own built-in encoding (≥ is code 0xB3).
    let default: &'static [&'static str; 256] = if std == Some(Std14::Symbol) && !embedded {
        &tables::SYMBOL
    } else if subtype == b"TrueType" {
        &tables::WIN_ANSI
    } else {
        &tables::STANDARD
    };
    let names = encoding_names(doc, fd, default, builtin, &mut warnings);
    let mut font = Font {
        name: name.clone(),
        split: CodeSplit::One,
        cid: false,
        cid_map: None,
        widths: vec![0.0; 256],
        default_width: 0.0,
        texts: vec![None; 256],
        texts_sparse: Default::default(),
        ascent: 0.8,
        descent: -0.2,
        bold: is_bold(&name, desc, doc),
        vertical: false,
        warnings: Vec::new(),
    };
    for (code, n) in names.iter().enumerate() {
        let t = glyph_to_unicode(n).or_else(|| {
            if n.is_empty() && (symbolic || !embedded || subtype == b"TrueType") && (32..127).contains(&code) {
                Some((code as u8 as char).to_string())
            } else {
                None
            }
        });
        if let Some(t) = t {
            font.texts[code] = Some(GlyphText::new(&normalize_text(&t)));
        }
    }
    if let Some(cm) = to_unicode_cmap(doc, fd) {
        dense_texts(cm.unicode.into_iter().filter(|(c, _)| *c < 256), &mut font);
    }
    // widths
    let first = dget(doc, fd, b"FirstChar").and_then(obj_num).unwrap_or(0.0) as i64;
    let missing = desc.and_then(|d| dget(doc, d, b"MissingWidth")).and_then(obj_num).unwrap_or(0.0);
    let mut have = [false; 256];
    if let Some(Object::Array(ws)) = dget(doc, fd, b"Widths") {
        for (k, w) in ws.iter().enumerate() {
            let code = first + k as i64;
            if (0..256).contains(&code) {
                if let Some(w) = obj_num(deref(doc, w)) {
                    font.widths[code as usize] = w * scale;
                    have[code as usize] = true;
                }
            }
        }
    }
    for code in (0..256).filter(|&c| !have[c]) {
        let std_w = match (std, font.texts[code].as_deref()) {
            (Some(s), Some(t)) => s.width_of(t),
            (Some(Std14::Courier), None) => Some(600.0),
            _ => None,
        };
        font.widths[code] = match std_w {
            Some(w) if missing == 0.0 || !fd.has(b"Widths") => w * 0.001,
            // no metrics at all (broken non-embedded font): half an em beats zero
            None if !fd.has(b"Widths") && missing == 0.0 => 0.5,
            _ => missing * scale,
        };
    }
    let (a, d) = metrics(doc, desc, std);
    font.ascent = a;
    font.descent = d;
    font.warnings = warnings;
    font
}

fn load_type0(doc: &Store<'_>, fd: &Dictionary) -> Font {
    let name = base_font_name(doc, fd);
    let mut warnings = Vec::new();
    let desc_font: Option<&Dictionary> = match dget(doc, fd, b"DescendantFonts") {
        Some(Object::Array(a)) => a.first().and_then(|o| deref(doc, o).as_dict().ok()),
        Some(Object::Dictionary(d)) => Some(d),
        _ => None,
    };
    let desc = desc_font.and_then(|d| dget_dict(doc, d, b"FontDescriptor"));
    let mut split = CodeSplit::Two;
    let mut cid_map = None;
    let mut vertical = false;
    match dget(doc, fd, b"Encoding") {
        Some(Object::Name(n)) => {
            if n.as_slice() == b"Identity-V" {
                vertical = true;
            } else if n.as_slice() != b"Identity-H" {
                warnings.push(format!(
                    "predefined CMap {} not supported; codes read as 2-byte identity",
                    String::from_utf8_lossy(n)
                ));
            }
        }
        Some(Object::Stream(s)) => {
            if let Ok(data) = super::decode_stream(s) {
                let cm = CMap::parse(&data);
                if !cm.codespaces.is_empty() {
                    split = CodeSplit::CMap(Box::new(CMap { codespaces: cm.codespaces.clone(), ..Default::default() }));
                }
                if !cm.cid_ranges.is_empty() {
                    cid_map = Some(Box::new(cm));
                }
            }
        }
        _ => {}
    }
    let mut font = Font {
        name: name.clone(),
        split,
        cid: true,
        cid_map,
        widths: Vec::new(),
        default_width: 1.0,
        texts: Vec::new(),
        texts_sparse: Default::default(),
        ascent: 0.8,
        descent: -0.2,
        bold: is_bold(&name, desc, doc),
        vertical,
        warnings: Vec::new(),
    };
    if let Some(dfd) = desc_font {
        if let Some(dw) = dget(doc, dfd, b"DW").and_then(obj_num) {
            font.default_width = dw * 0.001;
        }
        if let Some(Object::Array(w)) = dget(doc, dfd, b"W") {
            parse_w(doc, w, &mut font);
        }
    }
    match to_unicode_cmap(doc, fd) {
        Some(cm) => dense_texts(cm.unicode.into_iter(), &mut font),
        None => warnings.push(format!("CID font {} has no ToUnicode map", name)),
    }
    let (a, d) = metrics(doc, desc, None);
    font.ascent = a;
    font.descent = d;
    font.warnings = warnings;
    font
}

fn parse_w(doc: &Store<'_>, w: &[Object], font: &mut Font) {
    let set = |cid: u32, v: f32, font: &mut Font| {
        if cid < MAX_DENSE {
            let i = cid as usize;
            if font.widths.len() <= i {
                let dw = font.default_width;
                font.widths.resize(i + 1, dw);
            }
            font.widths[i] = v * 0.001;
        }
    };
    let mut i = 0;
    // bound the work on hostile arrays (a million overlapping 64K ranges)
    let mut work = 0usize;
    while i < w.len() && work < 1 << 22 {
        let a = obj_num(deref(doc, &w[i]));
        match (a, w.get(i + 1).map(|o| deref(doc, o))) {
            (Some(first), Some(Object::Array(list))) => {
                work += list.len();
                for (k, v) in list.iter().enumerate().take(MAX_DENSE as usize) {
                    if let Some(v) = obj_num(deref(doc, v)) {
                        set((first as u32).saturating_add(k as u32), v, font);
                    }
                }
                i += 2;
            }
            (Some(lo), Some(hi_o)) => {
                let hi = obj_num(hi_o).unwrap_or(lo);
                let v = w.get(i + 2).map(|o| deref(doc, o)).and_then(obj_num).unwrap_or(1000.0);
                if hi >= lo && hi - lo <= MAX_DENSE as f32 && lo < MAX_DENSE as f32 {
                    work += (hi.min(MAX_DENSE as f32 - 1.0) - lo) as usize + 1;
                    for cid in lo as u32..=(hi as u32).min(MAX_DENSE - 1) {
                        set(cid, v, font);
                    }
                }
                i += 3;
            }
            _ => i += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ligatures_expand_and_nfc() {
        assert_eq!(normalize_text("\u{FB01}"), "fi");
        assert_eq!(normalize_text("\u{FB03}"), "ffi");
        assert_eq!(normalize_text("\u{FB04}"), "ffl");
        assert_eq!(normalize_text("\u{FB00}\u{FB02}"), "fffl");
        assert_eq!(normalize_text("e\u{0300}"), "è");
        assert_eq!(normalize_text("\u{0007}a\u{000A}"), "a");
        assert_eq!(normalize_text("\u{00A0}"), " ");
    }

    #[test]
    fn differences_apply() {
        let doc = Store::from(lopdf::Document::new());
        let mut names: Vec<String> = tables::WIN_ANSI.iter().map(|s| s.to_string()).collect();
        let diffs = vec![
            Object::Integer(39),
            Object::Name(b"quoteright".to_vec()),
            Object::Integer(0x1b),
            Object::Name(b"ff".to_vec()),
            Object::Name(b"fi".to_vec()),
        ];
        apply_differences(&doc, &diffs, &mut names);
        assert_eq!(names[39], "quoteright");
        assert_eq!(names[0x1b], "ff");
        assert_eq!(names[0x1c], "fi");
        assert_eq!(names[65], "A");
    }

    #[test]
    fn symbol_font_builtin_encoding_and_widths() {
        assert_eq!(tables::SYMBOL[0xB3], "greaterequal");
        assert_eq!(tables::SYMBOL[0xA3], "lessequal");
        assert_eq!(glyph_to_unicode("greaterequal").as_deref(), Some("\u{2265}"));
        let sym = Std14::from_name("Symbol").unwrap();
        assert_eq!(sym, Std14::Symbol);
        assert_eq!(sym.width_of("\u{2265}"), Some(549.0));
    }

    #[test]
    fn base_encodings() {
        assert_eq!(tables::WIN_ANSI[0x80], "Euro");
        assert_eq!(tables::WIN_ANSI[0xE8], "egrave");
        assert_eq!(tables::WIN_ANSI[0x92], "quoteright");
        assert_eq!(tables::WIN_ANSI[0x96], "endash");
        assert_eq!(tables::STANDARD[0x27], "quoteright");
        assert_eq!(tables::STANDARD[0xAE], "fi");
        assert_eq!(tables::MAC_ROMAN[0x8F], "egrave");
        assert!(base_encoding(b"Bogus").is_none());
    }

    #[test]
    fn encoding_dict_with_differences() {
        let mut doc = lopdf::Document::new();
        let mut enc = Dictionary::new();
        enc.set("Type", Object::Name(b"Encoding".to_vec()));
        enc.set("Differences", Object::Array(vec![Object::Integer(0x1c), Object::Name(b"fi".to_vec())]));
        let enc_id = doc.add_object(Object::Dictionary(enc));
        let mut fd = Dictionary::new();
        fd.set("Type", Object::Name(b"Font".to_vec()));
        fd.set("Subtype", Object::Name(b"Type1".to_vec()));
        fd.set("BaseFont", Object::Name(b"ABCDEF+LMRoman10-Regular".to_vec()));
        fd.set("Encoding", Object::Reference(enc_id));
        let doc = Store::from(doc);
        let f = Font::load(&doc, &fd);
        assert_eq!(f.text(0x1c), Some("fi"));
        assert_eq!(f.text(b'a' as u32), Some("a"));
        assert_eq!(f.name, "LMRoman10-Regular");
        assert!(!f.bold);
    }

    #[test]
    fn standard14_widths() {
        let mut fd = Dictionary::new();
        fd.set("Subtype", Object::Name(b"Type1".to_vec()));
        fd.set("BaseFont", Object::Name(b"Helvetica-Bold".to_vec()));
        fd.set("Encoding", Object::Name(b"WinAnsiEncoding".to_vec()));
        let doc = Store::from(lopdf::Document::new());
        let f = Font::load(&doc, &fd);
        assert!(f.bold);
        assert!((f.width(b'A' as u32) - 0.722).abs() < 1e-6);
        assert!((f.width(b' ' as u32) - 0.278).abs() < 1e-6);
        assert_eq!(f.text(0x80), Some("€"));
        assert_eq!(f.text(0xE0), Some("à"));
    }

    #[test]
    fn type1_builtin() {
        let prog = b"%!PS-AdobeFont-1.0: LMMathSymbols10-Regular\n/Encoding 256 array\n0 1 255 {1 index exch /.notdef put} for\ndup 0 /minus put\ndup 21 /greaterequal put\ndup 20 /lessequal put\nreadonly def\ncurrentdict end\ncurrentfile eexec\x80\x81garbage dup 5 /bogus put";
        let enc = type1_builtin_encoding(prog).unwrap();
        assert_eq!(enc[21], "greaterequal");
        assert_eq!(enc[20], "lessequal");
        assert_eq!(enc[0], "minus");
        assert_eq!(enc[5], "");
        let std = type1_builtin_encoding(b"/Encoding StandardEncoding def\ncurrentfile eexec").unwrap();
        assert_eq!(std[0x27], "quoteright");
    }

    #[test]
    fn bold_detection() {
        let doc = Store::from(lopdf::Document::new());
        assert!(is_bold("LiberationSans-Bold", None, &doc));
        assert!(is_bold("ArialBd", None, &doc));
        assert!(is_bold("Foo-SemiboldIt", None, &doc));
        assert!(!is_bold("LMRoman10-Regular", None, &doc));
        assert!(!is_bold("Bdxyz", None, &doc));
    }
}
