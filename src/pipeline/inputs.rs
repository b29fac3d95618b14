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
    if size_hint > 0 {
        // A file: its length reserved once, no regrowth.
        let mut bytes = head;
        bytes.reserve(size_hint.min(max_size).saturating_sub(bytes.len() as u64) as usize);
        from.read_to_end(&mut bytes)?;
        return Ok(if bytes.len() as u64 > max_size { ReadPdf::TooLarge } else { ReadPdf::Pdf(bytes) });
    }
    // A stream of unknown length: read in chunks, so that a stream over the limit
    // costs at most the limit (a growing Vec would double to twice as much), and
    // joined once at the end, each chunk freed as it is copied.
    let mut total = head.len() as u64;
    let mut chunks = vec![head];
    loop {
        let mut chunk = Vec::with_capacity(STREAM_CHUNK);
        (&mut from).take(STREAM_CHUNK as u64).read_to_end(&mut chunk)?;
        if chunk.is_empty() {
            break;
        }
        total += chunk.len() as u64;
        if total > max_size {
            return Ok(ReadPdf::TooLarge);
        }
        chunks.push(chunk);
    }
    let mut bytes = Vec::with_capacity(total as usize);
    for chunk in chunks {
        bytes.extend_from_slice(&chunk);
    }
    Ok(ReadPdf::Pdf(bytes))
}

/// Piece of a stream read at a time by [`read_pdf`].
const STREAM_CHUNK: usize = 8 << 20;

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

/// For each input, the index of the earlier input it repeats, or `None`: the
/// rule for duplicate inputs in every mode is "the same file name and the same
/// bytes" (the same path twice, a directory and a file in it, a copy under
/// the same name elsewhere), which is exactly a document's identity
/// (`source.file`, `source.sha256`): such an input would give the same document
/// again. Only inputs that share a file name are read to compare them (hashed,
/// up to `max_size` bytes); one that cannot be read, or is larger, repeats
/// nothing and fails on its own. [`STDIN`] is named `stdin`'s name.
pub fn find_duplicates(inputs: &[PathBuf], stdin: Option<&StdinPdf>, max_size: u64) -> Vec<Option<usize>> {
    let name = |p: &PathBuf| -> String {
        match stdin {
            Some(pdf) if p.as_os_str() == STDIN => pdf.name.clone(),
            _ => super::file_name(p),
        }
    };
    let mut by_name: std::collections::HashMap<String, Vec<usize>> = std::collections::HashMap::new();
    for (i, p) in inputs.iter().enumerate() {
        by_name.entry(name(p)).or_default().push(i);
    }
    let mut out = vec![None; inputs.len()];
    for group in by_name.values().filter(|g| g.len() > 1) {
        let mut seen: Vec<([u8; 32], usize)> = Vec::new();
        for &i in group {
            let digest = match stdin {
                Some(pdf) if inputs[i].as_os_str() == STDIN => {
                    pdf.over_limit.is_none().then(|| sha256(&mut pdf.bytes.as_slice(), max_size)).flatten()
                }
                _ => std::fs::File::open(&inputs[i]).ok().and_then(|mut f| sha256(&mut f, max_size)),
            };
            let Some(digest) = digest else { continue };
            match seen.iter().find(|(d, _)| *d == digest) {
                Some(&(_, first)) => out[i] = Some(first),
                None => seen.push((digest, i)),
            }
        }
    }
    out
}

/// Hex SHA-256 of the file at `path` (as in `source.sha256`), `None` if it
/// cannot be read or is larger than `max_size`.
pub(crate) fn file_sha256_hex(path: &Path, max_size: u64) -> Option<String> {
    use std::fmt::Write as _;
    let digest = sha256(&mut std::fs::File::open(path).ok()?, max_size)?;
    let mut s = String::with_capacity(64);
    for b in digest {
        let _ = write!(s, "{b:02x}");
    }
    Some(s)
}

/// SHA-256 of what `from` holds, `None` if it cannot be read or holds more than
/// `max_size` bytes.
fn sha256(from: &mut impl io::Read, max_size: u64) -> Option<[u8; 32]> {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    let copied = io::copy(&mut from.take(max_size.saturating_add(1)), &mut hasher).ok()?;
    (copied <= max_size).then(|| hasher.finalize().into())
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

    #[test]
    fn duplicates_are_the_same_name_and_bytes() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        for dir in ["a", "b", "c"] {
            fs::create_dir(d.join(dir)).unwrap();
        }
        fs::write(d.join("a/x.pdf"), b"one").unwrap();
        fs::write(d.join("b/x.pdf"), b"one").unwrap(); // a copy: a repeat
        fs::write(d.join("c/x.pdf"), b"two").unwrap(); // same name, other bytes: not
        fs::write(d.join("a/y.pdf"), b"one").unwrap(); // same bytes, other name: not
        let inputs = [
            d.join("a/x.pdf"),
            d.join("b/x.pdf"),
            d.join("c/x.pdf"),
            d.join("a/y.pdf"),
            d.join("a/./x.pdf"),
            d.join("gone/x.pdf"),
        ];
        assert_eq!(find_duplicates(&inputs, None, 100), [None, Some(0), None, None, Some(0), None]);
        // Larger than the limit: not read, repeats nothing.
        assert_eq!(find_duplicates(&inputs[..2], None, 2), [None, None]);
        let pdf = StdinPdf { name: "x.pdf".into(), bytes: b"two".to_vec(), over_limit: None };
        let with_stdin = [d.join("c/x.pdf"), PathBuf::from(STDIN)];
        assert_eq!(find_duplicates(&with_stdin, Some(&pdf), 100), [None, Some(0)]);
    }
}
