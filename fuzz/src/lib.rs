//! Shared harness for perfplan's fuzz targets.
//!
//! * [`run`]: runs one input the way the command line does (on a thread with the
//!   batch runner's 32 MiB worker stack) and turns every panic that escapes the
//!   pipeline into an abort, with the panic's message, location and backtrace on
//!   stderr, so libFuzzer records a crash.
//! * [`install_panic_hook`]: by default only panics that *escape* are crashes; a
//!   panic that the extractor catches itself (it wraps lopdf in `catch_unwind`) is
//!   handled input, exactly as in production. `PERFPLAN_FUZZ_STRICT=1` keeps
//!   libFuzzer's own hook instead, which aborts on every panic, caught or not
//!   (finds lopdf panics that the extractor swallows).
//! * [`wrap_content`]: a one-page PDF around a content stream (the `content` target;
//!   `src/wrap.rs`, std only, also used by `tests/fuzz_regressions.rs`).
//! * [`pipeline`]: what both targets run on a PDF: `convert_bytes`, then the emitters.

use std::backtrace::Backtrace;
use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};

use perfplan::pipeline::{convert_bytes, Options};

mod wrap;
pub use wrap::wrap_content;

/// The batch runner's worker stack (`WORKER_STACK` in `src/pipeline/batch.rs`).
pub const WORKER_STACK: usize = 32 << 20;

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Call from the target's `init:` block (after libfuzzer-sys has set its hook).
pub fn install_panic_hook() {
    if std::env::var_os("PERFPLAN_FUZZ_STRICT").is_some_and(|v| !v.is_empty() && v != "0") {
        return; // libfuzzer-sys' hook: print, then abort on any panic
    }
    panic::set_hook(Box::new(|info| {
        // Remember it; whether it is a crash is known only when it escapes.
        let report = format!("{info}\nstack backtrace:\n{}", Backtrace::force_capture());
        LAST_PANIC.with(|p| *p.borrow_mut() = Some(report));
    }));
}

/// Run `f` on a worker-sized stack; a panic escaping `f` aborts the process.
pub fn run(f: impl FnOnce() + Send) {
    std::thread::scope(|s| {
        let worker = std::thread::Builder::new().stack_size(WORKER_STACK).spawn_scoped(s, move || {
            if panic::catch_unwind(AssertUnwindSafe(f)).is_err() {
                let report = LAST_PANIC.with(|p| p.borrow_mut().take());
                eprintln!(
                    "perfplan-fuzz: panic escaped the pipeline: {}",
                    report.as_deref().unwrap_or("(no message recorded)")
                );
                std::process::abort();
            }
            LAST_PANIC.with(|p| p.borrow_mut().take());
        });
        worker.expect("spawn fuzz worker").join().expect("fuzz worker");
    });
}

/// The per-file pipeline as the command line runs it, plus the emitters on its
/// result. A returned error is fine; a panic is a bug.
pub fn pipeline(bytes: &[u8]) {
    // Provenance on for odd lengths, so both output shapes are exercised.
    let opts = Options { provenance: bytes.len() % 2 == 1, ..Options::default() };
    if let Ok(doc) = convert_bytes("fuzz.pdf", bytes, &opts) {
        let json = perfplan::emit::to_json(&doc);
        // The emitter's output is always valid JSON.
        serde_json::from_str::<serde_json::Value>(&json).expect("to_json wrote invalid JSON");
        for line in perfplan::emit::to_ndjson(&doc).lines() {
            serde_json::from_str::<serde_json::Value>(line).expect("to_ndjson wrote an invalid line");
        }
    }
}
