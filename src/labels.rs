//! Label synonyms: the one table that says which printed labels name which field or
//! section of an objective sheet, and the tolerant matching used to look them up
//! (case, accents, apostrophe style, trailing colon, line wraps).

/// A field of the label/value grid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GridField {
    Directorate,
    Director,
    Service,
    Executive,
    Classification,
    Typology,
    /// v2: *Livello obiettivo* (text as printed).
    Level,
    /// v2: *Centro di Responsabilità* (`code - name`).
    ResponsibilityCenter,
    /// v2: the objective's *Peso* (a number).
    Weight,
    /// v2: the objective's degree of achievement in a report (a number). Also read
    /// outside the grid: a `label: 96,5%` line under a table.
    Achievement,
}

impl GridField {
    /// The text fields of the grid (contract v1), in the order of the objective's
    /// fields: the value is the cell's text as printed.
    pub const ALL: [GridField; 6] = [
        GridField::Directorate,
        GridField::Director,
        GridField::Service,
        GridField::Executive,
        GridField::Classification,
        GridField::Typology,
    ];

    /// The grid fields added by contract v2, whose value is read into a typed field
    /// (`level` as text, `responsibility_center` as code and name, `weight` and
    /// `achievement` as numbers).
    pub const V2: [GridField; 4] =
        [GridField::Level, GridField::ResponsibilityCenter, GridField::Weight, GridField::Achievement];

    /// A field that may be printed on its own past the label grid (a line
    /// `Grado di raggiungimento dell'obiettivo: 96,5%` under the indicator table).
    pub fn stands_alone(self) -> bool {
        matches!(self, GridField::Achievement)
    }

    /// The field's name: its key in the output JSON and in provenance (the one place
    /// these names are written for the parser).
    pub fn name(self) -> &'static str {
        match self {
            GridField::Directorate => "directorate",
            GridField::Director => "director",
            GridField::Service => "service",
            GridField::Executive => "executive",
            GridField::Classification => "classification",
            GridField::Typology => "typology",
            GridField::Level => "level",
            GridField::ResponsibilityCenter => "responsibility_center",
            GridField::Weight => "weight",
            GridField::Achievement => "achievement",
        }
    }
}

/// A column of the indicator table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IndColumn {
    Description,
    Type,
    Target,
    /// v2: *Unità di misura*.
    Unit,
    /// v2: the indicator's *Peso*.
    Weight,
    /// v2: the starting value (*Baseline*, *Valore di partenza*).
    Baseline,
    /// v2: the achieved value of a report (*Valore raggiunto*).
    Actual,
    /// v2: *% raggiungimento*.
    Achievement,
}

/// A column of the phase table (*FASI*).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PhaseColumn {
    Description,
    Weight,
    Start,
    End,
    Responsible,
    ResponsibilityCenter,
    Notes,
}

/// What a printed label announces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Label {
    Grid(GridField),
    /// "Collegato a": the DUP link rows follow.
    DupSection,
    /// "Descrizione dettagliata dell'obiettivo".
    Description,
    /// "INDICATORI": the indicator table follows.
    Indicators,
    /// v2: "Finalità": the objective's purpose (a text section like the description).
    Purpose,
    /// v2: "FASI", "Cronoprogramma": the phase table follows.
    Phases,
    /// A header cell of the indicator table (only looked up inside that table).
    Column(IndColumn),
    /// A header cell of the phase table (only looked up inside that table).
    PhaseColumn(PhaseColumn),
}

use GridField::*;
use IndColumn as C;
use PhaseColumn as Ph;

/// Printed label (normalized with [`normalize`]) -> meaning. Add synonyms here only.
const LABELS: &[(&str, Label)] = &[
    ("direzione", Label::Grid(Directorate)),
    ("direzione/area", Label::Grid(Directorate)),
    ("area", Label::Grid(Directorate)),
    ("dipartimento", Label::Grid(Directorate)),
    ("settore", Label::Grid(Directorate)),
    ("direttore", Label::Grid(Director)),
    ("direttore di area", Label::Grid(Director)),
    ("servizio", Label::Grid(Service)),
    ("servizio/ufficio", Label::Grid(Service)),
    ("unita organizzativa", Label::Grid(Service)),
    ("dirigente", Label::Grid(Executive)),
    ("dirigente responsabile", Label::Grid(Executive)),
    ("responsabile", Label::Grid(Executive)),
    ("classificazione", Label::Grid(Classification)),
    ("tipologia", Label::Grid(Typology)),
    ("tipologia obiettivo", Label::Grid(Typology)),
    ("tipo obiettivo", Label::Grid(Typology)),
    ("collegato a", Label::DupSection),
    ("collegamenti", Label::DupSection),
    ("collegamento al dup", Label::DupSection),
    ("collegamento con il dup", Label::DupSection),
    ("descrizione dettagliata dell'obiettivo", Label::Description),
    ("descrizione dettagliata obiettivo", Label::Description),
    ("descrizione dettagliata", Label::Description),
    ("descrizione dell'obiettivo", Label::Description),
    ("descrizione obiettivo", Label::Description),
    ("indicatori", Label::Indicators),
    ("indicatori di risultato", Label::Indicators),
    ("indicatori di performance", Label::Indicators),
    ("descrizione", Label::Column(C::Description)),
    ("descrizione indicatore", Label::Column(C::Description)),
    ("indicatore", Label::Column(C::Description)),
    ("tipo", Label::Column(C::Type)),
    ("tipo indicatore", Label::Column(C::Type)),
    ("tipologia indicatore", Label::Column(C::Type)),
    ("valore atteso", Label::Column(C::Target)),
    ("valore obiettivo", Label::Column(C::Target)),
    ("risultato atteso", Label::Column(C::Target)),
    ("target", Label::Column(C::Target)),
    // --- v2 objective fields (r11-obj): level, responsibility centre, weight,
    // achievement, purpose, the FASI title, "Tipo di obiettivo". ---
    ("livello obiettivo", Label::Grid(Level)),
    ("livello dell'obiettivo", Label::Grid(Level)),
    ("livello", Label::Grid(Level)),
    ("centro di responsabilita", Label::Grid(ResponsibilityCenter)),
    ("centro di responsabilita'", Label::Grid(ResponsibilityCenter)),
    ("centro responsabilita", Label::Grid(ResponsibilityCenter)),
    ("cdr", Label::Grid(ResponsibilityCenter)),
    ("c.d.r", Label::Grid(ResponsibilityCenter)),
    ("centro di costo", Label::Grid(ResponsibilityCenter)),
    ("peso", Label::Grid(Weight)),
    ("peso %", Label::Grid(Weight)),
    ("peso (%)", Label::Grid(Weight)),
    ("peso obiettivo", Label::Grid(Weight)),
    ("peso dell'obiettivo", Label::Grid(Weight)),
    ("pesatura", Label::Grid(Weight)),
    ("pesatura obiettivo", Label::Grid(Weight)),
    ("tipo di obiettivo", Label::Grid(Typology)),
    // the contract's own wording; also an indicator column header (below), which the
    // table parsers find through `column` (every meaning of a header)
    ("grado di raggiungimento", Label::Grid(Achievement)),
    ("grado di raggiungimento dell'obiettivo", Label::Grid(Achievement)),
    ("grado di raggiungimento obiettivo", Label::Grid(Achievement)),
    ("% di raggiungimento dell'obiettivo", Label::Grid(Achievement)),
    ("% raggiungimento obiettivo", Label::Grid(Achievement)),
    ("percentuale di raggiungimento", Label::Grid(Achievement)),
    ("percentuale di raggiungimento dell'obiettivo", Label::Grid(Achievement)),
    ("finalita", Label::Purpose),
    ("finalita dell'obiettivo", Label::Purpose),
    ("finalita obiettivo", Label::Purpose),
    ("finalita'", Label::Purpose),
    ("finalita'dell'obiettivo", Label::Purpose),
    ("fasi", Label::Phases),
    ("fasi di attuazione", Label::Phases),
    ("cronoprogramma", Label::Phases),
    // --- v2 tables (indicator columns, phase table): the table parsers look up
    // every meaning of a header (`column`, `phase_column`), so a word that also
    // names a grid field ("Peso", "Responsabile") can stand here too. ---
    ("tipologia", Label::Column(C::Type)),
    ("valore target", Label::Column(C::Target)),
    ("valore atteso", Label::Column(C::Target)),
    ("target atteso", Label::Column(C::Target)),
    ("unita di misura", Label::Column(C::Unit)),
    ("u.m", Label::Column(C::Unit)),
    ("udm", Label::Column(C::Unit)),
    ("unita", Label::Column(C::Unit)),
    ("peso", Label::Column(C::Weight)),
    ("peso %", Label::Column(C::Weight)),
    ("peso (%)", Label::Column(C::Weight)),
    ("pesatura", Label::Column(C::Weight)),
    ("peso indicatore", Label::Column(C::Weight)),
    ("peso ind", Label::Column(C::Weight)),
    ("baseline", Label::Column(C::Baseline)),
    ("valore di partenza", Label::Column(C::Baseline)),
    ("valore iniziale", Label::Column(C::Baseline)),
    ("valore di riferimento", Label::Column(C::Baseline)),
    ("rilev", Label::Column(C::Baseline)),
    ("rilevazione", Label::Column(C::Baseline)),
    ("valore (consuntivo)", Label::Column(C::Baseline)),
    ("valore raggiunto", Label::Column(C::Actual)),
    ("valore consuntivo", Label::Column(C::Actual)),
    ("valore finale", Label::Column(C::Actual)),
    ("valore rilevato", Label::Column(C::Actual)),
    ("risultato conseguito", Label::Column(C::Actual)),
    ("risultato raggiunto", Label::Column(C::Actual)),
    ("% raggiungimento", Label::Column(C::Achievement)),
    ("% di raggiungimento", Label::Column(C::Achievement)),
    ("grado di raggiungimento", Label::Column(C::Achievement)),
    ("percentuale di raggiungimento", Label::Column(C::Achievement)),
    ("fasi", Label::Phases),
    ("fasi di attuazione", Label::Phases),
    ("fasi di realizzazione", Label::Phases),
    ("cronoprogramma", Label::Phases),
    ("attivita/fasi", Label::Phases),
    ("descrizione", Label::PhaseColumn(Ph::Description)),
    ("fase", Label::PhaseColumn(Ph::Description)),
    ("attivita", Label::PhaseColumn(Ph::Description)),
    ("descrizione fase", Label::PhaseColumn(Ph::Description)),
    ("descrizione attivita", Label::PhaseColumn(Ph::Description)),
    ("peso", Label::PhaseColumn(Ph::Weight)),
    ("pesatura", Label::PhaseColumn(Ph::Weight)),
    ("peso %", Label::PhaseColumn(Ph::Weight)),
    ("inizio previsto", Label::PhaseColumn(Ph::Start)),
    ("inizio prevista", Label::PhaseColumn(Ph::Start)),
    ("data inizio", Label::PhaseColumn(Ph::Start)),
    ("data di inizio", Label::PhaseColumn(Ph::Start)),
    ("dal", Label::PhaseColumn(Ph::Start)),
    ("inizio", Label::PhaseColumn(Ph::Start)),
    ("fine prevista", Label::PhaseColumn(Ph::End)),
    ("fine previsto", Label::PhaseColumn(Ph::End)),
    ("data fine", Label::PhaseColumn(Ph::End)),
    ("data di fine", Label::PhaseColumn(Ph::End)),
    ("al", Label::PhaseColumn(Ph::End)),
    ("fine", Label::PhaseColumn(Ph::End)),
    ("scadenza", Label::PhaseColumn(Ph::End)),
    ("responsabile", Label::PhaseColumn(Ph::Responsible)),
    ("responsabile fase", Label::PhaseColumn(Ph::Responsible)),
    ("centro di responsabilita", Label::PhaseColumn(Ph::ResponsibilityCenter)),
    ("cdr", Label::PhaseColumn(Ph::ResponsibilityCenter)),
    ("c.d.r", Label::PhaseColumn(Ph::ResponsibilityCenter)),
    ("note", Label::PhaseColumn(Ph::Notes)),
    ("annotazioni", Label::PhaseColumn(Ph::Notes)),
];

/// Longest printed form of a label worth normalizing (bytes; generous for spaces,
/// accents and a colon).
const MAX_LABEL_BYTES: usize = 80;

/// Canonical form of a label: lower case, accents removed, typographic apostrophes
/// made straight, no space around apostrophes, whitespace collapsed, no trailing
/// colon or period.
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // One pass: fold and lower-case each character, collapse whitespace to single
    // spaces, and drop a space next to an apostrophe or a slash.
    let mut space = false;
    for c in s.chars().flat_map(fold) {
        if c == ' ' {
            space = !out.is_empty() && !out.ends_with(['\'', '/']);
            continue;
        }
        if space && c != '\'' && c != '/' {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    while out.ends_with(':') || out.ends_with('.') || out.ends_with(' ') {
        out.pop();
    }
    out
}

/// One printed character as `normalize` sees it: apostrophes made straight,
/// Italian accents dropped, whitespace made a space, lower case.
fn fold(ch: char) -> impl Iterator<Item = char> {
    let c = match ch {
        '\u{2019}' | '\u{2018}' | '`' | '\u{b4}' | '\u{2032}' => '\'',
        'à' | 'á' | 'À' | 'Á' => 'a',
        'è' | 'é' | 'È' | 'É' => 'e',
        'ì' | 'í' | 'Ì' | 'Í' => 'i',
        'ò' | 'ó' | 'Ò' | 'Ó' => 'o',
        'ù' | 'ú' | 'Ù' | 'Ú' => 'u',
        c if c.is_whitespace() => ' ',
        c => c,
    };
    c.to_lowercase()
}

/// Labels are short, spelled with a label's letters, and start with one of a few
/// letter pairs: the cheap test that spares ordinary text lines the normalization.
fn may_be_a_label(printed: &str) -> bool {
    printed.len() <= MAX_LABEL_BYTES && Letters::of(printed).may_be_a_label() && may_start_a_label(printed)
}

/// Whether the first two letters of `printed` (any case, accents folded) are the
/// first two letters of some label in the table.
fn may_start_a_label(printed: &str) -> bool {
    static STARTS: std::sync::OnceLock<Vec<[char; 2]>> = std::sync::OnceLock::new();
    let starts = STARTS.get_or_init(|| {
        let mut v: Vec<[char; 2]> = LABELS.iter().filter_map(|(k, _)| first_two(k)).collect();
        v.sort();
        v.dedup();
        v
    });
    first_two_folded(printed).is_some_and(|p| starts.binary_search(&p).is_ok())
}

fn first_two(s: &str) -> Option<[char; 2]> {
    let mut it = s.chars().filter(|c| c.is_alphabetic());
    Some([it.next()?, it.next()?])
}

/// `first_two` of the normalized first few characters of `s`.
fn first_two_folded(s: &str) -> Option<[char; 2]> {
    let mut it = s.chars().take(6).flat_map(fold).filter(|c| c.is_alphabetic());
    Some([it.next()?, it.next()?])
}

/// Look up a printed label (any case, accents, wraps, trailing colon).
pub fn lookup(printed: &str) -> Option<Label> {
    if !may_be_a_label(printed) {
        return None;
    }
    // The same few texts (labels repeated on every sheet, values) are looked up
    // again and again by the parser's passes: remember the answers on this thread.
    thread_local! {
        static SEEN: std::cell::RefCell<std::collections::HashMap<Box<str>, Option<Label>, foldhash::fast::RandomState>> =
            std::cell::RefCell::new(std::collections::HashMap::default());
    }
    if let Some(hit) = SEEN.with(|m| m.borrow().get(printed).copied()) {
        return hit;
    }
    let found = lookup_uncached(printed);
    SEEN.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() >= 8192 {
            m.clear();
        }
        m.insert(printed.into(), found);
    });
    found
}

fn lookup_uncached(printed: &str) -> Option<Label> {
    let n = normalize(printed);
    let find = |n: &str| LABELS.iter().find(|(k, _)| *k == n).map(|(_, l)| *l);
    find(&n).or_else(|| {
        // "Valore atteso 2023", "Target (2023)": a trailing plan year is not part of the label.
        let stripped = n.trim_end_matches(|c: char| c.is_ascii_digit() || c == '(' || c == ')' || c == ' ');
        (stripped.len() + 4 <= n.len() && stripped.len() < n.len()).then(|| find(stripped)).flatten()
    })
}

/// Look up a label printed with its words broken at arbitrary points (a narrow
/// cell wraps "CLASSIFICAZIONE" as "CLASSIFICAZI" / "ONE"): the printed text and
/// the table keys are compared with every space removed. A squashed form shared
/// by two labels matches neither.
pub fn lookup_squashed(printed: &str) -> Option<Label> {
    static SQUASHED: std::sync::OnceLock<HashMap<String, Option<Label>>> = std::sync::OnceLock::new();
    let table = SQUASHED.get_or_init(|| {
        let mut m: HashMap<String, Option<Label>> = HashMap::default();
        for (i, (k, l)) in LABELS.iter().enumerate() {
            // A printed form listed again with a table meaning keeps its first one.
            if LABELS[..i].iter().any(|(k2, _)| k2 == k) {
                continue;
            }
            m.entry(squash(k)).and_modify(|e| *e = e.filter(|e| e == l)).or_insert(Some(*l));
        }
        m
    });
    if !may_be_a_label(printed) {
        return None;
    }
    table.get(squash(&normalize(printed)).as_str()).copied().flatten()
}

/// Grid field named by a printed label, if any.
pub fn grid_field(printed: &str) -> Option<GridField> {
    match lookup(printed) {
        Some(Label::Grid(f)) => Some(f),
        _ => None,
    }
}

/// Indicator-table column named by a printed header, if any (every meaning of the
/// header is looked at: "Peso" is also a grid label).
pub fn column(printed: &str) -> Option<IndColumn> {
    lookup_any(printed, |l| match l {
        Label::Column(c) => Some(c),
        _ => None,
    })
}

/// Phase-table column named by a printed header, if any.
pub fn phase_column(printed: &str) -> Option<PhaseColumn> {
    lookup_any(printed, |l| match l {
        Label::PhaseColumn(c) => Some(c),
        _ => None,
    })
}

/// The first meaning of `printed` that `pick` accepts, among every table entry of
/// its normalized form; a year printed in a header ("Target 2024", "Valore 2023
/// (consuntivo)", "Rilev. 2023") is no part of the label. Wrapped words broken
/// mid-word are matched without spaces.
pub fn lookup_any<T>(printed: &str, pick: impl Fn(Label) -> Option<T>) -> Option<T> {
    if printed.len() > MAX_LABEL_BYTES || !Letters::of(printed).may_be_a_label() {
        return None;
    }
    let n = normalize(&strip_years(printed));
    if n.is_empty() {
        return None;
    }
    let v = vocabulary();
    let exact = v.exact.get(n.as_str()).map(Vec::as_slice).unwrap_or(&[]);
    exact.iter().find_map(|l| pick(*l)).or_else(|| {
        let squashed = v.squashed.get(squash(&n).as_str()).map(Vec::as_slice).unwrap_or(&[]);
        squashed.iter().find_map(|l| pick(*l))
    })
}

/// `s` without its spaces (how a label broken mid-word is compared).
fn squash(s: &str) -> String {
    s.chars().filter(|c| *c != ' ').collect()
}

/// The label table indexed once: every meaning of each printed form (in table
/// order), by the form and by the form without spaces; and a trie of the forms'
/// letters (every character but the ASCII letters dropped).
struct Vocabulary {
    exact: HashMap<&'static str, Vec<Label>>,
    squashed: HashMap<String, Vec<Label>>,
    /// Trie node -> its child by letter (`a`..`z`; 0: none, the root being node 0).
    next: Vec<[u16; 26]>,
    /// Trie node -> the letters leading to it are a whole label's.
    end: Vec<bool>,
}

type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

impl Vocabulary {
    /// No label yet: the letters trie holds only its root.
    fn empty() -> Self {
        Vocabulary { exact: Default::default(), squashed: Default::default(), next: vec![[0; 26]], end: vec![false] }
    }
}

fn vocabulary() -> &'static Vocabulary {
    static V: std::sync::OnceLock<Vocabulary> = std::sync::OnceLock::new();
    V.get_or_init(|| {
        let mut v = Vocabulary::empty();
        for (k, l) in LABELS {
            v.exact.entry(*k).or_default().push(*l);
            v.squashed.entry(squash(k)).or_default().push(*l);
            v.spell(k);
        }
        v
    })
}

/// The letters of the table headers of tables of objectives ([`TABLE_HEADERS`]),
/// for [`Letters::of_table_headers`].
fn table_vocabulary() -> &'static Vocabulary {
    static V: std::sync::OnceLock<Vocabulary> = std::sync::OnceLock::new();
    V.get_or_init(|| {
        let mut v = Vocabulary::empty();
        for (k, _) in TABLE_HEADERS {
            v.spell(k);
        }
        v
    })
}

impl Vocabulary {
    /// Add a printed form's letters to the trie.
    fn spell(&mut self, k: &str) {
        let mut node = 0;
        for b in k.bytes().filter(u8::is_ascii_alphabetic) {
            let slot = usize::from(b.to_ascii_lowercase() - b'a');
            if self.next[node][slot] == 0 {
                self.next[node][slot] = u16::try_from(self.next.len()).expect("label trie fits u16");
                self.next.push([0; 26]);
                self.end.push(false);
            }
            node = usize::from(self.next[node][slot]);
        }
        self.end[node] = true;
    }
}

/// The letters of a text (or of lines to be joined), as every label lookup
/// compares them: [`normalize`] folds case and accents, and neither it, nor
/// dropping a year, nor removing spaces, nor joining lines adds or removes a
/// letter. So a text whose letters are no label's names no label, by exact or by
/// squashed form, and lines whose letters start no label's start no wrapped label:
/// the cheap test that spares most texts the joining and the normalization. Read
/// letter by letter down a trie of the labels' letters, it stops at the first
/// letter no label has there.
#[derive(Clone, Copy)]
pub struct Letters {
    /// The trie node of the letters so far (when `Known`).
    node: u16,
    state: Spelled,
    /// The vocabulary spelled: the sheet labels, or the table headers.
    vocab: &'static Vocabulary,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Spelled {
    /// `node` spells the letters, the first letters of some label.
    Known,
    /// Letters no label starts with.
    Impossible,
    /// Not worked out (a line that NFC may change): every test says maybe.
    Unknown,
}

impl Default for Letters {
    /// The letters of a sheet label ([`LABELS`]).
    fn default() -> Self {
        Letters { node: 0, state: Spelled::Known, vocab: vocabulary() }
    }
}

impl Letters {
    /// No letters yet, of a header of a table of objectives ([`TABLE_HEADERS`]).
    pub fn of_table_headers() -> Letters {
        Letters { node: 0, state: Spelled::Known, vocab: table_vocabulary() }
    }

    /// The letters of `text` as given to a label lookup.
    pub fn of(text: &str) -> Letters {
        let mut l = Letters::default();
        l.push(text);
        l
    }

    /// Add the letters of `text`, as given to a label lookup (no normalization to
    /// NFC between).
    pub fn push(&mut self, text: &str) {
        if self.state != Spelled::Known {
            return;
        }
        let v = self.vocab;
        for c in text.chars() {
            if c.is_ascii() {
                if c.is_ascii_alphabetic() {
                    self.step(v, c.to_ascii_lowercase());
                }
            } else {
                for f in fold(c).filter(|f| f.is_alphabetic()) {
                    self.step(v, f);
                }
            }
            if self.state != Spelled::Known {
                return;
            }
        }
    }

    /// Add the letters of a line that [`crate::text::join_lines`] joins to others
    /// (it normalizes each line to NFC: a line that may not be in NFC already makes
    /// the letters unknown).
    pub fn push_line(&mut self, line: &str) {
        // Letters no label has (or unknown ones) stay so: nothing to read.
        if self.state != Spelled::Known {
            return;
        }
        // Every byte of a UTF-8 character below U+0300 (NFC on its own, combining
        // with nothing) is below 0xCC. (The bytes are taken a block at a time with no
        // early exit, which the compiler turns into vector compares: most lines are
        // in NFC and read to their end.)
        if line.as_bytes().chunks(32).all(|c| c.iter().fold(0u8, |m, &b| m.max(b)) < 0xCC)
            || unicode_normalization::is_nfc_quick(line.chars()) == unicode_normalization::IsNormalized::Yes
        {
            self.push(line);
        } else if self.state == Spelled::Known {
            self.state = Spelled::Unknown;
        }
    }

    /// One more letter (folded to lower case): down the trie, or off it.
    fn step(&mut self, v: &Vocabulary, c: char) {
        if self.state != Spelled::Known {
            return;
        }
        let child = if c.is_ascii_lowercase() { v.next[usize::from(self.node)][c as usize - 'a' as usize] } else { 0 };
        if child == 0 {
            self.state = Spelled::Impossible; // every label is lower-case ASCII here
        } else {
            self.node = child;
        }
    }

    /// Whether these may be the letters of a label.
    pub fn may_be_a_label(&self) -> bool {
        match self.state {
            Spelled::Known => self.vocab.end[usize::from(self.node)],
            Spelled::Impossible => false,
            Spelled::Unknown => true,
        }
    }

    /// Whether these may be the first letters of a label (more lines may follow).
    pub fn may_start_a_label(&self) -> bool {
        self.state != Spelled::Impossible
    }
}

/// A plan year (1990..=2100) printed as a word of `s`, if any: the first one.
pub fn header_year(s: &str) -> Option<i32> {
    s.split(|c: char| !c.is_ascii_digit())
        .filter(|t| t.len() == 4)
        .filter_map(|t| t.parse().ok())
        .find(|y| (1990..=2100).contains(y))
}

/// `s` without its four-digit year words (and parentheses left empty).
fn strip_years(s: &str) -> String {
    let words: Vec<String> = s
        .split_whitespace()
        .map(|w| {
            let core = w.trim_matches(|c: char| c == '(' || c == ')' || c == ',' || c == ':');
            if core.len() == 4 && core.chars().all(|c| c.is_ascii_digit()) && header_year(core).is_some() {
                let rest: String = w.replace(core, "");
                if rest == "()" {
                    String::new()
                } else {
                    rest
                }
            } else {
                w.to_string()
            }
        })
        .filter(|w| !w.is_empty())
        .collect();
    words.join(" ")
}

/// A section anchor (not a grid field, not a column header).
pub fn section(printed: &str) -> Option<Label> {
    match lookup(printed) {
        Some(l @ (Label::DupSection | Label::Description | Label::Indicators | Label::Purpose | Label::Phases)) => {
            Some(l)
        }
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Plans printed as a table: the column headers of a table of objectives

/// A column of a table of objectives (a plan printed as one table, a block of rows
/// per objective). Table headers have a vocabulary of their own: the same words
/// mean something else on a sheet (*Descrizione obiettivo* is a title here,
/// *Obiettivo operativo* a column, not a DUP label).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TabColumn {
    /// *Codice*: the objective code (preferred over the abbreviations below).
    Code,
    /// *Cod.*: the objective code.
    CodeShort,
    /// *N.*, *Nr.*: a number standing for the code when no other code column exists.
    Number,
    /// *Obiettivo*, *Obiettivo operativo*: the objective's title.
    Objective,
    /// *Descrizione obiettivo*: the title when no objective column exists, else the
    /// description.
    ObjectiveDescription,
    /// *Descrizione* beside an objective column: the description.
    Description,
    /// *Area*, *Settore*, *Direzione*: the directorate.
    Area,
    /// *Servizio*.
    Service,
    /// *Responsabile*, *Dirigente*: the executive.
    Person,
    /// *Missione*, *Programma*, *Obiettivo strategico*: one DUP link per column.
    Dup,
    /// *Peso*: the objective's weight when printed once per block, else the
    /// indicator's.
    Weight,
    /// *Peso ind.*: always the indicator's weight.
    IndicatorWeight,
    /// *Indicatore*, *Indicatori di risultato*: one indicator per row.
    Indicator,
    /// *Tipo*: the indicator's type.
    Type,
    /// *U.M.*: the indicator's unit.
    Unit,
    /// *Baseline 2024*, *Valore di partenza*.
    Baseline,
    /// *Valore 2023*: a value with a year and no other word is the baseline; without
    /// a year it names nothing.
    YearValue,
    /// *Target 2024*, *Valore atteso*.
    Target,
    /// *Valore raggiunto* (report).
    Actual,
    /// *% raggiungimento* (report): the indicator's, or the objective's when printed
    /// once per block.
    Achievement,
    /// *Note*: known, so that it is a column of its own, but not in the contract.
    Notes,
}

/// Printed table header (normalized with [`normalize`], years removed) -> column.
/// Add synonyms here only.
const TABLE_HEADERS: &[(&str, TabColumn)] = &[
    ("codice", TabColumn::Code),
    ("codice obiettivo", TabColumn::Code),
    ("codice ob", TabColumn::Code),
    ("cod", TabColumn::CodeShort),
    ("cod. obiettivo", TabColumn::CodeShort),
    ("cod. ob", TabColumn::CodeShort),
    ("id", TabColumn::CodeShort),
    ("n", TabColumn::Number),
    ("n°", TabColumn::Number),
    ("nr", TabColumn::Number),
    ("num", TabColumn::Number),
    ("numero", TabColumn::Number),
    ("obiettivo", TabColumn::Objective),
    ("obiettivi", TabColumn::Objective),
    ("obiettivo operativo", TabColumn::Objective),
    ("obiettivi operativi", TabColumn::Objective),
    ("obiettivo di performance", TabColumn::Objective),
    ("obiettivi di performance", TabColumn::Objective),
    ("obiettivo specifico", TabColumn::Objective),
    ("obiettivo esecutivo", TabColumn::Objective),
    ("obiettivo gestionale", TabColumn::Objective),
    ("obiettivo di gestione", TabColumn::Objective),
    ("obiettivo di peg", TabColumn::Objective),
    ("obiettivo peg", TabColumn::Objective),
    ("titolo", TabColumn::Objective),
    ("titolo obiettivo", TabColumn::Objective),
    ("denominazione obiettivo", TabColumn::Objective),
    ("denominazione", TabColumn::Objective),
    ("descrizione obiettivo", TabColumn::ObjectiveDescription),
    ("descrizione dell'obiettivo", TabColumn::ObjectiveDescription),
    ("descrizione obiettivo operativo", TabColumn::ObjectiveDescription),
    ("descrizione", TabColumn::Description),
    ("descrizione sintetica", TabColumn::Description),
    ("descrizione attivita", TabColumn::Description),
    ("area", TabColumn::Area),
    ("settore", TabColumn::Area),
    ("direzione", TabColumn::Area),
    ("area/settore", TabColumn::Area),
    ("settore/area", TabColumn::Area),
    ("area organizzativa", TabColumn::Area),
    ("struttura", TabColumn::Area),
    ("struttura organizzativa", TabColumn::Area),
    ("unita organizzativa", TabColumn::Area),
    ("servizio", TabColumn::Service),
    ("servizi", TabColumn::Service),
    ("ufficio", TabColumn::Service),
    ("servizio/ufficio", TabColumn::Service),
    ("responsabile", TabColumn::Person),
    ("responsabili", TabColumn::Person),
    ("responsabile eq", TabColumn::Person),
    ("responsabile e.q", TabColumn::Person),
    ("responsabile po", TabColumn::Person),
    ("responsabile p.o", TabColumn::Person),
    ("responsabile del servizio", TabColumn::Person),
    ("responsabile di settore", TabColumn::Person),
    ("responsabile di area", TabColumn::Person),
    ("titolare eq", TabColumn::Person),
    ("titolare p.o", TabColumn::Person),
    ("dirigente", TabColumn::Person),
    ("dirigente responsabile", TabColumn::Person),
    ("missione", TabColumn::Dup),
    ("programma", TabColumn::Dup),
    ("missione/programma", TabColumn::Dup),
    ("missione e programma", TabColumn::Dup),
    ("missione - programma", TabColumn::Dup),
    ("programma dup", TabColumn::Dup),
    ("missione dup", TabColumn::Dup),
    ("obiettivo strategico", TabColumn::Dup),
    ("obiettivi strategici", TabColumn::Dup),
    ("obiettivo strategico dup", TabColumn::Dup),
    ("linea strategica", TabColumn::Dup),
    ("indirizzo strategico", TabColumn::Dup),
    ("peso", TabColumn::Weight),
    ("peso %", TabColumn::Weight),
    ("peso (%)", TabColumn::Weight),
    ("peso obiettivo", TabColumn::Weight),
    ("peso ob", TabColumn::Weight),
    ("pesatura", TabColumn::Weight),
    ("peso ponderale", TabColumn::Weight),
    ("peso ind", TabColumn::IndicatorWeight),
    ("peso ind. %", TabColumn::IndicatorWeight),
    ("peso ind. (%)", TabColumn::IndicatorWeight),
    ("peso indicatore", TabColumn::IndicatorWeight),
    ("peso indicatore %", TabColumn::IndicatorWeight),
    ("peso indicatori", TabColumn::IndicatorWeight),
    ("indicatore", TabColumn::Indicator),
    ("indicatori", TabColumn::Indicator),
    ("indicatore di risultato", TabColumn::Indicator),
    ("indicatori di risultato", TabColumn::Indicator),
    ("indicatore di performance", TabColumn::Indicator),
    ("indicatori di performance", TabColumn::Indicator),
    ("indicatore di misurazione", TabColumn::Indicator),
    ("descrizione indicatore", TabColumn::Indicator),
    ("indicatore/i", TabColumn::Indicator),
    ("tipo", TabColumn::Type),
    ("tipo indicatore", TabColumn::Type),
    ("tipologia", TabColumn::Type),
    ("tipologia indicatore", TabColumn::Type),
    ("u.m", TabColumn::Unit),
    ("um", TabColumn::Unit),
    ("unita di misura", TabColumn::Unit),
    ("baseline", TabColumn::Baseline),
    ("valore di partenza", TabColumn::Baseline),
    ("valore iniziale", TabColumn::Baseline),
    ("valore di riferimento", TabColumn::Baseline),
    ("valore storico", TabColumn::Baseline),
    ("dato storico", TabColumn::Baseline),
    ("rilev", TabColumn::Baseline),
    ("rilevazione", TabColumn::Baseline),
    ("valore", TabColumn::YearValue),
    ("target", TabColumn::Target),
    ("valore atteso", TabColumn::Target),
    ("valori attesi", TabColumn::Target),
    ("valore target", TabColumn::Target),
    ("valore obiettivo", TabColumn::Target),
    ("risultato atteso", TabColumn::Target),
    ("risultati attesi", TabColumn::Target),
    ("target atteso", TabColumn::Target),
    ("valore programmato", TabColumn::Target),
    ("valore raggiunto", TabColumn::Actual),
    ("risultato raggiunto", TabColumn::Actual),
    ("valore consuntivo", TabColumn::Actual),
    ("valore a consuntivo", TabColumn::Actual),
    ("consuntivo", TabColumn::Actual),
    ("valore rilevato", TabColumn::Actual),
    ("valore effettivo", TabColumn::Actual),
    ("valore realizzato", TabColumn::Actual),
    ("risultato conseguito", TabColumn::Actual),
    ("% raggiungimento", TabColumn::Achievement),
    ("% di raggiungimento", TabColumn::Achievement),
    ("% raggiungimento obiettivo", TabColumn::Achievement),
    ("raggiungimento %", TabColumn::Achievement),
    ("percentuale di raggiungimento", TabColumn::Achievement),
    ("grado di raggiungimento", TabColumn::Achievement),
    ("grado di raggiungimento %", TabColumn::Achievement),
    ("% realizzazione", TabColumn::Achievement),
    ("note", TabColumn::Notes),
    ("osservazioni", TabColumn::Notes),
    ("note/criticita", TabColumn::Notes),
    ("criticita", TabColumn::Notes),
    ("commento", TabColumn::Notes),
];

/// The column a printed table header names, if any (any case, accents, wraps;
/// a year printed in the header is no part of it: "Target 2024"). A bare
/// *Valore* names the baseline only with a year.
pub fn table_column(printed: &str) -> Option<TabColumn> {
    if printed.len() > MAX_LABEL_BYTES || !printed.chars().any(char::is_alphabetic) {
        return None;
    }
    let n = normalize(&strip_years(printed));
    let squashed = |k: &str| k.chars().filter(|c| *c != ' ').eq(n.chars().filter(|c| *c != ' '));
    let hit = TABLE_HEADERS.iter().find(|(k, _)| *k == n).or_else(|| TABLE_HEADERS.iter().find(|(k, _)| squashed(k)));
    match hit.map(|(_, c)| *c)? {
        TabColumn::YearValue => header_year(printed).map(|_| TabColumn::Baseline),
        c => Some(c),
    }
}

/// What a row between the blocks of a table of objectives is: a strategic
/// objective or line (no field), or an organisational unit (its directorate).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupRow {
    Strategic,
    Unit,
}

/// Openings (normalized) of group rows that name a strategic objective or line:
/// they give no field. Checked before [`UNIT_OPENINGS`] ("area strategica" is no
/// organisational unit).
const STRATEGIC_OPENINGS: &[&str] = &[
    "obiettivo strategico",
    "obiettivi strategici",
    "linea strategica",
    "linee strategiche",
    "linea di mandato",
    "linee di mandato",
    "indirizzo strategico",
    "area strategica",
    "ambito strategico",
    "missione",
    "programma",
];

/// Openings (normalized) of headings that name an organisational unit (a heading
/// above a table, outside it, must open with one of these or name a
/// *Responsabile:*).
const UNIT_OPENINGS: &[&str] = &[
    "area",
    "settore",
    "direzione",
    "dipartimento",
    "servizio",
    "servizi",
    "ufficio",
    "unita organizzativa",
    "u.o",
    "struttura",
];

/// The kind of a group row or heading `text`, and whether it opens with an
/// organisational unit's word (`Area ...`, `SETTORE ...`).
pub fn group_row(text: &str) -> (GroupRow, bool) {
    let n = normalize(text);
    let opens = |w: &&str| n.starts_with(*w) && n[w.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric());
    if STRATEGIC_OPENINGS.iter().any(opens) {
        return (GroupRow::Strategic, false);
    }
    (GroupRow::Unit, UNIT_OPENINGS.iter().any(opens))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `normalize` written step by step, as its documentation says.
    fn normalize_by_steps(s: &str) -> String {
        let lowered: String = s.chars().flat_map(fold).collect();
        let collapsed = lowered.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut s = collapsed.replace(" '", "'").replace("' ", "'").replace(" /", "/").replace("/ ", "/");
        while s.ends_with(':') || s.ends_with('.') || s.ends_with(' ') {
            s.pop();
        }
        s
    }

    /// `lookup_any` as it was first written: a scan of the table, no index, no
    /// letter filter.
    fn lookup_any_by_scan<T>(printed: &str, pick: impl Fn(Label) -> Option<T>) -> Option<T> {
        if printed.len() > MAX_LABEL_BYTES || !printed.chars().any(char::is_alphabetic) {
            return None;
        }
        let n = normalize(&strip_years(printed));
        if n.is_empty() {
            return None;
        }
        LABELS.iter().filter(|(k, _)| *k == n).find_map(|(_, l)| pick(*l)).or_else(|| {
            let key = squash(&n);
            LABELS.iter().filter(|(k, _)| squash(k) == key).find_map(|(_, l)| pick(*l))
        })
    }

    /// `may_be_a_label` without the letter test.
    fn unspelled_may_be_a_label(printed: &str) -> bool {
        printed.len() <= MAX_LABEL_BYTES && may_start_a_label(printed)
    }

    #[test]
    fn label_keys_are_normalized_ascii() {
        // The letter filter (`Letters`) relies on it.
        for (k, _) in LABELS {
            assert!(k.is_ascii(), "{k:?}");
            assert_eq!(normalize(k), *k);
        }
    }

    #[test]
    fn indexed_lookup_equals_the_scan() {
        let any = |l: Label| Some(l);
        let col = |l: Label| if let Label::Column(c) = l { Some(c) } else { None };
        let ph = |l: Label| if let Label::PhaseColumn(c) = l { Some(c) } else { None };
        let mut texts: Vec<String> = Vec::new();
        for (k, _) in LABELS {
            let upper = k.to_uppercase();
            let spaced: String = k.chars().flat_map(|c| [c, ' ']).collect();
            let broken = format!("{} {}", &k[..k.len() / 2], &k[k.len() / 2..]);
            let accented = k.replace('a', "à").replace('\'', "\u{2019}");
            for t in [k.to_string(), upper, spaced, broken, accented] {
                texts.push(format!("{t}:"));
                texts.push(format!("{t} 2024"));
                texts.push(format!("{t} (2023)"));
                texts.push(format!("2023 {t}"));
                texts.push(format!("{t}x"));
                texts.push(t.chars().skip(1).collect());
                texts.push(t);
            }
        }
        texts.extend(
            ["", "2024", "Valore 2023 (consuntivo)", "\u{212a}", "İndicatore", "ROSSI MARIO"].map(String::from),
        );
        // `lookup_squashed` with no letter filter.
        let squashed_by_scan = |t: &str| {
            if !unspelled_may_be_a_label(t) {
                return None;
            }
            let key = squash(&normalize(t));
            let mut meanings = LABELS
                .iter()
                .enumerate()
                .filter(|(i, (k, _))| squash(k) == key && !LABELS[..*i].iter().any(|(k2, _)| k2 == k));
            let (_, (_, first)) = meanings.next()?;
            meanings.all(|(_, (_, l))| l == first).then_some(*first)
        };
        for t in &texts {
            assert_eq!(lookup(t), if unspelled_may_be_a_label(t) { lookup_uncached(t) } else { None }, "{t:?}");
            assert_eq!(lookup_squashed(t), squashed_by_scan(t), "{t:?}");
            assert_eq!(lookup_any(t, any), lookup_any_by_scan(t, any), "{t:?}");
            assert_eq!(lookup_any(t, col), lookup_any_by_scan(t, col), "{t:?}");
            assert_eq!(lookup_any(t, ph), lookup_any_by_scan(t, ph), "{t:?}");
        }
    }

    #[test]
    fn letters_of_joined_lines() {
        let found = |lines: &[&str]| {
            let t = crate::text::join_lines(lines.iter().copied());
            lookup(&t).is_some() || lookup_squashed(&t).is_some() || column(&t).is_some() || phase_column(&t).is_some()
        };
        let spelled = |lines: &[&str]| {
            let mut l = Letters::default();
            for (i, line) in lines.iter().enumerate() {
                l.push_line(line);
                if i + 1 < lines.len() {
                    assert!(l.may_start_a_label(), "{lines:?}");
                }
            }
            l
        };
        for lines in [
            &["CLASSIFICAZI", "ONE"][..],
            &["Centro di", "Responsabilit\u{e0}"],
            &["Centro di", "Responsabilita\u{300}"],
            &["Unit\u{e0} di", "misura"],
            &["Valore", "Atteso", "2024"],
            &["DESCRIZION", "E DETTAGLIAT", "A DELL\u{2019}OBIET", "TIVO"],
            &["Peso", "(%)"],
        ] {
            assert!(found(lines), "{lines:?}");
            assert!(spelled(lines).may_be_a_label(), "{lines:?}");
        }
        assert!(!Letters::of("ROSSI MARIO").may_start_a_label());
        assert!(!Letters::of("Valore raggiunto e").may_be_a_label());
        assert!(Letters::of("Valore at").may_start_a_label() && !Letters::of("Valore at").may_be_a_label());
        assert!(!Letters::of("Citt\u{e4}").may_start_a_label(), "a letter no label has");
        let mut l = Letters::of("Centro di");
        l.push_line("Responsabilita\u{300}");
        assert!(l.may_be_a_label() && l.may_start_a_label(), "a line NFC may change: unknown");
        let mut l = Letters::of("Descrizione");
        l.push_line("dell\u{2019}obiettivo \u{2013} fasi");
        assert!(!l.may_be_a_label() && !l.may_start_a_label(), "a line in NFC is spelled");
        assert!(!Letters::of(&"peso".repeat(20)).may_start_a_label());
        assert!(Letters::of("PESO").may_be_a_label() && Letters::of("Pe-so (%)").may_be_a_label());
    }

    #[test]
    fn labels_broken_mid_word_are_found_without_spaces() {
        assert_eq!(lookup("CLASSIFICAZI ONE"), None);
        assert_eq!(lookup_squashed("CLASSIFICAZI ONE"), lookup("Classificazione"));
        assert!(lookup("Classificazione").is_some());
        assert_eq!(
            lookup_squashed("DESCRIZION E DETTAGLIAT A DELL'OBIET TIVO"),
            lookup("Descrizione dettagliata dell'obiettivo")
        );
        assert_eq!(lookup_squashed("CLASSIFICAZI ONE STRATEGICA"), None, "more than the label");
        assert_eq!(lookup_squashed("ROSSI MARIO"), None);
    }

    #[test]
    fn one_pass_normalize_equals_the_steps() {
        let alphabet: Vec<char> = "aÈ '/\u{2019} \t\n:.x/ Ò\u{a0}".chars().collect();
        let mut seed = 0x9e37_79b9u32;
        for _ in 0..20_000 {
            let mut s = String::new();
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            let mut r = seed;
            for _ in 0..(seed % 9) {
                s.push(alphabet[(r % alphabet.len() as u32) as usize]);
                r /= alphabet.len() as u32;
                if r == 0 {
                    r = seed.rotate_left(7);
                }
            }
            assert_eq!(normalize(&s), normalize_by_steps(&s), "{s:?}");
        }
    }
    #[test]
    fn tolerant_matching() {
        assert_eq!(grid_field("Direzione:"), Some(Directorate));
        assert_eq!(grid_field("DIRIGENTE"), Some(Executive));
        assert_eq!(section("Descrizione dettagliata dell\u{2019}obiettivo"), Some(Label::Description));
        assert_eq!(section("Descrizione  dettagliata\ndell' obiettivo"), Some(Label::Description));
        assert_eq!(section("Collegato a:"), Some(Label::DupSection));
        assert_eq!(section("INDICATORI"), Some(Label::Indicators));
        assert_eq!(column("Valore\nAtteso"), Some(C::Target));
        assert_eq!(column("Descrizione"), Some(C::Description));
        assert_eq!(grid_field("Descrizione"), None);
        assert_eq!(lookup("UFFICIO DEL SINDACO"), None);
        assert_eq!(column("Valore atteso 2023"), Some(C::Target));
        assert_eq!(column("Target (2024)"), Some(C::Target));
        assert_eq!(lookup("Servizio 12"), None);
    }

    #[test]
    fn v2_objective_labels() {
        assert_eq!(grid_field("Livello obiettivo"), Some(Level));
        assert_eq!(grid_field("Centro di\nResponsabilità"), Some(ResponsibilityCenter));
        assert_eq!(grid_field("Centro di responsabilita'"), Some(ResponsibilityCenter));
        assert_eq!(grid_field("CdR:"), Some(ResponsibilityCenter));
        assert_eq!(grid_field("Centro di costo"), Some(ResponsibilityCenter));
        assert_eq!(grid_field("PESO %"), Some(Weight));
        assert_eq!(grid_field("Pesatura"), Some(Weight));
        assert_eq!(grid_field("Tipo di Obiettivo"), Some(Typology));
        assert_eq!(grid_field("Grado di raggiungimento dell\u{2019}obiettivo:"), Some(Achievement));
        assert_eq!(grid_field("% di raggiungimento dell'obiettivo"), Some(Achievement));
        assert_eq!(section("Finalità"), Some(Label::Purpose));
        assert_eq!(section("FINALITA'"), Some(Label::Purpose));
        assert_eq!(section("FINALITA' DELL'OBIETTIVO"), Some(Label::Purpose));
        assert_eq!(section("Finalità dell'obiettivo"), Some(Label::Purpose));
        assert_eq!(section("FASI"), Some(Label::Phases));
        assert!(GridField::Achievement.stands_alone() && !GridField::Weight.stands_alone());
    }

    #[test]
    fn v2_table_headers() {
        assert_eq!(column("Unità di\nmisura"), Some(C::Unit));
        assert_eq!(column("U.M."), Some(C::Unit));
        assert_eq!(column("UdM"), Some(C::Unit));
        assert_eq!(column("Peso %"), Some(C::Weight));
        assert_eq!(column("Pesatura"), Some(C::Weight));
        assert_eq!(column("Peso"), Some(C::Weight), "also a phase column: each table asks its own");
        assert_eq!(column("Baseline 2023"), Some(C::Baseline));
        assert_eq!(column("Valore di partenza"), Some(C::Baseline));
        assert_eq!(column("Rilev. 2023"), Some(C::Baseline));
        assert_eq!(column("Valore 2023 (consuntivo)"), Some(C::Baseline));
        assert_eq!(column("Valore consuntivo"), Some(C::Actual));
        assert_eq!(column("Valore\nRaggiunto"), Some(C::Actual));
        assert_eq!(column("Risultato conseguito"), Some(C::Actual));
        assert_eq!(column("% Raggiungimento"), Some(C::Achievement));
        assert_eq!(column("% di raggiungimento"), Some(C::Achievement));
        assert_eq!(column("Target 2024"), Some(C::Target));
        assert_eq!(column("Valore atteso 2025"), Some(C::Target));
        assert_eq!(column("Tipologia"), Some(C::Type));
        assert_eq!(column("2026"), None, "a bare year is no label");
        assert_eq!(header_year("Baseline 2023"), Some(2023));
        assert_eq!(header_year("Target (2024)"), Some(2024));
        assert_eq!(header_year("Valore atteso"), None);
        assert_eq!(phase_column("Inizio\nPrevisto"), Some(Ph::Start));
        assert_eq!(phase_column("Data fine"), Some(Ph::End));
        assert_eq!(phase_column("Scadenza"), Some(Ph::End));
        assert_eq!(phase_column("Dal"), Some(Ph::Start));
        assert_eq!(phase_column("Al"), Some(Ph::End));
        assert_eq!(phase_column("Centro di\nResponsabilità"), Some(Ph::ResponsibilityCenter));
        assert_eq!(phase_column("CdR"), Some(Ph::ResponsibilityCenter));
        assert_eq!(phase_column("Descrizione"), Some(Ph::Description));
        assert_eq!(phase_column("Fase"), Some(Ph::Description));
        assert_eq!(phase_column("Responsabile"), Some(Ph::Responsible));
        assert_eq!(phase_column("Note"), Some(Ph::Notes));
        assert_eq!(section("FASI"), Some(Label::Phases));
        assert_eq!(section("Fasi di attuazione"), Some(Label::Phases));
        assert_eq!(section("Cronoprogramma"), Some(Label::Phases));
        assert_eq!(section("Attività / Fasi"), Some(Label::Phases));
        // A word listed with a table meaning keeps its first meaning elsewhere.
        assert_eq!(lookup("Descrizione"), Some(Label::Column(C::Description)));
        assert_eq!(grid_field("Responsabile"), Some(Executive));
        assert_eq!(lookup_squashed("DESCRI ZIONE"), Some(Label::Column(C::Description)));
    }

    #[test]
    fn table_headers_have_a_vocabulary_of_their_own() {
        assert_eq!(table_column("Obiettivo operativo"), Some(TabColumn::Objective));
        assert_eq!(table_column("Descrizione obiettivo"), Some(TabColumn::ObjectiveDescription));
        assert_eq!(table_column("DESCRIZIONE"), Some(TabColumn::Description));
        assert_eq!(table_column("Indicatori di risultato"), Some(TabColumn::Indicator));
        assert_eq!(table_column("Cod."), Some(TabColumn::CodeShort));
        assert_eq!(table_column("N."), Some(TabColumn::Number));
        assert_eq!(table_column("Missione / Programma"), Some(TabColumn::Dup));
        assert_eq!(table_column("Peso ind. %"), Some(TabColumn::IndicatorWeight));
        assert_eq!(table_column("Peso %"), Some(TabColumn::Weight));
        assert_eq!(table_column("U.M."), Some(TabColumn::Unit));
        assert_eq!(table_column("% raggiungimento"), Some(TabColumn::Achievement));
        // A year is no part of the header; a bare "Valore" is the baseline only with one.
        assert_eq!(table_column("Target 2025"), Some(TabColumn::Target));
        assert_eq!(table_column("Valore atteso 2026"), Some(TabColumn::Target));
        assert_eq!(table_column("Valore 2023"), Some(TabColumn::Baseline));
        assert_eq!(table_column("Valore"), None);
        assert_eq!(table_column("Baseline 2024"), Some(TabColumn::Baseline));
        // Wrapped mid-word, accents and case do not matter.
        assert_eq!(table_column("Indica tore"), Some(TabColumn::Indicator));
        assert_eq!(table_column("UNITÀ DI MISURA"), Some(TabColumn::Unit));
        // Not table headers: sheet labels and prose.
        assert_eq!(table_column("Collegato a"), None);
        assert_eq!(table_column("Il comune persegue i seguenti obiettivi"), None);
        assert!(Letters::of_table_headers().may_start_a_label());
        let mut l = Letters::of_table_headers();
        l.push("Responsabile EQ");
        assert!(l.may_be_a_label());
        assert!(!Letters::of("Responsabile EQ").may_be_a_label(), "no sheet label");
    }

    #[test]
    fn group_rows_are_strategic_or_units() {
        assert_eq!(group_row("LINEA STRATEGICA 2 - Ambiente"), (GroupRow::Strategic, false));
        assert_eq!(group_row("Missione 01"), (GroupRow::Strategic, false));
        assert_eq!(group_row("AREA 1 - SEGRETERIA E PERSONALE"), (GroupRow::Unit, true));
        assert_eq!(group_row("Ufficio tecnico"), (GroupRow::Unit, true));
        assert_eq!(group_row("Areale di intervento"), (GroupRow::Unit, false), "a whole word opens it");
    }
}
