//! The parser on synthetic pages: glyph boxes and rules placed by hand.

use super::parse;
use crate::extract::{Glyph, Page, Rule};
use crate::layout::{self, PageLayout};
use crate::model::Objective;
use crate::params::Params;
use crate::testkit;

struct P {
    glyphs: Vec<Glyph>,
    rules: Vec<Rule>,
}
impl P {
    fn new() -> Self {
        P { glyphs: vec![], rules: vec![] }
    }
    fn text(&mut self, s: &str, x: f32, baseline: f32, bold: bool) -> &mut Self {
        testkit::text(&mut self.glyphs, s, x, baseline, 9.0, bold);
        self
    }
    /// A ruled row of cells with the given x boundaries.
    fn row(&mut self, xs: &[f32], top: f32, bottom: f32) -> &mut Self {
        let r = testkit::stroke;
        let (x0, x1) = (xs[0], *xs.last().unwrap());
        self.rules.push(r(x0, top, x1, top + 0.5));
        self.rules.push(r(x0, bottom, x1, bottom + 0.5));
        for &x in xs {
            self.rules.push(r(x, top, x + 0.5, bottom));
        }
        self
    }
    /// A ruled row cut open at the bottom (a page break inside it).
    fn open_row(&mut self, xs: &[f32], top: f32, bottom: f32) -> &mut Self {
        let r = testkit::stroke;
        self.rules.push(r(xs[0], top, *xs.last().unwrap(), top + 0.5));
        for &x in xs {
            self.rules.push(r(x, top, x + 0.5, bottom));
        }
        self
    }
    /// A horizontal rule from `x0` to `x1` at `y`.
    fn hrule(&mut self, x0: f32, x1: f32, y: f32) -> &mut Self {
        self.rules.push(testkit::stroke(x0, y, x1, y + 0.5));
        self
    }
    /// A vertical rule at `x` from `y0` to `y1`.
    fn vrule(&mut self, x: f32, y0: f32, y1: f32) -> &mut Self {
        self.rules.push(testkit::stroke(x, y0, x + 0.5, y1));
        self
    }
    fn page(&self, number: u32) -> Page {
        testkit::page(number, self.glyphs.clone(), self.rules.clone())
    }
}

fn run(pages: &[Page]) -> Vec<Objective> {
    let p = Params::default();
    let layouts: Vec<PageLayout> = pages.iter().map(|pg| layout::analyze(pg, &p)).collect();
    parse(&layouts, &p).0
}

/// A ruled sheet: heading, 2x6 grid with an empty Direttore cell, indicators.
/// A page opening with the test sheet's heading (code, then title), and nothing else.
fn heading_page(code: &str) -> P {
    let mut p = P::new();
    p.text(code, 40.0, 60.0, true).text("Titolo dell obiettivo di prova", 40.0, 75.0, true);
    p
}

fn sheet_page(code: &str) -> P {
    let mut p = heading_page(code);
    let xs = [40.0, 100.0, 200.0, 260.0, 360.0, 440.0, 560.0];
    p.row(&xs, 90.0, 104.0).row(&xs, 104.0, 118.0);
    p.text("Direzione", 42.0, 100.0, true).text("AFFARI", 102.0, 100.0, false);
    p.text("Direttore", 202.0, 100.0, true);
    p.text("Classificazione", 362.0, 100.0, true).text("SERVIZIO", 442.0, 100.0, false);
    p.text("Servizio", 42.0, 114.0, true).text("UFFICIO", 102.0, 114.0, false);
    p.text("Dirigente", 202.0, 114.0, true).text("ROSSI ANNA", 262.0, 114.0, false);
    p.text("Tipologia", 362.0, 114.0, true).text("SVILUPPO", 442.0, 114.0, false);
    p.text("INDICATORI", 40.0, 150.0, true);
    let cols = [40.0, 300.0, 400.0, 560.0];
    p.row(&cols, 155.0, 169.0).row(&cols, 169.0, 195.0);
    p.text("Descrizione", 42.0, 165.0, true).text("Tipo", 302.0, 165.0, true).text("Valore Atteso", 402.0, 165.0, true);
    p.text("Pratiche evase", 42.0, 179.0, false).text("nei termini", 42.0, 190.0, false);
    p.text("EFFICACIA", 302.0, 179.0, false).text("≥ 90%", 402.0, 179.0, false);
    p
}

#[test]
fn ruled_sheet_with_empty_cell_and_value_that_looks_like_a_label() {
    let objs = run(&[sheet_page("2023_A101").page(1)]);
    assert_eq!(objs.len(), 1);
    let o = &objs[0];
    assert_eq!(o.code, "2023_A101");
    assert_eq!(o.year, Some(2023));
    assert_eq!(o.title, "Titolo dell obiettivo di prova");
    assert_eq!(o.directorate.as_deref(), Some("AFFARI"));
    assert_eq!(o.director, None);
    assert_eq!(o.classification.as_deref(), Some("SERVIZIO"));
    assert_eq!(o.service.as_deref(), Some("UFFICIO"));
    assert_eq!(o.executive.as_deref(), Some("ROSSI ANNA"));
    assert_eq!(o.typology.as_deref(), Some("SVILUPPO"));
    assert_eq!(o.indicators.len(), 1);
    assert_eq!(o.indicators[0].description, "Pratiche evase nei termini");
    assert_eq!(o.indicators[0].kind.as_deref(), Some("EFFICACIA"));
    assert_eq!(o.indicators[0].target.raw, "≥ 90%");
    assert_eq!(o.pages, vec![1]);
    // Provenance: the value's own box, nothing for the empty cell.
    let prov = o.provenance.as_ref().unwrap();
    let dir = &prov["directorate"];
    assert_eq!(dir.len(), 1);
    assert_eq!(dir[0].page, 1);
    assert_eq!(dir[0].bbox[0], 102.0);
    assert!(!prov.contains_key("director"));
    assert!(prov.contains_key("indicators[0].target") && prov.contains_key("title"));
}

#[test]
fn index_page_and_footers_yield_nothing() {
    let mut index = P::new();
    index.text("Indice degli obiettivi", 40.0, 60.0, true);
    index
        .text("2023_A101", 40.0, 80.0, false)
        .text("Titolo dell obiettivo di prova", 120.0, 80.0, false)
        .text("2", 540.0, 80.0, false);
    index.text("Pag. 1 di 2", 500.0, 780.0, false);
    let mut sheet = sheet_page("2023_A101");
    sheet.text("Pag. 2 di 2", 500.0, 780.0, false);
    let objs = run(&[index.page(1), sheet.page(2)]);
    assert_eq!(objs.len(), 1);
    assert_eq!(objs[0].pages, vec![2]);
    assert_eq!(objs[0].indicators.len(), 1, "the footer is not an indicator row");
    assert!(run(&[index.page(1)]).is_empty());
}

#[test]
fn repeated_heading_continues_the_sheet() {
    let first = sheet_page("2023_A101");
    let mut cont = heading_page("2023_A101");
    let cols = [40.0, 300.0, 400.0, 560.0];
    cont.row(&cols, 90.0, 104.0).row(&cols, 104.0, 118.0);
    cont.text("Descrizione", 42.0, 100.0, true).text("Tipo", 302.0, 100.0, true).text(
        "Valore Atteso",
        402.0,
        100.0,
        true,
    );
    cont.text("Atti adottati", 42.0, 114.0, false).text("TEMPORALE", 302.0, 114.0, false).text(
        "entro il 31/12/2023",
        402.0,
        114.0,
        false,
    );
    let objs = run(&[first.page(1), cont.page(2)]);
    assert_eq!(objs.len(), 1);
    let o = &objs[0];
    assert_eq!(o.pages, vec![1, 2]);
    assert_eq!(o.indicators.len(), 2);
    assert_eq!(o.indicators[1].description, "Atti adottati");
    assert_eq!(o.indicators[1].target.date.as_deref(), Some("2023-12-31"));
}

#[test]
fn borderless_grid_by_alignment() {
    let mut p = P::new();
    p.text("2024_B2", 40.0, 60.0, true).text("Titolo", 40.0, 75.0, true);
    p.text("Direzione", 40.0, 100.0, true)
        .text("DIREZIONE CON UN NOME", 120.0, 100.0, false)
        .text("LUNGO", 120.0, 111.0, false);
    p.text("Direttore", 300.0, 100.0, true).text("BIANCHI LUCA", 380.0, 100.0, false);
    p.text("Servizio", 40.0, 130.0, true).text("UFFICIO", 120.0, 130.0, false);
    p.text("Dirigente", 300.0, 130.0, true);
    let objs = run(&[p.page(1)]);
    assert_eq!(objs.len(), 1);
    assert_eq!(objs[0].directorate.as_deref(), Some("DIREZIONE CON UN NOME LUNGO"));
    assert_eq!(objs[0].director.as_deref(), Some("BIANCHI LUCA"));
    assert_eq!(objs[0].service.as_deref(), Some("UFFICIO"));
    assert_eq!(objs[0].executive, None);
}

#[test]
fn columnar_grid_labels_above_values() {
    let mut p = P::new();
    p.text("2024_C9", 40.0, 60.0, true).text("Titolo", 40.0, 75.0, true);
    p.text("Direzione", 40.0, 100.0, true).text("Direttore", 200.0, 100.0, true).text(
        "Classificazione",
        360.0,
        100.0,
        true,
    );
    p.text("CULTURA", 40.0, 114.0, false).text("NERI ADA", 200.0, 114.0, false).text("SERVIZIO", 360.0, 114.0, false);
    p.text("Servizio", 40.0, 134.0, true).text("Dirigente", 200.0, 134.0, true).text("Tipologia", 360.0, 134.0, true);
    p.text("MUSEI", 40.0, 148.0, false).text("SVILUPPO", 360.0, 148.0, false);
    let objs = run(&[p.page(1)]);
    assert_eq!(objs.len(), 1);
    let o = &objs[0];
    assert_eq!(o.directorate.as_deref(), Some("CULTURA"));
    assert_eq!(o.director.as_deref(), Some("NERI ADA"));
    assert_eq!(o.classification.as_deref(), Some("SERVIZIO"));
    assert_eq!(o.service.as_deref(), Some("MUSEI"));
    assert_eq!(o.executive, None);
    assert_eq!(o.typology.as_deref(), Some("SVILUPPO"));
}
#[test]
fn unknown_column_and_row_split_by_page_break() {
    let mut first = sheet_page("2023_A101");
    let cols = [40.0, 300.0, 400.0, 560.0];
    first.row(&cols, 195.0, 221.0);
    first
        .text("Riga spezzata dal cambio", 42.0, 205.0, false)
        .text("RISULTATO", 302.0, 205.0, false)
        .text("12", 402.0, 205.0, false);
    let mut cont = heading_page("2023_A101");
    cont.row(&cols, 90.0, 104.0);
    cont.text("di pagina", 42.0, 100.0, false);
    let objs = run(&[first.page(1), cont.page(2)]);
    let o = &objs[0];
    assert_eq!(o.indicators.len(), 2);
    assert_eq!(o.indicators[1].description, "Riga spezzata dal cambio di pagina");
    assert_eq!(o.indicators[1].target.value, Some(12.0));

    // A fourth column the label table does not know stays out of the target.
    let mut p = P::new();
    p.text("2024_Q1", 40.0, 60.0, true).text("Titolo", 40.0, 75.0, true);
    p.text("Direzione", 40.0, 100.0, true).text("AFFARI", 120.0, 100.0, false);
    p.text("INDICATORI", 40.0, 130.0, true);
    p.text("Descrizione", 40.0, 150.0, true)
        .text("Tipologia", 250.0, 150.0, true)
        .text("Valore atteso 2024", 350.0, 150.0, true)
        .text("Peso", 480.0, 150.0, true);
    p.text("Atti adottati", 40.0, 165.0, false)
        .text("RISULTATO", 250.0, 165.0, false)
        .text("5", 350.0, 165.0, false)
        .text("30%", 480.0, 165.0, false);
    let objs = run(&[p.page(1)]);
    assert_eq!(objs[0].indicators.len(), 1);
    assert_eq!(objs[0].indicators[0].target.raw, "5");
    assert_eq!(objs[0].indicators[0].kind.as_deref(), Some("RISULTATO"));
    assert_eq!(objs[0].typology, None, "the table's Tipologia header is not the grid field");
}
#[test]
fn inline_colon_labels_are_cut_out_of_their_lines() {
    let mut p = P::new();
    p.text("2024_K7", 40.0, 60.0, true).text("Titolo", 40.0, 75.0, true);
    // "DIRETTORE:" glued to its value; a label after a gutter inside a value line.
    p.text("Direzione: AFFARI GENERALI", 40.0, 100.0, false);
    p.text("DIRETTORE:ROSSI ANNA", 300.0, 100.0, false);
    p.text("Servizio: PROTOCOLLO", 40.0, 120.0, false);
    p.text("Dirigente: BIANCHI", 40.0 + 100.0 + 15.0, 120.0, false);
    p.text("Descrizione dettagliata dell'obiettivo", 40.0, 150.0, true);
    p.text("Compiti della Direzione: gestione degli atti.", 40.0, 165.0, false);
    let objs = run(&[p.page(1)]);
    assert_eq!(objs.len(), 1);
    let o = &objs[0];
    assert_eq!(o.directorate.as_deref(), Some("AFFARI GENERALI"));
    assert_eq!(o.director.as_deref(), Some("ROSSI ANNA"));
    assert_eq!(o.service.as_deref(), Some("PROTOCOLLO"));
    assert_eq!(o.executive.as_deref(), Some("BIANCHI"));
    assert_eq!(o.description.as_deref(), Some("Compiti della Direzione: gestione degli atti."));
}
#[test]
fn a_code_like_word_and_a_lone_label_are_no_sheet() {
    // A manual page: "UTF-8" alone on its row, then a line that happens to be a
    // grid label ("Area").
    let mut p = P::new();
    p.text("UTF-8", 40.0, 60.0, false).text("encoding of the connection", 40.0, 75.0, false);
    p.text("Area", 40.0, 100.0, false).text("land area in square miles", 120.0, 100.0, false);
    assert!(run(&[p.page(1)]).is_empty());
}
#[test]
fn a_row_cut_open_by_the_page_break_is_kept_and_rejoined() {
    let mut first = sheet_page("2023_A101");
    let cols = [40.0, 300.0, 400.0, 560.0];
    first.open_row(&cols, 195.0, 221.0);
    first
        .text("Riga aperta dal cambio", 42.0, 205.0, false)
        .text("OUTCOME", 302.0, 205.0, false)
        .text("7", 402.0, 205.0, false);
    first.text("Pag. 1 di 2", 500.0, 780.0, false);
    let mut cont = heading_page("2023_A101");
    cont.row(&cols, 90.0, 104.0);
    cont.text("di pagina", 42.0, 100.0, false);
    cont.text("Pag. 2 di 2", 500.0, 780.0, false);
    let objs = run(&[first.page(1), cont.page(2)]);
    let o = &objs[0];
    assert_eq!(o.indicators.len(), 2, "{:?}", o.indicators);
    assert_eq!(o.indicators[1].description, "Riga aperta dal cambio di pagina");
    assert_eq!(o.indicators[1].kind.as_deref(), Some("OUTCOME"));
}

/// An OCR text layer: every word placed alone (no space glyphs), no rules.
fn ocr_words(p: &mut P, words: &[(&str, f32)], baseline: f32) {
    for &(w, x) in words {
        p.text(w, x, baseline, false);
    }
}

#[test]
fn ocr_label_beside_a_value_is_not_swallowed_into_it() {
    let mut p = heading_page("2023_A101");
    // Size 9: a glyph is 4.5 pt wide. "RICCI ELENA" (ends at 308), then after a 1 em
    // gutter "Classificazione" (317): one layout line, narrower than a phrase gap.
    ocr_words(
        &mut p,
        &[
            ("Direzione", 40.0),
            ("AFFARI", 100.0),
            ("Direttore", 200.0),
            ("RICCI", 260.0),
            ("ELENA", 285.5),
            ("Classificazione", 317.0),
            ("DIREZIONALE", 400.0),
        ],
        100.0,
    );
    ocr_words(
        &mut p,
        &[
            ("Servizio", 40.0),
            ("UFFICIO", 100.0),
            ("Dirigente", 200.0),
            ("ESPOSITO", 260.0),
            ("Tipologia", 440.0),
            ("SVILUPPO", 500.0),
        ],
        114.0,
    );
    let objs = run(&[p.page(1)]);
    assert_eq!(objs.len(), 1);
    let o = &objs[0];
    assert_eq!(o.director.as_deref(), Some("RICCI ELENA"));
    assert_eq!(o.classification.as_deref(), Some("DIREZIONALE"));
    assert_eq!(o.directorate.as_deref(), Some("AFFARI"));
    assert_eq!(o.executive.as_deref(), Some("ESPOSITO"));
    assert_eq!(o.typology.as_deref(), Some("SVILUPPO"));
}

/// The newer sheet family: level, responsibility centre (label wrapped in its cell),
/// weight, a "Finalità" section with a list, a bare "Descrizione" label in the label
/// column, a FASI table whose header also says "Descrizione", and a report's
/// achievement printed as `label: value` under the indicator table.
#[test]
fn v2_objective_fields_of_the_newer_family() {
    let mut p = heading_page("2024_A101");
    let xs = [40.0, 130.0, 300.0, 390.0, 560.0];
    p.row(&xs, 90.0, 104.0).row(&[40.0, 130.0, 560.0], 104.0, 128.0).row(&xs, 128.0, 142.0);
    p.text("Livello obiettivo", 42.0, 100.0, true).text("SPECIFICO", 132.0, 100.0, false);
    p.text("Tipo di Obiettivo", 302.0, 100.0, true).text("SVILUPPO", 392.0, 100.0, false);
    p.text("Centro di", 42.0, 114.0, true).text("Responsabilità", 42.0, 124.0, true);
    p.text("104 - DIREZIONE AFFARI", 132.0, 114.0, false);
    p.text("Peso", 42.0, 138.0, true).text("40%", 132.0, 138.0, false);
    p.text("Dirigente", 302.0, 138.0, true).text("ROSSI MARIO", 392.0, 138.0, false);
    p.text("Finalità", 40.0, 170.0, true);
    p.text("Ridurre i tempi-", 130.0, 170.0, false).text("medi dei procedimenti.", 130.0, 181.0, false);
    p.text("Risultati attesi:", 130.0, 200.0, false);
    p.text("- meno atti;", 136.0, 211.0, false).text("- piu tracciabilita.", 136.0, 222.0, false);
    p.text("Descrizione", 40.0, 250.0, true).text("Revisione del catalogo.", 130.0, 250.0, false);
    p.text("FASI", 40.0, 280.0, true);
    p.text("Descrizione", 42.0, 295.0, true).text("Peso", 200.0, 295.0, true).text("Responsabile", 300.0, 295.0, true);
    p.text("Ricognizione", 42.0, 309.0, false).text("10%", 200.0, 309.0, false).text("ROSSI", 300.0, 309.0, false);
    p.text("INDICATORI", 40.0, 340.0, true);
    let cols = [40.0, 300.0, 400.0, 560.0];
    p.row(&cols, 345.0, 359.0).row(&cols, 359.0, 373.0);
    p.text("Descrizione", 42.0, 355.0, true).text("Tipo", 302.0, 355.0, true).text("Valore Atteso", 402.0, 355.0, true);
    p.text("Pratiche evase", 42.0, 369.0, false)
        .text("EFFICACIA", 302.0, 369.0, false)
        .text("90%", 402.0, 369.0, false);
    p.text("Grado di raggiungimento dell'obiettivo: 96,5%", 40.0, 395.0, false);
    let objs = run(&[p.page(1)]);
    assert_eq!(objs.len(), 1);
    let o = &objs[0];
    assert_eq!(o.level.as_deref(), Some("SPECIFICO"));
    assert_eq!(o.typology.as_deref(), Some("SVILUPPO"));
    let rc = o.responsibility_center.as_ref().unwrap();
    assert_eq!((rc.code.as_deref(), rc.name.as_str()), (Some("104"), "DIREZIONE AFFARI"));
    assert_eq!(o.weight, Some(40.0));
    assert_eq!(o.executive.as_deref(), Some("ROSSI MARIO"));
    assert_eq!(
        o.purpose.as_deref(),
        Some("Ridurre i tempi-medi dei procedimenti.\n\nRisultati attesi:\n\n- meno atti;\n- piu tracciabilita.")
    );
    assert_eq!(o.description.as_deref(), Some("Revisione del catalogo."));
    assert_eq!(o.achievement, Some(96.5));
    assert_eq!(o.indicators.len(), 1, "the achievement line is no indicator row: {:?}", o.indicators);
    assert_eq!(o.indicators[0].description, "Pratiche evase");
    let prov = o.provenance.as_ref().unwrap();
    for k in ["level", "responsibility_center", "weight", "purpose", "achievement"] {
        assert!(prov.contains_key(k), "{k}");
    }
}

#[test]
fn a_weight_without_a_number_is_null_and_reported() {
    let mut p = heading_page("2024_A101");
    let xs = [40.0, 130.0, 300.0, 390.0, 560.0];
    p.row(&xs, 90.0, 104.0);
    p.text("Peso", 42.0, 100.0, true).text("n.d.", 132.0, 100.0, false);
    p.text("Dirigente", 302.0, 100.0, true).text("ROSSI MARIO", 392.0, 100.0, false);
    let pr = Params::default();
    let layouts: Vec<PageLayout> = [p.page(1)].iter().map(|pg| layout::analyze(pg, &pr)).collect();
    let (objs, diags) = parse(&layouts, &pr);
    assert_eq!(objs[0].weight, None);
    let d: Vec<_> = diags.iter().filter(|d| d.code == "objective.value_unparsed").collect();
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].message, "2024_A101: weight \"n.d.\" has no number");
    assert_eq!(d[0].page, Some(1));
}

#[test]
fn dup_labels_ending_in_a_colon_on_tight_lines_are_two_rows() {
    let mut p = heading_page("2025_LP01");
    p.text("Direzione:", 40.0, 100.0, true).text("LAVORI PUBBLICI", 160.0, 100.0, false);
    p.text("Dirigente:", 300.0, 100.0, true).text("ROSSI MARIO", 400.0, 100.0, false);
    p.text("Collegato a", 40.0, 130.0, true);
    // 11 pt between baselines at 9 pt: closer than the block gap.
    p.text("Missione/Programma:", 40.0, 145.0, true).text("2025_10_M Trasporti (programma 10.05)", 160.0, 145.0, false);
    p.text("Obiettivo strategico:", 40.0, 156.0, true).text("2025_04_02 Strade sicure", 160.0, 156.0, false);
    let objs = run(&[p.page(1)]);
    assert_eq!(objs.len(), 1);
    let links = &objs[0].dup_links;
    assert_eq!(links.len(), 2, "{links:?}");
    assert_eq!(links[0].label, "Missione/Programma");
    assert_eq!(links[0].code.as_deref(), Some("2025_10_M"));
    assert_eq!(links[0].refs, vec!["10.05"]);
    assert_eq!(links[1].label, "Obiettivo strategico");
    assert_eq!(links[1].code.as_deref(), Some("2025_04_02"));
    assert_eq!(links[1].text, "Strade sicure");
}

/// A sheet opening with a code heading and a one-label grid, for table tests.
fn table_sheet(code: &str) -> P {
    let mut p = P::new();
    p.text(code, 40.0, 60.0, true).text("Titolo", 40.0, 75.0, true);
    p.text("Direzione", 40.0, 100.0, true).text("AFFARI", 120.0, 100.0, false);
    p.text("Dirigente", 300.0, 100.0, true).text("ROSSI ANNA", 380.0, 100.0, false);
    p
}

fn run_diags(pages: &[Page]) -> (Vec<Objective>, Vec<crate::model::Diagnostic>) {
    let p = Params::default();
    let layouts: Vec<PageLayout> = pages.iter().map(|pg| layout::analyze(pg, &p)).collect();
    parse(&layouts, &p)
}

#[test]
fn a_header_stacked_over_two_lines_without_rules_keeps_its_column() {
    // pdfLaTeX nested tabular: "Valore" / "Atteso" centred on two lines (their left
    // edges differ), no ruled cell around them; the other headers sit between.
    let mut p = table_sheet("2024_L1");
    p.text("INDICATORI", 40.0, 125.0, true);
    p.text("Descrizione", 40.0, 151.0, true).text("Tipo", 250.0, 151.0, true);
    p.text("Valore", 356.0, 146.0, true).text("Atteso", 354.0, 156.0, true);
    p.text("Atti adottati", 40.0, 175.0, false).text("RISULTATO", 250.0, 175.0, false).text("5", 362.0, 175.0, false);
    p.text("Pratiche evase", 40.0, 190.0, false)
        .text("EFFICACIA", 250.0, 190.0, false)
        .text("≥ 90%", 356.0, 190.0, false);
    let objs = run(&[p.page(1)]);
    let ind = &objs[0].indicators;
    assert_eq!(ind.len(), 2);
    assert_eq!(ind[0].target.raw, "5");
    assert_eq!(ind[1].target.raw, "≥ 90%");
    assert_eq!(ind[1].kind.as_deref(), Some("EFFICACIA"));
    assert!(ind[0].targets.is_empty(), "one target column without a year");
}

#[test]
fn a_table_nested_in_one_ruled_cell_keeps_its_rows_and_columns() {
    // pdfLaTeX tabular nested in the cells of an outer ruled table: one ruled cell
    // around the whole header, one around all the rows; a cell holding several rows
    // of lines aligned in columns is a container, not one cell.
    let mut p = table_sheet("2024_N1");
    p.row(&[35.0, 560.0], 115.0, 130.0);
    p.text("INDICATORI", 40.0, 125.0, true);
    p.row(&[35.0, 560.0], 130.0, 161.0);
    p.text("Valore", 356.0, 146.0, true);
    p.text("Descrizione", 40.0, 156.0, true).text("Tipo", 250.0, 156.0, true).text("Atteso", 356.0, 156.0, true);
    p.row(&[35.0, 560.0], 161.0, 212.0);
    p.text("Atti adottati", 40.0, 175.0, false).text("RISULTATO", 250.0, 175.0, false).text("5", 356.0, 175.0, false);
    p.text("Pratiche evase", 40.0, 190.0, false)
        .text("EFFICACIA", 250.0, 190.0, false)
        .text("≥ 90%", 356.0, 190.0, false);
    p.text("Atti pubblicati", 40.0, 205.0, false).text("SI", 356.0, 205.0, false);
    let objs = run(&[p.page(1)]);
    let ind = &objs[0].indicators;
    assert_eq!(ind.len(), 3, "{ind:?}");
    assert_eq!(ind[0].description, "Atti adottati");
    assert_eq!(ind[0].target.raw, "5");
    assert_eq!(ind[1].description, "Pratiche evase");
    assert_eq!(ind[1].kind.as_deref(), Some("EFFICACIA"));
    assert_eq!(ind[1].target.raw, "≥ 90%");
    assert_eq!(ind[2].description, "Atti pubblicati");
    assert_eq!(ind[2].kind, None);
    assert_eq!(ind[2].target.raw, "SI");
}

#[test]
fn indicator_columns_by_header_with_year_sub_columns() {
    // Unit, weight, baseline with its year, and a spanning "Target" over three
    // bare years (a two-row header, no rules); the objective's year picks `target`.
    let mut p = table_sheet("2025_Q2");
    p.text("INDICATORI", 40.0, 125.0, true);
    p.text("Target", 458.0, 145.0, true);
    p.text("Descrizione", 40.0, 151.0, true).text("U.M.", 200.0, 151.0, true).text("Peso", 250.0, 151.0, true).text(
        "Baseline 2023",
        300.0,
        151.0,
        true,
    );
    p.text("2024", 400.0, 157.0, true).text("2025", 455.0, 157.0, true).text("2026", 510.0, 157.0, true);
    p.text("Atti adottati", 40.0, 175.0, false)
        .text("n.", 200.0, 175.0, false)
        .text("30%", 250.0, 175.0, false)
        .text("10", 300.0, 175.0, false)
        .text("12", 400.0, 175.0, false)
        .text("14", 455.0, 175.0, false)
        .text("16", 510.0, 175.0, false);
    p.text("Pratiche evase", 40.0, 190.0, false)
        .text("%", 200.0, 190.0, false)
        .text("n.d.", 250.0, 190.0, false)
        .text("95%", 400.0, 190.0, false)
        .text("96%", 455.0, 190.0, false)
        .text("97%", 510.0, 190.0, false);
    let (objs, diags) = run_diags(&[p.page(1)]);
    let ind = &objs[0].indicators;
    assert_eq!(ind.len(), 2);
    assert_eq!(ind[0].description, "Atti adottati");
    assert_eq!(ind[0].unit.as_deref(), Some("n."));
    assert_eq!(ind[0].weight, Some(30.0));
    let b = ind[0].baseline.as_ref().unwrap();
    assert_eq!((b.year, b.value.value), (Some(2023), Some(10.0)));
    let years: Vec<i32> = ind[0].targets.iter().map(|t| t.year).collect();
    assert_eq!(years, vec![2024, 2025, 2026]);
    assert_eq!(ind[0].targets[2].target.raw, "16");
    assert_eq!(ind[0].target.raw, "14", "the column of the objective's year");
    assert_eq!(ind[1].target.raw, "96%");
    assert_eq!((ind[0].actual.as_ref(), ind[0].achievement), (None, None), "no such columns");
    // An empty baseline cell is a baseline with raw ""; a weight that is no number
    // is null with a warning naming the field.
    assert_eq!(ind[1].baseline.as_ref().map(|b| b.value.raw.as_str()), Some(""));
    assert_eq!(ind[1].weight, None);
    assert!(diags.iter().any(|d| d.code == "objective.value_unparsed" && d.message.contains("indicators[1].weight")));
    let prov = objs[0].provenance.as_ref().unwrap();
    for key in ["indicators[0].weight", "indicators[0].baseline", "indicators[0].targets[1]", "indicators[0].unit"] {
        assert!(prov.contains_key(key), "{key}");
    }
}

#[test]
fn report_columns_actual_and_achievement() {
    let mut p = table_sheet("2023_R1");
    p.text("INDICATORI", 40.0, 125.0, true);
    let cols = [40.0, 220.0, 320.0, 420.0, 560.0];
    p.row(&cols, 135.0, 160.0).row(&cols, 160.0, 175.0).row(&cols, 175.0, 190.0);
    p.text("Descrizione", 42.0, 150.0, true).text("Valore Atteso", 222.0, 150.0, true);
    p.text("Valore", 322.0, 145.0, true).text("Raggiunto", 322.0, 155.0, true);
    p.text("% Raggiungimento", 422.0, 150.0, true);
    p.text("Certificati on line", 42.0, 170.0, false)
        .text(">= 40%", 222.0, 170.0, false)
        .text("46,2%", 322.0, 170.0, false)
        .text("100%", 422.0, 170.0, false);
    p.text("Gradimento", 42.0, 185.0, false).text("≥ 7,5", 222.0, 185.0, false).text("n.d.", 322.0, 185.0, false);
    // the objective's own degree of achievement, under the table: no indicator
    p.text("Grado di raggiungimento dell'obiettivo: 96,5%", 38.0, 205.0, false);
    let objs = run(&[p.page(1)]);
    let ind = &objs[0].indicators;
    assert_eq!(ind.len(), 2);
    assert_eq!(ind[0].actual.as_ref().and_then(|t| t.value), Some(46.2));
    assert_eq!(ind[0].achievement, Some(100.0));
    assert_eq!(ind[1].actual.as_ref().map(|t| t.raw.as_str()), Some("n.d."));
    assert_eq!(ind[1].achievement, None, "empty cell");
    assert!(ind[0].baseline.is_none() && ind[0].targets.is_empty(), "no baseline, no year columns");
}

/// A phase table page: the header row (two-line cells) at `top`, ruled.
fn phase_header(p: &mut P, top: f32) {
    let xs = [40.0, 150.0, 180.0, 230.0, 280.0, 340.0, 420.0, 560.0];
    p.row(&xs, top, top + 30.0);
    let (a, b) = (top + 13.0, top + 23.0);
    p.text("Descrizione", 42.0, a + 5.0, true).text("Peso", 152.0, a + 5.0, true);
    p.text("Inizio", 182.0, a, true).text("Previsto", 182.0, b, true);
    p.text("Fine", 232.0, a, true).text("Prevista", 232.0, b, true);
    p.text("Responsabile", 282.0, a + 5.0, true);
    p.text("Centro di", 342.0, a, true).text("Responsabilità", 342.0, b, true);
    p.text("Note", 422.0, a + 5.0, true);
}

#[test]
fn phase_table_across_a_page_break_with_a_repeated_header() {
    let xs = [40.0, 150.0, 180.0, 230.0, 280.0, 340.0, 420.0, 560.0];
    let mut first = table_sheet("2024_F1");
    first.text("FASI", 40.0, 140.0, true);
    phase_header(&mut first, 150.0);
    first.row(&xs, 180.0, 205.0);
    first
        .text("Ricognizione dei", 42.0, 190.0, false)
        .text("procedimenti", 42.0, 200.0, false)
        .text("10%", 152.0, 190.0, false)
        .text("03/2024", 182.0, 190.0, false)
        .text("02/2024", 232.0, 190.0, false)
        .text("ROSSI", 282.0, 190.0, false)
        .text("104 - AFFARI", 342.0, 190.0, false);
    let mut cont = heading_page("2024_F1");
    phase_header(&mut cont, 90.0);
    cont.row(&xs, 120.0, 145.0);
    cont.text("Verifica finale", 42.0, 130.0, false)
        .text("n.d.", 152.0, 130.0, false)
        .text("01/07/2024", 182.0, 130.0, false)
        .text("31/12/2024", 232.0, 130.0, false)
        .text("BIANCHI", 282.0, 130.0, false)
        .text("Con il Nucleo", 422.0, 130.0, false);
    let (objs, diags) = run_diags(&[first.page(1), cont.page(2)]);
    let ph = &objs[0].phases;
    assert_eq!(ph.len(), 2, "{ph:?}");
    assert_eq!(ph[0].description, "Ricognizione dei procedimenti");
    assert_eq!(ph[0].weight, Some(10.0));
    assert_eq!(ph[0].start.as_deref(), Some("2024-03-01"), "a month starts on its first day");
    assert_eq!(ph[0].end.as_deref(), Some("2024-02-29"), "and ends on its last (leap year)");
    assert_eq!(ph[0].responsible.as_deref(), Some("ROSSI"));
    assert_eq!(ph[0].responsibility_center.as_deref(), Some("104 - AFFARI"));
    assert_eq!(ph[0].notes, None, "empty notes");
    assert_eq!(ph[1].description, "Verifica finale");
    assert_eq!(ph[1].weight, None);
    assert_eq!((ph[1].start.as_deref(), ph[1].end.as_deref()), (Some("2024-07-01"), Some("2024-12-31")));
    assert_eq!(ph[1].notes.as_deref(), Some("Con il Nucleo"));
    assert!(diags.iter().any(|d| d.code == "objective.value_unparsed" && d.message.contains("phases[1].weight")));
    assert!(objs[0].indicators.is_empty());
    let prov = objs[0].provenance.as_ref().unwrap();
    assert_eq!(prov["phases[1].start"][0].page, 2);
    assert!(prov.contains_key("phases[0].responsibility_center"));
}

#[test]
fn a_phase_table_without_a_header_is_reported() {
    let mut p = table_sheet("2024_F2");
    p.text("FASI", 40.0, 140.0, true);
    p.text("Prima cosa da fare", 40.0, 160.0, false).text("entro marzo", 250.0, 160.0, false);
    let (objs, diags) = run_diags(&[p.page(1)]);
    assert!(objs[0].phases.is_empty());
    assert!(diags.iter().any(|d| d.code == "phases.header.missing"));
}

#[test]
fn a_phases_sub_heading_inside_the_description_stays_description() {
    let mut p = table_sheet("2024_F3");
    p.text("Descrizione dettagliata dell'obiettivo", 40.0, 130.0, true);
    p.text("Il progetto si svolge in tre tempi.", 40.0, 145.0, false);
    p.text("Fasi", 40.0, 160.0, false);
    p.text("prima la ricognizione, poi la revisione.", 40.0, 175.0, false);
    let (objs, diags) = run_diags(&[p.page(1)]);
    assert!(objs[0].phases.is_empty());
    assert!(objs[0].description.as_deref().unwrap_or("").contains("poi la revisione"), "{:?}", objs[0].description);
    assert!(diags.iter().any(|d| d.code == "phases.header.missing"));
}

#[test]
fn a_borderless_phase_table_with_packed_headers_and_tight_rows() {
    // No rules: "Peso", "Data inizio" and "Data fine" are drawn closer than a
    // gutter (one layout line), and rows stand apart only by a slightly wider gap
    // than the wrapped lines of one cell (narrower than the block gap).
    let mut p = table_sheet("2025_B1");
    p.text("FASI", 40.0, 125.0, true);
    p.text("Descrizione", 40.0, 150.0, true).text("Responsabile", 300.0, 150.0, true);
    p.text("Peso", 150.0, 150.0, true).text("Data inizio", 175.0, 150.0, true).text("Data fine", 231.5, 150.0, true);
    let row = |p: &mut P, y: f32, d: &str, w: &str, s: &str, e: &str, r: &str| {
        p.text(d, 40.0, y, false).text(w, 150.0, y, false).text(s, 175.0, y, false);
        p.text(e, 231.5, y, false).text(r, 300.0, y, false);
    };
    row(&mut p, 165.0, "Rilievo dei", "30%", "02/2025", "03/2025", "ROSSI");
    p.text("posteggi", 40.0, 175.0, false);
    row(&mut p, 188.0, "Nuova pianta", "70%", "04/2025", "07/2025", "BIANCHI");
    let objs = run(&[p.page(1)]);
    let ph = &objs[0].phases;
    assert_eq!(ph.len(), 2, "{ph:?}");
    assert_eq!(ph[0].description, "Rilievo dei posteggi");
    assert_eq!(ph[0].weight, Some(30.0));
    assert_eq!((ph[0].start.as_deref(), ph[0].end.as_deref()), (Some("2025-02-01"), Some("2025-03-31")));
    assert_eq!(ph[0].responsible.as_deref(), Some("ROSSI"));
    assert_eq!(ph[1].description, "Nuova pianta");
    assert_eq!(ph[1].weight, Some(70.0));
    assert_eq!(ph[1].start.as_deref(), Some("2025-04-01"));
    assert_eq!(ph[1].responsible.as_deref(), Some("BIANCHI"));
}

/// A borderless indicator table under a header whose "Valore" / "Atteso" cell wraps
/// at the page's line pitch (10 pt between baselines at 9 pt); the body follows.
fn borderless_indicator_sheet(code: &str) -> P {
    let mut p = table_sheet(code);
    p.text("INDICATORI", 40.0, 125.0, true);
    p.text("Descrizione", 40.0, 151.0, true).text("Tipo", 250.0, 151.0, true);
    p.text("Valore", 356.0, 146.0, true).text("Atteso", 356.0, 156.0, true);
    p
}

#[test]
fn borderless_one_line_rows_split_without_a_wrapped_line_in_the_table() {
    // No cell of the table wraps: every row is one line with all its cells on one
    // baseline, 13 pt apart (wider than the page's wrapped lines, 10 pt, narrower
    // than the block gap). The rows' own gap is no wrap gap to compare with: the
    // wrap gap of the page (the stacked header) stands in.
    let mut p = borderless_indicator_sheet("2026_W1");
    let rows = [
        ("Atti adottati", "RISULTATO", "5"),
        ("Pratiche evase", "EFFICACIA", "≥ 90%"),
        ("Ore di presidio", "OUTPUT", "2.400"),
    ];
    for (i, (d, t, v)) in rows.iter().enumerate() {
        let y = 175.0 + 13.0 * i as f32;
        p.text(d, 40.0, y, false).text(t, 250.0, y, false).text(v, 356.0, y, false);
    }
    let objs = run(&[p.page(1)]);
    let ind = &objs[0].indicators;
    assert_eq!(ind.len(), 3, "{ind:?}");
    for (k, (d, t, v)) in rows.iter().enumerate() {
        assert_eq!(ind[k].description, *d);
        assert_eq!(ind[k].kind.as_deref(), Some(*t));
        assert_eq!(ind[k].target.raw, *v);
    }
}

#[test]
fn borderless_rows_wrapped_in_every_column_stay_whole_without_a_lone_continuation() {
    // The first row wraps in the description and in the value column at once, so
    // each of its lines has cells beside it (no lone continuation line measures the
    // wrap gap in the table); the page's wrap gap keeps its two lines one row.
    let mut p = borderless_indicator_sheet("2026_W2");
    p.text("Pratiche evase", 40.0, 175.0, false)
        .text("EFFICACIA", 250.0, 175.0, false)
        .text("entro il", 356.0, 175.0, false);
    p.text("nei termini", 40.0, 185.0, false).text("30/06/2026", 356.0, 185.0, false);
    p.text("Atti adottati", 40.0, 198.0, false).text("RISULTATO", 250.0, 198.0, false).text("5", 356.0, 198.0, false);
    let objs = run(&[p.page(1)]);
    let ind = &objs[0].indicators;
    assert_eq!(ind.len(), 2, "{ind:?}");
    assert_eq!(ind[0].description, "Pratiche evase nei termini");
    assert_eq!(ind[0].target.raw, "entro il 30/06/2026");
    assert_eq!(ind[1].description, "Atti adottati");
    assert_eq!(ind[1].target.raw, "5");
}

#[test]
fn a_packed_header_cell_wrapped_over_two_lines_keeps_its_column() {
    // No rules: "Peso" and "Valore di" are drawn one space apart (one layout line,
    // no gutter), and "partenza", the baseline header's second line, stands under
    // "Valore di" only: the weight and baseline columns are both read.
    let mut p = table_sheet("2025_S1");
    p.text("INDICATORI", 40.0, 125.0, true);
    p.text("Descrizione", 40.0, 146.0, true).text("Peso Valore di", 250.0, 146.0, true);
    p.text("partenza", 272.5, 155.0, true).text("Target", 350.0, 146.0, true);
    p.text("Atti adottati", 40.0, 175.0, false)
        .text("30", 252.0, 175.0, false)
        .text("10", 280.0, 175.0, false)
        .text("12", 350.0, 175.0, false);
    p.text("Pratiche evase", 40.0, 190.0, false)
        .text("70", 252.0, 190.0, false)
        .text("85%", 276.0, 190.0, false)
        .text("90%", 350.0, 190.0, false);
    let objs = run(&[p.page(1)]);
    let ind = &objs[0].indicators;
    assert_eq!(ind.len(), 2, "{ind:?}");
    assert_eq!((ind[0].weight, ind[1].weight), (Some(30.0), Some(70.0)));
    let base = |i: usize| ind[i].baseline.as_ref().map(|b| b.value.raw.as_str());
    assert_eq!((base(0), base(1)), (Some("10"), Some("85%")));
    assert_eq!((ind[0].target.raw.as_str(), ind[1].target.raw.as_str()), ("12", "90%"));
}

// ---------------------------------------------------------------------------
// Plans printed as a table

/// A borderless table of objectives: bold title with the plan year, header row,
/// a unit's group row, blocks whose objective cells are printed on the first row
/// only, a strategic group row.
fn borderless_plan_page() -> P {
    let mut p = P::new();
    p.text("Piano degli obiettivi 2024", 40.0, 40.0, true);
    p.text("Codice", 40.0, 80.0, true)
        .text("Obiettivo", 100.0, 80.0, true)
        .text("Indicatore", 260.0, 80.0, true)
        .text("Valore atteso", 400.0, 80.0, true)
        .text("Peso ind.", 500.0, 80.0, true);
    p.text("SETTORE TECNICO - Responsabile: Ugo Bassi", 40.0, 100.0, true);
    p.text("T.01", 40.0, 120.0, false)
        .text("Manutenzione strade", 100.0, 120.0, false)
        .text("Buche riparate", 260.0, 120.0, false)
        .text("100", 400.0, 120.0, false)
        .text("60", 500.0, 120.0, false);
    p.text("comunali", 100.0, 131.0, false);
    p.text("Segnalazioni chiuse", 260.0, 146.0, false)
        .text(">= 90%", 400.0, 146.0, false)
        .text("40", 500.0, 146.0, false);
    p.text("T.02", 40.0, 170.0, false)
        .text("Verde pubblico", 100.0, 170.0, false)
        .text("Alberi piantati", 260.0, 170.0, false)
        .text("50", 400.0, 170.0, false)
        .text("100", 500.0, 170.0, false);
    p.text("OBIETTIVO STRATEGICO 2 - Citta sicura", 40.0, 195.0, true);
    p.text("T.03", 40.0, 215.0, false)
        .text("Illuminazione", 100.0, 215.0, false)
        .text("Punti luce LED", 260.0, 215.0, false)
        .text("SI", 400.0, 215.0, false)
        .text("100", 500.0, 215.0, false);
    p
}

#[test]
fn a_borderless_table_of_objectives_gives_one_objective_per_block() {
    let objs = run(&[borderless_plan_page().page(1)]);
    let codes: Vec<&str> = objs.iter().map(|o| o.code.as_str()).collect();
    assert_eq!(codes, ["T.01", "T.02", "T.03"], "group rows are no objectives");
    let o = &objs[0];
    assert_eq!(o.title, "Manutenzione strade comunali");
    assert_eq!(o.year, Some(2024), "plan year from the bold title line");
    assert_eq!(o.directorate.as_deref(), Some("SETTORE TECNICO"));
    assert_eq!(o.executive.as_deref(), Some("Ugo Bassi"));
    assert_eq!(o.pages, [1]);
    assert_eq!(o.weight, None, "Peso ind. is the indicators' weight");
    let ind: Vec<(&str, &str, Option<f64>)> =
        o.indicators.iter().map(|i| (i.description.as_str(), i.target.raw.as_str(), i.weight)).collect();
    assert_eq!(ind, [("Buche riparate", "100", Some(60.0)), ("Segnalazioni chiuse", ">= 90%", Some(40.0))]);
    assert!(o.indicators[0].targets.is_empty(), "one target column without a year");
    assert_eq!(objs[1].indicators.len(), 1);
    // A strategic row names no unit: the block under it keeps the settore.
    assert_eq!(objs[2].directorate.as_deref(), Some("SETTORE TECNICO"));
    assert_eq!(objs[2].indicators[0].target.boolean, Some(true));
    let prov = objs[0].provenance.as_ref().expect("provenance");
    assert!(prov.contains_key("indicators[1].weight") && prov.contains_key("executive"), "{prov:?}");
}

#[test]
fn a_page_without_a_header_continues_the_table_while_its_lines_fit_the_columns() {
    let mut p2 = P::new();
    p2.text("T.04", 40.0, 60.0, false)
        .text("Sportello unico", 100.0, 60.0, false)
        .text("Pratiche evase", 260.0, 60.0, false)
        .text("200", 400.0, 60.0, false)
        .text("100", 500.0, 60.0, false);
    let objs = run(&[borderless_plan_page().page(1), p2.page(2)]);
    let last = objs.last().expect("objectives");
    assert_eq!((last.code.as_str(), last.pages.as_slice()), ("T.04", &[2][..]));
    assert_eq!(last.directorate.as_deref(), Some("SETTORE TECNICO"), "the unit carries over the page break");
    // Prose after the table is no continuation.
    let mut prose = P::new();
    prose.text("La relazione illustra i risultati conseguiti dall'ente nel corso dell'anno.", 40.0, 60.0, false);
    prose.text("I dati sono stati raccolti dai responsabili dei servizi e verificati.", 40.0, 71.0, false);
    assert_eq!(run(&[borderless_plan_page().page(1), prose.page(2)]).len(), 3);
}

#[test]
fn tables_that_name_no_objective_and_indicator_columns_give_no_objective() {
    let mut p = P::new();
    p.text("Missione", 40.0, 80.0, true).text("Programma", 150.0, 80.0, true).text("Stanziamento", 300.0, 80.0, true);
    p.text("01", 40.0, 100.0, false).text("01.02 Segreteria", 150.0, 100.0, false).text(
        "120.000,00",
        300.0,
        100.0,
        false,
    );
    p.text("Obiettivo", 40.0, 150.0, true).text("Peso", 300.0, 150.0, true);
    p.text("Riduzione dei tempi", 40.0, 170.0, false).text("30", 300.0, 170.0, false);
    assert!(run(&[p.page(1)]).is_empty());
}

/// A ruled table whose objective cells are merged over their block; the first
/// block crosses the page break (its title continues under the repeated header).
fn merged_block_pages() -> (P, P) {
    let xs = [30.0, 90.0, 250.0, 390.0, 560.0];
    let header = |p: &mut P, top: f32| {
        p.row(&xs, top, top + 16.0);
        p.text("Codice", 35.0, top + 11.0, true)
            .text("Obiettivo", 95.0, top + 11.0, true)
            .text("Indicatore", 255.0, top + 11.0, true)
            .text("Target 2024", 395.0, top + 11.0, true);
    };
    let verticals = |p: &mut P, y0: f32, y1: f32| {
        for x in xs {
            p.vrule(x, y0, y1);
        }
    };
    let mut p1 = P::new();
    p1.text("PDO 2024", 30.0, 40.0, true);
    header(&mut p1, 70.0);
    verticals(&mut p1, 86.0, 130.0);
    p1.hrule(250.0, 560.0, 108.0).hrule(30.0, 560.0, 130.0);
    p1.text("A1.01", 35.0, 97.0, false)
        .text("Riqualificazione del", 95.0, 97.0, false)
        .text("patrimonio edilizio", 95.0, 108.0, false)
        .text("Edifici verificati", 255.0, 97.0, false)
        .text("12", 395.0, 97.0, false)
        .text("Interventi conclusi", 255.0, 119.0, false)
        .text("8", 395.0, 119.0, false);
    let mut p2 = P::new();
    header(&mut p2, 40.0);
    verticals(&mut p2, 56.0, 102.0);
    p2.hrule(30.0, 560.0, 80.0).hrule(30.0, 560.0, 102.0);
    p2.text("scolastico", 95.0, 67.0, false)
        .text("Spesa impegnata", 255.0, 67.0, false)
        .text("50.000", 395.0, 67.0, false);
    p2.text("A1.02", 35.0, 91.0, false)
        .text("Nuova biblioteca", 95.0, 91.0, false)
        .text("Prestiti", 255.0, 91.0, false)
        .text("1.000", 395.0, 91.0, false);
    (p1, p2)
}

#[test]
fn a_merged_objective_cell_split_by_a_page_break_is_one_block() {
    let (p1, p2) = merged_block_pages();
    let objs = run(&[p1.page(1), p2.page(2)]);
    assert_eq!(objs.len(), 2, "{:?}", objs.iter().map(|o| &o.code).collect::<Vec<_>>());
    let o = &objs[0];
    assert_eq!(o.code, "A1.01");
    assert_eq!(o.title, "Riqualificazione del patrimonio edilizio scolastico");
    assert_eq!(o.pages, [1, 2]);
    let ind: Vec<&str> = o.indicators.iter().map(|i| i.description.as_str()).collect();
    assert_eq!(ind, ["Edifici verificati", "Interventi conclusi", "Spesa impegnata"]);
    assert_eq!(o.indicators[2].targets.iter().map(|t| t.year).collect::<Vec<_>>(), [2024]);
    assert_eq!(o.indicators[2].target.value, Some(50000.0));
    assert_eq!((objs[1].code.as_str(), objs[1].pages.as_slice()), ("A1.02", &[2][..]));
}

#[test]
fn sheets_and_a_table_of_objectives_live_in_one_document() {
    let objs = run(&[sheet_page("2020_Z101").page(1), borderless_plan_page().page(2)]);
    let found: Vec<(&str, &[u32])> = objs.iter().map(|o| (o.code.as_str(), o.pages.as_slice())).collect();
    assert_eq!(found, [("2020_Z101", &[1][..]), ("T.01", &[2][..]), ("T.02", &[2][..]), ("T.03", &[2][..])]);
    assert_eq!(objs[0].directorate.as_deref(), Some("AFFARI"), "the sheet is read as a sheet");
}

#[test]
fn one_line_rows_of_a_borderless_table_where_no_cell_wraps_stay_apart() {
    // One-line rows 14 pt apart (5 pt between line boxes), no cell wrapped
    // anywhere: every pair of lines in a column opens a row, so the wrap gap comes
    // from the header's two-line cell (10 pt pitch: 1 pt).
    let mut p = P::new();
    p.text("Piano 2025", 40.0, 40.0, true);
    p.text("Obiettivo", 40.0, 80.0, true).text("Indicatore", 200.0, 80.0, true).text("Valore", 400.0, 80.0, true);
    p.text("atteso", 400.0, 90.0, true);
    p.text("Sportello unico", 40.0, 110.0, false)
        .text("Pratiche evase", 200.0, 110.0, false)
        .text("120", 400.0, 110.0, false);
    p.text("Istanze online", 200.0, 124.0, false).text("80%", 400.0, 124.0, false);
    p.text("Tempo medio", 200.0, 138.0, false).text("<= 30 gg", 400.0, 138.0, false);
    p.text("Nuovo archivio", 40.0, 152.0, false)
        .text("Fascicoli", 200.0, 152.0, false)
        .text("500", 400.0, 152.0, false);
    let objs = run(&[p.page(1)]);
    let got: Vec<(&str, Vec<&str>)> =
        objs.iter().map(|o| (o.title.as_str(), o.indicators.iter().map(|i| i.target.raw.as_str()).collect())).collect();
    assert_eq!(got, [("Sportello unico", vec!["120", "80%", "<= 30 gg"]), ("Nuovo archivio", vec!["500"])]);
    assert_eq!(objs[0].year, Some(2025));
}

#[test]
fn second_header_lines_set_side_by_side_are_cut_under_their_first_lines() {
    // "Risultato" / "atteso 2024" and "Valore" / "raggiunto": the second lines are
    // drawn one space apart, one layout line; each part names a column with the
    // line above it.
    let mut p = P::new();
    p.text("Relazione 2024", 40.0, 40.0, true);
    p.text("Obiettivo", 40.0, 80.0, true)
        .text("Indicatore", 150.0, 80.0, true)
        .text("Risultato", 300.0, 80.0, true)
        .text("Valore", 358.0, 80.0, true);
    p.text("atteso 2024 raggiunto", 300.0, 90.0, true);
    p.text("Sportello unico", 40.0, 110.0, false).text("Pratiche evase", 150.0, 110.0, false);
    p.text("120", 305.0, 110.0, false).text("131", 362.0, 110.0, false);
    let objs = run(&[p.page(1)]);
    assert_eq!(objs.len(), 1);
    let i = &objs[0].indicators[0];
    assert_eq!((i.targets.len(), i.target.raw.as_str()), (1, "120"));
    assert_eq!(i.actual.as_ref().map(|a| a.raw.as_str()), Some("131"));
}

/// A page of a plan printed as a table: the header row, `top` objectives in ruled
/// rows, and `bottom`: an objective whose merged cells the page break clips (code,
/// title and weight printed outside any ruled cell, the indicator in its own) in
/// the bottom margin band, at the same height on every page.
fn table_plan_page(title: bool, top: &[&str], bottom: &str) -> P {
    let xs = [40.0, 100.0, 300.0, 480.0, 560.0];
    let mut p = P::new();
    if title {
        p.text("Piano degli obiettivi 2025", 40.0, 40.0, true);
    }
    p.row(&xs, 50.0, 70.0);
    p.text("Codice", 42.0, 64.0, true)
        .text("Obiettivo", 102.0, 64.0, true)
        .text("Indicatore", 302.0, 64.0, true)
        .text("Peso", 482.0, 64.0, true);
    let mut y = 70.0;
    for code in top {
        p.row(&xs, y, y + 20.0);
        p.text(code, 42.0, y + 14.0, false)
            .text("Riordino dell archivio", 102.0, y + 14.0, false)
            .text("Pratiche evase", 302.0, y + 14.0, false)
            .text("10", 482.0, y + 14.0, false);
        y += 20.0;
    }
    p.row(&[300.0, 480.0], 740.0, 760.0);
    p.text(bottom, 42.0, 750.0, false)
        .text("Revisione dei servizi", 102.0, 750.0, false)
        .text("Utenti serviti", 302.0, 750.0, false)
        .text("20", 482.0, 750.0, false);
    p.text("Pagina 1 di 3", 480.0, 785.0, false);
    p
}

#[test]
fn table_row_clipped_at_the_page_bottom_is_no_footer() {
    // The clipped rows' code (digits masked) and weight recur at the same height on
    // every page, like a running footer; their indicators are in ruled cells.
    let pages = [
        table_plan_page(true, &["A.01", "A.02"], "A.03").page(1),
        table_plan_page(false, &["A.04"], "A.05").page(2),
        table_plan_page(false, &["A.06"], "A.07").page(3),
    ];
    let objs = run(&pages);
    let codes: Vec<&str> = objs.iter().map(|o| o.code.as_str()).collect();
    assert_eq!(codes, ["A.01", "A.02", "A.03", "A.04", "A.05", "A.06", "A.07"]);
    let a3 = &objs[2];
    assert_eq!(a3.title, "Revisione dei servizi");
    assert_eq!(a3.indicators.len(), 1);
    assert_eq!(a3.indicators[0].description, "Utenti serviti");
    // The page number is still furniture.
    assert!(objs.iter().all(|o| o.indicators.iter().all(|i| !i.description.contains("Pagina"))));
}

/// A long document: `n` one-page sheets with a running header and a page-number
/// footer, then one sheet continued over `long` pages (its heading repeated).
fn long_document(n: usize, long: usize) -> Vec<PageLayout> {
    let p = Params::default();
    let mut pages = Vec::new();
    let furnish = |sheet: &mut P, number: usize| {
        sheet.text("PIANO DELLA PERFORMANCE 2023 - COMUNE DI PROVA", 40.0, 30.0, false);
        sheet.text(&format!("Pag. {number} di {}", n + long), 500.0, 780.0, false);
    };
    for i in 0..n {
        let mut sheet = sheet_page(&format!("2023_A{i:03}"));
        furnish(&mut sheet, i + 1);
        pages.push(layout::analyze(&sheet.page(i as u32 + 1), &p));
    }
    for k in 0..long {
        let mut sheet = if k == 0 { sheet_page("2023_Z999") } else { heading_page("2023_Z999") };
        if k > 0 {
            let cols = [40.0, 300.0, 400.0, 560.0];
            sheet.row(&cols, 155.0, 169.0).row(&cols, 169.0, 195.0);
            sheet.text("Descrizione", 42.0, 165.0, true).text("Tipo", 302.0, 165.0, true);
            sheet.text("Valore Atteso", 402.0, 165.0, true);
            sheet.text(&format!("Indicatore {k}"), 42.0, 179.0, false).text("10", 402.0, 179.0, false);
        }
        furnish(&mut sheet, n + k + 1);
        pages.push(layout::analyze(&sheet.page((n + k) as u32 + 1), &p));
    }
    pages
}

#[test]
fn a_long_document_is_parsed_holding_only_the_pages_of_open_sheets() {
    let p = Params::default();
    let (n, long) = (300, 60);
    let pages = long_document(n, long);
    let whole = parse(&pages, &p);
    assert_eq!(whole.0.len(), n + 1);
    let mut stream = crate::pipeline::SheetStream::new(&p, crate::spool::Collected::default(), true);
    for page in pages {
        stream.push(page);
    }
    let peak = stream.peak_pages();
    let (objectives, diags) = stream.finish();
    let streamed = (objectives.into_vec(), diags);
    // The same objectives and diagnostics as parsing the whole document at once...
    assert!(streamed.0 == whole.0, "streamed objectives differ from the whole document's");
    assert_eq!(streamed.1, whole.1);
    // ...holding a window of pages: bounded by the longest sheet, not by the
    // document (here 360 pages; a window is the open sheet, the pages around it
    // and the pages read since the last parse).
    assert!(peak >= long, "the long sheet is held whole: {peak}");
    assert!(peak < 2 * long + 40, "held {peak} of {} pages", n + long);
}

#[test]
fn a_running_header_is_read_from_the_pages_around_not_from_far_away() {
    use super::doc::{Doc, HashSet, LineRef};
    use std::borrow::Cow;
    let p = Params::default();
    // "Nota sul programma" in the top band of the first page, and again at the
    // same height on page `k` (the others hold other text there).
    let furniture_of_first = |k: usize| {
        let pages: Vec<PageLayout> = (0..=p.fact_window + 2)
            .map(|i| {
                let mut pg = P::new();
                let top = if i == 0 || i == k { "Nota sul programma".to_string() } else { format!("Testo {i}") };
                pg.text(&top, 40.0, 30.0, false).text("Corpo della pagina", 40.0, 300.0, false);
                layout::analyze(&pg.page(i as u32 + 1), &p)
            })
            .collect();
        let cows: Vec<Cow<PageLayout>> = pages.iter().map(Cow::Borrowed).collect();
        let doc = Doc { pages: &cows, p: &p };
        super::structure::find_furniture(&doc, &[], &HashSet::default()).contains(&LineRef { page: 0, line: 0 })
    };
    assert!(furniture_of_first(1), "repeated on the next page: a running header");
    assert!(furniture_of_first(p.fact_window), "within the window");
    assert!(!furniture_of_first(p.fact_window + 1), "beyond the window: the page's own text");
}

#[test]
fn a_margin_line_continuing_the_page_flow_is_content() {
    use super::doc::{Doc, HashSet, LineRef};
    use std::borrow::Cow;
    let p = Params::default();
    // Page height 800: the bottom band starts at 720. A wrapped cell's last line,
    // "443", right under the line before it; on the next page "443" is printed
    // apart, far below the body: a page number there.
    let pages: Vec<PageLayout> = (0..2)
        .map(|i| {
            let mut pg = P::new();
            pg.text("Ricognizione dei contratti", 40.0, 700.0, false).text(
                "associazioni secondo le priorità di",
                40.0,
                711.0,
                false,
            );
            if i == 0 {
                pg.text("443", 40.0, 722.0, false);
            } else {
                pg.text("443", 300.0, 780.0, false);
            }
            layout::analyze(&pg.page(i + 1), &p)
        })
        .collect();
    let cows: Vec<Cow<PageLayout>> = pages.iter().map(Cow::Borrowed).collect();
    let doc = Doc { pages: &cows, p: &p };
    let furniture = super::structure::find_furniture(&doc, &[], &HashSet::default());
    let number = |page: usize| {
        let line = pages[page].lines.iter().position(|l| l.text == "443").unwrap();
        furniture.contains(&LineRef { page, line })
    };
    assert!(!number(0), "the cell's last line continues the text above it");
    assert!(number(1), "a number apart in the bottom band is a page number");
}
