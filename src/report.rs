//! HTML review report: one self-contained page (inline CSS and SVG, no script) that
//! lists every wrong field of an evaluation and draws, for each sheet, its pages as
//! the parser saw them: text lines, ruled cells and edges, with the boxes each field
//! was read from highlighted (green when right, red when wrong).

use crate::eval::{self, EvalReport, FileReport, Mismatch};
use crate::layout::PageLayout;
use crate::model::{Objective, Region, Target};
use crate::pipeline::{self, Options};
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// What the report draws for one file: the page layouts and the objectives as
/// perfplan reads them from the PDF (with provenance), or why it cannot.
pub struct FileView {
    pub stem: String,
    pub pdf: Option<PathBuf>,
    pub pages: Vec<PageLayout>,
    pub objectives: Vec<Objective>,
    pub error: Option<String>,
}

impl FileView {
    /// Convert `pdf` again (with provenance) and lay out its pages for drawing.
    pub fn from_pdf(stem: &str, pdf: Option<&Path>, options: &Options) -> FileView {
        let mut view = FileView {
            stem: stem.to_string(),
            pdf: pdf.map(Path::to_path_buf),
            pages: vec![],
            objectives: vec![],
            error: None,
        };
        let Some(pdf) = pdf else {
            view.error = Some("no PDF found for this file: no page view".into());
            return view;
        };
        let opts = Options { provenance: true, ..options.clone() };
        match (pipeline::layout_file(pdf, &opts, None), pipeline::convert_file(pdf, &opts)) {
            (Ok(pages), Ok(doc)) => {
                view.pages = pages;
                view.objectives = doc.objectives;
            }
            (Err(e), _) | (_, Err(e)) => view.error = Some(e.to_string()),
        }
        view
    }
}

/// The file views of an evaluation: each file's PDF is the one converted (`--pdf`
/// mode) or `<stem>.pdf` next to its ground truth.
pub fn views(report: &EvalReport, options: &Options) -> Vec<FileView> {
    use rayon::prelude::*;
    report
        .files
        .par_iter()
        .map(|f| {
            let pdf = if report.mode == "pdf" {
                Some(f.actual_file.clone()).filter(|p| p.is_file())
            } else {
                f.expected_file.parent().map(|d| d.join(format!("{}.pdf", f.stem))).filter(|p| p.is_file())
            };
            FileView::from_pdf(&f.stem, pdf.as_deref(), options)
        })
        .collect()
}

/// The provenance key that shows where a scored field comes from
/// (`indicators[2].target.raw` -> `indicators[2].target`, `year` -> `code`).
fn provenance_key(path: &str) -> Option<String> {
    if path.ends_with(".count") {
        return None;
    }
    if let Some(i) = path.find(".target.") {
        return Some(path[..i + ".target".len()].to_string());
    }
    if let Some(stem) = path.strip_suffix(".refs") {
        return Some(format!("{stem}.text"));
    }
    Some(match path {
        "year" => "code".to_string(),
        "pages" => "title".to_string(),
        p => p.to_string(),
    })
}

/// Is `path` (a field path, or a provenance key) the wrong field `bad` or a part or
/// a container of it? `indicators[0].targets[1]` covers
/// `indicators[0].targets[1].target.raw`, `responsibility_center` covers
/// `responsibility_center.code` and the other way round; `indicators[1]` does not
/// cover `indicators[10].unit`.
fn covers(path: &str, bad: &str) -> bool {
    let within = |outer: &str, inner: &str| {
        inner.strip_prefix(outer).is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
    };
    path == bad || within(path, bad) || within(bad, path)
}

/// Does a provenance key show one of the wrong fields (`bad`: scored field paths)?
fn key_is_wrong(key: &str, bad: &[&str]) -> bool {
    bad.iter().filter_map(|p| provenance_key(p)).any(|k| covers(key, &k))
}

fn value_cell(v: &serde_json::Value, absent: bool) -> String {
    if absent {
        return "<em>absent</em>".to_string();
    }
    format!(r#"<span class="val">{}</span>"#, esc(&v.to_string()))
}

fn anchor(stem: &str, code: &str) -> String {
    let mut a = format!("s-{stem}-{code}");
    a.retain(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    a
}

fn file_table_row(out: &mut String, f: &FileReport) {
    let bad = f.correct < f.total || f.matched < f.expected || f.actual > f.matched;
    let _ = write!(
        out,
        r##"<tr{}><td><a href="#f-{}">{}</a></td><td>{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}/{}</td><td class="num">{:.1}%</td></tr>"##,
        if bad { r#" class="bad""# } else { "" },
        esc(&f.stem),
        esc(&f.stem),
        esc(&f.status),
        f.expected,
        f.actual,
        f.matched,
        f.correct,
        f.total,
        100.0 * f.accuracy()
    );
}

/// The whole report as one self-contained HTML page.
pub fn html(report: &EvalReport, views: &[FileView]) -> String {
    let mut o = String::new();
    o.push_str(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>perfplan evaluation</title><style>",
    );
    o.push_str(CSS);
    o.push_str("</style></head><body>\n<h1>perfplan evaluation</h1>\n");
    let _ = write!(
        o,
        r#"<p class="score">score {:.4}</p><p>field accuracy {:.4} ({} of {} fields) &middot; objective precision {:.4} &middot; recall {:.4} ({} expected, {} found, {} matched)</p><p>ground truth <code>{}</code>, {} <code>{}</code></p>"#,
        report.score,
        report.field_accuracy,
        report.correct,
        report.total,
        report.objective_precision,
        report.objective_recall,
        report.expected_objectives,
        report.actual_objectives,
        report.matched_objectives,
        esc(&report.expected_dir.display().to_string()),
        if report.mode == "pdf" { "converted from" } else { "output" },
        esc(&report.actual_dir.display().to_string())
    );
    // Wrong fields.
    let _ = write!(o, "<h2 id=\"wrong\">Wrong fields ({})</h2>", report.mismatches.len());
    if report.mismatches.is_empty() {
        o.push_str("<p>None.</p>");
    } else {
        o.push_str("<table><tr><th>file</th><th>objective</th><th>pages</th><th>field</th><th>expected</th><th>actual</th></tr>");
        for m in &report.mismatches {
            let pages = m.expected_pages.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
            let _ = write!(
                o,
                r##"<tr class="bad"><td>{}</td><td><a href="#{}">{}</a></td><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>"##,
                esc(&m.file),
                anchor(&m.file, &m.code),
                esc(&m.code),
                pages,
                esc(&m.path),
                value_cell(&m.expected, false),
                value_cell(&m.actual, m.absent)
            );
        }
        o.push_str("</table>");
    }
    // Missing / extra objectives.
    let missing: Vec<(&str, String)> =
        report.files.iter().flat_map(|f| f.missing_codes.iter().map(move |c| (f.stem.as_str(), c.clone()))).collect();
    let extra: Vec<(&str, String)> = report
        .files
        .iter()
        .flat_map(|f| {
            f.extra_codes.iter().map(move |c| (f.stem.as_str(), c.clone().unwrap_or_else(|| "(no code)".into())))
        })
        .collect();
    for (title, list) in [("Missing objectives", &missing), ("Extra objectives", &extra)] {
        if !list.is_empty() {
            let _ = write!(o, "<h2>{title} ({})</h2><ul>", list.len());
            for (stem, code) in list {
                let _ = write!(o, "<li>{}: <code>{}</code></li>", esc(stem), esc(code));
            }
            o.push_str("</ul>");
        }
    }
    // Per-field and per-file tables.
    o.push_str("<h2>Fields</h2><table><tr><th>field</th><th>correct</th><th>total</th><th>accuracy</th></tr>");
    for (name, c) in report.fields.iter() {
        let _ = write!(
            o,
            r#"<tr{}><td>{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{:.1}%</td></tr>"#,
            if c.correct < c.total { r#" class="bad""# } else { "" },
            name,
            c.correct,
            c.total,
            100.0 * c.accuracy()
        );
    }
    o.push_str("</table><h2>Files</h2><table><tr><th>file</th><th>status</th><th>expected</th><th>actual</th><th>matched</th><th>fields</th><th>accuracy</th></tr>");
    for f in &report.files {
        file_table_row(&mut o, f);
    }
    o.push_str("</table>");
    // Sheets as the parser saw them.
    o.push_str(r#"<h2>Sheets</h2><p class="legend">Boxes: grey = text lines, blue = ruled cells; fields read <span class="right">right</span> <span class="wrong">wrong</span> (hover a box for its field).</p>"#);
    for v in views {
        let _ = write!(o, r#"<h2 id="f-{}">{}</h2>"#, esc(&v.stem), esc(&v.stem));
        if let Some(e) = &v.error {
            let _ = write!(o, "<p>{}</p>", esc(e));
            continue;
        }
        let wrong: Vec<&Mismatch> = report.mismatches.iter().filter(|m| m.file == v.stem).collect();
        for obj in &v.objectives {
            let bad: Vec<&&Mismatch> = wrong.iter().filter(|m| m.code == obj.code).collect();
            let _ = write!(
                o,
                r#"<h3 id="{}">{} &mdash; {} <small>(pages {}; {} wrong field{})</small></h3>"#,
                anchor(&v.stem, &obj.code),
                esc(&obj.code),
                esc(&obj.title),
                obj.pages.iter().map(u32::to_string).collect::<Vec<_>>().join(", "),
                bad.len(),
                if bad.len() == 1 { "" } else { "s" }
            );
            let bad_paths: Vec<&str> = bad.iter().map(|m| m.path.as_str()).collect();
            v2_tables(&mut o, obj, &bad);
            let mut marks = Vec::new();
            for (key, regions) in obj.provenance.iter().flatten() {
                let kind = if key_is_wrong(key, &bad_paths) { MarkKind::Wrong } else { MarkKind::Right };
                for r in regions {
                    marks.push(Mark { region: r.clone(), kind, label: key.clone() });
                }
            }
            o.push_str(r#"<div class="pages">"#);
            for p in v.pages.iter().filter(|p| obj.pages.contains(&p.number)) {
                o.push_str(&page_band_svg(p, &marks, marks_band(p, &marks)));
            }
            o.push_str("</div>");
        }
    }
    o.push_str("\n</body></html>\n");
    o
}

/// Does the objective carry any contract v2 value?
fn has_v2(obj: &Objective) -> bool {
    obj.level.is_some()
        || obj.responsibility_center.is_some()
        || obj.weight.is_some()
        || obj.purpose.is_some()
        || obj.achievement.is_some()
        || !obj.phases.is_empty()
        || obj.indicators.iter().any(|i| {
            i.unit.is_some()
                || i.weight.is_some()
                || i.baseline.is_some()
                || !i.targets.is_empty()
                || i.actual.is_some()
                || i.achievement.is_some()
        })
}

/// A cell of the v2 tables: the value as perfplan read it, red (with what was
/// expected on hover) when the scored field at `path` or a part of it is wrong.
fn v2_cell(o: &mut String, path: &str, text: &str, bad: &[&&Mismatch]) {
    let wrong: Vec<String> =
        bad.iter().filter(|m| covers(path, &m.path)).map(|m| format!("{}: expected {}", m.path, m.expected)).collect();
    if wrong.is_empty() {
        let _ = write!(o, r#"<td data-field="{}">{}</td>"#, esc(path), esc(text));
    } else {
        let _ = write!(
            o,
            r#"<td class="wrong" data-field="{}" title="{}">{}</td>"#,
            esc(path),
            esc(&wrong.join("\n")),
            esc(text)
        );
    }
}

/// Rows `from..` of the list `list` (`phases`, `indicators`) that have a wrong v2
/// field but are not in the view (perfplan read fewer rows than expected): one
/// placeholder row each, its wrong cells red, so that no wrong row is hidden.
fn missing_rows(o: &mut String, list: &str, from: usize, columns: &[&str], bad: &[&&Mismatch]) {
    let prefix = format!("{list}[");
    let mut rows: Vec<usize> = bad
        .iter()
        .filter_map(|m| m.path.strip_prefix(&prefix)?.split(']').next()?.parse().ok())
        .filter(|&i| i >= from)
        .collect();
    rows.sort_unstable();
    rows.dedup();
    for i in rows {
        let _ = write!(o, "<tr><td class=\"num\">{}</td>", i + 1);
        for (k, c) in columns.iter().enumerate() {
            if k == 0 && list == "indicators" {
                o.push_str("<td><em>not read</em></td>");
            } else {
                v2_cell(o, &format!("{list}[{i}].{c}"), if k == 0 { "(not read)" } else { "" }, bad);
            }
        }
        o.push_str("</tr>");
    }
}

fn opt_num(v: Option<f64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn opt_str(v: Option<&str>) -> String {
    v.unwrap_or("").to_string()
}

/// A Target as shown in a cell: its raw text, and what it was read as.
fn target_text(t: &Target) -> String {
    let mut parts = Vec::new();
    if let Some(c) = &t.comparator {
        parts.push(c.clone());
    }
    if let Some(v) = t.value {
        parts.push(v.to_string());
    }
    if let Some(u) = &t.unit {
        parts.push(u.clone());
    }
    if let Some(d) = &t.date {
        parts.push(d.clone());
    }
    if let Some(b) = t.boolean {
        parts.push(b.to_string());
    }
    if parts.is_empty() {
        format!("{:?}", t.raw)
    } else {
        format!("{:?} = {}", t.raw, parts.join(" "))
    }
}

/// The contract v2 fields of one objective as perfplan read them: the objective's
/// own (level, responsibility centre, weight, purpose, achievement), its phases
/// and the v2 columns of its indicators. Wrong fields are red like the v1 ones.
/// Nothing for an objective without any v2 value or v2 mismatch.
fn v2_tables(o: &mut String, obj: &Objective, bad: &[&&Mismatch]) {
    let v2_bad: Vec<&&Mismatch> = bad.iter().copied().filter(|m| eval::V2_FIELDS.contains(&m.field.as_str())).collect();
    if !has_v2(obj) && v2_bad.is_empty() {
        return;
    }
    o.push_str(r#"<div class="v2"><table class="fields"><tr><th>level</th><th>responsibility centre</th><th>weight</th><th>achievement</th><th>purpose</th></tr><tr>"#);
    let rc = obj
        .responsibility_center
        .as_ref()
        .map(|rc| format!("{}{}", rc.code.as_deref().map(|c| format!("{c} - ")).unwrap_or_default(), rc.name))
        .unwrap_or_default();
    v2_cell(o, "level", &opt_str(obj.level.as_deref()), &v2_bad);
    v2_cell(o, "responsibility_center", &rc, &v2_bad);
    v2_cell(o, "weight", &opt_num(obj.weight), &v2_bad);
    v2_cell(o, "achievement", &opt_num(obj.achievement), &v2_bad);
    v2_cell(o, "purpose", &opt_str(obj.purpose.as_deref()), &v2_bad);
    o.push_str("</tr></table>");
    let count_bad = v2_bad.iter().any(|m| m.path == "phases.count");
    let _ = write!(
        o,
        r#"<table class="phases"><caption{}>Phases ({})</caption><tr><th>#</th><th>description</th><th>weight</th><th>start</th><th>end</th><th>responsible</th><th>responsibility centre</th><th>notes</th></tr>"#,
        if count_bad { r#" class="wrong""# } else { "" },
        obj.phases.len()
    );
    for (i, ph) in obj.phases.iter().enumerate() {
        let row = format!("phases[{i}]");
        let _ = write!(o, "<tr><td class=\"num\">{}</td>", i + 1);
        v2_cell(o, &format!("{row}.description"), &ph.description, &v2_bad);
        v2_cell(o, &format!("{row}.weight"), &opt_num(ph.weight), &v2_bad);
        v2_cell(o, &format!("{row}.start"), &opt_str(ph.start.as_deref()), &v2_bad);
        v2_cell(o, &format!("{row}.end"), &opt_str(ph.end.as_deref()), &v2_bad);
        v2_cell(o, &format!("{row}.responsible"), &opt_str(ph.responsible.as_deref()), &v2_bad);
        v2_cell(o, &format!("{row}.responsibility_center"), &opt_str(ph.responsibility_center.as_deref()), &v2_bad);
        v2_cell(o, &format!("{row}.notes"), &opt_str(ph.notes.as_deref()), &v2_bad);
        o.push_str("</tr>");
    }
    missing_rows(o, "phases", obj.phases.len(), &eval::PHASE_FIELDS, &v2_bad);
    o.push_str("</table>");
    o.push_str(r#"<table class="indicators"><caption>Indicators (v2 columns)</caption><tr><th>#</th><th>description</th><th>unit</th><th>weight</th><th>baseline</th><th>targets by year</th><th>actual</th><th>achievement</th></tr>"#);
    for (i, ind) in obj.indicators.iter().enumerate() {
        let row = format!("indicators[{i}]");
        let _ = write!(o, "<tr><td class=\"num\">{}</td><td>{}</td>", i + 1, esc(&ind.description));
        v2_cell(o, &format!("{row}.unit"), &opt_str(ind.unit.as_deref()), &v2_bad);
        v2_cell(o, &format!("{row}.weight"), &opt_num(ind.weight), &v2_bad);
        let baseline = ind
            .baseline
            .as_ref()
            .map(|b| format!("{}{}", b.year.map(|y| format!("{y}: ")).unwrap_or_default(), target_text(&b.value)))
            .unwrap_or_default();
        v2_cell(o, &format!("{row}.baseline"), &baseline, &v2_bad);
        let targets = ind
            .targets
            .iter()
            .map(|y| format!("{}: {}", y.year, target_text(&y.target)))
            .collect::<Vec<_>>()
            .join("; ");
        v2_cell(o, &format!("{row}.targets"), &targets, &v2_bad);
        v2_cell(o, &format!("{row}.actual"), &ind.actual.as_ref().map(target_text).unwrap_or_default(), &v2_bad);
        v2_cell(o, &format!("{row}.achievement"), &opt_num(ind.achievement), &v2_bad);
        o.push_str("</tr>");
    }
    let ind_columns = ["description", "unit", "weight", "baseline", "targets", "actual", "achievement"];
    missing_rows(o, "indicators", obj.indicators.len(), &ind_columns, &v2_bad);
    o.push_str("</table></div>");
}

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
    page_band_svg(page, marks, None)
}

/// The band of a page (top, bottom in points) that the marks on it cover, with a
/// margin, when it is less than half the page: an objective of a plan printed as a
/// table is a block of rows, shown without the rest of its page.
pub fn marks_band(page: &PageLayout, marks: &[Mark]) -> Option<(f32, f32)> {
    let on_page = marks.iter().filter(|m| m.region.page == page.number);
    let (top, bottom) = on_page
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(t, b), m| (t.min(m.region.bbox[1]), b.max(m.region.bbox[3])));
    let h = page.height.max(1.0);
    (top.is_finite() && bottom - top < BAND_MAX_SHARE * h)
        .then(|| ((top - BAND_MARGIN).max(0.0), (bottom + BAND_MARGIN).min(h)))
}

/// A page band is shown alone when it covers less than this share of the page ...
const BAND_MAX_SHARE: f32 = 0.5;
/// ... with this margin (points) above and below the marks.
const BAND_MARGIN: f32 = 24.0;

/// One page, or the band `band` (top, bottom) of it, as an inline SVG.
pub fn page_band_svg(page: &PageLayout, marks: &[Mark], band: Option<(f32, f32)>) -> String {
    let (w, h) = (page.width.max(1.0), page.height.max(1.0));
    let (y0, bh) = band.map(|(t, b)| (t, (b - t).max(1.0))).unwrap_or((0.0, h));
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="page" xmlns="http://www.w3.org/2000/svg" viewBox="0 {y0:.1} {w:.1} {bh:.1}" width="{w:.0}" height="{bh:.0}" role="img" aria-label="page {n}">"#,
        n = page.number
    );
    let _ = write!(s, r#"<rect class="paper" x="0" y="0" width="{w:.1}" height="{h:.1}"/>"#);
    for c in &page.cells {
        let b = c.bbox;
        let _ = write!(
            s,
            r#"<rect class="cell" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}"/>"#,
            b.x0,
            b.top,
            b.width(),
            b.height()
        );
    }
    for e in &page.hedges {
        let _ = write!(
            s,
            r#"<line class="edge" x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}"/>"#,
            e.from, e.pos, e.to, e.pos
        );
    }
    for e in &page.vedges {
        let _ = write!(
            s,
            r#"<line class="edge" x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}"/>"#,
            e.pos, e.from, e.pos, e.to
        );
    }
    for l in &page.lines {
        let b = l.bbox;
        let _ = write!(
            s,
            r#"<rect class="line" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}"/>"#,
            b.x0,
            b.top,
            b.width(),
            b.height()
        );
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
.v2 table { font-size: 12px; } .v2 caption { text-align: left; font-weight: bold; padding: 2px 0; }
.v2 td.wrong, .v2 caption.wrong { background: #f8d0cc; outline: 1px solid #d93025; }
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::BBox;
    use crate::layout::{Line, PageLayout};

    #[test]
    fn wrong_v2_fields_mark_their_provenance_boxes() {
        let bad = ["indicators[0].targets[1].target.raw", "phases[2].start", "weight", "responsibility_center.code"];
        for key in ["indicators[0].targets[1]", "phases[2].start", "weight", "responsibility_center"] {
            assert!(key_is_wrong(key, &bad), "{key}");
        }
        for key in ["indicators[0].targets[0]", "phases[2].end", "phases[20].start", "purpose", "indicators[0].target"]
        {
            assert!(!key_is_wrong(key, &bad), "{key}");
        }
        // v1 keys as before
        assert!(key_is_wrong("indicators[2].target", &["indicators[2].target.value"]));
        assert!(key_is_wrong("code", &["year"]));
        assert!(!key_is_wrong("phases", &["phases.count"]));
    }

    #[test]
    fn v2_tables_show_phases_and_indicator_columns_with_wrong_cells() {
        use crate::model::{Baseline, Indicator, Phase, YearTarget};
        let obj = Objective {
            code: "2024_A101".into(),
            weight: Some(25.5),
            phases: vec![
                Phase { description: "Ricognizione".into(), start: Some("2024-03-01".into()), ..Default::default() },
                Phase { description: "Chiusura <fine>".into(), ..Default::default() },
            ],
            indicators: vec![Indicator {
                description: "Procedimenti".into(),
                baseline: Some(Baseline {
                    year: Some(2023),
                    value: Target { raw: "62%".into(), value: Some(62.0), ..Default::default() },
                }),
                targets: vec![YearTarget { year: 2025, target: Target { raw: "100%".into(), ..Default::default() } }],
                ..Default::default()
            }],
            ..Default::default()
        };
        let m = |path: &str, field: &str| Mismatch {
            location: String::new(),
            field: field.into(),
            expected: serde_json::json!("2024-04-01"),
            actual: serde_json::json!(null),
            absent: false,
            file: "f".into(),
            code: "2024_A101".into(),
            path: path.into(),
            expected_pages: vec![],
            actual_pages: vec![],
        };
        let (m1, m2) = (
            m("phases[0].start", "phases.start"),
            m("indicators[0].targets[0].target.raw", "indicators.targets.target.raw"),
        );
        let bad = [&m1, &m2];
        let bad: Vec<&&Mismatch> = bad.iter().collect();
        let mut o = String::new();
        v2_tables(&mut o, &obj, &bad);
        assert!(o.contains("Phases (2)") && o.contains("Chiusura &lt;fine&gt;"));
        assert!(o.contains(r#"<td class="wrong" data-field="phases[0].start" title="phases[0].start: expected &quot;2024-04-01&quot;">2024-03-01</td>"#), "{o}");
        assert!(o.contains(r#"class="wrong" data-field="indicators[0].targets""#), "{o}");
        assert!(o.contains(r#"<td data-field="weight">25.5</td>"#), "{o}");
        assert!(o.contains("2023: &quot;62%&quot; = 62"), "{o}");
        // A wrong phase that perfplan did not read at all still gets its row.
        let m3 = m("phases[3].end", "phases.end");
        let bad = [&m1, &m3];
        let bad: Vec<&&Mismatch> = bad.iter().collect();
        let mut o = String::new();
        v2_tables(&mut o, &obj, &bad);
        assert!(o.contains(r#"<td class="num">4</td><td data-field="phases[3].description">(not read)</td>"#), "{o}");
        assert!(o.contains(r#"<td class="wrong" data-field="phases[3].end""#), "{o}");
        // An objective without v2 values or v2 mismatches gets no v2 tables.
        let mut o = String::new();
        v2_tables(&mut o, &Objective::default(), &[]);
        assert!(o.is_empty());
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(esc(r#"<a href="x">&'</a>"#), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
    }

    #[test]
    fn svg_has_lines_and_marks_of_its_page_only() {
        let line = Line {
            text: "Direzione <A&B>".into(),
            bbox: BBox::new(10.0, 20.0, 80.0, 30.0),
            size: 9.0,
            bold: true,
            words: vec![],
            row: 0,
            cell: None,
        };
        let page = PageLayout { number: 2, width: 600.0, height: 800.0, lines: vec![line], ..Default::default() };
        let marks = vec![
            Mark {
                region: Region { page: 2, bbox: [10.0, 20.0, 80.0, 30.0] },
                kind: MarkKind::Wrong,
                label: "directorate".into(),
            },
            Mark {
                region: Region { page: 3, bbox: [0.0, 0.0, 1.0, 1.0] },
                kind: MarkKind::Right,
                label: "other page".into(),
            },
        ];
        let svg = page_svg(&page, &marks);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("Direzione &lt;A&amp;B&gt;"));
        assert!(svg.contains(r#"class="mark wrong""#) && svg.contains("<title>directorate</title>"));
        assert!(!svg.contains("other page"));
        // A block of rows (a table plan's objective) is shown as its band of the page.
        let band = marks_band(&page, &marks).expect("a small band");
        assert_eq!(band, (0.0, 54.0));
        let svg = page_band_svg(&page, &marks, Some(band));
        assert!(svg.contains(r#"viewBox="0 0.0 600.0 54.0""#), "{svg}");
        let tall = [Mark {
            region: Region { page: 2, bbox: [10.0, 20.0, 80.0, 700.0] },
            kind: MarkKind::Right,
            label: "x".into(),
        }];
        assert_eq!(marks_band(&page, &tall), None, "a sheet filling its page is shown whole");
    }
}
