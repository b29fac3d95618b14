//! Input paths: command-line paths and directories -> the list of PDFs to convert,
//! an input list file (`--inputs-from`), and the PDF read from standard input.

use std::io::{self, Read as _};
use std::path::{Path, PathBuf};

use crate::error::Error;

/// The input path that stands for standard input (see [`super::convert_batch_with_stdin`]).
pub const STDIN: &str = "-";

/// A PDF read from standard input, and the file name to record for it
/// (`source.file`; it also names its `<stem>.json`).
pub struct StdinPdf {
    pub name: String,
    /// What was read: the whole PDF, or only its first bytes when they are not a
    /// PDF's or when the input is over the size limit (the rest is not read).
    pub bytes: Vec<u8>,
    /// Standard input held more than this many bytes (`--max-file-size`): the file
    /// fails without being converted.
    pub over_limit: Option<u64>,
}

impl StdinPdf {
    /// Standard input, recorded as `name`, read up to `max_size` bytes (counted
    /// while reading) and only when its first bytes are a PDF's.
    pub fn read(name: &str, max_size: u64) -> io::Result<StdinPdf> {
        let (bytes, over_limit) = match read_pdf(io::stdin().lock(), max_size, 0)? {
            ReadPdf::Pdf(bytes) | ReadPdf::NotPdf(bytes) => (bytes, None),
            ReadPdf::TooLarge => (Vec::new(), Some(max_size)),
        };
        Ok(StdinPdf { name: name.to_string(), bytes, over_limit })
    }
}

/// The largest file read by default (`--max-file-size`): 512 MiB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 512 << 20;

/// How many first bytes are searched for the `%PDF-` header (as readers do).
pub const HEADER_WINDOW: usize = 1024;

/// What [`read_pdf`] found.
pub enum ReadPdf {
    /// The whole input, which starts like a PDF.
    Pdf(Vec<u8>),
    /// The first bytes only: they hold no `%PDF-` header, the rest is not read.
    NotPdf(Vec<u8>),
    /// More than the limit: reading stopped there.
    TooLarge,
}

/// Read `from`: first its header window, checked for `%PDF-` before anything else
/// is read, then the rest, counted, up to `max_size` bytes. `size_hint` (a file's
/// length, 0 if unknown) only reserves memory.
pub fn read_pdf(from: impl io::Read, max_size: u64, size_hint: u64) -> io::Result<ReadPdf> {
    let mut from = from.take(max_size.saturating_add(1));
    let mut head = Vec::with_capacity(HEADER_WINDOW);
    (&mut from).take(HEADER_WINDOW as u64).read_to_end(&mut head)?;
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Ok(if head.len() as u64 > max_size { ReadPdf::TooLarge } else { ReadPdf::NotPdf(head) });
    }
    let mut bytes = head;
    bytes.reserve(size_hint.min(max_size).saturating_sub(bytes.len() as u64) as usize);
    from.read_to_end(&mut bytes)?;
    Ok(if bytes.len() as u64 > max_size { ReadPdf::TooLarge } else { ReadPdf::Pdf(bytes) })
}

/// The message of a file over the size limit.
pub fn too_large_message(size: Option<u64>, max_size: u64) -> String {
    match size {
        Some(size) => format!("the file is {size} bytes, more than --max-file-size {max_size}"),
        None => format!("the file is more than --max-file-size {max_size} bytes"),
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

/// Expand the paths of an input list (`--inputs-from`) as [`expand_inputs`] does,
/// except that a path that does not exist or cannot be read is kept as it is: it
/// is that file's failure when it is converted, not the batch's.
pub fn expand_listed_inputs(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for path in paths {
        match expand_inputs(std::slice::from_ref(path)) {
            Ok(found) => out.extend(found),
            Err(_) => out.push(path.clone()),
        }
    }
    out
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
