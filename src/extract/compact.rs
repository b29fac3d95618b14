//! Page dictionaries kept encoded while a document is open.
//!
//! lopdf parses every object of a file at load time, and a parsed object is large:
//! each value of a dictionary is a 120-byte `Object` plus its key and index, so a
//! page dictionary of ~400 bytes in the file costs ~4-5 KB once parsed. A document
//! of thousands of pages keeps tens of megabytes of page dictionaries that are read
//! once each. The load filter replaces every `/Type /Page` dictionary by a stub
//! holding its `/Type` entry (what lopdf's page-tree walk reads) and the whole
//! dictionary in the compact encoding below; [`PdfDoc::page`](super::PdfDoc::page)
//! decodes it for the time the page is drawn. The encoding is lossless: the decoded
//! object equals the parsed one, entry order included.

use lopdf::{Dictionary, Object, StringFormat};

/// Key of the encoded dictionary in a stub. A PDF name never contains a NUL byte
/// (the parser of a file may still produce one from `#00`: a page dictionary that
/// merely looks like a stub decodes only if its data is a valid encoding, and is
/// used as it is otherwise).
pub(crate) const STUB_KEY: &[u8] = b"\0perfplan-encoded-page";

/// Deepest nesting encoded (deeper objects stay parsed, never stubbed).
const MAX_DEPTH: u32 = 64;

const NULL: u8 = 0;
const FALSE: u8 = 1;
const TRUE: u8 = 2;
const INT: u8 = 3;
const REAL: u8 = 4;
const NAME: u8 = 5;
const LIT: u8 = 6;
const HEX: u8 = 7;
const ARRAY: u8 = 8;
const DICT: u8 = 9;
const REF: u8 = 10;

/// Replace a page dictionary by its stub; anything else is left alone.
pub(crate) fn stub_page(obj: &mut Object) {
    let Object::Dictionary(d) = obj else { return };
    if !d.has_type(b"Page") || d.has(STUB_KEY) {
        return;
    }
    let mut out = Vec::with_capacity(512);
    if !encode_dict(d, &mut out, 0) {
        return;
    }
    let mut stub = Dictionary::new();
    if let Ok(t) = d.get(b"Type") {
        stub.set(b"Type".to_vec(), t.clone());
    }
    out.shrink_to_fit();
    stub.set(STUB_KEY.to_vec(), Object::String(out, StringFormat::Hexadecimal));
    *obj = Object::Dictionary(stub);
}

/// The page dictionary a stub stands for, or `None` when `d` is not a stub.
pub(crate) fn unstub_page(d: &Dictionary) -> Option<Dictionary> {
    decode_page(stub_data(d)?)
}

/// The encoded dictionary of a stub.
fn stub_data(d: &Dictionary) -> Option<&Vec<u8>> {
    if d.len() != 2 {
        return None;
    }
    match d.get(STUB_KEY) {
        Ok(Object::String(data, StringFormat::Hexadecimal)) => Some(data),
        _ => None,
    }
}

/// A page dictionary from its encoding, if `data` is one whole.
fn decode_page(data: &[u8]) -> Option<Dictionary> {
    let mut pos = 0;
    let Some(Object::Dictionary(full)) = decode(data, &mut pos, 0) else { return None };
    (pos == data.len()).then_some(full)
}

/// The encoded page dictionaries of a document, moved out of the loaded objects
/// into one buffer once the page list is known. A stub is a two-entry dictionary
/// (a few hundred bytes of map and keys) allocated among the load's temporaries,
/// which then cannot be handed back around it: moved here, a page costs its
/// encoding and two offsets (a 6,000-page plan: 1 MB instead of 3).
#[derive(Default)]
pub(crate) struct PageStubs {
    data: Vec<u8>,
    /// Per page of the page list: its encoding in `data`, `None` when its
    /// object was not a stub (left as loaded).
    ranges: Vec<Option<(usize, usize)>>,
}

impl PageStubs {
    /// Move the stubs of `pages` out of `objects`; each is left an empty
    /// dictionary (the page is drawn from here, nothing else reads it).
    pub(crate) fn take(
        objects: &mut std::collections::BTreeMap<lopdf::ObjectId, Object>,
        pages: &[lopdf::ObjectId],
    ) -> Self {
        let mut stubs = PageStubs { data: Vec::new(), ranges: Vec::with_capacity(pages.len()) };
        let mut seen: std::collections::HashMap<lopdf::ObjectId, (usize, usize)> = std::collections::HashMap::new();
        let total: usize = pages
            .iter()
            .filter_map(|id| match objects.get(id) {
                Some(Object::Dictionary(d)) => stub_data(d).map(Vec::len),
                _ => None,
            })
            .sum();
        stubs.data.reserve_exact(total);
        for id in pages {
            // A page listed twice (a page tree that repeats a kid) shares its range.
            if let Some(&r) = seen.get(id) {
                stubs.ranges.push(Some(r));
                continue;
            }
            let range = match objects.get_mut(id) {
                Some(Object::Dictionary(d)) => stub_data(d).map(|data| {
                    let start = stubs.data.len();
                    stubs.data.extend_from_slice(data);
                    (start, stubs.data.len() - start)
                }),
                _ => None,
            };
            if range.is_some() {
                objects.insert(*id, Object::Dictionary(Dictionary::new()));
            }
            if let Some(r) = range {
                seen.insert(*id, r);
            }
            stubs.ranges.push(range);
        }
        stubs
    }

    /// The dictionary of page `index` (0-based in the page list), when it was a
    /// stub. A file's own dictionary that only looked like one (its data is no
    /// valid encoding) comes back as it was.
    pub(crate) fn page(&self, index: usize) -> Option<Dictionary> {
        let (start, len) = self.ranges.get(index).copied().flatten()?;
        let data = &self.data[start..start + len];
        decode_page(data).or_else(|| {
            let mut d = Dictionary::new();
            d.set(b"Type".to_vec(), Object::Name(b"Page".to_vec()));
            d.set(STUB_KEY.to_vec(), Object::String(data.to_vec(), StringFormat::Hexadecimal));
            Some(d)
        })
    }
}

fn varint(mut v: u64, out: &mut Vec<u8>) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn bytes(b: &[u8], out: &mut Vec<u8>) {
    varint(b.len() as u64, out);
    out.extend_from_slice(b);
}

fn encode_dict(d: &Dictionary, out: &mut Vec<u8>, depth: u32) -> bool {
    out.push(DICT);
    varint(d.len() as u64, out);
    for (k, v) in d.iter() {
        bytes(k, out);
        if !encode(v, out, depth + 1) {
            return false;
        }
    }
    true
}

/// False for what the encoding does not hold (a stream, too deep a nesting).
fn encode(o: &Object, out: &mut Vec<u8>, depth: u32) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    match o {
        Object::Null => out.push(NULL),
        Object::Boolean(b) => out.push(if *b { TRUE } else { FALSE }),
        Object::Integer(i) => {
            out.push(INT);
            out.extend_from_slice(&i.to_le_bytes());
        }
        Object::Real(r) => {
            out.push(REAL);
            out.extend_from_slice(&r.to_bits().to_le_bytes());
        }
        Object::Name(n) => {
            out.push(NAME);
            bytes(n, out);
        }
        Object::String(s, f) => {
            out.push(if *f == StringFormat::Literal { LIT } else { HEX });
            bytes(s, out);
        }
        Object::Array(a) => {
            out.push(ARRAY);
            varint(a.len() as u64, out);
            for x in a {
                if !encode(x, out, depth + 1) {
                    return false;
                }
            }
        }
        Object::Dictionary(d) => return encode_dict(d, out, depth),
        Object::Reference((n, g)) => {
            out.push(REF);
            out.extend_from_slice(&n.to_le_bytes());
            out.extend_from_slice(&g.to_le_bytes());
        }
        Object::Stream(_) => return false,
    }
    true
}

fn take<'a>(data: &'a [u8], pos: &mut usize, n: usize) -> Option<&'a [u8]> {
    let s = data.get(*pos..pos.checked_add(n)?)?;
    *pos += n;
    Some(s)
}

fn read_varint(data: &[u8], pos: &mut usize) -> Option<usize> {
    let mut v: u64 = 0;
    for shift in (0..64).step_by(7) {
        let b = *data.get(*pos)?;
        *pos += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            return usize::try_from(v).ok();
        }
    }
    None
}

fn read_bytes(data: &[u8], pos: &mut usize) -> Option<Vec<u8>> {
    let n = read_varint(data, pos)?;
    take(data, pos, n).map(<[u8]>::to_vec)
}

fn decode(data: &[u8], pos: &mut usize, depth: u32) -> Option<Object> {
    if depth > MAX_DEPTH {
        return None;
    }
    let tag = *data.get(*pos)?;
    *pos += 1;
    Some(match tag {
        NULL => Object::Null,
        FALSE => Object::Boolean(false),
        TRUE => Object::Boolean(true),
        INT => Object::Integer(i64::from_le_bytes(take(data, pos, 8)?.try_into().ok()?)),
        REAL => Object::Real(f32::from_bits(u32::from_le_bytes(take(data, pos, 4)?.try_into().ok()?))),
        NAME => Object::Name(read_bytes(data, pos)?),
        LIT => Object::String(read_bytes(data, pos)?, StringFormat::Literal),
        HEX => Object::String(read_bytes(data, pos)?, StringFormat::Hexadecimal),
        ARRAY => {
            let n = read_varint(data, pos)?;
            // every element takes at least one byte: a bogus count fails, never allocates
            let mut a = Vec::with_capacity(n.min(data.len() - *pos));
            for _ in 0..n {
                a.push(decode(data, pos, depth + 1)?);
            }
            Object::Array(a)
        }
        DICT => {
            let n = read_varint(data, pos)?;
            let mut d = Dictionary::new();
            for _ in 0..n {
                let k = read_bytes(data, pos)?;
                let v = decode(data, pos, depth + 1)?;
                d.set(k, v);
            }
            Object::Dictionary(d)
        }
        REF => {
            let n = u32::from_le_bytes(take(data, pos, 4)?.try_into().ok()?);
            let g = u16::from_le_bytes(take(data, pos, 2)?.try_into().ok()?);
            Object::Reference((n, g))
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stubs_moved_out_of_the_objects_give_back_each_page() {
        let page = |w: i64| {
            Dictionary::from_iter(vec![
                ("Type", Object::Name(b"Page".to_vec())),
                ("MediaBox", Object::Array(vec![0.into(), 0.into(), w.into(), 842.into()])),
            ])
        };
        let mut objects = std::collections::BTreeMap::new();
        for (n, w) in [(1, 500), (2, 600)] {
            let mut o = Object::Dictionary(page(w));
            stub_page(&mut o);
            objects.insert((n, 0), o);
        }
        // A page whose object is not a stub (left as loaded).
        objects.insert((3, 0), Object::Dictionary(page(700)));
        // Page 1 listed twice, as a page tree that repeats a kid does.
        let stubs = PageStubs::take(&mut objects, &[(1, 0), (2, 0), (3, 0), (1, 0)]);
        assert_eq!(stubs.page(0), Some(page(500)));
        assert_eq!(stubs.page(1), Some(page(600)));
        assert_eq!(stubs.page(2), None);
        assert_eq!(stubs.page(3), Some(page(500)));
        assert_eq!(stubs.page(4), None);
        // The stubs left the objects; the plain page stays.
        assert_eq!(objects[&(1, 0)], Object::Dictionary(Dictionary::new()));
        assert_eq!(objects[&(3, 0)], Object::Dictionary(page(700)));
    }

    #[test]
    fn a_page_dictionary_comes_back_equal_in_the_same_order() {
        let mut res = Dictionary::new();
        res.set("Font", Object::Dictionary(Dictionary::from_iter(vec![("F1", Object::Reference((7, 0)))])));
        let mut d = Dictionary::new();
        d.set("Type", Object::Name(b"Page".to_vec()));
        d.set("MediaBox", Object::Array(vec![0.into(), 0.into(), Object::Real(594.96), Object::Real(841.92)]));
        d.set("Resources", Object::Dictionary(res));
        d.set("Contents", Object::Reference((12, 3)));
        d.set("Rotate", Object::Integer(-90));
        d.set("Note", Object::String(b"a\0b".to_vec(), StringFormat::Literal));
        d.set("Hex", Object::String(vec![0xff, 0], StringFormat::Hexadecimal));
        d.set("Flags", Object::Array(vec![Object::Null, Object::Boolean(true), Object::Boolean(false)]));
        let mut o = Object::Dictionary(d.clone());
        stub_page(&mut o);
        let stub = o.as_dict().unwrap();
        assert_eq!(stub.len(), 2);
        assert_eq!(stub.get_type().unwrap(), b"Page");
        let back = unstub_page(stub).unwrap();
        assert_eq!(back, d);
        let keys = |d: &Dictionary| d.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>();
        assert_eq!(keys(&back), keys(&d));
        // not a page: untouched; a damaged stub is not decoded
        let mut other = Object::Dictionary(Dictionary::from_iter(vec![("Type", Object::Name(b"Font".to_vec()))]));
        stub_page(&mut other);
        assert!(!other.as_dict().unwrap().has(STUB_KEY));
        let mut bad = stub.clone();
        bad.set(STUB_KEY.to_vec(), Object::String(vec![DICT, 200, 1], StringFormat::Hexadecimal));
        assert!(unstub_page(&bad).is_none());
    }
}
