//! Replays every input committed under `tests/fuzz_regressions/` (crashes, timeouts
//! and interesting inputs found by the fuzz targets in `fuzz/`) through the per-file
//! pipeline, as the `convert` fuzz target does: `convert_bytes`, then the JSON and
//! NDJSON emitters on its result. A returned error is fine; a panic, invalid emitter
//! output or a run longer than the time limit fails the test.
//!
//! * `*.content`: an input of the `content` target (one page's content stream); it
//!   is wrapped into the same one-page PDF as in the fuzzer (`fuzz/src/wrap.rs`).
//! * any other file: PDF bytes as given (the `convert` target).
//!
//! Each input runs on a thread with the batch runner's 32 MiB stack, as in the
//! command line. `PERFPLAN_FUZZ_REGRESSION_SECS` sets the time limit per input and
//! run (default 60 s; a release build takes well under a second). With
//! `RUST_BACKTRACE=1` a failure shows the panic's stack as well as its message.

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use perfplan::pipeline::{convert_bytes, Options};

#[path = "../fuzz/src/wrap.rs"]
mod wrap;

const WORKER_STACK: usize = 32 << 20;

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

fn inputs() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| !n.to_string_lossy().starts_with('.')))
        .filter(|p| p.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    files.sort();
    files
}

/// What the `convert` fuzz target checks, for both provenance settings.
fn replay(bytes: &[u8]) {
    for provenance in [false, true] {
        let opts = Options { provenance, ..Options::default() };
        if let Ok(doc) = convert_bytes("fuzz.pdf", bytes, &opts) {
            let json = perfplan::emit::to_json(&doc);
            serde_json::from_str::<serde_json::Value>(&json).expect("to_json wrote invalid JSON");
            for line in perfplan::emit::to_ndjson(&doc).lines() {
                serde_json::from_str::<serde_json::Value>(line).expect("to_ndjson wrote an invalid line");
            }
        }
    }
}

/// `Err(message)` when the input panics or runs past `limit`.
fn run_one(path: &Path, limit: Duration) -> Result<Duration, String> {
    let raw = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    let bytes = if path.extension().is_some_and(|e| e == "content") { wrap::wrap_content(&raw) } else { raw };
    let (tx, rx) = mpsc::channel();
    let start = Instant::now();
    std::thread::Builder::new()
        .stack_size(WORKER_STACK)
        .name(format!("replay {}", path.display()))
        .spawn(move || {
            let outcome = panic::catch_unwind(AssertUnwindSafe(|| replay(&bytes)));
            // A panic caught inside the pipeline (the extractor wraps lopdf) is handled
            // input; only one escaping the pipeline counts.
            let report = LAST_PANIC.with(|p| p.borrow_mut().take());
            let _ = tx.send(outcome.map_err(|_| report.unwrap_or_else(|| "panic (no message)".into())));
        })
        .map_err(|e| format!("cannot spawn: {e}"))?;
    match rx.recv_timeout(limit) {
        Ok(Ok(())) => Ok(start.elapsed()),
        Ok(Err(panic)) => Err(format!("panicked: {panic}")),
        // the thread is left running; the test fails and the process ends
        Err(_) => Err(format!("still running after {limit:?} (hang or far too slow)")),
    }
}

#[test]
fn fuzz_regression_inputs_do_not_panic() {
    panic::set_hook(Box::new(|info| {
        // with RUST_BACKTRACE=1, the stack too
        let trace = std::backtrace::Backtrace::capture();
        let report = match trace.status() {
            std::backtrace::BacktraceStatus::Captured => format!("{info}\nstack backtrace:\n{trace}"),
            _ => format!("{info}"),
        };
        LAST_PANIC.with(|p| *p.borrow_mut() = Some(report));
    }));
    let limit = Duration::from_secs(
        std::env::var("PERFPLAN_FUZZ_REGRESSION_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(60),
    );
    let files = inputs();
    assert!(!files.is_empty(), "tests/fuzz_regressions/ holds no input");
    let mut failures = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        match run_one(path, limit) {
            Ok(took) => eprintln!("ok    {name} ({took:.2?})"),
            Err(why) => {
                eprintln!("FAIL  {name}: {why}");
                failures.push(format!("{name}: {why}"));
            }
        }
    }
    let _ = panic::take_hook();
    assert!(
        failures.is_empty(),
        "{} of {} fuzz regression input(s) failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}
