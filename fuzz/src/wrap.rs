//! A valid one-page PDF around a content stream. Std only: `tests/fuzz_regressions.rs`
//! includes this file too (`#[path]`), to replay inputs of the `content` target.

/// A valid one-page PDF whose page content stream is `content` (uncompressed), with
/// fonts `/F1`..`/F8` and the other names the fixtures' content streams use
/// (standard-14 with WinAnsi and `/Differences`, a bold one, a composite Identity-H
/// font with a `/ToUnicode` CMap), a form XObject `/Fm1` and an image `/Im1`.
pub fn wrap_content(content: &[u8]) -> Vec<u8> {
    let cmap = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
/CMapName /Fuzz def /CMapType 2 def\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
2 beginbfrange <0020> <007E> <0020> <00E0> <00FF> <00E0> endbfrange\n\
1 beginbfchar <0100> <0066006C> endbfchar\nendcmap CMapName currentdict /CMap defineresource pop end end\n";
    let form = b"q 0 0 0 RG 1 w 10 10 m 200 10 l S BT /F2 9 Tf 12 14 Td (Obiettivo) Tj ET Q\n";
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << \
/Font << /F1 5 0 R /F2 6 0 R /F3 7 0 R /F4 8 0 R /F5 5 0 R /F6 6 0 R /F7 7 0 R /F8 8 0 R \
/F2+0 8 0 R /F3+0 8 0 R /R7 5 0 R /R9 6 0 R /F34 5 0 R /F36 6 0 R /F45 7 0 R /F49 5 0 R /F50 6 0 R \
/F51 7 0 R /F52 8 0 R /TT1 5 0 R /TT2 6 0 R >> \
/XObject << /Fm1 11 0 R /Im1 12 0 R >> >> >>"
            .to_vec(),
        stream(b"", content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>".to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman /Encoding << /Type /Encoding \
/BaseEncoding /WinAnsiEncoding /Differences [128 /fi /fl /agrave /egrave /eacute /igrave /ograve /ugrave] >> >>"
            .to_vec(),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+Arial-BoldMT /Encoding /Identity-H \
/DescendantFonts [9 0 R] /ToUnicode 10 0 R >>"
            .to_vec(),
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+Arial-BoldMT /CIDSystemInfo \
<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 556 /W [32 [278] 48 57 556] >>"
            .to_vec(),
        stream(b"", cmap),
        stream(b"/Type /XObject /Subtype /Form /BBox [0 0 300 40] /Resources << /Font << /F2 6 0 R >> >> ", form),
        stream(
            b"/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 ",
            b"\x80",
        ),
    ];
    let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes(),
    );
    out
}

fn stream(dict: &[u8], data: &[u8]) -> Vec<u8> {
    let mut s = b"<< ".to_vec();
    s.extend_from_slice(dict);
    s.extend_from_slice(format!("/Length {} >>\nstream\n", data.len()).as_bytes());
    s.extend_from_slice(data);
    s.extend_from_slice(b"\nendstream");
    s
}
