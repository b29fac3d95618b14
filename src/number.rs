//! Numbers of the v2 fields that hold one number: an objective's, indicator's or
//! phase's *Peso* and a *Grado di raggiungimento* (`40%`, `15,0`, `1.250,50`).
//!
//! The number grammar is the target grammar's ([`crate::target`], rule 5: Italian
//! separators, a trailing `%` ignored); this module only says what an empty cell and
//! a cell without a number mean for such a field, and words the diagnostic.

use crate::model::{DiagCode, Diagnostic};
use crate::text::collapse;

/// A cell that holds text but no number (`n.d.`, `-`, `da definire`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoNumber {
    /// The cell as printed, whitespace collapsed.
    pub raw: String,
}

/// Parse a weight or achievement cell: `Ok(Some(n))` for a number (`15`, `15%`,
/// `15,0` are all 15.0; `1.250,50` is 1250.5), `Ok(None)` for an empty cell,
/// `Err(NoNumber)` for a cell that holds no number (the caller reports it with
/// [`unparsed_diagnostic`]).
pub fn parse_weight(cell: &str) -> Result<Option<f64>, NoNumber> {
    let raw = collapse(cell);
    if raw.is_empty() {
        return Ok(None);
    }
    match crate::target::parse(&raw).value {
        Some(v) => Ok(Some(v)),
        None => Err(NoNumber { raw }),
    }
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

    #[test]
    fn weights_with_italian_separators_and_percent() {
        for s in ["15", "15,0", "15%", " 15 % ", "15,00%"] {
            assert_eq!(parse_weight(s), Ok(Some(15.0)), "{s:?}");
        }
        assert_eq!(parse_weight("1.250,50"), Ok(Some(1250.5)));
        assert_eq!(parse_weight("96,5%"), Ok(Some(96.5)));
        assert_eq!(parse_weight("25.5"), Ok(Some(25.5)));
        assert_eq!(parse_weight("0%"), Ok(Some(0.0)));
    }

    #[test]
    fn empty_is_null_and_no_number_is_an_error() {
        assert_eq!(parse_weight(""), Ok(None));
        assert_eq!(parse_weight("  \n "), Ok(None));
        assert_eq!(parse_weight("n.d."), Err(NoNumber { raw: "n.d.".into() }));
        assert_eq!(parse_weight("-"), Err(NoNumber { raw: "-".into() }));
        assert!(parse_weight("da definire").is_err());
        let d = unparsed_diagnostic(Some(3), "2024_A101", "weight", &NoNumber { raw: "n.d.".into() });
        assert_eq!(d.code, "objective.value_unparsed");
        assert_eq!(d.message, "2024_A101: weight \"n.d.\" has no number");
        assert_eq!(d.page, Some(3));
    }
}
