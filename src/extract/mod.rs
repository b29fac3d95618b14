//! Extraction stage: PDF bytes -> pages of positioned glyphs and drawn rules/fills.
//!
//! This module is the only place that knows about PDF objects, content streams and
//! fonts. Everything downstream sees [`Page`], so the interpreter behind it can be
//! replaced without touching layout or parsing.
//!
//! Coordinates: PDF points, origin at the top-left corner of the (rotated) page,
//! `y` growing downwards.

use serde::{Deserialize, Serialize};

/// Axis-aligned box in page space (points, origin top-left, y down).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct BBox {
    pub x0: f32,
    pub top: f32,
    pub x1: f32,
    pub bottom: f32,
}

impl BBox {
    pub fn new(x0: f32, top: f32, x1: f32, bottom: f32) -> Self {
        BBox { x0: x0.min(x1), top: top.min(bottom), x1: x0.max(x1), bottom: top.max(bottom) }
    }
    pub fn width(&self) -> f32 {
        self.x1 - self.x0
    }
    pub fn height(&self) -> f32 {
        self.bottom - self.top
    }
    pub fn union(&self, o: &BBox) -> BBox {
        BBox {
            x0: self.x0.min(o.x0),
            top: self.top.min(o.top),
            x1: self.x1.max(o.x1),
            bottom: self.bottom.max(o.bottom),
        }
    }
    pub fn cx(&self) -> f32 {
        (self.x0 + self.x1) * 0.5
    }
    pub fn cy(&self) -> f32 {
        (self.top + self.bottom) * 0.5
    }
}

/// The text of one glyph: almost always one to three characters, so it is kept
/// inline (no heap allocation per glyph, the largest allocation count of the
/// extractor); longer mappings (a ToUnicode entry may map a code to a phrase)
/// go to the heap. Reads as a `&str`.
#[derive(Clone, PartialEq, Eq)]
pub struct GlyphText(Repr);

#[derive(Clone, PartialEq, Eq)]
enum Repr {
    Inline { len: u8, buf: [u8; GlyphText::INLINE] },
    Heap(Box<str>),
}

impl GlyphText {
    const INLINE: usize = 22;

    pub fn new(s: &str) -> Self {
        if s.len() <= Self::INLINE {
            let mut buf = [0u8; Self::INLINE];
            buf[..s.len()].copy_from_slice(s.as_bytes());
            GlyphText(Repr::Inline { len: s.len() as u8, buf })
        } else {
            GlyphText(Repr::Heap(s.into()))
        }
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            // SAFETY: `Repr::Inline` is built only by `GlyphText::new`, from all the
            // bytes of a `&str` (`len` is that string's length), and never mutated:
            // `buf[..len]` is valid UTF-8. Validating it again on every read cost
            // 6% of the whole conversion (glyph text is read several times per glyph).
            Repr::Inline { len, buf } => unsafe { std::str::from_utf8_unchecked(&buf[..*len as usize]) },
            Repr::Heap(s) => s,
        }
    }
}

impl std::ops::Deref for GlyphText {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for GlyphText {
    fn from(s: &str) -> Self {
        GlyphText::new(s)
    }
}

impl From<String> for GlyphText {
    fn from(s: String) -> Self {
        GlyphText::new(&s)
    }
}

impl PartialEq<str> for GlyphText {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for GlyphText {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::fmt::Debug for GlyphText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for GlyphText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for GlyphText {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for GlyphText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(GlyphText::from)
    }
}

/// One drawn glyph (or ligature expanded to its letters).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Glyph {
    /// Unicode text of the glyph, NFC; ligatures are expanded ("fi", never U+FB01).
    /// A space glyph is kept as " " (layout decides word breaks from geometry anyway).
    pub text: GlyphText,
    /// x0..x1 is the advance of the glyph; top..bottom spans ascent..descent of the font
    /// at its rendered size.
    pub bbox: BBox,
    /// Baseline y (page space, y down).
    pub baseline: f32,
    /// Rendered font size in points (font size x text matrix x CTM scale).
    pub size: f32,
    /// The font is bold (from the font name or descriptor weight/flags).
    pub bold: bool,
}

/// How a path was painted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Paint {
    Stroke,
    Fill,
}

/// A painted path piece: a rectangle (`re`) or a line segment / polyline bbox, in page
/// space. Stroked lines have the line width folded into the box.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    pub bbox: BBox,
    pub paint: Paint,
    /// Luminance of the paint colour, 0 = black, 1 = white.
    pub gray: f32,
}

/// One page as the extractor sees it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Page {
    /// 1-based page number.
    pub number: u32,
    pub width: f32,
    pub height: f32,
    pub glyphs: Vec<Glyph>,
    pub rules: Vec<Rule>,
    /// Number of images painted on the page (a page with images and no glyphs is
    /// likely a scan without a text layer).
    pub images: u32,
    /// Non-fatal extraction findings (unknown encoding, undecodable glyphs...).
    pub warnings: Vec<String>,
}

use crate::error::ExtractError;
use lopdf::{Dictionary, Document, Object, ObjectId};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use store::{Lazy, Store};

pub mod agl;
pub mod cmap;
mod compact;
pub mod font;
mod interp;
pub mod lexer;
mod prefetch;
#[cfg(feature = "reference-extractor")]
pub mod reference;
mod store;
#[rustfmt::skip]
mod tables;

/// Upper bound for one decoded stream (content, font program, CMap) when no
/// [`Limits`] are in force (the default of `Limits::max_stream_bytes`).
pub(crate) const MAX_STREAM: usize = 64 * 1024 * 1024;

/// Most glyphs / rules kept for one page: a small stream repeating `(xxxx) Tj`
/// (or a form XObject drawn many times) must not turn into gigabytes of glyphs.
pub(crate) const MAX_PAGE_ITEMS: usize = 500_000;
/// Most content-stream operators run for one page, form XObjects included.
pub(crate) const MAX_PAGE_OPS: u64 = 50_000_000;

pub(crate) type FontCache = Mutex<HashMap<ObjectId, Arc<font::Font>>>;

/// Decoded Form XObject content, shared by all pages of a document: a form drawn
/// on every page (a logo, a checkbox) is decoded, and charged to the byte budget,
/// once. Only small forms are kept, within a fixed total.
#[derive(Default)]
pub(crate) struct FormCache {
    /// Decoded content by object, and its total size.
    map: Mutex<(FormMap, usize)>,
}
type FormMap = HashMap<ObjectId, Arc<Vec<u8>>>;
const FORM_CACHE_ITEM: usize = 1 << 20;
const FORM_CACHE_TOTAL: usize = 32 << 20;

impl FormCache {
    pub(crate) fn get(&self, id: ObjectId) -> Option<Arc<Vec<u8>>> {
        self.map.lock().ok()?.0.get(&id).cloned()
    }
    pub(crate) fn put(&self, id: ObjectId, data: &Arc<Vec<u8>>) {
        if data.len() > FORM_CACHE_ITEM {
            return;
        }
        if let Ok(mut m) = self.map.lock() {
            if m.1 + data.len() <= FORM_CACHE_TOTAL {
                m.1 += data.len();
                m.0.insert(id, data.clone());
            }
        }
    }
}

/// Resource limits for one document (protection against hostile files).
///
/// Where the limits act:
/// * loading: every stream lopdf decodes while loading (object streams,
///   cross-reference streams) is bounded by `max_stream_bytes`; object streams we
///   decode ourselves count towards `max_total_bytes`; deadline and cancel are
///   checked per object while loading (an expired load drops the remaining objects
///   and fails with [`ExtractError::Timeout`]);
/// * pages: the deadline / cancel flag is checked before each page, every 4096
///   operators or tokens inside content-stream interpretation, and before and after
///   each stream is decoded; one stream never decodes to more than
///   `max_stream_bytes` (each filter of a chain is bounded on its own), so a single
///   inflate runs for at most the time needed to produce that many bytes;
/// * images are never decoded (only counted).
///
/// A stream over a byte limit: page content -> [`PdfDoc::page`] fails with
/// [`ExtractError::LimitExceeded`]; a font program / CMap / form XObject -> skipped
/// with a page warning. More than `max_pages` pages: the document is truncated to
/// the first `max_pages` (see [`PdfDoc::warnings`]); `page(n)` beyond it fails with
/// `LimitExceeded`.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Stop and fail with ExtractError::Timeout once this instant has passed
    /// (checked while loading, between pages, inside content-stream interpretation
    /// every few thousand operators, and while inflating streams).
    pub deadline: Option<std::time::Instant>,
    /// Cancellation flag set by a watchdog: same effect as a passed deadline.
    pub cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
    /// Max decoded bytes of one stream (decompression bombs), default 64 MiB.
    pub max_stream_bytes: usize,
    /// Max decoded bytes of all streams of the document, default 512 MiB.
    pub max_total_bytes: usize,
    /// Max pages extracted, default 20_000 (the rest: a documented truncation, with a
    /// document warning; `page(n)` beyond it fails with ExtractError::LimitExceeded).
    pub max_pages: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            deadline: None,
            cancel: None,
            max_stream_bytes: MAX_STREAM,
            max_total_bytes: 512 * 1024 * 1024,
            max_pages: 20_000,
        }
    }
}

/// The limits of one open document plus what has been spent of them.
#[derive(Debug)]
pub(crate) struct Guard {
    limits: Limits,
    /// Decoded bytes charged so far (all streams of the document).
    used: AtomicUsize,
    /// Set once the deadline/cancel flag was seen, so later checks are cheap.
    expired: AtomicBool,
}

impl Guard {
    fn new(limits: Limits) -> Self {
        Guard { limits, used: AtomicUsize::new(0), expired: AtomicBool::new(false) }
    }

    /// The deadline passed or the cancel flag is set.
    pub(crate) fn expired(&self) -> bool {
        if self.expired.load(Ordering::Relaxed) {
            return true;
        }
        let cancelled = self.limits.cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed));
        let late = self.limits.deadline.is_some_and(|d| std::time::Instant::now() >= d);
        if cancelled || late {
            self.expired.store(true, Ordering::Relaxed);
        }
        cancelled || late
    }

    pub(crate) fn check(&self) -> Result<(), ExtractError> {
        if self.expired() {
            Err(ExtractError::Timeout)
        } else {
            Ok(())
        }
    }

    /// What [`Guard::decode`] does with a stream its fast path decodes to `n`
    /// bytes, without decoding it again: charge them (then `Err` if the time is
    /// up). `None` when decode would not take the fast path's result as it is
    /// (over a limit, out of time): the stream is decoded then.
    pub(crate) fn charge(&self, n: usize) -> Option<Result<(), ExtractError>> {
        if self.expired() {
            return None;
        }
        let left = self.limits.max_total_bytes.saturating_sub(self.used.load(Ordering::Relaxed));
        if left == 0 || n > self.limits.max_stream_bytes.min(left).min(FAST_MAX_OUTPUT) {
            return None;
        }
        self.used.fetch_add(n, Ordering::Relaxed);
        Some(self.check())
    }

    /// Decode a stream within the per-stream and per-document byte budgets.
    pub(crate) fn decode(&self, s: &lopdf::Stream) -> Result<Vec<u8>, ExtractError> {
        self.check()?;
        let used = self.used.load(Ordering::Relaxed);
        let left = self.limits.max_total_bytes.saturating_sub(used);
        if left == 0 {
            return Err(ExtractError::LimitExceeded(format!(
                "the document's streams decode to more than {} bytes in all",
                self.limits.max_total_bytes
            )));
        }
        let limit = self.limits.max_stream_bytes.min(left);
        let over = |limit: usize| {
            ExtractError::LimitExceeded(if limit < self.limits.max_stream_bytes {
                format!("the document's streams decode to more than {} bytes in all", self.limits.max_total_bytes)
            } else {
                format!("a stream decodes to more than {limit} bytes (decompression bomb?)")
            })
        };
        // Well-formed streams of modest size inflate once, here; the others are
        // measured first (bombs) and decoded by lopdf.
        let fast = match inflate_fast(s, limit) {
            Fast::Done(out) => Some(out),
            Fast::Over => {
                self.used.fetch_add(limit, Ordering::Relaxed);
                return Err(over(limit));
            }
            Fast::NotApplicable => None,
        };
        if fast.is_none() {
            match flate_dry_run(s, limit, self) {
                DryRun::Over => {
                    self.used.fetch_add(limit, Ordering::Relaxed);
                    return Err(over(limit));
                }
                DryRun::Expired => return Err(ExtractError::Timeout),
                DryRun::Fits | DryRun::Unknown => {}
            }
        }
        let out = match fast.map_or_else(|| s.decompressed_content_with_limit(limit), Ok) {
            Ok(c) => c,
            Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. })) => {
                // charge what was inflated: a bomb costs its budget share once
                self.used.fetch_add(limit, Ordering::Relaxed);
                return Err(over(limit));
            }
            Err(e) => return Err(ExtractError::Damaged(format!("stream cannot be decoded: {e}"))),
        };
        self.used.fetch_add(out.len(), Ordering::Relaxed);
        self.check()?;
        Ok(out)
    }
}

enum Fast {
    Done(Vec<u8>),
    /// Decodes to more than the limit.
    Over,
    /// Not a lone FlateDecode without predictor, damaged, or larger than
    /// [`FAST_MAX_OUTPUT`]: lopdf's tolerant decoder (raw-deflate retry, partial
    /// output) handles it, after the bomb check.
    NotApplicable,
}

/// Output the fast path inflates into memory at most: a bigger stream (or a bomb)
/// goes the measured way, so that no more than this is allocated before the
/// decompression-bomb check.
const FAST_MAX_OUTPUT: usize = 8 << 20;

thread_local! {
    /// One inflate state per thread, reset between streams: creating it costs
    /// ~100k instructions (its window and tables), as much as inflating a small
    /// content stream.
    static INFLATER: RefCell<Option<zlib_rs::Inflate>> = const { RefCell::new(None) };
}

/// The common case, a content or font stream with `/Filter /FlateDecode` and no
/// predictor, inflated with a reused state straight into a buffer sized from the
/// input (lopdf's reader path grows its buffer from a small guess and allocates a
/// new inflate state per stream). zlib-rs here (SIMD, about twice miniz_oxide's
/// speed); lopdf's path keeps flate2's miniz_oxide, which salvages more of a
/// damaged stream. Any irregularity falls back to lopdf, so the result of a
/// well-formed stream is the same byte for byte and damaged ones keep lopdf's
/// recovery.
fn inflate_fast(s: &lopdf::Stream, limit: usize) -> Fast {
    if !fast_eligible(s) {
        return Fast::NotApplicable;
    }
    inflate_zlib(&s.content, limit)
}

/// `s` has `/Filter /FlateDecode` alone and no predictor: [`inflate_zlib`] may
/// decode it.
fn fast_eligible(s: &lopdf::Stream) -> bool {
    let plain = match s.dict.get(b"Filter") {
        Ok(Object::Name(n)) => n == b"FlateDecode",
        Ok(Object::Array(a)) => a.len() == 1 && matches!(&a[0], Object::Name(n) if n == b"FlateDecode"),
        _ => false,
    };
    let no_predictor = match s.dict.get(b"DecodeParms") {
        Err(_) | Ok(Object::Null) => true,
        Ok(Object::Dictionary(d)) => d.get(b"Predictor").ok().and_then(|p| p.as_i64().ok()).is_none_or(|p| p <= 1),
        Ok(Object::Array(a)) => a.len() == 1 && matches!(&a[0], Object::Null),
        _ => false,
    };
    plain && no_predictor
}

/// The inflate of [`inflate_fast`], on the bytes of a stream it applies to.
fn inflate_zlib(input: &[u8], limit: usize) -> Fast {
    // zlib header: deflate method and a valid check value; raw deflate streams go to lopdf
    let zlib = input.len() > 2 && input[0] & 0x0f == 8 && (u16::from(input[0]) << 8 | u16::from(input[1])) % 31 == 0;
    if !zlib {
        return Fast::NotApplicable;
    }
    INFLATER.with(|cell| {
        let mut slot = cell.borrow_mut();
        let z = slot.get_or_insert_with(|| zlib_rs::Inflate::new(true, 15));
        z.reset(true);
        let probe = limit.min(FAST_MAX_OUTPUT);
        let cap = probe.saturating_add(1);
        // more than `probe`: over the limit, or too big to inflate unmeasured
        let too_big = if probe == limit { Fast::Over } else { Fast::NotApplicable };
        // The inflater writes into the vector's spare capacity and the length
        // follows what it wrote (zero-filling the buffer first cost a memset of
        // all of it per stream). Room for 8 times the input: content streams
        // inflate to 6.5 times their size (median on a 617-page plan), so 4
        // times made nearly every one grow (and copy) once.
        // (`max` then `min`: a limit under 4 KiB makes `cap` the smaller)
        let mut room = input.len().saturating_mul(8).max(4096).min(cap);
        let mut out: Vec<u8> = Vec::with_capacity(room);
        loop {
            let consumed = usize::try_from(z.total_in()).unwrap_or(usize::MAX).min(input.len());
            let (before_in, before_out) = (z.total_in(), z.total_out());
            let len = out.len();
            let free = &mut out.spare_capacity_mut()[..room - len];
            let r = z.decompress_uninit(&input[consumed..], free, zlib_rs::InflateFlush::NoFlush);
            let n = usize::try_from(z.total_out()).unwrap_or(usize::MAX);
            if n > room {
                return too_big;
            }
            // SAFETY: the inflater wrote the `n - out.len()` bytes after the
            // length (its total output grows by what it writes, at most `free`).
            unsafe { out.set_len(n) };
            match r {
                Ok(zlib_rs::Status::StreamEnd) => {
                    if n > probe {
                        return too_big;
                    }
                    // some decoded streams are kept (object streams, forms): the
                    // room left unused is bounded to half what was written
                    if out.capacity() - out.len() > out.len() / 2 {
                        out.shrink_to_fit();
                    }
                    return Fast::Done(out);
                }
                Ok(_) => {
                    if n > probe {
                        return too_big;
                    }
                    if n == room {
                        if room >= cap {
                            return too_big;
                        }
                        room += room.min(cap - room);
                        out.reserve_exact(room - n);
                    } else if z.total_in() == before_in && z.total_out() == before_out {
                        // no progress with room left: the input ended before the stream
                        return Fast::NotApplicable;
                    }
                }
                Err(_) => return Fast::NotApplicable,
            }
        }
    })
}

enum DryRun {
    /// The stream decodes to at most the limit (or fails to decode before it).
    Fits,
    /// The stream decodes to more than the limit.
    Over,
    /// Not a pure FlateDecode chain, or small enough that it cannot exceed the limit.
    Unknown,
    Expired,
}

/// Deflate never expands more than 1032:1.
const MAX_DEFLATE_RATIO: usize = 1032;

/// Count (without keeping) the decoded bytes of a stream whose filters are all
/// FlateDecode, streaming through nested decoders with a fixed 64 KiB buffer, so a
/// decompression bomb is rejected before anything of its size is allocated
/// (lopdf's own bound holds the output in a growing `Vec`, up to twice the limit).
/// Checks the deadline every 64 KiB of output.
fn flate_dry_run(s: &lopdf::Stream, limit: usize, guard: &Guard) -> DryRun {
    use std::io::Read;
    let Ok(filters) = s.filters() else { return DryRun::Unknown };
    if filters.is_empty() || filters.len() > 8 || filters.iter().any(|f| *f != b"FlateDecode") {
        return DryRun::Unknown;
    }
    // one layer cannot exceed the limit when the input is small enough
    if filters.len() == 1 && s.content.len().saturating_mul(MAX_DEFLATE_RATIO) <= limit {
        return DryRun::Unknown;
    }
    fn layer<'a>(r: Box<dyn Read + 'a>, head: [u8; 2]) -> Box<dyn Read + 'a> {
        let zlib = head[0] & 0x0f == 8 && (u16::from(head[0]) << 8 | u16::from(head[1])) % 31 == 0;
        if zlib {
            Box::new(flate2::read::ZlibDecoder::new(r))
        } else {
            Box::new(flate2::read::DeflateDecoder::new(r))
        }
    }
    // Peek the header of each layer by decoding the layers one by one is not
    // possible without buffering; assume the inner layers are zlib-wrapped (as PDF
    // writers produce) and sniff the outer one.
    let data = s.content.as_slice();
    let head = [data.first().copied().unwrap_or(0), data.get(1).copied().unwrap_or(0)];
    let mut r: Box<dyn Read + '_> = layer(Box::new(data), head);
    for _ in 1..filters.len() {
        r = Box::new(flate2::read::ZlibDecoder::new(r));
    }
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0usize;
    loop {
        match r.read(&mut buf) {
            Ok(0) => return DryRun::Fits,
            Ok(n) => {
                total += n;
                if total > limit {
                    return DryRun::Over;
                }
            }
            // corrupt data: let lopdf's tolerant decoder deal with it (bounded)
            Err(_) => return DryRun::Fits,
        }
        if total & 0xF_FFFF < 64 * 1024 && guard.expired() {
            return DryRun::Expired;
        }
    }
}

thread_local! {
    /// The guard of the document being loaded / the page being extracted on this
    /// thread (lopdf's load filter is a plain `fn`, fonts are loaded deep inside the
    /// interpreter: both find the limits here).
    static GUARD: RefCell<Option<Arc<Guard>>> = const { RefCell::new(None) };
    /// Findings of the load filters (object streams dropped over a limit).
    static LOAD_NOTES: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Installs a guard for the current thread until dropped.
struct GuardScope(Option<Arc<Guard>>);
impl GuardScope {
    fn enter(g: &Arc<Guard>) -> Self {
        GuardScope(GUARD.with(|c| c.replace(Some(g.clone()))))
    }
}
impl Drop for GuardScope {
    fn drop(&mut self) {
        let prev = self.0.take();
        GUARD.with(|c| *c.borrow_mut() = prev);
    }
}

fn current_guard() -> Option<Arc<Guard>> {
    GUARD.with(|c| c.borrow().clone())
}

/// Decode a stream under the current thread's guard (default limits when none).
pub(crate) fn decode_stream(s: &lopdf::Stream) -> Result<Vec<u8>, ExtractError> {
    match current_guard() {
        Some(g) => g.decode(s),
        None => Guard::new(Limits::default()).decode(s),
    }
}

/// The current thread's document ran out of time.
pub(crate) fn guard_expired() -> bool {
    GUARD.with(|c| c.borrow().as_ref().is_some_and(|g| g.expired()))
}

/// An opened PDF, ready to be read page by page.
pub struct PdfDoc<'a> {
    /// The objects: loaded, or read from the input on demand (see [`store`]).
    doc: Store<'a>,
    pages: Vec<ObjectId>,
    fonts: FontCache,
    forms: FormCache,
    guard: Arc<Guard>,
    warnings: Vec<String>,
    /// Pages of the page tree before truncation to `Limits::max_pages`.
    total_pages: usize,
    /// The encoded page dictionaries, by index in `pages`.
    stubs: compact::PageStubs,
}

fn panic_message(p: Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".into()
    }
}

/// Open a PDF from memory with the default [`Limits`]. `password` is tried as user
/// password when the file is encrypted (an owner-password-only file opens with the
/// empty password).
pub fn open<'a>(bytes: &'a [u8], password: Option<&str>) -> Result<PdfDoc<'a>, ExtractError> {
    open_with(bytes, password, Limits::default())
}

/// Stack of the thread that runs lopdf's parser. Its nesting limit is 100 levels of
/// nom recursion; measured on a 100,000-deep array: about 1.5 MiB of stack in a
/// debug build (a 1 MiB stack overflows, 2 MiB is barely enough) and 128-256 KiB in
/// a release build. Callers may run on small stacks (rayon workers, fuzzers), so
/// the load always runs on its own thread; only the touched part of the stack is
/// ever committed.
const LOAD_STACK: usize = 256 * 1024 * 1024;

/// Stack a thread needs for [`declare_large_stack`]: lopdf's parser at its nesting
/// limit with a wide margin (see [`LOAD_STACK`] for the measurements).
pub const LARGE_STACK_BYTES: usize = 32 << 20;

thread_local! {
    static LARGE_STACK: Cell<bool> = const { Cell::new(false) };
}

/// Declare that the current thread was spawned with at least [`LARGE_STACK_BYTES`]
/// of stack: [`open_with`] then runs lopdf's parser on it instead of on a thread
/// of its own (which a small file pays for more than for its parsing).
pub fn declare_large_stack() {
    LARGE_STACK.with(|c| c.set(true));
}

/// Open a PDF from memory under `limits` (see [`Limits`] for where they act).
///
/// The objects are read from `bytes` as pages need them when the file allows it
/// (see [`PdfDoc::reads_on_demand`], [`LAZY_MAX_INPUT`]): the document borrows
/// `bytes`; otherwise all are loaded here.
///
/// Never panics and never overflows the stack on hostile input: the open runs
/// lopdf's parser on a thread with a large stack behind `catch_unwind`; objects
/// read on demand are parsed on the thread calling [`PdfDoc::page`] (also behind
/// `catch_unwind`; lopdf's nesting limit needs at most ~256 KiB of stack in a
/// release build, ~1.5 MiB in a debug one). A damaged cross-reference
/// table is rebuilt by scanning the file for `N G obj` headers; the document then
/// carries the warning "xref rebuilt: ..." in [`PdfDoc::warnings`].
pub fn open_with<'a>(bytes: &'a [u8], password: Option<&str>, limits: Limits) -> Result<PdfDoc<'a>, ExtractError> {
    open_impl(bytes, password, limits, true)
}

/// [`open_with`] with every object loaded up front, never read on demand (the
/// way a file [`open_with`] cannot read on demand is opened): for comparing the
/// two ways in tests.
#[doc(hidden)]
pub fn open_loaded_with(bytes: &[u8], password: Option<&str>, limits: Limits) -> Result<PdfDoc<'static>, ExtractError> {
    match open_impl(bytes, password, limits, false)?.into_loaded() {
        Ok(doc) => Ok(doc),
        Err(_) => Err(ExtractError::Damaged("opened on demand although asked not to".into())),
    }
}

fn open_impl<'a>(
    bytes: &'a [u8],
    password: Option<&str>,
    limits: Limits,
    on_demand: bool,
) -> Result<PdfDoc<'a>, ExtractError> {
    if bytes.is_empty() {
        return Err(ExtractError::NotPdf("empty file".into()));
    }
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(ExtractError::NotPdf("no %PDF- header".into()));
    }
    let guard = Arc::new(Guard::new(limits));
    guard.check()?;
    let g = guard.clone();
    let load_here = || {
        let _scope = GuardScope::enter(&g);
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| load_doc(bytes, password, &g, on_demand)))
            .unwrap_or_else(|p| Err(ExtractError::Damaged(format!("parser panic: {}", panic_message(p)))))
    };
    let r = if LARGE_STACK.with(Cell::get) {
        // A thread of its own costs more than the load of a small PDF (spawn, stack
        // mapping, a fresh allocator heap): not needed on a thread with stack to spare.
        load_here()
    } else {
        std::thread::scope(|sc| {
            let g2 = g.clone();
            let h = std::thread::Builder::new().name("perfplan-pdf-load".into()).stack_size(LOAD_STACK).spawn_scoped(
                sc,
                move || {
                    let g = g2;
                    let _scope = GuardScope::enter(&g);
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| load_doc(bytes, password, &g, on_demand)))
                        .unwrap_or_else(|p| Err(ExtractError::Damaged(format!("parser panic: {}", panic_message(p)))))
                },
            );
            match h {
                Ok(h) => h.join().unwrap_or_else(|_| Err(ExtractError::Damaged("parser thread failed".into()))),
                // no thread could be started: parse on this one
                Err(_) => load_here(),
            }
        })
    };
    let (mut doc, pages, warnings, total_pages) = r?;
    let stubs = match &mut doc {
        Store::Loaded(d) => compact::PageStubs::take(&mut d.objects, &pages),
        Store::Lazy(_) => compact::PageStubs::default(),
    };
    Ok(PdfDoc {
        doc,
        stubs,
        pages,
        fonts: Mutex::new(HashMap::new()),
        forms: FormCache::default(),
        guard,
        warnings,
        total_pages,
    })
}

/// The user password did not open the file: none was given, or a wrong one.
fn password_error(password: Option<&str>) -> ExtractError {
    if password.is_some_and(|p| !p.is_empty()) {
        ExtractError::WrongPassword
    } else {
        ExtractError::PasswordRequired
    }
}

type Loaded<'a> = (Store<'a>, Vec<ObjectId>, Vec<String>, usize);

/// Inputs at most this large are read on demand (when the file allows it, see
/// [`open_lazy`]), which keeps the input for the whole conversion; a larger one is
/// loaded whole and can be released after the load, so that memory does not grow
/// with the length of a document.
pub const LAZY_MAX_INPUT: usize = 16 << 20;

/// Open the file, on demand when [`open_lazy`] can, loaded whole otherwise; the
/// page list cut to `Limits::max_pages`.
fn load_doc<'a>(
    bytes: &'a [u8],
    password: Option<&str>,
    guard: &Arc<Guard>,
    on_demand: bool,
) -> Result<Loaded<'a>, ExtractError> {
    let lazy = if on_demand { open_lazy(bytes, guard)? } else { None };
    let (doc, mut pages, mut warnings) = match lazy {
        Some((lazy, pages, warnings)) => (lazy, pages, warnings),
        None => {
            let (doc, pages, warnings) = load_full(bytes, password, guard)?;
            (Store::from(doc), pages, warnings)
        }
    };
    let max = guard.limits.max_pages as usize;
    let total = pages.len();
    if pages.len() > max {
        warnings.push(format!(
            "document truncated: it has {} pages, only the first {max} are extracted (Limits::max_pages)",
            pages.len()
        ));
        pages.truncate(max);
    }
    Ok((doc, pages, warnings, total))
}

/// A document opened: its objects, page list and document warnings.
type Opened<'a> = (Store<'a>, Vec<ObjectId>, Vec<String>);

/// The file opened for reading objects on demand, with its page list and
/// document warnings; `Ok(None)` when the full load must do it: an input over
/// [`LAZY_MAX_INPUT`], an encrypted file, a cross-reference table that lopdf
/// rebuilt by scanning (object-stream members are unreachable then), could not
/// read or that does not list every number below its size, more objects than
/// the store takes, a page tree that repeats a page, or
/// no page at all (the full load's fallbacks and messages handle those).
fn open_lazy<'a>(bytes: &'a [u8], guard: &Arc<Guard>) -> Result<Option<Opened<'a>>, ExtractError> {
    if bytes.len() > LAZY_MAX_INPUT {
        return Ok(None);
    }
    let opts = lopdf::LoadOptions { max_decompressed_size: Some(guard.limits.max_stream_bytes), ..Default::default() };
    let Ok(reader) = lopdf::Reader::open(bytes, opts) else { return Ok(None) };
    guard.check()?;
    let mut warnings = Vec::new();
    match reader.document().xref_recovery {
        None => {}
        Some(lopdf::xref::XrefRecovery::OffsetCorrected) => warnings.push(XREF_REPAIRED.to_string()),
        Some(_) => return Ok(None),
    }
    if reader.document().trailer.has(b"Encrypt") {
        return Ok(None);
    }
    // A table with holes below its /Size (an entry of an unknown type, a damaged
    // section): the full load still finds such objects in the object streams that
    // hold them, the on-demand reader only looks where the table points.
    let table = &reader.document().reference_table;
    if table.entries.len() < table.size as usize {
        return Ok(None);
    }
    let Some(lazy) = Lazy::new(reader, guard.clone()) else { return Ok(None) };
    let store = Store::Lazy(Box::new(lazy));
    match page_list(&store, guard)? {
        Some(pages) if !pages.is_empty() => Ok(Some((store, pages, warnings))),
        _ => Ok(None),
    }
}

/// The pages of the page tree in order, walked as lopdf's `Document::page_iter`
/// walks it (`/Pages` nodes deeper than 256 are left out); `None` when a page
/// comes twice or the walk takes more steps than the file has objects (a `/Kids`
/// cycle: the full load reports those), or a kid is no dictionary with a type. Page dictionaries are read for the walk and not kept.
fn page_list(store: &Store<'_>, guard: &Guard) -> Result<Option<Vec<ObjectId>>, ExtractError> {
    const DEPTH_LIMIT: usize = 256;
    let kids_of = |id: ObjectId| -> Option<&[Object]> {
        let node = store.get_dictionary(id).ok()?;
        let kids = match node.get(b"Kids").ok()? {
            Object::Reference(r) => store.get_object(*r).ok()?,
            o => o,
        };
        kids.as_array().ok().map(Vec::as_slice)
    };
    let Ok(root) = store.catalog().and_then(|c| c.get(b"Pages")).and_then(Object::as_reference) else {
        return Ok(None);
    };
    let Store::Lazy(lazy) = store else { return Ok(None) };
    let mut limit = lazy.document().reference_table.entries.len();
    let mut stack: Vec<&[Object]> = Vec::new();
    let mut kids = kids_of(root);
    let mut pages = Vec::new();
    let mut seen = std::collections::HashSet::new();
    loop {
        while let Some((kid, rest)) = kids.and_then(|k| k.split_first()) {
            if limit == 0 {
                return Ok(None);
            }
            limit -= 1;
            if limit % 4096 == 0 {
                guard.check()?;
            }
            kids = Some(rest);
            let Ok(kid_id) = kid.as_reference() else { continue };
            let node = store.transient(kid_id);
            let kind = node.as_deref().map(|o| o.as_dict().and_then(Dictionary::get_type));
            match kind {
                Some(Ok(b"Page")) => {
                    if !seen.insert(kid_id) {
                        return Ok(None);
                    }
                    pages.push(kid_id);
                }
                // A kid that does not read as a typed dictionary stands for a blank
                // page in the walk; but a damaged file may have it readable in the
                // full load, which is more tolerant (it reads objects where the table
                // points whatever their header says): leave the file to it.
                None | Some(Err(_)) => return Ok(None),
                Some(Ok(b"Pages")) if stack.len() < DEPTH_LIMIT => {
                    if !rest.is_empty() {
                        stack.push(rest);
                    }
                    kids = kids_of(kid_id);
                }
                Some(Ok(_)) => {}
            }
        }
        match stack.pop() {
            Some(k) => kids = Some(k),
            None => return Ok(Some(pages)),
        }
    }
}

const XREF_REPAIRED: &str = "xref repaired: a cross-reference offset was wrong and a section found nearby was used";

/// The whole file loaded by lopdf (the structure tree left out when the pages
/// are found without it), with its page list and document warnings.
fn load_full(
    bytes: &[u8],
    password: Option<&str>,
    guard: &Guard,
) -> Result<(Document, Vec<ObjectId>, Vec<String>), ExtractError> {
    LOAD_NOTES.with(|n| n.borrow_mut().clear());
    let load = |filter: lopdf::FilterFunc, force_reconstruct: bool| {
        let opts = lopdf::LoadOptions {
            password: password.map(|p| p.to_string()),
            filter: Some(filter),
            max_decompressed_size: Some(guard.limits.max_stream_bytes),
            force_reconstruct,
            ..Default::default()
        };
        let r = Document::load_mem_with_options(bytes, opts);
        guard.check().map(|_| r)
    };
    let usable_doc = |d: &Document| d.trailer.has(b"Encrypt") || d.page_iter().next().is_some();
    let usable = |r: &Result<Document, lopdf::Error>| r.as_ref().is_ok_and(usable_doc);
    // First try skipping the logical-structure tree (tagged PDFs carry tens of
    // thousands of StructElem objects we never read); fall back to a full load,
    // then to a load with the cross-reference table rebuilt by scanning.
    // (The object streams are inflated ahead on a second thread, see `prefetch`.)
    let (loaded, rescanned) = prefetch::with_helper(bytes, guard, || {
        let mut loaded = load(skip_structure, false)?;
        if !usable(&loaded) {
            loaded = load(keep_all, false)?;
        }
        let mut rescanned = false;
        if !usable(&loaded) && !matches!(loaded, Err(lopdf::Error::InvalidPassword | lopdf::Error::Decryption(_))) {
            rescanned = true;
            if let Ok(d) = load(keep_all, true)? {
                if usable_doc(&d) || loaded.is_err() {
                    loaded = Ok(d);
                }
            }
        }
        Ok::<_, ExtractError>((loaded, rescanned))
    })?;
    let mut notes = LOAD_NOTES.with(|n| std::mem::take(&mut *n.borrow_mut()));
    notes.dedup();
    if !usable(&loaded) {
        if let Some(n) = notes.iter().find(|n| n.contains("limit exceeded")) {
            return Err(ExtractError::LimitExceeded(n.clone()));
        }
    }
    let mut doc = match loaded {
        Ok(d) => d,
        Err(lopdf::Error::InvalidPassword) => return Err(password_error(password)),
        Err(lopdf::Error::Decryption(e)) => return Err(ExtractError::Decrypt(e.to_string())),
        Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { limit })) => {
            return Err(ExtractError::LimitExceeded(format!("a stream decodes to more than {limit} bytes")))
        }
        Err(e @ lopdf::Error::Parse(_)) if bytes.len() < 64 => return Err(ExtractError::NotPdf(e.to_string())),
        Err(e) if rescanned => {
            return Err(ExtractError::Damaged(format!(
                "{e}; rebuilding the cross-reference table by scanning the file found no usable document"
            )))
        }
        Err(e) => return Err(ExtractError::Damaged(e.to_string())),
    };
    if doc.trailer.has(b"Encrypt") {
        // the empty user password did not work and the given one (if any) neither
        return Err(password_error(password));
    }
    let mut warnings = notes;
    match doc.xref_recovery {
        Some(lopdf::xref::XrefRecovery::Reconstructed) => warnings.push(
            "xref rebuilt: the cross-reference table was damaged and was rebuilt by scanning the file \
             for objects (objects may be missing or come from an older revision)"
                .to_string(),
        ),
        Some(lopdf::xref::XrefRecovery::OffsetCorrected) => warnings.push(XREF_REPAIRED.to_string()),
        Some(other) => warnings.push(format!("xref repaired: {other:?}")),
        None => {}
    }
    let mut seen = std::collections::HashSet::new();
    let mut pages = Vec::new();
    let mut repeated = 0usize;
    for (k, id) in doc.page_iter().enumerate() {
        if k % 4096 == 0 {
            guard.check()?;
        }
        if seen.insert(id) {
            pages.push(id);
        } else {
            repeated += 1;
        }
    }
    if repeated > 0 {
        warnings.push(format!(
            "page tree: {repeated} repeated page reference(s) ignored (a /Kids cycle or a page listed twice)"
        ));
    }
    if pages.is_empty() && doc.catalog().is_err() {
        return Err(ExtractError::Damaged("no catalog / page tree".into()));
    }
    // Object-stream containers: their members were parsed into the document, and the
    // decoded data the load filter left in each (see `filter_object`) is never read
    // again. After the page walk, whose bound is the number of objects.
    doc.objects.retain(|_, o| !matches!(o, Object::Stream(s) if s.dict.has_type(b"ObjStm")));
    prune_parent_tree(&mut doc);
    Ok((doc, pages, warnings))
}

/// Drop the arrays of the structure tree's parent tree (one per tagged page, tens
/// of references each: ~6.7 KB parsed) whose elements all refer to objects the
/// load left out (the structure elements `skip_structure` drops) or are null.
/// Nothing reads the parent tree; and were such an array reached some other way,
/// each of its elements would read as null anyway.
fn prune_parent_tree(doc: &mut Document) {
    let root = doc.catalog().ok().and_then(|c| c.get(b"StructTreeRoot").ok()).map(|o| deref_loaded(doc, o));
    let Some(Object::Dictionary(root)) = root else { return };
    let Some(tree) = root.get(b"ParentTree").ok() else { return };
    let mut nodes = vec![(tree, 0u32)];
    let mut seen = std::collections::HashSet::new();
    let mut arrays = Vec::new();
    while let Some((node, depth)) = nodes.pop() {
        if let Object::Reference(id) = node {
            if !seen.insert(*id) || seen.len() > doc.objects.len() {
                continue;
            }
        }
        let Object::Dictionary(d) = deref_loaded(doc, node) else { continue };
        if let Ok(Object::Array(nums)) = d.get(b"Nums").map(|o| deref_loaded(doc, o)) {
            arrays.extend(nums.iter().skip(1).step_by(2).filter_map(|v| v.as_reference().ok()));
        }
        if depth < 32 {
            if let Ok(Object::Array(kids)) = d.get(b"Kids").map(|o| deref_loaded(doc, o)) {
                nodes.extend(kids.iter().map(|k| (k, depth + 1)));
            }
        }
    }
    let dropped = |o: &Object| match o {
        Object::Null => true,
        Object::Reference(r) => !doc.objects.contains_key(r),
        _ => false,
    };
    let prune: Vec<ObjectId> = arrays
        .into_iter()
        .filter(|id| matches!(doc.objects.get(id), Some(Object::Array(a)) if a.iter().all(dropped)))
        .collect();
    for id in prune {
        doc.objects.remove(&id);
    }
}

/// [`deref`] over a loaded document (before its [`Store`] exists).
fn deref_loaded<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    follow_refs(o, |id| doc.get_object(id).ok())
}

/// Load filter: drop structure-tree objects, and object streams made only of them
/// (lopdf would parse them all eagerly).
fn skip_structure(id: ObjectId, obj: &mut Object) -> Option<(ObjectId, Object)> {
    filter_object(id, obj, true)
}

/// Load filter keeping everything (but see [`filter_object`]).
fn keep_all(id: ObjectId, obj: &mut Object) -> Option<(ObjectId, Object)> {
    filter_object(id, obj, false)
}

/// Load filter: once the deadline has passed, drop every remaining object (the load
/// then ends quickly and fails with Timeout). Object streams are decoded here under
/// the document's byte budget and handed to lopdf decoded; one over the limits is
/// dropped (noted in `LOAD_NOTES`) instead of being inflated again by lopdf.
fn filter_object(id: ObjectId, obj: &mut Object, drop_struct: bool) -> Option<(ObjectId, Object)> {
    if guard_expired() {
        return None;
    }
    match obj {
        Object::Dictionary(d) if drop_struct && is_structure(d) => {
            return None;
        }
        Object::Stream(s) if s.dict.has_type(b"ObjStm") => {
            let n = s.dict.get(b"N").ok().and_then(|o| o.as_i64().ok()).unwrap_or(-1);
            if n > 0 {
                let first = s.dict.get(b"First").ok().and_then(|o| o.as_i64().ok()).unwrap_or(0) as usize;
                // decoded ahead by the load's helper thread, or here
                let known = prefetch::current()
                    .and_then(|pf| pf.lookup(s, n as usize, first))
                    .and_then(|k| Some(current_guard()?.charge(k.decoded_len)?.map(|()| k.only_struct)));
                let only_struct = known.unwrap_or_else(|| {
                    decode_stream(s).map(|data| drop_struct && only_struct_elems(&data, first, n as usize))
                });
                match only_struct {
                    Ok(only) => {
                        if drop_struct && only {
                            return None;
                        }
                        // The container stays compressed: lopdf inflates it again to
                        // parse its members, and keeps the container until the end of
                        // the load (decoded, it would hold several times the bytes
                        // meanwhile; `load_doc` drops the containers afterwards).
                    }
                    Err(e @ (ExtractError::LimitExceeded(_) | ExtractError::Timeout)) => {
                        LOAD_NOTES.with(|n| {
                            let mut n = n.borrow_mut();
                            if n.len() < 16 {
                                n.push(format!("object stream {} {} dropped: {e}", id.0, id.1));
                            }
                        });
                        return None;
                    }
                    Err(_) => {}
                }
            }
        }
        _ => {}
    }
    // page dictionaries are kept encoded until their page is drawn (see `compact`)
    compact::stub_page(obj);
    // lopdf keeps the (possibly modified) object in place for top-level objects and
    // uses the returned one for object-stream members; streams are never members.
    match obj {
        Object::Stream(_) => Some((id, Object::Null)),
        _ => Some((id, obj.clone())),
    }
}

/// A structure element (or a marked-content or object reference of the structure
/// tree): nothing a page draws.
fn is_structure(d: &Dictionary) -> bool {
    d.has_type(b"StructElem") || d.has_type(b"MCR") || d.has_type(b"OBJR")
}

/// True when every object of a decoded object stream is a structure element.
fn only_struct_elems(data: &[u8], first: usize, n: usize) -> bool {
    let header = std::str::from_utf8(data.get(..first).unwrap_or(&[])).unwrap_or("");
    let nums: Vec<usize> = header.split_ascii_whitespace().filter_map(|t| t.parse().ok()).collect();
    if nums.len() < 2 * n || n == 0 {
        return false;
    }
    let offs: Vec<usize> = (0..n).map(|k| first + nums[2 * k + 1]).collect();
    for k in 0..n {
        let s = offs[k];
        let e = if k + 1 < n { offs[k + 1] } else { data.len() };
        let Some(obj) = data.get(s..e.max(s)) else { return false };
        if !has_struct_type(obj) {
            return false;
        }
    }
    true
}

fn has_struct_type(obj: &[u8]) -> bool {
    // memchr's vectorized search: this runs over every byte of the structure tree
    // (7 MB on a 617-page plan), a tenth of the load with a byte-by-byte search
    static TYPE: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"/Type"));
    let mut i = 0;
    while let Some(p) = TYPE.find(&obj[i..]) {
        let mut j = i + p + 5;
        while j < obj.len() && matches!(obj[j], b' ' | b'\n' | b'\r' | b'\t') {
            j += 1;
        }
        let rest = &obj[j..];
        if rest.starts_with(b"/StructElem") || rest.starts_with(b"/MCR") || rest.starts_with(b"/OBJR") {
            return true;
        }
        i = j;
    }
    false
}

/// Open and extract every page. A page that cannot be read at all (damaged page
/// object, content over a byte limit) comes back empty with a warning, so one bad
/// page does not lose the file. Document warnings ([`PdfDoc::warnings`]) are added
/// to the first page. A timeout fails the whole call.
pub fn extract_all(bytes: &[u8], password: Option<&str>) -> Result<Vec<Page>, ExtractError> {
    extract_all_with(bytes, password, Limits::default())
}

/// [`extract_all`] under `limits`.
pub fn extract_all_with(bytes: &[u8], password: Option<&str>, limits: Limits) -> Result<Vec<Page>, ExtractError> {
    let doc = open_with(bytes, password, limits)?;
    let mut pages = Vec::with_capacity(doc.page_count() as usize);
    for n in 1..=doc.page_count() {
        let p = match doc.page(n) {
            Ok(p) => p,
            Err(ExtractError::Timeout) => return Err(ExtractError::Timeout),
            Err(e) => Page {
                number: n,
                width: 595.0,
                height: 842.0,
                warnings: vec![format!("page could not be read: {e}")],
                ..Default::default()
            },
        };
        pages.push(p);
    }
    if let Some(p) = pages.first_mut() {
        let mut w = doc.warnings().to_vec();
        w.append(&mut p.warnings);
        p.warnings = w;
    }
    Ok(pages)
}

// ---- small object helpers (never panic) ----

/// Follow references (bounded).
pub(crate) fn deref<'a>(doc: &'a Store<'_>, o: &'a Object) -> &'a Object {
    follow_refs(o, |id| doc.get_object(id).ok())
}

/// Follow references through `get` (at most 16; a missing object or a longer
/// chain reads as null).
fn follow_refs<'a>(mut o: &'a Object, get: impl Fn(ObjectId) -> Option<&'a Object>) -> &'a Object {
    for _ in 0..16 {
        match o {
            Object::Reference(id) => match get(*id) {
                Some(t) => o = t,
                None => return &Object::Null,
            },
            _ => return o,
        }
    }
    &Object::Null
}
pub(crate) fn dget<'a>(doc: &'a Store<'_>, d: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let o = deref(doc, d.get(key).ok()?);
    if matches!(o, Object::Null) {
        None
    } else {
        Some(o)
    }
}
pub(crate) fn dget_dict<'a>(doc: &'a Store<'_>, d: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
    match dget(doc, d, key)? {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}
pub(crate) fn obj_num(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) if r.is_finite() => Some(*r),
        _ => None,
    }
}
pub(crate) fn obj_name(o: &Object) -> Option<&[u8]> {
    match o {
        Object::Name(n) => Some(n),
        _ => None,
    }
}

fn rect_of(doc: &Store<'_>, o: &Object) -> Option<[f32; 4]> {
    let Object::Array(a) = deref(doc, o) else { return None };
    if a.len() != 4 {
        return None;
    }
    let mut v = [0.0; 4];
    for (k, x) in a.iter().enumerate() {
        v[k] = obj_num(deref(doc, x))?;
    }
    Some([v[0].min(v[2]), v[1].min(v[3]), v[0].max(v[2]), v[1].max(v[3])])
}

impl<'a> PdfDoc<'a> {
    /// The document without its tie to the input when it was loaded whole
    /// (`Err(self)` when its objects are read from the input on demand).
    pub fn into_loaded(self) -> Result<PdfDoc<'static>, Box<PdfDoc<'a>>> {
        match self.doc {
            Store::Loaded(doc) => Ok(PdfDoc {
                doc: Store::Loaded(doc),
                pages: self.pages,
                fonts: self.fonts,
                forms: self.forms,
                guard: self.guard,
                warnings: self.warnings,
                total_pages: self.total_pages,
                stubs: self.stubs,
            }),
            doc => Err(Box::new(PdfDoc { doc, ..self })),
        }
    }

    /// Whether the objects are read from the input on demand (`false`: all were
    /// loaded when the file was opened; see [`LAZY_MAX_INPUT`] and [`open_with`]).
    pub fn reads_on_demand(&self) -> bool {
        matches!(self.doc, Store::Lazy(_))
    }

    /// Number of pages (at most `Limits::max_pages`).
    pub fn page_count(&self) -> u32 {
        self.pages.len() as u32
    }

    /// Document-level findings of the load, for the pipeline to surface as
    /// diagnostics. Each starts with a stable prefix:
    /// * `"xref rebuilt: ..."`: the cross-reference table was damaged (truncated
    ///   file, bad `startxref`, shifted offsets) and was rebuilt by scanning the file
    ///   for objects; the output may be incomplete;
    /// * `"xref repaired: ..."`: a wrong cross-reference offset was corrected;
    /// * `"page tree: ..."`: repeated page references (a `/Kids` cycle) were ignored;
    /// * `"document truncated: ..."`: more pages than `Limits::max_pages`.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Decoded stream bytes charged to the document's budget so far.
    pub fn decoded_bytes(&self) -> usize {
        self.guard.used.load(Ordering::Relaxed)
    }

    /// Look up an inheritable page attribute.
    fn inherited<'p>(&'p self, page: &'p Dictionary, key: &[u8]) -> Option<&'p Object> {
        let mut d = page;
        for _ in 0..32 {
            if let Some(o) = dget(&self.doc, d, key) {
                return Some(o);
            }
            d = dget_dict(&self.doc, d, b"Parent")?;
        }
        None
    }

    /// Extract one page (1-based number).
    ///
    /// Fails with [`ExtractError::Timeout`] once the deadline has passed (checked
    /// before the page and while interpreting it), with
    /// [`ExtractError::LimitExceeded`] for a page beyond `Limits::max_pages` or whose
    /// content stream decodes to more than the byte limits allow.
    pub fn page(&self, number: u32) -> Result<Page, ExtractError> {
        self.guard.check()?;
        if number as usize > self.pages.len() && (number as usize) <= self.total_pages {
            return Err(ExtractError::LimitExceeded(format!(
                "page {number} is beyond the {} pages extracted (Limits::max_pages)",
                self.pages.len()
            )));
        }
        let _scope = GuardScope::enter(&self.guard);
        let id = *self
            .pages
            .get((number as usize).wrapping_sub(1))
            .ok_or_else(|| ExtractError::Page { page: number, message: format!("no page {number}") })?;
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.page_inner(number, id))).unwrap_or_else(
            |p| Err(ExtractError::Page { page: number, message: format!("internal panic: {}", panic_message(p)) }),
        );
        match r {
            Ok(_) if self.guard.expired() => Err(ExtractError::Timeout),
            r => r,
        }
    }

    fn page_inner(&self, number: u32, id: ObjectId) -> Result<Page, ExtractError> {
        let doc = &self.doc;
        // read for this page only when read on demand (kept, page dictionaries would
        // make memory grow with the number of pages)
        let stored = doc.transient(id);
        let stored = stored
            .as_deref()
            .and_then(|o| o.as_dict().ok())
            .ok_or_else(|| ExtractError::Page { page: number, message: "page object is not a dictionary".into() })?;
        // a page dictionary kept encoded since the load, decoded for this page only
        let decoded = self.stubs.page(number as usize - 1).or_else(|| compact::unstub_page(stored));
        let pd = decoded.as_ref().unwrap_or(stored);
        let mut warnings = Vec::new();
        let media = self.inherited(pd, b"MediaBox").and_then(|o| rect_of(doc, o)).unwrap_or_else(|| {
            warnings.push("no MediaBox, assuming A4".to_string());
            [0.0, 0.0, 595.0, 842.0]
        });
        let mut bx = media;
        if let Some(c) = self.inherited(pd, b"CropBox").and_then(|o| rect_of(doc, o)) {
            let i = [c[0].max(media[0]), c[1].max(media[1]), c[2].min(media[2]), c[3].min(media[3])];
            if i[2] - i[0] > 1.0 && i[3] - i[1] > 1.0 {
                bx = i;
            }
        }
        let rot = self.inherited(pd, b"Rotate").and_then(obj_num).unwrap_or(0.0) as i64;
        let rot = rot.rem_euclid(360) / 90 * 90;
        let [llx, lly, urx, ury] = bx;
        let (w, h) = (urx - llx, ury - lly);
        let (pm, width, height): (interp::M, f32, f32) = match rot {
            90 => ([0.0, 1.0, 1.0, 0.0, -lly, -llx], h, w),
            180 => ([-1.0, 0.0, 0.0, 1.0, urx, -lly], w, h),
            270 => ([0.0, -1.0, -1.0, 0.0, ury, urx], h, w),
            _ => ([1.0, 0.0, 0.0, -1.0, -llx, ury], w, h),
        };
        let res = self.inherited(pd, b"Resources").and_then(|o| match o {
            Object::Dictionary(d) => Some(d),
            _ => None,
        });
        // content streams (a single stream is used as decoded, without copying)
        // (a stream over a byte limit or a timeout fails the page; a damaged stream
        // only loses its own content)
        let decode = |o: &Object, warnings: &mut Vec<String>| -> Result<Option<Vec<u8>>, ExtractError> {
            // a content stream is used once: not kept when read on demand
            let read = match o {
                Object::Reference(id) => doc.transient(*id),
                o => Some(std::borrow::Cow::Borrowed(o)),
            };
            let Some(Ok(s)) = read.as_deref().map(Object::as_stream) else { return Ok(None) };
            match self.guard.decode(s) {
                Ok(c) => Ok(Some(c)),
                Err(ExtractError::Damaged(e)) => {
                    warnings.push(format!("content {e}"));
                    Ok(None)
                }
                Err(e) => Err(e),
            }
        };
        let contents = match pd.get(b"Contents").ok() {
            Some(Object::Reference(id)) => doc.transient(*id),
            o => o.map(std::borrow::Cow::Borrowed),
        };
        let content: Vec<u8> = match contents.as_deref() {
            Some(Object::Array(a)) => {
                let mut all = Vec::new();
                for o in a.iter().take(100_000) {
                    if let Some(c) = decode(o, &mut warnings)? {
                        if all.len() + c.len() > self.guard.limits.max_stream_bytes {
                            return Err(ExtractError::LimitExceeded(format!(
                                "the page's content streams decode to more than {} bytes",
                                self.guard.limits.max_stream_bytes
                            )));
                        }
                        all.extend_from_slice(&c);
                        all.push(b'\n');
                    }
                }
                all
            }
            Some(o @ Object::Stream(_)) => decode(o, &mut warnings)?.unwrap_or_default(),
            _ => Vec::new(),
        };
        let mut it = interp::Interp::new(doc, &self.fonts, &self.forms, pm, &self.guard);
        it.set_page_size(width, height);
        // Room for a glyph every 4 bytes of content (a two-byte code in a hex
        // string takes 4): text-heavy pages then never grow the vector (every
        // growth copies all the glyphs; at one per 8 bytes, 40% of the pages of
        // a 617-page plan did). Capacity not written to is never touched.
        it.out.glyphs.reserve((content.len() / 4).min(1 << 18));
        it.run(&content, res);
        if it.timed_out() {
            return Err(ExtractError::Timeout);
        }
        let out = it.out;
        warnings.extend(out.warnings);
        Ok(Page { number, width, height, glyphs: out.glyphs, rules: out.rules, images: out.images, warnings })
    }
}

#[cfg(test)]
mod tests {
    use super::GlyphText;

    #[test]
    fn inflate_under_a_limit_smaller_than_its_first_buffer() {
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(&[b'x'; 10_000]).unwrap();
        let data = z.finish().unwrap();
        // a limit under the 4 KiB first buffer: over it, not a panic
        assert!(matches!(super::inflate_zlib(&data, 100), super::Fast::Over));
        match super::inflate_zlib(&data, 1 << 20) {
            super::Fast::Done(out) => {
                assert_eq!(out, vec![b'x'; 10_000]);
                assert!(out.capacity() - out.len() <= out.len() / 2, "{}", out.capacity());
            }
            _ => panic!("a small stream inflates"),
        }
    }

    #[test]
    fn glyph_text_reads_back_what_it_was_given() {
        // ASCII, a ligature, multi-byte letters up to and across the inline size, long text
        for s in [
            "",
            "a",
            "fi",
            "è",
            "€",
            "ﬁ",
            "àèìòùàèìòùà",
            "àèìòùàèìòùàx",
            "x".repeat(22).as_str(),
            "y".repeat(23).as_str(),
            "una frase lunga mappata da ToUnicode",
        ] {
            let t = GlyphText::new(s);
            assert_eq!(t.as_str(), s);
            assert_eq!(&*t, s);
            assert_eq!(t.len(), s.len());
            assert_eq!(t, GlyphText::from(s.to_string()));
            let json = serde_json::to_string(&t).unwrap();
            assert_eq!(json, serde_json::to_string(s).unwrap());
            assert_eq!(serde_json::from_str::<GlyphText>(&json).unwrap(), t);
        }
        assert_ne!(GlyphText::new("a"), GlyphText::new("b"));
        assert_eq!(std::mem::size_of::<GlyphText>(), std::mem::size_of::<String>());
    }
}
