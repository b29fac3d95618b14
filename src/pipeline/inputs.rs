//! Input paths: command-line paths and directories -> the list of PDFs to convert,
//! an input list file (`--inputs-from`), and the PDF read from standard input.

use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::error::Error;

/// The input path that stands for standard input (see [`super::convert_batch_with_stdin`]).
pub const STDIN: &str = "-";

/// A PDF read from standard input, and the file name to record for it
/// (`source.file`; it also names its `<stem>.json`).
pub struct StdinPdf {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl StdinPdf {
    /// The whole of standard input, recorded as `name`.
    pub fn read(name: &str) -> io::Result<StdinPdf> {
        let mut bytes = Vec::new();
        io::stdin().lock().read_to_end(&mut bytes)?;
        Ok(StdinPdf { name: name.to_string(), bytes })
    }
}

/// Input paths listed in a file (or `-`, standard input), one per line; blank
/// lines are skipped.
pub fn read_input_list(list: &Path) -> io::Result<Vec<PathBuf>> {
    let text = if list.as_os_str() == STDIN {
        let mut s = String::new();
        io::stdin().lock().read_to_string(&mut s)?;
        s
    } else {
        std::fs::read_to_string(list)?
    };
    Ok(text.lines().map(|l| l.trim_end_matches('\r')).filter(|l| !l.trim().is_empty()).map(PathBuf::from).collect())
}

// ---------------------------------------------------------------------------
// Inputs

/// Expand command-line paths: a file is taken as given (whatever its extension), a
/// directory is walked recursively for `*.pdf` (any case), its files sorted by path.
/// Symlinks to files are followed, symlinks to directories are not (no loops).
/// A path that does not exist or cannot be read is an error; `-` (standard input,
/// see [`STDIN`]) is kept as it is.
pub fn expand_inputs(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut out = Vec::new();
    for path in paths {
        if path.as_os_str() == STDIN {
            out.push(path.clone());
            continue;
        }
        let meta = std::fs::metadata(path).map_err(|source| Error::Io { file: path.clone(), source })?;
        if meta.is_dir() {
            let mut found = Vec::new();
            walk(path, &mut found)?;
            found.sort();
            out.extend(found);
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> Result<(), Error> {
    let io_err = |source| Error::Io { file: dir.to_path_buf(), source };
    for entry in std::fs::read_dir(dir).map_err(io_err)? {
        let entry = entry.map_err(io_err)?;
        let path = entry.path();
        let kind = entry.file_type().map_err(io_err)?;
        if kind.is_dir() {
            walk(&path, found)?;
        } else if is_pdf_name(&path) && (kind.is_file() || path.is_file()) {
            found.push(path);
        }
    }
    Ok(())
}

fn is_pdf_name(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn expand_walks_dirs_sorted_and_keeps_files_as_given() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        fs::create_dir_all(d.join("b/sub")).unwrap();
        fs::create_dir_all(d.join("a")).unwrap();
        for f in ["b/z.pdf", "b/sub/y.PDF", "a/x.Pdf", "a/notes.txt", "a/pdf", "top.pdf"] {
            fs::write(d.join(f), b"x").unwrap();
        }
        fs::write(d.join("given.bin"), b"x").unwrap();
        let got = expand_inputs(&[d.join("given.bin"), d.to_path_buf()]).unwrap();
        let rel: Vec<String> =
            got.iter().map(|p| p.strip_prefix(d).unwrap().to_string_lossy().replace('\\', "/")).collect();
        assert_eq!(rel, ["given.bin", "a/x.Pdf", "b/sub/y.PDF", "b/z.pdf", "top.pdf"]);
    }

    #[test]
    fn expand_rejects_missing_path() {
        let t = tempfile::tempdir().unwrap();
        let err = expand_inputs(&[t.path().join("nope.pdf")]).unwrap_err();
        assert!(matches!(err, Error::Io { .. }), "{err}");
        assert!(err.to_string().contains("nope.pdf"));
    }

    #[test]
    fn input_list_skips_blank_lines_and_carriage_returns() {
        let t = tempfile::tempdir().unwrap();
        let list = t.path().join("list.txt");
        fs::write(&list, "a.pdf\r\n\n  \r\ndir/b c.pdf\nlast.pdf").unwrap();
        let got = read_input_list(&list).unwrap();
        assert_eq!(got, [PathBuf::from("a.pdf"), PathBuf::from("dir/b c.pdf"), PathBuf::from("last.pdf")]);
        assert!(read_input_list(&t.path().join("missing.txt")).is_err());
    }
}
