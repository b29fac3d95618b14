//! Sheet stage: page layouts -> objective records (rule-based parser).

use crate::layout::PageLayout;
use crate::model::{Diagnostic, Objective};
use crate::params::Params;

/// Parse every objective sheet of a document, in document order.
pub fn parse(_pages: &[PageLayout], _params: &Params) -> (Vec<Objective>, Vec<Diagnostic>) {
    (Vec::new(), Vec::new())
}
