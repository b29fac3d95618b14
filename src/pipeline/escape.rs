//! Text printed to a terminal or a log is escaped: a file name or a message holds
//! whatever bytes its author chose, and a newline in it would forge a line of its
//! own, an ANSI or OSC escape would drive the terminal.

/// `s` with every control character made visible and never interpreted: `\n`,
/// `\r`, `\t` as those two characters, any other C0/C1 control (ESC, BEL, DEL...)
/// as `\xHH`, the bidirectional overrides and isolates (which reorder what a
/// terminal shows) as `\u{HHHH}`. Everything else, backslashes included, is kept.
pub fn escape(s: &str) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x100 && c.is_control() => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
                let _ = write!(out, "\\u{{{:04x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Why `name` cannot be the file name recorded for standard input
/// (`--stdin-name`), or `None` when it is a plain file name: not empty, not `.`
/// or `..`, no path separator (`/`, nor `\` which is one on Windows), no control
/// character.
pub fn plain_file_name_problem(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        Some("it is empty")
    } else if name == "." || name == ".." {
        Some("it names a directory")
    } else if name.contains(['/', '\\']) {
        Some("it holds a path separator")
    } else if name.chars().any(char::is_control) {
        Some("it holds a control character")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_made_visible() {
        assert_eq!(escape("a\nb\r\tc"), "a\\nb\\r\\tc");
        assert_eq!(escape("\u{1b}]0;pwned\u{7}x"), "\\x1b]0;pwned\\x07x");
        assert_eq!(escape("\u{9b}31m\u{7f}"), "\\x9b31m\\x7f");
        assert_eq!(escape("evil\u{202e}fdp.exe"), "evil\\u{202e}fdp.exe");
        assert_eq!(escape("dir\\piano è.pdf"), "dir\\piano è.pdf");
    }

    #[test]
    fn stdin_names_must_be_plain_file_names() {
        assert_eq!(plain_file_name_problem("piano 2024.pdf"), None);
        for bad in ["", ".", "..", "../x.pdf", "/etc/passwd", "a\\b.pdf", "a\nb.pdf"] {
            assert!(plain_file_name_problem(bad).is_some(), "{bad:?}");
        }
    }
}
