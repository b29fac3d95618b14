//! Glyph names -> Unicode (Adobe Glyph List subset plus the usual naming conventions).

use super::tables::AGL;

/// Map a glyph name to its Unicode text. Handles AGL names, `uniXXXX[XXXX...]`,
/// `uXXXX[XX]`, `name.suffix`, `a_b` ligature names and `gXX`/`GXX` hex or
/// `cidNN`/`cNN`/`aNN` decimal code fallbacks.
pub fn glyph_to_unicode(name: &str) -> Option<String> {
    if name.is_empty() {
        return None;
    }
    if let Some(s) = lookup(name) {
        return Some(s);
    }
    // strip suffix: "a.sc", "one.oldstyle"
    let base = match name.find('.') {
        Some(0) => return None, // ".notdef"
        Some(i) => &name[..i],
        None => name,
    };
    if base != name {
        if let Some(s) = lookup(base) {
            return Some(s);
        }
    }
    if base.contains('_') {
        let mut out = String::new();
        for part in base.split('_') {
            out.push_str(&lookup(part)?);
        }
        return Some(out);
    }
    numeric_fallback(base)
}

/// Glyph names used by TeX fonts (Cork/T1, Latin Modern, CM) that the AGL lacks.
const TEX_EXTRA: &[(&str, &str)] = &[
    ("Germandbls", "SS"),
    ("SS", "SS"),
    ("angbracketleft", "\u{27E8}"),
    ("angbracketright", "\u{27E9}"),
    ("compwordmark", ""),
    ("cwm", ""),
    ("dotlessj", "\u{0237}"),
    ("ff", "ff"),
    ("ffi", "ffi"),
    ("ffl", "ffl"),
    ("fi", "fi"),
    ("fl", "fl"),
    ("perthousandzero", ""),
    ("sfthyphen", "-"),
    ("visiblespace", "\u{2423}"),
    ("visualspace", "\u{2423}"),
];

fn lookup(name: &str) -> Option<String> {
    if let Ok(i) = AGL.binary_search_by(|(n, _)| (*n).cmp(name)) {
        return Some(AGL[i].1.to_string());
    }
    if let Ok(i) = TEX_EXTRA.binary_search_by(|(n, _)| (*n).cmp(name)) {
        return Some(TEX_EXTRA[i].1.to_string());
    }
    if let Some(hex) = name.strip_prefix("uni") {
        if hex.len() >= 4 && hex.len() % 4 == 0 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            let mut out = String::new();
            for i in (0..hex.len()).step_by(4) {
                let v = u32::from_str_radix(&hex[i..i + 4], 16).ok()?;
                if (0xD800..0xE000).contains(&v) {
                    return None;
                }
                out.push(char::from_u32(v)?);
            }
            return Some(out);
        }
    }
    if let Some(hex) = name.strip_prefix('u') {
        if (4..=6).contains(&hex.len()) && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            let v = u32::from_str_radix(hex, 16).ok()?;
            if (0xD800..0xE000).contains(&v) {
                return None;
            }
            return char::from_u32(v).map(|c| c.to_string());
        }
    }
    None
}

fn numeric_fallback(name: &str) -> Option<String> {
    let printable = |v: u32| -> Option<String> {
        let c = char::from_u32(v)?;
        if c.is_control() {
            None
        } else {
            Some(c.to_string())
        }
    };
    // gXX / GXX: two hex digits
    if let Some(rest) = name.strip_prefix('g').or_else(|| name.strip_prefix('G')) {
        if rest.len() == 2 && rest.bytes().all(|b| b.is_ascii_hexdigit()) {
            return printable(u32::from_str_radix(rest, 16).ok()?);
        }
    }
    for prefix in ["cid", "c", "C", "a"] {
        if let Some(rest) = name.strip_prefix(prefix) {
            if (2..=3).contains(&rest.len()) && rest.bytes().all(|b| b.is_ascii_digit()) {
                let v: u32 = rest.parse().ok()?;
                if (32..256).contains(&v) {
                    return printable(v);
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agl_basic() {
        assert_eq!(glyph_to_unicode("A").as_deref(), Some("A"));
        assert_eq!(glyph_to_unicode("egrave").as_deref(), Some("è"));
        assert_eq!(glyph_to_unicode("quoteright").as_deref(), Some("\u{2019}"));
        assert_eq!(glyph_to_unicode("guillemotleft").as_deref(), Some("«"));
        assert_eq!(glyph_to_unicode("endash").as_deref(), Some("–"));
        assert_eq!(glyph_to_unicode("Euro").as_deref(), Some("€"));
        assert_eq!(glyph_to_unicode("greaterequal").as_deref(), Some("≥"));
        assert_eq!(glyph_to_unicode("lessequal").as_deref(), Some("≤"));
        assert_eq!(glyph_to_unicode("minus").as_deref(), Some("−"));
        assert_eq!(glyph_to_unicode("multiply").as_deref(), Some("×"));
        assert_eq!(glyph_to_unicode("bullet").as_deref(), Some("•"));
        assert_eq!(glyph_to_unicode("fi").as_deref(), Some("\u{FB01}"));
    }

    #[test]
    fn agl_conventions() {
        assert_eq!(glyph_to_unicode("uni00E8").as_deref(), Some("è"));
        assert_eq!(glyph_to_unicode("uni00660069").as_deref(), Some("fi"));
        assert_eq!(glyph_to_unicode("u1F600").as_deref(), Some("😀"));
        assert_eq!(glyph_to_unicode("a.sc").as_deref(), Some("a"));
        assert_eq!(glyph_to_unicode("f_f_i").as_deref(), Some("ffi"));
        assert_eq!(glyph_to_unicode("g41").as_deref(), Some("A"));
        assert_eq!(glyph_to_unicode("cid65").as_deref(), Some("A"));
        assert_eq!(glyph_to_unicode(".notdef"), None);
        assert_eq!(glyph_to_unicode("zzzunknown"), None);
        assert_eq!(glyph_to_unicode("compwordmark").as_deref(), Some(""));
        assert_eq!(glyph_to_unicode("dotlessj").as_deref(), Some("\u{0237}"));
    }
}
