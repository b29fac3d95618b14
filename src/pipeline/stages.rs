//! Where a process's conversion time goes, by stage: thread time summed over
//! every file and page (pages laid out on several threads add up), kept in
//! process-wide counters that cost a clock read per stage and page. Read by
//! `perfplan convert` when `PERFPLAN_STAGE_TIMES=1` (the profile by stage in
//! BENCHMARKS.md, written by `bench/compare.sh`).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The stages timed, in pipeline order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Reading the file and opening the PDF (xref, objects, decryption).
    Open,
    /// Drawing each page's content into glyphs and rules.
    Extract,
    /// Glyphs and rules -> words, lines, cells.
    Layout,
    /// The sheet parser.
    Parse,
    /// Serializing and writing the outputs.
    Emit,
}

impl Stage {
    pub const ALL: [Stage; 5] = [Stage::Open, Stage::Extract, Stage::Layout, Stage::Parse, Stage::Emit];

    pub fn name(self) -> &'static str {
        match self {
            Stage::Open => "open",
            Stage::Extract => "extract",
            Stage::Layout => "layout",
            Stage::Parse => "parse",
            Stage::Emit => "emit",
        }
    }
}

static NANOS: [AtomicU64; 5] = [const { AtomicU64::new(0) }; 5];

/// Run `f`, adding its time to `stage`.
pub fn timed<T>(stage: Stage, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    let ns = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
    NANOS[stage as usize].fetch_add(ns, Ordering::Relaxed);
    out
}

/// The time spent in each stage so far, in pipeline order.
pub fn stage_times() -> Vec<(Stage, Duration)> {
    Stage::ALL.iter().map(|&s| (s, Duration::from_nanos(NANOS[s as usize].load(Ordering::Relaxed)))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_adds_up_per_stage() {
        let before = stage_times();
        let x = timed(Stage::Emit, || {
            std::thread::sleep(Duration::from_millis(5));
            7
        });
        assert_eq!(x, 7);
        let after = stage_times();
        let emit = |v: &[(Stage, Duration)]| v.iter().find(|(s, _)| *s == Stage::Emit).unwrap().1;
        assert!(emit(&after) - emit(&before) >= Duration::from_millis(5));
    }
}
