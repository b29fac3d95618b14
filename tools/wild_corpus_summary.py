#!/usr/bin/env python3
"""Summarize a `perfplan convert --report` run report (and `/usr/bin/time -v` output).

    wild_corpus_summary.py REPORT.json [TIME.txt] [--min-files N] [--exit RC] [--hung 0|1]

Prints files, ok, recovered, failed (by error kind), panics, timeouts, objectives
found (in the wild PDFs and in their damaged copies), total and max duration, peak
RSS, the slowest files, every file that gave an objective and every failed file.
Exits 1 when there was a panic, a time-out or a hang, when perfplan crashed (exit
code other than 0/1), when fewer than --min-files files were converted, or when a
wild PDF that is not a damaged copy (`--cut.pdf`, `--flip.pdf`, see
wild_corpus_mutate.py) gave an objective: none of them is a plan (manuals, papers,
test pages), so every objective found in one is a false one; else 0.
"""

import argparse
import json
import re
import sys

# Names that tools/wild_corpus_mutate.py gives the damaged copies.
MUTATED = ("--cut.pdf", "--flip.pdf")


def is_mutated(path: str) -> bool:
    return path.endswith(MUTATED)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("report")
    ap.add_argument("time", nargs="?")
    ap.add_argument("--min-files", type=int, default=0)
    ap.add_argument("--exit", type=int, default=None, help="perfplan's exit code")
    ap.add_argument("--hung", type=int, default=0)
    a = ap.parse_args()

    problems = []
    try:
        with open(a.report, encoding="utf-8") as f:
            report = json.load(f)
    except (OSError, ValueError) as e:
        print(f"no run report: {e}")
        return 1
    files = report["files"]
    t = report["totals"]

    rss_kb = None
    wall = None
    if a.time:
        try:
            text = open(a.time, encoding="utf-8").read()
            m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
            rss_kb = int(m.group(1)) if m else None
            m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text)
            wall = m.group(1) if m else None
        except OSError:
            pass

    print(f"perfplan {report['perfplan_version']}, --timeout-per-file {report['timeout_per_file_s']}")
    print(f"files:      {t['files']}")
    print(f"ok:         {t['ok']}")
    print(f"recovered:  {t['recovered']}")
    print(f"failed:     {t['failed']}" + (f"  ({', '.join(f'{k} {v}' for k, v in sorted(t['failed_by_kind'].items()))})" if t["failed_by_kind"] else ""))
    print(f"skipped:    {t['skipped']}")
    print(f"panics:     {t['panics']}")
    print(f"timeouts:   {t['timeouts']}")
    print(f"hangs:      {a.hung}")
    with_obj = [f for f in files if f.get("objectives", 0) > 0]
    wild_obj = [f for f in with_obj if not is_mutated(f["path"])]
    mut_obj = [f for f in with_obj if is_mutated(f["path"])]
    n_wild = sum(1 for f in files if not is_mutated(f["path"]))
    print(f"objectives: {t['objectives']}, diagnostics: {t['diagnostics']}")
    print(f"  from wild PDFs:      {sum(f['objectives'] for f in wild_obj)} in {len(wild_obj)} of {n_wild} files (want 0)")
    print(f"  from damaged copies: {sum(f['objectives'] for f in mut_obj)} in {len(mut_obj)} of {len(files) - n_wild} files")
    print(f"duration:   total {t['duration_ms'] / 1000:.2f} s (wall {wall}), max per file {t['max_file_duration_ms']} ms")
    print(f"peak RSS:   {rss_kb / 1024:.1f} MiB" if rss_kb is not None else "peak RSS:   unknown")

    slow = sorted(files, key=lambda f: -f["duration_ms"])[:5]
    print("slowest:")
    for f in slow:
        print(f"  {f['duration_ms']:>7} ms  {f['status']:<9} pages {f['pages']}  {f['path']}")
    rec_codes = {}
    for f in files:
        if f["status"] == "recovered":
            for d in f["diagnostics"]["list"]:
                rec_codes[d["code"]] = rec_codes.get(d["code"], 0) + 1
    if rec_codes:
        print("diagnostics of recovered files: " + ", ".join(f"{k} {v}" for k, v in sorted(rec_codes.items())))
    if with_obj:
        print("files with objectives (none is a plan):")
        for f in with_obj:
            print(f"  {f['objectives']:>4}  {f['path']}")
    failed = [f for f in files if f["status"] == "failed"]
    if failed:
        print("failed:")
        for f in failed:
            print(f"  [{f['error_kind']}] {f['path']}: {f['error']}")

    if t["panics"]:
        problems.append(f"{t['panics']} panic(s)")
    if t["timeouts"]:
        problems.append(f"{t['timeouts']} time-out(s)")
    if a.hung:
        problems.append("the run hung")
    if a.exit is not None and a.exit not in (0, 1):
        problems.append(f"perfplan exited with {a.exit}")
    if t["ok"] + t["recovered"] < a.min_files:
        problems.append(f"only {t['ok'] + t['recovered']} files converted (want {a.min_files})")
    if wild_obj:
        problems.append(f"{sum(f['objectives'] for f in wild_obj)} objective(s) in {len(wild_obj)} wild PDF(s) that are no plan")
    if t["files"] != len(files):
        problems.append("report totals do not match its file list")
    if problems:
        print("FAIL: " + "; ".join(problems))
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
