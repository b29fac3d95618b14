//! Content-stream tokenizer: operands and operators, zero-copy where possible.

use std::borrow::Cow;

#[derive(Debug, Clone, PartialEq)]
pub enum Operand<'a> {
    Num(f32),
    Name(Cow<'a, [u8]>),
    Str(Cow<'a, [u8]>),
    Array(Vec<Operand<'a>>),
    Bool(bool),
    Null,
    /// A dictionary (marked-content properties, inline image headers): kept as pairs.
    Dict(Vec<(Cow<'a, [u8]>, Operand<'a>)>),
}

impl<'a> Operand<'a> {
    #[inline]
    pub fn num(&self) -> Option<f32> {
        match self {
            Operand::Num(v) => Some(*v),
            _ => None,
        }
    }
}

pub enum Token<'a> {
    Operand(Operand<'a>),
    Op(&'a [u8]),
    ArrayClose,
    DictClose,
}

pub struct Lexer<'a> {
    pub data: &'a [u8],
    pub pos: usize,
    /// Items stored in the current top-level operand (see `MAX_ITEMS`).
    items: usize,
}

#[inline]
pub fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t' | 0 | 0x0c)
}
#[inline]
fn is_delim(b: u8) -> bool {
    matches!(b, b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%')
}
#[inline]
const fn hexv(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

const MAX_NEST: usize = 32;
/// Items (array elements, dictionary values) kept in one top-level operand, nested
/// ones included: a 64 MiB `[0 0 0 ...]` must not become a gigabyte of operands.
const MAX_ITEMS: usize = 100_000;

impl<'a> Lexer<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Lexer { data, pos: 0, items: 0 }
    }

    fn skip_ws(&mut self) {
        let d = self.data;
        while self.pos < d.len() {
            let b = d[self.pos];
            if is_ws(b) {
                self.pos += 1;
            } else if b == b'%' {
                while self.pos < d.len() && d[self.pos] != b'\n' && d[self.pos] != b'\r' {
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// Next token, or None at end of data.
    pub fn next_token(&mut self) -> Option<Token<'a>> {
        self.items = 0;
        self.next_nested(0)
    }

    fn next_nested(&mut self, depth: usize) -> Option<Token<'a>> {
        loop {
            self.skip_ws();
            let d = self.data;
            if self.pos >= d.len() {
                return None;
            }
            let b = d[self.pos];
            match b {
                b'/' => {
                    self.pos += 1;
                    let s = self.pos;
                    while self.pos < d.len() && !is_ws(d[self.pos]) && !is_delim(d[self.pos]) {
                        self.pos += 1;
                    }
                    let raw = &d[s..self.pos];
                    let name = if raw.contains(&b'#') { Cow::Owned(unescape_name(raw)) } else { Cow::Borrowed(raw) };
                    return Some(Token::Operand(Operand::Name(name)));
                }
                b'(' => return Some(Token::Operand(Operand::Str(self.literal()))),
                b'<' => {
                    if d.get(self.pos + 1) == Some(&b'<') {
                        self.pos += 2;
                        return Some(Token::Operand(self.dict(depth)));
                    }
                    self.pos += 1;
                    // sized once: glyph-id strings of CID fonts are long and many
                    let len = d[self.pos..].iter().position(|&c| c == b'>').unwrap_or(d.len() - self.pos);
                    if let Some(out) = hex_pairs(&d[self.pos..self.pos + len]) {
                        self.pos += len + 1;
                        return Some(Token::Operand(Operand::Str(Cow::Owned(out))));
                    }
                    let mut out = Vec::with_capacity(len.div_ceil(2));
                    let mut hi: Option<u8> = None;
                    while self.pos < d.len() && d[self.pos] != b'>' {
                        if let Some(v) = hexv(d[self.pos]) {
                            match hi.take() {
                                Some(h) => out.push(h << 4 | v),
                                None => hi = Some(v),
                            }
                        }
                        self.pos += 1;
                    }
                    if let Some(h) = hi {
                        out.push(h << 4);
                    }
                    self.pos += 1;
                    return Some(Token::Operand(Operand::Str(Cow::Owned(out))));
                }
                b'>' => {
                    self.pos += 1;
                    if d.get(self.pos) == Some(&b'>') {
                        self.pos += 1;
                    }
                    return Some(Token::DictClose);
                }
                b'[' => {
                    self.pos += 1;
                    let mut items = Vec::with_capacity(8);
                    if depth >= MAX_NEST {
                        return Some(Token::Operand(Operand::Array(items)));
                    }
                    loop {
                        match self.next_nested(depth + 1) {
                            None | Some(Token::ArrayClose) => break,
                            Some(Token::Operand(o)) => {
                                if self.items < MAX_ITEMS {
                                    self.items += 1;
                                    items.push(o)
                                }
                            }
                            Some(Token::Op(_)) | Some(Token::DictClose) => {}
                        }
                    }
                    return Some(Token::Operand(Operand::Array(items)));
                }
                b']' => {
                    self.pos += 1;
                    return Some(Token::ArrayClose);
                }
                b')' | b'{' | b'}' => {
                    self.pos += 1;
                    continue;
                }
                b'0'..=b'9' | b'+' | b'-' | b'.' => {
                    let s = self.pos;
                    self.pos += 1;
                    while self.pos < d.len() && matches!(d[self.pos], b'0'..=b'9' | b'.' | b'-' | b'+') {
                        self.pos += 1;
                    }
                    return Some(Token::Operand(Operand::Num(parse_num(&d[s..self.pos]))));
                }
                _ => {
                    let s = self.pos;
                    while self.pos < d.len() && !is_ws(d[self.pos]) && !is_delim(d[self.pos]) {
                        self.pos += 1;
                    }
                    if s == self.pos {
                        self.pos += 1;
                        continue;
                    }
                    let w = &d[s..self.pos];
                    return Some(match w {
                        b"true" => Token::Operand(Operand::Bool(true)),
                        b"false" => Token::Operand(Operand::Bool(false)),
                        b"null" => Token::Operand(Operand::Null),
                        _ => Token::Op(w),
                    });
                }
            }
        }
    }

    fn dict(&mut self, depth: usize) -> Operand<'a> {
        let mut pairs = Vec::new();
        let mut key: Option<Cow<'a, [u8]>> = None;
        if depth >= MAX_NEST {
            return Operand::Dict(pairs);
        }
        loop {
            match self.next_nested(depth + 1) {
                None | Some(Token::DictClose) => break,
                Some(Token::Operand(o)) => match key.take() {
                    None => {
                        if let Operand::Name(n) = o {
                            key = Some(n)
                        }
                    }
                    Some(k) => {
                        if self.items < MAX_ITEMS {
                            self.items += 1;
                            pairs.push((k, o))
                        }
                    }
                },
                Some(Token::Op(_)) | Some(Token::ArrayClose) => {}
            }
        }
        Operand::Dict(pairs)
    }

    fn literal(&mut self) -> Cow<'a, [u8]> {
        let d = self.data;
        self.pos += 1;
        let s = self.pos;
        // fast path: no escapes, no nested parens
        let mut i = s;
        while i < d.len() {
            match d[i] {
                b')' => {
                    self.pos = i + 1;
                    return Cow::Borrowed(&d[s..i]);
                }
                b'\\' | b'(' | b'\r' => break,
                _ => i += 1,
            }
        }
        let mut out = Vec::with_capacity(i - s + 8);
        out.extend_from_slice(&d[s..i]);
        self.pos = i;
        let mut depth = 1;
        while self.pos < d.len() {
            let b = d[self.pos];
            self.pos += 1;
            match b {
                b'\\' => {
                    if self.pos >= d.len() {
                        break;
                    }
                    let e = d[self.pos];
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'\r' => {
                            if d.get(self.pos) == Some(&b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        b'0'..=b'7' => {
                            let mut v = (e - b'0') as u32;
                            for _ in 0..2 {
                                match d.get(self.pos) {
                                    Some(&c @ b'0'..=b'7') => {
                                        v = v * 8 + (c - b'0') as u32;
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push(v as u8);
                        }
                        other => out.push(other),
                    }
                }
                b'(' => {
                    depth += 1;
                    out.push(b);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                    out.push(b);
                }
                b'\r' => {
                    out.push(b'\n');
                    if d.get(self.pos) == Some(&b'\n') {
                        self.pos += 1;
                    }
                }
                _ => out.push(b),
            }
        }
        Cow::Owned(out)
    }

    /// After `ID`: skip the inline image data up to and including `EI`.
    pub fn skip_inline_image(&mut self) {
        let d = self.data;
        // one whitespace byte after ID
        if self.pos < d.len() && is_ws(d[self.pos]) {
            self.pos += 1;
        }
        let mut i = self.pos;
        while i + 1 < d.len() {
            if d[i] == b'E' && d[i + 1] == b'I' && (i == 0 || is_ws(d[i - 1])) && (i + 2 >= d.len() || is_ws(d[i + 2]))
            {
                self.pos = i + 2;
                return;
            }
            i += 1;
        }
        self.pos = d.len();
    }
}

/// Value of each hex digit, 0xff for any other byte.
static HEX: [u8; 256] = {
    let mut t = [0xffu8; 256];
    let mut i = 0;
    while i < 256 {
        if let Some(v) = hexv(i as u8) {
            t[i] = v;
        }
        i += 1;
    }
    t
};

/// The common hex string, an even number of digits and nothing else, decoded
/// two digits at a time (glyph codes of CID fonts: a third of a plan's content
/// bytes); `None` for any other, which the general loop reads.
fn hex_pairs(s: &[u8]) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() / 2);
    for p in s.chunks_exact(2) {
        let (h, l) = (HEX[p[0] as usize], HEX[p[1] as usize]);
        if (h | l) & 0xf0 != 0 {
            return None;
        }
        out.push(h << 4 | l);
    }
    Some(out)
}

fn unescape_name(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'#' && i + 2 < raw.len() {
            if let (Some(h), Some(l)) = (hexv(raw[i + 1]), hexv(raw[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(raw[i]);
        i += 1;
    }
    out
}

pub fn parse_num(s: &[u8]) -> f32 {
    // hand-rolled: sign, integer part, fraction; tolerant of junk like "--5" or "1.2.3"
    let mut i = 0;
    let mut neg = false;
    while i < s.len() && (s[i] == b'-' || s[i] == b'+') {
        if s[i] == b'-' {
            neg = !neg;
        }
        i += 1;
    }
    let mut v: f64 = 0.0;
    while i < s.len() && s[i].is_ascii_digit() {
        v = v * 10.0 + (s[i] - b'0') as f64;
        i += 1;
    }
    if i < s.len() && s[i] == b'.' {
        i += 1;
        let mut scale = 0.1;
        while i < s.len() && s[i].is_ascii_digit() {
            v += (s[i] - b'0') as f64 * scale;
            scale *= 0.1;
            i += 1;
        }
    }
    let v = if neg { -v } else { v } as f32;
    if v.is_finite() {
        v
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(src: &[u8]) -> Vec<String> {
        let mut l = Lexer::new(src);
        let mut out = Vec::new();
        while let Some(t) = l.next_token() {
            out.push(match t {
                Token::Op(o) => format!("op:{}", String::from_utf8_lossy(o)),
                Token::Operand(o) => format!("{:?}", o),
                Token::ArrayClose => "]".into(),
                Token::DictClose => ">>".into(),
            });
        }
        out
    }

    #[test]
    fn lexes_basic() {
        let t = all(b"BT /F1 12 Tf 1 0 0 1 72.5 -.5 Tm (a\\(b\\)c\\101) Tj [(x) -250 <0041>] TJ ET");
        assert_eq!(t[0], "op:BT");
        assert!(t[1].contains("Name"));
        assert_eq!(t[2], "Num(12.0)");
        assert_eq!(t[9], "Num(-0.5)");
        assert!(t[11].contains("[97, 40, 98, 41, 99, 65]"));
        assert!(t.iter().any(|s| s == "op:TJ"));
    }

    #[test]
    fn hex_strings_with_and_without_the_fast_path() {
        // even digits only: two at a time; odd, spaced or junk: the general loop
        for (src, want) in [
            (&b"<00410042>"[..], &[0x00u8, 0x41, 0x00, 0x42][..]),
            (b"<aBcD>", &[0xab, 0xcd]),
            (b"<>", &[]),
            (b"<414>", &[0x41, 0x40]),
            (b"<41 42>", &[0x41, 0x42]),
            (b"<4x1>", &[0x41]),
            (b"<4142", &[0x41, 0x42]),
        ] {
            let mut l = Lexer::new(src);
            match l.next_token() {
                Some(Token::Operand(Operand::Str(s))) => assert_eq!(&*s, want, "{}", String::from_utf8_lossy(src)),
                _ => panic!("no string"),
            }
            // past the closing `>` (or one past the end of an unterminated string)
            assert_eq!(l.pos, src.len() + usize::from(!src.ends_with(b">")));
        }
    }

    #[test]
    fn nums() {
        assert_eq!(parse_num(b"-12.25"), -12.25);
        assert_eq!(parse_num(b".5"), 0.5);
        assert_eq!(parse_num(b"--3"), 3.0);
        assert_eq!(parse_num(b"4."), 4.0);
    }

    #[test]
    fn inline_image_skip() {
        let mut l = Lexer::new(b"BI /W 2 /H 2 /BPC 8 ID \x00EI\xffEI x EI Q");
        let mut ops = Vec::new();
        while let Some(t) = l.next_token() {
            if let Token::Op(o) = t {
                ops.push(o.to_vec());
                if o == b"ID" {
                    l.skip_inline_image();
                }
            }
        }
        assert_eq!(ops, vec![b"BI".to_vec(), b"ID".to_vec(), b"Q".to_vec()]);
    }
}
