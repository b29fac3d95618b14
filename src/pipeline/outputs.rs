//! Output paths checked before any work: every file an output flag will write is
//! compared with every input and every other output (by device and inode when it
//! exists, else by canonical parent and name, symlinks resolved), a directory is
//! not where a file is meant nor the reverse, and missing parent directories are
//! created and probed for writing. A violation is a usage error naming the flag.

use std::fs;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Component, Path, PathBuf};

use crate::error::UsageError;

/// Identity of a path for "is this the same file": `(dev, inode)` when it exists,
/// else its absolute path with the deepest existing ancestor canonicalized.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileId {
    Inode(u64, u64),
    Path(PathBuf),
}

/// The identity of `path` (see [`FileId`]).
pub fn file_id(path: &Path) -> FileId {
    if let Ok(m) = fs::metadata(path) {
        return FileId::Inode(m.dev(), m.ino());
    }
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut rest = Vec::new();
    let mut base = absolute.as_path();
    loop {
        if let Ok(c) = fs::canonicalize(base) {
            let mut p = c;
            for part in rest.iter().rev() {
                p.push(part);
            }
            let p = normalize(&p);
            return match fs::metadata(&p) {
                Ok(m) => FileId::Inode(m.dev(), m.ino()),
                Err(_) => FileId::Path(p),
            };
        }
        match (base.parent(), base.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                base = parent;
            }
            _ => {
                let p = normalize(&absolute);
                return match fs::metadata(&p) {
                    Ok(m) => FileId::Inode(m.dev(), m.ino()),
                    Err(_) => FileId::Path(p),
                };
            }
        }
    }
}

/// `a/./b/../c` -> `a/c`, lexically (for the part of a path that does not exist).
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

/// One file an output flag will write.
#[derive(Clone, Debug)]
pub struct OutputFile {
    /// The flag, for the message (`--out`, `--report`...).
    pub flag: &'static str,
    pub path: PathBuf,
}

fn usage(message: String) -> UsageError {
    UsageError::Invalid(message)
}

/// `path` is meant to be a file written by `flag`: it must not be a directory.
pub fn check_file_target(flag: &str, path: &Path) -> Result<(), UsageError> {
    if path.as_os_str().is_empty() {
        return Err(usage(format!("{flag}: an empty path")));
    }
    if path.is_dir() {
        return Err(usage(format!("{flag} {}: is a directory, a file is expected here", path.display())));
    }
    if path.to_string_lossy().ends_with('/') {
        return Err(usage(format!("{flag} {}: a file name is expected, not a directory", path.display())));
    }
    Ok(())
}

/// `path` is meant to be a directory written by `flag`: it must not be a file.
pub fn check_dir_target(flag: &str, path: &Path) -> Result<(), UsageError> {
    if path.as_os_str().is_empty() {
        return Err(usage(format!("{flag}: an empty path")));
    }
    if path.exists() && !path.is_dir() {
        return Err(usage(format!("{flag} {}: is not a directory, a directory is expected here", path.display())));
    }
    Ok(())
}

/// No output file is an input, nor the same file as another output.
pub fn check_no_clobber(inputs: &[PathBuf], outputs: &[OutputFile]) -> Result<(), UsageError> {
    let input_ids: Vec<(FileId, &PathBuf)> = inputs.iter().map(|p| (file_id(p), p)).collect();
    let mut seen: Vec<(FileId, &OutputFile)> = Vec::new();
    for out in outputs {
        let id = file_id(&out.path);
        if let Some((_, input)) = input_ids.iter().find(|(i, _)| *i == id) {
            return Err(usage(format!(
                "{} {}: is the input {}: it would be overwritten",
                out.flag,
                out.path.display(),
                input.display()
            )));
        }
        // Two inputs with one output name under the same flag are a matter of
        // duplicate inputs, not of one output overwriting another.
        if let Some((_, other)) = seen.iter().find(|(i, o)| *i == id && o.flag != out.flag) {
            return Err(usage(format!(
                "{} {}: is the same file as {} {}: one would overwrite the other",
                out.flag,
                out.path.display(),
                other.flag,
                other.path.display()
            )));
        }
        seen.push((id, out));
    }
    Ok(())
}

/// Create `dir` (and its parents) and prove it writable by creating and removing
/// a temporary file in it.
pub fn prepare_dir(flag: &str, dir: &Path) -> Result<(), UsageError> {
    fs::create_dir_all(dir)
        .map_err(|e| usage(format!("{flag} {}: cannot create the directory: {e}", dir.display())))?;
    probe(dir).map_err(|e| usage(format!("{flag} {}: cannot write in the directory: {e}", dir.display())))
}

/// Create the parent directories of the file `path` and prove them writable.
pub fn prepare_file(flag: &str, path: &Path) -> Result<(), UsageError> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    fs::create_dir_all(parent)
        .map_err(|e| usage(format!("{flag} {}: cannot create its directory: {e}", path.display())))?;
    probe(parent).map_err(|e| usage(format!("{flag} {}: cannot write in its directory: {e}", path.display())))?;
    if let Ok(m) = fs::metadata(path) {
        if m.permissions().readonly() {
            return Err(usage(format!("{flag} {}: the file is read-only", path.display())));
        }
    }
    Ok(())
}

/// A single output file written by `flag` beside inputs read from the directories
/// `input_dirs` (their files, not searched recursively): checked and prepared as
/// above (`eval --html`).
pub fn check_output_file(flag: &'static str, path: &Path, input_dirs: &[&Path]) -> Result<(), UsageError> {
    check_file_target(flag, path)?;
    let mut inputs = Vec::new();
    for dir in input_dirs {
        if let Ok(entries) = fs::read_dir(dir) {
            inputs.extend(entries.flatten().map(|e| e.path()).filter(|p| p.is_file()));
        }
    }
    check_no_clobber(&inputs, &[OutputFile { flag, path: path.to_path_buf() }])?;
    prepare_file(flag, path)
}

fn probe(dir: &Path) -> io::Result<()> {
    crate::emit::temp_in(dir)?.close()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_file_compares_by_canonical_parent_and_name() {
        let t = tempfile::tempdir().unwrap();
        let a = t.path().join("sub/../x.json");
        let b = t.path().join("x.json");
        assert_eq!(file_id(&a), file_id(&b));
        std::fs::write(&b, b"x").unwrap();
        assert_eq!(file_id(&a), file_id(&b));
        assert_ne!(file_id(&b), file_id(&t.path().join("y.json")));
    }

    #[test]
    fn a_symlink_is_its_target() {
        let t = tempfile::tempdir().unwrap();
        let f = t.path().join("a.pdf");
        std::fs::write(&f, b"x").unwrap();
        std::os::unix::fs::symlink(&f, t.path().join("l.pdf")).unwrap();
        let outs = [OutputFile { flag: "--report", path: t.path().join("l.pdf") }];
        let e = check_no_clobber(&[f], &outs).unwrap_err().to_string();
        assert!(e.contains("--report"), "{e}");
    }
}
