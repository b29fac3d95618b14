//! A request to stop a batch from outside it (the binary's signal handler, a
//! host application's cancel button). The first request lets the files in
//! progress finish and starts no more; the second abandons those too. Either
//! way the batch ends normally: outputs complete what they can, temporary files
//! go, the run report is written.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::OnceLock;

/// Shared between whoever interrupts and the batch ([`super::BatchOptions::interrupt`]).
#[derive(Debug, Default)]
pub struct Interrupt {
    /// Requests so far (saturating).
    level: AtomicU8,
    /// What the first request was (a signal's name: `SIGINT`, `SIGTERM`).
    cause: OnceLock<&'static str>,
}

impl Interrupt {
    pub fn new() -> Self {
        Self::default()
    }

    /// Record one request, caused by `cause`; returns how many there have been:
    /// 1 finish the files in progress and start no more, 2 or more abandon them.
    pub fn request(&self, cause: &'static str) -> u8 {
        let _ = self.cause.set(cause);
        let before = self
            .level
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |l| Some(l.saturating_add(1)))
            .unwrap_or(u8::MAX);
        before.saturating_add(1)
    }

    /// No file is to be started any more.
    pub fn stopping(&self) -> bool {
        self.level.load(Ordering::Acquire) >= 1
    }

    /// The files in progress are to be abandoned too.
    pub fn abandoning(&self) -> bool {
        self.level.load(Ordering::Acquire) >= 2
    }

    /// The cause of the first request, once there was one.
    pub fn cause(&self) -> Option<&'static str> {
        self.cause.get().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_escalate_and_keep_the_first_cause() {
        let i = Interrupt::new();
        assert!(!i.stopping() && !i.abandoning() && i.cause().is_none());
        assert_eq!(i.request("SIGTERM"), 1);
        assert!(i.stopping() && !i.abandoning());
        assert_eq!(i.request("SIGINT"), 2);
        assert!(i.abandoning());
        assert_eq!(i.cause(), Some("SIGTERM"));
        for _ in 0..300 {
            i.request("SIGINT");
        }
        assert_eq!(i.request("SIGINT"), u8::MAX);
    }
}
