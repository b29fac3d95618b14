"""The Python package against the command line: the same JSON for every fixture,
bytes and paths alike, an exception class per error kind, threads in parallel.

Needs the command-line binary (``cargo build --release`` at the repository root,
or ``PERFPLAN_BIN``) to compare with."""

import glob
import os
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest

import perfplan

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = sorted(ROOT.glob("fixtures/*.pdf"))
ENCRYPTED = sorted(ROOT.glob("tests/hostile/*.pdf"))
BIN = Path(os.environ.get("PERFPLAN_BIN", ROOT / "target" / "release" / "perfplan"))


@pytest.fixture(scope="module")
def cli_out():
    assert BIN.exists(), f"{BIN}: build the command line first (cargo build --release) or set PERFPLAN_BIN"
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([str(BIN), "convert", str(ROOT / "fixtures"), "--out", d, "--quiet"], check=False)
        yield {p.name: p.read_text(encoding="utf-8") for p in Path(d).glob("*.json")}


def test_fixtures_are_there():
    assert len(FIXTURES) >= 40


@pytest.mark.parametrize("pdf", FIXTURES, ids=lambda p: p.stem)
def test_same_json_as_the_command_line(pdf, cli_out):
    expected = cli_out.get(pdf.stem + ".json")
    assert expected is not None, f"the command line wrote no JSON for {pdf.name}"
    assert perfplan.convert_json(pdf) == expected


@pytest.mark.parametrize("pdf", FIXTURES[:8], ids=lambda p: p.stem)
def test_bytes_and_path_give_the_same_document(pdf):
    by_path = perfplan.convert(pdf)
    by_bytes = perfplan.convert(pdf.read_bytes(), name=pdf.name)
    assert by_bytes == by_path
    assert by_path["source"]["file"] == pdf.name
    assert perfplan.convert(bytearray(pdf.read_bytes()), name=pdf.name) == by_path
    assert perfplan.convert(str(pdf)) == by_path


def test_bytes_without_a_name_are_recorded_as_standard_input():
    doc = perfplan.convert(FIXTURES[0].read_bytes())
    assert doc["source"]["file"] == "-"


def test_provenance_is_on_demand():
    pdf = next(p for p in FIXTURES if perfplan.convert(p)["objectives"])
    plain = perfplan.convert(pdf)["objectives"][0]
    traced = perfplan.convert(pdf, provenance=True)["objectives"][0]
    assert "provenance" not in plain or plain["provenance"] in (None, {})
    assert traced.get("provenance")


def test_not_a_pdf():
    with pytest.raises(perfplan.NotPdfError, match="not a PDF"):
        perfplan.convert(b"hello, I am not a PDF at all")


def test_damaged():
    with pytest.raises(perfplan.DamagedError):
        perfplan.convert(b"%PDF-1.4\n%%EOF\n")


def test_missing_file_is_a_read_error():
    with pytest.raises(perfplan.ReadError):
        perfplan.convert(ROOT / "fixtures" / "no-such-file.pdf")


def test_encrypted_needs_its_password():
    assert ENCRYPTED, "tests/hostile holds encrypted PDFs"
    for pdf in ENCRYPTED:
        with pytest.raises(perfplan.PasswordError, match="password required"):
            perfplan.convert(pdf)
        with pytest.raises(perfplan.PasswordError, match="wrong password"):
            perfplan.convert(pdf, password="wrong")
        assert perfplan.convert(pdf, password="secret")["source"]["pages"] >= 1


def test_too_large_is_a_limit_error_unread():
    pdf = FIXTURES[0]
    size = pdf.stat().st_size
    for source in (pdf, pdf.read_bytes()):
        with pytest.raises(perfplan.LimitError, match="more than"):
            perfplan.convert(source, max_file_size=size - 1)
        assert perfplan.convert(source, max_file_size=size)["objectives"]
    r = perfplan.convert_result(pdf, max_file_size=100)
    assert (r.status, r.error_kind) == ("failed", "limit_exceeded")


def test_out_of_time_is_a_timeout_error():
    # the biggest fixture, with no time at all: the deadline has passed at the first check
    pdf = max(FIXTURES, key=lambda p: p.stat().st_size)
    with pytest.raises(perfplan.TimeoutError, match="timed out"):
        perfplan.convert(pdf, timeout=1e-9)
    r = perfplan.convert_result(pdf, timeout=1e-9)
    assert (r.status, r.error_kind) == ("failed", "timeout")
    # None and 0 mean no limit, as --timeout-per-file 0
    assert perfplan.convert(pdf, timeout=None) == perfplan.convert(pdf, timeout=0)
    for bad in (-1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="timeout"):
            perfplan.convert(pdf, timeout=bad)


def test_the_stubs_match_the_module():
    import ast
    import inspect

    stub = ast.parse((Path(perfplan.__file__).with_suffix(".pyi")).read_text(encoding="utf-8"))
    functions = {f.name: f for f in stub.body if isinstance(f, ast.FunctionDef)}
    public = [n for n in perfplan.__all__ if inspect.isfunction(getattr(perfplan, n))]
    assert sorted(functions) == sorted(public)
    for name in public:
        runtime = inspect.signature(getattr(perfplan, name)).parameters
        a = functions[name].args
        stubbed = [(x.arg, "positional") for x in a.args] + [(x.arg, "keyword") for x in a.kwonlyargs]
        kinds = {inspect.Parameter.POSITIONAL_OR_KEYWORD: "positional", inspect.Parameter.KEYWORD_ONLY: "keyword"}
        assert stubbed == [(p.name, kinds[p.kind]) for p in runtime.values()], name
    classes = {c.name for c in stub.body if isinstance(c, ast.ClassDef)}
    assert classes == {n for n in perfplan.__all__ if inspect.isclass(getattr(perfplan, n))}


def test_every_error_is_a_perfplan_error():
    for cls in (
        perfplan.NotPdfError,
        perfplan.PasswordError,
        perfplan.DamagedError,
        perfplan.LimitError,
        perfplan.TimeoutError,
        perfplan.ReadError,
        perfplan.InternalError,
    ):
        assert issubclass(cls, perfplan.Error)
    assert issubclass(perfplan.Error, Exception)


def test_threads_convert_in_parallel_to_the_same_documents():
    files = FIXTURES[:12]
    alone = {p: perfplan.convert_json(p) for p in files}
    together = {}

    def work(part):
        for p in part:
            together[p] = perfplan.convert_json(p)

    threads = [threading.Thread(target=work, args=(files[k::2],)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert together == alone


def gil_probe(call, attempts=5):
    """How far another Python thread counted during each of up to `attempts`
    calls (stops at the first that moved). With a switch interval of 100 s that
    thread only runs when this one lets go of the GIL: a call holding it for its
    whole length gives exactly 0 every time; one releasing it lets the counter
    move unless that thread got no CPU at all during the call."""
    import sys
    import time

    count = [0]
    done = threading.Event()

    def counter():
        while not done.is_set():
            count[0] += 1
            time.sleep(0)  # hands the GIL back every turn

    old = sys.getswitchinterval()
    sys.setswitchinterval(100.0)
    t = threading.Thread(target=counter)
    t.start()
    try:
        time.sleep(0.01)  # let it start
        moved = []
        for _ in range(attempts):
            before = count[0]
            call()
            moved.append(count[0] - before)
            if moved[-1] > 0:
                break
    finally:
        done.set()
        t.join()
        sys.setswitchinterval(old)
    return moved


def test_the_gil_is_released_while_a_document_converts():
    import json

    # the probe itself: a C call that holds the GIL shows no movement
    big = json.dumps(list(range(1_000_000)))
    assert gil_probe(lambda: json.loads(big), attempts=2) == [0, 0]
    pdf = max(FIXTURES, key=lambda p: p.stat().st_size)
    for call in (
        lambda: perfplan.convert_json(pdf),
        lambda: perfplan.convert_result(pdf.read_bytes(), page_threads=1),
        lambda: perfplan.to_arrow([pdf]),
    ):
        assert gil_probe(call)[-1] > 0


def test_convert_many_in_input_order_with_failures_as_results(tmp_path):
    bad = tmp_path / "not-a-pdf.pdf"
    bad.write_bytes(b"hello")
    files = [str(p) for p in FIXTURES[:10]] + [str(bad), str(tmp_path / "missing.pdf")] + [str(FIXTURES[0])]
    for jobs in (1, 2, 0):
        results = list(perfplan.convert_many(files, jobs=jobs))
        assert [r.path for r in results] == files
        for r, f in zip(results[:10], FIXTURES[:10]):
            assert r.ok and r.status in ("ok", "recovered")
            assert r.document == perfplan.convert(f)
        assert (results[10].status, results[10].error_kind, results[10].document) == ("failed", "not_pdf", None)
        assert results[11].error_kind == "io" and not results[11].ok
        assert results[12].document == results[0].document


def test_convert_many_status_follows_the_diagnostics():
    for r in perfplan.convert_many(FIXTURES):
        codes = [d["code"] for d in r.document["diagnostics"]]
        recovery = {"page.extract_failed", "document.extract_warning", "document.truncated"}
        # the run report's rule: recovered when a diagnostic says the extractor worked around damage
        assert (r.status == "recovered") == any(c in recovery for c in codes), r.path


@pytest.fixture(scope="module")
def cli_parquet():
    assert BIN.exists(), f"{BIN}: build the command line first (cargo build --release) or set PERFPLAN_BIN"
    import pyarrow.parquet as pq

    with tempfile.TemporaryDirectory() as d:
        subprocess.run(
            [str(BIN), "convert", *map(str, FIXTURES), "--tables", d, "--tables-format", "parquet", "--quiet"],
            check=False,
        )
        yield {p.stem: pq.read_table(p) for p in Path(d).glob("*.parquet")}


def test_to_arrow_gives_the_parquet_tables_of_the_command_line(cli_parquet):
    assert set(cli_parquet) == {"objectives", "dup_links", "indicators", "phases", "indicator_targets"}
    from_paths = perfplan.to_arrow(FIXTURES)
    from_docs = perfplan.to_arrow(perfplan.convert(p) for p in FIXTURES)
    from_results = perfplan.to_arrow(perfplan.convert_many(FIXTURES, jobs=2))
    assert list(from_paths) == ["objectives", "dup_links", "indicators", "phases", "indicator_targets"]
    for name, expected in cli_parquet.items():
        for got in (from_paths[name], from_docs[name], from_results[name]):
            assert got.schema.equals(expected.schema), name
            assert got.to_pylist() == expected.to_pylist(), name
    assert from_paths["objectives"].num_rows > 100


def test_to_arrow_counts_a_repeated_document_once_and_leaves_failed_files_out(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"hello")
    once = perfplan.to_arrow(FIXTURES[:3])
    with pytest.warns(perfplan.ConversionWarning, match=r"bad\.pdf: .*\(not_pdf\); left out"):
        twice = perfplan.to_arrow(FIXTURES[:3] + FIXTURES[:3] + [bad])
    assert {k: t.num_rows for k, t in once.items()} == {k: t.num_rows for k, t in twice.items()}
    assert once["objectives"].num_rows > 0


def test_to_arrow_on_error_modes(tmp_path, recwarn):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"hello")
    # raise: the file's own exception class, for a path and for a failed Result
    with pytest.raises(perfplan.NotPdfError, match="bad.pdf"):
        perfplan.to_arrow([FIXTURES[0], bad], on_error="raise")
    failed = perfplan.convert_result(bad)
    assert not failed.ok
    with pytest.raises(perfplan.NotPdfError, match="bad.pdf"):
        perfplan.to_arrow([failed], on_error="raise")
    # ignore: left out without a warning
    recwarn.clear()
    quiet = perfplan.to_arrow([FIXTURES[0], bad, failed], on_error="ignore")
    assert not [w for w in recwarn if issubclass(w.category, perfplan.ConversionWarning)]
    assert quiet["objectives"].num_rows == perfplan.to_arrow([FIXTURES[0]])["objectives"].num_rows
    # warn: one warning per failed file, a Result's too
    with pytest.warns(perfplan.ConversionWarning) as caught:
        perfplan.to_arrow([bad, failed])
    assert len(caught) == 2
    with pytest.raises(ValueError, match="on_error"):
        perfplan.to_arrow([], on_error="skip")


def test_to_arrow_converts_paths_on_threads_in_input_order(tmp_path):
    one = perfplan.to_arrow(FIXTURES, jobs=1)
    three = perfplan.to_arrow(FIXTURES, jobs=3)
    assert {k: t.to_pylist() for k, t in one.items()} == {k: t.to_pylist() for k, t in three.items()}
    # raise: the first failed file in input order, whichever thread met it first
    bad1, bad2 = tmp_path / "bad1.pdf", tmp_path / "bad2.pdf"
    bad1.write_bytes(b"%PDF-1.4\n%%EOF\n")
    bad2.write_bytes(b"hello")
    for jobs in (1, 2, 4):
        with pytest.raises(perfplan.DamagedError, match="bad1.pdf"):
            perfplan.to_arrow(FIXTURES[:5] + [bad1, bad2] + FIXTURES[5:], jobs=jobs, on_error="raise")


def test_to_arrow_rejects_a_dict_that_is_not_a_document():
    with pytest.raises(ValueError, match="item 1: not a perfplan document"):
        perfplan.to_arrow([perfplan.convert(FIXTURES[0]), {"objectives": "nope"}])
