//! Objectives between the sheet parser and the outputs.
//!
//! The parser hands each objective over as soon as its sheet is complete, in
//! document order ([`Objectives`]). [`Collected`] keeps them as values (the
//! library's in-memory [`Document`]); a [`Spool`] writes each one at once as the
//! JSON the document's file will hold and keeps only those bytes: in memory up to
//! a budget, beyond it in an unnamed temporary file (the system removes it when it
//! is closed, also after a kill). A converted document is then its head (source,
//! diagnostics) plus its spool ([`Converted`]): the JSON output copies the bytes,
//! other outputs read the objectives back one at a time, so that a document of
//! any length is written holding one objective at a time.
//!
//! Two facts are only known at the end of a document, and both are applied when
//! the spool is read: the document's year, for the objectives whose code gives
//! none (their JSON is written again with it), and the tables of objectives,
//! which go in by first page (the spool is then read back whole: a document with
//! a table of objectives is held whole by the parser anyway).

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};

use serde::Serialize;

use crate::model::{Document, Objective};

/// Receives a document's objectives in document order as the parser completes
/// them.
pub trait Objectives {
    /// The next objective. `wants_year`: its code gives no year, the document's
    /// (known at [`Objectives::finish`]) is its year.
    fn push(&mut self, objective: Objective, wants_year: bool);
    /// The end of the document: its year (the most printed one), and the
    /// objectives of its tables of objectives, in their order (they go in among
    /// the others by first page).
    fn finish(&mut self, year: Option<i32>, tables: Vec<Objective>);
    /// Objectives received so far (with the tables' once finished).
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The objectives as values, in document order ([`Collected::into_vec`]).
#[derive(Default)]
pub struct Collected {
    objectives: Vec<Objective>,
    wants_year: Vec<bool>,
}

impl Collected {
    pub fn into_vec(self) -> Vec<Objective> {
        self.objectives
    }
}

impl Objectives for Collected {
    fn push(&mut self, objective: Objective, wants_year: bool) {
        self.objectives.push(objective);
        self.wants_year.push(wants_year);
    }

    fn finish(&mut self, year: Option<i32>, tables: Vec<Objective>) {
        complete(&mut self.objectives, &self.wants_year, year, tables);
        self.wants_year.clear();
    }

    fn len(&self) -> usize {
        self.objectives.len()
    }
}

/// The document's year given to the objectives that want it, and the tables'
/// objectives put in among the others by first page (a stable sort: on the same
/// first page, sheets before tables, each family in its own order).
fn complete(objectives: &mut Vec<Objective>, wants_year: &[bool], year: Option<i32>, tables: Vec<Objective>) {
    for (o, wants) in objectives.iter_mut().zip(wants_year) {
        if *wants {
            o.year = year;
        }
    }
    if !tables.is_empty() {
        objectives.extend(tables);
        objectives.sort_by_key(|o| o.pages.first().copied().unwrap_or(u32::MAX));
    }
}

/// Bytes of objective JSON a [`Spool`] holds in memory before it moves them to a
/// temporary file (a few dozen sheets; a plan of 600 pages writes about 2 MB).
pub const SPOOL_MEMORY: usize = 512 << 10;

/// Indentation of an objective in the document's JSON (`objectives` is a field
/// of the top-level object: its elements stand two levels deep).
const ELEMENT_INDENT: &[u8] = b"    ";

/// One objective in a [`Spool`].
#[derive(Clone, Copy)]
struct Entry {
    /// Bytes of its JSON.
    len: usize,
    indicators: usize,
    wants_year: bool,
}

/// Bytes written once and read back in order: in memory up to a budget, then
/// all in an unnamed temporary file (see the module header).
pub struct Bytes {
    /// The bytes while they fit in the budget.
    mem: Vec<u8>,
    /// Once over the budget: every byte, in order.
    file: Option<BufWriter<File>>,
    budget: usize,
    /// The first failure to write the temporary file: reported when the bytes
    /// are read (what came after it is lost).
    error: Option<io::Error>,
    /// No temporary file could be made: everything stays in memory.
    no_file: bool,
}

impl Bytes {
    /// Up to `budget` bytes held in memory ([`SPOOL_MEMORY`]).
    pub fn new(budget: usize) -> Bytes {
        Bytes { mem: Vec::new(), file: None, budget, error: None, no_file: false }
    }

    /// Append `bytes` (a failure to write is kept for [`Bytes::reader`]).
    pub fn push(&mut self, bytes: &[u8]) {
        if self.file.is_none() && !self.no_file && self.mem.len() + bytes.len() > self.budget {
            match tempfile::tempfile() {
                Ok(f) => {
                    let mut w = BufWriter::with_capacity(64 << 10, f);
                    if let Err(e) = w.write_all(&self.mem) {
                        self.error.get_or_insert(e);
                    }
                    self.mem = Vec::new();
                    self.file = Some(w);
                }
                // Nowhere to put them: they stay in memory.
                Err(_) => self.no_file = true,
            }
        }
        match &mut self.file {
            Some(w) => {
                if let Err(e) = w.write_all(bytes) {
                    self.error.get_or_insert(e);
                }
            }
            None => self.mem.extend_from_slice(bytes),
        }
    }

    /// Everything written, from the start (call [`Bytes::flush`] first).
    pub fn reader(&self) -> io::Result<impl Read + '_> {
        if let Some(e) = &self.error {
            return Err(io::Error::new(e.kind(), format!("a temporary file: {e}")));
        }
        Ok(match &self.file {
            Some(w) => {
                let mut file = w.get_ref();
                file.seek(SeekFrom::Start(0))?;
                Either::File(BufReader::with_capacity(64 << 10, file))
            }
            None => Either::Mem(&self.mem[..]),
        })
    }

    /// Write out what is buffered for the temporary file.
    pub fn flush(&mut self) {
        if let Some(Err(e)) = self.file.as_mut().map(Write::flush) {
            self.error.get_or_insert(e);
        }
    }

    /// The bytes moved to a temporary file.
    pub fn spilled(&self) -> bool {
        self.file.is_some()
    }

    /// Bytes held in memory.
    pub fn held(&self) -> usize {
        self.mem.len()
    }

    /// Copy everything written to `w`.
    pub fn copy_to(&mut self, w: &mut impl Write) -> io::Result<()> {
        self.flush();
        io::copy(&mut self.reader()?, w).map(drop)
    }
}

impl Write for Bytes {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.push(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Bytes::flush(self);
        Ok(())
    }
}

/// A reader over memory or the temporary file.
enum Either<'a> {
    Mem(&'a [u8]),
    File(BufReader<&'a File>),
}

impl Read for Either<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Either::Mem(m) => m.read(buf),
            Either::File(f) => f.read(buf),
        }
    }
}

/// Objectives held as the JSON of the document file (see the module header).
pub struct Spool {
    /// Every objective's JSON, in order.
    bytes: Bytes,
    entries: Vec<Entry>,
    /// The document's year, once known.
    year: Option<i32>,
    scratch: Vec<u8>,
}

impl Spool {
    /// A spool holding up to `budget` bytes in memory ([`SPOOL_MEMORY`]).
    pub fn new(budget: usize) -> Spool {
        Spool { bytes: Bytes::new(budget), entries: Vec::new(), year: None, scratch: Vec::new() }
    }

    /// Indicators of all the objectives.
    pub fn indicators(&self) -> usize {
        self.entries.iter().map(|e| e.indicators).sum()
    }

    /// The objectives moved to a temporary file.
    pub fn spilled(&self) -> bool {
        self.bytes.spilled()
    }

    /// Bytes of objective JSON held in memory.
    pub fn held(&self) -> usize {
        self.bytes.held()
    }

    fn append(&mut self, objective: &Objective, wants_year: bool) {
        self.scratch.clear();
        element_json(objective, &mut self.scratch);
        self.entries.push(Entry { len: self.scratch.len(), indicators: objective.indicators.len(), wants_year });
        self.bytes.push(&self.scratch);
    }

    /// Call `f` with each objective's JSON (as [`element_json`] writes it, the
    /// document's year given where it is wanted), in order.
    fn for_each_json(&self, mut f: impl FnMut(&[u8]) -> io::Result<()>) -> io::Result<()> {
        let mut reader = self.bytes.reader()?;
        let (mut buf, mut again) = (Vec::new(), Vec::new());
        for e in &self.entries {
            buf.resize(e.len, 0);
            reader.read_exact(&mut buf)?;
            let json = &buf[..];
            match self.year {
                // Written before the year was known: written again with it.
                Some(year) if e.wants_year => {
                    let mut o: Objective = serde_json::from_slice(json)?;
                    o.year = Some(year);
                    again.clear();
                    element_json(&o, &mut again);
                    f(&again)?;
                }
                _ => f(json)?,
            }
        }
        Ok(())
    }

    /// Each objective, read back, in order.
    pub fn for_each(&self, mut f: impl FnMut(Objective) -> io::Result<()>) -> io::Result<()> {
        self.for_each_json(|json| f(serde_json::from_slice(json)?))
    }

    /// Write the objectives as the elements of the document's `objectives` array
    /// (each on its own line, indented, separated by commas; nothing when empty).
    fn write_elements(&self, w: &mut impl Write) -> io::Result<()> {
        let mut first = true;
        self.for_each_json(|json| {
            w.write_all(if first { b"\n" } else { b",\n" })?;
            w.write_all(ELEMENT_INDENT)?;
            first = false;
            w.write_all(json)
        })
    }

    fn flush(&mut self) {
        self.bytes.flush();
    }
}

impl Objectives for Spool {
    fn push(&mut self, objective: Objective, wants_year: bool) {
        self.append(&objective, wants_year);
    }

    fn finish(&mut self, year: Option<i32>, tables: Vec<Objective>) {
        self.year = year;
        self.flush();
        if tables.is_empty() {
            return;
        }
        // Tables of objectives go in by first page: read everything back (the
        // parser held the whole document for them anyway) and write it again.
        let wants: Vec<bool> = self.entries.iter().map(|e| e.wants_year).collect();
        let mut all = Vec::with_capacity(self.entries.len() + tables.len());
        self.year = None;
        if let Err(e) = self.for_each(|o| {
            all.push(o);
            Ok(())
        }) {
            self.bytes.error.get_or_insert(e);
            return;
        }
        complete(&mut all, &wants, year, tables);
        let mut fresh = Spool::new(self.bytes.budget);
        for o in &all {
            fresh.append(o, false);
        }
        fresh.flush();
        *self = fresh;
    }

    fn len(&self) -> usize {
        self.entries.len()
    }
}

/// One objective's JSON as an element of the document file's `objectives` array:
/// pretty-printed as the whole document is, every line after the first indented
/// by [`ELEMENT_INDENT`].
pub fn element_json(objective: &Objective, out: &mut Vec<u8>) {
    let mut ser = serde_json::Serializer::with_formatter(out, ElementFormatter { depth: 0, has_value: false });
    objective.serialize(&mut ser).expect("an objective always serializes to memory");
}

/// `serde_json`'s `PrettyFormatter` (two spaces a level) starting at the depth of
/// an element of `objectives` ([`ELEMENT_INDENT`]), each line's indentation
/// written at once (the printer writes it a level at a time).
struct ElementFormatter {
    /// Open arrays and objects.
    depth: usize,
    /// The innermost open array or object has a value.
    has_value: bool,
}

impl ElementFormatter {
    /// A line break and the indentation of the current depth.
    fn new_line<W: ?Sized + io::Write>(&self, w: &mut W, comma: bool) -> io::Result<()> {
        const SPACES: &[u8] = &[b' '; 64];
        w.write_all(if comma { b",\n" } else { b"\n" })?;
        let mut n = ELEMENT_INDENT.len() + 2 * self.depth;
        while n > 0 {
            let k = n.min(SPACES.len());
            w.write_all(&SPACES[..k])?;
            n -= k;
        }
        Ok(())
    }

    fn open<W: ?Sized + io::Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + io::Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.new_line(w, false)?;
        }
        w.write_all(bracket)
    }
}

impl serde_json::ser::Formatter for ElementFormatter {
    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.new_line(w, !first)
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + io::Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.new_line(w, !first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// A converted document as the outputs get it: its head (schema version,
/// source, diagnostics) and its objectives, as values or in a [`Spool`].
pub struct Converted {
    /// The document; its `objectives` are empty when they are in the spool.
    doc: Document,
    spool: Option<Spool>,
}

impl From<Document> for Converted {
    fn from(doc: Document) -> Self {
        Converted { doc, spool: None }
    }
}

impl Converted {
    /// `doc` without objectives, which are in `spool`.
    pub fn spooled(doc: Document, spool: Spool) -> Converted {
        debug_assert!(doc.objectives.is_empty());
        Converted { doc, spool: Some(spool) }
    }

    /// Schema version, source and diagnostics (its `objectives` are those held
    /// as values: read them with [`Converted::for_each_objective`]).
    pub fn head(&self) -> &Document {
        &self.doc
    }

    pub fn head_mut(&mut self) -> &mut Document {
        &mut self.doc
    }

    pub fn objective_count(&self) -> usize {
        self.spool.as_ref().map_or(self.doc.objectives.len(), Spool::len)
    }

    pub fn indicator_count(&self) -> usize {
        match &self.spool {
            Some(s) => s.indicators(),
            None => self.doc.objectives.iter().map(|o| o.indicators.len()).sum(),
        }
    }

    /// Each objective in document order (read back from the spool one at a time).
    pub fn for_each_objective(&self, mut f: impl FnMut(Cow<'_, Objective>) -> io::Result<()>) -> io::Result<()> {
        match &self.spool {
            Some(s) => s.for_each(|o| f(Cow::Owned(o))),
            None => self.doc.objectives.iter().try_for_each(|o| f(Cow::Borrowed(o))),
        }
    }

    /// The document's JSON, byte for byte what `emit::write_json` writes for the
    /// whole [`Document`].
    pub fn write_json(&self, mut w: impl Write) -> io::Result<()> {
        let Some(spool) = &self.spool else {
            return crate::emit::write_json(&self.doc, w);
        };
        // The document's JSON with an empty `objectives` array, cut where the
        // elements go (a raw line break never stands in a JSON string, so this
        // text can only be the field itself).
        let text = crate::emit::to_json(&self.doc);
        const FIELD: &str = "\n  \"objectives\": [";
        let at = text.find(FIELD).map(|i| i + FIELD.len()).ok_or_else(|| io::Error::other("no objectives field"))?;
        w.write_all(&text.as_bytes()[..at])?;
        spool.write_elements(&mut w)?;
        if !spool.is_empty() {
            w.write_all(b"\n  ")?;
        }
        w.write_all(&text.as_bytes()[at..])
    }

    /// The whole document, its objectives read back from the spool.
    pub fn into_document(self) -> io::Result<Document> {
        let Converted { mut doc, spool } = self;
        if let Some(spool) = spool {
            let mut objectives = Vec::with_capacity(spool.len());
            spool.for_each(|o| {
                objectives.push(o);
                Ok(())
            })?;
            doc.objectives = objectives;
        }
        Ok(doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Indicator, Source};

    fn objective(code: &str, year: Option<i32>, page: u32) -> Objective {
        Objective {
            code: code.into(),
            year,
            title: format!("Titolo \"{code}\"\nsu due righe"),
            description: Some("testo".into()),
            indicators: vec![Indicator::default(), Indicator::default()],
            pages: vec![page, page + 1],
            weight: Some(0.1 + 0.2),
            ..Default::default()
        }
    }

    fn doc(objectives: Vec<Objective>) -> Document {
        Document {
            schema_version: crate::model::SCHEMA_VERSION.into(),
            source: Source { file: "a.pdf".into(), sha256: "00".into(), pages: 9 },
            objectives,
            diagnostics: vec![],
        }
    }

    /// The same objectives through a [`Collected`] and through spools of every
    /// budget give the same document, JSON and objectives.
    fn check(pushes: &[(Objective, bool)], year: Option<i32>, tables: Vec<Objective>) {
        let mut collected = Collected::default();
        for (o, wants) in pushes {
            collected.push(o.clone(), *wants);
        }
        collected.finish(year, tables.clone());
        let whole = doc(collected.into_vec());
        let expected = crate::emit::to_json(&whole);
        for budget in [0, 300, usize::MAX] {
            let mut spool = Spool::new(budget);
            for (o, wants) in pushes {
                spool.push(o.clone(), *wants);
            }
            spool.finish(year, tables.clone());
            assert_eq!(spool.spilled(), budget != usize::MAX && !whole.objectives.is_empty());
            let converted = Converted::spooled(doc(vec![]), spool);
            assert_eq!(converted.objective_count(), whole.objectives.len());
            assert_eq!(converted.indicator_count(), 2 * whole.objectives.len());
            let mut json = Vec::new();
            converted.write_json(&mut json).unwrap();
            assert_eq!(String::from_utf8(json).unwrap(), expected, "budget {budget}");
            let mut read = Vec::new();
            converted
                .for_each_objective(|o| {
                    read.push(o.into_owned());
                    Ok(())
                })
                .unwrap();
            assert_eq!(read, whole.objectives);
            assert_eq!(converted.into_document().unwrap(), whole);
        }
    }

    #[test]
    fn a_spool_writes_the_json_of_the_whole_document() {
        check(&[], Some(2024), vec![]);
        check(&[(objective("A", Some(2023), 1), false)], None, vec![]);
        let pushes = [
            (objective("A", Some(2023), 1), false),
            (objective("B", None, 3), true),
            (objective("C", None, 5), false),
            (objective("D", None, 7), true),
        ];
        check(&pushes, Some(2024), vec![]);
        check(&pushes, None, vec![]);
        // Tables of objectives go in by first page, after sheets on the same page.
        check(&pushes, Some(2024), vec![objective("T1", Some(2024), 3), objective("T2", None, 2)]);
    }

    #[test]
    fn a_spool_holds_at_most_its_budget_in_memory() {
        let budget = 4096;
        let mut spool = Spool::new(budget);
        for i in 0..500 {
            spool.push(objective(&format!("OB{i}"), Some(2024), i), false);
            assert!(spool.held() <= budget, "{} bytes held after {i} objectives", spool.held());
        }
        assert!(spool.spilled());
        spool.finish(Some(2024), vec![]);
        let converted = Converted::spooled(doc(vec![]), spool);
        let mut n = 0;
        converted
            .for_each_objective(|o| {
                assert_eq!(o.code, format!("OB{n}"));
                n += 1;
                Ok(())
            })
            .unwrap();
        assert_eq!(n, 500);
    }

    #[test]
    fn element_json_indents_every_line_after_the_first() {
        let o = objective("A", Some(2023), 1);
        let mut out = b"[".to_vec();
        element_json(&o, &mut out);
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("[{\n      \"code\": \"A\",\n      \"year\": 2023,"), "{text}");
        assert!(text.ends_with("\n    }"), "{text}");
        assert!(text.contains("\\n"), "a line break in a string stays escaped");
    }
}
