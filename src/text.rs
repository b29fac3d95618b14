//! Text normalization shared by every stage: NFC, whitespace collapse, and the
//! contract's line-joining rule (a line ending with a hyphen or a slash joins the
//! next directly).

use std::borrow::Cow;
use unicode_normalization::{IsNormalized, UnicodeNormalization};

/// NFC + collapse runs of whitespace to one space + trim.
pub fn collapse(s: &str) -> String {
    collapse_cow(s).into_owned()
}

/// [`collapse`], borrowing `s` when it is already collapsed (most text is: the
/// extractor normalizes glyphs and spaces).
fn collapse_cow(s: &str) -> Cow<'_, str> {
    if is_plain(s) {
        return Cow::Borrowed(s);
    }
    let nfc: Cow<str> = if is_nfc(s) { Cow::Borrowed(s) } else { Cow::Owned(s.nfc().collect()) };
    if is_collapsed(&nfc) {
        return nfc;
    }
    let mut out = String::with_capacity(nfc.len());
    for w in nfc.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    Cow::Owned(out)
}

/// The common case, in one pass over the bytes: only characters below U+0300 (NFC
/// on their own, combining with nothing), none of them whitespace but single ASCII
/// spaces between words. (A byte 0xC2 may start U+0085 or U+00A0, which are
/// whitespace: such text takes the general way.)
fn is_plain(s: &str) -> bool {
    let b = s.as_bytes();
    if b.first() == Some(&b' ') || b.last() == Some(&b' ') {
        return false;
    }
    // Block by block, with no early exit inside a block (the compiler turns the folds
    // into vector compares): most text is plain and read to its end. A block's pairs
    // reach one byte into the next block, so no two spaces in a row are missed.
    const BLOCK: usize = 64;
    let mut start = 0;
    while start < b.len() {
        let end = (start + BLOCK).min(b.len());
        let odd = b[start..end].iter().fold(false, |a, &x| a | not_plain(x));
        let with_next = &b[start..(end + 1).min(b.len())];
        let spaces = with_next.iter().zip(&with_next[1..]).fold(false, |a, (&x, &y)| a | (x == b' ' && y == b' '));
        if odd || spaces {
            return false;
        }
        start = end;
    }
    true
}

/// A byte that plain text ([`is_plain`]) has none of: whitespace other than the
/// ASCII space (tab to carriage return, the information separators), the lead byte
/// of U+0080..U+00BF (U+0085 and U+00A0 are whitespace), and lead bytes from U+0300.
fn not_plain(x: u8) -> bool {
    (0x09..=0x0D).contains(&x) || (0x1C..=0x1F).contains(&x) || x == 0xC2 || x >= 0xCC
}

/// Whether `s` is in NFC. Every character below U+0300 (every byte of its UTF-8
/// below 0xCC) is NFC on its own and combines with nothing before it; otherwise the
/// quick check decides.
fn is_nfc(s: &str) -> bool {
    s.bytes().all(|b| b < 0xCC) || unicode_normalization::is_nfc_quick(s.chars()) == IsNormalized::Yes
}

/// Whether `s` has no whitespace but single ASCII spaces between words (what
/// joining its whitespace-separated words with one space gives back unchanged).
fn is_collapsed(s: &str) -> bool {
    let mut prev_space = true; // no leading space
    for c in s.chars() {
        if c == ' ' {
            if prev_space {
                return false;
            }
            prev_space = true;
        } else if c.is_whitespace() {
            return false;
        } else {
            prev_space = false;
        }
    }
    !prev_space || s.is_empty()
}

/// Join wrapped lines: one space between lines, except after a line that ends with a
/// hyphen or a slash glued to its last word (`tecnico-` + `manutentivi` =
/// `tecnico-manutentivi`, `Missione/` + `Programma` = `Missione/Programma`).
pub fn join_lines<'a, I: IntoIterator<Item = &'a str>>(lines: I) -> String {
    let mut out = String::new();
    for line in lines {
        let line = collapse_cow(line);
        if line.is_empty() {
            continue;
        }
        if !out.is_empty() && !ends_with_glued_hyphen(&out) {
            out.push(' ');
        }
        out.push_str(&line);
    }
    out
}

fn ends_with_glued_hyphen(s: &str) -> bool {
    let mut it = s.chars().rev();
    matches!((it.next(), it.next()), (Some('-' | '/'), Some(c)) if c.is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn collapse_ws_and_nfc() {
        assert_eq!(collapse("  a \t b\n c "), "a b c");
        assert_eq!(collapse("citta\u{300}"), "citt\u{e0}");
    }
    #[test]
    fn collapse_equals_the_steps() {
        // NFC, then the words joined with one space.
        let by_steps = |s: &str| s.nfc().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ");
        let alphabet: Vec<char> = "a \t\n\u{a0}\u{85}\u{2009}e\u{301}\u{300}\u{e0}\u{2126}x\u{1}".chars().collect();
        let mut seed = 0x2545_f491u32;
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            let (mut r, mut s) = (seed, String::new());
            for _ in 0..(seed % 7) {
                s.push(alphabet[(r % alphabet.len() as u32) as usize]);
                r /= alphabet.len() as u32;
            }
            assert_eq!(collapse(&s), by_steps(&s), "{s:?}");
        }
    }

    #[test]
    fn plain_text_is_told_across_blocks() {
        // The one-pass reading of `is_plain`, byte by byte.
        let by_bytes = |s: &str| {
            let mut prev_space = true;
            for &b in s.as_bytes() {
                match b {
                    b' ' if prev_space => return false,
                    b' ' => prev_space = true,
                    x if not_plain(x) => return false,
                    _ => prev_space = false,
                }
            }
            !prev_space || s.is_empty()
        };
        let mut seed = 0x9e37_79b9u32;
        for len in 0..200 {
            for _ in 0..20 {
                let mut s: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
                for _ in 0..2 {
                    seed ^= seed << 13;
                    seed ^= seed >> 17;
                    seed ^= seed << 5;
                    if len > 0 {
                        let at = seed as usize % len;
                        s[at] = [b' ', b'\t', b'\r', 0x1F][(seed >> 24) as usize % 4];
                    }
                }
                let s = String::from_utf8(s).expect("ascii");
                assert_eq!(is_plain(&s), by_bytes(&s), "{s:?}");
                for t in [format!("{s}\u{a0}"), format!("\u{300}{s}"), format!("{s}\u{e0}")] {
                    assert_eq!(is_plain(&t), by_bytes(&t), "{t:?}");
                }
            }
        }
    }

    #[test]
    fn hyphen_join() {
        assert_eq!(join_lines(["tecnico-", "manutentivi"]), "tecnico-manutentivi");
        assert_eq!(join_lines(["a -", "b"]), "a - b");
        assert_eq!(join_lines(["uno", "", "due"]), "uno due");
        assert_eq!(join_lines(["Missione/", "Programma"]), "Missione/Programma");
        assert_eq!(join_lines(["MISSIONE /", "PROGRAMMA"]), "MISSIONE / PROGRAMMA");
        assert_eq!(join_lines(["e/o", "altro"]), "e/o altro");
    }
}
