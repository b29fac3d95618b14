//! Object streams inflated and checked on a second thread while lopdf loads.
//!
//! The load filter inflates every object stream to tell a stream of structure
//! elements only (dropped whole) from the others; on a tagged plan that is most
//! of the serial load (622 streams, 7 MB decoded, on a 617-page plan) while the
//! other cores wait for the pages. Before the load, [`Prefetch::start`] finds the
//! object streams in the file's bytes (a textual look: `/Type /ObjStm`, a direct
//! `/Length`, `/N` and `/First`); a helper thread then inflates them from the
//! last one backwards, recording for each its decoded length and whether
//! [`super::only_struct_elems`] holds, while the filter takes them from the first
//! one on. The filter uses a result only for a stream whose bytes, `/N` and
//! `/First` are those lopdf read, and charges the decoded length to the
//! document's budget as [`super::Guard::decode`] would have; anything the helper
//! did not finish, could not read or could not decode the plain way is decoded
//! by the filter as before. A result is a function of the stream's bytes, so the
//! load is the same whichever thread got to a stream first.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, OnceLock};

use memchr::memmem;

/// Fewer object streams than this are not worth a thread.
const MIN_STREAMS: usize = 16;
/// Most bytes of object-stream data copied for the helper (a huge file's later
/// streams are decoded by the filter).
const MAX_COPIED: usize = 64 << 20;

/// One object stream found in the file.
struct Item {
    /// Its (compressed) data, copied from the input (the filter compares it
    /// with what lopdf read; a copy costs a fraction of a millisecond).
    data: Box<[u8]>,
    /// `/N` and `/First` as written in its dictionary.
    n: usize,
    first: usize,
    /// Set once a thread took it (the helper skips it then).
    taken: AtomicU8,
    /// (decoded length, structure elements only), when the helper decoded it.
    result: OnceLock<(usize, bool)>,
}

/// The object streams of one input and what the helper found of them.
pub(crate) struct Prefetch {
    items: Vec<Item>,
    /// Items by the length of their data.
    by_len: HashMap<usize, Vec<usize>>,
    /// Set when the load is over: the helper stops.
    done: AtomicBool,
}

/// What [`Prefetch::lookup`] knows of a stream.
pub(crate) struct Known {
    pub decoded_len: usize,
    pub only_struct: bool,
}

impl Prefetch {
    /// The object streams of `bytes`, or `None` when too few to be worth a
    /// thread (or the machine has one core).
    pub(crate) fn find(bytes: &[u8]) -> Option<Prefetch> {
        let mut items = Vec::new();
        let (mut last_end, mut copied) = (0, 0);
        for hit in memmem::find_iter(bytes, b"/ObjStm") {
            if hit < last_end {
                continue;
            }
            if let Some((item, end)) = item_at(bytes, hit) {
                copied += item.data.len();
                if copied > MAX_COPIED {
                    break;
                }
                last_end = end;
                items.push(item);
            }
        }
        // (the core count last: reading it costs system calls, more than a
        // small file's scan)
        if items.len() < MIN_STREAMS || std::thread::available_parallelism().map_or(1, usize::from) < 2 {
            return None;
        }
        let mut by_len: HashMap<usize, Vec<usize>> = HashMap::new();
        for (i, it) in items.iter().enumerate() {
            by_len.entry(it.data.len()).or_default().push(i);
        }
        Some(Prefetch { items, by_len, done: AtomicBool::new(false) })
    }

    /// The helper's loop: inflate the streams from the last one backwards until
    /// all are taken, the load is over or the document's time is up.
    pub(crate) fn run(&self, guard: &super::Guard) {
        for it in self.items.iter().rev() {
            if self.done.load(Ordering::Relaxed) || guard.expired() {
                return;
            }
            if it.taken.swap(1, Ordering::AcqRel) != 0 {
                continue;
            }
            // the fast path's bound (a bigger or damaged stream is left to the filter)
            if let super::Fast::Done(out) = super::inflate_zlib(&it.data, guard.limits.max_stream_bytes) {
                let _ = it.result.set((out.len(), super::only_struct_elems(&out, it.first, it.n)));
            }
        }
    }

    /// The load is over: the helper stops at its next stream.
    pub(crate) fn finish(&self) {
        self.done.store(true, Ordering::Relaxed);
    }

    /// What the helper found of the object stream `s` (its `/N` is `n`, its
    /// `/First` `first`), if it got to it; otherwise the stream is marked taken.
    pub(crate) fn lookup(&self, s: &lopdf::Stream, n: usize, first: usize) -> Option<Known> {
        let candidates = self.by_len.get(&s.content.len())?;
        let it = candidates
            .iter()
            .map(|&i| &self.items[i])
            .find(|it| it.n == n && it.first == first && it.data[..] == s.content[..])?;
        it.taken.store(1, Ordering::Release);
        let &(decoded_len, only_struct) = it.result.get()?;
        // the helper inflated it the fast way: so would the filter
        super::fast_eligible(s).then_some(Known { decoded_len, only_struct })
    }
}

/// The object stream whose dictionary holds `/ObjStm` at `hit`: its data, `/N`
/// and `/First`, when all are written plainly; and where its data ends.
fn item_at(bytes: &[u8], hit: usize) -> Option<(Item, usize)> {
    // the dictionary runs from the `obj` keyword before to `stream` after
    let from = hit.saturating_sub(512);
    let start = memmem::rfind(&bytes[from..hit], b"obj")? + from + 3;
    let to = (hit + 512).min(bytes.len());
    let kw = memmem::find(&bytes[hit..to], b"stream")? + hit;
    let dict = &bytes[start..kw];
    if !dict.windows(5).any(|w| w == b"/Type") || memmem::find(dict, b"endobj").is_some() {
        return None;
    }
    let len = direct_int(dict, b"/Length")?;
    let n = direct_int(dict, b"/N")?;
    let first = direct_int(dict, b"/First")?;
    let mut at = kw + b"stream".len();
    if bytes.get(at) == Some(&b'\r') {
        at += 1;
    }
    if bytes.get(at) != Some(&b'\n') {
        return None;
    }
    at += 1;
    let end = at.checked_add(len).filter(|&e| e <= bytes.len())?;
    Some((Item { data: bytes[at..end].into(), n, first, taken: AtomicU8::new(0), result: OnceLock::new() }, end))
}

/// The integer after `key` in dictionary text `dict`, when it is written directly
/// (not a reference) and the key appears once.
fn direct_int(dict: &[u8], key: &[u8]) -> Option<usize> {
    let mut found = None;
    for p in memmem::find_iter(dict, key) {
        let rest = &dict[p + key.len()..];
        // `/N` must not match `/Names`: the key ends at white space or a delimiter
        if rest.first().is_some_and(|c| c.is_ascii_alphanumeric()) {
            continue;
        }
        if found.is_some() {
            return None;
        }
        let rest = rest.trim_ascii_start();
        let digits = rest.iter().take_while(|c| c.is_ascii_digit()).count();
        let value: usize = std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()?;
        // `12 0 R` is a reference
        let after = rest[digits..].trim_ascii_start();
        if after.first().is_some_and(u8::is_ascii_digit) {
            return None;
        }
        found = Some(value);
    }
    found
}

/// A helper thread for the load of `bytes`, when worth one: runs `load` with the
/// prefetch installed for the filter on this thread, then stops the helper.
pub(crate) fn with_helper<T>(bytes: &[u8], guard: &super::Guard, load: impl FnOnce() -> T) -> T {
    let Some(pf) = Prefetch::find(bytes).map(Arc::new) else { return load() };
    std::thread::scope(|sc| {
        let pf2 = pf.clone();
        let helper = std::thread::Builder::new().name("perfplan-pdf-prefetch".into()).spawn_scoped(sc, move || {
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| pf2.run(guard)));
        });
        if helper.is_err() {
            return load();
        }
        // Uninstalled and the helper stopped however the load ends (a panic of
        // lopdf's parser included).
        struct Installed(Arc<Prefetch>, Option<Arc<Prefetch>>);
        impl Drop for Installed {
            fn drop(&mut self) {
                let prev = self.1.take();
                PREFETCH.with(|c| *c.borrow_mut() = prev);
                self.0.finish();
            }
        }
        let _installed = Installed(pf.clone(), PREFETCH.with(|c| c.replace(Some(pf.clone()))));
        load()
    })
}

thread_local! {
    /// The prefetch of the load running on this thread (lopdf's load filter is a
    /// plain `fn`).
    static PREFETCH: std::cell::RefCell<Option<Arc<Prefetch>>> = const { std::cell::RefCell::new(None) };
}

/// The prefetch of the load running on this thread.
pub(crate) fn current() -> Option<Arc<Prefetch>> {
    PREFETCH.with(|c| c.borrow().clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direct_integers_only() {
        assert_eq!(direct_int(b"<< /Type /ObjStm /Length 2664 /N 100 /First 837 >>", b"/N"), Some(100));
        assert_eq!(direct_int(b"<< /Length 12 0 R /N 3 >>", b"/Length"), None);
        assert_eq!(direct_int(b"<< /Names 4 /N 3 >>", b"/N"), Some(3));
        assert_eq!(direct_int(b"<< /N 4 /N 3 >>", b"/N"), None);
        assert_eq!(direct_int(b"<< /First -1 >>", b"/First"), None);
    }

    #[test]
    fn object_streams_are_found_in_the_file() {
        let data = b"x\x9c\x03\x00\x00\x00\x00\x01";
        let mut pdf = Vec::new();
        for k in 1..=3 {
            pdf.extend_from_slice(
                format!(
                    "{k} 0 obj\n<< /Type /ObjStm /Length {} /N 1 /First 4 /Filter /FlateDecode >>\nstream\r\n",
                    data.len()
                )
                .as_bytes(),
            );
            pdf.extend_from_slice(data);
            pdf.extend_from_slice(b"\nendstream\nendobj\n");
        }
        let hits: Vec<Item> =
            memmem::find_iter(&pdf, b"/ObjStm").filter_map(|h| item_at(&pdf, h)).map(|(it, _)| it).collect();
        assert_eq!(hits.len(), 3);
        for it in &hits {
            assert_eq!(&it.data[..], data);
            assert_eq!((it.n, it.first), (1, 4));
        }
    }
}
