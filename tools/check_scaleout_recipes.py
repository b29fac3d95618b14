#!/usr/bin/env python3
"""Run README's scale-out recipes ("### Beyond one machine": GNU parallel over
hosts, and a PDF streamed to a remote perfplan's stdin) as they are written, on
this machine, and check that they give the same NDJSON as one local run.

The recipes are read from README.md itself, so what users copy is what is run.
The only changes are where the commands run: every GNU parallel `-S` host list
becomes the local machine (`:`, two jobs), `ssh HOST` is dropped, `--pipe -N` chunks shrink to 7 paths (so the fixtures
make several chunks to merge), and absolute
input directories become a scratch copy of the fixtures (plus a file that is not
a PDF, which must fail alone). What this does not exercise is the ssh transport
itself (GNU parallel's job, not perfplan's).

    tools/check_scaleout_recipes.py [--bin target/release/perfplan] [fixtures]

Needs GNU parallel (Debian package `parallel`). Exit 0 when every recipe agrees.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def recipes(readme: str) -> list[str]:
    """The shell commands of the first ```sh block under "### Beyond one machine"."""
    start = readme.index("### Beyond one machine")
    block = re.search(r"```sh\n(.*?)```", readme[start:], re.S)
    if not block:
        raise SystemExit("check_scaleout_recipes: no ```sh block under 'Beyond one machine'")
    text = block.group(1).replace("\\\n", " ")
    cmds = [" ".join(line.split()) for line in text.splitlines()]
    return [c for c in cmds if c and not c.startswith("#")]


def localize(cmd: str) -> str:
    cmd = re.sub(r"(-S|--sshlogin)\s+\S+", r"\1 2/:", cmd)
    cmd = re.sub(r"(?<=\s)-N\d+", "-N7", cmd)  # several chunks from the fixtures, merged
    cmd = re.sub(r"^ssh\s+\S+\s+", "", cmd)
    cmd = re.sub(r"(?<=\s)/\S+/(\w+)(?=\s)", r"\1", cmd)  # /data/plans -> plans
    return cmd.replace("parallel ", "parallel --will-cite ", 1)


def ndjson_lines(text: str) -> list[str]:
    return sorted(line for line in text.splitlines() if line.strip())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("fixtures", nargs="?", default=str(ROOT / "fixtures"))
    ap.add_argument("--readme", default=str(ROOT / "README.md"))
    ap.add_argument("--bin", default=str(ROOT / "target" / "release" / "perfplan"))
    args = ap.parse_args()
    binary = Path(args.bin).resolve()
    if not binary.exists():
        raise SystemExit(f"check_scaleout_recipes: {binary}: build the command line first")
    if not shutil.which("parallel"):
        raise SystemExit("check_scaleout_recipes: GNU parallel is not installed (Debian package `parallel`)")

    cmds = recipes(Path(args.readme).read_text(encoding="utf-8"))
    if not any("parallel" in c for c in cmds):
        raise SystemExit("check_scaleout_recipes: README's recipes have no GNU parallel command")
    pdfs = sorted(Path(args.fixtures).glob("*.pdf"))
    if not pdfs:
        raise SystemExit(f"check_scaleout_recipes: no PDF in {args.fixtures}")
    env = dict(os.environ, PATH=f"{binary.parent}{os.pathsep}{os.environ.get('PATH', '')}")
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for cmd in cmds:
            plans = work / "plans"
            shutil.rmtree(plans, ignore_errors=True)
            plans.mkdir()
            for p in pdfs:
                shutil.copy(p, plans / p.name)
            (plans / "zz-not-a-pdf.pdf").write_bytes(b"not a PDF at all\n")
            # the file a stdin recipe streams, when it names one
            for name in re.findall(r"<\s*(\S+\.pdf)", cmd):
                shutil.copy(pdfs[0], work / name)
            (work / "plans.ndjson").unlink(missing_ok=True)

            local = localize(cmd)
            run = subprocess.run(["bash", "-o", "pipefail", "-c", local], cwd=work, env=env, capture_output=True)
            got = run.stdout.decode()
            if "> plans.ndjson" in local:
                got = (work / "plans.ndjson").read_text(encoding="utf-8")
                inputs = ["plans"]
            else:
                inputs = re.findall(r"<\s*(\S+)", local)
            # the reference: one local run over the same inputs
            ref_cmd = [str(binary), "convert", *inputs, "--format", "ndjson", "--quiet"]
            if "--stdin-name" in local:
                ref_cmd = [str(binary), "convert", "-", "--stdin-name", inputs[0], "--format", "ndjson", "--quiet"]
                with open(work / inputs[0], "rb") as f:
                    ref = subprocess.run(ref_cmd, cwd=work, stdin=f, capture_output=True)
            else:
                ref = subprocess.run(ref_cmd, cwd=work, capture_output=True)
            want = ndjson_lines(ref.stdout.decode())
            have = ndjson_lines(got)
            bad_input = "plans" in inputs
            ok = (
                have == want
                and len(want) > 0
                # the file that is not a PDF fails (exit status), the others still come out
                and ((run.returncode != 0) == bad_input)
                and ((ref.returncode != 0) == bad_input)
            )
            status = "ok" if ok else "FAILED"
            print(f"{status}: {cmd}\n    ran: {local}\n    {len(have)} NDJSON lines (one run: {len(want)}), exit {run.returncode}")
            if not ok:
                failures += 1
                sys.stderr.write(run.stderr.decode()[-2000:])
            if bad_input:
                missing = [p.name for p in pdfs if not (plans / p.name).exists()]
                if missing:  # --cleanup must never remove a local input
                    print(f"FAILED: inputs removed by the recipe: {missing[:5]}")
                    failures += 1
    print(f"scale-out recipes: {len(cmds)} run, {failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
