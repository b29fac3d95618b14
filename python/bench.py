"""Speed of the Python package against the command line (issue 14's two points):

    python python/bench.py [PLAN_PDF]     (default ../shared/corpus/perf/...pdf)

1. one plan: ``perfplan.convert_json`` and ``perfplan.convert`` (dict) against
   ``perfplan convert PDF --out DIR --jobs 1`` (a process that writes the JSON),
   interleaved, medians of 9;
2. a batch: ``convert_many`` over the fixtures (x8) with ``jobs=1`` and ``jobs=2``
   (threads), best of 2 each, and the throughput ratio.

A benchmark, not a test: nothing is asserted. Run it on a quiet machine; the
command line is ``target/release/perfplan`` (or ``PERFPLAN_BIN``).
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import perfplan

ROOT = Path(__file__).resolve().parents[1]
BIN = os.environ.get("PERFPLAN_BIN", str(ROOT / "target" / "release" / "perfplan"))
PLAN = sys.argv[1] if len(sys.argv) > 1 else str(ROOT.parent / "shared/corpus/perf/peg-2021-valmarina-completo.pdf")


def main() -> None:
    py, pyd, cli = [], [], []
    with tempfile.TemporaryDirectory() as out:
        for _ in range(9):
            t = time.perf_counter()
            perfplan.convert_json(PLAN)
            py.append(time.perf_counter() - t)
            t = time.perf_counter()
            perfplan.convert(PLAN)
            pyd.append(time.perf_counter() - t)
            t = time.perf_counter()
            subprocess.run([BIN, "convert", PLAN, "--out", out, "--jobs", "1", "--quiet"], check=False)
            cli.append(time.perf_counter() - t)
    m = statistics.median
    print(
        f"plan {Path(PLAN).name}: convert_json {m(py):.3f} s, convert {m(pyd):.3f} s, "
        f"CLI {m(cli):.3f} s -> {m(py) / m(cli):.2f}x / {m(pyd) / m(cli):.2f}x the CLI"
    )
    files = sorted(str(p) for p in ROOT.glob("fixtures/*.pdf")) * 8
    best = {}
    for jobs in (1, 2, 1, 2):
        t = time.perf_counter()
        for _ in perfplan.convert_many(files, jobs=jobs):
            pass
        best[jobs] = min(best.get(jobs, float("inf")), time.perf_counter() - t)
    print(
        f"convert_many over {len(files)} files: jobs=1 {best[1]:.2f} s, jobs=2 {best[2]:.2f} s "
        f"-> {best[1] / best[2]:.2f}x the throughput"
    )


if __name__ == "__main__":
    main()
