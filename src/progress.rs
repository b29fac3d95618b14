//! Batch progress on stderr: files done of the total, objectives, errors, rate and
//! time left.
//!
//! Two renderings of one field list ([`Counts::fields`]): a bar redrawn in place
//! when stderr is a terminal, drawn by `indicatif` (redraw rate, terminal width,
//! a wrapped line, messages printed above the bar), and plain lines for logs
//! (after the first file, each time another tenth of the files is done, and at
//! least every [`LINE_EVERY`] of a long run), which are our own: off a terminal
//! indicatif draws nothing. The binary picks the mode; this module only counts
//! and formats, so both renderings are tested on strings.

use std::fmt::{self, Debug};
use std::io::{self, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle, TermLike};

use crate::pipeline::{FileReport, Status};

/// How progress is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// A bar on one terminal line, redrawn at most [`REDRAWS_PER_SECOND`] times a second.
    Bar,
    /// Plain lines.
    Lines,
    /// Nothing.
    Off,
}

/// Most redraws of the bar in a second (after a burst of a few at the start).
/// Drawing costs nothing measurable at that rate: converting the fixtures and
/// the dev corpora in a pseudo-terminal took 0.07 s with the bar and with
/// `--quiet` alike (15 runs each).
pub const REDRAWS_PER_SECOND: u8 = 20;
/// Longest interval between two plain lines while files keep finishing.
pub const LINE_EVERY: Duration = Duration::from_secs(10);

/// `[{bar}] {fields}`: the bar is indicatif's, the fields ours (see [`Counts::fields`]).
const BAR_TEMPLATE: &str = "[{bar:24}] {fields}";
/// Columns of the template before the fields.
const BAR_COLUMNS: usize = 27;

/// Counts of a running batch.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Counts {
    pub done: usize,
    pub total: usize,
    pub objectives: usize,
    pub errors: usize,
}

impl Counts {
    /// Files per second and the estimated time left, after `elapsed`.
    pub fn rate_and_eta(&self, elapsed: Duration) -> (f64, Option<Duration>) {
        let secs = elapsed.as_secs_f64();
        if self.done == 0 || secs <= 0.0 {
            return (0.0, None);
        }
        let rate = self.done as f64 / secs;
        let left = self.total.saturating_sub(self.done) as f64 / rate;
        (rate, left.is_finite().then(|| Duration::from_secs_f64(left)))
    }

    /// The counts, rate and time left, joined by `sep`: the text of both renderings.
    pub fn fields(&self, elapsed: Duration, sep: &str) -> String {
        let (rate, eta) = self.rate_and_eta(elapsed);
        [
            format!("{}/{} files", self.done, self.total),
            format!("{} objectives", self.objectives),
            format!("{} errors", self.errors),
            format!("{rate:.1} files/s"),
            format!("ETA {}", eta.map_or_else(|| "?".to_string(), clock)),
        ]
        .join(sep)
    }

    /// The plain-line rendering (no `perfplan:` prefix, no line end).
    pub fn line(&self, elapsed: Duration) -> String {
        self.fields(elapsed, ", ")
    }
}

/// `1:02:03`, `2:03` or `3s`.
pub fn clock(d: Duration) -> String {
    let s = d.as_secs_f64().round() as u64;
    match (s / 3600, s / 60 % 60, s % 60) {
        (0, 0, s) => format!("{s}s"),
        (0, m, s) => format!("{m}:{s:02}"),
        (h, m, s) => format!("{h}:{m:02}:{s:02}"),
    }
}

/// Progress of one batch, written to `out` (stderr in the binary).
pub struct Progress<W: Write> {
    /// Shared with the bar's [`Screen`], so messages and the bar go to one place.
    out: Arc<Mutex<W>>,
    mode: Mode,
    counts: Counts,
    start: Instant,
    last_line: Option<Instant>,
    /// Tenths of the total already reported as plain lines.
    tenths: usize,
    /// The bar, in [`Mode::Bar`].
    bar: Option<Bar>,
}

/// indicatif's bar and the counts it shows beside its own position and length.
struct Bar {
    bar: ProgressBar,
    tally: Arc<Tally>,
}

#[derive(Default)]
struct Tally {
    objectives: AtomicUsize,
    errors: AtomicUsize,
}

impl<W: Write + Send + 'static> Progress<W> {
    pub fn new(out: W, mode: Mode, total: usize) -> Self {
        Self::with_width(out, mode, total, None)
    }

    /// `width`: the bar's terminal width, or `None` for that of the terminal on
    /// stderr, asked at each redraw so a resized window is followed.
    fn with_width(out: W, mode: Mode, total: usize, width: Option<u16>) -> Self {
        let out = Arc::new(Mutex::new(out));
        let start = Instant::now();
        let bar = (mode == Mode::Bar).then(|| Bar::new(Screen { out: Arc::clone(&out), width }, total, start));
        Progress { out, mode, counts: Counts { total, ..Counts::default() }, start, last_line: None, tenths: 0, bar }
    }

    pub fn counts(&self) -> &Counts {
        &self.counts
    }

    /// One more file is done.
    pub fn file_done(&mut self, report: &FileReport) {
        self.counts.done += 1;
        self.counts.objectives += report.objectives;
        self.counts.errors += usize::from(report.status == Status::Failed);
        match self.mode {
            Mode::Off => {}
            Mode::Bar => {
                if let Some(bar) = &self.bar {
                    bar.show(&self.counts);
                }
            }
            Mode::Lines => {
                let now = Instant::now();
                let tenths = (10 * self.counts.done).checked_div(self.counts.total).unwrap_or(10);
                if tenths > self.tenths || self.last_line.is_none_or(|t| now - t >= LINE_EVERY) {
                    self.tenths = tenths;
                    let line = self.counts.line(now - self.start);
                    self.write(|out| writeln!(out, "perfplan: {line}"));
                    self.last_line = Some(now);
                }
            }
        }
    }

    /// Print a whole line (an error message) without tearing the bar: it is
    /// cleared, the line printed, and the bar drawn again below it.
    pub fn message(&mut self, line: &str) {
        match &self.bar {
            Some(bar) => bar.bar.suspend(|| self.write(|out| writeln!(out, "{line}"))),
            None => self.write(|out| writeln!(out, "{line}")),
        }
    }

    /// Remove the bar (before the summary line).
    pub fn finish(&mut self) {
        if let Some(bar) = &self.bar {
            bar.bar.finish_and_clear();
        }
    }

    pub fn into_inner(mut self) -> W {
        // The bar holds the other reference to the writer.
        self.bar = None;
        let out = Arc::try_unwrap(self.out).unwrap_or_else(|_| unreachable!("the bar is gone"));
        out.into_inner().unwrap_or_else(PoisonError::into_inner)
    }

    /// Write and flush; progress is best effort, so a failed write is ignored.
    fn write(&self, f: impl FnOnce(&mut W) -> io::Result<()>) {
        let mut out = self.out.lock().unwrap_or_else(PoisonError::into_inner);
        let _ = f(&mut out).and_then(|()| out.flush());
    }
}

impl Bar {
    fn new<W: Write + Send + 'static>(screen: Screen<W>, total: usize, start: Instant) -> Self {
        let tally = Arc::new(Tally::default());
        let shown = Arc::clone(&tally);
        let width = screen.width;
        let fields = move |state: &ProgressState, w: &mut dyn fmt::Write| {
            let counts = Counts {
                done: state.pos() as usize,
                total: state.len().unwrap_or_default() as usize,
                objectives: shown.objectives.load(Ordering::Relaxed),
                errors: shown.errors.load(Ordering::Relaxed),
            };
            let text = counts.fields(start.elapsed(), "  ");
            // Whole fields that fit the terminal's width: the bar stays on one row
            // of an 80-column terminal, where the whole line is a little wider.
            let room = usize::from(terminal_width(width)).saturating_sub(BAR_COLUMNS);
            let mut end = text.len();
            while end > room {
                end = text[..end].rfind("  ").unwrap_or(0);
            }
            let _ = w.write_str(&text[..end]);
        };
        let style = ProgressStyle::with_template(BAR_TEMPLATE)
            .expect("a valid template")
            .progress_chars("#-")
            .with_key("fields", fields);
        // A bar of a MultiProgress, for `set_move_cursor`: a redraw goes back to
        // the start of the line and overwrites it (padded to the terminal width)
        // instead of erasing it first, so the bar does not flicker.
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::term_like_with_hz(
            Box::new(screen),
            REDRAWS_PER_SECOND,
        ));
        multi.set_move_cursor(true);
        let bar = multi.add(ProgressBar::new(total as u64).with_style(style));
        Bar { bar, tally }
    }

    fn show(&self, counts: &Counts) {
        self.tally.objectives.store(counts.objectives, Ordering::Relaxed);
        self.tally.errors.store(counts.errors, Ordering::Relaxed);
        self.bar.set_position(counts.done as u64);
        if counts.done == counts.total {
            // The rate limit may have skipped the last redraws: show the end.
            self.bar.force_draw();
        }
    }
}

/// The terminal the bar is drawn on, for indicatif: our writer, so the bar goes
/// where the messages go (and, in tests, into a buffer). Plain VT100 sequences:
/// `\r`, erase to the end of the line, cursor moves.
struct Screen<W> {
    out: Arc<Mutex<W>>,
    width: Option<u16>,
}

impl<W> Debug for Screen<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Screen").field("width", &self.width).finish_non_exhaustive()
    }
}

impl<W: Write + Send> Screen<W> {
    fn put(&self, s: &str) -> io::Result<()> {
        self.out.lock().unwrap_or_else(PoisonError::into_inner).write_all(s.as_bytes())
    }

    fn escape(&self, n: usize, code: char) -> io::Result<()> {
        if n == 0 {
            return Ok(());
        }
        self.put(&format!("\x1b[{n}{code}"))
    }
}

/// `fixed`, or the width of the terminal on stderr, where the binary draws its bar.
fn terminal_width(fixed: Option<u16>) -> u16 {
    fixed.unwrap_or_else(|| console::Term::stderr().size().1)
}

impl<W: Write + Send> TermLike for Screen<W> {
    fn width(&self) -> u16 {
        terminal_width(self.width)
    }
    fn move_cursor_up(&self, n: usize) -> io::Result<()> {
        self.escape(n, 'A')
    }
    fn move_cursor_down(&self, n: usize) -> io::Result<()> {
        self.escape(n, 'B')
    }
    fn move_cursor_right(&self, n: usize) -> io::Result<()> {
        self.escape(n, 'C')
    }
    fn move_cursor_left(&self, n: usize) -> io::Result<()> {
        self.escape(n, 'D')
    }
    fn write_line(&self, s: &str) -> io::Result<()> {
        self.put(&format!("{s}\n"))
    }
    fn write_str(&self, s: &str) -> io::Result<()> {
        self.put(s)
    }
    fn clear_line(&self) -> io::Result<()> {
        self.put("\r\x1b[K")
    }
    fn flush(&self) -> io::Result<()> {
        self.out.lock().unwrap_or_else(PoisonError::into_inner).flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(status: Status, objectives: usize) -> FileReport {
        FileReport {
            path: "x.pdf".into(),
            status,
            pages: Some(1),
            objectives,
            indicators: 0,
            diagnostics: Default::default(),
            error: None,
            error_kind: None,
            reused: false,
            duration_ms: 1,
        }
    }

    #[test]
    fn rate_eta_and_renderings() {
        let c = Counts { done: 30, total: 120, objectives: 75, errors: 2 };
        let (rate, eta) = c.rate_and_eta(Duration::from_secs(10));
        assert_eq!(rate, 3.0);
        assert_eq!(eta, Some(Duration::from_secs(30)));
        assert_eq!(c.line(Duration::from_secs(10)), "30/120 files, 75 objectives, 2 errors, 3.0 files/s, ETA 30s");
        assert_eq!(
            c.fields(Duration::from_secs(10), "  "),
            "30/120 files  75 objectives  2 errors  3.0 files/s  ETA 30s"
        );
        assert_eq!(
            Counts { total: 5, ..Default::default() }.line(Duration::ZERO),
            "0/5 files, 0 objectives, 0 errors, 0.0 files/s, ETA ?"
        );
        assert_eq!(clock(Duration::from_secs(62)), "1:02");
        assert_eq!(clock(Duration::from_secs(3723)), "1:02:03");
    }

    #[test]
    fn plain_lines_at_each_tenth_and_nothing_when_off() {
        let mut p = Progress::new(Vec::new(), Mode::Lines, 20);
        for i in 0..20 {
            p.file_done(&report(if i == 3 { Status::Failed } else { Status::Ok }, 2));
        }
        let text = String::from_utf8(p.into_inner()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        // the first file (a sign of life), then each tenth
        assert_eq!(lines.len(), 11, "{text}");
        assert!(lines[0].starts_with("perfplan: 1/20 files, 2 objectives, 0 errors, "), "{text}");
        assert!(lines[1].starts_with("perfplan: 2/20 files, 4 objectives, 0 errors, "), "{text}");
        assert!(lines[2].starts_with("perfplan: 4/20 files, 8 objectives, 1 errors, "), "{text}");
        assert!(lines[10].starts_with("perfplan: 20/20 files, 40 objectives, 1 errors, "), "{text}");
        assert!(!text.contains('\r'));

        let mut off = Progress::new(Vec::new(), Mode::Off, 3);
        off.file_done(&report(Status::Ok, 1));
        off.message("perfplan: error: x");
        assert_eq!(String::from_utf8(off.into_inner()).unwrap(), "perfplan: error: x\n");
    }

    #[test]
    fn the_bar_is_indicatifs_with_our_fields() {
        let mut p = Progress::with_width(Vec::new(), Mode::Bar, 120, Some(100));
        for i in 0..30 {
            p.file_done(&report(if i % 15 == 0 { Status::Failed } else { Status::Ok }, 3));
        }
        p.bar.as_ref().unwrap().bar.force_draw();
        let text = String::from_utf8(p.into_inner()).unwrap();
        let last = text.rsplit('\r').find(|draw| draw.starts_with('[')).unwrap();
        assert!(last.starts_with("[######------------------] 30/120 files  90 objectives  2 errors  "), "{text:?}");
        assert_eq!(last.len(), 100, "padded to the terminal width: {last:?}");
    }

    #[test]
    fn the_bar_stays_on_one_row_of_a_narrow_terminal() {
        let mut p = Progress::with_width(Vec::new(), Mode::Bar, 2, Some(60));
        p.file_done(&report(Status::Ok, 3));
        let text = String::from_utf8(p.into_inner()).unwrap();
        let first = text.split('\r').nth(1).unwrap();
        assert_eq!(first.trim_end(), "[############------------] 1/2 files  3 objectives  0 errors", "{text:?}");
        assert!(!text.contains("\x1b[1A"), "no wrapped row to go back up to: {text:?}");
    }

    #[test]
    fn the_bar_redraws_in_place_and_messages_do_not_tear_it() {
        let mut p = Progress::with_width(Vec::new(), Mode::Bar, 2, Some(100));
        p.file_done(&report(Status::Ok, 3));
        p.message("perfplan: error: bad.pdf: not a PDF");
        p.file_done(&report(Status::Failed, 0));
        p.finish();
        let text = String::from_utf8(p.into_inner()).unwrap();
        assert!(text.starts_with("\r[############------------] 1/2 files  3 objectives  0 errors"), "{text:?}");
        assert!(text.contains("\r\x1b[Kperfplan: error: bad.pdf: not a PDF\n\r[####"), "{text:?}");
        assert!(text.contains("2/2 files  3 objectives  1 errors"), "{text:?}");
        assert!(text.ends_with("\r\x1b[K"), "the bar is cleared at the end: {text:?}");
    }
}
