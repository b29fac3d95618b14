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

    /// The operand owns no memory (a number, a borrowed name or string...).
    #[inline]
    pub fn owns_nothing(&self) -> bool {
        matches!(
            self,
            Operand::Num(_)
                | Operand::Bool(_)
                | Operand::Null
                | Operand::Name(Cow::Borrowed(_))
                | Operand::Str(Cow::Borrowed(_))
        )
    }
}

/// Empty an operand stack. Most operands own nothing, and then they are let go
/// without their drop (an out-of-line call per operand, recursive through
/// arrays: 3% of the interpreter).
#[inline]
pub fn clear_operands(ops: &mut Vec<Operand<'_>>) {
    if ops.iter().all(Operand::owns_nothing) {
        // SAFETY: a length of 0 is within the capacity and covers no element;
        // the elements let go own no memory, so nothing leaks either.
        unsafe { ops.set_len(0) }
    } else {
        ops.clear();
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
pub const fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t' | 0 | 0x0c)
}
#[inline]
const fn is_delim(b: u8) -> bool {
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

/// Bytes that are neither whitespace nor delimiters: those of names and
/// operators. Looked up once a byte (the two tests compiled to a jump table).
static REGULAR: [bool; 256] = {
    let mut t = [true; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = !is_ws(i as u8) && !is_delim(i as u8);
        i += 1;
    }
    t
};

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
    #[inline(always)]
    pub fn next_token(&mut self) -> Option<Token<'a>> {
        self.items = 0;
        self.next_nested(0)
    }

    /// Inlined into its callers (the interpreter's loop, and the array and
    /// dictionary readers it recurses through): a call per token cost more
    /// than reading most tokens.
    #[inline(always)]
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
                    while self.pos < d.len() && REGULAR[d[self.pos] as usize] {
                        self.pos += 1;
                    }
                    let raw = &d[s..self.pos];
                    let name = if raw.contains(&b'#') { Cow::Owned(unescape_name(raw)) } else { Cow::Borrowed(raw) };
                    return Some(Token::Operand(Operand::Name(name)));
                }
                b'(' => return Some(Token::Operand(Operand::Str(self.literal()))),
                b'<' => return Some(Token::Operand(self.angle(depth))),
                b'>' => {
                    self.pos += 1;
                    if d.get(self.pos) == Some(&b'>') {
                        self.pos += 1;
                    }
                    return Some(Token::DictClose);
                }
                b'[' => return Some(Token::Operand(self.array(depth))),
                b']' => {
                    self.pos += 1;
                    return Some(Token::ArrayClose);
                }
                b')' | b'{' | b'}' => {
                    self.pos += 1;
                    continue;
                }
                b'0'..=b'9' | b'+' | b'-' | b'.' => {
                    // read as it is scanned (a second pass over the digits cost a
                    // tenth of the lexer); junk after the number ("1.2.3", "4-5")
                    // stays part of the token and is ignored
                    let (v, n) = parse_num_prefix(&d[self.pos..]);
                    self.pos += n.max(1);
                    while self.pos < d.len() && matches!(d[self.pos], b'0'..=b'9' | b'.' | b'-' | b'+') {
                        self.pos += 1;
                    }
                    return Some(Token::Operand(Operand::Num(v)));
                }
                _ => {
                    let s = self.pos;
                    while self.pos < d.len() && REGULAR[d[self.pos] as usize] {
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

    /// After `<`: a dictionary (`<<`) or a hex string. Kept out of
    /// [`Lexer::next_nested`] with the array and the literal string, so that the
    /// common tokens (numbers, operators, names) run through a small function.
    #[inline(never)]
    fn angle(&mut self, depth: usize) -> Operand<'a> {
        let d = self.data;
        if d.get(self.pos + 1) == Some(&b'<') {
            self.pos += 2;
            return self.dict(depth);
        }
        self.pos += 1;
        // sized once: glyph-id strings of CID fonts are long and many
        // (memchr: the byte-by-byte scan cost 6 instructions a digit)
        let len = memchr::memchr(b'>', &d[self.pos..]).unwrap_or(d.len() - self.pos);
        if let Some(out) = hex_pairs(&d[self.pos..self.pos + len]) {
            self.pos += len + 1;
            return Operand::Str(Cow::Owned(out));
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
        Operand::Str(Cow::Owned(out))
    }

    /// After `[`: the array's items up to `]`.
    #[inline(never)]
    fn array(&mut self, depth: usize) -> Operand<'a> {
        self.pos += 1;
        let mut items = Vec::with_capacity(8);
        if depth >= MAX_NEST {
            return Operand::Array(items);
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
        Operand::Array(items)
    }

    #[inline(never)]
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

    #[inline(never)]
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

/// The common hex string, an even number of digits and nothing else, decoded
/// two digits at a time (glyph codes of CID fonts: a third of a plan's content
/// bytes); `None` for any other, which the general loop reads. Digits are read
/// and checked by arithmetic, with no branch or table per byte, and checked
/// once at the end: the loop then runs many pairs an instruction (a table
/// lookup and a check per pair cost 18 instructions a byte decoded).
fn hex_pairs(s: &[u8]) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    // '0'-'9' are 0x30-0x39, 'A'-'F' 0x41-0x46, 'a'-'f' 0x61-0x66: the low
    // nibble, plus 9 for the letters (bit 6 set); other bytes give garbage,
    // which the check rejects
    let value = |c: u8| (c & 0x0f) + if c & 0x40 != 0 { 9 } else { 0 };
    let is_digit = |c: u8| (c.wrapping_sub(b'0') < 10) | ((c | 0x20).wrapping_sub(b'a') < 6);
    let mut out = vec![0u8; s.len() / 2];
    let mut ok = true;
    for (o, p) in out.iter_mut().zip(s.chunks_exact(2)) {
        ok &= is_digit(p[0]) & is_digit(p[1]);
        *o = value(p[0]) << 4 | value(p[1]);
    }
    ok.then_some(out)
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
    parse_num_prefix(s).0
}

/// The number at the start of `s` and the bytes it takes: signs, integer part,
/// fraction; tolerant of junk like "--5" or "1.2.3" (what follows the number is
/// left).
#[inline]
fn parse_num_prefix(s: &[u8]) -> (f32, usize) {
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
    (if v.is_finite() { v } else { 0.0 }, i)
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
            (b"<FfAa0919>", &[0xff, 0xaa, 0x09, 0x19]),
            // bytes next to the digits and letters are no digits
            (b"<4G>", &[0x40]),
            (b"<:0>", &[0x00]),
            (b"<@1`2/3>", &[0x12, 0x30]),
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
    fn number_tokens_take_their_junk() {
        // read in one pass: what follows the number up to the next other byte
        // is part of the token (and ignored), as when scanned first
        let t = all(b"1.2.3 --5 4-5 .5 - + 7. 12+ 3.25Tj");
        assert_eq!(
            t,
            [
                "Num(1.2)",
                "Num(5.0)",
                "Num(4.0)",
                "Num(0.5)",
                "Num(-0.0)",
                "Num(0.0)",
                "Num(7.0)",
                "Num(12.0)",
                "Num(3.25)",
                "op:Tj"
            ]
        );
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
