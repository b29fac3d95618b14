//! HTML review report: one self-contained page (inline CSS and SVG, no script) that
//! lists every wrong field of an evaluation and draws, for each sheet, its pages as
//! the parser saw them: text lines, ruled cells and edges, with the boxes each field
//! was read from highlighted (green when right, red when wrong).

use crate::layout::PageLayout;
use crate::model::Region;
use std::fmt::Write;

/// How a highlighted box is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkKind {
    /// A field that matches the ground truth (or no ground truth).
    Right,
    /// A field that differs from the ground truth.
    Wrong,
}

/// A highlighted box on a page, with the text shown when hovering it.
#[derive(Clone, Debug)]
pub struct Mark {
    pub region: Region,
    pub kind: MarkKind,
    pub label: String,
}

/// Escape text for HTML/XML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// One page as an inline SVG: page frame, edges, cells, text lines (their boxes and
/// their text at the extracted size), then the marks on top.
pub fn page_svg(page: &PageLayout, marks: &[Mark]) -> String {
    let (w, h) = (page.width.max(1.0), page.height.max(1.0));
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="page" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:.1} {h:.1}" width="{w:.0}" height="{h:.0}" role="img" aria-label="page {n}">"#,
        n = page.number
    );
    let _ = write!(s, r#"<rect class="paper" x="0" y="0" width="{w:.1}" height="{h:.1}"/>"#);
    for c in &page.cells {
        let b = c.bbox;
        let _ = write!(s, r#"<rect class="cell" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}"/>"#, b.x0, b.top, b.width(), b.height());
    }
    for e in &page.hedges {
        let _ = write!(s, r#"<line class="edge" x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}"/>"#, e.from, e.pos, e.to, e.pos);
    }
    for e in &page.vedges {
        let _ = write!(s, r#"<line class="edge" x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}"/>"#, e.pos, e.from, e.pos, e.to);
    }
    for l in &page.lines {
        let b = l.bbox;
        let _ = write!(s, r#"<rect class="line" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}"/>"#, b.x0, b.top, b.width(), b.height());
        let size = l.size.max(1.0);
        // Shrink the text to the extracted box so it never overflows it.
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" font-size="{:.1}" textLength="{:.1}" lengthAdjust="spacingAndGlyphs"{}>{}</text>"#,
            b.x0,
            b.bottom - 0.2 * size,
            size,
            b.width().max(0.1),
            if l.bold { r#" font-weight="bold""# } else { "" },
            esc(&l.text)
        );
    }
    for m in marks.iter().filter(|m| m.region.page == page.number) {
        let [x0, top, x1, bottom] = m.region.bbox;
        let class = match m.kind {
            MarkKind::Right => "mark right",
            MarkKind::Wrong => "mark wrong",
        };
        let _ = write!(
            s,
            r#"<rect class="{class}" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}"><title>{}</title></rect>"#,
            x0 - 1.0,
            top - 1.0,
            (x1 - x0) + 2.0,
            (bottom - top) + 2.0,
            esc(&m.label)
        );
    }
    s.push_str("</svg>");
    s
}

/// The report's stylesheet (inline, so the page stands alone).
pub const CSS: &str = r#"
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.2em; margin-top: 2em; } h3 { font-size: 1.05em; }
table { border-collapse: collapse; margin: .5em 0 1em; }
th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.bad td { background: #fdecea; }
code, .val { font-family: ui-monospace, monospace; font-size: 12px; white-space: pre-wrap; word-break: break-word; }
.score { font-size: 1.3em; font-weight: bold; }
.pages { display: flex; flex-wrap: wrap; gap: 12px; }
svg.page { border: 1px solid #999; background: #fff; max-width: 100%; height: auto; }
svg .paper { fill: #fff; }
svg .cell { fill: none; stroke: #8ab4f8; stroke-width: .6; }
svg .edge { stroke: #bbb; stroke-width: .4; }
svg .line { fill: #f4f4f4; stroke: none; }
svg text { fill: #333; font-family: sans-serif; }
svg .mark { fill-opacity: .18; stroke-width: 1; }
svg .mark.right { fill: #1e8e3e; stroke: #1e8e3e; }
svg .mark.wrong { fill: #d93025; stroke: #d93025; stroke-width: 1.5; fill-opacity: .25; }
.legend span { display: inline-block; padding: 0 6px; margin-right: 8px; }
.legend .right { background: #d2ecd9; } .legend .wrong { background: #f8d0cc; }
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::BBox;
    use crate::layout::{Line, PageLayout};

    #[test]
    fn escapes_markup() {
        assert_eq!(esc(r#"<a href="x">&'</a>"#), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
    }

    #[test]
    fn svg_has_lines_and_marks_of_its_page_only() {
        let line = Line { text: "Direzione <A&B>".into(), bbox: BBox::new(10.0, 20.0, 80.0, 30.0), size: 9.0, bold: true, words: vec![], row: 0, cell: None };
        let page = PageLayout { number: 2, width: 600.0, height: 800.0, lines: vec![line], ..Default::default() };
        let marks = vec![
            Mark { region: Region { page: 2, bbox: [10.0, 20.0, 80.0, 30.0] }, kind: MarkKind::Wrong, label: "directorate".into() },
            Mark { region: Region { page: 3, bbox: [0.0, 0.0, 1.0, 1.0] }, kind: MarkKind::Right, label: "other page".into() },
        ];
        let svg = page_svg(&page, &marks);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("Direzione &lt;A&amp;B&gt;"));
        assert!(svg.contains(r#"class="mark wrong""#) && svg.contains("<title>directorate</title>"));
        assert!(!svg.contains("other page"));
    }
}
