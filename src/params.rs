//! Every layout and parsing threshold in one place. Distances are multiples of the
//! font size (em) of the text involved, so the same rules hold at 7 pt and at 12 pt;
//! the few absolute values are in points and say so.

#[derive(Clone, Debug)]
pub struct Params {
    /// Two glyphs on one baseline belong to different words when the gap between
    /// them exceeds this (em). Space glyphs always break words.
    pub word_gap: f32,
    /// Two words on one baseline belong to different lines (cells, columns) when the
    /// gap between them exceeds this (em), or when a vertical rule runs between them.
    /// Justified text stretches word gaps to ~0.6 em; column gutters are wider.
    pub phrase_gap: f32,
    /// Glyphs whose baselines differ by less than this (em) share a row.
    pub baseline_tol: f32,
    /// A drawn path thinner than this (points) is a rule line, not a box.
    pub rule_thickness: f32,
    /// A fill lighter than this luminance (0 black .. 1 white) is page background,
    /// not evidence of a cell or a shaded row.
    pub white_fill: f32,
    /// Tolerance (points) when comparing text boxes with rule positions.
    pub edge_tol: f32,
    /// Two consecutive lines of one column belong to one block (cell, paragraph)
    /// when the vertical gap between them is below this (em).
    pub block_gap: f32,
    /// Extra vertical gap (em, beyond the normal line gap of the block) that starts
    /// a new paragraph inside a description.
    pub paragraph_gap: f32,
    /// Running headers and footers live in this fraction of the page height at the
    /// top and at the bottom.
    pub margin_band: f32,
    /// Lines at the same place on different pages (points) with the same text
    /// (digits masked) are running headers/footers.
    pub furniture_y_tol: f32,
    /// Line starts within this distance (points) share a column.
    pub align_tol: f32,
    /// A column is evidenced by lines of at least this many rows starting at its x.
    pub column_rows: usize,
    /// A gap narrower than this (em) is never a gutter between aligned columns.
    pub gutter_min: f32,
    /// The title under a code heading: lines at most this far (em) below the
    /// previous heading line.
    pub title_gap: f32,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            word_gap: 0.15,
            phrase_gap: 1.5,
            baseline_tol: 0.3,
            rule_thickness: 2.5,
            white_fill: 0.97,
            edge_tol: 1.5,
            block_gap: 0.6,
            paragraph_gap: 0.35,
            margin_band: 0.1,
            furniture_y_tol: 4.0,
            title_gap: 1.0,
            align_tol: 1.0,
            column_rows: 2,
            gutter_min: 0.6,
        }
    }
}
