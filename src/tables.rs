//! Tables stage: converted documents -> five relational tables for a whole batch,
//! streamed to CSV (RFC 4180) or Parquet as the documents arrive.
//!
//! * `objectives`: one row per objective, keyed by `objective_key`;
//! * `dup_links`: one row per DUP link, keyed by (`objective_key`, `position`);
//! * `indicators`: one row per indicator, keyed by (`objective_key`, `position`);
//! * `phases` (v2): one row per phase, keyed by (`objective_key`, `position`);
//! * `indicator_targets` (v2): one row per per-year target of an indicator, keyed by
//!   (`objective_key`, `indicator_position`, `position`).
//!
//! Contract v2 columns are appended after the v1 columns of each table (a loader
//! that reads columns by name or position from v1 keeps working); a Baseline or an
//! actual value is flattened like the target (`baseline_raw`, `actual_value`, ...),
//! all null when the indicator has none.
//!
//! Keys are derived from what identifies a document, not from the run: the
//! `document_key` is the first 16 hex digits of SHA-256 over the file name, a
//! newline and the file's own SHA-256, and an objective is `<document_key>-<n>`,
//! its 1-based position in the document. The same file (same name, same bytes)
//! gets the same keys in every run and whatever else is in the batch; objective
//! codes, which repeat across years and plans, are never part of a key. A second
//! input with the same name and bytes as an earlier one in the batch is the same
//! document: its rows are written once ([`TablesSink::duplicates`] counts it).
//!
//! Each table goes to a temporary file beside its destination and is renamed into
//! place only by [`TablesSink::finish`]: a killed run leaves no table behind.
//! Memory does not grow with the batch: CSV rows are written as they come, and
//! Parquet rows are buffered in batches of [`BATCH_ROWS`] and flushed as row groups
//! of at most [`ROW_GROUP_BYTES`] encoded bytes.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, Date32Builder, Float64Builder, Int32Builder, ListBuilder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::model::{Document, Objective, Source, Target};
use crate::pipeline::Sink;
use crate::spool::Converted;

/// File format of the tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableFormat {
    /// RFC 4180: UTF-8, a header row, CRLF line ends, fields quoted when they hold a
    /// comma, a quote or a line break. A null is an empty unquoted field, an empty
    /// string is `""`; lists are joined with `;`.
    Csv,
    /// Typed columns (32-bit integers, doubles, dates, booleans, lists of strings),
    /// Snappy-compressed.
    Parquet,
}

impl TableFormat {
    pub fn extension(self) -> &'static str {
        match self {
            TableFormat::Csv => "csv",
            TableFormat::Parquet => "parquet",
        }
    }
}

/// Rows buffered per Parquet record batch.
pub const BATCH_ROWS: usize = 4096;
/// A Parquet row group is closed once its encoded size passes this.
pub const ROW_GROUP_BYTES: usize = 8 << 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Str,
    Int,
    Float,
    Bool,
    Date,
    StrList,
}

/// A cell of a row.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Str(String),
    Int(i32),
    Float(f64),
    Bool(bool),
    /// Days since 1970-01-01 and the ISO text it was read from.
    Date(i32, String),
    StrList(Vec<String>),
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}
impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Str(s)
    }
}
impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Str(s.to_string())
    }
}
impl From<i32> for Value {
    fn from(v: i32) -> Value {
        Value::Int(v)
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Value {
        Value::Float(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Bool(v)
    }
}

/// The columns of one table: name, type, nullable.
pub struct TableDef {
    pub name: &'static str,
    columns: &'static [(&'static str, Kind, bool)],
}

impl TableDef {
    pub fn column_names(&self) -> impl Iterator<Item = &'static str> {
        self.columns.iter().map(|c| c.0)
    }

    fn schema(&self) -> SchemaRef {
        let fields: Vec<Field> = self
            .columns
            .iter()
            .map(|&(name, kind, nullable)| {
                let t = match kind {
                    Kind::Str => DataType::Utf8,
                    Kind::Int => DataType::Int32,
                    Kind::Float => DataType::Float64,
                    Kind::Bool => DataType::Boolean,
                    Kind::Date => DataType::Date32,
                    Kind::StrList => DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
                };
                Field::new(name, t, nullable)
            })
            .collect();
        Arc::new(Schema::new(fields))
    }
}

use Kind::*;

pub const OBJECTIVES: TableDef = TableDef {
    name: "objectives",
    columns: &[
        ("objective_key", Str, false),
        ("document_key", Str, false),
        ("source_file", Str, false),
        ("source_sha256", Str, false),
        ("position", Int, false),
        ("code", Str, false),
        ("year", Int, true),
        ("title", Str, false),
        ("directorate", Str, true),
        ("director", Str, true),
        ("service", Str, true),
        ("executive", Str, true),
        ("classification", Str, true),
        ("typology", Str, true),
        ("description", Str, true),
        ("first_page", Int, true),
        ("last_page", Int, true),
        ("dup_link_count", Int, false),
        ("indicator_count", Int, false),
        // contract v2
        ("level", Str, true),
        ("responsibility_center_code", Str, true),
        ("responsibility_center_name", Str, true),
        ("weight", Float, true),
        ("purpose", Str, true),
        ("achievement", Float, true),
        ("phase_count", Int, false),
    ],
};

pub const DUP_LINKS: TableDef = TableDef {
    name: "dup_links",
    columns: &[
        ("objective_key", Str, false),
        ("position", Int, false),
        ("label", Str, false),
        ("code", Str, true),
        ("text", Str, false),
        ("refs", StrList, false),
    ],
};

pub const INDICATORS: TableDef = TableDef {
    name: "indicators",
    columns: &[
        ("objective_key", Str, false),
        ("position", Int, false),
        ("description", Str, false),
        ("type", Str, true),
        ("target_raw", Str, false),
        ("target_value", Float, true),
        ("target_unit", Str, true),
        ("target_comparator", Str, true),
        ("target_date", Date, true),
        ("target_boolean", Bool, true),
        // contract v2
        ("unit", Str, true),
        ("weight", Float, true),
        ("baseline_year", Int, true),
        ("baseline_raw", Str, true),
        ("baseline_value", Float, true),
        ("baseline_unit", Str, true),
        ("baseline_comparator", Str, true),
        ("baseline_date", Date, true),
        ("baseline_boolean", Bool, true),
        ("actual_raw", Str, true),
        ("actual_value", Float, true),
        ("actual_unit", Str, true),
        ("actual_comparator", Str, true),
        ("actual_date", Date, true),
        ("actual_boolean", Bool, true),
        ("achievement", Float, true),
    ],
};

/// v2: one row per phase of an objective (the *FASI* table).
pub const PHASES: TableDef = TableDef {
    name: "phases",
    columns: &[
        ("objective_key", Str, false),
        ("position", Int, false),
        ("description", Str, false),
        ("weight", Float, true),
        ("start", Date, true),
        ("end", Date, true),
        ("responsible", Str, true),
        ("responsibility_center", Str, true),
        ("notes", Str, true),
    ],
};

/// v2: one row per per-year target of an indicator (`indicators[].targets[]`),
/// keyed by (`objective_key`, `indicator_position`, `position`).
pub const INDICATOR_TARGETS: TableDef = TableDef {
    name: "indicator_targets",
    columns: &[
        ("objective_key", Str, false),
        ("indicator_position", Int, false),
        ("position", Int, false),
        ("year", Int, false),
        ("raw", Str, false),
        ("value", Float, true),
        ("unit", Str, true),
        ("comparator", Str, true),
        ("date", Date, true),
        ("boolean", Bool, true),
    ],
};

/// Number of tables.
pub const TABLE_COUNT: usize = 5;

/// The tables, in the order they are written.
pub const TABLES: [&TableDef; TABLE_COUNT] = [&OBJECTIVES, &DUP_LINKS, &INDICATORS, &PHASES, &INDICATOR_TARGETS];

/// Rows of every table, in [`TABLES`] order.
pub type TableRows = [Vec<Vec<Value>>; TABLE_COUNT];

/// The document's key (see the module header).
pub fn document_key(doc: &Document) -> String {
    let digest = Sha256::digest(format!("{}\n{}", doc.source.file, doc.source.sha256).as_bytes());
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// The rows of one document: (objectives, dup_links, indicators, phases,
/// indicator_targets).
pub fn rows(doc: &Document) -> TableRows {
    rows_keyed(doc, &document_key(doc))
}

/// An ISO date cell: typed in Parquet, the ISO text in CSV; null when absent or not
/// a valid `YYYY-MM-DD`.
fn date(iso: Option<&str>) -> Value {
    match iso {
        Some(iso) => iso_days(iso).map_or(Value::Null, |d| Value::Date(d, iso.to_string())),
        None => Value::Null,
    }
}

/// A number cell (a non-finite number is null).
fn number(v: Option<f64>) -> Value {
    v.filter(|v| v.is_finite()).into()
}

/// The six cells of a Target (raw, value, unit, comparator, date, boolean): all
/// null when there is no Target.
fn target_cells(t: Option<&Target>) -> [Value; 6] {
    match t {
        None => std::array::from_fn(|_| Value::Null),
        Some(t) => [
            t.raw.clone().into(),
            number(t.value),
            t.unit.clone().into(),
            t.comparator.clone().into(),
            date(t.date.as_deref()),
            t.boolean.into(),
        ],
    }
}

/// [`rows`] with the document's key already computed.
fn rows_keyed(doc: &Document, dkey: &str) -> TableRows {
    let mut rows = TableRows::default();
    for (i, o) in doc.objectives.iter().enumerate() {
        objective_rows(&doc.source, dkey, i, o, &mut rows);
    }
    rows
}

/// The rows of the `i`-th objective (0-based) of the document keyed `dkey`,
/// appended to `rows`.
fn objective_rows(source: &Source, dkey: &str, i: usize, o: &Objective, rows: &mut TableRows) {
    let [objectives, dups, indicators, phases, targets] = rows;
    let key = format!("{dkey}-{}", i + 1);
    let page = |p: Option<&u32>| p.and_then(|&p| i32::try_from(p).ok());
    let rc = o.responsibility_center.as_ref();
    objectives.push(vec![
        key.clone().into(),
        dkey.into(),
        source.file.clone().into(),
        source.sha256.clone().into(),
        count(i + 1),
        o.code.clone().into(),
        o.year.into(),
        o.title.clone().into(),
        o.directorate.clone().into(),
        o.director.clone().into(),
        o.service.clone().into(),
        o.executive.clone().into(),
        o.classification.clone().into(),
        o.typology.clone().into(),
        o.description.clone().into(),
        page(o.pages.iter().min()).into(),
        page(o.pages.iter().max()).into(),
        count(o.dup_links.len()),
        count(o.indicators.len()),
        o.level.clone().into(),
        rc.and_then(|rc| rc.code.clone()).into(),
        rc.map(|rc| rc.name.clone()).into(),
        number(o.weight),
        o.purpose.clone().into(),
        number(o.achievement),
        count(o.phases.len()),
    ]);
    for (j, d) in o.dup_links.iter().enumerate() {
        dups.push(vec![
            key.clone().into(),
            count(j + 1),
            d.label.clone().into(),
            d.code.clone().into(),
            d.text.clone().into(),
            Value::StrList(d.refs.clone()),
        ]);
    }
    for (j, ind) in o.indicators.iter().enumerate() {
        let mut row = vec![key.clone().into(), count(j + 1), ind.description.clone().into(), ind.kind.clone().into()];
        row.extend(target_cells(Some(&ind.target)));
        row.extend([ind.unit.clone().into(), number(ind.weight), ind.baseline.as_ref().and_then(|b| b.year).into()]);
        row.extend(target_cells(ind.baseline.as_ref().map(|b| &b.value)));
        row.extend(target_cells(ind.actual.as_ref()));
        row.push(number(ind.achievement));
        indicators.push(row);
        for (k, yt) in ind.targets.iter().enumerate() {
            let mut row = vec![key.clone().into(), count(j + 1), count(k + 1), yt.year.into()];
            row.extend(target_cells(Some(&yt.target)));
            targets.push(row);
        }
    }
    for (j, ph) in o.phases.iter().enumerate() {
        phases.push(vec![
            key.clone().into(),
            count(j + 1),
            ph.description.clone().into(),
            number(ph.weight),
            date(ph.start.as_deref()),
            date(ph.end.as_deref()),
            ph.responsible.clone().into(),
            ph.responsibility_center.clone().into(),
            ph.notes.clone().into(),
        ]);
    }
}

fn count(n: usize) -> Value {
    Value::Int(i32::try_from(n).unwrap_or(i32::MAX))
}

/// Days since 1970-01-01 of an ISO `YYYY-MM-DD` date (proleptic Gregorian), if valid.
pub fn iso_days(s: &str) -> Option<i32> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if !(1..=12).contains(&m) || d < 1 || d > month_days[(m - 1) as usize] {
        return None;
    }
    // days from civil (H. Hinnant's algorithm)
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    i32::try_from(era * 146_097 + doe - 719_468).ok()
}

// ---------------------------------------------------------------------------
// Writers

/// CSV rows, RFC 4180, on `csv_core` (the `csv` crate's writer): CRLF line
/// ends, a field quoted only when it holds a comma, a quote or a line end,
/// quotes inside doubled.
///
/// One rule is ours: an empty string is written `""`, so that it differs from a
/// null (nothing between the commas). The crate cannot express it: with
/// `QuoteStyle::Necessary` it quotes an empty field only when the field is the
/// whole record, the other styles quote every field (or every non-numeric one),
/// and it has no call to quote one field. So the core writer is used rather
/// than `csv::Writer`, whose buffer we could not write those two quotes into.
struct CsvRows {
    core: csv_core::Writer,
    row: Vec<u8>,
}

impl CsvRows {
    fn new() -> CsvRows {
        let core = csv_core::WriterBuilder::new()
            .terminator(csv_core::Terminator::CRLF)
            .quote_style(csv_core::QuoteStyle::Necessary)
            .build();
        CsvRows { core, row: Vec::with_capacity(1024) }
    }

    /// One row with its CRLF.
    fn row(&mut self, values: &[Value]) -> &[u8] {
        self.row.clear();
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                put(&mut self.row, 2, |out| self.core.delimiter(out));
            }
            let (text, string): (Cow<str>, bool) = match v {
                Value::Null => ("".into(), false),
                Value::Str(s) => (s.as_str().into(), true),
                Value::Int(i) => (i.to_string().into(), false),
                // Rust prints the shortest text that reads back to the same double
                Value::Float(f) => (f.to_string().into(), false),
                Value::Bool(b) => ((if *b { "true" } else { "false" }).into(), false),
                Value::Date(_, iso) => (iso.as_str().into(), false),
                Value::StrList(items) => (items.join(";").into(), true),
            };
            // Our rule (see above); in a record of one field the crate quotes it itself.
            if string && text.is_empty() && values.len() > 1 {
                self.row.extend_from_slice(b"\"\"");
                continue;
            }
            let bytes = text.as_bytes();
            // At worst an opening quote and every byte a doubled quote.
            put(&mut self.row, 1 + 2 * bytes.len(), |out| {
                let (result, read, written) = self.core.field(bytes, out);
                debug_assert_eq!(read, bytes.len());
                (result, written)
            });
        }
        // A closing quote, the quotes of a record of one empty field, CRLF.
        put(&mut self.row, 5, |out| self.core.terminator(out));
        &self.row
    }
}

/// Let `write` fill at most `room` more bytes of `row`: room enough, so the
/// core writer always takes its whole input.
fn put(row: &mut Vec<u8>, room: usize, write: impl FnOnce(&mut [u8]) -> (csv_core::WriteResult, usize)) {
    let start = row.len();
    row.resize(start + room, 0);
    let (result, written) = write(&mut row[start..]);
    debug_assert_eq!(result, csv_core::WriteResult::InputEmpty);
    row.truncate(start + written);
}

enum Builder {
    Str(StringBuilder),
    Int(Int32Builder),
    Float(Float64Builder),
    Bool(BooleanBuilder),
    Date(Date32Builder),
    StrList(ListBuilder<StringBuilder>),
}

impl Builder {
    fn new(kind: Kind) -> Builder {
        match kind {
            Kind::Str => Builder::Str(StringBuilder::new()),
            Kind::Int => Builder::Int(Int32Builder::new()),
            Kind::Float => Builder::Float(Float64Builder::new()),
            Kind::Bool => Builder::Bool(BooleanBuilder::new()),
            Kind::Date => Builder::Date(Date32Builder::new()),
            Kind::StrList => Builder::StrList(ListBuilder::new(StringBuilder::new())),
        }
    }

    fn push(&mut self, v: &Value) {
        match (self, v) {
            (Builder::Str(b), Value::Str(s)) => b.append_value(s),
            (Builder::Str(b), _) => b.append_null(),
            (Builder::Int(b), Value::Int(i)) => b.append_value(*i),
            (Builder::Int(b), _) => b.append_null(),
            (Builder::Float(b), Value::Float(f)) => b.append_value(*f),
            (Builder::Float(b), _) => b.append_null(),
            (Builder::Bool(b), Value::Bool(x)) => b.append_value(*x),
            (Builder::Bool(b), _) => b.append_null(),
            (Builder::Date(b), Value::Date(d, _)) => b.append_value(*d),
            (Builder::Date(b), _) => b.append_null(),
            (Builder::StrList(b), Value::StrList(items)) => {
                for s in items {
                    b.values().append_value(s);
                }
                b.append(true);
            }
            (Builder::StrList(b), _) => b.append(false),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Builder::Str(b) => Arc::new(b.finish()),
            Builder::Int(b) => Arc::new(b.finish()),
            Builder::Float(b) => Arc::new(b.finish()),
            Builder::Bool(b) => Arc::new(b.finish()),
            Builder::Date(b) => Arc::new(b.finish()),
            Builder::StrList(b) => Arc::new(b.finish()),
        }
    }
}

// Five of these live per batch: the size difference costs nothing, a box would add an indirection per row.
#[allow(clippy::large_enum_variant)]
enum Out {
    Csv(BufWriter<tempfile::NamedTempFile>, CsvRows),
    Parquet { writer: ArrowWriter<tempfile::NamedTempFile>, schema: SchemaRef, builders: Vec<Builder>, rows: usize },
}

/// One table being written to its temporary file.
struct TableFile {
    def: &'static TableDef,
    path: PathBuf,
    out: Out,
    rows: u64,
}

fn parquet_err(e: parquet::errors::ParquetError) -> io::Error {
    io::Error::other(e)
}

impl TableFile {
    fn create(def: &'static TableDef, dir: &Path, format: TableFormat) -> io::Result<TableFile> {
        let path = dir.join(format!("{}.{}", def.name, format.extension()));
        let tmp = crate::emit::temp_beside(&path)?;
        let out = match format {
            TableFormat::Csv => {
                let mut w = BufWriter::with_capacity(256 << 10, tmp);
                let mut rows = CsvRows::new();
                let header: Vec<Value> = def.column_names().map(Value::from).collect();
                w.write_all(rows.row(&header))?;
                Out::Csv(w, rows)
            }
            TableFormat::Parquet => {
                let schema = def.schema();
                let props = WriterProperties::builder().set_compression(Compression::SNAPPY).build();
                let writer = ArrowWriter::try_new(tmp, schema.clone(), Some(props)).map_err(parquet_err)?;
                let builders = def.columns.iter().map(|c| Builder::new(c.1)).collect();
                Out::Parquet { writer, schema, builders, rows: 0 }
            }
        };
        Ok(TableFile { def, path, out, rows: 0 })
    }

    fn push(&mut self, row: &[Value]) -> io::Result<()> {
        debug_assert_eq!(row.len(), self.def.columns.len());
        self.rows += 1;
        match &mut self.out {
            Out::Csv(w, rows) => w.write_all(rows.row(row)),
            Out::Parquet { builders, rows, .. } => {
                for (b, v) in builders.iter_mut().zip(row) {
                    b.push(v);
                }
                *rows += 1;
                if *rows >= BATCH_ROWS {
                    self.write_batch()?;
                }
                Ok(())
            }
        }
    }

    fn write_batch(&mut self) -> io::Result<()> {
        let Out::Parquet { writer, schema, builders, rows } = &mut self.out else { return Ok(()) };
        if *rows == 0 {
            return Ok(());
        }
        let columns: Vec<ArrayRef> = builders.iter_mut().map(Builder::finish).collect();
        let batch = RecordBatch::try_new(schema.clone(), columns).map_err(io::Error::other)?;
        *rows = 0;
        writer.write(&batch).map_err(parquet_err)?;
        if writer.in_progress_size() >= ROW_GROUP_BYTES {
            writer.flush().map_err(parquet_err)?;
        }
        Ok(())
    }

    /// Complete the file (flushed to disk) and rename it into place.
    fn finish(mut self) -> io::Result<PathBuf> {
        self.write_batch()?;
        let tmp = match self.out {
            Out::Csv(w, _) => w.into_inner().map_err(|e| e.into_error())?,
            Out::Parquet { writer, .. } => writer.into_inner().map_err(parquet_err)?,
        };
        tmp.as_file().sync_all()?;
        tmp.persist(&self.path).map_err(|e| e.error)?;
        Ok(self.path)
    }
}

/// Batch sink writing the tables into a directory (see the module header).
pub struct TablesSink {
    tables: Vec<TableFile>,
    seen: HashSet<String>,
    duplicates: usize,
}

impl TablesSink {
    /// Create the temporary files of every table in `dir` (which must exist), so that an
    /// unwritable destination is known before any work.
    pub fn create(dir: &Path, format: TableFormat) -> io::Result<TablesSink> {
        let tables = TABLES.iter().map(|&def| TableFile::create(def, dir, format)).collect::<io::Result<Vec<_>>>()?;
        Ok(TablesSink { tables, seen: HashSet::new(), duplicates: 0 })
    }

    /// Inputs left out of the tables as repeats of an earlier input (same file
    /// name and bytes).
    pub fn duplicates(&self) -> usize {
        self.duplicates
    }

    /// Rows written so far per table, in [`TABLES`] order.
    pub fn row_counts(&self) -> [u64; TABLE_COUNT] {
        std::array::from_fn(|i| self.tables[i].rows)
    }

    /// Complete every table and rename it into place; returns the paths written.
    pub fn finish(self) -> io::Result<Vec<PathBuf>> {
        self.tables.into_iter().map(TableFile::finish).collect()
    }
}

impl Sink for TablesSink {
    fn document(&mut self, input: &Path, doc: &Converted) -> Result<(), Error> {
        let source = &doc.head().source;
        let key = document_key(doc.head());
        if !self.seen.insert(key.clone()) {
            self.duplicates += 1;
            return Ok(());
        }
        // One objective's rows at a time (a long plan's objectives are read back
        // from its spool one by one).
        let mut rows = TableRows::default();
        let mut i = 0;
        // The table a write failed on (a failure to read the spool names the
        // first table, where the document's rows begin).
        let mut out = self.tables[0].path.clone();
        doc.for_each_objective(|o| {
            objective_rows(source, &key, i, &o, &mut rows);
            i += 1;
            for (table, rows) in self.tables.iter_mut().zip(rows.iter_mut()) {
                for row in rows.drain(..) {
                    table.push(&row).inspect_err(|_| out = table.path.clone())?;
                }
            }
            Ok(())
        })
        .map_err(|source| Error::Write { file: input.to_path_buf(), out, source })
    }
}

/// The tables built in memory as Arrow record batches, with the columns and types
/// of the Parquet files (`--tables-format parquet`) and the same rows: for handing
/// them to Arrow-based tools (the Python package) without a file. A document
/// repeating an earlier one (same file name and bytes) is left out, as in
/// [`TablesSink`].
pub struct ArrowTables {
    builders: Vec<Vec<Builder>>,
    seen: HashSet<String>,
}

impl Default for ArrowTables {
    fn default() -> Self {
        let builders = TABLES.iter().map(|def| def.columns.iter().map(|c| Builder::new(c.1)).collect()).collect();
        ArrowTables { builders, seen: HashSet::new() }
    }
}

impl ArrowTables {
    /// Add the rows of `doc`.
    pub fn push(&mut self, doc: &Document) {
        let key = document_key(doc);
        if !self.seen.insert(key.clone()) {
            return;
        }
        for (builders, rows) in self.builders.iter_mut().zip(rows_keyed(doc, &key)) {
            for row in rows {
                for (b, v) in builders.iter_mut().zip(&row) {
                    b.push(v);
                }
            }
        }
    }

    /// Every table (in [`TABLES`] order) as one record batch.
    pub fn finish(mut self) -> Vec<(&'static str, RecordBatch)> {
        TABLES
            .iter()
            .zip(self.builders.iter_mut())
            .map(|(def, builders)| {
                let columns: Vec<ArrayRef> = builders.iter_mut().map(Builder::finish).collect();
                let batch = RecordBatch::try_new(def.schema(), columns).expect("the builders follow the schema");
                (def.name, batch)
            })
            .collect()
    }
}

/// Read a finished Parquet table back (tests and tools): its schema and row count.
pub fn parquet_summary(path: &Path) -> io::Result<(SchemaRef, usize)> {
    let file = File::open(path)?;
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file).map_err(parquet_err)?;
    let schema = reader.schema().clone();
    let mut rows = 0;
    for batch in reader.build().map_err(parquet_err)? {
        rows += batch.map_err(io::Error::other)?.num_rows();
    }
    Ok((schema, rows))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        Baseline, DupLink, Indicator, Objective, Phase, ResponsibilityCenter, Source, Target, YearTarget,
        SCHEMA_VERSION,
    };

    #[test]
    fn arrow_tables_hold_the_rows_of_every_document_once() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut docs: Vec<Document> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().ends_with(".expected.json"))
            .map(|p| serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap())
            .collect();
        assert!(docs.len() >= 40);
        docs.sort_by(|a, b| a.source.file.cmp(&b.source.file));
        let mut want = [0usize; TABLE_COUNT];
        for d in &docs {
            for (w, r) in want.iter_mut().zip(rows(d)) {
                *w += r.len();
            }
        }
        let mut t = ArrowTables::default();
        for d in docs.iter().chain(docs.iter().take(3)) {
            t.push(d);
        }
        let got = t.finish();
        assert_eq!(got.iter().map(|(n, _)| *n).collect::<Vec<_>>(), TABLES.iter().map(|d| d.name).collect::<Vec<_>>());
        for ((_, batch), (def, w)) in got.iter().zip(TABLES.iter().zip(want)) {
            assert_eq!(batch.num_rows(), w, "{}", def.name);
            assert_eq!(batch.schema(), def.schema(), "{}", def.name);
        }
        assert!(want[0] > 100 && want[2] > 100, "{want:?}");
    }

    #[test]
    fn objective_grid_columns_are_the_labels_grid_fields() {
        // One source for the grid's field names: `labels::GridField`.
        let names: Vec<&str> = crate::labels::GridField::ALL.iter().map(|f| f.name()).collect();
        let cols: Vec<&str> = OBJECTIVES.columns[8..14].iter().map(|c| c.0).collect();
        assert_eq!(cols, names);
    }

    fn doc(file: &str, sha: &str) -> Document {
        let ind = |d: &str, value: Option<f64>, date: Option<&str>| Indicator {
            description: d.into(),
            kind: Some("efficacia".into()),
            target: Target {
                raw: "≥ 95%".into(),
                value,
                unit: Some("%".into()),
                comparator: Some(">=".into()),
                date: date.map(Into::into),
                boolean: None,
            },
            ..Default::default()
        };
        Document {
            schema_version: SCHEMA_VERSION.into(),
            source: Source { file: file.into(), sha256: sha.into(), pages: 3 },
            objectives: vec![
                Objective {
                    code: "2023_A1".into(),
                    year: Some(2023),
                    title: "Titolo, con \"virgolette\"".into(),
                    description: Some("riga uno\nriga due".into()),
                    dup_links: vec![DupLink {
                        label: "Missione".into(),
                        code: Some("01".into()),
                        text: "Servizi".into(),
                        refs: vec!["01".into(), "01.02".into()],
                    }],
                    indicators: vec![
                        v2_indicator(ind("Pratiche", Some(95.0), None)),
                        ind("Entro", None, Some("2023-12-31")),
                    ],
                    pages: vec![2, 3],
                    level: Some("SPECIFICO".into()),
                    responsibility_center: Some(ResponsibilityCenter {
                        code: Some("104".into()),
                        name: "DIREZIONE AFFARI GENERALI".into(),
                    }),
                    weight: Some(25.5),
                    purpose: Some("Ridurre i tempi,\n\n- uno;\n- due".into()),
                    phases: vec![
                        Phase {
                            description: "Ricognizione".into(),
                            weight: Some(30.0),
                            start: Some("2024-03-01".into()),
                            end: Some("2024-06-30".into()),
                            responsible: Some("ROSSI MARIO".into()),
                            responsibility_center: Some("104 - DIREZIONE".into()),
                            notes: None,
                        },
                        Phase {
                            description: "Avvio".into(),
                            weight: None,
                            start: Some("2024-02-30".into()),
                            notes: Some("".into()),
                            ..Default::default()
                        },
                    ],
                    achievement: Some(96.5),
                    ..Default::default()
                },
                Objective {
                    code: "2023_A1".into(),
                    title: "Stesso codice".into(),
                    pages: vec![3],
                    ..Default::default()
                },
            ],
            diagnostics: vec![],
        }
    }

    /// A target cell with a number (and a date when given).
    fn cell(raw: &str, value: Option<f64>, date: Option<&str>) -> Target {
        Target { raw: raw.into(), value, date: date.map(Into::into), ..Default::default() }
    }

    /// `ind` with every contract v2 field filled.
    fn v2_indicator(ind: Indicator) -> Indicator {
        Indicator {
            unit: Some("%".into()),
            weight: Some(40.0),
            baseline: Some(Baseline { year: Some(2023), value: cell("62%", Some(62.0), None) }),
            targets: vec![
                YearTarget { year: 2024, target: cell("100%", Some(100.0), None) },
                YearTarget { year: 2025, target: cell("entro il 31/12/2025", None, Some("2025-12-31")) },
                YearTarget { year: 2026, target: cell("", None, None) },
            ],
            actual: Some(Target { boolean: Some(true), ..cell("SI", None, None) }),
            achievement: Some(100.0),
            ..ind
        }
    }

    #[test]
    fn v2_fields_fill_the_new_columns_and_tables() {
        let a = doc("a.pdf", &"1".repeat(64));
        let [objs, _, inds, phases, targets] = rows(&a);
        let col = |def: &TableDef, name: &str| def.column_names().position(|c| c == name).unwrap();
        // New columns come after the v1 columns.
        assert_eq!(OBJECTIVES.columns[18].0, "indicator_count");
        assert_eq!(INDICATORS.columns[9].0, "target_boolean");
        let o = &objs[0];
        assert_eq!(o[col(&OBJECTIVES, "level")], Value::from("SPECIFICO"));
        assert_eq!(o[col(&OBJECTIVES, "responsibility_center_code")], Value::from("104"));
        assert_eq!(o[col(&OBJECTIVES, "responsibility_center_name")], Value::from("DIREZIONE AFFARI GENERALI"));
        assert_eq!(o[col(&OBJECTIVES, "weight")], Value::Float(25.5));
        assert_eq!(o[col(&OBJECTIVES, "achievement")], Value::Float(96.5));
        assert_eq!(o[col(&OBJECTIVES, "phase_count")], Value::Int(2));
        // The second objective has no v2 value: nulls and a zero count.
        let o = &objs[1];
        assert!([
            "level",
            "responsibility_center_code",
            "responsibility_center_name",
            "weight",
            "purpose",
            "achievement"
        ]
        .iter()
        .all(|c| o[col(&OBJECTIVES, c)] == Value::Null));
        assert_eq!(o[col(&OBJECTIVES, "phase_count")], Value::Int(0));

        let i = &inds[0];
        assert_eq!(i[col(&INDICATORS, "unit")], Value::from("%"));
        assert_eq!(i[col(&INDICATORS, "weight")], Value::Float(40.0));
        assert_eq!(i[col(&INDICATORS, "baseline_year")], Value::Int(2023));
        assert_eq!(i[col(&INDICATORS, "baseline_raw")], Value::from("62%"));
        assert_eq!(i[col(&INDICATORS, "baseline_value")], Value::Float(62.0));
        assert_eq!(i[col(&INDICATORS, "actual_raw")], Value::from("SI"));
        assert_eq!(i[col(&INDICATORS, "actual_value")], Value::Null);
        assert_eq!(i[col(&INDICATORS, "actual_boolean")], Value::Bool(true));
        assert_eq!(i[col(&INDICATORS, "achievement")], Value::Float(100.0));
        // No baseline, no actual: every flattened column null (not "").
        let i = &inds[1];
        let from = col(&INDICATORS, "unit");
        assert!(i[from..].iter().all(|v| *v == Value::Null), "{:?}", &i[from..]);

        assert_eq!(phases.len(), 2);
        assert_eq!(phases[0][4], Value::Date(19_783, "2024-03-01".into()));
        assert_eq!(phases[0][5], Value::Date(19_904, "2024-06-30".into()));
        assert_eq!(phases[1][3], Value::Null, "no weight");
        assert_eq!(phases[1][4], Value::Null, "not a date");
        assert_eq!(phases[1][8], Value::from(""), "empty notes stay an empty string");
        assert!(phases.iter().all(|r| r.len() == PHASES.columns.len()));

        assert_eq!(targets.len(), 3, "the per-year targets of the first indicator");
        let keys: Vec<(&Value, &Value, &Value, &Value)> =
            targets.iter().map(|r| (&r[0], &r[1], &r[2], &r[3])).collect();
        assert_eq!(keys[1], (&objs[0][0], &Value::Int(1), &Value::Int(2), &Value::Int(2025)));
        assert_eq!(targets[0][5], Value::Float(100.0));
        assert_eq!(targets[1][8], Value::Date(20_453, "2025-12-31".into()));
        assert_eq!(targets[2][4], Value::from(""));
        assert!(targets.iter().all(|r| r.len() == INDICATOR_TARGETS.columns.len()));
    }

    #[test]
    fn keys_are_stable_unique_and_independent_of_codes() {
        let a = doc("a.pdf", &"1".repeat(64));
        let [objs, dups, inds, phases, targets] = rows(&a);
        let keys: Vec<&Value> = objs.iter().map(|r| &r[0]).collect();
        assert_eq!(keys.len(), 2);
        assert_ne!(keys[0], keys[1], "the same code twice in one plan gets two keys");
        assert_eq!(rows(&a)[0], objs, "same document, same rows");
        // same bytes under another name, or other bytes under the same name: other keys
        assert_ne!(rows(&doc("b.pdf", &"1".repeat(64)))[0][0][0], objs[0][0]);
        assert_ne!(rows(&doc("a.pdf", &"2".repeat(64)))[0][0][0], objs[0][0]);
        assert!(dups.iter().chain(&inds).chain(&phases).chain(&targets).all(|r| r[0] == objs[0][0]));
        // (objective, position) and (objective, indicator, position) are unique.
        let unique = |keys: Vec<String>| keys.iter().collect::<HashSet<_>>().len() == keys.len();
        assert!(unique(phases.iter().map(|r| format!("{:?}", &r[..2])).collect()));
        assert!(unique(targets.iter().map(|r| format!("{:?}", &r[..3])).collect()));
        let Value::Str(k) = &objs[1][0] else { panic!() };
        assert_eq!(k, &format!("{}-2", document_key(&a)));
    }

    #[test]
    fn iso_dates_to_days() {
        assert_eq!(iso_days("1970-01-01"), Some(0));
        assert_eq!(iso_days("2020-12-31"), Some(18_627));
        assert_eq!(iso_days("2024-02-29"), Some(19_782));
        assert_eq!(iso_days("1969-12-31"), Some(-1));
        for bad in ["2023-02-29", "2023-13-01", "2023-00-10", "2023-1-01", "31/12/2020", ""] {
            assert_eq!(iso_days(bad), None, "{bad}");
        }
    }

    #[test]
    fn csv_rows_follow_rfc_4180() {
        let row = vec![
            Value::from("plain"),
            Value::from("a,b"),
            Value::from("say \"hi\""),
            Value::from("two\nlines"),
            Value::from(""),
            Value::Null,
            Value::Int(-3),
            Value::Float(0.1),
            Value::Bool(true),
            Value::StrList(vec!["x".into(), "y".into()]),
        ];
        assert_eq!(
            String::from_utf8(CsvRows::new().row(&row).to_vec()).unwrap(),
            "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"\",,-3,0.1,true,x;y\r\n"
        );
    }

    #[test]
    fn csv_empty_strings_are_quoted_and_nulls_are_not() {
        let mut rows = CsvRows::new();
        let row = [Value::StrList(vec![]), Value::from(""), Value::Null, Value::from("cr\r"), Value::from("")];
        assert_eq!(rows.row(&row), b"\"\",\"\",,\"cr\r\",\"\"\r\n");
        // the writer keeps no state from one row to the next
        assert_eq!(rows.row(&[Value::Null, Value::from("x")]), b",x\r\n");
        // a record of one empty field is quoted by the crate itself (no table has one column)
        assert_eq!(rows.row(&[Value::from("")]), b"\"\"\r\n");
    }

    #[test]
    fn csv_and_parquet_tables_have_the_same_rows() {
        let t = tempfile::tempdir().unwrap();
        for format in [TableFormat::Csv, TableFormat::Parquet] {
            let dir = t.path().join(format.extension());
            std::fs::create_dir(&dir).unwrap();
            let mut sink = TablesSink::create(&dir, format).unwrap();
            sink.document(Path::new("a.pdf"), &Converted::from(doc("a.pdf", &"1".repeat(64)))).unwrap();
            sink.document(Path::new("copy/a.pdf"), &Converted::from(doc("a.pdf", &"1".repeat(64)))).unwrap();
            sink.document(Path::new("b.pdf"), &Converted::from(doc("b.pdf", &"2".repeat(64)))).unwrap();
            assert_eq!(sink.duplicates(), 1);
            assert_eq!(sink.row_counts(), [4, 2, 4, 4, 6]);
            // nothing at the destination before finish
            assert_eq!(
                std::fs::read_dir(&dir)
                    .unwrap()
                    .filter(|e| !e.as_ref().unwrap().file_name().to_string_lossy().starts_with('.'))
                    .count(),
                0
            );
            let paths = sink.finish().unwrap();
            assert_eq!(paths.len(), 5);
            assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 5, "temporary files are gone");
            for (path, (def, rows)) in paths.iter().zip(TABLES.iter().zip([4usize, 2, 4, 4, 6])) {
                match format {
                    TableFormat::Csv => {
                        let text = std::fs::read_to_string(path).unwrap();
                        assert!(text.starts_with(&format!("{}\r\n", def.column_names().collect::<Vec<_>>().join(","))));
                        // one record per row, quoted line breaks inside
                        assert_eq!(text.matches("\r\n").count(), rows + 1, "{}", def.name);
                    }
                    TableFormat::Parquet => {
                        let (schema, n) = parquet_summary(path).unwrap();
                        assert_eq!(n, rows, "{}", def.name);
                        assert_eq!(
                            schema.fields().iter().map(|f| f.name().as_str()).collect::<Vec<_>>(),
                            def.column_names().collect::<Vec<_>>()
                        );
                    }
                }
            }
        }
        let (schema, _) = parquet_summary(&t.path().join("parquet/indicators.parquet")).unwrap();
        assert_eq!(schema.field_with_name("target_date").unwrap().data_type(), &DataType::Date32);
        assert_eq!(schema.field_with_name("target_value").unwrap().data_type(), &DataType::Float64);
        for name in ["baseline_date", "actual_date"] {
            assert_eq!(schema.field_with_name(name).unwrap().data_type(), &DataType::Date32);
        }
        assert_eq!(schema.field_with_name("baseline_year").unwrap().data_type(), &DataType::Int32);
        let (schema, _) = parquet_summary(&t.path().join("parquet/dup_links.parquet")).unwrap();
        assert!(matches!(schema.field_with_name("refs").unwrap().data_type(), DataType::List(_)));
        let (schema, _) = parquet_summary(&t.path().join("parquet/phases.parquet")).unwrap();
        assert_eq!(schema.field_with_name("start").unwrap().data_type(), &DataType::Date32);
        assert_eq!(schema.field_with_name("weight").unwrap().data_type(), &DataType::Float64);
        let (schema, _) = parquet_summary(&t.path().join("parquet/indicator_targets.parquet")).unwrap();
        assert_eq!(schema.field_with_name("date").unwrap().data_type(), &DataType::Date32);
        // CSV: dates as ISO text, an invalid one as null.
        let phases = std::fs::read_to_string(t.path().join("csv/phases.csv")).unwrap();
        assert!(phases.contains(",30,2024-03-01,2024-06-30,ROSSI MARIO,104 - DIREZIONE,\r\n"), "{phases}");
        assert!(phases.contains(",Avvio,,,,,,\"\"\r\n"), "{phases}");
    }
}
