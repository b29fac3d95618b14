//! Interrupts, leftovers, resuming and repeated inputs (issue 12 points 3-4):
//! SIGINT/SIGTERM end a batch cleanly (no temporary file left, the run report
//! written, the whole-batch outputs given up rather than left partial), the
//! temporary files of a killed run are removed by the next one, `--skip-existing`
//! continues an interrupted batch into outputs identical to an uninterrupted
//! run, and an input repeated (same file name and bytes) is converted once in
//! every mode. Also the disk-full test on a small tmpfs.

#![cfg(unix)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{code, dir_files, perfplan, read_json, stderr};
use serde_json::Value;

/// `copies` copies of every fixture PDF in `dir`, named `<stem>-<i>.pdf`.
fn many_inputs(dir: &Path, copies: usize) -> usize {
    std::fs::create_dir_all(dir).unwrap();
    let pdfs = common::fixture_pdfs();
    assert!(!pdfs.is_empty(), "{}", common::NO_FIXTURES);
    for i in 0..copies {
        for p in &pdfs {
            let stem = p.file_stem().unwrap().to_string_lossy();
            std::fs::copy(p, dir.join(format!("{stem}-{i}.pdf"))).unwrap();
        }
    }
    pdfs.len() * copies
}

fn spawn(args: &[&dyn AsRef<std::ffi::OsStr>]) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_perfplan"));
    for a in args {
        cmd.arg(a);
    }
    cmd.stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap()
}

fn signal(child: &Child, sig: i32) {
    // SAFETY: sends a signal to our own child process.
    assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, sig) }, 0);
}

/// Wait until `ready` holds (polling), at most a minute.
fn wait_for(ready: impl Fn() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(start.elapsed() < Duration::from_secs(60), "never ready");
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn json_count(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map_or(0, |d| d.flatten().filter(|e| e.path().extension().is_some_and(|x| x == "json")).count())
}

/// Every perfplan temporary file under `dirs`.
fn temp_files(dirs: &[&Path]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for dir in dirs {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            if e.file_name().to_string_lossy().starts_with(".perfplan-") {
                found.push(e.path());
            }
        }
    }
    found
}

fn files_of(report: &Value) -> &Vec<Value> {
    report["files"].as_array().unwrap()
}

#[test]
fn sigint_ends_the_batch_cleanly_and_skip_existing_resumes_it_identically() {
    let t = tempfile::tempdir().unwrap();
    let inp = t.path().join("in");
    let total = many_inputs(&inp, 10);
    let (out, tab, report) = (t.path().join("out"), t.path().join("tab"), t.path().join("r.json"));
    let child = spawn(&[&"convert", &inp, &"--out", &out, &"--tables", &tab, &"--report", &report, &"--jobs", &"1"]);
    wait_for(|| json_count(&out) > 0);
    signal(&child, libc::SIGINT);
    let o = child.wait_with_output().unwrap();
    let err = stderr(&o);
    assert_eq!(code(&o), 130, "{err}");
    assert!(err.contains("SIGINT: finishing the files in progress"), "{err}");
    assert!(err.contains("--skip-existing continues"), "{err}");

    let r = read_json(&report);
    assert_eq!(r["interrupted"], "SIGINT", "{err}");
    let files = files_of(&r);
    assert_eq!(files.len(), total);
    let done: Vec<&Value> = files.iter().filter(|f| f["status"] == "ok" || f["status"] == "recovered").collect();
    let interrupted = files.iter().filter(|f| f["status"] == "skipped" && f["error_kind"] == "interrupted").count();
    assert!(!done.is_empty() && interrupted > 0, "{err}");
    assert_eq!(done.len() + interrupted, total, "every file converted or skipped as interrupted: {err}");
    // Every converted file is written, whole; nothing else is.
    assert_eq!(json_count(&out), done.len());
    for f in &done {
        let stem = Path::new(f["path"].as_str().unwrap()).file_stem().unwrap().to_string_lossy().into_owned();
        assert!(read_json(&out.join(format!("{stem}.json")))["objectives"].is_array());
    }
    // The tables of part of the batch are given up whole; no temporary file anywhere.
    assert!(dir_files(&tab).is_empty(), "{:?}", dir_files(&tab).iter().map(|f| &f.0).collect::<Vec<_>>());
    assert_eq!(temp_files(&[&out, &tab, t.path()]), Vec::<PathBuf>::new());

    // Resumed: the converted files are reused, the rest converted...
    let o = perfplan(&[&"convert", &inp, &"--out", &out, &"--tables", &tab, &"--report", &report, &"--skip-existing"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let r = read_json(&report);
    assert_eq!(r["totals"]["reused"].as_u64().unwrap() as usize, done.len(), "{}", stderr(&o));
    assert_eq!(r["interrupted"], Value::Null);
    let reused = files_of(&r).iter().filter(|f| f["reused"] == true).count();
    assert_eq!(reused, done.len());
    // ...into outputs identical to an uninterrupted run.
    let (full, full_tab) = (t.path().join("full"), t.path().join("full-tab"));
    let o = perfplan(&[&"convert", &inp, &"--out", &full, &"--tables", &full_tab]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(dir_files(&out) == dir_files(&full), "the JSON files differ from an uninterrupted run");
    assert!(dir_files(&tab) == dir_files(&full_tab), "the tables differ from an uninterrupted run");
}

#[test]
fn sigterm_twice_abandons_the_files_in_progress_and_gives_up_the_ndjson_file() {
    let t = tempfile::tempdir().unwrap();
    let inp = t.path().join("in");
    let total = many_inputs(&inp, 10);
    let (out, report) = (t.path().join("o").join("all.ndjson"), t.path().join("r.json"));
    // A previous complete file stays as it was.
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    std::fs::write(&out, b"{}\n").unwrap();
    let child = spawn(&[&"convert", &inp, &"--format", &"ndjson", &"--out", &out, &"--report", &report]);
    // The NDJSON file is written to a temporary file beside it, from the start.
    wait_for(|| temp_files(&[out.parent().unwrap()]).iter().any(|p| std::fs::metadata(p).is_ok_and(|m| m.len() > 0)));
    std::thread::sleep(Duration::from_millis(100));
    signal(&child, libc::SIGTERM);
    std::thread::sleep(Duration::from_millis(20));
    signal(&child, libc::SIGTERM);
    let o = child.wait_with_output().unwrap();
    let err = stderr(&o);
    assert_eq!(code(&o), 143, "{err}");
    assert_eq!(std::fs::read(&out).unwrap(), b"{}\n", "the earlier file is left as it was: {err}");
    assert_eq!(temp_files(&[out.parent().unwrap(), t.path()]), Vec::<PathBuf>::new(), "{err}");
    let r = read_json(&report);
    assert_eq!(r["interrupted"], "SIGTERM");
    let files = files_of(&r);
    assert_eq!(files.len(), total);
    // Converted files whose NDJSON was given up fail as interrupted; none is ok.
    assert!(files.iter().all(|f| f["error_kind"] == "interrupted"), "{err}");
    assert!(files.iter().any(|f| f["status"] == "skipped"), "{err}");
}

#[test]
fn temporary_files_of_a_killed_run_are_removed_by_the_next_one() {
    let t = tempfile::tempdir().unwrap();
    let inp = t.path().join("in");
    many_inputs(&inp, 1);
    let out = t.path().join("out");
    // A real SIGKILL in the middle of an NDJSON file: its temporary file stays.
    let ndjson = out.join("all.ndjson");
    let child = spawn(&[&"convert", &inp, &"--format", &"ndjson", &"--out", &ndjson, &"--jobs", &"1"]);
    // The NDJSON file's temporary file, once it holds a document (not the empty
    // file that proves the folder writable before any work, gone at once).
    wait_for(|| temp_files(&[&out]).iter().any(|p| std::fs::metadata(p).is_ok_and(|m| m.len() > 0)));
    signal(&child, libc::SIGKILL);
    child.wait_with_output().unwrap();
    let left = temp_files(&[&out]);
    assert_eq!(left.len(), 1);
    // A file of a live perfplan (this process stands for one) is left alone.
    let live = out.join(format!(".perfplan-{}-live01.tmp", std::process::id()));
    std::fs::write(&live, b"x").unwrap();
    let o = perfplan(&[&"convert", &inp, &"--out", &out]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("removed 1 temporary file(s) left in"), "{}", stderr(&o));
    assert!(!left[0].exists());
    assert!(live.exists());
    assert_eq!(temp_files(&[&out]), [live]);
}

#[test]
fn skip_existing_reconverts_anything_but_its_own_output_for_the_same_bytes() {
    let t = tempfile::tempdir().unwrap();
    let inp = t.path().join("in");
    many_inputs(&inp, 1);
    let mut names: Vec<PathBuf> = std::fs::read_dir(&inp).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    let (a, b, c) = (&names[0], &names[1], &names[2]);
    let out = t.path().join("out");
    let o = perfplan(&[&"convert", &inp, &"--out", &out]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let json = |p: &Path| out.join(format!("{}.json", p.file_stem().unwrap().to_string_lossy()));
    // a: the input changed since; b: its JSON edited by hand; c: a stray file of another run.
    std::fs::copy(&names[3], a).unwrap();
    let edited = std::fs::read_to_string(json(b)).unwrap().replacen("\"objectives\"", "\"objectives\" ", 1);
    std::fs::write(json(b), edited).unwrap();
    std::fs::write(json(c), b"not json").unwrap();
    let report = t.path().join("r.json");
    let o = perfplan(&[&"convert", &inp, &"--out", &out, &"--skip-existing", &"--report", &report]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let r = read_json(&report);
    for f in files_of(&r) {
        let path = PathBuf::from(f["path"].as_str().unwrap());
        let again = [a, b, c].contains(&&path);
        assert_eq!(f["reused"], !again, "{}", path.display());
    }
    // With --provenance the documents differ: none is reused.
    let o = perfplan(&[&"convert", &inp, &"--out", &out, &"--skip-existing", &"--provenance", &"--report", &report]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let r = read_json(&report);
    assert_eq!(r["totals"]["reused"], 0);
    // Only the JSON-per-file mode keeps documents to reuse.
    for mode in [&["--format", "ndjson"][..], &["--tables", "tab"]] {
        let mut a: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![&"convert", &inp, &"--skip-existing"];
        a.extend(mode.iter().map(|s| s as &dyn AsRef<std::ffi::OsStr>));
        let o = perfplan(&a);
        assert_eq!(code(&o), 2, "{}", stderr(&o));
        assert!(stderr(&o).contains("--skip-existing needs --format json with --out DIR"), "{}", stderr(&o));
    }
}

/// The objectives of `source.file` == `name` in an NDJSON stream.
fn ndjson_records(text: &str, name: &str) -> usize {
    text.lines().filter(|l| serde_json::from_str::<Value>(l).unwrap()["source"]["file"] == name).count()
}

#[test]
fn a_repeated_input_is_converted_once_in_every_mode() {
    let t = tempfile::tempdir().unwrap();
    let pairs = common::golden_pairs();
    let (src, other) = (&pairs[0].1, &pairs[1].1);
    for d in ["a", "b", "c"] {
        std::fs::create_dir(t.path().join(d)).unwrap();
    }
    let x = t.path().join("a/x.pdf");
    std::fs::copy(src, &x).unwrap();
    std::fs::copy(src, t.path().join("b/x.pdf")).unwrap(); // a copy: a repeat
    std::fs::copy(src, t.path().join("a/y.pdf")).unwrap(); // same bytes, another name: a document of its own
    std::fs::copy(other, t.path().join("c/z.pdf")).unwrap();
    let inputs: Vec<PathBuf> = vec![
        x.clone(),
        t.path().join("b/x.pdf"),
        t.path().join("a/./x.pdf"), // the same path again
        t.path().join("a/y.pdf"),
        t.path().join("c"),
        t.path().join("c/z.pdf"), // the directory above already holds it
    ];
    let objectives = read_json(&pairs[0].2)["objectives"].as_array().unwrap().len();
    let report = t.path().join("r.json");
    let run = |mode: &[&str]| -> Output {
        let mut a: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![&"convert"];
        a.extend(inputs.iter().map(|p| p as &dyn AsRef<std::ffi::OsStr>));
        a.extend(mode.iter().map(|s| s as &dyn AsRef<std::ffi::OsStr>));
        a.extend([&"--report" as &dyn AsRef<std::ffi::OsStr>, &report]);
        let o = perfplan(&a);
        assert_eq!(code(&o), 0, "a repeat is no failure: {}", stderr(&o));
        let r = read_json(&report);
        let statuses: Vec<&str> = files_of(&r).iter().map(|f| f["status"].as_str().unwrap()).collect();
        assert_eq!(statuses, ["ok", "duplicate", "duplicate", "ok", "ok", "duplicate"], "{mode:?}");
        assert_eq!(r["totals"]["duplicates"], 3);
        assert!(files_of(&r)[1]["error"].as_str().unwrap().contains("a/x.pdf"), "names the first");
        assert!(
            stderr(&o).contains("converted once, repeated (same file name and bytes) in 3 file(s)"),
            "{}",
            stderr(&o)
        );
        o
    };
    let out = t.path().join("json");
    run(&["--out", out.to_str().unwrap()]);
    let names: Vec<String> = dir_files(&out).into_iter().map(|f| f.0).collect();
    assert_eq!(names, ["x.json", "y.json", "z.json"]);

    let o = run(&["--format", "ndjson"]);
    let text = String::from_utf8(o.stdout).unwrap();
    assert_eq!(ndjson_records(&text, "x.pdf"), objectives);
    assert_eq!(ndjson_records(&text, "y.pdf"), objectives);

    let tab = t.path().join("tab");
    run(&["--tables", tab.to_str().unwrap()]);
    let csv = std::fs::read_to_string(tab.join("objectives.csv")).unwrap();
    // Rows end with CRLF outside quotes (quoted fields may hold line breaks).
    let mut quoted = false;
    let mut rows = 0;
    for (i, c) in csv.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '\n' if !quoted && csv[..i].ends_with('\r') => rows += 1,
            _ => {}
        }
    }
    let rows = rows - 1; // the header
    let z = read_json(&pairs[1].2)["objectives"].as_array().unwrap().len();
    assert_eq!(rows, 2 * objectives + z, "x once, y once, z once");
}

/// Run `script` (with `$1` a fresh small tmpfs, `$2` the perfplan binary) in a
/// private mount namespace; `None` when this machine allows no such mount.
fn in_small_tmpfs(dir: &Path, script: &str, args: &[&Path]) -> Option<Output> {
    let mnt = dir.join("mnt");
    std::fs::create_dir(&mnt).unwrap();
    let full = format!("mount -t tmpfs -o size=600k tmpfs \"$1\" || exit 99\n{script}");
    let o = Command::new("unshare")
        .args(["-rm", "sh", "-c", &full, "sh"])
        .arg(&mnt)
        .arg(env!("CARGO_BIN_EXE_perfplan"))
        .args(args)
        .output()
        .ok()?;
    (o.status.code() != Some(99) && !stderr(&o).contains("unshare: ")).then_some(o)
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_stops_the_batch_once_and_keeps_what_was_written() {
    let t = tempfile::tempdir().unwrap();
    let inp = t.path().join("in");
    many_inputs(&inp, 2);
    let keep = t.path().join("kept");
    std::fs::create_dir(&keep).unwrap();
    // JSON files into a 600 KiB tmpfs: the disk fills during the batch.
    let script = "\"$2\" convert \"$3\" --out \"$1/out\" --report \"$4/r.json\" --jobs 1 2>\"$4/err\"; \
                  code=$?; cp -a \"$1/out/.\" \"$4/\" ; exit $code";
    let o = match in_small_tmpfs(t.path(), script, &[&inp, &keep]) {
        Some(o) => o,
        None => {
            // No mount namespace here: a device that is always full gives the
            // same ENOSPC to the NDJSON stream.
            Command::new(env!("CARGO_BIN_EXE_perfplan"))
                .args(["convert", "--format", "ndjson", "--jobs", "1", "--report"])
                .arg(keep.join("r.json"))
                .arg(&inp)
                .stdout(Stdio::from(std::fs::File::create("/dev/full").unwrap()))
                .stderr(std::fs::File::create(keep.join("err")).unwrap())
                .output()
                .unwrap()
        }
    };
    let err = std::fs::read_to_string(keep.join("err")).unwrap();
    assert_eq!(o.status.code(), Some(3), "{err}{}", stderr(&o));
    let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("perfplan: error: ")).collect();
    assert_eq!(errors.len(), 1, "one message:\n{err}");
    assert!(errors[0].contains("output failed, the batch stopped") && errors[0].contains("No space left"), "{err}");
    let r = read_json(&keep.join("r.json"));
    let files = files_of(&r);
    assert_eq!(files.iter().filter(|f| f["status"] == "failed").count(), 1, "{err}");
    assert!(files.iter().any(|f| f["status"] == "skipped"), "the batch stopped: {err}");
    // What was written before is whole; no temporary file was left.
    for (name, bytes) in dir_files(&keep) {
        if name.ends_with(".json") && name != "r.json" {
            let doc: Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(doc["objectives"].is_array());
        }
        assert!(!name.starts_with(".perfplan-"), "{name}");
    }
}
