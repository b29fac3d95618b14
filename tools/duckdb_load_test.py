#!/usr/bin/env python3
"""Load test: perfplan's NDJSON, CSV tables and Parquet tables in DuckDB.

    python3 tools/duckdb_load_test.py [--bin target/release/perfplan] [PDF_DIR ...]

Converts the PDFs (default: fixtures/) three ways in one batch each, loads every
output into DuckDB (the `duckdb` package from PyPI) and checks that they describe
the same data:

* counts of documents, objectives, DUP links and indicators are equal;
* per objective (source file and code), the number of indicators and the sum of
  `target.value` are equal (to 1e-9 relative);
* the objective keys of the CSV and Parquet tables are the same set, unique, and
  equal to the key recomputed in SQL from the NDJSON (`document_key` is the first
  16 hex digits of SHA-256 over file name, newline, file SHA-256, plus `-n`, the
  objective's position in its document);
* Parquet columns have the documented types (integers, doubles, dates, booleans,
  lists).

Exit status 0 when everything agrees, 1 with a list of differences otherwise, 2 on
a usage or setup problem (perfplan failed, duckdb missing).
"""
import argparse
import math
import os
import subprocess
import sys
import tempfile


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode not in (0, 1):  # 1: some file failed; still a complete output
        sys.stderr.write(r.stderr)
        sys.exit(f"duckdb_load_test: {' '.join(cmd)} exited {r.returncode}")
    return r


def corrupt_one_value(path):
    """Add 1 to the first non-empty target_value of a CSV indicators table."""
    import csv

    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    col = rows[0].index("target_value")
    for row in rows[1:]:
        if row[col]:
            row[col] = repr(float(row[col]) + 1.0)
            break
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\r\n").writerows(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default="target/release/perfplan")
    ap.add_argument("inputs", nargs="*", default=["fixtures"])
    ap.add_argument(
        "--corrupt",
        action="store_true",
        help="change one target value in the CSV indicators before loading: the test must then fail (exit 1)",
    )
    args = ap.parse_args()
    try:
        import duckdb
    except ImportError:
        sys.exit("duckdb_load_test: the duckdb Python package is missing (pip install duckdb)")
    if not os.path.exists(args.bin):
        sys.exit(f"duckdb_load_test: no perfplan binary at {args.bin}")

    tmp = tempfile.mkdtemp(prefix="perfplan-duckdb-")
    nd = os.path.join(tmp, "all.ndjson")
    csv_dir = os.path.join(tmp, "csv")
    pq_dir = os.path.join(tmp, "parquet")
    run([args.bin, "convert", *args.inputs, "--format", "ndjson", "--out", nd, "-q"])
    run([args.bin, "convert", *args.inputs, "--tables", csv_dir, "-q"])
    run([args.bin, "convert", *args.inputs, "--tables", pq_dir, "--tables-format", "parquet", "-q"])

    if args.corrupt:
        corrupt_one_value(os.path.join(csv_dir, "indicators.csv"))

    con = duckdb.connect()
    con.execute(f"CREATE VIEW nd AS SELECT * FROM read_json('{nd}', format = 'newline_delimited', records = true)")
    for name in ("objectives", "dup_links", "indicators"):
        # Empty strings stay empty strings: only an unquoted empty field is NULL.
        con.execute(
            f"CREATE VIEW csv_{name} AS SELECT * FROM read_csv('{csv_dir}/{name}.csv', header = true, "
            f"allow_quoted_nulls = false, auto_detect = true)"
        )
        con.execute(f"CREATE VIEW pq_{name} AS SELECT * FROM read_parquet('{pq_dir}/{name}.parquet')")

    problems = []

    def one(sql):
        return con.execute(sql).fetchall()

    # --- counts
    counts = {
        "ndjson": one(
            "SELECT count(DISTINCT (source.file, source.sha256)), count(*), "
            "coalesce(sum(len(dup_links)), 0), coalesce(sum(len(indicators)), 0) FROM nd"
        )[0],
    }
    for fmt in ("csv", "pq"):
        counts[fmt] = one(
            f"SELECT (SELECT count(DISTINCT document_key) FROM {fmt}_objectives), "
            f"(SELECT count(*) FROM {fmt}_objectives), (SELECT count(*) FROM {fmt}_dup_links), "
            f"(SELECT count(*) FROM {fmt}_indicators)"
        )[0]
    print("documents, objectives, dup links, indicators:", {k: tuple(v) for k, v in counts.items()})
    if not (tuple(counts["ndjson"]) == tuple(counts["csv"]) == tuple(counts["pq"])):
        problems.append(f"counts differ: {counts}")
    if counts["ndjson"][1] == 0:
        problems.append("no objectives at all: nothing was compared")

    # --- per objective: indicators and the sum of target.value
    per = {
        "ndjson": one(
            "SELECT source.file, code, count(i.value), sum(CAST(i.value.target.value AS DOUBLE)) "
            "FROM nd LEFT JOIN LATERAL unnest(indicators) AS i(value) ON true GROUP BY ALL"
        ),
    }
    for fmt in ("csv", "pq"):
        per[fmt] = one(
            f"SELECT o.source_file, o.code, count(i.objective_key), sum(i.target_value) "
            f"FROM {fmt}_objectives o LEFT JOIN {fmt}_indicators i USING (objective_key) GROUP BY ALL"
        )

    def table(rows):
        return {(f, c): (n, s) for f, c, n, s in rows}

    base = table(per["ndjson"])
    for fmt in ("csv", "pq"):
        other = table(per[fmt])
        if base.keys() != other.keys():
            problems.append(f"{fmt}: objectives differ from NDJSON: {sorted(set(base) ^ set(other))[:5]}")
        for k in base.keys() & other.keys():
            (n1, s1), (n2, s2) = base[k], other[k]
            same_sum = (s1 is None and s2 is None) or (
                s1 is not None and s2 is not None and math.isclose(s1, s2, rel_tol=1e-9, abs_tol=1e-9)
            )
            if n1 != n2 or not same_sum:
                problems.append(f"{fmt}: {k}: indicators {n2} vs {n1}, sum(target.value) {s2} vs {s1}")
    total = sum(s for _, s in base.values() if s is not None)
    print(f"objectives compared: {len(base)}; sum of target.value over all: {total:.6f}")

    # --- keys
    keys = {}
    for fmt in ("csv", "pq"):
        rows = one(f"SELECT objective_key FROM {fmt}_objectives")
        keys[fmt] = [r[0] for r in rows]
        if len(set(keys[fmt])) != len(keys[fmt]):
            problems.append(f"{fmt}: objective keys are not unique")
    if set(keys["csv"]) != set(keys["pq"]):
        problems.append("objective keys differ between CSV and Parquet")
    # keys from the NDJSON side, recomputed in SQL: no reliance on row order
    bad_keys = one(
        "SELECT count(*) FROM csv_objectives WHERE document_key <> "
        "substr(sha256(source_file || chr(10) || source_sha256), 1, 16) "
        "OR objective_key <> document_key || '-' || position"
    )[0][0]
    if bad_keys:
        problems.append(f"{bad_keys} objective keys are not the documented function of file name, SHA-256 and position")
    gaps = one(
        "SELECT count(*) FROM (SELECT document_key, min(position) AS lo, max(position) AS hi, count(*) AS n "
        "FROM csv_objectives GROUP BY ALL) WHERE lo <> 1 OR hi <> n"
    )[0][0]
    nd_docs = dict(
        ((r[0], r[1]), r[2]) for r in one("SELECT source.file, source.sha256, count(*) FROM nd GROUP BY ALL")
    )
    tb_docs = dict(
        ((r[0], r[1]), r[2]) for r in one("SELECT source_file, source_sha256, count(*) FROM csv_objectives GROUP BY ALL")
    )
    if gaps or nd_docs != tb_docs:
        problems.append("objective positions are not 1..n per document, or documents differ from the NDJSON")
    orphans = one("SELECT count(*) FROM pq_indicators i ANTI JOIN pq_objectives o USING (objective_key)")[0][0]
    orphans += one("SELECT count(*) FROM pq_dup_links d ANTI JOIN pq_objectives o USING (objective_key)")[0][0]
    if orphans:
        problems.append(f"{orphans} indicator or DUP-link rows without their objective")

    # --- Parquet types
    want = {
        ("objectives", "year"): "INTEGER",
        ("objectives", "first_page"): "INTEGER",
        ("indicators", "target_value"): "DOUBLE",
        ("indicators", "target_date"): "DATE",
        ("indicators", "target_boolean"): "BOOLEAN",
        ("dup_links", "refs"): "VARCHAR[]",
    }
    for (t, col), typ in want.items():
        got = dict((r[0], r[1]) for r in one(f"DESCRIBE pq_{t}"))[col]
        if got != typ:
            problems.append(f"parquet {t}.{col} is {got}, expected {typ}")
    dates = one("SELECT count(target_date) FROM pq_indicators")[0][0]
    nd_dates = one(
        "SELECT count(i.value.target.date) FROM nd, unnest(indicators) AS i(value)"
    )[0][0]
    if dates != nd_dates:
        problems.append(f"parquet has {dates} target dates, NDJSON {nd_dates}")

    if problems:
        print(f"duckdb_load_test: FAILED (outputs kept in {tmp})", file=sys.stderr)
        for p in problems:
            print("  " + p, file=sys.stderr)
        return 1
    import shutil

    shutil.rmtree(tmp, ignore_errors=True)
    print("duckdb_load_test: OK (NDJSON, CSV and Parquet agree)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
