//! The objects of an open PDF, as the page threads read them: every object loaded
//! up front (lopdf's [`Document`]), or each read from the file the first time a
//! page needs it ([`Lazy`]).
//!
//! Why on demand: a tagged plan's file is mostly its structure tree, which no page
//! reads (on the 617-page perf plan: 58,000 of 63,000 objects, in 607 of its 622
//! object streams). A full load inflates and parses all of it on one thread before
//! the first page can start. Read on demand, opening a file is reading its
//! cross-reference table and walking its page tree; the objects the pages use are
//! parsed by the page threads, once each, and the rest never is.
//!
//! The full load stays for what the on-demand reader does not handle the same way
//! (see [`super::open_lazy`]): encrypted files, a cross-reference table rebuilt by
//! scanning, a page tree that is not a plain tree, inputs too large to keep in
//! memory for the whole run.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

use lopdf::xref::XrefEntry;
use lopdf::{Dictionary, Document, Object, ObjectId};

use super::Guard;

/// Objects per slot chunk: a chunk is allocated when one of its objects is first
/// read, so a sparse use of a large file costs little.
const CHUNK: usize = 256;

/// Highest object number read on demand: the slot table's top level costs 8
/// bytes per chunk of 256 numbers (a file declaring more objects is loaded whole).
pub(crate) const MAX_LAZY_OBJECTS: u32 = 1 << 24;

/// References followed in a row before giving up (as lopdf's `Document`).
const DEREF_LIMIT: usize = 128;

/// The objects of an open PDF.
pub(crate) enum Store<'a> {
    /// Every object, loaded when the file was opened.
    Loaded(Box<Document>),
    /// Objects read from the input on first use.
    Lazy(Box<Lazy<'a>>),
}

impl<'a> Store<'a> {
    /// The object `id`, following references; `Err` when it is missing, free,
    /// unreadable or a structure element (which the full load leaves out too).
    pub(crate) fn get_object(&self, id: ObjectId) -> lopdf::Result<&Object> {
        match self {
            Store::Loaded(doc) => doc.get_object(id),
            Store::Lazy(lazy) => {
                let mut o = lazy.get(id)?;
                for _ in 0..DEREF_LIMIT {
                    match o {
                        Object::Reference(r) => o = lazy.get(*r)?,
                        _ => return Ok(o),
                    }
                }
                Err(lopdf::Error::ReferenceLimit)
            }
        }
    }

    /// The dictionary `id`, following references.
    pub(crate) fn get_dictionary(&self, id: ObjectId) -> lopdf::Result<&Dictionary> {
        self.get_object(id).and_then(Object::as_dict)
    }

    /// The object `id` for one use: read and not kept when it was not read before
    /// (a page dictionary, a content stream: each is used once, and kept they would
    /// make memory grow with the number of pages).
    pub(crate) fn transient(&self, id: ObjectId) -> Option<Cow<'_, Object>> {
        match self {
            Store::Loaded(doc) => doc.get_object(id).ok().map(Cow::Borrowed),
            Store::Lazy(lazy) => match lazy.peek(id) {
                Some(_) => self.get_object(id).ok().map(Cow::Borrowed),
                None => match lazy.read(id)? {
                    Object::Reference(r) => self.get_object(r).ok().map(Cow::Borrowed),
                    o => Some(Cow::Owned(o)),
                },
            },
        }
    }

    /// The trailer dictionary.
    pub(crate) fn trailer(&self) -> &Dictionary {
        match self {
            Store::Loaded(doc) => &doc.trailer,
            Store::Lazy(lazy) => &lazy.reader.document().trailer,
        }
    }

    /// The document catalog.
    pub(crate) fn catalog(&self) -> lopdf::Result<&Dictionary> {
        self.trailer().get(b"Root").and_then(Object::as_reference).and_then(|id| self.get_dictionary(id))
    }
}

impl From<Document> for Store<'_> {
    fn from(doc: Document) -> Self {
        Store::Loaded(Box::new(doc))
    }
}

/// A decoded object stream: its data and where each member starts.
struct Container {
    data: Vec<u8>,
    members: HashMap<u32, usize>,
}

type ContainerCell = Arc<OnceLock<Option<Arc<Container>>>>;

/// An object's slot: `None` once read and found missing.
type Slot = OnceLock<Option<Box<Object>>>;

/// Objects read from the input on first use and kept (see [`Store::transient`]
/// for those that are not).
pub(crate) struct Lazy<'a> {
    reader: lopdf::Reader<'a>,
    /// One slot per object number, in chunks of [`CHUNK`]: `None` once read and
    /// found missing. A slot is set once and never moves, so a reference into it
    /// lives as long as the store (the interpreter keys fonts by address).
    slots: Vec<OnceLock<Box<[Slot]>>>,
    /// Decoded object streams, by object number, shared by the page threads (the
    /// first thread to need one decodes it, the others wait for it).
    containers: Mutex<HashMap<u32, ContainerCell>>,
    guard: Arc<Guard>,
}

impl<'a> Lazy<'a> {
    /// A store over `reader` (opened with [`lopdf::Reader::open`]), or `None` when
    /// the file declares more objects than [`MAX_LAZY_OBJECTS`].
    pub(crate) fn new(reader: lopdf::Reader<'a>, guard: Arc<Guard>) -> Option<Self> {
        let table = &reader.document().reference_table;
        let max = table.entries.keys().next_back().copied().unwrap_or(0);
        if max >= MAX_LAZY_OBJECTS {
            return None;
        }
        let chunks = max as usize / CHUNK + 1;
        Some(Lazy {
            reader,
            slots: (0..chunks).map(|_| OnceLock::new()).collect(),
            containers: Mutex::new(HashMap::new()),
            guard,
        })
    }

    /// The document as far as the reader knows it: trailer, cross-reference table
    /// and how it was read; no objects.
    pub(crate) fn document(&self) -> &Document {
        self.reader.document()
    }

    fn slot(&self, num: u32) -> Option<&Slot> {
        let chunk = self.slots.get(num as usize / CHUNK)?;
        let chunk = chunk.get_or_init(|| (0..CHUNK).map(|_| OnceLock::new()).collect());
        chunk.get(num as usize % CHUNK)
    }

    /// The object `id` itself (a reference is not followed), read once.
    fn get(&self, id: ObjectId) -> lopdf::Result<&Object> {
        let missing = || lopdf::Error::ObjectNotFound(id);
        if self.generation(id.0) != Some(id.1) {
            return Err(missing());
        }
        let slot = self.slot(id.0).ok_or_else(missing)?;
        slot.get_or_init(|| self.read(id).map(Box::new)).as_deref().ok_or_else(missing)
    }

    /// The object `id` when it was read already.
    fn peek(&self, id: ObjectId) -> Option<&Object> {
        if self.generation(id.0) != Some(id.1) {
            return None;
        }
        let chunk = self.slots.get(id.0 as usize / CHUNK)?.get()?;
        chunk.get(id.0 as usize % CHUNK)?.get()?.as_deref()
    }

    /// The generation under which the cross-reference table lists object `num`
    /// (0 for a member of an object stream), `None` when it is free or absent.
    fn generation(&self, num: u32) -> Option<u16> {
        match self.document().reference_table.get(num)? {
            XrefEntry::Normal { generation, .. } => Some(*generation),
            XrefEntry::Compressed { .. } => Some(0),
            _ => None,
        }
    }

    /// Read the object `id` from the input (not kept): `None` when it cannot be
    /// read, and for the structure elements the full load leaves out.
    ///
    /// Only lopdf and the container cache are called from here, never a slot: a
    /// slot being filled is never asked for again on the same thread.
    fn read(&self, id: ObjectId) -> Option<Object> {
        if self.guard.expired() {
            return None;
        }
        let obj = match self.document().reference_table.get(id.0)? {
            XrefEntry::Normal { generation, .. } if *generation == id.1 => {
                self.reader.get_object(id, &mut HashSet::new()).ok()?
            }
            XrefEntry::Compressed { container, .. } if id.1 == 0 => {
                let c = self.container(*container)?;
                let at = *c.members.get(&id.0)?;
                lopdf::parse_object_stream_member(c.data.get(at..)?)?
            }
            _ => return None,
        };
        match &obj {
            Object::Dictionary(d) if super::is_structure(d) => None,
            _ => Some(obj),
        }
    }

    fn container(&self, num: u32) -> Option<Arc<Container>> {
        let cell = self.containers.lock().ok()?.entry(num).or_default().clone();
        cell.get_or_init(|| self.decode_container(num).map(Arc::new)).clone()
    }

    /// Decode object stream `num` under the document's byte budget and index its
    /// members the way lopdf's `ObjectStream` does (the last of two members with
    /// one number wins; a member past the data is left out).
    fn decode_container(&self, num: u32) -> Option<Container> {
        let XrefEntry::Normal { generation, .. } = *self.document().reference_table.get(num)? else {
            return None;
        };
        let obj = self.reader.get_object((num, generation), &mut HashSet::new()).ok()?;
        let s = obj.as_stream().ok()?;
        if !s.dict.has_type(b"ObjStm") {
            return None;
        }
        let first = usize::try_from(s.dict.get(b"First").and_then(Object::as_i64).ok()?).ok()?;
        let data = self.guard.decode(s).ok()?;
        let header = std::str::from_utf8(data.get(..first)?).ok()?;
        let numbers: Vec<Option<u32>> = header
            .split(['\r', '\n'])
            .flat_map(|line| line.split('%').next().unwrap_or_default().split_whitespace())
            .map(|t| t.parse().ok())
            .collect();
        let mut members = HashMap::new();
        for pair in numbers.chunks_exact(2) {
            let (Some(id), Some(off)) = (pair[0], pair[1]) else { continue };
            let at = first.saturating_add(off as usize);
            if at < data.len() {
                members.insert(id, at);
            }
        }
        Some(Container { data, members })
    }
}
