//! The panic boundary: a bug anywhere in the stages fails one file with
//! [`Error::Panic`] (message and location) instead of taking the process down, and
//! the panic hook stays quiet inside it.

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::sync::Once;

use crate::error::Error;

thread_local! {
    /// Set while this thread runs inside [`guarded`]: the hook stays quiet then.
    static IN_BOUNDARY: Cell<bool> = const { Cell::new(false) };
    /// Where the last quiet panic of this thread happened.
    static PANIC_AT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Install (once per process) a panic hook that stays quiet for panics inside the
/// boundary (their message ends up in [`Error::Panic`]) and defers to the previous
/// hook everywhere else. With `PERFPLAN_PANIC_TRACE=1` in the environment, boundary
/// panics go to the previous hook too (message, location, backtrace on stderr).
fn install_quiet_hook() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        let verbose = std::env::var_os("PERFPLAN_PANIC_TRACE").is_some_and(|v| !v.is_empty() && v != "0");
        panic::set_hook(Box::new(move |info| {
            if IN_BOUNDARY.with(Cell::get) {
                let at = info.location().map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
                PANIC_AT.with(|p| *p.borrow_mut() = at);
                if !verbose {
                    return;
                }
            }
            previous(info)
        }));
    });
}

/// Run `f`; a panic inside becomes `Error::Panic` for `file`.
pub fn guarded<T>(file: &Path, f: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    install_quiet_hook();
    let outer = IN_BOUNDARY.with(|b| b.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    IN_BOUNDARY.with(|b| b.set(outer));
    result.unwrap_or_else(|payload| {
        let what = panic_text(payload.as_ref());
        let message = match PANIC_AT.with(|p| p.borrow_mut().take()) {
            Some(at) => format!("{what} (at {at})"),
            None => what,
        };
        Err(Error::Panic { file: file.to_path_buf(), message })
    })
}

pub(super) fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic payload".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guarded_turns_panic_into_error_with_message() {
        let r: Result<(), Error> = guarded(Path::new("f.pdf"), || panic!("boom {}", 42));
        match r {
            Err(Error::Panic { file, message }) => {
                assert_eq!(file, Path::new("f.pdf"));
                assert!(message.starts_with("boom 42 (at "), "{message}");
                assert!(message.contains("pipeline/guard.rs"), "{message}");
            }
            other => panic!("expected a panic error, got {other:?}"),
        }
        // The boundary is left again: the flag is off outside.
        assert!(!IN_BOUNDARY.with(Cell::get));
    }
}
