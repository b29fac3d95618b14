//! Every layout threshold in one place. Distances are multiples of the font size
//! (em) of the text involved, so the same rules hold at 7 pt and at 12 pt.

#[derive(Clone, Debug)]
pub struct Params {
    /// Gap between two glyphs, in em, above which they belong to different words.
    pub word_gap: f32,
}

impl Default for Params {
    fn default() -> Self {
        Params { word_gap: 0.15 }
    }
}
