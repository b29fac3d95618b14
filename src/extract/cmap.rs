//! CMap parsing: `/ToUnicode` maps (bfchar / bfrange) and embedded encoding CMaps
//! (codespaceranges, cidchar / cidrange).

use std::collections::HashMap;

/// One codespace range: codes of `len` bytes, each byte within `lo[i]..=hi[i]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Codespace {
    pub len: usize,
    pub lo: [u8; 4],
    pub hi: [u8; 4],
}

/// A parsed CMap.
#[derive(Clone, Debug, Default)]
pub struct CMap {
    pub codespaces: Vec<Codespace>,
    /// code -> Unicode text (ToUnicode maps).
    pub unicode: HashMap<u32, String>,
    /// code ranges -> CID (encoding CMaps): (lo, hi, first cid).
    pub cid_ranges: Vec<(u32, u32, u32)>,
    /// Name of a `usecmap` parent, if any.
    pub usecmap: Option<String>,
    /// `cid_ranges` sorted by `lo`, when they do not overlap (binary search);
    /// empty otherwise (linear search, later entries win).
    pub(crate) sorted: Vec<(u32, u32, u32)>,
    /// Code -> CID for 2-byte codes when the ranges overlap (`u32::MAX`: none).
    pub(crate) dense: Vec<u32>,
    /// Code mappings expanded from bfranges so far.
    pub(crate) expanded: usize,
}

#[derive(Debug, Clone)]
enum Tok {
    Hex(Vec<u8>),
    Int(i64),
    Name(String),
    ArrOpen,
    ArrClose,
    Op(String),
}

fn tokenize(data: &[u8]) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut i = 0;
    let n = data.len();
    while i < n {
        let c = data[i];
        match c {
            b'%' => {
                while i < n && data[i] != b'\n' && data[i] != b'\r' {
                    i += 1;
                }
            }
            b'<' => {
                if i + 1 < n && data[i + 1] == b'<' {
                    i += 2;
                    continue;
                }
                i += 1;
                let mut bytes = Vec::new();
                let mut hi: Option<u8> = None;
                while i < n && data[i] != b'>' {
                    if let Some(v) = hex_val(data[i]) {
                        match hi.take() {
                            Some(h) => bytes.push(h << 4 | v),
                            None => hi = Some(v),
                        }
                    }
                    i += 1;
                }
                if let Some(h) = hi {
                    bytes.push(h << 4);
                }
                i += 1;
                out.push(Tok::Hex(bytes));
            }
            b'>' => i += 1,
            b'[' => {
                out.push(Tok::ArrOpen);
                i += 1
            }
            b']' => {
                out.push(Tok::ArrClose);
                i += 1
            }
            b'(' => {
                // literal string: keep raw bytes (rare in CMaps) as hex token
                i += 1;
                let mut depth = 1;
                let mut bytes = Vec::new();
                while i < n {
                    let b = data[i];
                    if b == b'\\' && i + 1 < n {
                        bytes.push(data[i + 1]);
                        i += 2;
                        continue;
                    }
                    if b == b'(' {
                        depth += 1;
                    } else if b == b')' {
                        depth -= 1;
                        if depth == 0 {
                            i += 1;
                            break;
                        }
                    }
                    bytes.push(b);
                    i += 1;
                }
                out.push(Tok::Hex(bytes));
            }
            b'/' => {
                i += 1;
                let s = i;
                while i < n && !is_delim(data[i]) {
                    i += 1;
                }
                out.push(Tok::Name(String::from_utf8_lossy(&data[s..i]).into_owned()));
            }
            _ if is_ws(c) => i += 1,
            b'{' | b'}' | b')' => i += 1,
            _ => {
                let s = i;
                while i < n && !is_delim(data[i]) {
                    i += 1;
                }
                if s == i {
                    i += 1;
                    continue;
                }
                let w = &data[s..i];
                if let Some(v) = std::str::from_utf8(w).ok().and_then(|t| t.parse::<i64>().ok()) {
                    out.push(Tok::Int(v));
                } else {
                    out.push(Tok::Op(String::from_utf8_lossy(w).into_owned()));
                }
            }
        }
    }
    out
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}
fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | 0 | 0x0c)
}
fn is_delim(b: u8) -> bool {
    is_ws(b) || matches!(b, b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%')
}

fn code_of(b: &[u8]) -> u32 {
    b.iter().take(4).fold(0u32, |a, &x| a << 8 | x as u32)
}

/// Decode UTF-16BE (with surrogates); odd trailing byte ignored.
pub fn utf16be(b: &[u8]) -> String {
    let units: Vec<u16> = b.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
    char::decode_utf16(units).map(|r| r.unwrap_or('\u{FFFD}')).collect()
}

const MAX_RANGE: u32 = 65536;
/// Bounds against hostile CMaps: bytes parsed (real ToUnicode maps of large CJK
/// fonts are a few hundred KB), code mappings expanded from ranges in all,
/// codespace ranges and CID ranges kept.
const MAX_CMAP_BYTES: usize = 4 << 20;
const MAX_EXPANDED: usize = 1 << 18;
const MAX_CODESPACES: usize = 256;
const MAX_CID_RANGES: usize = 200_000;
const MAX_LINEAR_RANGES: usize = 4096;

/// Code -> CID table for overlapping ranges of codes up to 2 bytes (later ranges
/// win), built in O(codes + ranges) with "next unfilled code" skip pointers.
fn dense_cids(ranges: &[(u32, u32, u32)]) -> Option<Vec<u32>> {
    if ranges.iter().any(|r| r.1 > 0xFFFF) {
        return None;
    }
    let mut table = vec![u32::MAX; 0x1_0000];
    let mut next: Vec<u32> = (0..=0x1_0000).collect();
    fn find(next: &mut [u32], mut x: u32) -> u32 {
        while next[x as usize] != x {
            let up = next[next[x as usize] as usize];
            next[x as usize] = up;
            x = up;
        }
        x
    }
    for &(lo, hi, cid) in ranges.iter().rev() {
        if lo > hi {
            continue;
        }
        let mut x = find(&mut next, lo);
        while x <= hi {
            table[x as usize] = cid.saturating_add(x - lo);
            next[x as usize] = x + 1;
            x = find(&mut next, x + 1);
        }
    }
    Some(table)
}

impl CMap {
    pub fn parse(data: &[u8]) -> CMap {
        let data = &data[..data.len().min(MAX_CMAP_BYTES)];
        let toks = tokenize(data);
        let mut cm = CMap::default();
        let mut i = 0;
        let n = toks.len();
        // Collected operands since the last operator.
        let mut start = 0;
        while i < n {
            if let Tok::Op(op) = &toks[i] {
                let args = &toks[start..i];
                match op.as_str() {
                    "endcodespacerange" => {
                        for p in args.chunks_exact(2) {
                            if let (Tok::Hex(lo), Tok::Hex(hi)) = (&p[0], &p[1]) {
                                if lo.len() == hi.len() && (1..=4).contains(&lo.len()) {
                                    let mut cs = Codespace { len: lo.len(), lo: [0; 4], hi: [0; 4] };
                                    cs.lo[..lo.len()].copy_from_slice(lo);
                                    cs.hi[..hi.len()].copy_from_slice(hi);
                                    if cm.codespaces.len() < MAX_CODESPACES {
                                        cm.codespaces.push(cs);
                                    }
                                }
                            }
                        }
                    }
                    "endbfchar" => {
                        for p in args.chunks_exact(2) {
                            if let Tok::Hex(src) = &p[0] {
                                let dst = match &p[1] {
                                    Tok::Hex(d) => utf16be(d),
                                    Tok::Name(nm) => super::agl::glyph_to_unicode(nm).unwrap_or_default(),
                                    _ => continue,
                                };
                                cm.unicode.insert(code_of(src), dst);
                            }
                        }
                    }
                    "endbfrange" => cm.parse_bfrange(args),
                    "endcidchar" => {
                        for p in args.chunks_exact(2) {
                            if let (Tok::Hex(src), Tok::Int(cid)) = (&p[0], &p[1]) {
                                let c = code_of(src);
                                if cm.cid_ranges.len() < MAX_CID_RANGES {
                                    cm.cid_ranges.push((c, c, (*cid).max(0) as u32));
                                }
                            }
                        }
                    }
                    "endcidrange" => {
                        for p in args.chunks_exact(3) {
                            if let (Tok::Hex(lo), Tok::Hex(hi), Tok::Int(cid)) = (&p[0], &p[1], &p[2]) {
                                if cm.cid_ranges.len() < MAX_CID_RANGES {
                                    cm.cid_ranges.push((code_of(lo), code_of(hi), (*cid).max(0) as u32));
                                }
                            }
                        }
                    }
                    "usecmap" => {
                        if let Some(Tok::Name(nm)) = args.last() {
                            cm.usecmap = Some(nm.clone());
                        }
                    }
                    _ => {}
                }
                start = i + 1;
            } else if matches!(toks[i], Tok::ArrOpen) {
                // skip to matching close (arrays only appear in bfrange)
                while i < n && !matches!(toks[i], Tok::ArrClose) {
                    i += 1;
                }
            }
            i += 1;
        }
        if cm.cid_ranges.len() > 8 {
            let mut v = cm.cid_ranges.clone();
            v.sort_unstable_by_key(|r| r.0);
            if v.windows(2).all(|w| w[0].1 < w[1].0) && v.iter().all(|r| r.0 <= r.1) {
                cm.sorted = v;
            } else if let Some(t) = dense_cids(&cm.cid_ranges) {
                cm.dense = t;
            } else {
                // overlapping ranges of long codes: linear search, bounded
                cm.cid_ranges.truncate(MAX_LINEAR_RANGES);
            }
        }
        cm
    }

    fn parse_bfrange(&mut self, args: &[Tok]) {
        let mut i = 0;
        while i + 2 < args.len() {
            let (lo, hi) = match (&args[i], &args[i + 1]) {
                (Tok::Hex(a), Tok::Hex(b)) => (code_of(a), code_of(b)),
                _ => {
                    i += 1;
                    continue;
                }
            };
            if hi < lo || hi - lo > MAX_RANGE {
                i += 3;
                continue;
            }
            self.expanded += (hi - lo) as usize + 1;
            if self.expanded > MAX_EXPANDED {
                return;
            }
            match &args[i + 2] {
                Tok::Hex(d) => {
                    // increment the last UTF-16 unit
                    if d.len() >= 2 {
                        let mut units: Vec<u16> = d.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
                        let last = units.len() - 1;
                        let base = units[last];
                        for (k, code) in (lo..=hi).enumerate() {
                            units[last] = base.wrapping_add(k as u16);
                            let s: String =
                                char::decode_utf16(units.iter().copied()).map(|r| r.unwrap_or('\u{FFFD}')).collect();
                            self.unicode.insert(code, s);
                        }
                    } else if d.len() == 1 {
                        for (k, code) in (lo..=hi).enumerate() {
                            if let Some(c) = char::from_u32(d[0] as u32 + k as u32) {
                                self.unicode.insert(code, c.to_string());
                            }
                        }
                    }
                    i += 3;
                }
                Tok::ArrOpen => {
                    let mut j = i + 3;
                    let mut code = lo;
                    while j < args.len() && !matches!(args[j], Tok::ArrClose) {
                        if let Tok::Hex(d) = &args[j] {
                            if code <= hi {
                                self.unicode.insert(code, utf16be(d));
                            }
                            code = code.saturating_add(1);
                        }
                        j += 1;
                    }
                    i = j + 1;
                }
                _ => i += 3,
            }
        }
    }

    /// Map a code to a CID through cidchar/cidrange entries.
    pub fn cid(&self, code: u32) -> Option<u32> {
        if !self.dense.is_empty() {
            return self.dense.get(code as usize).copied().filter(|&c| c != u32::MAX);
        }
        if !self.sorted.is_empty() {
            let k = self.sorted.partition_point(|r| r.0 <= code);
            return match k.checked_sub(1).map(|k| self.sorted[k]) {
                Some((lo, hi, cid)) if code <= hi => Some(cid + (code - lo)),
                _ => None,
            };
        }
        for &(lo, hi, cid) in self.cid_ranges.iter().rev() {
            if code >= lo && code <= hi {
                return Some(cid + (code - lo));
            }
        }
        None
    }

    /// Length in bytes of the code starting at `bytes[0]` according to the
    /// codespace ranges (None when no range matches).
    pub fn code_len(&self, bytes: &[u8]) -> Option<usize> {
        'cs: for cs in &self.codespaces {
            if bytes.len() < cs.len {
                continue;
            }
            for ((&b, &lo), &hi) in bytes[..cs.len].iter().zip(&cs.lo).zip(&cs.hi) {
                if b < lo || b > hi {
                    continue 'cs;
                }
            }
            return Some(cs.len);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOUNICODE: &str = r#"/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CMapName /Adobe-Identity-UCS def
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
3 beginbfchar
<0003> <0020>
<0011> <00E8>
<0024> <FB01>
endbfchar
2 beginbfrange
<0030> <0032> <0041>
<0040> <0042> [<0061> <00660066> <D83DDE00>]
endbfrange
endcmap
CMapName currentdict /CMap defineresource pop
end
end"#;

    #[test]
    fn parses_bfchar_and_bfrange() {
        let cm = CMap::parse(TOUNICODE.as_bytes());
        assert_eq!(cm.codespaces.len(), 1);
        assert_eq!(cm.codespaces[0].len, 2);
        assert_eq!(cm.unicode.get(&3).map(|s| s.as_str()), Some(" "));
        assert_eq!(cm.unicode.get(&0x11).map(|s| s.as_str()), Some("è"));
        assert_eq!(cm.unicode.get(&0x24).map(|s| s.as_str()), Some("\u{FB01}"));
        assert_eq!(cm.unicode.get(&0x30).map(|s| s.as_str()), Some("A"));
        assert_eq!(cm.unicode.get(&0x32).map(|s| s.as_str()), Some("C"));
        assert_eq!(cm.unicode.get(&0x40).map(|s| s.as_str()), Some("a"));
        assert_eq!(cm.unicode.get(&0x41).map(|s| s.as_str()), Some("ff"));
        assert_eq!(cm.unicode.get(&0x42).map(|s| s.as_str()), Some("😀"));
        assert_eq!(cm.code_len(&[0x00, 0x41]), Some(2));
    }

    #[test]
    fn parses_mixed_codespaces_and_cids() {
        let src = b"begincmap 2 begincodespacerange <00> <80> <8140> <9FFC> endcodespacerange
            1 begincidrange <20> <7e> 1 endcidrange 1 begincidchar <8140> 633 endcidchar endcmap";
        let cm = CMap::parse(src);
        assert_eq!(cm.code_len(&[0x41, 0x81]), Some(1));
        assert_eq!(cm.code_len(&[0x81, 0x40]), Some(2));
        assert_eq!(cm.code_len(&[0xA0, 0x40]), None);
        assert_eq!(cm.cid(0x20), Some(1));
        assert_eq!(cm.cid(0x41), Some(0x41 - 0x20 + 1));
        assert_eq!(cm.cid(0x8140), Some(633));
    }

    #[test]
    fn single_byte_tounicode() {
        let src = b"1 begincodespacerange <00> <FF> endcodespacerange 1 beginbfrange <41> <43> <0061> endbfrange";
        let cm = CMap::parse(src);
        assert_eq!(cm.unicode.get(&0x42).map(|s| s.as_str()), Some("b"));
    }
}

#[cfg(test)]
mod hostile_tests {
    use super::*;

    #[test]
    fn overlapping_cid_ranges_later_wins_indexed() {
        let mut src = String::from("1 begincodespacerange <0000> <FFFF> endcodespacerange\n");
        src.push_str("3 begincidrange <0000> <00FF> 1000 <0010> <001F> 2000 <0015> <0015> 7 endcidrange\n");
        for k in 0..0x14 {
            src.push_str(&format!("1 begincidrange <{k:04X}> <{k:04X}> {} endcidrange\n", 500 + k));
        }
        let cm = CMap::parse(src.as_bytes());
        assert!(!cm.dense.is_empty());
        assert_eq!(cm.cid(0x0005), Some(505));
        assert_eq!(cm.cid(0x0012), Some(518));
        assert_eq!(cm.cid(0x0015), Some(7));
        assert_eq!(cm.cid(0x0016), Some(2006));
        assert_eq!(cm.cid(0x0020), Some(1032));
        assert_eq!(cm.cid(0x0100), None);
        // the same through the linear search
        let lin = CMap { cid_ranges: cm.cid_ranges.clone(), ..Default::default() };
        for code in [0x5, 0x12, 0x15, 0x16, 0x20, 0x100] {
            assert_eq!(lin.cid(code), cm.cid(code), "{code:#x}");
        }
    }
}
