//! Builders for hostile PDFs, written by hand in PDF syntax so that the structure
//! can be broken at will (cycles, bad cross-reference data, absurd nesting,
//! decompression bombs). Shared by `tests/hostile.rs` and `examples/gen_hostile.rs`.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Write;

/// A PDF under construction: numbered objects (generation 0), written in order.
#[derive(Clone, Default)]
pub struct Pdf {
    pub objs: BTreeMap<u32, Vec<u8>>,
    /// Extra trailer entries, e.g. "/Encrypt 9 0 R".
    pub trailer_extra: String,
}

/// A written PDF with the positions needed to damage it.
pub struct Built {
    pub bytes: Vec<u8>,
    /// Byte offset of each `N 0 obj`.
    pub offsets: BTreeMap<u32, usize>,
    /// Byte offset of the `xref` keyword.
    pub xref_pos: usize,
}

impl Pdf {
    pub fn new() -> Self {
        Pdf::default()
    }

    /// Object `n` with the given body (what goes between `obj` and `endobj`).
    pub fn obj(&mut self, n: u32, body: impl AsRef<[u8]>) -> &mut Self {
        self.objs.insert(n, body.as_ref().to_vec());
        self
    }

    /// Stream object `n`: `dict` holds the entries besides /Length.
    pub fn stream(&mut self, n: u32, dict: &str, data: &[u8]) -> &mut Self {
        let mut b = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
        b.extend_from_slice(data);
        b.extend_from_slice(b"\nendstream");
        self.objs.insert(n, b);
        self
    }

    /// Write header, objects, a classic xref table and the trailer (`/Root root 0 R`).
    pub fn build(&self, root: u32) -> Built {
        let mut out = b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n".to_vec();
        let mut offsets = BTreeMap::new();
        for (n, body) in &self.objs {
            offsets.insert(*n, out.len());
            writeln!(out, "{n} 0 obj").unwrap();
            out.extend_from_slice(body);
            out.extend_from_slice(b"\nendobj\n");
        }
        let size = self.objs.keys().next_back().copied().unwrap_or(0) + 1;
        let xref_pos = out.len();
        write!(out, "xref\n0 {size}\n0000000000 65535 f \n").unwrap();
        for n in 1..size {
            match offsets.get(&n) {
                Some(o) => writeln!(out, "{o:010} 00000 n ").unwrap(),
                None => writeln!(out, "0000000000 65535 f ").unwrap(),
            }
        }
        write!(
            out,
            "trailer\n<< /Size {size} /Root {root} 0 R {} >>\nstartxref\n{xref_pos}\n%%EOF\n",
            self.trailer_extra
        )
        .unwrap();
        Built { bytes: out, offsets, xref_pos }
    }

    pub fn bytes(&self) -> Vec<u8> {
        self.build(1).bytes
    }
}

pub const HELLO: &[u8] = b"BT /F1 12 Tf 72 720 Td (Hello hostile world) Tj ET";

/// The standard small document: 1 catalog, 2 pages, 3 page, 4 content, 5 font.
pub fn hello() -> Pdf {
    let mut p = Pdf::new();
    p.obj(1, "<< /Type /Catalog /Pages 2 0 R >>")
        .obj(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
        .obj(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>")
        .stream(4, "", HELLO)
        .obj(5, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
    p
}

/// A raw-deflate stream (no zlib wrapper, final block included) that inflates to
/// `mib` MiB of zero bytes: one compressed MiB repeated (a sync-flushed chunk is
/// byte aligned, and its back-references only ever copy zeros). About 1 KB per MiB.
pub fn zeros_deflate_raw(mib: usize) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress};
    let zeros = vec![0u8; 1 << 20];
    let mut c = Compress::new(Compression::best(), false);
    let mut chunk = Vec::with_capacity(1 << 16);
    c.compress_vec(&zeros, &mut chunk, FlushCompress::Sync).unwrap();
    assert_eq!(c.total_in(), 1 << 20, "chunk buffer too small");
    let mut out = Vec::with_capacity(chunk.len() * mib + 2);
    for _ in 0..mib {
        out.extend_from_slice(&chunk);
    }
    out.extend_from_slice(&[0x03, 0x00]); // empty final fixed-Huffman block
    out
}

/// zlib-wrapped version of [`zeros_deflate_raw`] (what /FlateDecode expects).
pub fn zeros_zlib(mib: usize) -> Vec<u8> {
    let mut out = vec![0x78, 0xDA];
    out.extend_from_slice(&zeros_deflate_raw(mib));
    let n = (mib as u64) << 20;
    let adler: u32 = (((n % 65521) as u32) << 16) | 1;
    out.extend_from_slice(&adler.to_be_bytes());
    out
}

/// zlib-compress `data`.
pub fn zlib(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// A one-page document whose page content is a single FlateDecode stream inflating
/// to `mib` MiB.
pub fn content_bomb(mib: usize) -> Pdf {
    let mut p = hello();
    p.stream(4, "/Filter /FlateDecode", &zeros_zlib(mib));
    p
}

/// Page content through `[/FlateDecode /FlateDecode]`: a few KB for `mib` MiB.
pub fn chain_bomb(mib: usize) -> Pdf {
    let mut p = hello();
    p.stream(4, "/Filter [/FlateDecode /FlateDecode]", &zlib(&zeros_zlib(mib)));
    p
}

/// An embedded Type1 font program (no /Encoding, so the program's built-in
/// encoding is read) that inflates to `mib` MiB.
pub fn font_bomb(mib: usize) -> Pdf {
    let mut p = hello();
    p.obj(5, "<< /Type /Font /Subtype /Type1 /BaseFont /Bomb /FirstChar 32 /LastChar 126 /FontDescriptor 6 0 R >>")
        .obj(6, "<< /Type /FontDescriptor /FontName /Bomb /Flags 32 /FontBBox [0 -200 1000 900] /Ascent 900 /Descent -200 /ItalicAngle 0 /StemV 80 /FontFile 7 0 R >>")
        .stream(7, "/Length1 100 /Length2 100 /Length3 0 /Filter /FlateDecode", &zeros_zlib(mib));
    p
}

/// An image XObject (painted once, next to the text) inflating to `mib` MiB.
pub fn image_page(image_data: &[u8], filter: &str, with_text: bool) -> Pdf {
    let mut p = hello();
    let content: Vec<u8> = if with_text {
        [b"q 100 0 0 100 50 50 cm /Im1 Do Q\n".as_slice(), HELLO].concat()
    } else {
        b"q 500 0 0 700 50 50 cm /Im1 Do Q".to_vec()
    };
    p.obj(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> /XObject << /Im1 6 0 R >> >> /Contents 4 0 R >>")
        .stream(4, "", &content)
        .stream(6, &format!("/Type /XObject /Subtype /Image /Width 65536 /Height 32768 /ColorSpace /DeviceGray /BitsPerComponent 8 {filter}"), image_data);
    p
}

/// A document with `n` pages (a two-level page tree, 200 kids per node), all
/// sharing one content stream and one font.
pub fn many_pages(n: u32) -> Pdf {
    let mut p = Pdf::new();
    let first_page = 10u32;
    let per = 200u32;
    let nodes = n.div_ceil(per);
    let first_node = first_page + n;
    let mut root_kids = String::new();
    for k in 0..nodes {
        let id = first_node + k;
        root_kids.push_str(&format!("{id} 0 R "));
        let lo = k * per;
        let hi = ((k + 1) * per).min(n);
        let kids: String = (lo..hi).map(|i| format!("{} 0 R ", first_page + i)).collect();
        p.obj(id, format!("<< /Type /Pages /Parent 2 0 R /Kids [{kids}] /Count {} >>", hi - lo));
        for i in lo..hi {
            p.obj(first_page + i, format!("<< /Type /Page /Parent {id} 0 R /Contents 4 0 R >>"));
        }
    }
    p.obj(1, "<< /Type /Catalog /Pages 2 0 R >>")
        .obj(2, format!("<< /Type /Pages /Kids [{root_kids}] /Count {n} /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> >>"))
        .stream(4, "", HELLO)
        .obj(5, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
    p
}

/// `depth` nested arrays: `[[[...]]]`.
pub fn nested_array(depth: usize) -> Vec<u8> {
    let mut v = vec![b'['; depth];
    v.extend(std::iter::repeat_n(b']', depth));
    v
}

/// `depth` nested dictionaries: `<< /A << /A ... >> >>`.
pub fn nested_dict(depth: usize) -> Vec<u8> {
    let mut v = Vec::with_capacity(depth * 9);
    for _ in 0..depth {
        v.extend_from_slice(b"<< /A ");
    }
    for _ in 0..depth {
        v.extend_from_slice(b">> ");
    }
    v
}
