//! Batch progress on stderr: files done of the total, objectives, errors, rate and
//! time left.
//!
//! Two renderings: a bar redrawn in place (`\r`) when stderr is a terminal, and
//! plain lines for logs (after the first file, each time another tenth of the
//! files is done, and at least every [`LINE_EVERY`] of a long run). The binary picks the mode; this
//! module only counts and formats, so both renderings are tested on strings.

use std::io::Write;
use std::time::{Duration, Instant};

use crate::pipeline::{FileReport, Status};

/// How progress is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// A bar on one terminal line, redrawn at most every [`REDRAW_EVERY`].
    Bar,
    /// Plain lines.
    Lines,
    /// Nothing.
    Off,
}

/// Shortest interval between two redraws of the bar.
pub const REDRAW_EVERY: Duration = Duration::from_millis(100);
/// Longest interval between two plain lines while files keep finishing.
pub const LINE_EVERY: Duration = Duration::from_secs(10);

const BAR_WIDTH: usize = 24;

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

    /// The counts, rate and time left, joined by `sep`.
    fn fields(&self, elapsed: Duration, sep: &str) -> String {
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

    /// The bar rendering (no `\r`).
    pub fn bar(&self, elapsed: Duration) -> String {
        let filled = (BAR_WIDTH * self.done.min(self.total)).checked_div(self.total).unwrap_or(BAR_WIDTH);
        format!("[{}{}] {}", "#".repeat(filled), "-".repeat(BAR_WIDTH - filled), self.fields(elapsed, "  "))
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
    out: W,
    mode: Mode,
    counts: Counts,
    start: Instant,
    last_draw: Option<Instant>,
    /// Tenths of the total already reported as plain lines.
    tenths: usize,
    /// The bar is on screen (so a message must clear it first).
    drawn: bool,
}

impl<W: Write> Progress<W> {
    pub fn new(out: W, mode: Mode, total: usize) -> Self {
        Progress {
            out,
            mode,
            counts: Counts { total, ..Counts::default() },
            start: Instant::now(),
            last_draw: None,
            tenths: 0,
            drawn: false,
        }
    }

    pub fn counts(&self) -> &Counts {
        &self.counts
    }

    /// One more file is done.
    pub fn file_done(&mut self, report: &FileReport) {
        self.counts.done += 1;
        self.counts.objectives += report.objectives;
        self.counts.errors += usize::from(report.status == Status::Failed);
        let now = Instant::now();
        let elapsed = now - self.start;
        match self.mode {
            Mode::Off => {}
            Mode::Bar => {
                let last = self.counts.done == self.counts.total;
                if last || self.last_draw.is_none_or(|t| now - t >= REDRAW_EVERY) {
                    let bar = self.counts.bar(elapsed);
                    let _ = write!(self.out, "\r{bar}\x1b[K");
                    let _ = self.out.flush();
                    self.last_draw = Some(now);
                    self.drawn = true;
                }
            }
            Mode::Lines => {
                let tenths = (10 * self.counts.done).checked_div(self.counts.total).unwrap_or(10);
                if tenths > self.tenths || self.last_draw.is_none_or(|t| now - t >= LINE_EVERY) {
                    self.tenths = tenths;
                    let _ = writeln!(self.out, "perfplan: {}", self.counts.line(elapsed));
                    self.last_draw = Some(now);
                }
            }
        }
    }

    /// Print a whole line (an error message) without tearing the bar.
    pub fn message(&mut self, line: &str) {
        if self.drawn {
            let _ = write!(self.out, "\r\x1b[K");
        }
        let _ = writeln!(self.out, "{line}");
        if self.drawn {
            let bar = self.counts.bar(self.start.elapsed());
            let _ = write!(self.out, "\r{bar}\x1b[K");
        }
        let _ = self.out.flush();
    }

    /// Remove the bar (before the summary line).
    pub fn finish(&mut self) {
        if self.drawn {
            let _ = write!(self.out, "\r\x1b[K");
            let _ = self.out.flush();
            self.drawn = false;
        }
    }

    pub fn into_inner(self) -> W {
        self.out
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
            c.bar(Duration::from_secs(10)),
            "[######------------------] 30/120 files  75 objectives  2 errors  3.0 files/s  ETA 30s"
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
    fn the_bar_redraws_in_place_and_messages_do_not_tear_it() {
        let mut p = Progress::new(Vec::new(), Mode::Bar, 2);
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
