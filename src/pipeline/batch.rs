//! Batches: many files on a pool of worker threads, each file converted on a
//! watched thread of the worker's (kept from file to file, replaced after a
//! time-out), sinks' output staged on the workers, outcomes reordered into input
//! order and handed to the sinks, whose end is settled into the summary.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::convert::{convert_bytes_spooled, file_name, read_input_file, Options};
use super::guard::{guarded, panic_text};
use super::inputs::{StdinPdf, STDIN};
use super::interrupt::Interrupt;
use super::report::{BatchSummary, FileReport, SkipReason, Status};
use super::sink::{Sink, Stage, Staged};
use crate::error::{Error, ExtractError};
use crate::extract::{self, Limits};
use crate::spool::Converted;

/// How a batch runs (the conversion itself is tuned by [`Options`]).
#[derive(Clone, Debug)]
pub struct BatchOptions {
    /// Files converted in parallel (0 = one per core).
    pub jobs: usize,
    /// Time limit for one file (`None` = none). At the deadline the file fails
    /// with "timed out after N s" and the batch goes on without waiting for it.
    pub timeout: Option<Duration>,
    /// Stop starting files after the first failure (the others are `skipped`).
    pub fail_fast: bool,
    /// A file converted to no objective fails with [`Error::NoObjectives`] (and is
    /// not written).
    pub require_objectives: bool,
    /// Watched while the batch runs: once requested, no file is started any
    /// more; a second request abandons the files in progress (see
    /// [`Interrupt`]). The files not converted are skipped (`interrupted`).
    pub interrupt: Option<Arc<Interrupt>>,
}

impl Default for BatchOptions {
    fn default() -> Self {
        BatchOptions {
            jobs: 0,
            timeout: Some(DEFAULT_TIMEOUT),
            fail_fast: false,
            require_objectives: false,
            interrupt: None,
        }
    }
}

/// How often a waiting worker looks at the [`Interrupt`].
const INTERRUPT_POLL: Duration = Duration::from_millis(50);

/// Default time limit for one file.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// What one worker hands back: the conversion, its staged output (one entry per
/// sink, `None` for the sinks that do not stage; empty when the conversion
/// failed), how long it took.
struct Outcome {
    result: Result<Converted, Error>,
    staged: Result<Vec<Option<Staged>>, Error>,
    duration: Duration,
    /// The document was read back from an output ([`Stage::existing`]).
    reused: bool,
}

/// What became of one input on a worker.
enum Done {
    Converted(Box<Outcome>),
    /// The same file name and bytes as the input at this index: not converted.
    Duplicate(usize),
    /// Abandoned in progress after a second interrupt.
    Interrupted,
}

/// What a worker needs to convert its files.
struct Worker<'a> {
    opts: &'a Arc<Options>,
    timeout: Option<Duration>,
    convert: &'a Arc<ConvertFn>,
    abandoned: &'a Arc<AtomicUsize>,
    /// Each sink's [`Stage`], in sink order.
    stages: &'a [Option<Arc<dyn Stage>>],
    /// The worker's conversion thread, kept from file to file.
    thread: Option<FileThread>,
    /// See [`BatchOptions::require_objectives`].
    require_objectives: bool,
    interrupt: Option<&'a Interrupt>,
}

impl Worker<'_> {
    /// Convert `input` (watched), or take the document a sink already holds for
    /// it ([`Stage::existing`]), and stage its output on this thread. `None`:
    /// abandoned after a second interrupt.
    fn run(&mut self, input: &Path) -> Option<Outcome> {
        let start = Instant::now();
        let existing = self.stages.iter().enumerate().find_map(|(i, stage)| {
            let stage = stage.as_ref()?;
            // A panic there only means converting the file again.
            let found = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| stage.existing(input, self.opts)));
            found.ok().flatten().map(|doc| (i, doc))
        });
        let kept = existing.as_ref().map(|(i, _)| *i);
        let (mut result, duration) = match existing {
            Some((_, doc)) => (Ok(Converted::from(doc)), start.elapsed()),
            None => self.watched(input)?,
        };
        if self.require_objectives && result.as_ref().is_ok_and(|doc| doc.objective_count() == 0) {
            result = Err(Error::NoObjectives { file: input.to_path_buf() });
        }
        let staged = match &result {
            Ok(doc) => self
                .stages
                .iter()
                .enumerate()
                .map(|(i, s)| match s {
                    Some(_) if kept == Some(i) => Ok(Some(Staged::Kept)),
                    Some(s) => guarded(input, || s.stage(input, doc)).map(Some),
                    None => Ok(None),
                })
                .collect(),
            Err(_) => Ok(Vec::new()),
        };
        Some(Outcome { result, staged, duration, reused: kept.is_some() })
    }
}

impl BatchSummary {
    /// Hand one outcome to the sinks and count it; returns true when the file failed.
    fn record(
        &mut self,
        input: &Path,
        outcome: Outcome,
        timeout: Option<Duration>,
        sinks: &mut [&mut dyn Sink],
    ) -> bool {
        if self.output_failed.is_some() {
            // An output already failed: the batch stopped, files still in
            // flight are not written.
            self.skip(input, SkipReason::OutputFailed, sinks);
            return true;
        }
        let Outcome { result, staged, duration, reused } = outcome;
        let written = result.and_then(|doc| {
            let mut staged = staged?.into_iter();
            // A file a sink fails to write is not given to the sinks after it.
            for sink in sinks.iter_mut() {
                match staged.next().flatten() {
                    None => sink.document(input, &doc)?,
                    Some(staged) => sink.document_staged(input, &doc, staged)?,
                }
            }
            Ok(doc)
        });
        let report = match written {
            Ok(doc) => {
                let mut report = FileReport::converted(input, &doc, duration);
                report.reused = reused;
                self.reused += usize::from(reused);
                self.objectives += report.objectives;
                self.indicators += report.indicators;
                self.warnings += report.diagnostics.warning + report.diagnostics.error;
                if report.status == Status::Recovered {
                    self.recovered += 1;
                }
                report
            }
            Err(e) => {
                self.failures += 1;
                if let Error::Write { source, .. } = &e {
                    if source.kind() != std::io::ErrorKind::BrokenPipe {
                        self.output_failed = Some(e.to_string());
                    }
                }
                sinks.iter_mut().for_each(|s| s.failure(input, &e));
                FileReport::failed(input, &e, timeout, duration)
            }
        };
        sinks.iter_mut().for_each(|s| s.outcome(&report));
        report.status == Status::Failed
    }

    fn skip(&mut self, input: &Path, why: SkipReason, sinks: &mut [&mut dyn Sink]) {
        self.skipped += 1;
        let report = FileReport::skipped(input, why);
        sinks.iter_mut().for_each(|s| s.outcome(&report));
    }

    fn duplicate(&mut self, input: &Path, first: &Path, sinks: &mut [&mut dyn Sink]) {
        self.duplicates += 1;
        let report = FileReport::duplicate(input, first);
        sinks.iter_mut().for_each(|s| s.outcome(&report));
    }

    /// Record what became of `inputs[i]`; returns true when it failed.
    fn done(
        &mut self,
        inputs: &[PathBuf],
        i: usize,
        done: Done,
        timeout: Option<Duration>,
        sinks: &mut [&mut dyn Sink],
    ) -> bool {
        match done {
            Done::Converted(outcome) => self.record(&inputs[i], *outcome, timeout, sinks),
            Done::Duplicate(first) => {
                self.duplicate(&inputs[i], &inputs[first], sinks);
                false
            }
            Done::Interrupted => {
                self.skip(&inputs[i], SkipReason::Interrupted, sinks);
                false
            }
        }
    }
}

/// Stack of the thread converting one file: deeply nested PDFs recurse deep in a
/// parser.
const WORKER_STACK: usize = extract::LARGE_STACK_BYTES;

/// The conversion run for each file (the tests swap in their own).
type ConvertFn = dyn Fn(&Path, &Options, Limits) -> Result<Converted, Error> + Send + Sync;

/// Convert `inputs`, `batch.jobs` files at a time, handing every outcome to `sinks`
/// (in their order) in input order as soon as it and all files before it are
/// done; then finish the sinks and settle what they report into the summary.
///
/// Each file is converted on a thread of its own, behind the panic boundary, and
/// watched: at `batch.timeout` its cancel flag is set (the extractor stops at its
/// next check), the file fails with "timed out after N s" and the batch goes on
/// without waiting for that thread. Files finish at most a few ahead of the oldest
/// unfinished one, so only that many documents are held in memory at a time.
pub fn convert_batch(
    inputs: &[PathBuf],
    opts: &Options,
    batch: &BatchOptions,
    sinks: &mut [&mut dyn Sink],
) -> BatchSummary {
    convert_batch_with_stdin(inputs, opts, batch, sinks, None)
}

/// [`convert_batch`] where the input [`STDIN`] (`-`) is the PDF in `stdin`.
pub fn convert_batch_with_stdin(
    inputs: &[PathBuf],
    opts: &Options,
    batch: &BatchOptions,
    sinks: &mut [&mut dyn Sink],
    stdin: Option<StdinPdf>,
) -> BatchSummary {
    let duplicate_of = super::inputs::find_duplicates(inputs, stdin.as_ref(), opts.max_file_size);
    let stdin = stdin.map(Arc::new);
    run_batch(
        inputs,
        &duplicate_of,
        opts,
        batch,
        sinks,
        Arc::new(move |path: &Path, opts: &Options, limits| match &stdin {
            Some(pdf) if path.as_os_str() == STDIN => guarded(path, || {
                if let Some(max) = pdf.over_limit {
                    let message = super::inputs::too_large_message(None, max);
                    return Err(Error::Extract {
                        file: path.to_path_buf(),
                        source: ExtractError::LimitExceeded(message),
                    });
                }
                convert_bytes_spooled(&pdf.name, std::borrow::Cow::Borrowed(&pdf.bytes), opts, limits)
                    .map_err(|source| Error::Extract { file: path.to_path_buf(), source })
            }),
            _ => guarded(path, || {
                let bytes = read_input_file(path, opts.max_file_size)?;
                convert_bytes_spooled(&file_name(path), std::borrow::Cow::Owned(bytes), opts, limits)
                    .map_err(|source| Error::Extract { file: path.to_path_buf(), source })
            }),
        }),
    )
}

/// Shared between the workers and the thread that records outcomes.
struct Queue {
    /// Next input index to start.
    next: usize,
    /// Every input before this index has been recorded.
    due: usize,
    /// No file is started any more (`fail_fast` after a failure).
    stop: bool,
}

fn run_batch(
    inputs: &[PathBuf],
    duplicate_of: &[Option<usize>],
    opts: &Options,
    batch: &BatchOptions,
    sinks: &mut [&mut dyn Sink],
    convert: Arc<ConvertFn>,
) -> BatchSummary {
    let start = Instant::now();
    let mut summary = BatchSummary { files: inputs.len(), ..Default::default() };
    let jobs = if batch.jobs == 0 { std::thread::available_parallelism().map_or(1, |n| n.get()) } else { batch.jobs };
    let jobs = jobs.clamp(1, inputs.len().max(1));
    // How far a worker may run ahead of the oldest unrecorded file: bounds the
    // documents waiting in the reorder buffer.
    let window = 4 * jobs;
    let mut opts = opts.clone();
    // The cores the jobs leave idle go to the pages of each file: `--jobs 1` on
    // two cores lays out a plan's pages on two threads; a full batch, on one.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    opts.page_threads = opts.page_threads.or(Some((cores / jobs).max(1)));
    let opts = Arc::new(opts);
    let stages: Vec<Option<Arc<dyn Stage>>> = sinks.iter().map(|s| s.stage()).collect();
    for sink in sinks.iter_mut() {
        sink.begin(inputs.len());
    }
    let abandoned = Arc::new(AtomicUsize::new(0));
    let queue = Mutex::new(Queue { next: 0, due: 0, stop: false });
    let moved = Condvar::new();
    let (tx, rx) = mpsc::channel::<(usize, Done)>();
    let lock = || queue.lock().unwrap_or_else(PoisonError::into_inner);
    let mut workers = 0;
    let new_worker = || Worker {
        opts: &opts,
        timeout: batch.timeout,
        convert: &convert,
        abandoned: &abandoned,
        stages: &stages,
        thread: None,
        require_objectives: batch.require_objectives,
        interrupt: batch.interrupt.as_deref(),
    };
    let stopping = || batch.interrupt.as_ref().is_some_and(|i| i.stopping());
    // What became of input `i` on `worker`.
    let work = |worker: &mut Worker, i: usize| match duplicate_of.get(i).copied().flatten() {
        Some(first) => Done::Duplicate(first),
        None => worker.run(&inputs[i]).map_or(Done::Interrupted, |o| Done::Converted(Box::new(o))),
    };
    std::thread::scope(|scope| {
        for w in 0..jobs {
            let tx = tx.clone();
            let (queue, moved) = (&queue, &moved);
            let mut worker = new_worker();
            let abandoned = &abandoned;
            let spawned = std::thread::Builder::new().name(format!("perfplan-{w}")).spawn_scoped(scope, move || loop {
                // Timed-out conversions still running take cores from the live ones
                // (and could make them time out too): while there are `jobs` of
                // them, give them up to one more time limit to stop.
                if let Some(until) = batch.timeout.and_then(|t| Instant::now().checked_add(t)) {
                    while abandoned.load(Ordering::Acquire) >= jobs && Instant::now() < until && !stopping() {
                        std::thread::sleep(Duration::from_millis(20));
                    }
                }
                let i = {
                    let mut q = queue.lock().unwrap_or_else(PoisonError::into_inner);
                    loop {
                        q.stop |= stopping();
                        if q.stop || q.next >= inputs.len() || q.next < q.due + window {
                            break;
                        }
                        q = match &batch.interrupt {
                            // Woken now and then to see an interrupt.
                            Some(_) => moved.wait_timeout(q, INTERRUPT_POLL).unwrap_or_else(PoisonError::into_inner).0,
                            None => moved.wait(q).unwrap_or_else(PoisonError::into_inner),
                        };
                    }
                    if q.stop || q.next >= inputs.len() {
                        break;
                    }
                    q.next += 1;
                    q.next - 1
                };
                let done = work(&mut worker, i);
                if let Done::Converted(outcome) = &done {
                    if batch.fail_fast && (outcome.result.is_err() || outcome.staged.is_err()) {
                        queue.lock().unwrap_or_else(PoisonError::into_inner).stop = true;
                        moved.notify_all();
                    }
                }
                if tx.send((i, done)).is_err() {
                    break;
                }
            });
            workers += usize::from(spawned.is_ok());
        }
        drop(tx);
        let mut pending = BTreeMap::new();
        let mut due = 0;
        for (i, done) in rx {
            pending.insert(i, done);
            while let Some(done) = pending.remove(&due) {
                let failed = summary.done(inputs, due, done, batch.timeout, sinks);
                due += 1;
                let mut q = lock();
                q.due = due;
                q.stop |= (failed && batch.fail_fast) || summary.output_failed.is_some();
                drop(q);
                moved.notify_all();
            }
        }
    });
    if workers == 0 {
        // Not even one worker thread to be had: convert here, one file at a time.
        let mut worker = new_worker();
        let mut q = lock();
        while q.next < inputs.len() && !q.stop && !stopping() {
            let i = q.next;
            q.next += 1;
            let done = work(&mut worker, i);
            let failed = summary.done(inputs, i, done, batch.timeout, sinks);
            q.stop |= (failed && batch.fail_fast) || summary.output_failed.is_some();
        }
    }
    // Every started file has been recorded; the rest were never started.
    let started = lock().next;
    let interrupted = batch.interrupt.as_ref().filter(|i| i.stopping()).and_then(|i| i.cause());
    let why = if interrupted.is_some() {
        SkipReason::Interrupted
    } else if summary.output_failed.is_some() {
        SkipReason::OutputFailed
    } else {
        SkipReason::FailFast
    };
    for input in &inputs[started.min(inputs.len())..] {
        summary.skip(input, why, sinks);
    }
    summary.interrupted = interrupted;
    summary.still_running = abandoned.load(Ordering::Acquire);
    summary.elapsed = start.elapsed();
    for sink in sinks.iter_mut() {
        let end = sink.finish(&summary);
        summary.settle(end);
    }
    summary
}

/// States of one file's conversion thread, for the hand-over at the deadline.
const RUNNING: u8 = 0;
const DONE: u8 = 1;
const ABANDONED: u8 = 2;

/// One file's conversion as handed to a [`FileThread`].
struct Job {
    input: PathBuf,
    opts: Arc<Options>,
    limits: Limits,
    state: Arc<AtomicU8>,
    abandoned: Arc<AtomicUsize>,
}

/// The thread a worker converts its files on, kept from one file to the next
/// (spawning a thread per file, with its stack and a fresh allocator heap, cost
/// more than converting a small PDF). A worker replaces it when it was abandoned
/// at a time-out (it then finishes its file alone and ends) or died.
struct FileThread {
    jobs: mpsc::Sender<Job>,
    results: mpsc::Receiver<Result<Converted, Error>>,
    handle: std::thread::JoinHandle<()>,
}

impl FileThread {
    fn spawn(convert: &Arc<ConvertFn>, name: String) -> std::io::Result<FileThread> {
        let (jobs, job_rx) = mpsc::channel::<Job>();
        let (result_tx, results) = mpsc::sync_channel(1);
        let convert = Arc::clone(convert);
        let handle = std::thread::Builder::new().name(name).stack_size(WORKER_STACK).spawn(move || {
            extract::declare_large_stack();
            for job in job_rx {
                let result = convert(&job.input, &job.opts, job.limits);
                if job.state.compare_exchange(RUNNING, DONE, Ordering::AcqRel, Ordering::Acquire).is_err() {
                    // The watchdog gave up on this file and counted it: uncount.
                    job.abandoned.fetch_sub(1, Ordering::AcqRel);
                }
                if result_tx.send(result).is_err() {
                    break; // abandoned: nobody waits for this result any more
                }
            }
        })?;
        Ok(FileThread { jobs, results, handle })
    }
}

impl Worker<'_> {
    /// Convert one file on the worker's [`FileThread`] (started if there is none)
    /// and wait for it, at most the time limit. On time-out the file's cancel flag
    /// is set and the thread is left to finish alone (the worker lets go of it);
    /// `abandoned` counts such threads while they still run. The same happens
    /// when the batch's [`Interrupt`] asks to abandon the files in progress:
    /// then `None`.
    fn watched(&mut self, input: &Path) -> Option<(Result<Converted, Error>, Duration)> {
        let (opts, timeout, convert, abandoned, slot, interrupt) =
            (self.opts, self.timeout, self.convert, self.abandoned, &mut self.thread, self.interrupt);
        let start = Instant::now();
        let cancel = Arc::new(AtomicBool::new(false));
        let limits = Limits {
            deadline: timeout.and_then(|t| start.checked_add(t)),
            cancel: Some(Arc::clone(&cancel)),
            ..Limits::default()
        };
        let state = Arc::new(AtomicU8::new(RUNNING));
        if slot.is_none() {
            let name = format!("perfplan-file-{}", std::thread::current().name().unwrap_or("main"));
            *slot = FileThread::spawn(convert, name).ok();
        }
        let job = Job {
            input: input.to_path_buf(),
            opts: Arc::clone(opts),
            limits: limits.clone(),
            state: Arc::clone(&state),
            abandoned: Arc::clone(abandoned),
        };
        let sent = slot.as_ref().is_some_and(|t| t.jobs.send(job).is_ok());
        let Some(thread) = slot.take().filter(|_| sent) else {
            // No thread to be had (resource exhaustion): convert here, unwatched.
            let result = convert(input, opts, limits);
            return Some((result, start.elapsed()));
        };
        let deadline = limits.deadline;
        let received = loop {
            // Without an interrupt to watch, one wait to the deadline; with one,
            // waits of INTERRUPT_POLL at most.
            let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            let wait = match (interrupt, left) {
                (None, None) => break thread.results.recv().map_err(|_| mpsc::RecvTimeoutError::Disconnected),
                (None, Some(left)) => left,
                (Some(_), left) => left.map_or(INTERRUPT_POLL, |l| l.min(INTERRUPT_POLL)),
            };
            match thread.results.recv_timeout(wait) {
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    let interrupted = interrupt.is_some_and(Interrupt::abandoning);
                    let timed_out = deadline.is_some_and(|d| Instant::now() >= d);
                    if !interrupted && !timed_out {
                        continue;
                    }
                    abandoned.fetch_add(1, Ordering::AcqRel);
                    if state.compare_exchange(RUNNING, ABANDONED, Ordering::AcqRel, Ordering::Acquire).is_ok() {
                        cancel.store(true, Ordering::Release);
                        drop(thread); // detached: it stops at its next cancellation check, then ends
                        if interrupted {
                            return None;
                        }
                        let error = Error::Extract { file: input.to_path_buf(), source: ExtractError::Timeout };
                        return Some((Err(error), start.elapsed()));
                    }
                    // It finished just now: its result is on its way.
                    abandoned.fetch_sub(1, Ordering::AcqRel);
                    break thread.results.recv().map_err(|_| mpsc::RecvTimeoutError::Disconnected);
                }
                received => break received,
            }
        };
        let result = match received {
            Ok(result) => {
                *slot = Some(thread); // ready for the next file
                result
            }
            Err(_) => {
                // The thread died without a result (a panic outside the per-file
                // boundary): report it; the next file gets a new thread.
                drop(thread.jobs);
                let message = match thread.handle.join() {
                    Err(payload) => panic_text(payload.as_ref()),
                    Ok(()) => "the conversion thread ended without a result".to_string(),
                };
                Err(Error::Panic { file: input.to_path_buf(), message })
            }
        };
        Some((result, start.elapsed()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DiagCode, Diagnostic, Document, Indicator, Level, Objective, Source, SCHEMA_VERSION};
    use crate::pipeline::convert::should_stop;
    use crate::pipeline::file_name;
    use crate::pipeline::report::RunReport;
    use std::fs;

    fn doc(objectives: usize, indicators_each: usize, diags: Vec<Level>) -> Document {
        Document {
            schema_version: SCHEMA_VERSION.into(),
            source: Source { file: "x.pdf".into(), sha256: String::new(), pages: 1 },
            objectives: (0..objectives)
                .map(|i| Objective {
                    code: format!("C{i}"),
                    indicators: vec![Indicator::default(); indicators_each],
                    ..Default::default()
                })
                .collect(),
            diagnostics: diags
                .into_iter()
                .map(|level| Diagnostic { level, page: None, code: "c".into(), message: "m".into() })
                .collect(),
        }
    }

    struct Recorder {
        order: Vec<String>,
        fail_write: &'static str,
        failures: Vec<String>,
    }
    impl Sink for Recorder {
        fn document(&mut self, input: &Path, _doc: &Converted) -> Result<(), Error> {
            self.order.push(file_name(input));
            if file_name(input) == self.fail_write {
                return Err(Error::Write {
                    file: input.into(),
                    out: "o".into(),
                    source: std::io::Error::other("disk full"),
                });
            }
            Ok(())
        }
        fn failure(&mut self, input: &Path, _error: &Error) {
            self.failures.push(file_name(input));
        }
    }

    #[test]
    fn batch_delivers_in_input_order_and_counts_failures() {
        let t = tempfile::tempdir().unwrap();
        let inputs: Vec<PathBuf> = (0..9).map(|i| t.path().join(format!("f{i}.pdf"))).collect();
        for p in &inputs[..5] {
            fs::write(p, b"not a pdf").unwrap();
        }
        // f5..f8 do not exist: Io errors. f0..f4 fail in extraction (stub panics today).
        for jobs in [1, 2, 4] {
            let mut sink = Recorder { order: vec![], fail_write: "", failures: vec![] };
            let batch = BatchOptions { jobs, ..Default::default() };
            let s = convert_batch(&inputs, &Options::default(), &batch, &mut [&mut sink]);
            assert_eq!(s.files, 9);
            assert_eq!(s.failures, 9);
            let want: Vec<String> = (0..9).map(|i| format!("f{i}.pdf")).collect();
            assert_eq!(sink.failures, want, "jobs={jobs}");
        }
    }

    #[test]
    fn summary_counts_documents_and_sink_errors() {
        let mut s = BatchSummary::default();
        let mut sink = Recorder { order: vec![], fail_write: "bad.pdf", failures: vec![] };
        let ms = Duration::from_millis(5);
        s.record(
            Path::new("a.pdf"),
            Outcome {
                result: Ok(doc(2, 3, vec![Level::Info, Level::Warning, Level::Error]).into()),
                staged: Ok(vec![]),
                duration: ms,
                reused: false,
            },
            None,
            &mut [&mut sink],
        );
        s.record(
            Path::new("bad.pdf"),
            Outcome {
                result: Ok(doc(5, 5, vec![Level::Warning]).into()),
                staged: Ok(vec![]),
                duration: ms,
                reused: false,
            },
            None,
            &mut [&mut sink],
        );
        let panic = Error::Panic { file: "c.pdf".into(), message: "x".into() };
        assert!(s.record(
            Path::new("c.pdf"),
            Outcome { result: Err(panic), staged: Ok(vec![]), duration: ms, reused: false },
            None,
            &mut [&mut sink]
        ));
        // A write error stops the batch: what comes after is skipped, not failed.
        assert_eq!((s.objectives, s.indicators, s.warnings, s.failures, s.skipped), (2, 6, 2, 1, 1));
        assert_eq!(sink.order, ["a.pdf", "bad.pdf"]);
        assert_eq!(sink.failures, ["bad.pdf"]);
        assert!(s.output_failed.as_deref().is_some_and(|e| e.contains("disk full")), "{:?}", s.output_failed);
    }

    /// A sink that keeps every file report.
    #[derive(Default)]
    struct Reports(Vec<FileReport>);
    impl Sink for Reports {
        fn document(&mut self, _input: &Path, _doc: &Converted) -> Result<(), Error> {
            Ok(())
        }
        fn outcome(&mut self, report: &FileReport) {
            self.0.push(report.clone());
        }
    }

    /// Run a batch of made-up inputs through `convert`.
    fn fake_batch(
        names: &[&str],
        batch: BatchOptions,
        convert: impl Fn(&Path, &Options, Limits) -> Result<Document, Error> + Send + Sync + 'static,
    ) -> (BatchSummary, Vec<FileReport>) {
        let inputs: Vec<PathBuf> = names.iter().map(PathBuf::from).collect();
        let mut sink = Reports::default();
        let s = run_batch(
            &inputs,
            &vec![None; inputs.len()],
            &Options::default(),
            &batch,
            &mut [&mut sink],
            Arc::new(move |p: &Path, o: &Options, l| convert(p, o, l).map(Converted::from)),
        );
        (s, sink.0)
    }

    fn statuses(files: &[FileReport]) -> Vec<(String, Status)> {
        files.iter().map(|f| (f.path.clone(), f.status)).collect()
    }

    #[test]
    fn a_first_interrupt_lets_the_file_in_progress_finish_and_starts_no_more() {
        let interrupt = Arc::new(Interrupt::new());
        let batch = BatchOptions { jobs: 1, interrupt: Some(Arc::clone(&interrupt)), ..Default::default() };
        let (s, files) = fake_batch(&["a.pdf", "b.pdf", "c.pdf", "d.pdf"], batch, move |p, _, _| {
            if p.to_str() == Some("b.pdf") {
                interrupt.request("SIGINT");
            }
            Ok(doc(1, 0, vec![]))
        });
        let got: Vec<(&str, Status, Option<&str>)> =
            files.iter().map(|f| (f.path.as_str(), f.status, f.error_kind.as_deref())).collect();
        assert_eq!(
            got,
            [
                ("a.pdf", Status::Ok, None),
                ("b.pdf", Status::Ok, None),
                ("c.pdf", Status::Skipped, Some("interrupted")),
                ("d.pdf", Status::Skipped, Some("interrupted")),
            ]
        );
        assert_eq!((s.skipped, s.failures, s.interrupted), (2, 0, Some("SIGINT")));
    }

    #[test]
    fn a_second_interrupt_abandons_the_file_in_progress() {
        let interrupt = Arc::new(Interrupt::new());
        let batch =
            BatchOptions { jobs: 2, timeout: None, interrupt: Some(Arc::clone(&interrupt)), ..Default::default() };
        let start = Instant::now();
        let (s, files) = fake_batch(&["a.pdf", "hang.pdf", "c.pdf"], batch, move |p, _, limits| {
            if p.to_str() == Some("hang.pdf") {
                interrupt.request("SIGTERM");
                interrupt.request("SIGTERM");
                // Hangs until cancelled (no time limit in this batch).
                while !should_stop(&limits) {
                    std::thread::sleep(Duration::from_millis(5));
                }
                return Err(Error::Extract { file: p.into(), source: ExtractError::Timeout });
            }
            Ok(doc(1, 0, vec![]))
        });
        assert!(start.elapsed() < Duration::from_secs(10));
        let hang = files.iter().find(|f| f.path == "hang.pdf").unwrap();
        assert_eq!((hang.status, hang.error_kind.as_deref()), (Status::Skipped, Some("interrupted")));
        assert_eq!(s.interrupted, Some("SIGTERM"));
        assert_eq!(s.failures, 0);
    }

    #[test]
    fn report_statuses_counts_and_diagnostics() {
        let (s, files) = fake_batch(&["ok.pdf", "rec.pdf", "bad.pdf"], BatchOptions::default(), |p, _, _| {
            match p.to_str().unwrap() {
                "ok.pdf" => Ok(doc(2, 3, vec![Level::Info, Level::Warning])),
                "rec.pdf" => {
                    let mut d = doc(1, 1, vec![]);
                    d.diagnostics.push(Diagnostic {
                        level: Level::Error,
                        page: Some(2),
                        code: DiagCode::PageExtractFailed.as_str().into(),
                        message: "m".into(),
                    });
                    Ok(d)
                }
                _ => Err(Error::Extract { file: p.into(), source: ExtractError::NotPdf("no %PDF- header".into()) }),
            }
        });
        assert_eq!((s.files, s.recovered, s.failures, s.skipped, s.objectives, s.indicators), (3, 1, 1, 0, 3, 7));
        assert_eq!(
            statuses(&files),
            [("ok.pdf".into(), Status::Ok), ("rec.pdf".into(), Status::Recovered), ("bad.pdf".into(), Status::Failed)]
        );
        let d = &files[0].diagnostics;
        assert_eq!((d.info, d.warning, d.error, d.list.len()), (1, 1, 0, 2));
        assert_eq!(files[2].error.as_deref(), Some("not a PDF: no %PDF- header"));
        assert_eq!(files[2].error_kind.as_deref(), Some("not_pdf"));
        let report = RunReport::new(files, &BatchOptions::default(), &s);
        let t = &report.totals;
        assert_eq!(
            (t.files, t.ok, t.recovered, t.failed, t.skipped, t.objectives, t.indicators),
            (3, 1, 1, 1, 0, 3, 7)
        );
        assert_eq!((t.diagnostics.info, t.diagnostics.warning, t.diagnostics.error), (1, 1, 1));
        assert_eq!(t.failed_by_kind.get("not_pdf"), Some(&1));
        assert_eq!(report.timeout_per_file_s, Some(60.0));
        let v: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
        assert_eq!(v["files"][1]["status"], "recovered");
        assert_eq!(v["files"][1]["diagnostics"]["list"][0]["code"], "page.extract_failed");
        assert_eq!(v["perfplan_version"], env!("CARGO_PKG_VERSION"));
    }

    #[test]
    fn a_file_past_its_deadline_fails_and_the_batch_goes_on_without_it() {
        use std::sync::atomic::AtomicBool;
        static STOPPED: AtomicBool = AtomicBool::new(false);
        let batch = BatchOptions {
            jobs: 2,
            timeout: Some(Duration::from_millis(200)),
            fail_fast: false,
            require_objectives: false,
            interrupt: None,
        };
        let start = Instant::now();
        let (s, files) = fake_batch(&["a.pdf", "hang.pdf", "b.pdf", "c.pdf"], batch, |p, _, limits| {
            if p.to_str() == Some("hang.pdf") {
                // Hangs until cancelled, like an extractor between its checks.
                assert!(limits.deadline.is_some());
                while !should_stop(&limits) {
                    std::thread::sleep(Duration::from_millis(5));
                }
                std::thread::sleep(Duration::from_millis(300));
                STOPPED.store(true, Ordering::SeqCst);
                return Err(Error::Extract { file: p.into(), source: ExtractError::Timeout });
            }
            Ok(doc(1, 1, vec![]))
        });
        assert!(
            start.elapsed() < Duration::from_millis(450),
            "did not wait for the hung thread: {:?}",
            start.elapsed()
        );
        assert_eq!((s.failures, s.objectives), (1, 3));
        assert_eq!(files[1].status, Status::Failed);
        assert_eq!(files[1].error.as_deref(), Some("timed out after 0.2 s"));
        assert_eq!(files[1].error_kind.as_deref(), Some("timeout"));
        assert!(files[1].duration_ms >= 200);
        assert!(files.iter().filter(|f| f.path != "hang.pdf").all(|f| f.status == Status::Ok));
        assert!(!STOPPED.load(Ordering::SeqCst), "the hung thread was not waited for");
        // The abandoned thread saw its cancel flag and stops by itself.
        let waited = Instant::now();
        while !STOPPED.load(Ordering::SeqCst) && waited.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(STOPPED.load(Ordering::SeqCst));
        assert_eq!(s.still_running, 1, "the hung thread was still running at the end");
    }

    #[test]
    fn timed_out_threads_that_keep_running_hold_back_new_files() {
        // jobs 1: while one abandoned conversion still runs, the next file waits
        // (up to one more time limit) instead of competing with it.
        let batch = BatchOptions {
            jobs: 1,
            timeout: Some(Duration::from_millis(150)),
            fail_fast: false,
            require_objectives: false,
            interrupt: None,
        };
        let start = Instant::now();
        let (s, files) = fake_batch(&["stuck.pdf", "next.pdf"], batch, move |p, _, limits| {
            if p.to_str() == Some("stuck.pdf") {
                while !should_stop(&limits) {
                    std::thread::sleep(Duration::from_millis(5));
                }
                // Ignores the flag for another 100 ms.
                std::thread::sleep(Duration::from_millis(100));
                return Ok(doc(0, 0, vec![]));
            }
            Ok(doc(1, 0, vec![]))
        });
        assert_eq!(statuses(&files), [("stuck.pdf".into(), Status::Failed), ("next.pdf".into(), Status::Ok)]);
        assert_eq!(s.still_running, 0);
        assert!(start.elapsed() >= Duration::from_millis(250), "next.pdf started before stuck.pdf stopped");
    }

    #[test]
    fn a_worker_keeps_its_conversion_thread_until_a_file_times_out() {
        use std::collections::HashMap;
        let threads: Arc<Mutex<HashMap<String, std::thread::ThreadId>>> = Arc::default();
        let seen = Arc::clone(&threads);
        let batch = BatchOptions {
            jobs: 1,
            timeout: Some(Duration::from_millis(150)),
            fail_fast: false,
            require_objectives: false,
            interrupt: None,
        };
        let (_, files) = fake_batch(&["a.pdf", "b.pdf", "stuck.pdf", "c.pdf", "d.pdf"], batch, move |p, _, limits| {
            seen.lock().unwrap().insert(file_name(p), std::thread::current().id());
            if p.to_str() == Some("stuck.pdf") {
                while !should_stop(&limits) {
                    std::thread::sleep(Duration::from_millis(5));
                }
            }
            Ok(doc(1, 0, vec![]))
        });
        assert_eq!(files[2].status, Status::Failed);
        let t = threads.lock().unwrap();
        assert_eq!(t["a.pdf"], t["b.pdf"], "one thread for consecutive files");
        assert_eq!(t["b.pdf"], t["stuck.pdf"]);
        assert_ne!(t["stuck.pdf"], t["c.pdf"], "the abandoned thread is not reused");
        assert_eq!(t["c.pdf"], t["d.pdf"]);
        assert_ne!(t["a.pdf"], std::thread::current().id());
    }

    /// A sink that stages: the staged value is made on a worker thread, reaches
    /// `document_staged` in input order, and a stage (write) error fails that file
    /// and stops the batch: the files after it are skipped.
    #[test]
    fn staged_output_is_made_on_the_workers_and_delivered_in_order() {
        use std::io::Write;
        struct Tag;
        impl Stage for Tag {
            fn stage(&self, input: &Path, _doc: &Converted) -> Result<Staged, Error> {
                if file_name(input) == "nostage.pdf" {
                    return Err(Error::Write {
                        file: input.into(),
                        out: "o".into(),
                        source: std::io::Error::other("disk full"),
                    });
                }
                // The file name and the staging thread's name, in the staged file.
                let mut tmp = tempfile::NamedTempFile::new().unwrap();
                let thread = std::thread::current().name().unwrap_or("").to_string();
                writeln!(tmp, "{}\n{thread}", file_name(input)).unwrap();
                Ok(Staged::File(tmp))
            }
        }
        #[derive(Default)]
        struct Staging(Vec<(String, Option<String>)>, Vec<String>);
        impl Sink for Staging {
            fn document(&mut self, _input: &Path, _doc: &Converted) -> Result<(), Error> {
                panic!("a staging sink gets document_staged");
            }
            fn stage(&self) -> Option<Arc<dyn Stage>> {
                Some(Arc::new(Tag))
            }
            fn document_staged(&mut self, _input: &Path, _doc: &Converted, staged: Staged) -> Result<(), Error> {
                let Staged::File(tmp) = staged else { panic!("nothing kept in this batch") };
                let text = fs::read_to_string(tmp.path()).unwrap();
                let (name, thread) = text.trim_end().split_once('\n').unwrap();
                self.0.push((name.to_string(), Some(thread.to_string()).filter(|t| !t.is_empty())));
                Ok(())
            }
            fn failure(&mut self, input: &Path, _error: &Error) {
                self.1.push(file_name(input));
            }
        }
        let names = ["a.pdf", "b.pdf", "nostage.pdf", "c.pdf", "d.pdf", "e.pdf"];
        let inputs: Vec<PathBuf> = names.iter().map(PathBuf::from).collect();
        let mut sink = Staging::default();
        let batch = BatchOptions { jobs: 2, ..Default::default() };
        let s = run_batch(
            &inputs,
            &vec![None; inputs.len()],
            &Options::default(),
            &batch,
            &mut [&mut sink],
            Arc::new(|_: &Path, _: &Options, _| Ok(doc(1, 0, vec![]).into())),
        );
        assert_eq!((s.failures, s.skipped), (1, 3));
        assert!(s.output_failed.is_some());
        assert_eq!(sink.1, ["nostage.pdf"]);
        let order: Vec<&str> = sink.0.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(order, ["a.pdf", "b.pdf"]);
        assert!(sink.0.iter().all(|(_, t)| t.as_deref().is_some_and(|t| t.starts_with("perfplan-"))), "{:?}", sink.0);
    }

    #[test]
    fn no_timeout_waits_as_long_as_it_takes() {
        let batch =
            BatchOptions { jobs: 1, timeout: None, fail_fast: false, require_objectives: false, interrupt: None };
        let (s, files) = fake_batch(&["slow.pdf"], batch, |_, _, limits| {
            assert!(limits.deadline.is_none());
            std::thread::sleep(Duration::from_millis(100));
            Ok(doc(1, 0, vec![]))
        });
        assert_eq!((s.failures, files[0].status), (0, Status::Ok));
        assert!(files[0].duration_ms >= 100);
    }

    #[test]
    fn a_panic_on_a_worker_thread_fails_that_file_only() {
        for jobs in [1, 2] {
            let batch = BatchOptions { jobs, ..Default::default() };
            // A panic that escapes even the conversion's own boundary.
            let (s, files) = fake_batch(&["a.pdf", "boom.pdf", "b.pdf"], batch, |p, _, _| {
                if p.to_str() == Some("boom.pdf") {
                    panic!("kaboom");
                }
                Ok(doc(1, 2, vec![]))
            });
            assert_eq!((s.failures, s.objectives), (1, 2));
            assert_eq!(files[1].error_kind.as_deref(), Some("panic"));
            assert!(files[1].error.as_deref().unwrap().contains("kaboom"), "{:?}", files[1].error);
        }
    }

    #[test]
    fn fail_fast_skips_the_files_not_started() {
        let names: Vec<String> = (0..20).map(|i| format!("f{i:02}.pdf")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        for jobs in [1, 2, 3] {
            let batch =
                BatchOptions { jobs, timeout: None, fail_fast: true, require_objectives: false, interrupt: None };
            let (s, files) = fake_batch(&names, batch, |p, _, _| {
                std::thread::sleep(Duration::from_millis(2));
                if p.to_str() == Some("f05.pdf") {
                    return Err(Error::Extract { file: p.into(), source: ExtractError::PasswordRequired });
                }
                Ok(doc(1, 0, vec![]))
            });
            assert_eq!(files.len(), 20, "every file accounted for");
            assert!(files[..5].iter().all(|f| f.status == Status::Ok), "jobs={jobs}: files before the failure all ran");
            assert_eq!(files[5].status, Status::Failed);
            let skipped = files.iter().filter(|f| f.status == Status::Skipped).count();
            assert_eq!(s.skipped, skipped);
            assert!(skipped >= 20 - 6 - 2 * jobs, "jobs={jobs}: only files in flight go on ({skipped} skipped)");
            // Skipped files come last: once one is skipped, all after it are.
            let first = files.iter().position(|f| f.status == Status::Skipped).unwrap();
            assert!(files[first..].iter().all(|f| f.status == Status::Skipped));
            assert_eq!(files[first].error_kind.as_deref(), Some("skipped"));
        }
        // Without fail_fast every file runs.
        let (s, _) = fake_batch(
            &names,
            BatchOptions { jobs: 2, timeout: None, fail_fast: false, require_objectives: false, interrupt: None },
            |p, _, _| {
                if p.to_str() == Some("f05.pdf") {
                    return Err(Error::Extract { file: p.into(), source: ExtractError::PasswordRequired });
                }
                Ok(doc(1, 0, vec![]))
            },
        );
        assert_eq!((s.failures, s.skipped, s.objectives), (1, 0, 19));
    }

    #[test]
    fn workers_run_only_a_few_files_ahead_of_the_oldest_unfinished() {
        use std::sync::atomic::AtomicUsize;
        static STARTED: AtomicUsize = AtomicUsize::new(0);
        let names: Vec<String> = (0..40).map(|i| format!("f{i:02}.pdf")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let (s, files) = fake_batch(
            &names,
            BatchOptions { jobs: 2, timeout: None, fail_fast: false, require_objectives: false, interrupt: None },
            |p, _, _| {
                STARTED.fetch_add(1, Ordering::SeqCst);
                if p.to_str() == Some("f00.pdf") {
                    // The first file is slow: the others may not pile up behind it.
                    std::thread::sleep(Duration::from_millis(300));
                    let started = STARTED.load(Ordering::SeqCst);
                    assert!(started <= 1 + 4 * 2, "{started} files started while the first was running");
                }
                Ok(doc(1, 0, vec![]))
            },
        );
        assert_eq!((s.failures, s.objectives), (0, 40));
        let want: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        assert_eq!(files.iter().map(|f| f.path.clone()).collect::<Vec<_>>(), want);
    }

    /// The lifecycle: `begin` with the total before any file, `finish` after the
    /// last outcome, in sink order; what a sink reports at its end is settled into
    /// the summary, and the sinks after it see it.
    #[test]
    fn sinks_begin_and_finish_and_their_end_is_settled() {
        use crate::pipeline::sink::{Ending, Lost, Unfinished};
        #[derive(Default)]
        struct Life {
            events: Vec<String>,
            end: Option<Unfinished>,
            note: Option<String>,
            seen_failures: Option<usize>,
        }
        impl Sink for Life {
            fn begin(&mut self, total: usize) {
                self.events.push(format!("begin {total}"));
            }
            fn document(&mut self, input: &Path, _doc: &Converted) -> Result<(), Error> {
                self.events.push(file_name(input));
                Ok(())
            }
            fn finish(&mut self, summary: &BatchSummary) -> Result<Option<String>, Unfinished> {
                self.events.push("finish".into());
                self.seen_failures = Some(summary.failures);
                match self.end.take() {
                    Some(e) => Err(e),
                    None => Ok(self.note.take()),
                }
            }
        }
        let lost = |lost| Unfinished { out: "o".into(), message: "cannot write".into(), lost };
        let inputs: Vec<PathBuf> = ["a.pdf", "b.pdf", "c.pdf"].iter().map(PathBuf::from).collect();
        let mut first = Life { note: Some("a note".into()), ..Default::default() };
        let mut documents = Life { end: Some(lost(Lost::Documents)), ..Default::default() };
        let mut last = Life::default();
        let s = run_batch(
            &inputs,
            &vec![None; inputs.len()],
            &Options::default(),
            &BatchOptions { jobs: 2, ..Default::default() },
            &mut [&mut first, &mut documents, &mut last],
            Arc::new(|p: &Path, _: &Options, _| match p.to_str() {
                Some("b.pdf") => Err(Error::Extract { file: p.into(), source: ExtractError::PasswordRequired }),
                _ => Ok(doc(1, 0, vec![Level::Warning]).into()),
            }),
        );
        assert_eq!(first.events, ["begin 3", "a.pdf", "c.pdf", "finish"]);
        assert_eq!(last.events, first.events);
        assert_eq!((first.seen_failures, last.seen_failures), (Some(1), Some(3)), "settled before the next sink");
        assert_eq!((s.failures, s.recovered, s.objectives), (3, 0, 2));
        assert_eq!(s.endings, [Ending::Note("a note".into()), Ending::Failed(lost(Lost::Documents))]);
        assert_eq!(s.documents_lost(), Some("cannot write"));
        assert_eq!(s.endings[1].to_string(), "error: o: cannot write");
        // Another output lost: the run failed, the documents stand.
        let mut tables = Life { end: Some(lost(Lost::Output)), ..Default::default() };
        let s = convert_batch(&[], &Options::default(), &BatchOptions::default(), &mut [&mut tables]);
        assert_eq!((s.files, s.failures, s.documents_lost()), (0, 1, None));
        assert_eq!(tables.events, ["begin 0", "finish"]);
    }
}
