//! Integration tests for the extraction stage on small PDFs built in memory.

mod common;

use lopdf::{dictionary, Document, Object, Stream};
use perfplan::error::ExtractError;
use perfplan::extract::{self, Paint};

/// Build a one-page PDF with the given content, fonts dict and extra page entries.
fn build(
    content: &[u8],
    fonts: lopdf::Dictionary,
    extra: Vec<(&str, Object)>,
    xobjects: Option<lopdf::Dictionary>,
) -> Document {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let content_id = doc.add_object(Stream::new(dictionary! {}, content.to_vec()));
    let mut res = dictionary! { "Font" => fonts };
    if let Some(x) = xobjects {
        res.set("XObject", x);
    }
    let mut page = dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "Contents" => content_id,
        "Resources" => res,
    };
    for (k, v) in extra {
        page.set(k, v);
    }
    let page_id = doc.add_object(page);
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => vec![page_id.into()],
            "Count" => 1,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    doc
}

fn save(doc: &mut Document) -> Vec<u8> {
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

fn helvetica(doc_fonts: &mut lopdf::Dictionary, doc: &mut Document) {
    let id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
    });
    doc_fonts.set("F1", id);
}

fn one_page(content: &[u8], extra: Vec<(&str, Object)>) -> extract::Page {
    let mut doc = build(content, dictionary! {}, extra, None);
    let mut fonts = lopdf::Dictionary::new();
    helvetica(&mut fonts, &mut doc);
    set_fonts(&mut doc, fonts);
    let bytes = save(&mut doc);
    let mut pages = extract::extract_all(&bytes, None).unwrap();
    assert_eq!(pages.len(), 1);
    pages.remove(0)
}

fn set_fonts(doc: &mut Document, fonts: lopdf::Dictionary) {
    let page_id = doc.page_iter().next().unwrap();
    let page = doc.get_object_mut(page_id).unwrap().as_dict_mut().unwrap();
    let res = page.get_mut(b"Resources").unwrap().as_dict_mut().unwrap();
    res.set("Font", fonts);
}

fn text(p: &extract::Page) -> String {
    p.glyphs.iter().map(|g| g.text.as_str()).collect()
}

fn close(a: f32, b: f32) -> bool {
    (a - b).abs() < 0.02
}

#[test]
fn winansi_helvetica_text_and_positions() {
    let p = one_page(b"BT /F1 12 Tf 72 700 Td (Caff\xe8 \x80\x96\x93x\x94) Tj ET", vec![]);
    assert_eq!(text(&p), "Caffè €–“x”");
    assert_eq!(p.width, 595.0);
    assert_eq!(p.height, 842.0);
    let c = &p.glyphs[0];
    assert!(close(c.bbox.x0, 72.0));
    assert!(close(c.bbox.x1, 72.0 + 0.722 * 12.0), "{:?}", c.bbox);
    assert!(close(c.baseline, 142.0));
    assert!(close(c.bbox.top, 142.0 - 0.718 * 12.0));
    assert!(close(c.bbox.bottom, 142.0 + 0.207 * 12.0));
    assert!(close(c.size, 12.0));
    assert!(!c.bold);
    assert!(close(p.glyphs[1].bbox.x0, c.bbox.x1));
    assert_eq!(p.glyphs[5].text, " ");
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
}

#[test]
fn spacing_operators_and_tj_kerning() {
    // Tc adds 1pt after each glyph, Tw 5pt after the space, Tz 50% halves advances;
    // TJ -1000 moves right by one em (scaled by Tz).
    let p = one_page(b"BT /F1 10 Tf 2 0 0 2 100 500 Tm 1 Tc 5 Tw 50 Tz [(A A) -1000 (A)] TJ ET", vec![]);
    let g = &p.glyphs;
    assert_eq!(text(&p), "A AA");
    let w_a = 0.667 * 10.0 * 0.5 * 2.0; // advance in page space
    assert!(close(g[0].bbox.width(), w_a), "{:?}", g[0].bbox);
    assert!(close(g[0].size, 20.0));
    // next glyph (space) starts after A + Tc (scaled by Tz and Tm)
    assert!(close(g[1].bbox.x0, 100.0 + w_a + 1.0 * 0.5 * 2.0));
    let w_sp = 0.278 * 10.0 * 0.5 * 2.0;
    let x_a2 = g[1].bbox.x0 + w_sp + (1.0 + 5.0) * 0.5 * 2.0;
    assert!(close(g[2].bbox.x0, x_a2), "{} vs {}", g[2].bbox.x0, x_a2);
    let x_a3 = x_a2 + w_a + 1.0 + 10.0 * 0.5 * 2.0;
    assert!(close(g[3].bbox.x0, x_a3), "{} vs {}", g[3].bbox.x0, x_a3);
}

#[test]
fn text_positioning_operators() {
    let p = one_page(b"BT /F1 10 Tf 14 TL 50 800 Td (a) Tj T* (b) Tj 0 -20 TD (c) Tj (d) ' 1 2 (e) \" ET", vec![]);
    assert_eq!(text(&p), "abcde");
    let b: Vec<f32> = p.glyphs.iter().map(|g| g.baseline).collect();
    assert!(close(b[0], 42.0));
    assert!(close(b[1], 56.0));
    assert!(close(b[2], 76.0));
    assert!(close(b[3], 96.0)); // TD set TL = 20
    assert!(close(b[4], 116.0));
}

#[test]
fn rotated_page_reads_upright() {
    let p = one_page(
        b"BT /F1 10 Tf 0 1 -1 0 300 100 Tm (AB) Tj ET",
        vec![("Rotate", 90.into()), ("MediaBox", vec![0.into(), 0.into(), 612.into(), 792.into()].into())],
    );
    assert!(close(p.width, 792.0) && close(p.height, 612.0));
    let (a, b) = (&p.glyphs[0], &p.glyphs[1]);
    assert!(close(a.bbox.x0, 100.0), "{:?}", a.bbox);
    assert!(close(a.baseline, 300.0), "{}", a.baseline);
    assert!(close(b.bbox.x0, 100.0 + 6.67));
    assert!(a.bbox.top < a.baseline && a.bbox.bottom > a.baseline);
    assert!(close(a.size, 10.0));
}

#[test]
fn rotate_180_and_270_and_cropbox_offset() {
    let p = one_page(b"BT /F1 10 Tf -1 0 0 -1 300 500 Tm (A) Tj ET", vec![("Rotate", 180.into())]);
    let a = &p.glyphs[0];
    assert!(close(a.bbox.x0, 295.0) && close(a.baseline, 500.0), "{:?} {}", a.bbox, a.baseline);
    let p = one_page(b"BT /F1 10 Tf 0 -1 1 0 300 500 Tm (A) Tj ET", vec![("Rotate", 270.into())]);
    let a = &p.glyphs[0];
    assert!(close(p.width, 842.0));
    assert!(close(a.bbox.x0, 842.0 - 500.0) && close(a.baseline, 595.0 - 300.0), "{:?} {}", a.bbox, a.baseline);
    let p = one_page(
        b"BT /F1 10 Tf 100 700 Td (A) Tj ET",
        vec![("CropBox", vec![50.into(), 40.into(), 550.into(), 800.into()].into())],
    );
    assert!(close(p.width, 500.0) && close(p.height, 760.0));
    assert!(close(p.glyphs[0].bbox.x0, 50.0) && close(p.glyphs[0].baseline, 100.0));
}

#[test]
fn filled_rectangle_and_stroked_line() {
    let p = one_page(
        b"q 0.5 g 100 100 200 50 re f* Q 2 w 0 0 1 RG 50 500 m 250 500 l S 1 0 0 rg 0 0 0 1 k 10 10 m 10 60 l S",
        vec![],
    );
    assert_eq!(p.rules.len(), 3, "{:?}", p.rules);
    let r = &p.rules[0];
    assert_eq!(r.paint, Paint::Fill);
    assert!(close(r.bbox.x0, 100.0) && close(r.bbox.x1, 300.0));
    assert!(close(r.bbox.top, 692.0) && close(r.bbox.bottom, 742.0));
    assert!(close(r.gray, 0.5));
    let l = &p.rules[1];
    assert_eq!(l.paint, Paint::Stroke);
    assert!(close(l.bbox.x0, 50.0) && close(l.bbox.x1, 250.0));
    assert!(close(l.bbox.top, 341.0) && close(l.bbox.bottom, 343.0), "{:?}", l.bbox);
    assert!(close(l.gray, 0.114));
    // vertical line, black stroke from k? no: K is stroke; k sets fill. Stroke is still blue.
    let v = &p.rules[2];
    assert!(close(v.bbox.x0, 9.0) && close(v.bbox.x1, 11.0) && close(v.bbox.top, 782.0) && close(v.bbox.bottom, 832.0));
}

#[test]
fn fill_and_stroke_ops_emit_both() {
    let p = one_page(b"1 g 0 G 0.5 w 10 10 100 20 re B 200 200 m 300 200 l 300 250 l h b", vec![]);
    let fills = p.rules.iter().filter(|r| r.paint == Paint::Fill).count();
    let strokes = p.rules.iter().filter(|r| r.paint == Paint::Stroke).count();
    assert_eq!(fills, 2);
    assert_eq!(strokes, 1 + 3); // rectangle + three segments of the closed triangle
    let white_fill = p.rules.iter().find(|r| r.paint == Paint::Fill).unwrap();
    assert!(close(white_fill.gray, 1.0));
    // hairline width 0 -> at least 0.1 thick
    let p = one_page(b"0 w 10 10 m 100 10 l S", vec![]);
    assert!(p.rules[0].bbox.height() >= 0.099);
}

#[test]
fn invisible_text_still_yields_glyphs_and_images_counted() {
    let p = one_page(b"BT 3 Tr /F1 10 Tf 10 10 Td (ocr) Tj ET BI /W 1 /H 1 /BPC 8 /CS /G ID \x00 EI", vec![]);
    assert_eq!(text(&p), "ocr");
    assert_eq!(p.images, 1);
}

#[test]
fn form_xobject_with_matrix_and_cycle() {
    let mut doc = build(b"q 1 0 0 1 100 100 cm /X1 Do Q /X2 Do", dictionary! {}, vec![], None);
    let mut fonts = lopdf::Dictionary::new();
    helvetica(&mut fonts, &mut doc);
    let form_id = doc.add_object(Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Form",
            "Matrix" => vec![2.into(), 0.into(), 0.into(), 2.into(), 10.into(), 0.into()],
            "Resources" => dictionary! { "Font" => fonts.clone() },
        },
        b"BT /F1 5 Tf 0 0 Td (Z) Tj ET".to_vec(),
    ));
    // a form that draws itself
    let cyc_id = doc.new_object_id();
    doc.objects.insert(
        cyc_id,
        Object::Stream(Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Form",
                "Resources" => dictionary! { "XObject" => dictionary! { "Me" => cyc_id } },
            },
            b"0 0 10 10 re f /Me Do".to_vec(),
        )),
    );
    let page_id = doc.page_iter().next().unwrap();
    let page = doc.get_object_mut(page_id).unwrap().as_dict_mut().unwrap();
    let res = page.get_mut(b"Resources").unwrap().as_dict_mut().unwrap();
    res.set("XObject", dictionary! { "X1" => form_id, "X2" => cyc_id });
    res.set("Font", fonts);
    let bytes = save(&mut doc);
    let p = extract::extract_all(&bytes, None).unwrap().remove(0);
    assert_eq!(text(&p), "Z");
    let z = &p.glyphs[0];
    assert!(close(z.bbox.x0, 110.0) && close(z.baseline, 742.0), "{:?} {}", z.bbox, z.baseline);
    assert!(close(z.size, 10.0));
    // the cycle is cut: exactly one rectangle from the self-drawing form
    assert_eq!(p.rules.len(), 1);
    assert!(p.warnings.iter().any(|w| w.contains("cycle")));
}

#[test]
fn type1_differences_ligatures_and_bold() {
    let mut doc = build(b"BT /F2 10 Tf 10 10 Td (\x1cx\x1b) Tj ET", dictionary! {}, vec![], None);
    let enc = doc.add_object(dictionary! {
        "Type" => "Encoding",
        "Differences" => vec![0x1b.into(), Object::Name(b"ff".to_vec()), Object::Name(b"fi".to_vec())],
    });
    let desc = doc.add_object(dictionary! {
        "Type" => "FontDescriptor", "FontName" => "ABCDEF+LMRoman10-Bold", "Flags" => 4,
        "Ascent" => 700, "Descent" => -200,
    });
    let f2 = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "ABCDEF+LMRoman10-Bold",
        "FirstChar" => 27, "Widths" => vec![583.into(), 556.into()], "Encoding" => enc, "FontDescriptor" => desc,
    });
    set_fonts(&mut doc, dictionary! { "F2" => f2 });
    let bytes = save(&mut doc);
    let p = extract::extract_all(&bytes, None).unwrap().remove(0);
    assert_eq!(p.glyphs[0].text, "fi");
    assert_eq!(p.glyphs[2].text, "ff");
    assert!(p.glyphs[0].bold);
    assert!(close(p.glyphs[0].bbox.width(), 5.56));
    assert!(close(p.glyphs[0].bbox.top, 832.0 - 7.0));
}

#[test]
fn type0_identity_h_with_tounicode() {
    let mut doc = build(b"BT /F3 10 Tf 20 20 Td <00030004 0005> Tj ET", dictionary! {}, vec![], None);
    let cmap = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n2 beginbfchar <0003> <00E8> <0005> <FB02> endbfchar\n1 beginbfrange <0004> <0004> <0041> endbfrange\nendcmap end end";
    let tu = doc.add_object(Stream::new(dictionary! {}, cmap.to_vec()));
    let cid = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "AAAAAA+LiberationSans-Bold",
        "DW" => 500, "W" => vec![3.into(), vec![600.into(), 700.into()].into()],
    });
    let f3 = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "AAAAAA+LiberationSans-Bold",
        "Encoding" => "Identity-H", "DescendantFonts" => vec![cid.into()], "ToUnicode" => tu,
    });
    set_fonts(&mut doc, dictionary! { "F3" => f3 });
    let bytes = save(&mut doc);
    let p = extract::extract_all(&bytes, None).unwrap().remove(0);
    assert_eq!(text(&p), "èAfl");
    assert!(close(p.glyphs[0].bbox.width(), 6.0));
    assert!(close(p.glyphs[1].bbox.width(), 7.0));
    assert!(close(p.glyphs[2].bbox.width(), 5.0));
    assert!(p.glyphs[0].bold);
}

#[test]
fn type0_identity_v_stacks_downwards() {
    let mut doc = build(b"BT /F5 10 Tf 100 700 Td <00040004> Tj ET", dictionary! {}, vec![], None);
    let cmap = b"begincmap 1 begincodespacerange <0000> <FFFF> endcodespacerange 1 beginbfchar <0004> <0041> endbfchar endcmap";
    let tu = doc.add_object(Stream::new(dictionary! {}, cmap.to_vec()));
    let cid =
        doc.add_object(dictionary! { "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "X", "DW" => 1000 });
    let f5 = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "X",
        "Encoding" => "Identity-V", "DescendantFonts" => vec![cid.into()], "ToUnicode" => tu,
    });
    set_fonts(&mut doc, dictionary! { "F5" => f5 });
    let bytes = save(&mut doc);
    let p = extract::extract_all(&bytes, None).unwrap().remove(0);
    assert_eq!(text(&p), "AA");
    let (a, b) = (&p.glyphs[0], &p.glyphs[1]);
    assert!(close(a.bbox.x0, 95.0) && close(a.bbox.x1, 105.0), "{:?}", a.bbox);
    assert!(close(b.baseline - a.baseline, 10.0), "{} {}", a.baseline, b.baseline);
}

#[test]
fn predefined_cmap_warns_instead_of_panicking() {
    let mut doc = build(b"BT /F4 10 Tf 20 20 Td <3042> Tj ET", dictionary! {}, vec![], None);
    let cid =
        doc.add_object(dictionary! { "Type" => "Font", "Subtype" => "CIDFontType0", "BaseFont" => "HeiseiMin-W3" });
    let f4 = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "HeiseiMin-W3",
        "Encoding" => "UniJIS-UCS2-H", "DescendantFonts" => vec![cid.into()],
    });
    set_fonts(&mut doc, dictionary! { "F4" => f4 });
    let bytes = save(&mut doc);
    let p = extract::extract_all(&bytes, None).unwrap().remove(0);
    assert_eq!(p.glyphs.len(), 1);
    assert!(p.warnings.iter().any(|w| w.contains("UniJIS-UCS2-H")), "{:?}", p.warnings);
}

fn encrypted(user: &str) -> Vec<u8> {
    let mut doc = build(b"BT /F1 12 Tf 72 700 Td (secret) Tj ET", dictionary! {}, vec![], None);
    let mut fonts = lopdf::Dictionary::new();
    helvetica(&mut fonts, &mut doc);
    set_fonts(&mut doc, fonts);
    common::encrypt_rc4(&mut doc, user);
    save(&mut doc)
}

#[test]
fn owner_password_only_file_opens() {
    let bytes = encrypted("");
    assert!(!bytes.windows(6).any(|w| w == b"secret"));
    let pages = extract::extract_all(&bytes, None).unwrap();
    assert_eq!(text(&pages[0]), "secret");
}

#[test]
fn user_password_file_needs_password_and_tells_a_wrong_one() {
    let bytes = encrypted("letmein");
    assert!(matches!(extract::open(&bytes, None), Err(ExtractError::PasswordRequired)));
    assert!(matches!(extract::open(&bytes, Some("wrong")), Err(ExtractError::WrongPassword)));
    let pages = extract::extract_all(&bytes, Some("letmein")).unwrap();
    assert_eq!(text(&pages[0]), "secret");
}

#[test]
fn garbage_and_damaged_input() {
    assert!(matches!(extract::open(b"hello, I am not a PDF at all", None), Err(ExtractError::NotPdf(_))));
    assert!(matches!(extract::open(b"", None), Err(ExtractError::NotPdf(_))));
    let mut doc = build(b"BT /F1 12 Tf 72 700 Td (x) Tj ET", dictionary! {}, vec![], None);
    let good = save(&mut doc);
    // truncations and byte flips must never panic
    for cut in [10, 50, good.len() / 2, good.len() - 20] {
        let _ = extract::extract_all(&good[..cut], None);
    }
    let mut flipped = good.clone();
    for i in (0..flipped.len()).step_by(7) {
        flipped[i] ^= 0x5a;
    }
    let _ = extract::extract_all(&flipped, None);
    assert!(extract::open(b"%PDF-1.4\n%%EOF", None).is_err());
}

#[test]
fn garbage_content_stream_does_not_panic() {
    let p = one_page(
        b"BT /F1 Tf Tj TJ [ [ [ (unterminated <zz> >> ] } { cm re 1 2 3 c S f Q Q Q ET ET /X Do 9e99 9 9 9 9 9 cm",
        vec![],
    );
    assert!(p.glyphs.is_empty());
    let p = one_page(b"BT /Nope 10 Tf (x) Tj ET", vec![]);
    assert!(p.glyphs.is_empty());
    assert!(!p.warnings.is_empty());
}

#[test]
fn text_outside_the_clip_is_not_read() {
    // A merged cell drawn again on the next page, clipped to the part that shows:
    // only the line inside the clip rectangle is visible.
    let p = one_page(
        b"q 50 600 200 40 re W n BT /F1 10 Tf 60 650 Td (Hidden) Tj 0 -30 Td (Shown) Tj ET Q \
          BT /F1 10 Tf 60 500 Td (Free) Tj ET",
        vec![],
    );
    assert_eq!(text(&p), "ShownFree");
    // Clips nest: the intersection counts, and Q restores the outer one.
    let p = one_page(
        b"q 0 0 300 800 re W n q 200 0 400 800 re W* n BT /F1 10 Tf 100 700 Td (Out) Tj 150 0 Td (In) Tj ET Q \
          BT /F1 10 Tf 100 600 Td (Outer) Tj ET Q",
        vec![],
    );
    assert_eq!(text(&p), "InOuter");
}
