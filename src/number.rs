//! Numbers of the v2 fields that hold one number: an objective's, indicator's or
//! phase's *Peso* and a *Grado di raggiungimento* (`40%`, `15,0`, `1.250,50`).
//!
//! One reading for every such cell, [`parse_number`]: an empty cell is no number
//! (`Ok(None)`), a number is `Ok(Some(n))`, any other text is [`NoNumber`] (the
//! caller reports it: [`unparsed_diagnostic`]). What counts as the number is the
//! cell's [`Grammar`]:
//!
//! - [`Grammar::Target`], the objective's own weight and achievement (a grid cell or
//!   a `label: value` line): the target grammar's number ([`crate::target`], rule 5:
//!   Italian separators, the first number of the text, `circa 15` is 15);
//! - [`Grammar::Plain`], the number cells of the indicator and phase tables: the
//!   whole cell one plain number (`40%`, `25,5`, `1.250,50`; whitespace and a
//!   trailing `%` ignored), any other text (`circa 15`, `-5`) no number.

use crate::model::{DiagCode, Diagnostic};
use crate::text::collapse;
use regex::Regex;
use std::sync::OnceLock;

/// A cell that holds text but no number (`n.d.`, `-`, `da definire`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoNumber {
    /// The cell as printed, whitespace collapsed.
    pub raw: String,
}

/// Which text of a cell is its number (see the module documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grammar {
    /// The target grammar's number: the first number-shaped token of the text.
    Target,
    /// The whole cell is one number, digits with Italian or plain separators.
    Plain,
}

/// Parse a one-number cell: `Ok(Some(n))` for a number (`15`, `15%`, `15,0` are
/// all 15.0; `1.250,50` is 1250.5), `Ok(None)` for an empty cell (whitespace only),
/// `Err(NoNumber)` for a cell that holds no number in the `grammar`.
pub fn parse_number(cell: &str, grammar: Grammar) -> Result<Option<f64>, NoNumber> {
    let raw = collapse(cell);
    if raw.is_empty() {
        return Ok(None);
    }
    let value = match grammar {
        Grammar::Target => crate::target::parse(&raw).value,
        Grammar::Plain => plain_number(cell),
    };
    match value {
        Some(v) => Ok(Some(v)),
        None => Err(NoNumber { raw }),
    }
}

/// The whole of `cell` (whitespace removed, trailing `%` ignored) as one number:
/// digits with dots grouping thousands and a decimal comma (`1.250,50`), or digits
/// with one decimal dot or comma (`25,5`, `0.5`).
fn plain_number(cell: &str) -> Option<f64> {
    static GROUPED: OnceLock<Regex> = OnceLock::new();
    static PLAIN: OnceLock<Regex> = OnceLock::new();
    let re = |cell: &'static OnceLock<Regex>, pattern: &str| {
        cell.get_or_init(|| Regex::new(pattern).expect("number pattern compiles"))
    };
    let t: String = cell.split_whitespace().collect();
    let t = t.trim_end_matches('%');
    let digits = if re(&GROUPED, r"^\d{1,3}(\.\d{3})+(,\d+)?$").is_match(t) {
        t.replace('.', "").replace(',', ".")
    } else if re(&PLAIN, r"^\d+([.,]\d+)?$").is_match(t) {
        t.replace(',', ".")
    } else {
        return None;
    };
    digits.parse().ok()
}

/// The `objective.value_unparsed` warning for a number field whose cell holds no
/// number: `2024_A101: weight "n.d." has no number`. `field` is the field's output
/// name (`weight`, `achievement`, `indicators[0].weight`, `phases[2].weight`).
pub fn unparsed_diagnostic(page: Option<u32>, code: &str, field: &str, bad: &NoNumber) -> Diagnostic {
    Diagnostic::warning(
        page,
        DiagCode::ObjectiveValueUnparsed,
        format!("{code}: {field} \"{}\" has no number", bad.raw),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use Grammar::*;

    #[test]
    fn weights_with_italian_separators_and_percent() {
        for g in [Target, Plain] {
            for s in ["15", "15,0", "15%", " 15 % ", "15,00%"] {
                assert_eq!(parse_number(s, g), Ok(Some(15.0)), "{s:?} {g:?}");
            }
            assert_eq!(parse_number("1.250,50", g), Ok(Some(1250.5)));
            assert_eq!(parse_number("96,5%", g), Ok(Some(96.5)));
            assert_eq!(parse_number("81,25 %", g), Ok(Some(81.25)));
            assert_eq!(parse_number("25.5", g), Ok(Some(25.5)));
            assert_eq!(parse_number("0.5", g), Ok(Some(0.5)));
            assert_eq!(parse_number("0%", g), Ok(Some(0.0)));
        }
    }

    #[test]
    fn empty_is_null_and_no_number_is_an_error() {
        for g in [Target, Plain] {
            assert_eq!(parse_number("", g), Ok(None));
            assert_eq!(parse_number("  \n ", g), Ok(None));
            assert_eq!(parse_number("n.d.", g), Err(NoNumber { raw: "n.d.".into() }));
            assert_eq!(parse_number("-", g), Err(NoNumber { raw: "-".into() }));
            assert_eq!(parse_number(" da  definire", g), Err(NoNumber { raw: "da definire".into() }));
            assert!(parse_number("%", g).is_err());
        }
        let d = unparsed_diagnostic(Some(3), "2024_A101", "weight", &NoNumber { raw: "n.d.".into() });
        assert_eq!(d.code, "objective.value_unparsed");
        assert_eq!(d.message, "2024_A101: weight \"n.d.\" has no number");
        assert_eq!(d.page, Some(3));
    }

    /// Where the two grammars part: the plain one takes only a whole cell of digits.
    #[test]
    fn the_plain_grammar_takes_only_a_whole_number() {
        for (s, target, plain) in [
            ("circa 15", Some(15.0), None),
            (">= 90%", Some(90.0), None),
            ("-5", Some(-5.0), None),
            ("1'250", Some(1250.0), None),
            ("1,250,000", Some(1_250_000.0), None),
            ("5k", Some(5000.0), None),
            ("15,", Some(15.0), None),
            ("12 5", Some(12.0), Some(125.0)),
            ("0.500", Some(0.5), Some(500.0)),
        ] {
            assert_eq!(parse_number(s, Target).ok().flatten(), target, "{s:?}");
            assert_eq!(parse_number(s, Plain).ok().flatten(), plain, "{s:?}");
        }
    }
}
