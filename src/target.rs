//! Target normalization: the raw *Valore Atteso* cell -> [`Target`] (number with
//! Italian separators, unit, comparator, ISO deadline date, SI/NO boolean).

use crate::model::Target;

/// Normalize one target cell. `raw` is the cell text with whitespace collapsed.
pub fn parse(raw: &str) -> Target {
    Target { raw: raw.to_string(), ..Default::default() }
}
