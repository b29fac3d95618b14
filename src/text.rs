//! Text normalization shared by every stage: NFC, whitespace collapse, and the
//! contract's line-joining rule (a line ending with a hyphen or a slash joins the
//! next directly).

use unicode_normalization::UnicodeNormalization;

/// NFC + collapse runs of whitespace to one space + trim.
pub fn collapse(s: &str) -> String {
    // Common case: ASCII with single spaces only, already collapsed.
    if s.is_ascii() && !s.starts_with(' ') && !s.ends_with(' ') && !s.contains("  ") && !s.bytes().any(|b| b < b' ') {
        return s.to_string();
    }
    // Most text is already NFC (the extractor normalizes glyphs): skip the rebuild.
    let nfc: std::borrow::Cow<str> =
        if unicode_normalization::is_nfc_quick(s.chars()) == unicode_normalization::IsNormalized::Yes {
            std::borrow::Cow::Borrowed(s)
        } else {
            std::borrow::Cow::Owned(s.nfc().collect())
        };
    let mut out = String::with_capacity(nfc.len());
    for w in nfc.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// Join wrapped lines: one space between lines, except after a line that ends with a
/// hyphen or a slash glued to its last word (`tecnico-` + `manutentivi` =
/// `tecnico-manutentivi`, `Missione/` + `Programma` = `Missione/Programma`).
pub fn join_lines<'a, I: IntoIterator<Item = &'a str>>(lines: I) -> String {
    let mut out = String::new();
    for line in lines {
        let line = collapse(line);
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
    fn hyphen_join() {
        assert_eq!(join_lines(["tecnico-", "manutentivi"]), "tecnico-manutentivi");
        assert_eq!(join_lines(["a -", "b"]), "a - b");
        assert_eq!(join_lines(["uno", "", "due"]), "uno due");
        assert_eq!(join_lines(["Missione/", "Programma"]), "Missione/Programma");
        assert_eq!(join_lines(["MISSIONE /", "PROGRAMMA"]), "MISSIONE / PROGRAMMA");
        assert_eq!(join_lines(["e/o", "altro"]), "e/o altro");
    }
}
