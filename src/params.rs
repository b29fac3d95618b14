//! Every layout and parsing threshold in one place. Distances are multiples of the
//! font size (em) of the text involved, so the same rules hold at 7 pt and at 12 pt;
//! the few absolute values are in points and say so. (Counts and other true
//! constants are named `const`s next to the code that uses them.)

#[derive(Clone, Debug)]
pub struct Params {
    // --- layout: glyphs, words, lines, cells ---
    /// Two glyphs on one baseline belong to different words when the gap between
    /// them exceeds this (em). Space glyphs always break words.
    pub word_gap: f32,
    /// Two words on one baseline belong to different lines (cells, columns) when the
    /// gap between them exceeds this (em), or when a vertical rule runs between them.
    /// Justified text stretches word gaps to ~0.6 em; column gutters are wider.
    pub phrase_gap: f32,
    /// Glyphs whose baselines differ by less than this (em) share a row.
    pub baseline_tol: f32,
    /// A glyph drawn again within this distance (em) of the same glyph just before
    /// it is an overdraw (fake bold, shadow), not a second letter.
    pub overdraw_tol: f32,
    /// A drawn path thinner than this (points) is a rule line, not a box.
    pub rule_thickness: f32,
    /// A fill lighter than this luminance (0 black .. 1 white) is page background,
    /// not evidence of a cell or a shaded row.
    pub white_fill: f32,
    /// Tolerance (points) when comparing text boxes with rule positions.
    pub edge_tol: f32,
    /// A box taller than this fraction of the page height is a frame around the
    /// page, not a cell.
    pub page_frame: f32,
    /// Two consecutive lines of one column belong to one block (cell, paragraph)
    /// when the vertical gap between them is below this (em).
    pub block_gap: f32,
    /// Extra vertical gap (em, beyond the normal line gap of the block) that starts
    /// a new paragraph inside a description.
    pub paragraph_gap: f32,

    // --- columns and gutters (see `crate::columns`) ---
    /// Line starts within this distance (points) share a column.
    pub align_tol: f32,
    /// Font sizes within this distance (points) are the same size: the lines of one
    /// column, the lines of one title.
    pub same_size_tol: f32,
    /// A column is evidenced by lines of at least this many rows starting at its x.
    pub column_rows: usize,
    /// A gap narrower than this (em) is never a gutter between aligned columns.
    pub gutter_min: f32,
    /// A gutter is also at least this many times the line's ordinary word space.
    pub gutter_space_ratio: f32,
    /// The ordinary word space (em) assumed for a line with no other gap to measure.
    pub default_space: f32,
    /// Beside a change between bold and regular, a gap of at least this (em) ...
    pub restyle_gap_min: f32,
    /// ... and this many times the ordinary word space splits a line.
    pub restyle_space_ratio: f32,
    /// Starts of label-only lines closer than this (points, in x and in font size)
    /// are one label column.
    pub label_column_merge: f32,
    /// A line starting within this distance (em) of a column's start is in that
    /// column: the label column of DUP rows, the header cells of an indicator table,
    /// a columnar grid value under its label, a body gutter past a header's centre.
    pub column_slack: f32,
    /// A gutter of an indicator table's body (x covered by no word on any row) is at
    /// least this wide (em).
    pub table_gutter_min: f32,
    /// A column starts this far across the gutter before it (0: where the gutter
    /// opens, 1: at the first word right of it).
    pub gutter_split: f32,
    /// A body line start that moves a column start left of its centred header lies
    /// at least this far (points) left of the header's start ...
    pub header_start_margin: f32,
    /// ... and at least this far (points) right of the previous header's end.
    pub header_end_margin: f32,

    // --- document structure ---
    /// Running headers and footers live in this fraction of the page height at the
    /// top and at the bottom.
    pub margin_band: f32,
    /// Lines at the same place on different pages (points) with the same text
    /// (digits masked) are running headers/footers.
    pub furniture_y_tol: f32,
    /// A margin-band row at most this far (em) from the next row toward the page's
    /// body, and overlapping it across, continues the page's flow (a wrapped cell's
    /// last line, a table header or first row at the top of a page): it is content.
    pub flow_gap: f32,
    /// Document-level facts of a page (its running headers and footers, the label
    /// columns of its grids) are read from the pages at most this many pages away:
    /// what repeats around it. A bound in pages, so that a long document is parsed
    /// holding only a window of pages (see `pipeline::SheetStream`).
    pub fact_window: usize,
    /// The title under a code heading: lines at most this far (em) below the
    /// previous heading line.
    pub title_gap: f32,
    /// A title line that starts right of the code and further than this (em) from
    /// the code's x is not the title (it is text beside the heading).
    pub title_indent: f32,

    // --- sections and fields ---
    /// A line belongs to the section below an anchor when its top is at most this
    /// far (em) above the anchor's top (a label cell's border sits above its text).
    pub anchor_tol: f32,
    /// Grid labels whose left edges or tops are within this distance (points) stand
    /// in one column or row of the label grid.
    pub label_align_tol: f32,
    /// A row (a borderless grid label's band, a table row) starts this far (em)
    /// above its first line's top.
    pub row_pad: f32,
    /// In a borderless table, a line of the anchor column starts a new row when it
    /// stands this much (em) further below the line above than wrapped lines of one
    /// cell do (and its row holds other cells). With no wrapped cell in the table,
    /// the page's wrapped lines of the same font size give the wrap gap.
    pub row_gap_extra: f32,
    /// ... or, when its row holds no other cell, when that gap matches (within this
    /// many em) a gap above a row that does: rows of one table are set equally apart.
    pub row_gap_match: f32,
    /// A table value under no header text belongs to the header on its left when its
    /// distance to that header's text is less than this share of its distance to
    /// the next header's (a right-aligned value just past a centred header), not
    /// when it is about as far from both (a wide column's left-aligned value).
    pub value_header_nearer: f32,
    /// A borderless grid label's band ends this far (points) above the next label.
    pub band_gap: f32,
    /// Values under a columnar label row may reach this far (points) up into it.
    pub value_overlap: f32,
    /// A body line may start this far (points) above the bottom of the table header
    /// (glyph boxes overlap), and a rule this far inside a line's box still borders it.
    pub overlap_tol: f32,
    /// Header cells of one indicator-table header row have tops within this (em).
    pub header_row_band: f32,
    /// Description rows overlapping by more than this (points) sit side by side:
    /// their "gap" is no line gap.
    pub row_overlap_max: f32,
    /// A description line indented more than this (em) past a list marker continues
    /// the list item.
    pub item_indent: f32,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            word_gap: 0.15,
            phrase_gap: 1.5,
            baseline_tol: 0.3,
            overdraw_tol: 0.1,
            rule_thickness: 2.5,
            white_fill: 0.97,
            edge_tol: 1.5,
            page_frame: 0.8,
            block_gap: 0.6,
            paragraph_gap: 0.35,
            align_tol: 1.0,
            same_size_tol: 0.5,
            column_rows: 2,
            gutter_min: 0.6,
            gutter_space_ratio: 2.0,
            default_space: 0.25,
            restyle_gap_min: 0.3,
            restyle_space_ratio: 1.5,
            label_column_merge: 0.25,
            column_slack: 1.0,
            table_gutter_min: 0.5,
            gutter_split: 0.5,
            header_start_margin: 0.5,
            header_end_margin: 1.0,
            margin_band: 0.1,
            fact_window: 4,
            furniture_y_tol: 4.0,
            flow_gap: 0.8,
            title_gap: 1.0,
            title_indent: 2.0,
            anchor_tol: 0.5,
            label_align_tol: 2.0,
            row_pad: 0.3,
            row_gap_extra: 0.25,
            row_gap_match: 0.1,
            value_header_nearer: 0.6,
            band_gap: 0.1,
            value_overlap: 0.5,
            overlap_tol: 1.0,
            header_row_band: 2.0,
            row_overlap_max: 5.0,
            item_indent: 0.3,
        }
    }
}
