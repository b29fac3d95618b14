"""The Spark job of examples/spark in ``local[2]`` on the fixtures: its tables
hold the rows and target sums of the command line's NDJSON of the same files, and
a bad file is a row with its status, not a failed task. Needs pyspark and Java."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "examples" / "spark"))

import perfplan_spark  # noqa: E402

from test_convert import BIN, FIXTURES  # noqa: E402


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    # the workers run this interpreter (the one with perfplan installed), not
    # whatever `python3` is first on PATH
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    s = (
        SparkSession.builder.master("local[2]")
        .appName("perfplan-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    # the job's module on the workers, as `spark-submit --py-files` ships it
    s.sparkContext.addPyFile(str(ROOT / "examples" / "spark" / "perfplan_spark.py"))
    yield s
    s.stop()


def cli_ndjson(files):
    assert BIN.exists(), f"{BIN}: build the command line first (cargo build --release) or set PERFPLAN_BIN"
    out = subprocess.run(
        [str(BIN), "convert", *map(str, files), "--format", "ndjson", "--quiet"], capture_output=True, check=False
    ).stdout.decode()
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_spark_job_matches_the_command_line(spark):
    with tempfile.TemporaryDirectory() as d:
        inputs = Path(d) / "in"
        inputs.mkdir()
        for f in FIXTURES:
            (inputs / f.name).symlink_to(f)
        (inputs / "zz-not-a-pdf.pdf").write_bytes(b"hello, I am not a PDF")
        # the same file (name and bytes) twice: converted once, as the command line does
        (inputs / "copy").mkdir()
        (inputs / "copy" / FIXTURES[0].name).symlink_to(FIXTURES[0])
        out = Path(d) / "out"
        perfplan_spark.run(spark, [str(inputs / "*.pdf"), str(inputs / "copy" / "*.pdf")], str(out))

        files = spark.read.parquet(str(out / "files")).collect()
        assert len(files) == len(FIXTURES) + 2
        bad = [r for r in files if r.path.endswith("zz-not-a-pdf.pdf")]
        assert [(r.status, r.error_kind) for r in bad] == [("failed", "not_pdf")]
        dups = [r for r in files if r.status == "duplicate"]
        assert [r.path.endswith(f"/copy/{FIXTURES[0].name}") for r in dups] == [True]
        assert dups[0].error.endswith(f"/in/{FIXTURES[0].name}")
        assert all(len(r.sha256) == 64 for r in files)

        # the command line's NDJSON: one line per objective (its document's source in it)
        objectives = [r for r in cli_ndjson(FIXTURES) if "code" in r]
        assert len(objectives) > 100
        assert spark.read.parquet(str(out / "objectives")).count() == len(objectives)
        want_ind = [i for r in objectives for i in r.get("indicators") or []]
        ind = spark.read.parquet(str(out / "indicators"))
        assert ind.count() == len(want_ind)
        want_sum = sum((i.get("target") or {}).get("value") or 0 for i in want_ind)
        got_sum = ind.selectExpr("coalesce(sum(target_value), 0) AS s").collect()[0].s
        assert got_sum == pytest.approx(want_sum)
        want_dups = sum(len(r.get("dup_links") or []) for r in objectives)
        assert spark.read.parquet(str(out / "dup_links")).count() == want_dups
        assert want_ind and got_sum != 0

        # the v2 tables: phases, and one row per year target with their sum
        want_phases = sum(len(r.get("phases") or []) for r in objectives)
        assert spark.read.parquet(str(out / "phases")).count() == want_phases
        want_years = [t for i in want_ind for t in i.get("targets") or []]
        years = spark.read.parquet(str(out / "indicator_targets"))
        assert years.count() == len(want_years)
        want_ysum = sum((t.get("target") or {}).get("value") or 0 for t in want_years)
        got_ysum = years.selectExpr("coalesce(sum(value), 0) AS s").collect()[0].s
        assert got_ysum == pytest.approx(want_ysum)
        assert want_phases and want_years and got_ysum != 0
