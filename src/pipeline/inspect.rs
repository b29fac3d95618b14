//! Debug views of one PDF (`perfplan text`): the page layouts the sheet parser
//! sees, as text lines or JSON.

use std::io::{self, Write};
use std::path::Path;

use super::convert::Options;
use super::guard::guarded;
use crate::error::{Error, ExtractError};
use crate::extract;
use crate::layout::{self, PageLayout};

/// Debug view: the layout of every page (or of page `only`) of one PDF, behind the
/// panic boundary.
pub fn layout_file(path: &Path, opts: &Options, only: Option<u32>) -> Result<Vec<PageLayout>, Error> {
    guarded(path, || {
        let extract_err = |source| Error::Extract { file: path.to_path_buf(), source };
        let bytes = super::convert::read_input_file(path, opts.max_file_size)?;
        let pdf = extract::open(&bytes, opts.password.as_deref()).map_err(extract_err)?;
        let count = pdf.page_count();
        let numbers: Vec<u32> = match only {
            Some(n) if n == 0 || n > count => {
                return Err(extract_err(ExtractError::Page {
                    page: n,
                    message: format!("no such page (the document has {count} pages)"),
                }))
            }
            Some(n) => vec![n],
            None => (1..=count).collect(),
        };
        numbers
            .into_iter()
            .map(|n| pdf.page(n).map(|p| layout::analyze(&p, &opts.params)).map_err(extract_err))
            .collect()
    })
}

/// Write `layouts` to `w`: each page's text lines (as [`PageLayout::write_text`]
/// renders them), or all of them as pretty JSON with `json`; then flush.
pub fn write_layouts(w: &mut impl Write, layouts: &[PageLayout], json: bool) -> io::Result<()> {
    if json {
        serde_json::to_writer_pretty(&mut *w, layouts)?;
        writeln!(w)?;
    } else {
        for page in layouts {
            page.write_text(w)?;
        }
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_as_json_or_text() {
        let mut out = Vec::new();
        write_layouts(&mut out, &[], true).unwrap();
        assert_eq!(out, b"[]\n");
        let mut out = Vec::new();
        write_layouts(&mut out, &[], false).unwrap();
        assert!(out.is_empty());
    }
}
